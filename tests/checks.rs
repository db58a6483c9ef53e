//! Scenario files as CI checks: expectations, `a2psim check`, JUnit, baselines.

use crate::helpers::*;
use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const FAILING: &str = "tests/fixtures/failing.toml";

#[test]
fn the_shipped_ci_scenarios_pass() {
    let o = a2psim(&["check", "scenarios/ci"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(out.contains("otp_carrier_outage") && out.contains("streams.otp.expiry_rate (ci_high)"), "{out}");
    assert!(out.contains("promo_numbers [10]") && !out.contains("FAIL"), "{out}");
    assert!(out.contains("7 passed, 0 failed"), "{out}");
}

#[test]
fn a_failing_expectation_exits_1_with_a_table() {
    let o = a2psim(&["check", FAILING], &repo());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("streams.otp.expiry_rate")).unwrap();
    assert!(line.contains("0.2667") && line.contains("<= 0.001") && line.ends_with("FAIL"), "{line}");
    assert!(out.lines().any(|l| l.contains("messages.delivered") && l.ends_with("pass")), "{out}");
    assert!(out.contains("1 passed, 1 failed"), "{out}");
}

#[test]
fn github_format_annotates_the_failing_expect_line() {
    let o = a2psim(&["check", FAILING, "--format", "github"], &repo());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(errors.len(), 1, "{out}");
    // The failing [[expect]] table starts on line 27 of the fixture.
    let text = std::fs::read_to_string(repo().join(FAILING)).unwrap();
    let expect_line = text.lines().enumerate().filter(|(_, l)| l.trim() == "[[expect]]").nth(1).unwrap().0 + 1;
    assert_eq!(expect_line, 27);
    assert!(
        errors[0].starts_with(&format!("::error file={FAILING},line={expect_line},title=a2psim expectation failed::")),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("streams.otp.expiry_rate is 0.2667, expected <= 0.001"));
}

#[test]
fn json_format_is_machine_readable() {
    let o = a2psim(&["check", FAILING, "--format", "json"], &repo());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["expectations"].as_array().unwrap().len(), 2);
    assert_eq!(v["expectations"][1]["metric"], "streams.otp.expiry_rate");
    assert_eq!(v["expectations"][1]["line"], 27);
    assert_eq!(v["expectations"][1]["passed"], false);
}

#[test]
fn junit_has_a_case_per_expectation_and_reads_back() {
    let dir = tempdir();
    let report = dir.path().join("junit.xml");
    let o = a2psim(&["check", FAILING, "scenarios/ci", "--junit", report.to_str().unwrap()], &repo());
    assert_eq!(o.status.code(), Some(1));
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("9"));
    assert_eq!(root.attribute("failures"), Some("1"));
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(names, vec!["failing", "daily_cap_headroom", "otp_carrier_outage", "promo_numbers"]);
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 9);
    let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(failures.len(), 1);
    let message = failures[0].attribute("message").unwrap();
    assert_eq!(message, "streams.otp.expiry_rate is 0.2667, expected <= 0.001");
    let case = failures[0].parent().unwrap();
    assert_eq!(case.attribute("file"), Some(FAILING));
    assert_eq!(case.attribute("line"), Some("27"));
}

const PROMO: &str = r#"start = "2026-03-10T10:00:00-07:00"
seed = 3
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "promo"
sender = "tf"
kind = "promotional"
arrival = { process = "burst", count = 3000, at = "0s" }
"#;

#[test]
fn a_baseline_catches_a_regression_and_respects_the_tolerance() {
    let dir = tempdir();
    std::fs::write(dir.path().join("promo.toml"), PROMO).unwrap();
    let o = a2psim(&["baseline", "promo.toml", "--out", "base.json"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let base: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("base.json")).unwrap()).unwrap();
    assert_eq!(base["scenarios"]["promo"]["drain_time_s"], 599.0);
    // Unchanged: passes.
    let o = a2psim(&["check", "promo.toml", "--baseline", "base.json"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // 10 % more traffic drains 10 % later: worse than 5 %, within 15 %.
    std::fs::write(dir.path().join("promo.toml"), PROMO.replace("count = 3000", "count = 3300")).unwrap();
    let o = a2psim(&["check", "promo.toml", "--baseline", "base.json"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("baseline: drain_time_s")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("659") && line.contains("was 599") && line.contains("WORSE (+10.0 %)"), "{line}");
    let o = a2psim(&["check", "promo.toml", "--baseline", "base.json", "--tolerance", "15%"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = a2psim(&["check", "promo.toml", "--baseline", "base.json", "--tolerance", "lots"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(dir.path().join("bad.json"), "{}").unwrap();
    assert_eq!(a2psim(&["check", "promo.toml", "--baseline", "bad.json"], dir.path()).status.code(), Some(2));
}

/// A latency figure of a stream that delivered nothing is no measurement:
/// the expectation on it fails, though summary.json writes 0.
#[test]
fn a_latency_that_measured_nothing_fails_its_expectation() {
    let dir = tempdir();
    let stopped = format!(
        "{PROMO}message_expiry = \"60s\"\n[[outages]]\nscope = \"platform\"\nstart = \"0s\"\nduration = \"36500d\"\n\
         [[expect]]\nmetric = \"streams.promo.end_to_end_s.p99\"\nmax = 1\n\
         [[expect]]\nmetric = \"streams.promo.end_to_end_s.count\"\nmax = 0\n"
    );
    std::fs::write(dir.path().join("stopped.toml"), stopped).unwrap();
    let o = a2psim(&["check", "stopped.toml", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let verdicts = json["expectations"].as_array().unwrap();
    assert_eq!(verdicts[0]["passed"], false, "{}", verdicts[0]);
    assert!(verdicts[0]["value"].is_null(), "{}", verdicts[0]);
    assert_eq!(verdicts[1]["passed"], true, "the count itself is measured: {}", verdicts[1]);
}

/// Counts and costs are kept per replication: a check run with more
/// replications than its baseline is compared like with like.
#[test]
fn a_baseline_compares_per_replication_whatever_the_replications() {
    let dir = tempdir();
    std::fs::write(dir.path().join("promo.toml"), PROMO).unwrap();
    let cost = |replications: &str| {
        let out = format!("base{replications}.json");
        let o = a2psim(&["baseline", "promo.toml", "--replications", replications, "--out", &out], dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let base: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join(out)).unwrap()).unwrap();
        base["scenarios"]["promo"]["cost_usd"].as_f64().unwrap()
    };
    let one = cost("1");
    assert!(one > 0.0);
    // Carriers are drawn per replication, so surcharges differ a little.
    let two = cost("2");
    assert!((two - one).abs() / one < 0.01, "a replication's cost ({two}), not two's ({one} alone)");
    let o = a2psim(&["check", "promo.toml", "--baseline", "base2.json", "--replications", "4"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 regressions against the baseline"), "{}", stdout(&o));
    // A baseline of the earlier layout (sums over replications) is refused.
    let old = std::fs::read_to_string(dir.path().join("base2.json")).unwrap().replace("\"format\": 2", "\"format\": 1");
    std::fs::write(dir.path().join("old.json"), old).unwrap();
    let o = a2psim(&["check", "promo.toml", "--baseline", "old.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("baseline format 1, this a2psim reads 2"));
}

/// Validates `text` (as bad.toml) and returns stderr, asserting exit 2.
fn refused(text: &str) -> String {
    let dir = tempdir();
    std::fs::write(dir.path().join("bad.toml"), text).unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_metrics_and_points_are_validation_errors() {
    let err = refused(&format!("{PROMO}[[expect]]\nmetric = \"streams.promo.expiry_rat\"\nmax = 0\n"));
    assert!(err.contains("bad.toml:12:10: `expect.metric`: summary.json has no figure \"streams.promo.expiry_rat\"; did you mean streams.promo.expiry_rate"), "{err}");
    let err = refused(&format!("{PROMO}[[expect]]\nmetric = \"timeseries_step_s\"\non = \"ci_low\"\nmax = 0\n"));
    assert!(err.contains("bad.toml:12:10: `expect.on`: \"timeseries_step_s\" has no confidence interval"), "{err}");
    let err = refused(&format!(
        "{PROMO}[[expect]]\nmetric = \"drain_time_s\"\npoint = {{ \"senders.tf.numbers\" = 2 }}\nmax = 0\n"
    ));
    assert!(err.contains("bad.toml:13:9: `expect.point`: this scenario has no [sweep]"), "{err}");
    let sweep = format!("{PROMO}[sweep]\n\"senders.tf.numbers\" = [1, 2]\n");
    let err = refused(&format!(
        "{sweep}[[expect]]\nmetric = \"drain_time_s\"\npoint = {{ \"senders.tf.numbers\" = 3 }}\nmax = 0\n"
    ));
    assert!(err.contains("`expect.point`: no sweep point has these values"), "{err}");
    let err = refused(&format!(
        "{sweep}[[expect]]\nmetric = \"drain_time_s\"\npoint = {{ \"account.sms_mps\" = 3 }}\nmax = 0\n"
    ));
    assert!(err.contains("\"account.sms_mps\" is not swept (swept: senders.tf.numbers)"), "{err}");
    let err = refused(&format!("{PROMO}[[expect]]\nmetric = \"drain_time_s\"\non = \"median\"\nmax = 0\n"));
    assert!(err.contains("expected one of \"mean\", \"ci_low\", \"ci_high\""), "{err}");
}

#[test]
fn expectations_read_the_interval_ends_with_replications() {
    let text = PROMO.replace("seed = 3\n", "seed = 3\nreplications = 4\n").replace(
        "arrival = { process = \"burst\", count = 3000, at = \"0s\" }",
        "arrival = { process = \"poisson\", rate = \"20/s\", until = \"2m\" }",
    );
    let loaded = loaded(&format!(
        "{text}[[expect]]\nmetric = \"queue_wait_s.p99\"\non = \"ci_high\"\nmax = 1e3\n[[expect]]\nmetric = \"queue_wait_s.p99\"\nmax = 1e3\n"
    ));
    let r = a2psim::run::simulate::simulate(&loaded.scenario);
    let summary = a2psim::report::summary("p", &loaded.scenario, &r);
    let verdicts = a2psim::check::expect::evaluate("p", "p.toml", &loaded, std::slice::from_ref(&r));
    assert_eq!(verdicts[0].value, summary["confidence"]["queue_wait_s"]["p99"]["ci_high"].as_f64());
    assert_eq!(verdicts[1].value, summary["confidence"]["queue_wait_s"]["p99"]["mean"].as_f64());
    assert!(verdicts[0].value > verdicts[1].value);
}

/// Regressions are listed in the order the scenarios were given, not the
/// baseline file's alphabetical order.
#[test]
fn regressions_follow_the_order_of_the_scenarios() {
    let dir = tempdir();
    let text = |n: u32| {
        format!(
            "start = \"2026-03-10T08:00:00-07:00\"\n[[senders]]\nid = \"sc\"\ntype = \"short_code\"\n[[traffic]]\nname = \"t\"\nsender = \"sc\"\narrival = {{ process = \"burst\", count = {n}, at = \"0s\" }}\n"
        )
    };
    for name in ["b", "a"] {
        std::fs::write(dir.path().join(format!("{name}.toml")), text(10)).unwrap();
    }
    assert!(a2psim(&["baseline", "b.toml", "a.toml", "--out", "base.json"], dir.path()).status.success());
    for name in ["b", "a"] {
        std::fs::write(dir.path().join(format!("{name}.toml")), text(40)).unwrap();
    }
    let o = a2psim(&["check", "b.toml", "a.toml", "--baseline", "base.json"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let first = |name: &str| out.lines().position(|l| l.starts_with(name) && l.contains("WORSE")).unwrap();
    assert!(first("b ") < first("a "), "{out}");
}

#[test]
fn metrics_of_named_streams_are_found_among_many_streams_and_misspelt_ones_get_suggestions() {
    // Stream names that prefix one another: "p" must not stand for "p2".
    let streams: String = ["p", "p2", "q"]
        .iter()
        .map(|n| {
            format!("[[traffic]]\nname = \"{n}\"\nsender = \"tf\"\narrival = {{ process = \"burst\", count = 5 }}\n")
        })
        .collect();
    let base =
        format!("start = \"2026-03-10T10:00:00-07:00\"\n[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n{streams}");
    let dir = tempdir();
    let good = format!(
        "{base}[[expect]]\nmetric = \"streams.p.expiry_rate\"\non = \"ci_high\"\nmax = 0\n\
         [[expect]]\nmetric = \"streams.p2.end_to_end_s.p99\"\nmax = 60\n"
    );
    std::fs::write(dir.path().join("good.toml"), good).unwrap();
    let o = a2psim(&["validate", "good.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let err = refused(&format!("{base}[[expect]]\nmetric = \"streams.p3.expiry_rate\"\nmax = 0\n"));
    assert!(err.contains("no figure \"streams.p3.expiry_rate\"; did you mean streams.p.expiry_rate, streams.p2.expiry_rate, streams.q.expiry_rate?"), "{err}");
    // A path to a stream rather than to one of its figures is told so, with its own figures.
    let err = refused(&format!("{base}[[expect]]\nmetric = \"streams.p\"\nmax = 0\n"));
    let wanted = "\"streams.p\" is a group of figures in summary.json, not one; did you mean streams.p.messages.accepted, streams.p.messages.delivered";
    assert!(err.contains(wanted), "{err}");
}

#[test]
fn a_stream_whose_name_holds_dots_is_checked_and_swept_by_its_name() {
    // "otp" beside "otp.v2": each path reaches its own stream.
    let stream = |name: &str, count: u32| {
        format!(
            "[[traffic]]\nname = \"{name}\"\nsender = \"tf\"\narrival = {{ process = \"burst\", count = {count} }}\n"
        )
    };
    let text = format!(
        "start = \"2026-03-10T10:00:00-07:00\"\n[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n{}{}\
         [[expect]]\nmetric = \"streams.otp.v2.messages.delivered\"\nmin = 7\nmax = 7\n\
         [[expect]]\nmetric = \"streams.otp.messages.delivered\"\nmin = 3\nmax = 3\n",
        stream("otp", 3),
        stream("otp.v2", 7)
    );
    let dir = tempdir();
    std::fs::write(dir.path().join("dots.toml"), text).unwrap();
    let o = a2psim(&["check", "dots.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("2 passed, 0 failed"), "{}", stdout(&o));
    let o = a2psim(&["run", "dots.toml", "--sweep", "traffic.otp.v2.message_expiry=1m,2m", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let sweep = std::fs::read_to_string(dir.path().join("reports/dots/sweep.csv")).unwrap();
    assert!(sweep.starts_with("point,traffic.otp.v2.message_expiry,"), "{sweep}");
}
