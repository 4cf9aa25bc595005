//! The generator: turns the description of the instruction set (`ops.rs`) into the `Instr` type,
//! the payload structs, the operand visitors and the dispatch probe's sample. The handler table is
//! generated next to the handlers (`exec/handlers.rs`), from the same description.

/// The Rust type of an operand kind.
macro_rules! operand_type {
    (def) => {
        $crate::interp::isa::Slot
    };
    (use) => {
        $crate::interp::isa::Slot
    };
    (slot) => {
        $crate::interp::isa::Slot
    };
    (br) => {
        $crate::interp::isa::Offset
    };
    ($ty:ty) => {
        $ty
    };
}

/// Calls `$f` on an operand that is a slot; ignores an immediate.
macro_rules! visit_slot {
    (def, $f:ident, $x:ident) => {
        $f($x)
    };
    (use, $f:ident, $x:ident) => {
        $f($x)
    };
    (slot, $f:ident, $x:ident) => {
        $f($x)
    };
    ($other:tt, $f:ident, $x:ident) => {
        let _ = $x;
    };
}

/// `Some` operand when it is of kind `$want`, `None` otherwise.
macro_rules! pick_operand {
    (def, def, $x:ident) => {
        Some($x)
    };
    (br, br, $x:ident) => {
        Some($x)
    };
    ($want:tt, $other:tt, $x:ident) => {{
        let _ = $x;
        None
    }};
}

/// The value an operand of kind `$kind` takes in the dispatch probe: slots 0 to 3 are read (they
/// hold 1), slots 4 to 7 written (a `def` starts at most at 6, a `slot` at 4, so that a result of
/// two slots, or four, stays inside); branches go nowhere (offset 0); immediates are 1.
macro_rules! sample_operand {
    (def, $n:expr) => {
        4 + $n % 3
    };
    (use, $n:expr) => {
        $n % 4
    };
    (slot, $n:expr) => {
        4
    };
    (br, $n:expr) => {
        0
    };
    ($ty:ty, $n:expr) => {
        <$ty as $crate::interp::isa::Sample>::SAMPLE
    };
}

/// The extension word that follows an op, as a sample.
macro_rules! sample_word {
    () => {
        None::<Instr>
    };
    (Ext) => {
        Some(Instr::Ext { a: 0, b: 1 })
    };
    (MemArg) => {
        Some(Instr::MemArg { mem: 0, offset: Wide::new(1) })
    };
}

/// Generates the instruction set from its description.
macro_rules! define_isa {
    ($(
        $(#[$meta:meta])*
        $cat:ident $name:ident { $($field:ident : $kind:tt),* $(,)? } $(+ $word:ident)?;
    )*) => {
        /// One interpreter instruction (see `ops.rs` for the description it is generated from).
        ///
        /// `repr(C, u32)`: a 4-byte tag, then the operands laid out as the op's payload struct in
        /// [`fields`], which is how handlers read them.
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(C, u32)]
        pub(crate) enum Instr {
            $( $(#[$meta])* $name { $($field: $crate::interp::isa::define::operand_type!($kind)),* }, )*
        }

        /// The operands of each op, laid out as in its `Instr` variant: what its handler reads.
        pub(crate) mod fields {
            // Allowed: only the payloads of ops with those operand kinds use these types.
            #[allow(unused_imports)]
            use super::{AtomicOffset, AtomicRmwKind, LoadKind, StoreKind, V128LoadKind, Wide};
            $(
                #[doc = concat!("The operands of `", stringify!($name), "`.")]
                #[derive(Clone, Copy, Debug, PartialEq)]
                #[repr(C)]
                pub(crate) struct $name { $(pub $field: $crate::interp::isa::define::operand_type!($kind)),* }

                const _: () = assert!(
                    std::mem::align_of::<$name>() <= super::PAYLOAD_ALIGN
                        && std::mem::size_of::<$name>() <= super::PAYLOAD_SIZE,
                    concat!("the operands of `", stringify!($name), "` do not fit an op"),
                );
            )*
        }

        /// What an op's handler touches (see `ops.rs`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Category {
            /// Only the frame's slots.
            Frame,
            /// The frame and memory 0.
            Memory,
            /// The frame and a branch.
            Jump,
            /// The instance or the store.
            Runtime,
            /// Calls, returns, traps and branch tables.
            Flow,
            /// An extension word.
            Word,
        }

        impl Instr {
            /// Calls `f` on every slot operand of the instruction.
            // Allowed: every operand is bound, but only slots are visited (the others expand to
            // `()`).
            #[allow(unused_variables, clippy::let_unit_value)]
            pub(crate) fn for_each_slot_mut(&mut self, mut f: impl FnMut(&mut Slot)) {
                match self {
                    $( Instr::$name { $($field),* } => { $( $crate::interp::isa::define::visit_slot!($kind, f, $field); )* } )*
                }
            }

            /// The branch offset of a branch instruction.
            // Allowed: as in `for_each_slot_mut`, every operand is bound and most are not picked.
            #[allow(unused_variables, clippy::let_unit_value)]
            pub(crate) fn offset_mut(&mut self) -> Option<&mut Offset> {
                match self {
                    $( Instr::$name { $($field),* } => {
                        None $( .or($crate::interp::isa::define::pick_operand!(br, $kind, $field)) )*
                    } )*
                }
            }

            /// The slot an instruction writes its single result to, if it has exactly that shape
            /// (a `def` operand).
            // Allowed: as in `for_each_slot_mut`, every operand is bound and most are not picked.
            #[allow(unused_variables, clippy::let_unit_value)]
            fn dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $( Instr::$name { $($field),* } => {
                        None $( .or($crate::interp::isa::define::pick_operand!(def, $kind, $field)) )*
                    } )*
                }
            }

            /// What the op's handler touches.
            pub(crate) fn category(&self) -> Category {
                match self {
                    $( Instr::$name { .. } => $crate::interp::isa::define::category!($cat), )*
                }
            }
        }

        /// One of every op the dispatch probe can run (those that touch only the frame, memory 0
        /// or a branch), on sample operands, each followed by its extension word.
        // Allowed: for ops without operands the operand counter `n` is never advanced or read.
        #[allow(unused_assignments, unused_mut, unused_variables)]
        pub(crate) fn probe_sample() -> Vec<Instr> {
            let mut ops = Vec::new();
            $(
                let mut n = 0u32;
                let op = Instr::$name {
                    $($field: { n += 1; $crate::interp::isa::define::sample_operand!($kind, n) }),*
                };
                if matches!(op.category(), Category::Frame | Category::Memory | Category::Jump) {
                    if op.category() == Category::Memory {
                        // An accumulator form addresses memory with `acc`, which the op before
                        // set: to 0 here (`x & 0`), inside the probe's memory.
                        ops.push(Instr::I32AndImm { dst: 4, lhs: 0, imm: 0 });
                    }
                    ops.push(op);
                    ops.extend($crate::interp::isa::define::sample_word!($($word)?));
                }
            )*
            ops
        }

        /// Checks that every op's operands read back through its payload struct as written.
        #[cfg(test)]
        pub(crate) fn check_layouts() {
            use $crate::interp::isa::Sample;
            $(
                let written = fields::$name {
                    $($field: Sample::distinct(stringify!($field))),*
                };
                let instr = Instr::$name { $($field: written.$field),* };
                // SAFETY: `fields::$name` is the payload struct of this variant.
                let read: fields::$name = unsafe { operands(&instr) };
                assert_eq!(read, written, concat!("the operands of `", stringify!($name), "`"));
            )*
        }
    };
}

/// The `Category` of a category keyword.
macro_rules! category {
    (frame) => {
        Category::Frame
    };
    (memory) => {
        Category::Memory
    };
    (jump) => {
        Category::Jump
    };
    (runtime) => {
        Category::Runtime
    };
    (flow) => {
        Category::Flow
    };
    (word) => {
        Category::Word
    };
}

pub(crate) use {
    category, define_isa, operand_type, pick_operand, sample_operand, sample_word, visit_slot,
};
