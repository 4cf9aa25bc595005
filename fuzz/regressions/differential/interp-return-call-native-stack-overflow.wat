(module
  (type (;0;) (func))
  (export "" (func 0))
  (export "1" (func 1))
  (export "2" (func 2))
  (start 0)
  (func (;0;) (type 0)
    (local i32 i32 i32 i32)
    return_call 0
  )
  (func (;1;) (type 0))
  (func (;2;) (type 0))
)
