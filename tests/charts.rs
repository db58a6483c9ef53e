//! Charts and the HTML report: files, SVG content, structure, a real browser.

use crate::helpers::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The shipped scenarios' reports, rendered once for every test here.
fn rendered() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempdir();
        let o = Command::new(env!("CARGO_BIN_EXE_a2psim"))
            .arg("run")
            .arg(repo().join("scenarios"))
            .arg("--out")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir
    })
    .path()
}

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
            for chart in ["latency", "latency_over_time", "queue_depth", "failures", "throughput"] {
                assert!(
                    dir.join(format!("{chart}.png")).metadata().unwrap().len() > 5_000,
                    "{}/{chart}.png",
                    dir.display()
                );
            }
            let streams: Vec<String> = sc.traffic().iter().map(|t| format!("{} end to end", t.name)).collect();
            let refs: Vec<&str> = streams.iter().map(String::as_str).collect();
            assert_labels(
                &dir.join("latency.svg"),
                &[&refs[..], &["queue wait", "expiry", "latency (log scale)"]].concat(),
            );
            assert_labels(&dir.join("latency_over_time.svg"), &["p50", "p90", "p99", "queue wait", "local time"]);
            let senders: Vec<String> = sc.senders().iter().map(|s| format!("from {}", s.id)).collect();
            let refs: Vec<&str> = senders.iter().map(String::as_str).collect();
            assert_labels(
                &dir.join("queue_depth.svg"),
                &[&refs[..], &["to att", "to tmobile", "messages queued"]].concat(),
            );
            assert_labels(
                &dir.join("failures.svg"),
                &["expired", "failed_daily_cap", "blocked", "rejected", "undelivered"],
            );
            let mut throughput = vec!["total", "to verizon", "account"];
            if has_daily_caps(&dir) {
                throughput.push("T-Mobile use per Pacific day");
            }
            assert_labels(&dir.join("throughput.svg"), &throughput);
            let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
            assert_eq!(html.matches("<figure").count(), 5, "{}", dir.display());
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
            for chart in ["latency", "latency_over_time", "queue_depth", "failures", "throughput"] {
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
    let text = std::fs::read_to_string(repo().join("scenarios/otp_expiry_sweep.toml")).unwrap();
    let promo_text = text.replace("kind = \"otp\"", "kind = \"promotional\"");
    assert_ne!(promo_text, text);
    let promo = a2psim::load::parse(&promo_text, "promo.toml", "promo", &repo().join("scenarios")).unwrap();
    let b = a2psim::report::advice::expiry_advice(&promo, &results).unwrap();
    assert_eq!(b.pick.map(|p| p.to_string()), Some("20m".into()), "a promotion keeps its reach");
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

/// Headless Chromium, if this machine has it.
fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .map(str::to_string)
}

#[test]
fn the_report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have Chromium: .ci/run installs it");
        eprintln!("skipped: no Chromium on this machine (.ci/run installs it)");
        return;
    };
    for stem in ["model_example", "otp_expiry_sweep"] {
        let page = rendered().join(stem).join("report.html");
        let profile = tempdir();
        let shot = profile.path().join("shot.png");
        let o = Command::new(&browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
            .args([
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
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
        assert!(figures >= 3, "{stem}: {figures} figures");
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
