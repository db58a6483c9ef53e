//! The key figures a planner compares between runs: one list that the sweep
//! table, the sweep charts and baselines all take theirs from.

use super::{Group, Stats};
use crate::scenario::model::Outcome;

/// A figure of a group of messages (or of the whole run, for the drain time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFigure {
    /// Messages accepted.
    Accepted,
    /// Messages that expired in the queue.
    Expired,
    /// Messages refused at T-Mobile's daily cap.
    FailedDailyCap,
    /// Messages the carrier did not deliver.
    Undelivered,
    /// Messages delivered after their useful life.
    Late,
    /// Expired messages per accepted message.
    ExpiryRate,
    /// Late messages per accepted message.
    LateRate,
    /// 99th percentile of the queue wait, in seconds.
    QueueWaitP99,
    /// 99th percentile of acceptance to delivery, in seconds.
    EndToEndP99,
    /// When the last message reached its outcome, in seconds from the start.
    DrainTime,
    /// The most messages waiting in lanes at once.
    BacklogPeak,
    /// When the backlog emptied after its peak, in seconds from the start:
    /// 0 when nothing waited, the drain time when it never emptied.
    BacklogCleared,
    /// What the messages were charged, in US dollars.
    Cost,
    /// Messages delivered.
    Delivered,
    /// Messages refused at acceptance (finally, after any retries).
    Rejected,
    /// Retries the sender made.
    Retries,
}

impl KeyFigure {
    /// The columns of `sweep.csv`, in order.
    pub const SWEEP_TABLE: [KeyFigure; 14] = [
        KeyFigure::Accepted,
        KeyFigure::Expired,
        KeyFigure::FailedDailyCap,
        KeyFigure::ExpiryRate,
        KeyFigure::LateRate,
        KeyFigure::QueueWaitP99,
        KeyFigure::EndToEndP99,
        KeyFigure::DrainTime,
        KeyFigure::BacklogPeak,
        KeyFigure::BacklogCleared,
        KeyFigure::Cost,
        KeyFigure::Delivered,
        KeyFigure::Rejected,
        KeyFigure::Retries,
    ];

    /// The figures charted against swept parameters, in chart order.
    pub const SWEEP_CHARTS: [KeyFigure; 10] = [
        KeyFigure::ExpiryRate,
        KeyFigure::LateRate,
        KeyFigure::EndToEndP99,
        KeyFigure::DrainTime,
        KeyFigure::BacklogPeak,
        KeyFigure::BacklogCleared,
        KeyFigure::FailedDailyCap,
        KeyFigure::Rejected,
        KeyFigure::Retries,
        KeyFigure::Cost,
    ];

    /// The run's figures a baseline keeps: in each, higher is worse.
    pub const BASELINE: [KeyFigure; 8] = [
        KeyFigure::ExpiryRate,
        KeyFigure::QueueWaitP99,
        KeyFigure::EndToEndP99,
        KeyFigure::DrainTime,
        KeyFigure::Cost,
        KeyFigure::FailedDailyCap,
        KeyFigure::Undelivered,
        KeyFigure::Late,
    ];

    /// Each stream's figures a baseline keeps.
    pub const BASELINE_PER_STREAM: [KeyFigure; 2] = [KeyFigure::ExpiryRate, KeyFigure::EndToEndP99];

    /// Its key: a `sweep.csv` column, and a sweep chart's file `sweep_<key>`.
    pub fn key(self) -> &'static str {
        match self {
            KeyFigure::Accepted => "accepted",
            KeyFigure::Expired => "expired",
            KeyFigure::FailedDailyCap => "failed_daily_cap",
            KeyFigure::Undelivered => "undelivered",
            KeyFigure::Late => "late",
            KeyFigure::ExpiryRate => "expiry_rate",
            KeyFigure::LateRate => "late_rate",
            KeyFigure::QueueWaitP99 => "queue_wait_p99_s",
            KeyFigure::EndToEndP99 => "end_to_end_p99_s",
            KeyFigure::DrainTime => "drain_time_s",
            KeyFigure::BacklogPeak => "backlog_peak",
            KeyFigure::BacklogCleared => "backlog_cleared_s",
            KeyFigure::Cost => "cost_usd",
            KeyFigure::Delivered => "delivered",
            KeyFigure::Rejected => "rejected",
            KeyFigure::Retries => "retries",
        }
    }

    /// Where `summary.json` holds it, within a run or a stream (`None`: it
    /// is only in sweep tables).
    pub fn path(self) -> Option<&'static str> {
        Some(match self {
            KeyFigure::Accepted => "messages.accepted",
            KeyFigure::Expired => "messages.expired",
            KeyFigure::FailedDailyCap => "messages.failed_daily_cap",
            KeyFigure::Undelivered => "messages.undelivered",
            KeyFigure::Late => "messages.late",
            KeyFigure::ExpiryRate => "expiry_rate",
            KeyFigure::LateRate => return None,
            KeyFigure::QueueWaitP99 => "queue_wait_s.p99",
            KeyFigure::EndToEndP99 => "end_to_end_s.p99",
            KeyFigure::DrainTime => "drain_time_s",
            KeyFigure::BacklogPeak => "backlog.peak",
            KeyFigure::BacklogCleared => return None,
            KeyFigure::Cost => "cost_usd",
            KeyFigure::Delivered => "messages.delivered",
            KeyFigure::Rejected => "messages.rejected",
            KeyFigure::Retries => "attempts.retries",
        })
    }

    /// How titles and captions name it.
    pub fn name(self) -> &'static str {
        match self {
            KeyFigure::Accepted => "accepted messages",
            KeyFigure::Expired => "expired messages",
            KeyFigure::FailedDailyCap => "daily-cap failures",
            KeyFigure::Undelivered => "undelivered messages",
            KeyFigure::Late => "late messages",
            KeyFigure::ExpiryRate => "expiry rate",
            KeyFigure::LateRate => "late-delivery rate",
            KeyFigure::QueueWaitP99 => "p99 queue wait",
            KeyFigure::EndToEndP99 => "p99 end-to-end latency",
            KeyFigure::DrainTime => "drain time",
            KeyFigure::BacklogPeak => "backlog peak",
            KeyFigure::BacklogCleared => "time to clear the backlog",
            KeyFigure::Cost => "cost (USD)",
            KeyFigure::Delivered => "delivered messages",
            KeyFigure::Rejected => "rejected messages",
            KeyFigure::Retries => "retries",
        }
    }

    /// Its value for messages `g` of a run with statistics `s`.
    pub fn of(self, g: &Group, s: &Stats) -> f64 {
        match self {
            KeyFigure::Accepted => g.accepted as f64,
            KeyFigure::Expired => g.count(Outcome::Expired) as f64,
            KeyFigure::FailedDailyCap => g.count(Outcome::FailedDailyCap) as f64,
            KeyFigure::Undelivered => g.count(Outcome::Undelivered) as f64,
            KeyFigure::Late => g.late as f64,
            KeyFigure::ExpiryRate => g.expiry_rate(),
            KeyFigure::LateRate => g.late_rate(),
            KeyFigure::QueueWaitP99 => g.queue_wait.summary().p99,
            KeyFigure::EndToEndP99 => g.end_to_end.summary().p99,
            KeyFigure::DrainTime => s.drain.as_secs_f64(),
            KeyFigure::BacklogPeak => s.backlog[0].peak as f64,
            KeyFigure::BacklogCleared => match (s.backlog[0].peak_at, s.backlog[0].cleared_at) {
                (None, _) => 0.0,
                (Some(_), Some(t)) => t.as_secs_f64(),
                (Some(_), None) => s.drain.as_secs_f64(),
            },
            KeyFigure::Cost => g.cost.usd(),
            KeyFigure::Delivered => g.count(Outcome::Delivered) as f64,
            KeyFigure::Rejected => g.count(Outcome::Rejected) as f64,
            KeyFigure::Retries => g.attempts.retries() as f64,
        }
    }

    /// Summed over a run's replications in `summary.json` (a count, a
    /// cost), rather than a share, a percentile or a worst case.
    pub fn is_total(self) -> bool {
        matches!(
            self,
            KeyFigure::Accepted
                | KeyFigure::Expired
                | KeyFigure::FailedDailyCap
                | KeyFigure::Undelivered
                | KeyFigure::Late
                | KeyFigure::Cost
                | KeyFigure::Delivered
                | KeyFigure::Rejected
                | KeyFigure::Retries
        )
    }

    /// In seconds: its axis is labelled in durations.
    pub fn is_seconds(self) -> bool {
        matches!(
            self,
            KeyFigure::QueueWaitP99 | KeyFigure::EndToEndP99 | KeyFigure::DrainTime | KeyFigure::BacklogCleared
        )
    }

    /// A share of accepted messages: its axis is labelled in percent.
    pub fn is_rate(self) -> bool {
        matches!(self, KeyFigure::ExpiryRate | KeyFigure::LateRate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Money;
    use crate::scenario::time::{SimDuration, SimTime};

    #[test]
    fn each_figure_reads_its_own_value() {
        let text = "start = \"2026-03-10T08:00:00-07:00\"\nseed = 1\n[[senders]]\nid = \"sc\"\ntype = \"short_code\"\n\
                    [[traffic]]\nname = \"t\"\nsender = \"sc\"\narrival = { process = \"burst\", count = 1, at = \"0s\" }\n";
        let loaded = crate::load::parse(text, "t.toml", "t", std::path::Path::new(".")).expect("a valid scenario");
        let mut s = Stats::for_scenario(&loaded.scenario);
        s.drain = SimTime::from_nanos(7_000_000_000);
        s.backlog[0].peak = 6;
        s.backlog[0].peak_at = Some(SimTime::from_nanos(1_000_000_000));
        s.backlog[0].cleared_at = Some(SimTime::from_nanos(5_000_000_000));
        let mut g = Group { accepted: 10, late: 3, cost: Money(11_000_000_000), ..Group::default() };
        g.outcomes[Outcome::Expired.index()] = 2;
        g.outcomes[Outcome::FailedDailyCap.index()] = 5;
        g.outcomes[Outcome::Undelivered.index()] = 1;
        g.outcomes[Outcome::Rejected.index()] = 2;
        g.attempts.retried[Outcome::Rejected.index()] = 4;
        g.end_to_end.record(SimDuration::from_secs(13));
        g.queue_wait.record(SimDuration::from_secs(4));
        let all = [KeyFigure::SWEEP_TABLE.as_slice(), &[KeyFigure::Undelivered, KeyFigure::Late]].concat();
        let got: Vec<(&str, f64)> = all.iter().map(|f| (f.key(), f.of(&g, &s))).collect();
        assert_eq!(
            got,
            [
                ("accepted", 10.0),
                ("expired", 2.0),
                ("failed_daily_cap", 5.0),
                ("expiry_rate", 0.2),
                ("late_rate", 0.3),
                ("queue_wait_p99_s", 4.0),
                ("end_to_end_p99_s", 13.0),
                ("drain_time_s", 7.0),
                ("backlog_peak", 6.0),
                ("backlog_cleared_s", 5.0),
                ("cost_usd", 11.0),
                ("delivered", 0.0),
                ("rejected", 2.0),
                ("retries", 4.0),
                ("undelivered", 1.0),
                ("late", 3.0),
            ]
        );
        // Never emptied: cleared at the drain; nothing waited: at once.
        s.backlog[0].cleared_at = None;
        assert_eq!(KeyFigure::BacklogCleared.of(&g, &s), 7.0);
        s.backlog[0].peak_at = None;
        assert_eq!(KeyFigure::BacklogCleared.of(&g, &s), 0.0);
        for f in all {
            // Axes follow the keys' units.
            assert_eq!((f.is_seconds(), f.is_rate()), (f.key().ends_with("_s"), f.key().ends_with("_rate")), "{f:?}");
        }
    }
}
