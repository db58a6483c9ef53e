//! Checks on results: `[[expect]]` expectations, baselines of key figures,
//! and their output for CI; and the JSON Schema that checks scenario files
//! as they are edited (its `[[expect]]` metrics come from `summary.json`).

pub(crate) mod baseline;
pub(crate) mod ci;
pub mod expect;
pub mod schema;
