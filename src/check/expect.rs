//! Expectations: `[[expect]]` assertions on `summary.json` that turn a
//! scenario file into a check a CI build can fail on.

use crate::load::{Diagnostic, Expect, Loaded, Point, edit_distance};
use crate::report;
use crate::run::simulate::RunResult;
use crate::scenario::{Scenario, Stream};
use crate::stats::Stats;
use serde_json::Value;

use crate::scenario::model::On;

/// The 95 % interval of the mean over replications, beside a measured value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Replications the mean is over.
    pub replications: u64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// The interval of `e`'s figure in a `summary.json` of several replications.
fn interval(e: &Expect, summary: &Value) -> Option<Interval> {
    let c = lookup(&summary["confidence"], &e.metric)?;
    let replications = summary["replications"].as_u64().filter(|&r| r > 1)?;
    Some(Interval { replications, low: c["ci_low"].as_f64()?, high: c["ci_high"].as_f64()? })
}

/// The measured value of `e` in a `summary.json`.
pub(crate) fn measure(e: &Expect, summary: &Value) -> Option<f64> {
    if unmeasured(&e.metric, summary) {
        return None;
    }
    let confidence = lookup(&summary["confidence"], &e.metric);
    match (e.on, confidence) {
        (On::Mean, Some(c)) => c["mean"].as_f64(),
        (On::Mean, None) => lookup(summary, &e.metric)?.as_f64(),
        (on, Some(c)) => c[on.name()].as_f64(),
        // One replication: the interval is the value ite.
        (_, None) => lookup(summary, &e.metric)?.as_f64(),
    }
}

/// Whether `metric` is a statistic of a latency distribution that measured
/// no message (nothing delivered, nothing dispatched): `summary.json` writes
/// its zeros, but they are no measurement, so an expectation on one fails
/// rather than passes ("p99 under 1 s" of a stream that delivered nothing).
fn unmeasured(metric: &str, summary: &Value) -> bool {
    let Some((distribution, statistic)) = metric.rsplit_once('.') else { return false };
    let count = || lookup(summary, &format!("{distribution}.count")).and_then(Value::as_u64);
    matches!(statistic, "mean" | "p50" | "p90" | "p99" | "max") && count() == Some(0)
}

/// The value at a dotted path (array items by index). A key may hold dots
/// itself (a stream named `otp.v2`): the longest key that leads on to the
/// rest of the path is taken, so `streams.otp.v2.late_rate` finds stream
/// `otp.v2` even beside a stream `otp`.
pub(crate) fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let at = |key: &str| match key.parse::<usize>() {
        Ok(i) if v.is_array() => v.get(i),
        _ => v.get(key),
    };
    at(path).or_else(|| path.rmatch_indices('.').find_map(|(i, _)| lookup(at(&path[..i])?, &path[i + 1..])))
}

/// `summary.json` of an empty run with two replications: every figure a
/// run can report, at its path, with a `confidence` section; of the streams
/// `keep` keeps, since a summary of 10,000 streams takes most of a gigabyte.
fn template(sc: &Scenario, keep: impl Fn(&Stream) -> bool) -> Value {
    let mut sc = sc.clone();
    sc.traffic.retain(keep);
    let empty = Stats::for_scenario(&sc);
    let r = RunResult::new(empty.clone(), vec![empty.clone(), empty], Vec::new(), 0);
    report::summary("template", &sc, &r)
}

/// Dotted paths of the numeric figures of `v`.
fn figures(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                figures(inner, &path, out);
            }
        }
        Value::Number(_) | Value::Null => out.push(prefix.to_string()),
        _ => {}
    }
}

/// The metric paths an `[[expect]]` may name, as one ECMA-262 pattern for
/// the JSON Schema: every figure of the summary of a small scenario of two
/// replications (so with its `confidence` section), where a stream's name
/// may be any name; a daily cap's figures by index; and the provider
/// queue's limit, in all or per sender. Made from the summary itself, so a
/// figure added to `summary.json` is in the schema too.
pub fn metric_pattern() -> String {
    const SMALL: &str = "start = \"2026-03-10T08:00:00-07:00\"\n[[senders]]\nid = \"s\"\ntype = \"short_code\"\n\
[[traffic]]\nname = \"t\"\nsender = \"s\"\narrival = { process = \"burst\", count = 1 }\n";
    let loaded = crate::load::parse(SMALL, "small.toml", "small", std::path::Path::new(".")).expect("it loads");
    let mut paths = Vec::new();
    figures(&template(&loaded.scenario, |_| true), "", &mut paths);
    let mut root = Trie::default();
    for path in &paths {
        let mut node = &mut root;
        let mut after_streams = false;
        for part in path.split('.') {
            // A stream's name may hold dots.
            let key = if after_streams { ".+".to_string() } else { regex_escape(part) };
            after_streams = part == "streams";
            node = node.children.entry(key).or_default();
        }
        node.leaf = true;
    }
    root.children.remove("provider_queue");
    let fixed = [r"daily_caps\.[0-9]+\.(?:cap|used|failed|replication)", r"provider_queue(?:\.max(?:\.[^.]+)?)?"];
    format!("^(?:{}|{})$", root.alternatives(), fixed.join("|"))
}

/// Path segments as a tree, for [`metric_pattern`].
#[derive(Default)]
struct Trie {
    /// A path ends here.
    leaf: bool,
    children: std::collections::BTreeMap<String, Trie>,
}

impl Trie {
    /// The children as one alternation; children whose own subtrees are
    /// alike share one branch (`(?:att|tmobile)\.(?:...)`), so the four
    /// carriers' figures are written once.
    fn alternatives(&self) -> String {
        let mut by_rest: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
        for (key, child) in &self.children {
            let rest = match (child.children.is_empty(), child.leaf) {
                (true, _) => String::new(),
                (false, false) => format!(r"\.(?:{})", child.alternatives()),
                (false, true) => format!(r"(?:\.(?:{}))?", child.alternatives()),
            };
            by_rest.entry(rest).or_default().push(key);
        }
        let branches: Vec<String> = by_rest
            .into_iter()
            .map(|(rest, keys)| match keys.as_slice() {
                [one] => format!("{one}{rest}"),
                many => format!("(?:{}){rest}", many.join("|")),
            })
            .collect();
        branches.join("|")
    }
}

/// `s` with the characters a regular expression gives meaning escaped.
fn regex_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if r"\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// A daily-cap figure: `daily_caps.<n>.<cap|used|failed>`.
fn is_daily_cap_figure(path: &str) -> bool {
    let parts: Vec<&str> = path.split('.').collect();
    matches!(parts.as_slice(), ["daily_caps", n, "cap" | "used" | "failed" | "replication"] if n.parse::<usize>().is_ok())
}

/// The closest known paths to a mistyped one.
fn suggestions(path: &str, known: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = known.iter().map(|k| (edit_distance(path, k), k)).collect();
    scored.sort();
    scored.into_iter().take(3).filter(|(d, _)| *d <= path.len().max(4) / 2).map(|(_, k)| k.clone()).collect()
}

/// Checks every expectation's metric path and point against the scenario.
pub(crate) fn validated(loaded: Loaded, file: &str) -> Result<Loaded, Vec<Diagnostic>> {
    if loaded.expects.is_empty() {
        return Ok(loaded);
    }
    // The streams an expectation names; all of them only to suggest a path.
    let named = |t: &Stream| {
        loaded.expects.iter().any(|e| {
            let rest = e.metric.strip_prefix("streams.").and_then(|r| r.strip_prefix(t.name.as_str()));
            rest.is_some_and(|r| r.is_empty() || r.starts_with('.'))
        })
    };
    let t = template(&loaded.scenario, named);
    let mut known: Option<Vec<String>> = None;
    let mut errors = Vec::new();
    let mut error = |(line, column): (usize, usize), message: String| {
        errors.push(Diagnostic { file: file.to_string(), line, column, message, warning: false });
    };
    for e in &loaded.expects {
        let at = lookup(&t, &e.metric);
        let found = at.is_some_and(|v| v.is_number() || v.is_null());
        if !found && !is_daily_cap_figure(&e.metric) {
            // A path to a group of figures (a stream, a carrier) is offered its first figures.
            let group = at.filter(|v| v.is_object());
            let close = match group {
                Some(v) => {
                    let mut inside = Vec::new();
                    figures(v, &e.metric, &mut inside);
                    inside.truncate(3);
                    inside
                }
                None => {
                    let known = known.get_or_insert_with(|| {
                        let mut known = Vec::new();
                        figures(&template(&loaded.scenario, |_| true), "", &mut known);
                        known.retain(|k| !k.starts_with("confidence."));
                        known
                    });
                    suggestions(&e.metric, known)
                }
            };
            let hint = if close.is_empty() { String::new() } else { format!("; did you mean {}?", close.join(", ")) };
            let what = match group {
                Some(_) => format!("\"{}\" is a group of figures in summary.json, not one", e.metric),
                None => format!("summary.json has no figure \"{}\"", e.metric),
            };
            error(e.metric_at, format!("`expect.metric`: {what}{hint}"));
        } else if e.on != On::Mean && lookup(&t["confidence"], &e.metric).is_none() {
            error(e.metric_at, format!("`expect.on`: \"{}\" has no confidence interval (use on = \"mean\")", e.metric));
        }
        let (Some(point), Some(at)) = (&e.point, e.point_at) else { continue };
        let Some(sweep) = &loaded.sweep else {
            error(at, "`expect.point`: this scenario has no [sweep] to choose a point from".into());
            continue;
        };
        if let Some((path, _)) = point.iter().find(|(p, _)| !sweep.parameters.contains(p)) {
            error(at, format!("`expect.point`: \"{path}\" is not swept (swept: {})", sweep.parameters.join(", ")));
        } else if !sweep.points.iter().any(|p| e.applies_to(&sweep.parameters, &p.values)) {
            error(at, "`expect.point`: no sweep point has these values".into());
        }
    }
    if errors.is_empty() { Ok(loaded) } else { Err(errors) }
}

/// The result of one expectation at one run (or sweep point).
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The scenario (file stem).
    pub scenario: String,
    /// The scenario file.
    pub file: String,
    /// Line of the `[[expect]]` table.
    pub line: usize,
    /// The sweep point's values, for a sweep.
    pub point: Option<String>,
    /// The figure, with the interval end read when not the mean.
    pub metric: String,
    /// The bound, as `>= 0.5 and <= 2`.
    pub bound: String,
    /// `None` when the figure is absent from this run (a daily-cap day that did not happen).
    pub value: Option<f64>,
    /// With replications, the interval of the mean the value is (or ends).
    pub interval: Option<Interval>,
    /// Whether the value is within the bound.
    pub passed: bool,
}

/// Evaluates every expectation of a scenario at each of its points.
pub fn evaluate(stem: &str, file: &str, loaded: &Loaded, results: &[RunResult]) -> Vec<Verdict> {
    let points: Vec<(&Scenario, Option<&Point>)> = match &loaded.sweep {
        None => vec![(&loaded.scenario, None)],
        Some(s) => s.points.iter().map(|p| (&p.loaded.scenario, Some(p))).collect(),
    };
    let mut out = Vec::new();
    for ((sc, point), r) in points.into_iter().zip(results) {
        let summary = report::summary(stem, sc, r);
        let label = point.map(|p| p.to_string());
        for e in &loaded.expects {
            if let (Some(p), Some(sweep)) = (point, &loaded.sweep)
                && !e.applies_to(&sweep.parameters, &p.values)
            {
                continue;
            }
            let value = measure(e, &summary);
            out.push(Verdict {
                scenario: stem.to_string(),
                file: file.to_string(),
                line: e.line,
                point: label.clone(),
                metric: e.label(),
                bound: e.bound(),
                value,
                interval: interval(e, &summary),
                passed: value.is_some_and(|v| e.passes(v)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key may hold dots: the longest one that leads on to the rest wins.
    #[test]
    fn a_path_reaches_a_stream_whose_name_holds_dots() {
        let v = serde_json::json!({
            "streams": { "otp": { "late_rate": 1 }, "otp.v2": { "late_rate": 2 } },
            "daily_caps": [{ "cap": 3 }],
        });
        let at = |path| lookup(&v, path).and_then(Value::as_f64);
        assert_eq!(at("streams.otp.v2.late_rate"), Some(2.0));
        assert_eq!(at("streams.otp.late_rate"), Some(1.0));
        assert_eq!(at("daily_caps.0.cap"), Some(3.0));
        assert_eq!(at("streams.otp.v3.late_rate"), None);
        assert_eq!(at("streams.otp.v2"), None, "a stream, not a figure");
    }
}
