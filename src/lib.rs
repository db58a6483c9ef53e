//! a2psim: simulates application-to-person SMS/MMS traffic under the
//! throughput rules of US and Canadian messaging, message by message.
//!
//! Layers, each using only those before it:
//! * [`scenario`]: the validated scenario and its domain types (time, rates,
//!   carriers, traffic, outages);
//! * [`load`]: scenario files to a [`scenario::Scenario`], with diagnostics;
//!   [`engine`]: runs a scenario and reports what happens to a
//!   [`engine::Recorder`] (neither knows of the other);
//! * [`stats`]: the figures of a run, streamed into histograms;
//! * [`run`]: replications and batches in parallel, shards;
//! * [`report`]: `summary.json`, `timeseries.csv`, charts and HTML;
//! * [`check`]: `[[expect]]` expectations, baselines and CI output;
//! * [`cli`]: the `a2psim` command line on top.

#[cfg(feature = "report")]
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod engine;
pub mod load;
#[cfg(feature = "report")]
pub mod report;
pub mod run;
pub mod scenario;
pub mod stats;
