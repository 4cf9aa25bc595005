;; An array of structs sorted by a field: `run n` fills an array with n records (key from a
;; full-period linear congruential generator, so all distinct; payload its index), sorts them by
;; unsigned key with a heap sort (struct reads and array element swaps), and returns a checksum
;; of the payloads in sorted order.
(module
  (type $rec (struct (field $key i32) (field $payload i32)))
  (type $recs (array (mut (ref null $rec))))

  (func $key (param $a (ref $recs)) (param $i i32) (result i32)
    (struct.get $rec $key (array.get $recs (local.get $a) (local.get $i))))

  (func $swap (param $a (ref $recs)) (param $i i32) (param $j i32)
    (local $t (ref null $rec))
    (local.set $t (array.get $recs (local.get $a) (local.get $i)))
    (array.set $recs (local.get $a) (local.get $i) (array.get $recs (local.get $a) (local.get $j)))
    (array.set $recs (local.get $a) (local.get $j) (local.get $t)))

  (func $sift (param $a (ref $recs)) (param $root i32) (param $end i32)
    (local $child i32)
    (block $done
      (loop $down
        (local.set $child (i32.add (i32.shl (local.get $root) (i32.const 1)) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $child) (local.get $end)))
        (if (i32.lt_u (i32.add (local.get $child) (i32.const 1)) (local.get $end))
          (then
            (if (i32.lt_u (call $key (local.get $a) (local.get $child))
                          (call $key (local.get $a) (i32.add (local.get $child) (i32.const 1))))
              (then (local.set $child (i32.add (local.get $child) (i32.const 1)))))))
        (br_if $done (i32.ge_u (call $key (local.get $a) (local.get $root))
                               (call $key (local.get $a) (local.get $child))))
        (call $swap (local.get $a) (local.get $root) (local.get $child))
        (local.set $root (local.get $child))
        (br $down))))

  (func (export "run") (param $n i32) (result i32)
    (local $a (ref $recs)) (local $i i32) (local $seed i32) (local $sum i32)
    (local.set $a (array.new_default $recs (local.get $n)))
    (local.set $seed (i32.const 12345))
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1103515245)) (i32.const 12345)))
        (array.set $recs (local.get $a) (local.get $i)
          (struct.new $rec (local.get $seed) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    ;; Heapify, then move the largest to the end repeatedly.
    (local.set $i (i32.shr_u (local.get $n) (i32.const 1)))
    (block $heaped
      (loop $heapify
        (br_if $heaped (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (call $sift (local.get $a) (local.get $i) (local.get $n))
        (br $heapify)))
    (local.set $i (local.get $n))
    (block $sorted
      (loop $extract
        (br_if $sorted (i32.le_u (local.get $i) (i32.const 1)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (call $swap (local.get $a) (i32.const 0) (local.get $i))
        (call $sift (local.get $a) (i32.const 0) (local.get $i))
        (br $extract)))
    (local.set $i (i32.const 0))
    (block $summed
      (loop $sum
        (br_if $summed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (i32.mul (local.get $sum) (i32.const 31))
          (struct.get $rec $payload (array.get $recs (local.get $a) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sum)))
    (local.get $sum))
)
