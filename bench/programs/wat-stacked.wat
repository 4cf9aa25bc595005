;; The wat-loop computation with its state on the operand stack, as code generators that use
;; multi-value blocks emit it: the running sum is the loop's parameter, and a value waits below
;; the loop for the whole run. The loop runs in one call, so a tiered engine must carry that
;; call over to native code at the loop header with the stack as it is.
;; run(n) = n + (sum of i*i over odd i < n minus the sum of even i < n)  (mod 2^32).
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    local.get $n
    i32.const 0
    local.get $n
    i32.eqz
    if (param i32) (result i32)
    else
      loop $next (param i32) (result i32)
        local.set $s
        local.get $i
        i32.const 1
        i32.and
        if (result i32)
          local.get $s
          local.get $i
          local.get $i
          i32.mul
          i32.add
        else
          local.get $s
          local.get $i
          i32.sub
        end
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $n
        i32.lt_u
        br_if $next
      end
    end
    i32.add))
