//! The time series behind `timeseries.csv` and the run charts: counts per
//! time bucket, with the columns named once here for the recorder, the CSV
//! writer and the charts alike.

use crate::scenario::model::{Carrier, Outcome};
use crate::scenario::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// A run-wide column of `timeseries.csv`, in file order; its position is
/// its place in a [`Row`]'s counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Messages accepted.
    Arrivals,
    /// Messages handed to a carrier.
    Dispatched,
    /// Messages delivered.
    Delivered,
    /// Messages the carrier did not deliver.
    Undelivered,
    /// Messages that expired in the queue.
    Expired,
    /// Messages refused at T-Mobile's daily cap.
    FailedDailyCap,
    /// Messages blocked (unverified toll-free).
    Blocked,
    /// Messages refused at acceptance.
    Rejected,
    /// Those of them refused because the provider's queue was full.
    RejectedQueueFull,
    /// Retries accepted (counted in `Arrivals` too).
    Retries,
    /// Kept as changes while recording, summed into levels on read.
    QueueDepth,
}

impl Column {
    /// Every column, in file order.
    pub const ALL: [Column; 11] = [
        Column::Arrivals,
        Column::Dispatched,
        Column::Delivered,
        Column::Undelivered,
        Column::Expired,
        Column::FailedDailyCap,
        Column::Blocked,
        Column::Rejected,
        Column::RejectedQueueFull,
        Column::Retries,
        Column::QueueDepth,
    ];

    /// The name in the CSV header (and, with a carrier's name before it, of
    /// its per-carrier copy).
    pub fn name(self) -> &'static str {
        match self {
            Column::Arrivals => "arrivals",
            Column::Dispatched => "dispatched",
            Column::Delivered => "delivered",
            Column::Undelivered => "undelivered",
            Column::Expired => "expired",
            Column::FailedDailyCap => "failed_daily_cap",
            Column::Blocked => "blocked",
            Column::Rejected => "rejected",
            Column::RejectedQueueFull => "rejected_queue_full",
            Column::Retries => "retries",
            Column::QueueDepth => "queue_depth",
        }
    }

    /// The column counting messages that reach `outcome`, at the instant they
    /// do; none for messages still in the system when the run ends.
    pub fn of_outcome(outcome: Outcome) -> Option<Column> {
        match outcome {
            Outcome::Delivered => Some(Column::Delivered),
            Outcome::Undelivered => Some(Column::Undelivered),
            Outcome::Expired => Some(Column::Expired),
            Outcome::FailedDailyCap => Some(Column::FailedDailyCap),
            Outcome::Blocked => Some(Column::Blocked),
            Outcome::Rejected => Some(Column::Rejected),
            Outcome::QueuedAtEnd | Outcome::InFlightAtEnd => None,
        }
    }

    #[inline]
    fn index(self) -> usize {
        self as usize
    }
}

/// A column also kept per carrier. After the run-wide columns come the
/// carriers in [`Carrier::ALL`] order, each with these in order, named
/// `<carrier>_<column>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarrierColumn {
    /// Messages accepted.
    Arrivals,
    /// Messages handed to the carrier.
    Dispatched,
    /// Messages that expired in the queue.
    Expired,
    /// Messages refused at T-Mobile's daily cap.
    FailedDailyCap,
    /// Messages waiting at the end of the row.
    QueueDepth,
}

impl CarrierColumn {
    /// Every per-carrier column, in file order.
    pub const ALL: [CarrierColumn; 5] = [
        CarrierColumn::Arrivals,
        CarrierColumn::Dispatched,
        CarrierColumn::Expired,
        CarrierColumn::FailedDailyCap,
        CarrierColumn::QueueDepth,
    ];

    /// The run-wide column this one splits by carrier: it gives the name, and
    /// every count here is counted there too.
    pub fn total(self) -> Column {
        match self {
            CarrierColumn::Arrivals => Column::Arrivals,
            CarrierColumn::Dispatched => Column::Dispatched,
            CarrierColumn::Expired => Column::Expired,
            CarrierColumn::FailedDailyCap => Column::FailedDailyCap,
            CarrierColumn::QueueDepth => Column::QueueDepth,
        }
    }

    /// The per-carrier copy of `column`, if it has one: the inverse of
    /// [`CarrierColumn::total`], spelt out for the recorder's hot path.
    #[inline]
    fn of(column: Column) -> Option<CarrierColumn> {
        match column {
            Column::Arrivals => Some(CarrierColumn::Arrivals),
            Column::Dispatched => Some(CarrierColumn::Dispatched),
            Column::Expired => Some(CarrierColumn::Expired),
            Column::FailedDailyCap => Some(CarrierColumn::FailedDailyCap),
            Column::QueueDepth => Some(CarrierColumn::QueueDepth),
            Column::Delivered
            | Column::Undelivered
            | Column::Blocked
            | Column::Rejected
            | Column::RejectedQueueFull
            | Column::Retries => None,
        }
    }

    /// The place of `carrier`'s copy in a [`Row`]'s counts.
    #[inline]
    fn index(self, carrier: Carrier) -> usize {
        Column::ALL.len() + carrier.index() * CarrierColumn::ALL.len() + self as usize
    }
}

/// Counts in a row: every [`Column`], then every [`CarrierColumn`] per carrier.
const ROW: usize = Column::ALL.len() + Carrier::ALL.len() * CarrierColumn::ALL.len();

/// The name of each of [`Row::counts`], in order: the `timeseries.csv` header.
pub fn count_names() -> impl Iterator<Item = String> {
    let per_carrier = Carrier::ALL
        .into_iter()
        .flat_map(|c| CarrierColumn::ALL.into_iter().map(move |k| format!("{}_{}", c.name(), k.total().name())));
    Column::ALL.into_iter().map(|c| c.name().to_string()).chain(per_carrier)
}

/// Bins of the queue-wait distribution kept per time bucket for charts:
/// bin 0 below 1 ms (2^20 ns), then four per doubling (about 19 % wide).
pub const WAIT_BINS: usize = 128;

/// The chart bin of a wait of `ns` nanoseconds.
fn wait_bin(ns: u64) -> usize {
    // Worked out for every wait and chosen after, without a branch: whether
    // a wait is under 1 ms is as good as random.
    let e = 63 - (ns | 1 << 20).leading_zeros() as usize;
    let sub = ((ns >> (e - 2)) & 3) as usize;
    let bin = ((e - 20) * 4 + sub + 1).min(WAIT_BINS - 1);
    if ns < 1 << 20 { 0 } else { bin }
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
    /// In [`count_names`] order; read through [`Column`] and [`CarrierColumn`].
    /// While recording, a column kept per carrier is counted only there: its
    /// run-wide total is summed when the rows are read.
    counts: [i64; ROW],
    /// Queue depth per sender.
    pub senders: Vec<i64>,
    /// Queue waits of the messages dispatched in this bucket, by chart bin
    /// (empty when none was).
    pub waits: Vec<u32>,
}

impl Row {
    fn empty(senders: usize) -> Row {
        Row { counts: [0; ROW], senders: vec![0; senders], waits: Vec::new() }
    }

    /// The run-wide count of `column`.
    pub fn get(&self, column: Column) -> i64 {
        self.counts[column.index()]
    }

    /// `carrier`'s count of `column`.
    pub fn carrier(&self, carrier: Carrier, column: CarrierColumn) -> i64 {
        self.counts[column.index(carrier)]
    }

    /// Every count, in [`count_names`] order: a `timeseries.csv` line.
    pub fn counts(&self) -> &[i64] {
        &self.counts
    }

    /// Adds `n` to `column`, and to `carrier`'s copy where it has one.
    #[inline]
    pub(super) fn count(&mut self, column: Column, carrier: Carrier, n: i64) {
        match CarrierColumn::of(column) {
            Some(k) => self.counts[k.index(carrier)] += n,
            None => self.counts[column.index()] += n,
        }
    }

    /// Sums each per-carrier column into its run-wide total.
    fn total_carriers(&mut self) {
        for k in CarrierColumn::ALL {
            self.counts[k.total().index()] = Carrier::ALL.iter().map(|&c| self.counts[k.index(c)]).sum();
        }
    }

    /// A message of `sender` joins (1) or leaves (-1) the queue to `carrier`.
    #[inline]
    pub(super) fn queue(&mut self, carrier: Carrier, sender: usize, n: i64) {
        self.count(Column::QueueDepth, carrier, n);
        self.senders[sender] += n;
    }

    pub(super) fn wait(&mut self, wait: SimDuration) {
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
    pub(super) fn new(step: SimDuration, senders: usize) -> Series {
        Series { step, senders, rows: Vec::new(), last: (0, 0, 0) }
    }

    /// The row of instant `t`. Most events fall in the row of the one
    /// before: that case is inlined.
    #[inline]
    pub(super) fn row(&mut self, t: SimTime) -> &mut Row {
        let (b, from, to) = self.last;
        if (from..to).contains(&t.as_nanos()) { &mut self.rows[b] } else { self.open_row(t) }
    }

    /// The row of `t`, made if needed; remembered in `last`.
    #[inline(never)]
    fn open_row(&mut self, t: SimTime) -> &mut Row {
        let b = self.bucket(t.as_nanos());
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

    /// Whether no message was ever recorded.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Senders it keeps a queue depth for.
    pub(super) fn senders(&self) -> usize {
        self.senders
    }

    /// Adds `other`'s rows, both first brought to the longer of the two
    /// steps. Every figure of a row is a count (or a change of one) and
    /// bringing a series to a longer step sums neighbouring rows, so series
    /// can be added in any order with the same result.
    pub(crate) fn merge(&mut self, other: &Series) {
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
        let depth_cols: Vec<usize> = std::iter::once(Column::QueueDepth.index())
            .chain(Carrier::ALL.into_iter().map(|c| CarrierColumn::QueueDepth.index(c)))
            .collect();
        let mut level = vec![0i64; depth_cols.len()];
        let mut senders = vec![0i64; self.senders];
        self.rows.iter().map(move |r| {
            let mut row = r.clone();
            row.total_carriers();
            for (i, &col) in depth_cols.iter().enumerate() {
                level[i] += row.counts[col];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_name_and_place_every_count_once() {
        let names: Vec<String> = count_names().collect();
        assert_eq!(names.len(), ROW);
        assert_eq!(names[..3], ["arrivals", "dispatched", "delivered"]);
        assert_eq!(names[Column::ALL.len()..][..2], ["att_arrivals", "att_dispatched"]);
        assert_eq!(names.last().map(String::as_str), Some("other_queue_depth"));
        for (i, c) in Column::ALL.into_iter().enumerate() {
            assert_eq!((c.index(), names[c.index()].as_str()), (i, c.name()));
            assert_eq!(CarrierColumn::of(c).map(CarrierColumn::total).unwrap_or(c), c);
        }
        for carrier in Carrier::ALL {
            for k in CarrierColumn::ALL {
                assert_eq!(CarrierColumn::of(k.total()), Some(k));
                assert_eq!(names[k.index(carrier)], format!("{carrier}_{}", k.total().name()));
            }
        }
        for o in Outcome::ALL {
            assert!(Column::of_outcome(o).is_none_or(|c| c.name() == o.name()), "{o}");
        }
    }

    #[test]
    fn a_carrier_count_counts_in_the_total_too() {
        let mut s = Series::new(SimDuration::from_secs(1), 1);
        s.row(SimTime::ZERO).count(Column::Expired, Carrier::Verizon, 2);
        s.row(SimTime::ZERO).count(Column::Expired, Carrier::Att, 1);
        s.row(SimTime::ZERO).count(Column::Delivered, Carrier::Verizon, 1);
        let row = s.rows().next().expect("one row");
        assert_eq!((row.get(Column::Expired), row.carrier(Carrier::Verizon, CarrierColumn::Expired)), (3, 2));
        assert_eq!(row.get(Column::Delivered), 1);
        assert_eq!(row.counts().iter().sum::<i64>(), 7);
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

    /// A series of step `step_s` seconds with one count, sender change and
    /// wait at each (second, column) of `events`.
    fn series(step_s: u64, events: &[(u64, Column)]) -> Series {
        let mut s = Series::new(SimDuration::from_secs(step_s), 2);
        for &(t, column) in events {
            let at = SimTime::from_nanos(t * 1_000_000_000);
            let row = s.row(at);
            row.count(column, Carrier::Att, 1);
            row.senders[column.index() % 2] += 1;
            row.wait(SimDuration::from_secs(t % 7));
        }
        s
    }

    fn read(s: &Series) -> (SimDuration, Vec<Row>) {
        (s.step(), s.rows().collect())
    }

    #[test]
    fn series_coarsen_past_max_rows_and_merge_at_the_longer_step() {
        let early: Vec<(u64, Column)> = (0..5_000).map(|t| (t, Column::ALL[t as usize % 9])).collect();
        let late: Vec<(u64, Column)> = (0..30_000).step_by(7).map(|t| (t, Column::ALL[t as usize % 5])).collect();
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
        far.row(SimTime::from_nanos(3_650 * 86_400 * 1_000_000_000)).count(Column::Arrivals, Carrier::Att, 1);
        assert!(far.len() <= MAX_ROWS && far.step().as_nanos().is_power_of_two());
    }
}
