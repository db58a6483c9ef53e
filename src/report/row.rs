//! The figures of one row of the tables people read, in the terminal and in
//! the HTML report alike: with replications, each is the mean of one
//! replication's figure, never a pooled sum.

use crate::run::simulate::RunResult;
use crate::scenario::model::Outcome;
use crate::stats::{Group, Stats};

/// One row: a run's (or a stream's) figures.
pub(crate) struct Row {
    /// Replications the means are over.
    pub replications: usize,
    pub accepted: f64,
    pub delivered: f64,
    pub expired: f64,
    pub expiry_rate: f64,
    pub failed_daily_cap: f64,
    /// Undelivered, blocked, rejected, and left at the horizon.
    pub other: f64,
    pub late_rate: f64,
    pub wait_p99: f64,
    pub end_to_end_p99: f64,
    /// Seconds from the start to the last outcome.
    pub drain: f64,
    pub cost: f64,
}

impl Row {
    /// The row of the messages `group` picks out of each replication of `r`.
    pub(crate) fn of(r: &RunResult, group: &dyn Fn(&Stats) -> Group) -> Row {
        let each = r.each();
        let mean =
            |f: &dyn Fn(&Group, &Stats) -> f64| each.iter().map(|s| f(&group(s), s)).sum::<f64>() / each.len() as f64;
        let count = |o: Outcome| mean(&|g, _| g.count(o) as f64);
        let others =
            [Outcome::Undelivered, Outcome::Blocked, Outcome::Rejected, Outcome::QueuedAtEnd, Outcome::InFlightAtEnd];
        Row {
            replications: each.len(),
            accepted: mean(&|g, _| g.accepted as f64),
            delivered: count(Outcome::Delivered),
            expired: count(Outcome::Expired),
            expiry_rate: mean(&|g, _| g.expiry_rate()),
            failed_daily_cap: count(Outcome::FailedDailyCap),
            other: others.into_iter().map(count).sum(),
            late_rate: mean(&|g, _| g.late_rate()),
            wait_p99: mean(&|g, _| g.queue_wait.summary().p99),
            end_to_end_p99: mean(&|g, _| g.end_to_end.summary().p99),
            drain: mean(&|_, s| s.drain.as_secs_f64()),
            cost: mean(&|g, _| g.cost.usd()),
        }
    }

    /// A count as read: whole for one replication, to a tenth for a mean.
    pub(crate) fn count(&self, x: f64) -> String {
        if self.replications == 1 { format!("{x:.0}") } else { format!("{x:.1}") }
    }

    /// The note under a table of means.
    pub(crate) fn means_note(&self) -> Option<String> {
        (self.replications > 1)
            .then(|| format!("mean of {} replications; 95 % intervals in summary.json `confidence`", self.replications))
    }
}
