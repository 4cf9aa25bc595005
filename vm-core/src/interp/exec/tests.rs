//! The executor on small functions, in the dispatch this build uses and in the loop dispatch (the
//! only one under Miri, which checks every slot and frame access the handlers make). No linear
//! memory: Miri cannot reserve one.

use crate::{Config, Engine, Global, Instance, Module, Store, Strategy, Trap, TrapCode, Val};

const MODULE: &str = r#"(module
  (global $init (import "host" "v") v128)
  (global $g (mut i64) (i64.const 5))
  (global $v (mut v128) (global.get $init))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (local.get $s))
  (func (export "pick") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "bump") (result i64)
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (global.get $g))
  (func (export "swap") (param v128 v128 i32) (result v128)
    (global.set $v (select (local.get 0) (local.get 1) (local.get 2)))
    (global.get $v))
  (func (export "mul_wide") (param i64 i64) (result i64 i64)
    (i64.mul_wide_s (local.get 0) (local.get 1)))
  (func (export "add128") (param i64 i64 i64 i64) (result i64 i64)
    (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func $tail (export "countdown") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 7))
      (else (return_call $tail (i32.sub (local.get 0) (i32.const 1))))))
)"#;

fn engines() -> Vec<Engine> {
    let config = |loop_dispatch: bool| {
        let mut c = Config::new();
        c.strategy(Strategy::Interpreter).interpreter_loop_dispatch(loop_dispatch);
        c.wasm_wide_arithmetic(true);
        Engine::new(&c)
    };
    if cfg!(miri) { vec![config(true)] } else { vec![config(false), config(true)] }
}

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    params: &[Val],
    n: usize,
) -> Result<Vec<Val>, crate::Error> {
    let f = instance.get_func(&*store, name).unwrap();
    let mut results = vec![Val::I32(0); n];
    f.call(&mut *store, params, &mut results)?;
    Ok(results)
}

#[test]
fn small_functions_run_in_every_dispatch() {
    for engine in engines() {
        let module = Module::new(&engine, MODULE).unwrap();
        let mut store = Store::new(&engine, ());
        let ty = silo_loader::GlobalType { content: silo_loader::ValType::V128, mutable: false };
        let init = Global::new(&mut store, ty, Val::V128(1)).unwrap();
        let instance = Instance::new(&mut store, &module, &[init.into()]).unwrap();
        let s = &mut store;
        let i = &instance;
        assert_eq!(call(s, i, "fac", &[Val::I64(10)], 1).unwrap()[0].i64(), Some(3_628_800));
        assert_eq!(call(s, i, "sum", &[Val::I32(100)], 1).unwrap()[0].i32(), Some(4950));
        for (index, want) in [(0, 10), (1, 20), (2, 30), (9, 30)] {
            assert_eq!(call(s, i, "pick", &[Val::I32(index)], 1).unwrap()[0].i32(), Some(want));
        }
        assert_eq!(call(s, i, "div", &[Val::I32(-9), Val::I32(2)], 1).unwrap()[0].i32(), Some(-4));
        match call(s, i, "div", &[Val::I32(1), Val::I32(0)], 1) {
            Err(crate::Error::Trap(t)) => assert_eq!(Trap::code(&t), TrapCode::IntegerDivideByZero),
            other => panic!("expected a trap, got {other:?}"),
        }
        assert_eq!(call(s, i, "bump", &[], 1).unwrap()[0].i64(), Some(6));
        let (a, b) = (Val::V128(u128::MAX - 1), Val::V128(3 << 70));
        assert_eq!(call(s, i, "swap", &[a, b, Val::I32(0)], 1).unwrap()[0].v128(), Some(3 << 70));
        assert_eq!(
            call(s, i, "swap", &[a, b, Val::I32(1)], 1).unwrap()[0].v128(),
            Some(u128::MAX - 1)
        );
        let wide = call(s, i, "mul_wide", &[Val::I64(-3), Val::I64(i64::MAX)], 2).unwrap();
        let product = -3i128 * i64::MAX as i128;
        assert_eq!(wide[0].i64(), Some(product as i64));
        assert_eq!(wide[1].i64(), Some((product >> 64) as i64));
        let sum = call(s, i, "add128", &[Val::I64(-1), Val::I64(0), Val::I64(1), Val::I64(0)], 2)
            .unwrap();
        assert_eq!((sum[0].i64(), sum[1].i64()), (Some(0), Some(1)));
        assert_eq!(call(s, i, "countdown", &[Val::I32(50)], 1).unwrap()[0].i32(), Some(7));
    }
}

/// A counted loop's latch (`i += step; br_if (i op n)`) runs as one fused loop step; each
/// comparison, against a local and against a constant, in either operand order, counts the same
/// iterations as the loop's meaning says, at the edges of the signed and unsigned ranges too.
#[test]
fn loop_steps_count_like_the_loops_they_fuse() {
    type Cond = fn(i32, i32) -> bool;
    let conds: [(&str, Cond); 10] = [
        ("eq", |x, y| x == y),
        ("ne", |x, y| x != y),
        ("lt_s", |x, y| x < y),
        ("lt_u", |x, y| (x as u32) < (y as u32)),
        ("gt_s", |x, y| x > y),
        ("gt_u", |x, y| (x as u32) > (y as u32)),
        ("le_s", |x, y| x <= y),
        ("le_u", |x, y| (x as u32) <= (y as u32)),
        ("ge_s", |x, y| x >= y),
        ("ge_u", |x, y| (x as u32) >= (y as u32)),
    ];
    const CAP: i32 = 1000;
    const BOUND: i32 = 7;
    let func = |name: &str, step: i32, test: &str| {
        format!(
            r#"(func (export "{name}") (param $i i32) (param $n i32) (result i32) (local $c i32)
                (block $out (loop $l
                  (br_if $out (i32.gt_u (local.get $c) (i32.const {CAP})))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (local.set $i (i32.add (local.get $i) (i32.const {step})))
                  (br_if $l {test})))
                (local.get $c))"#
        )
    };
    let steps: [i32; 2] = [3, -3];
    let mut funcs = String::new();
    for (op, _) in conds {
        for step in steps {
            let s = step.unsigned_abs();
            let up = if step > 0 { "up" } else { "down" };
            funcs += &func(
                &format!("{op}_{up}{s}"),
                step,
                &format!("(i32.{op} (local.get $i) (local.get $n))"),
            );
            funcs += &func(
                &format!("{op}_imm_{up}{s}"),
                step,
                &format!("(i32.{op} (local.get $i) (i32.const {BOUND}))"),
            );
            funcs += &func(
                &format!("{op}_rev_{up}{s}"),
                step,
                &format!("(i32.{op} (local.get $n) (local.get $i))"),
            );
        }
    }
    funcs += &func("nez", -1, "(local.get $i)");
    funcs += &func("eqz", 1, "(i32.eqz (local.get $i))");
    // A `while` loop whose header starts with work (so the back edge stays a jump): the step and
    // the jump back at the bottom.
    funcs += r#"(func (export "while") (param $i i32) (param $n i32) (result i32) (local $c i32)
        (block $out (loop $l
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $out (i32.gt_u (local.get $c) (i32.const 1001)))
          (br_if $out (i32.ge_s (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 3)))
          (br $l)))
        (i32.sub (local.get $c) (i32.const 1)))"#;
    let wat = format!("(module {funcs})");
    let expect = |i: i32, n: i32, step: i32, cond: &dyn Fn(i32, i32) -> bool| {
        let (mut i, mut c) = (i, 0);
        loop {
            if c > CAP {
                return c;
            }
            c += 1;
            i = i.wrapping_add(step);
            if !cond(i, n) {
                return c;
            }
        }
    };
    let inputs = [
        (0, 10),
        (-5, 7),
        (i32::MAX - 4, i32::MAX),
        (i32::MIN + 2, i32::MIN),
        (10, 0),
        (0, -1),
        (7, 7),
        (-20, -1),
    ];
    for engine in engines() {
        let module = Module::new(&engine, &wat).unwrap();
        for f in 0..module.info().funcs.len() as u32 {
            let code = module.debug_interp_code(f).unwrap();
            assert!(code.contains("I32StepBr"), "the latch is a loop step: {code}");
        }
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let s = &mut store;
        let run = |s: &mut Store<()>, name: &str, i: i32, n: i32| {
            call(s, &instance, name, &[Val::I32(i), Val::I32(n)], 1).unwrap()[0].i32().unwrap()
        };
        for (i, n) in inputs {
            for (op, cond) in conds {
                for step in steps {
                    let up = if step > 0 { "up" } else { "down" };
                    let s3 = step.unsigned_abs();
                    let name = format!("{op}_{up}{s3}");
                    assert_eq!(run(s, &name, i, n), expect(i, n, step, &cond), "{name}({i}, {n})");
                    let name = format!("{op}_imm_{up}{s3}");
                    assert_eq!(run(s, &name, i, n), expect(i, BOUND, step, &cond), "{name}({i})");
                    let name = format!("{op}_rev_{up}{s3}");
                    let rev = |x, y| cond(y, x);
                    assert_eq!(run(s, &name, i, n), expect(i, n, step, &rev), "{name}({i}, {n})");
                }
            }
            let (mut x, mut headers) = (i, 0);
            loop {
                headers += 1;
                if headers > CAP + 1 || x >= n {
                    break;
                }
                x = x.wrapping_add(3);
            }
            assert_eq!(run(s, "while", i, n), headers - 1, "while({i}, {n})");
            assert_eq!(run(s, "nez", i, n), expect(i, 0, -1, &|x, _| x != 0), "nez({i})");
            assert_eq!(run(s, "eqz", i, n), expect(i, 0, 1, &|x, _| x == 0), "eqz({i})");
        }
    }
}

/// A `switch` whose cases start elsewhere than 0 (`br_table` on `x - k`) runs as one biased
/// branch table; the index wraps as an i32 (below the first case is far above the last).
#[test]
fn biased_branch_tables_pick_the_cases_of_the_unbiased_index() {
    let wat = r#"(module
      (func (export "pick") (param $x i32) (result i32)
        (block (block (block (block
          (br_table 0 1 2 3 (i32.sub (local.get $x) (i32.const 10))))
          (return (i32.const 100)))
          (return (i32.const 101)))
          (return (i32.const 102)))
        (i32.const 103))
      (func (export "pick_after") (param $x i32) (result i32)
        (block (block (block
          (br_table 0 1 2 (i32.add (i32.mul (local.get $x) (i32.const 1)) (i32.const -5))))
          (return (i32.const 200)))
          (return (i32.const 201)))
        (i32.const 202))
      (func (export "teed") (param $x i32) (result i32) (local $y i32)
        (block (block
          (br_table 0 1 (local.tee $y (i32.add (local.get $x) (i32.const 1)))))
          (return (i32.add (local.get $y) (i32.const 1000))))
        (local.get $y)))"#;
    for engine in engines() {
        let module = Module::new(&engine, wat).unwrap();
        let code = |f: u32| module.debug_interp_code(f).unwrap();
        assert!(code(0).contains("BrTableAddImm {"), "{}", code(0));
        assert!(code(1).contains("BrTableAddImmA {"), "{}", code(1));
        assert!(!code(2).contains("BrTableAddImm"), "a teed sum is still written: {}", code(2));
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let s = &mut store;
        let run = |s: &mut Store<()>, name: &str, x: i32| {
            call(s, &instance, name, &[Val::I32(x)], 1).unwrap()[0].i32().unwrap()
        };
        for (x, want) in
            [(10, 100), (11, 101), (12, 102), (13, 103), (14, 103), (9, 103), (i32::MIN, 103)]
        {
            assert_eq!(run(s, "pick", x), want, "pick({x})");
        }
        for (x, want) in [(5, 200), (6, 201), (7, 202), (4, 202), (-1, 202)] {
            assert_eq!(run(s, "pick_after", x), want, "pick_after({x})");
        }
        assert_eq!(run(s, "teed", -1), 1000);
        assert_eq!(run(s, "teed", 0), 1);
        assert_eq!(run(s, "teed", 41), 42);
    }
}

/// Comparisons whose left (or right) operand the op before computed read it from `acc`: every
/// comparison, i32 and i64, against a local, a constant and in reversed order, gives the
/// comparison's value; and a test-and-branch and a `select` on a value just computed do too.
#[test]
fn comparisons_of_a_value_just_computed_read_it_from_acc() {
    type Cond = fn(i64, i64, bool) -> bool;
    let conds: [(&str, Cond); 10] = [
        ("eq", |x, y, _| x == y),
        ("ne", |x, y, _| x != y),
        ("lt_s", |x, y, _| x < y),
        ("lt_u", |x, y, w| if w { (x as u64) < (y as u64) } else { (x as u32) < (y as u32) }),
        ("gt_s", |x, y, _| x > y),
        ("gt_u", |x, y, w| if w { (x as u64) > (y as u64) } else { (x as u32) > (y as u32) }),
        ("le_s", |x, y, _| x <= y),
        ("le_u", |x, y, w| if w { (x as u64) <= (y as u64) } else { (x as u32) <= (y as u32) }),
        ("ge_s", |x, y, _| x >= y),
        ("ge_u", |x, y, w| if w { (x as u64) >= (y as u64) } else { (x as u32) >= (y as u32) }),
    ];
    const IMM: i64 = -7;
    let mut funcs = String::new();
    for t in ["i32", "i64"] {
        for (op, _) in conds {
            // `x ^ z` (z is 0) is computed right before the comparison, which then reads it from
            // `acc`; the result is added to 10, so it is a value, not a branch.
            let computed = format!("({t}.xor (local.get 0) (local.get 2))");
            for (suffix, cmp) in [
                ("", format!("({t}.{op} {computed} (local.get 1))")),
                ("_imm", format!("({t}.{op} {computed} ({t}.const {IMM}))")),
                ("_rev", format!("({t}.{op} (local.get 1) {computed})")),
            ] {
                funcs += &format!(
                    r#"(func (export "{t}_{op}{suffix}") (param {t} {t} {t}) (result i32)
                        (i32.add (i32.const 10) {cmp}))"#
                );
            }
        }
    }
    funcs += r#"(func (export "test") (param i32 i32) (result i32)
        (block (br_if 0 (i32.and (i32.xor (local.get 0) (local.get 1)) (i32.const 4)))
          (return (i32.const 0)))
        (i32.const 1))
      (func (export "pick") (param i32 i32 i32) (result i32)
        (select (i32.mul (local.get 0) (local.get 0)) (local.get 1)
          (i32.xor (local.get 2) (i32.const 1))))"#;
    let wat = format!("(module {funcs})");
    let values: [i64; 7] = [0, 1, -1, -7, 7, i64::from(i32::MIN), i64::MAX];
    for engine in engines() {
        let module = Module::new(&engine, &wat).unwrap();
        let n = module.info().funcs.len() as u32;
        for f in 0..n - 2 {
            let code = module.debug_interp_code(f).unwrap();
            assert!(code.contains("A {"), "the comparison reads acc: {code}");
        }
        let code = module.debug_interp_code(n - 2).unwrap();
        assert!(code.contains("BrI32AndImmNezA {") || code.contains("BrI32AndImmEqzA {"), "{code}");
        let code = module.debug_interp_code(n - 1).unwrap();
        assert!(code.contains("SelectInPlaceA {"), "{code}");
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let s = &mut store;
        for t in ["i32", "i64"] {
            let wide = t == "i64";
            let val = |v: i64| if wide { Val::I64(v) } else { Val::I32(v as i32) };
            let norm = |v: i64| if wide { v } else { i64::from(v as i32) };
            for (op, cond) in conds {
                for x in values {
                    for y in values {
                        let (x, y) = (norm(x), norm(y));
                        for (suffix, want) in [
                            ("", cond(x, y, wide)),
                            ("_imm", cond(x, IMM, wide)),
                            ("_rev", cond(y, x, wide)),
                        ] {
                            let name = format!("{t}_{op}{suffix}");
                            let got = call(s, &instance, &name, &[val(x), val(y), val(0)], 1)
                                .unwrap()[0]
                                .i32();
                            assert_eq!(got, Some(10 + i32::from(want)), "{name}({x}, {y})");
                        }
                    }
                }
            }
        }
        for (x, y, want) in [(0, 0, 0), (4, 0, 1), (5, 1, 1), (4, 4, 0), (3, 7, 1), (1, 2, 0)] {
            let got = call(s, &instance, "test", &[Val::I32(x), Val::I32(y)], 1).unwrap()[0].i32();
            assert_eq!(got, Some(want), "test({x}, {y})");
        }
        for (c, want) in [(0, 121), (1, 22), (2, 121), (3, 121)] {
            let args = [Val::I32(11), Val::I32(22), Val::I32(c)];
            assert_eq!(
                call(s, &instance, "pick", &args, 1).unwrap()[0].i32(),
                Some(want),
                "pick({c})"
            );
        }
    }
}
