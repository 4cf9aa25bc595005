//! Files and directories through a pre-opened directory: what a guest can do inside it.

mod common;

use common::*;
use silo_wasi::{DirPerms, WasiCtxBuilder};

/// A guest with `dir` pre-opened read-write as `/data` (fd 3).
fn guest(dir: &std::path::Path) -> Guest {
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(dir, "/data", DirPerms::ReadWrite).unwrap();
    Guest::new(b.build())
}

#[test]
fn prestat_reports_the_preopen() {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = guest(tmp.path());
    assert_eq!(g.call("fd_prestat_get", &[i(3), i(OUT)]), 0);
    assert_eq!(g.get(OUT, 1), [0]);
    assert_eq!(g.u32_at(OUT + 4), 5);
    assert_eq!(g.call("fd_prestat_dir_name", &[i(3), i(BUF), i(5)]), 0);
    assert_eq!(g.get(BUF, 5), b"/data");
    assert_eq!(g.call("fd_prestat_get", &[i(4), i(OUT)]), EBADF);
    assert_eq!(g.call("fd_prestat_get", &[i(1), i(OUT)]), EBADF);
    // fdstat of the pre-open: a directory.
    assert_eq!(g.call("fd_fdstat_get", &[i(3), i(OUT)]), 0);
    assert_eq!(g.get(OUT, 1), [3]);
}

#[test]
fn open_write_read_seek_tell_pread_pwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = guest(tmp.path());
    let fd = g.open(3, "f.txt", O_CREAT, RW_RIGHTS, 0).unwrap();
    assert_eq!(fd, 4);
    assert_eq!(g.write(fd, b"hello world"), Ok(11));
    assert_eq!(std::fs::read(tmp.path().join("f.txt")).unwrap(), b"hello world");
    // tell, seek back, read.
    assert_eq!(g.call("fd_tell", &[i(fd), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 11);
    assert_eq!(g.call("fd_seek", &[i(fd), l(6), i(0), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 6);
    assert_eq!(g.read(fd, 100).unwrap(), b"world");
    assert_eq!(g.read(fd, 100).unwrap(), b"");
    assert_eq!(g.call("fd_seek", &[i(fd), l(-3i64 as u64), i(2), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 8);
    assert_eq!(g.call("fd_seek", &[i(fd), l(-100i64 as u64), i(1), i(OUT)]), EINVAL);
    assert_eq!(g.call("fd_seek", &[i(fd), l(0), i(9), i(OUT)]), EINVAL);
    // pwrite and pread do not move the position.
    g.put(BUF, b"HELLO");
    g.put(OUT, &BUF.to_le_bytes());
    g.put(OUT + 4, &5u32.to_le_bytes());
    assert_eq!(g.call("fd_pwrite", &[i(fd), i(OUT), i(1), l(0), i(OUT + 8)]), 0);
    assert_eq!(g.u32_at(OUT + 8), 5);
    g.put(OUT, &(BUF + 100).to_le_bytes());
    g.put(OUT + 4, &4u32.to_le_bytes());
    assert_eq!(g.call("fd_pread", &[i(fd), i(OUT), i(1), l(3), i(OUT + 8)]), 0);
    assert_eq!(g.get(BUF + 100, 4), b"LO w");
    assert_eq!(g.call("fd_tell", &[i(fd), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 8);
    assert_eq!(std::fs::read(tmp.path().join("f.txt")).unwrap(), b"HELLO world");
    // Sync, datasync, advise, allocate, close.
    assert_eq!(g.call("fd_sync", &[i(fd)]), 0);
    assert_eq!(g.call("fd_datasync", &[i(fd)]), 0);
    assert_eq!(g.call("fd_advise", &[i(fd), l(0), l(0), i(1)]), 0);
    assert_eq!(g.call("fd_advise", &[i(fd), l(0), l(0), i(9)]), EINVAL);
    assert_eq!(g.call("fd_allocate", &[i(fd), l(0), l(20)]), 0);
    assert_eq!(std::fs::metadata(tmp.path().join("f.txt")).unwrap().len(), 20);
    assert_eq!(g.call("fd_close", &[i(fd)]), 0);
    assert_eq!(g.call("fd_close", &[i(fd)]), EBADF);
}

#[test]
fn open_flags_excl_trunc_append_and_rights() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a"), b"abcdef").unwrap();
    let mut g = guest(tmp.path());
    assert_eq!(g.open(3, "a", O_CREAT | O_EXCL, RW_RIGHTS, 0), Err(EEXIST));
    assert_eq!(g.open(3, "missing", 0, READ_RIGHTS, 0), Err(ENOENT));
    // Append: writes go to the end whatever the position.
    let fd = g.open(3, "a", 0, RW_RIGHTS, 1).unwrap();
    assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(OUT)]), 0);
    assert_eq!(g.get(OUT, 1), [4], "regular file");
    assert_eq!(u16::from_le_bytes(g.get(OUT + 2, 2).try_into().unwrap()), 1, "append");
    assert_eq!(g.write(fd, b"gh"), Ok(2));
    assert_eq!(std::fs::read(tmp.path().join("a")).unwrap(), b"abcdefgh");
    // fdstat_set_flags clears append.
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(fd), i(0)]), 0);
    assert_eq!(g.call("fd_seek", &[i(fd), l(0), i(0), i(OUT)]), 0);
    assert_eq!(g.write(fd, b"AB"), Ok(2));
    assert_eq!(std::fs::read(tmp.path().join("a")).unwrap(), b"ABcdefgh");
    // Rights only shrink; without FD_WRITE the write is EBADF, without FD_SEEK seek is ENOTCAPABLE.
    assert_eq!(g.call("fd_fdstat_set_rights", &[i(fd), l(FD_READ | FD_TELL), l(0)]), 0);
    assert_eq!(g.write(fd, b"x"), Err(EBADF));
    assert_eq!(g.call("fd_seek", &[i(fd), l(1), i(0), i(OUT)]), ENOTCAPABLE);
    assert_eq!(g.call("fd_fdstat_set_rights", &[i(fd), l(RW_RIGHTS), l(0)]), ENOTCAPABLE);
    // Truncate on open.
    let fd2 = g.open(3, "a", O_TRUNC, RW_RIGHTS, 0).unwrap();
    assert_eq!(std::fs::read(tmp.path().join("a")).unwrap(), b"");
    // Create, truncate and append together, as Linux's open(2) allows.
    std::fs::write(tmp.path().join("b"), b"old").unwrap();
    let fd3 = g.open(3, "b", O_CREAT | O_TRUNC, RW_RIGHTS, 1).unwrap();
    assert_eq!(std::fs::read(tmp.path().join("b")).unwrap(), b"");
    assert_eq!(g.write(fd3, b"new"), Ok(3));
    assert_eq!(std::fs::read(tmp.path().join("b")).unwrap(), b"new");
    // A file opened read-only cannot be written.
    let ro = g.open(3, "a", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.write(ro, b"x"), Err(EBADF));
    // A file is not a directory to open from.
    assert_eq!(g.open(fd2, "x", 0, READ_RIGHTS, 0), Err(ENOTDIR));
}

#[test]
fn directories_versus_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("d")).unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let mut g = guest(tmp.path());
    assert_eq!(g.open(3, "d", 0, RW_RIGHTS, 0), Err(EISDIR), "a directory opened for writing");
    assert_eq!(g.open(3, "f", O_DIRECTORY, READ_RIGHTS, 0), Err(ENOTDIR));
    // As the reference judges directory opens: `FD_WRITE` is EISDIR even with O_DIRECTORY, and
    // rights only files use (FD_DATASYNC...) do not stop a directory from opening.
    assert_eq!(g.open(3, "d", O_DIRECTORY, RW_RIGHTS, 0), Err(EISDIR));
    let datasync = g.open(3, ".", 0, READ_RIGHTS | FD_DATASYNC, 0).unwrap();
    assert_eq!(g.call("fd_fdstat_get", &[i(datasync), i(OUT)]), 0);
    assert_eq!(g.get(OUT, 1), [3], "a directory");
    let d = g.open(3, "d", O_DIRECTORY, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.call("fd_fdstat_get", &[i(d), i(OUT)]), 0);
    assert_eq!(g.get(OUT, 1), [3]);
    assert_eq!(g.read(d, 10), Err(EISDIR));
    // A directory opened without O_DIRECTORY, read-only, is a directory too.
    let d2 = g.open(3, "d", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.call("fd_prestat_get", &[i(d2), i(OUT)]), EBADF, "not a pre-open");
    assert_eq!(g.path_call("path_create_directory", d2, "inner"), 0);
    assert!(tmp.path().join("d/inner").is_dir());
}

#[test]
fn create_and_remove_directories_and_unlink() {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = guest(tmp.path());
    assert_eq!(g.path_call("path_create_directory", 3, "sub"), 0);
    assert_eq!(g.path_call("path_create_directory", 3, "sub"), EEXIST);
    assert!(tmp.path().join("sub").is_dir());
    g.open(3, "sub/file", O_CREAT, RW_RIGHTS, 0).unwrap();
    assert_eq!(g.path_call("path_remove_directory", 3, "sub"), ENOTEMPTY);
    assert_eq!(g.path_call("path_unlink_file", 3, "sub"), EISDIR);
    assert_eq!(g.path_call("path_remove_directory", 3, "sub/file"), ENOTDIR);
    assert_eq!(g.path_call("path_unlink_file", 3, "sub/file"), 0);
    assert_eq!(g.path_call("path_unlink_file", 3, "sub/file"), ENOENT);
    assert_eq!(g.path_call("path_remove_directory", 3, "sub"), 0);
    assert!(!tmp.path().join("sub").exists());
    // Paths must be UTF-8.
    g.put(PATH1, &[0xff, 0xfe]);
    assert_eq!(g.call("path_create_directory", &[i(3), i(PATH1), i(2)]), EILSEQ);
    // And inside the guest's memory.
    assert_eq!(g.call("path_create_directory", &[i(3), i(65530), i(100)]), 21);
}

/// Reads the `(name, d_next, d_type)` of every entry in a readdir buffer of `used` bytes.
fn dirents(bytes: &[u8]) -> Vec<(String, u64, u8)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 24 <= bytes.len() {
        let next = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let namlen = u32::from_le_bytes(bytes[at + 16..at + 20].try_into().unwrap()) as usize;
        let kind = bytes[at + 20];
        if at + 24 + namlen > bytes.len() {
            break;
        }
        out.push((
            String::from_utf8(bytes[at + 24..at + 24 + namlen].to_vec()).unwrap(),
            next,
            kind,
        ));
        at += 24 + namlen;
    }
    out
}

#[test]
fn readdir_lists_everything_and_resumes_from_cookies() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["b", "a", "c"] {
        std::fs::write(tmp.path().join(name), b"").unwrap();
    }
    std::fs::create_dir(tmp.path().join("dir")).unwrap();
    let mut g = guest(tmp.path());
    assert_eq!(g.call("fd_readdir", &[i(3), i(BUF), i(4096), l(0), i(OUT)]), 0);
    let used = g.u32_at(OUT);
    assert!(used < 4096);
    let all = dirents(&g.get(BUF, used));
    let names: Vec<&str> = all.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, [".", "..", "a", "b", "c", "dir"]);
    assert_eq!(all[5].2, 3, "dir is a directory");
    assert_eq!(all[2].2, 4, "a is a regular file");
    // A small buffer is filled exactly, the last entry cut short.
    assert_eq!(g.call("fd_readdir", &[i(3), i(BUF), i(60), l(0), i(OUT)]), 0);
    assert_eq!(g.u32_at(OUT), 60);
    let first = dirents(&g.get(BUF, 60));
    assert_eq!(first.len(), 2, ". and .. fit (25 + 26 bytes), a does not");
    // Resume from the cookie of the last whole entry.
    let cookie = first[1].1;
    assert_eq!(g.call("fd_readdir", &[i(3), i(BUF), i(4096), l(cookie), i(OUT)]), 0);
    let rest = dirents(&g.get(BUF, g.u32_at(OUT)));
    let names: Vec<&str> = rest.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "dir"]);
    // Past the end: nothing.
    assert_eq!(g.call("fd_readdir", &[i(3), i(BUF), i(4096), l(100), i(OUT)]), 0);
    assert_eq!(g.u32_at(OUT), 0);
    // A file is not a directory.
    let f = g.open(3, "a", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.call("fd_readdir", &[i(f), i(BUF), i(4096), l(0), i(OUT)]), ENOTDIR);
}

#[test]
fn rename_link_symlink_readlink() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("old"), b"content").unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    let mut g = guest(tmp.path());
    assert_eq!(g.rename(3, "old", 3, "sub/new"), 0);
    assert_eq!(std::fs::read(tmp.path().join("sub/new")).unwrap(), b"content");
    assert_eq!(g.rename(3, "old", 3, "x"), ENOENT);
    assert_eq!(g.link(3, "sub/new", 3, "hard"), 0);
    assert_eq!(std::fs::read(tmp.path().join("hard")).unwrap(), b"content");
    assert_eq!(g.link(3, "sub/new", 3, "hard"), EEXIST);
    let st = g.stat(3, 0, "hard").unwrap();
    assert_eq!(u64::from_le_bytes(st[24..32].try_into().unwrap()), 2, "nlink");
    assert_eq!(g.symlink("sub/new", 3, "sym"), 0);
    let [p, n] = g.path(PATH1, "sym");
    assert_eq!(g.call("path_readlink", &[i(3), p, n, i(BUF), i(100), i(OUT)]), 0);
    assert_eq!(g.get(BUF, g.u32_at(OUT)), b"sub/new");
    // A short buffer gets the start of the target.
    let [p, n] = g.path(PATH1, "sym");
    assert_eq!(g.call("path_readlink", &[i(3), p, n, i(BUF), i(3), i(OUT)]), 0);
    assert_eq!(g.u32_at(OUT), 3);
    // Reading through the link follows it, stat without follow sees the link.
    let fd = g.open(3, "sym", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(fd, 100).unwrap(), b"content");
    assert_eq!(g.stat(3, 0, "sym").unwrap()[16], 7, "symlink");
    assert_eq!(g.stat(3, LOOKUP_FOLLOW, "sym").unwrap()[16], 4, "regular file");
    // Opening the link itself without following fails (ELOOP).
    assert_eq!(g.open_with(3, 0, "sym", 0, READ_RIGHTS, 0), Err(32));
    assert_eq!(g.path_call("path_unlink_file", 3, "sym"), 0);
    assert!(tmp.path().join("sub/new").exists());
}

#[test]
fn filestat_set_size_and_times() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"0123456789").unwrap();
    let mut g = guest(tmp.path());
    let st = g.stat(3, LOOKUP_FOLLOW, "f").unwrap();
    assert_eq!(st[16], 4);
    assert_eq!(u64::from_le_bytes(st[32..40].try_into().unwrap()), 10, "size");
    assert_eq!(u64::from_le_bytes(st[24..32].try_into().unwrap()), 1, "nlink");
    assert_ne!(u64::from_le_bytes(st[8..16].try_into().unwrap()), 0, "ino");
    let fd = g.open(3, "f", 0, RW_RIGHTS | (1 << 23), 0).unwrap();
    assert_eq!(g.call("fd_filestat_set_size", &[i(fd), l(4)]), 0);
    assert_eq!(std::fs::read(tmp.path().join("f")).unwrap(), b"0123");
    assert_eq!(g.call("fd_filestat_get", &[i(fd), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT + 32), 4);
    // Times: fd_filestat_set_times with explicit values, path_filestat_set_times with "now".
    let t = 1_000_000_000_123_000_000u64;
    assert_eq!(g.call("fd_filestat_set_times", &[i(fd), l(t), l(t + 1_000), i(1 | 4)]), 0);
    let st = g.stat(3, LOOKUP_FOLLOW, "f").unwrap();
    assert_eq!(u64::from_le_bytes(st[40..48].try_into().unwrap()), t, "atim");
    assert_eq!(u64::from_le_bytes(st[48..56].try_into().unwrap()), t + 1_000, "mtim");
    assert_eq!(g.call("fd_filestat_set_times", &[i(fd), l(t), l(t), i(1 | 2)]), EINVAL);
    let [p, n] = g.path(PATH1, "f");
    assert_eq!(g.call("path_filestat_set_times", &[i(3), i(1), p, n, l(0), l(0), i(8)]), 0);
    let st = g.stat(3, LOOKUP_FOLLOW, "f").unwrap();
    assert!(u64::from_le_bytes(st[48..56].try_into().unwrap()) > t, "mtim now");
    assert_eq!(u64::from_le_bytes(st[40..48].try_into().unwrap()), t, "atim untouched");
}

#[test]
fn closing_and_renumbering() {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = guest(tmp.path());
    let a = g.open(3, "a", O_CREAT, RW_RIGHTS, 0).unwrap();
    let b = g.open(3, "b", O_CREAT, RW_RIGHTS, 0).unwrap();
    assert_eq!(g.call("fd_renumber", &[i(a), i(b)]), 0);
    assert_eq!(g.write(b, b"to a"), Ok(4));
    assert_eq!(std::fs::read(tmp.path().join("a")).unwrap(), b"to a");
    assert_eq!(g.write(a, b"x"), Err(EBADF));
    assert_eq!(g.call("fd_renumber", &[i(b), i(77)]), EBADF);
    // Closing the pre-open is allowed; then nothing opens through it.
    assert_eq!(g.call("fd_close", &[i(3)]), 0);
    assert_eq!(g.open(3, "a", 0, READ_RIGHTS, 0), Err(EBADF));
    // The lowest free number is reused.
    let fresh = g.open(b, "x", 0, READ_RIGHTS, 0);
    assert_eq!(fresh, Err(ENOTDIR));
}

#[test]
fn poll_reports_file_readiness_and_bad_fds() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"0123456789").unwrap();
    let mut g = guest(tmp.path());
    let fd = g.open(3, "f", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(fd, 4).unwrap(), b"0123");
    // Two subscriptions: read on the file, read on fd 99.
    let mut subs = vec![0u8; 96];
    subs[0..8].copy_from_slice(&7u64.to_le_bytes());
    subs[8] = 1;
    subs[16..20].copy_from_slice(&fd.to_le_bytes());
    subs[48..56].copy_from_slice(&8u64.to_le_bytes());
    subs[56] = 1;
    subs[64..68].copy_from_slice(&99u32.to_le_bytes());
    g.put(BUF, &subs);
    assert_eq!(g.call("poll_oneoff", &[i(BUF), i(BUF + 200), i(2), i(OUT)]), 0);
    assert_eq!(g.u32_at(OUT), 2);
    assert_eq!(g.u64_at(BUF + 200), 7);
    assert_eq!(g.get(BUF + 208, 2), [0, 0]);
    assert_eq!(g.u64_at(BUF + 216), 6, "bytes left to read");
    assert_eq!(g.u64_at(BUF + 232), 8);
    assert_eq!(g.get(BUF + 240, 2), [EBADF as u8, 0]);
}
