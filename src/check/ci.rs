//! What `a2psim check` prints and writes for people and CI systems: a
//! table, JSON, GitHub annotations and JUnit XML.

use crate::check::baseline::Regression;
use crate::check::expect::Verdict;
use crate::report::html::escape;
use serde_json::json;

fn shown(v: Option<f64>) -> String {
    v.map_or("absent".into(), |v| format!("{v}"))
}

fn point(v: &Verdict) -> String {
    v.point.as_ref().map_or(String::new(), |p| format!(" [{p}]"))
}

/// The human table, one line per expectation, then the regressions.
pub(crate) fn table(verdicts: &[Verdict], regressions: &[Regression]) -> String {
    let mut out = format!("{:<36} {:<44} {:>14} {:>18}  result\n", "scenario", "expectation", "measured", "bound");
    for v in verdicts {
        out.push_str(&format!(
            "{:<36} {:<44} {:>14} {:>18}  {}\n",
            format!("{}{}", v.scenario, point(v)),
            v.metric,
            shown(v.value),
            v.bound,
            if v.passed { "pass" } else { "FAIL" }
        ));
    }
    for r in regressions {
        out.push_str(&format!(
            "{:<36} {:<44} {:>14} {:>18}  WORSE ({})\n",
            r.key,
            format!("baseline: {}", r.metric),
            r.now,
            format!("was {}", r.baseline),
            r.change()
        ));
    }
    let failed = verdicts.iter().filter(|v| !v.passed).count();
    out.push_str(&format!(
        "{} passed, {failed} failed; {} regression(s) against the baseline\n",
        verdicts.len() - failed,
        regressions.len()
    ));
    out
}

/// JSON for scripts.
pub(crate) fn json(verdicts: &[Verdict], regressions: &[Regression]) -> String {
    let v = json!({
        "passed": verdicts.iter().all(|v| v.passed) && regressions.is_empty(),
        "expectations": verdicts.iter().map(|v| json!({
            "scenario": v.scenario, "file": v.file, "line": v.line, "point": v.point,
            "metric": v.metric, "bound": v.bound, "value": v.value, "passed": v.passed,
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
pub(crate) fn github(verdicts: &[Verdict], regressions: &[Regression], file_of: impl Fn(&str) -> String) -> String {
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
    for r in regressions {
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
