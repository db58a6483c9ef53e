//! `report.html`: one self-contained page per run or sweep (inline SVG, no
//! network; a sweep's page adds a small script to explore its points), and
//! `index.html` linking them.

use crate::load::{Point, canonical, ordered, show};
use crate::report::PlanReport;
use crate::report::advice::Advice;
use crate::report::charts::{Chart, Charts};
use crate::report::human;
use crate::report::row::{Row, readable, separated};
use crate::run::simulate::RunResult;
use crate::scenario::Scenario;
use crate::scenario::time::SimTime;

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1240px;margin:24px auto;padding:0 16px;color:#222}\
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:36px;border-bottom:1px solid #ddd;padding-bottom:4px}\
table{border-collapse:collapse;margin:8px 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}\
th{background:#f2f2f2}td.l,th.l{text-align:left}figure{margin:16px 0}figure svg{width:100%;height:auto;border:1px solid #eee}\
figcaption{font-size:14px;color:#444;margin-top:4px}pre{background:#f7f7f7;padding:12px;overflow-x:auto;font-size:13px}\
.advice{background:#eef6fb;border-left:4px solid #0072b2;padding:10px 14px}.muted{color:#666}td.sub{padding-left:24px;color:#444}";

/// Escapes text for HTML.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> String {
    page_styled(title, body, "")
}

/// A page with `style` after the common one.
fn page_styled(title: &str, body: &str, style: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}{style}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// The columns of a run's table, as the terminal's.
const ROW_HEADS: &str = "<th>accepted</th><th>delivered</th><th>expired</th><th>expiry rate</th><th>cap failures</th>\
<th>other</th><th>late</th><th>p99 wait</th><th>p99 end to end</th><th>drain</th><th>cost USD</th>";

/// One row of a run's table; `drain` on the run's row only.
fn row_cells(row: &Row, drain: bool) -> String {
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        row.count_separated(row.accepted),
        row.count_separated(row.delivered),
        row.count_separated(row.expired),
        pct(row.expiry_rate),
        row.count_separated(row.failed_daily_cap),
        row.count_separated(row.other),
        pct(row.late_rate),
        human::duration_split(row.wait_p99),
        human::duration_split(row.end_to_end_p99),
        if drain { human::duration_split(row.drain) } else { String::new() },
        readable(row.cost)
    )
}

/// A row per stream of `r`, each opened by `lead` and closed by `trail`
/// (the cells before the stream's name and after its figures), indented
/// under the row of all streams.
fn stream_rows(sc: &Scenario, r: &RunResult, lead: &str, trail: &str) -> String {
    sc.traffic
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let row = Row::of(r, &|st| st.streams[i].clone());
            format!("<tr>{lead}<td class=\"l sub\">{}</td>{}{trail}</tr>\n", escape(&s.name), row_cells(&row, false))
        })
        .collect()
}

/// The note under a table of means, if it is one.
fn means_note(row: &Row) -> String {
    row.means_note().map_or(String::new(), |n| format!("<p class=\"muted\">{}.</p>\n", escape(&n)))
}

fn summary_table(sc: &Scenario, r: &RunResult) -> String {
    let mut t = format!("<table>\n<tr><th class=\"l\">stream</th>{ROW_HEADS}</tr>\n");
    let total = Row::of(r, &|s| s.total());
    t.push_str(&format!("<tr><td class=\"l\">all streams</td>{}</tr>\n", row_cells(&total, true)));
    t.push_str(&stream_rows(sc, r, "", ""));
    t.push_str("</table>\n");
    t.push_str(&means_note(&total));
    t
}

/// `text` with a capital first letter, to start a sentence.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// An instant as people read it: the display zone, to the second.
fn when(sc: &Scenario, t: SimTime) -> String {
    format!("{} ({})", sc.calendar.local(t, "%Y-%m-%d %H:%M:%S"), sc.calendar.zone_name())
}

fn caps_table(sc: &Scenario, r: &RunResult) -> String {
    let days: Vec<_> = r.daily_caps.iter().filter(|(rep, _)| *rep == 0).map(|(_, d)| d).collect();
    if days.is_empty() {
        return "<p class=\"muted\">No 10DLC traffic went to T-Mobile: no daily cap applied.</p>\n".into();
    }
    let mut t = String::from(
        "<table>\n<tr><th class=\"l\">brand</th><th class=\"l\">Pacific day</th><th>cap</th><th>used</th><th>failed</th><th class=\"l\">cap used up at</th></tr>\n",
    );
    for d in days {
        t.push_str(&format!(
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
            escape(&sc.brands[d.brand].id),
            d.date,
            separated(&d.cap.to_string()),
            separated(&d.used.to_string()),
            separated(&d.failed.to_string()),
            escape(&d.exhausted_at.map_or("not reached".into(), |t| when(sc, t)))
        ));
    }
    t.push_str("</table>\n");
    if sc.replications > 1 {
        t.push_str("<p class=\"muted\">Days of the first replication.</p>\n");
    }
    t
}

/// A line naming the charts left out for being zero (if any), then each
/// chart inline (with its sweep-point highlights), with its caption; each
/// figure's id is the chart's name after `id_prefix`.
fn figures(charts: &Charts, id_prefix: &str) -> String {
    let when = &charts.when;
    let zero = if charts.zero.is_empty() {
        String::new()
    } else {
        let names = escape(&charts.zero.join(", "));
        format!("<p class=\"muted\" id=\"{id_prefix}zero-figures\">Zero {when}, so not drawn: {names}.</p>\n")
    };
    let same = if charts.same.is_empty() {
        String::new()
    } else {
        let figures = escape(&charts.same.join(", "));
        format!("<p class=\"muted\" id=\"{id_prefix}same-figures\">The same {when}, so not drawn: {figures}.</p>\n")
    };
    zero + &same
        + &charts
        .charts
        .iter()
        .map(|c| {
            format!(
                "<figure id=\"{id_prefix}{}\" class=\"chart\">\n{}\n<figcaption><b>{}.</b> {}</figcaption>\n</figure>\n",
                c.name,
                with_picks(c),
                escape(&c.title),
                escape(&c.caption)
            )
        })
        .collect::<String>()
}

fn source_block(source: &str) -> String {
    format!("<pre>{}</pre>\n", escape(source))
}

/// The page of one run.
pub(crate) fn run_page(stem: &str, sc: &Scenario, r: &RunResult, source: &str, charts: &Charts) -> String {
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"muted\">{} · starts {} · seed {} · {} replication(s)</p>\n",
        escape(&sc.name),
        escape(stem),
        escape(&when(sc, SimTime::ZERO)),
        sc.seed,
        sc.replications
    );
    b.push_str("<h2>Summary</h2>\n");
    b.push_str(&summary_table(sc, r));
    let total = Row::of(r, &|s| s.total());
    b.push_str(&format!(
        "<p>Drain time {} · {} messages still queued and {} in flight at the horizon.</p>\n",
        human::duration_split(total.drain),
        total.count_separated(total.queued_at_end),
        total.count_separated(total.in_flight_at_end)
    ));
    let separated = |n: u64| separated(&n.to_string());
    if let Some(text) = super::backlog_text(sc, &r.stats.backlog[0], total.replications, &separated) {
        b.push_str(&format!("<p id=\"backlog\">{}.</p>\n", escape(&upper_first(&text))));
    }
    if let Some(text) = super::attempts_text(r, &separated) {
        b.push_str(&format!("<p id=\"attempts\">{}.</p>\n", escape(&upper_first(&text))));
    }
    b.push_str("<h2>Charts</h2>\n");
    b.push_str(&figures(charts, ""));
    b.push_str("<h2>T-Mobile daily cap</h2>\n");
    b.push_str(&caps_table(sc, r));
    b.push_str("<h2>Scenario as run</h2>\n");
    b.push_str(&source_block(source));
    page(&sc.name, &b)
}

/// A sweep point as the sweep's page lists it.
pub(crate) struct PointRow<'a> {
    pub(crate) point: &'a Point,
    /// Its own report, relative to the sweep's.
    pub(crate) href: String,
    pub(crate) r: &'a RunResult,
    /// Its charts, shown under the explorer.
    pub(crate) charts: &'a Charts,
}

impl PointRow<'_> {
    /// Its swept values, as the terminal shows them.
    fn values(&self) -> Vec<String> {
        self.point.values.iter().map(show).collect()
    }
}

/// What the sweep's page shows beside its points.
pub(crate) struct SweepView<'a> {
    pub(crate) stem: &'a str,
    pub(crate) sc: &'a Scenario,
    pub(crate) parameters: &'a [String],
    pub(crate) source: &'a str,
    /// The sweep's own charts.
    pub(crate) charts: &'a Charts,
    pub(crate) advice: Option<&'a Advice>,
    /// The sweep's `summary.json` index: the explorer's data.
    pub(crate) index: &'a serde_json::Value,
}

/// The explorer's script: plain JavaScript, no framework, no build step.
const EXPLORER_JS: &str = include_str!("explorer.js");

/// The sweep explorer's look: a sticky bar of controls, a card per point
/// shown, highlights on the charts.
const EXPLORER_STYLE: &str = ".controls{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ddd;\
padding:8px 0;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}.param{display:flex;flex-wrap:wrap;align-items:center;gap:6px}\
.param label{font-weight:bold;overflow-wrap:anywhere;min-width:0}.param input[type=range]{width:min(260px,45vw)}.param .value{min-width:4em;font-weight:bold}\
button{font:inherit;padding:2px 10px}button[aria-disabled=true]{color:#767676}:focus-visible{outline:3px solid #0072b2;outline-offset:2px}\
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(440px,100%),1fr));gap:16px;margin-top:12px}\
.card{border:1px solid #ccc;padding:8px 14px;overflow-wrap:break-word}.card.pinned{border-color:#0072b2;border-width:2px}.card h3{margin:4px 0}\
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:4px 16px;margin:8px 0}\
dl.figures div{border-bottom:1px solid #eee}dl.figures dt{font-size:13px;color:#444}dl.figures dd{margin:0;font-size:18px}\
.delta{font-size:13px;color:#444}td:not(.l){white-space:nowrap}.card table{font-size:13px}\
tr.pinned td{background:#dcebf7}tr.selected td{background:#fff6bf}\
.wide{overflow-x:auto}@media (min-width:800px){#point-charts.pair{display:grid;grid-template-columns:1fr 1fr;gap:0 16px}\
#point-charts.pair>section:not([hidden]){display:contents}}\
svg .pick.pin,svg .pick.sel{display:inline}svg .pick rect{fill:none}\
svg .pick.pin rect.band{fill:#56b4e9;fill-opacity:.35}svg .pick.sel rect.band{fill:#f0e442;fill-opacity:.7}\
svg .pick rect.outer{stroke:#000;stroke-width:5}svg .pick rect.inner{stroke:#fff;stroke-width:2}\
svg .pick.pin rect.outer,svg .pick.pin rect.inner{stroke-dasharray:8 5}";

/// A chart's SVG with its sweep-point highlights, hidden: over the chart,
/// or under it (just after its white background).
fn with_picks(chart: &Chart) -> String {
    let svg = chart.svg.trim();
    let at = if chart.picks_on_top {
        svg.rfind("</svg>")
    } else {
        svg.find("<rect").and_then(|r| svg[r..].find("/>").map(|end| r + end + 2))
    };
    match at {
        Some(i) if !chart.picks.is_empty() => format!("{}\n{}{}", &svg[..i], chart.picks, &svg[i..]),
        _ => svg.to_string(),
    }
}

/// The explorer: a bar of controls (a slider and a stepper per swept
/// parameter over its values, and the pin button) that stays at the top of
/// the window, and a card for the selected point and one for the pinned.
/// Hidden until the script runs.
fn explorer(parameters: &[String], points: &[PointRow]) -> String {
    let axes = axes(points);
    let coords: Vec<Vec<usize>> = points
        .iter()
        .map(|p| {
            p.point.values.iter().zip(&axes).map(|(v, axis)| axis.iter().position(|a| a == v).unwrap_or(0)).collect()
        })
        .collect();
    let mut b = format!(
        "<h2 id=\"explorer-title\" class=\"explorer\" hidden>Explore the points</h2>\n\
<div class=\"controls explorer\" id=\"controls\" role=\"group\" aria-labelledby=\"explorer-title\" data-coords=\"{}\" hidden>\n",
        json_attribute(&coords)
    );
    for (j, (name, values)) in parameters.iter().zip(&axes).enumerate() {
        let labels: Vec<String> = values.iter().map(show).collect();
        let aliases: Vec<String> = values.iter().map(|v| canonical(v).unwrap_or_else(|| show(v))).collect();
        let name = escape(name);
        b.push_str(&format!(
            "<div class=\"param\"><label for=\"param-{j}\">{name}</label>\
<button type=\"button\" data-param=\"{j}\" data-step=\"-1\" aria-label=\"previous value of {name}\">&minus;</button>\
<input type=\"range\" id=\"param-{j}\" data-param=\"{j}\" min=\"0\" max=\"{}\" step=\"1\" value=\"0\" data-labels=\"{}\" data-aliases=\"{}\">\
<button type=\"button\" data-param=\"{j}\" data-step=\"1\" aria-label=\"next value of {name}\">+</button>\
<span class=\"value\" id=\"param-{j}-value\">{}</span></div>\n",
            values.len().saturating_sub(1),
            json_attribute(&labels),
            json_attribute(&aliases),
            escape(labels.first().map_or("", String::as_str)),
        ));
    }
    b.push_str(
        "<button type=\"button\" id=\"pin\" aria-pressed=\"false\">Pin this point</button>\n</div>\n\
<section id=\"explorer\" class=\"explorer\" aria-label=\"The selected point and the pinned one\" hidden>\n\
<p class=\"sr-only\" id=\"announce\" aria-live=\"polite\"></p>\n<div class=\"cards\">\n",
    );
    for (id, heading) in [("selected", "Selected point"), ("pinned", "Pinned point")] {
        let hidden = if id == "pinned" { " hidden" } else { "" };
        b.push_str(&format!(
            "<div class=\"card {id}\" id=\"{id}\" role=\"group\" aria-labelledby=\"{id}-title\"{hidden}>\
<h3 id=\"{id}-title\">{heading}</h3><p id=\"{id}-distance\"></p><dl class=\"figures\" id=\"{id}-figures\"></dl>\
<table id=\"{id}-streams\"></table></div>\n"
        ));
    }
    b.push_str("</div>\n</section>\n");
    b
}

/// The values of each parameter, in the order its slider runs.
fn axes(points: &[PointRow]) -> Vec<Vec<toml::Value>> {
    let n = points.first().map_or(0, |p| p.point.values.len());
    (0..n).map(|j| ordered(points.iter().map(|p| &p.point.values[j]))).collect()
}

/// `v` as JSON in an attribute's value.
fn json_attribute<T: serde::Serialize>(v: &T) -> String {
    escape(&serde_json::to_string(v).unwrap_or_default())
}

/// The sweep's index for the script: JSON that no `</script>` in a name
/// or path can end early.
fn embedded(index: &serde_json::Value) -> String {
    serde_json::to_string(index).unwrap_or_default().replace('<', "\\u003c")
}

/// The page of a sweep: the recommendation, an explorer to move through
/// the points (when scripts run), a row per point (and under it a row per
/// stream, when there are several), the sweep's charts and each point's.
/// Without scripts it is a plain page of every table and chart.
pub(crate) fn sweep_page(view: &SweepView, points: &[PointRow]) -> String {
    let SweepView { stem, sc, parameters, source, charts, advice, index } = view;
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"muted\">{} · sweep of {} · {} points · seed {} · {} replication(s) each</p>\n",
        escape(&sc.name),
        escape(stem),
        escape(&parameters.join(" × ")),
        points.len(),
        sc.seed,
        sc.replications
    );
    if let Some(a) = advice {
        let at = a.point.map_or(String::new(), |k| format!(" data-point=\"{k}\""));
        b.push_str("<h2>Recommendation</h2>\n");
        b.push_str(&format!("<p class=\"advice\" id=\"recommendation\"{at}>{}</p>\n", escape(&a.text)));
    }
    b.push_str(&explorer(parameters, points));
    b.push_str(&format!(
        "<h2>Points</h2>\n<div class=\"wide\">\n<table id=\"points\">\n<tr><th class=\"l\">point</th><th class=\"l\">values</th>{ROW_HEADS}<th class=\"l\">page</th></tr>\n"
    ));
    for (i, p) in points.iter().enumerate() {
        let row = Row::of(p.r, &|s| s.total());
        b.push_str(&format!(
            "<tr data-point=\"{i}\"><td class=\"l\"><a href=\"#point={i}\">{i}</a></td><td class=\"l\">{}</td>{}<td class=\"l\"><a href=\"{}\">its page</a></td></tr>\n",
            escape(&p.values().join(", ")),
            row_cells(&row, true),
            escape(&p.href),
        ));
        let sc = &p.point.loaded.scenario;
        if sc.traffic.len() > 1 {
            b.push_str(&stream_rows(sc, p.r, "<td></td>", "<td></td>"));
        }
    }
    b.push_str("</table>\n</div>\n");
    if let Some(p) = points.first() {
        b.push_str(&means_note(&Row::of(p.r, &|s| s.total())));
    }
    b.push_str("<h2>Charts</h2>\n");
    b.push_str(&figures(charts, ""));
    b.push_str("<h2 id=\"each-point\">Charts of each point</h2>\n<p class=\"muted\" id=\"point-charts-note\">Every point's charts, in order.</p>\n<div id=\"point-charts\">\n");
    for (i, p) in points.iter().enumerate() {
        b.push_str(&format!(
            "<section class=\"point\" id=\"point={i}\" data-point=\"{i}\" aria-labelledby=\"point-{i}-title\">\n\
<h3 id=\"point-{i}-title\">Point {i}: {}</h3>\n<p><a href=\"{}\">Its own page</a></p>\n",
            escape(
                &parameters.iter().zip(p.values()).map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")
            ),
            escape(&p.href),
        ));
        b.push_str(&figures(p.charts, &format!("p{i}-")));
        b.push_str("</section>\n");
    }
    b.push_str("</div>\n<h2>Scenario as written</h2>\n");
    b.push_str(&source_block(source));
    b.push_str(&format!(
        "<script type=\"application/json\" id=\"sweep-data\">{}</script>\n<script>\n{EXPLORER_JS}</script>\n",
        embedded(index)
    ));
    page_styled(&sc.name, &b, EXPLORER_STYLE)
}

/// The page of a plan: the answer and why, a row per candidate evaluated,
/// a chart per promise.
pub(crate) fn plan_page(stem: &str, sc: &Scenario, plan: &PlanReport, source: &str, charts: &Charts) -> String {
    let mut b = format!(
        "<h1>{}</h1>\n<p class=\"muted\">{} · plan of {} · {} candidates · seed {} · {} replication(s) each</p>\n",
        escape(&sc.name),
        escape(stem),
        escape(&plan.vary),
        plan.candidates.len(),
        sc.seed,
        sc.replications
    );
    b.push_str("<h2>Answer</h2>\n");
    b.push_str(&format!("<p class=\"advice\" id=\"answer\">{}</p>\n", code_spans(&escape(plan.text.trim()))));
    b.push_str("<h2>Candidates evaluated</h2>\n<table>\n<tr><th class=\"l\">");
    b.push_str(&escape(&plan.vary));
    b.push_str("</th><th class=\"l\">every promise</th>");
    for p in &plan.promises {
        b.push_str(&format!("<th>{}</th>", escape(&p.metric)));
    }
    b.push_str("</tr>\n");
    let mut evaluated: Vec<usize> = plan.promises.iter().flat_map(|p| p.values.iter().map(|v| v.0)).collect();
    evaluated.sort();
    evaluated.dedup();
    for i in evaluated {
        let cells: Vec<Option<&(usize, f64, bool)>> =
            plan.promises.iter().map(|p| p.values.iter().find(|v| v.0 == i)).collect();
        let kept = cells.iter().all(|c| c.is_none_or(|v| v.2));
        let answer = if plan.answer == Some(i) { " (answer)" } else { "" };
        b.push_str(&format!(
            "<tr><td class=\"l\">{}{answer}</td><td class=\"l\">{}</td>",
            escape(&plan.candidates[i]),
            if kept { "kept" } else { "broken" }
        ));
        for c in cells {
            // Whole figures exactly, as the terminal and plan.json give them.
            let shown = |x: f64| if x.fract() == 0.0 { separated(&format!("{x}")) } else { readable(x) };
            b.push_str(&format!("<td>{}</td>", c.map_or(String::new(), |v| shown(v.1))));
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table>\n<h2>Charts</h2>\n");
    b.push_str(&figures(charts, ""));
    b.push_str("<h2>Scenario as written</h2>\n");
    b.push_str(&source_block(source));
    page(&sc.name, &b)
}

/// Text with `quoted` paths, as the terminal writes them, set as code.
fn code_spans(escaped: &str) -> String {
    escaped
        .split('`')
        .enumerate()
        .map(|(k, part)| if k % 2 == 1 { format!("<code>{part}</code>") } else { part.to_string() })
        .collect()
}

/// A folder name as one segment of a link: every byte but letters, digits
/// and `-._~` percent-encoded, so a report folder named `a b#1` or `中`
/// is reached, not cut at the `#`.
fn url_segment(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `index.html`: a link to every report in the output folder.
pub(crate) fn index_page(reports: &[(String, String)]) -> String {
    let mut b = String::from("<h1>a2psim reports</h1>\n<ul>\n");
    for (stem, title) in reports {
        b.push_str(&format!(
            "<li><a href=\"{}/report.html\">{}</a> — {}</li>\n",
            url_segment(stem),
            escape(stem),
            escape(title)
        ));
    }
    b.push_str("</ul>\n");
    page("a2psim reports", &b)
}
