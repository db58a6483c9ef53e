//! The discrete-event engine: acceptance, lanes, limiters, expiry at dequeue,
//! daily caps and delivery, reported to a [`Recorder`].
//!
//! ```text
//!  arrivals ──► client pacing ──► accept ──► processing ──► lane (sender number × carrier × class)
//!                                   │ rejected / blocked /      │ every limiter on the path has room?
//!                                   │ provider queue full       │
//!                                   ▼                           ▼ expired (no slot) │ dispatch (slot taken)
//!                                 outcome                    outcome          daily cap ─► delivery delay ─► outcome
//! ```
//!
//! Time only moves forward; everything that happens at one instant happens
//! before that instant's dispatch pass, which serves waiting messages in
//! acceptance order. A message held by a limit only it needs never holds
//! back messages that do not need that limit.

mod lanes;
pub(crate) mod limiter;
mod setup;
mod waits;

use crate::scenario::calendar::PacificDay;
use crate::scenario::model::{Carrier, Class, Outcome, QueueScope, Shape, Unit};
use crate::scenario::outage::ScaleTimeline;
use crate::scenario::phone::Recipients;
use crate::scenario::provider::QueueLimit;
use crate::scenario::rate::Rate;
use crate::scenario::rng::{Draws, Purpose, stream_key};
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::Arrivals;
use crate::scenario::{Money, Scenario, Sender, Stream};
use jiff::civil::Date;
use lanes::Paths;
use limiter::Limiter;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use waits::Waits;

/// What became of one accepted message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fate {
    /// Index into [`Scenario::traffic`].
    pub stream: usize,
    /// The carrier it was addressed to.
    pub carrier: Carrier,
    /// How it ended.
    pub outcome: Outcome,
    /// Which message, and which attempt at it.
    pub attempt: Attempt,
    /// When the provider accepted this attempt.
    pub accepted: SimTime,
    /// When it was handed to the carrier, if it was.
    pub dispatched: Option<SimTime>,
    /// When it reached its outcome (the horizon for `*_at_end`).
    pub done: SimTime,
    /// Delivered later than the stream's `useful_life`.
    pub late: bool,
    /// What it was charged.
    pub cost: Money,
    /// Rejected because the provider's queue was full (`queue_full`).
    pub queue_full: bool,
    /// Acceptance order of every attempt of the run, from 0: message detail
    /// records are written in this order.
    pub seq: u64,
    /// The sender's pool number it went from (or would have, when refused).
    pub number: u32,
    /// When the sender submits the next attempt, if this one is retried:
    /// then this is not the message's final outcome.
    pub retry_at: Option<SimTime>,
}

/// One attempt at a message: the first, or a retry (MODEL §9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Attempt {
    /// The message's index within its stream: the key of its random draws.
    pub index: u64,
    /// 0 for the first attempt, k for the k-th retry.
    pub number: u32,
    /// When the sender had the message: its first acceptance, or earlier
    /// when the sender's own pacing held it.
    pub arrived: SimTime,
    /// When the provider accepted the first attempt.
    pub first: SimTime,
}

impl Attempt {
    /// The first attempt at message `index`, arrived at `arrived` and accepted at `first`.
    fn first(index: u64, arrived: SimTime, first: SimTime) -> Attempt {
        Attempt { index, number: 0, arrived, first }
    }
}

impl Fate {
    /// The attempt of `ticket`, which never reached the carrier: it ended at
    /// `done` with `outcome`.
    fn undispatched(ticket: Ticket, outcome: Outcome, done: SimTime) -> Fate {
        Fate {
            stream: ticket.stream as usize,
            carrier: ticket.carrier,
            outcome,
            attempt: ticket.attempt(),
            accepted: ticket.accepted,
            dispatched: None,
            done,
            late: false,
            cost: Money(0),
            queue_full: false,
            seq: ticket.seq,
            number: ticket.number,
            retry_at: None,
        }
    }
}

/// An accepted attempt: what its outcome reports, whatever it is. The
/// [`Attempt`] is kept field by field so that a queued message fills one
/// 64-byte cache line: with many lanes, reading a lane's next message is
/// mostly a cache miss.
#[derive(Clone, Copy, Debug)]
struct Ticket {
    /// Acceptance order of every attempt.
    seq: u64,
    accepted: SimTime,
    /// [`Attempt::index`], [`Attempt::number`], [`Attempt::arrived`], [`Attempt::first`].
    index: u64,
    try_number: u32,
    arrived: SimTime,
    first: SimTime,
    stream: u32,
    carrier: Carrier,
    /// The sender's pool number.
    number: u32,
}

impl Ticket {
    fn new(seq: u64, attempt: Attempt, accepted: SimTime, stream: u32, carrier: Carrier, number: u32) -> Ticket {
        let Attempt { index, number: try_number, arrived, first } = attempt;
        Ticket { seq, accepted, index, try_number, arrived, first, stream, carrier, number }
    }

    fn attempt(&self) -> Attempt {
        Attempt { index: self.index, number: self.try_number, arrived: self.arrived, first: self.first }
    }
}

/// Receives what happens in a run. Statistics, time series and charts are
/// built from these calls; the engine keeps nothing per message once it is
/// resolved.
pub trait Recorder {
    /// A message was accepted at `at`; `queued` when it goes on to a queue
    /// (not rejected or blocked at once); `retry` when it is a retry of one
    /// accepted before.
    fn accepted(&mut self, stream: usize, carrier: Carrier, at: SimTime, queued: bool, retry: bool);
    /// A message entered its lane at `at` (its processing delay over): it
    /// waits there until it is dispatched or expires.
    fn entered(&mut self, _carrier: Carrier, _at: SimTime) {}
    /// An attempt reached its outcome. Called exactly once per attempt: a
    /// message's final outcome is the one without `retry_at`.
    fn resolved(&mut self, fate: &Fate);
    /// The run is over: every message has been resolved.
    fn finished(&mut self);
}

/// One brand's use of T-Mobile's daily cap on one Pacific day.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DailyCapDay {
    /// Index of the brand in the scenario file.
    pub brand: usize,
    /// The Pacific day.
    pub date: Date,
    /// The brand's cap that day.
    pub cap: u64,
    /// Units dispatched against the cap.
    pub used: u64,
    /// Messages refused at the cap.
    pub failed: u64,
    /// When `used` reached `cap`.
    pub exhausted_at: Option<SimTime>,
}

/// What a run leaves besides the recorder's calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunEnd {
    /// Every (brand, Pacific day) with T-Mobile dispatches, by brand then day.
    pub daily_caps: Vec<DailyCapDay>,
    /// Events processed, for throughput figures.
    pub events: u64,
    /// Lanes made: they follow the pool numbers busy at once, not every number used.
    pub lanes: usize,
}

/// Runs replication `replication` of `scenario`.
pub fn run<R: Recorder>(scenario: &Scenario, replication: u32, recorder: &mut R) -> RunEnd {
    Engine::new(scenario, replication).run(recorder)
}

/// A message waiting in processing or in a lane.
#[derive(Clone, Copy, Debug)]
struct Msg {
    ticket: Ticket,
    segments: u32,
    class: Class,
}

// One cache line per queued message (see [`Ticket`]).
const _: () = assert!(size_of::<Msg>() == 64);

/// A message in processing, ordered by (entry time, acceptance order), and
/// the lane it will enter.
struct Pending(SimTime, Msg, u32);

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.0, self.1.ticket.seq) == (other.0, other.1.ticket.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.0, self.1.ticket.seq).cmp(&(other.0, other.1.ticket.seq))
    }
}

/// Per-stream random draws.
struct StreamDraws {
    carrier: Draws,
    processing: Draws,
    delivery: Draws,
    undelivered: Draws,
    recipients: Recipients,
}

/// A retry due: the attempt, submitted at `at` (ordered by instant, stream,
/// message, attempt).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Due {
    at: SimTime,
    stream: u32,
    attempt: Attempt,
    carrier: Carrier,
}

/// A sender's own rate limit before the API: a smooth limiter with burst 1,
/// exact in integer time like the provider's.
struct Pacing {
    limiter: Limiter,
    /// When the message now scheduled arrived (it is submitted later).
    arrived: SimTime,
}

impl Pacing {
    fn new(rate: Rate) -> Pacing {
        let limiter = Limiter::new(rate, Shape::Smooth, 1, Unit::Messages, ScaleTimeline::default());
        Pacing { limiter, arrived: SimTime::ZERO }
    }

    /// The submission of a message arriving at `t`: at `t`, or at the
    /// pacer's next slot.
    fn submit(&mut self, t: SimTime) -> SimTime {
        let at = if self.limiter.has_room(t, 1) { t } else { self.limiter.next_room(t) };
        self.limiter.take(at, 1);
        self.arrived = t;
        at
    }
}

/// Messages waiting (in processing or queued), per sender and in all,
/// against a provider queue limit: counted only when there is one.
struct Waiting<'s> {
    limit: &'s QueueLimit,
    per_sender: Vec<u64>,
    total: u64,
}

impl Waiting<'_> {
    fn add(&mut self, sender: usize) {
        self.per_sender[sender] += 1;
        self.total += 1;
    }

    fn remove(&mut self, sender: usize) {
        self.per_sender[sender] -= 1;
        self.total -= 1;
    }

    /// Whether the limit refuses a new message of sender `sender`: its
    /// scope already has the most waiting it allows.
    fn full(&self, sender: usize) -> bool {
        let waiting = match self.limit.scope {
            QueueScope::Sender => self.per_sender[sender],
            QueueScope::Account => self.total,
        };
        waiting >= self.limit.max_for(sender)
    }
}

/// A brand's running count against T-Mobile's daily cap.
struct DailyCap {
    day: Option<(PacificDay, DailyCapDay)>,
    done: Vec<DailyCapDay>,
}

struct Engine<'s> {
    sc: &'s Scenario,
    end: SimTime,
    block_from: SimTime,
    /// Per stream: what its messages read, in one place.
    sources: Vec<Source<'s>>,
    next_arrivals: BinaryHeap<Reverse<(SimTime, u32)>>,
    processing: BinaryHeap<Reverse<Pending>>,
    /// Lanes, limiters and gates: a number's made on its first use, reused once idle.
    paths: Paths,
    waits: Waits,
    /// Next pool number per (sender, class).
    round_robin: Vec<[u32; 2]>,
    /// Messages waiting, under a provider queue limit.
    waiting: Option<Waiting<'s>>,
    /// Retries due, by (instant, stream, message, attempt).
    retries: BinaryHeap<Reverse<Due>>,
    caps: Vec<DailyCap>,
    seq: u64,
    events: u64,
}

/// One stream's state in a run, beside what its messages read of the
/// scenario: every message reads most of it, and one lookup serves it all.
struct Source<'s> {
    stream: &'s Stream,
    sender: &'s Sender,
    arrivals: Arrivals,
    /// Its client-side pacing, if it paces.
    pacing: Option<Pacing>,
    draws: StreamDraws,
    /// Charge of one message, per carrier: segments × (price of the number
    /// type and class + the carrier's surcharge).
    prices: [Money; 4],
}

impl<'s> Engine<'s> {
    fn run<R: Recorder>(mut self, rec: &mut R) -> RunEnd {
        for s in 0..self.sc.traffic.len() {
            if let Some(at) = self.next_arrival(s) {
                self.next_arrivals.push(Reverse((at, s as u32)));
            }
        }
        loop {
            let next_arrival = self.next_arrivals.peek().map_or(SimTime::NEVER, |r| r.0.0);
            let next_entry = self.processing.peek().map_or(SimTime::NEVER, |r| r.0.0);
            let next_retry = self.retries.peek().map_or(SimTime::NEVER, |r| r.0.at);
            let t = next_arrival.min(next_entry).min(next_retry).min(self.waits.next_timer());
            if t == SimTime::NEVER || t >= self.end {
                break;
            }
            self.waits.new_instant();
            while let Some(&Reverse((at, s))) = self.next_arrivals.peek() {
                if at != t {
                    break;
                }
                self.arrive(s as usize, t, rec);
                // The stream's next message takes its place at the top of
                // the heap: one sift, not a pop and a push.
                match self.next_arrival(s as usize) {
                    Some(at) => *self.next_arrivals.peek_mut().expect("peeked") = Reverse((at, s)),
                    None => drop(self.next_arrivals.pop()),
                }
            }
            // Retries after the new messages of the same instant.
            while self.retries.peek().is_some_and(|r| r.0.at == t) {
                let Reverse(due) = self.retries.pop().expect("peeked");
                self.accept(due.stream as usize, t, due.carrier, due.attempt, rec);
            }
            while self.processing.peek().is_some_and(|r| r.0.0 == t) {
                let Reverse(Pending(_, msg, lane)) = self.processing.pop().expect("peeked");
                self.paths.pending(lane, -1);
                self.enter(msg, lane, t, rec);
            }
            self.waits.fire_timers(t, &mut self.paths);
            self.dispatch(t, rec);
        }
        self.finish(rec)
    }

    /// When the stream's next message is submitted: at its arrival, or,
    /// when the sender paces its submissions, at its turn.
    #[inline(always)]
    fn next_arrival(&mut self, s: usize) -> Option<SimTime> {
        let source = &mut self.sources[s];
        let t = source.arrivals.next(&source.stream.arrival, &self.sc.calendar)?;
        Some(source.pacing.as_mut().map_or(t, |p| p.submit(t)))
    }

    /// Accepts the stream's latest message, drawing its carrier.
    fn arrive<R: Recorder>(&mut self, s: usize, t: SimTime, rec: &mut R) {
        let source = &self.sources[s];
        let index = source.arrivals.emitted() - 1;
        let arrived = source.pacing.as_ref().map_or(t, |p| p.arrived);
        // A recipient keeps its carrier: the draw is keyed by who it is.
        let recipient = source.draws.recipients.of(index);
        let carrier = source.stream.carrier_for(source.draws.carrier.uniform(recipient, 0));
        self.accept(s, t, carrier, Attempt::first(index, arrived, t), rec);
    }

    /// Accepts an attempt at a message of stream `s` to `carrier`: refuses
    /// it at once, or sends it to processing or straight into its lane.
    #[inline(always)]
    fn accept<R: Recorder>(&mut self, s: usize, t: SimTime, carrier: Carrier, attempt: Attempt, rec: &mut R) {
        self.events += 1;
        let Source { stream, sender, .. } = self.sources[s];
        let retry = attempt.number > 0;
        let sender_ix = stream.sender;
        let class = stream.class;
        let rr = &mut self.round_robin[sender_ix][class.index()];
        let ticket = Ticket::new(self.seq, attempt, t, s as u32, carrier, *rr);
        self.seq += 1;
        let refused = matches!(sender.limits[class.index()], crate::scenario::SenderLimit::Refused);
        let blocked = !refused
            && sender.number_type == crate::scenario::model::NumberType::TollFree
            && !sender.verified
            && t >= self.block_from;
        if refused || blocked {
            rec.accepted(s, carrier, t, false, retry);
            let (outcome, charged) =
                if refused { (Outcome::Rejected, false) } else { (Outcome::Blocked, self.sc.prices.charge_blocked) };
            let cost = if charged { self.sources[s].prices[carrier.index()] } else { Money(0) };
            self.resolve(Fate { cost, ..Fate::undispatched(ticket, outcome, t) }, rec);
            return;
        }
        if self.waiting.as_ref().is_some_and(|w| w.full(sender_ix)) {
            rec.accepted(s, carrier, t, false, retry);
            self.resolve(Fate { queue_full: true, ..Fate::undispatched(ticket, Outcome::Rejected, t) }, rec);
            return;
        }
        if let Some(w) = &mut self.waiting {
            w.add(sender_ix);
        }
        rec.accepted(s, carrier, t, true, retry);
        let rr = &mut self.round_robin[sender_ix][class.index()];
        *rr += 1;
        if *rr == sender.numbers {
            *rr = 0;
        }
        let lane = self.paths.lane(self.sc, sender_ix, class, ticket.number, carrier, t);
        let msg = Msg { ticket, segments: stream.segments, class };
        let delay = self.sc.processing.sample(&self.sources[s].draws.processing.attempt(attempt.number), attempt.index);
        if delay == SimDuration::ZERO {
            self.enter(msg, lane, t, rec);
        } else {
            self.paths.pending(lane, 1);
            self.processing.push(Reverse(Pending(t + delay, msg, lane)));
        }
    }

    /// Puts a message that finished processing into its lane, in acceptance
    /// order. Only a new head can change what the next dispatch pass does:
    /// a head that was blocked stays blocked until a limit it waits for opens.
    #[inline(always)]
    fn enter<R: Recorder>(&mut self, msg: Msg, li: u32, t: SimTime, rec: &mut R) {
        self.events += 1;
        rec.entered(msg.ticket.carrier, t);
        if self.paths.lanes[li as usize].insert(msg) {
            self.waits.new_head(li, t, &mut self.paths);
        }
    }

    /// The dispatch pass at `t`: serves the lanes that may have changed, in
    /// acceptance order of their heads.
    #[inline(always)]
    fn dispatch<R: Recorder>(&mut self, t: SimTime, rec: &mut R) {
        while let Some((li, woken_by)) = self.waits.next_candidate(&self.paths) {
            let draining = match self.waits.examine(li, t, &mut self.paths) {
                Some(blocker) => {
                    self.waits.sleep(li, blocker, &mut self.paths);
                    woken_by
                }
                None => {
                    self.dequeue(li, t, rec);
                    self.waits.after_dequeue(li, woken_by, t, &mut self.paths)
                }
            };
            if let Some(l) = draining {
                self.waits.drain_on(l, t, &mut self.paths);
            }
        }
    }

    /// Takes the head of lane `li`, free to go at `t`: it expires if it
    /// waited too long, else takes its slot everywhere and goes to the carrier.
    fn dequeue<R: Recorder>(&mut self, li: u32, t: SimTime, rec: &mut R) {
        let msg = self.paths.lanes[li as usize].pop();
        self.events += 1;
        let stream = self.sources[msg.ticket.stream as usize].stream;
        if let Some(w) = &mut self.waiting {
            w.remove(stream.sender);
        }
        if t - msg.ticket.accepted > stream.message_expiry {
            self.resolve(Fate::undispatched(msg.ticket, Outcome::Expired, t), rec);
        } else {
            self.paths.take(li, t, &msg);
            self.hand_over(msg, t, rec);
        }
    }

    /// The message goes to its carrier at `t`: daily cap, then delivery.
    fn hand_over<R: Recorder>(&mut self, msg: Msg, t: SimTime, rec: &mut R) {
        let ticket = msg.ticket;
        let s = ticket.stream as usize;
        let Source { stream, sender, .. } = self.sources[s];
        let mut capped = false;
        // The sender first: the carrier is drawn at random, so testing it
        // first would be a branch mostly mispredicted on every message.
        if let Some(b) = sender.brand.filter(|_| sender.is_10dlc() && ticket.carrier == Carrier::TMobile) {
            let brand = &self.sc.brands[b];
            let need = match brand.tpd_unit {
                Unit::Messages => 1,
                Unit::Segments => msg.segments as u64,
            };
            let day = self.caps[b].today(b, brand.tpd, t, &self.sc.calendar);
            if day.used + need <= day.cap {
                day.used += need;
                if day.used == day.cap {
                    day.exhausted_at = Some(t);
                }
            } else {
                day.failed += 1;
                capped = true;
            }
        }
        let (outcome, done) = if capped {
            (Outcome::FailedDailyCap, t)
        } else {
            let (index, number) = (ticket.index, ticket.try_number);
            let draws = &self.sources[s].draws;
            let done = t + self.sc.delivery.sample(&draws.delivery.attempt(number), index);
            let p = self.sc.carriers[ticket.carrier.index()].undelivered;
            let outcome = if done >= self.end {
                Outcome::InFlightAtEnd
            } else if p > 0.0 && draws.undelivered.attempt(number).uniform(index, 0) < p {
                Outcome::Undelivered
            } else {
                Outcome::Delivered
            };
            (outcome, done.min(self.end))
        };
        let late = outcome == Outcome::Delivered && stream.useful_life.is_some_and(|life| done - ticket.first > life);
        let charged = outcome != Outcome::FailedDailyCap || self.sc.prices.charge_failed_daily_cap;
        let cost = if charged { self.sources[s].prices[ticket.carrier.index()] } else { Money(0) };
        self.resolve(Fate { dispatched: Some(t), late, cost, ..Fate::undispatched(ticket, outcome, done) }, rec);
    }

    /// Reports an attempt's outcome, first scheduling its retry if the
    /// stream retries it and the retry falls within the run.
    #[inline(always)]
    fn resolve<R: Recorder>(&mut self, mut fate: Fate, rec: &mut R) {
        let retry = self.sources[fate.stream].stream.retry.as_ref();
        let at = retry.and_then(|r| r.after(fate.outcome, fate.attempt.number, fate.done, &self.sc.calendar));
        if let Some(at) = at.filter(|&at| at < self.end) {
            let attempt = Attempt { number: fate.attempt.number + 1, ..fate.attempt };
            self.retries.push(Reverse(Due { at, stream: fate.stream as u32, attempt, carrier: fate.carrier }));
            fate.retry_at = Some(at);
        }
        rec.resolved(&fate);
    }

    /// Everything still queued when the run ends is `queued_at_end`, in
    /// acceptance order. Each lane is in that order already: they are
    /// merged, not gathered and sorted, so millions of waiting messages are
    /// not copied once more.
    fn finish<R: Recorder>(mut self, rec: &mut R) -> RunEnd {
        let end = self.end;
        let mut processing: Vec<Msg> = self.processing.drain().map(|Reverse(Pending(_, m, _))| m).collect();
        processing.sort_by_key(|m| Reverse(m.ticket.seq));
        const PROCESSING: u32 = u32::MAX;
        let lanes = &mut self.paths.lanes;
        let mut next: BinaryHeap<Reverse<(u64, u32)>> = (0..lanes.len() as u32)
            .filter(|&li| !lanes[li as usize].is_empty())
            .map(|li| Reverse((lanes[li as usize].head().seq, li)))
            .chain(processing.last().map(|m| Reverse((m.ticket.seq, PROCESSING))))
            .collect();
        while let Some(Reverse((_, from))) = next.pop() {
            let (m, after) = if from == PROCESSING {
                let m = processing.pop().expect("listed with a message");
                (m, processing.last().map(|m| m.ticket.seq))
            } else {
                let lane = &mut lanes[from as usize];
                let m = lane.pop();
                (m, (!lane.is_empty()).then(|| lane.head().seq))
            };
            if let Some(seq) = after {
                next.push(Reverse((seq, from)));
            }
            let done = if end == SimTime::NEVER { m.ticket.accepted } else { end };
            rec.resolved(&Fate::undispatched(m.ticket, Outcome::QueuedAtEnd, done));
        }
        rec.finished();
        let daily_caps = self.caps.into_iter().flat_map(|c| c.done.into_iter().chain(c.day.map(|(_, d)| d))).collect();
        RunEnd { daily_caps, events: self.events, lanes: self.paths.lanes.len() }
    }
}

impl DailyCap {
    /// The record of the Pacific day holding `t`, starting a new day if needed.
    fn today(
        &mut self,
        brand: usize,
        cap: u64,
        t: SimTime,
        calendar: &crate::scenario::calendar::Calendar,
    ) -> &mut DailyCapDay {
        if self.day.as_ref().is_none_or(|(day, _)| t >= day.end) {
            let day = calendar.pacific_day(t);
            let fresh = DailyCapDay { brand, date: day.date, cap, used: 0, failed: 0, exhausted_at: None };
            if let Some((_, old)) = self.day.replace((day, fresh)) {
                self.done.push(old);
            }
        }
        &mut self.day.as_mut().expect("set above").1
    }
}

/// What one message of `stream` costs per carrier.
fn prices(sc: &Scenario, stream: &Stream) -> [Money; 4] {
    let number_type = sc.senders[stream.sender].number_type;
    let k = stream.class.index();
    Carrier::ALL.map(|c| {
        let per = sc.prices.per_segment[number_type.index()][k].0 + sc.carriers[c.index()].surcharge[k].0;
        Money(per * stream.segments as u64)
    })
}

/// Keys of the per-stream random draws.
fn stream_draws(sc: &Scenario, replication: u32, stream: &Stream) -> StreamDraws {
    let name = &stream.name;
    let d = |p| Draws::new(stream_key(sc.seed, replication, name, p));
    StreamDraws {
        carrier: d(Purpose::Carrier),
        processing: d(Purpose::Processing),
        delivery: d(Purpose::Delivery),
        undelivered: d(Purpose::Undelivered),
        recipients: Recipients::new(
            sc.seed,
            name,
            &stream.destinations,
            sc.senders[stream.sender].country.calling_code(),
        ),
    }
}

#[cfg(test)]
mod tests;
