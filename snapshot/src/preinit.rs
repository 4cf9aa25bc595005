//! Writing a captured instance state back into a standard module: the pre-initialized module that
//! `silo init` makes (what Wizer does for wasmtime), which any runtime can run.
//!
//! The new module is the original with its state replaced: each defined memory starts at its
//! current size with its non-zero bytes as active data segments; each defined table at its current
//! size with its elements as active element segments; each mutable global at its current value.
//! The original active segments have done their work (they become empty passive segments, or
//! declarative ones where they name functions, so `ref.func` stays valid; segment indices do not
//! change), a segment the initializer dropped is dropped in the new module too, the start function
//! is gone (it ran), and so are the exports the caller names (the initializer). Code, types,
//! imports, names and every custom section are copied byte for byte.

use std::borrow::Cow;
use std::ops::Range;

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    ConstExpr, DataCountSection, DataSection, ElementSection, Elements, ExportSection,
    GlobalSection, HeapType, Ieee32, Ieee64, Instruction, MemorySection, RawSection, RefType,
    SectionId, TableSection,
};
use wasmparser::{ElementItems, ElementKind, Parser, Payload, TableInit, TypeRef};

use crate::SnapshotError;
use crate::capture::{InstanceState, RefState, ValState};
use crate::runs::{DataRun, merge_to_at_most};

/// The most data segments a module may have (the limit engines share, V8's among them).
const MAX_DATA_SEGMENTS: usize = 100_000;

/// Null elements between two runs of a table under which the runs are written as one segment.
const TABLE_RUN_GAP: usize = 4;

/// Checks that a module's state can be written back into it: it imports no memory and no table
/// (their contents belong to the importer) and no mutable global.
pub fn check_preinitializable(original: &[u8]) -> Result<(), SnapshotError> {
    for payload in Parser::new(0).parse_all(original) {
        if let Payload::ImportSection(imports) = payload? {
            for import in imports.into_imports() {
                let import = import?;
                let what = match import.ty {
                    TypeRef::Memory(_) => "a memory",
                    TypeRef::Table(_) => "a table",
                    TypeRef::Global(g) if g.mutable => "a mutable global",
                    _ => continue,
                };
                return Err(SnapshotError::Unsupported(format!(
                    "the module imports {what} (`{}::{}`), whose state belongs to the host",
                    import.module, import.name
                )));
            }
        }
    }
    Ok(())
}

/// The module `original` with `state` as its initial state, without the exports named in
/// `remove_exports`. `state` must have been captured from an instance of `original`.
pub fn write_preinitialized(
    original: &[u8],
    state: &InstanceState,
    remove_exports: &[&str],
) -> Result<Vec<u8>, SnapshotError> {
    write_preinitialized_with_heap(original, state, &[], remove_exports)
}

/// As [`write_preinitialized`], with `heap` the objects of the garbage-collected heap that
/// `state` refers to (`RefState::Object`, captured with `InstanceState::capture_with`): the new
/// module builds them again when it starts (see `preinit_heap`).
pub fn write_preinitialized_with_heap(
    original: &[u8],
    state: &InstanceState,
    heap: &[crate::HeapObjectState],
    remove_exports: &[&str],
) -> Result<Vec<u8>, SnapshotError> {
    check_preinitializable(original)?;
    let mut writer = Writer {
        original,
        state,
        module: wasm_encoder::Module::new(),
        imported_globals: 0,
        table_types: Vec::new(),
        elems_written: false,
        data_written: false,
        added_data: Vec::new(),
        heap: None,
        globals_written: false,
        start_written: false,
        data_count_written: false,
        data_segments: 0,
    };
    let (existing, memory64) = data_outline(original)?;
    writer.added_data = writer.memory_segments(existing, &memory64);
    writer.data_segments = (existing + writer.added_data.len()) as u32;
    if !heap.is_empty() {
        let plan = crate::preinit_heap::plan(original, state, heap, writer.data_segments)?;
        if !plan.data.is_empty() {
            writer.data_segments += 1;
        }
        writer.heap = Some(plan);
    }
    let mut skip_code_entries = false;
    for payload in Parser::new(0).parse_all(original) {
        let payload = payload?;
        if let Some(id) = section_id(&payload) {
            writer.before_section(id)?;
        }
        match payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    if let TypeRef::Global(_) = import?.ty {
                        writer.imported_globals += 1;
                    }
                }
                writer.raw(SectionId::Import, reader.range());
            }
            Payload::TypeSection(reader) => writer.appended(SectionId::Type, reader.range(), |p| {
                (p.type_count, p.type_entries.clone())
            }),
            Payload::FunctionSection(reader) => {
                writer.appended(SectionId::Function, reader.range(), |p| {
                    let mut entries = Vec::new();
                    for _ in &p.bodies {
                        leb(&mut entries, p.func_type);
                    }
                    (p.bodies.len() as u32, entries)
                })
            }
            Payload::TableSection(reader) => writer.tables(reader)?,
            Payload::MemorySection(reader) => writer.memories(reader)?,
            Payload::GlobalSection(reader) => writer.globals(Some(reader))?,
            Payload::ExportSection(reader) => writer.exports(reader, remove_exports)?,
            // The original start function ran; the heap's build, if any, takes its place.
            Payload::StartSection { .. } => writer.start(),
            Payload::ElementSection(reader) => writer.elements(Some(reader))?,
            Payload::DataCountSection { .. } => writer.data_count(),
            Payload::CodeSectionStart { unchecked_range, .. } => {
                writer.appended(SectionId::Code, unchecked_range, |p| {
                    (p.bodies.len() as u32, p.bodies.concat())
                });
                skip_code_entries = true;
            }
            Payload::CodeSectionEntry(_) if skip_code_entries => {}
            Payload::DataSection(reader) => writer.data(Some(reader))?,
            Payload::CustomSection(reader) => {
                writer.raw(SectionId::Custom, reader.range());
            }
            other => {
                // Type, function and tag sections, copied as they are.
                let (id, range) = other.as_section().ok_or_else(|| {
                    SnapshotError::Unsupported("a section of a component".to_string())
                })?;
                writer.raw_id(id, range);
            }
        }
    }
    writer.before_section(SectionId::Custom)?;
    Ok(writer.module.finish())
}

/// What the data segments written for the memories depend on: how many data segments the
/// module already has, and whether each defined memory is indexed by `i64`.
fn data_outline(original: &[u8]) -> Result<(usize, Vec<bool>), SnapshotError> {
    let (mut segments, mut memory64) = (0, Vec::new());
    for payload in Parser::new(0).parse_all(original) {
        match payload? {
            Payload::MemorySection(reader) => {
                memory64 =
                    reader.into_iter().map(|m| m.map(|m| m.memory64)).collect::<Result<_, _>>()?;
            }
            Payload::DataSection(reader) => segments = reader.count() as usize,
            _ => {}
        }
    }
    Ok((segments, memory64))
}

/// The standard id of the section a payload starts, for the ones whose place matters here.
fn section_id(payload: &Payload<'_>) -> Option<SectionId> {
    Some(match payload {
        Payload::TypeSection(_) => SectionId::Type,
        Payload::ImportSection(_) => SectionId::Import,
        Payload::FunctionSection(_) => SectionId::Function,
        Payload::TableSection(_) => SectionId::Table,
        Payload::MemorySection(_) => SectionId::Memory,
        Payload::TagSection(_) => SectionId::Tag,
        Payload::GlobalSection(_) => SectionId::Global,
        Payload::ExportSection(_) => SectionId::Export,
        Payload::StartSection { .. } => SectionId::Start,
        Payload::ElementSection(_) => SectionId::Element,
        Payload::DataCountSection { .. } => SectionId::DataCount,
        Payload::CodeSectionStart { .. } => SectionId::Code,
        Payload::DataSection(_) => SectionId::Data,
        _ => return None,
    })
}

/// Where a section goes among the others (the binary format fixes their order).
fn rank(id: SectionId) -> u8 {
    match id {
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
        // The end of the module.
        _ => u8::MAX,
    }
}

/// Appends `v` as an unsigned LEB128.
fn leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Converts wasmparser's reading of a type or expression into wasm-encoder's.
fn reencode_error(e: wasm_encoder::reencode::Error) -> SnapshotError {
    SnapshotError::Encode(e.to_string())
}

struct Writer<'a> {
    original: &'a [u8],
    state: &'a InstanceState,
    module: wasm_encoder::Module,
    imported_globals: u32,
    /// The element type and index type (`true`: 64-bit) of each defined table.
    table_types: Vec<(RefType, bool)>,
    elems_written: bool,
    data_written: bool,
    /// The active data segments that write the memories, by memory index.
    added_data: Vec<(u32, bool, DataRun)>,
    /// The build of the heap's objects, when the state has any.
    heap: Option<crate::preinit_heap::HeapPlan>,
    globals_written: bool,
    start_written: bool,
    data_count_written: bool,
    /// The data segments of the new module.
    data_segments: u32,
}

impl Writer<'_> {
    /// Copies a section of the original as it is (`range`: its contents, as wasmparser gives them).
    fn raw(&mut self, id: SectionId, range: Range<u64>) {
        self.raw_id(id as u8, range);
    }

    fn raw_id(&mut self, id: u8, range: Range<u64>) {
        let data = &self.original[range.start as usize..range.end as usize];
        self.module.section(&RawSection { id, data });
    }

    /// Copies a section of entries (`range`: its contents, the count first) with the entries
    /// `extra` makes of the heap's plan appended (as it is without one).
    fn appended(
        &mut self,
        id: SectionId,
        range: Range<u64>,
        extra: impl Fn(&crate::preinit_heap::HeapPlan) -> (u32, Vec<u8>),
    ) {
        let Some(plan) = &self.heap else { return self.raw(id, range) };
        let (added, entries) = extra(plan);
        let data = &self.original[range.start as usize..range.end as usize];
        let mut reader = wasmparser::BinaryReader::new(data, 0);
        let count = reader.read_var_u32().unwrap_or(0);
        let rest = &data[reader.current_position()..];
        let mut out = Vec::with_capacity(data.len() + entries.len() + 5);
        leb(&mut out, count + added);
        out.extend_from_slice(rest);
        out.extend_from_slice(&entries);
        self.module.section(&RawSection { id: id as u8, data: &out });
    }

    /// The start section: the heap's build, when there is one (the original start ran).
    fn start(&mut self) {
        self.start_written = true;
        if let Some(plan) = &self.heap {
            self.module.section(&wasm_encoder::StartSection { function_index: plan.start });
        }
    }

    /// The data count section: the original segments, the memories' and the heap's.
    fn data_count(&mut self) {
        self.data_count_written = true;
        self.module.section(&DataCountSection { count: self.data_segments });
    }

    /// Writes the element and data sections the original lacks but the state needs, before the
    /// first section that must follow them.
    fn before_section(&mut self, next: SectionId) -> Result<(), SnapshotError> {
        let heap = self.heap.is_some();
        if heap && rank(next) > rank(SectionId::Global) && !self.globals_written {
            self.globals(None)?;
        }
        if heap && rank(next) > rank(SectionId::Start) && !self.start_written {
            self.start();
        }
        let array_data = self.heap.as_ref().is_some_and(|p| !p.data.is_empty());
        if array_data && rank(next) > rank(SectionId::DataCount) && !self.data_count_written {
            self.data_count();
        }
        if rank(next) > rank(SectionId::Element) && !self.elems_written {
            self.elements(None)?;
        }
        if rank(next) > rank(SectionId::Data) && !self.data_written {
            self.data(None)?;
        }
        Ok(())
    }

    fn tables(&mut self, reader: wasmparser::TableSectionReader<'_>) -> Result<(), SnapshotError> {
        let mut section = TableSection::new();
        for (i, table) in reader.into_iter().enumerate() {
            let table = table?;
            let mut ty = RoundtripReencoder.table_type(table.ty).map_err(reencode_error)?;
            // No table is imported, so the index spaces agree.
            let elements = self.state.tables.get(i).map_or(0, Vec::len);
            ty.minimum = elements as u64;
            self.table_types.push((ty.element_type, ty.table64));
            match table.init {
                TableInit::RefNull => section.table(ty),
                TableInit::Expr(expr) => {
                    let init = RoundtripReencoder.const_expr(expr).map_err(reencode_error)?;
                    section.table_with_init(ty, &init)
                }
            };
        }
        self.module.section(&section);
        Ok(())
    }

    fn memories(
        &mut self,
        reader: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), SnapshotError> {
        let mut section = MemorySection::new();
        for (i, memory) in reader.into_iter().enumerate() {
            let mut ty = RoundtripReencoder.memory_type(memory?).map_err(reencode_error)?;
            if let Some(state) = self.state.memories.get(i) {
                ty.minimum = state.pages;
            }
            section.memory(ty);
        }
        self.module.section(&section);
        Ok(())
    }

    fn globals(
        &mut self,
        reader: Option<wasmparser::GlobalSectionReader<'_>>,
    ) -> Result<(), SnapshotError> {
        self.globals_written = true;
        let mut section = GlobalSection::new();
        let set_by_build =
            |index: u32| self.heap.as_ref().is_some_and(|p| p.globals_set.contains(&index));
        for (i, global) in reader.into_iter().flatten().enumerate() {
            let global = global?;
            let ty = RoundtripReencoder.global_type(global.ty).map_err(reencode_error)?;
            let index = self.imported_globals as usize + i;
            let original =
                || RoundtripReencoder.const_expr(global.init_expr).map_err(reencode_error);
            let init = match (self.state.globals.get(index), global.ty.content_type) {
                // An object, which the build sets: null until then (or, for a global that
                // cannot be null, what the module made).
                (_, wasmparser::ValType::Ref(r)) if set_by_build(index as u32) => {
                    if r.is_nullable() {
                        let heap = RoundtripReencoder.heap_type(r.heap_type());
                        ConstExpr::ref_null(heap.map_err(reencode_error)?)
                    } else {
                        original()?
                    }
                }
                (Some(value), _) if global.ty.mutable => const_of(value, global.ty.content_type)?,
                _ => original()?,
            };
            section.global(ty, &init);
        }
        if let Some(plan) = &self.heap {
            let (ty, init) = crate::preinit_heap::objs_global(plan);
            section.global(ty, &init);
        }
        if !section.is_empty() {
            self.module.section(&section);
        }
        Ok(())
    }

    fn exports(
        &mut self,
        reader: wasmparser::ExportSectionReader<'_>,
        remove: &[&str],
    ) -> Result<(), SnapshotError> {
        let mut section = ExportSection::new();
        for export in reader {
            let export = export?;
            if !remove.contains(&export.name) {
                section.export(export.name, export.kind.into(), export.index);
            }
        }
        self.module.section(&section);
        Ok(())
    }

    /// The element section: the original segments, spent or kept, then the tables' contents.
    fn elements(
        &mut self,
        reader: Option<wasmparser::ElementSectionReader<'_>>,
    ) -> Result<(), SnapshotError> {
        self.elems_written = true;
        let mut section = ElementSection::new();
        for (i, element) in reader.into_iter().flatten().enumerate() {
            let element = element?;
            let dropped = self.state.elem_dropped.get(i).copied().unwrap_or(true);
            if matches!(element.kind, ElementKind::Passive) && !dropped {
                let range = element.range.start as usize..element.range.end as usize;
                section.raw(&self.original[range]);
            } else {
                spent_element(&mut section, element.items)?;
            }
        }
        if let Some(plan) = self.heap.as_ref().filter(|p| !p.declared.is_empty()) {
            section.declared(Elements::Functions(Cow::Borrowed(&plan.declared)));
        }
        for (table, elements) in self.state.tables.iter().enumerate() {
            let Some(&(ty, table64)) = self.table_types.get(table) else { continue };
            for (start, run) in table_runs(elements) {
                let offset = offset_expr(start as u64, table64);
                let exprs: Vec<ConstExpr> =
                    run.iter().map(|r| ref_const(*r, ty.heap_type)).collect();
                let items = Elements::Expressions(ty, Cow::Owned(exprs));
                section.active(Some(table as u32), &offset, items);
            }
        }
        if !section.is_empty() {
            self.module.section(&section);
        }
        Ok(())
    }

    /// The data section: the original segments, spent or kept, then the memories' contents.
    fn data(
        &mut self,
        reader: Option<wasmparser::DataSectionReader<'_>>,
    ) -> Result<(), SnapshotError> {
        self.data_written = true;
        let mut section = DataSection::new();
        for (i, data) in reader.into_iter().flatten().enumerate() {
            let data = data?;
            let dropped = self.state.data_dropped.get(i).copied().unwrap_or(true);
            if matches!(data.kind, wasmparser::DataKind::Passive) && !dropped {
                let range = data.range.start as usize..data.range.end as usize;
                section.raw(&self.original[range]);
            } else {
                section.passive(Vec::new());
            }
        }
        for (memory, memory64, run) in &self.added_data {
            section.active(*memory, &offset_expr(run.offset, *memory64), run.bytes.iter().copied());
        }
        if let Some(plan) = self.heap.as_ref().filter(|p| !p.data.is_empty()) {
            section.passive(plan.data.iter().copied());
        }
        if !section.is_empty() {
            self.module.section(&section);
        }
        Ok(())
    }

    /// The active segments that write each memory's non-zero bytes, within the segment limit.
    fn memory_segments(&self, existing: usize, memory64: &[bool]) -> Vec<(u32, bool, DataRun)> {
        let budget = MAX_DATA_SEGMENTS.saturating_sub(existing) / self.state.memories.len().max(1);
        let mut segments = Vec::new();
        for (index, memory) in self.state.memories.iter().enumerate() {
            let is64 = memory64.get(index).copied().unwrap_or(false);
            for run in merge_to_at_most(memory.runs.clone(), budget) {
                segments.push((index as u32, is64, run));
            }
        }
        segments
    }
}

/// A segment whose work is done (applied at instantiation, or dropped): declarative when it
/// names functions, so that `ref.func` of them stays valid, and an empty passive segment
/// otherwise. Either behaves as a dropped segment.
fn spent_element(
    section: &mut ElementSection,
    items: ElementItems<'_>,
) -> Result<(), SnapshotError> {
    match items {
        ElementItems::Functions(reader) => {
            let funcs = reader.into_iter().collect::<Result<Vec<u32>, _>>()?;
            section.declared(Elements::Functions(Cow::Owned(funcs)));
        }
        ElementItems::Expressions(ty, reader) => {
            let ty = RoundtripReencoder.ref_type(ty).map_err(reencode_error)?;
            let mut exprs = Vec::new();
            let mut names_funcs = false;
            for expr in reader {
                let expr = expr?;
                names_funcs |= expr
                    .get_operators_reader()
                    .into_iter()
                    .any(|op| matches!(op, Ok(wasmparser::Operator::RefFunc { .. })));
                exprs.push(RoundtripReencoder.const_expr(expr).map_err(reencode_error)?);
            }
            if names_funcs {
                section.declared(Elements::Expressions(ty, Cow::Owned(exprs)));
            } else {
                section.passive(Elements::Expressions(ty, Cow::Owned(Vec::new())));
            }
        }
    }
    Ok(())
}

/// The runs of non-null elements of a table, by start index (a few nulls inside a run are kept).
fn table_runs(elements: &[RefState]) -> Vec<(usize, &[RefState])> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, element) in elements.iter().enumerate() {
        // An object is set by the heap's build (`preinit_heap`).
        if matches!(element, RefState::Null | RefState::Object(_)) {
            continue;
        }
        match spans.last_mut() {
            Some(last) if i - last.1 <= TABLE_RUN_GAP => last.1 = i + 1,
            _ => spans.push((i, i + 1)),
        }
    }
    spans.into_iter().map(|(start, end)| (start, &elements[start..end])).collect()
}

fn offset_expr(offset: u64, is64: bool) -> ConstExpr {
    if is64 { ConstExpr::i64_const(offset as i64) } else { ConstExpr::i32_const(offset as i32) }
}

fn ref_const(value: RefState, null_type: HeapType) -> ConstExpr {
    match value {
        RefState::Null => ConstExpr::ref_null(null_type),
        RefState::Func(index) => ConstExpr::ref_func(index),
        RefState::I31(v) => ConstExpr::extended([Instruction::I32Const(v), Instruction::RefI31]),
        // `InstanceState::capture` (without a heap image) never takes an object.
        RefState::Object(_) => ConstExpr::ref_null(null_type),
    }
}

/// The constant expression of a global's value.
fn const_of(value: &ValState, ty: wasmparser::ValType) -> Result<ConstExpr, SnapshotError> {
    Ok(match *value {
        ValState::I32(v) => ConstExpr::i32_const(v),
        ValState::I64(v) => ConstExpr::i64_const(v),
        ValState::F32(bits) => ConstExpr::f32_const(Ieee32::new(bits)),
        ValState::F64(bits) => ConstExpr::f64_const(Ieee64::new(bits)),
        ValState::V128(bits) => ConstExpr::v128_const(bits as i128),
        ValState::Ref(r) => {
            let wasmparser::ValType::Ref(ref_ty) = ty else {
                return Err(SnapshotError::Encode(format!("a reference in a global of type {ty}")));
            };
            let heap = RoundtripReencoder.heap_type(ref_ty.heap_type()).map_err(reencode_error)?;
            ref_const(r, heap)
        }
    })
}
