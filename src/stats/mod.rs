//! Streaming statistics: the [`Recorder`] that builds `summary.json` and
//! `timeseries.csv` figures without keeping messages.

pub mod confidence;

use crate::engine::{Fate, Recorder};
use crate::scenario::model::{Carrier, Outcome};
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::{Money, Scenario};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Distinct values kept exactly before switching to a histogram: small,
/// deterministic runs (the source document's examples) get exact percentiles.
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
    hist: Option<Histogram<u64>>,
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
            Some(h) => h.iter_recorded().map(|it| (it.value_iterated_to(), it.count_at_value())).collect(),
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
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latency {
    #[inline]
    pub fn record(&mut self, d: SimDuration) {
        let ns = d.as_nanos();
        self.count += 1;
        self.sum += ns as u128;
        self.max = self.max.max(ns);
        self.add_value(ns, 1);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds `other`'s values, as if recorded here.
    pub fn merge(&mut self, other: &Latency) {
        self.count += other.count;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
        for (&v, &n) in &other.exact {
            self.add_value(v, n);
        }
        if let Some(theirs) = &other.hist {
            self.histogram().add(theirs).expect("auto-resizing histograms add");
        }
    }

    #[inline]
    fn add_value(&mut self, ns: u64, n: u64) {
        match &mut self.hist {
            Some(h) => h.record_n(ns, n).expect("auto-resizing histograms take any u64"),
            None => {
                *self.exact.entry(ns).or_insert(0) += n;
                if self.exact.len() > EXACT_LIMIT {
                    self.histogram();
                }
            }
        }
    }

    /// The histogram, moving the exact values into it first.
    fn histogram(&mut self) -> &mut Histogram<u64> {
        let exact = std::mem::take(&mut self.exact);
        let h = self.hist.get_or_insert_with(|| Histogram::new(3).expect("3 significant digits is valid"));
        for (v, n) in exact {
            h.record_n(v, n).expect("auto-resizing histograms take any u64");
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
                for it in h.iter_recorded() {
                    seen += it.count_at_value();
                    if seen >= rank {
                        return h.highest_equivalent(it.value_iterated_to()).min(self.max);
                    }
                }
                self.max
            }
        }
    }

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
    pub accepted: u64,
    /// Indexed by [`Outcome::index`].
    pub outcomes: [u64; 8],
    pub late: u64,
    pub cost: Money,
    pub queue_wait: Latency,
    pub end_to_end: Latency,
}

impl Group {
    pub fn count(&self, o: Outcome) -> u64 {
        self.outcomes[o.index()]
    }

    pub fn expiry_rate(&self) -> f64 {
        if self.accepted == 0 { 0.0 } else { self.count(Outcome::Expired) as f64 / self.accepted as f64 }
    }

    pub fn merge(&mut self, other: &Group) {
        self.accepted += other.accepted;
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        self.late += other.late;
        self.cost.0 += other.cost.0;
        self.queue_wait.merge(&other.queue_wait);
        self.end_to_end.merge(&other.end_to_end);
    }

    #[inline]
    fn resolve(&mut self, f: &Fate) {
        self.outcomes[f.outcome.index()] += 1;
        self.late += u64::from(f.late);
        self.cost.0 += f.cost.0;
        if let (true, Some(d)) = (f.outcome.was_dispatched(), f.dispatched) {
            self.queue_wait.record(d - f.accepted);
        }
        if f.outcome == Outcome::Delivered {
            self.end_to_end.record(f.done - f.accepted);
        }
    }
}

/// Columns of one `timeseries.csv` row, before the per-carrier ones.
pub const SERIES_COLUMNS: [&str; 9] = [
    "arrivals",
    "dispatched",
    "delivered",
    "undelivered",
    "expired",
    "failed_daily_cap",
    "blocked",
    "rejected",
    "queue_depth",
];

/// Per-carrier columns, each prefixed with the carrier's name.
pub const CARRIER_COLUMNS: [&str; 5] = ["arrivals", "dispatched", "expired", "failed_daily_cap", "queue_depth"];

const ROW: usize = SERIES_COLUMNS.len() + 4 * CARRIER_COLUMNS.len();

/// `queue_depth` in [`SERIES_COLUMNS`] and in [`CARRIER_COLUMNS`]: kept as changes, summed on read.
const DEPTH: usize = 8;
const CARRIER_DEPTH: usize = 4;

/// Bins of the queue-wait distribution kept per time bucket for charts:
/// bin 0 below 1 ms (2^20 ns), then four per doubling (about 19 % wide).
pub const WAIT_BINS: usize = 128;

/// The chart bin of a wait of `ns` nanoseconds.
fn wait_bin(ns: u64) -> usize {
    if ns < 1 << 20 {
        return 0;
    }
    let e = 63 - ns.leading_zeros() as usize;
    let sub = ((ns >> (e - 2)) & 3) as usize;
    ((e - 20) * 4 + sub + 1).min(WAIT_BINS - 1)
}

/// A representative wait (seconds) of chart bin `b`: its midpoint.
fn wait_of_bin(b: usize) -> f64 {
    if b == 0 {
        return 0.0;
    }
    let (e, sub) = ((b - 1) / 4 + 20, (b - 1) % 4);
    let low = ((4 + sub) as u64) << (e - 2);
    let high = ((5 + sub) as u64) << (e - 2);
    (low + high) as f64 / 2.0 / 1e9
}

/// The nearest-rank quantile `q` of a row's wait bins, in seconds.
pub fn wait_quantile(waits: &[u32], q: f64) -> Option<f64> {
    let total: u64 = waits.iter().map(|&n| n as u64).sum();
    if total == 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as u64).max(1);
    let mut seen = 0;
    waits
        .iter()
        .position(|&n| {
            seen += n as u64;
            seen >= rank
        })
        .map(wait_of_bin)
}

/// Rows a series keeps at most: past this the step doubles and neighbouring
/// rows merge, so memory does not grow with simulated time.
pub const MAX_ROWS: usize = 10_000;

/// One time bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// [`SERIES_COLUMNS`] then [`CARRIER_COLUMNS`] per carrier.
    pub counts: Vec<i64>,
    /// Queue depth per sender.
    pub senders: Vec<i64>,
    /// Queue waits of the messages dispatched in this bucket, by chart bin
    /// (empty when none was).
    pub waits: Vec<u32>,
}

impl Row {
    fn empty(senders: usize) -> Row {
        Row { counts: vec![0; ROW], senders: vec![0; senders], waits: Vec::new() }
    }

    /// Adds `n` to `column`, and to the carrier's column `carrier.1` if given.
    #[inline]
    fn count(&mut self, column: usize, carrier: Option<(Carrier, usize)>, n: i64) {
        self.counts[column] += n;
        if let Some((c, col)) = carrier {
            self.counts[SERIES_COLUMNS.len() + c.index() * CARRIER_COLUMNS.len() + col] += n;
        }
    }

    /// A message of `sender` joins (1) or leaves (-1) the queue to `carrier`.
    #[inline]
    fn queue(&mut self, carrier: Carrier, sender: usize, n: i64) {
        self.count(DEPTH, Some((carrier, CARRIER_DEPTH)), n);
        self.senders[sender] += n;
    }

    fn wait(&mut self, wait: SimDuration) {
        if self.waits.is_empty() {
            self.waits = vec![0; WAIT_BINS];
        }
        self.waits[wait_bin(wait.as_nanos())] += 1;
    }

    /// Adds `other`'s figures: every field is a count or a change, so the sum
    /// is what one bucket covering both would have recorded.
    fn add(&mut self, other: &Row) {
        for (x, y) in self.counts.iter_mut().zip(&other.counts) {
            *x += y;
        }
        for (x, y) in self.senders.iter_mut().zip(&other.senders) {
            *x += y;
        }
        if !other.waits.is_empty() {
            if self.waits.is_empty() {
                self.waits = vec![0; WAIT_BINS];
            }
            for (x, y) in self.waits.iter_mut().zip(&other.waits) {
                *x = x.saturating_add(*y);
            }
        }
    }
}

/// Counts per time bucket. Queue depths are kept as changes and summed on read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Series {
    /// The scenario's `timeseries_step`, doubled as often as [`MAX_ROWS`] needed.
    step: SimDuration,
    senders: usize,
    rows: Vec<Row>,
    /// The last bucket looked up and its time range: most events fall in it.
    #[serde(skip, default)]
    last: (usize, u64, u64),
}

impl Series {
    fn new(step: SimDuration, senders: usize) -> Series {
        Series { step, senders, rows: Vec::new(), last: (0, 0, step.as_nanos()) }
    }

    #[inline]
    fn row(&mut self, t: SimTime) -> &mut Row {
        let ns = t.as_nanos();
        let (mut b, from, to) = self.last;
        if !(from..to).contains(&ns) {
            b = self.bucket(ns);
        }
        if self.rows.len() <= b {
            self.rows.resize(b + 1, Row::empty(self.senders));
        }
        &mut self.rows[b]
    }

    /// The bucket of instant `ns`, after coarsening if it lies beyond
    /// [`MAX_ROWS`] (before any row is allocated); remembered in `last`.
    fn bucket(&mut self, ns: u64) -> usize {
        let b = ns / self.step.as_nanos().max(1);
        if b >= MAX_ROWS as u64 {
            self.coarsen((b / MAX_ROWS as u64 + 1).next_power_of_two());
        }
        let step = self.step.as_nanos().max(1);
        let b = ns / step;
        self.last = (b as usize, b * step, (b + 1).saturating_mul(step));
        b as usize
    }

    /// Multiplies the step by `factor`, summing each `factor` neighbouring
    /// rows: the same rows as recording at the longer step.
    fn coarsen(&mut self, factor: u64) {
        if factor <= 1 {
            return;
        }
        let f = usize::try_from(factor).unwrap_or(usize::MAX);
        let len = self.rows.len().div_ceil(f);
        for i in 0..len {
            let first = i * f;
            let mut merged = std::mem::take(&mut self.rows[first]);
            for r in &self.rows[first + 1..first.saturating_add(f).min(self.rows.len())] {
                merged.add(r);
            }
            self.rows[i] = merged;
        }
        self.rows.truncate(len);
        self.step = SimDuration::from_nanos(self.step.as_nanos().saturating_mul(factor));
        self.last = (0, 0, 0);
    }

    /// Coarsens to `step`: a series of the same scenario has the scenario's
    /// step times a power of two, so the longer step is a multiple.
    fn coarsen_to(&mut self, step: SimDuration) {
        self.coarsen(step.as_nanos() / self.step.as_nanos().max(1));
    }

    #[inline]
    /// The width of each row: the scenario's `timeseries_step`, or a power-of-two
    /// multiple of it when the run spans more than [`MAX_ROWS`] steps.
    pub fn step(&self) -> SimDuration {
        self.step
    }

    /// Number of time buckets.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds `other`'s rows, both first brought to the longer of the two steps.
    fn merge(&mut self, other: &Series) {
        let step = self.step.max(other.step);
        self.coarsen_to(step);
        let mut coarse;
        let other = if other.step < step {
            coarse = other.clone();
            coarse.coarsen_to(step);
            &coarse
        } else {
            other
        };
        if self.rows.len() < other.rows.len() {
            self.rows.resize(other.rows.len(), Row::empty(self.senders));
        }
        for (a, b) in self.rows.iter_mut().zip(&other.rows) {
            a.add(b);
        }
    }

    /// The rows, queue depths (total, per carrier, per sender) as levels at
    /// each bucket's end; one row at a time, so nothing is copied whole.
    pub fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        let depth_cols: Vec<usize> = std::iter::once(DEPTH)
            .chain((0..4).map(|c| SERIES_COLUMNS.len() + c * CARRIER_COLUMNS.len() + CARRIER_DEPTH))
            .collect();
        let mut level = vec![0i64; depth_cols.len()];
        let mut senders = vec![0i64; self.senders];
        self.rows.iter().map(move |r| {
            let mut row = r.clone();
            for (i, &col) in depth_cols.iter().enumerate() {
                level[i] += r.counts[col];
                row.counts[col] = level[i];
            }
            for (i, d) in r.senders.iter().enumerate() {
                senders[i] += d;
                row.senders[i] = senders[i];
            }
            row
        })
    }
}

/// Everything `summary.json` and `timeseries.csv` report about one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stats {
    /// Per stream and per carrier: folded from `cells` when the run ends.
    pub streams: Vec<Group>,
    pub carriers: [Group; 4],
    /// Per (stream, carrier) while the run goes: each message is recorded
    /// once, into the finest grouping, and the others derived at the end.
    #[serde(skip, default)]
    cells: Vec<[Group; 4]>,
    /// When the last message reached its outcome.
    pub drain: SimTime,
    pub series: Series,
    /// Messages accepted before this instant count in the time series only.
    warmup: SimTime,
    /// The sender of each stream, for per-sender queue depths.
    #[serde(skip, default)]
    sender_of: Vec<usize>,
}

impl Stats {
    /// Empty statistics for `scenario`'s streams, step and warm-up.
    pub fn for_scenario(scenario: &Scenario) -> Stats {
        Stats {
            streams: vec![Group::default(); scenario.traffic.len()],
            carriers: Default::default(),
            cells: vec![Default::default(); scenario.traffic.len()],
            drain: SimTime::ZERO,
            series: Series::new(scenario.timeseries_step, scenario.senders.len()),
            warmup: SimTime::ZERO + scenario.warmup,
            sender_of: scenario.traffic.iter().map(|t| t.sender).collect(),
        }
    }
}

impl Stats {
    /// Pools another replication's figures into these.
    pub fn merge(&mut self, other: &Stats) {
        for (a, b) in self.streams.iter_mut().zip(&other.streams) {
            a.merge(b);
        }
        for (a, b) in self.carriers.iter_mut().zip(&other.carriers) {
            a.merge(b);
        }
        self.drain = self.drain.max(other.drain);
        self.series.merge(&other.series);
    }
}

impl Latency {
    /// The cumulative distribution as (seconds, fraction at or below), at
    /// most `points` points (evenly thinned).
    pub fn cdf(&self, points: usize) -> Vec<(f64, f64)> {
        let pairs: Vec<(u64, u64)> = match &self.hist {
            None => self.exact.iter().map(|(&v, &n)| (v, n)).collect(),
            Some(h) => h
                .iter_recorded()
                .map(|it| (h.highest_equivalent(it.value_iterated_to()).min(self.max), it.count_at_value()))
                .collect(),
        };
        let mut seen = 0;
        let all: Vec<(f64, f64)> = pairs
            .into_iter()
            .map(|(v, n)| {
                seen += n;
                (v as f64 / 1e9, seen as f64 / self.count.max(1) as f64)
            })
            .collect();
        let keep = all.len().div_ceil(points.max(1)).max(1);
        let last = all.len().saturating_sub(1);
        all.into_iter().enumerate().filter(|(i, _)| i % keep == 0 || *i == last).map(|(_, p)| p).collect()
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
    fn accepted(&mut self, stream: usize, carrier: Carrier, at: SimTime, queued: bool) {
        if at >= self.warmup {
            self.cells[stream][carrier.index()].accepted += 1;
        }
        let sender = self.sender_of[stream];
        let row = self.series.row(at);
        row.count(0, Some((carrier, 0)), 1);
        if queued {
            row.queue(carrier, sender, 1);
        }
    }

    fn resolved(&mut self, f: &Fate) {
        if f.accepted >= self.warmup {
            self.cells[f.stream][f.carrier.index()].resolve(f);
        }
        self.drain = self.drain.max(f.done);
        let c = f.carrier;
        let sender = self.sender_of[f.stream];
        if let Some(d) = f.dispatched {
            let row = self.series.row(d);
            row.count(1, Some((c, 1)), 1);
            row.queue(c, sender, -1);
            if f.outcome.was_dispatched() {
                row.wait(d - f.accepted);
            }
        }
        // (column, carrier column) of the outcome at `done`.
        let (column, per_carrier) = match f.outcome {
            Outcome::Delivered => (2, None),
            Outcome::Undelivered => (3, None),
            Outcome::Expired => (4, Some(2)),
            Outcome::FailedDailyCap => (5, Some(3)),
            Outcome::Blocked => (6, None),
            Outcome::Rejected => (7, None),
            Outcome::QueuedAtEnd | Outcome::InFlightAtEnd => return,
        };
        let row = self.series.row(f.done);
        row.count(column, per_carrier.map(|k| (c, k)), 1);
        if f.outcome == Outcome::Expired {
            row.queue(c, sender, -1);
        }
    }

    fn finished(&mut self) {
        for (s, cells) in std::mem::take(&mut self.cells).iter().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                self.streams[s].merge(cell);
                self.carriers[c].merge(cell);
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
    fn wait_bins_are_monotone_and_close() {
        assert_eq!(wait_bin(0), 0);
        assert_eq!(wait_bin((1 << 20) - 1), 0);
        let mut last = 0;
        for ns in (20..50).flat_map(|e| (0..8).map(move |k| (1u64 << e) + k * (1u64 << (e - 3)))) {
            let b = wait_bin(ns);
            assert!(b >= last);
            last = b;
            let mid = wait_of_bin(b) * 1e9;
            assert!((mid / ns as f64 - 1.0).abs() < 0.15, "{ns} -> {mid}");
        }
        let mut waits = vec![0u32; WAIT_BINS];
        waits[wait_bin(2_000_000_000)] = 9;
        waits[wait_bin(60_000_000_000)] = 1;
        assert!((wait_quantile(&waits, 0.5).unwrap() - 2.0).abs() < 0.25);
        assert!((wait_quantile(&waits, 0.99).unwrap() - 60.0).abs() < 6.0);
        assert_eq!(wait_quantile(&[0; 4], 0.5), None);
    }

    /// A series of step `step_s` seconds with one arrival, sender change and
    /// wait at each (second, column) of `events`.
    fn series(step_s: u64, events: &[(u64, usize)]) -> Series {
        let mut s = Series::new(SimDuration::from_secs(step_s), 2);
        for &(t, column) in events {
            let at = SimTime::from_nanos(t * 1_000_000_000);
            let row = s.row(at);
            row.count(column, Some((Carrier::Att, 0)), 1);
            row.senders[column % 2] += 1;
            row.wait(SimDuration::from_secs(t % 7));
        }
        s
    }

    fn read(s: &Series) -> (SimDuration, Vec<Row>) {
        (s.step(), s.rows().collect())
    }

    #[test]
    fn series_coarsen_past_max_rows_and_merge_at_the_longer_step() {
        let early: Vec<(u64, usize)> = (0..5_000).map(|t| (t, t as usize % 9)).collect();
        let late: Vec<(u64, usize)> = (0..30_000).step_by(7).map(|t| (t, t as usize % 5)).collect();
        let (a, b) = (series(1, &early), series(1, &late));
        assert_eq!((a.step(), a.len()), (SimDuration::from_secs(1), 5_000));
        // 29,995 s needs bucket 29,995: twice doubled, 7,499 at 4 s.
        assert_eq!((b.step(), b.len()), (SimDuration::from_secs(4), 7_499));
        assert_eq!(read(&b), read(&series(4, &late)));
        let together = read(&series(4, &[early, late].concat()));
        for (first, second) in [(&a, &b), (&b, &a)] {
            let mut m = first.clone();
            m.merge(second);
            assert_eq!(read(&m), together);
        }
        let mut far = Series::new(SimDuration::from_nanos(1), 1);
        far.row(SimTime::from_nanos(3_650 * 86_400 * 1_000_000_000)).count(0, None, 1);
        assert!(far.len() <= MAX_ROWS && far.step().as_nanos().is_power_of_two());
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
