;; stdout_flood: writes 1 KiB lines (1023 'x' and a newline) to fd 1 forever. If fd_write
;; reports an error (e.g. an output quota surfaced as an errno) it exits with status 3; an output
;; quota may also trap the store. Without a quota it never ends.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (memory.fill (i32.const 1024) (i32.const 120) (i32.const 1023))
    (i32.store8 (i32.const 2047) (i32.const 10))
    (i32.store (i32.const 16) (i32.const 1024))
    (i32.store (i32.const 20) (i32.const 1024))
    (loop $flood
      (br_if $flood
        (i32.eqz (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
    (call $proc_exit (i32.const 3))))
