//! Throughput, printed as messages per CPU-second.
//!
//! `cargo bench` runs:
//! * the engine on a 1,000,000-message US 10DLC day (four carriers, account
//!   limit, T-Mobile's daily cap, expiry, delays) and a 10,000,000-message
//!   M/D/1 queue (Poisson arrivals into one smooth limiter);
//! * how cost grows with lanes: a 200,000-message burst into 1, 100 and
//!   10,000 lanes, with a window and a smooth account limit;
//! * the whole of `a2psim run` (engine, statistics, charts, report) on the
//!   M/D/1 queue with the default carrier mix, beside a minimal binary-heap
//!   M/D/1 loop on the same queue as a yardstick;
//! * the whole run of 10,000 senders of 49 numbers with 10 messages each;
//! * the same replications on 1 and 2 threads.

use a2psim::engine;
use a2psim::load::{self, Loaded};
use a2psim::report;
use a2psim::run::simulate::simulate;
use a2psim::scenario::Scenario;
use a2psim::stats::Stats;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::path::Path;
use std::time::Instant;

const TEN_DLC: &str = r#"
start = "2026-03-10T00:00:00-07:00"
seed = 1
[account]
sms_mps = 200
[[brands]]
id = "acme"
vetting_score = 80
[[senders]]
id = "acme-10dlc"
type = "long_code"
brand = "acme"
numbers = 20
[[traffic]]
name = "mixed"
sender = "acme-10dlc"
message_expiry = "5m"
text = "Your code is 123456"
arrival = { process = "poisson", rate = "150/s", count = 1000000 }
[delays]
processing = { dist = "lognormal", median = "150ms", p99 = "2s" }
delivery = { dist = "lognormal", median = "3s", p99 = "30s" }
"#;

/// Poisson arrivals at `rate` into one smooth account limit of `mps`,
/// 10,000,000 messages, to `carriers` (all four by default).
fn md1(mps: u32, rate: &str, carriers: &str) -> String {
    format!(
        r#"
start = "2026-03-10T00:00:00-07:00"
seed = 1
[account]
sms_mps = {mps}
shape = "smooth"
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "t"
sender = "s"
{carriers}
arrival = {{ process = "poisson", rate = "{rate}", count = 10000000 }}
"#
    )
}

/// 200,000 messages spread over 100 s into `numbers` short-code numbers,
/// all to one carrier (one lane per number), account 1,000/s.
fn lanes(numbers: u32, shape: &str) -> String {
    format!(
        r#"
start = "2026-03-10T00:00:00-07:00"
seed = 1
[account]
sms_mps = 1000
shape = "{shape}"
[[senders]]
id = "sc"
type = "short_code"
numbers = {numbers}
[[traffic]]
name = "burst"
sender = "sc"
message_expiry = "3h"
carriers = {{ att = 1.0 }}
arrival = {{ process = "burst", count = 200000, at = "0s", spread = "100s" }}
"#
    )
}

fn loaded(text: &str) -> Loaded {
    load::parse(text, "bench.toml", "bench", Path::new(".")).expect("valid bench scenario")
}

fn scenario(text: &str) -> Scenario {
    loaded(text).scenario
}

/// The best timing of `f`, which returns how many messages it handled: at
/// least three runs, and short ones repeated for a second in all, so that
/// a run of a few milliseconds is not one noisy sample.
fn best_of(mut f: impl FnMut() -> u64) -> (u64, f64) {
    let (mut best, mut total, mut runs) = (f64::MAX, 0.0, 0);
    let mut messages = 0;
    while runs < 3 || (total < 1.0 && runs < 100) {
        let started = Instant::now();
        messages = f();
        let secs = started.elapsed().as_secs_f64();
        (best, total, runs) = (best.min(secs), total + secs, runs + 1);
    }
    (messages, best)
}

fn report(name: &str, (messages, secs): (u64, f64)) -> f64 {
    let rate = messages as f64 / secs;
    println!("{name:<46} {messages:>10} messages in {secs:>7.3} s: {rate:>12.0} messages per CPU-second");
    rate
}

/// One run of the engine and its statistics alone; messages accepted.
fn simulate_once(sc: &Scenario) -> u64 {
    let mut stats = Stats::for_scenario(sc);
    engine::run(sc, 0, &mut stats);
    stats.accepted()
}

/// The engine and its statistics alone.
fn engine_only(name: &str, text: &str) -> f64 {
    let sc = scenario(text);
    report(name, best_of(|| simulate_once(&sc)))
}

/// Several scenarios timed in turn, round after round, each figure the best
/// of its rounds: a ratio between them then compares runs made in the same
/// moments of a shared machine, not a quiet second with a busy one.
fn engine_race(runs: &[(String, String)]) -> Vec<f64> {
    let scenarios: Vec<Scenario> = runs.iter().map(|(_, text)| scenario(text)).collect();
    let mut best = vec![(0, f64::MAX); runs.len()];
    for _ in 0..15 {
        for (sc, b) in scenarios.iter().zip(&mut best) {
            let started = Instant::now();
            let messages = simulate_once(sc);
            *b = (messages, b.1.min(started.elapsed().as_secs_f64()));
        }
    }
    runs.iter().zip(best).map(|((name, _), b)| report(name, b)).collect()
}

/// `n` toll-free senders of 49 numbers, each with one stream of 10
/// messages at once: a platform's many small customers.
fn senders(n: u32) -> String {
    let mut text = String::from("start = \"2026-03-10T08:00:00-07:00\"\nseed = 1\n");
    for i in 0..n {
        text += &format!(
            "[[senders]]\nid = \"s{i}\"\ntype = \"toll_free\"\nnumbers = 49\n\
             [[traffic]]\nname = \"t{i}\"\nsender = \"s{i}\"\ntext = \"hi\"\n\
             arrival = {{ process = \"burst\", count = 10, at = \"0s\" }}\n"
        );
    }
    text
}

/// What `a2psim run` does: simulate, then write summary, time series, charts and report.
fn whole_run(name: &str, text: &str) -> f64 {
    let l = loaded(text);
    let out = tempfile::tempdir().expect("a temporary folder");
    report(
        name,
        best_of(|| {
            let r = simulate(&l.scenario);
            report::write_scenario(&out.path().join("bench"), "bench", &l, std::slice::from_ref(&r), None)
                .expect("reports are written");
            r.stats.accepted()
        }),
    )
}

/// A minimal M/D/1 event loop: Poisson arrivals at `lambda`, one server of
/// fixed service time `1 / mu`, events in a binary heap, FIFO queue, mean
/// wait accumulated. What an engine with no rules at all would cost.
fn bare_md1(lambda: f64, mu: f64, count: u64) -> u64 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let service = (1e9 / mu) as u64;
    // (time in ns, 0 = arrival, 1 = departure)
    let mut events = BinaryHeap::new();
    let mut queue: VecDeque<u64> = VecDeque::new();
    let mut busy = false;
    let (mut arrived, mut served, mut waited) = (0u64, 0u64, 0u64);
    let gap = |rng: &mut Xoshiro256PlusPlus| {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (-(1.0 - u).ln() / lambda * 1e9) as u64
    };
    let first = gap(&mut rng);
    events.push(Reverse((first, 0u8)));
    while let Some(Reverse((t, kind))) = events.pop() {
        if kind == 0 {
            arrived += 1;
            if arrived < count {
                let next = t + gap(&mut rng);
                events.push(Reverse((next, 0)));
            }
            queue.push_back(t);
        } else {
            busy = false;
            served += 1;
        }
        if !busy && let Some(at) = queue.pop_front() {
            waited += t - at;
            busy = true;
            events.push(Reverse((t + service, 1)));
        }
    }
    std::hint::black_box(waited);
    served
}

/// Replications spread over threads: the wall time on 2 threads against 1.
fn bench_replications() {
    let sc = scenario(
        &TEN_DLC.replace("count = 1000000", "count = 200000").replace("seed = 1", "seed = 1\nreplications = 8"),
    );
    let time = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        let started = Instant::now();
        pool.install(|| simulate(&sc));
        started.elapsed().as_secs_f64()
    };
    let (one, two) = (time(1), time(2));
    println!("8 replications of 200,000 messages: 1 thread {one:.3} s, 2 threads {two:.3} s: ratio {:.2}", two / one);
}

fn main() {
    // `cargo test --benches` runs benches in test mode with `--bench` absent: keep it quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("engine bench: run with `cargo bench` for figures");
        return;
    }
    // `cargo bench -- lanes` runs only the groups named so: engine, lanes, whole, senders, threads.
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    const GROUPS: [&str; 5] = ["engine", "lanes", "whole", "senders", "threads"];
    if let Some(o) = only.as_deref().filter(|o| !GROUPS.iter().any(|g| g.contains(o))) {
        println!("no bench group matches {o:?}: the groups are {}", GROUPS.join(", "));
        return;
    }
    let wanted = |group: &str| only.as_deref().is_none_or(|o| group.contains(o));
    // Timings of the whole run are wall time of one thread's work.
    rayon::ThreadPoolBuilder::new().num_threads(1).build_global().expect("one worker thread");
    if wanted("engine") {
        engine_only("US 10DLC, 4 carriers, cap, expiry, delays", TEN_DLC);
        engine_only("M/D/1, one smooth limiter", &md1(10, "8/s", "carriers = { att = 1.0 }"));
    }
    if wanted("lanes") {
        for shape in ["window", "smooth"] {
            let runs = [(1, "1 lane"), (100, "100 lanes"), (10_000, "10,000 lanes")]
                .map(|(n, name)| (format!("burst into {name}, {shape}"), lanes(n, shape)));
            let rates = engine_race(&runs);
            println!("  10,000 lanes against 1 lane ({shape}): {:.2} of the speed", rates[2] / rates[0]);
        }
    }
    if wanted("whole") {
        // The issue's M/D/1: λ 4/s into a smooth account of 5/s, default carrier mix.
        let full = whole_run("whole run, M/D/1 4/s into 5/s, 4 carriers", &md1(5, "4/s", ""));
        let bare = report("bare binary-heap M/D/1 loop, same queue", best_of(|| bare_md1(4.0, 5.0, 10_000_000)));
        println!("  whole run against the bare loop: {:.2} of its speed", full / bare);
    }
    if wanted("senders") {
        // Loading, simulating and reporting 10,000 streams; charts draw seven and fold the rest.
        whole_run("whole run, 10,000 senders x 49 numbers, 10 each", &senders(10_000));
    }
    if wanted("threads") {
        bench_replications();
    }
}
