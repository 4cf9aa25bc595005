//! Host info: the pointer (and optional finalizer) a C program attaches to an object with
//! `wasm_X_set_host_info[_with_finalizer]`. It belongs to the C object, not to the entity behind
//! it: a copy starts without host info, and deleting the object (or replacing the info) runs the
//! finalizer once.

use std::ffi::c_void;

/// A finalizer of host info or of a function's environment.
pub type Finalizer = Option<unsafe extern "C" fn(*mut c_void)>;

/// The host info of one C object.
pub(crate) struct HostInfo {
    info: *mut c_void,
    finalizer: Finalizer,
}

impl HostInfo {
    pub(crate) fn none() -> HostInfo {
        HostInfo { info: std::ptr::null_mut(), finalizer: None }
    }

    pub(crate) fn get(&self) -> *mut c_void {
        self.info
    }

    /// Replaces the info, finalizing the old one.
    pub(crate) fn set(&mut self, info: *mut c_void, finalizer: Finalizer) {
        *self = HostInfo { info, finalizer };
    }
}

/// A copy of an object starts without host info.
impl Clone for HostInfo {
    fn clone(&self) -> HostInfo {
        HostInfo::none()
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer.take() {
            // SAFETY: the C program gave this finalizer for this info (wasm.h), and it runs once:
            // `take` leaves none behind.
            unsafe { finalizer(self.info) }
        }
    }
}

/// An object that carries host info.
pub(crate) trait HasHostInfo {
    fn host_info(&mut self) -> &mut HostInfo;
}

/// Writes `_get_host_info`, `_set_host_info` and `_set_host_info_with_finalizer` for a type.
macro_rules! host_info_api {
    ($t:ty, $get:ident, $set:ident, $set_fin:ident) => {
        /// The host info attached to the object (NULL if none).
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $get(p: *const $t) -> *mut std::ffi::c_void {
            // SAFETY: `p` is NULL or a live object (wasm.h); reading the info does not write.
            match unsafe { p.cast_mut().as_mut() } {
                Some(p) => $crate::host_info::HasHostInfo::host_info(p).get(),
                None => std::ptr::null_mut(),
            }
        }

        /// Attaches `info` to the object, without a finalizer.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $set(p: *mut $t, info: *mut std::ffi::c_void) {
            // SAFETY: `p` is NULL or a live object the caller may change (wasm.h).
            if let Some(p) = unsafe { p.as_mut() } {
                $crate::host_info::HasHostInfo::host_info(p).set(info, None);
            }
        }

        /// Attaches `info` to the object; `finalizer(info)` runs when the object is deleted or
        /// its info replaced.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $set_fin(
            p: *mut $t,
            info: *mut std::ffi::c_void,
            finalizer: $crate::host_info::Finalizer,
        ) {
            // SAFETY: `p` is NULL or a live object the caller may change (wasm.h).
            if let Some(p) = unsafe { p.as_mut() } {
                $crate::host_info::HasHostInfo::host_info(p).set(info, finalizer);
            }
        }
    };
}
pub(crate) use host_info_api;
