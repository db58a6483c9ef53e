//! The messages of `[[inbound]]` streams, generated as the records are
//! written and slotted in by time among the outbound rows: an inbound
//! message comes before outbound ones accepted at the same instant.

use crate::scenario::Scenario;
use crate::scenario::rng::{Purpose, Sequence, stream_key};
use crate::scenario::time::SimTime;
use crate::scenario::traffic::Arrivals;

/// One inbound stream's next message, if it has one.
struct Feed {
    arrivals: Arrivals,
    /// (instant, index) of its next message.
    next: Option<(SimTime, u64)>,
}

/// Every inbound stream of one replication.
pub(super) struct Received<'a> {
    sc: &'a Scenario,
    feeds: Vec<Feed>,
}

impl<'a> Received<'a> {
    pub(super) fn new(sc: &'a Scenario, replication: u32) -> Received<'a> {
        let mut feeds: Vec<Feed> = sc
            .inbound
            .iter()
            .map(|s| {
                let random = Sequence::new(stream_key(sc.seed, replication, &s.name, Purpose::Arrival));
                Feed { arrivals: Arrivals::new(&s.arrival, random), next: None }
            })
            .collect();
        for (i, feed) in feeds.iter_mut().enumerate() {
            Self::advance(sc, feed, i);
        }
        Received { sc, feeds }
    }

    fn advance(sc: &Scenario, feed: &mut Feed, i: usize) {
        let t = feed.arrivals.next(&sc.inbound[i].arrival, &sc.calendar);
        feed.next = t.filter(|&t| t < sc.end()).map(|t| (t, feed.arrivals.emitted() - 1));
    }

    /// The next inbound message at or before `limit`: (stream, index,
    /// instant), the first stream first on a tie.
    pub(super) fn next_until(&mut self, limit: SimTime) -> Option<(usize, u64, SimTime)> {
        let (i, (t, index)) = self
            .feeds
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.next.map(|n| (i, n)))
            .filter(|(_, (t, _))| *t <= limit)
            .min_by_key(|(i, (t, _))| (*t, *i))?;
        Self::advance(self.sc, &mut self.feeds[i], i);
        Some((i, index, t))
    }
}
