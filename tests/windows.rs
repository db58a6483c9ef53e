//! Close-ups of short activity and `--window`: the stretch the time charts show.

use crate::helpers::*;
use std::path::Path;

/// A county alert: 3,200/min from 11:23 to 11:40 beside routine notices,
/// through an account of 30/s, over one day.
const SPIKE: &str = r#"name = "County alert spike"
start = "2026-03-10T00:00:00-07:00"
horizon = "1d"
[account]
sms_mps = 30
[[senders]]
id = "tf"
type = "toll_free"
numbers = 4
[[traffic]]
name = "routine"
sender = "tf"
arrival = { process = "poisson", rate = "5/min" }
[[traffic]]
name = "alert"
sender = "tf"
message_expiry = "30m"
arrival = { process = "constant", rate = "3200/min", from = "11h23m", until = "11h40m" }
"#;

/// Runs `SPIKE` with `args`: its report folder.
fn spike(args: &[&str]) -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::write(dir.path().join("county.toml"), SPIKE).unwrap();
    let o = a2psim(&[&["run", "county.toml", "--out", "out", "-q"], args].concat(), dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

/// Every text of an SVG chart, trimmed.
fn texts(svg: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(svg).unwrap_or_else(|e| panic!("{}: {e}", svg.display()));
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants().filter(|n| n.tag_name().name() == "text").filter_map(|n| Some(n.text()?.trim().into())).collect()
}

/// The time-axis labels (`HH:MM`) of an SVG chart.
fn clock_ticks(svg: &Path) -> Vec<String> {
    texts(svg).into_iter().filter(|t| t.len() == 5 && t.as_bytes()[2] == b':').collect()
}

/// The charts over time the spike draws (nothing fails: no failures chart).
const TIME_CHARTS: [&str; 3] = ["latency_over_time", "queue_depth", "throughput"];

#[test]
fn a_short_spike_gets_close_ups_of_its_time_charts() {
    let dir = spike(&[]);
    let out = dir.path().join("out/county");
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    for chart in TIME_CHARTS {
        assert!(out.join(format!("{chart}.svg")).is_file());
        assert!(out.join(format!("{chart}_closeup.png")).is_file(), "{chart}");
        assert!(page.contains(&format!("<figure id=\"{chart}_closeup\"")), "{chart}");
    }
    assert!(page.contains("<b>Throughput against the limits, close-up 11:21–11:53.</b>"));
    assert!(page.contains("Zero throughout the run, so not drawn: failures by reason."));
    assert!(!out.join("failures_closeup.svg").exists());
    // Whole day: ticks every 3 hours. Close-up: every 5 minutes over the spike.
    assert_eq!(clock_ticks(&out.join("queue_depth.svg"))[..3], ["00:00", "03:00", "06:00"]);
    let near = clock_ticks(&out.join("queue_depth_closeup.svg"));
    assert_eq!(near, ["11:25", "11:30", "11:35", "11:40", "11:45", "11:50"]);
    // The limit that held the spike back, named on both.
    let held = "limited by account SMS 1800/min, 11:23–11:53";
    assert!(texts(&out.join("throughput.svg")).iter().any(|t| t == held));
    assert!(texts(&out.join("throughput_closeup.svg")).iter().any(|t| t == held));
}

#[test]
fn messages_a_carrier_loses_all_day_do_not_spread_the_close_up() {
    // AT&T loses one message in ten, routine ones all day: the spike still gets its close-up.
    let dir = tempdir();
    std::fs::write(dir.path().join("county.toml"), format!("{SPIKE}[carriers.att]\nundelivered = 0.1\n")).unwrap();
    let o = a2psim(&["run", "county.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out/county");
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<b>Throughput against the limits, close-up 11:21–11:53.</b>"), "{page}");
    assert!(out.join("failures.svg").is_file(), "the losses are drawn over the day");
}

#[test]
fn a_window_past_the_end_of_a_run_is_drawn_as_asked() {
    // The outage scenario ends at 10:00: a window of 11:00 to 12:00 is empty, not moved.
    let dir = tempdir();
    let out = dir.path().display().to_string();
    let args = ["run", "scenarios/otp_platform_outage.toml", "--window", "2h..3h", "--out", &out, "-q"];
    let o = a2psim(&args, &repo());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(dir.path().join("otp_platform_outage/report.html")).unwrap();
    assert!(page.contains("<b>Throughput against the limits, 11:00–12:00.</b>"), "{page}");
    assert!(page.contains("Zero in the chosen window 11:00–12:00, so not drawn: queue wait over time"), "{page}");
}

#[test]
fn messages_that_waited_and_never_left_are_not_called_a_zero_wait() {
    // A platform outage for the whole half hour: every message is still queued at the end.
    let text = SPIKE.replace("horizon = \"1d\"", "horizon = \"30m\"")
        + "[[outages]]\nscope = \"platform\"\nstart = \"0s\"\nduration = \"30m\"\n";
    let dir = tempdir();
    std::fs::write(dir.path().join("county.toml"), text).unwrap();
    let o = a2psim(&["run", "county.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(dir.path().join("out/county/report.html")).unwrap();
    assert!(page.contains("queue wait over time (no message was dispatched)"), "{page}");
}

#[test]
fn activity_spread_over_the_run_gets_no_close_up() {
    let dir = tempdir();
    let o = a2psim(&["run", "scenarios/model_example.toml", "--out", &dir.path().display().to_string(), "-q"], &repo());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(dir.path().join("model_example"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "queue_depth.svg"));
    assert!(!names.iter().any(|n| n.contains("closeup")), "{names:?}");
}

#[test]
fn a_window_chooses_the_stretch_of_every_time_chart() {
    let dir = spike(&["--window", "11h..12h"]);
    let out = dir.path().join("out/county");
    for chart in TIME_CHARTS {
        assert_eq!(
            clock_ticks(&out.join(format!("{chart}.svg"))),
            ["11:00", "11:10", "11:20", "11:30", "11:40", "11:50"],
            "{chart}: no tick label cut off at the right edge"
        );
        assert!(!out.join(format!("{chart}_closeup.svg")).exists(), "a chosen window replaces close-ups");
    }
    // The page says the charts are of the window.
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<b>Queue depth, 11:00–12:00.</b>"), "{page}");
    assert!(page.contains("Zero in the chosen window 11:00–12:00, so not drawn: failures by reason."));
    // A window after the traffic: the charts say so, never "throughout the run".
    let late = spike(&["--window", "23h30m..1d"]);
    let page = std::fs::read_to_string(late.path().join("out/county/report.html")).unwrap();
    let zero =
        "Zero in the chosen window 23:30–00:00, so not drawn: queue wait over time, queue depth, failures by reason.";
    assert!(page.contains(zero), "{page}");
    // RFC 3339 ends name the same stretch.
    let same = spike(&["--window", "2026-03-10T14:00:00-04:00..2026-03-10T12:00:00-07:00"]);
    for chart in TIME_CHARTS {
        let svg = |d: &Path| std::fs::read(d.join(format!("out/county/{chart}.svg"))).unwrap();
        assert!(svg(dir.path()) == svg(same.path()), "{chart}");
    }
}

#[test]
fn the_time_axis_runs_to_the_horizon() {
    // Traffic for 10 minutes of a 2-hour horizon: the quiet rest is on the axis.
    let text = SPIKE.replace("horizon = \"1d\"", "horizon = \"2h\"").replace(
        "arrival = { process = \"constant\", rate = \"3200/min\", from = \"11h23m\", until = \"11h40m\" }",
        "arrival = { process = \"burst\", count = 100, at = \"0s\" }",
    );
    let text = text.replace(
        "arrival = { process = \"poisson\", rate = \"5/min\" }",
        "arrival = { process = \"poisson\", rate = \"5/min\", until = \"10m\" }",
    );
    let dir = tempdir();
    std::fs::write(dir.path().join("county.toml"), text).unwrap();
    let o = a2psim(&["run", "county.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ticks = clock_ticks(&dir.path().join("out/county/throughput.svg"));
    assert_eq!(ticks.last().map(String::as_str), Some("01:45"), "{ticks:?}");
}

#[test]
fn a_bad_window_is_refused_with_what_was_expected() {
    let dir = tempdir();
    std::fs::write(dir.path().join("county.toml"), SPIKE).unwrap();
    for (arg, why) in [
        ("2h..1h", "the end (1h) must come after the start (2h)"),
        ("11h", "expected START..END, each an offset from the start ("),
        ("1h..2026-03-10T09:00:00Z", "give both ends as offsets or both as RFC 3339 times"),
        ("1h..soon", "expected an offset from the start (a duration such as \"250ms\""),
        ("2026-02-30T09:00:00Z..2026-03-10T09:00:00Z", "2026-02-30 is not a day of the calendar"),
    ] {
        let o = a2psim(&["run", "county.toml", "--out", "out", "--window", arg], dir.path());
        assert_eq!(o.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with(&format!("error: invalid value '{arg}' for '--window <START..END>': {why}")), "{err}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}
