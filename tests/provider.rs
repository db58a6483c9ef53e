//! What the provider does around the carriers' limits (MODEL §9): a queue
//! limit rejecting at acceptance.

use crate::helpers::*;

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
