//! Executable memory for one module's machine code: placing compiled functions, patching their
//! relocations, and sealing them read-and-execute.
//!
//! Code is placed in chunks of memory mapped read-write. A function is declared first (it gets
//! a [`CodeId`], so that others can refer to it before it exists), then placed: its bytes are
//! copied at the chunk's cursor and its relocations kept. [`CodeMemory::finalize`] patches
//! every placed function's relocations and turns the pages they occupy read-and-execute; the
//! cursor then moves to the next page boundary, so pages already executable (and possibly
//! running on another thread) are never written or made writable again. A chunk is unmapped
//! only when the whole memory is dropped.
//!
//! Relocations are those Cranelift emits for x86-64 code that is not position-independent:
//! absolute addresses (`Abs8`, `Abs4`) and PC-relative ones (`X86PCRel4`, `X86CallPCRel4`),
//! naming a declared function, an offset inside the function itself, or a libcall (the float
//! rounding and fused multiply-add operations Cranelift lowers to calls on a machine without the
//! instructions; [`libcalls`]).

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::{ExternalName, Function, LibCall};
use cranelift_codegen::{FinalizedMachReloc, FinalizedRelocTarget};

mod libcalls;

/// The smallest chunk mapped at a time; a function larger than this gets a chunk of its own size.
const CHUNK: usize = 1 << 20;

/// A function's identity in code memory: namespace 0, index `CodeId`, in Cranelift's names.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct CodeId(u32);

impl CodeId {
    pub(crate) fn as_u32(self) -> u32 {
        self.0
    }
}

/// What a relocation refers to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    /// A declared function.
    Code(CodeId),
    /// An offset inside the function being relocated.
    Within(u32),
    /// A libcall.
    LibCall(LibCall),
}

/// A relocation of a function, not yet applied.
#[derive(Clone, Debug)]
pub(crate) struct Relocation {
    pub offset: u32,
    pub kind: Reloc,
    pub target: Target,
    pub addend: i64,
}

/// The relocations of a function just compiled (`relocs` of its code buffer), in code memory's
/// terms. A relocation this memory cannot apply is an error naming it.
pub(crate) fn relocations_of(
    relocs: &[FinalizedMachReloc],
    func: &Function,
) -> Result<Vec<Relocation>, String> {
    relocs
        .iter()
        .map(|r| {
            let target = match &r.target {
                FinalizedRelocTarget::ExternalName(ExternalName::User(name)) => {
                    let name = &func.params.user_named_funcs()[*name];
                    if name.namespace != 0 {
                        return Err(format!(
                            "internal error: a call to namespace {}",
                            name.namespace
                        ));
                    }
                    Target::Code(CodeId(name.index))
                }
                FinalizedRelocTarget::ExternalName(ExternalName::LibCall(call)) => {
                    Target::LibCall(*call)
                }
                FinalizedRelocTarget::Func(offset) => Target::Within(*offset),
                FinalizedRelocTarget::ExternalName(other) => {
                    return Err(format!("internal error: a relocation against {other:?}"));
                }
            };
            Ok(Relocation { offset: r.offset, kind: r.kind, target, addend: r.addend })
        })
        .collect()
}

/// A function placed but not yet finalized.
struct Placed {
    id: CodeId,
    start: usize,
    len: usize,
    relocs: Vec<Relocation>,
}

/// A module's code memory.
pub(crate) struct CodeMemory {
    /// Every chunk mapped, unmapped when the memory is dropped.
    chunks: Vec<region::Allocation>,
    /// The writable rest of the newest chunk: the next byte to place at, and its end.
    cursor: usize,
    end: usize,
    /// Ranges written since the last finalize, to seal.
    open: Vec<(usize, usize)>,
    /// The address of each declared function, 0 until it is placed.
    addresses: Vec<usize>,
    /// Declared functions that failed, or that refer to one that failed: never executable.
    failed: Vec<bool>,
    placed: Vec<Placed>,
}

// SAFETY: the memory only holds addresses of its own chunks, which it owns; it is used under the
// module's lock.
unsafe impl Send for CodeMemory {}

impl CodeMemory {
    pub(crate) fn new() -> CodeMemory {
        CodeMemory {
            chunks: Vec::new(),
            cursor: 0,
            end: 0,
            open: Vec::new(),
            addresses: Vec::new(),
            failed: Vec::new(),
            placed: Vec::new(),
        }
    }

    /// A new function, to place later.
    pub(crate) fn declare(&mut self) -> Result<CodeId, String> {
        let id = u32::try_from(self.addresses.len())
            .map_err(|_| "code memory: too many functions".to_string())?;
        self.addresses.push(0);
        self.failed.push(false);
        Ok(CodeId(id))
    }

    /// Copies the machine code of `id` into memory (aligned to `alignment`), keeping its
    /// relocations for [`CodeMemory::finalize`]; returns where it starts. It is not executable
    /// before it is finalized.
    pub(crate) fn place(
        &mut self,
        id: CodeId,
        alignment: usize,
        bytes: &[u8],
        relocs: Vec<Relocation>,
    ) -> Result<usize, String> {
        let slot = self.addresses.get(id.0 as usize).copied();
        match slot {
            None => return Err(format!("internal error: code {id:?} was never declared")),
            Some(at) if at != 0 => return Err(format!("internal error: code {id:?} placed twice")),
            Some(_) => {}
        }
        let alignment = alignment.max(1);
        if !alignment.is_power_of_two() || alignment > region::page::size() {
            return Err(format!("internal error: code alignment {alignment}"));
        }
        let len = bytes.len().max(1);
        let mut start = self.cursor.next_multiple_of(alignment);
        if self.cursor == 0 || start.checked_add(len).is_none_or(|end| end > self.end) {
            self.map_chunk(len)?;
            start = self.cursor;
        }
        // SAFETY: `start..start + len` lies in the newest chunk's writable rest (checked above or
        // just mapped with room for `len`), which no one else reads or executes before finalize.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), start as *mut u8, bytes.len()) };
        self.cursor = start + len;
        match self.open.last().copied() {
            Some((open_start, open_end))
                if open_end <= start && self.chunk_holds(open_end, start) =>
            {
                *self.open.last_mut().expect("just read") = (open_start, start + len)
            }
            _ => self.open.push((start, start + len)),
        }
        self.addresses[id.0 as usize] = start;
        self.placed.push(Placed { id, start, len: bytes.len(), relocs });
        Ok(start)
    }

    /// Whether `from` and `to` lie in the same (newest) chunk.
    fn chunk_holds(&self, from: usize, to: usize) -> bool {
        self.chunks.last().is_some_and(|c| {
            let base = c.as_ptr::<u8>() as usize;
            (base..=base + c.len()).contains(&from) && (base..=base + c.len()).contains(&to)
        })
    }

    /// Maps a new chunk with room for at least `len` bytes and moves the cursor to it.
    fn map_chunk(&mut self, len: usize) -> Result<(), String> {
        let page = region::page::size();
        let size = len
            .checked_next_multiple_of(page)
            .map(|size| size.max(CHUNK))
            .ok_or_else(|| format!("code memory: {len} bytes of code"))?;
        let chunk = region::alloc(size, region::Protection::READ_WRITE)
            .map_err(|e| format!("code memory: mapping {size} bytes: {e}"))?;
        self.cursor = chunk.as_ptr::<u8>() as usize;
        self.end = self.cursor + chunk.len();
        self.chunks.push(chunk);
        Ok(())
    }

    /// Applies the relocations of everything placed since the last finalize and makes it
    /// executable. Returns the functions that could not be linked, each with the reason (a call
    /// to a function that was never placed or failed, or an unsupported relocation); they and
    /// every function that calls them are never made callable (their addresses are not given
    /// out), the rest are.
    pub(crate) fn finalize(&mut self) -> Result<Vec<(CodeId, String)>, String> {
        let placed = std::mem::take(&mut self.placed);
        let mut errors: Vec<(CodeId, String)> = Vec::new();
        // A function fails if it refers to a failed or missing one; repeat until nothing changes.
        loop {
            let mut changed = false;
            for p in &placed {
                if self.failed[p.id.0 as usize] {
                    continue;
                }
                if let Some(reason) = self.unlinkable(p) {
                    self.failed[p.id.0 as usize] = true;
                    errors.push((p.id, reason));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for p in placed.iter().filter(|p| !self.failed[p.id.0 as usize]) {
            for r in &p.relocs {
                let value = self.resolve(p, r.target).expect("checked linkable") as i64;
                // SAFETY: `p` lies in writable memory not yet sealed; `unlinkable` checked that
                // the relocation's field lies inside the function and that the value fits it.
                unsafe { patch(p.start, r, value) };
            }
        }
        self.seal()?;
        Ok(errors)
    }

    /// Why `p` cannot be linked, if it cannot.
    fn unlinkable(&self, p: &Placed) -> Option<String> {
        for r in &p.relocs {
            let Some(value) = self.resolve(p, r.target) else {
                return Some(match r.target {
                    Target::Code(id) => format!("it calls code {} that failed to compile", id.0),
                    Target::LibCall(call) => format!("cranelift asked for libcall {call}"),
                    Target::Within(_) => "internal error: a relocation outside the function".into(),
                });
            };
            let width = match r.kind {
                Reloc::Abs8 => 8,
                Reloc::Abs4 | Reloc::X86PCRel4 | Reloc::X86CallPCRel4 => 4,
                other => return Some(format!("internal error: relocation {other:?}")),
            };
            if (r.offset as usize).checked_add(width).is_none_or(|end| end > p.len) {
                return Some("internal error: a relocation past the function's end".into());
            }
            if value_of(p.start, r, value as i64).is_none() {
                return Some(format!("internal error: relocation {:?} out of range", r.kind));
            }
        }
        None
    }

    /// The address `target` stands for in function `p`, if it is known and may be linked to.
    fn resolve(&self, p: &Placed, target: Target) -> Option<usize> {
        match target {
            Target::Code(id) => {
                let at = *self.addresses.get(id.0 as usize)?;
                (at != 0 && !self.failed[id.0 as usize]).then_some(at)
            }
            Target::Within(offset) => (offset as usize <= p.len).then(|| p.start + offset as usize),
            Target::LibCall(call) => libcalls::address(call),
        }
    }

    /// Makes everything written since the last finalize read-and-execute, and moves the cursor
    /// to a fresh page.
    fn seal(&mut self) -> Result<(), String> {
        let page = region::page::size();
        for (start, end) in std::mem::take(&mut self.open) {
            let from = start - start % page;
            let to = end.next_multiple_of(page);
            // SAFETY: `from..to` is page-aligned and inside a chunk this memory mapped (chunks are
            // whole pages); it holds only code placed since the last seal, which nothing runs yet.
            unsafe {
                region::protect(from as *const u8, to - from, region::Protection::READ_EXECUTE)
            }
            .map_err(|e| format!("code memory: making code executable: {e}"))?;
        }
        self.cursor = self.cursor.next_multiple_of(page).min(self.end);
        Ok(())
    }

    /// The address of a placed function, once it is finalized and linked.
    pub(crate) fn address(&self, id: CodeId) -> Option<usize> {
        let at = *self.addresses.get(id.0 as usize)?;
        (at != 0 && !self.failed[id.0 as usize]).then_some(at)
    }
}

/// The value relocation `r` writes for a target at `target`, in a function at `start`, if it fits
/// its field.
fn value_of(start: usize, r: &Relocation, target: i64) -> Option<u64> {
    let what = target.checked_add(r.addend)?;
    match r.kind {
        Reloc::Abs8 => Some(what as u64),
        Reloc::Abs4 => u32::try_from(what).ok().map(u64::from),
        Reloc::X86PCRel4 | Reloc::X86CallPCRel4 => {
            let at = (start + r.offset as usize) as i64;
            i32::try_from(what - at).ok().map(|v| v as u32 as u64)
        }
        _ => None,
    }
}

/// Writes relocation `r` of the function at `start`, whose target is at `target`.
///
/// # Safety
/// The function lies in writable memory and `r`'s field inside it; the value fits (`value_of`).
unsafe fn patch(start: usize, r: &Relocation, target: i64) {
    let at = (start + r.offset as usize) as *mut u8;
    let value = value_of(start, r, target).expect("checked to fit");
    match r.kind {
        // SAFETY: the caller's: `at..at + 8` is writable code of this function.
        Reloc::Abs8 => unsafe { at.cast::<u64>().write_unaligned(value) },
        // SAFETY: as above, for 4 bytes.
        _ => unsafe { at.cast::<u32>().write_unaligned(value as u32) },
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// `mov eax, 42; ret`.
    const RETURN_42: [u8; 6] = [0xb8, 42, 0, 0, 0, 0xc3];

    fn reloc(offset: u32, kind: Reloc, target: Target, addend: i64) -> Relocation {
        Relocation { offset, kind, target, addend }
    }

    /// Calls the code at `at` as `extern "C" fn() -> u32`.
    fn run(at: usize) -> u32 {
        // SAFETY: each test places, at `at`, finalized code that returns a `u32` in `eax`.
        let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(at) };
        f()
    }

    #[test]
    fn absolute_and_relative_jumps_reach_their_targets() {
        let mut memory = CodeMemory::new();
        let (absolute, relative, target) =
            (memory.declare().unwrap(), memory.declare().unwrap(), memory.declare().unwrap());
        // movabs rax, target; jmp rax
        let mut abs = vec![0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
        memory
            .place(absolute, 16, &abs, vec![reloc(2, Reloc::Abs8, Target::Code(target), 0)])
            .unwrap();
        // jmp rel32 target (relative to the end of the instruction)
        let rel = [0xe9, 0, 0, 0, 0];
        memory
            .place(relative, 16, &rel, vec![reloc(1, Reloc::X86PCRel4, Target::Code(target), -4)])
            .unwrap();
        memory.place(target, 16, &RETURN_42, Vec::new()).unwrap();
        assert!(memory.finalize().unwrap().is_empty());
        assert_eq!(run(memory.address(absolute).unwrap()), 42);
        assert_eq!(run(memory.address(relative).unwrap()), 42);
        assert_eq!(memory.address(relative).unwrap() % 16, 0);

        // Code placed after a finalize goes to a fresh page and can call what came before.
        let later = memory.declare().unwrap();
        abs[2..10].fill(0);
        memory
            .place(later, 16, &abs, vec![reloc(2, Reloc::Abs8, Target::Code(target), 0)])
            .unwrap();
        assert!(memory.finalize().unwrap().is_empty());
        let at = memory.address(later).unwrap();
        assert_eq!(at % region::page::size(), 0);
        assert_eq!(run(at), 42);
    }

    #[test]
    fn a_failed_callee_fails_its_callers_and_nothing_else() {
        let mut memory = CodeMemory::new();
        let ids: Vec<CodeId> = (0..4).map(|_| memory.declare().unwrap()).collect();
        let (missing, caller, callers_caller, fine) = (ids[0], ids[1], ids[2], ids[3]);
        let call = |callee| vec![reloc(2, Reloc::Abs8, Target::Code(callee), 0)];
        let abs = [0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xe0];
        // `callers_caller` is placed before `caller`: failure must still reach it.
        memory.place(callers_caller, 16, &abs, call(caller)).unwrap();
        memory.place(caller, 16, &abs, call(missing)).unwrap();
        memory.place(fine, 16, &RETURN_42, Vec::new()).unwrap();
        let failed = memory.finalize().unwrap();
        let failed: Vec<CodeId> = failed.into_iter().map(|(id, _)| id).collect();
        assert!(failed.contains(&caller) && failed.contains(&callers_caller));
        assert_eq!(failed.len(), 2);
        assert_eq!(memory.address(caller), None);
        assert_eq!(memory.address(callers_caller), None);
        assert_eq!(run(memory.address(fine).unwrap()), 42);
    }

    #[test]
    fn bad_relocations_are_errors_not_writes() {
        let mut memory = CodeMemory::new();
        let (past_end, unsupported) = (memory.declare().unwrap(), memory.declare().unwrap());
        memory
            .place(past_end, 16, &RETURN_42, vec![reloc(4, Reloc::Abs8, Target::Within(0), 0)])
            .unwrap();
        let memcpy = Target::LibCall(LibCall::Memcpy);
        memory.place(unsupported, 16, &RETURN_42, vec![reloc(0, Reloc::Abs8, memcpy, 0)]).unwrap();
        let failed = memory.finalize().unwrap();
        assert_eq!(failed.len(), 2, "{failed:?}");
        assert!(failed.iter().any(|(_, why)| why.contains("past the function's end")));
        assert!(failed.iter().any(|(_, why)| why.contains("Memcpy")));
        assert!(memory.place(past_end, 16, &RETURN_42, Vec::new()).is_err(), "placed twice");
    }

    #[test]
    fn large_functions_get_a_chunk_of_their_own() {
        let mut memory = CodeMemory::new();
        let (big, small) = (memory.declare().unwrap(), memory.declare().unwrap());
        let mut code = vec![0x90u8; CHUNK + 100]; // nops, then return 42
        code.extend_from_slice(&RETURN_42);
        memory.place(small, 16, &RETURN_42, Vec::new()).unwrap();
        memory.place(big, 16, &code, Vec::new()).unwrap();
        assert!(memory.finalize().unwrap().is_empty());
        assert_eq!(run(memory.address(big).unwrap()), 42);
        assert_eq!(run(memory.address(small).unwrap()), 42);
        assert_eq!(memory.chunks.len(), 2);
    }
}
