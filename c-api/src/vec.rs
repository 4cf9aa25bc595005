//! The standard vectors: `wasm_X_vec_t` is `{ size, data }`, and every vector type has the same
//! five functions (`_new_empty`, `_new_uninitialized`, `_new`, `_copy`, `_delete`). A vector owns
//! its elements: `_new` takes them over, `_copy` copies them deeply and `_delete` deletes them.
//! [`Elem`] says what copying and deleting means for each element type, and `vec_api!` writes
//! the five functions for one vector type.

use crate::extern_::wasm_extern_t;
use crate::importtype::{wasm_exporttype_t, wasm_importtype_t};
use crate::trap::wasm_frame_t;
use crate::types::{
    wasm_externtype_t, wasm_functype_t, wasm_globaltype_t, wasm_memorytype_t, wasm_tabletype_t,
    wasm_valtype_t,
};
use crate::val::wasm_val_t;

/// A vector as C sees it. `data` is NULL when `size` is 0, otherwise a boxed slice of `size`.
#[repr(C)]
pub struct WasmVec<T> {
    pub size: usize,
    pub data: *mut T,
}

/// An element type of a vector: what copying and deleting one means.
pub trait Elem: Sized {
    /// The element a fresh, uninitialized vector holds.
    fn blank() -> Self;
    /// A deep copy.
    ///
    /// # Safety
    /// `self` is a valid element (a live object or NULL).
    unsafe fn copy_elem(&self) -> Self;
    /// Releases what the element owns.
    ///
    /// # Safety
    /// `self` is a valid element that nothing else owns.
    unsafe fn delete_elem(self);
}

impl Elem for u8 {
    fn blank() -> u8 {
        0
    }
    unsafe fn copy_elem(&self) -> u8 {
        *self
    }
    unsafe fn delete_elem(self) {}
}

impl Elem for wasm_val_t {
    fn blank() -> wasm_val_t {
        wasm_val_t::i32(0)
    }
    unsafe fn copy_elem(&self) -> wasm_val_t {
        // SAFETY: `self` is a valid value, whose reference (if any) is live (this fn's contract).
        unsafe { self.deep_copy() }
    }
    unsafe fn delete_elem(mut self) {
        // SAFETY: the value is owned by the vector being deleted (this fn's contract).
        unsafe { self.release() }
    }
}

/// The objects a vector holds by pointer: each one is a `Box` handed to C, or NULL.
impl<X: Clone> Elem for *mut X {
    fn blank() -> *mut X {
        std::ptr::null_mut()
    }
    unsafe fn copy_elem(&self) -> *mut X {
        // SAFETY: the element is NULL or a live object (this fn's contract).
        match unsafe { self.as_ref() } {
            Some(x) => crate::into_raw(x.clone()),
            None => std::ptr::null_mut(),
        }
    }
    unsafe fn delete_elem(self) {
        if !self.is_null() {
            // SAFETY: a non-NULL element is a `Box` the vector owns (this fn's contract).
            drop(unsafe { Box::from_raw(self) });
        }
    }
}

impl<T: Elem> WasmVec<T> {
    pub(crate) fn empty() -> WasmVec<T> {
        WasmVec { size: 0, data: std::ptr::null_mut() }
    }

    /// A vector owning `items`.
    pub(crate) fn from_vec(items: Vec<T>) -> WasmVec<T> {
        if items.is_empty() {
            return WasmVec::empty();
        }
        let size = items.len();
        let data = Box::into_raw(items.into_boxed_slice()).cast::<T>();
        WasmVec { size, data }
    }

    /// The elements, borrowed.
    ///
    /// # Safety
    /// `self` is a vector made by this library (or `{0, NULL}`), or `data` points to `size`
    /// initialized elements that outlive the borrow.
    pub(crate) unsafe fn as_slice(&self) -> &[T] {
        if self.data.is_null() || self.size == 0 {
            return &[];
        }
        // SAFETY: `data` holds `size` elements (this fn's contract).
        unsafe { std::slice::from_raw_parts(self.data, self.size) }
    }

    /// The elements, mutably.
    ///
    /// # Safety
    /// As for [`WasmVec::as_slice`], with the elements borrowed exclusively.
    pub(crate) unsafe fn as_mut_slice(&mut self) -> &mut [T] {
        if self.data.is_null() || self.size == 0 {
            return &mut [];
        }
        // SAFETY: `data` holds `size` elements, lent exclusively (this fn's contract).
        unsafe { std::slice::from_raw_parts_mut(self.data, self.size) }
    }

    /// Takes the elements out, leaving the vector empty; the storage is freed, the elements move.
    ///
    /// # Safety
    /// `self` was made by this library (its storage is a boxed slice of `size`) or is empty.
    pub(crate) unsafe fn take(&mut self) -> Vec<T> {
        if self.data.is_null() || self.size == 0 {
            *self = WasmVec::empty();
            return Vec::new();
        }
        let slice = std::ptr::slice_from_raw_parts_mut(self.data, self.size);
        *self = WasmVec::empty();
        // SAFETY: the storage is the boxed slice `from_vec` made (this fn's contract), taken once.
        unsafe { Box::from_raw(slice) }.into_vec()
    }

    /// Deletes the elements and frees the storage.
    ///
    /// # Safety
    /// As for [`WasmVec::take`], and the vector owns its elements.
    pub(crate) unsafe fn delete(&mut self) {
        // SAFETY: the vector is this library's (this fn's contract).
        for e in unsafe { self.take() } {
            // SAFETY: each element is owned by the vector, so by us now.
            unsafe { e.delete_elem() };
        }
    }

    /// A deep copy.
    ///
    /// # Safety
    /// As for [`WasmVec::as_slice`], with valid elements.
    pub(crate) unsafe fn deep_copy(&self) -> WasmVec<T> {
        // SAFETY: the vector and its elements are valid (this fn's contract).
        let items = unsafe { self.as_slice() }.iter().map(|e| unsafe { e.copy_elem() });
        WasmVec::from_vec(items.collect())
    }
}

/// A vector owned by a Rust value (a function type's parameters): deleted with it, copied deeply.
pub(crate) struct OwnedVec<T: Elem>(pub WasmVec<T>);

impl<T: Elem> Drop for OwnedVec<T> {
    fn drop(&mut self) {
        // SAFETY: the vector was made by `from_vec` and owns its elements.
        unsafe { self.0.delete() }
    }
}

impl<T: Elem> Clone for OwnedVec<T> {
    fn clone(&self) -> Self {
        // SAFETY: the vector was made by `from_vec`, and its elements are valid.
        OwnedVec(unsafe { self.0.deep_copy() })
    }
}

/// Writes the five standard functions of one vector type.
macro_rules! vec_api {
    ($vec:ident, $elem:ty, $empty:ident, $uninit:ident, $new:ident, $copy:ident, $delete:ident) => {
        pub type $vec = WasmVec<$elem>;

        /// Makes `out` an empty vector.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $empty(out: *mut $vec) {
            if !out.is_null() {
                // SAFETY: `out` is room for a vector (wasm.h); whatever it held is not ours.
                unsafe { out.write(WasmVec::empty()) };
            }
        }

        /// Makes `out` a vector of `size` blank elements (zeros, NULLs).
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $uninit(out: *mut $vec, size: usize) {
            if !out.is_null() {
                let items = (0..size).map(|_| <$elem as Elem>::blank()).collect();
                // SAFETY: `out` is room for a vector (wasm.h).
                unsafe { out.write(WasmVec::from_vec(items)) };
            }
        }

        /// Makes `out` a vector of the `size` elements at `data`, taking them over.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $new(out: *mut $vec, size: usize, data: *const $elem) {
            if out.is_null() {
                return;
            }
            let items = if data.is_null() || size == 0 {
                Vec::new()
            } else {
                // SAFETY: `data` holds `size` elements (wasm.h), whose ownership moves to the
                // new vector: they are read bitwise, once.
                (0..size).map(|i| unsafe { data.add(i).read() }).collect()
            };
            // SAFETY: `out` is room for a vector (wasm.h).
            unsafe { out.write(WasmVec::from_vec(items)) };
        }

        /// Makes `out` a deep copy of `src`.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $copy(out: *mut $vec, src: *const $vec) {
            if out.is_null() {
                return;
            }
            // SAFETY: `src` is NULL or a live vector of valid elements (wasm.h).
            let copy = match unsafe { src.as_ref() } {
                // SAFETY: as above: a live vector of valid elements.
                Some(src) => unsafe { src.deep_copy() },
                None => WasmVec::empty(),
            };
            // SAFETY: `out` is room for a vector (wasm.h).
            unsafe { out.write(copy) };
        }

        /// Deletes the vector's elements and storage; the vector is left empty.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $delete(vec: *mut $vec) {
            // SAFETY: `vec` is NULL or a vector this library made, owning its elements (wasm.h).
            if let Some(vec) = unsafe { vec.as_mut() } {
                // SAFETY: as above: this library's vector, owning its elements.
                unsafe { vec.delete() };
            }
        }
    };
}

vec_api!(
    wasm_byte_vec_t,
    u8,
    wasm_byte_vec_new_empty,
    wasm_byte_vec_new_uninitialized,
    wasm_byte_vec_new,
    wasm_byte_vec_copy,
    wasm_byte_vec_delete
);
vec_api!(
    wasm_val_vec_t,
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);
vec_api!(
    wasm_valtype_vec_t,
    *mut wasm_valtype_t,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);
vec_api!(
    wasm_functype_vec_t,
    *mut wasm_functype_t,
    wasm_functype_vec_new_empty,
    wasm_functype_vec_new_uninitialized,
    wasm_functype_vec_new,
    wasm_functype_vec_copy,
    wasm_functype_vec_delete
);
vec_api!(
    wasm_globaltype_vec_t,
    *mut wasm_globaltype_t,
    wasm_globaltype_vec_new_empty,
    wasm_globaltype_vec_new_uninitialized,
    wasm_globaltype_vec_new,
    wasm_globaltype_vec_copy,
    wasm_globaltype_vec_delete
);
vec_api!(
    wasm_tabletype_vec_t,
    *mut wasm_tabletype_t,
    wasm_tabletype_vec_new_empty,
    wasm_tabletype_vec_new_uninitialized,
    wasm_tabletype_vec_new,
    wasm_tabletype_vec_copy,
    wasm_tabletype_vec_delete
);
vec_api!(
    wasm_memorytype_vec_t,
    *mut wasm_memorytype_t,
    wasm_memorytype_vec_new_empty,
    wasm_memorytype_vec_new_uninitialized,
    wasm_memorytype_vec_new,
    wasm_memorytype_vec_copy,
    wasm_memorytype_vec_delete
);
vec_api!(
    wasm_externtype_vec_t,
    *mut wasm_externtype_t,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);
vec_api!(
    wasm_importtype_vec_t,
    *mut wasm_importtype_t,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
vec_api!(
    wasm_exporttype_vec_t,
    *mut wasm_exporttype_t,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);
vec_api!(
    wasm_frame_vec_t,
    *mut wasm_frame_t,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);
vec_api!(
    wasm_extern_vec_t,
    *mut wasm_extern_t,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

/// `wasm_name_t` is a byte vector (not NUL-terminated unless made so).
pub type wasm_name_t = wasm_byte_vec_t;
/// `wasm_message_t` is a byte vector that ends in a NUL byte.
pub type wasm_message_t = wasm_byte_vec_t;

impl WasmVec<u8> {
    /// A byte vector holding `bytes`.
    pub(crate) fn from_bytes(bytes: &[u8]) -> wasm_byte_vec_t {
        WasmVec::from_vec(bytes.to_vec())
    }
}
