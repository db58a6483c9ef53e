//! The display time zone: `timezone`, RFC 9557 starts, axes across DST.

use crate::helpers::*;
use std::path::Path;

/// A short-code stream of two days from `start`, optionally with `timezone`.
fn two_days(start: &str, timezone: Option<&str>) -> String {
    let zone = timezone.map_or(String::new(), |z| format!("timezone = \"{z}\"\n"));
    format!(
        r#"name = "tz"
start = "{start}"
{zone}horizon = "2d"
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "t"
sender = "sc"
arrival = {{ process = "poisson", rate = "2/min" }}
[[traffic]]
name = "burst"
sender = "sc"
arrival = {{ process = "burst", count = 300 }}
"#
    )
}

/// Runs `text` as `tz.toml` in a fresh folder: (folder, standard output).
fn run(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempdir();
    std::fs::write(dir.path().join("tz.toml"), text).unwrap();
    let o = a2psim(&["run", "tz.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (dir, String::from_utf8(o.stdout).unwrap())
}

/// The x position of each time-axis tick label of an SVG chart.
fn ticks(svg: &Path) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| {
            let label = n.text()?.trim().to_string();
            let looks_like_tick = label.len() == 11 && label.as_bytes()[2] == b'-' && label.as_bytes()[8] == b':';
            looks_like_tick.then(|| (label, n.attribute("x").unwrap().parse().unwrap()))
        })
        .collect()
}

/// Pixels between two tick labels of `ticks`.
fn gap(ticks: &[(String, f64)], from: &str, to: &str) -> f64 {
    let at = |l: &str| ticks.iter().find(|(t, _)| t == l).unwrap_or_else(|| panic!("no tick {l} in {ticks:?}")).1;
    at(to) - at(from)
}

#[test]
fn axes_follow_daylight_saving_in_a_named_zone() {
    // 2026-03-08 02:00 in New York is 03:00: that day has 23 hours.
    let (dir, _) = run(&two_days("2026-03-07T23:00:00-05:00", Some("America/New_York")));
    let chart = dir.path().join("out/tz/throughput.svg");
    let t = ticks(&chart);
    let labels: Vec<&str> = t.iter().map(|(l, _)| l.as_str()).take(5).collect();
    assert_eq!(labels, ["03-08 00:00", "03-08 06:00", "03-08 12:00", "03-08 18:00", "03-09 00:00"]);
    let day_in_quarters = gap(&t, "03-08 00:00", "03-09 00:00") / gap(&t, "03-08 06:00", "03-08 12:00");
    assert!((day_in_quarters - 23.0 / 6.0).abs() < 0.02, "{day_in_quarters}");
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("local time (America/New_York)"));

    // The offset alone has no daylight saving: a day is 24 hours on the axis.
    let (dir, _) = run(&two_days("2026-03-07T23:00:00-05:00", None));
    let chart = dir.path().join("out/tz/throughput.svg");
    let t = ticks(&chart);
    let day_in_quarters = gap(&t, "03-08 00:00", "03-09 00:00") / gap(&t, "03-08 06:00", "03-08 12:00");
    assert!((day_in_quarters - 4.0).abs() < 0.02, "{day_in_quarters}");
    assert!(std::fs::read_to_string(&chart).unwrap().contains("local time (UTC-05:00)"));
}

#[test]
fn the_terminal_and_the_page_show_the_display_zone() {
    // Written in Pacific time, read in Eastern: the burst waits at 09:00 Eastern.
    let (dir, out) = run(&two_days("2026-03-10T06:00:00-07:00", Some("America/New_York")));
    assert!(out.contains("  backlog: peak 295 waiting at 09:00:00, cleared at 09:00:59\n"), "{out}");
    let page = std::fs::read_to_string(dir.path().join("out/tz/report.html")).unwrap();
    assert!(page.contains("starts 2026-03-10 09:00:00 (America/New_York)"));

    // An RFC 9557 start names its zone: no `timezone` needed.
    let (dir, _) = run(&two_days("2026-03-10T09:00:00-04:00[America/New_York]", None));
    let page = std::fs::read_to_string(dir.path().join("out/tz/report.html")).unwrap();
    assert!(page.contains("starts 2026-03-10 09:00:00 (America/New_York)"));
}

#[test]
fn daily_cap_instants_are_shown_to_the_second_in_the_display_zone() {
    let dir = tempdir();
    let o = a2psim(&["run", "scenarios/daily_cap_dst.toml", "--out", &dir.path().display().to_string()], &repo());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(dir.path().join("daily_cap_dst/report.html")).unwrap();
    // summary.json has 2026-03-08T09:07:15.49…-07:00: after the change, in daylight time.
    assert!(page.contains("<td class=\"l\">2026-03-08 09:07:15 (America/Los_Angeles)</td>"), "{page}");
    assert!(page.contains("<td class=\"l\">2026-03-07 20:11:22 (America/Los_Angeles)</td>"));
}

#[test]
fn a_backlog_on_another_day_than_the_start_names_the_date() {
    let text = two_days("2026-03-10T23:59:00-07:00", None).replace("count = 300", "count = 300, at = \"2m\"");
    let (_, out) = run(&text);
    assert!(
        out.contains("  backlog: peak 296 waiting at 2026-03-11 00:01:00, cleared at 2026-03-11 00:02:00\n"),
        "{out}"
    );
}

#[test]
fn an_unknown_zone_in_start_is_an_error_with_a_suggestion() {
    let dir = tempdir();
    std::fs::write(dir.path().join("tz.toml"), two_days("2026-03-10T09:00:00-05:00[America/Chicgo]", None)).unwrap();
    let o = a2psim(&["validate", "tz.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).lines().next().unwrap(),
        "tz.toml:2:9: `start`: no time zone \"America/Chicgo\" in the time-zone database; did you mean \"America/Chicago\"?"
    );
}

#[test]
fn an_unknown_zone_is_an_error_with_a_suggestion() {
    let dir = tempdir();
    let text = two_days("2026-03-10T06:00:00-07:00", Some("america/new_yrok"));
    std::fs::write(dir.path().join("tz.toml"), text).unwrap();
    let o = a2psim(&["validate", "tz.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).lines().next().unwrap(),
        "tz.toml:3:12: `timezone`: expected a time-zone name such as \"America/New_York\" or \"UTC\", found \"america/new_yrok\"; did you mean \"America/New_York\"?"
    );
}
