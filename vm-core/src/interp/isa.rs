//! The interpreter's internal code: a register-style instruction set.
//!
//! Operands are frame slots (`Slot`, 64-bit cells counted from the frame pointer): a function's
//! parameters and locals come first, then the slots its operand stack uses. Locals and constants
//! are used in place rather than pushed; comparisons feeding a branch are fused into it; branch
//! targets are resolved to relative offsets. An instruction is 16 bytes; the few that need more
//! operands are followed by an extension word (`Ext`, `MemArg`) which they consume.
//!
//! Values are raw bits in a slot: an `i32` is zero-extended, an `f32` is its bit pattern in the low
//! half, a reference is its raw form (0 is null). So reinterpretations cost nothing.

/// A frame slot index.
pub(crate) type Slot = u32;

/// A branch offset, in instructions, relative to the instruction after the branch.
pub(crate) type Offset = i32;

/// Width and extension of a load on the general (any memory, any offset) path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum LoadKind {
    I32,
    I64,
    F32,
    F64,
    I32_8S,
    I32_8U,
    I32_16S,
    I32_16U,
    I64_8S,
    I64_8U,
    I64_16S,
    I64_16U,
    I64_32S,
    I64_32U,
}

/// Width of a store on the general path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StoreKind {
    /// 8 bytes.
    B64,
    /// 4 bytes.
    B32,
    /// 2 bytes.
    B16,
    /// 1 byte.
    B8,
}

/// One interpreter instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Instr {
    // ---- moves and constants
    /// `dst = src`.
    Copy {
        dst: Slot,
        src: Slot,
    },
    /// `dst = value` (zero-extended).
    Const32 {
        dst: Slot,
        value: u32,
    },
    /// `dst = value`.
    Const64 {
        dst: Slot,
        value: u64,
    },
    /// `dst = if cond != 0 { a } else { b }`; followed by `Ext { a: cond }`.
    Select {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    /// `if cond == 0 { dst = src }`: a `select` whose first operand already sits in `dst`.
    SelectInPlace {
        dst: Slot,
        cond: Slot,
        src: Slot,
    },

    // ---- control
    /// Jump.
    Br {
        offset: Offset,
    },
    /// Jump when the i32 in `cond` is not zero.
    BrIfNez {
        cond: Slot,
        offset: Offset,
    },
    /// Jump when the i32 in `cond` is zero.
    BrIfEqz {
        cond: Slot,
        offset: Offset,
    },
    /// Jump when the 64-bit value in `cond` is not zero (i64, or a non-null reference).
    BrIfNez64 {
        cond: Slot,
        offset: Offset,
    },
    /// Jump when the 64-bit value in `cond` is zero (i64 zero, or a null reference).
    BrIfEqz64 {
        cond: Slot,
        offset: Offset,
    },
    /// Jump to entry `min(index, len)` of the `len + 1` `Br` instructions that follow.
    BrTable {
        index: Slot,
        len: u32,
    },
    /// Return without results.
    Return0,
    /// Return the value in `src` as the only result.
    Return1 {
        src: Slot,
    },
    /// Return `len` results found in `src..`.
    ReturnSpan {
        src: Slot,
        len: u32,
    },
    /// Trap: `unreachable` executed.
    Unreachable,
    /// Fuel and interrupt check (metered engines only), at function entries and loop headers:
    /// charges `cost` instructions, and takes the slow path when the budget runs out.
    Check {
        cost: u32,
    },
    /// Tiered strategy, at function entries and loop headers: counts down the function's hotness
    /// counter (at address `counter`, an `AtomicU32` of its module) and asks for the function to
    /// be compiled when it reaches zero.
    Hotness {
        counter: u64,
    },
    /// `Hotness` at the header of a loop the frame can leave for native code (on-stack
    /// replacement): entered with an empty operand stack, the loop's `loop` instruction at byte
    /// `offset`. When the count runs out and the function's entry at this loop is compiled, the
    /// rest of the call runs natively.
    LoopHotness {
        offset: u32,
        counter: u64,
    },
    /// The whole code of a function that has native code: calls it with the frame as its slot
    /// array (parameters in, results out), then returns.
    CallNative {
        def: u32,
    },

    // ---- calls: arguments are in `base..`, results are written back from `base`
    /// Call a function defined in the same module, by defined-function index.
    CallInternal {
        func: u32,
        base: Slot,
    },
    /// Call through the instance's function index space (imports).
    CallImported {
        func: u32,
        base: Slot,
    },
    /// Call through a table, checking the signature against module type `ty`; followed by
    /// `Ext { a: index slot }`.
    CallIndirect {
        table: u32,
        ty: u32,
        base: Slot,
    },
    /// Call the function reference in `func`.
    CallRef {
        func: Slot,
        base: Slot,
    },
    /// Tail-call a function defined in the same module.
    ReturnCallInternal {
        func: u32,
        base: Slot,
    },
    /// Tail-call through the function index space.
    ReturnCallImported {
        func: u32,
        base: Slot,
    },
    /// Tail-call through a table; followed by `Ext { a: index slot }`.
    ReturnCallIndirect {
        table: u32,
        ty: u32,
        base: Slot,
    },
    /// Tail-call the function reference in `func`.
    ReturnCallRef {
        func: Slot,
        base: Slot,
    },

    // ---- globals
    /// `dst = globals[global]`.
    GlobalGet {
        dst: Slot,
        global: u32,
    },
    /// `globals[global] = src`.
    GlobalSet {
        global: u32,
        src: Slot,
    },

    // ---- memory, general path: followed by `MemArg`
    /// Load from any memory at any offset.
    Load {
        kind: LoadKind,
        dst: Slot,
        addr: Slot,
    },
    /// Store to any memory at any offset.
    Store {
        kind: StoreKind,
        addr: Slot,
        value: Slot,
    },
    /// `dst = memory.size`.
    MemorySize {
        dst: Slot,
        mem: u32,
    },
    /// `dst = memory.grow(delta)`.
    MemoryGrow {
        dst: Slot,
        delta: Slot,
        mem: u32,
    },
    /// `memory.fill`; followed by `Ext { a: len }`.
    MemoryFill {
        mem: u32,
        dst: Slot,
        value: Slot,
    },
    /// `memory.copy`; followed by `Ext { a: src, b: len }`.
    MemoryCopy {
        dst_mem: u32,
        src_mem: u32,
        dst: Slot,
    },
    /// `memory.init`; followed by `Ext { a: src, b: len }`.
    MemoryInit {
        mem: u32,
        seg: u32,
        dst: Slot,
    },
    /// `data.drop`.
    DataDrop {
        seg: u32,
    },

    // ---- tables and references
    /// `dst = table[index]`.
    TableGet {
        dst: Slot,
        table: u32,
        index: Slot,
    },
    /// `table[index] = value`.
    TableSet {
        table: u32,
        index: Slot,
        value: Slot,
    },
    /// `dst = table.size`.
    TableSize {
        dst: Slot,
        table: u32,
    },
    /// `dst = table.grow(init, delta)`; followed by `Ext { a: delta }`.
    TableGrow {
        dst: Slot,
        table: u32,
        init: Slot,
    },
    /// `table.fill`; followed by `Ext { a: len }`.
    TableFill {
        table: u32,
        start: Slot,
        value: Slot,
    },
    /// `table.copy`; followed by `Ext { a: src, b: len }`.
    TableCopy {
        dst_table: u32,
        src_table: u32,
        dst: Slot,
    },
    /// `table.init`; followed by `Ext { a: src, b: len }`.
    TableInit {
        table: u32,
        seg: u32,
        dst: Slot,
    },
    /// `elem.drop`.
    ElemDrop {
        seg: u32,
    },
    /// `dst = ref.func func`.
    RefFunc {
        dst: Slot,
        func: u32,
    },
    /// Trap when the reference in `src` is null.
    RefAsNonNull {
        src: Slot,
    },

    // ---- extension words, consumed by the instruction before them; never dispatched
    /// Extra slot operands.
    Ext {
        a: u32,
        b: u32,
    },
    /// Memory index and offset of a general load or store.
    MemArg {
        mem: u32,
        offset: u64,
    },

    // ---- integer arithmetic and comparison: `dst = lhs op rhs`
    I32Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32And {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Or {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Xor {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Shl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32ShrS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32ShrU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Rotl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Rotr {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32DivS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32DivU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32RemS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32RemU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64And {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Or {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Xor {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Shl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64ShrS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64ShrU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Rotl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Rotr {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64DivS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64DivU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64RemS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64RemU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    // ---- the same with a constant right operand (`Rsub`: `imm - lhs`); i64 immediates are sign-extended
    I32AddImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32MulImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32AndImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32OrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32XorImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShrSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShrUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RotlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RotrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32EqImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32NeImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32DivSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32DivUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RemSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RemUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RsubImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64AddImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64MulImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64AndImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64OrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64XorImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShrSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShrUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RotlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RotrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64EqImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64NeImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64DivSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64DivUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RemSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RemUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RsubImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    // ---- float arithmetic and comparison
    F32Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Div {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Min {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Max {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Copysign {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Lt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Gt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Le {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F32Ge {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Div {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Min {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Max {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Copysign {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Lt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Gt {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Le {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    F64Ge {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    // ---- unary operators
    I32Clz {
        dst: Slot,
        src: Slot,
    },
    I32Ctz {
        dst: Slot,
        src: Slot,
    },
    I32Popcnt {
        dst: Slot,
        src: Slot,
    },
    I32Eqz {
        dst: Slot,
        src: Slot,
    },
    I32Extend8S {
        dst: Slot,
        src: Slot,
    },
    I32Extend16S {
        dst: Slot,
        src: Slot,
    },
    I64Clz {
        dst: Slot,
        src: Slot,
    },
    I64Ctz {
        dst: Slot,
        src: Slot,
    },
    I64Popcnt {
        dst: Slot,
        src: Slot,
    },
    I64Eqz {
        dst: Slot,
        src: Slot,
    },
    I64Extend8S {
        dst: Slot,
        src: Slot,
    },
    I64Extend16S {
        dst: Slot,
        src: Slot,
    },
    I64Extend32S {
        dst: Slot,
        src: Slot,
    },
    F32Abs {
        dst: Slot,
        src: Slot,
    },
    F32Neg {
        dst: Slot,
        src: Slot,
    },
    F32Ceil {
        dst: Slot,
        src: Slot,
    },
    F32Floor {
        dst: Slot,
        src: Slot,
    },
    F32Trunc {
        dst: Slot,
        src: Slot,
    },
    F32Nearest {
        dst: Slot,
        src: Slot,
    },
    F32Sqrt {
        dst: Slot,
        src: Slot,
    },
    F64Abs {
        dst: Slot,
        src: Slot,
    },
    F64Neg {
        dst: Slot,
        src: Slot,
    },
    F64Ceil {
        dst: Slot,
        src: Slot,
    },
    F64Floor {
        dst: Slot,
        src: Slot,
    },
    F64Trunc {
        dst: Slot,
        src: Slot,
    },
    F64Nearest {
        dst: Slot,
        src: Slot,
    },
    F64Sqrt {
        dst: Slot,
        src: Slot,
    },
    // ---- conversions (reinterpretations and `i64.extend_i32_u` need no code: slots hold raw bits)
    I32WrapI64 {
        dst: Slot,
        src: Slot,
    },
    I64ExtendI32S {
        dst: Slot,
        src: Slot,
    },
    F32DemoteF64 {
        dst: Slot,
        src: Slot,
    },
    F64PromoteF32 {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI32S {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI32U {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI64S {
        dst: Slot,
        src: Slot,
    },
    F32ConvertI64U {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI32S {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI32U {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI64S {
        dst: Slot,
        src: Slot,
    },
    F64ConvertI64U {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF32S {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF32U {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF64S {
        dst: Slot,
        src: Slot,
    },
    I32TruncSatF64U {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF32S {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF32U {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF64S {
        dst: Slot,
        src: Slot,
    },
    I64TruncSatF64U {
        dst: Slot,
        src: Slot,
    },
    I32TruncF32S {
        dst: Slot,
        src: Slot,
    },
    I32TruncF32U {
        dst: Slot,
        src: Slot,
    },
    I32TruncF64S {
        dst: Slot,
        src: Slot,
    },
    I32TruncF64U {
        dst: Slot,
        src: Slot,
    },
    I64TruncF32S {
        dst: Slot,
        src: Slot,
    },
    I64TruncF32U {
        dst: Slot,
        src: Slot,
    },
    I64TruncF64S {
        dst: Slot,
        src: Slot,
    },
    I64TruncF64U {
        dst: Slot,
        src: Slot,
    },
    // ---- loads and stores on memory 0 when it is 32-bit, with a 32-bit offset
    I32Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    F32Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    F64Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load8S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load8U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load16S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load16U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load8S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load8U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load16S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load16U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load32S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load32U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    F32Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    F64Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store8 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store16 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store8 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store16 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store32 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    // ---- loads from `base + imm` (the i32 add wrapping, as the add it replaces did), offset 0
    I32LoadAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    I64LoadAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    F32LoadAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    F64LoadAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    I32Load8UAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    I32Load8SAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    I32Load16UAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    I32Load16SAddImm {
        dst: Slot,
        base: Slot,
        imm: i32,
    },
    // ---- loads and stores at `base + index` (a wrapping i32 add), offset 0
    I32LoadIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    I64LoadIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    F32LoadIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    F64LoadIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    I32Load8UIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    I32Load8SIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    I32Load16UIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    I32Load16SIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
    },
    I32StoreIdx {
        base: Slot,
        index: Slot,
        value: Slot,
    },
    I32StoreIdxImm {
        base: Slot,
        index: Slot,
        value: i32,
    },
    I64StoreIdx {
        base: Slot,
        index: Slot,
        value: Slot,
    },
    I64StoreIdxImm {
        base: Slot,
        index: Slot,
        value: i32,
    },
    I32Store8Idx {
        base: Slot,
        index: Slot,
        value: Slot,
    },
    I32Store8IdxImm {
        base: Slot,
        index: Slot,
        value: i32,
    },
    I32Store16Idx {
        base: Slot,
        index: Slot,
        value: Slot,
    },
    I32Store16IdxImm {
        base: Slot,
        index: Slot,
        value: i32,
    },
    // ---- the same stores with a constant value (sign-extended for i64)
    I32StoreImm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I64StoreImm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I32Store8Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I32Store16Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    // ---- compare and branch: jump by `offset` when the comparison holds
    BrI32Eq {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32Ne {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32LtS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32LtU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32GtS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32GtU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32LeS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32LeU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32GeS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32GeU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI32EqImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32NeImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32LtSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32LtUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32GtSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32GtUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32LeSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32LeUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32GeSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI32GeUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64Eq {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64Ne {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64LtS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64LtU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64GtS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64GtU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64LeS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64LeU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64GeS {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64GeU {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrI64EqImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64NeImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64LtSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64LtUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64GtSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64GtUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64LeSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64LeUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64GeSImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    BrI64GeUImm {
        lhs: Slot,
        imm: i32,
        offset: Offset,
    },
    // floats need both polarities: `!(a < b)` is not `a >= b` when a NaN is involved
    BrF32Eq {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32Ne {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32Lt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32Gt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32Le {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32Ge {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32NotEq {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32NotNe {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32NotLt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32NotGt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32NotLe {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF32NotGe {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64Eq {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64Ne {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64Lt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64Gt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64Le {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64Ge {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64NotEq {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64NotNe {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64NotLt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64NotGt {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64NotLe {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
    BrF64NotGe {
        lhs: Slot,
        rhs: Slot,
        offset: Offset,
    },
}

impl Instr {
    /// Calls `f` on every slot operand of the instruction (an `Ext` word's too).
    #[rustfmt::skip]
    pub(crate) fn for_each_slot_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
        match self {
            Instr::Copy { dst, src, .. } => { f(dst); f(src); }
            Instr::Const32 { dst, .. } => { f(dst); }
            Instr::Const64 { dst, .. } => { f(dst); }
            Instr::Select { dst, a, b, .. } => { f(dst); f(a); f(b); }
            Instr::SelectInPlace { dst, cond, src, .. } => { f(dst); f(cond); f(src); }
            Instr::BrIfNez { cond, .. } => { f(cond); }
            Instr::BrIfEqz { cond, .. } => { f(cond); }
            Instr::BrIfNez64 { cond, .. } => { f(cond); }
            Instr::BrIfEqz64 { cond, .. } => { f(cond); }
            Instr::BrTable { index, .. } => { f(index); }
            Instr::Return1 { src, .. } => { f(src); }
            Instr::ReturnSpan { src, .. } => { f(src); }
            Instr::CallInternal { base, .. } => { f(base); }
            Instr::CallImported { base, .. } => { f(base); }
            Instr::CallIndirect { base, .. } => { f(base); }
            Instr::CallRef { func, base, .. } => { f(func); f(base); }
            Instr::ReturnCallInternal { base, .. } => { f(base); }
            Instr::ReturnCallImported { base, .. } => { f(base); }
            Instr::ReturnCallIndirect { base, .. } => { f(base); }
            Instr::ReturnCallRef { func, base, .. } => { f(func); f(base); }
            Instr::GlobalGet { dst, .. } => { f(dst); }
            Instr::GlobalSet { src, .. } => { f(src); }
            Instr::Load { dst, addr, .. } => { f(dst); f(addr); }
            Instr::Store { addr, value, .. } => { f(addr); f(value); }
            Instr::MemorySize { dst, .. } => { f(dst); }
            Instr::MemoryGrow { dst, delta, .. } => { f(dst); f(delta); }
            Instr::MemoryFill { dst, value, .. } => { f(dst); f(value); }
            Instr::MemoryCopy { dst, .. } => { f(dst); }
            Instr::MemoryInit { dst, .. } => { f(dst); }
            Instr::TableGet { dst, index, .. } => { f(dst); f(index); }
            Instr::TableSet { index, value, .. } => { f(index); f(value); }
            Instr::TableSize { dst, .. } => { f(dst); }
            Instr::TableGrow { dst, init, .. } => { f(dst); f(init); }
            Instr::TableFill { start, value, .. } => { f(start); f(value); }
            Instr::TableCopy { dst, .. } => { f(dst); }
            Instr::TableInit { dst, .. } => { f(dst); }
            Instr::RefFunc { dst, .. } => { f(dst); }
            Instr::RefAsNonNull { src, .. } => { f(src); }
            Instr::I32Add { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Sub { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Mul { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32And { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Or { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Xor { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Shl { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32ShrS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32ShrU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Rotl { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Rotr { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Eq { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Ne { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32LtS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32LtU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32GtS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32GtU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32LeS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32LeU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32GeS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32GeU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32DivS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32DivU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32RemS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32RemU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Add { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Sub { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Mul { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64And { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Or { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Xor { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Shl { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64ShrS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64ShrU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Rotl { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Rotr { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Eq { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64Ne { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64LtS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64LtU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64GtS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64GtU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64LeS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64LeU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64GeS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64GeU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64DivS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64DivU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64RemS { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I64RemU { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32AddImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32MulImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32AndImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32OrImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32XorImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32ShlImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32ShrSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32ShrUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32RotlImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32RotrImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32EqImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32NeImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32LtSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32LtUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32GtSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32GtUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32LeSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32LeUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32GeSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32GeUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32DivSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32DivUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32RemSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32RemUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I32RsubImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64AddImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64MulImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64AndImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64OrImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64XorImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64ShlImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64ShrSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64ShrUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64RotlImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64RotrImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64EqImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64NeImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64LtSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64LtUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64GtSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64GtUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64LeSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64LeUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64GeSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64GeUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64DivSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64DivUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64RemSImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64RemUImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::I64RsubImm { dst, lhs, .. } => { f(dst); f(lhs); }
            Instr::F32Add { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Sub { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Mul { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Div { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Min { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Max { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Copysign { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Eq { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Ne { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Lt { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Gt { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Le { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F32Ge { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Add { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Sub { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Mul { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Div { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Min { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Max { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Copysign { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Eq { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Ne { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Lt { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Gt { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Le { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::F64Ge { dst, lhs, rhs, .. } => { f(dst); f(lhs); f(rhs); }
            Instr::I32Clz { dst, src, .. } => { f(dst); f(src); }
            Instr::I32Ctz { dst, src, .. } => { f(dst); f(src); }
            Instr::I32Popcnt { dst, src, .. } => { f(dst); f(src); }
            Instr::I32Eqz { dst, src, .. } => { f(dst); f(src); }
            Instr::I32Extend8S { dst, src, .. } => { f(dst); f(src); }
            Instr::I32Extend16S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Clz { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Ctz { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Popcnt { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Eqz { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Extend8S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Extend16S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64Extend32S { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Abs { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Neg { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Ceil { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Floor { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Trunc { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Nearest { dst, src, .. } => { f(dst); f(src); }
            Instr::F32Sqrt { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Abs { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Neg { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Ceil { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Floor { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Trunc { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Nearest { dst, src, .. } => { f(dst); f(src); }
            Instr::F64Sqrt { dst, src, .. } => { f(dst); f(src); }
            Instr::I32WrapI64 { dst, src, .. } => { f(dst); f(src); }
            Instr::I64ExtendI32S { dst, src, .. } => { f(dst); f(src); }
            Instr::F32DemoteF64 { dst, src, .. } => { f(dst); f(src); }
            Instr::F64PromoteF32 { dst, src, .. } => { f(dst); f(src); }
            Instr::F32ConvertI32S { dst, src, .. } => { f(dst); f(src); }
            Instr::F32ConvertI32U { dst, src, .. } => { f(dst); f(src); }
            Instr::F32ConvertI64S { dst, src, .. } => { f(dst); f(src); }
            Instr::F32ConvertI64U { dst, src, .. } => { f(dst); f(src); }
            Instr::F64ConvertI32S { dst, src, .. } => { f(dst); f(src); }
            Instr::F64ConvertI32U { dst, src, .. } => { f(dst); f(src); }
            Instr::F64ConvertI64S { dst, src, .. } => { f(dst); f(src); }
            Instr::F64ConvertI64U { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncSatF32S { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncSatF32U { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncSatF64S { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncSatF64U { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncSatF32S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncSatF32U { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncSatF64S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncSatF64U { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncF32S { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncF32U { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncF64S { dst, src, .. } => { f(dst); f(src); }
            Instr::I32TruncF64U { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncF32S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncF32U { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncF64S { dst, src, .. } => { f(dst); f(src); }
            Instr::I64TruncF64U { dst, src, .. } => { f(dst); f(src); }
            Instr::I32Load { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load { dst, addr, .. } => { f(dst); f(addr); }
            Instr::F32Load { dst, addr, .. } => { f(dst); f(addr); }
            Instr::F64Load { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I32Load8S { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I32Load8U { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I32Load16S { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I32Load16U { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load8S { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load8U { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load16S { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load16U { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load32S { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I64Load32U { dst, addr, .. } => { f(dst); f(addr); }
            Instr::I32Store { addr, value, .. } => { f(addr); f(value); }
            Instr::I64Store { addr, value, .. } => { f(addr); f(value); }
            Instr::F32Store { addr, value, .. } => { f(addr); f(value); }
            Instr::F64Store { addr, value, .. } => { f(addr); f(value); }
            Instr::I32Store8 { addr, value, .. } => { f(addr); f(value); }
            Instr::I32Store16 { addr, value, .. } => { f(addr); f(value); }
            Instr::I64Store8 { addr, value, .. } => { f(addr); f(value); }
            Instr::I64Store16 { addr, value, .. } => { f(addr); f(value); }
            Instr::I64Store32 { addr, value, .. } => { f(addr); f(value); }
            Instr::I32StoreImm { addr, .. } => { f(addr); }
            Instr::I64StoreImm { addr, .. } => { f(addr); }
            Instr::I32Store8Imm { addr, .. } => { f(addr); }
            Instr::I32Store16Imm { addr, .. } => { f(addr); }
            Instr::BrI32Eq { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32Ne { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32LtS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32LtU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32GtS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32GtU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32LeS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32LeU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32GeS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32GeU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI32EqImm { lhs, .. } => { f(lhs); }
            Instr::BrI32NeImm { lhs, .. } => { f(lhs); }
            Instr::BrI32LtSImm { lhs, .. } => { f(lhs); }
            Instr::BrI32LtUImm { lhs, .. } => { f(lhs); }
            Instr::BrI32GtSImm { lhs, .. } => { f(lhs); }
            Instr::BrI32GtUImm { lhs, .. } => { f(lhs); }
            Instr::BrI32LeSImm { lhs, .. } => { f(lhs); }
            Instr::BrI32LeUImm { lhs, .. } => { f(lhs); }
            Instr::BrI32GeSImm { lhs, .. } => { f(lhs); }
            Instr::BrI32GeUImm { lhs, .. } => { f(lhs); }
            Instr::BrI64Eq { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64Ne { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64LtS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64LtU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64GtS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64GtU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64LeS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64LeU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64GeS { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64GeU { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrI64EqImm { lhs, .. } => { f(lhs); }
            Instr::BrI64NeImm { lhs, .. } => { f(lhs); }
            Instr::BrI64LtSImm { lhs, .. } => { f(lhs); }
            Instr::BrI64LtUImm { lhs, .. } => { f(lhs); }
            Instr::BrI64GtSImm { lhs, .. } => { f(lhs); }
            Instr::BrI64GtUImm { lhs, .. } => { f(lhs); }
            Instr::BrI64LeSImm { lhs, .. } => { f(lhs); }
            Instr::BrI64LeUImm { lhs, .. } => { f(lhs); }
            Instr::BrI64GeSImm { lhs, .. } => { f(lhs); }
            Instr::BrI64GeUImm { lhs, .. } => { f(lhs); }
            Instr::BrF32Eq { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32Ne { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32Lt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32Gt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32Le { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32Ge { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32NotEq { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32NotNe { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32NotLt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32NotGt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32NotLe { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF32NotGe { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64Eq { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64Ne { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64Lt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64Gt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64Le { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64Ge { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64NotEq { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64NotNe { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64NotLt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64NotGt { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64NotLe { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::BrF64NotGe { lhs, rhs, .. } => { f(lhs); f(rhs); }
            Instr::I32LoadAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::I64LoadAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::F32LoadAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::F64LoadAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::I32Load8UAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::I32Load8SAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::I32Load16UAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::I32Load16SAddImm { dst, base, .. } => { f(dst); f(base); }
            Instr::I32LoadIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::I64LoadIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::F32LoadIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::F64LoadIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::I32Load8UIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::I32Load8SIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::I32Load16UIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::I32Load16SIdx { dst, base, index } => { f(dst); f(base); f(index); }
            Instr::I32StoreIdx { base, index, value } => { f(base); f(index); f(value); }
            Instr::I32StoreIdxImm { base, index, .. } => { f(base); f(index); }
            Instr::I64StoreIdx { base, index, value } => { f(base); f(index); f(value); }
            Instr::I64StoreIdxImm { base, index, .. } => { f(base); f(index); }
            Instr::I32Store8Idx { base, index, value } => { f(base); f(index); f(value); }
            Instr::I32Store8IdxImm { base, index, .. } => { f(base); f(index); }
            Instr::I32Store16Idx { base, index, value } => { f(base); f(index); f(value); }
            Instr::I32Store16IdxImm { base, index, .. } => { f(base); f(index); }
            Instr::Ext { a, b } => { f(a); f(b); }
            _ => {}
        }
    }

    /// The branch offset of a branch instruction.
    pub(crate) fn offset_mut(&mut self) -> Option<&mut Offset> {
        match self {
            Instr::Br { offset, .. }
            | Instr::BrIfNez { offset, .. }
            | Instr::BrIfEqz { offset, .. }
            | Instr::BrIfNez64 { offset, .. }
            | Instr::BrIfEqz64 { offset, .. }
            | Instr::BrI32Eq { offset, .. }
            | Instr::BrI32Ne { offset, .. }
            | Instr::BrI32LtS { offset, .. }
            | Instr::BrI32LtU { offset, .. }
            | Instr::BrI32GtS { offset, .. }
            | Instr::BrI32GtU { offset, .. }
            | Instr::BrI32LeS { offset, .. }
            | Instr::BrI32LeU { offset, .. }
            | Instr::BrI32GeS { offset, .. }
            | Instr::BrI32GeU { offset, .. }
            | Instr::BrI32EqImm { offset, .. }
            | Instr::BrI32NeImm { offset, .. }
            | Instr::BrI32LtSImm { offset, .. }
            | Instr::BrI32LtUImm { offset, .. }
            | Instr::BrI32GtSImm { offset, .. }
            | Instr::BrI32GtUImm { offset, .. }
            | Instr::BrI32LeSImm { offset, .. }
            | Instr::BrI32LeUImm { offset, .. }
            | Instr::BrI32GeSImm { offset, .. }
            | Instr::BrI32GeUImm { offset, .. }
            | Instr::BrI64Eq { offset, .. }
            | Instr::BrI64Ne { offset, .. }
            | Instr::BrI64LtS { offset, .. }
            | Instr::BrI64LtU { offset, .. }
            | Instr::BrI64GtS { offset, .. }
            | Instr::BrI64GtU { offset, .. }
            | Instr::BrI64LeS { offset, .. }
            | Instr::BrI64LeU { offset, .. }
            | Instr::BrI64GeS { offset, .. }
            | Instr::BrI64GeU { offset, .. }
            | Instr::BrI64EqImm { offset, .. }
            | Instr::BrI64NeImm { offset, .. }
            | Instr::BrI64LtSImm { offset, .. }
            | Instr::BrI64LtUImm { offset, .. }
            | Instr::BrI64GtSImm { offset, .. }
            | Instr::BrI64GtUImm { offset, .. }
            | Instr::BrI64LeSImm { offset, .. }
            | Instr::BrI64LeUImm { offset, .. }
            | Instr::BrI64GeSImm { offset, .. }
            | Instr::BrI64GeUImm { offset, .. }
            | Instr::BrF32Eq { offset, .. }
            | Instr::BrF32Ne { offset, .. }
            | Instr::BrF32Lt { offset, .. }
            | Instr::BrF32Gt { offset, .. }
            | Instr::BrF32Le { offset, .. }
            | Instr::BrF32Ge { offset, .. }
            | Instr::BrF32NotEq { offset, .. }
            | Instr::BrF32NotNe { offset, .. }
            | Instr::BrF32NotLt { offset, .. }
            | Instr::BrF32NotGt { offset, .. }
            | Instr::BrF32NotLe { offset, .. }
            | Instr::BrF32NotGe { offset, .. }
            | Instr::BrF64Eq { offset, .. }
            | Instr::BrF64Ne { offset, .. }
            | Instr::BrF64Lt { offset, .. }
            | Instr::BrF64Gt { offset, .. }
            | Instr::BrF64Le { offset, .. }
            | Instr::BrF64Ge { offset, .. }
            | Instr::BrF64NotEq { offset, .. }
            | Instr::BrF64NotNe { offset, .. }
            | Instr::BrF64NotLt { offset, .. }
            | Instr::BrF64NotGt { offset, .. }
            | Instr::BrF64NotLe { offset, .. }
            | Instr::BrF64NotGe { offset, .. } => Some(offset),
            _ => None,
        }
    }

    /// The slot an instruction writes its single result to, if it has exactly that shape.
    fn dst_mut(&mut self) -> Option<&mut Slot> {
        match self {
            Instr::Copy { dst, .. }
            | Instr::Const32 { dst, .. }
            | Instr::Const64 { dst, .. }
            | Instr::Select { dst, .. }
            | Instr::GlobalGet { dst, .. }
            | Instr::MemorySize { dst, .. }
            | Instr::MemoryGrow { dst, .. }
            | Instr::TableGet { dst, .. }
            | Instr::TableSize { dst, .. }
            | Instr::TableGrow { dst, .. }
            | Instr::RefFunc { dst, .. }
            | Instr::I32Add { dst, .. }
            | Instr::I32Sub { dst, .. }
            | Instr::I32Mul { dst, .. }
            | Instr::I32And { dst, .. }
            | Instr::I32Or { dst, .. }
            | Instr::I32Xor { dst, .. }
            | Instr::I32Shl { dst, .. }
            | Instr::I32ShrS { dst, .. }
            | Instr::I32ShrU { dst, .. }
            | Instr::I32Rotl { dst, .. }
            | Instr::I32Rotr { dst, .. }
            | Instr::I32Eq { dst, .. }
            | Instr::I32Ne { dst, .. }
            | Instr::I32LtS { dst, .. }
            | Instr::I32LtU { dst, .. }
            | Instr::I32GtS { dst, .. }
            | Instr::I32GtU { dst, .. }
            | Instr::I32LeS { dst, .. }
            | Instr::I32LeU { dst, .. }
            | Instr::I32GeS { dst, .. }
            | Instr::I32GeU { dst, .. }
            | Instr::I32DivS { dst, .. }
            | Instr::I32DivU { dst, .. }
            | Instr::I32RemS { dst, .. }
            | Instr::I32RemU { dst, .. }
            | Instr::I64Add { dst, .. }
            | Instr::I64Sub { dst, .. }
            | Instr::I64Mul { dst, .. }
            | Instr::I64And { dst, .. }
            | Instr::I64Or { dst, .. }
            | Instr::I64Xor { dst, .. }
            | Instr::I64Shl { dst, .. }
            | Instr::I64ShrS { dst, .. }
            | Instr::I64ShrU { dst, .. }
            | Instr::I64Rotl { dst, .. }
            | Instr::I64Rotr { dst, .. }
            | Instr::I64Eq { dst, .. }
            | Instr::I64Ne { dst, .. }
            | Instr::I64LtS { dst, .. }
            | Instr::I64LtU { dst, .. }
            | Instr::I64GtS { dst, .. }
            | Instr::I64GtU { dst, .. }
            | Instr::I64LeS { dst, .. }
            | Instr::I64LeU { dst, .. }
            | Instr::I64GeS { dst, .. }
            | Instr::I64GeU { dst, .. }
            | Instr::I64DivS { dst, .. }
            | Instr::I64DivU { dst, .. }
            | Instr::I64RemS { dst, .. }
            | Instr::I64RemU { dst, .. }
            | Instr::I32AddImm { dst, .. }
            | Instr::I32MulImm { dst, .. }
            | Instr::I32AndImm { dst, .. }
            | Instr::I32OrImm { dst, .. }
            | Instr::I32XorImm { dst, .. }
            | Instr::I32ShlImm { dst, .. }
            | Instr::I32ShrSImm { dst, .. }
            | Instr::I32ShrUImm { dst, .. }
            | Instr::I32RotlImm { dst, .. }
            | Instr::I32RotrImm { dst, .. }
            | Instr::I32EqImm { dst, .. }
            | Instr::I32NeImm { dst, .. }
            | Instr::I32LtSImm { dst, .. }
            | Instr::I32LtUImm { dst, .. }
            | Instr::I32GtSImm { dst, .. }
            | Instr::I32GtUImm { dst, .. }
            | Instr::I32LeSImm { dst, .. }
            | Instr::I32LeUImm { dst, .. }
            | Instr::I32GeSImm { dst, .. }
            | Instr::I32GeUImm { dst, .. }
            | Instr::I32DivSImm { dst, .. }
            | Instr::I32DivUImm { dst, .. }
            | Instr::I32RemSImm { dst, .. }
            | Instr::I32RemUImm { dst, .. }
            | Instr::I32RsubImm { dst, .. }
            | Instr::I64AddImm { dst, .. }
            | Instr::I64MulImm { dst, .. }
            | Instr::I64AndImm { dst, .. }
            | Instr::I64OrImm { dst, .. }
            | Instr::I64XorImm { dst, .. }
            | Instr::I64ShlImm { dst, .. }
            | Instr::I64ShrSImm { dst, .. }
            | Instr::I64ShrUImm { dst, .. }
            | Instr::I64RotlImm { dst, .. }
            | Instr::I64RotrImm { dst, .. }
            | Instr::I64EqImm { dst, .. }
            | Instr::I64NeImm { dst, .. }
            | Instr::I64LtSImm { dst, .. }
            | Instr::I64LtUImm { dst, .. }
            | Instr::I64GtSImm { dst, .. }
            | Instr::I64GtUImm { dst, .. }
            | Instr::I64LeSImm { dst, .. }
            | Instr::I64LeUImm { dst, .. }
            | Instr::I64GeSImm { dst, .. }
            | Instr::I64GeUImm { dst, .. }
            | Instr::I64DivSImm { dst, .. }
            | Instr::I64DivUImm { dst, .. }
            | Instr::I64RemSImm { dst, .. }
            | Instr::I64RemUImm { dst, .. }
            | Instr::I64RsubImm { dst, .. }
            | Instr::F32Add { dst, .. }
            | Instr::F32Sub { dst, .. }
            | Instr::F32Mul { dst, .. }
            | Instr::F32Div { dst, .. }
            | Instr::F32Min { dst, .. }
            | Instr::F32Max { dst, .. }
            | Instr::F32Copysign { dst, .. }
            | Instr::F32Eq { dst, .. }
            | Instr::F32Ne { dst, .. }
            | Instr::F32Lt { dst, .. }
            | Instr::F32Gt { dst, .. }
            | Instr::F32Le { dst, .. }
            | Instr::F32Ge { dst, .. }
            | Instr::F64Add { dst, .. }
            | Instr::F64Sub { dst, .. }
            | Instr::F64Mul { dst, .. }
            | Instr::F64Div { dst, .. }
            | Instr::F64Min { dst, .. }
            | Instr::F64Max { dst, .. }
            | Instr::F64Copysign { dst, .. }
            | Instr::F64Eq { dst, .. }
            | Instr::F64Ne { dst, .. }
            | Instr::F64Lt { dst, .. }
            | Instr::F64Gt { dst, .. }
            | Instr::F64Le { dst, .. }
            | Instr::F64Ge { dst, .. }
            | Instr::I32Clz { dst, .. }
            | Instr::I32Ctz { dst, .. }
            | Instr::I32Popcnt { dst, .. }
            | Instr::I32Eqz { dst, .. }
            | Instr::I32Extend8S { dst, .. }
            | Instr::I32Extend16S { dst, .. }
            | Instr::I64Clz { dst, .. }
            | Instr::I64Ctz { dst, .. }
            | Instr::I64Popcnt { dst, .. }
            | Instr::I64Eqz { dst, .. }
            | Instr::I64Extend8S { dst, .. }
            | Instr::I64Extend16S { dst, .. }
            | Instr::I64Extend32S { dst, .. }
            | Instr::F32Abs { dst, .. }
            | Instr::F32Neg { dst, .. }
            | Instr::F32Ceil { dst, .. }
            | Instr::F32Floor { dst, .. }
            | Instr::F32Trunc { dst, .. }
            | Instr::F32Nearest { dst, .. }
            | Instr::F32Sqrt { dst, .. }
            | Instr::F64Abs { dst, .. }
            | Instr::F64Neg { dst, .. }
            | Instr::F64Ceil { dst, .. }
            | Instr::F64Floor { dst, .. }
            | Instr::F64Trunc { dst, .. }
            | Instr::F64Nearest { dst, .. }
            | Instr::F64Sqrt { dst, .. }
            | Instr::I32WrapI64 { dst, .. }
            | Instr::I64ExtendI32S { dst, .. }
            | Instr::F32DemoteF64 { dst, .. }
            | Instr::F64PromoteF32 { dst, .. }
            | Instr::F32ConvertI32S { dst, .. }
            | Instr::F32ConvertI32U { dst, .. }
            | Instr::F32ConvertI64S { dst, .. }
            | Instr::F32ConvertI64U { dst, .. }
            | Instr::F64ConvertI32S { dst, .. }
            | Instr::F64ConvertI32U { dst, .. }
            | Instr::F64ConvertI64S { dst, .. }
            | Instr::F64ConvertI64U { dst, .. }
            | Instr::I32TruncSatF32S { dst, .. }
            | Instr::I32TruncSatF32U { dst, .. }
            | Instr::I32TruncSatF64S { dst, .. }
            | Instr::I32TruncSatF64U { dst, .. }
            | Instr::I64TruncSatF32S { dst, .. }
            | Instr::I64TruncSatF32U { dst, .. }
            | Instr::I64TruncSatF64S { dst, .. }
            | Instr::I64TruncSatF64U { dst, .. }
            | Instr::I32TruncF32S { dst, .. }
            | Instr::I32TruncF32U { dst, .. }
            | Instr::I32TruncF64S { dst, .. }
            | Instr::I32TruncF64U { dst, .. }
            | Instr::I64TruncF32S { dst, .. }
            | Instr::I64TruncF32U { dst, .. }
            | Instr::I64TruncF64S { dst, .. }
            | Instr::I64TruncF64U { dst, .. }
            | Instr::I32Load { dst, .. }
            | Instr::I32LoadIdx { dst, .. }
            | Instr::I64LoadIdx { dst, .. }
            | Instr::F32LoadIdx { dst, .. }
            | Instr::F64LoadIdx { dst, .. }
            | Instr::I32Load8UIdx { dst, .. }
            | Instr::I32Load8SIdx { dst, .. }
            | Instr::I32Load16UIdx { dst, .. }
            | Instr::I32Load16SIdx { dst, .. }
            | Instr::I32LoadAddImm { dst, .. }
            | Instr::I64LoadAddImm { dst, .. }
            | Instr::F32LoadAddImm { dst, .. }
            | Instr::F64LoadAddImm { dst, .. }
            | Instr::I32Load8UAddImm { dst, .. }
            | Instr::I32Load8SAddImm { dst, .. }
            | Instr::I32Load16UAddImm { dst, .. }
            | Instr::I32Load16SAddImm { dst, .. }
            | Instr::I64Load { dst, .. }
            | Instr::F32Load { dst, .. }
            | Instr::F64Load { dst, .. }
            | Instr::I32Load8S { dst, .. }
            | Instr::I32Load8U { dst, .. }
            | Instr::I32Load16S { dst, .. }
            | Instr::I32Load16U { dst, .. }
            | Instr::I64Load8S { dst, .. }
            | Instr::I64Load8U { dst, .. }
            | Instr::I64Load16S { dst, .. }
            | Instr::I64Load16U { dst, .. }
            | Instr::I64Load32S { dst, .. }
            | Instr::I64Load32U { dst, .. } => Some(dst),
            _ => None,
        }
    }
    /// Retargets the result of an instruction that writes exactly one slot; false when it does not
    /// have that shape (stores, branches, calls...).
    pub(crate) fn set_dst(&mut self, new: Slot) -> bool {
        match self.dst_mut() {
            Some(dst) => {
                *dst = new;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
    }
}
