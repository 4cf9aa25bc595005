//! What a guest cannot do: leave its pre-opens, change a read-only one, reach descriptors it was
//! not given, or go past its quotas.

mod common;

use common::*;
use silo_wasi::{DirPerms, OutputBuffer, WasiCtxBuilder};

/// A tree with `inside/` granted to the guest and `outside/secret` next to it, and links inside
/// pointing out.
fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let inside = tmp.path().join("inside");
    std::fs::create_dir_all(inside.join("sub")).unwrap();
    std::fs::create_dir(tmp.path().join("outside")).unwrap();
    std::fs::write(tmp.path().join("outside/secret"), b"secret").unwrap();
    std::fs::write(inside.join("file"), b"inside").unwrap();
    std::os::unix::fs::symlink("../outside/secret", inside.join("out_file")).unwrap();
    std::os::unix::fs::symlink("../outside", inside.join("out_dir")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside"), inside.join("abs_dir")).unwrap();
    tmp
}

fn guest(root: &std::path::Path, perms: DirPerms) -> Guest {
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(root.join("inside"), "/data", perms).unwrap();
    Guest::new(b.build())
}

/// Every file under `dir` with its contents, to check that nothing changed.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let name = e.path().strip_prefix(dir).unwrap().display().to_string();
            if t.is_dir() {
                stack.push(e.path());
                out.push((name, None));
            } else if t.is_symlink() {
                out.push((
                    name,
                    Some(std::fs::read_link(e.path()).unwrap().display().to_string().into_bytes()),
                ));
            } else {
                out.push((name, Some(std::fs::read(e.path()).unwrap())));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn escapes_are_refused() {
    let tmp = tree();
    let mut g = guest(tmp.path(), DirPerms::ReadWrite);
    for path in [
        "../outside/secret",
        "/etc/passwd",
        "sub/../../outside/secret",
        "out_file",
        "out_dir/secret",
        "abs_dir/secret",
    ] {
        assert_eq!(g.open(3, path, 0, READ_RIGHTS, 0), Err(ENOTCAPABLE), "open {path}");
        assert_eq!(g.stat(3, LOOKUP_FOLLOW, path).map(drop), Err(ENOTCAPABLE), "stat {path}");
    }
    // Creating through an escaping directory link, or next to the root.
    assert_eq!(g.open(3, "out_dir/new", O_CREAT, RW_RIGHTS, 0), Err(ENOTCAPABLE));
    assert_eq!(g.path_call("path_create_directory", 3, "../newdir"), ENOTCAPABLE);
    assert_eq!(g.path_call("path_unlink_file", 3, "out_dir/secret"), ENOTCAPABLE);
    // Hard link to a file outside, rename to and from outside.
    // Hard-linking an escaping symbolic link links the link itself, which still leads nowhere.
    assert_eq!(g.link(3, "out_file", 3, "link_to_link"), 0);
    assert!(tmp.path().join("inside/link_to_link").is_symlink());
    assert_eq!(g.open(3, "link_to_link", 0, READ_RIGHTS, 0), Err(ENOTCAPABLE));
    assert_eq!(g.link(3, "../outside/secret", 3, "stolen"), ENOTCAPABLE);
    assert_eq!(g.link(3, "file", 3, "../outside/planted"), ENOTCAPABLE);
    assert_eq!(g.rename(3, "file", 3, "../outside/moved"), ENOTCAPABLE);
    assert_eq!(g.rename(3, "out_dir/secret", 3, "moved"), ENOTCAPABLE);
    assert_eq!(g.rename(3, "file", 3, "out_dir/moved"), ENOTCAPABLE);
    assert_eq!(std::fs::read(tmp.path().join("outside/secret")).unwrap(), b"secret");
    assert!(!tmp.path().join("outside/moved").exists());
    assert!(!tmp.path().join("outside/planted").exists());
    assert!(!tmp.path().join("inside/stolen").exists());
    // Readlink shows an escaping link's contents but following it stays refused.
    let [p, n] = g.path(PATH1, "out_file");
    assert_eq!(g.call("path_readlink", &[i(3), p, n, i(BUF), i(100), i(OUT)]), 0);
    assert_eq!(g.get(BUF, g.u32_at(OUT)), b"../outside/secret");
    // A symlink with an escaping relative target is made but leads nowhere; an absolute target
    // is refused (as cap-std and wasmtime refuse it).
    assert_eq!(g.symlink("../outside/secret", 3, "rel"), 0);
    assert!(tmp.path().join("inside/rel").is_symlink());
    assert_eq!(g.open(3, "rel", 0, READ_RIGHTS, 0), Err(ENOTCAPABLE));
    assert_eq!(g.open(3, "rel", O_CREAT, RW_RIGHTS, 0), Err(ENOTCAPABLE));
    assert_eq!(g.symlink("/etc/passwd", 3, "abs"), ENOTCAPABLE);
    assert!(!tmp.path().join("inside/abs").exists());
    // Nor can a directory opened inside reach out with `..`.
    let sub = g.open(3, "sub", O_DIRECTORY, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.open(sub, "../file", 0, READ_RIGHTS, 0), Err(ENOTCAPABLE));
}

#[test]
fn a_read_only_preopen_refuses_every_change_and_the_tree_stays_as_it_was() {
    let tmp = tree();
    let before = snapshot(tmp.path());
    let mut g = guest(tmp.path(), DirPerms::ReadOnly);
    // Reading works.
    let fd = g.open(3, "file", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(fd, 100).unwrap(), b"inside");
    assert_eq!(g.write(fd, b"x"), Err(EBADF), "not open for writing");
    assert_eq!(g.call("fd_filestat_set_size", &[i(fd), l(0)]), EPERM);
    assert_eq!(g.call("fd_filestat_set_times", &[i(fd), l(0), l(0), i(2)]), EPERM);
    assert_eq!(g.call("fd_readdir", &[i(3), i(BUF), i(1000), l(0), i(OUT)]), 0);
    // Every change is EPERM.
    assert_eq!(g.open(3, "file", 0, RW_RIGHTS, 0), Err(EPERM));
    assert_eq!(g.open(3, "new", O_CREAT, RW_RIGHTS, 0), Err(EPERM));
    assert_eq!(
        g.open(3, "new", O_CREAT, READ_RIGHTS, 0),
        Err(EPERM),
        "creating asks no write right"
    );
    assert_eq!(g.open(3, "new", O_CREAT, 0, 0), Err(EPERM), "nor any right at all");
    assert_eq!(g.open(3, "file", O_TRUNC, READ_RIGHTS, 0), Err(EPERM));
    assert_eq!(g.open(3, "file", 0, READ_RIGHTS, 1), Err(EPERM), "append");
    assert_eq!(g.path_call("path_create_directory", 3, "d"), EPERM);
    assert_eq!(g.path_call("path_remove_directory", 3, "sub"), EPERM);
    assert_eq!(g.path_call("path_unlink_file", 3, "file"), EPERM);
    assert_eq!(g.rename(3, "file", 3, "renamed"), EPERM);
    assert_eq!(g.link(3, "file", 3, "linked"), EPERM);
    assert_eq!(g.symlink("file", 3, "symlinked"), EPERM);
    let [p, n] = g.path(PATH1, "file");
    assert_eq!(g.call("path_filestat_set_times", &[i(3), i(1), p, n, l(0), l(0), i(10)]), EPERM);
    assert_eq!(g.call("fd_filestat_set_times", &[i(3), l(0), l(0), i(10)]), EPERM);
    // Directories opened from it are read-only too.
    let sub = g.open(3, "sub", O_DIRECTORY, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.path_call("path_create_directory", sub, "d"), EPERM);
    assert_eq!(g.open(sub, "new", O_CREAT, RW_RIGHTS, 0), Err(EPERM));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn guessed_descriptors_are_ebadf_when_nothing_is_granted() {
    let mut g = Guest::new(WasiCtxBuilder::new().build());
    for fd in 3..1024 {
        assert_eq!(g.open(fd, "x", O_CREAT, RW_RIGHTS, 0), Err(EBADF), "path_open on {fd}");
        assert_eq!(g.read(fd, 1), Err(EBADF), "fd_read on {fd}");
        assert_eq!(g.call("fd_prestat_get", &[i(fd), i(OUT)]), EBADF);
        assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(OUT)]), EBADF);
        assert_eq!(g.path_call("path_unlink_file", fd, "x"), EBADF);
        assert_eq!(g.call("fd_readdir", &[i(fd), i(BUF), i(100), l(0), i(OUT)]), EBADF);
    }
    // Path functions on a standard stream: not a directory.
    assert_eq!(g.open(1, "x", O_CREAT, RW_RIGHTS, 0), Err(ENOTDIR));
}

#[test]
fn max_open_files_is_emfile() {
    let tmp = tree();
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(tmp.path().join("inside"), "/data", DirPerms::ReadWrite).unwrap();
    b.max_open_files(2);
    let mut g = Guest::new(b.build());
    // 0, 1, 2 and the pre-open do not count: two more fit.
    let a = g.open(3, "file", 0, READ_RIGHTS, 0).unwrap();
    g.open(3, "file", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.open(3, "file", 0, READ_RIGHTS, 0), Err(EMFILE));
    assert_eq!(g.open(3, "sub", O_DIRECTORY, READ_RIGHTS, 0), Err(EMFILE));
    assert_eq!(
        g.ctx().quota_hit().as_deref(),
        Some("open files quota exceeded: limit 2 besides stdio and pre-opens")
    );
    // Closing one makes room.
    assert_eq!(g.call("fd_close", &[i(a)]), 0);
    assert_eq!(g.open(3, "file", 0, READ_RIGHTS, 0), Ok(a));
}

#[test]
fn max_output_bytes_writes_what_fits_then_traps() {
    let out = OutputBuffer::new();
    let err = OutputBuffer::new();
    let mut b = WasiCtxBuilder::new();
    b.stdout(out.clone()).stderr(err.clone()).max_output_bytes(10);
    let mut g = Guest::new(b.build());
    assert_eq!(g.write(1, b"hello"), Ok(5));
    assert_eq!(g.write(2, b"abc"), Ok(3));
    g.put(BUF, b"0123456789");
    g.put(OUT, &BUF.to_le_bytes());
    g.put(OUT + 4, &10u32.to_le_bytes());
    let trap = g.try_call("fd_write", &[i(1), i(OUT), i(1), i(OUT + 8)]);
    let message = trap.unwrap_err();
    assert!(
        message
            .contains("output quota exceeded: 10 bytes to stdout and stderr, the guest wrote 18"),
        "{message}"
    );
    assert_eq!(out.contents(), b"hello01");
    assert_eq!(err.contents(), b"abc");
}

#[test]
fn stdio_can_be_host_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("in"), b"input!").unwrap();
    let mut b = WasiCtxBuilder::new();
    b.stdin_file(std::fs::File::open(tmp.path().join("in")).unwrap());
    b.stdout_file(std::fs::File::create(tmp.path().join("out")).unwrap());
    let dir = cap_std::fs::Dir::open_ambient_dir(tmp.path(), cap_std::ambient_authority()).unwrap();
    b.stderr_file(dir.create("err").unwrap());
    let mut g = Guest::new(b.build());
    assert_eq!(g.read(0, 100).unwrap(), b"input!");
    assert_eq!(g.write(1, b"to out"), Ok(6));
    assert_eq!(g.write(2, b"to err"), Ok(6));
    assert_eq!(std::fs::read(tmp.path().join("out")).unwrap(), b"to out");
    assert_eq!(std::fs::read(tmp.path().join("err")).unwrap(), b"to err");
    assert_eq!(g.call("fd_fdstat_get", &[i(1), i(OUT)]), 0);
    assert_eq!(g.get(OUT, 1), [4], "a regular file");
}

#[test]
fn sockets_and_signals_are_not_offered() {
    let mut g = Guest::new(WasiCtxBuilder::new().build());
    assert_eq!(g.call("sock_accept", &[i(1), i(0), i(OUT)]), 57, "ENOTSOCK");
    assert_eq!(g.call("sock_shutdown", &[i(1), i(2)]), 57, "ENOTSOCK on stdout");
    assert_eq!(g.call("sock_accept", &[i(9), i(0), i(OUT)]), EBADF);
    assert_eq!(g.call("proc_raise", &[i(2)]), 58, "ENOTSUP");
    assert_eq!(g.call("sched_yield", &[]), 0);
}

/// A guest blocked reading a pipe that never gets data (standard input from a host file) stops
/// soon after the store's interrupt handle asks, with the interrupt trap.
#[test]
fn an_interrupt_stops_a_read_blocked_on_a_pipe() {
    let (reader, _writer) = std::io::pipe().unwrap();
    let stdin = std::fs::File::from(std::os::fd::OwnedFd::from(reader));
    let mut config = silo_core::Config::new();
    config.interruptible(true);
    let engine = silo_core::Engine::new(&config);
    let mut g = Guest::on(&engine, WasiCtxBuilder::new().stdin_file(stdin).build());
    let handle = g.store.interrupt_handle().unwrap();
    let asker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.interrupt();
    });
    let started = std::time::Instant::now();
    g.put(16, &100u32.to_le_bytes());
    g.put(20, &64u32.to_le_bytes());
    let err = g.try_call("fd_read", &[i(0), i(16), i(1), i(24)]).unwrap_err();
    asker.join().unwrap();
    assert!(err.contains("interrupt"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
