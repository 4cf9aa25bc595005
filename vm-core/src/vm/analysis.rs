//! What both translators need to know of a function before they translate it, computed once per
//! function by one pass over its body and shared: where fuel is checked and what each check
//! charges, and where its loops are.
//!
//! Fuel is checked at the function's entry and at every loop header (see `Meter`). A check charges
//! the WebAssembly instructions of its region: the function's body, or a loop's body, up to the
//! next nested loop (whose own check charges its body). The `loop` instruction belongs to the
//! region around it, its `end` to the loop. Code that cannot run is counted like any other — a
//! translator never opens a check for a loop it skips as unreachable, but its region is the loop's,
//! so both tiers charge exactly the same amounts whatever they prove about reachability.

use std::sync::OnceLock;

use silo_loader::wasmparser::{self as wp, BinaryReader, BrTable, FunctionBody, Operator};

/// A loop of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopSite {
    /// Byte offset of its `loop` instruction in the module.
    pub offset: u32,
    /// What the fuel check at its header charges: the instructions of its region.
    pub cost: u32,
    /// The byte offset of the loop directly around it in the function, if any.
    pub around: Option<u32>,
}

/// The analysis of one function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FuncAnalysis {
    /// What the fuel check at the function's entry charges.
    pub entry_cost: u32,
    /// Every loop, by increasing offset.
    pub loops: Box<[LoopSite]>,
}

impl FuncAnalysis {
    /// Analyses defined function `def` of `info`.
    pub fn of(info: &silo_loader::Module, def: u32) -> Result<FuncAnalysis, String> {
        let (bytes, offset) = info.body(def).ok_or("function has no body")?;
        let err = |e: wp::BinaryReaderError| {
            format!("{} (at byte offset {:#x})", e.message(), e.offset())
        };
        let mut reader = BinaryReader::new(bytes, offset as u64);
        reader.set_features(silo_loader::validation_features());
        let body = FunctionBody::new(reader);
        let mut ops = body.get_operators_reader().map_err(err)?;

        // The open regions, innermost last: the function's (`None`), then loops' (their index
        // in `loops`). `blocks` says, for each open construct, whether it is a loop.
        let mut loops: Vec<LoopSite> = Vec::new();
        let mut entry_cost = 0u32;
        let mut regions: Vec<Option<usize>> = vec![None];
        let mut blocks: Vec<bool> = Vec::new();
        while !ops.eof() {
            let (op, at) = ops.read_with_offset().map_err(err)?;
            let cost = match regions.last().copied().flatten() {
                Some(i) => &mut loops[i].cost,
                None => &mut entry_cost,
            };
            *cost = cost.saturating_add(1);
            match op {
                Operator::Loop { .. } => {
                    let around = regions.last().copied().flatten().map(|i| loops[i].offset);
                    blocks.push(true);
                    regions.push(Some(loops.len()));
                    loops.push(LoopSite { offset: at as u32, cost: 0, around });
                }
                Operator::Block { .. }
                | Operator::If { .. }
                | Operator::Try { .. }
                | Operator::TryTable { .. } => blocks.push(false),
                // `delegate` ends a legacy `try` as `end` does.
                Operator::End | Operator::Delegate { .. } => {
                    let ends_loop = blocks.pop() == Some(true);
                    if ends_loop {
                        regions.pop();
                    }
                }
                _ => {}
            }
        }
        Ok(FuncAnalysis { entry_cost, loops: loops.into() })
    }

    /// What the check at the header of the loop at byte `offset` charges (0 for no such loop).
    pub fn loop_cost(&self, offset: u32) -> u32 {
        self.loop_at(offset).map_or(0, |l| l.cost)
    }

    /// The loop at byte `offset`.
    pub fn loop_at(&self, offset: u32) -> Option<&LoopSite> {
        let i = self.loops.binary_search_by_key(&offset, |l| l.offset).ok()?;
        Some(&self.loops[i])
    }

    /// The byte offsets of the loops around the loop at byte `offset`, outermost first.
    pub fn loops_around(&self, offset: u32) -> Vec<u32> {
        let mut around = Vec::new();
        let mut at = self.loop_at(offset).and_then(|l| l.around);
        while let Some(outer) = at {
            around.push(outer);
            at = self.loop_at(outer).and_then(|l| l.around);
        }
        around.reverse();
        around
    }
}

/// The analysis of defined function `def` of `info`, computed on first use into `cells` (one per
/// defined function).
pub(crate) fn cached<'a>(
    cells: &'a [OnceLock<Result<FuncAnalysis, String>>],
    info: &silo_loader::Module,
    def: u32,
) -> Result<&'a FuncAnalysis, String> {
    let cell = cells.get(def as usize).ok_or("no such function")?;
    cell.get_or_init(|| FuncAnalysis::of(info, def)).as_ref().map_err(Clone::clone)
}

/// The targets of a `br_table`, as relative depths, the default last.
pub fn br_table_targets(table: &BrTable<'_>) -> Result<Vec<u32>, String> {
    let mut all = table.targets().collect::<Result<Vec<u32>, _>>().map_err(|e| e.to_string())?;
    all.push(table.default());
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(wat: &str) -> FuncAnalysis {
        let info = silo_loader::load_text(wat).unwrap();
        FuncAnalysis::of(&info, 0).unwrap()
    }

    #[test]
    fn simd_instructions_count_like_any_other() {
        let a = analyse(
            r#"(module (memory 1) (func (param i32) (result v128)
                 (loop
                   (v128.store (local.get 0) (i32x4.add (v128.load (local.get 0)) (v128.const i64x2 1 2)))
                   (br_if 0 (i8x16.all_true (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.load (local.get 0)) (v128.load (local.get 0))))))
                 (v128.load8_lane 3 (local.get 0) (v128.const i64x2 0 0))))"#,
        );
        // Entry: loop, local.get, v128.const, v128.load8_lane, end.
        assert_eq!(a.entry_cost, 5);
        // The loop: 2 local.get, v128.load, v128.const, i32x4.add, v128.store, 2 local.get,
        // 2 v128.load, i8x16.shuffle, i8x16.all_true, br_if, end.
        assert_eq!(a.loops[0].cost, 14);
    }

    #[test]
    fn each_loop_charges_its_own_body() {
        let a = analyse(
            r#"(module (func (param i32)
                 (local.get 0) (drop)
                 (loop
                   (local.get 0) (br_if 0)
                   (loop (nop) (br 1))
                   (nop))
                 (nop)))"#,
        );
        // Entry: local.get, drop, loop, nop, end (the function's).
        assert_eq!(a.entry_cost, 5);
        assert_eq!(a.loops.len(), 2);
        // Outer loop: local.get, br_if, loop, nop, end.
        assert_eq!(a.loops[0].cost, 5);
        // Inner loop: nop, br, end.
        assert_eq!(a.loops[1].cost, 3);
        assert!(a.loops[0].offset < a.loops[1].offset);
        assert_eq!(a.loop_cost(a.loops[1].offset), 3);
        assert_eq!(a.loop_cost(0), 0);
    }

    #[test]
    fn each_loop_knows_the_loops_around_it() {
        let a = analyse(
            r#"(module (func
                 (loop (block (loop (if (i32.const 0) (then (loop))))))
                 (loop)))"#,
        );
        let at: Vec<u32> = a.loops.iter().map(|l| l.offset).collect();
        assert_eq!(at.len(), 4);
        assert_eq!(a.loops_around(at[0]), []);
        assert_eq!(a.loops_around(at[1]), [at[0]]);
        assert_eq!(a.loops_around(at[2]), [at[0], at[1]]);
        // A loop after the nest is around nothing and in nothing.
        assert_eq!(a.loops_around(at[3]), []);
        assert_eq!(a.loops_around(12345), []);
    }

    #[test]
    fn locals_are_not_instructions() {
        // The body of the first function starts with its locals.
        let a = analyse(
            r#"(module (func (local f64 f64 i32) (local.set 0 (f64.const 208.333333334))))"#,
        );
        // f64.const, local.set, end
        assert_eq!(a.entry_cost, 3);
    }

    #[test]
    fn blocks_and_ifs_belong_to_the_region_around_them() {
        let a = analyse(
            r#"(module (func (param i32)
                 (block (if (local.get 0) (then (nop)) (else (nop))))
                 (loop (block (br 1)))))"#,
        );
        // block, local.get, if, nop, else, nop, end, end, loop, end (the function's)
        assert_eq!(a.entry_cost, 10);
        // block, br, end, end
        assert_eq!(a.loops[0].cost, 4);
    }
}
