//! A one-line progress bar on stderr for downloads that take more than a second, drawn only when
//! stderr is a terminal (never into a log or a pipe) and erased when the download ends.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long a download runs before its progress is shown.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// The progress line of one download.
pub struct Progress {
    enabled: bool,
    name: String,
    total: Option<u64>,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    /// A progress line for the download of `name`, of `total` bytes when known; shown only if
    /// `wanted` and stderr is a terminal.
    pub fn new(wanted: bool, name: &str, total: Option<u64>) -> Progress {
        Progress {
            enabled: wanted && std::io::stderr().is_terminal(),
            name: name.to_string(),
            total,
            started: Instant::now(),
            drawn: None,
        }
    }

    /// `received` bytes are in.
    pub fn update(&mut self, received: u64) {
        if !self.enabled {
            return;
        }
        let elapsed = self.started.elapsed();
        if elapsed < SHOW_AFTER || self.drawn.is_some_and(|d| d.elapsed() < REDRAW_EVERY) {
            return;
        }
        let rate = received as f64 / elapsed.as_secs_f64();
        let line = match self.total {
            Some(total) if total > 0 => format!(
                "downloading {}: {} / {} ({}%), {}/s",
                self.name,
                mib(received as f64),
                mib(total as f64),
                received.saturating_mul(100) / total,
                mib(rate)
            ),
            _ => format!("downloading {}: {}, {}/s", self.name, mib(received as f64), mib(rate)),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = Some(Instant::now());
    }

    /// Erases the line, if it was drawn.
    pub fn finish(&mut self) {
        if self.drawn.take().is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Bytes in MiB, one decimal.
fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}
