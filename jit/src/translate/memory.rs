//! Linear memory: loads, stores, `memory.size`, `memory.grow` and the bulk operators.
//!
//! An access to a guarded 32-bit memory (see `silo_core::vm::ModuleEnv::guarded_memories`) whose
//! static offset fits in the guard is a plain load or store at `base + index + offset`: out of
//! bounds, it faults in the guard, and the fault is the trap. Any other access (memory64, the
//! small-reservation mode, offsets beyond the guard, memories with pages smaller than the host's)
//! is checked against the memory's current size first.
//!
//! A shared memory's length changes while the code runs (another thread grows it): its length is
//! read with an atomic load at every check and `memory.size`, which Cranelift neither merges with
//! an earlier load nor moves out of a loop, so a length read before a growth that this thread has
//! since observed never makes an access in bounds trap. Its base never moves and stays cached.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{Endianness, InstBuilder, MemFlagsData, Type, Value, types};
use silo_core::vm::{Builtin, TrapKind, offsets};
use silo_loader::wasmparser::{MemArg, MemArgTarget, Operator};

use super::{FuncTranslator, readonly, trap};

/// The default page size of a linear memory, a multiple of every host's page size.
const WASM_PAGE: u64 = 1 << 16;

/// `GROW_TRAPPED`: what a growth builtin returns when the growth trapped.
const GROW_TRAPPED: i64 = silo_core::vm::GROW_TRAPPED as i64;

/// Flags of an access to linear memory: it may trap (the guard).
pub(super) fn heap() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

#[derive(Clone, Copy)]
pub(super) enum Access {
    Load(Type),
    /// Width in bytes, signed, result type.
    LoadExt(u32, bool, Type),
    Store,
    /// Width in bytes.
    StoreNarrow(u32),
}

impl FuncTranslator<'_, '_> {
    /// The memory entity of memory `mem` of the instance.
    fn memory_entity(&mut self, mem: u32) -> Value {
        if mem == 0 {
            return self.load_ptr(self.vmctx, offsets::VMCTX_MEMORY0, readonly());
        }
        self.index_space_entry(offsets::VMCTX_MEMORIES, mem)
    }

    fn memory_index64(&self, mem: u32) -> bool {
        self.env.info.memories[mem as usize].index64
    }

    /// The current length in bytes of memory `mem`, whose entity is `entity`. Another thread may
    /// grow a shared memory at any time: its length is an atomic load, never merged with an
    /// earlier one or hoisted.
    fn memory_len(&mut self, mem: u32, entity: Value) -> Value {
        if self.env.info.memories[mem as usize].shared {
            let at = self.b.ins().iadd_imm_s(entity, offsets::MEMORY_LEN as i64);
            return self.b.ins().atomic_load(types::I64, MemFlagsData::trusted(), at);
        }
        self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::MEMORY_LEN)
    }

    /// Continues in a fresh block after an unconditional trap (code that follows is dead).
    fn trap_always(&mut self, kind: TrapKind) {
        self.b.ins().trap(trap(kind));
        let dead = self.b.create_block();
        self.b.switch_to_block(dead);
        self.b.seal_block(dead);
    }

    /// The native address of a `size`-byte access at `index + offset` in memory `mem` and the
    /// immediate offset to use with it, after any bounds check the access needs.
    pub(super) fn heap_address(
        &mut self,
        mem: u32,
        index: Value,
        offset: u64,
        size: u32,
    ) -> (Value, i32) {
        let index64 = self.memory_index64(mem);
        // The guard only catches what lies past a committed page of the host: a memory with
        // smaller pages (custom page sizes) ends in the middle of one, and is checked.
        let host_pages = self.env.info.memories[mem as usize].page_size() >= WASM_PAGE;
        let guarded = !index64
            && host_pages
            && self.env.guarded_memories
            && offset.checked_add(size as u64).is_some_and(|end| end <= self.env.guard_bytes);
        // A 32-bit memory never moves, nor does a shared one; a 64-bit one may when it grows.
        let moves = index64 && !self.env.info.memories[mem as usize].shared;
        let base_flags = if moves { MemFlagsData::trusted() } else { readonly() };
        let index = self.extend_index(index);
        if !guarded {
            let entity = self.memory_entity(mem);
            let Some(end) = offset.checked_add(size as u64) else {
                self.trap_always(TrapKind::MemoryOutOfBounds);
                let zero = self.b.ins().iconst(types::I64, 0);
                return (zero, 0);
            };
            let len = self.memory_len(mem, entity);
            let last = if index64 {
                let end = self.b.ins().iconst(types::I64, end as i64);
                self.b.ins().uadd_overflow_trap(index, end, trap(TrapKind::MemoryOutOfBounds))
            } else {
                self.b.ins().iadd_imm_s(index, end as i64)
            };
            let out = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, len);
            self.b.ins().trapnz(out, trap(TrapKind::MemoryOutOfBounds));
        }
        let base = if mem == 0 && !index64 {
            self.load_ptr(self.vmctx, offsets::VMCTX_MEMORY0_BASE, readonly())
        } else {
            let entity = self.memory_entity(mem);
            self.b.ins().load(types::I64, base_flags, entity, offsets::MEMORY_BASE)
        };
        let addr = self.b.ins().iadd(base, index);
        match i32::try_from(offset) {
            Ok(imm) => (addr, imm),
            Err(_) => (self.b.ins().iadd_imm_s(addr, offset as i64), 0),
        }
    }

    pub(super) fn access(&mut self, memarg: &MemArg, access: Access) -> Result<(), String> {
        let MemArgTarget::Memory(mem) = memarg.target else {
            return Err("the JIT does not compile array accesses (gc)".into());
        };
        let size = match access {
            Access::Load(ty) => ty.bytes(),
            Access::LoadExt(bytes, _, _) | Access::StoreNarrow(bytes) => bytes,
            Access::Store => {
                let value = *self.stack.last().expect("validated operand stack");
                self.b.func.dfg.value_type(value).bytes()
            }
        };
        let value = match access {
            Access::Store | Access::StoreNarrow(_) => Some(self.pop()),
            _ => None,
        };
        let index = self.pop();
        let (addr, offset) = self.heap_address(mem, index, memarg.offset, size);
        let flags = heap();
        let ins = self.b.ins();
        let loaded = match (access, value) {
            (Access::Load(ty), _) => Some(ins.load(ty, flags, addr, offset)),
            (Access::LoadExt(1, true, ty), _) => Some(ins.sload8(ty, flags, addr, offset)),
            (Access::LoadExt(1, false, ty), _) => Some(ins.uload8(ty, flags, addr, offset)),
            (Access::LoadExt(2, true, ty), _) => Some(ins.sload16(ty, flags, addr, offset)),
            (Access::LoadExt(2, false, ty), _) => Some(ins.uload16(ty, flags, addr, offset)),
            (Access::LoadExt(_, true, _), _) => Some(ins.sload32(flags, addr, offset)),
            (Access::LoadExt(_, false, _), _) => Some(ins.uload32(flags, addr, offset)),
            (Access::Store, Some(v)) => {
                ins.store(flags, v, addr, offset);
                None
            }
            (Access::StoreNarrow(1), Some(v)) => {
                ins.istore8(flags, v, addr, offset);
                None
            }
            (Access::StoreNarrow(2), Some(v)) => {
                ins.istore16(flags, v, addr, offset);
                None
            }
            (Access::StoreNarrow(_), Some(v)) => {
                ins.istore32(flags, v, addr, offset);
                None
            }
            (Access::Store | Access::StoreNarrow(_), None) => None,
        };
        if let Some(v) = loaded {
            self.push(v);
        }
        Ok(())
    }

    /// Translates a memory operator; `false` if `op` is not one.
    pub(super) fn memory_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Access::*;
        use Operator as O;
        use types::{F32, F64, I32, I64};
        match op {
            O::I32Load { memarg } => self.access(memarg, Load(I32))?,
            O::I64Load { memarg } => self.access(memarg, Load(I64))?,
            O::F32Load { memarg } => self.access(memarg, Load(F32))?,
            O::F64Load { memarg } => self.access(memarg, Load(F64))?,
            O::I32Load8S { memarg } => self.access(memarg, LoadExt(1, true, I32))?,
            O::I32Load8U { memarg } => self.access(memarg, LoadExt(1, false, I32))?,
            O::I32Load16S { memarg } => self.access(memarg, LoadExt(2, true, I32))?,
            O::I32Load16U { memarg } => self.access(memarg, LoadExt(2, false, I32))?,
            O::I64Load8S { memarg } => self.access(memarg, LoadExt(1, true, I64))?,
            O::I64Load8U { memarg } => self.access(memarg, LoadExt(1, false, I64))?,
            O::I64Load16S { memarg } => self.access(memarg, LoadExt(2, true, I64))?,
            O::I64Load16U { memarg } => self.access(memarg, LoadExt(2, false, I64))?,
            O::I64Load32S { memarg } => self.access(memarg, LoadExt(4, true, I64))?,
            O::I64Load32U { memarg } => self.access(memarg, LoadExt(4, false, I64))?,
            O::I32Store { memarg }
            | O::I64Store { memarg }
            | O::F32Store { memarg }
            | O::F64Store { memarg } => self.access(memarg, Store)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                self.access(memarg, StoreNarrow(1))?
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.access(memarg, StoreNarrow(2))?
            }
            O::I64Store32 { memarg } => self.access(memarg, StoreNarrow(4))?,
            O::MemorySize { mem } => {
                let mem = *mem;
                let entity = self.memory_entity(mem);
                let len = self.memory_len(mem, entity);
                let log2 = self.env.info.memories[mem as usize].page_size().trailing_zeros();
                let pages = self.b.ins().ushr_imm_u(len, log2 as i64);
                let v = self.narrow_index(pages, self.memory_index64(mem));
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let mem = *mem;
                let delta = self.pop();
                let delta = self.extend_index(delta);
                let m = self.b.ins().iconst(I32, mem as i64);
                let old = self.call_builtin(Builtin::MemoryGrow, &[m, delta])[0];
                let trapped = self.b.ins().icmp_imm_s(IntCC::Equal, old, GROW_TRAPPED);
                self.b.ins().trapnz(trapped, trap(TrapKind::Pending));
                let v = self.narrow_index(old, self.memory_index64(mem));
                self.push(v);
            }
            O::MemoryFill { mem } => {
                let (dst, value, len) = self.pop3();
                let (dst, len) = (self.extend_index(dst), self.extend_index(len));
                let m = self.b.ins().iconst(I32, *mem as i64);
                self.call_builtin_checked(Builtin::MemoryFill, &[m, dst, value, len]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3();
                let (dst, src, len) =
                    (self.extend_index(dst), self.extend_index(src), self.extend_index(len));
                let d = self.b.ins().iconst(I32, *dst_mem as i64);
                let s = self.b.ins().iconst(I32, *src_mem as i64);
                self.call_builtin_checked(Builtin::MemoryCopy, &[d, s, dst, src, len]);
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let dst = self.extend_index(dst);
                let m = self.b.ins().iconst(I32, *mem as i64);
                let seg = self.b.ins().iconst(I32, *data_index as i64);
                self.call_builtin_checked(Builtin::MemoryInit, &[m, seg, dst, src, len]);
            }
            O::DataDrop { data_index } => {
                let seg = self.b.ins().iconst(I32, *data_index as i64);
                self.call_builtin(Builtin::DataDrop, &[seg]);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
