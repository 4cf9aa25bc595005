//! What can go wrong: allocation errors (`GcError`) and access errors (`AccessError`).

use thiserror::Error;

/// Why an allocation or the heap's creation failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GcError {
    /// The heap cannot hold the object even after a collection and growing to its quota; also
    /// an array whose size does not fit the heap at all.
    #[error("gc heap quota exceeded: limit {}, asked for {asked} bytes", human_bytes(*limit))]
    Quota {
        /// The heap's quota in bytes.
        limit: u64,
        /// Size of the object asked for, in bytes.
        asked: u64,
    },
    /// The heap cannot grow to hold the object within the budget its owner gives it
    /// ([`Heap::set_budget`](crate::Heap::set_budget): what a store's total-memory quota leaves
    /// after its memories and tables), though its own quota would allow it.
    #[error(
        "total memory quota exceeded: the gc heap may grow to {}, asked for {asked} bytes",
        human_bytes(*budget)
    )]
    Budget {
        /// The most the heap may hold, in bytes.
        budget: u64,
        /// Size of the object asked for, in bytes.
        asked: u64,
    },
    /// The operating system refused the heap's address-space reservation.
    #[error("cannot reserve {bytes} bytes of address space for the gc heap: {reason}")]
    Reserve {
        /// Bytes asked for.
        bytes: u64,
        /// The system's reason.
        reason: String,
    },
    /// The operating system refused to make reserved heap pages usable.
    #[error("cannot commit gc heap memory: {0}")]
    Commit(String),
    /// The type id has no layout ([`Heap::define`](crate::Heap::define) it first).
    #[error("gc type id {0} has no layout")]
    UnknownType(u32),
    /// The type id's layout is not of the kind the allocation asked for (a struct allocation of
    /// an array type or the reverse).
    #[error("gc type id {type_id} is not {expected} type")]
    WrongKind {
        /// The type id.
        type_id: u32,
        /// `"a struct"` or `"an array"`.
        expected: &'static str,
    },
}

/// Why reading or writing an object failed. Never undefined behaviour: a garbage reference or
/// offset is an error, not a wild access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum AccessError {
    /// The reference is null (the caller traps "null structure reference" or the like).
    #[error("null reference")]
    Null,
    /// The reference is an `i31`, or an offset where no object of the expected kind lives.
    #[error("invalid gc reference")]
    BadRef,
    /// An index or range outside the array (the caller traps "out of bounds array access").
    #[error("out of bounds array access")]
    OutOfBounds,
}

/// A byte count the way people read it: in the largest of GiB, MiB, KiB that divides it exactly
/// (`64 MiB`, `65600 KiB`, `100 bytes`) — the same form as `silo-core`'s other quota messages.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_message() {
        let e = GcError::Quota { limit: 64 << 20, asked: 24 };
        assert_eq!(e.to_string(), "gc heap quota exceeded: limit 64 MiB, asked for 24 bytes");
        let e = GcError::Quota { limit: 1000, asked: 4_294_967_312 };
        assert_eq!(
            e.to_string(),
            "gc heap quota exceeded: limit 1000 bytes, asked for 4294967312 bytes"
        );
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(64 << 20), "64 MiB");
        assert_eq!(human_bytes(2 << 30), "2 GiB");
        assert_eq!(human_bytes(1536 << 20), "1536 MiB");
        assert_eq!(human_bytes(4096), "4 KiB");
        assert_eq!(human_bytes(100), "100 bytes");
        assert_eq!(human_bytes(0), "0 bytes");
    }

    #[test]
    fn access_messages() {
        assert_eq!(AccessError::OutOfBounds.to_string(), "out of bounds array access");
    }
}
