//! Bounds and hostile inputs: each is refused with a clear message and exit
//! code 2, never a panic, a hang or an abort (README, *Limits and safety*).

use crate::helpers::*;
use std::path::Path;

const BASE: &str = r#"start = "2026-03-10T08:00:00-07:00"
seed = 3
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "otp"
sender = "sc"
arrival = { process = "burst", count = 10, at = "0s" }
"#;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args` in a folder holding `files`; asserts exit 2 and no panic,
/// and returns standard error.
fn refused(files: &[(&str, &str)], args: &[&str]) -> String {
    let dir = tempdir();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let o = a2psim(args, dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// `BASE` with `from` replaced by `to`, validated as s.toml.
fn invalid(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    refused(&[("s.toml", &BASE.replace(from, to))], &["validate", "s.toml"])
}

#[test]
fn replications_are_bounded_on_the_command_line_as_in_the_file() {
    for n in ["0", "100001"] {
        let err = refused(&[("s.toml", BASE)], &["run", "s.toml", "--replications", n]);
        assert!(err.contains(&format!("{n} is not in 1..=100000")), "{err}");
    }
    let err = invalid("seed = 3", "seed = 3\nreplications = 0");
    assert!(err.contains("s.toml:3:16: `replications`: expected a whole number from 1 to 100000, found 0"), "{err}");
}

#[test]
fn rates_must_be_representable_and_slow_rates_must_end() {
    for rate in ["\"9223372036854775808/s\"", "\"2000000/s\"", "\"0.000001/day\"", "\"1/366d\""] {
        let err = invalid("type = \"short_code\"", &format!("type = \"short_code\"\nsms_rate = {rate}"));
        assert!(
            err.contains("s.toml:6:12: `senders.sc.sms_rate`:")
                && err.contains("outside the rates a scenario may use: from 1 per 365 days to 1000000/s"),
            "{rate}: {err}"
        );
    }
    let slow = BASE.replace("type = \"short_code\"", "type = \"short_code\"\nsms_rate = \"1/365d\"");
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), slow).unwrap();
    assert_eq!(a2psim(&["validate", "s.toml"], dir.path()).status.code(), Some(0), "one a year is allowed");
}

#[test]
fn instants_and_durations_stay_within_a_century() {
    let err = invalid("at = \"0s\"", "at = \"9223372037s\"");
    assert!(
        err.contains("s.toml:9:49: `traffic.otp.arrival.at`: 9223372037s is longer than the longest span"),
        "{err}"
    );
    let err = invalid("at = \"0s\"", "at = \"2200-01-01T00:00:00Z\"");
    assert!(err.contains("2200-01-01T00:00:00Z is more than a century (36500d) after the scenario's `start`"), "{err}");
    let err = invalid("seed = 3", "seed = 3\nhorizon = \"36501d\"");
    assert!(err.contains("`horizon`: 36501d is longer than the longest span a scenario may cover (36500d"), "{err}");
    // A refused horizon is the one error: a stream without an end is not
    // refused for want of a horizon as well.
    let endless = "seed = 3\nhorizon = \"abc\"";
    let text = BASE
        .replace("seed = 3", endless)
        .replace("process = \"burst\", count = 10, at = \"0s\"", "process = \"constant\", rate = \"5/s\"");
    let err = refused(&[("s.toml", &text)], &["validate", "s.toml"]);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "s.toml:3:11: `horizon`: expected a duration such as \"250ms\", \"90s\", \"5m\", \"1h30m\", \"2d\" or a number of seconds (90, 1.5), found \"abc\""
        ],
        "{err}"
    );
    let err = invalid(
        "arrival = { process = \"burst\", count = 10, at = \"0s\" }",
        "arrival = { process = \"constant\", rate = \"1/day\", count = 100000 }",
    );
    assert!(err.contains("100000 messages at 1/day arrive over more than a century"), "{err}");
}

/// A stream of more than a billion messages is allowed, with a warning
/// that says how many: a century at 5 a second would run for hours.
#[test]
fn a_stream_of_billions_is_warned_of() {
    let dir = tempdir();
    let century = BASE
        .replace("seed = 3", "seed = 3\nhorizon = \"36500d\"")
        .replace("process = \"burst\", count = 10, at = \"0s\"", "process = \"constant\", rate = \"5/s\"");
    std::fs::write(dir.path().join("s.toml"), century).unwrap();
    let o = a2psim(&["validate", "s.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o)
            .contains("s.toml:10:11: warning: `traffic.otp.arrival`: about 15768000000 messages, which take hours"),
        "{}",
        stderr(&o)
    );
    // A year of it, 157,680,000 messages, is not.
    let year = std::fs::read_to_string(dir.path().join("s.toml")).unwrap().replace("36500d", "365d");
    std::fs::write(dir.path().join("s.toml"), year).unwrap();
    let o = a2psim(&["validate", "s.toml"], dir.path());
    assert_eq!((o.status.code(), stderr(&o)), (Some(0), String::new()));
    // Inbound messages are simulated too: the same warning.
    let inbound = "[[inbound]]\nname = \"replies\"\ncountry = \"US\"\napplication = \"app\"\n\
                   arrival = { process = \"constant\", rate = \"50/s\" }\n";
    let year = std::fs::read_to_string(dir.path().join("s.toml")).unwrap() + inbound;
    std::fs::write(dir.path().join("s.toml"), year).unwrap();
    let o = a2psim(&["validate", "s.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = "warning: `inbound.replies.arrival`: about 1576800000 messages, which take hours";
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
}

#[test]
fn bursts_and_sweeps_are_bounded_before_anything_is_built() {
    let err = invalid("count = 10", "count = 1000000000");
    assert!(err.contains("a burst holds at most 10000000 messages, found 1000000000"), "{err}");
    let values: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
    let list = values.join(", ");
    let sweep = format!("{BASE}[sweep]\n\"senders.sc.numbers\" = [{list}]\n\"traffic.otp.arrival.count\" = [{list}]\n");
    let err = refused(&[("s.toml", &sweep)], &["validate", "s.toml"]);
    assert!(err.contains("s.toml:11:1: the sweep has 101 × 101 points, more than 10000"), "{err}");
}

#[test]
fn names_are_printable_and_short() {
    let err = invalid("name = \"otp\"", "name = \"o\\u001b[31mtp\"");
    assert!(err.contains("`traffic[0].name`: must be printable: character 2 is the control character U+001B"), "{err}");
    let err = invalid("id = \"sc\"", "id = \"s\\nc\"");
    assert!(err.contains("`senders[0].id`: must be printable: character 2 is the control character U+000A"), "{err}");
    let long = "x".repeat(65);
    let err = invalid("name = \"otp\"", &format!("name = \"{long}\""));
    assert!(err.contains("must be at most 64 characters, found 65"), "{err}");
}

/// Two names that look the same in a report are refused: "otp" beside
/// "otp " or "o\u{200B}tp", and a name a right-to-left override reorders.
#[test]
fn names_that_would_look_like_another_are_refused() {
    let err = invalid("name = \"otp\"", "name = \"otp \"");
    assert!(err.contains("`traffic[0].name`: must not start or end with a space"), "{err}");
    let err = invalid("id = \"sc\"", "id = \"   \"");
    assert!(err.contains("`senders[0].id`: must not be only spaces"), "{err}");
    let err = invalid("name = \"otp\"", "name = \"o\\u200Btp\"");
    assert!(err.contains("`traffic[0].name`: must be visible: character 2 is the invisible character U+200B"), "{err}");
    let err = invalid("name = \"otp\"", "name = \"\\u202Epto\"");
    assert!(err.contains("character 1 is the invisible character U+202E"), "{err}");
    // A name a path could not reach between dots.
    for bad in ["otp.", ".otp", "otp..v2"] {
        let err = invalid("name = \"otp\"", &format!("name = \"{bad}\""));
        assert!(err.contains("`traffic[0].name`: must not start or end with a dot or hold two in a row"), "{err}");
    }
    // Scripts and emoji that need a zero-width joiner or non-joiner keep it.
    let ok = |name: &str| {
        let dir = tempdir();
        std::fs::write(dir.path().join("s.toml"), BASE.replace("name = \"otp\"", &format!("name = \"{name}\"")))
            .unwrap();
        a2psim(&["validate", "s.toml"], dir.path())
    };
    for name in ["otp.v2", "otp alerts", "می\\u200Cخواهم", "\\U0001F469\\u200D\\U0001F4BB"] {
        let o = ok(name);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
    }
}

#[test]
fn a_file_name_that_cannot_name_a_report_folder_is_refused() {
    for name in ["...toml", "..toml", ".hidden.toml"] {
        let err = refused(&[(name, BASE)], &["run", name, "--out", "out"]);
        assert!(err.contains("cannot name its report folder"), "{name}: {err}");
    }
}

#[test]
fn a_tolerance_needs_its_unit_and_bounds_must_admit_a_value() {
    let err = refused(
        &[("s.toml", BASE), ("b.json", "{}")],
        &["check", "s.toml", "--baseline", "b.json", "--tolerance", "5"],
    );
    assert!(err.contains("--tolerance: expected a percentage with its unit, such as 5%, found \"5\""), "{err}");
    let bad = format!("{BASE}[[expect]]\nmetric = \"expiry_rate\"\nmin = 0.5\nmax = 0.1\n");
    let err = refused(&[("s.toml", &bad)], &["validate", "s.toml"]);
    assert!(err.contains("s.toml:12:7: `expect.0.min`: 0.5 is above `max` (0.1): no value could pass"), "{err}");
    let err = refused(&[("s.toml", BASE)], &["check", "s.toml", "--baseline", "missing.json"]);
    assert!(err.contains("missing.json: cannot read:"), "{err}");
}

/// Runs s.toml as two shards into `dir`/s0 and `dir`/s1 (the first named
/// `first`, the second `second`, so paths can differ) and returns the two
/// partial files.
fn shards(dir: &Path, first: &str, second: &str) -> [std::path::PathBuf; 2] {
    let text = BASE.replace("seed = 3", "seed = 3\nreplications = 3");
    std::fs::write(dir.join("s.toml"), text).unwrap();
    for (i, name) in [first, second].into_iter().enumerate() {
        let o = a2psim(&["run", name, "--shard", &format!("{i}/2"), "--out", &format!("s{i}")], dir);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    [0, 1].map(|i| dir.join(format!("s{i}/s/partial-{i}-of-2.json")))
}

#[test]
fn merge_accepts_the_same_file_by_any_path_and_refuses_duplicates() {
    let dir = tempdir();
    shards(dir.path(), "./s.toml", "s.toml");
    let o = a2psim(&["merge", "s0", "s1", "--out", "merged"], dir.path());
    assert_eq!(o.status.code(), Some(0), "./s.toml and s.toml are one file: {}", stderr(&o));
    let o = a2psim(&["merge", "s0", "s0", "s1", "--out", "twice"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is in both s0/s/partial-0-of-2.json and s0/s/partial-0-of-2.json"), "{}", stderr(&o));
    // Shards of two runs (of 2 and of 3 machines) share jobs: said so, in words.
    let o = a2psim(&["run", "s.toml", "--shard", "0/3", "--out", "t0"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = a2psim(&["merge", "s0", "t0", "--out", "mixed"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let expected = "replication 0 of sweep point 0 is in both s0/s/partial-0-of-2.json and t0/s/partial-0-of-3.json: \
                    shards of two runs are mixed (0/2 and 0/3): merge the shards of one run";
    assert!(stderr(&o).contains(expected), "{}", stderr(&o));
    // Into a shard's own folder, the report would replace its partial results.
    let o = a2psim(&["merge", "s0", "s1", "--out", "s0"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let expected = "--out s0: the merged report would replace s0/s, which holds s0/s/partial-0-of-2.json";
    assert!(stderr(&o).contains(expected), "{}", stderr(&o));
    assert!(dir.path().join("s0/s/partial-0-of-2.json").is_file(), "the shard is kept");
}

/// A baseline or a partial that is a device (endless) or a pipe (waits for
/// a writer) is refused before it is read.
#[test]
fn results_read_back_must_be_regular_files() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    let o = a2psim(&["check", "s.toml", "--baseline", "/dev/zero"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/dev/zero: cannot read: not a regular file"), "{}", stderr(&o));
    std::fs::create_dir_all(dir.path().join("shard/s")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("shard/s/partial-0-of-1.json")).unwrap();
    let o = a2psim(&["merge", "shard", "--out", "m"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("partial-0-of-1.json: cannot read: not a regular file"), "{}", stderr(&o));
}

#[test]
fn merge_refuses_partials_no_run_could_give() {
    let dir = tempdir();
    let [p0, p1] = shards(dir.path(), "s.toml", "s.toml");
    let edit = |path: &Path, f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(path, serde_json::to_vec(&v).unwrap()).unwrap();
    };
    let original = std::fs::read(&p0).unwrap();
    edit(&p0, &|v| v["jobs"][0][1]["stats"]["streams"] = serde_json::json!([]));
    let o = a2psim(&["merge", "s0", "s1", "--out", "m"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a run of this scenario, or its counts do not add up"), "{}", stderr(&o));
    std::fs::write(&p0, &original).unwrap();
    edit(&p0, &|v| v["jobs"][0][1]["stats"]["streams"][0]["queue_wait"]["count"] = serde_json::json!(0));
    let o = a2psim(&["merge", "s0", "s1", "--out", "m"], dir.path());
    assert!(stderr(&o).contains("counts do not add up"), "a wait count that is not the dispatched messages'");
    std::fs::write(&p0, &original).unwrap();
    edit(&p0, &|v| v["jobs"][0][1]["stats"]["streams"][0]["accepted"] = serde_json::json!(u64::MAX));
    let o = a2psim(&["merge", "s0", "s1", "--out", "m"], dir.path());
    assert!(stderr(&o).contains("counts do not add up") && !stderr(&o).contains("panicked"), "{}", stderr(&o));
    std::fs::write(&p0, &original).unwrap();
    // A wait's values that claim more messages than its count.
    edit(&p0, &|v| v["jobs"][0][1]["stats"]["streams"][0]["queue_wait"]["values"][0][1] = serde_json::json!(u64::MAX));
    let o = a2psim(&["merge", "s0", "s1", "--out", "m"], dir.path());
    assert!(stderr(&o).contains("counts do not add up") && !stderr(&o).contains("panicked"), "{}", stderr(&o));
    std::fs::write(&p0, &original).unwrap();
    // The stored text edited the same way in every shard: it no longer
    // reloads as what the shards ran.
    for p in [&p0, &p1] {
        edit(p, &|v| {
            let s = v["source"].as_str().unwrap().replace("count = 10", "count = 11");
            v["source"] = s.into();
        });
    }
    let o = a2psim(&["merge", "s0", "s1", "--out", "m"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("reloads differently from what"), "{}", stderr(&o));
}

/// BASE with a trace arrival reading `file`.
fn with_trace(file: &str) -> String {
    BASE.replace(
        "arrival = { process = \"burst\", count = 10, at = \"0s\" }",
        &format!("arrival = {{ process = \"trace\", file = \"{file}\" }}"),
    )
}

#[test]
fn trace_files_stay_in_the_scenarios_folder_unless_allowed() {
    let dir = tempdir();
    let inner = dir.path().join("scenario");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(dir.path().join("outside.csv"), "1s\n2s\n").unwrap();
    let secret = dir.path().join("outside.csv").canonicalize().unwrap();
    for file in ["../outside.csv", secret.to_str().unwrap(), "/dev/zero"] {
        std::fs::write(inner.join("s.toml"), with_trace(file)).unwrap();
        let o = a2psim(&["validate", "scenario/s.toml"], dir.path());
        assert_eq!(o.status.code(), Some(2), "{file}");
        assert!(
            stderr(&o).contains("outside the scenario's folder (allow its folder with --allow-path)"),
            "{}",
            stderr(&o)
        );
    }
    std::fs::write(inner.join("s.toml"), with_trace("../outside.csv")).unwrap();
    let o = a2psim(&["validate", "scenario/s.toml", "--allow-path", "."], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::create_dir(inner.join("folder.csv")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(inner.join("pipe.csv")).status().unwrap().success());
    for name in ["folder.csv", "pipe.csv"] {
        // A pipe with no writer would block a reader for good.
        std::fs::write(inner.join("s.toml"), with_trace(name)).unwrap();
        let o = a2psim(&["validate", "scenario/s.toml"], dir.path());
        assert!(stderr(&o).contains(&format!("{name}: not a regular file")), "{}", stderr(&o));
    }
}

/// A scenario path that is there but is no regular file says what it is,
/// named on its own or found in a folder; only a path that is not there at
/// all is "no such file or folder".
#[cfg(unix)]
#[test]
fn scenario_paths_that_are_not_regular_files_say_so() {
    let dir = tempdir();
    let d = dir.path();
    assert!(std::process::Command::new("mkfifo").arg(d.join("pipe.toml")).status().unwrap().success());
    std::os::unix::fs::symlink("loop.toml", d.join("loop.toml")).unwrap();
    std::os::unix::fs::symlink("nowhere.toml", d.join("dangling.toml")).unwrap();
    let cases = [
        ("pipe.toml", "pipe.toml:1:1: cannot read the scenario file: not a regular file"),
        ("/dev/null", "/dev/null:1:1: cannot read the scenario file: not a regular file"),
        ("loop.toml", "loop.toml: Too many levels of symbolic links"),
        (
            "dangling.toml",
            "dangling.toml:1:1: cannot read the scenario file: a link to nothing (nowhere.toml does not exist)",
        ),
        ("missing.toml", "missing.toml: no such file or folder"),
        (".", "./pipe.toml:1:1: cannot read the scenario file: not a regular file"),
    ];
    for (path, said) in cases {
        let o = a2psim(&["validate", path], d);
        assert_eq!(o.status.code(), Some(2), "{path}");
        assert!(stderr(&o).contains(said), "{path}: {}", stderr(&o));
    }
    // A folder's hidden entries (an editor's lock, a backup) are not scenarios.
    std::fs::create_dir(d.join("edited")).unwrap();
    std::fs::write(d.join("edited/s.toml"), BASE).unwrap();
    std::os::unix::fs::symlink("me@host.4242:1700000000", d.join("edited/.#s.toml")).unwrap();
    std::fs::write(d.join("edited/.s.toml"), "not a scenario").unwrap();
    let o = a2psim(&["validate", "edited"], d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::os::unix::fs::symlink("gone.toml", d.join("edited/t.toml")).unwrap();
    let o = a2psim(&["validate", "edited"], d);
    let said = "edited/t.toml:1:1: cannot read the scenario file: a link to nothing (gone.toml does not exist)";
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
    std::fs::remove_file(d.join("edited/t.toml")).unwrap();
    let o = a2psim(&["validate", "edited"], d);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("edited/s.toml") && !out.contains(".s.toml"), "{out}");
}

#[test]
fn only_a_first_line_without_digits_is_a_header() {
    for (first, header) in [("time", true), ("1O", false)] {
        let err_or_ok = {
            let dir = tempdir();
            std::fs::write(dir.path().join("t.csv"), format!("{first}\n1s\n")).unwrap();
            std::fs::write(dir.path().join("s.toml"), with_trace("t.csv")).unwrap();
            a2psim(&["validate", "s.toml"], dir.path())
        };
        assert_eq!(err_or_ok.status.code(), Some(if header { 0 } else { 2 }), "{first}");
        if !header {
            assert!(stderr(&err_or_ok).contains("t.csv:1:1: expected an offset"), "{}", stderr(&err_or_ok));
        }
    }
}

#[test]
fn outputs_never_replace_links_and_take_the_umask() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    std::fs::write(dir.path().join("target.json"), "mine").unwrap();
    std::os::unix::fs::symlink("target.json", dir.path().join("link.json")).unwrap();
    let o = a2psim(&["baseline", "s.toml", "--out", "link.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("link.json: it exists and is not a regular file"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("target.json")).unwrap(), "mine");
    let bin = env!("CARGO_BIN_EXE_a2psim");
    let o = std::process::Command::new("sh")
        .args(["-c", &format!("umask 027 && exec '{bin}' run s.toml --out out")])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("out/s/summary.json")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "0666 less the umask");
}

#[test]
fn junit_goes_to_standard_output_with_a_dash_and_threads_are_bounded() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    let o = a2psim(&["check", "s.toml", "--junit", "-"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("<?xml"), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(!dir.path().join("-").exists());
    for n in ["0", "257"] {
        let err = refused(&[("s.toml", BASE)], &["run", "s.toml", "--threads", n]);
        assert!(err.contains(&format!("{n} is not in 1..=256")), "{err}");
    }
}

#[test]
fn a_report_folder_is_replaced_whole() {
    let dir = tempdir();
    let sweep = |n: usize| {
        let values: Vec<String> = (1..=n).map(|v| v.to_string()).collect();
        format!("{BASE}[sweep]\n\"senders.sc.numbers\" = [{}]\n", values.join(", "))
    };
    let run = |text: &str| {
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let o = a2psim(&["run", "s.toml", "--out", "out"], dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run(&sweep(5));
    assert!(dir.path().join("out/s/points/004/summary.json").is_file());
    run(&sweep(2));
    assert!(!dir.path().join("out/s/points/002").exists(), "no stale sweep points");
    run(BASE);
    assert!(!dir.path().join("out/s/points").exists() && !dir.path().join("out/s/sweep.csv").exists());
    // What an interrupted run left is cleared; nothing else is left beside the report.
    std::fs::create_dir(dir.path().join("out/.s.a2psim-new")).unwrap();
    std::fs::write(dir.path().join("out/.s.a2psim-new/junk"), "half").unwrap();
    run(BASE);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".s.a2psim-lock", "index.html", "s"]);
}

#[test]
fn a_folder_or_index_that_is_not_a_report_is_never_replaced_and_a_second_writer_fails() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    std::fs::create_dir_all(dir.path().join("out/s")).unwrap();
    std::fs::write(dir.path().join("out/s/notes.txt"), "mine").unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("out/s: it exists and is not an a2psim report folder: not replaced"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("out/s/notes.txt")).unwrap(), "mine");
    std::fs::create_dir_all(dir.path().join("own")).unwrap();
    std::fs::write(dir.path().join("own/index.html"), "<h1>my page</h1>").unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "own"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("index.html: it exists and is not an index a2psim wrote"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("own/index.html")).unwrap(), "<h1>my page</h1>");
    // A run holding the lock makes a second one fail at once.
    std::fs::remove_file(dir.path().join("own/index.html")).unwrap();
    let lock = std::fs::File::create(dir.path().join("own/.s.a2psim-lock")).unwrap();
    lock.lock().unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "own"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("another a2psim is writing this report now"), "{}", stderr(&o));
}

/// A scenario of ten million messages: a few seconds of simulation, long
/// enough for a second command to run while it does.
fn long_scenario() -> String {
    BASE.replace(
        "arrival = { process = \"burst\", count = 10, at = \"0s\" }",
        "arrival = { process = \"poisson\", rate = \"4/s\", count = 10000000 }",
    )
}

#[test]
fn a_report_folder_being_written_or_unwritable_stops_a_run_before_it_simulates() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.path().join("long")).unwrap();
    std::fs::write(dir.path().join("long/s.toml"), long_scenario()).unwrap();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim"))
        .args(["run", "long/s.toml", "--out", "out", "-q"])
        .current_dir(dir.path())
        .spawn()
        .unwrap();
    // The folder is reserved (locked, staging made) before the simulation starts.
    let staging = dir.path().join("out/.s.a2psim-new");
    while !staging.exists() {
        assert!(first.try_wait().unwrap().is_none(), "the long run ended before reserving its folder");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let o = a2psim(&["run", "s.toml", "--out", "out"], dir.path());
    let still_running = first.try_wait().unwrap().is_none();
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(still_running, "the first run must hold its folder while it simulates");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("out/s: another a2psim is writing this report now"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("simulated"), "refused before simulating: {}", stderr(&o));
    // A folder that cannot be made is found before ten million messages are simulated.
    let o = a2psim(&["run", "long/s.toml", "--out", "/proc/self/no-such-folder"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write the report into /proc/self/no-such-folder/s"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("simulated"), "refused before simulating: {}", stderr(&o));
}

#[test]
fn ctrl_c_or_sigterm_stops_a_run_with_130_and_leaves_earlier_reports_as_they_were() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let before = files(&dir.path().join("out/s"));
    std::fs::write(dir.path().join("s.toml"), long_scenario()).unwrap();
    // Ctrl-C, and the termination request of a cancelled CI job or `timeout`.
    for signal in ["-INT", "-TERM"] {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim"))
            .args(["run", "s.toml", "--out", "out", "--mdr"])
            .current_dir(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
        let kill = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{signal}: {}", stderr(&o));
        assert!(stderr(&o).contains("interrupted: reports being written were removed"), "{}", stderr(&o));
        assert_eq!(files(&dir.path().join("out/s")), before, "{signal}: the earlier report is untouched");
        for staging in [".s.a2psim-new", ".s.a2psim-mdr"] {
            assert!(!dir.path().join("out").join(staging).exists(), "{signal}: {staging} left behind");
        }
    }
}

/// A shipped scenario without a sweep, with some values replaced by
/// extremes and a short horizon, so that a run of it is quick.
fn hostile_scenarios() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let files = ["model_example", "daily_cap_dst", "mms_quarter_mps", "otp_platform_outage", "diurnal_profile"];
    let extremes = vec![
        "0",
        "1",
        "18446744073709551615",
        "9223372036854775808",
        "1e308",
        "0.000001",
        "\"1/365d\"",
        "\"1000000/s\"",
        "\"36500d\"",
        "\"0s\"",
        "\"1ns\"",
        "10000000",
        "\"x\\u0007\"",
    ];
    (
        prop::sample::select(files.to_vec()),
        prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(extremes)), 1..4),
    )
        .prop_map(|(file, edits)| {
            let text = std::fs::read_to_string(repo().join(format!("scenarios/{file}.toml"))).unwrap();
            let mut lines: Vec<String> = text.lines().filter(|l| !l.starts_with("horizon")).map(String::from).collect();
            let values: Vec<usize> =
                (0..lines.len()).filter(|&i| lines[i].contains(" = ") && !lines[i].starts_with('[')).collect();
            for (at, with) in edits {
                let i = values[at.index(values.len())];
                let key = lines[i].split(" = ").next().unwrap().to_string();
                lines[i] = format!("{key} = {with}");
            }
            format!("horizon = \"2h\"\n{}\n", lines.join("\n"))
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Running (not only reading) a damaged scenario ends with exit 0 or 2
    /// in bounded time and memory: no panic, hang or abort.
    #[test]
    fn hostile_scenarios_run_to_a_clean_end(text in hostile_scenarios()) {
        let dir = tempdir();
        std::fs::write(dir.path().join("h.toml"), &text).unwrap();
        let bin = env!("CARGO_BIN_EXE_a2psim");
        // 4 GiB of address space and 60 s at most.
        let script = format!("ulimit -v 4194304 && exec timeout 60 '{bin}' run h.toml --out out");
        let o = std::process::Command::new("sh").args(["-c", &script]).current_dir(dir.path()).output().unwrap();
        let err = stderr(&o);
        proptest::prop_assert!(matches!(o.status.code(), Some(0 | 2)), "exit {:?}\n{err}\n{text}", o.status.code());
        proptest::prop_assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_link_at_the_lock_is_never_followed() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    std::fs::write(dir.path().join("victim"), "keep").unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("victim"), dir.path().join("out/.s.a2psim-lock")).unwrap();
    let o = a2psim(&["run", "s.toml", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(".s.a2psim-lock is not a regular file"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("victim")).unwrap(), "keep");
}
