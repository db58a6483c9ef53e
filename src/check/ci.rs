//! What `a2psim check` prints and writes for people and CI systems: a
//! table, JSON, GitHub annotations and JUnit XML.

use crate::check::baseline::Regression;
use crate::check::expect::Verdict;
use crate::report::html::escape;
use crate::report::human::counted;
use serde_json::json;

/// A measured value as people compare it: whole numbers whole, others to
/// four significant digits (`0.01577`, not `0.015770181075782708`).
pub(crate) fn shown(v: Option<f64>) -> String {
    let Some(v) = v else { return "absent".into() };
    if v.fract() == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (3 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn point(v: &Verdict) -> String {
    v.point.as_ref().map_or(String::new(), |p| format!(" [{p}]"))
}

/// A measured value with, over replications, its interval: `36.78 (30.12–43.44)`.
fn measured(v: &Verdict) -> String {
    match v.interval {
        Some(i) if v.value.is_some() => format!("{} ({}–{})", shown(v.value), shown(Some(i.low)), shown(Some(i.high))),
        _ => shown(v.value),
    }
}

/// The human table, one line per expectation, then the regressions.
/// `regressions` is `None` when no baseline was given.
pub(crate) fn table(verdicts: &[Verdict], regressions: Option<&[Regression]>) -> String {
    let mut out = format!("{:<36} {:<44} {:>24} {:>18}  result\n", "scenario", "expectation", "measured", "bound");
    for v in verdicts {
        out.push_str(&format!(
            "{:<36} {:<44} {:>24} {:>18}  {}\n",
            format!("{}{}", v.scenario, point(v)),
            v.metric,
            measured(v),
            v.bound,
            if v.passed { "pass" } else { "FAIL" }
        ));
    }
    for r in regressions.unwrap_or_default() {
        out.push_str(&format!(
            "{:<36} {:<44} {:>24} {:>18}  WORSE ({})\n",
            r.key,
            format!("baseline: {}", r.metric),
            shown(Some(r.now)),
            format!("was {}", shown(Some(r.baseline))),
            r.change()
        ));
    }
    let mut replications: Vec<u64> = verdicts.iter().filter_map(|v| v.interval.map(|i| i.replications)).collect();
    replications.dedup();
    if let [r] = replications[..] {
        out.push_str(&format!("(measured: mean of {r} replications, 95 % interval in brackets)\n"));
    } else if !replications.is_empty() {
        out.push_str("(measured: mean over each scenario's replications, 95 % interval in brackets)\n");
    }
    let failed = verdicts.iter().filter(|v| !v.passed).count();
    out.push_str(&format!("{} passed, {failed} failed", verdicts.len() - failed));
    if let Some(r) = regressions {
        out.push_str(&format!("; {} against the baseline", counted(r.len(), "regression")));
    }
    out.push('\n');
    out
}

/// JSON for scripts.
pub(crate) fn json(verdicts: &[Verdict], regressions: &[Regression]) -> String {
    let v = json!({
        "passed": verdicts.iter().all(|v| v.passed) && regressions.is_empty(),
        "expectations": verdicts.iter().map(|v| json!({
            "scenario": v.scenario, "file": v.file, "line": v.line, "point": v.point,
            "metric": v.metric, "bound": v.bound, "value": v.value, "passed": v.passed,
            "replications": v.interval.map_or(1, |i| i.replications),
            "ci_low": v.interval.map(|i| i.low), "ci_high": v.interval.map(|i| i.high),
        })).collect::<Vec<_>>(),
        "regressions": regressions.iter().map(|r| json!({
            "run": r.key, "metric": r.metric, "baseline": r.baseline, "now": r.now, "change": r.change(),
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: an error annotation at each failing
/// `[[expect]]` line, and one per regression at the top of the file.
pub(crate) fn github(
    verdicts: &[Verdict],
    regressions: Option<&[Regression]>,
    file_of: impl Fn(&str) -> String,
) -> String {
    // GitHub's escapes: of the message, and also of `:` and `,` in properties.
    let clean = |s: String| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let property = |s: String| clean(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for v in verdicts.iter().filter(|v| !v.passed) {
        let msg = format!("{}{}: {} is {}, expected {}", v.scenario, point(v), v.metric, shown(v.value), v.bound);
        out.push_str(&format!(
            "::error file={},line={},title=a2psim expectation failed::{}\n",
            property(v.file.clone()),
            v.line,
            clean(msg)
        ));
    }
    for r in regressions.unwrap_or_default() {
        let stem = r.key.split(" [").next().unwrap_or(&r.key);
        let msg = format!("{}: {} is {} against a baseline of {} ({})", r.key, r.metric, r.now, r.baseline, r.change());
        out.push_str(&format!(
            "::error file={},line=1,title=a2psim regression::{}\n",
            property(file_of(stem)),
            clean(msg)
        ));
    }
    out.push_str(&table(verdicts, regressions));
    out
}

/// JUnit XML: a test suite per scenario, a test case per expectation (and
/// per regression), as GitLab, Jenkins and GitHub test reporters read it.
pub(crate) fn junit(verdicts: &[Verdict], regressions: &[Regression]) -> String {
    let mut suites: Vec<String> = verdicts.iter().map(|v| v.scenario.clone()).collect();
    suites.extend(regressions.iter().map(|r| r.key.split(" [").next().unwrap_or(&r.key).to_string()));
    suites.dedup();
    let mut seen = Vec::new();
    suites.retain(|s| {
        let new = !seen.contains(s);
        seen.push(s.clone());
        new
    });
    let total = verdicts.len() + regressions.len();
    let failures = verdicts.iter().filter(|v| !v.passed).count() + regressions.len();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"a2psim check\" tests=\"{total}\" failures=\"{failures}\">\n"
    );
    for suite in &suites {
        let cases: Vec<&Verdict> = verdicts.iter().filter(|v| &v.scenario == suite).collect();
        let regs: Vec<&Regression> =
            regressions.iter().filter(|r| r.key.split(" [").next() == Some(suite.as_str())).collect();
        let failed = cases.iter().filter(|v| !v.passed).count() + regs.len();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">\n",
            escape(suite),
            cases.len() + regs.len()
        ));
        for v in cases {
            let name = format!("{}{} {}", v.metric, point(v), v.bound);
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                escape(&name),
                escape(suite),
                escape(&v.file),
                v.line
            ));
            if v.passed {
                out.push_str("/>\n");
            } else {
                let msg = format!("{} is {}, expected {}", v.metric, shown(v.value), v.bound);
                out.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"expectation\"/>\n    </testcase>\n",
                    escape(&msg)
                ));
            }
        }
        for r in regs {
            let msg = format!("{} is {} against a baseline of {} ({})", r.metric, r.now, r.baseline, r.change());
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\">\n      <failure message=\"{}\" type=\"regression\"/>\n    </testcase>\n",
                escape(&format!("baseline {} {}", r.key, r.metric)),
                escape(suite),
                escape(&msg)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::expect::Interval;

    #[test]
    fn measured_values_are_shown_to_four_significant_digits() {
        assert_eq!(shown(Some(0.015770181075782708)), "0.01577");
        assert_eq!(shown(Some(0.26666666666666666)), "0.2667");
        assert_eq!(shown(Some(1234.5678)), "1235");
        assert_eq!(shown(Some(12.0)), "12");
        assert_eq!(shown(Some(0.5)), "0.5");
        assert_eq!(shown(None), "absent");
    }

    #[test]
    fn regressions_are_shown_as_measured_values_are() {
        let r = Regression {
            key: "s".into(),
            metric: "expiry_rate".into(),
            baseline: 0.061332548904250626,
            now: 0.06552122066931658,
        };
        let line = table(&[], Some(&[r])).lines().nth(1).unwrap().to_string();
        assert!(
            line.contains(" 0.06552 ") && line.contains("was 0.06133") && line.ends_with("WORSE (+6.8 %)"),
            "{line}"
        );
    }

    #[test]
    fn the_baseline_is_mentioned_only_when_one_was_given() {
        assert_eq!(table(&[], None).lines().last(), Some("0 passed, 0 failed"));
        assert_eq!(
            table(&[], Some(&[])).lines().last(),
            Some("0 passed, 0 failed; 0 regressions against the baseline")
        );
    }

    #[test]
    fn a_mean_of_replications_says_so_with_its_interval() {
        let verdict = |interval| Verdict {
            scenario: "promo".into(),
            file: "promo.toml".into(),
            line: 12,
            point: None,
            metric: "drain_time_s".into(),
            bound: "<= 7200".into(),
            value: Some(601.66),
            interval,
            passed: true,
        };
        let mean = verdict(Some(Interval { replications: 3, low: 600.21, high: 603.12 }));
        let lines: Vec<String> = table(&[mean], None).lines().map(str::to_string).collect();
        assert!(lines[1].contains("  601.7 (600.2–603.1)  "), "{}", lines[1]);
        assert_eq!(lines[2], "(measured: mean of 3 replications, 95 % interval in brackets)");
        let one = table(&[verdict(None)], None);
        assert!(one.contains(" 601.7 ") && !one.contains("mean of"), "{one}");
    }
}
