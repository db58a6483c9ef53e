#![warn(missing_docs)]
//! a2psim: simulates application-to-person SMS/MMS traffic under the
//! throughput rules of US and Canadian messaging, message by message.
//!
//! # Embedding
//!
//! Read a scenario, run it, read its figures:
//!
//! ```
//! let text = r#"
//! start = "2026-03-10T09:00:00-07:00"
//! [[senders]]
//! id = "sc"
//! type = "short_code"
//! [[traffic]]
//! name = "otp"
//! sender = "sc"
//! arrival = { process = "burst", count = 300, at = "0s" }
//! "#;
//! let loaded = a2psim::from_text(text).expect("a valid scenario");
//! let result = a2psim::simulate(&loaded.scenario);
//! let otp = &result.stats.streams[0];
//! assert_eq!(otp.count(a2psim::Outcome::Delivered), 300);
//! // The account's default 5 messages per second: the last one waits 59 s.
//! assert_eq!(otp.queue_wait.summary().max, 59.0);
//! ```
//!
//! [`engine::run`] with a [`engine::Recorder`] of your own sees every
//! message's [`engine::Fate`] instead. With default features off
//! (`default-features = false`) the crate is the engine alone: no charts,
//! reports or command line.
//!
//! # Layers
//!
//! Each uses only those before it (a test keeps it so):
//! * [`scenario`]: the validated scenario and its domain types (time, rates,
//!   carriers, traffic, outages);
//! * [`load`]: scenario files to a [`Scenario`], with diagnostics;
//!   [`engine`]: runs a scenario and reports what happens to a
//!   [`engine::Recorder`] (neither knows of the other);
//! * [`stats`]: the figures of a run, streamed into histograms;
//!   [`mdr`]: message detail records, one CSV row per attempt;
//! * [`run`]: replications and batches in parallel, shards;
//! * `report`: `summary.json`, `timeseries.csv`, charts and HTML (feature `report`);
//! * `check`: `[[expect]]` expectations, baselines and CI output (feature `report`);
//! * `plan`: `[plan]` searches, the least (or most) value keeping every promise (feature `report`);
//! * `cli`: the `a2psim` command line on top (feature `cli`).

#[cfg(feature = "report")]
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod engine;
#[cfg(feature = "cli")]
pub mod init;
pub mod load;
pub mod mdr;
#[cfg(feature = "report")]
pub mod plan;
#[cfg(feature = "report")]
pub mod report;
pub mod run;
pub mod scenario;
pub mod stats;

pub use load::{Diagnostic, Loaded};
pub use run::simulate::{RunResult, simulate};
pub use scenario::Scenario;
pub use scenario::model::{Carrier, Outcome};
pub use stats::{Group, LatencySummary, Stats};

/// Reads and validates the scenario file at `path`; every problem is a
/// [`Diagnostic`] with its line and column.
pub fn from_file(path: &std::path::Path) -> Result<Loaded, Vec<Diagnostic>> {
    load::load_file(path, &[])
}

/// Reads and validates a scenario from TOML text; trace files are found
/// from the current folder.
pub fn from_text(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load::parse(text, "scenario.toml", "scenario", std::path::Path::new("."))
}
