;; open_files_bomb: opens its first pre-open's directory (fd 3) again and again, keeping every
;; descriptor, until path_open fails; prints "path_open failed after N opens: errno E" and exits
;; with status 2. Needs one pre-opened directory; under an open-files quota of Q, N = Q and
;; E = 33 (EMFILE).
;; Memory layout: 0..4 the new fd, 8 the path ".", 16..28 iovec + nwritten, 32..48 digits, 64.. text.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) ".")
  (data (i32.const 64) "path_open failed after ")
  (data (i32.const 96) " opens: errno ")
  (data (i32.const 112) "\n")
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
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
    (local $opened i32)
    (local $errno i32)
    (loop $open
      ;; path_open(3, no lookup flags, ".", O_DIRECTORY, no rights, no rights, no fdflags, fd at 0)
      (local.set $errno
        (call $path_open (i32.const 3) (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 2)
          (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
      (if (i32.eqz (local.get $errno))
        (then
          (local.set $opened (i32.add (local.get $opened) (i32.const 1)))
          (br $open))))
    (call $print (i32.const 64) (i32.const 23))
    (call $print_u32 (local.get $opened))
    (call $print (i32.const 96) (i32.const 14))
    (call $print_u32 (local.get $errno))
    (call $print (i32.const 112) (i32.const 1))
    (call $proc_exit (i32.const 2))))
