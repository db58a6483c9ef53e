//! The sweep page's explorer: in a real browser (Debian's Chromium), the
//! figures shown at `#point=K` are point K's; it is valid HTML, passes an
//! accessibility lint, works from the keyboard, keeps its look, and without
//! scripts still shows every table and chart.

use crate::helpers::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shipped sweeps of one parameter (an expiry sweep, with a
/// recommendation) and of two (two streams, no recommendation).
const SWEEPS: [&str; 2] = ["otp_expiry_sweep", "promo_vetting_sweep"];

/// The folder of a shipped sweep's report.
fn sweep(stem: &str) -> PathBuf {
    rendered().join(stem)
}

fn page(stem: &str) -> PathBuf {
    sweep(stem).join("report.html")
}

/// The `summary.json` of the report in `dir`.
fn index_in(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn index(stem: &str) -> Value {
    index_in(&sweep(stem))
}

/// The text between `from` and the next `to` after it in `text`.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).unwrap_or_else(|| panic!("no {from:?}")) + from.len();
    let rest = &text[start..];
    &rest[..rest.find(to).unwrap_or_else(|| panic!("no {to:?} after {from:?}"))]
}

/// The text of each cell of a table row (tags inside a cell dropped).
fn cells(row: &str) -> Vec<String> {
    row.split("<td").skip(1).map(|c| strip_tags(&c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()])).collect()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for ch in html.chars() {
        match ch {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

/// The page's own table: the cells of point `k`'s row, and of each stream's
/// row under it, by stream name.
fn table_rows(html: &str, k: usize) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let table = between(html, "<table id=\"points\">", "</table>");
    let start = table.find(&format!("<tr data-point=\"{k}\">")).unwrap();
    let mut rows = table[start..].split("</tr>");
    let point = cells(rows.next().unwrap());
    let streams = rows
        .take_while(|r| !r.contains("data-point="))
        .filter(|r| r.contains("class=\"l sub\""))
        .map(|r| {
            let c = cells(r);
            (c[1].clone(), c)
        })
        .collect();
    (point, streams)
}

/// The explorer's figures and the page's table columns that hold the same
/// figure: (data-key, column in a point's row).
const SAME_AS_TABLE: [(&str, usize); 11] = [
    ("accepted", 2),
    ("delivered", 3),
    ("expired", 4),
    ("expiry_rate", 5),
    ("failed_daily_cap", 6),
    ("other", 7),
    ("late_rate", 8),
    ("wait_p99", 9),
    ("end_to_end_p99", 10),
    ("drain", 11),
    ("cost", 12),
];

/// The value shown for `key` in a card (`selected-figures`, a streams row).
fn shown(dom: &str, key: &str) -> String {
    strip_tags(between(dom, &format!("data-key=\"{key}\">"), "</"))
}

/// The DOM of `page` at `fragment` after its scripts ran.
fn dom(browser: &str, page: &Path, fragment: &str) -> String {
    let profile = tempdir();
    let o = headless(browser, profile.path())
        .arg("--virtual-time-budget=5000")
        .arg("--dump-dom")
        .arg(format!("file://{}{fragment}", page.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Which point sections the page shows, and which sweep-chart highlights.
fn visible(dom: &str) -> (Vec<usize>, Vec<(usize, String)>) {
    let sections = dom
        .split("<section class=\"point\"")
        .skip(1)
        .filter(|s| !s[..s.find('>').unwrap()].contains("hidden"))
        .map(|s| between(s, "data-point=\"", "\"").parse().unwrap())
        .collect();
    let mut picks: Vec<(usize, String)> = dom
        .split("<g class=\"pick")
        .skip(1)
        .filter_map(|g| {
            let classes = &g[..g.find('"').unwrap()];
            let k = between(g, "data-point=\"", "\"").parse().unwrap();
            (!classes.trim().is_empty()).then(|| (k, classes.trim().to_string()))
        })
        .collect();
    picks.sort();
    picks.dedup();
    (sections, picks)
}

/// Point `k` of the sweep reported in `dir`, as the explorer shows it at
/// `fragment`: every figure equals the page's own table (formatted alike),
/// the streams too, the sliders stand at its values, and only its charts
/// are shown.
fn check_selected(browser: &str, dir: &Path, fragment: &str, k: usize) -> String {
    let stem = dir.file_name().unwrap().to_string_lossy();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let dom = dom(browser, &dir.join("report.html"), fragment);
    let title = between(&dom, "id=\"selected-title\">", "</");
    assert!(title.starts_with(&format!("Point {k}: ")), "{stem}{fragment}: {title}");
    let figures = between(&dom, "id=\"selected-figures\">", "</dl>");
    let (row, streams) = table_rows(&html, k);
    for (key, column) in SAME_AS_TABLE {
        assert_eq!(shown(figures, key), row[column], "{stem}{fragment}: {key} of point {k}");
    }
    // The backlog peak is not in the table: summary.json's mean, to 4 digits.
    let summary = &index_in(dir)["sweep"]["points"][k]["summary"];
    let peak = summary["confidence"]["backlog"]["peak"]["mean"].as_f64().or(summary["backlog"]["peak"].as_f64());
    let read: f64 = shown(figures, "backlog_peak").replace(',', "").parse().unwrap();
    assert!((read - peak.unwrap()).abs() <= peak.unwrap() * 5e-4 + 0.05, "{stem}: backlog {read} against {peak:?}");
    if streams.is_empty() {
        assert!(dom.contains("<table id=\"selected-streams\" hidden"), "one stream: no streams table");
    }
    for (name, cells) in &streams {
        let card = between(&dom, &format!("<tr data-stream=\"{name}\">"), "</tr>");
        for (key, column) in SAME_AS_TABLE.iter().filter(|(key, _)| card.contains(&format!("\"{key}\""))) {
            assert_eq!(shown(card, key), cells[*column], "{stem}{fragment}: {name} {key} of point {k}");
        }
    }
    let (sections, picks) = visible(&dom);
    assert!(sections.contains(&k), "{stem}{fragment}: point {k}'s charts hidden");
    assert!(picks.contains(&(k, "sel".to_string())), "{stem}{fragment}: point {k} not marked on the sweep charts");
    assert!(between(&dom, &format!("<tr data-point=\"{k}\""), ">").contains("aria-current=\"true\""));
    dom
}

#[test]
fn at_point_k_the_explorer_shows_point_k() {
    let Some(browser) = chromium() else { return };
    for k in [0, 3, 7] {
        let dom = check_selected(&browser, &sweep("otp_expiry_sweep"), &format!("#point={k}"), k);
        let (sections, picks) = visible(&dom);
        assert_eq!(sections, vec![k], "only point {k}'s charts");
        assert_eq!(picks, vec![(k, "sel".to_string())], "only point {k} marked");
        assert!(dom.contains(
            "<div class=\"card pinned\" id=\"pinned\" role=\"group\" aria-labelledby=\"pinned-title\" hidden"
        ));
        let labels = ["30s", "1m", "2m", "5m", "10m", "20m", "1h", "3h"];
        assert!(dom.contains(&format!("aria-valuetext=\"{}\"", labels[k])), "slider at {}", labels[k]);
        let distance = between(&dom, "id=\"selected-distance\">", "</");
        let steps = k.abs_diff(3);
        let expected = match k {
            3 => "This is the recommended point.".to_string(),
            _ => format!(
                "{steps} step{} {} the recommended 5m of traffic.otp.message_expiry. Against it: ",
                if steps == 1 { "" } else { "s" },
                if k > 3 { "above" } else { "below" }
            ),
        };
        assert!(distance.starts_with(&expected), "point {k}: {distance}");
    }
    for k in [0, 4, 8] {
        check_selected(&browser, &sweep("promo_vetting_sweep"), &format!("#point={k}"), k);
    }
}

#[test]
fn a_link_opens_a_point_by_values_or_pinned_beside_another() {
    let Some(browser) = chromium() else { return };
    // Without a fragment: the recommended point (5m).
    check_selected(&browser, &sweep("otp_expiry_sweep"), "", 3);
    check_selected(&browser, &sweep("otp_expiry_sweep"), "#traffic.otp.message_expiry=1h", 6);
    // Two parameters by value: vetting score 80 with 10 numbers is the last point.
    check_selected(
        &browser,
        &sweep("promo_vetting_sweep"),
        "#brands.shop.vetting_score=80&senders.shop-10dlc.numbers=10",
        8,
    );
    let dom = check_selected(&browser, &sweep("otp_expiry_sweep"), "#point=1&pin=6", 1);
    let pinned = between(&dom, "id=\"pinned-title\">", "</");
    assert_eq!(pinned, "Pinned: Point 6: traffic.otp.message_expiry = 1h");
    let (sections, picks) = visible(&dom);
    assert_eq!(sections, vec![1, 6]);
    assert_eq!(picks, vec![(1, "sel".to_string()), (6, "pin".to_string())]);
    assert!(dom.contains("id=\"point-charts\" class=\"pair\""), "side by side");
    // The selected card says how it differs from the pinned point: 1m expires
    // more than 1h (nothing expires at 1h).
    let figures = between(&dom, "id=\"selected-figures\">", "</dl>");
    assert!(figures.contains("<span class=\"delta\">+"), "{figures}");
    assert!(between(figures, "data-key=\"expiry_rate\"", "</dd>").contains("pp vs point 6"));
    // A fragment naming no point keeps the default.
    check_selected(&browser, &sweep("otp_expiry_sweep"), "#point=99", 3);
    check_selected(&browser, &sweep("otp_expiry_sweep"), "#traffic.otp.message_expiry=7m", 3);
}

#[test]
fn values_in_any_order_and_exact_ties_read_as_in_the_table() {
    let Some(browser) = chromium() else { return };
    // Values out of order, 2m written as 120s; with seed 1 and 4
    // replications the 30s point expires 570.25 messages a replication and
    // the 2m point 511.25: ties the table rounds to the even digit.
    let dir = tempdir();
    let text = std::fs::read_to_string(repo().join("scenarios/otp_expiry_sweep.toml")).unwrap();
    let values = "[\"3h\", \"30s\", \"5m\", \"120s\", \"1m\", \"20m\", \"10m\", \"1h\"]";
    let (head, tail) = text.split_once("\"traffic.otp.message_expiry\" = [").unwrap();
    let tail = &tail[tail.find(']').unwrap() + 1..];
    let text = format!("{head}\"traffic.otp.message_expiry\" = {values}{tail}")
        .replace("seed = 2026", "seed = 1")
        .replace("replications = 10", "replications = 4");
    std::fs::write(dir.path().join("unsorted.toml"), text).unwrap();
    let o = a2psim(&["run", "unsorted.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = dir.path().join("out/unsorted");
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    let labels = between(&html, "data-labels=\"", "\"").replace("&quot;", "\"");
    assert_eq!(labels, r#"["30s","1m","120s","5m","10m","20m","1h","3h"]"#, "the slider runs from short to long");
    assert!(table_rows(&html, 1).0[4] == "570.2" && table_rows(&html, 3).0[4] == "511.2", "the ties are there");
    for k in 0..8 {
        check_selected(&browser, &report, &format!("#point={k}"), k);
    }
    // 120s is one step below the recommended 5m, and either spelling links to it.
    let dom = check_selected(&browser, &report, "#traffic.otp.message_expiry=2m", 3);
    assert!(between(&dom, "id=\"selected-distance\">", "</").starts_with("1 step below the recommended 5m"));
    check_selected(&browser, &report, "#traffic.otp.message_expiry=120s", 3);
    // The expiry chart's lines run left to right, whatever the file's order.
    let svg = std::fs::read_to_string(report.join("expiry.svg")).unwrap();
    for line in svg.split("<polyline").skip(1) {
        let xs: Vec<f64> = between(line, "points=\"", "\"")
            .split_whitespace()
            .map(|p| p.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]) || xs.windows(2).all(|w| w[0] >= w[1]), "{xs:?}");
    }
}

#[test]
fn the_explorer_works_from_the_keyboard() {
    let (Some(browser), Some(packages)) = (chromium(), browser_packages()) else { return };
    let o = Command::new("node")
        .arg(packages.join("../drive.mjs"))
        .arg(page("otp_expiry_sweep"))
        .env("CHROMIUM", which(&browser))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let steps: Vec<Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let at = |step: &str| steps.iter().find(|s| s["step"] == step).unwrap_or_else(|| panic!("no step {step}"));
    let point = |step: &str| at(step)["title"].as_str().unwrap().split(':').next().unwrap().to_string();
    assert_eq!(point("opened"), "Point 3");
    assert_eq!(at("opened")["hash"], "", "opening the page leaves the URL alone");
    assert_eq!(point("arrow right on the slider"), "Point 4");
    assert_eq!(at("arrow right on the slider")["hash"], "#point=4");
    assert_eq!(at("arrow right on the slider")["valuetext"], "10m");
    assert_eq!(point("home on the slider"), "Point 0");
    assert_eq!(point("enter on the next-value button"), "Point 1");
    assert_eq!(at("enter on the next-value button")["focus"], "next value of traffic.otp.message_expiry");
    assert_eq!(at("pinned")["pressed"], "true");
    assert_eq!(point("end on the slider"), "Point 7");
    assert_eq!(at("end on the slider")["pinned"], "Pinned: Point 1: traffic.otp.message_expiry = 1m");
    assert_eq!(at("end on the slider")["sections"], serde_json::json!([1, 7]));
    assert_eq!(at("end on the slider")["drawn"], serde_json::json!([1, 7]), "only the pair's charts are drawn");
    assert_eq!(at("opened")["drawn"], serde_json::json!([3]));
    // A link in the table selects its point and keeps the pin.
    assert_eq!(point("table link"), "Point 2");
    assert_eq!(at("table link")["pinned"], at("end on the slider")["pinned"]);
    assert_eq!(at("table link")["drawn"], serde_json::json!([1, 2]));
    assert_eq!(at("link opened")["hash"], "#point=7&pin=1");
    assert_eq!(point("link opened"), "Point 7");
    assert_eq!(at("link opened")["pinned"], at("end on the slider")["pinned"]);
    assert_eq!(at("unpinned")["pinned"], Value::Null);
    assert_eq!(at("unpinned")["sections"], serde_json::json!([7]));
    assert_eq!(at("errors")["errors"], serde_json::json!([]));
}

/// The full path of a command on the PATH (Playwright wants one).
fn which(command: &str) -> String {
    let o = Command::new("sh").arg("-c").arg(format!("command -v {command}")).output().unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn without_scripts_the_page_shows_every_table_and_chart() {
    for stem in SWEEPS {
        let html = std::fs::read_to_string(page(stem)).unwrap();
        let points = index(stem)["sweep"]["points"].as_array().unwrap().len();
        // The controls wait for the script; every point's charts are there, none hidden.
        for part in ["<h2 id=\"explorer-title\"", "<div class=\"controls explorer\"", "<section id=\"explorer\""] {
            assert!(between(&html, part, ">").ends_with(" hidden"), "{stem}: {part} waits for the script");
        }
        let sections: Vec<&str> = html.split("<section class=\"point\"").skip(1).collect();
        assert_eq!(sections.len(), points, "{stem}");
        for (k, s) in sections.iter().enumerate() {
            assert!(s.starts_with(&format!(" id=\"point={k}\" data-point=\"{k}\" aria-labelledby")), "{stem}: {k}");
            let body = &s[..s.find("</section>").unwrap()];
            assert!(body.matches("<svg").count() >= 3, "{stem}: point {k} has its charts");
        }
        assert_eq!(html.matches("<tr data-point=").count(), points, "{stem}: a table row per point");
        // The sweep's charts carry one hidden highlight per point.
        let figure = between(&html, "<h2>Charts</h2>", "<h2 id=\"each-point\">");
        let charts = figure.matches("<figure").count();
        assert!(charts >= 1);
        assert_eq!(figure.matches("<g class=\"pick\"").count(), charts * points, "{stem}");
        assert_eq!(figure.matches("display=\"none\"").count(), charts * points, "{stem}");
        // The script's data is summary.json, whole.
        let embedded: Value =
            serde_json::from_str(between(&html, "<script type=\"application/json\" id=\"sweep-data\">", "</script>"))
                .unwrap();
        assert_eq!(embedded, index(stem), "{stem}: the embedded data is summary.json");
        // Ids are unique, though every point has the same charts.
        let mut ids: Vec<&str> = html.split(" id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "{stem}: duplicate ids");
    }
}

#[test]
fn a_name_cannot_end_the_embedded_data_early() {
    let dir = tempdir();
    let text = std::fs::read_to_string(repo().join("scenarios/otp_expiry_sweep.toml"))
        .unwrap()
        .replace("replications = 10", "replications = 1")
        .replace(
            "name = \"OTP expiry sweep through a T-Mobile outage\"",
            "name = \"a </script><script>alert(1)</script> sweep\"",
        );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(dir.path().join("out/s/report.html")).unwrap();
    assert_eq!(html.matches("<script").count(), 2, "only the page's own two scripts");
    let data = between(&html, "id=\"sweep-data\">", "</script>");
    let parsed: Value = serde_json::from_str(data).unwrap();
    assert_eq!(parsed["name"], "a </script><script>alert(1)</script> sweep");
}

#[test]
fn the_page_is_valid_html() {
    let Some(packages) = browser_packages() else { return };
    let java = Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    if required(java.then_some(()), "Java").is_none() {
        return;
    }
    let vnu = packages.join("vnu-jar/build/dist/vnu.jar");
    let validate = |pages: &[PathBuf]| {
        Command::new("java")
            .arg("-jar")
            .arg(&vnu)
            .args(["--errors-only", "--format", "gnu"])
            .args(pages)
            .output()
            .unwrap()
    };
    let o = validate(&SWEEPS.map(page));
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    // The validator does refuse a page with a mistake of the kind a change could make.
    let dir = tempdir();
    let broken = dir.path().join("broken.html");
    let html = std::fs::read_to_string(page("otp_expiry_sweep")).unwrap();
    std::fs::write(&broken, html.replace("id=\"point=1\"", "id=\"point=0\"")).unwrap();
    let o = validate(&[broken]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("Duplicate ID"));
}

/// axe-core's violations on `page` at `fragment`, after the page's scripts ran
/// (WCAG 2.1 A and AA, and axe's best practices).
fn axe_violations(browser: &str, axe: &Path, page: &Path, fragment: &str) -> Value {
    let dir = tempdir();
    let html = std::fs::read_to_string(page).unwrap();
    let runner = format!(
        "<script>{}</script><script>axe.run(document, {{ runOnly: [\"wcag2a\", \"wcag2aa\", \"wcag21a\", \"wcag21aa\", \"best-practice\"] }}).then(function (r) {{ var p = document.createElement(\"pre\"); p.id = \"axe-result\"; p.textContent = JSON.stringify(r.violations.map(function (v) {{ return [v.id, v.nodes.map(function (n) {{ return n.target.join(\" \"); }})]; }})); document.body.appendChild(p); }});</script></body>",
        std::fs::read_to_string(axe).unwrap()
    );
    let copy = dir.path().join("report.html");
    std::fs::write(&copy, html.replacen("</body>", &runner, 1)).unwrap();
    let dom = self::dom(browser, &copy, fragment);
    let result = between(&dom, "<pre id=\"axe-result\">", "</pre>").replace("&quot;", "\"").replace("&amp;", "&");
    serde_json::from_str(&result).unwrap()
}

#[test]
fn the_page_passes_an_accessibility_lint() {
    let (Some(browser), Some(packages)) = (chromium(), browser_packages()) else { return };
    let axe = packages.join("axe-core/axe.min.js");
    for (stem, fragment) in
        [("otp_expiry_sweep", ""), ("otp_expiry_sweep", "#point=1&pin=6"), ("promo_vetting_sweep", "")]
    {
        assert_eq!(axe_violations(&browser, &axe, &page(stem), fragment), serde_json::json!([]), "{stem}{fragment}");
    }
    // The lint does catch a control without a label.
    let dir = tempdir();
    let broken = dir.path().join("report.html");
    let html = std::fs::read_to_string(page("otp_expiry_sweep")).unwrap();
    std::fs::write(&broken, html.replace("<label for=\"param-0\">", "<label>")).unwrap();
    let found = axe_violations(&browser, &axe, &broken, "");
    assert!(found.to_string().contains("label"), "{found}");
}

#[test]
fn the_default_view_keeps_its_look() {
    let Some(browser) = chromium() else { return };
    let profile = tempdir();
    let shot = profile.path().join("shot.png");
    let o = headless(&browser, profile.path())
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,1000")
        .arg(format!("file://{}", page("otp_expiry_sweep").display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reference = repo().join("tests/snapshots/sweep_explorer.png");
    if std::env::var_os("A2PSIM_UPDATE_SCREENSHOTS").is_some() {
        std::fs::copy(&shot, &reference).unwrap();
    }
    let now = image::open(&shot).unwrap().to_rgb8();
    let then = image::open(&reference).unwrap().to_rgb8();
    assert_eq!(now.dimensions(), then.dimensions());
    // Pixels that differ clearly (not a shade of anti-aliasing), as a share.
    let differing =
        now.pixels().zip(then.pixels()).filter(|(a, b)| a.0.iter().zip(b.0).any(|(x, y)| x.abs_diff(y) > 48)).count();
    let share = differing as f64 / f64::from(now.width() * now.height());
    let kept = std::env::temp_dir().join("sweep_explorer.png");
    std::fs::copy(&shot, &kept).unwrap();
    assert!(
        share < 0.01,
        "{:.2} % of the default view's pixels changed: see {} against {}; if the change is meant, \
         rerun with A2PSIM_UPDATE_SCREENSHOTS=1",
        share * 100.0,
        kept.display(),
        reference.display()
    );
    // Not blank: the explorer's controls and a card are drawn (many colours).
    let mut colours: Vec<[u8; 3]> = now.pixels().map(|p| p.0).collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 200, "{} colours: a blank view", colours.len());
}
