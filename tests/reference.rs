//! A second, naive implementation of the dispatch rules (README, *The model
//! in short*) to check the engine against: every waiting message is scanned in
//! acceptance order at every arrival and window boundary, with counters per
//! window. It shares no code with the engine; agreement on generated
//! scenarios checks the engine's lanes, held limits, skipped windows and
//! dispatch-pass shortcuts, and the outage rules (stops, degraded windows
//! with carried fractions, the added per-(number, carrier) limit); and the
//! sender and provider rules of MODEL §9: client pacing, an account-wide
//! queue limit, and retries of expired and rejected attempts.

use crate::helpers::*;
use a2psim::scenario::model::Outcome;
use proptest::prelude::*;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

#[derive(Debug, Clone)]
struct Stream {
    carrier: usize,
    segments: u64,
    expiry_s: u64,
    /// (count, first arrival in ms, rate per second; 0 for a burst)
    arrivals: (u64, u64, u64),
}

/// An outage: scope (None: platform; Some(c): carrier c), start and end in
/// seconds, capacity in thousandths.
#[derive(Debug, Clone, Copy)]
struct Outage {
    carrier: Option<usize>,
    start: u64,
    end: u64,
    milli: u64,
}

impl Outage {
    fn covers(&self, t: u64) -> bool {
        (self.start * SEC..self.end * SEC).contains(&t)
    }
}

#[derive(Debug, Clone)]
struct Case {
    outage: Option<Outage>,
    account_mps: u64,
    /// 0: toll-free with a per-number rate; 1: 10DLC with a brand TPM.
    kind: usize,
    per_number: u64,
    tpm: u64,
    numbers: u64,
    streams: Vec<Stream>,
    /// MODEL §9: each stream's pace per second, the account's queue limit,
    /// and the waits (s) of the retries of expired and rejected attempts.
    pace: Option<u64>,
    queue_max: Option<u64>,
    retry_after: Vec<u64>,
}

const CARRIERS: [&str; 3] = ["att", "tmobile", "verizon"];
const SEC: u64 = 1_000_000_000;

fn cases() -> impl Strategy<Value = Case> {
    let stream = (
        0..3usize,
        1..4u64,
        5..90u64,
        (1..40u64, (0..40u64).prop_map(|h| h * 500), prop::sample::select(vec![0u64, 10, 4, 1])),
    )
        .prop_map(|(carrier, segments, expiry_s, arrivals)| Stream { carrier, segments, expiry_s, arrivals });
    let outage =
        prop::option::of((prop::option::of(0..3usize), 0..30u64, 1..60u64, prop::sample::select(vec![0u64, 300, 500])))
            .prop_map(|o| o.map(|(carrier, start, len, milli)| Outage { carrier, start, end: start + len, milli }));
    let provider = (prop::option::of(1..6u64), prop::option::of(1..30u64), prop::collection::vec(1..40u64, 0..3));
    // A per-number rate of 25/s is one the account's can never fill: the
    // engine leaves it off the paths, the reference keeps it.
    let per_number = prop_oneof![3 => 1..4u64, 1 => Just(25u64)];
    (outage, 1..8u64, 0..2usize, per_number, 3..12u64, 1..4u64, prop::collection::vec(stream, 1..4), provider).prop_map(
        |(outage, account_mps, kind, per_number, tpm, numbers, streams, (pace, queue_max, retry_after))| Case {
            outage,
            account_mps,
            kind,
            per_number,
            tpm,
            numbers,
            streams,
            pace,
            queue_max,
            retry_after,
        },
    )
}

fn render(c: &Case) -> String {
    let sender = if c.kind == 0 {
        format!("type = \"toll_free\"\nsms_rate = {}", c.per_number)
    } else {
        "type = \"long_code\"\nbrand = \"b\"".to_string()
    };
    let mut t = format!(
        "start = \"2026-03-10T00:00:00-07:00\"\n[account]\nsms_mps = {}\n[[brands]]\nid = \"b\"\nvetting_score = 80\ntpm = {}\ntpd = 100000000\n[[senders]]\nid = \"s\"\n{sender}\nnumbers = {}\n",
        c.account_mps, c.tpm, c.numbers
    );
    if let Some(o) = c.outage {
        let scope = o.carrier.map_or("platform".to_string(), |k| format!("carrier:{}", CARRIERS[k]));
        t.push_str(&format!(
            "[[outages]]\nscope = \"{scope}\"\nstart = \"{}s\"\nend = \"{}s\"\ncapacity = {}\n",
            o.start,
            o.end,
            o.milli as f64 / 1000.0
        ));
    }
    for (i, s) in c.streams.iter().enumerate() {
        let (count, first, rate) = s.arrivals;
        let arrival = match SEC.checked_div(rate) {
            None => format!("{{ process = \"burst\", count = {count}, at = \"{first}ms\" }}"),
            Some(_) => {
                format!("{{ process = \"constant\", rate = \"{rate}/s\", count = {count}, from = \"{first}ms\" }}")
            }
        };
        t.push_str(&format!(
            "[[traffic]]\nname = \"s{i}\"\nsender = \"s\"\nsegments = {}\nmessage_expiry = {}\ncarriers = {{ {} = 1.0 }}\narrival = {arrival}\n",
            s.segments, s.expiry_s, CARRIERS[s.carrier]
        ));
        if let Some(p) = c.pace {
            t.push_str(&format!("pace = \"{p}/s\"\n"));
        }
        if !c.retry_after.is_empty() {
            let after: Vec<String> = c.retry_after.iter().map(|w| format!("\"{w}s\"")).collect();
            t.push_str(&format!("retry = {{ on = [\"expired\", \"rejected\"], after = [{}] }}\n", after.join(", ")));
        }
    }
    if let Some(n) = c.queue_max {
        t.push_str(&format!("[provider]\nqueue_max = {n}\nqueue_scope = \"account\"\n"));
    }
    t
}

/// When a sender pacing at `pace` a second submits messages arriving at
/// `arrivals` (in order): each at its arrival, or at the pacer's next slot,
/// slots `floor(k / pace)` s apart from the start of a back-to-back run.
fn paced(arrivals: &[u64], pace: u64) -> Vec<u64> {
    let (mut anchor, mut k, mut next) = (0u64, 0u64, 0u64);
    arrivals
        .iter()
        .map(|&a| {
            let at = a.max(next);
            if at > next {
                (anchor, k) = (at, 0);
            }
            k += 1;
            next = anchor + k * SEC / pace;
            at
        })
        .collect()
}

/// A fixed-window limit with a counter per window. Under a degraded
/// outage a window admits the carried share of the capacity set by the
/// scale at its start; `degraded_only` limits only then.
struct Window {
    cap: u64,
    len: u64,
    /// Scale (thousandths) from the outage covering an instant, if it applies here.
    outage: Option<Outage>,
    degraded_only: bool,
    used: BTreeMap<u64, u64>,
    /// Allowance of each window so far, computed in order with the carry.
    allowance: Vec<u64>,
    carry: u64,
    /// Debt each window starts with, from oversized messages before it.
    debt: Vec<u64>,
}

impl Window {
    fn new(cap: u64, len: u64, outage: Option<Outage>, degraded_only: bool) -> Window {
        Window {
            cap,
            len,
            outage,
            degraded_only,
            used: BTreeMap::new(),
            allowance: Vec::new(),
            carry: 0,
            debt: Vec::new(),
        }
    }

    fn scale_at(&self, t: u64) -> u64 {
        self.outage.filter(|o| o.covers(t)).map_or(1000, |o| o.milli)
    }

    fn allowance(&mut self, w: u64) -> u64 {
        while self.allowance.len() as u64 <= w {
            let start = self.allowance.len() as u64 * self.len;
            let acc = self.carry + self.cap * self.scale_at(start);
            self.allowance.push(acc / 1000);
            self.carry = acc % 1000;
        }
        self.allowance[w as usize]
    }

    fn limits(&self, t: u64) -> bool {
        !self.degraded_only || !matches!(self.scale_at(t / self.len * self.len), 0 | 1000)
    }

    /// Debt carried into window `w`: what windows before it were charged
    /// beyond their allowance (unused capacity is not carried).
    fn debt(&mut self, w: u64) -> u64 {
        while self.debt.len() as u64 <= w {
            let k = self.debt.len() as u64;
            let d = match k {
                0 => 0,
                _ => {
                    let (prev, used) = (self.debt[k as usize - 1], self.used.get(&(k - 1)).copied().unwrap_or(0));
                    (prev + used).saturating_sub(self.allowance(k - 1))
                }
            };
            self.debt.push(d);
        }
        self.debt[w as usize]
    }

    fn room(&mut self, t: u64, u: u64) -> bool {
        let w = t / self.len;
        if !self.limits(t) {
            return true;
        }
        let (allow, debt, used) = (self.allowance(w), self.debt(w), self.used.get(&w).copied().unwrap_or(0));
        // Fits what is left; or, oversized, goes in a fresh window.
        debt + used + u <= allow || (debt == 0 && used == 0 && allow >= 1 && u > allow)
    }

    fn take(&mut self, t: u64, u: u64) {
        if self.limits(t) {
            *self.used.entry(t / self.len).or_insert(0) += u;
        }
    }
}

struct Msg {
    stream: usize,
    carrier: usize,
    accepted: u64,
    expiry: u64,
    /// (limit, units)
    needs: Vec<(usize, u64)>,
}

/// An attempt due at the provider: (instant, a retry, stream, index in
/// the stream, attempt number), in acceptance order.
type Due = (u64, bool, usize, u64, u32);

/// (stream, accepted, outcome, instant) of every attempt, sorted.
fn reference(c: &Case) -> Vec<(usize, u64, Outcome, u64)> {
    // Limits: 0 account; then per number (toll-free) or per carrier (TPM);
    // on toll-free, per (number, carrier) limits that bind only while a
    // carrier outage degrades them.
    let platform = c.outage.filter(|o| o.carrier.is_none());
    let on_carrier = |k: usize| c.outage.filter(|o| o.carrier == Some(k));
    let mut limits = vec![Window::new(c.account_mps, SEC, platform, false)];
    if c.kind == 0 {
        limits.extend((0..c.numbers).map(|_| Window::new(c.per_number, SEC, None, false)));
        for _ in 0..c.numbers {
            limits.extend((0..3).map(|k| Window::new(c.per_number, SEC, on_carrier(k), true)));
        }
    } else {
        limits.extend((0..3).map(|k| Window::new(c.tpm, 60 * SEC, on_carrier(k), false)));
    }
    let stopped = |carrier: usize, t: u64| {
        c.outage.is_some_and(|o| o.milli == 0 && o.covers(t) && o.carrier.is_none_or(|k| k == carrier))
    };
    // First attempts, submitted at their arrival or their turn at the
    // sender's pacer; retries join as attempts fail.
    let mut due: BinaryHeap<Reverse<Due>> = BinaryHeap::new();
    for (i, s) in c.streams.iter().enumerate() {
        let (count, first, rate) = s.arrivals;
        let arrivals: Vec<u64> =
            (0..count).map(|k| first * 1_000_000 + SEC.checked_div(rate).map_or(0, |gap| k * gap)).collect();
        let submitted = c.pace.map_or(arrivals.clone(), |p| paced(&arrivals, p));
        due.extend(submitted.into_iter().zip(0..).map(|(at, k)| Reverse((at, false, i, k, 0))));
    }
    let mut out = Vec::new();
    // A failed attempt's retry, if one is left, `retry_after[n]` later.
    let retry = |due: &mut BinaryHeap<Reverse<Due>>, (_, _, stream, index, n): Due, t: u64| {
        if let Some(w) = c.retry_after.get(n as usize) {
            due.push(Reverse((t + w * SEC, true, stream, index, n + 1)));
        }
    };
    let mut next_number = 0;
    let mut waiting: Vec<(Msg, Due)> = Vec::new();
    let mut t = 0;
    loop {
        // Acceptance, before the instant's dispatch: refused while the
        // account's queue holds its most; a pool number for each let in.
        while due.peek().is_some_and(|d| d.0.0 <= t) {
            let Reverse(d) = due.pop().unwrap();
            let (at, _, i, _, _) = d;
            if c.queue_max.is_some_and(|n| waiting.len() as u64 >= n) {
                out.push((i, at, Outcome::Rejected, at));
                retry(&mut due, d, at);
                continue;
            }
            let s = &c.streams[i];
            let needs = if c.kind == 0 {
                let n = next_number as usize;
                next_number = (next_number + 1) % c.numbers;
                vec![(0, 1), (1 + n, 1), (1 + c.numbers as usize + n * 3 + s.carrier, 1)]
            } else {
                vec![(0, 1), (1 + s.carrier, s.segments)]
            };
            waiting.push((Msg { stream: i, carrier: s.carrier, accepted: at, expiry: s.expiry_s * SEC, needs }, d));
        }
        let mut held = BTreeSet::new();
        let mut i = 0;
        while i < waiting.len() {
            let m = &waiting[i].0;
            let mut blocked = stopped(m.carrier, t);
            for &(l, u) in &m.needs {
                if held.contains(&l) {
                    blocked = true;
                } else if !limits[l].room(t, u) {
                    held.insert(l);
                    blocked = true;
                }
            }
            if blocked {
                i += 1;
                continue;
            }
            let (m, d) = waiting.remove(i);
            if t - m.accepted > m.expiry {
                out.push((m.stream, m.accepted, Outcome::Expired, t));
                retry(&mut due, d, t);
            } else {
                for &(l, u) in &m.needs {
                    limits[l].take(t, u);
                }
                out.push((m.stream, m.accepted, Outcome::Delivered, t));
            }
        }
        let Some(next_due) = due.peek().map(|d| d.0.0) else {
            if waiting.is_empty() {
                break;
            }
            t = next_instant(c, t);
            continue;
        };
        // Next instant: an attempt due, a window boundary (every second) or
        // the end of a stop; with nothing waiting, the next attempt.
        t = if waiting.is_empty() { next_due } else { next_due.min(next_instant(c, t)) };
    }
    out.sort_by_key(|x| (x.0, x.1, x.3));
    out
}

/// The next window boundary (every second) after `t`, or the end of a stop
/// covering `t` if sooner.
fn next_instant(c: &Case, t: u64) -> u64 {
    let boundary = (t / SEC + 1) * SEC;
    c.outage.filter(|o| o.covers(t) && o.milli == 0).map_or(boundary, |o| boundary.min(o.end * SEC))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_agrees_with_a_naive_reference(c in cases()) {
        let sc = scenario(&render(&c));
        let (log, _) = run_log(&sc);
        let mut got: Vec<(usize, u64, Outcome, u64)> = log
            .fates
            .iter()
            .map(|f| (f.stream, f.accepted.as_nanos(), f.outcome, f.dispatched.unwrap_or(f.done).as_nanos()))
            .collect();
        got.sort_by_key(|x| (x.0, x.1, x.3));
        let want = reference(&c);
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!(g, w, "scenario:\n{}", render(&c));
        }
    }
}
