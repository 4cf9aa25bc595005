//! Files the CLI writes for the user (a compiled or pre-initialized module): written whole or not
//! at all, so a reader never sees half a module and a failure leaves any previous file in place.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file beside it, so a reader never sees half a
/// module and a failure leaves any previous file in place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
