//! Runs a scenario's replications and pools their figures.

use crate::engine::{self, DailyCapDay, Fate, Recorder, RunEnd};
use crate::mdr::Records;
use crate::scenario::Scenario;
use crate::scenario::model::Carrier;
use crate::scenario::time::SimTime;
use crate::stats::Stats;
use rayon::prelude::*;

/// What one replication produced.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Replication {
    /// Its figures.
    pub stats: Stats,
    /// T-Mobile daily-cap use per brand and Pacific day.
    pub daily_caps: Vec<DailyCapDay>,
    /// Events the engine processed (for a throughput figure, not for reports).
    pub events: u64,
}

/// Resolved messages between two progress reports: rare enough to cost
/// nothing per message, frequent enough for a smooth bar.
const TICK: u32 = 4096;

/// Forwards to [`Stats`] and reports every [`TICK`] resolved messages: a
/// progress bar without the engine knowing about terminals, that keeps
/// moving while a backlog drains.
struct Counted<'a, K> {
    stats: Stats,
    progress: &'a mut dyn FnMut(u64),
    unreported: u32,
    /// Detail records, or `()` when not asked for.
    records: K,
}

/// Where detail records go: nowhere (`()`), or to [`Records`]. A type
/// rather than an `Option`, so that a run without records is compiled
/// without them: the engine's [`Fate`] is then never written out whole.
trait Keep {
    fn accepted(&mut self);
    fn resolved(&mut self, fate: &Fate);
}

impl Keep for () {
    fn accepted(&mut self) {}
    fn resolved(&mut self, _: &Fate) {}
}

impl Keep for Records<'_> {
    fn accepted(&mut self) {
        Records::accepted(self);
    }
    fn resolved(&mut self, fate: &Fate) {
        Records::resolved(self, fate);
    }
}

impl<K: Keep> Recorder for Counted<'_, K> {
    #[inline(always)]
    fn accepted(&mut self, stream: usize, carrier: Carrier, at: SimTime, queued: bool, retry: bool) {
        Recorder::accepted(&mut self.stats, stream, carrier, at, queued, retry);
        self.records.accepted();
    }

    #[inline]
    fn entered(&mut self, carrier: Carrier, at: SimTime) {
        self.stats.entered(carrier, at);
    }

    #[inline(always)]
    fn resolved(&mut self, fate: &Fate) {
        self.stats.resolved(fate);
        self.records.resolved(fate);
        self.unreported += 1;
        if self.unreported == TICK {
            (self.progress)(u64::from(TICK));
            self.unreported = 0;
        }
    }

    fn finished(&mut self) {
        self.stats.finished();
    }
}

/// Runs replication `rep` of `scenario`; `progress` hears of messages
/// reaching their outcome as they do (4,096 at a time, the last few left
/// out). With `records`, its detail records are written as it goes; a
/// write error is returned once the run is over.
pub fn replicate(
    scenario: &Scenario,
    rep: u32,
    progress: &mut dyn FnMut(u64),
    records: Option<Records>,
) -> std::io::Result<Replication> {
    let (stats, end) = match records {
        None => {
            let (stats, end, ()) = counted(scenario, rep, progress, ());
            (stats, end)
        }
        Some(records) => {
            let (stats, end, records) = counted(scenario, rep, progress, records);
            records.finish()?;
            (stats, end)
        }
    };
    Ok(Replication { stats, daily_caps: end.daily_caps, events: end.events })
}

/// Runs replication `rep` of `scenario` into its statistics and `records`.
fn counted<K: Keep>(scenario: &Scenario, rep: u32, progress: &mut dyn FnMut(u64), records: K) -> (Stats, RunEnd, K) {
    let mut counted = Counted { stats: Stats::for_scenario(scenario), progress, unreported: 0, records };
    let end = engine::run(scenario, rep, &mut counted);
    (counted.stats, end, counted.records)
}

/// The pooled result of every replication of one scenario.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Counts summed and distributions merged over every replication.
    pub stats: Stats,
    /// Each replication's own figures, in replication order, when there are
    /// several (for confidence intervals); see [`RunResult::each`].
    replications: Vec<Stats>,
    /// Daily-cap days, tagged with their replication.
    pub daily_caps: Vec<(u32, DailyCapDay)>,
    /// Events the engine processed, over all replications.
    pub events: u64,
}

impl RunResult {
    /// A result from pooled figures and, with several replications, each
    /// one's, kept without their time series: only the pool's is reported,
    /// and a long run's series is most of its memory.
    pub fn new(stats: Stats, replications: Vec<Stats>, daily_caps: Vec<(u32, DailyCapDay)>, events: u64) -> RunResult {
        let replications = replications.into_iter().map(Stats::without_series).collect();
        RunResult { stats, replications, daily_caps, events }
    }

    /// Each replication's figures, in order (the pooled ones when there is one).
    pub fn each(&self) -> &[Stats] {
        if self.replications.is_empty() { std::slice::from_ref(&self.stats) } else { &self.replications }
    }
}

/// Pools replications given in replication order; the result does not depend
/// on how, or on how many threads, they were computed.
pub fn pool(replications: Vec<Replication>) -> RunResult {
    let several = replications.len() > 1;
    let mut runs = replications.into_iter().enumerate();
    let (_, first) = runs.next().expect("at least one replication");
    // One replication is its own pool: no second copy of its figures.
    let mut stats = if several { first.stats.clone() } else { first.stats };
    let mut daily_caps: Vec<(u32, DailyCapDay)> = first.daily_caps.into_iter().map(|d| (0, d)).collect();
    let mut events = first.events;
    let mut each = if several { vec![stats.clone()] } else { Vec::new() };
    for (rep, r) in runs {
        stats.merge(&r.stats);
        daily_caps.extend(r.daily_caps.into_iter().map(|d| (rep as u32, d)));
        events += r.events;
        each.push(r.stats);
    }
    RunResult::new(stats, each, daily_caps, events)
}

/// Runs every replication (in parallel) and pools them.
pub fn simulate(scenario: &Scenario) -> RunResult {
    let run = |rep| replicate(scenario, rep, &mut |_| {}, None).expect("no records, nothing written");
    pool((0..scenario.replications).into_par_iter().map(run).collect())
}
