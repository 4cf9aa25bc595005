;; busy_then_ok: a well-behaved guest. Runs a 1,000,000-step xorshift32 from seed 1, prints
;; "checksum: 1719427203" (the final state, in decimal) and returns from _start (exit status 0).
;; Uses one page of memory, no table growth, shallow calls: fit for running many at once.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "checksum: ")
  (data (i32.const 80) "\n")
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
  (func $xorshift (param $x i32) (result i32)
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
    (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
  (func (export "_start")
    (local $x i32)
    (local $i i32)
    (local.set $x (i32.const 1))
    (loop $step
      (local.set $x (call $xorshift (local.get $x)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $step (i32.lt_u (local.get $i) (i32.const 1000000))))
    (call $print (i32.const 64) (i32.const 10))
    (call $print_u32 (local.get $x))
    (call $print (i32.const 80) (i32.const 1))))
