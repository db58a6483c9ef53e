//! `a2psim explain`: the limits on each stream's path, slowest first, with
//! where each figure comes from, and a burst's best drain time.

use crate::helpers::*;

fn explained(text: &str) -> String {
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = a2psim(&["explain", "s.toml"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_toll_free_burst_is_held_by_the_account_and_drains_in_a_minute() {
    let text = explained(
        r#"start = "2026-03-10T08:00:00-07:00"
[[senders]]
id = "tf"
type = "toll_free"
numbers = 2
[[traffic]]
name = "otp"
sender = "tf"
arrival = { process = "burst", count = 300, at = "0s" }
"#,
    );
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert_eq!(
        &lines[1..6],
        [
            "stream otp (sms, 1 segment) from tf: 2 toll_free numbers, US",
            "limits on its path, slowest first:",
            "5/s  account SMS limit, shared by every sender  (the document: 5/s)",
            "50/s  sender tf: 2 × 25/s a number  (the document: US toll_free)",
            "arrivals: a burst of 300",
        ],
        "{text}"
    );
    // 300 at 5 a second, 5 a window: the 60th window opens at 59 s.
    assert_eq!(
        lines[6],
        "its 300 messages go out in 59s at best, through the slowest limit alone (no other stream, outage or daily cap)"
    );
}

#[test]
fn a_10dlc_stream_is_held_by_its_brand_at_the_busiest_carrier() {
    let text = explained(
        r#"start = "2026-03-10T08:00:00-07:00"
[account]
sms_mps = 500
[[brands]]
id = "shop"
vetting_score = 62
[[senders]]
id = "d"
type = "long_code"
brand = "shop"
[[traffic]]
name = "promo"
sender = "d"
segments = 2
carriers = { att = 0.25, tmobile = 0.5, verizon = 0.25 }
arrival = { process = "constant", rate = "50/s", until = "1h" }
[[outages]]
scope = "carrier:tmobile"
start = "10m"
duration = "5m"
capacity = 0.3
"#,
    );
    // 2,400 segments a minute per carrier, 2 segments a message, half at
    // T-Mobile: 2400 / 60 / 2 / 0.5 = 40 messages a second.
    for wanted in [
        "40/s  brand shop tpm 2400/min at each carrier, tmobile taking 50 %  (the document: vetting score 62, standard)",
        "500/s  account SMS limit, shared by every sender  (set by `account.sms_mps`)",
        "T-Mobile daily cap: 40000 a Pacific day for brand shop (the document: vetting score 62): about 40000 of this stream's messages a day at 50 % T-Mobile",
        "outage: carrier tmobile at 30 % from 08:10:00 to 08:15:00",
        "arrivals: 50/s, evenly; above the slowest limit: a backlog builds",
    ] {
        assert!(text.contains(wanted), "{wanted:?} not in\n{text}");
    }
    let at = |s: &str| text.find(s).unwrap();
    assert!(at("40/s  brand") < at("500/s  account"), "slowest first");
}

#[test]
fn what_the_limits_alone_do_not_say_is_said() {
    let text = explained(
        r#"start = "2026-03-10T08:00:00-07:00"
[provider]
queue_max = 100
[[senders]]
id = "tf"
type = "toll_free"
verified = false
[[traffic]]
name = "otp"
sender = "tf"
message_expiry = "1m"
retry = { on = ["expired"], after = ["30s"] }
arrival = { process = "burst", count = 900, at = "0s", spread = "1m" }
"#,
    );
    for wanted in [
        // 900 at 5 a second take 179 s; the last arrives at 60 s and waits 119 s.
        "its 900 messages go out in 2m59s at best, through the slowest limit alone (no other stream, outage or daily cap); the last would wait longer than message_expiry (1m) and expire",
        "retries: up to 1 after expired: each retry passes these limits again",
        "unverified toll-free: its messages accepted from 2024-01-31 00:00 Pacific on are blocked",
        "provider queue limit: at most 100 waiting (sender); beyond it messages are rejected, not queued",
    ] {
        assert!(text.contains(wanted), "{wanted:?} not in\n{text}");
    }
}

#[test]
fn a_stream_names_ten_streams_sharing_its_account_limit_and_counts_the_rest() {
    let streams: String = (0..13)
        .map(|i| {
            let class = if i == 12 { "class = \"mms\"\n" } else { "" };
            format!(
                "[[traffic]]\nname = \"t{i}\"\nsender = \"tf\"\ntext = \"a\"\n{class}\
                 arrival = {{ process = \"burst\", count = 1, at = \"0s\" }}\n"
            )
        })
        .collect();
    let text = explained(&format!(
        "start = \"2026-03-10T08:00:00-07:00\"\n[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n{streams}"
    ));
    let shares: Vec<&str> = text.lines().filter(|l| l.contains("shares the account limit")).collect();
    // Twelve SMS streams share one limit; the MMS stream has its own.
    assert_eq!(shares.len(), 12, "{text}");
    assert_eq!(shares[0], "  shares the account limit with: t1, t2, t3, t4, t5, t6, t7, t8, t9, t10 and 1 more");
    assert_eq!(shares[11], "  shares the account limit with: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 and 1 more");
    assert_eq!(shares[9], "  shares the account limit with: t0, t1, t2, t3, t4, t5, t6, t7, t8, t10 and 1 more");
}

/// A limit counted in minute windows holds a burst for whole minutes: of
/// 40,000 messages from a score-30 brand (240 a minute at each carrier,
/// AT&T taking 34 %, about 13,600), the last goes when the 57th window
/// opens, at 56m00s; a run, whose carrier draws vary around 34 % and whose
/// account spreads each window's messages, goes no earlier.
#[test]
fn a_minute_window_holds_a_burst_for_whole_minutes() {
    let text = r#"start = "2026-04-14T08:00:00-07:00"
seed = 7
[account]
sms_mps = 50
[[brands]]
id = "shop"
vetting_score = 30
[[senders]]
id = "dlc"
type = "long_code"
brand = "shop"
numbers = 10
[[traffic]]
name = "promo"
sender = "dlc"
kind = "promotional"
arrival = { process = "burst", count = 40000 }
"#;
    let out = explained(text);
    assert!(out.contains("11.765/s  brand shop tpm 240/min at each carrier, att taking 34 %"), "{out}");
    assert!(out.contains("its 40000 messages go out in 56m00s at best"), "{out}");
    let (log, _) = run_log(&scenario(text));
    let last = log.fates.iter().filter_map(|f| f.dispatched).max().expect("dispatched");
    assert!(last.as_nanos() >= 3_360_000_000_000, "{last:?}");
}
