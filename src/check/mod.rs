//! Checks on results: `[[expect]]` expectations, baselines of key figures,
//! and their output for CI.

pub(crate) mod baseline;
pub(crate) mod ci;
pub mod expect;
