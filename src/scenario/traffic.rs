//! Arrival processes: when each message of a traffic stream is accepted.
//!
//! Generators are lazy: a stream keeps only its next arrival, so memory does
//! not grow with the number of messages a run sees.

use crate::scenario::calendar::Calendar;
use crate::scenario::rate::Rate;
use crate::scenario::rng::Sequence;
use crate::scenario::time::{SimDuration, SimTime};

/// How a stream's messages arrive.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arrival {
    /// The first message at `from`, then one every 1 / rate.
    Constant { rate: Rate, window: Window },
    /// Exponential gaps of mean 1 / rate; the first one gap after `from`.
    Poisson { rate: Rate, window: Window },
    /// `count` messages at `at`; with `spread`, message i of n at at + spread · i / n.
    Burst { count: u64, at: SimTime, spread: SimDuration },
    /// Poisson arrivals whose rate (per second) follows the Pacific hour of day.
    Profile { hourly: [f64; 24], window: Window },
    /// Given instants, sorted.
    Trace { times: Vec<SimTime> },
}

impl Arrival {
    /// About how many messages the process emits before `end` (the run's
    /// horizon, or [`SimTime::NEVER`]); `None` when nothing bounds it. For a
    /// progress bar's total, never for results.
    pub(crate) fn expected_messages(&self, end: SimTime) -> Option<u64> {
        let rated = |per_sec: f64, w: &Window| {
            let until = w.until.map_or(end, |u| u.min(end));
            let by_time = (until != SimTime::NEVER).then(|| (per_sec * (until - w.from).as_secs_f64()) as u64);
            [w.count, by_time].into_iter().flatten().min()
        };
        match self {
            Arrival::Constant { rate, window } | Arrival::Poisson { rate, window } => rated(rate.per_sec_f64(), window),
            Arrival::Profile { hourly, window } => rated(hourly.iter().sum::<f64>() / 24.0, window),
            Arrival::Burst { count, at, .. } => Some(if *at < end { *count } else { 0 }),
            Arrival::Trace { times } => Some(times.partition_point(|t| *t < end) as u64),
        }
    }
}

/// When a rate-driven process runs: from `from`, before `until` (exclusive),
/// and for at most `count` messages. With neither, the run's horizon ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) from: SimTime,
    pub(crate) until: Option<SimTime>,
    pub(crate) count: Option<u64>,
}

/// The running state of one stream's arrivals.
#[derive(Clone, Debug)]
pub(crate) struct Arrivals {
    emitted: u64,
    last: SimTime,
    random: Sequence,
    /// Mean gap of a Poisson process, in nanoseconds (computed once).
    mean_gap_ns: f64,
}

impl Arrivals {
    pub(crate) fn new(arrival: &Arrival, random: Sequence) -> Arrivals {
        let mean_gap_ns = match arrival {
            Arrival::Poisson { rate, .. } => 1e9 / rate.per_sec_f64(),
            _ => 0.0,
        };
        Arrivals { emitted: 0, last: SimTime::ZERO, random, mean_gap_ns }
    }

    /// Messages emitted so far; also the index of the next one.
    pub(crate) fn emitted(&self) -> u64 {
        self.emitted
    }

    /// The next arrival instant, or `None` when the stream is done.
    #[inline(always)]
    pub(crate) fn next(&mut self, arrival: &Arrival, calendar: &Calendar) -> Option<SimTime> {
        let i = self.emitted;
        let t = match arrival {
            Arrival::Constant { rate, window } => {
                let (num, den) = rate.interval();
                let t = window.from + SimDuration::from_nanos((i as u128 * num / den) as u64);
                window.admits(i, t)?
            }
            Arrival::Poisson { window, .. } => {
                let from = if i == 0 { window.from } else { self.last };
                let gap = self.random.exp1() * self.mean_gap_ns;
                window.admits(i, from + SimDuration::from_nanos(gap as u64))?
            }
            Arrival::Burst { count, at, spread } => {
                if i >= *count {
                    return None;
                }
                *at + SimDuration::from_nanos((spread.as_nanos() as u128 * i as u128 / *count as u128) as u64)
            }
            Arrival::Profile { hourly, window } => {
                let from = if i == 0 { window.from } else { self.last };
                let t = profile_next(hourly, from, self.random.exp1(), window.until, calendar)?;
                window.admits(i, t)?
            }
            Arrival::Trace { times } => *times.get(i as usize)?,
        };
        self.emitted += 1;
        self.last = t;
        Some(t)
    }
}

impl Window {
    fn admits(&self, i: u64, t: SimTime) -> Option<SimTime> {
        let counted = self.count.is_none_or(|c| i < c);
        let in_time = self.until.is_none_or(|u| t < u);
        (counted && in_time).then_some(t)
    }
}

/// Walks hour by hour until `work` expected arrivals have accumulated.
fn profile_next(
    hourly: &[f64; 24],
    mut t: SimTime,
    mut work: f64,
    until: Option<SimTime>,
    calendar: &Calendar,
) -> Option<SimTime> {
    // A profile of all zeros is refused by validation; the bound is a guard.
    for _ in 0..24 * 366 * 10 {
        if until.is_some_and(|u| t >= u) {
            return None;
        }
        let (hour, end) = calendar.pacific_hour(t);
        let per_ns = hourly[hour] / 1e9;
        let left = (end - t).as_nanos() as f64;
        if per_ns > 0.0 && work < per_ns * left {
            return Some(t + SimDuration::from_nanos((work / per_ns) as u64));
        }
        work -= per_ns * left;
        t = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::rng::{Purpose, stream_key};

    fn cal() -> Calendar {
        Calendar::new("2026-03-10T00:00:00-07:00".parse().unwrap())
    }

    fn run(arrival: &Arrival, n: usize) -> Vec<u64> {
        let mut a = Arrivals::new(arrival, Sequence::new(stream_key(1, 0, "s", Purpose::Arrival)));
        std::iter::from_fn(|| a.next(arrival, &cal())).take(n).map(|t| t.as_nanos()).collect()
    }

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn constant_starts_at_from_and_stops_before_until() {
        let w = Window { from: secs(10), until: Some(secs(11)), count: None };
        let a = Arrival::Constant { rate: Rate::new(3, 1, SimDuration::from_secs(1)).unwrap(), window: w };
        assert_eq!(run(&a, 10), vec![10_000_000_000, 10_333_333_333, 10_666_666_666]);
    }

    #[test]
    fn count_limits_a_rate_process() {
        let w = Window { from: SimTime::ZERO, until: None, count: Some(4) };
        let a = Arrival::Poisson { rate: Rate::per_second(2), window: w };
        let v = run(&a, 100);
        assert_eq!(v.len(), 4);
        assert!(v[0] > 0 && v.windows(2).all(|p| p[0] <= p[1]));
    }

    #[test]
    fn burst_spreads_evenly() {
        let a = Arrival::Burst { count: 4, at: secs(5), spread: SimDuration::from_secs(2) };
        assert_eq!(run(&a, 10), vec![5_000_000_000, 5_500_000_000, 6_000_000_000, 6_500_000_000]);
        let b = Arrival::Burst { count: 3, at: secs(1), spread: SimDuration::ZERO };
        assert_eq!(run(&b, 10), vec![1_000_000_000; 3]);
    }

    #[test]
    fn profile_follows_the_hour() {
        let mut hourly = [0.0; 24];
        hourly[2] = 10.0;
        let w = Window { from: SimTime::ZERO, until: Some(secs(86_400)), count: None };
        let v = run(&Arrival::Profile { hourly, window: w }, 100_000);
        assert!(v.iter().all(|&t| (7_200_000_000_000..10_800_000_000_000).contains(&t)));
        let n = v.len() as f64;
        assert!((n - 36_000.0).abs() < 600.0, "{n}");
    }

    #[test]
    fn expected_messages_from_count_window_horizon_or_list() {
        let rate = Rate::per_second(2);
        let w = |until: Option<u64>, count| Window { from: secs(10), until: until.map(secs), count };
        let poisson = |w| Arrival::Poisson { rate, window: w };
        assert_eq!(poisson(w(Some(110), None)).expected_messages(SimTime::NEVER), Some(200));
        assert_eq!(poisson(w(Some(110), Some(50))).expected_messages(SimTime::NEVER), Some(50));
        assert_eq!(poisson(w(None, None)).expected_messages(secs(60)), Some(100));
        assert_eq!(poisson(w(None, None)).expected_messages(SimTime::NEVER), None);
        let burst = Arrival::Burst { count: 7, at: secs(5), spread: SimDuration::ZERO };
        assert_eq!((burst.expected_messages(SimTime::NEVER), burst.expected_messages(secs(5))), (Some(7), Some(0)));
        let trace = Arrival::Trace { times: vec![secs(1), secs(2), secs(3)] };
        assert_eq!(trace.expected_messages(secs(3)), Some(2));
    }

    #[test]
    fn poisson_rate_is_right() {
        let w = Window { from: SimTime::ZERO, until: Some(secs(10_000)), count: None };
        let v = run(&Arrival::Poisson { rate: Rate::per_second(5), window: w }, 1_000_000);
        assert!((v.len() as f64 - 50_000.0).abs() < 1_000.0);
    }
}
