//! A guest that re-exports every preview1 function under its own name, so tests drive WASI
//! through a real WebAssembly module with arguments and memory prepared by the host.

// Allowed: each test file uses its own part of this shared module.
#![allow(dead_code)]

use silo_core::{Engine, Instance, Linker, Memory, Module, Store, Val};
use silo_wasi::{WasiCtx, add_to_linker};

pub const ALL_IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "args_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_advise" (func (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_datasync" (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_tell" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func (param i32 i32) (result i32)))
"#;

/// Where tests put their first and second path, small outputs, and buffers.
pub const PATH1: u32 = 1024;
pub const PATH2: u32 = 2048;
pub const OUT: u32 = 4096;
pub const BUF: u32 = 8192;

pub const RIGHTS_ALL: u64 = u64::MAX;
pub const LOOKUP_FOLLOW: u32 = 1;
pub const O_CREAT: u32 = 1;
pub const O_DIRECTORY: u32 = 2;
pub const O_EXCL: u32 = 4;
pub const O_TRUNC: u32 = 8;
pub const FD_READ: u64 = 1 << 1;
pub const FD_SEEK: u64 = 1 << 2;
pub const FD_TELL: u64 = 1 << 5;
pub const FD_WRITE: u64 = 1 << 6;
pub const FD_READDIR: u64 = 1 << 14;
pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub const FD_DATASYNC: u64 = 1;
pub const FD_ALLOCATE: u64 = 1 << 8;
/// What wasi-libc asks for when it opens for writing: every right.
pub const RW_RIGHTS: u64 = (1 << 30) - 1;
/// What wasi-libc asks for when it opens read-only: all but the writing rights.
pub const READ_RIGHTS: u64 =
    RW_RIGHTS & !(FD_WRITE | FD_DATASYNC | FD_ALLOCATE | FD_FILESTAT_SET_SIZE);

pub const ENOTCAPABLE: i32 = 76;
pub const EPERM: i32 = 63;
pub const EBADF: i32 = 8;
pub const ENOENT: i32 = 44;
pub const EEXIST: i32 = 20;
pub const EISDIR: i32 = 31;
pub const ENOTDIR: i32 = 54;
pub const ENOTEMPTY: i32 = 55;
pub const EMFILE: i32 = 33;
pub const EILSEQ: i32 = 25;
pub const EINVAL: i32 = 28;

pub fn i(x: u32) -> Val {
    Val::I32(x as i32)
}

pub fn l(x: u64) -> Val {
    Val::I64(x as i64)
}

/// The wrapper module: each import `name` re-exported as a function `name`.
fn wrapper_module() -> String {
    let mut wat = String::from("(module\n");
    let mut exports = String::new();
    for line in ALL_IMPORTS.lines().filter(|l| l.contains("(import")) {
        let name = line.split('"').nth(3).unwrap();
        let params: Vec<&str> = match line.split("(param ").nth(1) {
            Some(rest) => rest.split(')').next().unwrap().split_whitespace().collect(),
            None => Vec::new(),
        };
        let result = if line.contains("(result i32)") { "(result i32)" } else { "" };
        let plist =
            if params.is_empty() { String::new() } else { format!("(param {})", params.join(" ")) };
        wat += &format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} {plist} {result}))\n"
        );
        let args: String = (0..params.len()).map(|k| format!("(local.get {k}) ")).collect();
        exports += &format!("(func (export \"{name}\") {plist} {result} (call ${name} {args}))\n");
    }
    wat += "(memory (export \"memory\") 1)\n";
    wat += &exports;
    wat += ")";
    wat
}

pub struct Host {
    pub wasi: WasiCtx,
}

pub struct Guest {
    pub store: Store<Host>,
    pub instance: Instance,
    pub memory: Memory,
}

impl Guest {
    pub fn new(wasi: WasiCtx) -> Guest {
        Guest::on(&Engine::default(), wasi)
    }

    /// A guest on `engine` (an interruptible one, say).
    pub fn on(engine: &Engine, wasi: WasiCtx) -> Guest {
        let engine = engine.clone();
        let module = Module::new(&engine, wrapper_module()).unwrap();
        let mut store = Store::new(&engine, Host { wasi });
        let mut linker = Linker::new(&engine);
        add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&store, "memory").unwrap();
        Guest { store, instance, memory }
    }

    pub fn ctx(&self) -> &WasiCtx {
        &self.store.data().wasi
    }

    /// Calls the preview1 function `name`; a trap is an `Err` with its message.
    pub fn try_call(&mut self, name: &str, args: &[Val]) -> Result<i32, String> {
        let f = self.instance.get_func(&self.store, name).unwrap();
        let mut results = [Val::I32(0)];
        f.call(&mut self.store, args, &mut results).map_err(|e| e.to_string())?;
        match results[0] {
            Val::I32(v) => Ok(v),
            _ => unreachable!(),
        }
    }

    /// Calls `name`, expecting no trap, and returns its errno.
    pub fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        self.try_call(name, args).unwrap()
    }

    pub fn put(&mut self, at: u32, bytes: &[u8]) {
        let at = at as usize;
        self.memory.data_mut(&mut self.store)[at..at + bytes.len()].copy_from_slice(bytes);
    }

    pub fn get(&self, at: u32, len: u32) -> Vec<u8> {
        self.memory.data(&self.store)[at as usize..(at + len) as usize].to_vec()
    }

    pub fn u32_at(&self, at: u32) -> u32 {
        u32::from_le_bytes(self.get(at, 4).try_into().unwrap())
    }

    pub fn u64_at(&self, at: u32) -> u64 {
        u64::from_le_bytes(self.get(at, 8).try_into().unwrap())
    }

    /// Puts `path` at `at` and gives its pointer and length.
    pub fn path(&mut self, at: u32, path: &str) -> [Val; 2] {
        self.put(at, path.as_bytes());
        [i(at), i(path.len() as u32)]
    }

    /// `path_open` with these flags and base rights (inheriting: all); the new fd or the errno.
    pub fn open(
        &mut self,
        dir: u32,
        path: &str,
        oflags: u32,
        rights: u64,
        fdflags: u32,
    ) -> Result<u32, i32> {
        self.open_with(dir, LOOKUP_FOLLOW, path, oflags, rights, fdflags)
    }

    pub fn open_with(
        &mut self,
        dir: u32,
        lookup: u32,
        path: &str,
        oflags: u32,
        rights: u64,
        fdflags: u32,
    ) -> Result<u32, i32> {
        let [p, n] = self.path(PATH1, path);
        let args =
            [i(dir), i(lookup), p, n, i(oflags), l(rights), l(RIGHTS_ALL), i(fdflags), i(OUT)];
        match self.call("path_open", &args) {
            0 => Ok(self.u32_at(OUT)),
            e => Err(e),
        }
    }

    /// Writes `data` to `fd` through one iovec; the count written or the errno.
    pub fn write(&mut self, fd: u32, data: &[u8]) -> Result<u32, i32> {
        self.put(BUF, data);
        self.put(OUT, &BUF.to_le_bytes());
        self.put(OUT + 4, &(data.len() as u32).to_le_bytes());
        match self.call("fd_write", &[i(fd), i(OUT), i(1), i(OUT + 8)]) {
            0 => Ok(self.u32_at(OUT + 8)),
            e => Err(e),
        }
    }

    /// Reads up to `len` bytes from `fd`.
    pub fn read(&mut self, fd: u32, len: u32) -> Result<Vec<u8>, i32> {
        self.put(OUT, &BUF.to_le_bytes());
        self.put(OUT + 4, &len.to_le_bytes());
        match self.call("fd_read", &[i(fd), i(OUT), i(1), i(OUT + 8)]) {
            0 => {
                let n = self.u32_at(OUT + 8);
                Ok(self.get(BUF, n))
            }
            e => Err(e),
        }
    }

    /// A one-path call such as `path_create_directory`.
    pub fn path_call(&mut self, name: &str, dir: u32, path: &str) -> i32 {
        let [p, n] = self.path(PATH1, path);
        self.call(name, &[i(dir), p, n])
    }

    /// `path_filestat_get`: the 64-byte filestat or the errno.
    pub fn stat(&mut self, dir: u32, flags: u32, path: &str) -> Result<Vec<u8>, i32> {
        let [p, n] = self.path(PATH1, path);
        match self.call("path_filestat_get", &[i(dir), i(flags), p, n, i(OUT)]) {
            0 => Ok(self.get(OUT, 64)),
            e => Err(e),
        }
    }

    /// `path_rename` between two directories.
    pub fn rename(&mut self, from_dir: u32, from: &str, to_dir: u32, to: &str) -> i32 {
        let [p1, n1] = self.path(PATH1, from);
        let [p2, n2] = self.path(PATH2, to);
        self.call("path_rename", &[i(from_dir), p1, n1, i(to_dir), p2, n2])
    }

    /// `path_link` (no symlink following).
    pub fn link(&mut self, from_dir: u32, from: &str, to_dir: u32, to: &str) -> i32 {
        let [p1, n1] = self.path(PATH1, from);
        let [p2, n2] = self.path(PATH2, to);
        self.call("path_link", &[i(from_dir), i(0), p1, n1, i(to_dir), p2, n2])
    }

    /// `path_symlink`: a link at `link` in `dir` whose contents are `target`.
    pub fn symlink(&mut self, target: &str, dir: u32, link: &str) -> i32 {
        let [p1, n1] = self.path(PATH1, target);
        let [p2, n2] = self.path(PATH2, link);
        self.call("path_symlink", &[p1, n1, i(dir), p2, n2])
    }
}
