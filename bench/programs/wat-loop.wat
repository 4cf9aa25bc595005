;; A tight counted loop with a data-dependent branch, locals only:
;; run(n) = sum of i*i over odd i < n minus the sum of even i < n (mod 2^32).
;; Written as a flat instruction sequence, the way a compiler emits it.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    block $done
      local.get $n
      i32.eqz
      br_if $done
      loop $next
        local.get $i
        i32.const 1
        i32.and
        if
          local.get $s
          local.get $i
          local.get $i
          i32.mul
          i32.add
          local.set $s
        else
          local.get $s
          local.get $i
          i32.sub
          local.set $s
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
    local.get $s))
