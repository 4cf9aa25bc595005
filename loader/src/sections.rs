//! Section by section: each payload is decoded into `ModuleParts` first (so a decoding problem is
//! reported as malformed) and then handed to `wasmparser`'s validator (so a rule broken is reported
//! as invalid). Function bodies are validated as soon as they arrive, noting every feature they use.

use std::ops::Range;

use wasmparser as wp;
use wp::{FuncValidatorAllocations, Payload, ValidPayload, Validator};

use crate::convert;
use crate::error::{LoadError, LoadErrorKind};
use crate::features::{Feature, FeatureSet};
use crate::module::{
    ConstExpr, ConstOp, DataMode, DataSegment, ElemItems, ElemMode, ElemSegment, Export, Import,
    ModuleParts,
};
use crate::types::{EntityType, ExternKind, MemoryType, TableType};

/// A function body that has been validated, ready for a tier to translate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatedFunction {
    /// Index among the module's defined functions.
    pub defined_index: u32,
    /// Index in the function index space (imports first).
    pub func_index: u32,
    /// The body's bytes (locals and code) within the module.
    pub body: Range<usize>,
}

/// The state that decoding and validation build up across payloads.
pub(crate) struct SectionState {
    pub validator: Validator,
    pub parts: ModuleParts,
    /// Where we are, for error messages.
    pub section: Option<Place>,
    func_allocs: Option<FuncValidatorAllocations>,
    /// Function bodies the code section announced and that have not arrived yet.
    code_entries_left: u32,
    /// The bodies were validated before (`load_binary_revalidating_sections`): only sections are.
    pub trust_bodies: bool,
}

/// The name of a section by its id, for error messages.
pub(crate) fn section_name(id: u8) -> String {
    match id {
        0 => "custom section",
        1 => "type section",
        2 => "import section",
        3 => "function section",
        4 => "table section",
        5 => "memory section",
        6 => "global section",
        7 => "export section",
        8 => "start section",
        9 => "element section",
        10 => "code section",
        11 => "data section",
        12 => "data count section",
        13 => "tag section",
        _ => return format!("unknown section {id}"),
    }
    .to_string()
}

/// Where decoding is in a module: named in words only when an error needs it (a module has
/// thousands of function bodies, and most modules no error).
#[derive(Clone, Debug)]
pub(crate) enum Place {
    Header,
    /// A section by its id.
    Section(u8),
    /// A custom section by its name.
    Custom(String),
    /// The body of a function, by its index in the function index space.
    Function(usize),
}

impl Place {
    /// The place in words, as error messages name it.
    pub fn describe(place: &Option<Place>) -> Option<String> {
        Some(match place.as_ref()? {
            Place::Header => "module header".to_string(),
            Place::Section(id) => section_name(*id),
            Place::Custom(name) => format!("custom section \"{name}\""),
            Place::Function(index) => format!("code section, function {index}"),
        })
    }
}

fn malformed(err: wp::BinaryReaderError, section: &Option<Place>) -> LoadError {
    LoadError::from_reader(LoadErrorKind::Malformed, &err, Place::describe(section))
}

fn invalid(err: wp::BinaryReaderError, section: &Option<Place>) -> LoadError {
    LoadError::from_reader(LoadErrorKind::Invalid, &err, Place::describe(section))
}

fn note_table(features: &mut FeatureSet, ty: &TableType) {
    features.note_ref_type(ty.element);
    if ty.index64 {
        features.insert(Feature::Memory64);
    }
}

fn note_memory(features: &mut FeatureSet, ty: &MemoryType) {
    if ty.index64 {
        features.insert(Feature::Memory64);
    }
    if ty.shared {
        features.insert(Feature::Threads);
    }
    if ty.page_size_log2.is_some() {
        features.insert(Feature::CustomPageSizes);
    }
}

fn note_const_expr(features: &mut FeatureSet, expr: &ConstExpr) {
    for feature in expr.ops.iter().filter_map(ConstOp::feature) {
        features.insert(feature);
    }
}

/// Before shared-everything-threads a global's flags byte is its mutability, 0 or 1; `wasmparser`
/// reads bit 1 as the `shared` flag whatever the features (and rejects it in validation), so
/// without the proposal the byte is malformed here, as the specification has it. Returns the
/// offset of the first global so flagged. Entries that do not decode are left to `decode`.
fn shared_global_without_proposal(payload: &Payload<'_>, features: FeatureSet) -> Option<u64> {
    if features.contains(Feature::SharedEverythingThreads) {
        return None;
    }
    match payload {
        Payload::GlobalSection(reader) => reader
            .clone()
            .into_iter_with_offsets()
            .map_while(Result::ok)
            .find(|(_, global)| global.ty.shared)
            .map(|(offset, _)| offset),
        Payload::ImportSection(reader) => reader
            .clone()
            .into_imports_with_offsets()
            .map_while(Result::ok)
            .find(|(_, import)| matches!(import.ty, wp::TypeRef::Global(g) if g.shared))
            .map(|(offset, _)| offset),
        _ => None,
    }
}

fn entity_type(ty: wp::TypeRef) -> EntityType {
    match ty {
        wp::TypeRef::Func(i) | wp::TypeRef::FuncExact(i) => EntityType::Func(i),
        wp::TypeRef::Table(t) => EntityType::Table(convert::table_type(&t)),
        wp::TypeRef::Memory(m) => EntityType::Memory(convert::memory_type(&m)),
        wp::TypeRef::Global(g) => EntityType::Global(convert::global_type(&g)),
        wp::TypeRef::Tag(t) => EntityType::Tag(convert::tag_type(&t)),
    }
}

impl SectionState {
    pub fn new(features: FeatureSet) -> SectionState {
        SectionState {
            validator: Validator::new_with_features(features.to_wasmparser()),
            parts: ModuleParts { validated_with: features, ..ModuleParts::default() },
            section: Some(Place::Header),
            func_allocs: None,
            code_entries_left: 0,
            trust_bodies: false,
        }
    }

    /// Names what starts at byte `pos` of `bytes`, for an error the parser raised there: the next
    /// function body inside the code section, otherwise the section whose id byte is at `pos`.
    pub fn name_position(&self, bytes: &[u8], pos: usize) -> Option<String> {
        if pos < 8 {
            Some("module header".to_string())
        } else if self.code_entries_left > 0 {
            let index = self.parts.num_imported.funcs as usize + self.parts.bodies.len();
            Some(format!("code section, function {index}"))
        } else {
            bytes.get(pos).map(|&id| section_name(id))
        }
    }

    /// Decodes and validates one payload. Returns the function it validated, for code entries;
    /// `Ok(true)` in the second place when the module is complete.
    pub fn payload(
        &mut self,
        payload: Payload<'_>,
    ) -> Result<(Option<ValidatedFunction>, bool), LoadError> {
        use Payload::*;
        match &payload {
            Version { .. } => self.section = Some(Place::Header),
            TypeSection(_) => self.section = Some(Place::Section(1)),
            ImportSection(_) => self.section = Some(Place::Section(2)),
            FunctionSection(_) => self.section = Some(Place::Section(3)),
            TableSection(_) => self.section = Some(Place::Section(4)),
            MemorySection(_) => self.section = Some(Place::Section(5)),
            GlobalSection(_) => self.section = Some(Place::Section(6)),
            ExportSection(_) => self.section = Some(Place::Section(7)),
            StartSection { .. } => self.section = Some(Place::Section(8)),
            ElementSection(_) => self.section = Some(Place::Section(9)),
            CodeSectionStart { count, .. } => {
                self.section = Some(Place::Section(10));
                self.code_entries_left = *count;
            }
            DataSection(_) => self.section = Some(Place::Section(11)),
            DataCountSection { .. } => self.section = Some(Place::Section(12)),
            TagSection(_) => self.section = Some(Place::Section(13)),
            CustomSection(c) => self.section = Some(Place::Custom(c.name().to_string())),
            UnknownSection { id, .. } => self.section = Some(Place::Section(*id)),
            CodeSectionEntry(_) => {
                self.code_entries_left = self.code_entries_left.saturating_sub(1);
                let index = self.parts.num_imported.funcs as usize + self.parts.bodies.len();
                self.section = Some(Place::Function(index));
            }
            End(_) => self.section = None,
            _ => {}
        }
        // Decode first: a decoding error is a malformed module even when the validator would have
        // read the same bytes and complained first.
        if let Some(offset) = shared_global_without_proposal(&payload, self.parts.validated_with) {
            return Err(LoadError {
                kind: LoadErrorKind::Malformed,
                message: "malformed mutability: `shared` needs shared-everything-threads".into(),
                section: Place::describe(&self.section),
                offset: Some(offset),
            });
        }
        self.decode(&payload).map_err(|e| malformed(e, &self.section))?;
        let valid = self.validator.payload(&payload).map_err(|e| invalid(e, &self.section))?;
        match valid {
            ValidPayload::Ok | ValidPayload::Parser(_) => Ok((None, false)),
            ValidPayload::End(_) => {
                self.parts.features = self.parts.features.union_with_counts(&self.parts);
                Ok((None, true))
            }
            ValidPayload::Func(to_validate, body) => {
                if !self.trust_bodies {
                    let allocs = self.func_allocs.take().unwrap_or_default();
                    let mut validator = to_validate.into_validator(allocs);
                    let result = validate_body(&mut validator, &body, &mut self.parts.features);
                    self.func_allocs = Some(validator.into_allocations());
                    result.map_err(|(kind, e)| {
                        LoadError::from_reader(kind, &e, Place::describe(&self.section))
                    })?;
                }
                let range = body.range();
                let body = range.start as usize..range.end as usize;
                let defined_index = self.parts.bodies.len() as u32;
                self.parts.bodies.push(body.clone());
                Ok((
                    Some(ValidatedFunction {
                        defined_index,
                        func_index: self.parts.num_imported.funcs + defined_index,
                        body,
                    }),
                    false,
                ))
            }
        }
    }

    /// Decodes a section's items into the module parts.
    fn decode(&mut self, payload: &Payload<'_>) -> wp::Result<()> {
        let parts = &mut self.parts;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    let group = group?;
                    let start = parts.types.len() as u32;
                    let group_index = parts.rec_groups.len() as u32;
                    if group.is_explicit_rec_group() {
                        parts.features.insert(Feature::Gc);
                    }
                    for ty in group.types() {
                        let ty = convert::sub_type(ty, start);
                        parts.features.note_sub_type(&ty);
                        parts.types.push(ty);
                        parts.type_rec_group.push(group_index);
                    }
                    parts.rec_groups.push(start..parts.types.len() as u32);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import?;
                    let ty = entity_type(import.ty);
                    let counts = &mut parts.num_imported;
                    match ty {
                        EntityType::Func(t) => {
                            counts.funcs += 1;
                            parts.funcs.push(t);
                        }
                        EntityType::Table(t) => {
                            counts.tables += 1;
                            note_table(&mut parts.features, &t);
                            parts.tables.push(t);
                        }
                        EntityType::Memory(m) => {
                            counts.memories += 1;
                            note_memory(&mut parts.features, &m);
                            parts.memories.push(m);
                        }
                        EntityType::Global(g) => {
                            counts.globals += 1;
                            parts.features.note_val_type(g.content);
                            if g.mutable {
                                parts.features.insert(Feature::MutableGlobal);
                            }
                            parts.globals.push(g);
                        }
                        EntityType::Tag(t) => {
                            counts.tags += 1;
                            parts.features.insert(Feature::Exceptions);
                            parts.tags.push(t.func_type);
                        }
                    }
                    let exact = matches!(import.ty, wp::TypeRef::FuncExact(_));
                    if exact {
                        parts.features.insert(Feature::CustomDescriptors);
                    }
                    parts.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        ty,
                        exact,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    parts.funcs.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table?;
                    let ty = convert::table_type(&table.ty);
                    note_table(&mut parts.features, &ty);
                    let init = match table.init {
                        wp::TableInit::RefNull => None,
                        wp::TableInit::Expr(e) => {
                            let e = convert::const_expr(&e)?;
                            parts.features.insert(Feature::FunctionReferences);
                            note_const_expr(&mut parts.features, &e);
                            Some(e)
                        }
                    };
                    parts.tables.push(ty);
                    parts.table_inits.push(init);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader.clone() {
                    let ty = convert::memory_type(&memory?);
                    note_memory(&mut parts.features, &ty);
                    parts.memories.push(ty);
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader.clone() {
                    parts.features.insert(Feature::Exceptions);
                    parts.tags.push(tag?.func_type_idx);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader.clone() {
                    let global = global?;
                    let ty = convert::global_type(&global.ty);
                    parts.features.note_val_type(ty.content);
                    if global.ty.shared {
                        parts.features.insert(Feature::SharedEverythingThreads);
                    }
                    let init = convert::const_expr(&global.init_expr)?;
                    note_const_expr(&mut parts.features, &init);
                    parts.globals.push(ty);
                    parts.global_inits.push(init);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export?;
                    let kind = match export.kind {
                        wp::ExternalKind::Func | wp::ExternalKind::FuncExact => ExternKind::Func,
                        wp::ExternalKind::Table => ExternKind::Table,
                        wp::ExternalKind::Memory => ExternKind::Memory,
                        wp::ExternalKind::Global => ExternKind::Global,
                        wp::ExternalKind::Tag => ExternKind::Tag,
                    };
                    parts.exports.push(Export {
                        name: export.name.to_string(),
                        kind,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => parts.start = Some(*func),
            Payload::ElementSection(reader) => {
                for elem in reader.clone() {
                    let elem = elem?;
                    let mode = match elem.kind {
                        wp::ElementKind::Passive => {
                            parts.features.insert(Feature::BulkMemory);
                            ElemMode::Passive
                        }
                        wp::ElementKind::Declared => {
                            parts.features.insert(Feature::ReferenceTypes);
                            ElemMode::Declared
                        }
                        wp::ElementKind::Active { table_index, offset_expr } => {
                            let offset = convert::const_expr(&offset_expr)?;
                            note_const_expr(&mut parts.features, &offset);
                            ElemMode::Active { table: table_index.unwrap_or(0), offset }
                        }
                    };
                    let (ty, items) = match elem.items {
                        wp::ElementItems::Functions(funcs) => {
                            let funcs = funcs.into_iter().collect::<wp::Result<Box<[u32]>>>()?;
                            (crate::types::RefType::FUNCREF, ElemItems::Funcs(funcs))
                        }
                        wp::ElementItems::Expressions(ty, exprs) => {
                            let ty = convert::ref_type(ty, 0);
                            parts.features.note_ref_type(ty);
                            let mut items = Vec::with_capacity(exprs.count() as usize);
                            for expr in exprs {
                                let expr = convert::const_expr(&expr?)?;
                                note_const_expr(&mut parts.features, &expr);
                                items.push(expr);
                            }
                            (ty, ElemItems::Exprs(items.into()))
                        }
                    };
                    parts.elems.push(ElemSegment { mode, ty, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    let data = data?;
                    let mode = match data.kind {
                        wp::DataKind::Passive => {
                            parts.features.insert(Feature::BulkMemory);
                            DataMode::Passive
                        }
                        wp::DataKind::Active { memory_index, offset_expr } => {
                            let offset = convert::const_expr(&offset_expr)?;
                            note_const_expr(&mut parts.features, &offset);
                            DataMode::Active { memory: memory_index, offset }
                        }
                    };
                    // `data.range` covers the whole segment; its bytes are the tail of it.
                    let end = data.range.end as usize;
                    let range = end - data.data.len()..end;
                    parts.datas.push(DataSegment { mode, range });
                }
            }
            Payload::CustomSection(custom) => {
                let start = custom.data_offset() as usize;
                let range = start..start + custom.data().len();
                parts.custom_sections.push((custom.name().to_string(), range));
                if let wp::KnownCustom::Name(names) = custom.as_known() {
                    // A broken name section does not make a module invalid: keep what decodes.
                    read_names(names, parts);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Collects module and function names, skipping whatever does not decode.
fn read_names(reader: wp::NameSectionReader<'_>, parts: &mut ModuleParts) {
    for name in reader {
        match name {
            Ok(wp::Name::Module { name, .. }) => parts.names.module = Some(name.to_string()),
            Ok(wp::Name::Function(map)) => {
                for naming in map.into_iter().flatten() {
                    parts.names.funcs.insert(naming.index, naming.name.to_string());
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
}

/// Validates one function body operator by operator, noting the feature of each.
fn validate_body(
    validator: &mut wp::FuncValidator<wp::ValidatorResources>,
    body: &wp::FunctionBody<'_>,
    features: &mut FeatureSet,
) -> Result<(), (LoadErrorKind, wp::BinaryReaderError)> {
    let malformed = |e| (LoadErrorKind::Malformed, e);
    let invalid = |e| (LoadErrorKind::Invalid, e);
    let mut locals = body.get_locals_reader().map_err(malformed)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, ty) = locals.read().map_err(malformed)?;
        features.note_val_type(convert::val_type(ty));
        validator.define_locals(offset, count, ty).map_err(invalid)?;
    }
    let mut reader = locals.get_binary_reader();
    reader.set_features(*validator.features());
    let mut ops = wp::OperatorsReader::new(reader);
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().map_err(malformed)?;
        features.note_operator(&op);
        note_operator_types(&op, features);
        validator.op(offset, &op).map_err(invalid)?;
    }
    ops.finish().map_err(malformed)?;
    Ok(())
}

/// Features an instruction needs because of the types it names rather than its opcode.
fn note_operator_types(op: &wp::Operator<'_>, features: &mut FeatureSet) {
    match op {
        wp::Operator::Block { blockty }
        | wp::Operator::Loop { blockty }
        | wp::Operator::If { blockty } => match blockty {
            wp::BlockType::Empty => {}
            wp::BlockType::Type(t) => features.note_val_type(convert::val_type(*t)),
            wp::BlockType::FuncType(_) => features.insert(Feature::MultiValue),
        },
        wp::Operator::TypedSelect { ty } => features.note_val_type(convert::val_type(*ty)),
        wp::Operator::TypedSelectMulti { tys } => {
            for ty in tys {
                features.note_val_type(convert::val_type(*ty));
            }
        }
        wp::Operator::RefNull { hty } => features.note_ref_type(crate::types::RefType {
            nullable: true,
            heap: convert::heap_type(*hty, 0),
        }),
        _ => {}
    }
}

impl FeatureSet {
    /// Adds the features implied by how many memories and tables the module has.
    pub(crate) fn union_with_counts(mut self, parts: &ModuleParts) -> FeatureSet {
        if parts.memories.len() > 1 {
            self.insert(Feature::MultiMemory);
        }
        if parts.tables.len() > 1 {
            self.insert(Feature::ReferenceTypes);
        }
        self
    }
}
