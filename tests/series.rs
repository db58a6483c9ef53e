//! The time series stays bounded: long runs and tiny steps coarsen it
//! instead of growing it, and it still adds up.

use crate::helpers::*;

type Rows = Vec<std::collections::BTreeMap<String, f64>>;

/// Runs `text` as `s.toml` through the command line: (the folder, summary.json,
/// timeseries.csv rows as numbers by column name).
fn run(text: &str) -> (tempfile::TempDir, serde_json::Value, Rows) {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = serde_json::from_slice(&std::fs::read(dir.path().join("out/s/summary.json")).unwrap()).unwrap();
    let csv = std::fs::read_to_string(dir.path().join("out/s/timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows = lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .filter(|(name, _)| **name != "time")
                .map(|(name, v)| (name.to_string(), v.parse().unwrap()))
                .collect()
        })
        .collect();
    (dir, summary, rows)
}

fn column(rows: &Rows, name: &str) -> f64 {
    rows.iter().map(|r| r[name]).sum()
}

/// One short code sending `arrival`, with the given `timeseries_step`.
fn scenario_text(step: &str, arrival: &str) -> String {
    format!(
        r#"{HEAD}
timeseries_step = "{step}"
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "t"
sender = "sc"
arrival = {arrival}
"#
    )
}

#[test]
fn a_run_longer_than_ten_thousand_steps_doubles_the_step_and_keeps_every_count() {
    // One message a second for 25,000 s at a 1 s step: bucket 24,999 needs
    // the step doubled twice, to 4 s, giving 6,250 rows of 4 arrivals.
    let (_dir, summary, rows) = run(&scenario_text("1s", r#"{ process = "constant", rate = "1/s", count = 25000 }"#));
    assert_eq!(summary["timeseries_step_s"], 4.0);
    assert_eq!(rows.len(), 6_250);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!((r["t_s"], r["step_s"], r["arrivals"]), (4.0 * i as f64, 4.0, 4.0), "row {i}");
    }
    let accepted = summary["messages"]["accepted"].as_f64().unwrap();
    assert_eq!(accepted, 25_000.0);
    assert_eq!(column(&rows, "arrivals"), accepted);
    assert_eq!(column(&rows, "dispatched"), accepted);
    assert_eq!(column(&rows, "delivered"), summary["messages"]["delivered"].as_f64().unwrap());
    let carriers: f64 =
        ["att", "tmobile", "verizon", "other"].iter().map(|c| column(&rows, &format!("{c}_arrivals"))).sum();
    assert_eq!(carriers, accepted);
    assert_eq!(rows.last().unwrap()["queue_depth"], 0.0, "depths are levels, summed across merged rows");
}

#[test]
fn ten_years_out_at_a_nanosecond_step_runs_in_bounded_rows() {
    let (dir, summary, rows) = run(&scenario_text("1ns", r#"{ process = "burst", count = 5, at = "3650d" }"#));
    assert_eq!(summary["messages"]["delivered"], 5);
    let step = summary["timeseries_step_s"].as_f64().unwrap();
    // The smallest power-of-two multiple of 1 ns that fits 3,650 days in 10,000 rows.
    assert_eq!(step, 2f64.powi(45) / 1e9);
    assert!(rows.len() <= 10_000, "{} rows", rows.len());
    assert_eq!(column(&rows, "arrivals"), 5.0);
    // Ten years of charts: yearly ticks, no 3,650 dotted midnights.
    let svg = std::fs::read_to_string(dir.path().join("out/s/throughput.svg")).unwrap();
    assert!(svg.len() < 200_000, "throughput.svg is {} bytes", svg.len());
    assert!(svg.contains("2035-"), "ticks name the year");
}
