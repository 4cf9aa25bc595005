//! `third_opinion`: Silo against an independent implementation, `wasmi`. A module that
//! `wasm-smith` generates from the input, with only the proposals wasmi runs, is instantiated in
//! Silo's interpreter, in Silo's JIT and in wasmi; every exported function is called, in two
//! rounds (zero arguments, then a spread of edge values), in all three; after each step the
//! results, whether the call trapped, and the exported memories (byte for byte), globals (NaN-aware)
//! and tables (size and null-ness) must agree between each Silo tier and wasmi.
//!
//! What is not compared, because two correct engines may differ there:
//! - trap kinds: engines name the same failure differently (wasmi's `TableOutOfBounds` is Silo's
//!   `UndefinedElement` for a `call_indirect` past the table), so only "trapped or not" counts;
//! - resources: fuel is counted differently (costs per instruction), and so are call depths and
//!   stack sizes. All three run with the same fuel and Silo with a call-depth quota; once any of
//!   them runs out of fuel, overflows its stack or hits another resource limit, the rest of the
//!   module is not compared (its state may legitimately differ from then on);
//! - NaN bits: modules are generated with `canonicalize_nans`, so arithmetic NaNs are made
//!   canonical before they can be stored or reinterpreted, and NaN results compare as equal;
//! - relaxed SIMD (implementation-defined results) is off; plain SIMD is on.

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use silo_core::{
    Config, Engine, Error, Extern, Instance, Module, Store, StoreLimits, Strategy, TrapCode, Val,
    ValType,
};

/// Fuel for instantiation and for each call, in every engine.
pub const FUEL: u64 = 100_000;
/// Silo's call-depth quota.
const MAX_CALL_DEPTH: u64 = 300;
/// Bytes each memory may grow to (past it `memory.grow` returns -1 in both).
const MEMORY_BYTES: u64 = 1 << 20;
/// Elements each table may grow to.
const TABLE_ELEMENTS: u64 = 10_000;

/// The engines compared.
struct Engines {
    silo: [(&'static str, Engine); 2],
    wasmi: wasmi::Engine,
}

static ENGINES: LazyLock<Engines> = LazyLock::new(|| {
    // `SILO_FUZZ_LOOP_DISPATCH=1`: the interpreter's loop dispatch instead of the threaded one,
    // to fuzz past the known finding that, in sanitizer builds, a `return_call` loop overflows the
    // native stack in the threaded dispatch (RESULTS.md). Off by default.
    let looped = std::env::var_os("SILO_FUZZ_LOOP_DISPATCH").is_some_and(|v| v == "1");
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter).consume_fuel(true).interpreter_loop_dispatch(looped);
    let interp = Engine::new(&config);
    let compiler = silo_jit::cranelift().expect("the JIT runs on this machine");
    let mut config = Config::new();
    config.strategy(Strategy::Jit).compiler(compiler).consume_fuel(true);
    config.native_call_depth(true).interpreter_loop_dispatch(looped);
    let jit = Engine::new(&config);
    let mut config = wasmi::Config::default();
    config.consume_fuel(true).compilation_mode(wasmi::CompilationMode::Eager);
    config.wasm_multi_memory(true).wasm_memory64(true).wasm_simd(true).wasm_relaxed_simd(false);
    config.wasm_tail_call(true).wasm_extended_const(true).wasm_reference_types(true);
    config.wasm_custom_page_sizes(false).wasm_wide_arithmetic(false);
    Engines {
        silo: [("silo interp", interp), ("silo jit", jit)],
        wasmi: wasmi::Engine::new(&config),
    }
});

/// Arbitrary wasm-smith settings restricted to what wasmi 2 runs: the MVP, sign extension,
/// saturating conversions, multi-value, bulk memory, reference types (function and extern
/// references only), tail calls, extended constants, multi-memory, memory64 and SIMD (not
/// relaxed). No imports, everything exported, NaNs canonicalized, small memories and modules.
pub fn smith_config(u: &mut Unstructured) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = wasm_smith::Config::arbitrary(u)?;
    c.gc_enabled = false;
    c.exceptions_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.custom_descriptors_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.relaxed_simd_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.allow_invalid_funcs = false;
    c.canonicalize_nans = true;
    c.max_imports = 0;
    c.min_imports = 0;
    c.export_everything = true;
    c.max_types = c.max_types.max(1);
    c.min_types = 1;
    c.max_funcs = c.max_funcs.clamp(3, 50);
    c.min_funcs = 3;
    c.max_memories = c.max_memories.min(3);
    c.max_tables = c.max_tables.min(3);
    c.max_memory32_bytes = c.max_memory32_bytes.min(4 << 16);
    c.max_memory64_bytes = c.max_memory64_bytes.min(4 << 16);
    c.max_table_elements = c.max_table_elements.min(1_000);
    c.max_instructions = c.max_instructions.min(200);
    Ok(c)
}

/// A value as the comparison sees it: floats by bits, references by null-ness.
#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    Ref { null: bool },
}

fn same(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::F32(x), V::F32(y)) => {
            x == y || (f32::from_bits(*x).is_nan() && f32::from_bits(*y).is_nan())
        }
        (V::F64(x), V::F64(y)) => {
            x == y || (f64::from_bits(*x).is_nan() && f64::from_bits(*y).is_nan())
        }
        _ => a == b,
    }
}

fn same_all(a: &[V], b: &[V]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

fn from_silo(v: &Val) -> V {
    match v {
        Val::I32(x) => V::I32(*x),
        Val::I64(x) => V::I64(*x),
        Val::F32(x) => V::F32(*x),
        Val::F64(x) => V::F64(*x),
        Val::V128(x) => V::V128(*x),
        Val::FuncRef(r) => V::Ref { null: r.is_none() },
        Val::ExternRef(r) => V::Ref { null: r.is_none() },
        Val::AnyRef(r) => V::Ref { null: r.is_none() },
        Val::ExnRef(r) => V::Ref { null: r.is_none() },
    }
}

fn from_wasmi(v: &wasmi::Val) -> V {
    match v {
        wasmi::Val::I32(x) => V::I32(*x),
        wasmi::Val::I64(x) => V::I64(*x),
        wasmi::Val::F32(x) => V::F32(x.to_bits()),
        wasmi::Val::F64(x) => V::F64(x.to_bits()),
        wasmi::Val::V128(x) => V::V128(x.as_u128()),
        wasmi::Val::FuncRef(r) => V::Ref { null: r.is_null() },
        wasmi::Val::ExternRef(r) => V::Ref { null: r.is_null() },
    }
}

fn wasmi_ref(r: &wasmi::Ref) -> V {
    match r {
        wasmi::Ref::Func(r) => V::Ref { null: r.is_null() },
        wasmi::Ref::Extern(r) => V::Ref { null: r.is_null() },
    }
}

/// Argument `i` of a call in round `round`: zeros first, then a spread of edge values
/// (references are always null: neither engine can make the other's).
fn arg(ty: &ValType, round: usize, i: usize) -> V {
    const INTS: [i64; 6] = [1, -1, 0x7fff_ffff, i64::MIN, 65_536, 0x1234_5678_9abc];
    const FLOATS: [f64; 6] = [1.5, -0.0, f64::NAN, f64::INFINITY, -3.0e9, 1e-310];
    let (int, float) =
        if round == 0 { (0, 0.0) } else { (INTS[i % INTS.len()], FLOATS[i % FLOATS.len()]) };
    match ty {
        ValType::I32 => V::I32(int as i32),
        ValType::I64 => V::I64(int),
        ValType::F32 => V::F32((float as f32).to_bits()),
        ValType::F64 => V::F64(float.to_bits()),
        ValType::V128 => V::V128((int as u128) << 64 | (int as u64 as u128)),
        ValType::Ref(_) => V::Ref { null: true },
    }
}

fn to_silo(v: V, ty: &ValType) -> Val {
    match v {
        V::I32(x) => Val::I32(x),
        V::I64(x) => Val::I64(x),
        V::F32(x) => Val::F32(x),
        V::F64(x) => Val::F64(x),
        V::V128(x) => Val::V128(x),
        V::Ref { .. } => Val::default_for(*ty),
    }
}

fn to_wasmi(v: V, ty: wasmi::ValType) -> wasmi::Val {
    match v {
        V::I32(x) => wasmi::Val::I32(x),
        V::I64(x) => wasmi::Val::I64(x),
        V::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        V::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        V::V128(x) => wasmi::Val::V128(wasmi::V128::from(x)),
        V::Ref { .. } => wasmi::Val::default_for_ty(ty),
    }
}

/// How a step ended, as compared.
#[derive(Debug)]
#[allow(dead_code)] // The messages are read through `Debug`, in a mismatch's report.
enum Outcome {
    Returned(Vec<V>),
    /// Trapped (or failed otherwise), with what the engine said.
    Trapped(String),
    /// Out of fuel, stack or another resource: the comparison stops here.
    Exhausted(String),
}

fn silo_outcome(r: Result<(), Error>, results: &[Val]) -> Outcome {
    match r {
        Ok(()) => Outcome::Returned(results.iter().map(from_silo).collect()),
        Err(e) => {
            let exhausted = e.as_trap().is_some_and(|t| {
                matches!(
                    t.code(),
                    TrapCode::OutOfFuel | TrapCode::StackOverflow | TrapCode::ResourceLimit
                )
            }) || matches!(e, Error::Limit(_));
            if exhausted {
                Outcome::Exhausted(e.to_string())
            } else {
                Outcome::Trapped(e.to_string())
            }
        }
    }
}

fn wasmi_outcome(r: Result<(), wasmi::Error>, results: &[wasmi::Val]) -> Outcome {
    match r {
        Ok(()) => Outcome::Returned(results.iter().map(from_wasmi).collect()),
        Err(e) => {
            let exhausted = matches!(
                e.as_trap_code(),
                Some(wasmi::TrapCode::OutOfFuel | wasmi::TrapCode::StackOverflow)
            ) || matches!(
                e.kind(),
                wasmi::errors::ErrorKind::Fuel(_)
                    | wasmi::errors::ErrorKind::ResumableOutOfFuel(_)
                    | wasmi::errors::ErrorKind::UserLimits(_)
                    | wasmi::errors::ErrorKind::ImplementationLimits(_)
            );
            if exhausted {
                Outcome::Exhausted(e.to_string())
            } else {
                Outcome::Trapped(e.to_string())
            }
        }
    }
}

/// Whether two outcomes agree; `None` when one ran out of something (stop comparing).
fn agree(a: &Outcome, b: &Outcome) -> Option<bool> {
    match (a, b) {
        (Outcome::Exhausted(_), _) | (_, Outcome::Exhausted(_)) => None,
        (Outcome::Returned(x), Outcome::Returned(y)) => Some(same_all(x, y)),
        (Outcome::Trapped(_), Outcome::Trapped(_)) => Some(true),
        _ => Some(false),
    }
}

/// What one module did in one engine, step by step, as compared.
struct Run {
    /// The outcome of instantiation, then of each call.
    steps: Vec<(String, Outcome, State)>,
}

/// The exported state after a step, in export order.
#[derive(Debug, Default)]
struct State(Vec<(String, Item)>);

#[derive(Debug)]
enum Item {
    Memory(Vec<u8>),
    Global(V),
    Table(Vec<V>),
}

fn same_state(a: &State, b: &State) -> Result<(), String> {
    if a.0.len() != b.0.len() {
        return Err(format!("{} exports against {}", a.0.len(), b.0.len()));
    }
    for ((name, x), (_, y)) in a.0.iter().zip(&b.0) {
        match (x, y) {
            (Item::Memory(x), Item::Memory(y)) => {
                if x.len() != y.len() {
                    return Err(format!(
                        "memory {name:?} size {:#x} against {:#x}",
                        x.len(),
                        y.len()
                    ));
                }
                if let Some(at) = x.iter().zip(y).position(|(p, q)| p != q) {
                    let end = (at + 16).min(x.len());
                    return Err(format!(
                        "memory {name:?} at {at:#x}: {:02x?} against {:02x?}",
                        &x[at..end],
                        &y[at..end]
                    ));
                }
            }
            (Item::Global(x), Item::Global(y)) if same(x, y) => {}
            (Item::Table(x), Item::Table(y)) if same_all(x, y) => {}
            (x, y) => return Err(format!("{name:?}: {x:?} against {y:?}")),
        }
    }
    Ok(())
}

/// The plan both engines follow: exports by name, the functions among them with their
/// arguments for each round.
struct Plan {
    exports: Vec<String>,
    calls: Vec<(String, Vec<V>)>,
}

fn run_silo(engine: &Engine, module: &Module, plan: Option<&Plan>) -> (Run, Option<Plan>) {
    let mut store = Store::new(engine, ());
    store.set_fuel(FUEL).expect("the engine meters fuel");
    store.set_max_call_depth(MAX_CALL_DEPTH);
    store.set_limits(StoreLimits::new().memory_size(MEMORY_BYTES).table_elements(TABLE_ELEMENTS));
    let mut run = Run { steps: Vec::new() };
    let instance = match Instance::new(&mut store, module, &[]) {
        Ok(i) => i,
        Err(e) => {
            run.steps.push(("instantiation".into(), silo_outcome(Err(e), &[]), State::default()));
            return (run, None);
        }
    };
    let exports = instance.exports(&store);
    let state = |store: &Store<()>| {
        State(
            exports
                .iter()
                .filter_map(|(name, x)| {
                    let item = match x {
                        Extern::Memory(m) => Item::Memory(m.data(store).to_vec()),
                        Extern::Global(g) => Item::Global(from_silo(&g.get(store))),
                        Extern::Table(t) => Item::Table(
                            (0..t.size(store))
                                .map(|i| {
                                    t.get(store, i).map_or(V::Ref { null: true }, |v| from_silo(&v))
                                })
                                .collect(),
                        ),
                        _ => return None,
                    };
                    Some((name.clone(), item))
                })
                .collect(),
        )
    };
    run.steps.push(("instantiation".into(), Outcome::Returned(Vec::new()), state(&store)));
    let made;
    let plan = match plan {
        Some(p) => p,
        None => {
            let mut calls = Vec::new();
            for round in 0..2 {
                for (name, x) in &exports {
                    let Extern::Func(f) = x else { continue };
                    let ty = f.ty(&store);
                    let args =
                        ty.params.iter().enumerate().map(|(i, t)| arg(t, round, i)).collect();
                    calls.push((name.clone(), args));
                }
            }
            made = Plan { exports: exports.iter().map(|(n, _)| n.clone()).collect(), calls };
            &made
        }
    };
    for (name, args) in &plan.calls {
        let Some(f) = instance.get_func(&store, name) else { break };
        let ty = f.ty(&store);
        let params: Vec<Val> = args.iter().zip(&ty.params).map(|(v, t)| to_silo(*v, t)).collect();
        let mut results: Vec<Val> = ty.results.iter().map(|&t| Val::default_for(t)).collect();
        store.set_fuel(FUEL).expect("the engine meters fuel");
        let r = f.call(&mut store, &params, &mut results);
        let outcome = silo_outcome(r, &results);
        let stop = matches!(outcome, Outcome::Exhausted(_));
        run.steps.push((format!("{name:?}({args:?})"), outcome, state(&store)));
        if stop {
            break;
        }
    }
    let plan = Plan { exports: plan.exports.clone(), calls: plan.calls.clone() };
    (run, Some(plan))
}

fn run_wasmi(wasm: &[u8], plan: &Plan) -> Result<Run, String> {
    let engine = &ENGINES.wasmi;
    let module = wasmi::Module::new(engine, wasm).map_err(|e| format!("wasmi rejects it: {e}"))?;
    let limits = wasmi::StoreLimitsBuilder::new()
        .memory_size(MEMORY_BYTES as usize)
        .table_elements(TABLE_ELEMENTS as usize)
        .build();
    let mut store = wasmi::Store::new(engine, limits);
    store.limiter(|l| l);
    store.set_fuel(FUEL).expect("the engine meters fuel");
    let linker = wasmi::Linker::new(engine);
    let mut run = Run { steps: Vec::new() };
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            run.steps.push(("instantiation".into(), wasmi_outcome(Err(e), &[]), State::default()));
            return Ok(run);
        }
    };
    let state = |store: &wasmi::Store<wasmi::StoreLimits>| {
        State(
            plan.exports
                .iter()
                .filter_map(|name| {
                    let item = match instance.get_export(store, name)? {
                        wasmi::Extern::Memory(m) => Item::Memory(m.data(store).to_vec()),
                        wasmi::Extern::Global(g) => Item::Global(from_wasmi(&g.get(store))),
                        wasmi::Extern::Table(t) => Item::Table(
                            (0..t.size(store))
                                .map(|i| {
                                    t.get(store, i).map_or(V::Ref { null: true }, |r| wasmi_ref(&r))
                                })
                                .collect(),
                        ),
                        wasmi::Extern::Func(_) => return None,
                    };
                    Some((name.clone(), item))
                })
                .collect(),
        )
    };
    run.steps.push(("instantiation".into(), Outcome::Returned(Vec::new()), state(&store)));
    for (name, args) in &plan.calls {
        let f = instance.get_func(&store, name).ok_or(format!("wasmi has no function {name:?}"))?;
        let ty = f.ty(&store);
        let params: Vec<wasmi::Val> =
            args.iter().zip(ty.params()).map(|(v, t)| to_wasmi(*v, *t)).collect();
        let mut results: Vec<wasmi::Val> =
            ty.results().iter().map(|&t| wasmi::Val::default_for_ty(t)).collect();
        store.set_fuel(FUEL).expect("the engine meters fuel");
        let r = f.call(&mut store, &params, &mut results);
        let outcome = wasmi_outcome(r, &results);
        let stop = matches!(outcome, Outcome::Exhausted(_));
        run.steps.push((format!("{name:?}({args:?})"), outcome, state(&store)));
        if stop {
            break;
        }
    }
    Ok(run)
}

/// Compares the runs step by step, up to the first step where one ran out of a resource.
fn compare_runs(who: &str, a: &Run, b: &Run) -> Result<(), String> {
    for ((step, oa, sa), (_, ob, sb)) in a.steps.iter().zip(&b.steps) {
        match agree(oa, ob) {
            None => return Ok(()),
            Some(false) => {
                return Err(format!("{step}: {who} {oa:?}, wasmi {ob:?}"));
            }
            Some(true) => {}
        }
        same_state(sa, sb).map_err(|e| format!("after {step}: {who} against wasmi: {e}"))?;
    }
    // Without exhaustion both ran every step.
    if a.steps.len() != b.steps.len() {
        let last = |r: &Run| r.steps.last().map(|(s, o, _)| format!("{s} {o:?}"));
        return Err(format!(
            "{who} ran {} steps, wasmi {} (last: {:?} / {:?})",
            a.steps.len(),
            b.steps.len(),
            last(a),
            last(b)
        ));
    }
    Ok(())
}

/// The statistics of one module.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub calls: usize,
    pub traps: usize,
    pub exhausted: bool,
}

/// Generates a module from `data` and compares Silo with wasmi. `Ok(None)`: the input was
/// rejected (no module, or one neither engine loads); `Err`: a mismatch.
pub fn compare(data: &[u8]) -> Result<Option<Stats>, String> {
    let Some(wasm) = module(data) else { return Ok(None) };
    compare_wasm(&wasm)
}

/// The module `data` stands for, if it makes one.
pub fn module(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    let config = smith_config(&mut u).ok()?;
    Some(wasm_smith::Module::new(config, &mut u).ok()?.to_bytes())
}

/// Compares Silo with wasmi on `wasm`.
pub fn compare_wasm(wasm: &[u8]) -> Result<Option<Stats>, String> {
    let engines = &*ENGINES;
    let mut plan = None;
    let mut stats = Stats::default();
    let mut wasmi_run = None;
    for (who, engine) in &engines.silo {
        let module = match Module::new(engine, wasm) {
            Ok(m) => m,
            Err(Error::Unsupported(_)) => return Ok(None),
            Err(e) => {
                return match wasmi::Module::new(&engines.wasmi, wasm) {
                    Err(_) => Ok(None),
                    Ok(_) => Err(format!("{who} rejects a module wasmi accepts: {e}")),
                };
            }
        };
        if module.imports().len() > 0 {
            return Ok(None);
        }
        let (run, made) = run_silo(engine, &module, plan.as_ref());
        if plan.is_none() {
            plan = made;
        }
        let Some(p) = plan.as_ref() else {
            // Instantiation failed in Silo: wasmi's must fail too.
            let w = run_wasmi(wasm, &Plan { exports: Vec::new(), calls: Vec::new() })?;
            compare_runs(who, &run, &w)?;
            return Ok(Some(stats));
        };
        if wasmi_run.is_none() {
            wasmi_run = Some(run_wasmi(wasm, p)?);
        }
        let w = wasmi_run.as_ref().unwrap();
        compare_runs(who, &run, w)?;
        stats.calls = run.steps.len() - 1;
        stats.traps = run.steps.iter().filter(|s| matches!(s.1, Outcome::Trapped(_))).count();
        stats.exhausted |= run.steps.iter().any(|s| matches!(s.1, Outcome::Exhausted(_)))
            || w.steps.iter().any(|s| matches!(s.1, Outcome::Exhausted(_)));
    }
    Ok(Some(stats))
}

/// The fuzz target's body: panics on a mismatch; `true` when a module was compared.
pub fn run(data: &[u8]) -> bool {
    match compare(data) {
        Ok(stats) => stats.is_some(),
        Err(mismatch) => panic!("Silo and wasmi differ: {mismatch}"),
    }
}
