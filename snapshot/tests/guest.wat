;; A guest with state everywhere, for checkpoint tests (snapshot/tests/checkpoint.rs) and the
;; checkpoint fuzz target (fuzz/src/checkpoint.rs): memory it grows, a table it fills, globals of
;; several types, and `step`, which folds all of them into its result.
(module
  (type $t (func (param i32) (result i32)))
  (memory 1 100)
  (table $tab 2 funcref)
  (global $steps (mut i32) (i32.const 0))
  (global $acc (mut i64) (i64.const 1))
  (global $last (mut (ref null $t)) (ref.null $t))
  (global $fixed i32 (i32.const 99))
  (data (i32.const 0) "seed")
  (elem declare func $double $triple)
  (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (type $t) (i32.mul (local.get 0) (i32.const 3)))
  ;; One step: grow memory every 4 steps, write the step further each time, alternate the
  ;; function in the table and in a global, fold everything into $acc.
  (func (export "step") (result i64) (local $s i32)
      (local.set $s (global.get $steps))
      (if (i32.eqz (i32.rem_u (local.get $s) (i32.const 4)))
          (then (drop (memory.grow (i32.const 1)))))
      (i32.store (i32.add (i32.mul (local.get $s) (i32.const 16384)) (i32.const 8)) (local.get $s))
      (if (i32.rem_u (local.get $s) (i32.const 2))
          (then (table.set $tab (i32.const 1) (ref.func $triple))
                (global.set $last (ref.func $triple)))
          (else (table.set $tab (i32.const 1) (ref.func $double))
                (global.set $last (ref.func $double))))
      (global.set $acc (i64.add
          (i64.mul (global.get $acc) (i64.const 31))
          (i64.extend_i32_u (i32.add
              (call_indirect $tab (type $t) (local.get $s) (i32.const 1))
              (call_ref $t (i32.load (i32.const 0)) (ref.as_non_null (global.get $last)))))))
      (global.set $steps (i32.add (local.get $s) (i32.const 1)))
      (global.get $acc)))
