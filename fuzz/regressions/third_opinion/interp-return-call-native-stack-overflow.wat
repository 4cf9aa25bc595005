(module
  (type (;0;) (func))
  (export "||||||||||||||||||||||||||5555555555555555555555555555555555" (func 0))
  (export "5555555555555555(5555[[[[[[\u{0}[[[[" (func 1))
  (export "" (func 2))
  (export "3" (func 3))
  (start 3)
  (func (;0;) (type 0)
    return_call 0
  )
  (func (;1;) (type 0)
    return_call 3
    return_call 2
    return_call 3
    return_call 3
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    call 0
    block ;; label = @1
      br 1
      br 1
      br 0 (;@1;)
    end
  )
  (func (;2;) (type 0))
  (func (;3;) (type 0))
)
