//! Message detail records (MODEL §10): one CSV row per attempt, with the
//! fields of the provider's export and what a simulation knows besides,
//! written in acceptance order while the run goes.
//!
//! An attempt's row is known when it reaches its outcome, which can be long
//! after later attempts reached theirs; rows wait here until every earlier
//! one is written. Memory follows the attempts in flight, never the run.

mod inbound;
mod row;

use crate::engine::Fate;
use crate::load::Moment;
use crate::scenario::Scenario;
use crate::scenario::time::SimTime;
use inbound::Received;
use row::Layout;
use std::collections::VecDeque;
use std::io::{self, Write};

pub use row::HEADER;
pub use row::csv;

/// What the records show besides the run itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Show the records as they would read at this instant (`--as-of`):
    /// rows not yet written or older than 90 days left out, content older
    /// than 7 days redacted.
    pub as_of: Option<Moment>,
    /// Write the header line (the first part of a file does).
    pub header: bool,
}

/// Writes one replication's detail records to `out` as the engine reports
/// attempts: call [`Records::accepted`] and [`Records::resolved`] from a
/// [`crate::engine::Recorder`], then [`Records::finish`].
pub struct Records<'a> {
    layout: Layout<'a>,
    received: Received<'a>,
    out: &'a mut dyn Write,
    /// Attempts accepted and not yet written, the first being attempt
    /// `written`: `Some` once resolved.
    waiting: VecDeque<Option<Fate>>,
    written: u64,
    line: String,
    /// The first write error: the run goes on, the records stop.
    error: Option<io::Error>,
}

impl<'a> Records<'a> {
    /// Records of replication `replication` of `sc`, shown as `view` says.
    pub fn new(sc: &'a Scenario, replication: u32, view: View, out: &'a mut dyn Write) -> Records<'a> {
        let mut records = Records {
            layout: Layout::new(sc, replication, view.as_of),
            received: Received::new(sc, replication),
            out,
            waiting: VecDeque::new(),
            written: 0,
            line: String::with_capacity(512),
            error: None,
        };
        if view.header {
            records.write(|line, _| {
                line.push_str(HEADER);
                line.push('\n');
            });
        }
        records
    }

    /// An attempt was accepted: its row comes after every earlier one's.
    #[inline]
    pub fn accepted(&mut self) {
        self.waiting.push_back(None);
    }

    /// An attempt reached its outcome: its row, and those after it that
    /// were waiting for it, are written.
    pub fn resolved(&mut self, fate: &Fate) {
        let at = (fate.seq - self.written) as usize;
        self.waiting[at] = Some(*fate);
        while let Some(Some(fate)) = self.waiting.front().copied() {
            self.waiting.pop_front();
            self.written += 1;
            self.receive(fate.accepted);
            self.write(|line, layout| layout.row(line, &fate));
        }
    }

    /// Writes the rows of inbound messages received at or before `t`.
    fn receive(&mut self, t: SimTime) {
        while let Some((stream, index, at)) = self.received.next_until(t) {
            self.write(|line, layout| layout.inbound_row(line, stream, index, at));
        }
    }

    /// The run is over: writes the inbound messages left, flushes the
    /// rows, and says if any write failed.
    pub fn finish(mut self) -> io::Result<()> {
        debug_assert!(self.waiting.is_empty(), "every accepted attempt was resolved");
        self.receive(SimTime::NEVER);
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }

    /// Formats a line with `fill` and writes it, unless a write failed before.
    fn write(&mut self, fill: impl FnOnce(&mut String, &mut Layout)) {
        if self.error.is_some() {
            return;
        }
        self.line.clear();
        fill(&mut self.line, &mut self.layout);
        if let Err(e) = self.out.write_all(self.line.as_bytes()) {
            self.error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Recorder};
    use crate::scenario::model::Carrier;
    use crate::scenario::time::SimTime;

    /// Forwards the engine's calls to the records and notes the most rows
    /// ever held back.
    struct Probe<'a> {
        records: Records<'a>,
        accepted: u64,
        most_held: usize,
    }

    impl Recorder for Probe<'_> {
        fn accepted(&mut self, _: usize, _: Carrier, _: SimTime, _: bool, _: bool) {
            self.accepted += 1;
            self.records.accepted();
        }
        fn resolved(&mut self, fate: &Fate) {
            self.records.resolved(fate);
            self.most_held = self.most_held.max(self.records.waiting.len());
        }
        fn finished(&mut self) {}
    }

    #[test]
    fn rows_held_back_follow_the_messages_in_flight_not_the_run() {
        // 200,000 messages over 2,000 s, delivered after up to a minute:
        // a few thousand are in flight at any time.
        let text = r#"start = "2026-03-10T08:00:00-07:00"
[delays]
delivery = { dist = "lognormal", median = "3s", p99 = "30s" }
[[senders]]
id = "sc"
type = "short_code"
[account]
sms_mps = 100
[[traffic]]
name = "t"
sender = "sc"
text = "Hi"
arrival = { process = "poisson", rate = "100/s", count = 200000 }
"#;
        let sc = crate::load::parse(text, "t.toml", "t", std::path::Path::new(".")).expect("valid").scenario;
        let mut out = Vec::new();
        let view = View { as_of: None, header: true };
        let mut probe = Probe { records: Records::new(&sc, 0, view, &mut out), accepted: 0, most_held: 0 };
        engine::run(&sc, 0, &mut probe);
        let (accepted, most_held) = (probe.accepted, probe.most_held);
        probe.records.finish().expect("written to memory");
        assert_eq!(accepted, 200_000);
        assert!(most_held < 10_000, "held {most_held} rows back");
        let text = String::from_utf8(out).expect("UTF-8");
        assert_eq!(text.lines().count(), 200_001, "a header and one row per attempt");
    }
}
