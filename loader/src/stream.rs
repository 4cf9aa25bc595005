//! Loading from bytes, from text, and from a stream of chunks.
//!
//! There is one path: whole inputs are fed to the same [`StreamingLoader`] as a single chunk, so a
//! module fed one byte at a time yields the same [`Module`] and the same errors as one fed whole.

use std::sync::Arc;

use wasmparser::{Chunk, Parser};

use crate::error::{LoadError, LoadErrorKind};
use crate::features::FeatureSet;
use crate::module::Module;
use crate::sections::{Place, SectionState, ValidatedFunction};

/// The features to read an already validated function body with: every proposal the loader can
/// validate. Reading with more proposals enabled decodes a body that a narrower set accepted in
/// exactly the same way (proposals only give meaning to encodings that were errors before), so
/// tiers need not know which set a module was validated with.
pub fn validation_features() -> wasmparser::WasmFeatures {
    FeatureSet::ALL.to_wasmparser()
}

/// Loads a module from bytes that are either the binary format or the text format, validating
/// with the WebAssembly 3.0 features ([`FeatureSet::WASM3`]).
pub fn load(bytes: &[u8]) -> Result<Module, LoadError> {
    load_with(bytes, FeatureSet::WASM3)
}

/// Loads a module in the binary format, validating with the WebAssembly 3.0 features.
pub fn load_binary(bytes: &[u8]) -> Result<Module, LoadError> {
    load_binary_with(bytes, FeatureSet::WASM3)
}

/// Assembles a module in the text format (`.wat`) and loads the result, validating with the
/// WebAssembly 3.0 features.
pub fn load_text(text: &str) -> Result<Module, LoadError> {
    load_text_with(text, FeatureSet::WASM3)
}

/// Loads a module, binary or text, that may use only the proposals in `features`: one using
/// another is invalid, with `wasmparser`'s message naming the proposal.
pub fn load_with(bytes: &[u8], features: FeatureSet) -> Result<Module, LoadError> {
    if bytes.starts_with(b"\0asm") {
        return load_binary_with(bytes, features);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => load_text_with(text, features),
        // Not text: report it as a binary that lacks its header.
        Err(_) => load_binary_with(bytes, features),
    }
}

/// Loads a module in the binary format that may use only the proposals in `features`.
pub fn load_binary_with(bytes: &[u8], features: FeatureSet) -> Result<Module, LoadError> {
    let mut loader = StreamingLoader::with_features(features);
    loader.push(bytes)?;
    loader.finish()
}

/// Loads a module in the binary format whose function bodies this build of Silo validated
/// before, with `features`, finding that they use `used` (the earlier module's
/// [`Module::features`]): the sections are validated again, the bodies are not. For modules
/// whose compiled code is trusted already (Silo's cache of native code) or whose exact bytes
/// this build validated before (a mark in that cache, by SHA-256); the tiers trust the bodies,
/// so bytes of any other origin must go through [`load_binary_with`].
pub fn load_binary_revalidating_sections(
    bytes: &[u8],
    features: FeatureSet,
    used: FeatureSet,
) -> Result<Module, LoadError> {
    let mut loader = StreamingLoader::with_features(features);
    loader.state.trust_bodies = true;
    loader.state.parts.features = used;
    loader.load_whole(bytes)
}

/// Assembles a module in the text format and loads the result, allowing only the proposals in
/// `features`.
pub fn load_text_with(text: &str, features: FeatureSet) -> Result<Module, LoadError> {
    let binary = assemble(text)?;
    load_binary_with(&binary, features)
}

/// Assembles text-format source into the binary format, with a one-line error naming the line and
/// column of the problem.
pub fn assemble(text: &str) -> Result<Vec<u8>, LoadError> {
    let text_error = |e: wast::Error| {
        let (line, col) = e.span().linecol_in(text);
        LoadError {
            kind: LoadErrorKind::Text,
            message: e.message(),
            section: Some(format!("line {}, column {}", line + 1, col + 1)),
            offset: None,
        }
    };
    let buf = wast::parser::ParseBuffer::new(text).map_err(text_error)?;
    let mut wat = wast::parser::parse::<wast::Wat>(&buf).map_err(text_error)?;
    wat.encode().map_err(text_error)
}

/// Loads a module from chunks of bytes as they arrive, validating each function body as soon as
/// all of its bytes are there.
pub struct StreamingLoader {
    parser: Parser,
    state: SectionState,
    /// Every byte received so far.
    buf: Vec<u8>,
    /// How many of them the parser has consumed.
    pos: usize,
    /// The parser asked for at least this many bytes in `buf` before trying again.
    wanted: usize,
    done: bool,
    /// The first error; every later call repeats it.
    failed: Option<LoadError>,
}

impl Default for StreamingLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamingLoader {
    /// A loader waiting for the first bytes of a binary module, validating with the WebAssembly
    /// 3.0 features.
    pub fn new() -> StreamingLoader {
        StreamingLoader::with_features(FeatureSet::WASM3)
    }

    /// A loader waiting for the first bytes of a binary module that may use only the proposals
    /// in `features`.
    pub fn with_features(features: FeatureSet) -> StreamingLoader {
        let mut parser = Parser::new(0);
        parser.set_features(features.to_wasmparser());
        StreamingLoader {
            parser,
            state: SectionState::new(features),
            buf: Vec::new(),
            pos: 0,
            wanted: 0,
            done: false,
            failed: None,
        }
    }

    /// Feeds the next chunk. Returns the function bodies that became complete and valid with it.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<ValidatedFunction>, LoadError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        if self.done && !chunk.is_empty() {
            let err = LoadError {
                kind: LoadErrorKind::Malformed,
                message: "unexpected bytes after the end of the module".into(),
                section: None,
                offset: Some(self.buf.len() as u64),
            };
            self.failed = Some(err.clone());
            return Err(err);
        }
        self.buf.extend_from_slice(chunk);
        if self.buf.len() < self.wanted {
            return Ok(Vec::new());
        }
        self.advance(false)
    }

    /// Bytes received so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The module as far as it has arrived, once its code section has begun: every section
    /// before it, and the bodies validated so far (`bodies` is shorter than the function
    /// section declares). It lacks what follows the code section (data segments, names), so it
    /// serves to compile the functions already here while the rest downloads, never to run.
    /// Copies the bytes received so far.
    pub fn partial_module(&self) -> Option<Module> {
        if self.failed.is_some() || self.state.parts.bodies.is_empty() {
            return None;
        }
        let mut parts = self.state.parts.clone();
        parts.bytes = Arc::from(&self.buf[..]);
        Some(Module::from_parts(parts))
    }

    /// Signals the end of the input and returns the validated module.
    pub fn finish(mut self) -> Result<Module, LoadError> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        self.advance(true)?;
        if !self.done {
            return Err(LoadError {
                kind: LoadErrorKind::Malformed,
                message: "unexpected end of module".into(),
                section: Place::describe(&self.state.section),
                offset: Some(self.buf.len() as u64),
            });
        }
        let mut parts = self.state.parts;
        parts.bytes = Arc::from(self.buf);
        Ok(Module::from_parts(parts))
    }

    /// A fresh loader given the whole module at once: parsed where it is, and copied once, into
    /// the module (pushing it would copy it into the loader first).
    fn load_whole(mut self, bytes: &[u8]) -> Result<Module, LoadError> {
        self.advance_over(bytes, true)?;
        if !self.done {
            return Err(LoadError {
                kind: LoadErrorKind::Malformed,
                message: "unexpected end of module".into(),
                section: Place::describe(&self.state.section),
                offset: Some(bytes.len() as u64),
            });
        }
        let mut parts = self.state.parts;
        parts.bytes = Arc::from(bytes);
        Ok(Module::from_parts(parts))
    }

    fn advance(&mut self, eof: bool) -> Result<Vec<ValidatedFunction>, LoadError> {
        let result = self.advance_inner(eof);
        if let Err(err) = &result {
            self.failed = Some(err.clone());
        }
        result
    }

    fn advance_inner(&mut self, eof: bool) -> Result<Vec<ValidatedFunction>, LoadError> {
        let buf = std::mem::take(&mut self.buf);
        let result = self.advance_over(&buf, eof);
        self.buf = buf;
        result
    }

    /// Parses on in `buf`, every byte received so far (the loader's own, or the whole module).
    fn advance_over(&mut self, buf: &[u8], eof: bool) -> Result<Vec<ValidatedFunction>, LoadError> {
        let mut ready = Vec::new();
        while !self.done {
            let data = &buf[self.pos..];
            let chunk = match self.parser.parse(data, eof) {
                Ok(chunk) => chunk,
                Err(err) => {
                    let section = self.state.name_position(buf, self.pos);
                    return Err(LoadError::from_reader(LoadErrorKind::Malformed, &err, section));
                }
            };
            match chunk {
                Chunk::NeedMoreData(hint) => {
                    self.wanted = buf.len().saturating_add(hint);
                    break;
                }
                Chunk::Parsed { consumed, payload } => {
                    let (func, done) = self.state.payload(payload)?;
                    ready.extend(func);
                    self.done = done;
                    self.pos += consumed;
                }
            }
        }
        Ok(ready)
    }
}

#[cfg(test)]
mod trusted_tests {
    use super::*;
    use crate::Feature;

    #[test]
    fn revalidating_sections_keeps_their_checks_and_the_features_given() {
        let good = assemble("(module (func (export \"f\") (result i32) i32.const 1))").unwrap();
        let used = FeatureSet::of(&[Feature::Simd]);
        let m = load_binary_revalidating_sections(&good, FeatureSet::WASM3, used).unwrap();
        assert!(m.features.contains(Feature::Simd), "the features found before are kept");
        assert_eq!(m.num_defined_funcs(), 1);
        // A section that does not validate is refused as ever: a global of the wrong type.
        let bad = assemble("(module (global i32 (i64.const 0)))").unwrap();
        let e = load_binary_revalidating_sections(&bad, FeatureSet::WASM3, used);
        assert!(e.unwrap_err().to_string().contains("type mismatch"), "a bad global is refused");
    }
}
