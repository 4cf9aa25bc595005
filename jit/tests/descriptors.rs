//! Custom descriptors in every engine: objects made with `struct.new_desc` and
//! `struct.new_default_desc` (in code and in a global's initializer) keep their descriptor while
//! the collector moves everything at every allocation (`Config::gc_zeal`); `ref.get_desc`,
//! `ref.cast_desc_eq` and `br_on_cast_desc_eq[_fail]` find it; a null or wrong descriptor traps
//! with the spec's message.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, TrapCode};

fn engine(strategy: Strategy, zeal: bool) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
    config.tier_up_after(1).background_compilation(false).gc_zeal(zeal);
    config.wasm_feature_by_name("custom-descriptors", true).unwrap();
    Engine::new(&config)
}

/// Shapes whose descriptors act as vtables: a tag in every descriptor, a scale in a circle's.
/// `run n` makes `n` shapes (every third a circle, the others plain shapes with one of two
/// descriptors, one of them made by `struct.new_default_desc`) with garbage between them, then
/// sums over them: each shape's tag through `ref.get_desc`, a circle's radius times its scale
/// where `br_on_cast_desc_eq` finds the circle descriptor, `x` where `ref.cast_desc_eq` with
/// the first plain descriptor passes, and 1000 for each shape `br_on_cast_desc_eq_fail` turns
/// away from that descriptor.
const PROGRAM: &str = r#"(module
  (rec
    (type $shape (sub (descriptor $vt) (struct (field $x i32) (field $y i64))))
    (type $vt (sub (describes $shape) (struct (field $tag i32))))
    (type $circle (sub $shape (descriptor $cvt)
      (struct (field $x i32) (field $y i64) (field $r i32))))
    (type $cvt (sub $vt (describes $circle) (struct (field $tag i32) (field $scale i32)))))
  (type $junk (array (mut i8)))
  (type $shapes (array (mut (ref null $shape))))

  (global $vt1 (ref (exact $vt)) (struct.new $vt (i32.const 10)))
  (global $vt2 (ref (exact $vt)) (struct.new $vt (i32.const 20)))
  (global $cvt (ref (exact $cvt)) (struct.new $cvt (i32.const 30) (i32.const 3)))
  (global $first (ref $shape)
    (struct.new_desc $shape (i32.const 7) (i64.const 2) (global.get $vt1)))

  ;; Descriptors made after garbage, held only by locals and by the shapes: a collection moves
  ;; them, and every shape's descriptor field must follow.
  (func $make (param $i i32) (param $d1 (ref (exact $vt))) (param $d2 (ref (exact $vt)))
      (param $dc (ref (exact $cvt))) (result (ref $shape))
    (drop (array.new_default $junk (i32.const 40)))
    (if (result (ref $shape)) (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
      (then (struct.new_desc $circle (local.get $i) (i64.extend_i32_u (local.get $i))
        (i32.const 5) (local.get $dc)))
      (else (if (result (ref $shape)) (i32.rem_u (local.get $i) (i32.const 2))
        (then (struct.new_desc $shape (local.get $i) (i64.const 0) (local.get $d1)))
        (else (struct.new_default_desc $shape (local.get $d2)))))))

  (func $radius (param $s (ref null $shape)) (param $dc (ref (exact $cvt))) (result i32)
    (block $circle (result (ref $circle))
      (br_on_cast_desc_eq $circle (ref null $shape) (ref $circle)
        (local.get $s) (local.get $dc))
      (drop)
      (return (i32.const 0)))
    (i32.mul (struct.get $circle $r) (struct.get $cvt $scale (local.get $dc))))

  (func $not_vt1 (param $s (ref null $shape)) (param $d1 (ref (exact $vt))) (result i32)
    (block $other (result (ref null $shape))
      (br_on_cast_desc_eq_fail $other (ref null $shape) (ref $shape)
        (local.get $s) (local.get $d1))
      (drop)
      (return (i32.const 0)))
    (drop)
    (i32.const 1000))

  (func (export "run") (param $n i32) (result i32)
    (local $arr (ref $shapes)) (local $i i32) (local $sum i32) (local $s (ref null $shape))
    (local $d1 (ref null (exact $vt))) (local $d2 (ref null (exact $vt)))
    (local $dc (ref null (exact $cvt)))
    (drop (array.new_default $junk (i32.const 400)))
    (local.set $d1 (struct.new $vt (i32.const 10)))
    (drop (array.new_default $junk (i32.const 400)))
    (local.set $d2 (struct.new $vt (i32.const 20)))
    (local.set $dc (struct.new $cvt (i32.const 30) (i32.const 3)))
    (local.set $arr (array.new_default $shapes (local.get $n)))
    (loop $fill
      (array.set $shapes (local.get $arr) (local.get $i)
        (call $make (local.get $i) (ref.as_non_null (local.get $d1))
          (ref.as_non_null (local.get $d2)) (ref.as_non_null (local.get $dc))))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $walk
      (local.set $s (array.get $shapes (local.get $arr) (local.get $i)))
      (drop (array.new_default $junk (i32.const 40)))
      (local.set $sum (i32.add (local.get $sum)
        (struct.get $vt $tag (ref.get_desc $shape (local.get $s)))))
      (local.set $sum (i32.add (local.get $sum)
        (call $radius (local.get $s) (ref.as_non_null (local.get $dc)))))
      (local.set $sum (i32.add (local.get $sum)
        (call $not_vt1 (local.get $s) (ref.as_non_null (local.get $d1)))))
      (if (i32.and (i32.ne (i32.rem_u (local.get $i) (i32.const 3)) (i32.const 0))
                   (i32.rem_u (local.get $i) (i32.const 2)))
        (then (local.set $sum (i32.add (local.get $sum)
          (struct.get $shape $x
            (ref.cast_desc_eq (ref $shape) (local.get $s) (local.get $d1)))))))
      (br_if $walk (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (i32.add (local.get $sum)
      (struct.get $vt $tag (ref.get_desc $shape (global.get $first)))))

  (func (export "wrong_desc") (result i32)
    (struct.get $shape $x
      (ref.cast_desc_eq (ref $shape) (global.get $first) (global.get $vt2))))
  (func (export "null_desc") (result i32)
    (struct.get $shape $x
      (ref.cast_desc_eq (ref null $shape) (ref.null none) (ref.null (exact $vt)))))
  (func (export "new_null_desc") (result i32)
    (struct.get $shape $x (struct.new_default_desc $shape (ref.null (exact $vt)))))
  (func (export "get_desc_null") (result i32)
    (struct.get $vt $tag (ref.get_desc $shape (ref.null $shape))))
)"#;

/// What `run n` sums, computed the long way.
fn expected(n: i32) -> i32 {
    let mut sum = 10; // the global shape's descriptor
    for i in 0..n {
        let circle = i % 3 == 0;
        let plain_vt1 = !circle && i % 2 == 1;
        sum += if circle {
            30
        } else if plain_vt1 {
            10
        } else {
            20
        };
        if circle {
            sum += 5 * 3;
        }
        if !plain_vt1 {
            sum += 1000;
        }
        if plain_vt1 {
            sum += i;
        }
    }
    sum
}

fn run(strategy: Strategy, zeal: bool) -> i32 {
    let engine = engine(strategy, zeal);
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let traps = [
        ("wrong_desc", TrapCode::DescriptorCastFailure),
        ("null_desc", TrapCode::NullDescriptorReference),
        ("new_null_desc", TrapCode::NullDescriptorReference),
        ("get_desc_null", TrapCode::NullReference),
    ];
    for (name, code) in traps {
        let f = instance.get_typed_func::<(), i32>(&store, name).unwrap();
        let trap = f.call(&mut store, ()).unwrap_err();
        assert_eq!(trap.as_trap().map(|t| t.code()), Some(code), "{strategy:?}: {name}");
    }
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    run.call(&mut store, 60).unwrap_or_else(|e| panic!("{strategy:?} zeal {zeal}: {e:?}"))
}

#[test]
fn descriptors_survive_moves_and_answer_in_every_engine() {
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        for zeal in [false, true] {
            assert_eq!(run(strategy, zeal), expected(60), "{strategy:?}, zeal {zeal}");
        }
    }
}

#[test]
fn trap_messages_are_the_specs() {
    assert_eq!(TrapCode::NullDescriptorReference.message(), "null descriptor reference");
    assert_eq!(TrapCode::DescriptorCastFailure.message(), "descriptor cast failure");
}
