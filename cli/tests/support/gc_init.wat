;; A guest whose initializer leaves objects of the garbage-collected heap in globals and a table:
;; a list of 100 nodes closed into a cycle, an immutable global's object whose mutable field it
;; changes, a struct pointing into the list, a byte array, an object made external, a function
;; reference and an i31. `digest` reads all of it; `digest_after_init` initializes first (what
;; an uninitialized run does). See cli/tests/cli_init.rs.
(module
  (type $node (struct (field $v (mut i32)) (field $next (mut (ref null $node)))))
  (type $pair (struct (field $a (ref $node)) (field $b i64)))
  (type $bytes (array (mut i8)))
  (type $objs (array (mut anyref)))
  (type $fn (func (result i32)))
  (global $list (mut (ref null $node)) (ref.null $node))
  (global $fixed (ref $node) (struct.new $node (i32.const 5) (ref.null $node)))
  (global $pair (mut (ref null $pair)) (ref.null $pair))
  (global $buf (mut (ref null $bytes)) (ref.null $bytes))
  (global $ext (mut externref) (ref.null extern))
  (global $f (mut funcref) (ref.null func))
  (table $t 4 anyref)
  (elem declare func $seven)
  (func $seven (type $fn) (i32.const 7))
  (func (export "wizer.initialize") (local $i i32) (local $n (ref null $node))
    (loop $more
      (global.set $list (struct.new $node (local.get $i) (global.get $list)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 100))))
    ;; a cycle: the last node points at the head
    (local.set $n (global.get $list))
    (block $end (loop $walk
      (br_if $end (ref.is_null (struct.get $node $next (local.get $n))))
      (local.set $n (struct.get $node $next (local.get $n)))
      (br $walk)))
    (struct.set $node $next (local.get $n) (global.get $list))
    ;; the immutable global's object changes
    (struct.set $node $v (global.get $fixed) (i32.const 42))
    (global.set $pair (struct.new $pair (ref.as_non_null (global.get $list)) (i64.const -9)))
    (global.set $buf (array.new $bytes (i32.const 3) (i32.const 300)))
    (array.set $bytes (global.get $buf) (i32.const 299) (i32.const 77))
    (global.set $ext (extern.convert_any (global.get $fixed)))
    (global.set $f (ref.func $seven))
    (table.set $t (i32.const 1) (global.get $pair))
    (table.set $t (i32.const 2) (ref.i31 (i32.const 11))))
  (func (export "digest_after_init") (result i64) (call 1) (call $digest))
  (func $digest (export "digest") (result i64) (local $s i64) (local $n (ref null $node)) (local $k i32)
    ;; 100 nodes around the cycle
    (local.set $n (global.get $list))
    (loop $walk
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 3))
        (i64.extend_i32_u (struct.get $node $v (local.get $n)))))
      (local.set $n (struct.get $node $next (local.get $n)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $walk (i32.lt_u (local.get $k) (i32.const 100))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
      (ref.eq (local.get $n) (global.get $list)))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (struct.get $node $v (global.get $fixed)))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (ref.eq
      (ref.cast (ref eq) (any.convert_extern (global.get $ext))) (global.get $fixed)))))
    (local.set $s (i64.add (local.get $s) (struct.get $pair $b (ref.cast (ref $pair) (table.get $t (i32.const 1))))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (ref.eq
      (struct.get $pair $a (global.get $pair)) (global.get $list)))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
      (array.get_u $bytes (global.get $buf) (i32.const 299)))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
      (array.get_u $bytes (global.get $buf) (i32.const 5)))))
    (local.set $s (i64.add (local.get $s) (i64.extend_i32_s
      (i31.get_s (ref.cast (ref i31) (table.get $t (i32.const 2)))))))
    (i64.add (local.get $s) (i64.extend_i32_u (call_ref $fn (ref.cast (ref $fn) (global.get $f))))))
  (func (export "_start") (drop (call 2))))
