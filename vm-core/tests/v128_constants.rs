//! `v128` values in constant expressions: `v128.const` and `global.get` of a `v128` global as
//! fields of `struct.new` and elements of `array.new`/`array.new_fixed` in global initializers
//! (two stack entries each in the constant evaluator, as in frame slots), next to fields of other
//! types, so each value lands whole and nothing around it moves.

use silo_core::*;

const MODULE: &str = r#"(module
  (type $s (struct (field i32) (field v128) (field i64) (field v128)))
  (type $a (array (mut v128)))
  (global $v v128 (v128.const i64x2 0x1111 0x2222))
  (global $gs (ref $s)
    (struct.new $s (i32.const 7) (v128.const i64x2 1 2) (i64.const 9) (global.get $v)))
  (global $ga (ref $a) (array.new $a (global.get $v) (i32.const 3)))
  (global $gf (ref $a) (array.new_fixed $a 2 (v128.const i64x2 3 4) (global.get $v)))
  (func (export "s") (result i32 v128 i64 v128)
    (struct.get $s 0 (global.get $gs))
    (struct.get $s 1 (global.get $gs))
    (struct.get $s 2 (global.get $gs))
    (struct.get $s 3 (global.get $gs)))
  (func (export "a") (param i32) (result v128) (array.get $a (global.get $ga) (local.get 0)))
  (func (export "f") (param i32) (result v128) (array.get $a (global.get $gf) (local.get 0)))
  (func (export "len") (param i32) (result i32)
    (array.len (select (result (ref $a)) (global.get $ga) (global.get $gf) (local.get 0))))
)"#;

const V: u128 = 0x2222 << 64 | 0x1111;

#[test]
fn v128_values_in_constant_allocations_land_whole() {
    let engine = Engine::default();
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let call = |store: &mut Store<()>, name: &str, args: &[Val], n: usize| {
        let f = instance.get_func(&*store, name).unwrap();
        let mut results = vec![Val::I32(0); n];
        f.call(store, args, &mut results).unwrap();
        results
    };
    let s = call(&mut store, "s", &[], 4);
    assert_eq!(s[0].i32(), Some(7));
    assert_eq!(s[1].v128(), Some(2 << 64 | 1));
    assert_eq!(s[2].i64(), Some(9));
    assert_eq!(s[3].v128(), Some(V));
    for i in 0..3 {
        assert_eq!(call(&mut store, "a", &[Val::I32(i)], 1)[0].v128(), Some(V), "array.new [{i}]");
    }
    assert_eq!(call(&mut store, "f", &[Val::I32(0)], 1)[0].v128(), Some(4 << 64 | 3));
    assert_eq!(call(&mut store, "f", &[Val::I32(1)], 1)[0].v128(), Some(V));
    assert_eq!(call(&mut store, "len", &[Val::I32(1)], 1)[0].i32(), Some(3));
    assert_eq!(call(&mut store, "len", &[Val::I32(0)], 1)[0].i32(), Some(2));
}
