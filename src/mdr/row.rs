//! One record's fields: numbers, content and charges as the logging
//! preference and the retention at `--as-of` let them show.

use crate::engine::Fate;
use crate::load::Moment;
use crate::scenario::model::{Carrier, NumberType, Outcome};
use crate::scenario::phone::{Pool, Recipients};
use crate::scenario::rng::{Draws, Purpose, stream_key};
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::{Money, Scenario, Stream};
use std::fmt::Write;

/// The columns: the provider's export fields first, in its order, then
/// what the simulation adds.
pub const HEADER: &str = "Message UUID,To Country ISO2,Message Time,Error Code,Error Reason,\
Rate Per Unit (USD),Carrier Surcharge Per Unit (USD),Total Charge Per Unit (USD),Total Charge (USD),\
Stream,Message Direction,Message Type,Message State,Units,From Number,To Number,Content,Carrier,\
Accepted At,Dispatched At,Done At,Attempt,Replication";

/// How stored content reads once redacted, or when it was never stored.
pub const REDACTED_CONTENT: &str = "***Text Content Redacted***";

/// Content is kept this long, then redacted.
const CONTENT_KEPT: SimDuration = SimDuration::from_secs(7 * 86_400);
/// Records (and their numbers) are kept this long.
const RECORDS_KEPT: SimDuration = SimDuration::from_secs(90 * 86_400);

/// What every row of one stream shares, formatted once.
struct StreamLayout {
    uuids: Draws,
    recipients: Recipients,
    from: Pool,
    country: &'static str,
    /// The name and the text as CSV fields, quoted if they must be.
    name: String,
    content: String,
    /// Price per unit (segment) of the number type and class; per carrier,
    /// the surcharge per unit, the sum, and what a charged message costs
    /// (the sum times its units), in dollars.
    rate: String,
    surcharge: [String; 4],
    per_unit: [String; 4],
    charge: [(Money, String); 4],
}

/// What every row of one inbound stream shares.
struct InboundLayout {
    uuids: Draws,
    /// Who writes.
    from: Recipients,
    /// The application's numbers.
    to: Pool,
    content: String,
    name: String,
}

/// Formats the rows of one replication.
pub(super) struct Layout<'a> {
    sc: &'a Scenario,
    replication: u32,
    streams: Vec<StreamLayout>,
    inbound: Vec<InboundLayout>,
    /// `--as-of`, in nanoseconds from the start (before it: negative).
    as_of: Option<i128>,
    /// One per instant column: rows come in about that column's order.
    clocks: [Clock; 3],
}

impl<'a> Layout<'a> {
    pub(super) fn new(sc: &'a Scenario, replication: u32, as_of: Option<Moment>) -> Layout<'a> {
        let streams = sc.traffic.iter().map(|s| StreamLayout::new(sc, replication, s)).collect();
        let inbound = sc
            .inbound
            .iter()
            .map(|s| {
                let code = s.country.calling_code();
                InboundLayout {
                    uuids: Draws::new(stream_key(sc.seed, replication, &s.name, Purpose::Uuid)),
                    from: Recipients::new(sc.seed, &s.name, &s.contacts, code),
                    to: Pool::sender(sc.seed, &s.application, code, NumberType::LongCode),
                    content: csv(s.text.as_deref().unwrap_or("")),
                    name: csv(&s.name),
                }
            })
            .collect();
        let start = sc.calendar.start().as_nanosecond();
        let as_of = as_of.map(|m| m.timestamp(&sc.calendar).as_nanosecond() - start);
        Layout { sc, replication, streams, inbound, as_of, clocks: std::array::from_fn(|_| Clock::default()) }
    }

    /// Whether a row of a message accepted at `t` shows at `--as-of`, and
    /// whether its content does: left out when not yet accepted or older
    /// than 90 days; content redacted past 7 days.
    fn retained(&self, t: SimTime) -> Option<bool> {
        let Some(age) = self.as_of.map(|as_of| as_of - t.as_nanos() as i128) else { return Some(true) };
        (0..=RECORDS_KEPT.as_nanos() as i128).contains(&age).then_some(age <= CONTENT_KEPT.as_nanos() as i128)
    }

    /// Appends the row of inbound message `index` of inbound stream `i`,
    /// received at `t`, unless `--as-of` leaves it out.
    pub(super) fn inbound_row(&mut self, line: &mut String, i: usize, index: u64, t: SimTime) {
        let Some(content_kept) = self.retained(t) else { return };
        let s = &self.sc.inbound[i];
        let l = &self.inbound[i];
        uuid(line, l.uuids.bits(index, 0), l.uuids.bits(index, 1));
        let _ = write!(line, ",{},", s.country);
        let cal = &self.sc.calendar;
        self.clocks[0].write(line, cal, t);
        let _ = write!(line, ",,,0.0,0.0,0.0,0.0,{},inbound,sms,received,{},", l.name, s.segments);
        let from = l.from.address(index);
        if s.log_incoming_messages {
            let _ = write!(line, "{from}");
        } else {
            line.push_str(&from.redacted());
        }
        let to = l.to.number(index % u64::from(s.numbers));
        let content = if s.log_incoming_messages && content_kept { &l.content[..] } else { REDACTED_CONTENT };
        let _ = write!(line, ",{to},{content},,");
        self.clocks[0].write(line, cal, t);
        line.push_str(",,");
        self.clocks[2].write(line, cal, t);
        let _ = writeln!(line, ",0,{}", self.replication + 1);
    }

    /// Appends the row of `fate` to `line`, unless `--as-of` leaves it out.
    pub(super) fn row(&mut self, line: &mut String, fate: &Fate) {
        let Some(content_kept) = self.retained(fate.accepted) else { return };
        let stream = &self.sc.traffic[fate.stream];
        let l = &self.streams[fate.stream];
        let (index, attempt) = (fate.attempt.index, fate.attempt.number);
        let uuids = l.uuids.attempt(attempt);
        uuid(line, uuids.bits(index, 0), uuids.bits(index, 1));
        let cal = &self.sc.calendar;
        let [accepted, dispatched, done] = &mut self.clocks;
        let _ = write!(line, ",{},", l.country);
        accepted.write(line, cal, fate.accepted);
        line.push(',');
        if let Some(code) = self.sc.error_codes[fate.outcome.index()] {
            let _ = write!(line, "{code}");
        }
        let c = fate.carrier.index();
        let (charge, charge_text) = &l.charge[c];
        let cost = match fate.cost {
            Money(0) => "0.0",
            m if m == *charge => charge_text,
            m => &usd(m),
        };
        let _ = write!(
            line,
            ",{},{},{},{},{cost},{},outbound,{},{},{},{},",
            reason(fate),
            l.rate,
            l.surcharge[c],
            l.per_unit[c],
            l.name,
            stream.class,
            fate.outcome,
            stream.segments,
            l.from.number(u64::from(fate.number)),
        );
        let to = l.recipients.address(index);
        if stream.log.keeps_number() {
            let _ = write!(line, "{to}");
        } else {
            line.push_str(&to.redacted());
        }
        let content = if stream.log.keeps_content() && content_kept { &l.content[..] } else { REDACTED_CONTENT };
        let _ = write!(line, ",{content},{},", fate.carrier);
        accepted.write(line, cal, fate.accepted);
        line.push(',');
        if let Some(t) = fate.dispatched {
            dispatched.write(line, cal, t);
        }
        line.push(',');
        done.write(line, cal, fate.done);
        let _ = writeln!(line, ",{attempt},{}", self.replication + 1);
    }
}

/// Writes instants in RFC 3339 on the scenario's display clock, as
/// [`crate::scenario::calendar::Calendar::rfc3339`] does, reusing the text
/// of the last second written: rows mostly move forward a little.
#[derive(Default)]
struct Clock {
    second: Option<u64>,
    /// The date and time to the second, and the offset.
    text: (String, String),
}

impl Clock {
    fn write(&mut self, line: &mut String, cal: &crate::scenario::calendar::Calendar, t: SimTime) {
        const NS: u64 = 1_000_000_000;
        let second = t.as_nanos() / NS;
        if self.second != Some(second) {
            let whole = cal.rfc3339(SimTime::from_nanos(second * NS));
            let (time, offset) = whole.split_at(19);
            self.text = (time.to_string(), offset.to_string());
            self.second = Some(second);
        }
        line.push_str(&self.text.0);
        let mut ns = t.as_nanos() % NS;
        if ns != 0 {
            let mut digits = [b'0'; 9];
            for d in digits.iter_mut().rev() {
                *d = b'0' + (ns % 10) as u8;
                ns /= 10;
            }
            let kept = 9 - digits.iter().rev().take_while(|&&d| d == b'0').count();
            line.push('.');
            line.push_str(std::str::from_utf8(&digits[..kept]).expect("ASCII digits"));
        }
        line.push_str(&self.text.1);
    }
}

impl StreamLayout {
    fn new(sc: &Scenario, replication: u32, stream: &Stream) -> StreamLayout {
        let sender = &sc.senders[stream.sender];
        let code = sender.country.calling_code();
        let k = stream.class.index();
        let segments = u64::from(stream.segments);
        let rate = sc.prices.per_segment[sender.number_type.index()][k].0;
        let surcharge = Carrier::ALL.map(|c| sc.carriers[c.index()].surcharge[k].0);
        StreamLayout {
            uuids: Draws::new(stream_key(sc.seed, replication, &stream.name, Purpose::Uuid)),
            recipients: Recipients::new(sc.seed, &stream.name, &stream.destinations, code),
            from: Pool::sender(sc.seed, &sender.id, code, sender.number_type),
            country: sender.country.name(),
            name: csv(&stream.name),
            content: csv(stream.text.as_deref().unwrap_or("")),
            rate: usd(Money(rate)),
            surcharge: surcharge.map(|m| usd(Money(m))),
            per_unit: surcharge.map(|m| usd(Money(rate + m))),
            charge: surcharge.map(|m| (Money((rate + m) * segments), usd(Money((rate + m) * segments)))),
        }
    }
}

/// A version-4 UUID from 128 random bits: version and variant set, the
/// rest as drawn.
fn uuid(line: &mut String, hi: u64, lo: u64) {
    let hi = (hi & !0xF000) | 0x4000;
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62);
    let _ = write!(
        line,
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    );
}

/// Why an attempt failed, in words; empty when it did not.
fn reason(fate: &Fate) -> &'static str {
    match fate.outcome {
        Outcome::Delivered | Outcome::InFlightAtEnd => "",
        Outcome::Undelivered => "undelivered by the carrier",
        Outcome::Expired => "message expired in the queue",
        Outcome::FailedDailyCap => "T-Mobile daily cap reached",
        Outcome::Blocked => "unverified toll-free number",
        Outcome::Rejected if fate.queue_full => "provider queue full",
        Outcome::Rejected => "not supported from this sender",
        Outcome::QueuedAtEnd => "still queued when the run ended",
    }
}

/// US dollars, as few decimals as exact: `0.0055`, `0.0`.
fn usd(m: Money) -> String {
    let text = format!("{}.{:09}", m.0 / 1_000_000_000, m.0 % 1_000_000_000);
    let trimmed = text.trim_end_matches('0');
    if trimmed.ends_with('.') { format!("{trimmed}0") } else { trimmed.to_string() }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
pub fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_have_the_version_4_layout() {
        let mut u = String::new();
        uuid(&mut u, u64::MAX, u64::MAX);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        u.clear();
        uuid(&mut u, 0, 0);
        assert_eq!(u, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn dollars_are_exact_and_short() {
        assert_eq!(usd(Money(5_500_000)), "0.0055");
        assert_eq!(usd(Money(0)), "0.0");
        assert_eq!(usd(Money(1_234_000_000_001)), "1234.000000001");
        assert_eq!(csv("a,b \"c\""), "\"a,b \"\"c\"\"\"");
    }
}
