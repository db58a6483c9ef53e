//! Checks on results: `[[expect]]` expectations, baselines of key figures,
//! and their output for CI.

pub mod baseline;
pub mod ci;
pub mod expect;
