;; A memory kernel: 65536 i32 words, `rounds` read-modify-write passes
;; (word[i] += i xor round), then a summing pass. Loads, stores, address
;; arithmetic and loop overhead, nothing else.
;; run(rounds) = sum over i < 65536 and r < rounds of (i xor r), mod 2^32.
(module
  (memory 4)
  (func (export "run") (param $rounds i32) (result i32)
    (local $r i32) (local $addr i32) (local $sum i32)
    (block $done
      (br_if $done (i32.eqz (local.get $rounds)))
      (loop $round
        (local.set $addr (i32.const 0))
        (loop $word
          (i32.store
            (local.get $addr)
            (i32.add
              (i32.load (local.get $addr))
              (i32.xor (i32.shr_u (local.get $addr) (i32.const 2)) (local.get $r))))
          (local.set $addr (i32.add (local.get $addr) (i32.const 4)))
          (br_if $word (i32.lt_u (local.get $addr) (i32.const 262144))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $round (i32.lt_u (local.get $r) (local.get $rounds)))))
    (local.set $addr (i32.const 0))
    (loop $sum_words
      (local.set $sum (i32.add (local.get $sum) (i32.load offset=0 (local.get $addr))))
      (local.set $addr (i32.add (local.get $addr) (i32.const 4)))
      (br_if $sum_words (i32.lt_u (local.get $addr) (i32.const 262144))))
    (local.get $sum)))
