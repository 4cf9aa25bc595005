//! The GC instructions' handlers, expanded inside `define_handlers!` (so in both dispatch
//! modes). Everything beyond a few instructions happens out of line, in `exec::gc`.

macro_rules! define_gc_handlers {
    () => {
        use super::gc::{self as g, Get};

        h!(ip, fp, mb, ml, cx; RefI31 { dst, src } => {
            wr(fp, dst, u64::from(silo_gc::GcRef::from_i31(rd(fp, src) as i32).raw()));
        });
        h!(ip, fp, mb, ml, cx; I31GetS { dst, src } => {
            let r = silo_gc::GcRef::from_raw(rd(fp, src) as u32);
            if r.is_null() { return trap(ip, fp, cx, TrapCode::NullI31Reference); }
            wr(fp, dst, r.i31_s() as u32 as u64);
        });
        h!(ip, fp, mb, ml, cx; I31GetU { dst, src } => {
            let r = silo_gc::GcRef::from_raw(rd(fp, src) as u32);
            if r.is_null() { return trap(ip, fp, cx, TrapCode::NullI31Reference); }
            wr(fp, dst, r.i31_u() as u64);
        });
        h!(ip, fp, mb, ml, cx; StructNew { dst, ty } => {
            if !g::struct_new_inline(ip, fp, cx, dst, ty, false) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; StructNewDefault { dst, ty } => {
            if !g::struct_new_inline(ip, fp, cx, dst, ty, true) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; StructGetS8 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::S8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructGetU8 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::U8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructGetS16 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::S16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructGetU16 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::U16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructGet32 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::B32) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructGet64 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::B64) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructGet128 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::B128) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructSet8 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 1) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructSet16 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 2) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructSet32 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 4) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructSet64 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; StructSet128 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayNew { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; ArrayNewDefault { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; ArrayNewFixed { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; ArrayNewData { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; ArrayNewElem { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; ArrayGetS8 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::S8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayGetU8 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::U8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayGetS16 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::S16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayGetU16 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::U16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayGet32 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::B32) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayGet64 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::B64) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayGet128 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::B128) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArraySet8 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 1) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx); });
        h!(ip, fp, mb, ml, cx; ArraySet16 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 2) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx); });
        h!(ip, fp, mb, ml, cx; ArraySet32 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 4) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx); });
        h!(ip, fp, mb, ml, cx; ArraySet64 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 8) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx); });
        h!(ip, fp, mb, ml, cx; ArraySet128 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 16) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx); });
        h!(ip, fp, mb, ml, cx; ArrayLen { dst, arr } => { if !g::array_len_inline(ip, fp, cx, dst, rd(fp, arr)) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx; ArrayFill { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; ArrayCopy { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; ArrayInitData { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; ArrayInitElem { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx);
        });
        h!(ip, fp, mb, ml, cx; RefTest { dst, src, target } => { wr(fp, dst, g::test(cx, rd(fp, src), target) as u64); });
        h!(ip, fp, mb, ml, cx; RefCast { src, target } => {
            if !g::test(cx, rd(fp, src), target) { return trap(ip, fp, cx, TrapCode::CastFailure); }
        });
        h!(ip, fp, mb, ml, cx; BrOnCast { src, target, offset } => {
            if g::test(cx, rd(fp, src), target) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); }
        });
        h!(ip, fp, mb, ml, cx; BrOnCastFail { src, target, offset } => {
            if !g::test(cx, rd(fp, src), target) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx); }
        });
        h!(ip, fp, mb, ml, cx; StructNewDesc { dst, ty } => {
            if !g::struct_new_desc(ip, fp, cx, dst, ty, None) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; StructNewDefaultDesc { dst, ty, desc } => {
            if !g::struct_new_desc(ip, fp, cx, dst, ty, Some(rd(fp, desc))) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; RefGetDesc { dst, obj, offset } => {
            let obj = rd(fp, obj);
            if obj == 0 { return trap(ip, fp, cx, TrapCode::NullReference); }
            if !g::struct_get(ip, fp, cx, dst, obj, offset, Get::B32) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx; RefCastDescEq { src, desc, nullable } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), nullable != 0) {
                Ok(true) => {}
                Ok(false) => return trap(ip, fp, cx, TrapCode::DescriptorCastFailure),
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx; BrOnCastDesc { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), false) {
                Ok(true) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx),
                Ok(false) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx; BrOnCastDescNull { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), true) {
                Ok(true) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx),
                Ok(false) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx; BrOnCastDescFail { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), false) {
                Ok(false) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx),
                Ok(true) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx; BrOnCastDescFailNull { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), true) {
                Ok(false) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx),
                Ok(true) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
    };
}

pub(super) use define_gc_handlers;
