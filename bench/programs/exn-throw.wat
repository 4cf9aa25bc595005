;; Throw-heavy: `run n` throws an exception n times, each from 10 calls down, caught by a
;; `try_table` in the loop; returns the sum of the payloads (0 + 1 + ... + n-1, mod 2^32).
(module
  (tag $found (param i32))

  ;; Recurses `depth` times, then throws `v`.
  (func $down (param $depth i32) (param $v i32)
    (if (i32.eqz (local.get $depth))
      (then (throw $found (local.get $v))))
    (call $down (i32.sub (local.get $depth) (i32.const 1)) (local.get $v)))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $caught (result i32)
          (try_table (catch $found $caught)
            (call $down (i32.const 9) (local.get $i)))
          (unreachable))
        (local.set $sum (i32.add (local.get $sum)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $sum))
)
