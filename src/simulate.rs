//! Runs a scenario's replications and pools their figures.

use crate::engine::{self, DailyCapDay};
use crate::scenario::Scenario;
use crate::stats::Stats;
use rayon::prelude::*;

/// The pooled result of every replication of one scenario.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub stats: Stats,
    /// Daily-cap days of every replication, by replication, brand, day.
    pub daily_caps: Vec<DailyCapDay>,
    /// Events the engine processed (for a throughput figure, not for reports).
    pub events: u64,
}

/// Runs every replication (in parallel) and pools them in replication
/// order, so the result does not depend on the thread count.
pub fn simulate(scenario: &Scenario) -> RunResult {
    let runs: Vec<(Stats, engine::RunEnd)> = (0..scenario.replications)
        .into_par_iter()
        .map(|rep| {
            let mut stats = Stats::new(scenario.traffic.len(), scenario.timeseries_step);
            let end = engine::run(scenario, rep, &mut stats);
            (stats, end)
        })
        .collect();
    let mut runs = runs.into_iter();
    let (mut stats, first) = runs.next().expect("at least one replication");
    let mut daily_caps = first.daily_caps;
    let mut events = first.events;
    for (s, end) in runs {
        stats.merge(&s);
        daily_caps.extend(end.daily_caps);
        events += end.events;
    }
    RunResult { stats, daily_caps, events }
}
