//! Traps and frames. A trap is a message (a NUL-terminated byte vector, as the standard says) and
//! the WebAssembly frames active when it happened, innermost first. Silo's backtraces record each
//! frame's function index and module offset; the function offset and instance of a frame are known
//! when the frame is in the instance whose export was called (the trap's origin): elsewhere they
//! are 0 and NULL.

use silo::{Error, Trap};

use crate::engine::wasm_store_t;
use crate::host_info::{HasHostInfo, HostInfo, host_info_api};
use crate::instance::wasm_instance_t;
use crate::types::delete_copy;
use crate::val::{RefItem, ref_object, wasm_ref_t};
use crate::vec::{WasmVec, wasm_frame_vec_t, wasm_message_t};

/// A trap: why a call (or an instantiation) failed; a reference object (its `wasm_ref_t`
/// first).
#[repr(C)]
#[derive(Clone)]
pub struct wasm_trap_t {
    r: wasm_ref_t,
    message: String,
    frames: Vec<wasm_frame_t>,
    exit_status: Option<i32>,
    /// silo.h's number of the quota that stopped the guest (`SILO_QUOTA_NONE`: none).
    quota: u8,
}

/// One WebAssembly frame of a trap's trace.
#[derive(Clone)]
pub struct wasm_frame_t {
    func_index: u32,
    func_offset: usize,
    module_offset: usize,
    instance: Option<Box<wasm_instance_t>>,
}

impl HasHostInfo for wasm_trap_t {
    fn host_info(&mut self) -> &mut HostInfo {
        &mut self.r.host_info
    }
}

ref_object!(
    wasm_trap_t,
    RefItem::Trap,
    wasm_trap_as_ref,
    wasm_trap_as_ref_const,
    wasm_ref_as_trap,
    wasm_ref_as_trap_const
);

impl wasm_trap_t {
    /// A trap with only a message.
    pub(crate) fn message(message: &str) -> wasm_trap_t {
        wasm_trap_t {
            r: wasm_ref_t::new(std::ptr::null_mut(), RefItem::Trap),
            message: message.to_string(),
            frames: Vec::new(),
            exit_status: None,
            quota: 0,
        }
    }

    /// The trap an API call failed with. `origin` is the instance whose export was called, if
    /// known: frames in it get their function offset and instance.
    pub(crate) fn from_error(
        error: Error,
        store: *mut wasm_store_t,
        origin: Option<silo::Instance>,
    ) -> wasm_trap_t {
        let Error::Trap(trap) = error else { return wasm_trap_t::message(&error.to_string()) };
        let module = origin.map(|instance| {
            // SAFETY: the trap comes from a call in `store`, which is live and this thread's.
            (instance, unsafe { wasm_store_t::with(store, |ctx| instance.module(&ctx)) })
        });
        let frames = trap
            .backtrace()
            .iter()
            .map(|frame| {
                let module_offset = frame.module_offset.unwrap_or(0);
                let mut out = wasm_frame_t {
                    func_index: frame.func_index,
                    func_offset: 0,
                    module_offset,
                    instance: None,
                };
                if let Some((instance, module)) = &module {
                    let info = module.info();
                    let body = frame
                        .func_index
                        .checked_sub(info.num_imported.funcs)
                        .and_then(|def| info.bodies.get(def as usize));
                    let same_name = frame.module_name.as_deref() == module.name();
                    if let Some(body) = body.filter(|b| same_name && b.contains(&module_offset)) {
                        out.func_offset = module_offset - body.start;
                        out.instance = Some(Box::new(wasm_instance_t::new(store, *instance)));
                    }
                }
                out
            })
            .collect();
        wasm_trap_t {
            r: wasm_ref_t::new(store, RefItem::Trap),
            message: trap.message().to_string(),
            frames,
            exit_status: trap.exit_status(),
            quota: crate::policy::quota_of_trap(&trap, store),
        }
    }

    /// The trap as Silo raises it from a host function.
    pub(crate) fn silo_trap(&self) -> Trap {
        match self.exit_status {
            Some(status) => Trap::exit(status),
            None => Trap::host(self.message.clone()),
        }
    }

    pub(crate) fn exit_status(&self) -> Option<i32> {
        self.exit_status
    }

    /// silo.h's number of the quota that stopped the guest with this trap.
    pub(crate) fn quota(&self) -> u8 {
        self.quota
    }
}

delete_copy!(wasm_trap_t, wasm_trap_delete, wasm_trap_copy);
delete_copy!(wasm_frame_t, wasm_frame_delete, wasm_frame_copy);
host_info_api!(
    wasm_trap_t,
    wasm_trap_get_host_info,
    wasm_trap_set_host_info,
    wasm_trap_set_host_info_with_finalizer
);

/// Whether both are the same trap object (traps are values: two traps are the same only if they
/// are one object).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_same(a: *const wasm_trap_t, b: *const wasm_trap_t) -> bool {
    std::ptr::eq(a, b)
}

/// A trap with `message` (a byte vector; a final NUL is not part of the message). `store` may be
/// NULL: Silo's traps do not need one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_new(
    _store: *mut wasm_store_t,
    message: *const wasm_message_t,
) -> *mut wasm_trap_t {
    // SAFETY: `message` is NULL or a live byte vector (wasm.h).
    let bytes = match unsafe { message.as_ref() } {
        // SAFETY: a live vector's `data` holds `size` bytes (wasm.h).
        Some(m) => unsafe { m.as_slice() },
        None => &[],
    };
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    crate::into_raw(wasm_trap_t::message(&String::from_utf8_lossy(bytes)))
}

/// Writes the trap's message to `out`: a new byte vector ending in a NUL byte.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_message(t: *const wasm_trap_t, out: *mut wasm_message_t) {
    // SAFETY: `t` is NULL or a live trap (wasm.h).
    let Some(t) = (unsafe { t.as_ref() }) else { return };
    if out.is_null() {
        return;
    }
    let mut bytes = t.message.as_bytes().to_vec();
    bytes.push(0);
    // SAFETY: `out` is room for a vector (wasm.h).
    unsafe { out.write(WasmVec::from_vec(bytes)) };
}

/// The innermost frame (a new object the caller owns), or NULL if the trap has no frames.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_origin(t: *const wasm_trap_t) -> *mut wasm_frame_t {
    // SAFETY: `t` is NULL or a live trap (wasm.h).
    match unsafe { t.as_ref() }.and_then(|t| t.frames.first()) {
        Some(f) => crate::into_raw(f.clone()),
        None => std::ptr::null_mut(),
    }
}

/// Writes the trap's frames, innermost first, to `out` (a new vector the caller owns).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_trap_trace(t: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `t` is NULL or a live trap (wasm.h).
    let frames = unsafe { t.as_ref() }
        .map_or(Vec::new(), |t| t.frames.iter().map(|f| crate::into_raw(f.clone())).collect());
    // SAFETY: `out` is room for a vector (wasm.h).
    unsafe { out.write(WasmVec::from_vec(frames)) };
}

/// The frame's instance (owned by the frame), or NULL where it is not known.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_instance(f: *const wasm_frame_t) -> *mut wasm_instance_t {
    // SAFETY: `f` is NULL or a live frame (wasm.h).
    match unsafe { f.as_ref() }.and_then(|f| f.instance.as_deref()) {
        Some(i) => (i as *const wasm_instance_t).cast_mut(),
        None => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_func_index(f: *const wasm_frame_t) -> u32 {
    // SAFETY: `f` is NULL or a live frame (wasm.h).
    unsafe { f.as_ref() }.map_or(0, |f| f.func_index)
}

/// The offset of the frame's instruction from the start of its function's body (0 if unknown).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_func_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: `f` is NULL or a live frame (wasm.h).
    unsafe { f.as_ref() }.map_or(0, |f| f.func_offset)
}

/// The offset of the frame's instruction in the module's binary.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_frame_module_offset(f: *const wasm_frame_t) -> usize {
    // SAFETY: `f` is NULL or a live frame (wasm.h).
    unsafe { f.as_ref() }.map_or(0, |f| f.module_offset)
}
