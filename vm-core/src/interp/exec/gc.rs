//! The GC instructions' out-of-line work for the handlers: each records where the run is (so a
//! collection finds this frame's references), calls the runtime (`runtime::gc`), writes its
//! results into the frame, and answers `false` after recording a trap.

use silo_gc::{AccessError, Bump, FieldKind, GcRef, Heap, fast};

use super::{Cx, Op, enter_store as enter, ext, fail, rd, trap};
use crate::interp::isa::Instr;
use crate::interp::isa::Slot;
use crate::runtime::gc as rt;
use crate::runtime::gc_ops::{self as ops, ArrayBulk, ArrayInit};
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// How a field or element is read into a slot.
#[derive(Clone, Copy)]
pub(super) enum Get {
    S8,
    U8,
    S16,
    U16,
    B32,
    B64,
    B128,
}

/// Records `t` as the run's trap; `false`.
///
/// # Safety
/// As `fail`: `ip`, `fp` and `cx` satisfy the run invariants.
unsafe fn failed(ip: *const Op, fp: *mut u64, cx: *mut Cx, t: Trap) -> bool {
    // SAFETY: this function's contract is `fail`'s.
    unsafe { fail(ip, fp, cx, t) };
    false
}

/// Records the trap `code`; `false`.
///
/// # Safety
/// As `trap`: `ip`, `fp` and `cx` satisfy the run invariants.
unsafe fn trapped(ip: *const Op, fp: *mut u64, cx: *mut Cx, code: TrapCode) -> bool {
    // SAFETY: this function's contract is `trap`'s.
    unsafe { trap(ip, fp, cx, code) };
    false
}

/// The heap, or the null-reference error when there is none (no object can exist then).
fn heap(store: &mut StoreOpaque) -> Result<&mut Heap, AccessError> {
    store.gc.heap_mut().map_err(|_| AccessError::Null)
}

/// Reads a field of `obj` at `offset` into the slot(s) at `dst`.
fn read(heap: &Heap, obj: u64, offset: u32, get: Get, dst: &mut [u64]) -> Result<(), AccessError> {
    let r = GcRef::from_raw(obj as u32);
    match get {
        Get::S8 => dst[0] = heap.read::<u8>(r, offset)? as i8 as i32 as u32 as u64,
        Get::U8 => dst[0] = heap.read::<u8>(r, offset)? as u64,
        Get::S16 => dst[0] = heap.read::<u16>(r, offset)? as i16 as i32 as u32 as u64,
        Get::U16 => dst[0] = heap.read::<u16>(r, offset)? as u64,
        Get::B32 => dst[0] = heap.read::<u32>(r, offset)? as u64,
        Get::B64 => dst[0] = heap.read::<u64>(r, offset)?,
        Get::B128 => {
            let v = heap.read::<u128>(r, offset)?;
            dst[0] = v as u64;
            dst[1] = (v >> 64) as u64;
        }
    }
    Ok(())
}

/// The store's allocation record, or `None` before it has a heap.
///
/// # Safety
/// `cx` is a live run's context.
#[inline(always)]
unsafe fn bump<'a>(cx: *mut Cx) -> Option<&'a Bump> {
    // SAFETY: the store is live (contract); its record, once made, lives as long as its heap,
    // which outlives the run.
    unsafe { (*(*cx).store).gc.bump.as_ref() }
}

/// Reads `get` at `offset` of `obj` into the slot(s) at `dst` through the fast path
/// (`silo_gc::fast`); `false` when the checked path must do it (or name the error).
///
/// # Safety
/// `fp` is a live run's frame, `cx` its context, `dst` (and `dst + 1` for a `v128`) its slots;
/// nothing else touches the heap meanwhile.
#[inline(always)]
unsafe fn read_fast(cx: *mut Cx, fp: *mut u64, dst: Slot, obj: u32, offset: u32, get: Get) -> bool {
    // SAFETY: the record is the live heap's and the slots are the frame's (contract).
    unsafe {
        let Some(b) = bump(cx) else { return false };
        let v = match get {
            Get::S8 => fast::read::<u8>(b, obj, offset).map(|v| v as i8 as i32 as u32 as u64),
            Get::U8 => fast::read::<u8>(b, obj, offset).map(u64::from),
            Get::S16 => fast::read::<u16>(b, obj, offset).map(|v| v as i16 as i32 as u32 as u64),
            Get::U16 => fast::read::<u16>(b, obj, offset).map(u64::from),
            Get::B32 => fast::read::<u32>(b, obj, offset).map(u64::from),
            Get::B64 => fast::read::<u64>(b, obj, offset),
            Get::B128 => match fast::read::<u128>(b, obj, offset) {
                Some(v) => {
                    *fp.add(dst as usize + 1) = (v >> 64) as u64;
                    Some(v as u64)
                }
                None => None,
            },
        };
        match v {
            Some(v) => {
                *fp.add(dst as usize) = v;
                true
            }
            None => false,
        }
    }
}

/// Writes `width` bytes of the slot(s) at `value` at `offset` of `obj` through the fast path;
/// `false` when the checked path must do it (the write barrier included).
///
/// # Safety
/// As `read_fast`, for the slot(s) at `value`.
#[inline(always)]
unsafe fn write_fast(
    cx: *mut Cx,
    fp: *mut u64,
    obj: u32,
    offset: u32,
    value: Slot,
    width: u32,
) -> bool {
    // SAFETY: the record is the live heap's and the slots are the frame's (contract).
    unsafe {
        let Some(b) = bump(cx) else { return false };
        let v = *fp.add(value as usize);
        match width {
            1 => fast::write::<u8>(b, obj, offset, v as u8),
            2 => fast::write::<u16>(b, obj, offset, v as u16),
            4 => fast::write::<u32>(b, obj, offset, v as u32),
            8 => fast::write::<u64>(b, obj, offset, v),
            _ => {
                let high = *fp.add(value as usize + 1);
                fast::write::<u128>(b, obj, offset, u128::from(v) | u128::from(high) << 64)
            }
        }
    }
}

/// The offset of element `idx` of `arr`, `size` bytes, through the fast path.
///
/// # Safety
/// `cx` is a live run's context.
#[inline(always)]
unsafe fn element_fast(cx: *mut Cx, arr: u32, idx: u32, size: u32) -> Option<u32> {
    // SAFETY: the record is the live heap's (contract).
    unsafe { fast::element(bump(cx)?, arr, idx, size) }
}

/// `struct.get*` inline when it can be, else through `struct_get`; `false` after a trap.
///
/// # Safety
/// As `struct_get`.
#[inline(always)]
pub(super) unsafe fn struct_get_inline(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    obj: u64,
    offset: u32,
    get: Get,
) -> bool {
    // SAFETY: this function's contract is `struct_get`'s, which covers `read_fast`'s.
    unsafe {
        read_fast(cx, fp, dst, obj as u32, offset, get)
            || struct_get(ip, fp, cx, dst, obj, offset, get)
    }
}

/// `struct.set` inline when it can be, else through `struct_set`; `false` after a trap.
///
/// # Safety
/// As `struct_set`.
#[inline(always)]
pub(super) unsafe fn struct_set_inline(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    obj: u64,
    value: Slot,
    offset: u32,
    width: u32,
) -> bool {
    // SAFETY: this function's contract is `struct_set`'s, which covers `write_fast`'s.
    unsafe {
        write_fast(cx, fp, obj as u32, offset, value, width)
            || struct_set(ip, fp, cx, obj, value, offset, width)
    }
}

/// `array.get*` inline when it can be, else through `array_get`; `false` after a trap.
///
/// # Safety
/// As `array_get`.
#[inline(always)]
pub(super) unsafe fn array_get_inline(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    arr: u64,
    idx: u32,
    get: Get,
) -> bool {
    let size = match get {
        Get::S8 | Get::U8 => 1,
        Get::S16 | Get::U16 => 2,
        Get::B32 => 4,
        Get::B64 => 8,
        Get::B128 => 16,
    };
    // SAFETY: this function's contract is `array_get`'s, which covers `read_fast`'s.
    unsafe {
        match element_fast(cx, arr as u32, idx, size) {
            Some(at) if read_fast(cx, fp, dst, arr as u32, at, get) => true,
            _ => array_get(ip, fp, cx, dst, arr, idx, get),
        }
    }
}

/// `array.set` inline when it can be, else through `array_set`; `false` after a trap.
///
/// # Safety
/// As `array_set`.
#[inline(always)]
pub(super) unsafe fn array_set_inline(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    arr: u64,
    idx: u32,
    value: Slot,
    width: u32,
) -> bool {
    // SAFETY: this function's contract is `array_set`'s, which covers `write_fast`'s.
    unsafe {
        match element_fast(cx, arr as u32, idx, width) {
            Some(at) if write_fast(cx, fp, arr as u32, at, value, width) => true,
            _ => array_set(ip, fp, cx, arr, idx, value, width),
        }
    }
}

/// `array.len` inline when it can be, else through `array_len`; `false` after a trap.
///
/// # Safety
/// As `array_len`.
#[inline(always)]
pub(super) unsafe fn array_len_inline(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    arr: u64,
) -> bool {
    // SAFETY: this function's contract is `array_len`'s.
    unsafe {
        match bump(cx).and_then(|b| fast::array_len(b, arr as u32)) {
            Some(n) => {
                *fp.add(dst as usize) = u64::from(n);
                true
            }
            None => array_len(ip, fp, cx, dst, arr),
        }
    }
}

/// The frame slots `slot..slot + n`.
///
/// # Safety
/// `fp` is a live run's frame and `slot + n` at most its frame size (the translator's bound).
unsafe fn slots<'a>(fp: *mut u64, slot: Slot, n: usize) -> &'a mut [u64] {
    // SAFETY: inside the frame, which nothing else uses while a handler runs (contract).
    unsafe { std::slice::from_raw_parts_mut(fp.add(slot as usize), n) }
}

/// `struct.new` (`default`: `struct.new_default`) of module type `ty` into `dst`, the fields from
/// `dst` on.
///
/// # Safety
/// The run invariants hold for `ip`, `fp` and `cx`; `ty` is a struct type of the module and the
/// frame holds its fields' slots from `dst` on.
#[inline(never)]
pub(super) unsafe fn struct_new(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    ty: u32,
    default: bool,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract); the instance is live; the
    // fields' slots are the frame's.
    unsafe {
        let store = enter(ip, fp, cx);
        let inst = &*(*cx).inst;
        let fields = if default {
            None
        } else {
            let n = ops::struct_slots(store, rt::type_id(inst, ty)).unwrap_or(0);
            Some(&*slots(fp, dst, n))
        };
        match ops::struct_new(store, inst, ty, fields) {
            Ok(r) => {
                *fp.add(dst as usize) = u64::from(r.raw());
                true
            }
            Err(t) => failed(ip, fp, cx, t),
        }
    }
}

/// `struct.new` (`default`: `struct.new_default`) inline when it fits below the limit, else
/// through `struct_new`; `false` after a trap.
///
/// # Safety
/// As `struct_new`.
#[inline(always)]
pub(super) unsafe fn struct_new_inline(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    ty: u32,
    default: bool,
) -> bool {
    // SAFETY: this function's contract is `struct_new`'s: the record is the live heap's (it knows
    // the module's types from instantiation on), the fields' slots are the frame's, and nothing
    // else touches the heap while a handler runs.
    unsafe {
        let bump = (*(*cx).store).gc.bump;
        if !bump.is_null() {
            let inner = &(*(*cx).inst).module.inner;
            if let (Some(Some(layout)), Some(id)) =
                (inner.struct_layouts.get(ty as usize), inner.type_ids.get(ty as usize))
                && let Some(r) = fast::alloc(bump, id.0, layout.size, None)
            {
                if !default {
                    let fields = slots(fp, dst, layout.value_slots as usize);
                    fast::init_struct(&*bump, r, layout, fields);
                }
                *fp.add(dst as usize) = u64::from(r);
                return true;
            }
        }
        struct_new(ip, fp, cx, dst, ty, default)
    }
}

/// `struct.new_desc` of module type `ty` into `dst`, the fields and the descriptor from `dst`
/// on; or, given `default_desc`, `struct.new_default_desc` with that descriptor.
///
/// # Safety
/// As `struct_new`; without `default_desc`, the frame holds the fields' and the descriptor's
/// slots from `dst` on.
#[inline(never)]
pub(super) unsafe fn struct_new_desc(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    ty: u32,
    default_desc: Option<u64>,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract); the instance is live; the
    // operands' slots are the frame's.
    unsafe {
        let store = enter(ip, fp, cx);
        let inst = &*(*cx).inst;
        let given;
        let values: &[u64] = match default_desc {
            Some(desc) => {
                given = [desc];
                &given
            }
            None => {
                let n = ops::struct_slots(store, rt::type_id(inst, ty)).unwrap_or(0);
                &*slots(fp, dst, n)
            }
        };
        match ops::struct_new_desc(store, inst, ty, values) {
            Ok(r) => {
                *fp.add(dst as usize) = u64::from(r.raw());
                true
            }
            Err(t) => failed(ip, fp, cx, t),
        }
    }
}

/// `struct.get*`: the field at `offset` of `obj` into `dst`.
///
/// # Safety
/// The run invariants hold; `dst` (and `dst + 1` for a `v128`) are slots of the frame.
#[inline(never)]
pub(super) unsafe fn struct_get(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    obj: u64,
    offset: u32,
    get: Get,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let n = if matches!(get, Get::B128) { 2 } else { 1 };
        let out = slots(fp, dst, n);
        let store = &mut *(*cx).store;
        match heap(store).and_then(|h| read(h, obj, offset, get, out)) {
            Ok(()) => true,
            Err(e) => trapped(ip, fp, cx, rt::access_trap(e, false)),
        }
    }
}

/// `struct.set`: `width` bytes of the value in `value` (two slots for 16) to `obj` at `offset`.
///
/// # Safety
/// The run invariants hold; `value` (and `value + 1` for 16 bytes) are slots of the frame.
#[inline(never)]
pub(super) unsafe fn struct_set(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    obj: u64,
    value: Slot,
    offset: u32,
    width: u32,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let v = slots(fp, value, if width == 16 { 2 } else { 1 });
        let store = &mut *(*cx).store;
        let r = GcRef::from_raw(obj as u32);
        let result = heap(store).and_then(|h| rt::write_sized(h, r, offset, width, v));
        match result {
            Ok(()) => true,
            Err(e) => trapped(ip, fp, cx, rt::access_trap(e, false)),
        }
    }
}

/// `array.new*` (the op at `ip`, whose operands say the type, the length and how to fill it).
///
/// # Safety
/// The run invariants hold and the op at `ip` is one of the `ArrayNew*` ops (followed by its
/// extension word where it has one).
#[inline(never)]
pub(super) unsafe fn array_new(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> bool {
    // SAFETY: the run invariants hold (this function's contract); operands are frame slots, and
    // an `array.new_fixed`'s elements are the slots from `dst` on; the instance is live.
    unsafe {
        let (a, b) = ext(ip);
        let store = enter(ip, fp, cx);
        let inst = &*(*cx).inst;
        let (dst, ty, len, init) = match *(*ip).instr() {
            Instr::ArrayNew { dst, ty, init } => {
                let kind = ops::elem_kind(store, rt::type_id(inst, ty));
                let n = if kind.is_ok_and(|k| k == FieldKind::V128) { 2 } else { 1 };
                (dst, ty, rd(fp, a) as u32, ArrayInit::Value(slots(fp, init, n)))
            }
            Instr::ArrayNewDefault { dst, ty, len } => {
                (dst, ty, rd(fp, len) as u32, ArrayInit::Default)
            }
            Instr::ArrayNewFixed { dst, ty, n } => {
                let kind = ops::elem_kind(store, rt::type_id(inst, ty));
                let width = if kind.is_ok_and(|k| k == FieldKind::V128) { 2 } else { 1 };
                (dst, ty, n, ArrayInit::Fixed(slots(fp, dst, n as usize * width)))
            }
            Instr::ArrayNewData { dst, ty, seg } => {
                (dst, ty, rd(fp, b) as u32, ArrayInit::Data { seg, offset: rd(fp, a) as u32 })
            }
            Instr::ArrayNewElem { dst, ty, seg } => {
                (dst, ty, rd(fp, b) as u32, ArrayInit::Elem { seg, offset: rd(fp, a) as u32 })
            }
            _ => return failed(ip, fp, cx, Trap::host("internal error: not an array.new op")),
        };
        match ops::array_new(store, inst, ty, len, init) {
            Ok(r) => {
                *fp.add(dst as usize) = u64::from(r.raw());
                true
            }
            Err(t) => failed(ip, fp, cx, t),
        }
    }
}

/// `array.get*`: element `idx` of `arr` into `dst`.
///
/// # Safety
/// As `struct_get`.
#[inline(never)]
pub(super) unsafe fn array_get(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    arr: u64,
    idx: u32,
    get: Get,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let n = if matches!(get, Get::B128) { 2 } else { 1 };
        let out = slots(fp, dst, n);
        let store = &mut *(*cx).store;
        let r = GcRef::from_raw(arr as u32);
        let result = heap(store).and_then(|h| {
            let at = h.array_elem_offset(r, idx)?;
            read(h, arr, at, get, out)
        });
        match result {
            Ok(()) => true,
            Err(e) => trapped(ip, fp, cx, rt::access_trap(e, true)),
        }
    }
}

/// `array.set`: the value in `value` to element `idx` of `arr`, `width` bytes.
///
/// # Safety
/// As `struct_set`.
#[inline(never)]
pub(super) unsafe fn array_set(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    arr: u64,
    idx: u32,
    value: Slot,
    width: u32,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let v = slots(fp, value, if width == 16 { 2 } else { 1 });
        let store = &mut *(*cx).store;
        let r = GcRef::from_raw(arr as u32);
        let result = heap(store).and_then(|h| {
            let at = h.array_elem_offset(r, idx)?;
            rt::write_sized(h, r, at, width, v)
        });
        match result {
            Ok(()) => true,
            Err(e) => trapped(ip, fp, cx, rt::access_trap(e, true)),
        }
    }
}

/// `array.len` of `arr` into `dst`.
///
/// # Safety
/// The run invariants hold; `dst` is a slot of the frame.
#[inline(never)]
pub(super) unsafe fn array_len(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    arr: u64,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let store = &*(*cx).store;
        let len = store.gc.heap().and_then(|h| h.array_len(GcRef::from_raw(arr as u32)));
        match len {
            Some(n) => {
                *fp.add(dst as usize) = n as u64;
                true
            }
            None => trapped(ip, fp, cx, TrapCode::NullArrayReference),
        }
    }
}

/// Runs the bulk array instruction at `ip`.
///
/// # Safety
/// The run invariants hold and the op at `ip` is `ArrayFill`, `ArrayCopy`, `ArrayInitData` or
/// `ArrayInitElem`, followed by its extension word.
#[inline(never)]
pub(super) unsafe fn array_bulk(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> bool {
    // SAFETY: the run invariants hold (this function's contract); operands are frame slots; the
    // store and instance are live and lent to the run.
    unsafe {
        let (a, b) = ext(ip);
        let (ra, rb) = (rd(fp, a) as u32, rd(fp, b) as u32);
        let store = &mut *(*cx).store;
        let op = match *(*ip).instr() {
            Instr::ArrayFill { arr, idx, value } => {
                let arr = rd(fp, arr);
                let heap = store.gc.heap();
                let layout = heap.and_then(|h| rt::array_of(h, GcRef::from_raw(arr as u32)).ok());
                let n = if layout.is_some_and(|l| l.elem_size == 16) { 2 } else { 1 };
                let value = slots(fp, value, n);
                ArrayBulk::Fill { arr, idx: rd(fp, idx) as u32, value, len: ra }
            }
            Instr::ArrayCopy { dst, dst_idx, src } => ArrayBulk::Copy {
                dst: rd(fp, dst),
                dst_idx: rd(fp, dst_idx) as u32,
                src: rd(fp, src),
                src_idx: ra,
                len: rb,
            },
            Instr::ArrayInitData { seg, arr, idx } => ArrayBulk::InitData {
                seg,
                arr: rd(fp, arr),
                idx: rd(fp, idx) as u32,
                offset: ra,
                len: rb,
            },
            Instr::ArrayInitElem { seg, arr, idx } => ArrayBulk::InitElem {
                seg,
                arr: rd(fp, arr),
                idx: rd(fp, idx) as u32,
                offset: ra,
                len: rb,
            },
            _ => return failed(ip, fp, cx, Trap::host("internal error: not a bulk array op")),
        };
        match ops::array_bulk(store, &*(*cx).inst, op) {
            Ok(()) => true,
            Err(c) => trapped(ip, fp, cx, c),
        }
    }
}

/// Whether the reference `raw` has the descriptor `desc` (null passing when `nullable`); the
/// trap code for a null descriptor.
///
/// # Safety
/// `cx` is a live run's context.
#[inline(never)]
pub(super) unsafe fn desc_test(
    cx: *mut Cx,
    raw: u64,
    desc: u64,
    nullable: bool,
) -> Result<bool, TrapCode> {
    // SAFETY: the store is live and only read here (run invariants).
    unsafe { rt::desc_test(&*(*cx).store, raw, desc, nullable) }
}

/// Whether the reference `raw` passes the cast to `target` (a `CastTarget`).
///
/// # Safety
/// `cx` is a live run's context.
#[inline(never)]
pub(super) unsafe fn test(cx: *mut Cx, raw: u64, target: u32) -> bool {
    // SAFETY: the store and instance are live and only read here (run invariants).
    unsafe { rt::ref_test(&*(*cx).store, &*(*cx).inst, raw, target) }
}
