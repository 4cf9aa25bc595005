//! Memory images: a linear memory's contents kept in an anonymous file (`memfd`) that any number
//! of memories can start from copy-on-write. Mapping the image privately over a memory's bytes
//! costs page-table work, not a copy: every memory that maps it shares its pages until it writes
//! one, and pages never written to are not duplicated. This is how many guests start from one
//! checkpoint (forks) without each paying for the whole memory.
//!
//! Linux only (`memfd_create`, `MAP_FIXED`); elsewhere `MemoryImage::new` reports it unsupported
//! and callers copy instead.

use std::os::fd::OwnedFd;

use crate::error::Error;
use crate::memory::{Memory, MemoryEntity};
use crate::store::{AsContext, AsContextMut};

/// A memory's contents, ready to be mapped copy-on-write into memories of that size.
#[derive(Debug)]
pub struct MemoryImage {
    fd: OwnedFd,
    len: usize,
    /// Unique among the images of this process, never reused: a kept memory reservation
    /// remembers by it which image is mapped over its start (`memory_pool`).
    id: u64,
}

/// The next image's id.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl MemoryImage {
    /// An image of `len` bytes (unsupported here: see the module documentation).
    #[cfg(not(target_os = "linux"))]
    pub fn new<'a>(
        _len: usize,
        _runs: impl IntoIterator<Item = (u64, &'a [u8])>,
    ) -> Result<MemoryImage, Error> {
        Err(Error::Limit("memory images need Linux (memfd)".into()))
    }

    /// An image of `len` bytes, zero except for `runs` (offset, bytes), each inside it. Zero
    /// stretches stay holes in the file.
    #[cfg(target_os = "linux")]
    pub fn new<'a>(
        len: usize,
        runs: impl IntoIterator<Item = (u64, &'a [u8])>,
    ) -> Result<MemoryImage, Error> {
        use rustix::fs::{MemfdFlags, SealFlags, fcntl_add_seals, ftruncate, memfd_create};
        use rustix::io::pwrite;
        let fail = |what: &str, e: rustix::io::Errno| {
            Error::Limit(format!("cannot make a memory image: {what}: {e}"))
        };
        let fd = memfd_create("silo-memory-image", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING)
            .map_err(|e| fail("memfd_create", e))?;
        ftruncate(&fd, len as u64).map_err(|e| fail("ftruncate", e))?;
        for (offset, bytes) in runs {
            let end = offset.checked_add(bytes.len() as u64).filter(|&e| e <= len as u64);
            if end.is_none() {
                return Err(Error::Limit(format!(
                    "a memory image of {len} bytes cannot hold {} bytes at {offset}",
                    bytes.len()
                )));
            }
            let mut written = 0;
            while written < bytes.len() {
                let n = pwrite(&fd, &bytes[written..], offset + written as u64)
                    .map_err(|e| fail("write", e))?;
                written += n;
            }
        }
        // Nothing may change the image once memories map it (they map it privately, so their own
        // writes never reach it): sealed against writes, growth and shrinking.
        let seals = SealFlags::WRITE | SealFlags::GROW | SealFlags::SHRINK | SealFlags::SEAL;
        fcntl_add_seals(&fd, seals).map_err(|e| fail("seal", e))?;
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(MemoryImage { fd, len, id })
    }

    /// This image's id, unique in the process.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Maps the image privately (copy-on-write), readable and writable, over the `len` bytes
    /// from `base` (`len` is at most the image's length and a whole number of host pages).
    /// After a failure the range may be unmapped: the caller must map it again or release it.
    ///
    /// # Safety
    /// `base..base + len` is a page-aligned range of a reservation the caller owns, with no
    /// slice of it alive and no code using it.
    pub(crate) unsafe fn map_over(&self, base: *mut u8, len: usize) -> rustix::io::Result<()> {
        use rustix::mm::{MapFlags, ProtFlags, mmap};
        if len > self.len {
            return Err(rustix::io::Errno::INVAL);
        }
        // SAFETY: this function's contract; `MAP_FIXED` replaces exactly those pages.
        unsafe {
            mmap(
                base.cast(),
                len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE | MapFlags::FIXED,
                &self.fd,
                0,
            )
        }
        .map(|_| ())
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Memory {
    /// Replaces all of this memory's bytes with `image`, copy-on-write. The memory must be as
    /// large as the image (grow it first), not shared, and its size a multiple of the host page
    /// size; otherwise an error says which, and the memory is unchanged.
    pub fn map_image(
        &self,
        mut store: impl AsContextMut,
        image: &MemoryImage,
    ) -> Result<(), Error> {
        let ctx = store.as_context_mut();
        self.store.assert_same(ctx.opaque().id);
        let mut ptr = self.ptr;
        // SAFETY: the memory belongs to this store (checked above), which keeps it alive and in
        // place; the store is borrowed exclusively for this call, so nothing else reaches it.
        let entity = unsafe { ptr.as_mut() };
        entity.map_image(image)
    }
}

impl Memory {
    /// Whether the memory's bytes are, copy-on-write, `image`'s: it started as the image or
    /// mapped it last (what the guest wrote since is its own).
    pub fn is_mapped_from(&self, store: impl AsContext, image: &MemoryImage) -> bool {
        let store = store.as_context();
        self.store.assert_same(store.opaque().id);
        // SAFETY: the memory belongs to this store (checked above), which keeps it alive and in
        // place; the shared borrow of the store keeps anything from changing it meanwhile.
        let entity = unsafe { self.ptr.as_ref() };
        entity.image() == Some(crate::memory_pool::MappedImage::of(image))
    }
}

impl MemoryEntity {
    fn map_image(&mut self, image: &MemoryImage) -> Result<(), Error> {
        use rustix::mm::{MapFlags, ProtFlags, mmap_anonymous};
        if self.is_shared() {
            return Err(Error::Limit("a shared memory cannot map an image".into()));
        }
        let len = self.len();
        if len != image.len {
            return Err(Error::Limit(format!(
                "the memory has {len} bytes and the image {}",
                image.len
            )));
        }
        let host_page = region::page::size();
        if len == 0 {
            return Ok(());
        }
        if !len.is_multiple_of(host_page) || !(self.base as usize).is_multiple_of(host_page) {
            return Err(Error::Limit(format!(
                "a memory of {len} bytes is not a whole number of host pages"
            )));
        }
        // SAFETY: `base..base + len` is this memory's committed range, inside its reservation,
        // which it owns; the exclusive borrow of the store (through `&mut self`) means no code
        // reads or writes the memory meanwhile, and no slice of it is alive. The image's pages
        // are readable and writable as committed pages are, so the memory stays valid at the
        // same address; the reservation still covers the range and unmaps it with the rest when
        // the memory is dropped.
        let mapped = unsafe { image.map_over(self.base, len) };
        self.set_image(mapped.is_ok().then(|| crate::memory_pool::MappedImage::of(image)));
        mapped.map_err(|e| {
            // A failed `MAP_FIXED` may have unmapped the range: map fresh zero pages back, so the
            // memory stays whole (its contents are lost, and the caller gets the error).
            // SAFETY: as above; an anonymous private mapping of the same range.
            let _ = unsafe {
                mmap_anonymous(
                    self.base.cast(),
                    len,
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE | MapFlags::FIXED,
                )
            };
            Error::Limit(format!("cannot map the memory image: {e}"))
        })
    }
}
