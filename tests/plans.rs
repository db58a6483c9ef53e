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
    std::fs::read_to_string(repo().join("tests/fixtures/otp_beside_a_batch.toml"))
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
    assert!(
        page.contains("<p class=\"advice\" id=\"answer\">3 is the least <code>senders.tf.numbers</code>"),
        "{page}"
    );
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
        ("range = [1, 10]", "range = [\"1m\", \"5m\"]", "`plan` needs `step`"),
        ("range = [1, 10]", "range = [1]", "`plan.range`: expected [low, high]"),
        ("goal = \"least\"", "goal = \"fewest\"", "`plan.goal`: expected one of \"least\", \"most\""),
        ("range = [1, 10]", "range = [-1, 9223372036854775807]", "9223372036854775809 candidates, more than 10000"),
        ("range = [1, 10]", "options = [1, 5, 3]", "`plan.options`: list numbers and durations rising, each once"),
        ("range = [1, 10]", "options = [1, 2, 2]", "`plan.options`: list numbers and durations rising, each once"),
        ("range = [1, 10]", "range = [\"0s\", \"10m\"]\nstep = \"3m\"", "0s to 10m is not a whole number of 3m steps"),
        (&base[base.find("[[expect]]").unwrap()..], "", "p.toml:22:1: `plan`: a plan needs at least one [[expect]]"),
        (
            "range = [1, 10]",
            "range = [1, 10]\noptions = [1]",
            "`plan.options`: `plan` takes `range` or `options`, not both",
        ),
        (
            "range = [1, 10]",
            "options = [1, \"30s\", 3]",
            "`plan.options`: candidates are all numbers, all durations or all names: 1 is one of the numbers, 30s is not",
        ),
        (
            "vary = \"senders.tf.numbers\"",
            "vary = \"expect.0.max\"",
            "`plan.vary`: `expect.0.max` is a promise: the plan keeps every [[expect]] as written",
        ),
        ("vary = \"senders.tf.numbers\"", "vary = \"seed\"", "`plan.vary`: `seed` changes only the random draws"),
        (
            "vary = \"senders.tf.numbers\"",
            "vary = \"senders.tff.numbers\"",
            "p.toml:23:8: plan `senders.tff.numbers`: no [[senders]] has id, name or index \"tff\"",
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
    // Degraded to 30 %: at 32/s the account sends 9.6 a second against 10
    // arriving, and the backlog keeps OTP waits under their minute.
    assert_eq!(answer("account_mps_for_otp_through_an_outage"), ("32".into(), true));
    // 60,000 at 100/s take 10 minutes (and a few seconds): queue them by 20:50.
    assert_eq!(answer("latest_start_before_quiet_hours"), ("11h50m".into(), true));
    assert_eq!(answer("toll_free_numbers_for_a_deadline"), ("3".into(), true));
    assert_eq!(answer("cheapest_number_type_and_count"), ("toll_free, 1".into(), true));
    // 20,000 MMS, about 6,800 to each large carrier at 50 a minute per
    // number: 3 numbers take 45 minutes; score 10's cap (2,000 a day at
    // T-Mobile) fails whatever the numbers, score 30's (10,000) does not.
    assert_eq!(answer("fewest_numbers_and_vetting_band"), ("30, 3".into(), true));
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

/// The answer a full sweep gives: every candidate of `file`'s plan run by
/// `a2psim check` (pass or fail) and `a2psim run` (the figures), and the
/// first passing in the goal's order, or the passing one with the least
/// minimized figure (the first listed of a tie).
fn swept_answer(file: &std::path::Path) -> Option<String> {
    let loaded = a2psim::load::load_file(file, &[]).unwrap();
    let sweep = loaded.sweep.as_ref().unwrap();
    let spec = loaded.plan.as_ref().unwrap();
    let labels: Vec<String> = sweep.points.iter().map(|p| p.to_string()).collect();
    let args: Vec<String> = (0..sweep.parameters.len())
        .map(|j| {
            let mut values: Vec<String> = Vec::new();
            for p in &sweep.points {
                let v = a2psim::load::show(&p.values[j]);
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            format!("{}={}", sweep.parameters[j], values.join(","))
        })
        .collect();
    // The file without its [plan], swept over the same candidates.
    let text = std::fs::read_to_string(file).unwrap();
    let start = text.find("[plan]").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), format!("{}{}", &text[..start], &text[end..])).unwrap();
    let mut check = vec!["check", "s.toml", "--format", "json", "-q"];
    let mut run = vec!["run", "s.toml", "--out", "out", "-q"];
    for a in &args {
        check.extend(["--sweep", a.as_str()]);
        run.extend(["--sweep", a.as_str()]);
    }
    let o = a2psim(&check, dir.path());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let passed: Vec<bool> = labels
        .iter()
        .map(|l| {
            json["expectations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["point"] == l.as_str())
                .all(|e| e["passed"] == true)
        })
        .collect();
    let order: Vec<usize> = match spec.minimize.as_ref() {
        None if spec.goal == a2psim::load::Goal::Most => (0..labels.len()).rev().collect(),
        None => (0..labels.len()).collect(),
        Some(m) => {
            // Ordered by the figure (or the varied path's place in its list), stably.
            let key: Vec<f64> = match sweep.parameters.iter().position(|p| *p == m.figure) {
                Some(j) => sweep
                    .points
                    .iter()
                    .map(|p| sweep.points.iter().position(|q| q.values[j] == p.values[j]).unwrap() as f64)
                    .collect(),
                None => {
                    assert!(a2psim(&run, dir.path()).status.success());
                    let csv = std::fs::read_to_string(dir.path().join("out/s/sweep.csv")).unwrap();
                    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
                    let col = header.iter().position(|h| *h == m.figure).unwrap();
                    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
                    // One row per point (sweeps of one stream), in point order.
                    assert_eq!(rows.len(), labels.len(), "{csv}");
                    rows.iter().map(|r| r[col].parse().unwrap()).collect()
                }
            };
            let mut order: Vec<usize> = (0..labels.len()).collect();
            order.sort_by(|&a, &b| key[a].total_cmp(&key[b]));
            order
        }
    };
    order.into_iter().find(|&i| passed[i]).map(|i| labels[i].clone())
}

#[test]
fn every_shipped_plan_agrees_with_a_full_sweep() {
    for entry in std::fs::read_dir(repo().join("scenarios/plan")).unwrap() {
        let file = entry.unwrap().path();
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = tempdir();
        let o = a2psim(&["plan", &file.display().to_string(), "--out", "out", "-q"], dir.path());
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(format!("out/{stem}/plan.json"))).unwrap()).unwrap();
        assert_eq!(o.status.code(), Some(0), "{stem}");
        let said = String::from_utf8_lossy(&o.stdout);
        assert!(said.starts_with(&format!("{stem}: ")), "-q still prints the answer: {said}");
        assert_eq!(json["answer"].as_str().map(String::from), swept_answer(&file), "{stem}");
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
    std::fs::write(dir.path().join("own.toml"), example()).unwrap();
    let err = |args: &[&str]| {
        let o = a2psim(args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--range", "10..1"]);
    assert!(e.starts_with("--range:1:1: the high end (1) is below the low end (10)"), "{e}");
    // Each problem is placed on the option that caused it.
    let e = err(&["plan", "p.toml", "--vary", "traffic.0.message_expiry", "--range", "1m..5m", "--step", "0s"]);
    assert!(e.starts_with("--step:1:1: must be longer than zero"), "{e}");
    let e = err(&["plan", "p.toml", "--vary", "account.sms_mps", "--options", "1,x"]);
    assert!(e.starts_with("--options:1:1: candidates are all numbers"), "{e}");
    // A candidate refused is placed on the option that listed it; a bad path on --vary.
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--range", "0..3"]);
    assert!(e.starts_with("--range:1:1: plan `senders.tf.numbers` = 0: "), "{e}");
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--options", "0,2"]);
    assert!(e.starts_with("--options:1:1: plan `senders.tf.numbers` = 0: "), "{e}");
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numberz", "--range", "1..3"]);
    assert!(
        e.starts_with("--vary:1:1: plan `senders.tf.numberz`: unknown key") && e.contains("\n--vary:1:1: 2 more"),
        "{e}"
    );
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--range", "1...10"]);
    assert!(e.contains("expected LOW..HIGH with two dots between them, found \"1...10\""), "{e}");
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--range", "1.."]);
    assert!(e.contains("invalid value '1..' for '--range <LOW..HIGH>': expected LOW..HIGH"), "{e}");
    let e = err(&["plan", "p.toml", "--vary", "senders.tf.numbers", "--range", "1..3", "--sweep", "account.sms_mps=5"]);
    assert!(e.contains("--sweep account.sms_mps: a plan searches its own parameter: leave out --sweep"), "{e}");
    // An --out that cannot take the report is refused before anything runs.
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    std::fs::create_dir(dir.path().join("theirs")).unwrap();
    std::fs::write(dir.path().join("theirs/index.html"), "<p>our own page</p>").unwrap();
    for command in ["plan", "run"] {
        let e = err(&[command, "own.toml", "--out", "a-file/reports"]);
        assert!(e.contains("cannot write the report into a-file: it is a file, not a folder"), "{e}");
        let e = err(&[command, "own.toml", "--out", "theirs"]);
        assert!(e.contains("theirs/index.html: it exists and is not an index a2psim wrote"), "{e}");
        assert!(!dir.path().join("theirs/own").exists(), "refused before anything was written");
    }
    let help = String::from_utf8_lossy(&a2psim(&["plan", "--help"], dir.path()).stdout).into_owned();
    assert!(!help.contains("--sweep"), "a plan refuses --sweep, so its help does not offer it: {help}");
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
        "p: `senders.promo.type` = toll_free, `senders.promo.numbers` = 1 has the least cost (USD) \
         of the candidates meeting every expectation: 263.6 (9 of 9 evaluated)"
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
                "p.toml:31:12: `plan.minimize`: expected a key figure or a varied path, one of accepted, ",
            ),
            ("minimize = \"cost_usd\"", "", "`plan` needs `minimize`"),
            (
                "[1, 2, 4]]",
                "[1, 2, 4], [1]]",
                "p.toml:30:11: `plan.options`: expected `options = [[...], ...]`: for each of the 2 paths, a list of candidates or `{ range = [low, high] }`, found 3 entries",
            ),
            (
                "[1, 2, 4]]",
                "{ range = [4, 1] }]",
                "p.toml:30:64: `plan.options[1].range`: the high end (1) is below the low end (4)",
            ),
            (
                "[1, 2, 4]]",
                "{ rang = [1, 4] }]",
                "p.toml:30:56: unknown key `rang` in `plan.options[1]`; did you mean `range`?",
            ),
            ("[1, 2, 4]]", "[1, 2, 4]]\nrange = [1, 2]", "p.toml:31:9: `plan.range`: is for one parameter"),
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

#[test]
fn several_parameters_searched_along_one_and_checked() {
    let file = repo().join("scenarios/plan/fewest_numbers_and_vetting_band.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (code, out, err, json) = plan(&text);
    assert_eq!(code, Some(0), "{err}");
    // Each score's line of 20 searched, not the grid of 80.
    assert_eq!(
        out,
        "p: `brands.shop.vetting_score` = 30, `senders.mms.numbers` = 3 has the least `senders.mms.numbers` \
         of the candidates meeting every expectation (31 of 80 evaluated); \
         at `brands.shop.vetting_score` = 30, `senders.mms.numbers` = 2: `drain_time_s` = 4021 (bound <= 3600)\n"
    );
    let json = json.unwrap();
    let answer = serde_json::json!({ "brands.shop.vetting_score": "30", "senders.mms.numbers": "3" });
    assert_eq!(json["answer_values"], answer);
    assert_eq!(json["parameters"], serde_json::json!(["brands.shop.vetting_score", "senders.mms.numbers"]));
    assert_eq!(json["along"], "senders.mms.numbers");
    assert_eq!((json["minimize"].as_str(), json["monotone"].as_bool()), (Some("senders.mms.numbers"), Some(true)));
    // Its charts: each promise against the numbers, a line per score.
    let dir = tempdir();
    plan_in(dir.path(), &text);
    let svg = std::fs::read_to_string(dir.path().join("out/p/plan_0.svg")).unwrap();
    assert!(svg.contains("drain_time_s against senders.mms.numbers"), "{svg}");
    for score in [10, 30, 62, 80] {
        assert!(svg.contains(&format!("brands.shop.vetting_score = {score}")), "a line for score {score}");
    }
    assert!(svg.contains("answer 30, 3"));
    // The least drain time instead: it falls with every number added, so
    // past each line's first passing candidate the figure falls, and the
    // plan evaluates those lines whole (and says so).
    let falling = text.replace("minimize = \"senders.mms.numbers\"", "minimize = \"drain_time_s\"");
    let dir = tempdir();
    std::fs::write(dir.path().join("f.toml"), &falling).unwrap();
    let (code, out, err, json) = plan(&falling);
    assert_eq!(code, Some(0), "{err}");
    let json = json.unwrap();
    assert_eq!(json["monotone"], false);
    assert!(out.contains("or the minimized figure fell beyond it, so along `senders.mms.numbers`, those candidates were all evaluated"), "{out}");
    assert_eq!(json["answer"].as_str().map(String::from), swept_answer(&dir.path().join("f.toml")));
    assert!(json["answer"].as_str().unwrap().ends_with(", 20"), "the most numbers drain quickest");
    // Score 10 fails whatever the numbers: its line is searched, not evaluated whole.
    let tens = json["evaluated"].as_array().unwrap().iter().filter(|e| e["value"].as_str().unwrap().starts_with("10,"));
    assert!(tens.count() < 20);
}

#[test]
fn a_promise_between_two_bounds_is_evaluated_at_every_candidate() {
    // Drain times 3999, 1999, 1333, 1000, 800, 666, ... s for 1, 2, 3, ...
    // numbers: only 4 and 5 fall between 700 and 1100, where a first round
    // of 1, 4, 7, 10 could miss such a band.
    let band = example().replace("max = 1800", "min = 700\nmax = 1100");
    let (code, out, err, json) = plan(&band);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("p: 4 is the least `senders.tf.numbers` meeting every expectation (10 of 10"), "{out}");
    assert!(out.contains("note: `drain_time_s` must stay between two bounds, which a search may step over, so every candidate was evaluated"), "{out}");
    let json = json.unwrap();
    assert_eq!((json["monotone"].as_bool(), json["answer"].as_str()), (Some(false), Some("4")));
    let dir = tempdir();
    std::fs::write(dir.path().join("b.toml"), &band).unwrap();
    assert_eq!(swept_answer(&dir.path().join("b.toml")).as_deref(), Some("4"));
}

#[test]
fn a_typo_in_the_path_is_told_once_not_per_candidate() {
    let typo = example()
        .replace("vary = \"senders.tf.numbers\"", "vary = \"senders.tf.numbrs\"")
        .replace("range = [1, 10]", "range = [1, 10000]");
    let (code, _, err, _) = plan(&typo);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with(
            "p.toml:23:8: plan `senders.tf.numbrs`: unknown key `numbrs` in `senders.tf`; did you mean `numbers`?"
        ),
        "{err}"
    );
    assert_eq!(lines[1], "p.toml:23:8: 9999 more candidates are refused too, as above");
    // Values refused one by one: eight told, the rest counted.
    let (_, _, err, _) = plan(&example().replace("range = [1, 10]", "range = [-5000, 4000]"));
    assert_eq!(err.lines().count(), 9, "{err}");
    assert!(err.ends_with("4993 more candidates are refused too, as above\n"), "{err}");
}
