//! The manifest as a user writes it: every key, every default, and the error messages.

use std::path::{Path, PathBuf};
use std::time::Duration;

use silo_sandbox::{Clocks, DirGrant, EnvGrant, Policy, PolicyError, Quotas, Stdio};

fn err(text: &str) -> String {
    Policy::from_toml_str(text).unwrap_err().to_string()
}

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policy.toml")
}

#[test]
fn the_example_manifest_loads() {
    let path = example_path();
    let base = path.parent().unwrap();
    let policy = Policy::load(&path).unwrap();
    let expected = Policy {
        dirs: vec![
            DirGrant { host: base.join("data"), guest: "/data".into(), read_only: false },
            DirGrant { host: "/usr/share/dict".into(), guest: "/dict".into(), read_only: true },
        ],
        env: vec![
            EnvGrant::Value { key: "GREETING".into(), value: "hello".into() },
            EnvGrant::Value { key: "LANG".into(), value: "C.UTF-8".into() },
            EnvGrant::Inherit { key: "HOME".into() },
            EnvGrant::Inherit { key: "TERM".into() },
        ],
        args: vec!["prog".into(), "--verbose".into()],
        stdin: Stdio::Null,
        stdout: Stdio::Inherit,
        stderr: Stdio::File(base.join("guest-errors.log")),
        clocks: Clocks::Virtual,
        random_seed: Some(42),
        limits: Quotas {
            max_memory_bytes: Some(64 << 20),
            max_total_memory_bytes: Some(256 << 20),
            max_gc_heap_bytes: Some(64 << 20),
            max_table_elements: Some(10_000),
            max_instances: Some(10),
            fuel: Some(1_000_000_000),
            timeout: Some(Duration::from_secs(5)),
            max_call_depth: Some(10_000),
            max_open_files: Some(64),
            max_output_bytes: Some(1 << 20),
            max_threads: Some(8),
        },
        module_sha256: None,
    };
    assert_eq!(policy, expected);
}

#[test]
fn an_empty_manifest_grants_nothing() {
    assert_eq!(Policy::from_toml_str("").unwrap(), Policy::default());
    assert_eq!(
        Policy::from_toml_str("# nothing\n[limits]\n[env]\n[stdio]\n").unwrap(),
        Policy::default()
    );
}

#[test]
fn defaults_within_tables() {
    let p = Policy::from_toml_str("[[dir]]\nhost = \"data\"\n[clocks]\n[random]\n").unwrap();
    assert_eq!(p.dirs, [DirGrant { host: "data".into(), guest: "data".into(), read_only: false }]);
    assert_eq!(p.clocks, Clocks::Virtual);
    assert_eq!(p.random_seed, None);
}

#[test]
fn stdio_forms() {
    let p = Policy::from_toml_str(
        "[stdio]\nstdin = { file = \"in.txt\" }\nstdout = \"pipe\"\nstderr = \"null\"\n[clocks]\nmode = \"real\"",
    )
    .unwrap();
    assert_eq!(
        p.stdin,
        Stdio::File("in.txt".into()),
        "relative: no manifest directory to resolve against"
    );
    assert_eq!(p.stdout, Stdio::Pipe);
    assert_eq!(p.stderr, Stdio::Null);
    assert_eq!(p.clocks, Clocks::Real);
}

#[test]
fn sizes_may_be_integers() {
    let p = Policy::from_toml_str(
        "[limits]\nmemory = 65536\noutput = \"10MB\"\ntotal_memory = \"1GiB\"",
    )
    .unwrap();
    assert_eq!(p.limits.max_memory_bytes, Some(65536));
    assert_eq!(p.limits.max_output_bytes, Some(10_000_000));
    assert_eq!(p.limits.max_total_memory_bytes, Some(1 << 30));
}

#[test]
fn unknown_keys_name_their_table_and_line() {
    let text = "args = []\n\n[limits]\nmemory = \"64MiB\"\n# comment\n\nmax_memroy = \"1GiB\"\n";
    assert_eq!(
        err(text),
        "<manifest>: line 7: unknown key `max_memroy` in [limits]; expected `memory`, `total_memory`, \
         `gc_heap`, `table_elements`, `instances`, `fuel`, `timeout`, `call_depth`, `open_files`, \
         `output`, `threads`"
    );
    assert_eq!(
        err("frob = 1"),
        "<manifest>: line 1: unknown key `frob` at the top level; expected `args`, `sha256`, `dir`, \
         `env`, `stdio`, `clocks`, `random`, `limits`"
    );
    assert_eq!(
        err("[[dir]]\nhost = \"a\"\nguset = \"b\""),
        "<manifest>: line 3: unknown key `guset` in [[dir]]; expected `host`, `guest`, `read_only`"
    );
    assert!(
        err("[ limits ] # the limits\nfule = 3")
            .starts_with("<manifest>: line 2: unknown key `fule` in [limits]")
    );
    assert!(
        err("[random]\nsede = 1").starts_with("<manifest>: line 2: unknown key `sede` in [random]")
    );
    assert!(
        err("limits = { fule = 1 }")
            .starts_with("<manifest>: line 1: unknown key `fule` in [limits]")
    );
    assert!(
        err("[[dir]]\nhost = \"a\"\n[[dir]]\nhost = \"b\"\n\nro = 1")
            .starts_with("<manifest>: line 6: unknown key `ro` in [[dir]]")
    );
}

#[test]
fn bad_values_name_their_key_and_line() {
    let cases = [
        (
            "[limits]\nfuel = 0",
            "line 2: `limits.fuel`: 0 fuel would stop the guest before its first instruction",
        ),
        (
            "[limits]\ninstances = 0",
            "line 2: `limits.instances`: 0 instances would forbid instantiating any module",
        ),
        (
            "[limits]\ncall_depth = 0",
            "line 2: `limits.call_depth`: a call depth of 0 would forbid calling the entry function",
        ),
        (
            "[limits]\ntimeout = \"0s\"",
            "line 2: `limits.timeout`: a timeout of 0 would stop the guest before it starts",
        ),
        ("[limits]\nfuel = -1", "line 2: `limits.fuel`: invalid value: integer `-1`, expected u64"),
        (
            "[limits]\nmemory = -1",
            "line 2: `limits.memory`: invalid size -1: sizes cannot be negative",
        ),
        (
            "[limits]\nmemory = true",
            "line 2: `limits.memory`: invalid type: boolean `true`, expected a size such as \"64MiB\" or a number of bytes",
        ),
        (
            "[limits]\ntimeout = 5",
            "line 2: `limits.timeout`: invalid type: integer `5`, expected a duration string such as \"5s\", \"1500ms\" or \"2m\"",
        ),
        ("[env]\nA = 1", "line 2: `env.A`: invalid type: integer `1`, expected a string"),
        (
            "[stdio]\nstdin = \"nul\"",
            "line 2: `stdio.stdin`: unknown stdio `nul`; expected \"inherit\", \"null\", \"pipe\" or { file = \"path\" }",
        ),
        (
            "[stdio]\nstdin = { fiel = \"x\" }",
            "line 2: `stdio.stdin`: unexpected key `fiel` in a stdio table; expected \"inherit\", \"null\", \"pipe\" or { file = \"path\" }",
        ),
        (
            "[stdio]\nstdout = {}",
            "line 2: `stdio.stdout`: expected \"inherit\", \"null\", \"pipe\" or { file = \"path\" }",
        ),
        (
            "[stdio]\nstdout = { file = \"\" }",
            "line 2: `stdio.stdout`: stdio file path is empty or contains a NUL byte",
        ),
        (
            "[clocks]\nmode = \"fake\"",
            "line 2: `clocks.mode`: unknown variant `fake`, expected `real` or `virtual`",
        ),
        ("[random]\nseed = -5", "line 2: `random.seed`: invalid value: integer `-5`, expected u64"),
        ("[[dir]]\nread_only = true", "line 1: `dir`: missing field `host`"),
        ("[[dir]]\nhost = \"../a\"", "line 2: [[dir]]: guest path `../a` contains `..`"),
        (
            "[[dir]]\nhost = \"a\"\nguest = \"/a/../../etc\"",
            "line 3: [[dir]]: guest path `/a/../../etc` contains `..`",
        ),
        ("[[dir]]\nhost = \"a\"\nguest = \"\"", "line 3: [[dir]]: guest path is empty"),
        (
            "[[dir]]\nhost = \"a\"\nguest = \"/x\"\n\n[[dir]]\nhost = \"b\"\nguest = \"x/\"",
            "line 7: [[dir]]: guest paths `/x` and `x/` name the same pre-open",
        ),
        (
            "[[dir]]\nhost = \"a\"\nguest = \"/x\"\n[[dir]]\nhost = \"b\"\nguest = \"/x\"",
            "line 6: [[dir]]: guest path `/x` is granted twice",
        ),
        ("limits = 3", "line 1: `limits`: invalid type: integer `3`, expected a [limits] table"),
        ("args = \"prog\"", "line 1: `args`: invalid type: string \"prog\", expected a sequence"),
        ("[limits\n", "line 1: unclosed table, expected `]`"),
        ("a = 1\na = 2", "line 2: duplicate key"),
    ];
    for (text, expected) in cases {
        assert_eq!(err(text), format!("<manifest>: {expected}"), "for {text:?}");
    }
}

#[test]
fn env_errors() {
    assert_eq!(
        err("[env]\n\"A=B\" = \"1\""),
        "<manifest>: line 1: `env`: environment variable name `A=B` contains `=`"
    );
    assert_eq!(
        err("[env]\nA = \"1\"\ninherit = [\"A\"]"),
        "<manifest>: line 1: `env`: environment variable `A` is granted twice"
    );
    assert_eq!(
        err("[env]\ninherit = [\"B\", \"B\"]"),
        "<manifest>: line 1: `env`: environment variable `B` is granted twice"
    );
    assert_eq!(
        err("[env]\ninherit = [\"\"]"),
        "<manifest>: line 1: `env`: environment variable name is empty"
    );
    assert!(err("[env]\ninherit = \"HOME\"").contains("expected a sequence"));
    assert!(
        err("[env]\nA = \"x\\u0000\"")
            .contains("the value of environment variable `A` contains a NUL byte")
    );
}

#[test]
fn whole_policy_errors_name_the_file() {
    assert_eq!(
        err("[limits]\nmemory = \"2MiB\"\ntotal_memory = \"1MiB\""),
        "<manifest>: limits.memory (2MiB) exceeds limits.total_memory (1MiB)"
    );
    assert!(err("args = [\"a\\u0000\"]").contains("contains a NUL byte"));
    assert_eq!(
        err("[limits]\ngc_heap = \"8GiB\""),
        "<manifest>: limits.gc_heap (8GiB) exceeds the largest heap, 4 GiB less 64 KiB (references \
         are 32-bit offsets)"
    );
}

#[test]
fn load_resolves_relative_paths_against_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(
        &path,
        "[[dir]]\nhost = \"data\"\nguest = \"/data\"\n[[dir]]\nhost = \"/abs\"\n\
         [stdio]\nstdin = { file = \"in.txt\" }\nstdout = { file = \"/tmp/out\" }",
    )
    .unwrap();
    let p = Policy::load(&path).unwrap();
    assert_eq!(p.dirs[0].host, dir.path().join("data"));
    assert_eq!(p.dirs[1].host, Path::new("/abs"));
    assert_eq!(p.dirs[1].guest, "/abs");
    assert_eq!(p.stdin, Stdio::File(dir.path().join("in.txt")));
    assert_eq!(p.stdout, Stdio::File("/tmp/out".into()));
}

#[test]
fn load_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(&path, "[limits]\nfuel = 10\n\nmax_memroy = 1\n").unwrap();
    let shown = path.display();
    let e = Policy::load(&path).unwrap_err();
    assert!(matches!(e, PolicyError::Manifest { line: Some(4), .. }));
    assert!(
        e.to_string()
            .starts_with(&format!("{shown}: line 4: unknown key `max_memroy` in [limits]")),
        "{e}"
    );

    let missing = dir.path().join("missing.toml");
    let e = Policy::load(&missing).unwrap_err();
    assert!(matches!(e, PolicyError::Read { .. }));
    assert!(e.to_string() == format!("{}: cannot read the policy", missing.display()), "{e}");
    assert!(std::error::Error::source(&e).is_some(), "the I/O error is the source");

    std::fs::write(&path, b"args = [\"\xff\"]").unwrap();
    assert!(
        Policy::load(&path)
            .unwrap_err()
            .to_string()
            .starts_with(&format!("{shown}: the manifest is not UTF-8"))
    );

    std::fs::write(&path, vec![b'#'; (1 << 20) + 1]).unwrap();
    assert_eq!(
        Policy::load(&path).unwrap_err().to_string(),
        format!("{shown}: the manifest is larger than 1MiB")
    );

    assert!(matches!(Policy::load(dir.path()).unwrap_err(), PolicyError::Read { .. }));
}

#[test]
fn hostile_text_never_panics() {
    let example = std::fs::read_to_string(example_path()).unwrap();
    for end in (0..=example.len()).filter(|&i| example.is_char_boundary(i)) {
        let _ = Policy::from_toml_str(&example[..end]);
    }
    let nested = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Policy::from_toml_str(&nested).is_err());
    let nested = format!("a = {}", "{ b = ".repeat(100_000));
    assert!(Policy::from_toml_str(&nested).is_err());
    for junk in [
        "\0",
        "[[",
        "]]",
        "=",
        "[env]\n=",
        "[[dir]]\n[[dir]]",
        "\u{feff}args=[]",
        "[limits]\nmemory = \"\u{0661}\"",
    ] {
        let _ = Policy::from_toml_str(junk);
    }
}

#[test]
fn a_module_digest_pins_the_module() {
    let hex = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
    let p = Policy::from_toml_str(&format!("sha256 = \"sha256:{hex}\"")).unwrap();
    assert_eq!(p.module_sha256, Some(hex.to_ascii_lowercase()));
    assert_eq!(Policy::from_toml_str("").unwrap().module_sha256, None);
    let e = err("args = []\nsha256 = \"abc\"");
    assert!(e.contains("line 2") && e.contains("`abc` is not a SHA-256 digest"), "{e}");
}
