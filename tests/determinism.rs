//! Same scenario and seed: byte-identical files, whatever the thread count.

use crate::helpers::*;
use std::process::Command;

fn run_with_threads(threads: usize, out: &std::path::Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_a2psim"))
        .arg("run")
        .arg(repo().join("scenarios"))
        .args(["--threads", &threads.to_string(), "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn one_and_two_threads_write_identical_reports_for_every_shipped_scenario() {
    let (one, two) = (tempdir(), tempdir());
    run_with_threads(1, one.path());
    run_with_threads(2, two.path());
    let scenarios = shipped_scenarios();
    assert!(scenarios.len() >= 11, "expected the shipped scenarios, found {}", scenarios.len());
    for s in scenarios {
        let stem = s.file_stem().unwrap();
        let (a, b) = (files(&one.path().join(stem)), files(&two.path().join(stem)));
        assert!(a.len() >= 2, "{} wrote {} files", s.display(), a.len());
        assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{}: {name} differs between 1 and 2 threads", s.display());
        }
    }
}

#[test]
fn replications_are_kept_for_their_figures_without_their_time_series() {
    let sc = scenario(
        r#"start = "2026-03-10T09:00:00-07:00"
replications = 3
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "t"
sender = "sc"
arrival = { process = "poisson", rate = "5/s", count = 3000 }
"#,
    );
    let r = a2psim::run::simulate::simulate(&sc);
    assert!(r.stats.series.rows().count() > 0, "the pool keeps the series the charts draw");
    assert_eq!(r.each().len(), 3);
    assert!(r.each().iter().all(|s| s.series.rows().count() == 0), "a replication's series is pooled, not kept");
    assert!(r.each().iter().all(|s| s.accepted() == 3000));
    let waits: u64 = r.each().iter().map(|s| s.total().queue_wait.count()).sum();
    assert_eq!(waits, r.stats.total().queue_wait.count());
}
