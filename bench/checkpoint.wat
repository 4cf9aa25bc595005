;; The guest of the checkpoint benchmark (bench/harness/checkpoints.py): `fill N` grows memory 0 to
;; N pages and fills every other page with pseudo-random bytes (half the pages stay zero, and the
;; data does not compress); `sum` folds every byte of memory into a checksum, to check a resumed
;; guest has the same memory; `nop` does nothing (the cost of a run without the work).
(module
  (memory 1)
  (func (export "fill") (param $pages i32) (result i32)
    (local $page i32) (local $at i32) (local $end i32) (local $x i64)
    (drop (memory.grow (i32.sub (local.get $pages) (memory.size))))
    (local.set $x (i64.const 0x9e3779b97f4a7c15))
    (block $done
      (loop $pages_loop
        (br_if $done (i32.ge_u (local.get $page) (local.get $pages)))
        (local.set $at (i32.shl (local.get $page) (i32.const 16)))
        (local.set $end (i32.add (local.get $at) (i32.const 65536)))
        (loop $words
          ;; xorshift64
          (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
          (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
          (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
          (i64.store (local.get $at) (local.get $x))
          (local.set $at (i32.add (local.get $at) (i32.const 8)))
          (br_if $words (i32.lt_u (local.get $at) (local.get $end))))
        (local.set $page (i32.add (local.get $page) (i32.const 2)))
        (br $pages_loop)))
    (memory.size))
  (func (export "sum") (result i64)
    (local $at i32) (local $end i32) (local $acc i64)
    (local.set $end (i32.shl (memory.size) (i32.const 16)))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $acc (i64.add (i64.rotl (local.get $acc) (i64.const 1)) (i64.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $words)))
    (local.get $acc))
  (func (export "nop")))
