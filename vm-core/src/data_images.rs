//! Data images: a module's initialized memories as copy-on-write images, so that instantiating
//! the module again maps its data instead of copying it.
//!
//! A module's active data segments are written into its new memories at every instantiation.
//! When that outcome is the same every time, it is written once into a [`MemoryImage`] per
//! memory, and each later instance's memory is the image mapped privately: no byte is copied,
//! pages the guest only reads stay shared between instances, and a pooled memory reservation
//! that last held the same image is reset to it by the pool with one `madvise` (see
//! `memory_pool`). The outcome is the same every time when no segment can trap: every active
//! element and data segment has a constant offset and fits in the minimum size of its table or
//! memory (an imported one is at least that large), so instantiation applies all of them, in
//! order, whatever it is given. Otherwise, and for shared memories (which other threads use
//! while they are initialized) and memories whose pages are smaller than the host's, segments are
//! copied as before.
//!
//! Images are built from a module's second instantiation on: a program instantiated once (a
//! `silo run`) would pay to write the image and gain nothing. Each image holds a file
//! descriptor, so a process keeps at most [`MAX_LIVE_IMAGES`] of them.

use std::sync::atomic::{AtomicUsize, Ordering};

use silo_loader::{ConstExpr, ConstOp, DataMode, ElemMode, Module as ModuleInfo};

use crate::memory_image::MemoryImage;

/// At most this many data images exist at once in a process (each is a `memfd`).
pub(crate) const MAX_LIVE_IMAGES: usize = 256;

/// How many data images exist now.
static LIVE_IMAGES: AtomicUsize = AtomicUsize::new(0);

/// A module's data image of one of its memories.
#[derive(Debug)]
pub(crate) struct DataImage {
    pub image: MemoryImage,
}

impl Drop for DataImage {
    fn drop(&mut self) {
        LIVE_IMAGES.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The images of the module's defined memories, by defined index: `None` for a memory that has
/// none (no data, or one of the cases the module documentation lists).
pub(crate) fn build(info: &ModuleInfo) -> Box<[Option<DataImage>]> {
    let defined = &info.memories[info.num_imported.memories as usize..];
    let mut images: Vec<Option<DataImage>> = defined.iter().map(|_| None).collect();
    if !segments_cannot_trap(info) {
        return images.into();
    }
    let host_page = region::page::size() as u64;
    for (def, ty) in defined.iter().enumerate() {
        let index = info.num_imported.memories + def as u32;
        let len = ty.initial.saturating_mul(ty.page_size());
        let usable = !ty.shared
            && ty.page_size().is_multiple_of(host_page)
            && len > 0
            && usize::try_from(len).is_ok_and(|l| l <= isize::MAX as usize);
        let runs: Vec<(u64, &[u8])> = info
            .datas
            .iter()
            .filter_map(|seg| match &seg.mode {
                DataMode::Active { memory, offset } if *memory == index => {
                    Some((constant_offset(offset, ty.index64)?, info.data_bytes(seg)))
                }
                _ => None,
            })
            .collect();
        if !usable || runs.is_empty() {
            continue;
        }
        if LIVE_IMAGES.fetch_add(1, Ordering::Relaxed) >= MAX_LIVE_IMAGES {
            LIVE_IMAGES.fetch_sub(1, Ordering::Relaxed);
            break;
        }
        match MemoryImage::new(len as usize, runs) {
            Ok(image) => images[def] = Some(DataImage { image }),
            Err(_) => {
                // Unsupported here, or out of descriptors: the segments are copied instead.
                LIVE_IMAGES.fetch_sub(1, Ordering::Relaxed);
                break;
            }
        }
    }
    images.into()
}

/// Whether instantiation applies every active segment whatever it is given: each has a
/// constant offset and fits in its table's or memory's minimum size.
fn segments_cannot_trap(info: &ModuleInfo) -> bool {
    let elems_fit = info.elems.iter().all(|seg| match &seg.mode {
        ElemMode::Active { table, offset } => {
            let Some(ty) = info.tables.get(*table as usize) else { return false };
            constant_offset(offset, ty.index64)
                .and_then(|o| o.checked_add(seg.items.len() as u64))
                .is_some_and(|end| end <= ty.initial)
        }
        ElemMode::Passive | ElemMode::Declared => true,
    });
    let datas_fit = info.datas.iter().all(|seg| match &seg.mode {
        DataMode::Active { memory, offset } => {
            let Some(ty) = info.memories.get(*memory as usize) else { return false };
            let min = ty.initial.saturating_mul(ty.page_size());
            constant_offset(offset, ty.index64)
                .and_then(|o| o.checked_add(seg.range.len() as u64))
                .is_some_and(|end| end <= min)
        }
        DataMode::Passive => true,
    });
    elems_fit && datas_fit
}

/// The offset a segment's offset expression gives when it is a single constant (read as the
/// index type reads it), or `None`.
fn constant_offset(expr: &ConstExpr, index64: bool) -> Option<u64> {
    match *expr.ops {
        [ConstOp::I32Const(v)] if !index64 => Some(u64::from(v as u32)),
        [ConstOp::I64Const(v)] if index64 => Some(v as u64),
        _ => None,
    }
}
