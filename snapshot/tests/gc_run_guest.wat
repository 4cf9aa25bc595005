;; A run whose frames hold objects of the garbage-collected heap (tests/gc_checkpoints.rs, and the
;; checkpoint fuzz target): each level of the recursion keeps a node (also pushed on the list it
;; passes down), an array, an `i31` and a typed function reference across the host call and the
;; recursive call, with an object on the operand stack across both; garbage is allocated on the
;; way down and on the way up, so collections move what the frames hold.
(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $arr (array (mut i32)))
  (type $fn (func (param i32) (result i32)))
  (global $keep (mut (ref null $node)) (ref.null $node))
  (elem declare func $sq)
  (func $sq (type $fn) (i32.mul (local.get 0) (local.get 0)))
  (func $pair (param $x (ref $node)) (param $y i32) (result i32)
    (i32.add (struct.get $node $v (local.get $x)) (local.get $y)))
  (func $rec (param $n i32) (param $list (ref null $node)) (result i32)
    (local $here (ref null $node)) (local $a (ref null $arr)) (local $small i31ref)
    (local $f (ref null $fn))
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $sum (local.get $list)))
      (else
        (local.set $here (struct.new $node (local.get $n) (local.get $list)))
        (local.set $a (array.new $arr (local.get $n) (i32.const 3)))
        (local.set $small (ref.i31 (i32.mul (local.get $n) (i32.const -3))))
        (local.set $f (ref.func $sq))
        (global.set $keep (local.get $here))
        ;; garbage on the way down: collections move what the frames below hold
        (drop (call $churn (local.get $n)))
        (i32.add
          (call $pair (ref.as_non_null (local.get $here)) (call $tick (local.get $n)))
          (i32.add
            (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $here))
            (i32.add
              (i32.add (call $churn (local.get $n))
                (array.get $arr (local.get $a) (i32.const 2)))
              (i32.add (i31.get_s (local.get $small))
                (call_ref $fn (local.get $n) (local.get $f)))))))))
  (func $churn (param $n i32) (result i32) (local $i i32) (local $l (ref null $node))
    (loop $more
      (local.set $l (struct.new $node (local.get $i) (local.get $l)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 64))) (then (local.set $l (ref.null $node))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 20000))))
    (struct.get $node $v (ref.as_non_null (local.get $l))))
  (func $sum (param $l (ref null $node)) (result i32) (local $s i32)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 3))
          (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $walk)))
    (local.get $s))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $rec (local.get 0) (ref.null $node)) (struct.get $node $v (global.get $keep)))))
