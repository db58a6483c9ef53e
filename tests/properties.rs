//! Invariants on generated scenarios: nothing is lost, outcomes are coherent.

use crate::helpers::*;
use a2psim::scenario::model::Outcome;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Gen {
    sender_type: usize,
    country: usize,
    numbers: u32,
    shape: usize,
    streams: Vec<(usize, u32, u32, u64, u32)>,
    outage: Option<(usize, u32, u32, u8)>,
    horizon: Option<u32>,
    delays: bool,
    vetting: u8,
    /// MODEL §9: which retries (if any), a provider queue limit, client pacing.
    provider: (Option<u8>, Option<u32>, bool),
}

fn scenarios() -> impl Strategy<Value = Gen> {
    (
        0..3usize,
        0..2usize,
        1..4u32,
        0..2usize,
        prop::collection::vec((0..3usize, 1..200u32, 0..60u32, 5..400u64, 1..4u32), 1..4),
        prop::option::of((0..4usize, 0..60u32, 1..120u32, 0..4u8)),
        prop::option::of(1..300u32),
        any::<bool>(),
        0..101u8,
        (prop::option::of(0..4u8), prop::option::of(1..60u32), any::<bool>()),
    )
        .prop_map(|(sender_type, country, numbers, shape, streams, outage, horizon, delays, vetting, provider)| {
            Gen { sender_type, country, numbers, shape, streams, outage, horizon, delays, vetting, provider }
        })
}

fn render(g: &Gen) -> String {
    let types = ["long_code", "toll_free", "short_code"];
    let countries = ["US", "CA"];
    let shapes = ["window", "smooth"];
    let mut t = format!(
        "start = \"2026-03-08T00:00:00-08:00\"\nseed = 3\n{}\n[account]\nshape = \"{}\"\nsms_mps = 50\nmms_mps = 2\n[[brands]]\nid = \"b\"\nvetting_score = {}\ntpd = 150\n[[senders]]\nid = \"s\"\ntype = \"{}\"\ncountry = \"{}\"\nbrand = \"b\"\nnumbers = {}\nverified = false\n",
        g.horizon.map_or(String::new(), |h| format!("horizon = \"{h}s\"")),
        shapes[g.shape],
        g.vetting,
        types[g.sender_type],
        countries[g.country],
        g.numbers,
    );
    for (i, (process, count, at, expiry, segments)) in g.streams.iter().enumerate() {
        let class = if i % 2 == 1 { "mms" } else { "sms" };
        let arrival = match process {
            0 => format!("{{ process = \"burst\", count = {count}, at = \"{at}s\" }}"),
            1 => format!("{{ process = \"poisson\", rate = \"5/s\", count = {count}, from = \"{at}s\" }}"),
            _ => format!("{{ process = \"constant\", rate = \"3/s\", count = {count}, from = \"{at}s\" }}"),
        };
        t.push_str(&format!(
            "[[traffic]]\nname = \"t{i}\"\nsender = \"s\"\nclass = \"{class}\"\nmessage_expiry = {expiry}\nsegments = {segments}\nuseful_life = \"30s\"\narrival = {arrival}\n"
        ));
        let (retry, _, pace) = g.provider;
        if let Some(r) = retry {
            let retries = [
                "{ on = [\"expired\"], after = [\"10s\"] }",
                "{ on = [\"expired\", \"rejected\", \"undelivered\"], after = [\"1s\", \"1m\", \"5s\"] }",
                "{ on = [\"failed_daily_cap\", \"rejected\"], after = [\"pacific_midnight\", \"30s\"] }",
                "{ on = [\"expired\", \"failed_daily_cap\", \"undelivered\", \"rejected\"], after = [\"2s\"] }",
            ];
            t.push_str(&format!("retry = {}\n", retries[r as usize]));
        }
        if pace && i == 0 {
            t.push_str("pace = \"4/s\"\n");
        }
    }
    if let (_, Some(max), _) = g.provider {
        t.push_str(&format!("[provider]\nqueue_max = {max}\n"));
    }
    if let Some((scope, start, duration, cap)) = g.outage {
        let scopes = ["platform", "carrier:tmobile", "sender:s", "carrier:att"];
        let caps = ["0", "0.3", "0.5", "0.05"];
        t.push_str(&format!(
            "[[outages]]\nscope = \"{}\"\nstart = \"{start}s\"\nduration = \"{duration}s\"\ncapacity = {}\n",
            scopes[scope], caps[cap as usize]
        ));
    }
    if g.delays {
        t.push_str("[delays]\nprocessing = { dist = \"exponential\", mean = \"200ms\" }\ndelivery = { dist = \"lognormal\", median = \"2s\", p99 = \"20s\" }\n[carriers.att]\nundelivered = 0.1\n");
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_accepted_message_has_exactly_one_coherent_outcome(g in scenarios()) {
        let sc = scenario(&render(&g));
        let (log, end) = run_log(&sc);
        // An outcome for every attempt, first or retry...
        prop_assert_eq!(log.fates.len() as u64, log.accepted);
        // ...and for every message exactly one final one, after attempts 0, 1, 2, ... in turn.
        let mut attempts: std::collections::BTreeMap<(usize, u64), Vec<(u32, bool)>> = Default::default();
        for f in &log.fates {
            attempts.entry((f.stream, f.attempt.index)).or_default().push((f.attempt.number, f.retry_at.is_none()));
        }
        prop_assert_eq!(attempts.len() as u64, log.accepted - log.retries);
        for tries in attempts.values() {
            let numbers: Vec<u32> = tries.iter().map(|t| t.0).collect();
            prop_assert_eq!(numbers, (0..tries.len() as u32).collect::<Vec<_>>());
            let finals: Vec<bool> = tries.iter().map(|t| t.1).collect();
            prop_assert!(finals.last() == Some(&true) && finals.iter().filter(|&&f| f).count() == 1);
        }
        let expected: u64 = g.streams.iter().map(|s| s.1 as u64).sum();
        if g.horizon.is_none() {
            prop_assert_eq!(log.accepted - log.retries, expected);
        }
        for f in &log.fates {
            let expiry = sc.traffic()[f.stream].message_expiry;
            prop_assert!(f.done >= f.accepted);
            match f.outcome {
                Outcome::Expired => prop_assert!(f.done - f.accepted > expiry && f.cost.0 == 0),
                Outcome::Delivered | Outcome::Undelivered | Outcome::FailedDailyCap | Outcome::InFlightAtEnd => {
                    let d = f.dispatched.expect("dispatched");
                    prop_assert!(d >= f.accepted && d - f.accepted <= expiry);
                }
                Outcome::QueuedAtEnd => prop_assert!(g.horizon.is_some() || f.dispatched.is_none()),
                Outcome::Blocked | Outcome::Rejected => prop_assert!(f.dispatched.is_none() && f.done == f.accepted),
            }
        }
        if g.horizon.is_none() {
            prop_assert!(log.fates.iter().all(|f| !matches!(f.outcome, Outcome::QueuedAtEnd | Outcome::InFlightAtEnd)));
        }
        // What still waits at the end, in lanes or in processing, is reported in acceptance order.
        let left: Vec<u64> = log.fates.iter().filter(|f| f.outcome == Outcome::QueuedAtEnd).map(|f| f.seq).collect();
        prop_assert!(left.windows(2).all(|w| w[0] < w[1]), "{:?}", left);
        for day in &end.daily_caps {
            prop_assert!(day.used <= day.cap);
            prop_assert_eq!(day.exhausted_at.is_some(), day.used == day.cap);
        }
    }
}

/// Feeds the engine's calls to detail records as well as to a log.
struct Both<'a> {
    log: Log,
    records: a2psim::mdr::Records<'a>,
}

impl a2psim::engine::Recorder for Both<'_> {
    fn accepted(
        &mut self,
        s: usize,
        c: a2psim::scenario::model::Carrier,
        t: a2psim::scenario::time::SimTime,
        q: bool,
        r: bool,
    ) {
        self.log.accepted(s, c, t, q, r);
        self.records.accepted();
    }
    fn resolved(&mut self, fate: &a2psim::engine::Fate) {
        self.log.resolved(fate);
        self.records.resolved(fate);
    }
    fn finished(&mut self) {}
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The detail records hold every attempt once, in acceptance order.
    #[test]
    fn records_hold_every_attempt_once_in_acceptance_order(g in scenarios()) {
        let sc = scenario(&render(&g));
        let mut out = Vec::new();
        let view = a2psim::mdr::View { as_of: None, header: true };
        let mut both = Both { log: Log::default(), records: a2psim::mdr::Records::new(&sc, 0, view, &mut out) };
        a2psim::engine::run(&sc, 0, &mut both);
        let accepted = both.log.accepted;
        both.records.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<Vec<&str>> = text.lines().skip(1).map(|l| l.split(',').collect()).collect();
        prop_assert_eq!(rows.len() as u64, accepted);
        let mut keys: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[21])).collect();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len() as u64, accepted, "a UUID per attempt");
        let times: Vec<jiff::Timestamp> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }
}

/// Edits a shipped scenario at random places: deletes, duplicates or
/// replaces short runs of characters.
fn mutated() -> impl Strategy<Value = String> {
    let base = std::fs::read_to_string(repo().join("scenarios/model_example.toml")).unwrap();
    let len = base.len();
    let edit = (
        0..len,
        0..8usize,
        0..3u8,
        prop::sample::select(vec!["", "0", "-1", "\"", "=", "[", "]", "{", "x", "1e99", "\n", "é"]),
    );
    prop::collection::vec(edit, 1..6).prop_map(move |edits| {
        let mut s = base.clone();
        for (at, n, kind, with) in edits {
            let mut at = at.min(s.len());
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + n).min(s.len());
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            match kind {
                0 => s.replace_range(at..end, ""),
                1 => s.insert_str(at, with),
                _ => s.replace_range(at..end, with),
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Bad input gets diagnostics with a position inside the file, never a panic.
    #[test]
    fn the_loader_never_panics_on_damaged_files(text in mutated()) {
        match a2psim::load::parse(&text, "m.toml", "m", std::path::Path::new(".")) {
            Ok(_) => {}
            Err(diags) => {
                prop_assert!(!diags.is_empty());
                let lines = text.lines().count().max(1);
                for d in diags {
                    prop_assert!(d.line >= 1 && d.line <= lines + 1 && d.column >= 1, "{d}");
                }
            }
        }
    }
}
