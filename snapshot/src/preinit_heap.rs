//! Pre-initialized modules of guests with objects of the garbage-collected heap: what `silo init`
//! writes when the initializer left structs and arrays in globals and tables.
//!
//! Constant expressions cannot build every heap (cycles, shared objects, long arrays), so the new
//! module gets a start function that builds the heap image again at instantiation, by code: every
//! object once, kept in an array of `anyref` held by a new global while the build runs, then its
//! place in globals and tables set. The writer (`preinit`) appends what this plan makes: two types
//! (that array, and `[] -> []`), the global, the functions (the build, in chunks under the
//! validators' function size limit, and the start function calling them), one passive data
//! segment (the bytes of every array of numbers, for `array.new_data`), and a declarative element
//! segment naming the functions the build refers to (`ref.func` needs them declared).
//!
//! An object an immutable global holds is the one instantiation makes (the global cannot be set,
//! and the guest may refer to it elsewhere): the build takes it from the global and writes only its
//! mutable fields; so for an object reached from it through immutable fields. Other objects are
//! built in an order where every object an immutable or non-nullable field refers to comes first;
//! a mutable nullable field that refers to an object built later starts null and is set once all
//! are built. What cannot be built is refused, naming it: an exception, a cycle through immutable
//! fields, an immutable array of references longer than `array.new_fixed` allows.

use std::collections::HashMap;

use wasm_encoder::{
    Function, HeapType as EncHeapType, Ieee32, Ieee64, Instruction, RefType as EncRefType,
};
use wasmparser::{CompositeInnerType, Parser, Payload, StorageType, ValType};

use crate::SnapshotError;
use crate::capture::{InstanceState, RefState, ValState};
use crate::heap::HeapObjectState;
use silo_core::HeapRef;

/// Objects and patches a build function handles before the next one starts: its body stays far
/// below the validators' 7.6 MB limit for one function.
const CHUNK: usize = 20_000;

/// The most operands `array.new_fixed` takes (the validators' limit).
const MAX_FIXED: usize = 10_000;

/// A module type as the build needs it.
#[derive(Clone, Debug)]
enum Ty {
    Func,
    Struct(Vec<(StorageType, bool)>),
    Array(StorageType, bool),
    Other,
}

/// What the writer appends for the heap (see the module documentation).
pub(crate) struct HeapPlan {
    /// Type entries to append to the type section (each its own recursion group), and how many.
    pub type_entries: Vec<u8>,
    pub type_count: u32,
    /// The new `[] -> []` type of the new functions.
    pub func_type: u32,
    /// The new global holding the objects while they are built: its type and initializer.
    pub objs_type: u32,
    /// The new functions' bodies (code section entries, size-prefixed); the last is the start.
    pub bodies: Vec<Vec<u8>>,
    /// The start function's index.
    pub start: u32,
    /// The passive data segment of the arrays' bytes (none when empty).
    pub data: Vec<u8>,
    /// Functions the build names with `ref.func`.
    pub declared: Vec<u32>,
    /// Mutable globals the build sets (their initializers stay the module's own or null).
    pub globals_set: Vec<u32>,
}

/// What the module is, as far as the plan needs: its types, how many functions and globals it has,
/// its globals' and tables' types.
struct Outline {
    types: Vec<Ty>,
    funcs: u32,
    globals: Vec<wasmparser::GlobalType>,
    tables: Vec<wasmparser::TableType>,
}

fn outline(original: &[u8]) -> Result<Outline, SnapshotError> {
    let mut o = Outline { types: Vec::new(), funcs: 0, globals: Vec::new(), tables: Vec::new() };
    for payload in Parser::new(0).parse_all(original) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    let start = o.types.len() as u32;
                    for sub in group.into_types() {
                        o.types.push(match &sub.composite_type.inner {
                            CompositeInnerType::Func(_) => Ty::Func,
                            CompositeInnerType::Struct(s) => Ty::Struct(
                                s.fields
                                    .iter()
                                    .map(|f| (module_storage(f.element_type, start), f.mutable))
                                    .collect(),
                            ),
                            CompositeInnerType::Array(a) => {
                                Ty::Array(module_storage(a.0.element_type, start), a.0.mutable)
                            }
                            _ => Ty::Other,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import?.ty {
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_) => {
                            o.funcs += 1
                        }
                        wasmparser::TypeRef::Global(g) => o.globals.push(g),
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => o.funcs += reader.count(),
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g?;
                    o.globals.push(g.ty);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    o.tables.push(t?.ty);
                }
            }
            _ => {}
        }
    }
    Ok(o)
}

/// A storage type with its type references as module indices (a recursion group's own are
/// relative to the group, which starts at `start`).
fn module_storage(ty: StorageType, start: u32) -> StorageType {
    match ty {
        StorageType::Val(ValType::Ref(r)) => StorageType::Val(ValType::Ref(module_ref(r, start))),
        other => other,
    }
}

fn module_ref(r: wasmparser::RefType, start: u32) -> wasmparser::RefType {
    use wasmparser::{HeapType as H, UnpackedIndex as U};
    let fix = |i: U| match i {
        U::RecGroup(i) => U::Module(start + i),
        other => other,
    };
    let heap = match r.heap_type() {
        H::Concrete(i) => H::Concrete(fix(i)),
        H::Exact(i) => H::Exact(fix(i)),
        other => other,
    };
    wasmparser::RefType::new(r.is_nullable(), heap).unwrap_or(r)
}

/// Which hierarchy a reference type belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hier {
    Func,
    Any,
    Extern,
    Exn,
}

fn hier(types: &[Ty], r: wasmparser::RefType) -> Hier {
    use wasmparser::{AbstractHeapType as A, HeapType as H};
    match r.heap_type() {
        H::Abstract { ty: A::Func | A::NoFunc, .. } => Hier::Func,
        H::Abstract { ty: A::Extern | A::NoExtern, .. } => Hier::Extern,
        H::Abstract { ty: A::Exn | A::NoExn, .. } => Hier::Exn,
        H::Abstract { .. } => Hier::Any,
        H::Concrete(i) | H::Exact(i) => match i.as_module_index().map(|i| types.get(i as usize)) {
            Some(Some(Ty::Func)) => Hier::Func,
            _ => Hier::Any,
        },
    }
}

fn enc_heap(r: wasmparser::RefType) -> Result<EncHeapType, SnapshotError> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    RoundtripReencoder.heap_type(r.heap_type()).map_err(|e| SnapshotError::Encode(e.to_string()))
}

/// One value of an object, a global or a table slot, as the build writes it.
#[derive(Clone, Copy)]
enum Value {
    Number(StorageType, u64, u64),
    Null(wasmparser::RefType),
    Func(u32),
    I31(i32, Hier),
    Object(u32, Hier),
}

/// Plans the build of `objects` for a module `original` whose globals and tables hold `state`;
/// the passive data segment, if any, will be `data_index`.
pub(crate) fn plan(
    original: &[u8],
    state: &InstanceState,
    objects: &[HeapObjectState],
    data_index: u32,
) -> Result<HeapPlan, SnapshotError> {
    let o = outline(original)?;
    let refused = |why: String| SnapshotError::Unsupported(why);
    // Each object's values by field, and its type.
    let mut fields: Vec<Vec<(Value, bool)>> = Vec::with_capacity(objects.len());
    for (n, object) in objects.iter().enumerate() {
        let ty = o.types.get(object.type_index as usize).cloned().unwrap_or(Ty::Other);
        let mut out = Vec::new();
        match ty {
            Ty::Struct(fs) => {
                let mut values = object.values.iter().copied();
                for (storage, mutable) in fs {
                    let v = values.next().ok_or_else(|| refused(format!("object {n} is short")))?;
                    let value = match storage {
                        StorageType::Val(ValType::Ref(r)) => reference(&o.types, r, v)?,
                        StorageType::Val(ValType::V128) => {
                            let hi = values.next().unwrap_or(0);
                            Value::Number(storage, v, hi)
                        }
                        _ => Value::Number(storage, v, 0),
                    };
                    out.push((value, mutable));
                }
            }
            Ty::Array(StorageType::Val(ValType::Ref(r)), mutable) => {
                for &v in &object.values {
                    out.push((reference(&o.types, r, v)?, mutable));
                }
            }
            Ty::Array(..) => {}
            Ty::Func => {
                return Err(refused(format!(
                    "object {n} is an exception, which a module cannot start with"
                )));
            }
            Ty::Other => return Err(refused(format!("object {n} has an unknown type"))),
        }
        fields.push(out);
    }

    // Every reference names one of the objects (the image is the caller's: checked).
    let count = objects.len() as u32;
    let named = |v: &Value| matches!(v, Value::Object(m, _) if *m >= count);
    let in_state = state.globals.iter().filter_map(|g| match g {
        ValState::Ref(RefState::Object(m)) => Some(*m),
        _ => None,
    });
    let in_tables = state.tables.iter().flatten().filter_map(|e| match e {
        RefState::Object(m) => Some(*m),
        _ => None,
    });
    if fields.iter().flatten().any(|(v, _)| named(v))
        || in_state.chain(in_tables).any(|m| m >= count)
    {
        return Err(refused(format!("a reference to an object past the image's {count}")));
    }

    // Objects instantiation makes: immutable globals', and what their immutable fields hold.
    let mut bound: HashMap<u32, Source> = HashMap::new();
    let mut queue = Vec::new();
    for (g, value) in state.globals.iter().enumerate() {
        let Some(ty) = o.globals.get(g) else { continue };
        if let (false, ValState::Ref(RefState::Object(n))) = (ty.mutable, value) {
            let extern_global = matches!(ty.content_type, ValType::Ref(r)
                if hier(&o.types, r) == Hier::Extern);
            if bound.insert(*n, Source::Global(g as u32, extern_global)).is_none() {
                queue.push(*n);
            }
        }
    }
    while let Some(n) = queue.pop() {
        if !matches!(o.types.get(objects[n as usize].type_index as usize), Some(Ty::Struct(_))) {
            continue;
        }
        for (f, (value, mutable)) in fields[n as usize].iter().enumerate() {
            if let (Value::Object(m, _), false) = (value, mutable)
                && !bound.contains_key(m)
            {
                bound.insert(*m, Source::Field(n, f as u32));
                queue.push(*m);
            }
        }
    }

    // The order of the others: what immutable or non-nullable fields refer to first.
    let mut order: Vec<u32> = Vec::with_capacity(objects.len());
    let mut mark = vec![0u8; objects.len()]; // 0 new, 1 in progress, 2 placed
    for (&n, _) in bound.iter() {
        mark[n as usize] = 2;
    }
    for start in 0..objects.len() as u32 {
        visit(start, &fields, &o.types, objects, &mut mark, &mut order)?;
    }

    let mut b = Build::new(o.types.len() as u32, o.globals.len() as u32);
    let mut data = Vec::new();
    // Bound objects first, parents before children (`queue` order was depth first: sort by the
    // chain length instead).
    let mut bound_order: Vec<u32> = bound.keys().copied().collect();
    bound_order.sort_by_key(|&n| chain(&bound, n));
    for n in bound_order {
        b.step();
        b.begin_store(n);
        match bound[&n] {
            Source::Global(g, extern_global) => {
                b.ins(Instruction::GlobalGet(g));
                if extern_global {
                    b.ins(Instruction::AnyConvertExtern);
                }
            }
            Source::Field(parent, f) => {
                b.get(parent, objects[parent as usize].type_index);
                b.ins(Instruction::StructGet {
                    struct_type_index: objects[parent as usize].type_index,
                    field_index: f,
                });
            }
        }
        b.end_store();
    }
    let mut patches: Vec<(u32, u32, Value)> = Vec::new();
    for &n in &order {
        b.step();
        let object = &objects[n as usize];
        let t = object.type_index;
        b.begin_store(n);
        match &o.types[t as usize] {
            Ty::Struct(_) => {
                for (f, &(value, mutable)) in fields[n as usize].iter().enumerate() {
                    match value {
                        Value::Object(m, _) if mark[m as usize] != 3 && !bound.contains_key(&m) => {
                            // Built later: null now (the field is mutable and nullable: `visit`).
                            let _ = mutable;
                            let Ty::Struct(fs) = &o.types[t as usize] else { unreachable!() };
                            let StorageType::Val(ValType::Ref(r)) = fs[f].0 else { unreachable!() };
                            b.ins(Instruction::RefNull(enc_heap(r)?));
                            patches.push((n, f as u32, value));
                        }
                        _ => b.value(value, objects)?,
                    }
                }
                b.ins(Instruction::StructNew(t));
            }
            Ty::Array(StorageType::Val(ValType::Ref(r)), true) if r.is_nullable() => {
                b.ins(Instruction::I32Const(fields[n as usize].len() as i32));
                b.ins(Instruction::ArrayNewDefault(t));
                for (i, &(value, _)) in fields[n as usize].iter().enumerate() {
                    if !matches!(value, Value::Null(_)) {
                        patches.push((n, i as u32, value));
                    }
                }
            }
            Ty::Array(StorageType::Val(ValType::Ref(_)), _) => {
                if fields[n as usize].len() > MAX_FIXED {
                    return Err(refused(format!(
                        "object {n}, an array of {} references that are immutable or \
                         non-nullable, is longer than a module can build ({MAX_FIXED})",
                        fields[n as usize].len()
                    )));
                }
                for &(value, _) in &fields[n as usize] {
                    b.value(value, objects)?;
                }
                b.ins(Instruction::ArrayNewFixed {
                    array_type_index: t,
                    array_size: fields[n as usize].len() as u32,
                });
            }
            Ty::Array(storage, _) => {
                let size = storage_size(*storage);
                let at =
                    u32::try_from(data.len()).map_err(|_| refused("arrays too long".into()))?;
                data.extend_from_slice(&object.bytes);
                b.ins(Instruction::I32Const(at as i32));
                b.ins(Instruction::I32Const((object.bytes.len() / size) as i32));
                b.ins(Instruction::ArrayNewData {
                    array_type_index: t,
                    array_data_index: data_index,
                });
            }
            _ => return Err(refused(format!("object {n} has an unknown type"))),
        }
        b.end_store();
        mark[n as usize] = 3;
    }
    // Bound objects' mutable fields (a mutable array of numbers: its bytes), and the fields
    // left null above.
    let mut bound_list: Vec<u32> = bound.keys().copied().collect();
    bound_list.sort_unstable();
    for n in bound_list {
        let object = &objects[n as usize];
        let t = object.type_index;
        if let Some(Ty::Array(storage, true)) = o.types.get(t as usize)
            && !matches!(storage, StorageType::Val(ValType::Ref(_)))
            && !object.bytes.is_empty()
        {
            b.step();
            let at = u32::try_from(data.len()).map_err(|_| refused("arrays too long".into()))?;
            data.extend_from_slice(&object.bytes);
            b.get(n, t);
            b.ins(Instruction::I32Const(0));
            b.ins(Instruction::I32Const(at as i32));
            b.ins(Instruction::I32Const((object.bytes.len() / storage_size(*storage)) as i32));
            b.ins(Instruction::ArrayInitData { array_type_index: t, array_data_index: data_index });
            continue;
        }
        for (f, &(value, mutable)) in fields[n as usize].iter().enumerate() {
            if mutable {
                patches.push((n, f as u32, value));
            }
        }
    }
    for (n, f, value) in patches {
        b.step();
        let t = objects[n as usize].type_index;
        b.get(n, t);
        match &o.types[t as usize] {
            Ty::Struct(_) => {
                b.value(value, objects)?;
                b.ins(Instruction::StructSet { struct_type_index: t, field_index: f });
            }
            _ => {
                b.ins(Instruction::I32Const(f as i32));
                b.value(value, objects)?;
                b.ins(Instruction::ArraySet(t));
            }
        }
    }
    // Globals and table slots.
    let mut globals_set = Vec::new();
    for (g, value) in state.globals.iter().enumerate() {
        let Some(ty) = o.globals.get(g) else { continue };
        if let (true, ValState::Ref(RefState::Object(m)), ValType::Ref(r)) =
            (ty.mutable, value, ty.content_type)
        {
            b.step();
            b.value(Value::Object(*m, hier(&o.types, r)), objects)?;
            b.ins(Instruction::GlobalSet(g as u32));
            globals_set.push(g as u32);
        }
    }
    for (t, elements) in state.tables.iter().enumerate() {
        let Some(ty) = o.tables.get(t) else { continue };
        let h = hier(&o.types, ty.element_type);
        for (slot, element) in elements.iter().enumerate() {
            if let RefState::Object(m) = element {
                b.step();
                if ty.table64 {
                    b.ins(Instruction::I64Const(slot as i64));
                } else {
                    b.ins(Instruction::I32Const(slot as i32));
                }
                b.value(Value::Object(*m, h), objects)?;
                b.ins(Instruction::TableSet(t as u32));
            }
        }
    }
    let mut plan = b.finish(o.funcs, objects.len() as u32, data);
    plan.globals_set = globals_set;
    Ok(plan)
}

/// Where a bound object comes from: an immutable global (`true`: of the `extern` hierarchy), or
/// an immutable field of another bound object.
#[derive(Clone, Copy)]
enum Source {
    Global(u32, bool),
    Field(u32, u32),
}

fn chain(bound: &HashMap<u32, Source>, mut n: u32) -> usize {
    let mut length = 0;
    while let Some(Source::Field(parent, _)) = bound.get(&n) {
        n = *parent;
        length += 1;
        if length > bound.len() {
            break;
        }
    }
    length
}

/// Places `n` in `order` after every object one of its immutable or non-nullable reference
/// fields refers to (a depth-first walk, without recursion).
fn visit(
    start: u32,
    fields: &[Vec<(Value, bool)>],
    types: &[Ty],
    objects: &[HeapObjectState],
    mark: &mut [u8],
    order: &mut Vec<u32>,
) -> Result<(), SnapshotError> {
    if mark[start as usize] != 0 {
        return Ok(());
    }
    let needs = |n: u32| -> Vec<u32> {
        let t = objects[n as usize].type_index as usize;
        let nullable = |f: usize| match &types[t] {
            Ty::Struct(fs) => {
                matches!(fs[f].0, StorageType::Val(ValType::Ref(r)) if r.is_nullable())
            }
            _ => true,
        };
        let is_struct = matches!(types[t], Ty::Struct(_));
        // A mutable array of nullable references gets its elements once every object is built.
        let array_later = matches!(types[t],
            Ty::Array(StorageType::Val(ValType::Ref(r)), true) if r.is_nullable());
        fields[n as usize]
            .iter()
            .enumerate()
            .filter_map(|(f, &(v, mutable))| match v {
                Value::Object(m, _) if !is_struct && !array_later => Some(m),
                Value::Object(m, _) if is_struct && (!mutable || !nullable(f)) => Some(m),
                _ => None,
            })
            .collect()
    };
    let mut stack: Vec<(u32, Vec<u32>)> = vec![(start, needs(start))];
    mark[start as usize] = 1;
    while let Some((n, pending)) = stack.last_mut() {
        match pending.pop() {
            Some(m) => match mark[m as usize] {
                0 => {
                    mark[m as usize] = 1;
                    let next = needs(m);
                    stack.push((m, next));
                }
                1 => {
                    return Err(SnapshotError::Unsupported(format!(
                        "objects {n} and {m} refer to each other through fields that cannot be \
                         set after they are made (immutable or non-nullable)"
                    )));
                }
                _ => {}
            },
            None => {
                let n = *n;
                mark[n as usize] = 2;
                order.push(n);
                stack.pop();
            }
        }
    }
    Ok(())
}

/// The value a field of reference type `r` holds, from its code.
fn reference(types: &[Ty], r: wasmparser::RefType, code: u64) -> Result<Value, SnapshotError> {
    let h = hier(types, r);
    if code == 0 {
        return Ok(Value::Null(r));
    }
    Ok(match (h, HeapRef::from_code(code)) {
        (Hier::Func, _) => Value::Func((code - 1) as u32),
        (Hier::Exn, _) => {
            return Err(SnapshotError::Unsupported(
                "an object holds an exception, which a module cannot start with".into(),
            ));
        }
        (_, Some(HeapRef::I31(v))) => Value::I31(v, h),
        (_, Some(HeapRef::Object(m))) => Value::Object(m, h),
        _ => return Err(SnapshotError::Unsupported(format!("a reference code {code}"))),
    })
}

fn storage_size(s: StorageType) -> usize {
    match s {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I32 | ValType::F32) => 4,
        StorageType::Val(ValType::V128) => 16,
        _ => 8,
    }
}

/// The build's code, in chunks.
struct Build {
    /// Index of the first new type (the objects' array; the function type follows).
    objs_type: u32,
    /// Index of the new global.
    global: u32,
    chunks: Vec<Function>,
    current: Function,
    steps: usize,
    declared: Vec<u32>,
}

impl Build {
    fn new(types: u32, globals: u32) -> Build {
        Build {
            objs_type: types,
            global: globals,
            chunks: Vec::new(),
            current: Function::new([]),
            steps: 0,
            declared: Vec::new(),
        }
    }

    fn ins(&mut self, i: Instruction<'_>) {
        self.current.instruction(&i);
    }

    /// One object or patch more: a new chunk every `CHUNK`.
    fn step(&mut self) {
        self.steps += 1;
        if self.steps.is_multiple_of(CHUNK) {
            let done = std::mem::replace(&mut self.current, Function::new([]));
            self.chunks.push(done);
        }
    }

    /// Starts storing object `n` (its value follows; `end_store` stores it).
    fn begin_store(&mut self, n: u32) {
        self.ins(Instruction::GlobalGet(self.global));
        self.ins(Instruction::I32Const(n as i32));
    }

    fn end_store(&mut self) {
        self.ins(Instruction::ArraySet(self.objs_type));
    }

    /// Object `n`, of type `t`, as a non-null reference of its type.
    fn get(&mut self, n: u32, t: u32) {
        self.ins(Instruction::GlobalGet(self.global));
        self.ins(Instruction::I32Const(n as i32));
        self.ins(Instruction::ArrayGet(self.objs_type));
        self.ins(Instruction::RefCastNonNull(EncHeapType::Concrete(t)));
    }

    fn value(&mut self, value: Value, objects: &[HeapObjectState]) -> Result<(), SnapshotError> {
        match value {
            Value::Number(storage, lo, hi) => self.ins(match storage {
                StorageType::I8 | StorageType::I16 | StorageType::Val(ValType::I32) => {
                    Instruction::I32Const(lo as u32 as i32)
                }
                StorageType::Val(ValType::I64) => Instruction::I64Const(lo as i64),
                StorageType::Val(ValType::F32) => Instruction::F32Const(Ieee32::new(lo as u32)),
                StorageType::Val(ValType::F64) => Instruction::F64Const(Ieee64::new(lo)),
                _ => Instruction::V128Const((lo as u128 | (hi as u128) << 64) as i128),
            }),
            Value::Null(r) => self.ins(Instruction::RefNull(enc_heap(r)?)),
            Value::Func(f) => {
                self.declared.push(f);
                self.ins(Instruction::RefFunc(f));
            }
            Value::I31(v, h) => {
                self.ins(Instruction::I32Const(v));
                self.ins(Instruction::RefI31);
                if h == Hier::Extern {
                    self.ins(Instruction::ExternConvertAny);
                }
            }
            Value::Object(m, h) => {
                let t = objects.get(m as usize).map(|o| o.type_index).ok_or_else(|| {
                    SnapshotError::Unsupported(format!("a reference to object {m}, past them"))
                })?;
                self.get(m, t);
                if h == Hier::Extern {
                    self.ins(Instruction::ExternConvertAny);
                }
            }
        }
        Ok(())
    }

    /// The plan: the chunks, then the start function that makes the array, calls them and drops
    /// it.
    fn finish(mut self, funcs: u32, objects: u32, data: Vec<u8>) -> HeapPlan {
        let last = std::mem::replace(&mut self.current, Function::new([]));
        self.chunks.push(last);
        let func_type = self.objs_type + 1;
        let first = funcs;
        let mut start = Function::new([]);
        start.instruction(&Instruction::I32Const(objects as i32));
        start.instruction(&Instruction::ArrayNewDefault(self.objs_type));
        start.instruction(&Instruction::GlobalSet(self.global));
        for i in 0..self.chunks.len() as u32 {
            start.instruction(&Instruction::Call(first + i));
        }
        start.instruction(&Instruction::RefNull(EncHeapType::Concrete(self.objs_type)));
        start.instruction(&Instruction::GlobalSet(self.global));
        let mut bodies = Vec::new();
        for mut f in self.chunks.drain(..) {
            f.instruction(&Instruction::End);
            let mut body = Vec::new();
            wasm_encoder::Encode::encode(&f, &mut body);
            bodies.push(body);
        }
        start.instruction(&Instruction::End);
        let mut body = Vec::new();
        wasm_encoder::Encode::encode(&start, &mut body);
        bodies.push(body);
        let start_index = first + bodies.len() as u32 - 1;
        // `(array (mut anyref))` and `(func)`, each a recursion group of its own.
        let type_entries = vec![0x5e, 0x6e, 0x01, 0x60, 0x00, 0x00];
        let mut declared = self.declared;
        declared.sort_unstable();
        declared.dedup();
        HeapPlan {
            type_entries,
            type_count: 2,
            func_type,
            objs_type: self.objs_type,
            bodies,
            start: start_index,
            data,
            declared,
            globals_set: Vec::new(),
        }
    }
}

/// The new global's type and initializer: `(mut (ref null $objs))`, null.
pub(crate) fn objs_global(plan: &HeapPlan) -> (wasm_encoder::GlobalType, wasm_encoder::ConstExpr) {
    let ty = wasm_encoder::GlobalType {
        val_type: wasm_encoder::ValType::Ref(EncRefType {
            nullable: true,
            heap_type: EncHeapType::Concrete(plan.objs_type),
        }),
        mutable: true,
        shared: false,
    };
    (ty, wasm_encoder::ConstExpr::ref_null(EncHeapType::Concrete(plan.objs_type)))
}
