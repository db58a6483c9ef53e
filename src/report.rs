//! Turning a run's figures into files and text: `summary.json`,
//! `timeseries.csv`, the terminal table. Pure functions, plus one place
//! that writes files atomically.

use crate::model::{Carrier, Outcome};
use crate::scenario::Scenario;
use crate::simulate::RunResult;
use crate::stats::{CARRIER_COLUMNS, Group, Latency, SERIES_COLUMNS};
use serde_json::{Map, Value, json};
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
    m.insert("late".into(), g.late.into());
    Value::Object(m)
}

fn group(g: &Group) -> Value {
    json!({
        "messages": messages(g),
        "expiry_rate": g.expiry_rate(),
        "queue_wait_s": latency(&g.queue_wait),
        "end_to_end_s": latency(&g.end_to_end),
        "cost_usd": g.cost.usd(),
    })
}

/// `summary.json` of one scenario. `stem` is the scenario file's stem.
pub fn summary(stem: &str, sc: &Scenario, r: &RunResult) -> Value {
    let s = &r.stats;
    let total = s.total();
    let streams: Map<String, Value> =
        sc.traffic.iter().zip(&s.streams).map(|(t, g)| (t.name.clone(), group(g))).collect();
    let carriers: Map<String, Value> =
        Carrier::ALL.iter().map(|c| (c.name().to_string(), group(&s.carriers[c.index()]))).collect();
    let caps: Vec<Value> = r
        .daily_caps
        .iter()
        .map(|d| {
            json!({
                "brand": sc.brands[d.brand].id,
                "day": d.date.to_string(),
                "cap": d.cap,
                "used": d.used,
                "failed": d.failed,
                "exhausted_at": d.exhausted_at.map(|t| sc.calendar.pacific_rfc3339(t)),
            })
        })
        .collect();
    let codes: Map<String, Value> = Outcome::ALL
        .iter()
        .filter(|o| !matches!(o, Outcome::Delivered | Outcome::QueuedAtEnd | Outcome::InFlightAtEnd))
        .map(|o| (o.name().to_string(), sc.error_codes[o.index()].map_or(Value::Null, Value::from)))
        .collect();
    json!({
        "scenario": stem,
        "name": sc.name,
        "seed": sc.seed,
        "replications": sc.replications,
        "start": sc.calendar.pacific_rfc3339(crate::time::SimTime::ZERO),
        "horizon_s": sc.horizon.map(|h| h.as_secs_f64()),
        "messages": messages(&total),
        "expiry_rate": total.expiry_rate(),
        "queue_wait_s": latency(&total.queue_wait),
        "end_to_end_s": latency(&total.end_to_end),
        "drain_time_s": s.drain.as_secs_f64(),
        "cost_usd": total.cost.usd(),
        "streams": streams,
        "carriers": carriers,
        "daily_caps": caps,
        "error_codes": codes,
    })
}

/// `timeseries.csv`: one row per `timeseries_step` from the start.
pub fn timeseries(sc: &Scenario, r: &RunResult) -> String {
    let series = &r.stats.series;
    let mut out = String::from("t_s,time");
    for c in SERIES_COLUMNS {
        out.push(',');
        out.push_str(c);
    }
    for carrier in Carrier::ALL {
        for c in CARRIER_COLUMNS {
            out.push_str(&format!(",{}_{c}", carrier.name()));
        }
    }
    out.push('\n');
    let step = series.step();
    for (i, row) in series.rows().iter().enumerate() {
        let t = crate::time::SimTime::from_nanos(step.as_nanos() * i as u64);
        out.push_str(&format!("{},{}", t.as_secs_f64(), sc.calendar.pacific_rfc3339(t)));
        for v in row {
            out.push_str(&format!(",{v}"));
        }
        out.push('\n');
    }
    out
}

/// The one-screen table printed after a run.
pub fn table(rows: &[(String, &Scenario, &RunResult)]) -> String {
    let mut out = format!(
        "{:<28} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>10} {:>10} {:>10}\n",
        "scenario / stream",
        "accepted",
        "delivered",
        "expired",
        "exp.rate",
        "cap fail",
        "other",
        "p99 wait",
        "drain",
        "cost USD"
    );
    for (stem, sc, r) in rows {
        let line = |name: &str, g: &Group, drain: Option<f64>| {
            let other = g.count(Outcome::Undelivered)
                + g.count(Outcome::Blocked)
                + g.count(Outcome::Rejected)
                + g.count(Outcome::QueuedAtEnd)
                + g.count(Outcome::InFlightAtEnd);
            format!(
                "{:<28} {:>9} {:>9} {:>8} {:>7.2}% {:>8} {:>9} {:>10} {:>10} {:>10.2}\n",
                truncate(name, 28),
                g.accepted,
                g.count(Outcome::Delivered),
                g.count(Outcome::Expired),
                100.0 * g.expiry_rate(),
                g.count(Outcome::FailedDailyCap),
                other,
                seconds(g.queue_wait.summary().p99),
                drain.map_or(String::new(), seconds),
                g.cost.usd(),
            )
        };
        out.push_str(&line(stem, &r.stats.total(), Some(r.stats.drain.as_secs_f64())));
        if sc.traffic.len() > 1 {
            for (t, g) in sc.traffic.iter().zip(&r.stats.streams) {
                out.push_str(&line(&format!("  {}", t.name), g, None));
            }
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).chain(['…']).collect() }
}

/// Seconds in a short human form: `0.25s`, `42s`, `3m20s`, `2h05m`.
fn seconds(s: f64) -> String {
    match s {
        s if s < 60.0 => format!("{}s", (s * 100.0).round() / 100.0),
        s if s < 3600.0 => format!("{}m{:02}s", (s / 60.0) as u64, (s % 60.0) as u64),
        s => format!("{}h{:02}m", (s / 3600.0) as u64, ((s % 3600.0) / 60.0) as u64),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `summary.json` and `timeseries.csv` of one scenario into `dir`.
pub fn write_run(dir: &Path, stem: &str, sc: &Scenario, r: &RunResult) -> std::io::Result<()> {
    let mut json = serde_json::to_string_pretty(&summary(stem, sc, r)).expect("JSON values serialise");
    json.push('\n');
    write_atomic(&dir.join("summary.json"), json.as_bytes())?;
    write_atomic(&dir.join("timeseries.csv"), timeseries(sc, r).as_bytes())
}
