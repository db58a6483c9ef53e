//! The backlog: messages waiting in lanes (processing not included), its
//! peak and when it cleared, which answers "how long did the queue take to
//! drain after the spike" when traffic runs all day.

use crate::scenario::time::SimTime;
use serde::{Deserialize, Serialize};

/// The backlog of one group of messages (the run, or one carrier's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    /// Messages waiting now (at `at`, whose changes may still come).
    #[serde(skip)]
    now: u64,
    #[serde(skip)]
    at: SimTime,
    /// The largest backlog at the end of an instant.
    pub peak: u64,
    /// The first instant it was reached; `None` while nothing has waited.
    pub peak_at: Option<SimTime>,
    /// The first instant after `peak_at` with no message waiting; `None`
    /// if the backlog never emptied after its peak.
    pub cleared_at: Option<SimTime>,
}

impl Backlog {
    /// One message entered (`+1`) or left (`-1`) a lane at `t`; calls come
    /// in time order. The backlog at an instant is its value once every
    /// change at that instant is made.
    pub(crate) fn change(&mut self, t: SimTime, delta: i8) {
        if t != self.at {
            self.settle();
            self.at = t;
        }
        self.now = self.now.saturating_add_signed(i64::from(delta));
    }

    /// The value at `at` is final: a new peak, or the backlog cleared.
    /// Whether it is empty is tested last: the backlog comes and goes at
    /// random, while a clearing, once recorded, stays until the next peak.
    pub(crate) fn settle(&mut self) {
        if self.now > self.peak {
            (self.peak, self.peak_at, self.cleared_at) = (self.now, Some(self.at), None);
        } else if self.cleared_at.is_none() && self.peak_at.is_some() && self.now == 0 {
            self.cleared_at = Some(self.at);
        }
    }

    /// Of two replications' backlogs, the larger peak (the first on a tie).
    pub(crate) fn worse(self, other: Backlog) -> Backlog {
        if other.peak > self.peak { other } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SimTime {
        SimTime::from_nanos(s * 1_000_000_000)
    }

    #[test]
    fn the_peak_is_the_largest_value_at_the_end_of_an_instant() {
        let mut b = Backlog::default();
        // At 0 s, ten enter and five leave at once: five wait.
        for _ in 0..10 {
            b.change(at(0), 1);
        }
        for _ in 0..5 {
            b.change(at(0), -1);
        }
        // At 1 s they leave; at 2 s one more enters and leaves in the same instant.
        for _ in 0..5 {
            b.change(at(1), -1);
        }
        b.change(at(2), 1);
        b.change(at(2), -1);
        b.settle();
        assert_eq!((b.peak, b.peak_at, b.cleared_at), (5, Some(at(0)), Some(at(1))));
    }

    #[test]
    fn a_backlog_that_never_empties_has_no_clearing_and_nothing_waiting_has_no_peak() {
        let mut b = Backlog::default();
        b.change(at(3), 1);
        b.change(at(4), 1);
        b.change(at(5), -1);
        b.settle();
        assert_eq!((b.peak, b.peak_at, b.cleared_at), (2, Some(at(4)), None));
        let mut none = Backlog::default();
        none.change(at(0), 1);
        none.change(at(0), -1);
        none.settle();
        assert_eq!((none.peak, none.peak_at, none.cleared_at), (0, None, None));
    }
}
