//! Engine throughput, printed as messages per second.
//!
//! `cargo bench` runs two scenarios: a 1,000,000-message US 10DLC day (four
//! carriers, account limit, T-Mobile's daily cap, expiry, delays) and a
//! 10,000,000-message M/D/1 queue (Poisson arrivals into one smooth limiter),
//! then the same replications on 1 and 2 threads.

use a2psim::engine;
use a2psim::load;
use a2psim::scenario::Scenario;
use a2psim::simulate::simulate;
use a2psim::stats::Stats;
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

const MD1: &str = r#"
start = "2026-03-10T00:00:00-07:00"
seed = 1
[account]
sms_mps = 10
shape = "smooth"
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "t"
sender = "s"
carriers = { att = 1.0 }
arrival = { process = "poisson", rate = "8/s", count = 10000000 }
"#;

fn scenario(text: &str) -> Scenario {
    load::parse(text, "bench.toml", "bench", Path::new(".")).expect("valid bench scenario").scenario
}

fn bench(name: &str, text: &str) {
    let sc = scenario(text);
    let mut best = f64::MAX;
    let mut messages = 0;
    for _ in 0..3 {
        let mut stats = Stats::for_scenario(&sc);
        let started = Instant::now();
        engine::run(&sc, 0, &mut stats);
        best = best.min(started.elapsed().as_secs_f64());
        messages = stats.accepted();
    }
    println!(
        "{name:<40} {messages:>10} messages in {best:>7.3} s: {:>12.0} messages per CPU-second",
        messages as f64 / best
    );
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
    bench("US 10DLC, 4 carriers, cap, expiry, delays", TEN_DLC);
    bench("M/D/1, one smooth limiter", MD1);
    bench_replications();
}
