//! Queueing theory as a check on the engine: Poisson arrivals into one smooth
//! limiter form an M/D/1 queue, whose mean wait Pollaczek–Khinchine gives.

use crate::helpers::*;
use a2psim::run::simulate::simulate;

#[test]
fn md1_mean_wait_matches_pollaczek_khinchine() {
    // Service 10/s (deterministic 0.1 s), arrivals 8/s: utilisation 0.8.
    let (mu, lambda) = (10.0_f64, 8.0_f64);
    let rho = lambda / mu;
    let expected = rho / (2.0 * mu * (1.0 - rho));
    let mut waits = Vec::new();
    for seed in 1..=4 {
        let text = format!(
            r#"start = "2026-03-10T00:00:00-07:00"
seed = {seed}
[account]
sms_mps = 10
shape = "smooth"
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "t"
sender = "s"
carriers = {{ att = 1.0 }}
arrival = {{ process = "poisson", rate = "8/s", count = 250000 }}
"#
        );
        let r = simulate(&scenario(&text));
        waits.push(r.stats.total().queue_wait.summary().mean);
    }
    let mean = waits.iter().sum::<f64>() / waits.len() as f64;
    let error = (mean - expected).abs() / expected;
    assert!(error < 0.02, "mean wait {mean} s against M/D/1 {expected} s ({:.2} %)", error * 100.0);
}
