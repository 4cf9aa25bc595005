//! Every handler, written once: `define_handlers!` is expanded in `threaded` and in `looped`, each
//! with its own `next` (a tail call to the next op's handler, or a return to the driving loop).
//!
//! A handler's body runs with `ip` at its op; falling off its end continues with the next op. A
//! handler that jumps, calls, returns or changes the memory registers continues itself, always by
//! a `next(...)` (or `enter`/`ret`, which end in one) in tail position, and keeps no value with a
//! destructor alive there. The regular families at the end are kept one handler per line
//! (rustfmt skips this file), so that they read as the table they are.

/// Defines one handler from its op's fields and its body.
macro_rules! h {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident; $name:ident { $($fields:tt)* } => $body:block) => {
        #[allow(non_snake_case, unused_variables, unused_unsafe, unreachable_code, clippy::neg_cmp_op_on_partial_ord)]
        pub(super) unsafe fn $name($ip: *const Op, $fp: *mut u64, $mb: *mut u8, $ml: u64, $cx: *mut Cx) -> Exit {
            // SAFETY: this handler is only installed for ops of its variant; the registers and the
            // context are those of a live run (see `exec`'s module documentation), and every slot,
            // memory and table access below is bounds-checked by the translator or at run time.
            unsafe {
                let Instr::$name { $($fields)* } = (*$ip).instr else { std::hint::unreachable_unchecked() };
                $body
                next($ip.add(1), $fp, $mb, $ml, $cx)
            }
        }
    };
}

pub(super) use h;

macro_rules! define_handlers {
    () => {
        use std::ptr;

        use super::handlers::h;
        use super::calls;
        use super::semantics as sem;
        use super::{Cx, Exit, Frame, Handler, Op, callee_code, ext, func_at, global_at, internal_error, load, mem_regs, meter_refill, quota_exceeded, rd, slow, stack_exhausted, store, trap, wr};
        use crate::func::{FuncEntity, FuncKind};
        use crate::instance::InstanceData;
        use crate::interp::code::InterpFunc;
        use crate::interp::isa::{Instr, Slot};
        use crate::trap::TrapCode;

        /// Enters `callee` (of instance `callee_inst`) with its frame at `new_fp`; the caller, whose
        /// call op is at `ip`, resumes at `resume`.
        #[inline(always)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn enter(ip: *const Op, resume: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                        callee: *const InterpFunc, new_fp: *mut u64, callee_inst: *const InstanceData) -> Exit {
            // SAFETY: a live run's registers and context; the callee's frame is checked to fit
            // the value stack before it is touched.
            unsafe {
                if new_fp.add((*callee).frame_size as usize) > (*cx).stack_end || (*cx).depth >= (*cx).max_depth {
                    return stack_exhausted(ip, fp, cx);
                }
                (*cx).frames.add((*cx).depth).write(Frame { func: (*cx).func, ip: resume, fp, inst: (*cx).inst });
                (*cx).depth += 1;
                (*callee).init_frame(new_fp);
                (*cx).func = callee;
                let (mb, ml) = if callee_inst != (*cx).inst {
                    (*cx).inst = callee_inst;
                    mem_regs(callee_inst)
                } else {
                    (mb, ml)
                };
                next((*callee).code.as_ptr(), new_fp, mb, ml, cx)
            }
        }

        /// Replaces the current frame with `callee`, whose arguments are at `fp + base`.
        #[inline(always)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn tail_enter(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                             callee: *const InterpFunc, base: Slot, callee_inst: *const InstanceData) -> Exit {
            // SAFETY: as in `enter`; the arguments move down within the current frame.
            unsafe {
                ptr::copy(fp.add(base as usize), fp, (*callee).num_params as usize);
                if fp.add((*callee).frame_size as usize) > (*cx).stack_end {
                    return trap(ip, fp, cx, TrapCode::StackOverflow);
                }
                (*callee).init_frame(fp);
                (*cx).func = callee;
                let (mb, ml) = if callee_inst != (*cx).inst {
                    (*cx).inst = callee_inst;
                    mem_regs(callee_inst)
                } else {
                    (mb, ml)
                };
                next((*callee).code.as_ptr(), fp, mb, ml, cx)
            }
        }

        /// Returns to the caller (the results are in the first slots of the frame), or ends the
        /// run when the function it started with returns.
        #[inline(always)]
        unsafe fn ret(cx: *mut Cx) -> Exit {
            // SAFETY: frames below `depth` were pushed by `enter` in this run.
            unsafe {
                if (*cx).depth == (*cx).entry_depth {
                    return Exit::Done;
                }
                (*cx).depth -= 1;
                let caller = (*cx).frames.add((*cx).depth).read();
                (*cx).func = caller.func;
                (*cx).inst = caller.inst;
                let (mb, ml) = mem_regs(caller.inst);
                next(caller.ip, caller.fp, mb, ml, cx)
            }
        }

        /// After an op followed by an extension word: continue past both, or trap.
        #[inline(always)]
        unsafe fn past_ext(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                           outcome: Result<(), TrapCode>) -> Exit {
            // SAFETY: the registers and context of a live run.
            unsafe {
                match outcome {
                    Ok(()) => next(ip.add(2), fp, mb, ml, cx),
                    Err(c) => trap(ip, fp, cx, c),
                }
            }
        }

        /// Calls any function: another instance's (entered in this run) or the host's.
        #[inline(always)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn call_entity(ip: *const Op, resume: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                              target: *const FuncEntity, base: Slot) -> Exit {
            // SAFETY: `target` is a live function of the run's store.
            unsafe {
                match &(*target).kind {
                    FuncKind::Wasm { instance, def_index, .. } => {
                        let callee_inst = instance.as_ptr().cast_const();
                        let callee = callee_code(ip, fp, cx, callee_inst, *def_index);
                        if callee.is_null() {
                            return Exit::Trap;
                        }
                        enter(ip, resume, fp, mb, ml, cx, callee, fp.add(base as usize), callee_inst)
                    }
                    FuncKind::Host(host) => {
                        if !calls::call_host(ip, fp, cx, &**host, base) {
                            return Exit::Trap;
                        }
                        next(resume, fp, (*cx).mb, (*cx).ml, cx)
                    }
                }
            }
        }

        /// Tail-calls any function; a host function is called, then the current frame returns.
        #[inline(always)]
        unsafe fn tail_call_entity(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx,
                                   target: *const FuncEntity, base: Slot) -> Exit {
            // SAFETY: as in `call_entity`.
            unsafe {
                match &(*target).kind {
                    FuncKind::Wasm { instance, def_index, .. } => {
                        let callee_inst = instance.as_ptr().cast_const();
                        let callee = callee_code(ip, fp, cx, callee_inst, *def_index);
                        if callee.is_null() {
                            return Exit::Trap;
                        }
                        tail_enter(ip, fp, mb, ml, cx, callee, base, callee_inst)
                    }
                    FuncKind::Host(host) => {
                        if !calls::call_host(ip, fp, cx, &**host, base) {
                            return Exit::Trap;
                        }
                        ptr::copy(fp.add(base as usize), fp, host.ty.results.len());
                        ret(cx)
                    }
                }
            }
        }

        // ---- moves and constants
        h!(ip, fp, mb, ml, cx; Copy { dst, src } => { wr(fp, dst, rd(fp, src)); });
        h!(ip, fp, mb, ml, cx; Const32 { dst, value } => { wr(fp, dst, value as u64); });
        h!(ip, fp, mb, ml, cx; Const64 { dst, value } => { wr(fp, dst, value); });
        h!(ip, fp, mb, ml, cx; Select { dst, a, b } => {
            let (cond, _) = ext(ip);
            wr(fp, dst, if rd(fp, cond) as u32 != 0 { rd(fp, a) } else { rd(fp, b) });
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; SelectInPlace { dst, cond, src } => { if rd(fp, cond) as u32 == 0 { wr(fp, dst, rd(fp, src)); } });

        // ---- control
        h!(ip, fp, mb, ml, cx; Br { offset } => { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); });
        h!(ip, fp, mb, ml, cx; BrIfNez { cond, offset } => { if rd(fp, cond) as u32 != 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrIfEqz { cond, offset } => { if rd(fp, cond) as u32 == 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrIfNez64 { cond, offset } => { if rd(fp, cond) != 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrIfEqz64 { cond, offset } => { if rd(fp, cond) == 0 { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrTable { index, len } => {
            // The table's entries follow it; take the chosen entry's jump here.
            let entry = ip.add(1 + (rd(fp, index) as u32).min(len) as usize);
            let target = match (*entry).instr {
                Instr::Br { offset } => entry.offset(1 + offset as isize),
                _ => entry,
            };
            return next(target, fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; Return0 {} => { return ret(cx); });
        h!(ip, fp, mb, ml, cx; Return1 { src } => { wr(fp, 0, rd(fp, src)); return ret(cx); });
        h!(ip, fp, mb, ml, cx; ReturnSpan { src, len } => {
            for i in 0..len {
                wr(fp, i, rd(fp, src + i));
            }
            return ret(cx);
        });
        h!(ip, fp, mb, ml, cx; Unreachable {} => { return trap(ip, fp, cx, TrapCode::Unreachable); });
        h!(ip, fp, mb, ml, cx; Check { cost } => {
            let budget = &mut (*(*cx).store).meter.budget;
            *budget -= cost as i64;
            if *budget < 0 && !meter_refill(ip, fp, cx) {
                return Exit::Trap;
            }
        });

        h!(ip, fp, mb, ml, cx; Hotness { counter } => {
            // A plain load and store: a lost decrement between threads only delays tier-up.
            let counter = &*(counter as usize as *const std::sync::atomic::AtomicU32);
            let left = counter.load(std::sync::atomic::Ordering::Relaxed);
            if left == 0 {
                calls::hot(cx);
            } else {
                counter.store(left - 1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        h!(ip, fp, mb, ml, cx; LoopHotness { offset, counter } => {
            let counter = &*(counter as usize as *const std::sync::atomic::AtomicU32);
            let left = counter.load(std::sync::atomic::Ordering::Relaxed);
            if left == 0 {
                match calls::hot_loop(fp, cx, offset) {
                    calls::LoopExit::Stay => {}
                    calls::LoopExit::Returned => return ret(cx),
                    calls::LoopExit::Trapped => return Exit::Trap,
                }
            } else {
                counter.store(left - 1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        h!(ip, fp, mb, ml, cx; CallNative { def } => {
            if !calls::call_native(ip, fp, cx, def) {
                return Exit::Trap;
            }
            return ret(cx);
        });

        // ---- calls
        h!(ip, fp, mb, ml, cx; CallInternal { func, base } => {
            let callee = callee_code(ip, fp, cx, (*cx).inst, func);
            if callee.is_null() {
                return Exit::Trap;
            }
            return enter(ip, ip.add(1), fp, mb, ml, cx, callee, fp.add(base as usize), (*cx).inst);
        });
        h!(ip, fp, mb, ml, cx; CallImported { func, base } => {
            return call_entity(ip, ip.add(1), fp, mb, ml, cx, func_at((*cx).inst, func), base);
        });
        h!(ip, fp, mb, ml, cx; CallIndirect { table, ty, base } => {
            let (index, _) = ext(ip);
            let target = calls::indirect_target(ip, fp, cx, table, ty, rd(fp, index));
            if target.is_null() {
                return Exit::Trap;
            }
            return call_entity(ip, ip.add(2), fp, mb, ml, cx, target, base);
        });
        h!(ip, fp, mb, ml, cx; CallRef { func, base } => {
            let target = rd(fp, func) as *const FuncEntity;
            if target.is_null() {
                return trap(ip, fp, cx, TrapCode::NullFunctionReference);
            }
            return call_entity(ip, ip.add(1), fp, mb, ml, cx, target, base);
        });
        h!(ip, fp, mb, ml, cx; ReturnCallInternal { func, base } => {
            let callee = callee_code(ip, fp, cx, (*cx).inst, func);
            if callee.is_null() {
                return Exit::Trap;
            }
            return tail_enter(ip, fp, mb, ml, cx, callee, base, (*cx).inst);
        });
        h!(ip, fp, mb, ml, cx; ReturnCallImported { func, base } => {
            return tail_call_entity(ip, fp, mb, ml, cx, func_at((*cx).inst, func), base);
        });
        h!(ip, fp, mb, ml, cx; ReturnCallIndirect { table, ty, base } => {
            let (index, _) = ext(ip);
            let target = calls::indirect_target(ip, fp, cx, table, ty, rd(fp, index));
            if target.is_null() {
                return Exit::Trap;
            }
            return tail_call_entity(ip, fp, mb, ml, cx, target, base);
        });
        h!(ip, fp, mb, ml, cx; ReturnCallRef { func, base } => {
            let target = rd(fp, func) as *const FuncEntity;
            if target.is_null() {
                return trap(ip, fp, cx, TrapCode::NullFunctionReference);
            }
            return tail_call_entity(ip, fp, mb, ml, cx, target, base);
        });

        // ---- globals
        h!(ip, fp, mb, ml, cx; GlobalGet { dst, global } => { wr(fp, dst, (*global_at((*cx).inst, global)).value); });
        h!(ip, fp, mb, ml, cx; GlobalSet { global, src } => { (*global_at((*cx).inst, global)).value = rd(fp, src); });

        // ---- memory, general path and bulk
        h!(ip, fp, mb, ml, cx; Load { kind, dst, addr } => {
            let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
            match slow::load((*cx).inst, kind, mem, offset, rd(fp, addr)) {
                Some(v) => wr(fp, dst, v),
                None => return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds),
            }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; Store { kind, addr, value } => {
            let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
            if let Err(c) = slow::store((*cx).inst, kind, mem, offset, rd(fp, addr), rd(fp, value)) {
                return trap(ip, fp, cx, c);
            }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; MemorySize { dst, mem } => { wr(fp, dst, slow::memory_size((*cx).inst, mem)); });
        h!(ip, fp, mb, ml, cx; MemoryGrow { dst, delta, mem } => {
            match slow::memory_grow((*cx).store, (*cx).inst, mem, rd(fp, delta)) {
                Some(old) => wr(fp, dst, old),
                None => return quota_exceeded(ip, fp, cx),
            }
            let (mb, ml) = mem_regs((*cx).inst);
            return next(ip.add(1), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; MemoryFill { mem, dst, value } => {
            let (len, _) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, slow::memory_fill((*cx).inst, mem, rd(fp, dst), rd(fp, value), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx; MemoryCopy { dst_mem, src_mem, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, slow::memory_copy((*cx).inst, dst_mem, src_mem, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx; MemoryInit { mem, seg, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, slow::memory_init((*cx).inst, mem, seg, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx; DataDrop { seg } => { slow::data_drop((*cx).inst, seg); });

        // ---- tables and references
        h!(ip, fp, mb, ml, cx; TableGet { dst, table, index } => {
            match slow::table_get((*cx).inst, table, rd(fp, index)) {
                Some(v) => wr(fp, dst, v),
                None => return trap(ip, fp, cx, TrapCode::TableOutOfBounds),
            }
        });
        h!(ip, fp, mb, ml, cx; TableSet { table, index, value } => {
            if let Err(c) = slow::table_set((*cx).inst, table, rd(fp, index), rd(fp, value)) {
                return trap(ip, fp, cx, c);
            }
        });
        h!(ip, fp, mb, ml, cx; TableSize { dst, table } => { wr(fp, dst, slow::table_size((*cx).inst, table)); });
        h!(ip, fp, mb, ml, cx; TableGrow { dst, table, init } => {
            let (delta, _) = ext(ip);
            match slow::table_grow((*cx).store, (*cx).inst, table, rd(fp, init), rd(fp, delta)) {
                Some(old) => wr(fp, dst, old),
                None => return quota_exceeded(ip, fp, cx),
            }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; TableFill { table, start, value } => {
            let (len, _) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, slow::table_fill((*cx).inst, table, rd(fp, start), rd(fp, value), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx; TableCopy { dst_table, src_table, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, slow::table_copy((*cx).inst, dst_table, src_table, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx; TableInit { table, seg, dst } => {
            let (src, len) = ext(ip);
            return past_ext(ip, fp, mb, ml, cx, slow::table_init((*cx).inst, table, seg, rd(fp, dst), rd(fp, src), rd(fp, len)));
        });
        h!(ip, fp, mb, ml, cx; ElemDrop { seg } => { slow::elem_drop((*cx).inst, seg); });
        h!(ip, fp, mb, ml, cx; RefFunc { dst, func } => { wr(fp, dst, func_at((*cx).inst, func) as u64); });
        h!(ip, fp, mb, ml, cx; RefAsNonNull { src } => {
            if rd(fp, src) == 0 {
                return trap(ip, fp, cx, TrapCode::NullReference);
            }
        });

        // ---- extension words are read by the op before them, never run
        h!(ip, fp, mb, ml, cx; Ext { .. } => { return internal_error(ip, fp, cx); });
        h!(ip, fp, mb, ml, cx; MemArg { .. } => { return internal_error(ip, fp, cx); });

        // ---- loads from `base + imm`, and stores of constants
        h!(ip, fp, mb, ml, cx; I32LoadAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I64LoadAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u64::from_le_bytes(load::<8>(mb, ea)); wr(fp, dst, v); });
        h!(ip, fp, mb, ml, cx; F32LoadAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; F64LoadAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u64::from_le_bytes(load::<8>(mb, ea)); wr(fp, dst, v); });
        h!(ip, fp, mb, ml, cx; I32Load8UAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Load8SAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as i32 as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32Load16UAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Load16SAddImm { dst, base, imm } => { let ea = (rd(fp, base) as u32).wrapping_add(imm as u32) as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as i32 as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32StoreImm { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as u32).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64StoreImm { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as i64 as u64).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store8Imm { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as u8).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store16Imm { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as u16).to_le_bytes()); });

        h!(ip, fp, mb, ml, cx; I32LoadIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I64LoadIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u64::from_le_bytes(load::<8>(mb, ea)); wr(fp, dst, v); });
        h!(ip, fp, mb, ml, cx; F32LoadIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; F64LoadIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u64::from_le_bytes(load::<8>(mb, ea)); wr(fp, dst, v); });
        h!(ip, fp, mb, ml, cx; I32Load8UIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Load8SIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as i32 as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32Load16UIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Load16SIdx { dst, base, index } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as i32 as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32StoreIdx { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u32).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32StoreIdxImm { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as u32).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64StoreIdx { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u64).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64StoreIdxImm { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as i64 as u64).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store8Idx { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u8).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store8IdxImm { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as u8).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store16Idx { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u16).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store16IdxImm { base, index, value } => { let ea = (rd(fp, base) as u32).wrapping_add(rd(fp, index) as u32) as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (value as u16).to_le_bytes()); });
        // ---- the regular families
        h!(ip, fp, mb, ml, cx; I32Add { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.wrapping_add(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I32Sub { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.wrapping_sub(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I32Mul { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.wrapping_mul(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I32And { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x & y) as u64); });
        h!(ip, fp, mb, ml, cx; I32Or { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x | y) as u64); });
        h!(ip, fp, mb, ml, cx; I32Xor { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x ^ y) as u64); });
        h!(ip, fp, mb, ml, cx; I32Shl { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.wrapping_shl(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32ShrS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x as i32).wrapping_shr(y as u32) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32ShrU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.wrapping_shr(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32Rotl { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.rotate_left((y % u32::BITS as u32) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32Rotr { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (x.rotate_right((y % u32::BITS as u32) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32Eq { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x == y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32Ne { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x != y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LtS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (((x as i32) < (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LtU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x < y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GtS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (((x as i32) > (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GtU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x > y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LeS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (((x as i32) <= (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LeU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x <= y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GeS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, (((x as i32) >= (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GeU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); wr(fp, dst, ((x >= y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32DivS { dst, lhs, rhs } => { match sem::i32_div_s(rd(fp, lhs) as u32 as i32, rd(fp, rhs) as u32 as i32) { Ok(v) => wr(fp, dst, v as u32 as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32DivU { dst, lhs, rhs } => { match sem::i32_div_u(rd(fp, lhs) as u32, rd(fp, rhs) as u32) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32RemS { dst, lhs, rhs } => { match sem::i32_rem_s(rd(fp, lhs) as u32 as i32, rd(fp, rhs) as u32 as i32) { Ok(v) => wr(fp, dst, v as u32 as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32RemU { dst, lhs, rhs } => { match sem::i32_rem_u(rd(fp, lhs) as u32, rd(fp, rhs) as u32) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32AddImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x.wrapping_add(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I32MulImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x.wrapping_mul(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I32AndImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x & y) as u64); });
        h!(ip, fp, mb, ml, cx; I32OrImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x | y) as u64); });
        h!(ip, fp, mb, ml, cx; I32XorImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x ^ y) as u64); });
        h!(ip, fp, mb, ml, cx; I32ShlImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x.wrapping_shl(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32ShrSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x as i32).wrapping_shr(y as u32) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32ShrUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x.wrapping_shr(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32RotlImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x.rotate_left((y % u32::BITS as u32) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32RotrImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x.rotate_right((y % u32::BITS as u32) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I32EqImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x == y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32NeImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x != y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LtSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (((x as i32) < (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LtUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x < y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GtSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (((x as i32) > (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GtUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x > y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LeSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (((x as i32) <= (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32LeUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x <= y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GeSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (((x as i32) >= (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32GeUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, ((x >= y) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32DivSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (((x as i32) / (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32DivUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x / y) as u64); });
        h!(ip, fp, mb, ml, cx; I32RemSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (((x as i32) % (y as i32)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32RemUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (x % y) as u64); });
        h!(ip, fp, mb, ml, cx; I32RsubImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); wr(fp, dst, (y.wrapping_sub(x)) as u64); });
        h!(ip, fp, mb, ml, cx; I64Add { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.wrapping_add(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I64Sub { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.wrapping_sub(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I64Mul { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.wrapping_mul(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I64And { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x & y) as u64); });
        h!(ip, fp, mb, ml, cx; I64Or { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x | y) as u64); });
        h!(ip, fp, mb, ml, cx; I64Xor { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x ^ y) as u64); });
        h!(ip, fp, mb, ml, cx; I64Shl { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.wrapping_shl(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64ShrS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x as i64).wrapping_shr(y as u32) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64ShrU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.wrapping_shr(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64Rotl { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.rotate_left((y % u64::BITS as u64) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64Rotr { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (x.rotate_right((y % u64::BITS as u64) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64Eq { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x == y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64Ne { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x != y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LtS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (((x as i64) < (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LtU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x < y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GtS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (((x as i64) > (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GtU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x > y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LeS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (((x as i64) <= (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LeU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x <= y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GeS { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, (((x as i64) >= (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GeU { dst, lhs, rhs } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); wr(fp, dst, ((x >= y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64DivS { dst, lhs, rhs } => { match sem::i64_div_s(rd(fp, lhs) as u64 as i64, rd(fp, rhs) as u64 as i64) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64DivU { dst, lhs, rhs } => { match sem::i64_div_u(rd(fp, lhs) as u64, rd(fp, rhs) as u64) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64RemS { dst, lhs, rhs } => { match sem::i64_rem_s(rd(fp, lhs) as u64 as i64, rd(fp, rhs) as u64 as i64) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64RemU { dst, lhs, rhs } => { match sem::i64_rem_u(rd(fp, lhs) as u64, rd(fp, rhs) as u64) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64AddImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x.wrapping_add(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I64MulImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x.wrapping_mul(y)) as u64); });
        h!(ip, fp, mb, ml, cx; I64AndImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x & y) as u64); });
        h!(ip, fp, mb, ml, cx; I64OrImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x | y) as u64); });
        h!(ip, fp, mb, ml, cx; I64XorImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x ^ y) as u64); });
        h!(ip, fp, mb, ml, cx; I64ShlImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x.wrapping_shl(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64ShrSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x as i64).wrapping_shr(y as u32) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64ShrUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x.wrapping_shr(y as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64RotlImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x.rotate_left((y % u64::BITS as u64) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64RotrImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x.rotate_right((y % u64::BITS as u64) as u32)) as u64); });
        h!(ip, fp, mb, ml, cx; I64EqImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x == y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64NeImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x != y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LtSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (((x as i64) < (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LtUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x < y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GtSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (((x as i64) > (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GtUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x > y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LeSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (((x as i64) <= (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64LeUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x <= y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GeSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (((x as i64) >= (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64GeUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, ((x >= y) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64DivSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (((x as i64) / (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64DivUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x / y) as u64); });
        h!(ip, fp, mb, ml, cx; I64RemSImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (((x as i64) % (y as i64)) as u64) as u64); });
        h!(ip, fp, mb, ml, cx; I64RemUImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (x % y) as u64); });
        h!(ip, fp, mb, ml, cx; I64RsubImm { dst, lhs, imm } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); wr(fp, dst, (y.wrapping_sub(x)) as u64); });
        h!(ip, fp, mb, ml, cx; F32Add { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x + y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Sub { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x - y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Mul { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x * y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Div { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x / y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Min { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (sem::f32_min(x, y)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Max { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (sem::f32_max(x, y)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Copysign { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x.copysign(y)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Eq { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x == y) as u64); });
        h!(ip, fp, mb, ml, cx; F32Ne { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x != y) as u64); });
        h!(ip, fp, mb, ml, cx; F32Lt { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x < y) as u64); });
        h!(ip, fp, mb, ml, cx; F32Gt { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x > y) as u64); });
        h!(ip, fp, mb, ml, cx; F32Le { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x <= y) as u64); });
        h!(ip, fp, mb, ml, cx; F32Ge { dst, lhs, rhs } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); wr(fp, dst, (x >= y) as u64); });
        h!(ip, fp, mb, ml, cx; F64Add { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x + y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Sub { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x - y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Mul { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x * y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Div { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x / y).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Min { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (sem::f64_min(x, y)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Max { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (sem::f64_max(x, y)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Copysign { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x.copysign(y)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Eq { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x == y) as u64); });
        h!(ip, fp, mb, ml, cx; F64Ne { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x != y) as u64); });
        h!(ip, fp, mb, ml, cx; F64Lt { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x < y) as u64); });
        h!(ip, fp, mb, ml, cx; F64Gt { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x > y) as u64); });
        h!(ip, fp, mb, ml, cx; F64Le { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x <= y) as u64); });
        h!(ip, fp, mb, ml, cx; F64Ge { dst, lhs, rhs } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); wr(fp, dst, (x >= y) as u64); });
        h!(ip, fp, mb, ml, cx; I32Clz { dst, src } => { let x = rd(fp, src) as u32; wr(fp, dst, (x.leading_zeros()) as u64); });
        h!(ip, fp, mb, ml, cx; I32Ctz { dst, src } => { let x = rd(fp, src) as u32; wr(fp, dst, (x.trailing_zeros()) as u64); });
        h!(ip, fp, mb, ml, cx; I32Popcnt { dst, src } => { let x = rd(fp, src) as u32; wr(fp, dst, (x.count_ones()) as u64); });
        h!(ip, fp, mb, ml, cx; I32Eqz { dst, src } => { let x = rd(fp, src) as u32; wr(fp, dst, ((x == 0) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32Extend8S { dst, src } => { let x = rd(fp, src) as u32; wr(fp, dst, (x as i8 as i32 as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32Extend16S { dst, src } => { let x = rd(fp, src) as u32; wr(fp, dst, (x as i16 as i32 as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I64Clz { dst, src } => { let x = rd(fp, src); wr(fp, dst, x.leading_zeros() as u64); });
        h!(ip, fp, mb, ml, cx; I64Ctz { dst, src } => { let x = rd(fp, src); wr(fp, dst, x.trailing_zeros() as u64); });
        h!(ip, fp, mb, ml, cx; I64Popcnt { dst, src } => { let x = rd(fp, src); wr(fp, dst, x.count_ones() as u64); });
        h!(ip, fp, mb, ml, cx; I64Eqz { dst, src } => { let x = rd(fp, src); wr(fp, dst, (x == 0) as u64); });
        h!(ip, fp, mb, ml, cx; I64Extend8S { dst, src } => { let x = rd(fp, src); wr(fp, dst, x as i8 as i64 as u64); });
        h!(ip, fp, mb, ml, cx; I64Extend16S { dst, src } => { let x = rd(fp, src); wr(fp, dst, x as i16 as i64 as u64); });
        h!(ip, fp, mb, ml, cx; I64Extend32S { dst, src } => { let x = rd(fp, src); wr(fp, dst, x as i32 as i64 as u64); });
        h!(ip, fp, mb, ml, cx; F32Abs { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (x.abs()).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Neg { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (-x).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Ceil { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (sem::f32_ceil(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Floor { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (sem::f32_floor(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Trunc { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (sem::f32_trunc(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Nearest { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (sem::f32_nearest(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32Sqrt { dst, src } => { let x = f32::from_bits(rd(fp, src) as u32); wr(fp, dst, (x.sqrt()).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Abs { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (x.abs()).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Neg { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (-x).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Ceil { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (sem::f64_ceil(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Floor { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (sem::f64_floor(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Trunc { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (sem::f64_trunc(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Nearest { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (sem::f64_nearest(x)).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64Sqrt { dst, src } => { let x = f64::from_bits(rd(fp, src) as u64); wr(fp, dst, (x.sqrt()).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; I32WrapI64 { dst, src } => { wr(fp, dst, ((rd(fp, src) as i64) as i32) as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I64ExtendI32S { dst, src } => { wr(fp, dst, ((rd(fp, src) as u32 as i32) as i64) as u64); });
        h!(ip, fp, mb, ml, cx; F32DemoteF64 { dst, src } => { wr(fp, dst, (f64::from_bits(rd(fp, src)) as f32).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64PromoteF32 { dst, src } => { wr(fp, dst, (f32::from_bits(rd(fp, src) as u32) as f64).to_bits()); });
        h!(ip, fp, mb, ml, cx; F32ConvertI32S { dst, src } => { wr(fp, dst, ((rd(fp, src) as u32 as i32) as f32).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32ConvertI32U { dst, src } => { wr(fp, dst, ((rd(fp, src) as u32) as f32).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32ConvertI64S { dst, src } => { wr(fp, dst, ((rd(fp, src) as i64) as f32).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F32ConvertI64U { dst, src } => { wr(fp, dst, (rd(fp, src) as f32).to_bits() as u64); });
        h!(ip, fp, mb, ml, cx; F64ConvertI32S { dst, src } => { wr(fp, dst, ((rd(fp, src) as u32 as i32) as f64).to_bits()); });
        h!(ip, fp, mb, ml, cx; F64ConvertI32U { dst, src } => { wr(fp, dst, ((rd(fp, src) as u32) as f64).to_bits()); });
        h!(ip, fp, mb, ml, cx; F64ConvertI64S { dst, src } => { wr(fp, dst, ((rd(fp, src) as i64) as f64).to_bits()); });
        h!(ip, fp, mb, ml, cx; F64ConvertI64U { dst, src } => { wr(fp, dst, (rd(fp, src) as f64).to_bits()); });
        h!(ip, fp, mb, ml, cx; I32TruncSatF32S { dst, src } => { wr(fp, dst, (f32::from_bits(rd(fp, src) as u32) as i32) as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32TruncSatF32U { dst, src } => { wr(fp, dst, (f32::from_bits(rd(fp, src) as u32) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I32TruncSatF64S { dst, src } => { wr(fp, dst, (f64::from_bits(rd(fp, src)) as i32) as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32TruncSatF64U { dst, src } => { wr(fp, dst, (f64::from_bits(rd(fp, src)) as u32) as u64); });
        h!(ip, fp, mb, ml, cx; I64TruncSatF32S { dst, src } => { wr(fp, dst, (f32::from_bits(rd(fp, src) as u32) as i64) as u64); });
        h!(ip, fp, mb, ml, cx; I64TruncSatF32U { dst, src } => { wr(fp, dst, (f32::from_bits(rd(fp, src) as u32) as u64)); });
        h!(ip, fp, mb, ml, cx; I64TruncSatF64S { dst, src } => { wr(fp, dst, (f64::from_bits(rd(fp, src)) as i64) as u64); });
        h!(ip, fp, mb, ml, cx; I64TruncSatF64U { dst, src } => { wr(fp, dst, (f64::from_bits(rd(fp, src)) as u64)); });
        h!(ip, fp, mb, ml, cx; I32TruncF32S { dst, src } => { match sem::i32_trunc_f32_s(f32::from_bits(rd(fp, src) as u32)) { Ok(v) => wr(fp, dst, v as u32 as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32TruncF32U { dst, src } => { match sem::i32_trunc_f32_u(f32::from_bits(rd(fp, src) as u32)) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32TruncF64S { dst, src } => { match sem::i32_trunc_f64_s(f64::from_bits(rd(fp, src))) { Ok(v) => wr(fp, dst, v as u32 as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32TruncF64U { dst, src } => { match sem::i32_trunc_f64_u(f64::from_bits(rd(fp, src))) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64TruncF32S { dst, src } => { match sem::i64_trunc_f32_s(f32::from_bits(rd(fp, src) as u32)) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64TruncF32U { dst, src } => { match sem::i64_trunc_f32_u(f32::from_bits(rd(fp, src) as u32)) { Ok(v) => wr(fp, dst, v), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64TruncF64S { dst, src } => { match sem::i64_trunc_f64_s(f64::from_bits(rd(fp, src))) { Ok(v) => wr(fp, dst, v as u64), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I64TruncF64U { dst, src } => { match sem::i64_trunc_f64_u(f64::from_bits(rd(fp, src))) { Ok(v) => wr(fp, dst, v), Err(c) => return trap(ip, fp, cx, c) }; });
        h!(ip, fp, mb, ml, cx; I32Load { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I64Load { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u64::from_le_bytes(load::<8>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; F32Load { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; F64Load { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u64::from_le_bytes(load::<8>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Load8S { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as i32 as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32Load8U { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Load16S { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as i32 as u32 as u64); });
        h!(ip, fp, mb, ml, cx; I32Load16U { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I64Load8S { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as i64 as u64); });
        h!(ip, fp, mb, ml, cx; I64Load8U { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u8::from_le_bytes(load::<1>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I64Load16S { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as i64 as u64); });
        h!(ip, fp, mb, ml, cx; I64Load16U { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u16::from_le_bytes(load::<2>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I64Load32S { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = i32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as i64 as u64); });
        h!(ip, fp, mb, ml, cx; I64Load32U { dst, addr, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } let v = u32::from_le_bytes(load::<4>(mb, ea)); wr(fp, dst, v as u64); });
        h!(ip, fp, mb, ml, cx; I32Store { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u32).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64Store { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u64).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; F32Store { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u32).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; F64Store { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 8 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u64).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store8 { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u8).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I32Store16 { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u16).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64Store8 { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 1 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u8).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64Store16 { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 2 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u16).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; I64Store32 { addr, value, offset } => { let ea = rd(fp, addr) as u32 as u64 + offset as u64; if ea + 4 > ml { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) } store(mb, ea, (rd(fp, value) as u32).to_le_bytes()); });
        h!(ip, fp, mb, ml, cx; BrI32Eq { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if x == y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32Ne { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if x != y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LtS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if (x as i32) < (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LtU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if x < y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GtS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if (x as i32) > (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GtU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if x > y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LeS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if (x as i32) <= (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LeU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if x <= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GeS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if (x as i32) >= (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GeU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u32, rd(fp, rhs) as u32); if x >= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32EqImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if x == y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32NeImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if x != y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LtSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if (x as i32) < (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LtUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if x < y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GtSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if (x as i32) > (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GtUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if x > y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LeSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if (x as i32) <= (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32LeUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if x <= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GeSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if (x as i32) >= (y as i32) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI32GeUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u32, imm as u32); if x >= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64Eq { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if x == y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64Ne { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if x != y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LtS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if (x as i64) < (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LtU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if x < y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GtS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if (x as i64) > (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GtU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if x > y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LeS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if (x as i64) <= (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LeU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if x <= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GeS { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if (x as i64) >= (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GeU { lhs, rhs, offset } => { let (x, y) = (rd(fp, lhs) as u64, rd(fp, rhs) as u64); if x >= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64EqImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if x == y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64NeImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if x != y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LtSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if (x as i64) < (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LtUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if x < y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GtSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if (x as i64) > (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GtUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if x > y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LeSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if (x as i64) <= (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64LeUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if x <= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GeSImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if (x as i64) >= (y as i64) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrI64GeUImm { lhs, imm, offset } => { let (x, y) = (rd(fp, lhs) as u64, imm as i64 as u64); if x >= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32Eq { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if x == y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32Ne { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if x != y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32Lt { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if x < y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32Gt { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if x > y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32Le { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if x <= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32Ge { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if x >= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32NotEq { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if !(x == y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32NotNe { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if !(x != y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32NotLt { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if !(x < y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32NotGt { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if !(x > y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32NotLe { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if !(x <= y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF32NotGe { lhs, rhs, offset } => { let (x, y) = (f32::from_bits(rd(fp, lhs) as u32), f32::from_bits(rd(fp, rhs) as u32)); if !(x >= y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64Eq { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if x == y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64Ne { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if x != y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64Lt { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if x < y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64Gt { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if x > y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64Le { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if x <= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64Ge { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if x >= y { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64NotEq { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if !(x == y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64NotNe { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if !(x != y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64NotLt { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if !(x < y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64NotGt { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if !(x > y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64NotLe { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if !(x <= y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });
        h!(ip, fp, mb, ml, cx; BrF64NotGe { lhs, rhs, offset } => { let (x, y) = (f64::from_bits(rd(fp, lhs) as u64), f64::from_bits(rd(fp, rhs) as u64)); if !(x >= y) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); } });


        /// The handler of an instruction.
        pub(super) fn handler_of(instr: &Instr) -> Handler {
            match instr {
                Instr::Copy { .. } => Copy,
                Instr::Const32 { .. } => Const32,
                Instr::Const64 { .. } => Const64,
                Instr::Select { .. } => Select,
                Instr::SelectInPlace { .. } => SelectInPlace,
                Instr::Br { .. } => Br,
                Instr::BrIfNez { .. } => BrIfNez,
                Instr::BrIfEqz { .. } => BrIfEqz,
                Instr::BrIfNez64 { .. } => BrIfNez64,
                Instr::BrIfEqz64 { .. } => BrIfEqz64,
                Instr::BrTable { .. } => BrTable,
                Instr::Return1 { .. } => Return1,
                Instr::ReturnSpan { .. } => ReturnSpan,
                Instr::CallInternal { .. } => CallInternal,
                Instr::CallImported { .. } => CallImported,
                Instr::CallIndirect { .. } => CallIndirect,
                Instr::CallRef { .. } => CallRef,
                Instr::ReturnCallInternal { .. } => ReturnCallInternal,
                Instr::ReturnCallImported { .. } => ReturnCallImported,
                Instr::ReturnCallIndirect { .. } => ReturnCallIndirect,
                Instr::ReturnCallRef { .. } => ReturnCallRef,
                Instr::GlobalGet { .. } => GlobalGet,
                Instr::GlobalSet { .. } => GlobalSet,
                Instr::Load { .. } => Load,
                Instr::Store { .. } => Store,
                Instr::MemorySize { .. } => MemorySize,
                Instr::MemoryGrow { .. } => MemoryGrow,
                Instr::MemoryFill { .. } => MemoryFill,
                Instr::MemoryCopy { .. } => MemoryCopy,
                Instr::MemoryInit { .. } => MemoryInit,
                Instr::DataDrop { .. } => DataDrop,
                Instr::TableGet { .. } => TableGet,
                Instr::TableSet { .. } => TableSet,
                Instr::TableSize { .. } => TableSize,
                Instr::TableGrow { .. } => TableGrow,
                Instr::TableFill { .. } => TableFill,
                Instr::TableCopy { .. } => TableCopy,
                Instr::TableInit { .. } => TableInit,
                Instr::ElemDrop { .. } => ElemDrop,
                Instr::RefFunc { .. } => RefFunc,
                Instr::RefAsNonNull { .. } => RefAsNonNull,
                Instr::Ext { .. } => Ext,
                Instr::MemArg { .. } => MemArg,
                Instr::I32Add { .. } => I32Add,
                Instr::I32Sub { .. } => I32Sub,
                Instr::I32Mul { .. } => I32Mul,
                Instr::I32And { .. } => I32And,
                Instr::I32Or { .. } => I32Or,
                Instr::I32Xor { .. } => I32Xor,
                Instr::I32Shl { .. } => I32Shl,
                Instr::I32ShrS { .. } => I32ShrS,
                Instr::I32ShrU { .. } => I32ShrU,
                Instr::I32Rotl { .. } => I32Rotl,
                Instr::I32Rotr { .. } => I32Rotr,
                Instr::I32Eq { .. } => I32Eq,
                Instr::I32Ne { .. } => I32Ne,
                Instr::I32LtS { .. } => I32LtS,
                Instr::I32LtU { .. } => I32LtU,
                Instr::I32GtS { .. } => I32GtS,
                Instr::I32GtU { .. } => I32GtU,
                Instr::I32LeS { .. } => I32LeS,
                Instr::I32LeU { .. } => I32LeU,
                Instr::I32GeS { .. } => I32GeS,
                Instr::I32GeU { .. } => I32GeU,
                Instr::I32DivS { .. } => I32DivS,
                Instr::I32DivU { .. } => I32DivU,
                Instr::I32RemS { .. } => I32RemS,
                Instr::I32RemU { .. } => I32RemU,
                Instr::I64Add { .. } => I64Add,
                Instr::I64Sub { .. } => I64Sub,
                Instr::I64Mul { .. } => I64Mul,
                Instr::I64And { .. } => I64And,
                Instr::I64Or { .. } => I64Or,
                Instr::I64Xor { .. } => I64Xor,
                Instr::I64Shl { .. } => I64Shl,
                Instr::I64ShrS { .. } => I64ShrS,
                Instr::I64ShrU { .. } => I64ShrU,
                Instr::I64Rotl { .. } => I64Rotl,
                Instr::I64Rotr { .. } => I64Rotr,
                Instr::I64Eq { .. } => I64Eq,
                Instr::I64Ne { .. } => I64Ne,
                Instr::I64LtS { .. } => I64LtS,
                Instr::I64LtU { .. } => I64LtU,
                Instr::I64GtS { .. } => I64GtS,
                Instr::I64GtU { .. } => I64GtU,
                Instr::I64LeS { .. } => I64LeS,
                Instr::I64LeU { .. } => I64LeU,
                Instr::I64GeS { .. } => I64GeS,
                Instr::I64GeU { .. } => I64GeU,
                Instr::I64DivS { .. } => I64DivS,
                Instr::I64DivU { .. } => I64DivU,
                Instr::I64RemS { .. } => I64RemS,
                Instr::I64RemU { .. } => I64RemU,
                Instr::I32AddImm { .. } => I32AddImm,
                Instr::I32MulImm { .. } => I32MulImm,
                Instr::I32AndImm { .. } => I32AndImm,
                Instr::I32OrImm { .. } => I32OrImm,
                Instr::I32XorImm { .. } => I32XorImm,
                Instr::I32ShlImm { .. } => I32ShlImm,
                Instr::I32ShrSImm { .. } => I32ShrSImm,
                Instr::I32ShrUImm { .. } => I32ShrUImm,
                Instr::I32RotlImm { .. } => I32RotlImm,
                Instr::I32RotrImm { .. } => I32RotrImm,
                Instr::I32EqImm { .. } => I32EqImm,
                Instr::I32NeImm { .. } => I32NeImm,
                Instr::I32LtSImm { .. } => I32LtSImm,
                Instr::I32LtUImm { .. } => I32LtUImm,
                Instr::I32GtSImm { .. } => I32GtSImm,
                Instr::I32GtUImm { .. } => I32GtUImm,
                Instr::I32LeSImm { .. } => I32LeSImm,
                Instr::I32LeUImm { .. } => I32LeUImm,
                Instr::I32GeSImm { .. } => I32GeSImm,
                Instr::I32GeUImm { .. } => I32GeUImm,
                Instr::I32DivSImm { .. } => I32DivSImm,
                Instr::I32DivUImm { .. } => I32DivUImm,
                Instr::I32RemSImm { .. } => I32RemSImm,
                Instr::I32RemUImm { .. } => I32RemUImm,
                Instr::I32RsubImm { .. } => I32RsubImm,
                Instr::I64AddImm { .. } => I64AddImm,
                Instr::I64MulImm { .. } => I64MulImm,
                Instr::I64AndImm { .. } => I64AndImm,
                Instr::I64OrImm { .. } => I64OrImm,
                Instr::I64XorImm { .. } => I64XorImm,
                Instr::I64ShlImm { .. } => I64ShlImm,
                Instr::I64ShrSImm { .. } => I64ShrSImm,
                Instr::I64ShrUImm { .. } => I64ShrUImm,
                Instr::I64RotlImm { .. } => I64RotlImm,
                Instr::I64RotrImm { .. } => I64RotrImm,
                Instr::I64EqImm { .. } => I64EqImm,
                Instr::I64NeImm { .. } => I64NeImm,
                Instr::I64LtSImm { .. } => I64LtSImm,
                Instr::I64LtUImm { .. } => I64LtUImm,
                Instr::I64GtSImm { .. } => I64GtSImm,
                Instr::I64GtUImm { .. } => I64GtUImm,
                Instr::I64LeSImm { .. } => I64LeSImm,
                Instr::I64LeUImm { .. } => I64LeUImm,
                Instr::I64GeSImm { .. } => I64GeSImm,
                Instr::I64GeUImm { .. } => I64GeUImm,
                Instr::I64DivSImm { .. } => I64DivSImm,
                Instr::I64DivUImm { .. } => I64DivUImm,
                Instr::I64RemSImm { .. } => I64RemSImm,
                Instr::I64RemUImm { .. } => I64RemUImm,
                Instr::I64RsubImm { .. } => I64RsubImm,
                Instr::F32Add { .. } => F32Add,
                Instr::F32Sub { .. } => F32Sub,
                Instr::F32Mul { .. } => F32Mul,
                Instr::F32Div { .. } => F32Div,
                Instr::F32Min { .. } => F32Min,
                Instr::F32Max { .. } => F32Max,
                Instr::F32Copysign { .. } => F32Copysign,
                Instr::F32Eq { .. } => F32Eq,
                Instr::F32Ne { .. } => F32Ne,
                Instr::F32Lt { .. } => F32Lt,
                Instr::F32Gt { .. } => F32Gt,
                Instr::F32Le { .. } => F32Le,
                Instr::F32Ge { .. } => F32Ge,
                Instr::F64Add { .. } => F64Add,
                Instr::F64Sub { .. } => F64Sub,
                Instr::F64Mul { .. } => F64Mul,
                Instr::F64Div { .. } => F64Div,
                Instr::F64Min { .. } => F64Min,
                Instr::F64Max { .. } => F64Max,
                Instr::F64Copysign { .. } => F64Copysign,
                Instr::F64Eq { .. } => F64Eq,
                Instr::F64Ne { .. } => F64Ne,
                Instr::F64Lt { .. } => F64Lt,
                Instr::F64Gt { .. } => F64Gt,
                Instr::F64Le { .. } => F64Le,
                Instr::F64Ge { .. } => F64Ge,
                Instr::I32Clz { .. } => I32Clz,
                Instr::I32Ctz { .. } => I32Ctz,
                Instr::I32Popcnt { .. } => I32Popcnt,
                Instr::I32Eqz { .. } => I32Eqz,
                Instr::I32Extend8S { .. } => I32Extend8S,
                Instr::I32Extend16S { .. } => I32Extend16S,
                Instr::I64Clz { .. } => I64Clz,
                Instr::I64Ctz { .. } => I64Ctz,
                Instr::I64Popcnt { .. } => I64Popcnt,
                Instr::I64Eqz { .. } => I64Eqz,
                Instr::I64Extend8S { .. } => I64Extend8S,
                Instr::I64Extend16S { .. } => I64Extend16S,
                Instr::I64Extend32S { .. } => I64Extend32S,
                Instr::F32Abs { .. } => F32Abs,
                Instr::F32Neg { .. } => F32Neg,
                Instr::F32Ceil { .. } => F32Ceil,
                Instr::F32Floor { .. } => F32Floor,
                Instr::F32Trunc { .. } => F32Trunc,
                Instr::F32Nearest { .. } => F32Nearest,
                Instr::F32Sqrt { .. } => F32Sqrt,
                Instr::F64Abs { .. } => F64Abs,
                Instr::F64Neg { .. } => F64Neg,
                Instr::F64Ceil { .. } => F64Ceil,
                Instr::F64Floor { .. } => F64Floor,
                Instr::F64Trunc { .. } => F64Trunc,
                Instr::F64Nearest { .. } => F64Nearest,
                Instr::F64Sqrt { .. } => F64Sqrt,
                Instr::I32WrapI64 { .. } => I32WrapI64,
                Instr::I64ExtendI32S { .. } => I64ExtendI32S,
                Instr::F32DemoteF64 { .. } => F32DemoteF64,
                Instr::F64PromoteF32 { .. } => F64PromoteF32,
                Instr::F32ConvertI32S { .. } => F32ConvertI32S,
                Instr::F32ConvertI32U { .. } => F32ConvertI32U,
                Instr::F32ConvertI64S { .. } => F32ConvertI64S,
                Instr::F32ConvertI64U { .. } => F32ConvertI64U,
                Instr::F64ConvertI32S { .. } => F64ConvertI32S,
                Instr::F64ConvertI32U { .. } => F64ConvertI32U,
                Instr::F64ConvertI64S { .. } => F64ConvertI64S,
                Instr::F64ConvertI64U { .. } => F64ConvertI64U,
                Instr::I32TruncSatF32S { .. } => I32TruncSatF32S,
                Instr::I32TruncSatF32U { .. } => I32TruncSatF32U,
                Instr::I32TruncSatF64S { .. } => I32TruncSatF64S,
                Instr::I32TruncSatF64U { .. } => I32TruncSatF64U,
                Instr::I64TruncSatF32S { .. } => I64TruncSatF32S,
                Instr::I64TruncSatF32U { .. } => I64TruncSatF32U,
                Instr::I64TruncSatF64S { .. } => I64TruncSatF64S,
                Instr::I64TruncSatF64U { .. } => I64TruncSatF64U,
                Instr::I32TruncF32S { .. } => I32TruncF32S,
                Instr::I32TruncF32U { .. } => I32TruncF32U,
                Instr::I32TruncF64S { .. } => I32TruncF64S,
                Instr::I32TruncF64U { .. } => I32TruncF64U,
                Instr::I64TruncF32S { .. } => I64TruncF32S,
                Instr::I64TruncF32U { .. } => I64TruncF32U,
                Instr::I64TruncF64S { .. } => I64TruncF64S,
                Instr::I64TruncF64U { .. } => I64TruncF64U,
                Instr::I32Load { .. } => I32Load,
                Instr::I64Load { .. } => I64Load,
                Instr::F32Load { .. } => F32Load,
                Instr::F64Load { .. } => F64Load,
                Instr::I32Load8S { .. } => I32Load8S,
                Instr::I32Load8U { .. } => I32Load8U,
                Instr::I32Load16S { .. } => I32Load16S,
                Instr::I32Load16U { .. } => I32Load16U,
                Instr::I64Load8S { .. } => I64Load8S,
                Instr::I64Load8U { .. } => I64Load8U,
                Instr::I64Load16S { .. } => I64Load16S,
                Instr::I64Load16U { .. } => I64Load16U,
                Instr::I64Load32S { .. } => I64Load32S,
                Instr::I64Load32U { .. } => I64Load32U,
                Instr::I32Store { .. } => I32Store,
                Instr::I64Store { .. } => I64Store,
                Instr::F32Store { .. } => F32Store,
                Instr::F64Store { .. } => F64Store,
                Instr::I32Store8 { .. } => I32Store8,
                Instr::I32Store16 { .. } => I32Store16,
                Instr::I64Store8 { .. } => I64Store8,
                Instr::I64Store16 { .. } => I64Store16,
                Instr::I64Store32 { .. } => I64Store32,
                Instr::I32LoadAddImm { .. } => I32LoadAddImm,
                Instr::I64LoadAddImm { .. } => I64LoadAddImm,
                Instr::F32LoadAddImm { .. } => F32LoadAddImm,
                Instr::F64LoadAddImm { .. } => F64LoadAddImm,
                Instr::I32Load8UAddImm { .. } => I32Load8UAddImm,
                Instr::I32Load8SAddImm { .. } => I32Load8SAddImm,
                Instr::I32Load16UAddImm { .. } => I32Load16UAddImm,
                Instr::I32Load16SAddImm { .. } => I32Load16SAddImm,
                Instr::I32LoadIdx { .. } => I32LoadIdx,
                Instr::I64LoadIdx { .. } => I64LoadIdx,
                Instr::F32LoadIdx { .. } => F32LoadIdx,
                Instr::F64LoadIdx { .. } => F64LoadIdx,
                Instr::I32Load8UIdx { .. } => I32Load8UIdx,
                Instr::I32Load8SIdx { .. } => I32Load8SIdx,
                Instr::I32Load16UIdx { .. } => I32Load16UIdx,
                Instr::I32Load16SIdx { .. } => I32Load16SIdx,
                Instr::I32StoreIdx { .. } => I32StoreIdx,
                Instr::I32StoreIdxImm { .. } => I32StoreIdxImm,
                Instr::I64StoreIdx { .. } => I64StoreIdx,
                Instr::I64StoreIdxImm { .. } => I64StoreIdxImm,
                Instr::I32Store8Idx { .. } => I32Store8Idx,
                Instr::I32Store8IdxImm { .. } => I32Store8IdxImm,
                Instr::I32Store16Idx { .. } => I32Store16Idx,
                Instr::I32Store16IdxImm { .. } => I32Store16IdxImm,
                Instr::I32StoreImm { .. } => I32StoreImm,
                Instr::I64StoreImm { .. } => I64StoreImm,
                Instr::I32Store8Imm { .. } => I32Store8Imm,
                Instr::I32Store16Imm { .. } => I32Store16Imm,
                Instr::BrI32Eq { .. } => BrI32Eq,
                Instr::BrI32Ne { .. } => BrI32Ne,
                Instr::BrI32LtS { .. } => BrI32LtS,
                Instr::BrI32LtU { .. } => BrI32LtU,
                Instr::BrI32GtS { .. } => BrI32GtS,
                Instr::BrI32GtU { .. } => BrI32GtU,
                Instr::BrI32LeS { .. } => BrI32LeS,
                Instr::BrI32LeU { .. } => BrI32LeU,
                Instr::BrI32GeS { .. } => BrI32GeS,
                Instr::BrI32GeU { .. } => BrI32GeU,
                Instr::BrI32EqImm { .. } => BrI32EqImm,
                Instr::BrI32NeImm { .. } => BrI32NeImm,
                Instr::BrI32LtSImm { .. } => BrI32LtSImm,
                Instr::BrI32LtUImm { .. } => BrI32LtUImm,
                Instr::BrI32GtSImm { .. } => BrI32GtSImm,
                Instr::BrI32GtUImm { .. } => BrI32GtUImm,
                Instr::BrI32LeSImm { .. } => BrI32LeSImm,
                Instr::BrI32LeUImm { .. } => BrI32LeUImm,
                Instr::BrI32GeSImm { .. } => BrI32GeSImm,
                Instr::BrI32GeUImm { .. } => BrI32GeUImm,
                Instr::BrI64Eq { .. } => BrI64Eq,
                Instr::BrI64Ne { .. } => BrI64Ne,
                Instr::BrI64LtS { .. } => BrI64LtS,
                Instr::BrI64LtU { .. } => BrI64LtU,
                Instr::BrI64GtS { .. } => BrI64GtS,
                Instr::BrI64GtU { .. } => BrI64GtU,
                Instr::BrI64LeS { .. } => BrI64LeS,
                Instr::BrI64LeU { .. } => BrI64LeU,
                Instr::BrI64GeS { .. } => BrI64GeS,
                Instr::BrI64GeU { .. } => BrI64GeU,
                Instr::BrI64EqImm { .. } => BrI64EqImm,
                Instr::BrI64NeImm { .. } => BrI64NeImm,
                Instr::BrI64LtSImm { .. } => BrI64LtSImm,
                Instr::BrI64LtUImm { .. } => BrI64LtUImm,
                Instr::BrI64GtSImm { .. } => BrI64GtSImm,
                Instr::BrI64GtUImm { .. } => BrI64GtUImm,
                Instr::BrI64LeSImm { .. } => BrI64LeSImm,
                Instr::BrI64LeUImm { .. } => BrI64LeUImm,
                Instr::BrI64GeSImm { .. } => BrI64GeSImm,
                Instr::BrI64GeUImm { .. } => BrI64GeUImm,
                Instr::BrF32Eq { .. } => BrF32Eq,
                Instr::BrF32Ne { .. } => BrF32Ne,
                Instr::BrF32Lt { .. } => BrF32Lt,
                Instr::BrF32Gt { .. } => BrF32Gt,
                Instr::BrF32Le { .. } => BrF32Le,
                Instr::BrF32Ge { .. } => BrF32Ge,
                Instr::BrF32NotEq { .. } => BrF32NotEq,
                Instr::BrF32NotNe { .. } => BrF32NotNe,
                Instr::BrF32NotLt { .. } => BrF32NotLt,
                Instr::BrF32NotGt { .. } => BrF32NotGt,
                Instr::BrF32NotLe { .. } => BrF32NotLe,
                Instr::BrF32NotGe { .. } => BrF32NotGe,
                Instr::BrF64Eq { .. } => BrF64Eq,
                Instr::BrF64Ne { .. } => BrF64Ne,
                Instr::BrF64Lt { .. } => BrF64Lt,
                Instr::BrF64Gt { .. } => BrF64Gt,
                Instr::BrF64Le { .. } => BrF64Le,
                Instr::BrF64Ge { .. } => BrF64Ge,
                Instr::BrF64NotEq { .. } => BrF64NotEq,
                Instr::BrF64NotNe { .. } => BrF64NotNe,
                Instr::BrF64NotLt { .. } => BrF64NotLt,
                Instr::BrF64NotGt { .. } => BrF64NotGt,
                Instr::BrF64NotLe { .. } => BrF64NotLe,
                Instr::BrF64NotGe { .. } => BrF64NotGe,
                Instr::Return0 { .. } => Return0,
                Instr::Unreachable { .. } => Unreachable,
                Instr::Check { .. } => Check,
                Instr::Hotness { .. } => Hotness,
                Instr::LoopHotness { .. } => LoopHotness,
                Instr::CallNative { .. } => CallNative,
            }
        }
    };
}

pub(super) use define_handlers;
