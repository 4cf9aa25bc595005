;; Atomic read-modify-writes on one thread: `rounds` passes over two arrays of 1024 i32 words
;; in an unshared memory. Each word i of the first gets `i32.atomic.rmw.add` of i + 1; each
;; word of the second is raised by 2 with an `i32.atomic.load` and a `i32.atomic.rmw.cmpxchg`
;; retry loop (which, uncontended, succeeds at once). The old values are summed: the cost of
;; the locked instructions and of the alignment and bounds checks in front of them.
;; run(rounds) = rounds * (rounds - 1) / 2 * (1024 * 1025 / 2 + 2 * 1024), mod 2^32.
(module
  (memory 1)
  (func (export "run") (param $rounds i32) (result i32)
    (local $r i32) (local $addr i32) (local $sum i32) (local $seen i32) (local $old i32)
    (block $done
      (br_if $done (i32.eqz (local.get $rounds)))
      (loop $round
        (local.set $addr (i32.const 0))
        (loop $word
          ;; add: the old value is r * (i + 1).
          (local.set $sum
            (i32.add
              (local.get $sum)
              (i32.atomic.rmw.add
                (local.get $addr)
                (i32.add (i32.shr_u (local.get $addr) (i32.const 2)) (i32.const 1)))))
          ;; compare-exchange until the word read is the word replaced: the old value is 2r.
          (local.set $seen (i32.atomic.load offset=4096 (local.get $addr)))
          (block $swapped
            (loop $retry
              (local.set $old
                (i32.atomic.rmw.cmpxchg offset=4096
                  (local.get $addr)
                  (local.get $seen)
                  (i32.add (local.get $seen) (i32.const 2))))
              (br_if $swapped (i32.eq (local.get $old) (local.get $seen)))
              (local.set $seen (local.get $old))
              (br $retry)))
          (local.set $sum (i32.add (local.get $sum) (local.get $seen)))
          (local.set $addr (i32.add (local.get $addr) (i32.const 4)))
          (br_if $word (i32.lt_u (local.get $addr) (i32.const 4096))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $r) (local.get $rounds)))))
    (local.get $sum))
)
