//! A second, naive implementation of the dispatch rules (MODEL sections 2
//! and 8) to check the engine against: every waiting message is scanned in
//! acceptance order at every arrival and window boundary, with counters per
//! window. It shares no code with the engine; agreement on generated
//! scenarios checks the engine's lanes, held limits, skipped windows and
//! dispatch-pass shortcuts.

use crate::helpers::*;
use a2psim::model::Outcome;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
struct Stream {
    carrier: usize,
    segments: u64,
    expiry_s: u64,
    /// (count, first arrival in ms, rate per second; 0 for a burst)
    arrivals: (u64, u64, u64),
}

#[derive(Debug, Clone)]
struct Case {
    account_mps: u64,
    /// 0: toll-free with a per-number rate; 1: 10DLC with a brand TPM.
    kind: usize,
    per_number: u64,
    tpm: u64,
    numbers: u64,
    streams: Vec<Stream>,
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
    (1..8u64, 0..2usize, 1..4u64, 3..12u64, 1..4u64, prop::collection::vec(stream, 1..4)).prop_map(
        |(account_mps, kind, per_number, tpm, numbers, streams)| Case {
            account_mps,
            kind,
            per_number,
            tpm,
            numbers,
            streams,
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
    }
    t
}

/// A fixed-window limit with a counter per window.
struct Window {
    cap: u64,
    len: u64,
    used: BTreeMap<u64, u64>,
}

impl Window {
    fn room(&self, t: u64, u: u64) -> bool {
        self.used.get(&(t / self.len)).copied().unwrap_or(0) + u <= self.cap
    }
    fn take(&mut self, t: u64, u: u64) {
        *self.used.entry(t / self.len).or_insert(0) += u;
    }
}

struct Msg {
    stream: usize,
    accepted: u64,
    expiry: u64,
    /// (limit, units)
    needs: Vec<(usize, u64)>,
}

/// (stream, accepted, outcome, instant) of every message, sorted.
fn reference(c: &Case) -> Vec<(usize, u64, Outcome, u64)> {
    // Limits: 0 account; then per number (toll-free) or per carrier (TPM).
    let mut limits = vec![Window { cap: c.account_mps, len: SEC, used: BTreeMap::new() }];
    let per = if c.kind == 0 { c.numbers } else { 3 };
    for _ in 0..per {
        let (cap, len) = if c.kind == 0 { (c.per_number, SEC) } else { (c.tpm, 60 * SEC) };
        limits.push(Window { cap, len, used: BTreeMap::new() });
    }
    // Arrivals in acceptance order: time, then stream position, then order in the stream.
    let mut arrivals: Vec<(u64, usize, u64)> = Vec::new();
    for (i, s) in c.streams.iter().enumerate() {
        let (count, first, rate) = s.arrivals;
        for k in 0..count {
            let at = first * 1_000_000 + SEC.checked_div(rate).map_or(0, |gap| k * gap);
            arrivals.push((at, i, k));
        }
    }
    arrivals.sort();
    let mut next_number = 0;
    let mut pending: Vec<Msg> = arrivals
        .iter()
        .map(|&(at, i, _)| {
            let s = &c.streams[i];
            let own = if c.kind == 0 {
                let n = next_number;
                next_number = (next_number + 1) % c.numbers;
                (1 + n as usize, 1)
            } else {
                (1 + s.carrier, s.segments)
            };
            Msg { stream: i, accepted: at, expiry: s.expiry_s * SEC, needs: vec![(0, 1), own] }
        })
        .collect();
    pending.reverse();
    let mut waiting: Vec<Msg> = Vec::new();
    let mut out = Vec::new();
    let mut t = 0;
    loop {
        while pending.last().is_some_and(|m| m.accepted <= t) {
            waiting.push(pending.pop().unwrap());
        }
        let mut held = BTreeSet::new();
        let mut i = 0;
        while i < waiting.len() {
            let m = &waiting[i];
            let mut blocked = false;
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
            let m = waiting.remove(i);
            if t - m.accepted > m.expiry {
                out.push((m.stream, m.accepted, Outcome::Expired, t));
            } else {
                for &(l, u) in &m.needs {
                    limits[l].take(t, u);
                }
                out.push((m.stream, m.accepted, Outcome::Delivered, t));
            }
        }
        if waiting.is_empty() && pending.is_empty() {
            break;
        }
        // Next instant: an arrival or a window boundary (every second).
        let boundary = (t / SEC + 1) * SEC;
        t = pending.last().map_or(boundary, |m| m.accepted.min(boundary));
        if waiting.is_empty() {
            t = pending.last().unwrap().accepted;
        }
    }
    out.sort_by_key(|x| (x.0, x.1, x.3));
    out
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
