//! Modules that arrive in pieces: [`ModuleStream`] validates a binary module chunk by chunk as its
//! bytes arrive (a download, a pipe), so that when the last byte is in, all that is left is to
//! finish the module. [`Module::from_reader`] drives one from any [`Read`].
//!
//! The binary format is validated as it streams; the text format cannot be (it must be assembled
//! whole), so a stream whose first byte is not the binary magic's is gathered and assembled at
//! the end, with the same errors as [`Module::new`].

use std::io::Read;

use silo_loader::StreamingLoader;

use crate::engine::Engine;
use crate::error::Error;
use crate::module::Module;
use crate::stream_compile::StreamCompiler;

/// How many bytes [`Module::from_reader`] asks its reader for at a time.
const READ_CHUNK: usize = 64 * 1024;

/// A module being received: feed it chunks with [`ModuleStream::push`] as they arrive, then
/// [`ModuleStream::finish`] it. Each function body is validated as soon as all of its bytes are
/// there; the first error stops the stream and every later call repeats it.
pub struct ModuleStream {
    engine: Engine,
    input: Input,
    received: u64,
    functions_validated: usize,
    /// `Jit` strategy: compiles the functions validated so far in the background.
    native: Option<StreamCompiler>,
}

/// What the stream has learnt of its input's format.
enum Input {
    /// No byte yet.
    Unknown,
    /// The binary format, validated as it arrives.
    Binary(Box<StreamingLoader>),
    /// Anything else: gathered, and assembled (or refused) at the end.
    Text(Vec<u8>),
}

impl ModuleStream {
    /// A stream for a module compiled for `engine`, validated with the proposals it enables.
    pub fn new(engine: &Engine) -> ModuleStream {
        ModuleStream {
            engine: engine.clone(),
            input: Input::Unknown,
            received: 0,
            functions_validated: 0,
            native: None,
        }
    }

    /// Feeds the next bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if chunk.is_empty() {
            return Ok(());
        }
        self.received += chunk.len() as u64;
        if let Input::Unknown = self.input {
            // Every binary module starts with a zero byte (`\0asm`); text never does.
            self.input = if chunk[0] == 0 {
                let loader = StreamingLoader::with_features(self.engine.features());
                self.native = StreamCompiler::for_engine(&self.engine);
                Input::Binary(Box::new(loader))
            } else {
                Input::Text(Vec::new())
            };
        }
        match &mut self.input {
            Input::Binary(loader) => {
                let funcs = loader.push(chunk)?;
                self.functions_validated += funcs.len();
                if let Some(native) = &mut self.native {
                    native.validated(loader, &funcs);
                }
            }
            Input::Text(text) => text.extend_from_slice(chunk),
            Input::Unknown => unreachable!("set above"),
        }
        Ok(())
    }

    /// Bytes fed so far.
    pub fn bytes_received(&self) -> u64 {
        self.received
    }

    /// Function bodies validated so far (always 0 for the text format, validated at the end).
    pub fn functions_validated(&self) -> usize {
        self.functions_validated
    }

    /// Ends the input: the module, compiled for the stream's engine. Under the `Jit` strategy
    /// this waits for the functions sent to the background compiler, and the module starts with
    /// their native code.
    pub fn finish(self) -> Result<Module, Error> {
        let info = match self.input {
            Input::Binary(loader) => loader.finish()?,
            Input::Text(bytes) => silo_loader::load_with(&bytes, self.engine.features())?,
            Input::Unknown => silo_loader::load_with(&[], self.engine.features())?,
        };
        match self.native.and_then(StreamCompiler::finish) {
            Some(pre) => Module::from_loaded_precompiled(&self.engine, info, pre),
            None => Module::from_loaded(&self.engine, info),
        }
    }
}

impl Module {
    /// Reads a module, binary or text, from a byte stream to its end, validating a binary one
    /// as it arrives. A read error ends it with [`Error::Read`].
    pub fn from_reader(engine: &Engine, mut reader: impl Read) -> Result<Module, Error> {
        let mut stream = ModuleStream::new(engine);
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return stream.finish(),
                Ok(n) => stream.push(&buf[..n])?,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::Read(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::default()
    }

    const WAT: &str = r#"(module (func (export "f") (result i32) i32.const 7)
                                 (func (export "g") (result i32) i32.const 8))"#;

    #[test]
    fn a_binary_fed_a_byte_at_a_time_validates_its_functions_as_they_arrive() {
        let bytes = silo_loader::assemble(WAT).unwrap();
        let mut stream = ModuleStream::new(&engine());
        let mut seen = Vec::new();
        for b in &bytes {
            stream.push(std::slice::from_ref(b)).unwrap();
            seen.push(stream.functions_validated());
        }
        // Both bodies were validated before the end of the input was signalled.
        assert_eq!(stream.functions_validated(), 2);
        assert_eq!(seen.first(), Some(&0));
        assert_eq!(stream.bytes_received(), bytes.len() as u64);
        let module = stream.finish().unwrap();
        assert_eq!(module.exports().len(), 2);
    }

    #[test]
    fn text_is_gathered_and_assembled_at_the_end() {
        let module = Module::from_reader(&engine(), WAT.as_bytes()).unwrap();
        assert_eq!(module.exports().len(), 2);
    }

    #[test]
    fn a_truncated_binary_is_a_load_error_and_a_reader_error_is_a_read_error() {
        let bytes = silo_loader::assemble(WAT).unwrap();
        let e = Module::from_reader(&engine(), &bytes[..bytes.len() - 3]).unwrap_err();
        assert!(matches!(e, Error::Load(_)), "{e}");

        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer"))
            }
        }
        let e = Module::from_reader(&engine(), Broken).unwrap_err();
        assert_eq!(e.to_string(), "cannot read the module: reset by peer");
    }

    #[test]
    fn an_error_stops_the_stream_at_the_chunk_that_has_it() {
        let mut stream = ModuleStream::new(&engine());
        let e = stream.push(b"\0asm\x09\0\0\0").unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
        assert!(stream.push(b"more").is_err());
    }
}
