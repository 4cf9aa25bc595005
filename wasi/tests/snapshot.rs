//! Checkpoints of a guest's WASI world: `WasiCtx::snapshot` after the guest opened, read,
//! wrote and renumbered descriptors, and `WasiCtx::restore` into a fresh context built from the
//! grants given at resume time, which alone decide what the resumed guest may reach.

mod common;

use std::path::Path;

use common::*;
use silo_wasi::{
    ClockSnapshot, DirPerms, FdKind, FdSnapshot, OutputBuffer, WasiCtx, WasiCtxBuilder,
    WasiSnapshot,
};

const FDFLAGS_APPEND: u32 = 1;

/// The grants both runs get: `dir` as `/data` (read-write, fd 3), virtual clocks.
fn grants(dir: &Path) -> WasiCtxBuilder {
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(dir, "/data", DirPerms::ReadWrite).unwrap();
    b.virtual_clocks();
    b
}

/// What `restore` says when it refuses.
fn refusal(ctx: &WasiCtx, snap: &WasiSnapshot) -> String {
    ctx.restore(snap).unwrap_err().to_string()
}

fn file(preopen: &str, path: &str, write: bool) -> FdKind {
    FdKind::File {
        preopen: preopen.into(),
        path: path.into(),
        offset: 0,
        read: true,
        write,
        fdflags: 0,
    }
}

/// A snapshot of the standard streams, `/data` at fd 3 and `kinds` from fd 4 on.
fn forged(kinds: Vec<FdKind>) -> WasiSnapshot {
    let mut fds = vec![
        FdSnapshot { fd: 0, kind: FdKind::Stdin },
        FdSnapshot { fd: 1, kind: FdKind::Stdout },
        FdSnapshot { fd: 2, kind: FdKind::Stderr },
        FdSnapshot { fd: 3, kind: FdKind::Preopen { guest_path: "/data".into() } },
    ];
    fds.extend(kinds.into_iter().zip(4..).map(|(kind, fd)| FdSnapshot { fd, kind }));
    WasiSnapshot {
        args: vec![b"prog".to_vec()],
        env: Vec::new(),
        clocks: ClockSnapshot::Virtual { elapsed_ns: 0 },
        fds,
    }
}

#[test]
fn a_restored_world_continues_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("in.txt"), b"0123456789").unwrap();
    std::fs::create_dir_all(tmp.path().join("sub/deep")).unwrap();
    std::fs::write(tmp.path().join("sub/notes"), b"abcdefgh").unwrap();
    std::fs::write(tmp.path().join("log"), b"start\n").unwrap();

    let mut b = grants(tmp.path());
    b.args(["prog", "--flag"]).env("HOME", "/data");
    let mut g = Guest::new(b.build());
    let input = g.open(3, "in.txt", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(input, 4).unwrap(), b"0123");
    let out = g.open(3, "./out.txt", O_CREAT | O_TRUNC, RW_RIGHTS, 0).unwrap();
    assert_eq!(g.write(out, b"hello "), Ok(6));
    let sub = g.open(3, "sub/", O_DIRECTORY, READ_RIGHTS, 0).unwrap();
    let notes = g.open(sub, "./deep/../notes", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(notes, 3).unwrap(), b"abc");
    let log = g.open(3, "log", 0, RW_RIGHTS, FDFLAGS_APPEND).unwrap();
    assert_eq!(g.write(log, b"one\n"), Ok(4));
    // Renumbering moves a file, with its origin, over another one.
    let spare = g.open(3, "in.txt", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.call("fd_renumber", &[i(out), i(spare)]), 0);
    let out = spare;
    assert_eq!(g.call("clock_time_get", &[i(1), l(1), i(OUT)]), 0);

    let snap = g.ctx().snapshot().unwrap();
    assert_eq!(snap.args, [b"prog".to_vec(), b"--flag".to_vec()]);
    assert_eq!(snap.env, [b"HOME=/data".to_vec()]);
    assert_eq!(snap.clocks, ClockSnapshot::Virtual { elapsed_ns: 1_000 });
    let fds: Vec<(u32, FdKind)> = snap.fds.iter().map(|f| (f.fd, f.kind.clone())).collect();
    let data = |path: &str, offset, read, write, fdflags| FdKind::File {
        preopen: "/data".into(),
        path: path.into(),
        offset,
        read,
        write,
        fdflags,
    };
    assert_eq!(
        fds,
        [
            (0, FdKind::Stdin),
            (1, FdKind::Stdout),
            (2, FdKind::Stderr),
            (3, FdKind::Preopen { guest_path: "/data".into() }),
            (input, data("in.txt", 4, true, false, 0)),
            (sub, FdKind::Dir { preopen: "/data".into(), path: "sub".into() }),
            (notes, data("sub/deep/../notes", 3, true, false, 0)),
            (log, data("log", 10, true, true, 1)),
            (out, data("out.txt", 6, true, true, 0)),
        ]
    );
    // The checkpoint outlives the process's descriptors.
    drop(g);

    let fresh = grants(tmp.path()).build();
    fresh.restore(&snap).unwrap();
    assert_eq!(fresh.snapshot().unwrap(), snap, "the same world, at the same numbers");
    let mut g = Guest::new(fresh);
    assert_eq!(g.read(input, 100).unwrap(), b"456789", "reading continues");
    assert_eq!(g.write(out, b"world"), Ok(5), "writing continues");
    assert_eq!(std::fs::read(tmp.path().join("out.txt")).unwrap(), b"hello world");
    assert_eq!(g.read(notes, 100).unwrap(), b"defgh");
    assert_eq!(g.write(log, b"two\n"), Ok(4));
    assert_eq!(std::fs::read(tmp.path().join("log")).unwrap(), b"start\none\ntwo\n");
    assert_eq!(g.write(input, b"x"), Err(EBADF), "still read-only");
    // The directory still opens what it did.
    let again = g.open(sub, "notes", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(again, 2).unwrap(), b"ab");
    // Arguments, environment and clocks carry on.
    assert_eq!(g.call("args_sizes_get", &[i(OUT), i(OUT + 4)]), 0);
    assert_eq!((g.u32_at(OUT), g.u32_at(OUT + 4)), (2, 12));
    assert_eq!(g.call("environ_sizes_get", &[i(OUT), i(OUT + 4)]), 0);
    assert_eq!(g.u32_at(OUT), 1);
    assert_eq!(g.call("clock_time_get", &[i(1), l(1), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 2_000, "the virtual clock counts on");
    // The pre-open is the one granted now, and works as before.
    assert_eq!(g.call("fd_prestat_dir_name", &[i(3), i(BUF), i(5)]), 0);
    assert_eq!(g.get(BUF, 5), b"/data");
    assert!(g.open(3, "new", O_CREAT, RW_RIGHTS, 0).is_ok());
}

#[test]
fn a_snapshot_survives_a_round_trip_through_toml() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"data").unwrap();
    let mut g = Guest::new(grants(tmp.path()).arg("prog").build());
    let fd = g.open(3, "f", 0, RW_RIGHTS, 0).unwrap();
    assert_eq!(g.read(fd, 2).unwrap(), b"da");
    g.open(3, ".", O_DIRECTORY, READ_RIGHTS, 0).unwrap();
    let snap = g.ctx().snapshot().unwrap();
    let text = toml::to_string(&snap).unwrap();
    let back: WasiSnapshot = toml::from_str(&text).unwrap();
    assert_eq!(back, snap, "{text}");
    assert_eq!(snap.clone(), snap);
    assert!(
        snap.fds
            .iter()
            .any(|f| f.kind == FdKind::Dir { preopen: "/data".into(), path: ".".into() })
    );
}

#[test]
fn standard_streams_follow_their_role_and_closed_ones_stay_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = Guest::new(grants(tmp.path()).build());
    // stdout closed, stderr moved to 0 (over stdin), the pre-open closed.
    assert_eq!(g.call("fd_close", &[i(1)]), 0);
    assert_eq!(g.call("fd_renumber", &[i(2), i(0)]), 0);
    assert_eq!(g.call("fd_close", &[i(3)]), 0);
    let snap = g.ctx().snapshot().unwrap();
    assert_eq!(snap.fds, [FdSnapshot { fd: 0, kind: FdKind::Stderr }]);

    let out = OutputBuffer::new();
    let err = OutputBuffer::new();
    let fresh = grants(tmp.path()).stdout(out.clone()).stderr(err.clone()).build();
    fresh.restore(&snap).unwrap();
    let mut g = Guest::new(fresh);
    assert_eq!(g.write(0, b"to stderr"), Ok(9));
    assert_eq!(err.contents(), b"to stderr");
    assert_eq!(g.write(1, b"x"), Err(EBADF));
    assert_eq!(g.write(2, b"x"), Err(EBADF));
    assert_eq!(g.call("fd_prestat_get", &[i(3), i(OUT)]), EBADF, "the pre-open stays closed");
    assert_eq!(out.contents(), b"");
}

#[test]
fn files_outlive_their_closed_preopen_and_preopens_keep_their_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"0123").unwrap();
    let mut g = Guest::new(grants(tmp.path()).build());
    let fd = g.open(3, "f", 0, READ_RIGHTS, 0).unwrap();
    assert_eq!(g.read(fd, 1).unwrap(), b"0");
    assert_eq!(g.call("fd_close", &[i(3)]), 0);
    let snap = g.ctx().snapshot().unwrap();

    // The policy now grants another directory first: `/data` is at fd 4 in the fresh context.
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(other.path(), "/other", DirPerms::ReadWrite).unwrap();
    b.preopened_dir_path(tmp.path(), "/data", DirPerms::ReadOnly).unwrap();
    b.virtual_clocks();
    let fresh = b.build();
    fresh.restore(&snap).unwrap();
    let mut g = Guest::new(fresh);
    assert_eq!(g.read(fd, 10).unwrap(), b"123");
    assert_eq!(g.call("fd_prestat_get", &[i(3), i(OUT)]), EBADF, "closed before the checkpoint");

    // With the pre-open held, it comes back at its recorded number.
    let mut g = Guest::new(grants(tmp.path()).build());
    g.open(3, "f", 0, READ_RIGHTS, 0).unwrap();
    let snap = g.ctx().snapshot().unwrap();
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(other.path(), "/other", DirPerms::ReadWrite).unwrap();
    b.preopened_dir_path(tmp.path(), "/data", DirPerms::ReadWrite).unwrap();
    b.virtual_clocks();
    let fresh = b.build();
    fresh.restore(&snap).unwrap();
    let mut g = Guest::new(fresh);
    assert_eq!(g.call("fd_prestat_dir_name", &[i(3), i(BUF), i(5)]), 0);
    assert_eq!(g.get(BUF, 5), b"/data");
    assert_eq!(g.ctx().snapshot().unwrap(), snap, "`/other` was not held: it is closed");
    assert_eq!(g.read(4, 10).unwrap(), b"0123");
}

#[test]
fn host_clocks_count_on_from_the_checkpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(tmp.path(), "/data", DirPerms::ReadWrite).unwrap();
    let mut g = Guest::new(b.build());
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(g.call("clock_time_get", &[i(1), l(1), i(OUT)]), 0);
    let before = g.u64_at(OUT);
    let snap = g.ctx().snapshot().unwrap();
    let ClockSnapshot::Host { monotonic_ns } = snap.clocks else { panic!("{:?}", snap.clocks) };
    assert!(monotonic_ns >= before);

    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(tmp.path(), "/data", DirPerms::ReadWrite).unwrap();
    let fresh = b.build();
    fresh.restore(&snap).unwrap();
    let mut g = Guest::new(fresh);
    assert_eq!(g.call("clock_time_get", &[i(1), l(1), i(OUT)]), 0);
    assert!(g.u64_at(OUT) >= monotonic_ns, "monotonic time never goes back");
}

#[test]
fn restore_refuses_what_the_policy_does_not_grant() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let elsewhere = || {
        let mut b = WasiCtxBuilder::new();
        b.preopened_dir_path(other.path(), "/other", DirPerms::ReadWrite).unwrap();
        b.virtual_clocks();
        b.build()
    };
    assert_eq!(
        refusal(&elsewhere(), &forged(vec![])),
        "the checkpoint holds fd 3, pre-open `/data`, which the policy does not grant"
    );
    let mut snap = forged(vec![file("/data", "f", false)]);
    snap.fds.retain(|f| f.fd != 3);
    assert_eq!(
        refusal(&elsewhere(), &snap),
        "the checkpoint holds fd 4, `f` under pre-open `/data`, which the policy does not grant"
    );
    // Writing under a pre-open granted read-only now; reading is fine.
    let read_only = || {
        let mut b = WasiCtxBuilder::new();
        b.preopened_dir_path(tmp.path(), "/data", DirPerms::ReadOnly).unwrap();
        b.virtual_clocks();
        b.build()
    };
    assert_eq!(
        refusal(&read_only(), &forged(vec![file("/data", "f", true)])),
        "the checkpoint holds fd 4, `f` open for writing under pre-open `/data`, which the policy \
         grants read-only"
    );
    let mut appending = file("/data", "f", false);
    if let FdKind::File { fdflags, .. } = &mut appending {
        *fdflags = FDFLAGS_APPEND as u16;
    }
    assert!(refusal(&read_only(), &forged(vec![appending])).contains("open for writing"));
    let ctx = read_only();
    ctx.restore(&forged(vec![file("/data", "f", false)])).unwrap();
    let mut g = Guest::new(ctx);
    assert_eq!(g.read(4, 10).unwrap(), b"x");
    assert_eq!(g.write(4, b"y"), Err(EBADF));
    assert_eq!(g.open(3, "new", O_CREAT, RW_RIGHTS, 0), Err(EPERM), "still read-only");
}

#[test]
fn restore_refuses_paths_that_lead_out_or_are_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let inside = tmp.path().join("inside");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(tmp.path().join("secret"), b"secret").unwrap();
    std::fs::write(inside.join("f"), b"x").unwrap();
    let ctx = grants(&inside).build();
    let secret = tmp.path().join("secret");
    for path in ["/etc/passwd", secret.to_str().unwrap(), "", "a\0b"] {
        assert_eq!(
            refusal(&ctx, &forged(vec![file("/data", path, false)])),
            format!(
                "the checkpoint holds fd 4 with path `{path}`: a path must be relative to its \
                 pre-open (not absolute, not empty, no NUL)"
            )
        );
    }
    for path in ["../secret", "../inside/../secret"] {
        let message = refusal(&ctx, &forged(vec![file("/data", path, true)]));
        assert!(
            message.starts_with(&format!("cannot reopen fd 4, `{path}` under pre-open `/data`: ")),
            "{message}"
        );
    }
    let message =
        refusal(&ctx, &forged(vec![FdKind::Dir { preopen: "/data".into(), path: "..".into() }]));
    assert!(message.starts_with("cannot reopen fd 4, `..` under pre-open `/data`: "), "{message}");
    assert_eq!(std::fs::read(&secret).unwrap(), b"secret");
    // A file that is gone, or now a directory; never created.
    assert_eq!(
        refusal(&ctx, &forged(vec![file("/data", "gone", true)])),
        "the checkpoint holds fd 4, `gone` under pre-open `/data`, which no longer exists"
    );
    assert!(!inside.join("gone").exists());
    std::fs::create_dir(inside.join("d")).unwrap();
    assert_eq!(
        refusal(&ctx, &forged(vec![file("/data", "d", false)])),
        "the checkpoint holds fd 4, `d` under pre-open `/data`, which is now a directory"
    );
    assert_eq!(
        refusal(&ctx, &forged(vec![FdKind::Dir { preopen: "/data".into(), path: "f".into() }])),
        "the checkpoint holds fd 4, `f` under pre-open `/data`, which is now not a directory"
    );
    // None of this changed the context.
    let snap = ctx.snapshot().unwrap();
    assert_eq!(snap.fds.len(), 4);
    assert_eq!(snap.args, Vec::<Vec<u8>>::new());
}

#[test]
fn a_file_removed_after_the_checkpoint_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let mut g = Guest::new(grants(tmp.path()).build());
    g.open(3, "f", 0, READ_RIGHTS, 0).unwrap();
    let snap = g.ctx().snapshot().unwrap();
    drop(g);
    std::fs::remove_file(tmp.path().join("f")).unwrap();
    assert_eq!(
        refusal(&grants(tmp.path()).build(), &snap),
        "the checkpoint holds fd 4, `f` under pre-open `/data`, which no longer exists"
    );
}

#[test]
fn restore_refuses_bad_numbers_flags_clocks_and_a_used_context() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let ctx = grants(tmp.path()).build();
    let mut snap = forged(vec![file("/data", "f", false)]);
    snap.fds[4].fd = 65536;
    assert_eq!(
        refusal(&ctx, &snap),
        "the checkpoint holds fd 65536, beyond the limit of 65536 descriptors"
    );
    snap.fds[4].fd = 3;
    assert_eq!(refusal(&ctx, &snap), "the checkpoint holds fd 3 twice");
    let mut snap = forged(vec![FdKind::Stdin]);
    assert_eq!(refusal(&ctx, &snap), "the checkpoint holds standard input at both fd 0 and fd 4");
    snap.fds[4].kind = FdKind::Preopen { guest_path: "/data".into() };
    assert_eq!(refusal(&ctx, &snap), "the checkpoint holds pre-open `/data` at both fd 3 and fd 4");
    let mut flagged = file("/data", "f", false);
    if let FdKind::File { fdflags, .. } = &mut flagged {
        *fdflags = 0x40;
    }
    assert_eq!(
        refusal(&ctx, &forged(vec![flagged])),
        "the checkpoint holds fd 4 with unknown fdflags 0x40"
    );
    // Clocks must be of the kind the policy gives.
    let mut host = forged(vec![]);
    host.clocks = ClockSnapshot::Host { monotonic_ns: 5 };
    assert_eq!(
        refusal(&ctx, &host),
        "the checkpoint was taken with host clocks, but the policy gives virtual clocks"
    );
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(tmp.path(), "/data", DirPerms::ReadWrite).unwrap();
    assert_eq!(
        refusal(&b.build(), &forged(vec![])),
        "the checkpoint was taken with virtual clocks, but the policy gives host clocks"
    );
    // Only into a fresh context.
    ctx.restore(&forged(vec![file("/data", "f", false)])).unwrap();
    assert_eq!(
        refusal(&ctx, &forged(vec![])),
        "restore needs a fresh context: fd 4 is already open"
    );
}

#[test]
fn restore_respects_the_open_files_quota() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), b"x").unwrap();
    let snap = forged(vec![file("/data", "f", false), file("/data", "f", false)]);
    let ctx = grants(tmp.path()).max_open_files(1).build();
    assert_eq!(
        refusal(&ctx, &snap),
        "the checkpoint holds 6 descriptors, more than the open-files quota allows (1 besides \
         stdio and pre-opens)"
    );
    let ctx = grants(tmp.path()).max_open_files(2).build();
    ctx.restore(&snap).unwrap();
    let mut g = Guest::new(ctx);
    assert_eq!(g.open(3, "f", 0, READ_RIGHTS, 0), Err(EMFILE), "the quota still holds");
}

#[test]
fn snapshot_refuses_streams_and_moved_files() {
    let tmp = tempfile::tempdir().unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        tmp.path().join("fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let mut g = Guest::new(grants(tmp.path()).build());
    // Read and write: a FIFO opens at once.
    let fifo = g.open(3, "fifo", 0, RW_RIGHTS, 0).unwrap();
    assert_eq!(
        g.ctx().snapshot().unwrap_err().to_string(),
        format!(
            "fd {fifo} (`fifo` under pre-open `/data`) cannot be checkpointed: it is a FIFO, \
             socket or device"
        )
    );
    assert_eq!(g.call("fd_close", &[i(fifo)]), 0);

    std::fs::write(tmp.path().join("a"), b"x").unwrap();
    let a = g.open(3, "a", 0, READ_RIGHTS, 0).unwrap();
    g.ctx().snapshot().unwrap();
    assert_eq!(g.rename(3, "a", 3, "b"), 0);
    assert_eq!(
        g.ctx().snapshot().unwrap_err().to_string(),
        format!(
            "fd {a} cannot be checkpointed: `a` under pre-open `/data` no longer names what it \
             opened (renamed or removed since), so it could not be reopened"
        )
    );
    // Another file at the old path is not the one that was open either.
    std::fs::write(tmp.path().join("a"), b"other").unwrap();
    assert!(g.ctx().snapshot().is_err());
}
