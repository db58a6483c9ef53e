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
    assert!(scenarios.len() >= 9, "expected the shipped scenarios, found {}", scenarios.len());
    for s in scenarios {
        let stem = s.file_stem().unwrap();
        for file in ["summary.json", "timeseries.csv"] {
            let a = std::fs::read(one.path().join(stem).join(file)).unwrap();
            let b = std::fs::read(two.path().join(stem).join(file)).unwrap();
            assert!(a == b, "{} differs between 1 and 2 threads", s.display());
        }
    }
}
