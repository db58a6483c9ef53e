//! Streaming statistics: the [`Recorder`] that builds `summary.json` and
//! `timeseries.csv` figures without keeping messages.

pub mod backlog;
mod buckets;
pub mod confidence;
pub mod figure;
pub mod series;

use crate::engine::{Fate, Recorder};
use crate::scenario::model::{Carrier, Outcome};
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::{Money, Scenario};
use serde::{Deserialize, Serialize};
use series::Column;
use std::collections::BTreeMap;

use backlog::Backlog;
use buckets::Buckets;
use series::Series;

/// Distinct values kept exactly before switching to a histogram: small,
/// deterministic runs (the provider FAQ's examples) get exact percentiles.
const EXACT_LIMIT: usize = 2_048;

/// A latency distribution: exact count, mean and max; nearest-rank
/// percentiles, exact while few distinct values were seen, otherwise from a
/// 3-significant-digit histogram (within 0.1 %).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(into = "LatencyParts", from = "LatencyParts")]
pub struct Latency {
    count: u64,
    sum: u128,
    max: u64,
    exact: BTreeMap<u64, u64>,
    hist: Option<Buckets>,
}

/// How a [`Latency`] is written to a shard's partial results: the exact
/// values, or the histogram's recorded buckets (which rebuild it exactly).
#[derive(Serialize, Deserialize)]
struct LatencyParts {
    count: u64,
    /// The exact sum in nanoseconds, as decimal text (JSON numbers stop at 2^64).
    sum: String,
    max: u64,
    histogram: bool,
    values: Vec<(u64, u64)>,
}

impl From<Latency> for LatencyParts {
    fn from(l: Latency) -> LatencyParts {
        let values = match &l.hist {
            None => l.exact.iter().map(|(&v, &n)| (v, n)).collect(),
            Some(h) => h.recorded().collect(),
        };
        LatencyParts { count: l.count, sum: l.sum.to_string(), max: l.max, histogram: l.hist.is_some(), values }
    }
}

impl From<LatencyParts> for Latency {
    fn from(p: LatencyParts) -> Latency {
        let mut l = Latency { count: p.count, sum: p.sum.parse().unwrap_or(0), max: p.max, ..Latency::default() };
        if p.histogram {
            l.histogram();
        }
        for (v, n) in p.values {
            l.add_value(v, n);
        }
        l
    }
}

/// Figures of one latency distribution, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LatencySummary {
    /// Messages measured.
    pub count: u64,
    /// Mean, in seconds.
    pub mean: f64,
    /// Median, in seconds.
    pub p50: f64,
    /// 90th percentile, in seconds.
    pub p90: f64,
    /// 99th percentile, in seconds.
    pub p99: f64,
    /// Longest, in seconds.
    pub max: f64,
}

impl Latency {
    /// Adds one measurement. Inlined: it is called twice for most messages.
    #[inline(always)]
    pub fn record(&mut self, d: SimDuration) {
        let ns = d.as_nanos();
        self.count += 1;
        self.sum += ns as u128;
        self.max = self.max.max(ns);
        self.add_value(ns, 1);
    }

    /// Measurements recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether the values kept add up to the count (read from a file, they may not).
    fn adds_up(&self) -> bool {
        let kept = match &self.hist {
            None => self.exact.values().try_fold(0u64, |a, &n| a.checked_add(n)),
            Some(h) => h.recorded().try_fold(0u64, |a, (_, n)| a.checked_add(n)),
        };
        kept == Some(self.count)
    }

    /// Adds `other`'s values, as if recorded here.
    pub fn merge(&mut self, other: &Latency) {
        self.count = self.count.saturating_add(other.count);
        self.sum = self.sum.saturating_add(other.sum);
        self.max = self.max.max(other.max);
        for (&v, &n) in &other.exact {
            self.add_value(v, n);
        }
        if let Some(theirs) = &other.hist {
            let total = self.count;
            let h = self.histogram();
            for (v, n) in theirs.recorded() {
                h.record_n(v, n, total);
            }
        }
    }

    #[inline(always)]
    fn add_value(&mut self, ns: u64, n: u64) {
        match &mut self.hist {
            Some(h) => h.record_n(ns, n, self.count),
            None => {
                *self.exact.entry(ns).or_insert(0) += n;
                if self.exact.len() > EXACT_LIMIT {
                    self.histogram();
                }
            }
        }
    }

    /// The histogram, moving the exact values into it first.
    fn histogram(&mut self) -> &mut Buckets {
        let exact = std::mem::take(&mut self.exact);
        let total = self.count;
        let h = self.hist.get_or_insert_with(Buckets::new);
        for (v, n) in exact {
            h.record_n(v, n, total);
        }
        h
    }

    /// Nearest rank: the smallest recorded v with at least q of values <= v.
    fn quantile(&self, q: f64) -> u64 {
        let rank = ((q * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        match &self.hist {
            None => {
                for (&v, &n) in &self.exact {
                    seen += n;
                    if seen >= rank {
                        return v;
                    }
                }
                self.max
            }
            Some(h) => {
                for (v, n) in h.recorded() {
                    seen += n;
                    if seen >= rank {
                        return v.min(self.max);
                    }
                }
                self.max
            }
        }
    }

    /// Count, mean, percentiles and maximum.
    pub fn summary(&self) -> LatencySummary {
        if self.count == 0 {
            return LatencySummary::default();
        }
        let s = |ns: u64| ns as f64 / 1e9;
        LatencySummary {
            count: self.count,
            mean: self.sum as f64 / self.count as f64 / 1e9,
            p50: s(self.quantile(0.50)),
            p90: s(self.quantile(0.90)),
            p99: s(self.quantile(0.99)),
            max: s(self.max),
        }
    }
}

/// Outcome counts and money of a group of messages.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Group {
    /// Messages accepted.
    pub accepted: u64,
    /// Indexed by [`Outcome::index`].
    pub outcomes: [u64; 8],
    /// Delivered later than the stream's `useful_life`.
    pub late: u64,
    /// Rejected because the provider's queue was full (part of `rejected`).
    #[serde(default)]
    pub rejected_queue_full: u64,
    /// What the messages were charged, every attempt.
    pub cost: Money,
    /// Every attempt, first or retry (MODEL §9).
    #[serde(default)]
    pub attempts: Attempts,
    /// From acceptance to hand-over, of dispatched messages (their final attempt).
    pub queue_wait: Latency,
    /// From arrival (the first acceptance, unless the sender paces) to the
    /// final delivery, of delivered messages.
    pub end_to_end: Latency,
    /// From arrival to submission, of accepted messages of paced streams.
    #[serde(default)]
    pub client_wait: Latency,
}

/// Every attempt at the messages of a group by outcome, and those retried.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Attempts {
    /// Each attempt's outcome, by [`Outcome::index`].
    pub outcomes: [u64; 8],
    /// The attempts the sender retried, by their outcome.
    pub retried: [u64; 8],
    /// The attempts rejected because the provider's queue was full.
    #[serde(default)]
    pub queue_full: u64,
}

impl Attempts {
    /// Attempts made: first ones and retries.
    pub fn total(&self) -> u64 {
        self.outcomes.iter().sum()
    }

    /// Retries made.
    pub fn retries(&self) -> u64 {
        self.retried.iter().sum()
    }

    fn merge(&mut self, other: &Attempts) {
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes).chain(self.retried.iter_mut().zip(other.retried)) {
            *a = a.saturating_add(b);
        }
        self.queue_full = self.queue_full.saturating_add(other.queue_full);
    }
}

impl Group {
    /// Messages that ended with `o`.
    pub fn count(&self, o: Outcome) -> u64 {
        self.outcomes[o.index()]
    }

    /// Expired messages per accepted message.
    pub fn expiry_rate(&self) -> f64 {
        if self.accepted == 0 { 0.0 } else { self.count(Outcome::Expired) as f64 / self.accepted as f64 }
    }

    /// Messages delivered late per accepted message.
    pub fn late_rate(&self) -> f64 {
        if self.accepted == 0 { 0.0 } else { self.late as f64 / self.accepted as f64 }
    }

    /// Adds `other`'s messages.
    pub fn merge(&mut self, other: &Group) {
        // Saturating: figures read from partial results may be anything.
        self.accepted = self.accepted.saturating_add(other.accepted);
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a = a.saturating_add(b);
        }
        self.late = self.late.saturating_add(other.late);
        self.rejected_queue_full = self.rejected_queue_full.saturating_add(other.rejected_queue_full);
        self.cost.0 = self.cost.0.saturating_add(other.cost.0);
        self.attempts.merge(&other.attempts);
        self.queue_wait.merge(&other.queue_wait);
        self.end_to_end.merge(&other.end_to_end);
        self.client_wait.merge(&other.client_wait);
    }
}

/// One (stream, carrier)'s figures while a run goes. Most delivered
/// messages take as long end to end as they waited (no delivery delay, no
/// pacing): such a time is recorded once, in `both`, and added to both
/// distributions when the run ends, so a message costs one histogram count.
#[derive(Clone, Debug, Default)]
struct Cell {
    group: Group,
    both: Latency,
}

impl Cell {
    /// Counts an attempt: every one in `attempts` and the cost, the final
    /// one (no retry after it) as the message's outcome. Always inlined,
    /// so that the engine's [`Fate`] need not be written out for it.
    #[inline(always)]
    fn resolve(&mut self, f: &Fate) {
        let g = &mut self.group;
        g.cost.0 += f.cost.0;
        g.attempts.outcomes[f.outcome.index()] += 1;
        g.attempts.queue_full += u64::from(f.queue_full);
        if f.retry_at.is_some() {
            g.attempts.retried[f.outcome.index()] += 1;
            return;
        }
        g.outcomes[f.outcome.index()] += 1;
        g.late += u64::from(f.late);
        g.rejected_queue_full += u64::from(f.queue_full);
        let (true, Some(d)) = (f.outcome.was_dispatched(), f.dispatched) else { return };
        let wait = d - f.accepted;
        if f.outcome != Outcome::Delivered {
            g.queue_wait.record(wait);
            return;
        }
        let end_to_end = f.done - f.attempt.arrived;
        if end_to_end == wait {
            self.both.record(wait);
        } else {
            g.queue_wait.record(wait);
            g.end_to_end.record(end_to_end);
        }
    }

    /// The group's figures, `both` added to its two distributions.
    fn into_group(mut self) -> Group {
        self.group.queue_wait.merge(&self.both);
        self.group.end_to_end.merge(&self.both);
        self.group
    }
}

/// Everything `summary.json` and `timeseries.csv` report about one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stats {
    /// Per stream and per carrier: folded from `recording` when the run ends.
    pub streams: Vec<Group>,
    /// Per carrier, by [`Carrier::index`].
    pub carriers: [Group; 4],
    /// Per stream while the run goes: each message is recorded once, into
    /// the finest grouping, and the others derived at the end.
    #[serde(skip, default)]
    recording: Vec<Recording>,
    /// When the last message reached its outcome.
    pub drain: SimTime,
    /// Messages waiting in lanes: the run's, then each carrier's by [`Carrier::index`].
    pub backlog: [Backlog; 5],
    /// Counts, queue depths and waits over time.
    pub series: Series,
    /// Messages accepted before this instant count in the time series only.
    warmup: SimTime,
}

/// One stream's figures while a run goes, per carrier, beside what
/// recording a message reads of its stream: one lookup serves them all.
#[derive(Clone, Debug, Default)]
struct Recording {
    cells: [Cell; 4],
    /// Its sender, for per-sender queue depths.
    sender: usize,
    /// It paces its submissions, so has a client wait.
    paced: bool,
}

impl Stats {
    /// Empty statistics for `scenario`'s streams, step and warm-up.
    pub fn for_scenario(scenario: &Scenario) -> Stats {
        Stats {
            streams: vec![Group::default(); scenario.traffic.len()],
            carriers: Default::default(),
            recording: scenario
                .traffic
                .iter()
                .map(|t| Recording { cells: Default::default(), sender: t.sender, paced: t.pace.is_some() })
                .collect(),
            drain: SimTime::ZERO,
            backlog: Default::default(),
            series: Series::new(scenario.timeseries_step, scenario.senders.len()),
            warmup: SimTime::ZERO + scenario.warmup,
        }
    }
}

impl Stats {
    /// Whether these could be the statistics of a run with `streams`
    /// streams: a group for each, and in every group outcomes that add up
    /// to the messages accepted (read from a file, they may not).
    pub fn adds_up(&self, streams: usize) -> bool {
        let group_adds_up = |g: &Group| {
            let resolved = g.outcomes.iter().try_fold(0u64, |a, &b| a.checked_add(b));
            let dispatched =
                Outcome::ALL.iter().filter(|o| o.was_dispatched()).fold(0u64, |a, &o| a.saturating_add(g.count(o)));
            resolved == Some(g.accepted)
                && g.late <= g.accepted
                && g.queue_wait.count() == dispatched
                && g.end_to_end.count() == g.count(Outcome::Delivered)
                && g.client_wait.count() <= g.accepted
                && [&g.queue_wait, &g.end_to_end, &g.client_wait].iter().all(|l| l.adds_up())
        };
        self.streams.len() == streams
            && self.streams.iter().chain(&self.carriers).all(group_adds_up)
            && self.total_accepted_matches()
    }

    /// The streams' and the carriers' accepted messages are the same messages.
    fn total_accepted_matches(&self) -> bool {
        let sum = |gs: &[Group]| gs.iter().try_fold(0u64, |a, g| a.checked_add(g.accepted));
        sum(&self.streams).is_some() && sum(&self.streams) == sum(&self.carriers)
    }

    /// These figures with an empty time series of the same step.
    pub(crate) fn without_series(mut self) -> Stats {
        self.take_series();
        self
    }

    /// The time series, leaving an empty one of the same step and senders.
    pub(crate) fn take_series(&mut self) -> Series {
        let empty = Series::new(self.series.step(), self.series.senders());
        std::mem::replace(&mut self.series, empty)
    }

    /// Pools another replication's figures into these.
    pub fn merge(&mut self, other: &Stats) {
        for (a, b) in self.streams.iter_mut().zip(&other.streams) {
            a.merge(b);
        }
        for (a, b) in self.carriers.iter_mut().zip(&other.carriers) {
            a.merge(b);
        }
        self.drain = self.drain.max(other.drain);
        for (a, b) in self.backlog.iter_mut().zip(other.backlog) {
            *a = a.worse(b);
        }
        self.series.merge(&other.series);
    }
}

impl Latency {
    /// Every recorded value (seconds, ascending) with its count: exact, or
    /// each histogram bucket at its highest value (at most the maximum).
    pub fn values(&self) -> Vec<(f64, u64)> {
        let pairs: Vec<(u64, u64)> = match &self.hist {
            None => self.exact.iter().map(|(&v, &n)| (v, n)).collect(),
            Some(h) => h.recorded().map(|(v, n)| (v.min(self.max), n)).collect(),
        };
        pairs.into_iter().map(|(v, n)| (v as f64 / 1e9, n)).collect()
    }
}

impl Stats {
    /// Every stream together. Merged on demand rather than recorded twice.
    pub fn total(&self) -> Group {
        let mut total = Group::default();
        for g in &self.streams {
            total.merge(g);
        }
        total
    }

    /// Messages accepted, all streams together.
    pub fn accepted(&self) -> u64 {
        self.streams.iter().map(|g| g.accepted).sum()
    }
}

impl Recorder for Stats {
    #[inline(always)]
    fn accepted(&mut self, stream: usize, carrier: Carrier, at: SimTime, queued: bool, retry: bool) {
        let recording = &mut self.recording[stream];
        if at >= self.warmup && !retry {
            recording.cells[carrier.index()].group.accepted += 1;
        }
        let sender = recording.sender;
        let row = self.series.row(at);
        row.count(Column::Arrivals, carrier, 1);
        if retry {
            row.count(Column::Retries, carrier, 1);
        }
        if queued {
            row.queue(carrier, sender, 1);
        }
    }

    fn entered(&mut self, carrier: Carrier, at: SimTime) {
        self.backlog[0].change(at, 1);
        self.backlog[1 + carrier.index()].change(at, 1);
    }

    #[inline(always)]
    fn resolved(&mut self, f: &Fate) {
        // A message leaves its lane when it is dispatched or expires.
        let left = f.dispatched.or((f.outcome == Outcome::Expired).then_some(f.done));
        if let Some(t) = left {
            self.backlog[0].change(t, -1);
            self.backlog[1 + f.carrier.index()].change(t, -1);
        }
        // A message counts by its first acceptance, every attempt with it.
        let recording = &mut self.recording[f.stream];
        if f.attempt.first >= self.warmup {
            let cell = &mut recording.cells[f.carrier.index()];
            cell.resolve(f);
            if recording.paced && f.retry_at.is_none() {
                cell.group.client_wait.record(f.attempt.first - f.attempt.arrived);
            }
        }
        let sender = recording.sender;
        self.drain = self.drain.max(f.done);
        let c = f.carrier;
        if let Some(d) = f.dispatched {
            let row = self.series.row(d);
            row.count(Column::Dispatched, c, 1);
            row.queue(c, sender, -1);
            if f.outcome.was_dispatched() {
                row.wait(d - f.accepted);
            }
        }
        let Some(column) = Column::of_outcome(f.outcome) else { return };
        let row = self.series.row(f.done);
        row.count(column, c, 1);
        if f.queue_full {
            row.count(Column::RejectedQueueFull, c, 1);
        }
        if f.outcome == Outcome::Expired {
            row.queue(c, sender, -1);
        }
    }

    fn finished(&mut self) {
        self.backlog.iter_mut().for_each(Backlog::settle);
        for (s, recording) in std::mem::take(&mut self.recording).into_iter().enumerate() {
            for (c, cell) in recording.cells.into_iter().enumerate() {
                let cell = cell.into_group();
                self.streams[s].merge(&cell);
                self.carriers[c].merge(&cell);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(v: &[u64]) -> Latency {
        let mut l = Latency::default();
        for &s in v {
            l.record(SimDuration::from_secs(s));
        }
        l
    }

    #[test]
    fn nearest_rank_percentiles_are_exact_for_few_values() {
        let l = secs(&[0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
        let s = l.summary();
        assert_eq!((s.count, s.p50, s.p90, s.p99, s.max), (10, 0.0, 1.0, 1.0, 1.0));
        assert_eq!(s.mean, 0.5);
        let one = secs(&[7]).summary();
        assert_eq!((one.p50, one.p99), (7.0, 7.0));
        assert_eq!(Latency::default().summary(), LatencySummary::default());
    }

    #[test]
    fn merging_equals_recording_together() {
        let mut a = secs(&[1, 2, 3]);
        a.merge(&secs(&[4, 5]));
        assert_eq!(a.summary(), secs(&[1, 2, 3, 4, 5]).summary());
        let many: Vec<u64> = (0..3_000).collect();
        let mut big = secs(&many[..1_500]);
        big.merge(&secs(&many[1_500..]));
        assert_eq!(big.summary(), secs(&many).summary());
    }

    #[test]
    fn histogram_percentiles_within_a_tenth_of_a_percent() {
        let mut l = Latency::default();
        for i in 1..=100_000u64 {
            l.record(SimDuration::from_nanos(i * 1_000_003));
        }
        let s = l.summary();
        let exact = |q: f64| (q * 100_000.0).ceil() * 1_000_003.0 / 1e9;
        for (got, q) in [(s.p50, 0.5), (s.p90, 0.9), (s.p99, 0.99)] {
            assert!((got - exact(q)).abs() / exact(q) < 0.001, "{got} vs {}", exact(q));
        }
        assert_eq!(s.max, 100_000.0 * 1_000_003.0 / 1e9);
    }
}
