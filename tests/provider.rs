//! What the provider does around the carriers' limits (MODEL §9): a queue
//! limit rejecting at acceptance.

use crate::helpers::*;
use a2psim::scenario::model::Outcome;

#[test]
fn a_spike_into_a_capped_provider_queue() {
    // 3,200 a minute for 10 minutes (32,000) against 20 a second sent, at
    // most 12,000 waiting: once full, only the 20 a second sent make room,
    // so of the 12,800 arriving in the last 4 minutes 4,800 get in and
    // 8,000 are rejected. Everything let in is sent, 20 a second for 20 minutes.
    let dir = tempdir();
    let o = a2psim(
        &["run", "scenarios/provider_queue_limit.toml", "--out", &dir.path().display().to_string(), "-q"],
        &repo(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("provider_queue_limit");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let m = &summary["messages"];
    assert_eq!((m["accepted"].as_u64(), m["delivered"].as_u64()), (Some(32_000), Some(24_000)));
    assert_eq!((m["rejected"].as_u64(), m["rejected_queue_full"].as_u64()), (Some(8_000), Some(8_000)));
    assert_eq!(summary["streams"]["alerts"]["messages"]["rejected_queue_full"], 8_000);
    // The time series: rejections from the seventh minute to the tenth.
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "rejected_queue_full").unwrap();
    let per_minute: Vec<u64> = csv.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().parse().unwrap()).collect();
    assert_eq!(per_minute.iter().sum::<u64>(), 8_000);
    assert_eq!(per_minute[..6].iter().sum::<u64>(), 0, "{per_minute:?}");
    assert!(per_minute[10..].iter().all(|&n| n == 0), "{per_minute:?}");
}

#[test]
fn each_way_to_get_the_provider_wrong() {
    let base = std::fs::read_to_string(repo().join("scenarios/provider_queue_limit.toml")).unwrap();
    let cases = [
        ("queue_max = 12000", "queue_max = 0", "`provider.queue_max`: expected a whole number from 1 to 4294967295"),
        ("queue_max = 12000", "queue_max = \"10m\"", "`provider.queue_max`: expected a whole number"),
        (
            "queue_scope = \"account\"",
            "queue_scope = \"brand\"",
            "`provider.queue_scope`: expected one of \"sender\", \"account\"",
        ),
        ("queue_max = 12000", "", "`provider` needs `queue_max`"),
        (
            "queue_scope = \"account\"",
            "queue_scope = \"account\"\nqueue_size = 5",
            "unknown key `queue_size` in `provider`",
        ),
    ];
    let dir = tempdir();
    for (from, to, wanted) in cases {
        assert!(base.contains(from), "{from}");
        std::fs::write(dir.path().join("p.toml"), base.replace(from, to)).unwrap();
        let o = a2psim(&["validate", "p.toml"], dir.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{to}: {err}");
        assert!(err.starts_with("p.toml:1") && err.contains(wanted), "{to}: {err}");
    }
}

#[test]
fn a_paced_batch_beside_otps() {
    let dir = tempdir();
    let o = a2psim(
        &["run", "scenarios/client_pacing_sweep.toml", "--out", &dir.path().display().to_string(), "-q"],
        &repo(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let point = |k: usize| -> serde_json::Value {
        let path = dir.path().join(format!("client_pacing_sweep/points/{k:03}/summary.json"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    // At 20 a second the 6,000th reminder is submitted 5,999 / 20 = 299.95 s
    // after it arrived; unpaced (1000/s), 5.999 s.
    let reminders = |k: usize| point(k)["streams"]["reminders"].clone();
    assert_eq!(reminders(1)["client_wait_s"]["max"], 299.95);
    assert_eq!(reminders(4)["client_wait_s"]["max"], 5.999);
    assert_eq!(reminders(1)["client_wait_s"]["count"], 6000);
    // OTPs are not paced: no client wait recorded.
    assert_eq!(point(1)["streams"]["otp"]["client_wait_s"]["count"], 0);
    // End to end runs from arrival: at least the client's wait.
    assert!(reminders(1)["end_to_end_s"]["max"].as_f64().unwrap() >= 299.95);
    // Paced at the account's rate or below, no OTP expires; faster, some do.
    let otp_expiry = |k: usize| point(k)["streams"]["otp"]["expiry_rate"].as_f64().unwrap();
    assert_eq!([otp_expiry(0), otp_expiry(1), otp_expiry(2)], [0.0, 0.0, 0.0]);
    assert!(otp_expiry(3) > 0.01 && otp_expiry(4) > otp_expiry(3), "{} {}", otp_expiry(3), otp_expiry(4));
    // A pace that is no rate.
    let text = std::fs::read_to_string(repo().join("scenarios/client_pacing_sweep.toml")).unwrap();
    std::fs::write(dir.path().join("p.toml"), text.replace("pace = \"20/s\"", "pace = \"fast\"")).unwrap();
    let o = a2psim(&["validate", "p.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("p.toml:32:8: `traffic.reminders.pace`: expected a rate such as"), "{err}");
}

#[test]
fn retries_into_a_full_queue_and_out_of_it() {
    // As provider_queue_limit.toml, with rejections retried after 60 s and
    // then 10 minutes. A retry lands at a new message's instant (60 s is
    // 3,200 gaps) and comes after it, so while the queue is full (minutes
    // 7 to 10) every retry is rejected again: 2,000 a minute, and 800 in
    // minute 11 when 1,200 places free up. The second retries, 10 minutes
    // later, find room: every message is delivered, 20 a second: the last in the window at 1,599 s.
    let dir = tempdir();
    let out = dir.path().display().to_string();
    let o = a2psim(&["run", "scenarios/notification_spike_retries.toml", "--out", &out], &repo());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("  attempts: 46800 (retries: 14800 after rejected); 14800 rejected at a full provider queue\n"),
        "{table}"
    );
    let path = dir.path().join("notification_spike_retries/summary.json");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let (m, a) = (&summary["messages"], &summary["attempts"]);
    assert_eq!(
        (m["accepted"].as_u64(), m["delivered"].as_u64(), m["rejected"].as_u64()),
        (Some(32_000), Some(32_000), Some(0))
    );
    assert_eq!((a["accepted"].as_u64(), a["rejected"].as_u64()), (Some(46_800), Some(8_000 + 6_800)));
    assert_eq!((a["retries"].as_u64(), a["retried"]["rejected"].as_u64()), (Some(14_800), Some(14_800)));
    assert_eq!(a["rejected_queue_full"].as_u64(), Some(14_800));
    assert_eq!(summary["drain_time_s"].as_f64(), Some(1599.0), "the 32,000th goes in the window at 1,599 s");
    // End to end from the first acceptance: the last ones waited through both retries.
    assert!(summary["end_to_end_s"]["max"].as_f64().unwrap() > 16.0 * 60.0);
    // The time series counts every attempt; `retries` the retries among them.
    let csv = std::fs::read_to_string(dir.path().join("notification_spike_retries/timeseries.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let sum = |name: &str| -> u64 {
        let col = header.iter().position(|h| *h == name).unwrap();
        csv.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().parse::<u64>().unwrap()).sum()
    };
    assert_eq!((sum("arrivals"), sum("retries"), sum("rejected_queue_full")), (46_800, 14_800, 14_800));
    assert!(dir.path().join("notification_spike_retries/attempts.svg").is_file(), "the attempts chart");
}

#[test]
fn each_way_to_get_a_retry_wrong() {
    let base = std::fs::read_to_string(repo().join("scenarios/notification_spike_retries.toml")).unwrap();
    let line = "retry = { on = [\"rejected\"], after = [\"60s\", \"10m\"] }";
    assert!(base.contains(line));
    let cases = [
        (
            "retry = { on = [\"delivered\"], after = [\"60s\"] }",
            "`traffic.alerts.retry.on`: expected one of expired, undelivered, failed_daily_cap, rejected, found \"delivered\"",
        ),
        ("retry = { on = [], after = [\"60s\"] }", "`traffic.alerts.retry.on`: expected a non-empty list of outcomes"),
        ("retry = { after = [\"60s\"] }", "`traffic.alerts.retry` needs `on`"),
        (
            "retry = { on = [\"rejected\"], after = [] }",
            "`traffic.alerts.retry.after`: expected a list of 1 to 100 waits, each a duration such as \"60s\" or \"pacific_midnight\" (one retry each), found 0 entries",
        ),
        (
            "retry = { on = [\"rejected\", \"rejected\"], after = [\"1s\"] }",
            "`traffic.alerts.retry.on`: rejected is listed twice",
        ),
        ("retry = { on = [\"rejected\"], after = [-5] }", "`traffic.alerts.retry.after`: expected"),
        (
            "retry = { on = [\"rejected\"], after = [\"0s\"] }",
            "`traffic.alerts.retry.after`: a retry waits longer than zero",
        ),
        ("retry = { on = [\"rejected\"], after = [\"soon\"] }", "`traffic.alerts.retry.after`: "),
        (
            "retry = { on = [\"rejected\"], after = [true] }",
            "`traffic.alerts.retry.after`: expected a duration or \"pacific_midnight\", found a boolean",
        ),
        (
            "retry = { on = [\"rejected\"], after = [\"60s\"], tries = 3 }",
            "unknown key `tries` in `traffic.alerts.retry`",
        ),
    ];
    let dir = tempdir();
    for (to, wanted) in cases {
        std::fs::write(dir.path().join("r.toml"), base.replace(line, to)).unwrap();
        let o = a2psim(&["validate", "r.toml"], dir.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{to}: {err}");
        assert!(err.starts_with("r.toml:29:") && err.contains(wanted), "{to}: {err}");
    }
}

/// A 10DLC brand and sender with the given brand lines and numbers, and a
/// burst of `count` messages of `class` to `carrier`.
fn ten_dlc(brand: &str, numbers: u32, class: &str, count: u32, carrier: &str) -> String {
    format!(
        "{HEAD}[account]\nsms_mps = 100\nmms_mps = 100\n[[brands]]\nid = \"b\"\nvetting_score = 80\n{brand}\n\
         [[senders]]\nid = \"s\"\ntype = \"long_code\"\nbrand = \"b\"\nnumbers = {numbers}\n\
         [[traffic]]\nname = \"t\"\nsender = \"s\"\nclass = \"{class}\"\ncarriers = {{ {carrier} = 1.0 }}\n\
         arrival = {{ process = \"burst\", count = {count}, at = \"0s\" }}\n"
    )
}

/// (drain time in s, failed at the daily cap) of a scenario.
fn drain_and_capped(text: &str) -> (f64, u64) {
    let r = a2psim::run::simulate::simulate(&scenario(text));
    let total = r.stats.total();
    (r.stats.drain.as_secs_f64(), total.count(a2psim::scenario::model::Outcome::FailedDailyCap))
}

#[test]
fn a_sole_proprietor_brand_has_the_carriers_published_figures() {
    // AT&T's 15 a minute: 100 SMS go 15 per minute window, the last at 6 min.
    let sole = "use_case = \"sole_proprietor\"";
    assert_eq!(drain_and_capped(&ten_dlc(sole, 1, "sms", 100, "att")), (360.0, 0));
    // T-Mobile's 1,000 a day: of 1,200, 200 fail at the cap.
    assert_eq!(drain_and_capped(&ten_dlc(sole, 1, "sms", 1200, "tmobile")).1, 200);
    // A vetted standard brand: 4,500 a minute and 200,000 a day, so the
    // account's 100 a second binds: the last in the window at 11 s.
    assert_eq!(drain_and_capped(&ten_dlc("", 1, "sms", 1200, "tmobile")), (11.0, 0));
    // One number, across the brand's senders.
    let dir = tempdir();
    std::fs::write(dir.path().join("s.toml"), ten_dlc(sole, 2, "sms", 10, "att")).unwrap();
    let o = a2psim(&["validate", "s.toml"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains(
            "`senders.s.numbers`: brand `b` is a sole proprietor, which registers one number; its senders have 2 with this one"
        ),
        "{err}"
    );
}

#[test]
fn a_brand_mms_tpm_limits_mms_across_its_numbers() {
    // Two numbers send 50 MMS a minute each to AT&T: 100 go at once. With a
    // brand MMS TPM of 20 a minute, 20 per minute window: the last at 4 min.
    assert_eq!(drain_and_capped(&ten_dlc("", 2, "mms", 100, "att")).0, 0.0);
    assert_eq!(drain_and_capped(&ten_dlc("mms_tpm = 20", 2, "mms", 100, "att")).0, 240.0);
    // SMS are not counted against it.
    assert_eq!(drain_and_capped(&ten_dlc("mms_tpm = 20", 2, "sms", 100, "att")).0, 0.0);
}

#[test]
fn each_provider_preset_on_one_burst() {
    // 400,000 at once from one toll-free number, 25 a second.
    let dir = tempdir();
    let out = dir.path().display().to_string();
    let o = a2psim(&["run", "scenarios/provider_presets_sweep.toml", "--out", &out, "-q"], &repo());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let point = |k: usize| -> serde_json::Value {
        let path = dir.path().join(format!("provider_presets_sweep/points/{k:03}/summary.json"));
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    let counts = |k: usize| {
        let m = point(k)["messages"].clone();
        let n = |key: &str| m[key].as_u64().unwrap();
        (n("delivered"), n("expired"), n("rejected_queue_full"))
    };
    // Plivo: no queue limit, 3 hours' expiry: 3 h × 25 a second go, and the
    // 25 of the window at exactly 3 h (not older than 3 h); the rest expire.
    assert_eq!(counts(0), (270_025, 129_975, 0));
    // Twilio: 10 hours queued (900,000) and a 10-hour validity: all go.
    assert_eq!(counts(1), (400_000, 0, 0));
    // Telnyx: 4 hours queued at 25 a second is 360,000; the rest rejected.
    assert_eq!(counts(2), (360_000, 0, 40_000));
    // Bandwidth: a 15-minute queue across the account, 22,500.
    assert_eq!(counts(3), (22_500, 0, 377_500));
    let codes = |k: usize| point(k)["error_codes"].clone();
    assert_eq!((codes(0)["expired"].as_u64(), codes(0)["rejected"].as_u64()), (Some(420), None));
    assert_eq!((codes(1)["expired"].as_u64(), codes(1)["rejected"].as_u64()), (Some(30036), Some(30001)));
    assert_eq!((codes(2)["expired"].as_u64(), codes(2)["rejected"].as_u64()), (Some(40014), Some(40318)));
    assert_eq!((codes(3)["expired"].as_u64(), codes(3)["failed_daily_cap"].as_u64()), (Some(4360), Some(4780)));
}

#[test]
fn a_preset_sets_the_expiry_range_and_the_scenario_overrides_it() {
    let base = std::fs::read_to_string(repo().join("scenarios/provider_presets_sweep.toml")).unwrap();
    let base = &base[..base.find("[sweep]").unwrap()];
    let dir = tempdir();
    let run = |text: &str| {
        std::fs::write(dir.path().join("p.toml"), text).unwrap();
        a2psim(&["validate", "p.toml"], dir.path())
    };
    let expiry = |preset: &str, e: &str| {
        base.replace("preset = \"plivo\"", &format!("preset = \"{preset}\""))
            .replace("# no message_expiry", &format!("message_expiry = \"{e}\"\n#"))
    };
    // 10 hours is Twilio's most, past Plivo's 3.
    assert!(run(&expiry("twilio", "10h")).status.success());
    let o = run(&expiry("plivo", "10h"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`traffic.notices.message_expiry`: expected from 5s to 3h (10800 s), found 10h"), "{err}");
    let o = run(&expiry("twilio", "11h"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("expected from 1s to 10h (36000 s), found 11h"), "{err}");
    let o = run(&base.replace("preset = \"plivo\"", "preset = \"sinch\""));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`provider.preset`: expected one of \"plivo\", \"twilio\", \"telnyx\", \"bandwidth\""),
        "{err}"
    );
    // An explicit queue_max (and [error_codes]) win over the preset's.
    let own = base.replace("preset = \"plivo\"", "preset = \"bandwidth\"\nqueue_max = 100000")
        + "[error_codes]\nexpired = 9\n";
    let r = a2psim::run::simulate::simulate(&scenario(&own));
    let total = r.stats.total();
    assert_eq!(total.rejected_queue_full, 300_000);
    let summary = a2psim::report::summary("p", &scenario(&own), &r);
    assert_eq!(
        (summary["error_codes"]["expired"].as_u64(), summary["error_codes"]["blocked"].as_u64()),
        (Some(9), Some(4795))
    );
}

#[test]
fn a_daily_cap_failure_retried_at_pacific_midnight() {
    // A brand with 5 a day at T-Mobile sends 10 at 23:00 Pacific: 5 fail at
    // the cap, are retried at midnight (an hour later, the cap renewed) and
    // delivered then.
    let text = "start = \"2026-03-10T23:00:00-07:00\"\nseed = 1\n[account]\nsms_mps = 100\n[[brands]]\nid = \"b\"\nvetting_score = 80\ntpd = 5\n\
         [[senders]]\nid = \"s\"\ntype = \"long_code\"\nbrand = \"b\"\n\
         [[traffic]]\nname = \"t\"\nsender = \"s\"\ncarriers = { tmobile = 1.0 }\n\
         arrival = { process = \"burst\", count = 10, at = \"0s\" }\n\
         retry = { on = [\"failed_daily_cap\"], after = [\"pacific_midnight\"] }\n";
    let (log, end) = run_log(&scenario(text));
    let hour = 3_600_000_000_000u64;
    let mut attempts: Vec<(u32, Outcome, u64, Option<u64>)> = log
        .fates
        .iter()
        .map(|f| (f.attempt.number, f.outcome, f.dispatched.unwrap().as_nanos(), f.retry_at.map(|r| r.as_nanos())))
        .collect();
    attempts.sort_by_key(|a| (a.0, a.2, a.1 as u8));
    use a2psim::scenario::model::Outcome::{Delivered, FailedDailyCap};
    let mut expected = vec![(0, Delivered, 0, None); 5];
    expected.extend(vec![(0, FailedDailyCap, 0, Some(hour)); 5]);
    expected.extend(vec![(1, Delivered, hour, None); 5]);
    assert_eq!(attempts, expected);
    assert_eq!(end.daily_caps.iter().map(|d| (d.used, d.failed)).collect::<Vec<_>>(), [(5, 5), (5, 0)]);
}

#[test]
fn a_retry_that_cannot_happen_before_the_horizon_is_a_warning() {
    let base = std::fs::read_to_string(repo().join("scenarios/notification_spike_retries.toml")).unwrap();
    let dir = tempdir();
    std::fs::write(dir.path().join("r.toml"), base.replace("seed = 13", "seed = 13\nhorizon = \"30s\"")).unwrap();
    let o = a2psim(&["validate", "r.toml"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("r.toml:30:38: warning: `traffic.alerts.retry.after`: the first retry waits 1m, as long as the 30s run or longer: no retry can happen"),
        "{err}"
    );
}
