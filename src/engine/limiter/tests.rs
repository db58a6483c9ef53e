//! Unit and property tests of the limiters.

use super::*;
use crate::scenario::outage::{Outage, Scope};
use crate::scenario::time::SimDuration;
use proptest::prelude::*;

const SEC: u64 = 1_000_000_000;
const MS: u64 = 1_000_000;

fn ns(n: u64) -> SimTime {
    SimTime::from_nanos(n)
}

fn none() -> ScaleTimeline {
    ScaleTimeline::default()
}

/// Outages given as (start ns, end ns, capacity in parts per trillion), all applying.
fn timeline(outages: &[(u64, u64, u64)]) -> ScaleTimeline {
    let outages: Vec<Outage> = outages
        .iter()
        .map(|&(start, end, ppt)| Outage {
            scope: Scope::Platform,
            start: ns(start),
            end: ns(end),
            capacity: Scale::from_ppt(ppt).unwrap(),
        })
        .collect();
    ScaleTimeline::of(&outages, |_| true)
}

fn window(rate: Rate, unit: Unit, scale: ScaleTimeline) -> Limiter {
    Limiter::new(rate, Shape::Window, 1, unit, scale)
}

fn smooth(rate: Rate, burst: u64, scale: ScaleTimeline) -> Limiter {
    Limiter::new(rate, Shape::Smooth, burst, Unit::Messages, scale)
}

/// Takes `units` at `t` while there is room, at most `max` times; returns how many went.
fn fill(l: &mut Limiter, t: SimTime, units: u64, max: u64) -> u64 {
    let mut n = 0;
    while n < max && l.has_room(t, units) {
        l.take(t, units);
        n += 1;
    }
    n
}

/// Per window `0..windows` of `len` ns: how many one-unit messages go at its start.
fn per_window(l: &mut Limiter, len: u64, windows: u64) -> Vec<u64> {
    (0..windows).map(|n| fill(l, ns(n * len), 1, 100)).collect()
}

/// The model: with 5 MPS, 5 messages go in one second and the rest wait
/// for the next window, which starts exactly one second in.
#[test]
fn window_admits_its_capacity_then_opens_at_the_next_window() {
    let mut l = window(Rate::per_second(5), Unit::Messages, none());
    assert_eq!(fill(&mut l, ns(0), 1, 100), 5);
    assert!(!l.has_room(ns(SEC / 2), 1));
    assert_eq!(l.next_room(ns(SEC / 2)), ns(SEC));
    assert!(!l.has_room(ns(SEC - 1), 1));
    assert_eq!(fill(&mut l, ns(SEC), 1, 100), 5);
    assert_eq!(l.next_room(ns(SEC)), ns(2 * SEC));
}

/// Unused capacity is dropped at a window's end: a quiet window does not
/// let the next one admit more than its capacity.
#[test]
fn window_drops_unused_capacity() {
    let mut l = window(Rate::per_second(5), Unit::Messages, none());
    assert_eq!(fill(&mut l, ns(0), 1, 1), 1);
    assert_eq!(fill(&mut l, ns(SEC + 300 * MS), 1, 100), 5);
    assert_eq!(fill(&mut l, ns(7 * SEC + 999 * MS), 1, 100), 5);
}

/// The model: a rate below one per second is one message per window of
/// 1 / rate: 0.25/s is one per 4 s window.
#[test]
fn window_below_one_per_second_is_one_per_long_window() {
    let quarter = Rate::new(1, 4, SimDuration::from_secs(1)).unwrap();
    let mut l = window(quarter, Unit::Messages, none());
    assert_eq!(fill(&mut l, ns(0), 1, 100), 1);
    assert!(!l.has_room(ns(4 * SEC - 1), 1));
    assert_eq!(l.next_room(ns(4 * SEC - 1)), ns(4 * SEC));
    assert_eq!(fill(&mut l, ns(4 * SEC), 1, 100), 1);
    assert_eq!(l.next_room(ns(4 * SEC)), ns(8 * SEC));
}

/// Window n starts at floor(n · L) in integer nanoseconds: 0.3/s has
/// windows of 10/3 s starting at 0, 3_333_333_333, 6_666_666_666, 10 s.
#[test]
fn window_starts_are_rounded_down_without_drift() {
    let rate = Rate::new(3, 10, SimDuration::from_secs(1)).unwrap();
    let mut l = window(rate, Unit::Messages, none());
    let starts = [0, 3_333_333_333, 6_666_666_666, 10_000_000_000, 13_333_333_333];
    for pair in starts.windows(2) {
        assert_eq!(fill(&mut l, ns(pair[0]), 1, 100), 1, "window at {}", pair[0]);
        assert!(!l.has_room(ns(pair[1] - 1), 1));
        assert_eq!(l.next_room(ns(pair[1] - 1)), ns(pair[1]));
    }
}

/// The model: 2.5/s uses 1 s windows with the fraction carried: 2, 3, 2, 3, ...
#[test]
fn window_carries_a_fractional_capacity() {
    let rate = Rate::new(5, 2, SimDuration::from_secs(1)).unwrap();
    let mut l = window(rate, Unit::Messages, none());
    assert_eq!(per_window(&mut l, SEC, 6), [2, 3, 2, 3, 2, 3]);
}

/// Idle windows skipped in one jump still carry their fractions: the
/// parity of 2.5/s holds after 6 idle windows and after a billion.
#[test]
fn window_skips_idle_windows_keeping_the_carry() {
    let rate = Rate::new(5, 2, SimDuration::from_secs(1)).unwrap();
    let mut l = window(rate, Unit::Messages, none());
    assert_eq!(fill(&mut l, ns(0), 1, 100), 2);
    assert_eq!(fill(&mut l, ns(7 * SEC), 1, 100), 3);
    assert_eq!(fill(&mut l, ns(10 * SEC + 1), 1, 100), 2);
    assert_eq!(fill(&mut l, ns(1_000_000_001 * SEC), 1, 100), 3);
    assert_eq!(fill(&mut l, ns(2_000_000_000 * SEC + 5), 1, 100), 2);
    // 7/3 per second admits floor(7(n+1)/3) - floor(7n/3) in window n.
    let rate = Rate::new(7, 3, SimDuration::from_secs(1)).unwrap();
    let mut l = window(rate, Unit::Messages, none());
    for n in [0u64, 1, 5, 6, 100, 12_345_679, 1_000_000_000] {
        let expected = 7 * (n + 1) / 3 - 7 * n / 3;
        assert_eq!(fill(&mut l, ns(n * SEC), 1, 100), expected, "window {n}");
    }
}

/// A limit counting segments is charged a message's units: 3 + 2 fit
/// in 5, a second 3-unit message does not; one counting messages takes 1 each.
#[test]
fn window_charges_the_units_it_is_given() {
    let mut segments = window(Rate::per_second(5), Unit::Segments, none());
    assert_eq!(segments.unit(), Unit::Segments);
    assert!(segments.has_room(ns(0), 3));
    segments.take(ns(0), 3);
    assert!(!segments.has_room(ns(0), 3));
    assert!(segments.has_room(ns(0), 2));
    segments.take(ns(0), 2);
    assert!(!segments.has_room(ns(0), 1));
    let mut messages = window(Rate::per_second(5), Unit::Messages, none());
    assert_eq!(messages.unit(), Unit::Messages);
    assert_eq!(fill(&mut messages, ns(0), 1, 100), 5);
}

/// The model, sizes: a message larger than a whole window goes at the
/// start of a fresh window, and the excess is charged to the windows after it.
#[test]
fn window_oversized_message_needs_a_fresh_window_and_leaves_debt() {
    let mut l = window(Rate::per_second(5), Unit::Segments, none());
    // Not fresh once something was charged: wait for the next window.
    l.take(ns(0), 1);
    assert!(!l.has_room(ns(0), 7));
    assert_eq!(l.next_room(ns(0)), ns(SEC));
    // Fresh window: 7 go, 2 owed.
    assert!(l.has_room(ns(SEC), 7));
    l.take(ns(SEC), 7);
    assert!(!l.has_room(ns(SEC), 1));
    assert!(!l.is_idle_at(ns(2 * SEC)), "debt is not forgotten at the window's end");
    // Window 2 admits 5 - 2 = 3, and is not fresh: no oversized message.
    assert!(!l.has_room(ns(2 * SEC), 4));
    assert!(!l.has_room(ns(2 * SEC), 7));
    assert!(l.has_room(ns(2 * SEC), 3));
    // Debt paid: window 3 is fresh again, and forgotten once it ends.
    assert!(l.has_room(ns(3 * SEC), 7));
    assert!(!l.is_idle_at(ns(4 * SEC - 1)));
    assert!(l.is_idle_at(ns(4 * SEC)));
}

/// Debt larger than a window is paid over several windows.
#[test]
fn window_debt_spans_several_windows() {
    let mut l = window(Rate::per_second(2), Unit::Segments, none());
    assert!(l.has_room(ns(0), 7));
    l.take(ns(0), 7);
    // Owed 5: windows 1 and 2 admit nothing, window 3 admits 1.
    for n in 1..=2 {
        assert!(!l.has_room(ns(n * SEC), 1), "window {n}");
    }
    assert_eq!(fill(&mut l, ns(3 * SEC), 1, 100), 1);
    assert_eq!(fill(&mut l, ns(4 * SEC), 1, 100), 2);
}

/// `is_idle_at`: a window limiter forgets what it charged once its window
/// has ended, a smooth one only after its last slot.
#[test]
fn is_idle_once_nothing_charged_can_matter() {
    let mut w = window(Rate::per_second(5), Unit::Messages, none());
    w.take(ns(200 * MS), 1);
    assert!(!w.is_idle_at(ns(SEC - 1)));
    assert!(w.is_idle_at(ns(SEC)));
    let mut s = smooth(Rate::per_second(10), 1, none());
    s.take(ns(0), 1);
    assert!(!s.is_idle_at(ns(100 * MS)), "its next slot is still ahead");
    assert!(s.is_idle_at(ns(100 * MS + 1)));
}

/// `restart` gives the state of a new limiter at time zero: a full
/// window, or one in debt, is whole again; a window limiter reused at
/// 7.5 s admits what a new one would (carry included); a smooth one has
/// its next slot at once.
#[test]
fn restart_behaves_as_new() {
    let mut full = window(Rate::per_second(5), Unit::Segments, none());
    assert_eq!(fill(&mut full, ns(0), 1, 100), 5);
    full.restart();
    assert_eq!(fill(&mut full, ns(0), 1, 100), 5);
    let mut owing = window(Rate::per_second(5), Unit::Segments, none());
    owing.take(ns(0), 7);
    owing.restart();
    assert_eq!(fill(&mut owing, ns(SEC), 1, 100), 5);
    let rate = Rate::new(5, 2, SimDuration::from_secs(1)).unwrap();
    let mut used = window(rate, Unit::Messages, none());
    assert_eq!(fill(&mut used, ns(SEC), 1, 100), 3);
    assert_eq!(fill(&mut used, ns(2 * SEC), 1, 1), 1);
    assert!(used.is_idle_at(ns(7 * SEC + 500 * MS)));
    used.restart();
    let mut new = window(rate, Unit::Messages, none());
    for n in 7..12 {
        let t = ns(n * SEC + 500 * MS);
        assert_eq!(fill(&mut used, t, 1, 100), fill(&mut new, t, 1, 100), "window {n}");
    }
    let mut s = smooth(Rate::per_second(10), 1, none());
    s.take(ns(0), 1);
    assert!(!s.has_room(ns(0), 1));
    s.restart();
    assert!(s.has_room(ns(0), 1));
    s.take(ns(0), 1);
    assert_eq!(s.next_room(ns(0)), ns(100 * MS));
}

/// The model: 4,500 messages back to back through a 4,500/min smooth
/// limiter start exactly 60 s · k / 4,500 (rounded down) after the first.
#[test]
fn smooth_slots_are_exact_without_drift() {
    let mut l = smooth(Rate::per_minute(4500), 1, none());
    let mut t = ns(0);
    for k in 0..=4500u64 {
        if !l.has_room(t, 1) {
            t = l.next_room(t);
            assert!(l.has_room(t, 1));
        }
        assert_eq!(t.as_nanos(), 60 * SEC * k / 4500, "message {k}");
        l.take(t, 1);
    }
    assert_eq!(t, ns(60 * SEC));
}

/// Smooth spacing: 10/s is one message every 100 ms; a k-unit message
/// spaces the next k intervals away; after an idle gap a new sequence
/// starts at the message's own instant.
#[test]
fn smooth_spaces_units_evenly() {
    let mut l = Limiter::new(Rate::per_second(10), Shape::Smooth, 1, Unit::Segments, none());
    assert!(l.has_room(ns(0), 1));
    l.take(ns(0), 1);
    assert!(!l.has_room(ns(100 * MS - 1), 1));
    assert_eq!(l.next_room(ns(50 * MS)), ns(100 * MS));
    l.take(ns(100 * MS), 3);
    assert!(!l.has_room(ns(400 * MS - 1), 1));
    assert_eq!(l.next_room(ns(100 * MS)), ns(400 * MS));
    // Idle from 400 ms: a message at 1.234 s goes at once, the next 100 ms later.
    let t = ns(SEC + 234 * MS);
    assert!(l.has_room(t, 1));
    l.take(t, 1);
    assert_eq!(l.next_room(t), ns(SEC + 334 * MS));
}

/// GCRA burst b: b messages may go at once, then one per interval.
#[test]
fn smooth_burst_lets_b_go_at_once() {
    let mut l = smooth(Rate::per_second(10), 3, none());
    assert_eq!(fill(&mut l, ns(0), 1, 100), 3);
    assert_eq!(l.next_room(ns(0)), ns(100 * MS));
    assert_eq!(fill(&mut l, ns(100 * MS - 1), 1, 100), 0);
    assert_eq!(fill(&mut l, ns(100 * MS), 1, 100), 1);
    assert_eq!(fill(&mut l, ns(200 * MS), 1, 100), 1);
    assert_eq!(l.next_room(ns(200 * MS)), ns(300 * MS));
    // Idle long enough, the burst is back.
    assert_eq!(fill(&mut l, ns(SEC), 1, 100), 3);
}

/// The model: a degraded window limiter admits f · C per window, the
/// fraction carried; the scale at a window's start governs the whole window.
#[test]
fn window_scaled_by_a_degraded_outage() {
    let half = Scale::ONE.ppt() / 2;
    // 5/s at half from 2 s to 6 s: 2.5 per window, carried.
    let mut l = window(Rate::per_second(5), Unit::Messages, timeline(&[(2 * SEC, 6 * SEC, half)]));
    assert_eq!(per_window(&mut l, SEC, 8), [5, 5, 2, 3, 2, 3, 5, 5]);
    // Starting at 2.5 s, the outage governs windows 3, 4 and 5 only.
    let mut l = window(Rate::per_second(5), Unit::Messages, timeline(&[(2 * SEC + SEC / 2, 6 * SEC, half)]));
    assert_eq!(per_window(&mut l, SEC, 8), [5, 5, 5, 2, 3, 2, 5, 5]);
    // Degraded windows skipped while idle still carry: window 5 admits 3.
    let mut l = window(Rate::per_second(5), Unit::Messages, timeline(&[(2 * SEC, 6 * SEC, half)]));
    assert_eq!(fill(&mut l, ns(0), 1, 100), 5);
    assert_eq!(fill(&mut l, ns(5 * SEC + 1), 1, 100), 3);
}

/// A full stop gives a window no capacity; `next_room` is the start of
/// the first window that opens after the stop.
#[test]
fn window_under_a_stop() {
    let mut l = window(Rate::per_second(5), Unit::Messages, timeline(&[(SEC, 2 * SEC + SEC / 2, 0)]));
    assert_eq!(fill(&mut l, ns(SEC / 2), 1, 100), 5);
    // Window 1 starts stopped; window 2 starts at 2 s, still stopped.
    assert_eq!(l.next_room(ns(SEC / 2)), ns(3 * SEC));
    assert!(!l.has_room(ns(SEC), 1));
    assert!(!l.has_room(ns(2 * SEC + 600 * MS), 1));
    assert_eq!(l.next_room(ns(2 * SEC + 600 * MS)), ns(3 * SEC));
    assert_eq!(fill(&mut l, ns(3 * SEC), 1, 100), 5);
    // A stop that ends on a window boundary opens that window.
    let mut l = window(Rate::per_second(5), Unit::Messages, timeline(&[(SEC, 3 * SEC, 0)]));
    assert_eq!(fill(&mut l, ns(0), 1, 100), 5);
    assert_eq!(l.next_room(ns(0)), ns(3 * SEC));
}

/// The model: a degraded smooth limiter's spacing is divided by f; the
/// spacing changes where the outage starts and ends.
#[test]
fn smooth_scaled_by_a_degraded_outage() {
    let half = Scale::ONE.ppt() / 2;
    let mut l = smooth(Rate::per_second(10), 1, timeline(&[(SEC, 3 * SEC, half)]));
    let mut t = ns(0);
    let mut slots = Vec::new();
    for _ in 0..25 {
        if !l.has_room(t, 1) {
            t = l.next_room(t);
        }
        assert!(l.has_room(t, 1));
        l.take(t, 1);
        slots.push(t.as_nanos() / MS);
    }
    let expected: Vec<u64> =
        (0..10).map(|k| k * 100).chain((0..10).map(|k| 1000 + k * 200)).chain((0..5).map(|k| 3000 + k * 100)).collect();
    assert_eq!(slots, expected);
    // 0.3 of 10/s: slot k at floor(k · 100 ms / 0.3).
    let mut l = smooth(Rate::per_second(10), 1, timeline(&[(0, 10 * SEC, 300_000_000_000)]));
    l.take(ns(0), 1);
    assert_eq!(l.next_room(ns(0)), ns(333_333_333));
    l.take(ns(333_333_333), 1);
    l.take(ns(666_666_666), 1);
    assert_eq!(l.next_room(ns(666_666_666)), ns(SEC));
}

/// A smooth limiter under a full stop has no room; it may go again when the stop ends.
#[test]
fn smooth_under_a_stop() {
    let mut l = smooth(Rate::per_second(10), 1, timeline(&[(SEC, 2 * SEC, 0)]));
    l.take(ns(SEC / 2), 1);
    assert!(!l.has_room(ns(SEC + SEC / 2), 1));
    assert_eq!(l.next_room(ns(SEC + SEC / 2)), ns(2 * SEC));
    assert!(l.has_room(ns(2 * SEC), 1));
}

/// A degraded-only limiter (the per-(number, carrier) limit a degraded
/// carrier outage adds) limits only inside the outage, at f of its rate;
/// outside it, and under a full stop (left to the gates), it lets everything by.
#[test]
fn degraded_only_window_limits_only_while_degraded() {
    let scale = timeline(&[(2 * SEC, 4 * SEC, 400_000_000_000), (5 * SEC, 6 * SEC, 0)]);
    let mut l = window(Rate::per_second(5), Unit::Messages, scale).when_degraded();
    // 0.4 · 5 = 2 per window inside [2 s, 4 s); 100 (the most tried) elsewhere.
    assert_eq!(per_window(&mut l, SEC, 7), [100, 100, 2, 2, 100, 100, 100]);
    let scale = timeline(&[(2 * SEC, 4 * SEC, 400_000_000_000)]);
    let mut l = window(Rate::per_second(5), Unit::Messages, scale).when_degraded();
    assert_eq!(fill(&mut l, ns(3 * SEC), 1, 100), 2);
    assert_eq!(l.next_room(ns(3 * SEC)), ns(4 * SEC));
}

/// A degraded-only smooth limiter is spaced at f of its rate inside the
/// outage, and `next_room` is no later than the outage's end.
#[test]
fn degraded_only_smooth_opens_when_the_degradation_ends() {
    let half = Scale::ONE.ppt() / 2;
    let mut l = smooth(Rate::per_second(10), 1, timeline(&[(SEC, 2 * SEC, half)])).when_degraded();
    assert_eq!(fill(&mut l, ns(0), 1, 50), 50);
    assert!(l.has_room(ns(1500 * MS), 1));
    l.take(ns(1500 * MS), 1);
    assert!(!l.has_room(ns(1600 * MS), 1));
    assert_eq!(l.next_room(ns(1600 * MS)), ns(1700 * MS));
    l.take(ns(1700 * MS), 1);
    l.take(ns(1900 * MS), 1);
    // The next slot would be 2.1 s, but the limit ends at 2 s.
    assert!(!l.has_room(ns(1950 * MS), 1));
    assert_eq!(l.next_room(ns(1950 * MS)), ns(2 * SEC));
    assert_eq!(fill(&mut l, ns(2 * SEC), 1, 50), 50);
}

/// A window limiter written the simple way: the units windows 0..=n
/// admit together are floor(C · Σ scale at each window's start), so a
/// window's allowance is a difference of two such sums (no carry kept);
/// windows with nothing owed are jumped over by recomputing that sum.
struct Naive {
    cap: (u128, u128),
    len: (u128, u128),
    scale: ScaleTimeline,
    degraded_only: bool,
    index: u64,
    remaining: i64,
    fresh: bool,
}

impl Naive {
    fn new(rate: Rate, scale: ScaleTimeline, degraded_only: bool) -> Naive {
        let (cap, len) = rate.window();
        let mut naive = Naive { cap, len, scale, degraded_only, index: 0, remaining: 0, fresh: true };
        naive.remaining = naive.allowance(0) as i64;
        naive
    }

    fn start(&self, n: u64) -> u64 {
        (n as u128 * self.len.0 / self.len.1) as u64
    }

    /// The window holding `t`, counted from an estimate.
    fn index_of(&self, t: u64) -> u64 {
        let mut n = (t as u128 * self.len.1 / self.len.0) as u64;
        while self.start(n + 1) <= t {
            n += 1;
        }
        while self.start(n) > t {
            n -= 1;
        }
        n
    }

    fn scale_of(&self, n: u64) -> Scale {
        self.scale.at(ns(self.start(n)))
    }

    /// Σ of the scales (ppt) at the starts of windows 0..=n, a stretch of one scale at a time.
    fn scale_sum(&self, n: u64) -> u128 {
        // The first window starting at or after instant p.
        let first_at = |p: u64| (p as u128 * self.len.1).div_ceil(self.len.0) as u64;
        let (mut sum, mut from) = (0u128, 0u64);
        loop {
            let next = self.scale.next_change_after(ns(from)).map(|c| c.as_nanos());
            let (lo, hi) = (first_at(from), next.map_or(n + 1, |c| first_at(c).min(n + 1)));
            if lo < hi {
                sum += (hi - lo) as u128 * self.scale.at(ns(from)).ppt() as u128;
            }
            match next {
                Some(c) if first_at(c) <= n => from = c,
                _ => return sum,
            }
        }
    }

    fn allowance(&self, n: u64) -> u64 {
        let den = self.cap.1 * ONE;
        let through = |n: u64| self.cap.0 * self.scale_sum(n) / den;
        (through(n) - if n == 0 { 0 } else { through(n - 1) }) as u64
    }

    fn advance(&mut self, t: u64) {
        let target = self.index_of(t);
        while self.index < target {
            if self.remaining < 0 {
                // Debt: the next window pays it first.
                self.index += 1;
                self.remaining += self.allowance(self.index) as i64;
                self.fresh = false;
            } else {
                self.index = target;
                self.remaining = self.allowance(target) as i64;
                self.fresh = true;
            }
        }
    }

    fn bypassed(&self) -> bool {
        self.degraded_only && !self.scale_of(self.index).is_degraded()
    }

    fn has_room(&mut self, t: u64, units: u64) -> bool {
        self.advance(t);
        let whole = self.allowance(self.index);
        self.bypassed() || self.remaining >= units as i64 || (self.fresh && whole >= 1 && units > whole)
    }

    fn take(&mut self, t: u64, units: u64) {
        self.advance(t);
        if !self.bypassed() {
            self.remaining -= units as i64;
            self.fresh = false;
        }
    }

    /// Start of the first window after the current one that is not stopped.
    fn first_open_after(&self) -> u64 {
        let mut n = self.index + 1;
        while self.scale_of(n).is_stop() {
            n += 1;
        }
        self.start(n)
    }
}

fn rates() -> impl Strategy<Value = Rate> {
    (1..=30u64, 1..=8u64, prop::sample::select(vec![MS, SEC, 60 * SEC]))
        .prop_map(|(num, den, period)| Rate::new(num, den, SimDuration::from_nanos(period)).unwrap())
}

/// Up to two outages as (start, length) in sevenths of a window, and a capacity in ppt.
fn outages() -> impl Strategy<Value = Vec<(u64, u64, u64)>> {
    let ppt = prop::sample::select(vec![0, 100_000_000_000, 250_000_000_000, 300_000_000_000, 500_000_000_000]);
    prop::collection::vec((0..280u64, 1..140u64, ppt), 0..=2)
}

/// The outages' timeline for a rate's windows.
fn outage_timeline(rate: Rate, outages: &[(u64, u64, u64)]) -> ScaleTimeline {
    let (_, len) = rate.window();
    let at = |sevenths: u64| (sevenths as u128 * len.0 / (7 * len.1)) as u64;
    timeline(&outages.iter().map(|&(s, l, ppt)| (at(s), at(s + l), ppt)).collect::<Vec<_>>())
}

/// Operations: (gap in thousandths of `windows` windows, units, take if there is room).
fn ops(windows: u64) -> impl Strategy<Value = Vec<(u64, u64, bool)>> {
    let gap = prop_oneof![8 => 0..3000u64, 1 => (0..1000u64).prop_map(move |g| g * windows)];
    prop::collection::vec((gap, 1..=8u64, any::<bool>()), 1..40)
}

fn gap_ns(rate: Rate, thousandths: u64) -> u64 {
    let (_, len) = rate.window();
    (thousandths as u128 * len.0 / (1000 * len.1)) as u64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The window limiter, jumping over idle windows (up to 100,000 at a
    /// time), answers `has_room` as the naive model does at every step;
    /// when there is no room, `next_room` is a later window start no
    /// later than the first window that is not stopped; and once
    /// `is_idle_at` says so, a restarted copy answers as the original.
    #[test]
    fn window_agrees_with_a_naive_model(
        rate in rates(),
        outages in outages(),
        degraded_only in any::<bool>(),
        ops in ops(100_000),
    ) {
        let scale = outage_timeline(rate, &outages);
        let mut limiter = window(rate, Unit::Segments, scale.clone());
        if degraded_only {
            limiter = limiter.when_degraded();
        }
        let mut naive = Naive::new(rate, scale, degraded_only);
        let mut twin: Option<Limiter> = None;
        let mut t = 0u64;
        for (i, &(gap, units, take)) in ops.iter().enumerate() {
            t += gap_ns(rate, gap);
            if twin.is_none() && limiter.is_idle_at(ns(t)) {
                let mut copy = limiter.clone();
                copy.restart();
                twin = Some(copy);
            }
            let room = limiter.has_room(ns(t), units);
            prop_assert_eq!(room, naive.has_room(t, units), "op {} at {} ns, {} units", i, t, units);
            if let Some(twin) = &mut twin {
                prop_assert_eq!(twin.has_room(ns(t), units), room, "restarted copy, op {}", i);
            }
            if room && take {
                limiter.take(ns(t), units);
                naive.take(t, units);
                if let Some(twin) = &mut twin {
                    twin.take(ns(t), units);
                }
            } else if !room {
                let next = limiter.next_room(ns(t)).as_nanos();
                prop_assert!(next > t, "op {}: next_room {} not after {}", i, next, t);
                prop_assert_eq!(naive.start(naive.index_of(next)), next, "op {}: not a window start", i);
                prop_assert!(next <= naive.first_open_after(), "op {}: next_room {} too late", i, next);
                if let Some(twin) = &twin {
                    prop_assert_eq!(twin.next_room(ns(t)).as_nanos(), next);
                }
            }
        }
    }

    /// Advancing over idle windows in one jump leaves a window limiter
    /// in exactly the state that opening every window in turn does.
    #[test]
    fn window_jump_equals_stepping_through_every_window(
        rate in rates(),
        outages in outages(),
        degraded_only in any::<bool>(),
        ops in ops(20),
    ) {
        let scale = outage_timeline(rate, &outages);
        let mut jump = window(rate, Unit::Segments, scale);
        if degraded_only {
            jump = jump.when_degraded();
        }
        let mut step = jump.clone();
        let mut t = 0u64;
        for (i, &(gap, units, take)) in ops.iter().enumerate() {
            t += gap_ns(rate, gap);
            let Limiter { state: State::Window(w), scale, .. } = &mut step else { unreachable!() };
            while w.next_start <= ns(t) {
                let index = w.index;
                w.advance(w.next_start, scale);
                prop_assert_eq!(w.index, index + 1);
            }
            let room = jump.has_room(ns(t), units);
            prop_assert_eq!(step.has_room(ns(t), units), room, "op {}", i);
            prop_assert_eq!(format!("{:?}", jump.state), format!("{:?}", step.state), "op {} at {} ns", i, t);
            if room && take {
                jump.take(ns(t), units);
                step.take(ns(t), units);
            }
        }
    }
}

fn limit(rate: Rate, shape: Shape, burst: u64, unit: Unit) -> Limit {
    Limit { rate, shape, burst, unit }
}

/// The defaults: a 5/s account (window or smooth) can never fill a
/// toll-free number's 25/s or a short code's 100/s, but a 100/s account can
/// fill 25/s, a Canadian long code's 15/min fills behind 5/s over its
/// minute, and four-segment messages fill 25 segments/s behind 5/s.
#[test]
fn a_number_limit_is_never_short_behind_a_much_tighter_account() {
    let account = |n, shape| limit(Rate::per_second(n), shape, 1, Unit::Messages);
    let number = |rate, unit| limit(rate, Shape::Window, 1, unit);
    // A second meets at most 3 windows of 5: 15; smooth: 1 + 5 + 1 = 7.
    assert_eq!(most_in_span(&account(5, Shape::Window), SEC as u128), Some(15));
    assert_eq!(most_in_span(&account(5, Shape::Smooth), SEC as u128), Some(7));
    let toll_free = number(Rate::per_second(25), Unit::Messages);
    assert!(never_short(&toll_free, &account(5, Shape::Window), 1));
    assert!(never_short(&toll_free, &account(5, Shape::Smooth), 1));
    assert!(never_short(&number(Rate::per_second(100), Unit::Messages), &account(5, Shape::Window), 1));
    assert!(!never_short(&toll_free, &account(100, Shape::Window), 1));
    assert!(!never_short(&number(Rate::per_minute(15), Unit::Messages), &account(5, Shape::Window), 1));
    // 16 messages of one segment fit in 25; of four segments they do not.
    assert!(never_short(&number(Rate::per_second(25), Unit::Segments), &account(5, Shape::Window), 1));
    assert!(!never_short(&number(Rate::per_second(25), Unit::Segments), &account(5, Shape::Window), 4));
    // Exactly enough room for the bound and one more message, and one short of it.
    assert!(never_short(&number(Rate::per_second(16), Unit::Messages), &account(5, Shape::Window), 1));
    assert!(!never_short(&number(Rate::per_second(15), Unit::Messages), &account(5, Shape::Window), 1));
    // A number limit of fractional capacity, or a smooth one, is always kept.
    assert!(!never_short(
        &number(Rate::new(51, 2, SimDuration::from_secs(1)).unwrap(), Unit::Messages),
        &account(1, Shape::Window),
        1
    ));
    assert!(!never_short(
        &limit(Rate::per_second(100), Shape::Smooth, 1, Unit::Messages),
        &account(1, Shape::Window),
        1
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Whatever passes a limiter (window or smooth, any burst, slowed or
    /// stopped by outages, messages of any size up to `largest` at any
    /// instants, kept full) always finds room at a window limit that
    /// `never_short` says it cannot fill, with room to spare for one more
    /// message: the engine leaves such a limit off a number's paths. The
    /// second limit's capacity is drawn around the threshold, so the bound
    /// is tested where it is tight.
    #[test]
    fn what_passes_a_limiter_never_fills_a_limit_it_dominates(
        rate in rates(),
        smooth_first in any::<bool>(),
        burst in 1..=4u64,
        outages in outages(),
        period in prop::sample::select(vec![SEC, 3 * SEC, 60 * SEC]),
        around in 0..=5u64,
        (units_first, units_second) in (prop::sample::select(vec![Unit::Messages, Unit::Segments]), prop::sample::select(vec![Unit::Messages, Unit::Segments])),
        largest in 1..=4u64,
        messages in prop::collection::vec((0..=20u64, 1..=4u64), 1..400),
    ) {
        let shape = if smooth_first { Shape::Smooth } else { Shape::Window };
        let first_limit = limit(rate, shape, burst, units_first);
        let size = |unit: Unit, segments: u64| if unit == Unit::Segments { segments } else { 1 };
        let largest_second = size(units_second, largest);
        let Some(bound) = most_in_span(&first_limit, period as u128) else { return Ok(()) };
        let cap = ((bound + 1) as u64 * largest_second + around).saturating_sub(3).max(1);
        let second_limit = limit(Rate::new(cap, 1, SimDuration::from_nanos(period)).unwrap(), Shape::Window, 1, units_second);
        prop_assert_eq!(never_short(&second_limit, &first_limit, largest_second), around >= 3);
        if around < 3 {
            return Ok(());
        }
        let mut first = Limiter::new(rate, shape, burst, units_first, outage_timeline(rate, &outages));
        let mut second = Limiter::new(second_limit.rate, Shape::Window, 1, units_second, none());
        let mut t = 0u64;
        // Gaps of up to 2 % of the first limit's window: it is kept full.
        for (i, &(gap, segments)) in messages.iter().enumerate() {
            t += gap_ns(rate, gap);
            let segments = 1 + (segments - 1) % largest;
            let (u1, u2) = (size(units_first, segments), size(units_second, segments));
            if first.has_room(ns(t), u1) {
                first.take(ns(t), u1);
                prop_assert!(second.has_room(ns(t), u2), "op {} at {} ns: the second limit is short", i, t);
                second.take(ns(t), u2);
                prop_assert!(second.has_room(ns(t), largest_second), "op {} at {} ns: no room for one more", i, t);
            }
        }
    }
}
