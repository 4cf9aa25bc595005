//! `wasi_snapshot_preview1` as a guest sees it: every function of the interface is there with
//! the signature of its witx definition, and a guest gets only what the host granted.

use silo_core::{Engine, Linker, Module, Store};
use silo_wasi::{OutputBuffer, WasiCtx, WasiCtxBuilder, add_to_linker};

mod common;

use common::ALL_IMPORTS;

struct Host {
    wasi: WasiCtx,
}

fn instantiate(body: &str, wasi: WasiCtx) -> (Store<Host>, silo_core::Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, format!("(module {body})")).unwrap();
    let mut store = Store::new(&engine, Host { wasi });
    let mut linker = Linker::new(&engine);
    add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn every_preview1_function_links() {
    let module = format!("{ALL_IMPORTS} (memory (export \"memory\") 1)");
    instantiate(&module, WasiCtxBuilder::new().build());
}

#[test]
fn a_guest_writes_only_where_it_was_pointed_and_gets_efault_past_its_memory() {
    let out = OutputBuffer::new();
    let wasi = WasiCtxBuilder::new().stdout(out.clone()).build();
    let (mut store, instance) = instantiate(
        r#"(import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
           (memory (export "memory") 1)
           (data (i32.const 8) "hi!\n")
           (func (export "ok") (result i32)
             (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const 4))
             (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100)))
           (func (export "bad_iovec") (result i32)
             (call $w (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 100)))
           (func (export "bad_fd") (result i32)
             (call $w (i32.const 7) (i32.const 0) (i32.const 1) (i32.const 100)))"#,
        wasi,
    );
    let call = |store: &mut Store<Host>, name: &str| {
        instance.get_typed_func::<(), i32>(&*store, name).unwrap().call(store, ()).unwrap()
    };
    assert_eq!(call(&mut store, "ok"), 0);
    assert_eq!(out.contents(), b"hi!\n");
    assert_eq!(call(&mut store, "bad_iovec"), 21, "EFAULT");
    assert_eq!(call(&mut store, "bad_fd"), 8, "EBADF");
    let mem = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(u32::from_le_bytes(mem.data(&store)[100..104].try_into().unwrap()), 4);
}

#[test]
fn nothing_is_granted_by_default() {
    let (mut store, instance) = instantiate(
        r#"(import "wasi_snapshot_preview1" "environ_sizes_get" (func $e (param i32 i32) (result i32)))
           (import "wasi_snapshot_preview1" "args_sizes_get" (func $a (param i32 i32) (result i32)))
           (import "wasi_snapshot_preview1" "path_open" (func $o (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
           (import "wasi_snapshot_preview1" "fd_prestat_get" (func $p (param i32 i32) (result i32)))
           (memory (export "memory") 1)
           (func (export "counts") (result i32)
             (drop (call $e (i32.const 0) (i32.const 4)))
             (drop (call $a (i32.const 8) (i32.const 12)))
             (i32.add (i32.load (i32.const 0)) (i32.load (i32.const 8))))
           (func (export "open") (result i32)
             (call $o (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 4) (i32.const 0)
                      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 32)))
           (func (export "preopen") (result i32) (call $p (i32.const 3) (i32.const 0)))"#,
        WasiCtxBuilder::new().build(),
    );
    let call = |store: &mut Store<Host>, name: &str| {
        instance.get_typed_func::<(), i32>(&*store, name).unwrap().call(store, ()).unwrap()
    };
    assert_eq!(call(&mut store, "counts"), 0, "no arguments, no environment");
    assert_eq!(call(&mut store, "open"), 8, "EBADF: no directory to open from");
    assert_eq!(call(&mut store, "preopen"), 8, "EBADF: no pre-opened directory");
}
