//! Expected-failure lists: the directives a tier is known to fail, each with its reason.
//!
//! One line per directive: `<file> <line> <reason>`, optionally followed by ` # <note>`; a line
//! starting with `#` is a comment. The reason is the failure message itself, so a listed directive
//! that starts failing for another reason is a regression too. A listed directive that passes is
//! an error as well: the list only shrinks.

use std::collections::{BTreeMap, HashSet};

/// A directive: its file and line.
pub type Key = (String, usize);

/// An expected failure: its reason and the note explaining it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The failure message.
    pub reason: String,
    /// Why the failure is expected, when the reason alone does not say.
    pub note: Option<String>,
}

/// Parses a list into directive → entry.
pub fn parse(text: &str) -> Result<BTreeMap<Key, Entry>, String> {
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let (Some(file), Some(num), Some(reason)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("line {}: expected `<file> <line> <reason>`", n + 1));
        };
        let num: usize = num.parse().map_err(|_| format!("line {}: bad line number", n + 1))?;
        let (reason, note) = match reason.split_once(" # ") {
            Some((r, note)) => (r.to_string(), Some(note.to_string())),
            None => (reason.to_string(), None),
        };
        map.insert((file.to_string(), num), Entry { reason, note });
    }
    Ok(map)
}

/// Renders a list with a header.
pub fn render(header: &str, failures: &BTreeMap<Key, Entry>) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    for ((file, line), entry) in failures {
        match &entry.note {
            Some(note) => out.push_str(&format!("{file} {line} {} # {note}\n", entry.reason)),
            None => out.push_str(&format!("{file} {line} {}\n", entry.reason)),
        }
    }
    out
}

/// How the actual failures differ from the expected ones.
#[derive(Debug, Default)]
pub struct Diff {
    /// Failing, not listed (or listed with another reason): regressions.
    pub unexpected: Vec<(Key, String)>,
    /// Listed, but passing now: the list must shrink.
    pub fixed: Vec<Key>,
}

impl Diff {
    /// Whether actual and expected agree.
    pub fn is_empty(&self) -> bool {
        self.unexpected.is_empty() && self.fixed.is_empty()
    }
}

/// Compares actual failures with the expected ones, for the files that were run.
pub fn compare(
    expected: &BTreeMap<Key, Entry>,
    actual: &BTreeMap<Key, String>,
    files_run: &[String],
) -> Diff {
    let files_run: HashSet<&str> = files_run.iter().map(String::as_str).collect();
    let mut diff = Diff::default();
    for (key, reason) in actual {
        if expected.get(key).map(|e| &e.reason) != Some(reason) {
            diff.unexpected.push((key.clone(), reason.clone()));
        }
    }
    for key in expected.keys() {
        if files_run.contains(key.0.as_str()) && !actual.contains_key(key) {
            diff.fixed.push(key.clone());
        }
    }
    diff
}

/// A failure message on one line (reasons are stored one per line).
pub fn one_line(reason: &str) -> String {
    reason.lines().next().unwrap_or("").trim().to_string()
}

/// Whether an expected failure is justified on its face: the tier lacks a feature, the test
/// checks a rule later standards dropped, or a note explains it.
pub fn is_justified(entry: &Entry) -> bool {
    entry.reason.starts_with("unsupported feature: ")
        || entry.reason.starts_with("obsolete test: ")
        || entry.note.is_some()
}
