//! The slot-array convention: how WebAssembly values cross between the tiers, the host and the
//! embedding API.
//!
//! A value occupies one 64-bit slot in its raw form (an `i32` zero-extended, an `f32`'s bits in
//! the low half, a reference as a pointer or index, 0 for null), except a `v128`, which occupies
//! two consecutive slots, its low 64 bits first (the little-endian layout of the 16 bytes). A list
//! of values (a function's parameters, its results, a frame's locals) is laid out slot after slot
//! in order. The interpreter's frames use the same layout, so a frame is a slot array, and a call
//! between tiers passes one array for the arguments that then receives the results.

use silo_loader::{FuncType, ValType};

/// Slots a value of type `ty` occupies: 2 for a `v128`, 1 otherwise.
#[inline]
pub fn slot_width(ty: ValType) -> usize {
    match ty {
        ValType::V128 => 2,
        _ => 1,
    }
}

/// Slots a list of values occupies.
pub fn slot_count(types: &[ValType]) -> usize {
    types.iter().map(|&t| slot_width(t)).sum()
}

/// The slot of each value of a list, in order.
pub fn slot_offsets(types: &[ValType]) -> impl Iterator<Item = usize> + '_ {
    types.iter().scan(0, |next, &t| {
        let at = *next;
        *next += slot_width(t);
        Some(at)
    })
}

/// Slots the array of a call of a function of type `ty` needs: room for its parameters, and then
/// its results.
pub fn call_slots(ty: &FuncType) -> usize {
    slot_count(&ty.params).max(slot_count(&ty.results))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_take_two_slots() {
        let types = [ValType::I32, ValType::V128, ValType::F64, ValType::V128];
        assert_eq!(slot_count(&types), 6);
        assert_eq!(slot_offsets(&types).collect::<Vec<_>>(), [0, 1, 3, 4]);
        let ty = FuncType::new(vec![ValType::V128], vec![ValType::I32, ValType::V128]);
        assert_eq!(call_slots(&ty), 3);
    }
}
