//! Runs a scenario's replications and pools their figures.

use crate::engine::{self, DailyCapDay};
use crate::scenario::Scenario;
use crate::stats::Stats;
use rayon::prelude::*;

/// What one replication produced.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Replication {
    pub stats: Stats,
    pub daily_caps: Vec<DailyCapDay>,
    /// Events the engine processed (for a throughput figure, not for reports).
    pub events: u64,
}

/// Runs replication `rep` of `scenario`.
pub fn replicate(scenario: &Scenario, rep: u32) -> Replication {
    let mut stats = Stats::for_scenario(scenario);
    let end = engine::run(scenario, rep, &mut stats);
    Replication { stats, daily_caps: end.daily_caps, events: end.events }
}

/// The pooled result of every replication of one scenario.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Counts summed and distributions merged over every replication.
    pub stats: Stats,
    /// Each replication's own figures, in replication order (for confidence intervals).
    pub replications: Vec<Stats>,
    /// Daily-cap days, tagged with their replication.
    pub daily_caps: Vec<(u32, DailyCapDay)>,
    pub events: u64,
}

/// Pools replications given in replication order; the result does not depend
/// on how, or on how many threads, they were computed.
pub fn pool(replications: Vec<Replication>) -> RunResult {
    let mut runs = replications.into_iter().enumerate();
    let (_, first) = runs.next().expect("at least one replication");
    let mut stats = first.stats.clone();
    let mut daily_caps: Vec<(u32, DailyCapDay)> = first.daily_caps.into_iter().map(|d| (0, d)).collect();
    let mut events = first.events;
    let mut each = vec![first.stats];
    for (rep, r) in runs {
        stats.merge(&r.stats);
        daily_caps.extend(r.daily_caps.into_iter().map(|d| (rep as u32, d)));
        events += r.events;
        each.push(r.stats);
    }
    RunResult { stats, replications: each, daily_caps, events }
}

/// Runs every replication (in parallel) and pools them.
pub fn simulate(scenario: &Scenario) -> RunResult {
    pool((0..scenario.replications).into_par_iter().map(|rep| replicate(scenario, rep)).collect())
}
