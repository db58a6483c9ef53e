//! Charts and the HTML report: files, SVG content, structure, a real browser.

use crate::helpers::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Every text of an SVG file, after checking it parses and draws something.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{} is not SVG: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let drawn = doc
        .descendants()
        .filter(|n| ["polyline", "path", "rect", "polygon", "line"].contains(&n.tag_name().name()))
        .count();
    assert!(drawn > 10, "{} draws only {drawn} shapes", path.display());
    doc.descendants().filter(|n| n.tag_name().name() == "text").filter_map(|n| n.text().map(str::to_string)).collect()
}

fn assert_labels(path: &Path, wanted: &[&str]) {
    let texts = svg_texts(path);
    for w in wanted {
        assert!(texts.iter().any(|t| t.contains(w)), "{} lacks the label {w:?}; it has {texts:?}", path.display());
    }
}

/// A run's charts, by file stem and the title the report names it by
/// (`attempts` only with retries or a provider queue limit).
const RUN_CHARTS: [(&str, &str); 6] = [
    ("latency", "latency: share of messages slower than x"),
    ("latency_over_time", "queue wait over time"),
    ("queue_depth", "queue depth"),
    ("failures", "failures by reason"),
    ("throughput", "throughput against the limits"),
    ("attempts", "attempts over time"),
];

/// The run charts drawn in `dir`; each one not drawn must be named in the
/// report as zero throughout (and latency and throughput always are drawn).
fn drawn_charts(dir: &Path) -> Vec<&'static str> {
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let zero =
        html.split("Zero throughout the run, so not drawn: ").nth(1).map_or("", |s| s.split('.').next().unwrap());
    let zero: Vec<&str> = if zero.is_empty() { vec![] } else { zero.split(", ").collect() };
    let mut drawn = Vec::new();
    // Does the scenario retry (as written on the page) or cap the provider's queue?
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let provider = html.contains("retry = ") || !summary["provider_queue"].is_null();
    for (chart, title) in RUN_CHARTS {
        let file = dir.join(format!("{chart}.svg"));
        if chart == "attempts" && !provider {
            assert!(!file.is_file() && !zero.contains(&title), "{}: no attempts chart without retries", dir.display());
            continue;
        }
        assert_eq!(file.is_file(), !zero.contains(&title), "{}: {chart} drawn or named as zero", dir.display());
        if file.is_file() {
            drawn.push(chart);
        }
    }
    assert!(drawn.contains(&"latency") && drawn.contains(&"throughput"), "{}", dir.display());
    drawn
}

#[test]
fn every_run_chart_is_drawn_for_every_shipped_scenario() {
    let out = rendered();
    for path in shipped_scenarios() {
        let loaded = a2psim::load::load_file(&path, &[]).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dirs: Vec<PathBuf> = match &loaded.sweep {
            None => vec![out.join(&stem)],
            Some(s) => (0..s.points.len()).map(|i| out.join(&stem).join(a2psim::report::point_dir(i))).collect(),
        };
        let sc = &loaded.scenario;
        for dir in dirs {
            let drawn = drawn_charts(&dir);
            for chart in &drawn {
                assert!(
                    dir.join(format!("{chart}.png")).metadata().unwrap().len() > 5_000,
                    "{}/{chart}.png",
                    dir.display()
                );
            }
            let labels = |chart: &str, wanted: &[&str]| {
                if drawn.contains(&chart) {
                    assert_labels(&dir.join(format!("{chart}.svg")), wanted);
                }
            };
            let streams: Vec<String> = sc.traffic().iter().map(|t| format!("{} end to end", t.name)).collect();
            let refs: Vec<&str> = streams.iter().map(String::as_str).collect();
            assert_labels(
                &dir.join("latency.svg"),
                &[&refs[..], &["queue wait", "expiry", "latency (log scale)"]].concat(),
            );
            labels("latency_over_time", &["p50", "p90", "p99", "queue wait", "local time"]);
            let senders: Vec<String> = sc.senders().iter().map(|s| format!("from {}", s.id)).collect();
            let refs: Vec<&str> = senders.iter().map(String::as_str).collect();
            // The carriers messages went to draw lines; where one took them all, the total is named for it.
            let summary: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
            let used: Vec<String> = ["att", "tmobile", "verizon", "other"]
                .into_iter()
                .filter(|c| {
                    // With retries, a carrier's messages sit beside its attempts.
                    let g = &summary["carriers"][c];
                    g["accepted"].as_u64().or(g["messages"]["accepted"].as_u64()).unwrap() > 0
                })
                .map(|c| format!("to {c}"))
                .collect();
            let to: Vec<&str> = used.iter().map(String::as_str).collect();
            labels("queue_depth", &[&refs[..], &to[..], &["messages queued"]].concat());
            labels("failures", &["per"]);
            labels("attempts", &["first attempts", "retries", "rejected_queue_full"]);
            let only =
                used.iter()
                    .map(|c| {
                        if c == "to other" {
                            "total (all to other carriers)".into()
                        } else {
                            format!("total (all {c})")
                        }
                    })
                    .next()
                    .filter(|_| used.len() == 1);
            let mut throughput = match &only {
                Some(total) => vec![total.as_str()],
                None => [&["total"], &to[..]].concat(),
            };
            if has_daily_caps(&dir) {
                throughput.push("T-Mobile use per Pacific day");
            }
            assert_labels(&dir.join("throughput.svg"), &throughput);
            // The account's limit is drawn, or named in the caption when far above the traffic.
            let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
            let svg = std::fs::read_to_string(dir.join("throughput.svg")).unwrap();
            let named = html.contains("Not drawn, over four times the traffic and the lowest limit: account");
            assert!(
                svg.contains("account SMS") || svg.contains("account MMS") || named,
                "{}: no account limit",
                dir.display()
            );
            // Five charts, and a close-up of each of the four over time when one is drawn.
            let close_ups = drawn.iter().filter(|c| dir.join(format!("{c}_closeup.svg")).is_file()).count();
            assert_eq!(html.matches("<figure").count(), drawn.len() + close_ups, "{}", dir.display());
        }
    }
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for path in shipped_scenarios() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(index.contains(&format!("href=\"{stem}/report.html\"")), "index lacks {stem}");
    }
}

/// Whether the run in `dir` used a T-Mobile daily cap (then its throughput
/// chart has a daily-cap panel; otherwise none).
fn has_daily_caps(dir: &Path) -> bool {
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    summary["daily_caps"].as_array().is_some_and(|d| !d.is_empty())
}

/// The box (x0, y0, x1, y1) of each text of an SVG chart as plotters lays
/// it out (its own font metrics, its anchors), with the text; rotated axis
/// descriptions left out.
fn text_boxes(path: &Path) -> Vec<((f64, f64, f64, f64), String)> {
    static FONT: std::sync::Once = std::sync::Once::new();
    FONT.call_once(|| {
        let bytes = std::fs::read(repo().join("assets/fonts/DejaVuSans.ttf")).unwrap();
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        assert!(plotters::style::register_font("sans-serif", plotters::style::FontStyle::Normal, bytes).is_ok());
    });
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let num = |n: &roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok()).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text" && n.attribute("transform").is_none())
        .map(|n| {
            let label = n.text().unwrap_or("").trim().to_string();
            let size = num(&n, "font-size");
            let font = plotters::style::FontDesc::new(
                plotters::style::FontFamily::Name("sans-serif"),
                size * 1.24,
                plotters::style::FontStyle::Normal,
            );
            let w = font.box_size(&label).unwrap().0 as f64;
            let (x, y) = (num(&n, "x"), num(&n, "y"));
            let x0 = match n.attribute("text-anchor") {
                Some("middle") => x - w / 2.0,
                Some("end") => x - w,
                _ => x,
            };
            let y0 = match n.attribute("dy") {
                Some("0.76em") => y,
                Some("0.5ex") => y - size / 2.0,
                _ => y - size,
            };
            ((x0, y0, x0 + w, y0 + size), label)
        })
        .collect()
}

#[test]
fn no_text_of_a_run_chart_overlaps_another() {
    let out = rendered();
    let mut checked = 0;
    for path in shipped_scenarios() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = out.join(&stem);
        let dirs: Vec<PathBuf> = if dir.join("points").is_dir() {
            let mut d: Vec<PathBuf> =
                std::fs::read_dir(dir.join("points")).unwrap().map(|e| e.unwrap().path()).collect();
            d.sort();
            d
        } else {
            vec![dir]
        };
        for dir in dirs {
            for chart in drawn_charts(&dir) {
                let svg = dir.join(format!("{chart}.svg"));
                let boxes = text_boxes(&svg);
                for (k, (a, ta)) in boxes.iter().enumerate() {
                    for (b, tb) in &boxes[k + 1..] {
                        let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                        assert!(!overlap, "{}: {ta:?} overlaps {tb:?}", svg.display());
                    }
                }
                checked += boxes.len();
            }
        }
    }
    assert!(checked > 500, "only {checked} texts");
}

#[test]
fn the_daily_cap_chart_marks_exhaustion_and_pacific_midnights() {
    let dir = rendered().join("daily_cap_dst");
    assert_labels(&dir.join("queue_depth.svg"), &["shop cap used"]);
    // Bars for the three Pacific days of the run, labelled by date.
    assert_labels(
        &dir.join("throughput.svg"),
        &["03-07 (shop)", "03-08 (shop)", "03-09 (shop)", "cap 10k", "shop TPM per carrier: 240"],
    );
    // Pacific midnights are drawn in their own grey, one dashed line each.
    let svg = std::fs::read_to_string(dir.join("queue_depth.svg")).unwrap();
    assert!(svg.contains("#969696"), "dotted Pacific midnights");
}

#[test]
fn expiry_sweeps_get_the_expiry_chart_and_a_recommendation() {
    let dir = rendered().join("otp_expiry_sweep");
    assert_labels(
        &dir.join("expiry.svg"),
        &[
            "otp: expiry rate (error 420)",
            "otp: delivered after useful life",
            "otp: p99 end-to-end latency",
            "cost of the run",
            "target 1.0%",
            "useful life 5m",
            "30s",
            "3h",
        ],
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("id=\"recommendation\""));
    assert!(html.contains("set message_expiry = &quot;5m&quot; on stream otp"), "the recommendation names the value");
    for i in 0..8 {
        assert!(html.contains(&format!("href=\"points/{i:03}/report.html\"")));
    }
    // The expiry leaves the backlog's peak and the drain where they were:
    // said with their values, not drawn as flat lines.
    let same = "The same at every point, so not drawn: drain time 3,609 s, backlog peak 604.3.";
    assert!(html.contains(same), "{same}");
    assert!(!dir.join("sweep_backlog_peak.svg").exists() && !dir.join("sweep_drain_time_s.svg").exists());
    assert!(dir.join("sweep_backlog_cleared_s.svg").is_file(), "a figure that moves is drawn");
    let two = rendered().join("promo_vetting_sweep");
    assert_labels(
        &two.join("sweep_drain_time_s.svg"),
        &["brands.shop.vetting_score", "senders.shop-10dlc.numbers", "1.7h"],
    );
}

#[test]
fn the_recommendation_follows_the_stream_kind() {
    let loaded = a2psim::load::load_file(&repo().join("scenarios/otp_expiry_sweep.toml"), &[]).unwrap();
    let results: Vec<_> =
        a2psim::run::batch::points(&loaded).iter().map(|sc| a2psim::run::simulate::simulate(sc)).collect();
    let a = a2psim::report::advice::expiry_advice(&loaded, &results).unwrap();
    assert_eq!(a.stream, "otp");
    assert_eq!(a.shortest_reaching.map(|x| x.0.to_string()), Some("20m".into()));
    assert_eq!(a.longest_timely.map(|x| x.0.to_string()), Some("5m".into()));
    assert_eq!(a.pick.map(|p| p.to_string()), Some("5m".into()), "an OTP never goes late");
    // The pick is late 0.03 % of the time: the text does not promise "never".
    assert!(
        a.text.contains("(late: 0.03 %)") && a.text.contains("keep late deliveries within the target"),
        "{}",
        a.text
    );
    // No value keeps both rates under 1 %: the text says so, and why.
    assert!(!a.meets_target);
    assert!(
        a.text.contains(
            "No swept value keeps both its expiry and its late rate under 1.00 %: with \"5m\", 5.63 % expire and 0.03 % arrive late. \
             message_expiry only chooses which messages are lost; to meet the target the stream needs more throughput"
        ),
        "{}",
        a.text
    );
    let text = std::fs::read_to_string(repo().join("scenarios/otp_expiry_sweep.toml")).unwrap();
    // With a 10 % target every value is timely enough, but past the useful
    // life a longer expiry only sends codes too late to use: the pick stops
    // at 5m, which meets the target, and nothing more is said.
    let lenient = a2psim::load::parse(
        &text.replace("replications = 10", "replications = 10\nexpiry_target = 0.1"),
        "lenient.toml",
        "lenient",
        &repo().join("scenarios"),
    )
    .unwrap();
    let c = a2psim::report::advice::expiry_advice(&lenient, &results).unwrap();
    assert_eq!(c.pick.map(|p| p.to_string()), Some("5m".into()));
    assert!(c.text.contains("5m is the longest, up to the 5m useful life, whose deliveries still land within it"));
    assert!(c.meets_target && !c.text.contains("No swept value keeps"), "{}", c.text);
    let promo_text = text.replace("kind = \"otp\"", "kind = \"promotional\"");
    assert_ne!(promo_text, text);
    let promo = a2psim::load::parse(&promo_text, "promo.toml", "promo", &repo().join("scenarios")).unwrap();
    let b = a2psim::report::advice::expiry_advice(&promo, &results).unwrap();
    assert_eq!(b.pick.map(|p| p.to_string()), Some("20m".into()), "a promotion keeps its reach");
}

/// A polyline: stroke colour, stroke width, points.
type Polyline = (String, String, Vec<(f64, f64)>);

/// What an SVG chart draws: texts (trimmed, at x and y), polylines (by
/// stroke colour and width), dots, and the fill of every rectangle.
struct Drawn {
    texts: Vec<(f64, f64, String)>,
    polylines: Vec<Polyline>,
    circles: usize,
    rects: Vec<String>,
}

fn drawn(path: &Path) -> Drawn {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let named = |name: &'static str| doc.descendants().filter(move |n| n.tag_name().name() == name);
    let x = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    Drawn {
        texts: named("text").map(|n| (x(n, "x"), x(n, "y"), n.text().unwrap_or("").trim().to_string())).collect(),
        polylines: named("polyline")
            .map(|n| {
                let points = n.attribute("points").unwrap().split_whitespace();
                let points =
                    points.map(|p| p.split_once(',').unwrap()).map(|(a, b)| (a.parse().unwrap(), b.parse().unwrap()));
                let stroke = |a: &str| n.attribute(a).unwrap_or("").to_string();
                (stroke("stroke"), stroke("stroke-width"), points.collect())
            })
            .collect(),
        circles: named("circle").count(),
        rects: named("rect").map(|n| n.attribute("fill").unwrap_or("").to_string()).collect(),
    }
}

#[test]
fn the_failures_chart_lists_only_the_reasons_that_occur_in_their_own_colours() {
    let reasons = ["expired", "failed_daily_cap", "blocked", "rejected", "rejected_queue_full", "undelivered"];
    let chart = |stem: &str| drawn(&rendered().join(stem).join("failures.svg"));
    let listed = |d: &Drawn| -> Vec<String> {
        d.texts.iter().map(|t| t.2.clone()).filter(|t| reasons.contains(&t.as_str())).collect()
    };
    // Daily-cap failures only; expiries only; two reasons, the top band first.
    let cap = chart("daily_cap_dst");
    assert_eq!(listed(&cap), ["failed_daily_cap"]);
    assert_eq!(listed(&chart("model_example")), ["expired"]);
    assert_eq!(listed(&chart("diurnal_profile")), ["undelivered", "expired"]);
    // The band and its swatch are one opaque colour (the palette's teal
    // #009E73 lightened a quarter): bands stacked over each other cannot darken it.
    let svg = std::fs::read_to_string(rendered().join("daily_cap_dst/failures.svg")).unwrap();
    assert_eq!(svg.matches("fill=\"#3FB696\"").count(), 2, "the band and its swatch");
    assert!(cap.rects.iter().any(|f| f == "#3FB696") && !svg.contains("#009E73"));
}

#[test]
fn coinciding_wait_percentiles_all_show_p99_widest_and_first() {
    // A backlog drained in order: p50, p90 and p99 mostly coincide.
    let chart = drawn(&rendered().join("model_example/latency_over_time.svg"));
    let first = |colour: &str| chart.polylines.iter().position(|l| l.0 == colour).expect("drawn");
    let width = |colour: &str| chart.polylines[first(colour)].1.clone();
    let (p99, p90, p50) = ("#009E73", "#E69F00", "#0072B2");
    assert_eq!([width(p99), width(p90), width(p50)], ["6", "4", "2"]);
    assert!(first(p99) < first(p90) && first(p90) < first(p50), "drawn widest first");
}

#[test]
fn a_run_shorter_than_one_row_draws_each_line_as_a_dot() {
    // Ten messages in one second: one row, so no line has two points to join.
    let dir = rendered().join("mps_10_in_one_second");
    let dots = |chart: &str| drawn(&dir.join(format!("{chart}.svg"))).circles;
    assert_eq!(dots("throughput"), 4, "total and the three carriers the messages went to");
    assert_eq!(dots("queue_depth"), 4, "three carriers and one sender");
    assert_eq!(dots("latency_over_time"), 3, "p50, p90, p99");
    // Each dot as wide as its line: p99's widest, drawn first, shows around the others.
    let svg = std::fs::read_to_string(dir.join("latency_over_time.svg")).unwrap();
    let radii: Vec<&str> =
        svg.split("<circle").skip(1).filter_map(|c| c.split("r=\"").nth(1)?.split('"').next()).collect();
    assert_eq!(radii, ["6", "5", "4"]);
}

#[test]
fn the_daily_cap_is_drawn_in_a_red_no_carrier_line_uses() {
    let dir = rendered().join("daily_cap_dst");
    let depth = drawn(&dir.join("queue_depth.svg"));
    let cap = "#A00028";
    assert!(depth.texts.iter().any(|t| t.2.starts_with("shop cap used")));
    let cap_lines = depth.polylines.iter().filter(|l| l.0 == cap).count();
    assert!(cap_lines >= 1, "the cap marks are red");
    // `to other` keeps the palette's vermillion, which the marks used to share.
    assert!(depth.polylines.iter().any(|l| l.0 == "#D55E00"));
    assert!(std::fs::read_to_string(dir.join("throughput.svg")).unwrap().contains(cap), "the cap level too");
}

#[test]
fn the_expiry_chart_marks_the_target_and_the_recommended_value_on_every_panel() {
    let dir = rendered().join("otp_expiry_sweep");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let pick = html.split("set message_expiry = &quot;").nth(1).unwrap().split("&quot;").next().unwrap();
    let chart = drawn(&dir.join("expiry.svg"));
    // The shipped sweep has no value that meets the target: the mark says so.
    let label = format!("recommended {pick} (misses the target)");
    let marks: Vec<(f64, f64)> = chart.texts.iter().filter(|(_, _, t)| *t == label).map(|(x, y, _)| (*x, *y)).collect();
    assert_eq!(marks.len(), 4, "one marker per panel: {:?}", chart.texts);
    for (label_x, y) in marks {
        // Its line spans the panel, just left of the label and through it.
        let line = |(c, w, pts): &&Polyline| {
            let (top, bottom) = (pts[0].1.min(pts[1].1), pts[0].1.max(pts[1].1));
            (c.as_str(), w.as_str()) == ("#000000", "2")
                && pts.len() == 2
                && pts[0].0 == pts[1].0
                && (label_x - 8.0..label_x).contains(&pts[0].0)
                && (top..=bottom).contains(&y)
                && bottom - top > 300.0
        };
        let lines: Vec<&Polyline> = chart.polylines.iter().filter(line).collect();
        assert_eq!(lines.len(), 1, "the marker's line beside x = {label_x}, y = {y}");
        let x = lines[0].2[0].0;
        assert!(
            chart.texts.iter().any(|(tx, _, t)| t == pick && *tx == x),
            "the marker at x = {x} is not over the axis label {pick}"
        );
    }
    // Both rates are held to the target, and every swept value is a dot.
    assert_eq!(chart.texts.iter().filter(|(_, _, t)| t == "target 1.0%").count(), 2);
    assert_eq!(chart.circles, 4 * 8);
    let cleared = drawn(&dir.join("sweep_backlog_cleared_s.svg"));
    assert_eq!(cleared.circles, 8);
    assert_eq!(cleared.texts.iter().filter(|(_, _, t)| *t == label).count(), 1);
}

#[test]
fn a_figure_zero_at_every_point_is_named_not_drawn() {
    let dir = rendered().join("otp_expiry_sweep");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains(
            "<p class=\"muted\" id=\"zero-figures\">Zero at every point, so not drawn: daily-cap failures, rejected messages, retries.</p>"
        ),
        "{html}"
    );
    assert!(!dir.join("sweep_failed_daily_cap.svg").exists() && !html.contains("id=\"sweep_failed_daily_cap\""));
    assert!(dir.join("sweep_backlog_cleared_s.svg").is_file());
    // Heat maps too: the promotion never expires, but hits the daily cap.
    let two = rendered().join("promo_vetting_sweep");
    let html = std::fs::read_to_string(two.join("report.html")).unwrap();
    assert!(
        html.contains(
            "Zero at every point, so not drawn: expiry rate, late-delivery rate, rejected messages, retries.</p>"
        ),
        "{html}"
    );
    assert!(!two.join("sweep_expiry_rate.svg").exists() && !two.join("sweep_late_rate.png").exists());
    assert!(two.join("sweep_failed_daily_cap.svg").is_file());
    // A run's own report has no such line.
    let run = std::fs::read_to_string(rendered().join("model_example/report.html")).unwrap();
    assert!(!run.contains("zero-figures"));
}

/// A sweep over sender names, with two streams and three replications.
const SENDER_SWEEP: &str = r#"name = "Reminders: short code against toll-free"
start = "2026-03-10T09:00:00-07:00"
seed = 7
replications = 3
[account]
sms_mps = 200
[[senders]]
id = "sc"
type = "short_code"
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "reminders"
sender = "sc"
message_expiry = "2m"
arrival = { process = "poisson", rate = "40/s", until = "10m" }
[[traffic]]
name = "alerts"
sender = "tf"
arrival = { process = "poisson", rate = "1/s", until = "10m" }
[sweep]
"traffic.reminders.sender" = ["sc", "tf"]
"#;

/// The sender sweep's folder and the table the run printed.
fn sender_sweep() -> &'static (tempfile::TempDir, String) {
    static OUT: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempdir();
        std::fs::write(dir.path().join("senders.toml"), SENDER_SWEEP).unwrap();
        let o = a2psim(&["run", "senders.toml", "--out", "out"], dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (dir, String::from_utf8_lossy(&o.stdout).into_owned())
    })
}

#[test]
fn a_sweep_over_names_draws_bars_with_whiskers_not_a_line() {
    let dir = sender_sweep().0.path().join("out/senders");
    let chart = drawn(&dir.join("sweep_expiry_rate.svg"));
    assert_eq!(chart.rects.iter().filter(|f| *f == "#0072B2").count(), 2, "a bar per sender");
    assert!(!chart.polylines.iter().any(|(c, _, _)| c == "#0072B2"), "no line between the senders");
    assert_eq!(chart.circles, 0);
    // A whisker per bar: a stem and two caps, in black.
    let whiskers =
        chart.polylines.iter().filter(|(c, w, pts)| (c.as_str(), w.as_str(), pts.len()) == ("#000000", "2", 2));
    assert_eq!(whiskers.count(), 2 * 3);
    for sender in ["sc", "tf"] {
        assert!(chart.texts.iter().any(|(_, _, t)| t == sender), "no label {sender}");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("at each swept value; the whisker is the 95 % interval."));
    // A numeric sweep keeps its line and band.
    let line = drawn(&rendered().join("otp_expiry_sweep/sweep_backlog_cleared_s.svg"));
    assert!(line.polylines.iter().any(|(c, _, pts)| c == "#0072B2" && pts.len() == 8));
    assert!(!line.rects.iter().any(|f| f == "#0072B2"));
}

/// `n` with thousands separators.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The report's first cells of a group of `summary.json`: accepted,
/// delivered, expired, expiry rate, cap failures.
fn first_cells(g: &serde_json::Value) -> String {
    let count = |k: &str| thousands(g["messages"][k].as_u64().unwrap());
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{:.2} %</td><td>{}</td>",
        count("accepted"),
        count("delivered"),
        count("expired"),
        g["expiry_rate"].as_f64().unwrap() * 100.0,
        count("failed_daily_cap")
    )
}

#[test]
fn the_sweep_table_has_a_row_per_stream_under_each_point_and_separated_counts() {
    let dir = rendered().join("promo_vetting_sweep");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let rows: Vec<&str> = html.lines().filter(|l| l.starts_with("<tr")).collect();
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let parameters: Vec<&str> =
        index["sweep"]["parameters"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let points = index["sweep"]["points"].as_array().unwrap();
    assert_eq!(rows.len(), 1 + 3 * points.len(), "a header, then each point and its two streams");
    for (i, point) in points.iter().enumerate() {
        let values: Vec<String> = parameters.iter().map(|p| point["values"][p].to_string()).collect();
        let s = &point["summary"];
        let head = format!(
            "<tr data-point=\"{i}\"><td class=\"l\"><a href=\"#point={i}\">{i}</a></td><td class=\"l\">{}</td>{}",
            values.join(", "),
            first_cells(s)
        );
        assert!(rows[1 + 3 * i].starts_with(&head), "{}\nis not\n{head}", rows[1 + 3 * i]);
        for (k, stream) in ["promo-sms", "promo-mms"].into_iter().enumerate() {
            let want = format!("<tr><td></td><td class=\"l sub\">{stream}</td>{}", first_cells(&s["streams"][stream]));
            assert!(rows[2 + 3 * i + k].starts_with(&want), "{}\nis not\n{want}", rows[2 + 3 * i + k]);
        }
    }
    assert!(rows[1].contains("<td>55,000</td>"), "40,000 SMS and 15,000 MMS: {}", rows[1]);
    // Cost to 4 significant digits.
    let cost = points[0]["summary"]["cost_usd"].as_f64().unwrap();
    assert!((100.0..1000.0).contains(&cost));
    let page = "<td class=\"l\"><a href=\"points/000/report.html\">its page</a></td></tr>";
    assert!(rows[1].ends_with(&format!("<td>{cost:.1}</td>{page}")), "{}", rows[1]);
    // A mean of 10 replications to 4 significant digits; one stream: no stream rows.
    let otp = rendered().join("otp_expiry_sweep");
    let html = std::fs::read_to_string(otp.join("report.html")).unwrap();
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(otp.join("summary.json")).unwrap()).unwrap();
    let mean = index["sweep"]["points"][0]["summary"]["confidence"]["messages"]["accepted"]["mean"].as_f64().unwrap();
    assert!((1000.0..10_000.0).contains(&mean) && mean.fract() != 0.0, "{mean}");
    let row = format!("<td class=\"l\">30s</td><td>{}</td>", thousands(mean.round() as u64));
    assert!(html.contains(&row), "no {row}");
    assert!(!html.contains("class=\"l sub\""));
    // The daily-cap table of a run separates thousands too.
    let caps = std::fs::read_to_string(rendered().join("daily_cap_dst/report.html")).unwrap();
    assert!(caps.contains("<td class=\"l\">2026-03-07</td><td>10,000</td>"), "{caps}");
}

#[test]
fn the_terminal_lists_each_stream_under_each_sweep_point() {
    let table = &sender_sweep().1;
    let lines: Vec<&str> = table.lines().collect();
    for sender in ["sc", "tf"] {
        let at = lines.iter().position(|l| l.starts_with(&format!("senders [{sender}] "))).unwrap();
        assert!(lines[at + 1].starts_with("  reminders ") && lines[at + 2].starts_with("  alerts "), "{table}");
    }
    // Counts keep their terminal form: a mean to a tenth, no separators.
    let rows = lines.iter().filter(|l| ["senders [", "  reminders ", "  alerts "].iter().any(|p| l.starts_with(p)));
    assert!(rows.clone().count() == 6 && !rows.clone().any(|l| l.contains(',')), "{table}");
}

/// The outline of a report: headings, figures and table headers.
fn outline(html: &str) -> String {
    let mut out = Vec::new();
    for piece in html.split('<').skip(1) {
        let (tag, rest) = piece.split_once('>').unwrap_or((piece, ""));
        let name = tag.split_whitespace().next().unwrap_or("");
        match name {
            "h1" | "h2" | "th" | "b" => out.push(format!("{name}: {}", rest.trim())),
            "/b" => out.push(format!("caption: {}", rest.trim())),
            "figure" => out.push(format!("figure {}", tag.split('"').nth(1).unwrap_or(""))),
            "table" | "pre" => out.push(name.to_string()),
            _ => {}
        }
    }
    out.join("\n")
}

#[test]
fn report_structure_snapshot() {
    let html = std::fs::read_to_string(rendered().join("mps_10_in_one_second/report.html")).unwrap();
    insta::assert_snapshot!("run_report", outline(&html));
    let sweep = std::fs::read_to_string(rendered().join("otp_expiry_sweep/report.html")).unwrap();
    insta::assert_snapshot!("sweep_report", outline(&sweep));
}

#[test]
fn the_report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else { return };
    for stem in ["model_example", "otp_expiry_sweep"] {
        let page = rendered().join(stem).join("report.html");
        let profile = tempdir();
        let shot = profile.path().join("shot.png");
        let o = headless(&browser, profile.path())
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1280,4000")
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let dom = String::from_utf8_lossy(&o.stdout);
        let html = std::fs::read_to_string(&page).unwrap();
        let figures = html.matches("<figure").count();
        assert!(figures >= 2, "{stem}: {figures} figures");
        // Every figure reached the DOM with its chart drawn inside.
        for part in dom.split("<figure").skip(1) {
            let figure = part.split("</figure>").next().unwrap();
            assert!(
                figure.contains("<svg")
                    && figure.matches("<path").count()
                        + figure.matches("<polyline").count()
                        + figure.matches("<rect").count()
                        > 10,
                "{stem}: an empty figure"
            );
        }
        assert_eq!(dom.matches("<figure").count(), figures, "{stem}: the browser lost figures");
        assert!(!dom.contains("parsererror"), "{stem}: the browser could not parse the page");
        assert!(shot.metadata().unwrap().len() > 50_000, "{stem}: the screenshot is blank");
    }
}

#[test]
fn the_committed_example_reports_are_current() {
    // Refresh with: cargo run --release -- run scenarios/otp_expiry_sweep.toml scenarios/daily_cap_dst.toml --out reports
    for file in [
        "otp_expiry_sweep/summary.json",
        "otp_expiry_sweep/sweep.csv",
        "daily_cap_dst/summary.json",
        "daily_cap_dst/timeseries.csv",
    ] {
        let committed =
            std::fs::read(repo().join("reports").join(file)).unwrap_or_else(|e| panic!("reports/{file}: {e}"));
        let fresh = std::fs::read(rendered().join(file)).unwrap();
        assert!(committed == fresh, "reports/{file} is stale: refresh it with the README's command");
    }
    assert!(repo().join("reports/otp_expiry_sweep/report.html").is_file());
}

#[test]
fn time_charts_show_the_mean_of_replications_not_their_sum() {
    // No randomness: every replication is the same, so the mean is one run.
    let scenario = |replications: u32| {
        format!(
            r#"start = "2026-03-10T09:00:00-07:00"
replications = {replications}
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "t"
sender = "tf"
message_expiry = "2m"
carriers = {{ att = 1, tmobile = 0, verizon = 0, other = 0 }}
arrival = {{ process = "burst", count = 900 }}
"#
        )
    };
    let lines = |replications: u32, chart: &str| {
        let dir = tempdir();
        std::fs::write(dir.path().join("r.toml"), scenario(replications)).unwrap();
        let o = a2psim(&["run", "r.toml", "--out", "out"], dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let svg = dir.path().join("out/r").join(format!("{chart}.svg"));
        let d = drawn(&svg);
        // The worst replication's backlog peak between samples is labelled as such.
        let texts = d.texts.into_iter().map(|t| t.2.replace(", worst replication", ""));
        let (desc, texts): (Vec<String>, Vec<String>) = texts.partition(|t| t.starts_with("messages"));
        // Axis numbers included: the axes scale to what is drawn.
        ((d.polylines, texts), desc)
    };
    for (chart, desc) in
        [("queue_depth", "messages queued"), ("failures", "messages per"), ("throughput", "messages per")]
    {
        let (one, one_desc) = lines(1, chart);
        let (four, four_desc) = lines(4, chart);
        assert_eq!(one, four, "{chart}: the mean of identical replications is one of them");
        assert!(one_desc.iter().all(|t| t.starts_with(desc) && !t.contains("mean")), "{chart}: {one_desc:?}");
        assert!(four_desc.iter().any(|t| t.ends_with("(mean of 4 replications)")), "{chart}: {four_desc:?}");
    }
}
