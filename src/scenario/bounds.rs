//! The bounds every scenario keeps, checked when it is read, so that every
//! run ends in bounded time and memory and every figure is representable.
//! The README's *Limits and safety* lists them.

use super::time::{NANOS_PER_SEC, SimDuration};

/// Replications of one scenario or sweep point, in the file or on the command line.
pub const MAX_REPLICATIONS: u32 = 100_000;

/// Numbers in one sender's pool.
pub const MAX_NUMBERS: u32 = 100_000;

/// Points of one sweep (the product of its parameters' value counts).
pub const MAX_SWEEP_POINTS: usize = 10_000;

/// Messages of one burst: they may all wait at once.
pub const MAX_BURST: u64 = 10_000_000;

/// Fastest rate, per second: one unit per microsecond.
pub const MAX_RATE_PER_SEC: u64 = 1_000_000;

/// Slowest rate: one unit per this many days.
pub const MIN_RATE_DAYS: u64 = 365;

/// Longest duration, and latest instant after `start`: a century keeps
/// every sum of a few of them within integer nanoseconds (584 years).
pub const MAX_SPAN: SimDuration = SimDuration::from_secs(100 * 365 * 86_400);

/// Largest scenario file, in bytes.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Largest trace file, in bytes.
pub const MAX_TRACE_BYTES: u64 = 256 << 20;

/// Largest results file read back (a baseline, a shard's partial results), in bytes.
pub const MAX_RESULTS_BYTES: u64 = 1 << 30;

/// Longest answer to one of `init`'s questions, in bytes.
pub const MAX_ANSWER_BYTES: u64 = 4096;

/// Most timestamps of one trace file.
pub const MAX_TRACE_LINES: usize = 10_000_000;

/// Longest id or stream name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Characters a name may not hold besides control characters, as inclusive
/// ranges: they show nothing yet make two names differ, or reorder what
/// follows them. Zero-width spaces and joiners that no script needs, and
/// direction marks, embeddings, overrides and isolates; the zero-width
/// (non-)joiners that scripts and emoji need are allowed. The loader and
/// the JSON Schema both read this list.
pub const INVISIBLE: [(char, char); 8] = [
    ('\u{00AD}', '\u{00AD}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{200B}', '\u{200B}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2060}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{FEFF}', '\u{FEFF}'),
];

/// Whether `c` is one of [`INVISIBLE`].
pub fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|&(low, high)| (low..=high).contains(&c))
}

/// Whether `units` per `period` is within [`MAX_RATE_PER_SEC`] and [`MIN_RATE_DAYS`].
pub fn rate_in_range(units: f64, period: SimDuration) -> bool {
    let per_sec = units * NANOS_PER_SEC as f64 / period.as_nanos() as f64;
    per_sec <= MAX_RATE_PER_SEC as f64 && per_sec * (MIN_RATE_DAYS * 86_400) as f64 >= 1.0
}
