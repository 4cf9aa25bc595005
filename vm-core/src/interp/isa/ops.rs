//! The description of the interpreter's instruction set: every op, once.
//!
//! Each line declares one op: its category, its name, its operands and the extension word that
//! follows it, if any. Everything else about an op is generated from this line (`define.rs`): the
//! `Instr` variant, its payload struct (`fields::Name`), the slot visitors the translator uses to
//! relocate and retarget operands, the handler table of each dispatch mode, and the sample the
//! dispatch probe runs. A handler (`exec/handlers.rs`) is written against the payload struct of its
//! op, so an op without a handler, or a handler reading the wrong operands, does not compile.
//!
//! Operands are `name: kind`, where the kind is one of
//!
//! - `def`: a slot the op writes its one result to (the translator may retarget it, e.g. to write
//!   straight into the local a `local.set` names);
//! - `use`: a slot the op reads;
//! - `slot`: any other slot operand (read and written, or the first of a span of slots); never
//!   retargeted;
//! - `br`: a branch offset, in ops, relative to the op after the branch;
//! - a type (`u32`, `i32`, `Wide`, `LoadKind`...): an immediate.
//!
//! The category says what the handler touches, which decides whether the dispatch probe can run it
//! on sample operands (slots holding 1, offsets 0, immediates 1):
//!
//! - `frame`: only the frame's slots (it may still trap on what it reads: division, conversions);
//! - `memory`: the frame and memory 0's base and length;
//! - `jump`: the frame, and a branch by its offset;
//! - `runtime`: the instance or the store, through the context;
//! - `flow`: calls, returns, traps and branch tables: it changes frames or ends the run;
//! - `word`: an extension word, read by the op before it and never dispatched.
//!
//! An op is 16 bytes: a 4-byte tag and at most 12 bytes of operands, each 4-byte aligned (so a
//! 64-bit immediate is a `Wide`). `+ Ext` or `+ MemArg` after an op says that the translator
//! always emits that word right after it.

/// Calls `$m!` with the description of every op (the SIMD ops, in `simd_ops.rs`, then the atomic
/// ops, in `atomic_ops.rs`, follow these).
macro_rules! for_each_op {
    ($m:ident) => {
        $crate::interp::isa::simd_ops::for_each_simd_op! { $m;
            // ---- moves and constants
            /// `dst = src`.
            frame Copy { dst: def, src: use };
            /// `dst = src` for a `v128` (two slots each).
            frame Copy128 { dst: def, src: use };
            /// `dst = value` (zero-extended).
            frame Const32 { dst: def, value: u32 };
            /// `dst = value`.
            frame Const64 { dst: def, value: Wide };
            /// `dst = if cond != 0 { a } else { b }`; followed by `Ext { a: cond }`.
            frame Select { dst: def, a: use, b: use } + Ext;
            /// `Select` of `v128` values (two slots each); followed by `Ext { a: cond }`.
            frame Select128 { dst: def, a: use, b: use } + Ext;
            /// `if cond == 0 { dst = src }`: a `select` whose first operand already sits in `dst`.
            frame SelectInPlace { dst: slot, cond: use, src: use };
            // ---- control
            /// Jump.
            jump Br { offset: br };
            /// Jump when the i32 in `cond` is not zero.
            jump BrIfNez { cond: use, offset: br };
            /// Jump when the i32 in `cond` is zero.
            jump BrIfEqz { cond: use, offset: br };
            /// Jump when the 64-bit value in `cond` is not zero (i64, or a non-null reference).
            jump BrIfNez64 { cond: use, offset: br };
            /// Jump when the 64-bit value in `cond` is zero (i64 zero, or a null reference).
            jump BrIfEqz64 { cond: use, offset: br };
            /// Jump to entry `min(index, len)` of the `len + 1` `Br` instructions that follow.
            flow BrTable { index: use, len: u32 };
            /// `BrTable` on `index + bias` (i32, wrapping; a `switch` whose cases do not start at
            /// 0), fused with the add: it sits right before the `BrTable` it stands for, which is
            /// never reached, and uses that one's entries (`ip + 2` on).
            flow BrTableAddImm { index: use, bias: i32, len: u32 };
            /// `BrTableAddImm` on `acc + bias`.
            flow BrTableAddImmA { bias: i32, len: u32 };
            /// Return without results.
            flow Return0 {};
            /// Return the value in `src` as the only result.
            flow Return1 { src: use };
            /// Return `len` results found in `src..`.
            flow ReturnSpan { src: slot, len: u32 };
            /// Trap: `unreachable` executed.
            flow Unreachable {};
            /// Fuel and interrupt check (metered engines only), at function entries and loop headers:
            /// charges `cost` instructions, and takes the slow path when the budget runs out.
            runtime Check { cost: u32 };
            /// Tiered strategy, at function entries and loop headers: counts down the function's hotness
            /// counter (at address `counter`, an `AtomicU32` of its module) and asks for the function to
            /// be compiled when it reaches zero.
            runtime Hotness { counter: Wide };
            /// `Hotness` at the header of a loop the frame can leave for native code (on-stack
            /// replacement): entered with an empty operand stack, the loop's `loop` instruction at byte
            /// `offset`. When the count runs out and the function's entry at this loop is compiled, the
            /// rest of the call runs natively.
            runtime LoopHotness { offset: u32, counter: Wide };
            /// The whole code of a function that has native code: calls it with the frame as its slot
            /// array (parameters in, results out), then returns.
            flow CallNative { def: u32 };
            // ---- calls: arguments are in `base..`, results are written back from `base`
            /// Call a function defined in the same module, by defined-function index.
            flow CallInternal { func: u32, base: slot };
            /// Call through the instance's function index space (imports).
            flow CallImported { func: u32, base: slot };
            /// Call through a table, checking the signature against module type `ty`; followed by
            /// `Ext { a: index slot }`.
            flow CallIndirect { table: u32, ty: u32, base: slot } + Ext;
            /// Call the function reference in `func`.
            flow CallRef { func: use, base: slot };
            /// Tail-call a function defined in the same module.
            flow ReturnCallInternal { func: u32, base: slot };
            /// Tail-call through the function index space.
            flow ReturnCallImported { func: u32, base: slot };
            /// Tail-call through a table; followed by `Ext { a: index slot }`.
            flow ReturnCallIndirect { table: u32, ty: u32, base: slot } + Ext;
            /// Tail-call the function reference in `func`.
            flow ReturnCallRef { func: use, base: slot };
            // ---- globals
            /// `dst = globals[global]`.
            runtime GlobalGet { dst: def, global: u32 };
            /// `globals[global] = src`.
            runtime GlobalSet { global: u32, src: use };
            /// `dst = globals[global]` for a `v128` global (two slots).
            runtime GlobalGet128 { dst: def, global: u32 };
            /// `globals[global] = src` for a `v128` global (two slots).
            runtime GlobalSet128 { global: u32, src: use };
            // ---- memory, general path: followed by `MemArg`
            /// Load from any memory at any offset.
            runtime Load { kind: LoadKind, dst: def, addr: use } + MemArg;
            /// Store to any memory at any offset.
            runtime Store { kind: StoreKind, addr: use, value: use } + MemArg;
            /// `dst = memory.size`.
            runtime MemorySize { dst: def, mem: u32 };
            /// `dst = memory.grow(delta)`.
            runtime MemoryGrow { dst: def, delta: use, mem: u32 };
            /// `memory.fill`; followed by `Ext { a: len }`.
            runtime MemoryFill { mem: u32, dst: use, value: use } + Ext;
            /// `memory.copy`; followed by `Ext { a: src, b: len }`.
            runtime MemoryCopy { dst_mem: u32, src_mem: u32, dst: use } + Ext;
            /// `memory.init`; followed by `Ext { a: src, b: len }`.
            runtime MemoryInit { mem: u32, seg: u32, dst: use } + Ext;
            /// `data.drop`.
            runtime DataDrop { seg: u32 };
            // ---- tables and references
            /// `dst = table[index]`.
            runtime TableGet { dst: def, table: u32, index: use };
            /// `table[index] = value`.
            runtime TableSet { table: u32, index: use, value: use };
            /// `dst = table.size`.
            runtime TableSize { dst: def, table: u32 };
            /// `dst = table.grow(init, delta)`; followed by `Ext { a: delta }`.
            runtime TableGrow { dst: def, table: u32, init: use } + Ext;
            /// `table.fill`; followed by `Ext { a: len }`.
            runtime TableFill { table: u32, start: use, value: use } + Ext;
            /// `table.copy`; followed by `Ext { a: src, b: len }`.
            runtime TableCopy { dst_table: u32, src_table: u32, dst: use } + Ext;
            /// `table.init`; followed by `Ext { a: src, b: len }`.
            runtime TableInit { table: u32, seg: u32, dst: use } + Ext;
            /// `elem.drop`.
            runtime ElemDrop { seg: u32 };
            /// `dst = ref.func func`.
            runtime RefFunc { dst: def, func: u32 };
            /// Trap when the reference in `src` is null.
            frame RefAsNonNull { src: use };
            // ---- garbage-collected objects (`runtime::gc` does the work; `ty` is a module type
            // index, `offset` a field's byte offset in its object, `target` a `CastTarget`)
            /// `dst = ref.i31 src`.
            frame RefI31 { dst: def, src: use };
            /// `dst = i31.get_s src`; traps on null.
            frame I31GetS { dst: def, src: use };
            /// `dst = i31.get_u src`; traps on null.
            frame I31GetU { dst: def, src: use };
            /// `dst = struct.new ty`, the fields in the slots from `dst` on.
            runtime StructNew { dst: slot, ty: u32 };
            /// `dst = struct.new_default ty`.
            runtime StructNewDefault { dst: def, ty: u32 };
            /// `dst = obj.field`, a sign-extended `i8` field.
            runtime StructGetS8 { dst: def, obj: use, offset: u32 };
            /// `dst = obj.field`, a zero-extended `i8` field.
            runtime StructGetU8 { dst: def, obj: use, offset: u32 };
            /// `dst = obj.field`, a sign-extended `i16` field.
            runtime StructGetS16 { dst: def, obj: use, offset: u32 };
            /// `dst = obj.field`, a zero-extended `i16` field.
            runtime StructGetU16 { dst: def, obj: use, offset: u32 };
            /// `dst = obj.field`, a 32-bit field (`i32`, `f32`, a heap reference).
            runtime StructGet32 { dst: def, obj: use, offset: u32 };
            /// `dst = obj.field`, a 64-bit field (`i64`, `f64`, a function reference).
            runtime StructGet64 { dst: def, obj: use, offset: u32 };
            /// `dst = obj.field`, a `v128` field (two slots).
            runtime StructGet128 { dst: slot, obj: use, offset: u32 };
            /// `obj.field = value`, an `i8` field.
            runtime StructSet8 { obj: use, value: use, offset: u32 };
            /// `obj.field = value`, an `i16` field.
            runtime StructSet16 { obj: use, value: use, offset: u32 };
            /// `obj.field = value`, a 32-bit field.
            runtime StructSet32 { obj: use, value: use, offset: u32 };
            /// `obj.field = value`, a 64-bit field.
            runtime StructSet64 { obj: use, value: use, offset: u32 };
            /// `obj.field = value`, a `v128` field.
            runtime StructSet128 { obj: use, value: use, offset: u32 };
            /// `dst = array.new ty` of `len` copies of `init`; followed by `Ext { a: len }`.
            runtime ArrayNew { dst: slot, ty: u32, init: use } + Ext;
            /// `dst = array.new_default ty` of `len` elements.
            runtime ArrayNewDefault { dst: def, ty: u32, len: use };
            /// `dst = array.new_fixed ty n`, the elements in the slots from `dst` on.
            runtime ArrayNewFixed { dst: slot, ty: u32, n: u32 };
            /// `dst = array.new_data ty seg`; followed by `Ext { a: offset, b: len }`.
            runtime ArrayNewData { dst: slot, ty: u32, seg: u32 } + Ext;
            /// `dst = array.new_elem ty seg`; followed by `Ext { a: offset, b: len }`.
            runtime ArrayNewElem { dst: slot, ty: u32, seg: u32 } + Ext;
            /// `dst = arr[idx]`, sign-extended `i8` elements.
            runtime ArrayGetS8 { dst: def, arr: use, idx: use };
            /// `dst = arr[idx]`, zero-extended `i8` elements.
            runtime ArrayGetU8 { dst: def, arr: use, idx: use };
            /// `dst = arr[idx]`, sign-extended `i16` elements.
            runtime ArrayGetS16 { dst: def, arr: use, idx: use };
            /// `dst = arr[idx]`, zero-extended `i16` elements.
            runtime ArrayGetU16 { dst: def, arr: use, idx: use };
            /// `dst = arr[idx]`, 32-bit elements.
            runtime ArrayGet32 { dst: def, arr: use, idx: use };
            /// `dst = arr[idx]`, 64-bit elements.
            runtime ArrayGet64 { dst: def, arr: use, idx: use };
            /// `dst = arr[idx]`, `v128` elements.
            runtime ArrayGet128 { dst: slot, arr: use, idx: use };
            /// `arr[idx] = value`, `i8` elements; followed by `Ext { a: value }`.
            runtime ArraySet8 { arr: use, idx: use } + Ext;
            /// `arr[idx] = value`, `i16` elements; followed by `Ext { a: value }`.
            runtime ArraySet16 { arr: use, idx: use } + Ext;
            /// `arr[idx] = value`, 32-bit elements; followed by `Ext { a: value }`.
            runtime ArraySet32 { arr: use, idx: use } + Ext;
            /// `arr[idx] = value`, 64-bit elements; followed by `Ext { a: value }`.
            runtime ArraySet64 { arr: use, idx: use } + Ext;
            /// `arr[idx] = value`, `v128` elements; followed by `Ext { a: value }`.
            runtime ArraySet128 { arr: use, idx: use } + Ext;
            /// `dst = array.len arr`.
            runtime ArrayLen { dst: def, arr: use };
            /// `array.fill arr idx value len`; followed by `Ext { a: len }`.
            runtime ArrayFill { arr: use, idx: use, value: use } + Ext;
            /// `array.copy dst dst_idx src src_idx len`; followed by `Ext { a: src_idx, b: len }`.
            runtime ArrayCopy { dst: use, dst_idx: use, src: use } + Ext;
            /// `array.init_data arr idx offset len` from segment `seg`; followed by
            /// `Ext { a: offset, b: len }`.
            runtime ArrayInitData { seg: u32, arr: use, idx: use } + Ext;
            /// `array.init_elem arr idx offset len` from segment `seg`; followed by
            /// `Ext { a: offset, b: len }`.
            runtime ArrayInitElem { seg: u32, arr: use, idx: use } + Ext;
            /// `dst = ref.test target src`.
            runtime RefTest { dst: def, src: use, target: u32 };
            /// `ref.cast target src`: traps unless the reference in `src` is of `target`.
            runtime RefCast { src: use, target: u32 };
            /// Jump when the reference in `src` is of `target` (`br_on_cast`).
            runtime BrOnCast { src: use, target: u32, offset: br };
            /// Jump when the reference in `src` is not of `target` (`br_on_cast_fail`).
            runtime BrOnCastFail { src: use, target: u32, offset: br };
            // ---- custom descriptors (`runtime::gc::desc_test`; a null descriptor traps)
            /// `dst = struct.new_desc ty`, the fields and then the descriptor in the slots from
            /// `dst` on.
            runtime StructNewDesc { dst: slot, ty: u32 };
            /// `dst = struct.new_default_desc ty` with the descriptor in `desc`.
            runtime StructNewDefaultDesc { dst: def, ty: u32, desc: use };
            /// `dst = ref.get_desc obj`, the descriptor at `offset` in the object; traps on null.
            runtime RefGetDesc { dst: def, obj: use, offset: u32 };
            /// `ref.cast_desc_eq`: traps unless the object in `src` has the descriptor in `desc`
            /// (null passes when `nullable` is 1).
            runtime RefCastDescEq { src: use, desc: use, nullable: u32 };
            /// Jump when the object in `src` has the descriptor in `desc` (`br_on_cast_desc_eq`
            /// to a non-nullable type).
            runtime BrOnCastDesc { src: use, desc: use, offset: br };
            /// The same, null passing (a nullable target type).
            runtime BrOnCastDescNull { src: use, desc: use, offset: br };
            /// Jump unless the object in `src` has the descriptor in `desc`
            /// (`br_on_cast_desc_eq_fail` to a non-nullable type).
            runtime BrOnCastDescFail { src: use, desc: use, offset: br };
            /// The same, null passing the cast (so not jumping).
            runtime BrOnCastDescFailNull { src: use, desc: use, offset: br };
            // ---- exceptions (`runtime::exn`; the function's handler regions say where a throw
            // lands, see `code::Region`)
            /// Throws a new exception of module tag `tag`, its payload in the slots from `base` on.
            flow Throw { tag: u32, base: slot };
            /// Throws the exception in `src` (`throw_ref`, `rethrow`); traps on null.
            flow ThrowRef { src: use };
            /// The landing of a handler: writes the caught exception's payload from `dst` on when
            /// `mode & 1`, and the exception itself to `exn` when `mode & 2`; the store lets go of it.
            runtime Catch { dst: slot, exn: slot, mode: u32 };
            // ---- extension words, consumed by the instruction before them; never dispatched
            /// Extra slot operands.
            word Ext { a: use, b: use };
            /// Memory index and offset of a general load or store.
            word MemArg { mem: u32, offset: Wide };
            // ---- integer arithmetic and comparison: `dst = lhs op rhs`
            frame I32Add { dst: def, lhs: use, rhs: use };
            frame I32Sub { dst: def, lhs: use, rhs: use };
            frame I32Mul { dst: def, lhs: use, rhs: use };
            frame I32And { dst: def, lhs: use, rhs: use };
            frame I32Or { dst: def, lhs: use, rhs: use };
            frame I32Xor { dst: def, lhs: use, rhs: use };
            frame I32Shl { dst: def, lhs: use, rhs: use };
            frame I32ShrS { dst: def, lhs: use, rhs: use };
            frame I32ShrU { dst: def, lhs: use, rhs: use };
            frame I32Rotl { dst: def, lhs: use, rhs: use };
            frame I32Rotr { dst: def, lhs: use, rhs: use };
            frame I32Eq { dst: def, lhs: use, rhs: use };
            frame I32Ne { dst: def, lhs: use, rhs: use };
            frame I32LtS { dst: def, lhs: use, rhs: use };
            frame I32LtU { dst: def, lhs: use, rhs: use };
            frame I32GtS { dst: def, lhs: use, rhs: use };
            frame I32GtU { dst: def, lhs: use, rhs: use };
            frame I32LeS { dst: def, lhs: use, rhs: use };
            frame I32LeU { dst: def, lhs: use, rhs: use };
            frame I32GeS { dst: def, lhs: use, rhs: use };
            frame I32GeU { dst: def, lhs: use, rhs: use };
            frame I32DivS { dst: def, lhs: use, rhs: use };
            frame I32DivU { dst: def, lhs: use, rhs: use };
            frame I32RemS { dst: def, lhs: use, rhs: use };
            frame I32RemU { dst: def, lhs: use, rhs: use };
            frame I64Add { dst: def, lhs: use, rhs: use };
            frame I64Sub { dst: def, lhs: use, rhs: use };
            frame I64Mul { dst: def, lhs: use, rhs: use };
            frame I64And { dst: def, lhs: use, rhs: use };
            frame I64Or { dst: def, lhs: use, rhs: use };
            frame I64Xor { dst: def, lhs: use, rhs: use };
            frame I64Shl { dst: def, lhs: use, rhs: use };
            frame I64ShrS { dst: def, lhs: use, rhs: use };
            frame I64ShrU { dst: def, lhs: use, rhs: use };
            frame I64Rotl { dst: def, lhs: use, rhs: use };
            frame I64Rotr { dst: def, lhs: use, rhs: use };
            frame I64Eq { dst: def, lhs: use, rhs: use };
            frame I64Ne { dst: def, lhs: use, rhs: use };
            frame I64LtS { dst: def, lhs: use, rhs: use };
            frame I64LtU { dst: def, lhs: use, rhs: use };
            frame I64GtS { dst: def, lhs: use, rhs: use };
            frame I64GtU { dst: def, lhs: use, rhs: use };
            frame I64LeS { dst: def, lhs: use, rhs: use };
            frame I64LeU { dst: def, lhs: use, rhs: use };
            frame I64GeS { dst: def, lhs: use, rhs: use };
            frame I64GeU { dst: def, lhs: use, rhs: use };
            frame I64DivS { dst: def, lhs: use, rhs: use };
            frame I64DivU { dst: def, lhs: use, rhs: use };
            frame I64RemS { dst: def, lhs: use, rhs: use };
            frame I64RemU { dst: def, lhs: use, rhs: use };
            // ---- the same with a constant right operand (`Rsub`: `imm - lhs`); i64 immediates are sign-extended
            frame I32AddImm { dst: def, lhs: use, imm: i32 };
            frame I32MulImm { dst: def, lhs: use, imm: i32 };
            frame I32AndImm { dst: def, lhs: use, imm: i32 };
            frame I32OrImm { dst: def, lhs: use, imm: i32 };
            frame I32XorImm { dst: def, lhs: use, imm: i32 };
            frame I32ShlImm { dst: def, lhs: use, imm: i32 };
            frame I32ShrSImm { dst: def, lhs: use, imm: i32 };
            frame I32ShrUImm { dst: def, lhs: use, imm: i32 };
            frame I32RotlImm { dst: def, lhs: use, imm: i32 };
            frame I32RotrImm { dst: def, lhs: use, imm: i32 };
            frame I32EqImm { dst: def, lhs: use, imm: i32 };
            frame I32NeImm { dst: def, lhs: use, imm: i32 };
            frame I32LtSImm { dst: def, lhs: use, imm: i32 };
            frame I32LtUImm { dst: def, lhs: use, imm: i32 };
            frame I32GtSImm { dst: def, lhs: use, imm: i32 };
            frame I32GtUImm { dst: def, lhs: use, imm: i32 };
            frame I32LeSImm { dst: def, lhs: use, imm: i32 };
            frame I32LeUImm { dst: def, lhs: use, imm: i32 };
            frame I32GeSImm { dst: def, lhs: use, imm: i32 };
            frame I32GeUImm { dst: def, lhs: use, imm: i32 };
            frame I32DivSImm { dst: def, lhs: use, imm: i32 };
            frame I32DivUImm { dst: def, lhs: use, imm: i32 };
            frame I32RemSImm { dst: def, lhs: use, imm: i32 };
            frame I32RemUImm { dst: def, lhs: use, imm: i32 };
            frame I32RsubImm { dst: def, lhs: use, imm: i32 };
            frame I64AddImm { dst: def, lhs: use, imm: i32 };
            frame I64MulImm { dst: def, lhs: use, imm: i32 };
            frame I64AndImm { dst: def, lhs: use, imm: i32 };
            frame I64OrImm { dst: def, lhs: use, imm: i32 };
            frame I64XorImm { dst: def, lhs: use, imm: i32 };
            frame I64ShlImm { dst: def, lhs: use, imm: i32 };
            frame I64ShrSImm { dst: def, lhs: use, imm: i32 };
            frame I64ShrUImm { dst: def, lhs: use, imm: i32 };
            frame I64RotlImm { dst: def, lhs: use, imm: i32 };
            frame I64RotrImm { dst: def, lhs: use, imm: i32 };
            frame I64EqImm { dst: def, lhs: use, imm: i32 };
            frame I64NeImm { dst: def, lhs: use, imm: i32 };
            frame I64LtSImm { dst: def, lhs: use, imm: i32 };
            frame I64LtUImm { dst: def, lhs: use, imm: i32 };
            frame I64GtSImm { dst: def, lhs: use, imm: i32 };
            frame I64GtUImm { dst: def, lhs: use, imm: i32 };
            frame I64LeSImm { dst: def, lhs: use, imm: i32 };
            frame I64LeUImm { dst: def, lhs: use, imm: i32 };
            frame I64GeSImm { dst: def, lhs: use, imm: i32 };
            frame I64GeUImm { dst: def, lhs: use, imm: i32 };
            frame I64DivSImm { dst: def, lhs: use, imm: i32 };
            frame I64DivUImm { dst: def, lhs: use, imm: i32 };
            frame I64RemSImm { dst: def, lhs: use, imm: i32 };
            frame I64RemUImm { dst: def, lhs: use, imm: i32 };
            frame I64RsubImm { dst: def, lhs: use, imm: i32 };
            // ---- float arithmetic and comparison
            frame F32Add { dst: def, lhs: use, rhs: use };
            frame F32Sub { dst: def, lhs: use, rhs: use };
            frame F32Mul { dst: def, lhs: use, rhs: use };
            frame F32Div { dst: def, lhs: use, rhs: use };
            frame F32Min { dst: def, lhs: use, rhs: use };
            frame F32Max { dst: def, lhs: use, rhs: use };
            frame F32Copysign { dst: def, lhs: use, rhs: use };
            frame F32Eq { dst: def, lhs: use, rhs: use };
            frame F32Ne { dst: def, lhs: use, rhs: use };
            frame F32Lt { dst: def, lhs: use, rhs: use };
            frame F32Gt { dst: def, lhs: use, rhs: use };
            frame F32Le { dst: def, lhs: use, rhs: use };
            frame F32Ge { dst: def, lhs: use, rhs: use };
            frame F64Add { dst: def, lhs: use, rhs: use };
            frame F64Sub { dst: def, lhs: use, rhs: use };
            frame F64Mul { dst: def, lhs: use, rhs: use };
            frame F64Div { dst: def, lhs: use, rhs: use };
            frame F64Min { dst: def, lhs: use, rhs: use };
            frame F64Max { dst: def, lhs: use, rhs: use };
            frame F64Copysign { dst: def, lhs: use, rhs: use };
            frame F64Eq { dst: def, lhs: use, rhs: use };
            frame F64Ne { dst: def, lhs: use, rhs: use };
            frame F64Lt { dst: def, lhs: use, rhs: use };
            frame F64Gt { dst: def, lhs: use, rhs: use };
            frame F64Le { dst: def, lhs: use, rhs: use };
            frame F64Ge { dst: def, lhs: use, rhs: use };
            // ---- wide arithmetic: a 128-bit result in two slots from `dst`, low half first
            /// `dst = (lhs_lo, lhs_hi) + (rhs_lo, rhs_hi)`, 128-bit; followed by `Ext { a: rhs_lo, b: rhs_hi }`.
            frame I64Add128 { dst: slot, lhs_lo: use, lhs_hi: use } + Ext;
            /// `dst = (lhs_lo, lhs_hi) - (rhs_lo, rhs_hi)`, 128-bit; followed by `Ext { a: rhs_lo, b: rhs_hi }`.
            frame I64Sub128 { dst: slot, lhs_lo: use, lhs_hi: use } + Ext;
            /// `dst = lhs * rhs`, the signed 128-bit product.
            frame I64MulWideS { dst: slot, lhs: use, rhs: use };
            /// `dst = lhs * rhs`, the unsigned 128-bit product.
            frame I64MulWideU { dst: slot, lhs: use, rhs: use };
            // ---- unary operators
            frame I32Clz { dst: def, src: use };
            frame I32Ctz { dst: def, src: use };
            frame I32Popcnt { dst: def, src: use };
            frame I32Eqz { dst: def, src: use };
            frame I32Extend8S { dst: def, src: use };
            frame I32Extend16S { dst: def, src: use };
            frame I64Clz { dst: def, src: use };
            frame I64Ctz { dst: def, src: use };
            frame I64Popcnt { dst: def, src: use };
            frame I64Eqz { dst: def, src: use };
            frame I64Extend8S { dst: def, src: use };
            frame I64Extend16S { dst: def, src: use };
            frame I64Extend32S { dst: def, src: use };
            frame F32Abs { dst: def, src: use };
            frame F32Neg { dst: def, src: use };
            frame F32Ceil { dst: def, src: use };
            frame F32Floor { dst: def, src: use };
            frame F32Trunc { dst: def, src: use };
            frame F32Nearest { dst: def, src: use };
            frame F32Sqrt { dst: def, src: use };
            frame F64Abs { dst: def, src: use };
            frame F64Neg { dst: def, src: use };
            frame F64Ceil { dst: def, src: use };
            frame F64Floor { dst: def, src: use };
            frame F64Trunc { dst: def, src: use };
            frame F64Nearest { dst: def, src: use };
            frame F64Sqrt { dst: def, src: use };
            // ---- conversions (reinterpretations and `i64.extend_i32_u` need no code: slots hold raw bits)
            frame I32WrapI64 { dst: def, src: use };
            frame I64ExtendI32S { dst: def, src: use };
            frame F32DemoteF64 { dst: def, src: use };
            frame F64PromoteF32 { dst: def, src: use };
            frame F32ConvertI32S { dst: def, src: use };
            frame F32ConvertI32U { dst: def, src: use };
            frame F32ConvertI64S { dst: def, src: use };
            frame F32ConvertI64U { dst: def, src: use };
            frame F64ConvertI32S { dst: def, src: use };
            frame F64ConvertI32U { dst: def, src: use };
            frame F64ConvertI64S { dst: def, src: use };
            frame F64ConvertI64U { dst: def, src: use };
            frame I32TruncSatF32S { dst: def, src: use };
            frame I32TruncSatF32U { dst: def, src: use };
            frame I32TruncSatF64S { dst: def, src: use };
            frame I32TruncSatF64U { dst: def, src: use };
            frame I64TruncSatF32S { dst: def, src: use };
            frame I64TruncSatF32U { dst: def, src: use };
            frame I64TruncSatF64S { dst: def, src: use };
            frame I64TruncSatF64U { dst: def, src: use };
            frame I32TruncF32S { dst: def, src: use };
            frame I32TruncF32U { dst: def, src: use };
            frame I32TruncF64S { dst: def, src: use };
            frame I32TruncF64U { dst: def, src: use };
            frame I64TruncF32S { dst: def, src: use };
            frame I64TruncF32U { dst: def, src: use };
            frame I64TruncF64S { dst: def, src: use };
            frame I64TruncF64U { dst: def, src: use };
            // ---- loads and stores on memory 0 when it is 32-bit, with a 32-bit offset
            memory I32Load { dst: def, addr: use, offset: u32 };
            memory I64Load { dst: def, addr: use, offset: u32 };
            memory F32Load { dst: def, addr: use, offset: u32 };
            memory F64Load { dst: def, addr: use, offset: u32 };
            memory I32Load8S { dst: def, addr: use, offset: u32 };
            memory I32Load8U { dst: def, addr: use, offset: u32 };
            memory I32Load16S { dst: def, addr: use, offset: u32 };
            memory I32Load16U { dst: def, addr: use, offset: u32 };
            memory I64Load8S { dst: def, addr: use, offset: u32 };
            memory I64Load8U { dst: def, addr: use, offset: u32 };
            memory I64Load16S { dst: def, addr: use, offset: u32 };
            memory I64Load16U { dst: def, addr: use, offset: u32 };
            memory I64Load32S { dst: def, addr: use, offset: u32 };
            memory I64Load32U { dst: def, addr: use, offset: u32 };
            memory I32Store { addr: use, value: use, offset: u32 };
            memory I64Store { addr: use, value: use, offset: u32 };
            memory F32Store { addr: use, value: use, offset: u32 };
            memory F64Store { addr: use, value: use, offset: u32 };
            memory I32Store8 { addr: use, value: use, offset: u32 };
            memory I32Store16 { addr: use, value: use, offset: u32 };
            memory I64Store8 { addr: use, value: use, offset: u32 };
            memory I64Store16 { addr: use, value: use, offset: u32 };
            memory I64Store32 { addr: use, value: use, offset: u32 };
            // ---- loads from `base + imm` (the i32 add wrapping, as the add it replaces did), offset 0
            memory I32LoadAddImm { dst: def, base: use, imm: i32 };
            memory I64LoadAddImm { dst: def, base: use, imm: i32 };
            memory F32LoadAddImm { dst: def, base: use, imm: i32 };
            memory F64LoadAddImm { dst: def, base: use, imm: i32 };
            memory I32Load8UAddImm { dst: def, base: use, imm: i32 };
            memory I32Load8SAddImm { dst: def, base: use, imm: i32 };
            memory I32Load16UAddImm { dst: def, base: use, imm: i32 };
            memory I32Load16SAddImm { dst: def, base: use, imm: i32 };
            // ---- loads and stores at `base + index` (a wrapping i32 add), offset 0
            memory I32LoadIdx { dst: def, base: use, index: use };
            memory I64LoadIdx { dst: def, base: use, index: use };
            memory F32LoadIdx { dst: def, base: use, index: use };
            memory F64LoadIdx { dst: def, base: use, index: use };
            memory I32Load8UIdx { dst: def, base: use, index: use };
            memory I32Load8SIdx { dst: def, base: use, index: use };
            memory I32Load16UIdx { dst: def, base: use, index: use };
            memory I32Load16SIdx { dst: def, base: use, index: use };
            memory I32StoreIdx { base: use, index: use, value: use };
            memory I32StoreIdxImm { base: use, index: use, value: i32 };
            memory I64StoreIdx { base: use, index: use, value: use };
            memory I64StoreIdxImm { base: use, index: use, value: i32 };
            memory I32Store8Idx { base: use, index: use, value: use };
            memory I32Store8IdxImm { base: use, index: use, value: i32 };
            memory I32Store16Idx { base: use, index: use, value: use };
            memory I32Store16IdxImm { base: use, index: use, value: i32 };
            // ---- the same stores with a constant value (sign-extended for i64)
            memory I32StoreImm { addr: use, value: i32, offset: u32 };
            memory I64StoreImm { addr: use, value: i32, offset: u32 };
            memory I32Store8Imm { addr: use, value: i32, offset: u32 };
            memory I32Store16Imm { addr: use, value: i32, offset: u32 };
            // ---- compare and branch: jump by `offset` when the comparison holds
            jump BrI32Eq { lhs: use, rhs: use, offset: br };
            jump BrI32Ne { lhs: use, rhs: use, offset: br };
            jump BrI32LtS { lhs: use, rhs: use, offset: br };
            jump BrI32LtU { lhs: use, rhs: use, offset: br };
            jump BrI32GtS { lhs: use, rhs: use, offset: br };
            jump BrI32GtU { lhs: use, rhs: use, offset: br };
            jump BrI32LeS { lhs: use, rhs: use, offset: br };
            jump BrI32LeU { lhs: use, rhs: use, offset: br };
            jump BrI32GeS { lhs: use, rhs: use, offset: br };
            jump BrI32GeU { lhs: use, rhs: use, offset: br };
            jump BrI32EqImm { lhs: use, imm: i32, offset: br };
            jump BrI32NeImm { lhs: use, imm: i32, offset: br };
            jump BrI32LtSImm { lhs: use, imm: i32, offset: br };
            jump BrI32LtUImm { lhs: use, imm: i32, offset: br };
            jump BrI32GtSImm { lhs: use, imm: i32, offset: br };
            jump BrI32GtUImm { lhs: use, imm: i32, offset: br };
            jump BrI32LeSImm { lhs: use, imm: i32, offset: br };
            jump BrI32LeUImm { lhs: use, imm: i32, offset: br };
            jump BrI32GeSImm { lhs: use, imm: i32, offset: br };
            jump BrI32GeUImm { lhs: use, imm: i32, offset: br };
            jump BrI64Eq { lhs: use, rhs: use, offset: br };
            jump BrI64Ne { lhs: use, rhs: use, offset: br };
            jump BrI64LtS { lhs: use, rhs: use, offset: br };
            jump BrI64LtU { lhs: use, rhs: use, offset: br };
            jump BrI64GtS { lhs: use, rhs: use, offset: br };
            jump BrI64GtU { lhs: use, rhs: use, offset: br };
            jump BrI64LeS { lhs: use, rhs: use, offset: br };
            jump BrI64LeU { lhs: use, rhs: use, offset: br };
            jump BrI64GeS { lhs: use, rhs: use, offset: br };
            jump BrI64GeU { lhs: use, rhs: use, offset: br };
            jump BrI64EqImm { lhs: use, imm: i32, offset: br };
            jump BrI64NeImm { lhs: use, imm: i32, offset: br };
            jump BrI64LtSImm { lhs: use, imm: i32, offset: br };
            jump BrI64LtUImm { lhs: use, imm: i32, offset: br };
            jump BrI64GtSImm { lhs: use, imm: i32, offset: br };
            jump BrI64GtUImm { lhs: use, imm: i32, offset: br };
            jump BrI64LeSImm { lhs: use, imm: i32, offset: br };
            jump BrI64LeUImm { lhs: use, imm: i32, offset: br };
            jump BrI64GeSImm { lhs: use, imm: i32, offset: br };
            jump BrI64GeUImm { lhs: use, imm: i32, offset: br };
            // ---- accumulator forms: the left operand, the address or the stored value is `acc`, the
            // value the op just before wrote (see `translate::acc`)
            frame I32AddA { dst: def, rhs: use };
            frame I32AddImmA { dst: def, imm: i32 };
            frame I32SubA { dst: def, rhs: use };
            frame I32MulA { dst: def, rhs: use };
            frame I32MulImmA { dst: def, imm: i32 };
            frame I32AndA { dst: def, rhs: use };
            frame I32AndImmA { dst: def, imm: i32 };
            frame I32OrA { dst: def, rhs: use };
            frame I32OrImmA { dst: def, imm: i32 };
            frame I32XorA { dst: def, rhs: use };
            frame I32XorImmA { dst: def, imm: i32 };
            frame I32ShlA { dst: def, rhs: use };
            frame I32ShlImmA { dst: def, imm: i32 };
            frame I32ShrSA { dst: def, rhs: use };
            frame I32ShrSImmA { dst: def, imm: i32 };
            frame I32ShrUA { dst: def, rhs: use };
            frame I32ShrUImmA { dst: def, imm: i32 };
            frame I64AddA { dst: def, rhs: use };
            frame I64AddImmA { dst: def, imm: i32 };
            frame I64SubA { dst: def, rhs: use };
            frame I64MulA { dst: def, rhs: use };
            frame I64MulImmA { dst: def, imm: i32 };
            frame I64AndA { dst: def, rhs: use };
            frame I64AndImmA { dst: def, imm: i32 };
            frame I64OrA { dst: def, rhs: use };
            frame I64OrImmA { dst: def, imm: i32 };
            frame I64XorA { dst: def, rhs: use };
            frame I64XorImmA { dst: def, imm: i32 };
            frame I64ShlA { dst: def, rhs: use };
            frame I64ShlImmA { dst: def, imm: i32 };
            frame I64ShrSA { dst: def, rhs: use };
            frame I64ShrSImmA { dst: def, imm: i32 };
            frame I64ShrUA { dst: def, rhs: use };
            frame I64ShrUImmA { dst: def, imm: i32 };
            frame F32AddA { dst: def, rhs: use };
            frame F32SubA { dst: def, rhs: use };
            frame F32MulA { dst: def, rhs: use };
            frame F32DivA { dst: def, rhs: use };
            frame F64AddA { dst: def, rhs: use };
            frame F64SubA { dst: def, rhs: use };
            frame F64MulA { dst: def, rhs: use };
            frame F64DivA { dst: def, rhs: use };
            memory I32LoadA { dst: def, offset: u32 };
            memory I64LoadA { dst: def, offset: u32 };
            memory F32LoadA { dst: def, offset: u32 };
            memory F64LoadA { dst: def, offset: u32 };
            memory I32Load8SA { dst: def, offset: u32 };
            memory I32Load8UA { dst: def, offset: u32 };
            memory I32Load16SA { dst: def, offset: u32 };
            memory I32Load16UA { dst: def, offset: u32 };
            memory I64Load32SA { dst: def, offset: u32 };
            memory I64Load32UA { dst: def, offset: u32 };
            memory I32StoreA { addr: use, offset: u32 };
            memory I64StoreA { addr: use, offset: u32 };
            memory F32StoreA { addr: use, offset: u32 };
            memory F64StoreA { addr: use, offset: u32 };
            memory I32Store8A { addr: use, offset: u32 };
            memory I32Store16A { addr: use, offset: u32 };
            memory I64Store8A { addr: use, offset: u32 };
            memory I64Store16A { addr: use, offset: u32 };
            memory I64Store32A { addr: use, offset: u32 };
            jump BrI32EqA { rhs: use, offset: br };
            jump BrI32EqImmA { imm: i32, offset: br };
            jump BrI32NeA { rhs: use, offset: br };
            jump BrI32NeImmA { imm: i32, offset: br };
            jump BrI32LtSA { rhs: use, offset: br };
            jump BrI32LtSImmA { imm: i32, offset: br };
            jump BrI32LtUA { rhs: use, offset: br };
            jump BrI32LtUImmA { imm: i32, offset: br };
            jump BrI32GtSA { rhs: use, offset: br };
            jump BrI32GtSImmA { imm: i32, offset: br };
            jump BrI32GtUA { rhs: use, offset: br };
            jump BrI32GtUImmA { imm: i32, offset: br };
            jump BrI32LeSA { rhs: use, offset: br };
            jump BrI32LeSImmA { imm: i32, offset: br };
            jump BrI32LeUA { rhs: use, offset: br };
            jump BrI32LeUImmA { imm: i32, offset: br };
            jump BrI32GeSA { rhs: use, offset: br };
            jump BrI32GeSImmA { imm: i32, offset: br };
            jump BrI32GeUA { rhs: use, offset: br };
            jump BrI32GeUImmA { imm: i32, offset: br };
            jump BrI64EqA { rhs: use, offset: br };
            jump BrI64EqImmA { imm: i32, offset: br };
            jump BrI64NeA { rhs: use, offset: br };
            jump BrI64NeImmA { imm: i32, offset: br };
            jump BrI64LtSA { rhs: use, offset: br };
            jump BrI64LtSImmA { imm: i32, offset: br };
            jump BrI64LtUA { rhs: use, offset: br };
            jump BrI64LtUImmA { imm: i32, offset: br };
            jump BrI64GtSA { rhs: use, offset: br };
            jump BrI64GtSImmA { imm: i32, offset: br };
            jump BrI64GtUA { rhs: use, offset: br };
            jump BrI64GtUImmA { imm: i32, offset: br };
            jump BrI64LeSA { rhs: use, offset: br };
            jump BrI64LeSImmA { imm: i32, offset: br };
            jump BrI64LeUA { rhs: use, offset: br };
            jump BrI64LeUImmA { imm: i32, offset: br };
            jump BrI64GeSA { rhs: use, offset: br };
            jump BrI64GeSImmA { imm: i32, offset: br };
            jump BrI64GeUA { rhs: use, offset: br };
            jump BrI64GeUImmA { imm: i32, offset: br };
            frame I32EqzA { dst: def };
            frame I64EqzA { dst: def };
            frame I32Extend8SA { dst: def };
            frame I32Extend16SA { dst: def };
            frame I32WrapI64A { dst: def };
            frame I64ExtendI32SA { dst: def };
            frame F64ConvertI32SA { dst: def };
            frame F64ConvertI32UA { dst: def };
            frame F64ConvertI64SA { dst: def };
            frame F32ConvertI32SA { dst: def };
            frame F64PromoteF32A { dst: def };
            frame F32DemoteF64A { dst: def };
            frame F64SqrtA { dst: def };
            frame F64NegA { dst: def };
            frame F64AbsA { dst: def };
            frame F32SqrtA { dst: def };
            frame F32NegA { dst: def };
            frame I32SubRA { dst: def, lhs: use };
            frame I64SubRA { dst: def, lhs: use };
            frame F32SubRA { dst: def, lhs: use };
            frame F64SubRA { dst: def, lhs: use };
            frame F32DivRA { dst: def, lhs: use };
            frame F64DivRA { dst: def, lhs: use };
            frame I32EqA { dst: def, rhs: use };
            frame I32EqImmA { dst: def, imm: i32 };
            frame I32NeA { dst: def, rhs: use };
            frame I32NeImmA { dst: def, imm: i32 };
            frame I32LtSA { dst: def, rhs: use };
            frame I32LtSImmA { dst: def, imm: i32 };
            frame I32LtUA { dst: def, rhs: use };
            frame I32LtUImmA { dst: def, imm: i32 };
            frame I32GtSA { dst: def, rhs: use };
            frame I32GtSImmA { dst: def, imm: i32 };
            frame I32GtUA { dst: def, rhs: use };
            frame I32GtUImmA { dst: def, imm: i32 };
            frame I32LeSA { dst: def, rhs: use };
            frame I32LeSImmA { dst: def, imm: i32 };
            frame I32LeUA { dst: def, rhs: use };
            frame I32LeUImmA { dst: def, imm: i32 };
            frame I32GeSA { dst: def, rhs: use };
            frame I32GeSImmA { dst: def, imm: i32 };
            frame I32GeUA { dst: def, rhs: use };
            frame I32GeUImmA { dst: def, imm: i32 };
            frame I64EqA { dst: def, rhs: use };
            frame I64EqImmA { dst: def, imm: i32 };
            frame I64NeA { dst: def, rhs: use };
            frame I64NeImmA { dst: def, imm: i32 };
            frame I64LtSA { dst: def, rhs: use };
            frame I64LtSImmA { dst: def, imm: i32 };
            frame I64LtUA { dst: def, rhs: use };
            frame I64LtUImmA { dst: def, imm: i32 };
            frame I64GtSA { dst: def, rhs: use };
            frame I64GtSImmA { dst: def, imm: i32 };
            frame I64GtUA { dst: def, rhs: use };
            frame I64GtUImmA { dst: def, imm: i32 };
            frame I64LeSA { dst: def, rhs: use };
            frame I64LeSImmA { dst: def, imm: i32 };
            frame I64LeUA { dst: def, rhs: use };
            frame I64LeUImmA { dst: def, imm: i32 };
            frame I64GeSA { dst: def, rhs: use };
            frame I64GeSImmA { dst: def, imm: i32 };
            frame I64GeUA { dst: def, rhs: use };
            frame I64GeUImmA { dst: def, imm: i32 };
            /// `if acc == 0 { dst = src }` (`SelectInPlace` with its condition in `acc`).
            frame SelectInPlaceA { dst: slot, src: use };
            jump BrI32AndNezA { rhs: use, offset: br };
            jump BrI32AndEqzA { rhs: use, offset: br };
            jump BrI32AndImmNezA { imm: i32, offset: br };
            jump BrI32AndImmEqzA { imm: i32, offset: br };
            jump BrIfNezA { offset: br };
            jump BrIfEqzA { offset: br };
            // ---- loop steps: an in-place `var += imm` and a compare-and-branch on its new value
            //      (`acc`), the latch of a counted loop in one op; the compare's right operand (a slot,
            //      or an immediate in the `Imm` forms) is in the extension word's `a`, which sits where
            //      the fused branch was; `offset` counts from the op after the extension word, so it
            //      is the fused branch's own. `acc` leaves with the new `var`.
            /// `var += imm` (i32), then jump when `var eq Ext.a` (a slot).
            jump I32StepBrEq { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var eq Ext.a` (an immediate).
            jump I32StepBrEqImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var ne Ext.a` (a slot).
            jump I32StepBrNe { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var ne Ext.a` (an immediate).
            jump I32StepBrNeImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var lts Ext.a` (a slot).
            jump I32StepBrLtS { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var lts Ext.a` (an immediate).
            jump I32StepBrLtSImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var ltu Ext.a` (a slot).
            jump I32StepBrLtU { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var ltu Ext.a` (an immediate).
            jump I32StepBrLtUImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var gts Ext.a` (a slot).
            jump I32StepBrGtS { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var gts Ext.a` (an immediate).
            jump I32StepBrGtSImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var gtu Ext.a` (a slot).
            jump I32StepBrGtU { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var gtu Ext.a` (an immediate).
            jump I32StepBrGtUImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var les Ext.a` (a slot).
            jump I32StepBrLeS { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var les Ext.a` (an immediate).
            jump I32StepBrLeSImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var leu Ext.a` (a slot).
            jump I32StepBrLeU { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var leu Ext.a` (an immediate).
            jump I32StepBrLeUImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var ges Ext.a` (a slot).
            jump I32StepBrGeS { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var ges Ext.a` (an immediate).
            jump I32StepBrGeSImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var geu Ext.a` (a slot).
            jump I32StepBrGeU { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when `var geu Ext.a` (an immediate).
            jump I32StepBrGeUImm { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump (a `while` loop's back edge; `Ext` unused).
            jump I32StepBr { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when the new `var` is not zero.
            jump I32StepBrNez { var: slot, imm: i32, offset: br } + Ext;
            /// `var += imm` (i32), then jump when the new `var` is zero.
            jump I32StepBrEqz { var: slot, imm: i32, offset: br } + Ext;
            // ---- test and branch: jump by `offset` when `lhs & rhs` is (not) zero
            jump BrI32AndNez { lhs: use, rhs: use, offset: br };
            jump BrI32AndEqz { lhs: use, rhs: use, offset: br };
            jump BrI32AndImmNez { lhs: use, imm: i32, offset: br };
            jump BrI32AndImmEqz { lhs: use, imm: i32, offset: br };
            jump BrF32Eq { lhs: use, rhs: use, offset: br };
            jump BrF32Ne { lhs: use, rhs: use, offset: br };
            jump BrF32Lt { lhs: use, rhs: use, offset: br };
            jump BrF32Gt { lhs: use, rhs: use, offset: br };
            jump BrF32Le { lhs: use, rhs: use, offset: br };
            jump BrF32Ge { lhs: use, rhs: use, offset: br };
            jump BrF32NotEq { lhs: use, rhs: use, offset: br };
            jump BrF32NotNe { lhs: use, rhs: use, offset: br };
            jump BrF32NotLt { lhs: use, rhs: use, offset: br };
            jump BrF32NotGt { lhs: use, rhs: use, offset: br };
            jump BrF32NotLe { lhs: use, rhs: use, offset: br };
            jump BrF32NotGe { lhs: use, rhs: use, offset: br };
            jump BrF64Eq { lhs: use, rhs: use, offset: br };
            jump BrF64Ne { lhs: use, rhs: use, offset: br };
            jump BrF64Lt { lhs: use, rhs: use, offset: br };
            jump BrF64Gt { lhs: use, rhs: use, offset: br };
            jump BrF64Le { lhs: use, rhs: use, offset: br };
            jump BrF64Ge { lhs: use, rhs: use, offset: br };
            jump BrF64NotEq { lhs: use, rhs: use, offset: br };
            jump BrF64NotNe { lhs: use, rhs: use, offset: br };
            jump BrF64NotLt { lhs: use, rhs: use, offset: br };
            jump BrF64NotGt { lhs: use, rhs: use, offset: br };
            jump BrF64NotLe { lhs: use, rhs: use, offset: br };
            jump BrF64NotGe { lhs: use, rhs: use, offset: br };
        }
    };
}

pub(crate) use for_each_op;
