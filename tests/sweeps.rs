//! Replications, warm-up, sweeps, common random numbers, shards and merge.

use crate::helpers::*;
use a2psim::load::load_file;
use a2psim::report;
use a2psim::run::batch;
use a2psim::run::simulate::simulate;
use std::path::Path;
use std::process::Command;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

const OTP: &str = r#"start = "2026-03-10T09:00:00-07:00"
seed = 4
replications = 4
[account]
sms_mps = 2
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "otp"
sender = "tf"
message_expiry = "20s"
useful_life = "10s"
arrival = { process = "poisson", rate = "2.2/s", until = "10m" }
[[outages]]
scope = "platform"
start = "2m"
duration = "1m"
[sweep]
"traffic.otp.message_expiry" = ["10s", "30s", "2m"]
"account.sms_mps" = [2, 3]
"#;

#[test]
fn replications_pool_counts_and_report_confidence_intervals() {
    let sc = scenario(OTP.split("[sweep]").next().unwrap());
    let r = simulate(&sc);
    assert_eq!(r.each().len(), 4);
    let per: Vec<u64> = r.each().iter().map(|s| s.accepted()).collect();
    assert_eq!(r.stats.accepted(), per.iter().sum::<u64>());
    assert!(per.windows(2).any(|w| w[0] != w[1]), "replications must differ: {per:?}");
    let s = report::summary("otp", &sc, &r);
    let c = &s["confidence"];
    let mean = per.iter().sum::<u64>() as f64 / 4.0;
    assert!((c["messages"]["accepted"]["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    for key in ["expiry_rate", "drain_time_s", "cost_usd"] {
        let (lo, m, hi) =
            (c[key]["ci_low"].as_f64().unwrap(), c[key]["mean"].as_f64().unwrap(), c[key]["ci_high"].as_f64().unwrap());
        assert!(lo <= m && m <= hi, "{key}: {lo} {m} {hi}");
    }
    assert!(c["queue_wait_s"]["p99"]["half_width"].as_f64().unwrap() >= 0.0);
    assert!(c["streams"]["otp"]["expiry_rate"]["mean"].is_number());
    assert!(c["streams"]["otp"]["end_to_end_s"]["mean"]["mean"].is_number());
    // One replication: no confidence section.
    let one = scenario(OTP.replace("replications = 4", "replications = 1").split("[sweep]").next().unwrap());
    assert!(report::summary("otp", &one, &simulate(&one)).get("confidence").is_none());
}

#[test]
fn warmup_leaves_early_messages_out_of_the_statistics_only() {
    let text = format!(
        r#"{HEAD}
warmup = "5m"
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "t"
sender = "s"
arrival = {{ process = "burst", count = 7, at = "0s" }}
[[traffic]]
name = "u"
sender = "s"
arrival = {{ process = "burst", count = 3, at = "10m" }}
"#
    );
    let sc = scenario(&text);
    let r = simulate(&sc);
    let s = report::summary("w", &sc, &r);
    assert_eq!(s["messages"]["accepted"], 3);
    assert_eq!(s["messages"]["delivered"], 3);
    assert_eq!(s["warmup_s"], 300.0);
    // The simulation still ran them: the 7 early ones appear in the time series.
    let csv = report::timeseries(&sc, &r);
    assert_eq!(csv.lines().nth(1).unwrap().split(',').nth(2), Some("7"));
}

#[test]
fn changing_message_expiry_leaves_every_arrival_where_it_was() {
    let base = OTP.split("[sweep]").next().unwrap().to_string();
    let arrivals = |expiry: &str| {
        let sc = scenario(&base.replace("message_expiry = \"20s\"", &format!("message_expiry = \"{expiry}\"")));
        let (log, _) = run_log(&sc);
        let mut v: Vec<(u64, usize, u8)> =
            log.fates.iter().map(|f| (f.accepted.as_nanos(), f.stream, f.carrier.index() as u8)).collect();
        v.sort();
        v
    };
    let short = arrivals("5s");
    assert!(short.len() > 1000);
    assert_eq!(short, arrivals("3h"));
}

#[test]
fn the_shipped_expiry_sweep_never_expires_more_with_a_longer_expiry() {
    let loaded = load_file(&repo().join("scenarios/otp_expiry_sweep.toml"), &[]).unwrap();
    let sweep = loaded.sweep.as_ref().unwrap();
    assert_eq!(sweep.parameters, vec!["traffic.otp.message_expiry"]);
    assert_eq!(sweep.points.len(), 8);
    let rates: Vec<f64> = batch::points(&loaded).iter().map(|sc| simulate(sc).stats.total().expiry_rate()).collect();
    assert!(rates[0] > 0.0, "{rates:?}");
    assert!(rates.windows(2).all(|w| w[1] <= w[0]), "expiry rate rose: {rates:?}");
}

#[test]
fn a_sweep_writes_points_a_table_and_an_index() {
    let dir = tempdir();
    std::fs::write(dir.path().join("otp.toml"), OTP).unwrap();
    let o = a2psim(&["run", "otp.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.path().join("out/otp/sweep.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7);
    assert!(
        lines[0]
            .starts_with("point,traffic.otp.message_expiry,account.sms_mps,accepted,accepted_ci_low,accepted_ci_high,")
    );
    assert!(lines[1].starts_with("0,10s,2,") && lines[6].starts_with("5,2m,3,"), "{csv}");
    // Figures carry at most 12 significant digits, not a float sum's noise.
    let digits = |f: &str| f.trim_start_matches(['-', '0', '.']).chars().filter(char::is_ascii_digit).count();
    assert!(lines[1..].iter().flat_map(|l| l.split(',')).all(|f| digits(f) <= 12), "{csv}");
    let index = json(&dir.path().join("out/otp/summary.json"));
    assert_eq!(index["sweep"]["parameters"], serde_json::json!(["traffic.otp.message_expiry", "account.sms_mps"]));
    let p3 = &index["sweep"]["points"][3];
    assert_eq!(p3["values"], serde_json::json!({ "traffic.otp.message_expiry": "30s", "account.sms_mps": 3 }));
    let point = json(&dir.path().join("out/otp").join(p3["dir"].as_str().unwrap()).join("summary.json"));
    assert_eq!(&point, &p3["summary"]);
    assert!(point["confidence"].is_object());
    assert!(dir.path().join("out/otp/points/005/timeseries.csv").is_file());
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("otp [30s, 3]"), "{table}");
}

#[test]
fn sweep_and_replications_from_the_command_line() {
    let dir = tempdir();
    std::fs::write(dir.path().join("otp.toml"), OTP.split("[sweep]").next().unwrap()).unwrap();
    let o = a2psim(
        &[
            "run",
            "otp.toml",
            "--out",
            "out",
            "--replications",
            "2",
            "--sweep",
            "brands.x=1",
            "--sweep",
            "traffic.otp.useful_life=5s,1m",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "an unknown sweep path is bad input");
    assert!(String::from_utf8_lossy(&o.stderr).contains("sweep `brands.x`"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = a2psim(
        &["run", "otp.toml", "--out", "out", "--replications", "2", "--sweep", "traffic.otp.useful_life=5s,1m"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let index = json(&dir.path().join("out/otp/summary.json"));
    assert_eq!(index["replications"], 2);
    assert_eq!(index["sweep"]["points"].as_array().unwrap().len(), 2);
    assert!(
        index["sweep"]["points"][0]["summary"]["messages"]["late"].as_u64().unwrap()
            > index["sweep"]["points"][1]["summary"]["messages"]["late"].as_u64().unwrap()
    );
}

#[test]
fn sweep_errors_point_at_the_path_or_the_value() {
    let refused = |text: &str| {
        let dir = tempdir();
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let o = a2psim(&["validate", "s.toml"], dir.path());
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let bad_value = OTP.replace("[\"10s\", \"30s\", \"2m\"]", "[\"10s\", \"4h\"]");
    let err = refused(&bad_value);
    assert!(err.contains("s.toml:20:40: sweep `traffic.otp.message_expiry` = 4h: `traffic.otp.message_expiry`: expected from 5s to 3h"), "{err}");
    let bad_path = OTP.replace("\"account.sms_mps\"", "\"acount.sms_mps\"");
    let err = refused(&bad_path);
    assert!(
        err.contains(
            "s.toml:21:1: sweep `acount.sms_mps`: unknown key `acount` at the top level; did you mean `account`?"
        ),
        "{err}"
    );
    let bad_stream = OTP.replace("\"traffic.otp.message_expiry\"", "\"traffic.opt.message_expiry\"");
    let err = refused(&bad_stream);
    assert!(err.contains("s.toml:20:1: sweep `traffic.opt.message_expiry`: no [[traffic]] has id, name or index \"opt\"; did you mean \"otp\"?"), "{err}");
    let empty = OTP.replace("[\"10s\", \"30s\", \"2m\"]", "[]");
    assert!(refused(&empty).contains("expected a non-empty array of values"));
    // A value listed twice would run its point twice (and one could not be
    // told from the other on the sweep's page).
    let twice = OTP.replace("[\"10s\", \"30s\", \"2m\"]", "[\"10s\", \"30s\", \"10s\"]");
    let err = refused(&twice);
    assert!(
        err.contains(
            "s.toml:20:47: `sweep.\"traffic.otp.message_expiry\"`: 10s is listed twice (values 1 and 3): a point would run twice"
        ),
        "{err}"
    );
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), OTP).unwrap();
    let o = a2psim(&["validate", "s.toml", "--sweep", "traffic.otp.message_expiry=30s,1m,30s"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("--sweep:1:1: --sweep traffic.otp.message_expiry: 30s is listed twice (values 1 and 3)"),
        "{err}"
    );
    // A bad value or path on the command line is placed there, not in the file.
    let o = a2psim(&["validate", "s.toml", "--sweep", "traffic.otp.message_expiry=abc"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("--sweep:1:1: sweep `traffic.otp.message_expiry` = abc: "), "{err}");
    // Bad values of two parameters: each told once, blamed on its own
    // parameter (an index in the path, a name in the message), in the
    // order the points list them.
    let o = a2psim(
        &["validate", "s.toml", "--sweep", "account.sms_mps=1,x,-3", "--sweep", "traffic.0.useful_life=5q"],
        dir.path(),
    );
    let blamed: Vec<String> = String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(|l| l.split(": `").next().unwrap_or_default().to_string())
        .collect();
    let want = [
        "--sweep:1:1: sweep `traffic.0.useful_life` = 5q",
        "--sweep:1:1: sweep `account.sms_mps` = x",
        "--sweep:1:1: sweep `account.sms_mps` = -3",
        // The file sweeps a third parameter: nine points, refused for these three reasons.
        "--sweep:1:1: 6 more sweep points are refused too, as above",
    ];
    assert_eq!(blamed, want);
    // Every bad value is named, however late its points come.
    let o = a2psim(
        &["validate", "s.toml", "--sweep", "traffic.otp.useful_life=1m,5m,5q", "--sweep", "account.sms_mps=-1,5,0"],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    for named in ["= -1:", "= 0:", "= 5q:"] {
        assert!(err.contains(named), "{named} not named: {err}");
    }
    let o = a2psim(&["validate", "s.toml", "--sweep", "traffic.otp.mesage_expiry=1m"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("--sweep:1:1: sweep `traffic.otp.mesage_expiry`: unknown key `mesage_expiry`"), "{err}");
    // The same value written another way sets the same scenario.
    for (values, said) in [
        ("1m,30s,60s", "60s is 1m again (values 1 and 3)"),
        ("1m,60", "60 is 1m again (values 1 and 2)"),
        ("1,3,1.0", "1.0 is 1 again (values 1 and 3)"),
    ] {
        let path = if values.contains('m') { "traffic.otp.message_expiry" } else { "account.sms_mps" };
        let o = a2psim(&["validate", "s.toml", "--sweep", &format!("{path}={values}")], dir.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.code() == Some(2) && err.contains(said), "{err}");
    }
    // One path in two --sweep options: the values belong in one.
    let o =
        a2psim(&["validate", "s.toml", "--sweep", "account.sms_mps=1,2", "--sweep", "account.sms_mps=3"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    let said = "--sweep:1:1: --sweep account.sms_mps: given twice: list all its values in one --sweep";
    assert!(o.status.code() == Some(2) && err.starts_with(said), "{err}");
    // One key by two paths: the later would undo the earlier at every point.
    let o = a2psim(&["validate", "s.toml", "--sweep", "traffic.0.message_expiry=1m,2m"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    let said = "--sweep:1:1: sweep `traffic.0.message_expiry` sets the same key as `traffic.otp.message_expiry`";
    assert!(o.status.code() == Some(2) && err.starts_with(said), "{err}");
}

#[test]
fn heat_maps_run_small_to_large_and_name_the_other_parameters() {
    let dir = tempdir();
    let three = OTP
        .replace("[\"10s\", \"30s\", \"2m\"]", "[\"2m\", \"10s\", \"30s\"]")
        .replace("replications = 4", "replications = 1")
        + "\"traffic.otp.useful_life\" = [\"10s\", \"1m\"]\n";
    std::fs::write(dir.path().join("s.toml"), three).unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(dir.path().join("out/s/sweep_expiry_rate.svg")).unwrap();
    assert!(svg.contains(
        "expiry rate: traffic.otp.message_expiry against account.sms_mps, with traffic.otp.useful_life = 10s"
    ));
    // Rows from the shortest expiry up: the y labels, top to bottom, are 2m, 30s, 10s.
    let y = |label: &str| -> f64 {
        let end = svg.find(&format!(">\n{label}\n<")).unwrap_or_else(|| panic!("no label {label}"));
        let tag = &svg[svg[..end].rfind("<text").unwrap()..end];
        tag.split(" y=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
    };
    assert!(y("2m") < y("30s") && y("30s") < y("10s"), "{} {} {}", y("2m"), y("30s"), y("10s"));
    // Only the points with useful_life = 10s (the first six of twelve) have a cell to outline.
    let html = std::fs::read_to_string(dir.path().join("out/s/report.html")).unwrap();
    let figure = html.split("<figure id=\"sweep_expiry_rate\"").nth(1).unwrap().split("</figure>").next().unwrap();
    let picked: Vec<&str> =
        figure.split("<g class=\"pick\" data-point=\"").skip(1).map(|g| &g[..g.find('"').unwrap()]).collect();
    assert_eq!(picked, ["0", "2", "4", "6", "8", "10"]);
}

#[test]
fn three_shards_merged_equal_one_machine_byte_for_byte() {
    let dir = tempdir();
    std::fs::write(dir.path().join("otp.toml"), OTP).unwrap();
    std::fs::write(dir.path().join("plain.toml"), OTP.split("[sweep]").next().unwrap()).unwrap();
    let o = a2psim(&["run", "otp.toml", "plain.toml", "--out", "whole"], dir.path());
    assert!(o.status.success());
    for i in 0..3 {
        let shard = format!("{i}/3");
        let out = format!("shard{i}");
        let o = a2psim(&["run", "otp.toml", "plain.toml", "--out", &out, "--shard", &shard], dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(dir.path().join(&out).join("otp").join(format!("partial-{i}-of-3.json")).is_file());
    }
    // A missing shard is an error, not a silently smaller result.
    let o = a2psim(&["merge", "shard0", "shard1", "--out", "merged"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("jobs are missing"));
    let o = a2psim(&["merge", "shard0", "shard1", "shard2", "--out", "merged"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let whole = crate::helpers::files(&dir.path().join("whole"));
    assert!(whole.len() > 10);
    assert_eq!(whole, crate::helpers::files(&dir.path().join("merged")));
}

#[test]
fn shard_auto_reads_the_batch_system() {
    let dir = tempdir();
    std::fs::write(dir.path().join("otp.toml"), OTP).unwrap();
    let run = |env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_a2psim"));
        c.args(["run", "otp.toml", "--out", "o", "--shard", "auto"]).current_dir(dir.path());
        for k in [
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_COUNT",
            "SLURM_ARRAY_TASK_MIN",
            "JOB_COMPLETION_INDEX",
            "A2PSIM_SHARD_COUNT",
            "A2PSIM_SHARD",
        ] {
            c.env_remove(k);
        }
        c.envs(env.iter().copied());
        c.output().unwrap()
    };
    let o = run(&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1")]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("partial-2-of-4.json"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&[("JOB_COMPLETION_INDEX", "1"), ("A2PSIM_SHARD_COUNT", "2")]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("partial-1-of-2.json"));
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
}

/// A swept key the file sets to a value no point runs gets a warning: the
/// edit would otherwise change nothing without a word.
#[test]
fn a_sweep_that_hides_the_files_value_says_so() {
    let dir = tempdir();
    let text = r#"start = "2026-03-10T08:00:00-07:00"
[account]
sms_mps = 10
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "t"
sender = "sc"
arrival = { process = "burst", count = 5, at = "0s" }
[sweep]
"account.sms_mps" = [5, 20]
"#;
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = a2psim(&["validate", "s.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("s.toml:12:1: warning: sweep `account.sms_mps` replaces the file's value 10, which no point uses"),
        "{err}"
    );
    std::fs::write(dir.path().join("s.toml"), text.replace("[5, 20]", "[10, 20]")).unwrap();
    let o = a2psim(&["validate", "s.toml"], dir.path());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"), "the file's value is one of the points");
    // On the command line the replacement is the point of the option.
    let no_sweep = text.split("[sweep]").next().unwrap();
    std::fs::write(dir.path().join("s.toml"), no_sweep).unwrap();
    let o = a2psim(&["validate", "s.toml", "--sweep", "account.sms_mps=5,20"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn sweep_tables_and_charts_carry_the_backlog() {
    // 3,000 at once, 5 or 10 a second, no processing delay: the backlog
    // peaks as the first second's messages leave and clears with the last.
    let text = r#"start = "2026-03-10T09:00:00-07:00"
[account]
sms_mps = 5
[[senders]]
id = "tf"
type = "toll_free"
numbers = 4
[[traffic]]
name = "alert"
sender = "tf"
message_expiry = "3h"
arrival = { process = "burst", count = 3000, at = "0s" }
[delays]
processing = { dist = "fixed", value = "0s" }
delivery = { dist = "fixed", value = "1s" }
[sweep]
"account.sms_mps" = [5, 10]
"#;
    let dir = tempdir();
    std::fs::write(dir.path().join("alert.toml"), text).unwrap();
    let o = a2psim(&["run", "alert.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.path().join("out/alert/sweep.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = |name: &str| {
        let i = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
        csv.lines().skip(1).map(|l| l.split(',').nth(i).unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(column("backlog_peak"), ["2995", "2990"]);
    assert_eq!(column("backlog_cleared_s"), ["599", "299"]);
    for chart in ["sweep_backlog_peak.svg", "sweep_backlog_cleared_s.svg"] {
        assert!(dir.path().join("out/alert").join(chart).is_file(), "{chart}");
    }
    let page = std::fs::read_to_string(dir.path().join("out/alert/points/000/report.html")).unwrap();
    assert!(page.contains("<p id=\"backlog\">Backlog: peak 2,995 waiting at 09:00:00, cleared at 09:09:59.</p>"));
}
