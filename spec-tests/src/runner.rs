//! Runs the directives of one `.wast` file against an engine and reports each one's outcome.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use silo_core::{Engine, Error, Instance, Linker, Module, SharedMemory, Store, TrapCode, Val};
use silo_loader::LoadErrorKind;
use wast::core::WastRetCore;
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, QuoteWatTest, Wast, WastDirective, WastExecute, WastInvoke, WastRet};

use crate::errors::{self, ErrorCheck, Rejection};
use crate::{spectest, values};

/// The outcome of one directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// 1-based line of the directive in its file.
    pub line: usize,
    /// The directive's kind, as written (`assert_return`...).
    pub kind: &'static str,
    /// `Err` holds why the directive failed.
    pub result: Result<(), String>,
    /// For a directive expecting a rejection that got one: how it compares with the reason
    /// named.
    pub check: Option<Rejection>,
}

/// The outcomes of a file's directives, in order.
#[derive(Clone, Debug, Default)]
pub struct FileResult {
    /// Outcomes, in file order.
    pub outcomes: Vec<Outcome>,
}

impl FileResult {
    /// How many directives passed.
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_ok()).count()
    }

    /// The directives that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.result.is_err())
    }
}

/// Runs `text`, the contents of a `.wast` file, on a fresh store of `engine`.
pub fn run_wast(text: &str, engine: &Engine) -> FileResult {
    run_wast_timed(text, engine, None)
}

/// [`run_wast`] with a deadline of `timeout` for each directive, when the engine is
/// interruptible: a directive that runs longer (a loop without end) fails with the timeout trap
/// and the script goes on with the next.
pub fn run_wast_timed(text: &str, engine: &Engine, timeout: Option<Duration>) -> FileResult {
    run_wast_with(text, engine, timeout, false)
}

/// [`run_wast_timed`]; with `reload_native`, every module is compiled whole to native code,
/// saved (`Module::serialize`) and loaded back (`Module::deserialize`) before it runs, as the
/// compiled-code cache and `silo compile` do.
pub(crate) fn run_wast_with(
    text: &str,
    engine: &Engine,
    timeout: Option<Duration>,
    reload_native: bool,
) -> FileResult {
    let unfolded = crate::legacy::unfold(text);
    let text: &str = &unfolded;
    let parse_failure = |e: wast::Error| {
        let (line, _) = e.span().linecol_in(text);
        FileResult {
            outcomes: vec![Outcome {
                line: line + 1,
                kind: "parse",
                result: Err(format!("cannot parse the script: {}", e.message())),
                check: None,
            }],
        }
    };
    let mut lexer = Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(e) => return parse_failure(e),
    };
    let wast = match parser::parse::<Wast>(&buf) {
        Ok(wast) => wast,
        Err(e) => return parse_failure(e),
    };
    let mut runner = Runner::new(engine);
    runner.reload_native = reload_native;
    let outcomes = std::thread::scope(|scope| {
        crate::threads::run_directives(&mut runner, wast.directives, text, timeout, scope)
    });
    FileResult { outcomes }
}

/// Runs one directive (not `thread` or `wait`, which `threads::run_directives` runs) with
/// `timeout`: its outcome, a panic being a failure.
pub(crate) fn run_one(
    runner: &mut Runner,
    directive: WastDirective<'_>,
    text: &str,
    timeout: Option<Duration>,
) -> Outcome {
    if timeout.is_some() {
        // Refused only by an engine that is not interruptible: then no deadline.
        let _ = runner.store.set_timeout(timeout);
    }
    let (line, _) = directive.span().linecol_in(text);
    let kind = kind_of(&directive);
    let outcome =
        catch_unwind(AssertUnwindSafe(|| runner.directive(directive))).unwrap_or_else(|panic| {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panic: {msg}"))
        });
    let check = runner.check.take();
    Outcome { line: line + 1, kind, result: outcome, check }
}

pub(crate) fn kind_of(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
    }
}

/// An instance, or why there is none (its module failed earlier).
type Slot = Result<Instance, String>;

pub(crate) struct Runner {
    pub(crate) store: Store<()>,
    linker: Linker<()>,
    engine: Engine,
    /// The most recent module instance.
    current: Option<Slot>,
    /// Instances by `$name`.
    named: HashMap<String, Slot>,
    /// Module definitions by `$name`, and the last one.
    definitions: HashMap<String, Result<Module, String>>,
    last_definition: Option<Result<Module, String>>,
    /// Names whose `register` failed, with the reason (imports from them fail for that reason).
    broken: HashMap<String, String>,
    /// How the last directive's rejection compared with the reason it names.
    check: Option<Rejection>,
    /// In a `thread`: the shared memories of the module instances it shares with the script
    /// that started it, by instance name (`register` of such a name defines them).
    pub(crate) shared: HashMap<String, Vec<(String, SharedMemory)>>,
    /// Modules are saved as native code and loaded back before they run (`run_wast_with`).
    pub(crate) reload_native: bool,
}

/// Rules of Wasm 1.0 that later standards dropped, by the message of the assertion that tests
/// them: the oldest test files (the `mutable-global` proposal's) still expect these modules to
/// be unlinkable, and Silo follows the current rule whatever the features (as the suite's own
/// `wasm-v1` files, updated to it, expect).
fn obsolete_rule(message: &str) -> Option<&'static str> {
    Some(match message {
        "elements segment does not fit" | "data segment does not fit" => {
            "obsolete test: since bulk memory (Wasm 2.0) an out-of-bounds segment traps during \
             instantiation instead of failing to link"
        }
        _ => return None,
    })
}

/// Binary bytes of a module in a directive: encoded from text, or quoted text assembled. The
/// error is the text's problem, as `invalid text module: <message>`.
fn module_bytes(module: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    let text_error = |message: String| format!("{}: {message}", LoadErrorKind::Text);
    match module.to_test().map_err(|e| text_error(e.message()))? {
        QuoteWatTest::Binary(bytes) => Ok(bytes),
        QuoteWatTest::Text(text) => {
            let text = String::from_utf8(text).map_err(|e| text_error(e.to_string()))?;
            silo_loader::assemble(&text).map_err(|e| e.to_string())
        }
    }
}

fn module_name(module: &QuoteWat<'_>) -> Option<String> {
    match module {
        QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
        _ => None,
    }
}

/// A module saved by `Module::serialize` in this process, loaded back.
#[allow(unsafe_code)]
fn reload(engine: &Engine, saved: &[u8]) -> Result<Module, Error> {
    // SAFETY: `saved` was made by `serialize` in this process, for this engine.
    unsafe { Module::deserialize(engine, saved) }
}

fn trap_message(e: &Error) -> Option<(TrapCode, String)> {
    e.as_trap().map(|t| (t.code(), t.message().to_string()))
}

impl Runner {
    pub(crate) fn new(engine: &Engine) -> Runner {
        let mut store = Store::new(engine, ());
        // A metering engine gets all the fuel there is: the suite tests the checks change nothing.
        if store.get_fuel().is_ok() {
            store.set_fuel(u64::MAX).expect("the engine meters fuel");
        }
        let mut linker = Linker::new(engine);
        linker.allow_shadowing(true);
        spectest::define(&mut linker, &mut store).expect("the spectest module is well-formed");
        Runner {
            store,
            linker,
            engine: engine.clone(),
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            broken: HashMap::new(),
            check: None,
            shared: HashMap::new(),
            reload_native: false,
        }
    }

    /// The engine the script runs on.
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Instance `name` (the current one for `None`), or why there is none.
    pub(crate) fn named_instance(&self, name: Option<&str>) -> Result<Instance, String> {
        self.instance(name)
    }

    fn compile(&self, module: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = module_bytes(module)?;
        let module = Module::from_binary(&self.engine, &bytes).map_err(|e| e.to_string())?;
        if !self.reload_native {
            return Ok(module);
        }
        let saved = module.serialize().map_err(|e| e.to_string())?;
        reload(&self.engine, &saved).map_err(|e| e.to_string())
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, Error> {
        self.linker.instantiate(&mut self.store, module)
    }

    /// The reason for an error, blaming a failed registration when an import names one.
    fn explain(&self, e: &Error) -> String {
        if let Error::Link(msg) = e {
            let module = msg.strip_prefix("unknown import: `").and_then(|m| m.split("::").next());
            if let Some(reason) = module.and_then(|m| self.broken.get(m)) {
                return reason.clone();
            }
        }
        e.to_string()
    }

    fn instantiate_explained(&mut self, module: &Module) -> Result<Instance, String> {
        self.instantiate(module).map_err(|e| self.explain(&e))
    }

    fn set_current(&mut self, name: Option<String>, slot: Slot) {
        if let Some(name) = name {
            self.named.insert(name, slot.clone());
        }
        self.current = Some(slot);
    }

    fn instance(&self, name: Option<&str>) -> Result<Instance, String> {
        let slot = match name {
            Some(n) => self.named.get(n).ok_or_else(|| format!("no module named ${n}"))?,
            None => self.current.as_ref().ok_or("no module defined yet")?,
        };
        slot.clone()
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module_name(&module);
                let slot = self.compile(&mut module).and_then(|m| self.instantiate_explained(&m));
                self.set_current(name, slot.clone());
                slot.map(|_| ())
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module_name(&module);
                let def = self.compile(&mut module);
                if let Some(name) = name {
                    self.definitions.insert(name, def.clone());
                }
                self.last_definition = Some(def.clone());
                def.map(|_| ())
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let def = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                }
                .ok_or("no such module definition")?;
                let slot = def.and_then(|m| self.instantiate_explained(&m));
                self.set_current(instance.map(|i| i.name().to_string()), slot.clone());
                slot.map(|_| ())
            }
            WastDirective::Register { name, module, .. } => {
                if let Some(memories) = module.and_then(|m| self.shared.get(m.name())).cloned() {
                    for (export, memory) in memories {
                        let item = memory.to_memory(&mut self.store).map_err(|e| e.to_string())?;
                        self.linker
                            .define(&self.store, name, &export, item)
                            .map_err(|e| e.to_string())?;
                    }
                    return Ok(());
                }
                let instance = match self.instance(module.map(|m| m.name())) {
                    Ok(i) => i,
                    Err(reason) => {
                        self.broken.insert(name.to_string(), reason.clone());
                        return Err(reason);
                    }
                };
                self.broken.remove(name);
                self.linker.instance(&self.store, name, instance).map_err(|e| e.to_string())?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke) {
                Ok(_) => Ok(()),
                Err(Failure::Other(reason)) => Err(reason),
                Err(Failure::Error(e)) => Err(format!("unexpected error: {e}")),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Err(Failure::Error(e)) => match trap_message(&e) {
                    Some((TrapCode::StackOverflow, _)) => Ok(()),
                    _ => Err(format!("expected exhaustion ({message}), got: {e}")),
                },
                Err(Failure::Other(reason)) => Err(reason),
                Ok(_) => Err(format!("expected exhaustion ({message}), but the call returned")),
            },
            WastDirective::AssertInvalid { mut module, message, .. }
            | WastDirective::AssertMalformed { mut module, message, .. } => {
                let rejection = self.rejection(&mut module, message)?;
                self.judge(message, &rejection)
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let mut module = QuoteWat::Wat(module);
                let module = self.compile(&mut module)?;
                match self.instantiate(&module) {
                    Err(e @ Error::Link(_)) => match self.explain(&e) {
                        reason if reason == e.to_string() => Ok(()),
                        reason => Err(reason),
                    },
                    Err(e) => Err(obsolete_rule(message).map_or_else(
                        || format!("expected a link error ({message}), got: {e}"),
                        str::to_string,
                    )),
                    Ok(_) => Err(format!("expected a link error ({message}), but it linked")),
                }
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(_) => Err("expected an uncaught exception, but it succeeded".into()),
                Err(Failure::Other(reason)) => Err(reason),
                Err(Failure::Error(e)) => match trap_message(&e) {
                    Some((TrapCode::UncaughtException, _)) => {
                        // The exception stays with the store for the host; this one is done.
                        self.store.take_pending_exception();
                        Ok(())
                    }
                    _ => Err(format!("expected an uncaught exception, got: {e}")),
                },
            },
            WastDirective::AssertSuspension { .. } => {
                Err("unsupported feature: stack-switching (assert_suspension)".into())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Err("`thread` and `wait` are run by `threads::run_directives`".into())
            }
            WastDirective::AssertMalformedCustom { mut module, message, .. } => {
                self.custom_rejection(&mut module, message, LoadErrorKind::Malformed)
            }
            WastDirective::AssertInvalidCustom { mut module, message, .. } => {
                self.custom_rejection(&mut module, message, LoadErrorKind::Invalid)
            }
        }
    }

    /// Why a module the test expects to be rejected was: its text did not assemble, or it did
    /// not load. Fails when it loaded.
    fn rejection(&self, module: &mut QuoteWat<'_>, message: &str) -> Result<String, String> {
        let bytes = match module_bytes(module) {
            Ok(bytes) => bytes,
            Err(text_error) => return Ok(text_error),
        };
        match Module::from_binary(&self.engine, &bytes) {
            Err(Error::Load(e)) => Ok(format!("{}: {}", e.kind, e.message)),
            Err(e) => Err(format!("expected rejection ({message}), got: {e}")),
            Ok(_) => Err(obsolete_rule(message).map_or_else(
                || format!("expected rejection ({message}), but the module loaded"),
                str::to_string,
            )),
        }
    }

    /// Passes a rejection unless its reason is not the one the test names.
    fn judge(&mut self, message: &str, rejection: &str) -> Result<(), String> {
        let check = errors::check(message, rejection);
        self.check =
            Some(Rejection { check, expected: message.to_string(), actual: rejection.to_string() });
        match check {
            ErrorCheck::Wrong => {
                Err(format!("wrong error: expected \"{message}\", got \"{rejection}\""))
            }
            ErrorCheck::Matches | ErrorCheck::Unchecked => Ok(()),
        }
    }

    /// `assert_malformed_custom` and `assert_invalid_custom`: the module is valid, but its text
    /// annotations do not assemble, or a custom section it has is malformed or invalid (`kind`)
    /// by the rules of the custom section's own specification.
    fn custom_rejection(
        &mut self,
        module: &mut QuoteWat<'_>,
        message: &str,
        kind: LoadErrorKind,
    ) -> Result<(), String> {
        let bytes = match module_bytes(module) {
            Ok(bytes) => bytes,
            Err(text_error) if kind == LoadErrorKind::Malformed => {
                return self.judge(message, &text_error);
            }
            Err(text_error) => return Err(format!("expected a valid module, got: {text_error}")),
        };
        // The module itself must be valid: only its custom sections are at fault.
        let module = silo_loader::load_binary_with(&bytes, self.engine.features())
            .map_err(|e| format!("expected a valid module, got: {e}"))?;
        let fault = if kind == LoadErrorKind::Malformed { "malformed" } else { "invalid" };
        match silo_loader::check_custom_sections(&module) {
            Err(e) if e.kind == kind => self.judge(message, &e.message),
            Err(e) => Err(format!("expected a {fault} custom section ({message}), got: {e}")),
            Ok(()) => {
                Err(format!("expected a {fault} custom section ({message}), but all are fine"))
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, Failure> {
        let instance = self.instance(invoke.module.map(|m| m.name())).map_err(Failure::Other)?;
        let func = instance
            .get_func(&self.store, invoke.name)
            .ok_or_else(|| Failure::Other(format!("no exported function `{}`", invoke.name)))?;
        let mut args = Vec::with_capacity(invoke.args.len());
        for a in &invoke.args {
            args.push(values::arg(&mut self.store, a).map_err(Failure::Other)?);
        }
        let ty = func.ty(&self.store);
        let mut results: Vec<Val> = ty.results.iter().map(|&t| Val::default_for(t)).collect();
        func.call(&mut self.store, &args, &mut results).map_err(Failure::Error)?;
        Ok(results)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, Failure> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module.map(|m| m.name())).map_err(Failure::Other)?;
                let g = instance
                    .get_global(&self.store, global)
                    .ok_or_else(|| Failure::Other(format!("no exported global `{global}`")))?;
                Ok(vec![g.get(&self.store)])
            }
            WastExecute::Wat(module) => {
                let mut module = QuoteWat::Wat(module);
                let module = self.compile(&mut module).map_err(Failure::Other)?;
                match self.instantiate(&module) {
                    Ok(_) => Ok(Vec::new()),
                    Err(e) if e.as_trap().is_some() => Err(Failure::Error(e)),
                    Err(e) => Err(Failure::Other(self.explain(&e))),
                }
            }
        }
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[WastRet<'_>],
    ) -> Result<(), String> {
        let actual = match self.execute(exec) {
            Ok(v) => v,
            Err(Failure::Other(reason)) => return Err(reason),
            Err(Failure::Error(e)) => return Err(format!("unexpected error: {e}")),
        };
        if actual.len() != expected.len() {
            return Err(format!("expected {} results, got {}", expected.len(), actual.len()));
        }
        for (i, (e, a)) in expected.iter().zip(&actual).enumerate() {
            if !values::matches(&self.store, e, a)? {
                let want = match e {
                    WastRet::Core(WastRetCore::I32(v)) => format!("i32:{v}"),
                    WastRet::Core(WastRetCore::I64(v)) => format!("i64:{v}"),
                    _ => "the expected value".to_string(),
                };
                return Err(format!(
                    "result {i}: expected {want}, got {}",
                    values::describe(&self.store, a)
                ));
            }
        }
        Ok(())
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<(), String> {
        match self.execute(exec) {
            Ok(_) => Err(format!("expected trap `{message}`, but it succeeded")),
            Err(Failure::Other(reason)) => Err(reason),
            Err(Failure::Error(e)) => match trap_message(&e) {
                Some((_, actual)) if actual.contains(message) => Ok(()),
                _ => Err(format!("expected trap `{message}`, got: {e}")),
            },
        }
    }
}

/// Why an invocation did not return values.
enum Failure {
    /// The runtime reported an error (a trap, usually).
    Error(Error),
    /// The directive could not be run (no such module, an unsupported value...).
    Other(String),
}
