//! The command line end to end: `run`, `validate`, `check`, exit codes.

use crate::helpers::*;
use std::process::{Command, Output};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const GOOD: &str = r#"start = "2026-03-10T08:00:00-07:00"
seed = 5
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "otp"
sender = "tf"
kind = "otp"
message_expiry = "1m"
arrival = { process = "burst", count = 12, at = "0s" }
[[expect]]
metric = "messages.delivered"
equals = 12
"#;

/// Validates `text` as bad.toml; returns (exit code, stderr).
fn validate(text: &[u8]) -> (i32, String) {
    let dir = tempdir();
    std::fs::write(dir.path().join("bad.toml"), text).unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    (o.status.code().unwrap(), stderr(&o))
}

/// Asserts that `text` is refused with exit 2 and a message at `line:col` containing `needle`.
fn refused(text: &str, line_col: &str, needle: &str) {
    let (code, err) = validate(text.as_bytes());
    assert_eq!(code, 2, "expected exit 2 for:\n{text}\nstderr:\n{err}");
    let wanted = format!("bad.toml:{line_col}: ");
    assert!(
        err.lines().any(|l| l.starts_with(&wanted) && l.contains(needle)),
        "expected a line starting {wanted:?} containing {needle:?}, got:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn run_writes_reports_and_prints_a_table() {
    let dir = tempdir();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    let o = a2psim(&["run", "good.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("good") && table.contains("accepted"), "{table}");
    assert!(stderr(&o).contains("messages/s"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/good/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"], "good");
    assert_eq!(summary["seed"], 5);
    assert_eq!(summary["messages"]["accepted"], 12);
    assert_eq!(summary["messages"]["delivered"], 12);
    let csv = std::fs::read_to_string(dir.path().join("out/good/timeseries.csv")).unwrap();
    assert!(csv.starts_with("t_s,time,arrivals,dispatched,"));
    assert_eq!(csv.lines().nth(1).unwrap().split(',').nth(2), Some("12"));
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out/good"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Nothing failed: that chart is named, not drawn.
    let page = std::fs::read_to_string(dir.path().join("out/good/report.html")).unwrap();
    assert!(page.contains("Zero throughout the run, so not drawn: failures by reason."));
    // The backlog cleared within the first row: its peak is drawn as a level.
    let depth = std::fs::read_to_string(dir.path().join("out/good/queue_depth.svg")).unwrap();
    assert!(depth.contains("backlog peak 7 at 08:00:00"), "{depth}");
    let charts = ["latency", "latency_over_time", "queue_depth", "throughput"];
    let mut expected: Vec<String> = charts.iter().flat_map(|c| [format!("{c}.png"), format!("{c}.svg")]).collect();
    expected.extend(["report.html".into(), "summary.json".into(), "timeseries.csv".into()]);
    expected.sort();
    assert_eq!(names, expected, "the reports and nothing else (no temporary files)");
    assert!(dir.path().join("out/index.html").is_file());
}

#[test]
fn the_table_lists_twenty_streams_and_counts_the_rest() {
    let dir = tempdir();
    let write = |file: &str, n: usize| {
        let streams: String = (0..n)
            .map(|i| {
                format!(
                    "[[traffic]]\nname = \"t{i}\"\nsender = \"tf\"\ntext = \"a\"\n\
                     arrival = {{ process = \"burst\", count = 1, at = \"0s\" }}\n"
                )
            })
            .collect();
        let head = "start = \"2026-03-10T08:00:00-07:00\"\n[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n";
        std::fs::write(dir.path().join(file), format!("{head}{streams}")).unwrap();
    };
    let listed = |table: &str| table.lines().filter(|l| l.starts_with("  t")).count();
    // One more than 20: its own line takes no more room than a line saying so.
    write("some.toml", 21);
    let o = a2psim(&["run", "some.toml", "--out", "out"], dir.path());
    let table = String::from_utf8_lossy(&o.stdout);
    assert_eq!(listed(&table), 21, "{table}");
    assert!(!table.contains("more streams"), "{table}");
    write("many.toml", 23);
    let o = a2psim(&["run", "many.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout);
    assert_eq!(listed(&table), 20, "{table}");
    assert!(table.contains("  t19 ") && !table.contains("  t20 "), "{table}");
    assert!(table.contains("  ... and 3 more streams: see report.html or summary.json\n"), "{table}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/many/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["streams"].as_object().unwrap().len(), 23);
}

#[test]
fn a_report_that_cannot_be_written_is_refused_first_and_before_running() {
    let dir = tempdir();
    for name in ["a", "b", "c"] {
        std::fs::write(dir.path().join(format!("{name}.toml")), GOOD).unwrap();
    }
    // Files where the folders of b and c would go: both fail, b is named.
    std::fs::create_dir(dir.path().join("out")).unwrap();
    for name in ["b", "c"] {
        std::fs::write(dir.path().join("out").join(name), "").unwrap();
    }
    for threads in ["1", "2"] {
        let o = a2psim(&["run", "a.toml", "b.toml", "c.toml", "--out", "out", "--threads", threads], dir.path());
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains("cannot write the report into out/b:"), "{threads} threads: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!dir.path().join("out/a").exists(), "refused before anything ran or was written");
}

#[test]
fn run_defaults_to_reports_and_seed_flag_overrides() {
    let dir = tempdir();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    let o = a2psim(&["run", ".", "--seed", "99"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("reports/good/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 99);
}

#[test]
fn check_passes_and_fails_with_exit_codes() {
    let dir = tempdir();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    let o = a2psim(&["check", "good.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("pass"));
    std::fs::write(dir.path().join("fail.toml"), GOOD.replace("equals = 12", "equals = 13")).unwrap();
    let o = a2psim(&["check", "fail.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("FAIL"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempdir();
    assert_eq!(a2psim(&["run"], dir.path()).status.code(), Some(2));
    assert_eq!(a2psim(&["frobnicate"], dir.path()).status.code(), Some(2));
    let o = a2psim(&["run", "missing.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml: no such file"));
    let help = a2psim(&["run", "--help"], dir.path());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--threads"));
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let o = a2psim(&["validate", "scenarios"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("otp_expiry_sweep.toml: ok (1 traffic stream, 8 sweep points)"), "{out}");
    assert!(out.contains("model_example.toml: ok (2 traffic streams)"), "{out}");
}

#[test]
fn empty_not_utf8_and_not_toml_files_are_refused() {
    refused("", "1:1", "the file is empty");
    refused("\n  \n", "1:1", "the file is empty");
    let (code, err) = validate(b"name = \"\xff\xfe\"\n");
    assert_eq!(code, 2);
    assert!(err.starts_with("bad.toml:1:9: the file is not UTF-8 text: byte 0xFF here starts no character"), "{err}");
    let (_, err) = validate(b"seed = 1\nname = \"\xc3\xa9\xe9\"\n");
    assert!(err.starts_with("bad.toml:2:10: the file is not UTF-8 text: byte 0xE9"), "{err}");
    refused("start = \"2026-03-10T08:00:00Z\"\nseed = = 3\n", "2:8", "not valid TOML");
    refused("start = \"2026-03-10T08:00:00Z\"\n[[senders]]\nid = \"s\"\nid = \"t\"\n", "4:1", "duplicate key `id`");
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let text = GOOD.replace("message_expiry = \"1m\"", "mesage_expiry = \"1m\"");
    refused(&text, "10:1", "unknown key `mesage_expiry` in `traffic.otp`; did you mean `message_expiry`?");
    refused(&format!("{GOOD}\n[acount]\nsms_mps = 3\n"), "16:2", "did you mean `account`?");
}

#[test]
fn wrong_types_name_the_key_and_the_expectation() {
    refused(&GOOD.replace("seed = 5", "seed = \"five\""), "2:8", "`seed`: expected a whole number");
    refused(&GOOD.replace("kind = \"otp\"", "kind = 3"), "9:8", "`traffic.otp.kind`: expected one of \"otp\"");
    refused(&GOOD.replace("kind = \"otp\"", "kind = \"otc\""), "9:8", "did you mean \"otp\"?");
}

#[test]
fn message_expiry_must_be_5s_to_3h() {
    for (bad, shown) in [("\"4s\"", "4s"), ("\"3h1s\"", "3h1s"), ("10801", "3h1s"), ("0", "0s")] {
        let text = GOOD.replace("message_expiry = \"1m\"", &format!("message_expiry = {bad}"));
        refused(
            &text,
            "10:18",
            &format!("`traffic.otp.message_expiry`: expected from 5s to 3h (10800 s), found {shown}"),
        );
    }
    for ok in ["5", "\"5s\"", "10800", "\"3h\""] {
        let (code, err) =
            validate(GOOD.replace("message_expiry = \"1m\"", &format!("message_expiry = {ok}")).as_bytes());
        assert_eq!(code, 0, "{ok}: {err}");
    }
}

const TEN_DLC: &str = r#"start = "2026-03-10T08:00:00-07:00"
[[brands]]
id = "acme"
vetting_score = 62
[[senders]]
id = "d"
type = "long_code"
brand = "acme"
numbers = 3
[[traffic]]
name = "p"
sender = "d"
arrival = { process = "poisson", rate = "2/s", until = "1h" }
carriers = { att = 0.5, tmobile = 0.5 }
"#;

#[test]
fn a_name_used_twice_is_refused_where_it_is_used_again() {
    let again = |extra: &str| format!("{TEN_DLC}{extra}");
    refused(&again("[[brands]]\nid = \"acme\"\nvetting_score = 50\n"), "16:6", "\"acme\" is used twice");
    refused(&again("[[senders]]\nid = \"d\"\ntype = \"toll_free\"\n"), "16:6", "`senders[1].id`: \"d\" is used twice");
    refused(
        &again("[[traffic]]\nname = \"p\"\nsender = \"d\"\narrival = { process = \"burst\", count = 1 }\n"),
        "16:8",
        "\"p\" is used twice",
    );
}

#[test]
fn range_and_reference_errors() {
    refused(
        &TEN_DLC.replace("vetting_score = 62", "vetting_score = 101"),
        "4:17",
        "`brands.acme.vetting_score`: expected a whole number from 0 to 100, found 101",
    );
    refused(
        &TEN_DLC.replace("brand = \"acme\"", "brand = \"acne\""),
        "8:9",
        "no [[brands]] has id \"acne\"; did you mean \"acme\"?",
    );
    refused(&TEN_DLC.replace("sender = \"d\"", "sender = \"e\""), "12:10", "no [[senders]] has id \"e\"");
    refused(&TEN_DLC.replace("brand = \"acme\"\n", ""), "5:1", "`senders.d` needs `brand`");
    refused(&TEN_DLC.replace("tmobile = 0.5", "tmobile = 0.4"), "14:12", "the shares must sum to 1, they sum to 0.9");
    refused(
        &TEN_DLC.replace("numbers = 3", "numbers = 0"),
        "9:11",
        "expected a whole number from 1 to 100000, found 0",
    );
}

#[test]
fn rates_counts_durations_and_times_must_be_well_formed() {
    refused(&TEN_DLC.replace("rate = \"2/s\"", "rate = \"0/s\""), "13:41", "a rate must be more than zero");
    refused(&TEN_DLC.replace("rate = \"2/s\"", "rate = \"1/0s\""), "13:41", "a rate's period must be longer than zero");
    refused(&TEN_DLC.replace("rate = \"2/s\"", "rate = \"-2/s\""), "13:41", "expected a rate such as");
    refused(&TEN_DLC.replace("rate = \"2/s\"", "rate = \"fast\""), "13:41", "expected a rate such as");
    refused(
        &TEN_DLC.replace("until = \"1h\"", "until = \"1H\""),
        "13:56",
        "`traffic.p.arrival.until`: expected an offset",
    );
    refused(&TEN_DLC.replace("until = \"1h\"", "until = \"yesterday\""), "13:56", "expected an offset");
    // A date the calendar does not have is named as such, in `start` and in instants.
    let feb_30 = TEN_DLC.replace("\"2026-03-10T08:00:00-07:00\"", "\"2026-02-30T08:00:00-07:00\"");
    refused(&feb_30, "1:9", "`start`: 2026-02-30 is not a day of the calendar");
    // A start too late for a run's clock (584 years before the calendar's
    // end) is refused as such, where a run would otherwise crash past 9999.
    let late = |start: &str| TEN_DLC.replace("\"2026-03-10T08:00:00-07:00\"", &format!("\"{start}\""));
    let too_late = "`start`: expected a start no later than 9415-06-11T22:25:27Z: a run's clock reaches 584 years";
    refused(&late("9999-06-01T00:00:00Z"), "1:9", too_late);
    refused(&late("9999-12-31T00:00:00Z"), "1:9", too_late);
    refused(&late("9415-06-11T22:25:28Z"), "1:9", too_late);
    let (code, err) = validate(late("9415-06-11T22:25:27Z").as_bytes());
    assert_eq!(code, 0, "the latest start is taken: {err}");
    let dir = tempdir();
    std::fs::write(dir.path().join("late.toml"), late("9415-06-11T22:25:27Z")).unwrap();
    let o = a2psim(&["run", "late.toml", "-q"], dir.path());
    assert_eq!(o.status.code(), Some(0), "and runs: {}", stderr(&o));
    let until = TEN_DLC.replace("until = \"1h\"", "until = \"2026-03-32T08:00:00-07:00\"");
    refused(&until, "13:56", "`traffic.p.arrival.until`: 2026-03-32 is not a day of the calendar");
    // A count has no upper bound of its own: none is named (a burst's comes with its own error).
    refused(&TEN_DLC.replace("until = \"1h\"", "count = 0"), "13:56", "expected a whole number of at least 1, found 0");
    let (_, err) = validate(TEN_DLC.replace("until = \"1h\"", "count = 0").as_bytes());
    assert!(!err.contains("needs `until`"), "a refused count was given, not left out: {err}");
    refused(
        &TEN_DLC.replace("\"2026-03-10T08:00:00-07:00\"", "\"March 10\""),
        "1:9",
        "`start`: expected an RFC 3339 time",
    );
    let outage = format!("{TEN_DLC}[[outages]]\nscope = \"carrier:verizon\"\nstart = \"30m\"\nduration = \"5M\"\n");
    refused(&outage, "18:12", "`outages.0.duration`: expected a duration");
    let scope = format!("{TEN_DLC}[[outages]]\nscope = \"carrier:sprint\"\nstart = \"30m\"\nduration = \"5m\"\n");
    refused(&scope, "16:9", "unknown carrier \"sprint\"");
    // A wall-clock start its zone skips or repeats, or an offset no place uses, is refused, not moved.
    let at = |start: &str| TEN_DLC.replace("\"2026-03-10T08:00:00-07:00\"", &format!("\"{start}\""));
    let gap = "`start`: 2026-03-08T02:30:00 does not happen in America/Los_Angeles: the clocks skip it \
               (a daylight-saving change); start at 2026-03-08T03:30:00[America/Los_Angeles], the same instant";
    refused(&at("2026-03-08T02:30:00[America/Los_Angeles]"), "1:9", gap);
    let fold = "`start`: 2026-11-01T01:30:00 happens twice in America/Los_Angeles (a daylight-saving change): \
                write which with its offset, 2026-11-01T01:30:00-07:00[America/Los_Angeles] (the first) or \
                2026-11-01T01:30:00-08:00[America/Los_Angeles]";
    refused(&at("2026-11-01T01:30:00[America/Los_Angeles]"), "1:9", fold);
    refused(&at("2026-03-10T09:00:00+25:00"), "1:9", "`start`: expected a UTC offset from -12:00 to +14:00");
    let outage_at =
        |start: &str| format!("{TEN_DLC}[[outages]]\nscope = \"platform\"\nstart = \"{start}\"\nduration = \"5m\"\n");
    let far = "`outages.0.start`: expected a UTC offset from -12:00 to +14:00, found +25:00";
    refused(&outage_at("2026-03-10T09:00:00+25:00"), "17:9", far);
    refused(&outage_at("2026-03-10T09:00:00"), "17:9", "`outages.0.start`: \"2026-03-10T09:00:00\" has no UTC offset");
    // The start is told on the scenario's clock, as written, not in UTC.
    let early = "2026-03-10T14:00:00Z is before the scenario's `start` (2026-03-10T08:00:00-07:00)";
    refused(&outage_at("2026-03-10T14:00:00Z"), "17:9", early);
    // Centuries later is too late, not early: past what a run's clock counts.
    let late = "`outages.0.start`: 2900-01-01T00:00:00Z is more than a century";
    refused(&outage_at("2900-01-01T00:00:00Z"), "17:9", late);
    for fine in [
        "2026-11-01T01:30:00-08:00[America/Los_Angeles]",
        "2026-03-08T03:30:00[America/Los_Angeles]",
        "2026-03-10T09:00:00+14:00",
    ] {
        assert_eq!(validate(at(fine).as_bytes()).0, 0, "{fine}");
    }
    // A warm-up that outlasts the horizon would leave nothing measured.
    let warm = |w: &str| TEN_DLC.replacen("\n", &format!("\nhorizon = \"1h\"\nwarmup = \"{w}\"\n"), 1);
    refused(&warm("1h"), "3:10", "`warmup`: must be shorter than `horizon` (1h): nothing accepted after it");
    assert_eq!(validate(warm("59m").as_bytes()).0, 0);
}

#[test]
fn a_missing_traffic_section_is_an_error_and_every_problem_is_listed() {
    let (code, err) = validate(b"start = \"2026-03-10T08:00:00Z\"\nseed = -1\n[account]\nsms_mps = 0\n");
    assert_eq!(code, 2);
    assert!(err.contains("needs `traffic`"), "{err}");
    assert!(err.contains("`seed`"), "{err}");
    assert!(err.contains("`account.sms_mps`: a rate must be more than zero"), "{err}");
}

#[test]
fn more_than_49_numbers_on_10dlc_is_a_warning_not_an_error() {
    let (code, err) = validate(TEN_DLC.replace("numbers = 3", "numbers = 60").as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bad.toml:9:11: warning:") && err.contains("Number Pool Request"), "{err}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = tempdir();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_a2psim"))
        .args(["run", "good.toml"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());
}

const TRACE: &str = r#"start = "2026-03-10T08:00:00-07:00"
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "replay"
sender = "tf"
arrival = { process = "trace", file = "arrivals.csv" }
"#;

#[test]
fn a_trace_replays_its_timestamps_relative_to_the_scenario() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/s.toml"), TRACE).unwrap();
    let csv = "timestamp\n90s\n2026-03-10T08:00:30-07:00,extra\n12.5\n\n1m\n";
    std::fs::write(dir.path().join("sub/arrivals.csv"), csv).unwrap();
    let o = a2psim(&["run", "sub/s.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/s/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["messages"]["accepted"], 4);
    // Sorted: 12.5 s, 30 s, 60 s, 90 s; nothing waits, so the last outcome is at 90 s.
    assert_eq!(summary["drain_time_s"], 90.0);
}

/// Output that cannot be written (a full disk) fails the command, so CI
/// does not lose its results in silence; a closed pipe (`| head`) does not.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_exits_2_but_a_closed_pipe_does_not() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim")).arg("schema").stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error: cannot write to standard output: No space left on device"), "{}", stderr(&o));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim"))
        .arg("schema")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The index links a report folder whatever its name holds: a space, a
/// `#` (which would start a fragment), letters beyond ASCII.
#[test]
fn the_index_links_reports_whose_names_need_encoding() {
    let dir = tempdir();
    std::fs::write(dir.path().join("my run #2 ü.toml"), GOOD).unwrap();
    let o = a2psim(&["run", "my run #2 ü.toml", "--out", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("out/my run #2 ü/report.html").is_file());
    let index = std::fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    assert!(index.contains("<a href=\"my%20run%20%232%20%C3%BC/report.html\">my run #2 ü</a>"), "{index}");
}

#[test]
fn trace_problems_name_the_file_and_line() {
    let dir = tempdir();
    std::fs::write(dir.path().join("bad.toml"), TRACE).unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:8:39: cannot read trace file"), "{}", stderr(&o));
    std::fs::write(dir.path().join("arrivals.csv"), "1s\n2s\nsoon\n").unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("arrivals.csv:3:1: expected an offset"), "{}", stderr(&o));
    std::fs::write(dir.path().join("arrivals.csv"), "2026-03-10T07:00:00-07:00\n").unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2), "a time before start is refused");
    // A spreadsheet saved in Latin-1: placed at the byte, on its line.
    std::fs::write(dir.path().join("arrivals.csv"), b"1s\n2s,caf\xe9\n3s\n").unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let expected = "arrivals.csv:2:7: the file is not UTF-8 text: byte 0xE9 here starts no character";
    assert!(stderr(&o).contains(expected), "{}", stderr(&o));
    // In a quoted field that runs over a line break, the line is the byte's.
    std::fs::write(dir.path().join("arrivals.csv"), b"1s\n\"2s\nab\xff\"\n").unwrap();
    let o = a2psim(&["validate", "bad.toml"], dir.path());
    assert!(stderr(&o).contains("arrivals.csv:3:3: the file is not UTF-8 text: byte 0xFF"), "{}", stderr(&o));
}

#[test]
fn a_class_the_sender_forbids_is_rejected() {
    let dir = tempdir();
    let text = GOOD
        .replace("type = \"toll_free\"", "type = \"toll_free\"\nclasses = [\"mms\"]")
        .replace("equals = 12", "equals = 0");
    std::fs::write(dir.path().join("c.toml"), text).unwrap();
    let o = a2psim(&["run", "c.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/c/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["messages"]["rejected"], 12);
    assert_eq!(summary["cost_usd"], 0.0);
}

/// MODEL §8: what a person reads shows per-replication means, labelled;
/// `summary.json` keeps the pooled counts.
#[test]
fn the_table_shows_means_of_replications_and_says_so() {
    let dir = tempdir();
    std::fs::write(dir.path().join("g.toml"), GOOD).unwrap();
    let o = a2psim(&["run", "g.toml", "--replications", "3", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let table = String::from_utf8_lossy(&o.stdout).into_owned();
    let row = table.lines().find(|l| l.starts_with("g ")).expect("the scenario's row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    // Twelve messages a replication, pooled to 36 in summary.json.
    assert_eq!((cells[1], cells[2]), ("12.0", "12.0"), "{row}");
    assert!(table.contains("(mean of 3 replications; 95 % intervals in summary.json `confidence`)"), "{table}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/g/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["messages"]["accepted"], 36);
}

/// The README's sample table is what a run of the model example prints, so
/// it cannot go stale.
#[test]
fn the_readme_shows_the_table_a_run_prints() {
    let dir = tempdir();
    let o = a2psim(&["run", repo().join("scenarios/model_example.toml").to_str().unwrap(), "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let printed = String::from_utf8_lossy(&o.stdout);
    let table: Vec<&str> = printed.lines().take(5).collect();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = format!("```\n{}\n```", table.join("\n"));
    assert!(readme.contains(&block), "README's sample table should be:\n{block}");
}

/// `start` may name its time zone (RFC 9557); the offset is the zone's at
/// that instant, so nobody works it out by hand.
#[test]
fn start_may_name_its_time_zone() {
    let dir = tempdir();
    let text = GOOD.replace("2026-03-10T08:00:00-07:00", "2026-03-10T11:00:00[America/New_York]");
    std::fs::write(dir.path().join("z.toml"), text).unwrap();
    let o = a2psim(&["run", "z.toml", "--out", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/z/summary.json")).unwrap()).unwrap();
    // New York is on daylight time from 8 March 2026: 11:00 EDT is 08:00 PDT.
    assert_eq!(summary["start"], "2026-03-10T08:00:00-07:00");
    let clash = GOOD.replace("2026-03-10T08:00:00-07:00", "2026-03-10T11:00:00-05:00[America/New_York]");
    std::fs::write(dir.path().join("z.toml"), clash).unwrap();
    let o = a2psim(&["validate", "z.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2), "an offset the zone does not have is refused");
}

/// `--quiet` prints nothing but problems: no table, progress or throughput.
#[test]
fn quiet_runs_print_nothing_but_problems() {
    let dir = tempdir();
    std::fs::write(dir.path().join("g.toml"), GOOD).unwrap();
    let o = a2psim(&["run", "g.toml", "--out", "out", "--quiet"], dir.path());
    assert!(o.status.success());
    assert_eq!((o.stdout.len(), o.stderr.len()), (0, 0), "{}", stderr(&o));
    assert!(dir.path().join("out/g/summary.json").is_file());
    let o = a2psim(&["-q", "check", "g.toml"], dir.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 passed, 0 failed"), "check still prints its results");
    assert!(!stderr(&o).contains("messages/s"));
}

#[test]
fn closed_output_pipes_are_not_a_panic() {
    // Many errors into a stderr nobody reads (`2>&1 | head -1`), and a table
    // into a closed stdout: the exit code is still the command's own.
    let dir = tempdir();
    let bad: String = (0..2000).map(|i| format!("bad{i} = 1\n")).collect();
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    for (args, code) in [(["validate", "bad.toml"], 2), (["run", "good.toml"], 0)] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        assert_eq!(child.wait().unwrap().code(), Some(code), "{args:?}");
    }
}
