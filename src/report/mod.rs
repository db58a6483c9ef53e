//! Turning a run's figures into files and text: `summary.json`,
//! `timeseries.csv`, the terminal table. Pure functions, plus one place
//! that writes files atomically.

pub mod advice;
pub(crate) mod charts;
pub mod explain;
mod folder;
pub mod records;
mod row;

pub use folder::ready;
pub(crate) use folder::{Staged, abandon_all, reserve};
pub(crate) mod html;
pub(crate) mod human;

use crate::load::{ChartWindow, Loaded, show};
use crate::run::simulate::RunResult;
use crate::scenario::Scenario;
use crate::scenario::model::{Carrier, Outcome, QueueScope};
use crate::scenario::time::SimTime;
use crate::stats::backlog::Backlog;
use crate::stats::confidence::mean_ci;
use crate::stats::figure::KeyFigure;
use crate::stats::{Attempts, Group, Latency, Stats, series};
use charts::{Chart, Charts};
use rayon::prelude::*;
use row::Row;
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

fn latency(l: &Latency) -> Value {
    let s = l.summary();
    json!({ "count": s.count, "mean": s.mean, "p50": s.p50, "p90": s.p90, "p99": s.p99, "max": s.max })
}

fn messages(g: &Group) -> Value {
    let mut m = Map::new();
    m.insert("accepted".into(), g.accepted.into());
    for o in Outcome::ALL {
        m.insert(o.name().into(), g.count(o).into());
    }
    m.insert("rejected_queue_full".into(), g.rejected_queue_full.into());
    m.insert("late".into(), g.late.into());
    Value::Object(m)
}

/// Every attempt by outcome (summing to `accepted`, the attempts made), and
/// the retries made, by the outcome retried.
fn attempts(a: &Attempts) -> Value {
    let mut m = Map::new();
    m.insert("accepted".into(), a.total().into());
    for o in Outcome::ALL {
        m.insert(o.name().into(), a.outcomes[o.index()].into());
    }
    let retried: Map<String, Value> =
        Outcome::ALL.iter().map(|o| (o.name().to_string(), a.retried[o.index()].into())).collect();
    m.insert("rejected_queue_full".into(), a.queue_full.into());
    m.insert("retries".into(), a.retries().into());
    m.insert("retried".into(), Value::Object(retried));
    Value::Object(m)
}

fn group(g: &Group) -> Value {
    json!({
        "messages": messages(g),
        "attempts": attempts(&g.attempts),
        "expiry_rate": g.expiry_rate(),
        "late_rate": g.late_rate(),
        "queue_wait_s": latency(&g.queue_wait),
        "end_to_end_s": latency(&g.end_to_end),
        "client_wait_s": latency(&g.client_wait),
        "cost_usd": g.cost.usd(),
    })
}

/// The backlog's peak, and when it was reached and cleared (Pacific time).
fn backlog(sc: &Scenario, b: &Backlog) -> Value {
    let at = |t: Option<SimTime>| t.map(|t| sc.calendar.pacific_rfc3339(t));
    json!({ "peak": b.peak, "peak_at": at(b.peak_at), "cleared_at": at(b.cleared_at) })
}

/// The figures of one set of statistics: what `summary.json` reports of a
/// run, and what confidence intervals are taken over replications of.
fn figures(sc: &Scenario, s: &Stats) -> Map<String, Value> {
    let total = s.total();
    let streams: Map<String, Value> =
        sc.traffic.iter().zip(&s.streams).map(|(t, g)| (t.name.clone(), group(g))).collect();
    let carriers: Map<String, Value> = Carrier::ALL
        .iter()
        .map(|c| {
            let mut g = group(&s.carriers[c.index()]);
            g["backlog"] = backlog(sc, &s.backlog[1 + c.index()]);
            (c.name().to_string(), g)
        })
        .collect();
    let Value::Object(m) = json!({
        "messages": messages(&total),
        "attempts": attempts(&total.attempts),
        "expiry_rate": total.expiry_rate(),
        "late_rate": total.late_rate(),
        "queue_wait_s": latency(&total.queue_wait),
        "end_to_end_s": latency(&total.end_to_end),
        "client_wait_s": latency(&total.client_wait),
        "drain_time_s": s.drain.as_secs_f64(),
        "backlog": backlog(sc, &s.backlog[0]),
        "cost_usd": total.cost.usd(),
        "streams": streams,
        "carriers": carriers,
    }) else {
        unreachable!("a JSON object literal")
    };
    m
}

/// `summary.json` of one scenario. `stem` is the scenario file's stem.
pub fn summary(stem: &str, sc: &Scenario, r: &RunResult) -> Value {
    let several = r.each().len() > 1;
    let caps: Vec<Value> = r
        .daily_caps
        .iter()
        .map(|(rep, d)| {
            let mut v = json!({
                "brand": sc.brands[d.brand].id,
                "day": d.date.to_string(),
                "cap": d.cap,
                "used": d.used,
                "failed": d.failed,
                "exhausted_at": d.exhausted_at.map(|t| sc.calendar.pacific_rfc3339(t)),
            });
            if several {
                v["replication"] = (*rep).into();
            }
            v
        })
        .collect();
    let codes: Map<String, Value> = Outcome::ALL
        .iter()
        .filter(|o| !matches!(o, Outcome::Delivered | Outcome::QueuedAtEnd | Outcome::InFlightAtEnd))
        .map(|o| (o.name().to_string(), sc.error_codes[o.index()].map_or(Value::Null, Value::from)))
        .collect();
    let mut m = Map::new();
    m.insert("scenario".into(), stem.into());
    m.insert("name".into(), sc.name.clone().into());
    m.insert("seed".into(), sc.seed.into());
    m.insert("replications".into(), sc.replications.into());
    m.insert("start".into(), sc.calendar.pacific_rfc3339(SimTime::ZERO).into());
    m.insert("horizon_s".into(), sc.horizon.map(|h| h.as_secs_f64()).into());
    m.insert("warmup_s".into(), sc.warmup.as_secs_f64().into());
    m.insert("timeseries_step_s".into(), r.stats.series.step().as_secs_f64().into());
    m.extend(figures(sc, &r.stats));
    m.insert("daily_caps".into(), caps.into());
    m.insert("error_codes".into(), codes.into());
    m.insert("provider_queue".into(), provider_queue(sc));
    if several {
        m.insert("confidence".into(), confidence(sc, r.each()));
    }
    Value::Object(m)
}

/// The provider queue limit in force (MODEL §9): its scope and the most
/// waiting, per sender or in all; null without one.
fn provider_queue(sc: &Scenario) -> Value {
    let Some(q) = &sc.queue_limit else { return Value::Null };
    let max = match q.scope {
        QueueScope::Account => q.max_for(0).into(),
        QueueScope::Sender => {
            let per: Map<String, Value> =
                sc.senders().iter().enumerate().map(|(i, s)| (s.id.clone(), q.max_for(i).into())).collect();
            Value::Object(per)
        }
    };
    json!({ "scope": q.scope.name(), "max": max })
}

/// Figures that get a confidence interval, at the top and per stream.
const CONFIDENCE_KEYS: [&str; 11] = [
    "messages",
    "expiry_rate",
    "late_rate",
    "queue_wait_s",
    "end_to_end_s",
    "client_wait_s",
    "drain_time_s",
    "backlog",
    "cost_usd",
    "streams",
    "carriers",
];

/// What gets an interval in one replication's figures: [`CONFIDENCE_KEYS`]
/// (null where absent), and for each stream the same but its streams and
/// drain time.
fn selected(figures: &Value, top: bool) -> Value {
    let keys = CONFIDENCE_KEYS.iter().filter(|k| top || !matches!(**k, "streams" | "drain_time_s"));
    let pick = |&k: &&str| {
        let v = match (k, &figures[k]) {
            ("streams", Value::Object(per)) => {
                Value::Object(per.iter().map(|(name, g)| (name.clone(), selected(g, false))).collect())
            }
            (_, v) => v.clone(),
        };
        (k.to_string(), v)
    };
    Value::Object(keys.map(pick).collect())
}

/// Mean and 95 % confidence interval (Student t) across replications of
/// every figure named in [`CONFIDENCE_KEYS`], in the shape of the first
/// replication's figures. Each replication's figures are read into
/// columns of numbers one at a time: thousands of replications are never
/// all held as JSON.
fn confidence(sc: &Scenario, each: &[Stats]) -> Value {
    let of = |s: &Stats| selected(&Value::Object(figures(sc, s)), true);
    let shape = of(&each[0]);
    let mut columns: Vec<Vec<f64>> = Vec::new();
    // The first replication's figures are the shape itself: built once.
    let rest = each[1..].iter().map(|s| Cow::Owned(of(s)));
    for figures in std::iter::once(Cow::Borrowed(&shape)).chain(rest) {
        let mut i = 0;
        numbers(&shape, &figures, &mut |x| {
            if columns.len() == i {
                columns.push(Vec::with_capacity(each.len()));
            }
            columns[i].extend(x);
            i += 1;
        });
    }
    intervals(&shape, &mut columns.into_iter())
}

/// Calls `f` with what `v` holds (a number or not) at each place where
/// `shape` holds a number, in order.
fn numbers(shape: &Value, v: &Value, f: &mut dyn FnMut(Option<f64>)) {
    match shape {
        Value::Object(fields) => fields.iter().for_each(|(k, inner)| numbers(inner, &v[k], f)),
        Value::Number(_) => f(v.as_f64()),
        _ => {}
    }
}

/// `shape` with each number replaced by {mean, ci_low, ci_high, half_width}
/// of its column, and anything else by null.
fn intervals(shape: &Value, columns: &mut impl Iterator<Item = Vec<f64>>) -> Value {
    match shape {
        Value::Object(fields) => {
            Value::Object(fields.iter().map(|(k, inner)| (k.clone(), intervals(inner, columns))).collect())
        }
        Value::Number(_) => {
            let xs = columns.next().expect("a column per number of the shape");
            let i = mean_ci(&xs);
            json!({ "mean": i.mean, "ci_low": i.low, "ci_high": i.high, "half_width": i.half })
        }
        _ => Value::Null,
    }
}

/// `timeseries.csv`: one row per step from the start; the last column,
/// `step_s`, is the row's width (longer than `timeseries_step` when the run
/// spans more than [`crate::stats::series::MAX_ROWS`] steps).
pub fn timeseries(sc: &Scenario, r: &RunResult) -> String {
    let series = &r.stats.series;
    let mut out = String::from("t_s,time");
    for name in series::count_names() {
        out.push(',');
        out.push_str(&name);
    }
    out.push_str(",step_s\n");
    let step = series.step();
    for (i, row) in series.rows().enumerate() {
        let t = SimTime::from_nanos(step.as_nanos() * i as u64);
        out.push_str(&format!("{},{}", t.as_secs_f64(), sc.calendar.pacific_rfc3339(t)));
        for v in row.counts() {
            out.push_str(&format!(",{v}"));
        }
        out.push_str(&format!(",{}\n", step.as_secs_f64()));
    }
    out
}

/// Streams the terminal table lists one by one, in file order (all of them
/// when there is just one more); the report and `summary.json` have them all.
const TABLE_STREAMS: usize = 20;

/// The one-screen table printed after a run: the same columns as the HTML
/// report's table; with replications, means of one replication's figures.
pub fn table(rows: &[(String, &Scenario, &RunResult)]) -> String {
    let mut out = format!(
        "{:<28} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9} {:>9} {:>10} {:>10}\n",
        "scenario / stream",
        "accepted",
        "delivered",
        "expired",
        "exp.rate",
        "cap fail",
        "other",
        "late",
        "p99 wait",
        "p99 e2e",
        "drain",
        "cost USD"
    );
    for (stem, sc, r) in rows {
        let line = |name: &str, row: &Row, drain: bool| {
            format!(
                "{:<28} {:>9} {:>9} {:>8} {:>7.2}% {:>8} {:>8} {:>6.2}% {:>9} {:>9} {:>10} {:>10.2}\n",
                truncate(name, 28),
                row.count(row.accepted),
                row.count(row.delivered),
                row.count(row.expired),
                100.0 * row.expiry_rate,
                row.count(row.failed_daily_cap),
                row.count(row.other),
                100.0 * row.late_rate,
                human::duration_split(row.wait_p99),
                human::duration_split(row.end_to_end_p99),
                if drain { human::duration_split(row.drain) } else { String::new() },
                row.cost,
            )
        };
        let total = Row::of(r, &|s| s.total());
        out.push_str(&line(stem, &total, true));
        if sc.traffic.len() > 1 {
            // A line saying one more stream would take the place of that stream's own.
            let listed = if sc.traffic.len() > TABLE_STREAMS + 1 { TABLE_STREAMS } else { sc.traffic.len() };
            for (i, t) in sc.traffic.iter().enumerate().take(listed) {
                out.push_str(&line(&format!("  {}", t.name), &Row::of(r, &|s| s.streams[i].clone()), false));
            }
            if listed < sc.traffic.len() {
                let more = sc.traffic.len() - listed;
                out.push_str(&format!("  ... and {more} more streams: see report.html or summary.json\n"));
            }
        }
        if let Some(text) = backlog_text(sc, &r.stats.backlog[0], total.replications, &|n| n.to_string()) {
            out.push_str(&format!("  {text}\n"));
        }
        if let Some(text) = attempts_text(r, &|n| n.to_string()) {
            out.push_str(&format!("  {text}\n"));
        }
        if let Some(note) = total.means_note() {
            out.push_str(&format!("  ({note})\n"));
        }
    }
    out
}

/// `backlog: peak 15 waiting at 09:00:00, cleared at 09:00:03` (display
/// time), when any message waited; of the worst replication. `count`
/// writes the peak.
pub(crate) fn backlog_text(
    sc: &Scenario,
    b: &Backlog,
    replications: usize,
    count: &dyn Fn(u64) -> String,
) -> Option<String> {
    let peak_at = b.peak_at?;
    // The date too when the instant is not on the start's local day.
    let clock = |t: SimTime| {
        let other_day = sc.calendar.local(t, "%F") != sc.calendar.local(SimTime::ZERO, "%F");
        sc.calendar.local(t, if other_day { "%Y-%m-%d %H:%M:%S" } else { "%H:%M:%S" })
    };
    let cleared = b.cleared_at.map_or("not cleared by the end".to_string(), |t| format!("cleared at {}", clock(t)));
    let of = if replications > 1 { format!(" (the worst of {replications} replications)") } else { String::new() };
    Some(format!("backlog{of}: peak {} waiting at {}, {cleared}", count(b.peak), clock(peak_at)))
}

/// `attempts: 46800 (14800 retries after rejected); 14800 rejected at a
/// full provider queue; client wait p99 5m00s`, when the sender retried,
/// the provider's queue refused or the sender paced; means per
/// replication. `count` writes the counts.
pub(crate) fn attempts_text(r: &RunResult, count: &dyn Fn(u64) -> String) -> Option<String> {
    let total = r.stats.total();
    let a = &total.attempts;
    let reps = r.each().len() as u64;
    let mean = |n: u64| count(n / reps.max(1));
    let mut parts = Vec::new();
    if a.retries() > 0 || a.queue_full > 0 {
        let after: Vec<String> = Outcome::ALL
            .iter()
            .filter(|o| a.retried[o.index()] > 0)
            .map(|o| format!("{} after {}", mean(a.retried[o.index()]), o.name()))
            .collect();
        let retries = if after.is_empty() { String::new() } else { format!(" (retries: {})", after.join(", ")) };
        parts.push(format!("attempts: {}{retries}", mean(a.total())));
    }
    if a.queue_full > 0 {
        parts.push(format!("{} rejected at a full provider queue", mean(a.queue_full)));
    }
    if total.client_wait.count() > 0 {
        parts.push(format!("client wait p99 {}", human::duration_split(total.client_wait.summary().p99)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `s` in at most `n` characters, cut short with `…`. A sweep point's
/// name, `stem [point]`, is cut in its stem, so that the points of a long
/// stem stay told apart.
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    if let Some(at) = s.find(" [").filter(|_| s.ends_with(']')) {
        let (stem, point) = s.split_at(at);
        let keep = n.saturating_sub(point.chars().count() + 1);
        if keep >= 4 {
            return format!("{}…{point}", stem.chars().take(keep).collect::<String>());
        }
    }
    s.chars().take(n - 1).chain(['…']).collect()
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A link or a device at `path` is someone's: it is never replaced.
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.file_type().is_file()
    {
        return Err(std::io::Error::other("it exists and is not a regular file (a link, a device or a folder)"));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    // As any new file: 0666 less the umask (a temporary file's default is 0600).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn json_text(value: &Value) -> String {
    let mut json = serde_json::to_string_pretty(value).expect("JSON values serialise");
    json.push('\n');
    json
}

/// The first error of `results`, in their order: parallel work reports the
/// same failure whatever the thread count.
fn first_error<E>(results: Vec<Result<(), E>>) -> Result<(), E> {
    results.into_iter().collect()
}

/// Writes `files` (name within `dir`, contents) in parallel.
fn write_files(dir: &Path, files: &[(String, &[u8])]) -> std::io::Result<()> {
    first_error(files.par_iter().map(|(name, bytes)| write_atomic(&dir.join(name), bytes)).collect())
}

/// The SVG and PNG file of each chart.
fn chart_files(charts: &[Chart]) -> Vec<(String, &[u8])> {
    charts
        .iter()
        .flat_map(|c| [(format!("{}.svg", c.name), c.svg.as_bytes()), (format!("{}.png", c.name), &c.png[..])])
        .collect()
}

/// Writes one run into `dir`: its `summary` (computed by the caller, as a
/// sweep's index shows it too), `timeseries.csv`, its charts (SVG and PNG)
/// and `report.html`. Returns the charts, without their PNG, for a sweep's
/// page to show.
fn write_run(
    dir: &Path,
    stem: &str,
    sc: &Scenario,
    r: &RunResult,
    summary: &Value,
    source: &str,
    window: Option<&ChartWindow>,
) -> std::io::Result<Charts> {
    let window = window.map(|w| w.on(&sc.calendar));
    let (csv, charts) = rayon::join(|| timeseries(sc, r), || charts::run_charts(sc, r, window));
    let charts = charts.map_err(std::io::Error::other)?;
    let page = html::run_page(stem, sc, r, source, &charts);
    let json = json_text(summary);
    let mut files = vec![("summary.json".to_string(), json.as_bytes()), ("timeseries.csv".into(), csv.as_bytes())];
    files.extend(chart_files(&charts.charts));
    files.push(("report.html".into(), page.as_bytes()));
    write_files(dir, &files)?;
    drop(files);
    let mut charts = charts;
    for c in &mut charts.charts {
        c.png = Vec::new();
    }
    Ok(charts)
}

/// Writes everything for one scenario file into `dir`: its run, or for a
/// sweep each point under `points/NNN/`, `sweep.csv`, the sweep's charts,
/// an index `summary.json` and `report.html`. Points render in parallel.
/// Time charts show `window` when given.
pub fn write_scenario(
    dir: &Path,
    stem: &str,
    loaded: &Loaded,
    results: &[RunResult],
    window: Option<&ChartWindow>,
) -> std::io::Result<()> {
    let Some(sweep) = &loaded.sweep else {
        let (sc, r) = (&loaded.scenario, &results[0]);
        return write_run(dir, stem, sc, r, &summary(stem, sc, r), &loaded.source, window).map(drop);
    };
    let summaries: Vec<Value> =
        sweep.points.par_iter().zip(results).map(|(p, r)| summary(stem, &p.loaded.scenario, r)).collect();
    let write_points = || -> std::io::Result<Vec<Charts>> {
        sweep
            .points
            .par_iter()
            .zip(results)
            .zip(&summaries)
            .enumerate()
            .map(|(i, ((point, r), summary))| {
                let sc = &point.loaded.scenario;
                write_run(&dir.join(point_dir(i)), stem, sc, r, summary, &point.loaded.source, window)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    };
    let advice = advice::expiry_advice(loaded, results);
    let sweep_charts = || charts::sweep_charts(loaded, results, advice.as_ref()).map_err(std::io::Error::other);
    let (point_charts, charts) = rayon::join(write_points, sweep_charts);
    let (point_charts, charts) = (point_charts?, charts?);
    let index = sweep_summary(stem, loaded, &summaries);
    let points: Vec<html::PointRow> = sweep
        .points
        .iter()
        .zip(results)
        .zip(&point_charts)
        .enumerate()
        .map(|(i, ((point, r), charts))| html::PointRow {
            point,
            href: format!("{}/report.html", point_dir(i)),
            r,
            charts,
        })
        .collect();
    let view = html::SweepView {
        stem,
        sc: &loaded.scenario,
        parameters: &sweep.parameters,
        source: &loaded.source,
        charts: &charts,
        advice: advice.as_ref(),
        index: &index,
    };
    let page = html::sweep_page(&view, &points);
    let (csv, json) = (sweep_csv(loaded, results), json_text(&index));
    let mut files = vec![("sweep.csv".to_string(), csv.as_bytes()), ("summary.json".into(), json.as_bytes())];
    files.extend(chart_files(&charts.charts));
    files.push(("report.html".into(), page.as_bytes()));
    write_files(dir, &files)
}

/// One promise of a plan across the candidates evaluated.
#[derive(Clone, Debug)]
pub struct PlanPromise {
    /// The metric as `[[expect]]` names it (with its `on`).
    pub metric: String,
    /// Its `min`, `max` and `equals` bounds: (value, label).
    pub bounds: Vec<(f64, String)>,
    /// (candidate index, value, kept) at each candidate evaluated.
    pub values: Vec<(usize, f64, bool)>,
}

/// What a plan's report shows.
#[derive(Clone, Debug)]
pub struct PlanReport {
    /// The parameters varied, joined by ", ".
    pub vary: String,
    /// The parameter searched along: the charts' x axis.
    pub along: String,
    /// Its candidates in order, as written.
    pub steps: Vec<String>,
    /// One name per line drawn: the other parameters' values ("" for one
    /// parameter).
    pub series: Vec<String>,
    /// Each candidate's (line, step).
    pub place: Vec<(usize, usize)>,
    /// Whether the steps are numbers or durations, so neighbours may be joined.
    pub ordered: bool,
    /// Every candidate as written, in order.
    pub candidates: Vec<String>,
    /// The answer's index.
    pub answer: Option<usize>,
    /// Each promise.
    pub promises: Vec<PlanPromise>,
    /// The answer and why, as printed.
    pub text: String,
    /// `plan.json`.
    pub json: Value,
}

/// Writes a plan's folder whole, into `staged` (reserved before the search):
/// `plan.json`, a chart per promise and `report.html`.
pub(crate) fn write_plan(staged: Staged, stem: &str, loaded: &Loaded, plan: &PlanReport) -> std::io::Result<()> {
    let charts = charts::plan_charts(plan).map_err(std::io::Error::other)?;
    let page = html::plan_page(stem, &loaded.scenario, plan, &loaded.source, &charts);
    let json = json_text(&plan.json);
    let mut files = vec![("plan.json".to_string(), json.as_bytes())];
    files.extend(chart_files(&charts.charts));
    files.push(("report.html".into(), page.as_bytes()));
    write_files(staged.dir(), &files)?;
    staged.commit()
}

/// Writes every scenario's reports under `out/<stem>/`, in parallel, each
/// into its folder reserved before the run (`staged`, in `scenarios` order)
/// and so replaced whole, with each point's detail records when the run
/// wrote them; on failure, the first in `scenarios` order, with the folder
/// it was writing.
pub(crate) fn write_scenarios(
    out: &Path,
    staged: Vec<Staged>,
    scenarios: &[(String, &Loaded, &[RunResult])],
    window: Option<&ChartWindow>,
    records: Option<&records::RecordFiles>,
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    let each: Vec<Result<(), _>> = staged
        .into_par_iter()
        .zip(scenarios)
        .enumerate()
        .map(|(i, (staged, (stem, loaded, results)))| {
            let write = || {
                write_scenario(staged.dir(), stem, loaded, results, window)?;
                if let Some(records) = records {
                    for (p, sc) in crate::run::batch::points(loaded).into_iter().enumerate() {
                        let dir =
                            if loaded.sweep.is_some() { staged.dir().join(point_dir(p)) } else { staged.dir().into() };
                        records.place(i, p, sc.replications, &dir)?;
                    }
                }
                staged.commit()
            };
            write().map_err(|e| (out.join(stem), e))
        })
        .collect();
    first_error(each)
}

/// Writes `index.html` in `out`, linking every `*/report.html` found there.
pub fn write_index(out: &Path) -> std::io::Result<()> {
    let mut reports: Vec<(String, String)> = std::fs::read_dir(out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("report.html").is_file())
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .map(|p| {
            let stem = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            // A run's or sweep's summary, or a plan's.
            let title = ["summary.json", "plan.json"]
                .iter()
                .find_map(|f| {
                    let v = serde_json::from_slice::<Value>(&std::fs::read(p.join(f)).ok()?).ok()?;
                    v["name"].as_str().map(str::to_string)
                })
                .unwrap_or_default();
            (stem, title)
        })
        .collect();
    reports.sort();
    let index = out.join("index.html");
    if let Err((_, e)) = folder::index_replaceable(out) {
        return Err(e);
    }
    write_atomic(&index, html::index_page(&reports).as_bytes())
}

/// Folder of sweep point `i`, relative to the scenario's folder.
pub fn point_dir(i: usize) -> String {
    format!("points/{i:03}")
}

/// The index `summary.json` of a sweep: each point's values and its
/// `summaries` entry.
pub fn sweep_summary(stem: &str, loaded: &Loaded, summaries: &[Value]) -> Value {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    let points: Vec<Value> = sweep
        .points
        .iter()
        .zip(summaries)
        .enumerate()
        .map(|(i, (p, summary))| {
            let values: Map<String, Value> =
                sweep.parameters.iter().zip(&p.values).map(|(k, v)| (k.clone(), toml_to_json(v))).collect();
            json!({ "index": i, "values": values, "dir": point_dir(i), "summary": summary })
        })
        .collect();
    json!({
        "scenario": stem,
        "name": loaded.scenario.name,
        "seed": loaded.scenario.seed,
        "replications": loaded.scenario.replications,
        "sweep": { "parameters": sweep.parameters, "points": points },
    })
}

fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => (*f).into(),
        toml::Value::Boolean(b) => (*b).into(),
        other => show(other).into(),
    }
}

/// The key figures of a sweep point, from one replication's statistics.
fn key_figures(s: &Stats) -> [(&'static str, f64); KeyFigure::SWEEP_TABLE.len()] {
    let total = s.total();
    KeyFigure::SWEEP_TABLE.map(|f| (f.key(), f.of(&total, s)))
}

/// `sweep.csv`: one row per point, the parameter values, then each key
/// figure's mean over replications with its 95 % interval.
pub fn sweep_csv(loaded: &Loaded, results: &[RunResult]) -> String {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    let names = key_figures(&results[0].stats).map(|(n, _)| n);
    let mut out = String::from("point");
    for p in &sweep.parameters {
        out.push(',');
        out.push_str(&crate::mdr::csv(p));
    }
    for n in names {
        out.push_str(&format!(",{n},{n}_ci_low,{n}_ci_high"));
    }
    out.push('\n');
    for (i, (p, r)) in sweep.points.iter().zip(results).enumerate() {
        out.push_str(&i.to_string());
        for v in &p.values {
            out.push(',');
            out.push_str(&crate::mdr::csv(&show(v)));
        }
        let per_rep: Vec<[(&str, f64); KeyFigure::SWEEP_TABLE.len()]> = r.each().iter().map(key_figures).collect();
        for k in 0..names.len() {
            let xs: Vec<f64> = per_rep.iter().map(|f| f[k].1).collect();
            let i = mean_ci(&xs);
            for x in [i.mean, i.low, i.high] {
                out.push(',');
                out.push_str(&csv_number(x));
            }
        }
        out.push('\n');
    }
    out
}

/// `x` to 12 significant digits, as short as they allow: a mean of counts
/// reads `56.25429`, not the `56.254290000000005` of the float sum, and no
/// figure of a simulated sample is known to more digits than that.
fn csv_number(x: f64) -> String {
    format!("{x:.11e}").parse::<f64>().map_or_else(|_| x.to_string(), |rounded| rounded.to_string())
}

#[cfg(test)]
mod tests {
    use super::{csv_number, truncate};

    #[test]
    fn csv_numbers_drop_the_noise_of_float_sums() {
        assert_eq!(csv_number(56.254290000000005), "56.25429");
        assert_eq!(csv_number(24.362195352599997), "24.3621953526");
        assert_eq!(csv_number(7147.160570522071), "7147.16057052");
        assert_eq!(csv_number(0.00029175028036423884), "0.000291750280364");
        assert_eq!(csv_number(0.0), "0");
        assert_eq!(csv_number(7215.7), "7215.7");
        assert_eq!(csv_number(1e-20), "0.00000000000000000001");
    }

    #[test]
    fn long_names_are_cut_keeping_a_sweep_point_whole() {
        assert_eq!(truncate("provider_presets_sweep [bandwidth]", 28), "provider_preset… [bandwidth]");
        assert_eq!(truncate("provider_presets_sweep [plivo]", 28).chars().count(), 28);
        assert_eq!(truncate("otp_expiry_sweep [1m]", 28), "otp_expiry_sweep [1m]");
        // A point too long to keep, or no point: cut at the end.
        assert_eq!(truncate("s [a point label longer than the column]", 12), "s [a point …");
        assert_eq!(truncate("a_very_long_scenario_file_name_here", 12), "a_very_long…");
    }
}
