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
