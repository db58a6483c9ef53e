//! Capacity baselines: key figures recorded once (`a2psim baseline`) and
//! compared on every `a2psim check --baseline`, so a change that makes
//! things worse fails the build even where no `[[expect]]` says so.

use crate::scenario::bounds::MAX_RESULTS_BYTES;
use crate::stats::figure::KeyFigure;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The current baseline file layout: 2 keeps counts and costs per
/// replication (1 kept their sum, which changed with `--replications`).
pub(crate) const FORMAT: u32 = 2;

/// Key figures per scenario (and per sweep point), by path in `summary.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Baseline {
    pub(crate) format: u32,
    pub(crate) scenarios: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Where a run stands in a baseline: `stem`, or `stem [values]` for a sweep point.
pub(crate) fn key(stem: &str, point: Option<&str>) -> String {
    match point {
        Some(p) => format!("{stem} [{p}]"),
        None => stem.to_string(),
    }
}

/// Figures of a summary where higher is worse: [`KeyFigure::BASELINE`] of
/// the run and [`KeyFigure::BASELINE_PER_STREAM`] of each stream. Counts
/// and costs are per replication, so a baseline recorded with 5 compares
/// with a check run with 10.
fn key_figures(summary: &Value) -> BTreeMap<String, f64> {
    let path = |f: KeyFigure| f.path().expect("baseline figures are in summary.json");
    let mut paths: Vec<(String, KeyFigure)> = KeyFigure::BASELINE.iter().map(|&f| (path(f).to_string(), f)).collect();
    if let Some(streams) = summary["streams"].as_object() {
        for name in streams.keys() {
            paths.extend(KeyFigure::BASELINE_PER_STREAM.iter().map(|&f| (format!("streams.{name}.{}", path(f)), f)));
        }
    }
    let replications = summary["replications"].as_f64().filter(|&r| r >= 1.0).unwrap_or(1.0);
    paths
        .into_iter()
        .filter_map(|(p, f)| {
            let v = crate::check::expect::lookup(summary, &p).and_then(Value::as_f64)?;
            Some((p, if f.is_total() { v / replications } else { v }))
        })
        .collect()
}

/// A baseline file that cannot be used, or a tolerance that is not one.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BaselineError {
    #[error("{}: cannot read: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: not an a2psim baseline: {why}", .path.display())]
    NotBaseline { path: PathBuf, why: String },
    #[error("{}: baseline format {found}, this a2psim reads {FORMAT}", .path.display())]
    Format { path: PathBuf, found: u32 },
    #[error("--tolerance: expected a percentage with its unit, such as 5%, found \"{0}\"")]
    Tolerance(String),
    /// A `--min-delta` that is not `KIND=VALUE`.
    #[error("--min-delta: expected seconds=, rate=, count= or usd= and a number of at least 0, found \"{0}\"")]
    MinDelta(String),
}

impl Baseline {
    /// Reads a baseline file written by `a2psim baseline`.
    pub(crate) fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = crate::load::read_regular(path, MAX_RESULTS_BYTES)
            .map_err(|source| BaselineError::Read { path: path.into(), source })?;
        let b: Baseline = serde_json::from_slice(&bytes)
            .map_err(|e| BaselineError::NotBaseline { path: path.into(), why: e.to_string() })?;
        if b.format != FORMAT {
            return Err(BaselineError::Format { path: path.into(), found: b.format });
        }
        Ok(b)
    }

    /// Records the key figures of runs given as (key, summary).
    pub(crate) fn record<'a>(runs: impl IntoIterator<Item = (String, &'a Value)>) -> Baseline {
        Baseline { format: FORMAT, scenarios: runs.into_iter().map(|(k, s)| (k, key_figures(s))).collect() }
    }
}

/// A figure that got worse than its baseline by more than the tolerance.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Regression {
    pub(crate) key: String,
    pub(crate) metric: String,
    pub(crate) baseline: f64,
    pub(crate) now: f64,
}

impl Regression {
    /// `+12.5 %`, or the absolute change when the baseline was zero.
    pub(crate) fn change(&self) -> String {
        if self.baseline == 0.0 {
            format!("from 0 to {}", crate::check::ci::shown(Some(self.now)))
        } else {
            format!("{:+.1} %", (self.now / self.baseline - 1.0) * 100.0)
        }
    }
}

/// The smallest worsening of each kind of figure that counts, whatever the
/// tolerance: a p99 wait going from 0.0186 s to 0.0240 s is +29 %, and no
/// one would notice it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct MinDelta {
    /// Waits, latencies and drain times, in seconds.
    pub seconds: f64,
    /// Expiry and other rates (0.001 is 0.1 percentage point).
    pub rate: f64,
    /// Message counts.
    pub count: f64,
    /// Cost, in US dollars.
    pub usd: f64,
}

impl Default for MinDelta {
    fn default() -> MinDelta {
        MinDelta { seconds: 1.0, rate: 0.001, count: 1.0, usd: 0.01 }
    }
}

impl MinDelta {
    /// Sets one kind from `--min-delta KIND=VALUE`.
    pub(crate) fn set(&mut self, arg: &str) -> Result<(), BaselineError> {
        let bad = || BaselineError::MinDelta(arg.to_string());
        let (kind, value) = arg.split_once('=').ok_or_else(bad)?;
        let value: f64 = value.trim().parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0).ok_or_else(bad)?;
        let slot = match kind.trim() {
            "seconds" => &mut self.seconds,
            "rate" => &mut self.rate,
            "count" => &mut self.count,
            "usd" => &mut self.usd,
            _ => return Err(bad()),
        };
        *slot = value;
        Ok(())
    }

    /// The smallest worsening of the figure at `metric` (a baseline path).
    fn of(&self, metric: &str) -> f64 {
        let figure = KeyFigure::BASELINE.into_iter().find(|f| f.path().is_some_and(|p| metric.ends_with(p)));
        match figure {
            Some(f) if f.is_seconds() => self.seconds,
            Some(f) if f.is_rate() => self.rate,
            Some(KeyFigure::Cost) => self.usd,
            _ => self.count,
        }
    }
}

/// Figures of `now` worse than in `base` by more than `tolerance` (0.05 for
/// 5 %) and by at least `min` of their kind. Runs absent from the baseline
/// are not compared.
pub(crate) fn compare(base: &Baseline, now: &Baseline, tolerance: f64, min: &MinDelta) -> Vec<Regression> {
    let mut out = Vec::new();
    for (key, figures) in &now.scenarios {
        let Some(old) = base.scenarios.get(key) else { continue };
        for (metric, &v) in figures {
            let Some(&b) = old.get(metric) else { continue };
            if v > b + tolerance * b.abs() + 1e-12 && v - b >= min.of(metric) - 1e-12 {
                out.push(Regression { key: key.clone(), metric: metric.clone(), baseline: b, now: v });
            }
        }
    }
    out
}

/// `5%` as 0.05. The unit is required: a bare `5` could mean 5 % or 500 %.
pub(crate) fn parse_tolerance(s: &str) -> Result<f64, BaselineError> {
    let bad = || BaselineError::Tolerance(s.to_string());
    let percent = s.trim().strip_suffix('%').ok_or_else(bad)?.trim().parse::<f64>().map_err(|_| bad())?;
    (percent.is_finite() && percent >= 0.0).then_some(percent / 100.0).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn regressions_respect_the_tolerance() {
        let old = json!({ "expiry_rate": 0.10, "drain_time_s": 100.0, "cost_usd": 5.0, "streams": { "otp": { "expiry_rate": 0.0 } } });
        let new = json!({ "expiry_rate": 0.104, "drain_time_s": 110.0, "cost_usd": 4.0, "streams": { "otp": { "expiry_rate": 0.01 } } });
        let base = Baseline::record([("s".to_string(), &old)]);
        let now = Baseline::record([("s".to_string(), &new)]);
        let r = compare(&base, &now, 0.05, &MinDelta::default());
        let names: Vec<&str> = r.iter().map(|x| x.metric.as_str()).collect();
        assert_eq!(names, vec!["drain_time_s", "streams.otp.expiry_rate"]);
        assert_eq!(r[0].change(), "+10.0 %");
        assert_eq!(r[1].change(), "from 0 to 0.01");
        assert!(compare(&base, &now, 0.2, &MinDelta::default()).iter().all(|x| x.metric != "drain_time_s"));
        assert_eq!(parse_tolerance("5%").unwrap(), 0.05);
        assert_eq!(parse_tolerance(" 12.5 % ").unwrap(), 0.125);
        for bad in ["5", "0.05", "-1%", "five%", "%", "NaN%"] {
            assert!(parse_tolerance(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn small_worsenings_are_not_regressions_whatever_their_percentage() {
        let summary = |p99: f64, cost: f64| json!({ "queue_wait_s": { "p99": p99 }, "cost_usd": cost, "messages": { "late": 0 } });
        let (old, new) = (summary(0.0186, 10.0), summary(0.0240, 10.005));
        let base = Baseline::record([("s".to_string(), &old)]);
        let now = Baseline::record([("s".to_string(), &new)]);
        assert!(compare(&base, &now, 0.05, &MinDelta::default()).is_empty(), "+29 % of 5 ms, half a cent");
        let mut strict = MinDelta::default();
        strict.set("seconds=0.001").unwrap();
        let r = compare(&base, &now, 0.05, &strict);
        assert_eq!(r.iter().map(|x| x.metric.as_str()).collect::<Vec<_>>(), ["queue_wait_s.p99"]);
        assert!(strict.set("minutes=1").is_err() && strict.set("rate=-1").is_err() && strict.set("usd").is_err());
    }
}
