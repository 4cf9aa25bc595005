//! The GC instructions' handlers, expanded inside `define_handlers!` (so in both dispatch
//! modes). Everything beyond a few instructions happens out of line, in `exec::gc`.

macro_rules! define_gc_handlers {
    () => {
        use super::gc::{self as g, Get};

        h!(ip, fp, mb, ml, cx, acc; RefI31 { dst, src } => {
            wr(fp, dst, u64::from(silo_gc::GcRef::from_i31(rd(fp, src) as i32).raw()));
        });
        h!(ip, fp, mb, ml, cx, acc; I31GetS { dst, src } => {
            let r = silo_gc::GcRef::from_raw(rd(fp, src) as u32);
            if r.is_null() { return trap(ip, fp, cx, TrapCode::NullI31Reference); }
            wr(fp, dst, r.i31_s() as u32 as u64);
        });
        h!(ip, fp, mb, ml, cx, acc; I31GetU { dst, src } => {
            let r = silo_gc::GcRef::from_raw(rd(fp, src) as u32);
            if r.is_null() { return trap(ip, fp, cx, TrapCode::NullI31Reference); }
            wr(fp, dst, r.i31_u() as u64);
        });
        h!(ip, fp, mb, ml, cx, acc; StructNew { dst, ty } => {
            if !g::struct_new_inline(ip, fp, cx, dst, ty, false) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; StructNewDefault { dst, ty } => {
            if !g::struct_new_inline(ip, fp, cx, dst, ty, true) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; StructGetS8 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::S8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructGetU8 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::U8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructGetS16 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::S16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructGetU16 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::U16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructGet32 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::B32) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructGet64 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::B64) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructGet128 { dst, obj, offset } => { if !g::struct_get_inline(ip, fp, cx, dst, rd(fp, obj), offset, Get::B128) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructSet8 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 1) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructSet16 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 2) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructSet32 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 4) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructSet64 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; StructSet128 { obj, value, offset } => { if !g::struct_set_inline(ip, fp, cx, rd(fp, obj), value, offset, 16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayNew { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayNewDefault { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayNewFixed { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayNewData { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayNewElem { .. } => {
            if !g::array_new(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayGetS8 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::S8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayGetU8 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::U8) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayGetS16 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::S16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayGetU16 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::U16) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayGet32 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::B32) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayGet64 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::B64) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayGet128 { dst, arr, idx } => { if !g::array_get_inline(ip, fp, cx, dst, rd(fp, arr), rd(fp, idx) as u32, Get::B128) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArraySet8 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 1) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx, acc); });
        h!(ip, fp, mb, ml, cx, acc; ArraySet16 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 2) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx, acc); });
        h!(ip, fp, mb, ml, cx, acc; ArraySet32 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 4) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx, acc); });
        h!(ip, fp, mb, ml, cx, acc; ArraySet64 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 8) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx, acc); });
        h!(ip, fp, mb, ml, cx, acc; ArraySet128 { arr, idx } => { let (v, _) = ext(ip); if !g::array_set_inline(ip, fp, cx, rd(fp, arr), rd(fp, idx) as u32, v, 16) { return Exit::Trap; } return next(ip.add(2), fp, mb, ml, cx, acc); });
        h!(ip, fp, mb, ml, cx, acc; ArrayLen { dst, arr } => { if !g::array_len_inline(ip, fp, cx, dst, rd(fp, arr)) { return Exit::Trap; } });
        h!(ip, fp, mb, ml, cx, acc; ArrayFill { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayCopy { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayInitData { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; ArrayInitElem { .. } => {
            if !g::array_bulk(ip, fp, cx) { return Exit::Trap; }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; RefTest { dst, src, target } => { wr(fp, dst, g::test(cx, rd(fp, src), target) as u64); });
        h!(ip, fp, mb, ml, cx, acc; RefCast { src, target } => {
            if !g::test(cx, rd(fp, src), target) { return trap(ip, fp, cx, TrapCode::CastFailure); }
        });
        h!(ip, fp, mb, ml, cx, acc; BrOnCast { src, target, offset } => {
            if g::test(cx, rd(fp, src), target) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); }
        });
        h!(ip, fp, mb, ml, cx, acc; BrOnCastFail { src, target, offset } => {
            if !g::test(cx, rd(fp, src), target) { return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc); }
        });
        h!(ip, fp, mb, ml, cx, acc; StructNewDesc { dst, ty } => {
            if !g::struct_new_desc(ip, fp, cx, dst, ty, None) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; StructNewDefaultDesc { dst, ty, desc } => {
            if !g::struct_new_desc(ip, fp, cx, dst, ty, Some(rd(fp, desc))) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; RefGetDesc { dst, obj, offset } => {
            let obj = rd(fp, obj);
            if obj == 0 { return trap(ip, fp, cx, TrapCode::NullReference); }
            if !g::struct_get(ip, fp, cx, dst, obj, offset, Get::B32) { return Exit::Trap; }
        });
        h!(ip, fp, mb, ml, cx, acc; RefCastDescEq { src, desc, nullable } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), nullable != 0) {
                Ok(true) => {}
                Ok(false) => return trap(ip, fp, cx, TrapCode::DescriptorCastFailure),
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx, acc; BrOnCastDesc { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), false) {
                Ok(true) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc),
                Ok(false) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx, acc; BrOnCastDescNull { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), true) {
                Ok(true) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc),
                Ok(false) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx, acc; BrOnCastDescFail { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), false) {
                Ok(false) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc),
                Ok(true) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
        h!(ip, fp, mb, ml, cx, acc; BrOnCastDescFailNull { src, desc, offset } => {
            match g::desc_test(cx, rd(fp, src), rd(fp, desc), true) {
                Ok(false) => return next(ip.offset(1 + offset as isize), fp, mb, ml, cx, acc),
                Ok(true) => {}
                Err(code) => return trap(ip, fp, cx, code),
            }
        });
    };
}

pub(super) use define_gc_handlers;
