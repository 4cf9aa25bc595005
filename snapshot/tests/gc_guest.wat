;; A guest whose state lives in the garbage-collected heap: a linked list it grows (mutable
;; global), a byte buffer and an array of references, a cycle, an object that two places share,
;; an immutable global's object (made at instantiation) whose mutable field changes, an `i31`,
;; an object made external, and a table of objects.
(module
  (type $node (struct (field $val (mut i32)) (field $next (mut (ref null $node)))))
  (type $bytes (array (mut i8)))
  (type $refs (array (mut anyref)))
  (type $box (struct (field $count (mut i64)) (field $f (mut funcref)) (field $v (mut v128))))
  (type $wide (array (mut f64)))
  (type $fn (func (param i32) (result i32)))

  (global $list (mut (ref null $node)) (ref.null $node))
  (global $buf (mut (ref null $bytes)) (ref.null $bytes))
  (global $all (mut (ref null $refs)) (ref.null $refs))
  (global $box (ref $box) (struct.new $box (i64.const 0) (ref.func $double) (v128.const i64x2 0 0)))
  (global $small (mut anyref) (ref.i31 (i32.const -5)))
  (global $ext (mut externref) (ref.null extern))
  (global $floats (mut (ref null $wide)) (ref.null $wide))
  (table $objs 4 anyref)
  (elem declare func $double)

  (func $double (type $fn) (i32.mul (local.get 0) (i32.const 2)))

  ;; One step: pushes a node, writes a byte, counts in the immutable global's box.
  (func (export "step") (param $i i32)
    (global.set $list (struct.new $node (local.get $i) (global.get $list)))
    (if (ref.is_null (global.get $buf))
      (then
        (global.set $buf (array.new_default $bytes (i32.const 64)))
        (global.set $floats (array.new $wide (f64.const 0.5) (i32.const 3)))
        (global.set $all (array.new_default $refs (i32.const 3)))
        ;; the list's head, the box, and a node pointing at itself
        (array.set $refs (global.get $all) (i32.const 0) (global.get $list))
        (array.set $refs (global.get $all) (i32.const 1) (global.get $box))
        (array.set $refs (global.get $all) (i32.const 2)
          (struct.new $node (i32.const 99) (ref.null $node)))
        (struct.set $node $next
          (ref.cast (ref $node) (array.get $refs (global.get $all) (i32.const 2)))
          (ref.cast (ref $node) (array.get $refs (global.get $all) (i32.const 2))))
        (table.set $objs (i32.const 0) (global.get $box))
        (table.set $objs (i32.const 1) (ref.i31 (i32.const 7)))
        (global.set $ext (extern.convert_any (global.get $list)))))
    (array.set $bytes (global.get $buf) (i32.rem_u (local.get $i) (i32.const 64))
      (i32.add (local.get $i) (i32.const 1)))
    (array.set $wide (global.get $floats) (i32.const 1)
      (f64.add (array.get $wide (global.get $floats) (i32.const 1)) (f64.const 1.25)))
    (struct.set $box $count (global.get $box)
      (i64.add (struct.get $box $count (global.get $box)) (i64.extend_i32_u (local.get $i))))
    (struct.set $box $v (global.get $box)
      (i64x2.add (struct.get $box $v (global.get $box)) (i64x2.splat (i64.const 3)))))

  ;; A digest of everything: the list's sum and length, the bytes, the box, the shared objects'
  ;; identity, the cycle, the i31, the external object, the table.
  (func (export "digest") (result i64)
    (local $n (ref null $node)) (local $sum i64) (local $k i32)
    (local.set $n (global.get $list))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $n)))
        (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 31))
          (i64.extend_i32_s (struct.get $node $val (local.get $n)))))
        (local.set $n (struct.get $node $next (local.get $n)))
        (br $walk)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $k) (array.len (global.get $buf))))
        (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 7))
          (i64.extend_i32_u (array.get_u $bytes (global.get $buf) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $bytes)))
    (local.set $sum (i64.add (local.get $sum) (struct.get $box $count (global.get $box))))
    (local.set $sum (i64.add (local.get $sum)
      (i64x2.extract_lane 1 (struct.get $box $v (global.get $box)))))
    (local.set $sum (i64.add (local.get $sum)
      (i64.trunc_f64_s (f64.mul (f64.const 100)
        (array.get $wide (global.get $floats) (i32.const 1))))))
    (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_s
      (call_ref $fn (i32.const 21)
        (ref.cast (ref $fn) (struct.get $box $f (global.get $box)))))))
    ;; shared: the array's first element is the list's first node still (when the list began)
    (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 3)) (i64.extend_i32_u
      (ref.eq (ref.cast (ref eq) (array.get $refs (global.get $all) (i32.const 1)))
              (global.get $box)))))
    (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 3)) (i64.extend_i32_u
      (ref.eq (ref.cast (ref eq) (table.get $objs (i32.const 0))) (global.get $box)))))
    ;; the cycle
    (local.set $n (ref.cast (ref $node) (array.get $refs (global.get $all) (i32.const 2))))
    (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 3)) (i64.extend_i32_u
      (ref.eq (local.get $n) (struct.get $node $next (local.get $n))))))
    ;; the external object is the array's first element
    (local.set $sum (i64.add (i64.mul (local.get $sum) (i64.const 3)) (i64.extend_i32_u
      (ref.eq (ref.cast (ref eq) (any.convert_extern (global.get $ext)))
              (ref.cast (ref eq) (array.get $refs (global.get $all) (i32.const 0)))))))
    (local.set $sum (i64.add (local.get $sum)
      (i64.extend_i32_s (i31.get_s (ref.cast (ref i31) (global.get $small))))))
    (i64.add (local.get $sum)
      (i64.extend_i32_s (i31.get_s (ref.cast (ref i31) (table.get $objs (i32.const 1))))))))
