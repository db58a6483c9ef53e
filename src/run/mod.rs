//! Running scenarios: one replication, and batches of them in parallel.

pub mod batch;
pub mod merge;
pub mod shard;
pub mod simulate;
