//! Command-line flags: parsing `--dir` and `--env`, and merging over a manifest.

use std::time::Duration;

use silo_sandbox::{
    DirGrant, EnvGrant, Overrides, Policy, PolicyError, parse_duration, parse_size,
};

fn dir(host: &str, guest: &str, read_only: bool) -> DirGrant {
    DirGrant { host: host.into(), guest: guest.into(), read_only }
}

fn value(key: &str, value: &str) -> EnvGrant {
    EnvGrant::Value { key: key.into(), value: value.into() }
}

fn inherit(key: &str) -> EnvGrant {
    EnvGrant::Inherit { key: key.into() }
}

#[test]
fn dir_flags() {
    let parse = |s| DirGrant::parse_flag(s).unwrap();
    assert_eq!(parse("/data"), dir("/data", "/data", false));
    assert_eq!(parse("."), dir(".", ".", false));
    assert_eq!(parse("./out"), dir("./out", "./out", false));
    assert_eq!(parse("/srv/data::/data"), dir("/srv/data", "/data", false));
    assert_eq!(parse("/srv/data::/data:ro"), dir("/srv/data", "/data", true));
    assert_eq!(parse("/srv/data:ro"), dir("/srv/data", "/srv/data", true));
    assert_eq!(parse("/srv/data::/data:rw"), dir("/srv/data", "/data", false));
    assert_eq!(parse("/mnt/c:d/e::/e"), dir("/mnt/c:d/e", "/e", false));
    assert_eq!(parse("/mnt/c:d"), dir("/mnt/c:d", "/mnt/c:d", false));
    assert_eq!(parse("host::guest"), dir("host", "guest", false));
    assert_eq!(parse("/srv/data::/data:RO"), dir("/srv/data", "/data", true));
    assert_eq!(parse("/srv/data:Rw"), dir("/srv/data", "/srv/data", false));
    assert_eq!(parse("a::ro"), dir("a", "ro", false));
}

#[test]
fn dir_flag_errors() {
    let err = |s| DirGrant::parse_flag(s).unwrap_err().to_string();
    assert_eq!(err(""), "invalid --dir ``: host path is empty; expected HOST[::GUEST][:ro]");
    assert_eq!(
        err("::/data"),
        "invalid --dir `::/data`: host path is empty; expected HOST[::GUEST][:ro]"
    );
    assert_eq!(
        err("/srv::"),
        "invalid --dir `/srv::`: guest path is empty; expected HOST[::GUEST][:ro]"
    );
    assert_eq!(err(":ro"), "invalid --dir `:ro`: host path is empty; expected HOST[::GUEST][:ro]");
    assert_eq!(
        err("../data"),
        "invalid --dir `../data`: guest path `../data` contains `..`; expected HOST[::GUEST][:ro]"
    );
    assert_eq!(
        err("/srv::/a:RX"),
        "invalid --dir `/srv::/a:RX`: unknown option `RX` (the options are `ro` and `rw`); \
         expected HOST[::GUEST][:ro]"
    );
    assert_eq!(
        err("/srv::/a:ro:x"),
        "invalid --dir `/srv::/a:ro:x`: unknown option `x` (the options are `ro` and `rw`); \
         expected HOST[::GUEST][:ro]"
    );
    assert_eq!(
        err("/srv::/a/../b:ro"),
        "invalid --dir `/srv::/a/../b:ro`: guest path `/a/../b` contains `..`; expected HOST[::GUEST][:ro]"
    );
}

#[test]
fn env_flags() {
    assert_eq!(EnvGrant::parse_flag("K=V").unwrap(), value("K", "V"));
    assert_eq!(EnvGrant::parse_flag("K=").unwrap(), value("K", ""));
    assert_eq!(EnvGrant::parse_flag("K=a=b").unwrap(), value("K", "a=b"));
    assert_eq!(EnvGrant::parse_flag("HOME").unwrap(), inherit("HOME"));
    assert_eq!(EnvGrant::parse_inherit_flag("TERM").unwrap(), inherit("TERM"));
    assert_eq!(
        EnvGrant::parse_flag("=V").unwrap_err().to_string(),
        "invalid --env `=V`: environment variable name is empty; expected NAME=VALUE or NAME"
    );
    assert_eq!(
        EnvGrant::parse_flag("").unwrap_err().to_string(),
        "invalid --env ``: environment variable name is empty; expected NAME=VALUE or NAME"
    );
    assert_eq!(
        EnvGrant::parse_inherit_flag("A=B").unwrap_err().to_string(),
        "invalid --env-inherit `A=B`: environment variable name `A=B` contains `=`; expected NAME"
    );
}

/// The parsers have the shape clap's `value_parser` takes.
#[test]
fn parsers_fit_clap() {
    fn takes<T, E: Into<Box<dyn std::error::Error + Send + Sync>>>(_: fn(&str) -> Result<T, E>) {}
    takes(parse_size);
    takes(parse_duration);
    takes(DirGrant::parse_flag);
    takes(EnvGrant::parse_flag);
    takes(EnvGrant::parse_inherit_flag);
}

fn manifest() -> Policy {
    Policy::from_toml_str(
        "args = [\"prog\"]\n\
         [[dir]]\nhost = \"/srv/data\"\nguest = \"/data\"\nread_only = true\n\
         [env]\nLANG = \"C\"\nGREETING = \"hi\"\ninherit = [\"HOME\"]\n\
         [limits]\nfuel = 1000\nmemory = \"1MiB\"\ntotal_memory = \"8MiB\"\ntimeout = \"1s\"\ninstances = 2\n",
    )
    .unwrap()
}

#[test]
fn flags_add_to_lists_and_replace_same_names() {
    let mut p = manifest();
    let o = Overrides {
        dirs: vec![dir("/tmp/x", "/x", false), dir("/elsewhere", "data", false)],
        env: vec![
            value("GREETING", "hello"),
            inherit("LANG"),
            value("NEW", "1"),
            value("HOME", "/h"),
        ],
        args: Some(vec!["prog".into(), "-v".into()]),
        ..Overrides::default()
    };
    p.apply_overrides(&o).unwrap();
    assert_eq!(p.dirs, [dir("/elsewhere", "data", false), dir("/tmp/x", "/x", false)]);
    assert_eq!(
        p.env,
        [value("GREETING", "hello"), inherit("LANG"), value("HOME", "/h"), value("NEW", "1")]
    );
    assert_eq!(p.args, ["prog", "-v"]);
    assert_eq!(p.limits, manifest().limits, "no quota flag given");
}

#[test]
fn flags_replace_scalar_quotas() {
    let mut p = manifest();
    let o = Overrides {
        fuel: Some(5),
        max_memory_bytes: Some(2 << 20),
        timeout: Some(Duration::from_millis(1500)),
        max_call_depth: Some(100),
        max_open_files: Some(3),
        max_output_bytes: Some(1024),
        max_table_elements: Some(64),
        max_threads: Some(2),
        ..Overrides::default()
    };
    p.apply_overrides(&o).unwrap();
    let l = &p.limits;
    assert_eq!(l.max_table_elements, Some(64));
    assert_eq!(l.fuel, Some(5));
    assert_eq!(l.max_memory_bytes, Some(2 << 20));
    assert_eq!(l.timeout, Some(Duration::from_millis(1500)));
    assert_eq!(l.max_call_depth, Some(100));
    assert_eq!(l.max_open_files, Some(3));
    assert_eq!(l.max_output_bytes, Some(1024));
    assert_eq!(l.max_threads, Some(2));
    assert_eq!((l.max_total_memory_bytes, l.max_instances), (Some(8 << 20), Some(2)), "kept");
}

#[test]
fn rejected_overrides_leave_the_policy_unchanged() {
    let cases: [(Overrides, &str); 6] = [
        (
            Overrides { fuel: Some(0), ..Overrides::default() },
            "invalid --fuel `0`: 0 fuel would stop the guest before its first instruction",
        ),
        (
            Overrides { max_call_depth: Some(0), ..Overrides::default() },
            "invalid --max-stack `0`: a call depth of 0 would forbid calling the entry function",
        ),
        (
            Overrides { timeout: Some(Duration::ZERO), ..Overrides::default() },
            "invalid --timeout `0`: a timeout of 0 would stop the guest before it starts",
        ),
        (
            Overrides { dirs: vec![dir("/a", "/a/../b", false)], ..Overrides::default() },
            "invalid --dir `/a::/a/../b`: guest path `/a/../b` contains `..`",
        ),
        (
            Overrides { env: vec![value("", "x")], ..Overrides::default() },
            "invalid --env ``: environment variable name is empty",
        ),
        (
            Overrides { max_memory_bytes: Some(16 << 20), ..Overrides::default() },
            "invalid policy: limits.memory (16MiB) exceeds limits.total_memory (8MiB)",
        ),
    ];
    for (o, expected) in cases {
        let mut p = manifest();
        let e = p.apply_overrides(&o).unwrap_err();
        assert_eq!(e.to_string(), expected);
        assert_eq!(p, manifest());
    }
    let mut p = manifest();
    let e = p.apply_overrides(&Overrides { fuel: Some(0), ..Overrides::default() }).unwrap_err();
    assert!(matches!(e, PolicyError::Flag { flag: "--fuel", .. }));
}

#[test]
fn overrides_over_nothing() {
    let mut p = Policy::default();
    p.apply_overrides(&Overrides {
        dirs: vec![DirGrant::parse_flag(".").unwrap()],
        env: vec![EnvGrant::parse_flag("A=1").unwrap()],
        max_memory_bytes: Some(parse_size("64MiB").unwrap()),
        ..Overrides::default()
    })
    .unwrap();
    assert_eq!(p.dirs, [dir(".", ".", false)]);
    assert_eq!(p.env, [value("A", "1")]);
    assert_eq!(p.limits.max_memory_bytes, Some(64 << 20));
}
