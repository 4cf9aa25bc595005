;; Short-lived linked lists on the WebAssembly GC heap: build a list of `len` boxed integers,
;; map it to a new list (one allocation per node), sum it, drop both; `run n` does it n times
;; with lists of 1000 nodes and returns the sum of every sum.
(module
  (type $node (struct (field $value i64) (field $next (ref null $node))))

  (func $build (param $len i32) (param $seed i64) (result (ref null $node))
    (local $list (ref null $node))
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $list
          (struct.new $node (i64.add (local.get $seed) (i64.extend_i32_u (local.get $len)))
                            (local.get $list)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $more)))
    (local.get $list))

  ;; A new list of each value times three, in the same order (built back to front by recursion).
  (func $triple (param $l (ref null $node)) (result (ref null $node))
    (if (result (ref null $node)) (ref.is_null (local.get $l))
      (then (ref.null $node))
      (else
        (struct.new $node
          (i64.mul (struct.get $node $value (local.get $l)) (i64.const 3))
          (call $triple (struct.get $node $next (local.get $l)))))))

  (func $sum (param $l (ref null $node)) (result i64)
    (local $total i64)
    (block $done
      (loop $more
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $total (i64.add (local.get $total) (struct.get $node $value (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $more)))
    (local.get $total))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $total i64)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $total (i64.add (local.get $total)
          (call $sum (call $triple (call $build (i32.const 1000) (i64.extend_i32_u (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $round)))
    (i32.wrap_i64 (local.get $total)))
)
