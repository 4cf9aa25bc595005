//! The GC proposal's files of the official suite under the collector's stress mode
//! (`Config::gc_zeal`: every allocation collects first, a minor and a full collection in turn,
//! so every object moves and every store into an older object needs the write barrier): a reference
//! that any tier keeps where the collector does not look (an interpreter slot outside its slot
//! map, a native value outside its stack map, a builtin's operand) would point at whatever moved
//! there, and a directive would fail. The folder passes in full in every tier without stress
//! (see the expected lists), so it must here too.

use silo_spec_tests::{Tier, run_suite_with, suite};

#[test]
fn gc_files_pass_while_every_allocation_moves_every_object() {
    let files: Vec<suite::SuiteFile> =
        suite::builtin().into_iter().filter(|f| f.name.starts_with("gc/")).collect();
    assert!(files.len() >= 15, "the gc folder has {} files", files.len());
    for tier in [Tier::Interp, Tier::Jit, Tier::TieredEager] {
        let report = run_suite_with(tier, &files, |config| {
            config.gc_zeal(true);
        })
        .unwrap();
        let failures: Vec<String> =
            report.failures.iter().map(|(key, why)| format!("{key:?}: {why}")).collect();
        assert!(failures.is_empty(), "{} under zeal:\n{}", tier.name(), failures.join("\n"));
        assert!(report.passed() > 700, "{}: {} directives passed", tier.name(), report.passed());
    }
}
