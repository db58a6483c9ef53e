//! `a2psim plan`: the least (or most) value keeping every promise.

use crate::helpers::*;

const EXAMPLE: &str = "scenarios/plan/toll_free_numbers_for_a_deadline.toml";

/// Runs `a2psim plan` on `text` (as `p.toml`) in `dir`: exit code, stdout, stderr, plan.json.
fn plan_in(dir: &std::path::Path, text: &str) -> (Option<i32>, String, String, Option<serde_json::Value>) {
    std::fs::write(dir.join("p.toml"), text).unwrap();
    let o = a2psim(&["plan", "p.toml", "--out", "out"], dir);
    let json = std::fs::read(dir.join("out/p/plan.json")).ok().map(|b| serde_json::from_slice(&b).unwrap());
    (o.status.code(), String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap(), json)
}

fn plan(text: &str) -> (Option<i32>, String, String, Option<serde_json::Value>) {
    plan_in(tempdir().path(), text)
}

/// OTPs beside a batch, planned over their expiry against two promises
/// that go opposite ways: short expiries lose too many, long ones deliver
/// too many late. Both ends fail, the middle passes.
fn opposite_promises() -> String {
    std::fs::read_to_string(repo().join("scenarios/plan/account_mps_for_otp_beside_a_batch.toml"))
        .unwrap()
        .replace("message_expiry = \"1m\"\n", "message_expiry = \"1m\"\nuseful_life = \"1m\"\n")
        .replace("sms_mps = 10 ", "sms_mps = 55 ")
        .replace(
            "vary = \"account.sms_mps\"\nrange = [10, 200]\ngoal = \"least\"",
            "vary = \"traffic.otp.message_expiry\"\nrange = [\"50s\", \"2m\"]\nstep = \"5s\"",
        )
        .replace("max = 0.01", "max = 0.03\n\n[[expect]]\nmetric = \"streams.otp.messages.late\"\nmax = 50")
}

/// Plans `base` with each (from, to) replacement: refused (exit 2, no
/// plan.json) with `wanted` in a message at a place in the file.
fn refused(base: &str, cases: &[(&str, &str, &str)]) {
    for (from, to, wanted) in cases {
        assert!(base.contains(from), "{from}");
        let (code, _, err, json) = plan(&base.replace(from, to));
        assert_eq!(code, Some(2), "{to}: {err}");
        assert!(err.starts_with("p.toml:") && err.contains(wanted), "{to}: {err}");
        assert!(json.is_none());
    }
}

fn example() -> String {
    std::fs::read_to_string(repo().join(EXAMPLE)).unwrap()
}

#[test]
fn the_least_numbers_for_a_deadline_and_why_one_fewer_fails() {
    // 100,000 at once; toll-free numbers send 25 a second each, the account 100:
    // 2 numbers drain in 1,999 s (over 1,800), 3 in 1,333 s.
    let dir = tempdir();
    let (code, out, err, json) = plan_in(dir.path(), &example());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.lines().next().unwrap(),
        "p: 3 is the least `senders.tf.numbers` meeting every expectation (6 of 10 candidates evaluated); \
         at 2: `drain_time_s` = 1999 (bound <= 1800)"
    );
    let json = json.unwrap();
    assert_eq!((json["answer"].as_str(), json["monotone"].as_bool()), (Some("3"), Some(true)));
    let evaluated: Vec<(&str, bool, f64)> = json["evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["value"].as_str().unwrap(),
                e["passed"].as_bool().unwrap(),
                e["figures"]["drain_time_s"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(evaluated[..3], [("1", false, 3999.0), ("2", false, 1999.0), ("3", true, 1333.0)]);
    assert!(evaluated.len() < 10, "a search, not every candidate");
    // The report: the answer, a row per candidate evaluated, the promise's chart.
    let page = std::fs::read_to_string(dir.path().join("out/p/report.html")).unwrap();
    assert!(page.contains("<p class=\"advice\" id=\"answer\">3 is the least `senders.tf.numbers`"), "{page}");
    assert!(page.contains("<tr><td class=\"l\">2</td><td class=\"l\">broken</td><td>1,999</td></tr>"), "{page}");
    assert!(page.contains("<tr><td class=\"l\">3 (answer)</td><td class=\"l\">kept</td><td>1,333</td></tr>"));
    let index = std::fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    assert!(index.contains("<a href=\"p/report.html\">p</a> — Least toll-free numbers for a 09:00 batch out by 09:30"));
    let svg = std::fs::read_to_string(dir.path().join("out/p/plan_0.svg")).unwrap();
    assert!(svg.contains("answer 3") && svg.contains("&lt;= 1800"), "the answer and the bound are marked");
}

#[test]
fn the_most_and_none_at_all() {
    // The most numbers that still leave the batch over 30 minutes: 2.
    let most = example().replace("goal = \"least\"", "goal = \"most\"").replace("max = 1800", "min = 1800");
    let (code, out, _, json) = plan(&most);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("p: 2 is the most `senders.tf.numbers` meeting every expectation"), "{out}");
    assert!(out.contains("at 3: `drain_time_s` = 1333 (bound >= 1800)"), "{out}");
    assert_eq!(json.unwrap()["answer"], "2");
    // With 1 or 2 numbers nothing meets the deadline: exit 1, and why at the best.
    let (code, out, _, json) = plan(&example().replace("range = [1, 10]", "range = [1, 2]"));
    assert_eq!(code, Some(1));
    assert!(out.contains("no `senders.tf.numbers` from 1 to 2 meets every expectation"), "{out}");
    assert!(out.contains("at 2: `drain_time_s` = 1999 (bound <= 1800)"), "{out}");
    assert!(json.unwrap()["answer"].is_null());
}

#[test]
fn durations_with_a_step_and_listed_options() {
    let three = example().replace("numbers = 1 ", "numbers = 3 ");
    // Listed candidates, in order.
    let (code, out, _, _) = plan(&example().replace("range = [1, 10]", "options = [1, 2, 3, 4]"));
    assert_eq!(code, Some(0));
    assert!(out.starts_with("p: 3 is the least"), "{out}");
    // Durations `step` apart: with 3 numbers the last message waits 1,333 s
    // (22m13s), so the least expiry losing none, in 5-minute steps, is 25m.
    let text = three
        .replace(
            "vary = \"senders.tf.numbers\"\nrange = [1, 10]",
            "vary = \"traffic.reminders.message_expiry\"\nrange = [\"5m\", \"30m\"]\nstep = \"5m\"",
        )
        .replace("metric = \"drain_time_s\"", "metric = \"messages.expired\"")
        .replace("max = 1800", "max = 0");
    let (code, out, err, json) = plan(&text);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("p: 25m is the least `traffic.reminders.message_expiry`"), "{out}");
    assert!(!err.contains("warning"), "the plan's candidates replace the file's value silently: {err}");
    let json = json.unwrap();
    assert_eq!(json["candidates"], 6);
    assert_eq!(json["answer"], "25m");
}

#[test]
fn each_way_to_get_a_plan_wrong_says_where_and_what() {
    let base = example();
    let cases = [
        ("vary = \"senders.tf.numbers\"\n", "", "`plan` needs `vary`"),
        ("range = [1, 10]", "range = [10, 1]", "`plan.range`: the high end (1) is below the low end (10)"),
        ("range = [1, 10]", "range = [1, 10]\noptions = [1]", "`plan` needs either `range = [low, high]` or `options"),
        ("range = [1, 10]", "range = [\"1m\", \"5m\"]", "`plan` needs `step`"),
        ("range = [1, 10]", "range = [1]", "`plan.range`: expected [low, high]"),
        ("goal = \"least\"", "goal = \"fewest\"", "`plan.goal`: expected one of \"least\", \"most\""),
        ("range = [1, 10]", "range = [-1, 9223372036854775807]", "9223372036854775809 candidates, more than 10000"),
        ("range = [1, 10]", "options = [1, 5, 3]", "`plan.options`: list numbers and durations rising, each once"),
        ("range = [1, 10]", "options = [1, 2, 2]", "`plan.options`: list numbers and durations rising, each once"),
        ("range = [1, 10]", "range = [\"0s\", \"10m\"]\nstep = \"3m\"", "0s to 10m is not a whole number of 3m steps"),
        (&base[base.find("[[expect]]").unwrap()..], "", "`plan`: a plan needs at least one [[expect]]"),
        (
            "vary = \"senders.tf.numbers\"",
            "vary = \"senders.tff.numbers\"",
            "no [[senders]] has id, name or index \"tff\"",
        ),
    ];
    refused(&base, &cases);
    // A scenario without [plan]; a plan beside a sweep.
    let (code, _, err, _) = plan(
        &base
            .replace("[plan]", "[other]")
            .replace("[other]\n", "")
            .replace("vary = \"senders.tf.numbers\"\nrange = [1, 10]\ngoal = \"least\"\n", ""),
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("no [plan] to search"), "{err}");
    let (code, _, err, _) = plan(&format!("{base}[sweep]\n\"account.sms_mps\" = [50, 100]\n"));
    assert_eq!(code, Some(2));
    assert!(err.contains("searches its own parameter: remove [sweep]"), "{err}");
}

#[test]
fn every_shipped_plan_has_an_answer() {
    let dir = tempdir();
    let o = a2psim(&["plan", "scenarios/plan", "--out", &dir.path().display().to_string()], &repo());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let answer = |stem: &str| {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(stem).join("plan.json")).unwrap()).unwrap();
        (json["answer"].as_str().unwrap().to_string(), json["monotone"].as_bool().unwrap())
    };
    // OTPs behind 6,000 reminders: at 78/s the batch holds them back 77 s.
    assert_eq!(answer("account_mps_for_otp_beside_a_batch"), ("78".into(), true));
    // 60,000 at 100/s take 10 minutes (and a few seconds): queue them by 20:50.
    assert_eq!(answer("latest_start_before_quiet_hours"), ("11h50m".into(), true));
    assert_eq!(answer("toll_free_numbers_for_a_deadline"), ("3".into(), true));
    assert_eq!(answer("cheapest_number_type_and_count"), ("toll_free, 1".into(), true));
    let v = a2psim(&["validate", "scenarios/plan"], &repo());
    assert!(v.status.success());
    // The same candidates evaluated, and the same files, whatever the threads.
    for threads in ["1", "3"] {
        let other = tempdir();
        let out = other.path().display().to_string();
        let o = a2psim(&["plan", "scenarios/plan", "--out", &out, "--threads", threads, "-q"], &repo());
        assert_eq!(o.status.code(), Some(0));
        assert!(files(dir.path()) == files(other.path()), "{threads} threads");
    }
}

#[test]
fn a_plan_from_the_command_line() {
    // The example without its [plan]: --vary and --range say the same.
    let bare = example().replace("[plan]\nvary = \"senders.tf.numbers\"\nrange = [1, 10]\ngoal = \"least\"\n", "");
    assert!(!bare.contains("[plan]"));
    let dir = tempdir();
    std::fs::write(dir.path().join("p.toml"), &bare).unwrap();
    let args = ["plan", "p.toml", "--out", "out", "--vary", "senders.tf.numbers", "--range", "1..10"];
    let o = a2psim(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("p: 3 is the least `senders.tf.numbers`"));
    // Again into the same folder: the plan's folder is replaced whole.
    let o = a2psim(&[&args[..6], &["--options", "2,3", "--goal", "least"]].concat(), dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/p/plan.json")).unwrap()).unwrap();
    assert_eq!((json["candidates"].as_u64(), json["answer"].as_str()), (Some(2), Some("3")));
    // Each way to get it wrong.
    let err = |args: &[&str]| {
        let o = a2psim(args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--range", "10..1"]);
    assert!(e.starts_with("--vary:1:1: `plan.range`: the high end (1) is below the low end (10)"), "{e}");
    let e = err(&["plan", "p.toml", "--range", "1..3"]);
    assert!(e.contains("required arguments were not provided") && e.contains("--vary"), "{e}");
    std::fs::write(dir.path().join("own.toml"), example()).unwrap();
    let e = err(&["plan", "own.toml", "--vary", "senders.tf.numbers", "--range", "1..3"]);
    assert!(e.contains("own.toml:1:1: the file has its own [plan]: edit it, or leave out --vary"), "{e}");
}

const MIX: &str = "scenarios/plan/cheapest_number_type_and_count.toml";

#[test]
fn the_cheapest_mix_of_several_parameters() {
    let text = std::fs::read_to_string(repo().join(MIX)).unwrap();
    let (code, out, err, json) = plan(&text);
    assert_eq!(code, Some(0), "{err}");
    // Long codes at vetting score 30 break T-Mobile's cap; toll-free is cheaper than short code.
    assert_eq!(
        out.lines().next().unwrap(),
        "p: `senders.promo.type` = toll_free, `senders.promo.numbers` = 1 has the least cost (USD) (263.6) \
         of the candidates meeting every expectation (9 of 9 evaluated)"
    );
    let json = json.unwrap();
    assert_eq!((json["answer"].as_str(), json["minimize"].as_str()), (Some("toll_free, 1"), Some("cost_usd")));
    assert_eq!(json["vary"], "senders.promo.type, senders.promo.numbers");
    assert!(json["goal"].is_null(), "a minimizing plan has no goal");
    let kept: Vec<&str> = json["evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["passed"] == true)
        .map(|e| e["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        kept,
        ["toll_free, 1", "toll_free, 2", "toll_free, 4", "short_code, 1", "short_code, 2", "short_code, 4"]
    );
    // Each way to get it wrong, at its place.
    refused(
        &text,
        &[
            (
                "minimize = \"cost_usd\"",
                "minimize = \"cost\"",
                "p.toml:31:12: `plan.minimize`: expected one of accepted, ",
            ),
            ("minimize = \"cost_usd\"", "", "`plan` needs `minimize`"),
            ("[1, 2, 4]]", "[1, 2, 4], [1]]", "`plan` with several paths needs `options = [[...], ...]`"),
            (
                "minimize = \"cost_usd\"",
                "minimize = \"cost_usd\"\ngoal = \"most\"",
                "a plan that minimizes a figure has no `goal`",
            ),
        ],
    );
    let (_, _, err, _) = plan(&text.replace("minimize = \"cost_usd\"", "minimize = \"cost_us\""));
    assert!(err.trim_end().ends_with("found \"cost_us\"; did you mean \"cost_usd\"?"), "{err}");
}

#[test]
fn promises_going_opposite_ways_are_caught_and_every_candidate_evaluated() {
    let text = opposite_promises();
    assert!(text.contains("useful_life") && text.contains("range = [\"50s\", \"2m\"]"), "{text}");
    let (code, out, err, json) = plan(&text);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.starts_with("p: 1m is the least `traffic.otp.message_expiry` meeting every expectation (15 of 15"),
        "{out}"
    );
    assert!(out.contains("note: the expectations did not hold on one side of a threshold"), "{out}");
    assert_eq!(json.unwrap()["monotone"], false);
}
