;; A guest whose state is in the garbage-collected heap, for checkpoint timings: `fill N` builds a
;; list of N nodes (an i64 and a link each) and, every 64th node, a 256-byte array beside it;
;; `sum` walks the list (resumed from a checkpoint, it reads every restored object once).
(module
  (type $bytes (array (mut i8)))
  (type $node (struct (field $v i64) (field $data (ref null $bytes)) (field $next (ref null $node))))
  (global $list (mut (ref null $node)) (ref.null $node))
  (func (export "fill") (param $n i32) (local $i i32) (local $data (ref null $bytes))
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $data (ref.null $bytes))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 63)))
          (then (local.set $data (array.new $bytes (local.get $i) (i32.const 256)))))
        (global.set $list (struct.new $node (i64.extend_i32_u (local.get $i)) (local.get $data)
          (global.get $list)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more))))
  (func (export "sum") (result i64) (local $n (ref null $node)) (local $s i64)
    (local.set $n (global.get $list))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $n)))
        (local.set $s (i64.add (local.get $s) (struct.get $node $v (local.get $n))))
        (if (i32.eqz (ref.is_null (struct.get $node $data (local.get $n))))
          (then (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
            (array.get_u $bytes (struct.get $node $data (local.get $n)) (i32.const 7)))))))
        (local.set $n (struct.get $node $next (local.get $n)))
        (br $walk)))
    (local.get $s)))
