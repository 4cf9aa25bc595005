;; deep_recursion: prints "recursing" and then recurses without bound (not a tail call: each
;; frame adds 1 after the call returns). It must end in a stack-overflow / call-depth trap,
;; never a host crash; "returned" is never printed.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "recursing\n")
  (data (i32.const 80) "returned\n")
  ;; $print writes memory[ptr..ptr+len] to fd 1 (iovec at 16, nwritten at 24).
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  ;; $print_u32 prints n in decimal (digits built backwards in 32..48).
  (func $print_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 48) (local.get $p))))
  (func $down (param $n i32) (result i32)
    (i32.add (call $down (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func (export "_start")
    (call $print (i32.const 64) (i32.const 10))
    (drop (call $down (i32.const 0)))
    (call $print (i32.const 80) (i32.const 9))))
