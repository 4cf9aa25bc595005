;; Handlers that rarely fire: `run n` makes n calls, each inside a `try_table` (as code compiled
;; from `try` blocks does around every call that may throw); one call in 1024 throws. Returns the
;; sum of what the calls returned plus what the handler caught (mod 2^32). Entering a handler
;; block should cost nothing: this runs as fast as the same loop without one.
(module
  (tag $rare (param i32))

  ;; A little work, and a throw when `i` is a multiple of 1024.
  (func $step (param $i i32) (result i32)
    (if (i32.eqz (i32.and (local.get $i) (i32.const 1023)))
      (then (throw $rare (local.get $i))))
    (i32.add (i32.mul (local.get $i) (i32.const 3)) (i32.const 1)))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $next
          (block $caught (result i32)
            (try_table (catch $rare $caught)
              (local.set $sum (i32.add (local.get $sum) (call $step (local.get $i)))))
            (br $next))
          (local.set $sum (i32.add (local.get $sum))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $sum))
)
