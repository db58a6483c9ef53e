//! Outages: full stops, degraded capacity, scopes.

use crate::helpers::*;
use a2psim::scenario::model::Outcome;

fn with_outage(outage: &str, sender: &str, carriers: &str, count: u32, rate: &str) -> String {
    format!(
        r#"{HEAD}
[account]
sms_mps = "{rate}"
[[brands]]
id = "b"
vetting_score = 80
[[senders]]
{sender}
[[traffic]]
name = "t"
sender = "s"
message_expiry = "1h"
carriers = {carriers}
arrival = {{ process = "burst", count = {count}, at = "0s" }}
[[outages]]
{outage}
"#
    )
}

const SHORT_CODE: &str = "id = \"s\"\ntype = \"short_code\"";

#[test]
fn a_platform_stop_holds_every_dispatch_then_releases_at_its_end() {
    let text =
        with_outage("scope = \"platform\"\nstart = \"2s\"\nduration = \"10s\"", SHORT_CODE, "{ att = 1.0 }", 20, "5/s");
    let (log, _) = run_log(&scenario(&text));
    let secs = dispatch_secs(&log);
    assert_eq!(&secs[..10], &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(&secs[10..], &[12.0, 12.0, 12.0, 12.0, 12.0, 13.0, 13.0, 13.0, 13.0, 13.0]);
}

#[test]
fn a_stop_starting_mid_window_holds_from_its_first_instant() {
    let text = with_outage(
        "scope = \"platform\"\nstart = \"500ms\"\nduration = \"2s\"",
        SHORT_CODE,
        "{ att = 1.0 }",
        3,
        "1/s",
    );
    let (log, _) = run_log(&scenario(&text));
    // The window [2 s, 3 s) starts inside the stop: scale 0 governs it.
    assert_eq!(dispatch_secs(&log), vec![0.0, 3.0, 4.0]);
}

#[test]
fn messages_expire_after_a_stop_without_taking_slots() {
    let text =
        with_outage("scope = \"platform\"\nstart = \"0s\"\nduration = \"2h\"", SHORT_CODE, "{ att = 1.0 }", 7, "5/s");
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(count(&log, Outcome::Expired), 7);
    assert!(log.fates.iter().all(|f| f.done.as_secs_f64() == 7200.0));
}

#[test]
fn a_carrier_stop_holds_only_that_carrier() {
    let text = with_outage(
        "scope = \"carrier:verizon\"\nstart = \"0s\"\nduration = \"30s\"",
        SHORT_CODE,
        "{ att = 0.5, verizon = 0.5 }",
        100,
        "1000/s",
    );
    let (log, _) = run_log(&scenario(&text));
    for f in &log.fates {
        let at = f.dispatched.unwrap().as_secs_f64();
        match f.carrier {
            a2psim::scenario::model::Carrier::Verizon => assert_eq!(at, 30.0),
            _ => assert!(at < 2.0),
        }
    }
}

#[test]
fn degraded_platform_scales_the_account_window_with_carry() {
    // 5/s at 30 %: 1.5 per window: 1, 2, 1, 2 ...
    let text = with_outage(
        "scope = \"platform\"\nstart = \"0s\"\nduration = \"1h\"\ncapacity = 0.3",
        SHORT_CODE,
        "{ att = 1.0 }",
        6,
        "5/s",
    );
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(dispatch_secs(&log), vec![0.0, 1.0, 1.0, 2.0, 3.0, 3.0]);
}

#[test]
fn degraded_carrier_scales_tpm() {
    let sender = "id = \"s\"\ntype = \"long_code\"\nbrand = \"b\"";
    let text = with_outage(
        "scope = \"carrier:att\"\nstart = \"0s\"\nduration = \"1h\"\ncapacity = 0.5",
        sender,
        "{ att = 1.0 }",
        4_500,
        "1000000/s",
    );
    let (log, _) = run_log(&scenario(&text));
    let secs = dispatch_secs(&log);
    assert_eq!(secs.iter().filter(|&&s| s == 0.0).count(), 2_250);
    assert_eq!(secs.iter().filter(|&&s| s == 60.0).count(), 2_250);
}

#[test]
fn degraded_carrier_on_a_toll_free_path_adds_a_per_number_carrier_limit() {
    // Toll-free: 25/s per number. Verizon degraded to 20 %: 5/s to Verizon,
    // AT&T keeps the rest of the number's 25/s.
    let sender = "id = \"s\"\ntype = \"toll_free\"";
    let text = with_outage(
        "scope = \"carrier:verizon\"\nstart = \"0s\"\nduration = \"1h\"\ncapacity = 0.2",
        sender,
        "{ att = 0.5, verizon = 0.5 }",
        100,
        "1000/s",
    );
    let (log, _) = run_log(&scenario(&text));
    let vz_first: usize = log
        .fates
        .iter()
        .filter(|f| {
            f.carrier == a2psim::scenario::model::Carrier::Verizon && f.dispatched.unwrap().as_secs_f64() == 0.0
        })
        .count();
    let all_first = log.fates.iter().filter(|f| f.dispatched.unwrap().as_secs_f64() == 0.0).count();
    assert_eq!(vz_first, 5);
    assert_eq!(all_first, 25);
}

#[test]
fn a_sender_stop_holds_only_that_sender() {
    let text = format!(
        r#"{HEAD}
[[senders]]
id = "a"
type = "short_code"
[[senders]]
id = "b"
type = "short_code"
[[traffic]]
name = "a"
sender = "a"
arrival = {{ process = "burst", count = 2, at = "0s" }}
[[traffic]]
name = "b"
sender = "b"
arrival = {{ process = "burst", count = 2, at = "0s" }}
[[outages]]
scope = "sender:a"
start = "0s"
duration = "10s"
"#
    );
    let (log, _) = run_log(&scenario(&text));
    for f in &log.fates {
        let at = f.dispatched.unwrap().as_secs_f64();
        assert_eq!(at, if f.stream == 0 { 10.0 } else { 0.0 });
    }
}

#[test]
fn overlapping_outages_multiply() {
    // 10/s at 50 % × 50 %: 2.5 per window: 2, 3, 2, 3.
    let text = with_outage(
        "scope = \"platform\"\nstart = \"0s\"\nduration = \"1h\"\ncapacity = 0.5\n[[outages]]\nscope = \"platform\"\nstart = \"0s\"\nduration = \"1h\"\ncapacity = 0.5",
        SHORT_CODE,
        "{ att = 1.0 }",
        10,
        "10/s",
    );
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(dispatch_secs(&log), vec![0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0]);
}

#[test]
fn a_smooth_limit_added_by_a_degraded_carrier_lets_go_when_the_outage_ends() {
    // Toll-free at 1/s smooth; AT&T at 10 % adds a per-(number, carrier)
    // limit of one message per 10 s until 3 s. The second message waits for
    // the number's next slot (1 s), then for the outage's end, not for 10 s.
    let sender = "id = \"s\"\ntype = \"toll_free\"\nsms_rate = 1\nshape = \"smooth\"";
    let outage = "scope = \"carrier:att\"\nstart = \"0s\"\nduration = \"3s\"\ncapacity = 0.1";
    let (log, _) = run_log(&scenario(&with_outage(outage, sender, "{ att = 1.0 }", 3, "5/s")));
    assert_eq!(dispatch_secs(&log), vec![0.0, 3.0, 4.0]);
}
