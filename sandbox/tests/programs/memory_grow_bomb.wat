;; memory_grow_bomb: grows its linear memory one 64 KiB page at a time until memory.grow
;; returns -1, then prints "memory.grow failed at N pages" and exits with status 2.
;; Without a limit it stops at 65536 pages (4 GiB, the 32-bit maximum). Under a memory quota
;; of Q bytes either the grow fails (N = Q / 65536, exit 2) or the store traps; never more.
;; Memory layout: 0..16 scratch, 16..28 iovec + nwritten, 32..48 digits, 64.. text.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "memory.grow failed at ")
  (data (i32.const 96) " pages\n")
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
  (func (export "_start")
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (call $print (i32.const 64) (i32.const 22))
    (call $print_u32 (memory.size))
    (call $print (i32.const 96) (i32.const 7))
    (call $proc_exit (i32.const 2))))
