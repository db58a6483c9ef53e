//! The provider FAQ's own examples, and the model's precise rules (README,
//! *The model in short*), as exact expectations.

use crate::helpers::*;
use a2psim::report;
use a2psim::run::simulate::simulate;
use a2psim::scenario::model::Outcome;

/// A short code (100/s per number) so that the account limit is what binds.
fn account_burst(count: u32, class: &str, sender_type: &str) -> String {
    format!(
        r#"{HEAD}
[[senders]]
id = "s"
type = "{sender_type}"

[[traffic]]
name = "t"
sender = "s"
class = "{class}"
arrival = {{ process = "burst", count = {count}, at = "0s" }}
"#
    )
}

#[test]
fn five_messages_at_5_mps_go_at_once() {
    let (log, _) = run_log(&scenario(&account_burst(5, "sms", "short_code")));
    assert_eq!(dispatch_secs(&log), vec![0.0; 5]);
}

#[test]
fn ten_messages_at_5_mps_go_five_now_and_five_a_second_later() {
    let (log, _) = run_log(&scenario(&account_burst(10, "sms", "short_code")));
    assert_eq!(dispatch_secs(&log), vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
}

#[test]
fn mms_at_quarter_mps_are_four_seconds_apart() {
    let (log, _) = run_log(&scenario(&account_burst(4, "mms", "short_code")));
    assert_eq!(dispatch_secs(&log), vec![0.0, 4.0, 8.0, 12.0]);
}

#[test]
fn fractional_rate_windows_carry_the_fraction() {
    // 2.5/s admits 2, 3, 2, 3 ...
    let text = account_burst(10, "sms", "short_code").replace("seed = 1", "seed = 1\n[account]\nsms_mps = 2.5");
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(dispatch_secs(&log), vec![0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0]);
}

#[test]
fn smooth_account_limit_spaces_evenly() {
    let text = account_burst(4, "sms", "short_code").replace("seed = 1", "seed = 1\n[account]\nshape = \"smooth\"");
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(dispatch_secs(&log), vec![0.0, 0.2, 0.4, 0.6]);
}

/// A 10DLC brand sending `count` single-segment SMS to AT&T at once.
fn brand_burst(brand: &str, count: u32) -> String {
    format!(
        r#"{HEAD}
[account]
sms_mps = "1000000/s"

[[brands]]
id = "b"
{brand}

[[senders]]
id = "s"
type = "long_code"
brand = "b"

[[traffic]]
name = "t"
sender = "s"
carriers = {{ att = 1.0 }}
arrival = {{ process = "burst", count = {count}, at = "0s" }}
"#
    )
}

fn per_window(text: &str) -> Vec<usize> {
    let (log, _) = run_log(&scenario(text));
    let secs = dispatch_secs(&log);
    let mut counts = Vec::new();
    for s in secs {
        let w = (s / 60.0) as usize;
        if counts.len() <= w {
            counts.resize(w + 1, 0);
        }
        counts[w] += 1;
    }
    counts
}

#[test]
fn each_tpm_band_admits_its_figure_per_minute() {
    assert_eq!(per_window(&brand_burst("vetting_score = 80", 5_000)), vec![4_500, 500]);
    assert_eq!(per_window(&brand_burst("vetting_score = 75", 4_501)), vec![4_500, 1]);
    assert_eq!(per_window(&brand_burst("vetting_score = 62", 5_000)), vec![2_400, 2_400, 200]);
    assert_eq!(per_window(&brand_burst("vetting_score = 30", 500)), vec![240, 240, 20]);
    assert_eq!(per_window(&brand_burst("vetting_score = 0", 241)), vec![240, 1]);
    let low = "vetting_score = 90\nuse_case = \"low_volume\"";
    assert_eq!(per_window(&brand_burst(low, 160)), vec![75, 75, 10]);
    assert_eq!(per_window(&brand_burst("vetting_score = 80\ntpm = 100", 250)), vec![100, 100, 50]);
}

#[test]
fn smooth_tpm_has_no_cumulative_drift() {
    let text = brand_burst("vetting_score = 80\nshape = \"smooth\"", 4_501);
    let (log, _) = run_log(&scenario(&text));
    let mut got: Vec<u64> = log.fates.iter().map(|f| f.dispatched.unwrap().as_nanos()).collect();
    got.sort();
    for (k, t) in got.iter().enumerate() {
        assert_eq!(*t, (60_000_000_000u128 * k as u128 / 4_500) as u64, "message {k}");
    }
    assert_eq!(got[4_500], 60_000_000_000);
}

/// A 10DLC brand with `tpm` (segments per minute) and, per stream, a burst
/// of (segments, count) to AT&T at 0 s, in file order.
fn tpm_bursts(tpm: u64, streams: &[(u32, u32)]) -> String {
    let mut text = format!(
        "{HEAD}[account]\nsms_mps = \"1000/s\"\n[[brands]]\nid = \"b\"\nvetting_score = 80\ntpm = {tpm}\n[[senders]]\nid = \"s\"\ntype = \"long_code\"\nbrand = \"b\"\n"
    );
    for (i, (segments, count)) in streams.iter().enumerate() {
        text.push_str(&format!(
            "[[traffic]]\nname = \"t{i}\"\nsender = \"s\"\nsegments = {segments}\ncarriers = {{ att = 1.0 }}\narrival = {{ process = \"burst\", count = {count}, at = \"0s\" }}\n"
        ));
    }
    text
}

#[test]
fn a_message_needing_more_units_than_left_holds_younger_ones() {
    // 10 segments per minute; an 8-segment, then a 3-segment, then a 1-segment message.
    let (log, _) = run_log(&scenario(&tpm_bursts(10, &[(8, 1), (3, 1), (1, 1)])));
    let by_stream: Vec<f64> =
        (0..3).map(|s| log.fates.iter().find(|f| f.stream == s).unwrap().dispatched.unwrap().as_secs_f64()).collect();
    assert_eq!(by_stream, vec![0.0, 60.0, 60.0]);
}

#[test]
fn an_oversized_message_goes_in_a_fresh_window_and_owes_the_next() {
    let (log, _) = run_log(&scenario(&tpm_bursts(5, &[(8, 1), (2, 3)])));
    // Window 0: 8 (3 owed). Window 1: 5 - 3 = 2 left: one 2-segment message.
    // Window 2: 5: two more.
    assert_eq!(dispatch_secs(&log), vec![0.0, 60.0, 120.0, 120.0]);
}

#[test]
fn expiry_is_strictly_greater_fails_with_420_and_costs_nothing() {
    let text = format!(
        r#"{HEAD}
[account]
sms_mps = 1
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "otp"
sender = "s"
kind = "otp"
message_expiry = "5s"
arrival = {{ process = "burst", count = 10, at = "0s" }}
"#
    );
    let sc = scenario(&text);
    let (log, _) = run_log(&sc);
    // Waits 0..5 s go (5 is not more than 5); the rest expire together at 6 s,
    // taking no slot.
    assert_eq!(dispatch_secs(&log), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    let expired: Vec<_> = log.fates.iter().filter(|f| f.outcome == Outcome::Expired).collect();
    assert_eq!(expired.len(), 4);
    assert!(expired.iter().all(|f| f.done.as_secs_f64() == 6.0 && f.cost.0 == 0));
    let r = simulate(&sc);
    let summary = report::summary("otp", &sc, &r);
    assert_eq!(summary["messages"]["expired"], 4);
    assert_eq!(summary["expiry_rate"], 0.4);
    assert_eq!(summary["error_codes"]["expired"], 420);
    // Six delivered short-code SMS at the example prices: 6 × (0.006 + carrier surcharge).
    let delivered_cost: u64 = log.fates.iter().map(|f| f.cost.0).sum();
    assert_eq!(summary["cost_usd"], delivered_cost as f64 / 1e9);
    assert!(delivered_cost > 0);
}

#[test]
fn an_expired_message_frees_the_slot_for_the_next_at_the_same_instant() {
    // Two streams share the account limit: the older messages expire, the
    // younger one (longer expiry) takes the slot at the same instant.
    let text = format!(
        r#"{HEAD}
[account]
sms_mps = 1
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "short"
sender = "s"
message_expiry = "5s"
arrival = {{ process = "burst", count = 8, at = "0s" }}
[[traffic]]
name = "long"
sender = "s"
arrival = {{ process = "burst", count = 1, at = "0s" }}
"#
    );
    let (log, _) = run_log(&scenario(&text));
    let long = log.fates.iter().find(|f| f.stream == 1).unwrap();
    assert_eq!(long.dispatched.unwrap().as_secs_f64(), 6.0);
    assert_eq!(count(&log, Outcome::Expired), 2);
}

#[test]
fn no_head_of_line_blocking_across_carriers() {
    // AT&T's 75 TPM holds 100 AT&T messages; Verizon messages accepted after
    // them still go at once.
    let text = format!(
        r#"{HEAD}
[account]
sms_mps = "1000/s"
[[brands]]
id = "b"
vetting_score = 80
use_case = "low_volume"
[[senders]]
id = "s"
type = "long_code"
brand = "b"
[[traffic]]
name = "att"
sender = "s"
carriers = {{ att = 1.0 }}
arrival = {{ process = "burst", count = 100, at = "0s" }}
[[traffic]]
name = "vz"
sender = "s"
carriers = {{ verizon = 1.0 }}
arrival = {{ process = "burst", count = 10, at = "0s" }}
"#
    );
    let (log, _) = run_log(&scenario(&text));
    let vz: Vec<f64> =
        log.fates.iter().filter(|f| f.stream == 1).map(|f| f.dispatched.unwrap().as_secs_f64()).collect();
    assert_eq!(vz, vec![0.0; 10]);
    let att_late = log.fates.iter().filter(|f| f.stream == 0 && f.dispatched.unwrap().as_secs_f64() == 60.0).count();
    assert_eq!(att_late, 25);
}

#[test]
fn no_head_of_line_blocking_across_numbers_of_a_pool() {
    // Canadian long codes: 15/min per number, two numbers in a pool take
    // messages in turn; a second sender is not held by the first.
    let text = format!(
        r#"{HEAD}
[[senders]]
id = "ca"
type = "long_code"
country = "CA"
numbers = 2
[[senders]]
id = "tf"
type = "toll_free"
[[traffic]]
name = "ca"
sender = "ca"
arrival = {{ process = "burst", count = 40, at = "0s" }}
[[traffic]]
name = "tf"
sender = "tf"
arrival = {{ process = "burst", count = 3, at = "0s" }}
"#
    );
    let (log, _) = run_log(&scenario(&text));
    let ca = |w: f64| log.fates.iter().filter(|f| f.stream == 0 && f.dispatched.unwrap().as_secs_f64() == w).count();
    // The account admits 5 per second; the pool 2 × 15 per minute.
    let first_minute = log.fates.iter().filter(|f| f.stream == 0 && f.dispatched.unwrap().as_secs_f64() < 60.0).count();
    assert_eq!(first_minute, 30);
    assert_eq!(ca(60.0), 5);
    let tf: Vec<f64> =
        log.fates.iter().filter(|f| f.stream == 1).map(|f| f.dispatched.unwrap().as_secs_f64()).collect();
    assert!(tf.iter().all(|&t| t < 60.0), "{tf:?}");
}

#[test]
fn canadian_long_code_sends_15_per_minute() {
    let text = format!(
        r#"{HEAD}
[[senders]]
id = "ca"
type = "long_code"
country = "CA"
[[traffic]]
name = "t"
sender = "ca"
arrival = {{ process = "burst", count = 31, at = "0s" }}
"#
    );
    let (log, _) = run_log(&scenario(&text));
    let secs = dispatch_secs(&log);
    assert_eq!(secs.iter().filter(|&&s| s < 60.0).count(), 15);
    assert_eq!(secs.iter().filter(|&&s| (60.0..120.0).contains(&s)).count(), 15);
    assert_eq!(secs[30], 120.0);
}

#[test]
fn mms_on_a_canadian_short_code_is_rejected() {
    let text = format!(
        r#"{HEAD}
[[senders]]
id = "sc"
type = "short_code"
country = "CA"
[[traffic]]
name = "m"
sender = "sc"
class = "mms"
arrival = {{ process = "burst", count = 3, at = "0s" }}
"#
    );
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(count(&log, Outcome::Rejected), 3);
    assert!(log.fates.iter().all(|f| f.cost.0 == 0 && f.dispatched.is_none()));
}

fn toll_free(start: &str, verified: bool) -> String {
    format!(
        r#"start = "{start}"
[[senders]]
id = "tf"
type = "toll_free"
verified = {verified}
[[traffic]]
name = "t"
sender = "tf"
arrival = {{ process = "constant", rate = "1/h", until = "4h" }}
"#
    )
}

#[test]
fn unverified_toll_free_is_blocked_from_2024_01_31_pacific() {
    // Starts 2024-01-30 22:00 Pacific: 22:00 and 23:00 pass, 00:00 and 01:00 are blocked.
    let (log, _) = run_log(&scenario(&toll_free("2024-01-30T22:00:00-08:00", false)));
    let outcomes: Vec<Outcome> = log.fates.iter().map(|f| f.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Delivered, Outcome::Delivered, Outcome::Blocked, Outcome::Blocked]);
    let (verified, _) = run_log(&scenario(&toll_free("2024-01-30T22:00:00-08:00", true)));
    assert_eq!(count(&verified, Outcome::Delivered), 4);
}

/// A brand with a 2,000 daily cap sending only to T-Mobile: `bursts` of
/// (count, at) and a very high TPM so the cap is all that binds.
fn daily_cap(start: &str, bursts: &[(u32, &str)]) -> String {
    let mut text = format!(
        r#"start = "{start}"
[account]
sms_mps = "1000000/s"
[[brands]]
id = "acme"
vetting_score = 10
tpm = "1000000/min"
[[senders]]
id = "s"
type = "long_code"
brand = "acme"
"#
    );
    for (i, (count, at)) in bursts.iter().enumerate() {
        text.push_str(&format!(
            "[[traffic]]\nname = \"b{i}\"\nsender = \"s\"\ncarriers = {{ tmobile = 1.0 }}\narrival = {{ process = \"burst\", count = {count}, at = \"{at}\" }}\n"
        ));
    }
    text
}

fn caps_of(text: &str) -> serde_json::Value {
    let sc = scenario(text);
    report::summary("cap", &sc, &simulate(&sc))["daily_caps"].clone()
}

#[test]
fn daily_cap_cuts_off_and_resets_at_pacific_midnight_on_a_23_hour_day() {
    // 2026-03-08 starts at 00:00 PST and lasts 23 hours.
    let text = daily_cap("2026-03-08T00:00:00-08:00", &[(2_500, "0s"), (10, "22h59m59s"), (10, "23h")]);
    let caps = caps_of(&text);
    assert_eq!(
        caps,
        serde_json::json!([
            { "brand": "acme", "day": "2026-03-08", "cap": 2000, "used": 2000, "failed": 510,
              "exhausted_at": "2026-03-08T00:00:00-08:00" },
            { "brand": "acme", "day": "2026-03-09", "cap": 2000, "used": 10, "failed": 0, "exhausted_at": null }
        ])
    );
}

#[test]
fn daily_cap_resets_after_25_hours_on_the_fall_back_day() {
    let text = daily_cap("2026-11-01T00:00:00-07:00", &[(2_000, "1h"), (5, "24h59m"), (5, "25h")]);
    let caps = caps_of(&text);
    assert_eq!(caps[0]["day"], "2026-11-01");
    assert_eq!(caps[0]["used"], 2000);
    assert_eq!(caps[0]["failed"], 5);
    assert_eq!(caps[0]["exhausted_at"], "2026-11-01T01:00:00-07:00");
    assert_eq!(caps[1]["day"], "2026-11-02");
    assert_eq!(caps[1]["used"], 5);
    assert_eq!(caps[1]["failed"], 0);
}

#[test]
fn daily_cap_failures_take_throughput_and_other_carriers_are_unaffected() {
    let mut text = daily_cap("2026-03-10T00:00:00-07:00", &[(2_001, "0s")]);
    text = text.replace("sms_mps = \"1000000/s\"", "sms_mps = 1000");
    text.push_str(
        "[[traffic]]\nname = \"att\"\nsender = \"s\"\ncarriers = { att = 1.0 }\narrival = { process = \"burst\", count = 5, at = \"1s\" }\n",
    );
    let (log, _) = run_log(&scenario(&text));
    assert_eq!(count(&log, Outcome::FailedDailyCap), 1);
    // 2,001 T-Mobile messages at 1000/s: the failed one took the first slot of second 2.
    let failed = log.fates.iter().find(|f| f.outcome == Outcome::FailedDailyCap).unwrap();
    assert_eq!(failed.dispatched.unwrap().as_secs_f64(), 2.0);
    let att: Vec<_> = log.fates.iter().filter(|f| f.stream == 1).collect();
    assert!(att.iter().all(|f| f.outcome == Outcome::Delivered));
    // AT&T messages accepted at 1 s wait behind T-Mobile's older ones at the account limit.
    assert!(att.iter().all(|f| f.dispatched.unwrap().as_secs_f64() == 2.0));
}

#[test]
fn mms_and_sms_share_the_daily_cap_one_unit_per_mms() {
    let mut text = daily_cap("2026-03-10T00:00:00-07:00", &[(1_999, "0s")]);
    text = text.replace("sms_mps = \"1000000/s\"", "sms_mps = \"1000000/s\"\nmms_mps = \"1000000/s\"");
    text.push_str(
        "[[traffic]]\nname = \"mms\"\nsender = \"s\"\nclass = \"mms\"\ncarriers = { tmobile = 1.0 }\narrival = { process = \"burst\", count = 2, at = \"1s\" }\n",
    );
    let caps = caps_of(&text);
    assert_eq!(caps[0]["used"], 2000);
    assert_eq!(caps[0]["failed"], 1);
}

#[test]
fn segments_count_against_tpm_and_tpd() {
    // 161 GSM-7 characters: 2 segments.
    let text = daily_cap("2026-03-10T00:00:00-07:00", &[(1_001, "0s")]);
    let text = text.replace(
        "carriers = { tmobile = 1.0 }",
        &format!("text = \"{}\"\ncarriers = {{ tmobile = 1.0 }}", "a".repeat(161)),
    );
    let caps = caps_of(&text);
    assert_eq!(caps[0]["used"], 2000);
    assert_eq!(caps[0]["failed"], 1);
}

#[test]
fn late_counts_deliveries_past_useful_life() {
    let text = format!(
        r#"{HEAD}
[account]
sms_mps = 1
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "t"
sender = "s"
useful_life = "2s"
arrival = {{ process = "burst", count = 5, at = "0s" }}
"#
    );
    let sc = scenario(&text);
    let s = report::summary("t", &sc, &simulate(&sc));
    // Waits 0,1,2,3,4: strictly more than 2 s for two of them.
    assert_eq!(s["messages"]["late"], 2);
    assert_eq!(s["queue_wait_s"]["p50"], 2.0);
    assert_eq!(s["queue_wait_s"]["mean"], 2.0);
    assert_eq!(s["queue_wait_s"]["max"], 4.0);
    assert_eq!(s["drain_time_s"], 4.0);
}

#[test]
fn horizon_leaves_messages_queued_or_in_flight() {
    let text = format!(
        r#"{HEAD}
horizon = "3s"
[account]
sms_mps = 1
[[senders]]
id = "s"
type = "short_code"
[[traffic]]
name = "t"
sender = "s"
arrival = {{ process = "burst", count = 6, at = "0s" }}
[delays]
delivery = {{ dist = "fixed", value = "1500ms" }}
"#
    );
    let sc = scenario(&text);
    let (log, _) = run_log(&sc);
    // Dispatched at 0, 1, 2; delivered at 1.5, 2.5; the one sent at 2 s lands after 3 s.
    assert_eq!(count(&log, Outcome::Delivered), 2);
    assert_eq!(count(&log, Outcome::InFlightAtEnd), 1);
    assert_eq!(count(&log, Outcome::QueuedAtEnd), 3);
    assert_eq!(log.fates.len() as u64, log.accepted);
    // `queue_wait_s` covers every message handed to the carrier, the one in
    // flight at the end too: waits 0, 1 and 2 s.
    let s = report::summary("t", &sc, &simulate(&sc));
    assert_eq!(s["queue_wait_s"]["count"], 3);
    assert_eq!(s["queue_wait_s"]["max"], 2.0);
    assert_eq!(s["queue_wait_s"]["mean"], 1.0);
    assert_eq!(s["end_to_end_s"]["count"], 2);
    assert_eq!(s["drain_time_s"], 3.0);
}

/// MODEL §8, backlog: messages waiting in lanes at the end of an instant;
/// its peak, when it was first reached, and when it next emptied.
#[test]
fn backlog_peaks_and_clears() {
    // 20 at the account's 5/s: 5 go at 0 s and 15 wait; the last go at 3 s.
    let text = account_burst(20, "sms", "short_code");
    let sc = scenario(&text.replace("at = \"0s\" }", "at = \"0s\" }\ncarriers = { verizon = 1.0 }"));
    let s = report::summary("t", &sc, &simulate(&sc));
    let b = &s["backlog"];
    assert_eq!(b["peak"], 15);
    assert_eq!(b["peak_at"], "2026-03-10T08:00:00-07:00");
    assert_eq!(b["cleared_at"], "2026-03-10T08:00:03-07:00");
    assert_eq!(s["carriers"]["verizon"]["backlog"], *b, "all of it to Verizon");
    assert_eq!(s["carriers"]["att"]["backlog"]["peak"], 0);
    assert_eq!(s["carriers"]["att"]["backlog"]["peak_at"], serde_json::Value::Null);
    // Five at 5/s all go at once: nothing ever waits at the end of an instant.
    let sc = scenario(&account_burst(5, "sms", "short_code"));
    let s = report::summary("t", &sc, &simulate(&sc));
    assert_eq!(s["backlog"], serde_json::json!({ "peak": 0, "peak_at": null, "cleared_at": null }));
}
