//! Message detail records (MODEL §10): the columns, the logging
//! preferences and retention exactly as the source shows them, acceptance
//! order, bulk sends, replay of an export, and bad files.

use crate::helpers::*;
use std::path::Path;

/// The source document's example message.
const EXAMPLE_TEXT: &str = "Hello, your appointment is confirmed for tomorrow at 3 PM.";
const EXAMPLE_NUMBER: &str = "+12025550123";
const REDACTED_TEXT: &str = "***Text Content Redacted***";

/// Splits CSV text into records of fields (quoted fields may hold commas,
/// quotes and line breaks).
fn csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    rows
}

/// The records as (header, rows of column name → value).
struct Mdr {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Mdr {
    fn read(path: &Path) -> Mdr {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut rows = csv(&text);
        let header = rows.remove(0);
        Mdr { header, rows }
    }

    fn column(&self, name: &str) -> Vec<&str> {
        let i = self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
        self.rows.iter().map(|r| r[i].as_str()).collect()
    }
}

/// Runs `text` as `s.toml` in a fresh folder with `--mdr` and `args`;
/// returns the folder and the report folder.
fn run(text: &str, args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let mut all = vec!["run", "s.toml", "--out", "out", "-q", "--mdr"];
    all.extend_from_slice(args);
    let out = a2psim(&all, dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = dir.path().join("out/s");
    (dir, report)
}

/// One toll-free sender; `streams` are `[[traffic]]` tables.
fn scenario(streams: &str) -> String {
    format!(
        r#"start = "2026-03-10T08:00:00-07:00"
seed = 5
[[senders]]
id = "tf"
type = "toll_free"
{streams}"#
    )
}

/// A stream sending the source's example once to its example number.
fn example_stream(name: &str, log: &str) -> String {
    format!(
        r#"[[traffic]]
name = "{name}"
sender = "tf"
text = "{EXAMPLE_TEXT}"
log = {log}
arrival = {{ process = "burst", dst = "{EXAMPLE_NUMBER}", at = "0s" }}
"#
    )
}

#[test]
fn each_logging_setting_shows_the_number_and_content_as_the_source_does() {
    let streams: String =
        [("both", "true"), ("neither", "false"), ("number", "\"number_only\""), ("content", "\"content_only\"")]
            .iter()
            .map(|(name, log)| example_stream(name, log))
            .collect();
    let (_dir, report) = run(&scenario(&streams), &[]);
    let mdr = Mdr::read(&report.join("mdr.csv"));
    let rows: Vec<(&str, &str, &str)> = mdr
        .column("Stream")
        .into_iter()
        .zip(mdr.column("To Number"))
        .zip(mdr.column("Content"))
        .map(|((s, n), c)| (s, n, c))
        .collect();
    assert_eq!(
        rows,
        [
            ("both", EXAMPLE_NUMBER, EXAMPLE_TEXT),
            ("neither", "+12025550***", REDACTED_TEXT),
            ("number", EXAMPLE_NUMBER, REDACTED_TEXT),
            ("content", "+12025550***", EXAMPLE_TEXT),
        ]
    );
}

#[test]
fn retention_redacts_content_after_7_days_and_drops_rows_after_90() {
    let streams = example_stream("both", "true")
        + r#"[[traffic]]
name = "later"
sender = "tf"
text = "later"
arrival = { process = "burst", count = 1, at = "1h" }
"#;
    let shown = |as_of: &str| {
        let (_dir, report) = run(&scenario(&streams), &["--as-of", as_of]);
        let mdr = Mdr::read(&report.join("mdr.csv"));
        mdr.column("Stream")
            .into_iter()
            .zip(mdr.column("Content"))
            .map(|(s, c)| format!("{s}: {c}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(shown("30m"), [format!("both: {EXAMPLE_TEXT}")], "the later message is not sent yet");
    assert_eq!(shown("7d"), [format!("both: {EXAMPLE_TEXT}"), "later: later".into()], "exactly 7 days: kept");
    assert_eq!(shown("7d1ns"), [format!("both: {REDACTED_TEXT}"), "later: later".into()]);
    assert_eq!(shown("2026-03-17T08:00:00-07:00"), shown("7d"), "an RFC 3339 instant");
    assert_eq!(shown("90d"), [format!("both: {REDACTED_TEXT}"), format!("later: {REDACTED_TEXT}")]);
    assert_eq!(shown("90d1ns"), ["later: ***Text Content Redacted***".to_string()], "older than 90 days: dropped");
    assert!(shown("91d").is_empty());
}

#[test]
fn rows_are_every_attempt_in_acceptance_order_with_the_export_fields() {
    // Random processing delays resolve messages out of acceptance order;
    // a short expiry and retries make several attempts per message.
    let text = scenario(
        r#"[delays]
processing = { dist = "uniform", low = "0s", high = "3s" }
[[traffic]]
name = "otp"
sender = "tf"
kind = "otp"
message_expiry = "5s"
text = "Your code is 123456"
retry = { on = ["expired"], after = ["10s", "10s"] }
arrival = { process = "burst", count = 300, at = "0s" }
"#,
    );
    let (_dir, report) = run(&text, &[]);
    let mdr = Mdr::read(&report.join("mdr.csv"));
    assert_eq!(
        mdr.header.join(","),
        "Message UUID,To Country ISO2,Message Time,Error Code,Error Reason,Rate Per Unit (USD),\
Carrier Surcharge Per Unit (USD),Total Charge Per Unit (USD),Total Charge (USD),Stream,Message Direction,\
Message Type,Message State,Units,From Number,To Number,Content,Carrier,Accepted At,Dispatched At,Done At,Attempt,Replication"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("summary.json")).unwrap()).unwrap();
    assert_eq!(mdr.rows.len() as u64, summary["attempts"]["accepted"].as_u64().unwrap(), "one row per attempt");
    let times: Vec<jiff::Timestamp> = mdr.column("Message Time").iter().map(|t| t.parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "acceptance order");
    assert_eq!(mdr.column("Accepted At"), mdr.column("Message Time"));
    let expired = mdr.column("Message State").iter().filter(|s| **s == "expired").count();
    assert_eq!(expired as u64, summary["attempts"]["expired"].as_u64().unwrap());
    let per_unit = mdr.column("Total Charge Per Unit (USD)");
    for (((state, code), (reason, charge)), per_unit) in mdr
        .column("Message State")
        .into_iter()
        .zip(mdr.column("Error Code"))
        .zip(mdr.column("Error Reason").into_iter().zip(mdr.column("Total Charge (USD)")))
        .zip(per_unit)
    {
        // 0.0058 a toll-free segment, plus the carrier's surcharge: 0.003
        // (AT&T, T-Mobile), 0.00302 (Verizon) or 0.0025 (other).
        assert!(["0.0088", "0.00882", "0.0083"].contains(&per_unit), "{per_unit}");
        match state {
            "expired" => assert_eq!((code, reason, charge), ("420", "message expired in the queue", "0.0")),
            "delivered" => assert_eq!((code, reason, charge), ("", "", per_unit)),
            other => panic!("unexpected state {other}"),
        }
    }
    // Each message's attempts: 0, 1, ... in order; the UUIDs differ.
    let attempts = mdr.column("Attempt");
    assert!(attempts.contains(&"2"), "some messages were retried twice");
    let mut uuids = mdr.column("Message UUID");
    for u in &uuids {
        assert!(u.len() == 36 && &u[14..15] == "4" && "89ab".contains(&u[19..20]), "{u}");
    }
    uuids.sort();
    uuids.dedup();
    assert_eq!(uuids.len(), mdr.rows.len());
}

#[test]
fn replications_join_in_order_and_records_do_not_depend_on_threads() {
    let text = scenario(
        r#"[delays]
delivery = { dist = "lognormal", median = "3s", p99 = "30s" }
[[traffic]]
name = "promo"
sender = "tf"
recipients = 40
text = "Sale, today only"
arrival = { process = "poisson", rate = "30/s", count = 2000 }
"#,
    );
    let (_a, one) = run(&text, &["--threads", "1", "--replications", "3"]);
    let (_b, three) = run(&text, &["--threads", "3", "--replications", "3"]);
    let plain = std::fs::read(one.join("mdr.csv")).unwrap();
    assert_eq!(plain, std::fs::read(three.join("mdr.csv")).unwrap());
    let mdr = Mdr::read(&one.join("mdr.csv"));
    let reps = mdr.column("Replication");
    assert_eq!(reps.len(), 6000);
    assert!(reps.windows(2).all(|w| w[0] <= w[1]) && reps[0] == "1" && reps[5999] == "3");
    // 40 recipients, each always on one carrier.
    let mut seen = std::collections::BTreeMap::new();
    for ((to, carrier), rep) in mdr.column("To Number").into_iter().zip(mdr.column("Carrier")).zip(&reps) {
        let c = seen.entry((rep, to)).or_insert(carrier);
        assert_eq!(*c, carrier, "{to} changed carrier within a replication");
    }
    let numbers: std::collections::BTreeSet<_> = seen.keys().map(|(_, to)| *to).collect();
    assert_eq!(numbers.len(), 40, "the same 40 recipients in every replication");
    // Compressed: the same bytes once unpacked, and the same file for any thread count.
    let (_c, gz) = run(&text, &["--mdr-compress", "gzip", "--threads", "2", "--replications", "3"]);
    let packed = std::fs::read(gz.join("mdr.csv.gz")).unwrap();
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&packed[..]), &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    assert!(packed.len() * 4 < plain.len(), "{} of {} bytes", packed.len(), plain.len());
    let (_d, gz1) = run(&text, &["--mdr-compress", "gzip", "--threads", "1", "--replications", "3"]);
    assert_eq!(std::fs::read(gz1.join("mdr.csv.gz")).unwrap(), packed);
}

#[test]
fn bulk_destinations_send_one_message_each_in_order() {
    let dir = tempdir();
    std::fs::write(dir.path().join("sends.csv"), "time,dst\n1s,14158889999\n0s,14156667777<+14157778888\n").unwrap();
    let text = scenario(
        r#"[[traffic]]
name = "burst"
sender = "tf"
arrival = { process = "burst", count = 2, dst = "14156667777<14157778888<14158889999", at = "0s" }
[[traffic]]
name = "trace"
sender = "tf"
arrival = { process = "trace", file = "sends.csv" }
"#,
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = a2psim(&["run", "s.toml", "--out", "out", "-q", "--mdr"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mdr = Mdr::read(&dir.path().join("out/s/mdr.csv"));
    let to = |stream: &str| -> Vec<String> {
        mdr.column("Stream")
            .into_iter()
            .zip(mdr.column("To Number"))
            .filter(|(s, _)| *s == stream)
            .map(|(_, n)| n.to_string())
            .collect()
    };
    let (a, b, c) = ("+14156667777", "+14157778888", "+14158889999");
    assert_eq!(to("burst"), [a, b, c, a, b, c]);
    assert_eq!(to("trace"), [a, b, c]);
}

#[test]
fn a_runs_own_records_replayed_give_the_same_records() {
    let dir = tempdir();
    let original = scenario(
        r#"[delays]
processing = { dist = "exponential", mean = "200ms" }
delivery = { dist = "lognormal", median = "2s", p99 = "20s" }
[[traffic]]
name = "otp"
sender = "tf"
message_expiry = "20s"
text = "Your code is 123456"
arrival = { process = "poisson", rate = "40/s", count = 3000 }
[[traffic]]
name = "promo"
sender = "tf"
text = "Sale"
arrival = { process = "burst", count = 500, at = "10s", spread = "7s" }
"#,
    );
    std::fs::write(dir.path().join("a.toml"), &original).unwrap();
    let out = a2psim(&["run", "a.toml", "--out", "out", "-q", "--mdr"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::copy(dir.path().join("out/a/mdr.csv"), dir.path().join("export.csv")).unwrap();
    let replay = original
        .replace(
            r#"{ process = "poisson", rate = "40/s", count = 3000 }"#,
            r#"{ process = "trace", format = "mdr", file = "export.csv", stream = "otp" }"#,
        )
        .replace(
            r#"{ process = "burst", count = 500, at = "10s", spread = "7s" }"#,
            r#"{ process = "trace", format = "mdr", file = "export.csv", stream = "promo" }"#,
        );
    std::fs::write(dir.path().join("b.toml"), replay).unwrap();
    let out = a2psim(&["run", "b.toml", "--out", "out", "-q", "--mdr"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (Mdr::read(&dir.path().join("out/a/mdr.csv")), Mdr::read(&dir.path().join("out/b/mdr.csv")));
    assert_eq!(a.rows.len(), 3500);
    assert!(a.rows == b.rows, "the replay's records differ from the original's");
}

#[test]
fn replay_moves_an_old_export_to_from_and_skips_inbound_and_retries() {
    let dir = tempdir();
    let export = "Message Time,Message Direction,Attempt\n\
2025-03-10T09:00:00-07:00,outbound,0\n\
2025-03-10T09:00:05-07:00,inbound,0\n\
2025-03-10T09:00:02-07:00,Outbound,0\n\
2025-03-10T09:00:09-07:00,outbound,1\n";
    std::fs::write(dir.path().join("export.csv"), export).unwrap();
    let text = scenario(
        r#"[[traffic]]
name = "peak"
sender = "tf"
arrival = { process = "trace", format = "mdr", file = "export.csv", from = "1h" }
"#,
    );
    let sc = loaded_in(dir.path(), &text).scenario;
    let (log, _) = run_log(&sc);
    let accepted: Vec<f64> = log.fates.iter().map(|f| f.accepted.as_secs_f64()).collect();
    assert_eq!(accepted, [3600.0, 3602.0]);
}

/// Loads `text` as a scenario in `dir` (for its trace files).
fn loaded_in(dir: &Path, text: &str) -> a2psim::load::Loaded {
    a2psim::load::parse(text, "s.toml", "s", dir)
        .unwrap_or_else(|d| panic!("{}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")))
}

/// The first error `validate` prints for `text` with `files` beside it.
fn first_error(text: &str, files: &[(&str, &str)]) -> String {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let out = a2psim(&["validate", "s.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or_default().to_string()
}

#[test]
fn bad_exports_and_lists_say_file_line_and_column() {
    let trace = |arrival: &str| scenario(&format!("[[traffic]]\nname = \"t\"\nsender = \"tf\"\narrival = {arrival}\n"));
    let mdr = trace(r#"{ process = "trace", format = "mdr", file = "export.csv" }"#);
    assert_eq!(
        first_error(&mdr, &[("export.csv", "Message UUID,Time\nx,1s\n")]),
        "s.toml:9:55: export.csv:1:1: an MDR export needs a `Message Time` column; the header has: Message UUID, Time"
    );
    let e =
        first_error(&mdr, &[("export.csv", "Stream,Message Time\n\"a,b\",2026-03-10T08:00:00-07:00\nc,yesterday\n")]);
    assert!(e.contains("export.csv:3:3: expected an offset"), "{e}");
    let e = first_error(
        &trace(r#"{ process = "trace", file = "t.csv" }"#),
        &[("t.csv", "time,dst\n0s,14156667777<1415\n")],
    );
    assert!(e.contains("t.csv:2:4: expected phone numbers with their country code, separated by `<`"), "{e}");
    let e = first_error(&trace(r#"{ process = "burst", dst = "14156667777<<1" }"#), &[]);
    assert!(e.contains("`traffic.t.arrival.dst`: expected phone numbers with their country code"), "{e}");
    let e = first_error(&trace(r#"{ process = "burst", dst = "14156667777<4155551234" }"#), &[]);
    assert!(e.contains("destination +4155551234 is not a US number (+1 and ten digits)"), "{e}");
    // A line break in a file's field stays escaped: one line per error.
    let e = first_error(
        &trace(r#"{ process = "trace", file = "t.csv" }"#),
        &[("t.csv", "time,dst\n0s,\"1\n::error::x\"\n")],
    );
    assert!(e.contains(r#"found "1\n::error::x""#), "{e}");
    let rows = |body: &str| first_error(&mdr, &[("export.csv", body)]);
    let e = rows("Message Time,Message Direction\n2026-03-10T08:00:00-07:00\n");
    assert!(e.contains("export.csv:2:1: the row has 1 fields, the header 2"), "{e}");
    let e = rows("Message Time,Attempt\n2026-03-10T08:00:00-07:00,x\n");
    assert!(e.contains("export.csv:2:27: expected an attempt (a whole number), found \"x\""), "{e}");
    let e = rows("Message Time,Message Direction\n2026-03-10T08:00:00-07:00,sideways\n");
    assert!(e.contains("expected \"outbound\" or \"inbound\", found \"sideways\""), "{e}");
    let e = rows("Message Time,Stream\n2026-03-10T08:00:00-07:00,\"open\n");
    assert!(e.contains("export.csv:2:1: a quoted field is not closed"), "{e}");
    let e = rows("Message Time,message time\n2026-03-10T08:00:00-07:00,x\n");
    assert!(e.contains("the header names `Message Time` twice"), "{e}");
    let e = rows("Message Time\n2026-03-10T07:00:00-07:00\n");
    assert!(e.contains("(it is before the start: `from` moves the trace's first message there)"), "{e}");
    let e = rows("Message Time,Message Direction\n2026-03-10T08:00:00-07:00,inbound\n");
    assert!(e.contains("has no outbound first attempts"), "{e}");
    let e = first_error(&trace(r#"{ process = "trace", format = "csv", file = "t.csv" }"#), &[("t.csv", "0s\n")]);
    assert!(e.contains("expected \"times\" or \"mdr\", found \"csv\""), "{e}");
    let e = first_error(&trace(r#"{ process = "trace", file = "t.csv", stream = "a" }"#), &[("t.csv", "0s\n")]);
    assert!(e.contains("add `format = \"mdr\"`"), "{e}");
    let e = first_error(
        &scenario(
            "[[traffic]]\nname = \"t\"\nsender = \"tf\"\nlog = \"none\"\narrival = { process = \"burst\", count = 1 }\n",
        ),
        &[],
    );
    assert!(
        e.contains("`traffic.t.log`: expected true, false, \"number_only\" or \"content_only\", found \"none\""),
        "{e}"
    );
}

#[test]
fn command_line_mistakes_are_usage_errors() {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), scenario(&example_stream("a", "true"))).unwrap();
    for args in [
        &["run", "s.toml", "--as-of", "7d"][..],
        &["run", "s.toml", "--mdr", "--as-of", "yesterday"],
        &["run", "s.toml", "--mdr", "--mdr-compress", "zip"],
        &["run", "s.toml", "--mdr", "--shard", "1/2"],
    ] {
        let out = a2psim(args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!dir.path().join("reports").exists(), "{args:?} wrote reports");
    }
    // An instant that is none says which part is wrong.
    for (as_of, why) in [
        (
            "2026-03-10T09:00:00-05:00[America/Los_Angeles]",
            "is not a time of America/Los_Angeles: its offset then is -07:00",
        ),
        ("2026-03-10T09:00:00-07:00[Mars/Base]", "no time zone \"Mars/Base\" in the time-zone database"),
        ("9999-12-31T23:59:59-07:00", "lies past the end of the calendar, which ends with the year 9999"),
        ("2026-03-10T09:00:00", "has no UTC offset"),
        ("2026-03-10T09:00:00+25:00", "expected a UTC offset from -12:00 to +14:00, found +25:00"),
    ] {
        let out = a2psim(&["run", "s.toml", "--mdr", "--as-of", as_of], dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code() == Some(2) && err.contains(why), "{as_of}: {err}");
    }
}

#[test]
fn senders_abroad_need_their_rates_and_send_to_their_country() {
    let gb = |rates: &str, class: &str| {
        format!(
            r#"start = "2026-03-10T08:00:00-07:00"
[account]
sms_mps = 1000
mms_mps = 1000
[[senders]]
id = "uk"
type = "long_code"
country = "GB"
{rates}
[[traffic]]
name = "t"
sender = "uk"
class = "{class}"
arrival = {{ process = "burst", count = 30, at = "0s" }}
"#
        )
    };
    let e = first_error(&gb("", "sms"), &[]);
    assert!(e.contains("`senders.uk` needs `sms_rate`: a per-number rate such as \"10/s\": the source gives limits for US and Canadian numbers only, not GB"), "{e}");
    let e = first_error(&gb("sms_rate = \"10/s\"", "mms"), &[]);
    assert!(e.contains("`traffic.t.sender`: sender `uk` (GB) has no `mms_rate`"), "{e}");
    let e = first_error(&gb("sms_rate = \"10/s\"", "sms").replace("\"GB\"", "\"UK\""), &[]);
    assert!(e.contains("found \"UK\"; the United Kingdom is \"GB\""), "{e}");
    // 10 a second from one British number: the 30th leaves at 2 s; all to `other`.
    let (_dir, report) = run(&gb("sms_rate = \"10/s\"", "sms"), &[]);
    let mdr = Mdr::read(&report.join("mdr.csv"));
    assert!(mdr.column("To Country ISO2").iter().all(|c| *c == "GB"));
    assert!(mdr.column("Carrier").iter().all(|c| *c == "other"), "the default mix is of US carriers");
    assert!(mdr.column("To Number").iter().all(|n| n.starts_with("+447") && n.len() == 13));
    assert_eq!(mdr.column("Dispatched At")[29], "2026-03-10T08:00:02-07:00");
}

#[test]
fn inbound_rows_take_no_throughput_and_follow_the_application_setting() {
    let outbound = scenario(
        r#"[[traffic]]
name = "otp"
sender = "tf"
text = "Your code is 123456"
arrival = { process = "constant", rate = "1/s", count = 3 }
"#,
    );
    let with_inbound = outbound.clone()
        + &format!(
            r#"[[inbound]]
name = "replies"
country = "GB"
application = "support"
log_incoming_messages = false
text = "{EXAMPLE_TEXT}"
arrival = {{ process = "constant", rate = "1/s", count = 2, from = "1s" }}
[[inbound]]
name = "help"
country = "US"
application = "help"
text = "HELP"
arrival = {{ process = "burst", count = 1, at = "1s" }}
"#
        );
    let (_a, plain) = run(&outbound, &[]);
    let (_b, both) = run(&with_inbound, &[]);
    assert_eq!(
        std::fs::read(plain.join("summary.json")).unwrap(),
        std::fs::read(both.join("summary.json")).unwrap(),
        "inbound messages change no figure"
    );
    let mdr = Mdr::read(&both.join("mdr.csv"));
    let rows: Vec<String> = (0..mdr.rows.len())
        .map(|i| {
            let col = |name: &str| mdr.column(name)[i].to_string();
            let from = col("From Number");
            let from = if from.ends_with("***") { "redacted" } else { "shown" };
            format!(
                "{} {} {} from {from}: {}",
                col("Message Time"),
                col("Stream"),
                col("Message State"),
                col("Content")
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "2026-03-10T08:00:00-07:00 otp delivered from shown: Your code is 123456".to_string(),
            format!("2026-03-10T08:00:01-07:00 replies received from redacted: {REDACTED_TEXT}"),
            "2026-03-10T08:00:01-07:00 help received from shown: HELP".into(),
            "2026-03-10T08:00:01-07:00 otp delivered from shown: Your code is 123456".into(),
            format!("2026-03-10T08:00:02-07:00 replies received from redacted: {REDACTED_TEXT}"),
            "2026-03-10T08:00:02-07:00 otp delivered from shown: Your code is 123456".into(),
        ]
    );
    assert_eq!(mdr.column("Message Direction").iter().filter(|d| **d == "inbound").count(), 3);
    assert!(mdr.column("To Number")[1].starts_with("+447") && !mdr.column("To Number")[1].ends_with("***"));
    let bad = |extra: &str| first_error(&(outbound.clone() + extra), &[]);
    let e = bad(
        "[[inbound]]\nname = \"r\"\ncountry = \"FR\"\napplication = \"a\"\narrival = { process = \"burst\", count = 1 }\n",
    );
    assert!(e.contains("`inbound.r.country`: expected \"US\" or \"GB\""), "{e}");
    let e = bad(
        "[[inbound]]\nname = \"otp\"\ncountry = \"US\"\napplication = \"a\"\narrival = { process = \"burst\", count = 1 }\n",
    );
    assert!(e.contains("\"otp\" is used twice"), "{e}");
    let e = bad(
        "[[inbound]]\nname = \"a\"\ncountry = \"US\"\napplication = \"x\"\narrival = { process = \"burst\", count = 1 }\n\
[[inbound]]\nname = \"b\"\ncountry = \"US\"\napplication = \"x\"\nlog_incoming_messages = false\narrival = { process = \"burst\", count = 1 }\n",
    );
    assert!(e.contains("application \"x\" already has log_incoming_messages = true (inbound `a`)"), "{e}");
}

#[test]
fn the_shipped_records_example_reads_as_its_comments_say() {
    let dir = tempdir();
    let scenario = repo().join("scenarios/reminder_records.toml");
    let out = a2psim(&["run", scenario.to_str().unwrap(), "--out", "out", "-q", "--mdr"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mdr = Mdr::read(&dir.path().join("out/reminder_records/mdr.csv"));
    let of = |stream: &str, column: &str| -> Vec<String> {
        mdr.column("Stream")
            .into_iter()
            .zip(mdr.column(column))
            .filter(|(s, _)| *s == stream)
            .map(|(_, v)| v.into())
            .collect()
    };
    let reminders = of("reminders", "To Number");
    assert_eq!(reminders.len(), 600);
    assert!(reminders.iter().all(|n| n.len() == 12 && n.starts_with("+1")), "numbers kept");
    let patients: std::collections::BTreeSet<&String> = reminders.iter().collect();
    assert!(patients.len() <= 400 && patients.len() > 300, "{} patients", patients.len());
    assert!(of("reminders", "Content").iter().all(|c| c == REDACTED_TEXT));
    assert_eq!(of("staff-alert", "To Number"), ["+14156667777", "+14157778888", "+14158889999"]);
    assert!(of("london-reminders", "To Country ISO2").iter().all(|c| c == "GB"));
    let replies = of("replies", "From Number");
    assert!(!replies.is_empty() && replies.iter().all(|n| n.ends_with("***")));
    assert!(of("replies", "Content").iter().all(|c| c == REDACTED_TEXT));
    assert_eq!(mdr.rows.len(), 623 + replies.len(), "every outbound attempt and every reply");
}

#[test]
fn each_sweep_point_has_its_records_and_no_part_is_left_behind() {
    let text = scenario(
        r#"[sweep]
"traffic.otp.message_expiry" = ["5s", "1m"]
[[traffic]]
name = "otp"
sender = "tf"
arrival = { process = "burst", count = 40, at = "0s" }
"#,
    );
    let (dir, report) = run(&text, &[]);
    let expired = |point: &str| {
        let mdr = Mdr::read(&report.join(format!("points/{point}/mdr.csv")));
        mdr.column("Message State").iter().filter(|s| **s == "expired").count()
    };
    // 40 at once at 5 a second: 30 leave within 5 s and 10 expire; none waits a minute.
    assert_eq!((expired("000"), expired("001")), (10, 0));
    let hidden: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && !n.ends_with("-lock"))
        .collect();
    assert!(hidden.is_empty(), "left behind: {hidden:?}");
}

#[test]
fn replay_reads_a_spreadsheet_export_and_keeps_one_replication() {
    let dir = tempdir();
    // A byte-order mark, CRLF line ends, quoted commas, two replications.
    let export = "\u{feff}Stream,Message Time,Replication,Content\r\n\
a,2026-03-10T08:00:01-07:00,1,\"Hi, there\"\r\n\
a,2026-03-10T08:00:02-07:00,2,\"Hi, there\"\r\n\
a,2026-03-10T08:00:03-07:00,1,\"Hi, there\"\r\n";
    std::fs::write(dir.path().join("export.csv"), export).unwrap();
    let arrivals = |extra: &str| {
        let text = scenario(&format!(
            "[[traffic]]\nname = \"t\"\nsender = \"tf\"\narrival = {{ process = \"trace\", format = \"mdr\", file = \"export.csv\"{extra} }}\n"
        ));
        let (log, _) = run_log(&loaded_in(dir.path(), &text).scenario);
        log.fates.iter().map(|f| f.accepted.as_secs_f64()).collect::<Vec<_>>()
    };
    assert_eq!(arrivals(""), [1.0, 3.0], "replication 1 only");
    assert_eq!(arrivals(", replication = 2"), [2.0]);
}

#[test]
fn a_wrong_country_is_one_error_and_as_of_takes_seconds() {
    let text = scenario("").replace("type = \"toll_free\"", "type = \"long_code\"\ncountry = \"ZZ\"")
        + "[[traffic]]\nname = \"t\"\nsender = \"tf\"\narrival = { process = \"burst\", count = 1 }\n";
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = a2psim(&["validate", "s.toml"], dir.path());
    let errors = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("expected an ISO 3166-1 alpha-2 country code"), "{errors}");
    let (_dir, report) = run(&scenario(&example_stream("a", "true")), &["--as-of", "60"]);
    assert_eq!(Mdr::read(&report.join("mdr.csv")).rows.len(), 1);
}
