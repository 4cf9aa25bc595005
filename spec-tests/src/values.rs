//! Arguments and expected results of `.wast` directives, against Silo's values.

use silo_core::{ExternRef, Store, Val};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// Why an argument or expected result cannot be used here.
pub type Unsupported = String;

fn needs(feature: &str, what: &str) -> Unsupported {
    format!("unsupported feature: {feature} ({what})")
}

fn heap_is_extern(ht: &HeapType<'_>) -> bool {
    matches!(
        ht,
        HeapType::Abstract { ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern, .. }
    )
}

/// The value of an argument.
pub fn arg(store: &mut Store<()>, arg: &WastArg<'_>) -> Result<Val, Unsupported> {
    let WastArg::Core(arg) = arg else { return Err(needs("component-model", "component value")) };
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(ht) if heap_is_extern(ht) => Val::ExternRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
            ..
        })
        | WastArgCore::RefNull(HeapType::Concrete(_)) => Val::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
            ..
        }) => Val::ExnRef(None),
        WastArgCore::RefNull(_) => Val::AnyRef(None),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(host(store, *n)?)),
        WastArgCore::RefHost(n) => Val::AnyRef(Some(host(store, *n)?.to_any(&*store))),
    })
}

/// The host value `n` (`ref.extern n`; `ref.host n` is the same value internalized).
fn host(store: &mut Store<()>, n: u32) -> Result<ExternRef, Unsupported> {
    ExternRef::new(&mut *store, n).map_err(|e| format!("cannot make host reference {n}: {e}"))
}

/// The host value behind an extern reference, when it is one of the script's numbers.
fn host_number(store: &Store<()>, e: &ExternRef) -> Option<u32> {
    e.data(store).and_then(|d| d.downcast_ref::<u32>()).copied()
}

fn f32_matches(pattern: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(pattern: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

/// Whether the lanes of a `v128` match a pattern, lane by lane (little-endian, lane 0 lowest).
fn v128_matches(pattern: &V128Pattern, bits: u128) -> bool {
    let b = bits.to_le_bytes();
    let lane = |i: usize, size: usize| {
        let mut buf = [0u8; 8];
        buf[..size].copy_from_slice(&b[i * size..(i + 1) * size]);
        u64::from_le_bytes(buf)
    };
    match pattern {
        V128Pattern::I8x16(e) => e.iter().enumerate().all(|(i, &e)| lane(i, 1) == e as u8 as u64),
        V128Pattern::I16x8(e) => e.iter().enumerate().all(|(i, &e)| lane(i, 2) == e as u16 as u64),
        V128Pattern::I32x4(e) => e.iter().enumerate().all(|(i, &e)| lane(i, 4) == e as u32 as u64),
        V128Pattern::I64x2(e) => e.iter().enumerate().all(|(i, &e)| lane(i, 8) == e as u64),
        V128Pattern::F32x4(e) => {
            e.iter().enumerate().all(|(i, p)| f32_matches(p, lane(i, 4) as u32))
        }
        V128Pattern::F64x2(e) => e.iter().enumerate().all(|(i, p)| f64_matches(p, lane(i, 8))),
    }
}

/// Whether `actual` is what `expected` describes.
pub fn matches(
    store: &Store<()>,
    expected: &WastRet<'_>,
    actual: &Val,
) -> Result<bool, Unsupported> {
    let WastRet::Core(expected) = expected else {
        return Err(needs("component-model", "component value"));
    };
    core_matches(store, expected, actual)
}

fn core_matches(
    store: &Store<()>,
    expected: &WastRetCore<'_>,
    actual: &Val,
) -> Result<bool, Unsupported> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(p), Val::F32(bits)) => f32_matches(p, *bits),
        (WastRetCore::F64(p), Val::F64(bits)) => f64_matches(p, *bits),
        (WastRetCore::RefNull(_), Val::FuncRef(f)) => f.is_none(),
        (WastRetCore::RefNull(_), Val::ExternRef(e)) => e.is_none(),
        (WastRetCore::RefNull(_), Val::AnyRef(a)) => a.is_none(),
        (WastRetCore::RefNull(_), Val::ExnRef(e)) => e.is_none(),
        (WastRetCore::RefFunc(_), Val::FuncRef(f)) => f.is_some(),
        (WastRetCore::RefExtern(None), Val::ExternRef(e)) => e.is_some(),
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(e))) => {
            host_number(store, e) == Some(*n)
        }
        (WastRetCore::RefExtern(Some(_)), Val::ExternRef(None)) => false,
        (WastRetCore::RefHost(n), Val::AnyRef(Some(a))) => {
            host_number(store, &a.to_extern(store)) == Some(*n)
        }
        (WastRetCore::RefAny, Val::AnyRef(a)) => a.is_some(),
        (WastRetCore::RefEq, Val::AnyRef(Some(a))) => {
            a.as_i31(store).is_some() || a.is_struct(store) || a.is_array(store)
        }
        (WastRetCore::RefI31, Val::AnyRef(Some(a))) => a.as_i31(store).is_some(),
        (WastRetCore::RefStruct, Val::AnyRef(Some(a))) => a.is_struct(store),
        (WastRetCore::RefArray, Val::AnyRef(Some(a))) => a.is_array(store),
        (WastRetCore::Either(options), a) => {
            for option in options {
                if core_matches(store, option, a)? {
                    return Ok(true);
                }
            }
            false
        }
        (WastRetCore::V128(p), Val::V128(bits)) => v128_matches(p, *bits),
        (WastRetCore::RefI31Shared, _) => {
            return Err(needs("shared-everything-threads", "shared i31"));
        }
        _ => false,
    })
}

/// A value for a failure message.
pub fn describe(store: &Store<()>, v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(b) => format!("f32:{} ({b:#010x})", f32::from_bits(*b)),
        Val::F64(b) => format!("f64:{} ({b:#018x})", f64::from_bits(*b)),
        Val::V128(b) => format!("v128:{b:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
            "null".into()
        }
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExnRef(Some(_)) => "exnref".into(),
        Val::ExternRef(Some(e)) => match host_number(store, e) {
            Some(n) => format!("externref:{n}"),
            None => "externref".into(),
        },
        Val::AnyRef(Some(a)) => match a.as_i31(store) {
            Some(n) => format!("i31:{}", n.get_i32()),
            None if a.is_struct(store) => "structref".into(),
            None if a.is_array(store) => "arrayref".into(),
            None => "anyref".into(),
        },
    }
}
