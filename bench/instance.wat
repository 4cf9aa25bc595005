;; The small module of the instantiation benchmark (benches/instantiate.rs) and of
;; examples/instance_density.rs: a few functions, one memory of one page (no maximum, so
;; Silo reserves 4 GiB of address space for it and commits one page), a table, a
;; mutable global and a data segment. No imports.
(module
  (type $bin (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "table") 4 funcref)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (data (i32.const 16) "Silo instantiation benchmark: a data segment of some length.")
  (elem (i32.const 0) $add $sub $load)
  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
  (func $load (type $bin) (i32.add (i32.load (local.get 0)) (local.get 1)))
  (func (export "call") (param $which i32) (param $a i32) (param $b i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call_indirect (type $bin) (local.get $a) (local.get $b) (local.get $which))))
