//! The heap image in a checkpoint file: `silo_core::HeapImage`'s objects as serde values.

use serde::{Deserialize, Serialize};

/// One struct or array of a checkpoint's heap image (`silo_core::HeapObject`): its type's index
/// in the module, its fields or reference elements as values by type (references as codes), or
/// its number elements as bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeapObjectState {
    pub type_index: u32,
    pub values: Vec<u64>,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// The image's objects as a checkpoint file (or `write_preinitialized_with_heap`) holds them.
pub fn objects_out(image: silo_core::HeapImage) -> Vec<HeapObjectState> {
    image
        .objects
        .into_iter()
        .map(|o| HeapObjectState { type_index: o.type_index, values: o.values, bytes: o.bytes })
        .collect()
}

impl silo_core::HeapObjectSource for HeapObjectState {
    fn type_index(&self) -> u32 {
        self.type_index
    }

    fn values(&self) -> &[u64] {
        &self.values
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}
