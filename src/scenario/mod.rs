//! A validated scenario: typed values the engine runs. Reading one from a
//! file lives in [`crate::load`].

pub mod bounds;
pub mod calendar;
pub mod country;
pub(crate) mod delay;
pub(crate) mod limits;
pub mod model;
pub(crate) mod outage;
pub mod phone;
pub(crate) mod provider;
pub(crate) mod rate;
pub(crate) mod rng;
pub(crate) mod segments;
pub mod time;
pub(crate) mod traffic;

use crate::scenario::calendar::Calendar;
use crate::scenario::delay::Delay;
use crate::scenario::limits::NumberLimit;
use crate::scenario::model::{Carrier, Class, Country, Kind, LogPreference, NumberType, Outcome, Shape, Unit, UseCase};
use crate::scenario::outage::Outage;
use crate::scenario::rate::Rate;
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::Arrival;

/// Money in billionths of a US dollar, so sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Money(pub u64);

impl Money {
    /// In US dollars, for reports.
    pub fn usd(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

/// How one limit behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limit {
    pub(crate) rate: Rate,
    pub(crate) shape: Shape,
    /// Burst size of a smooth limiter (default 1).
    pub(crate) burst: u64,
    pub(crate) unit: Unit,
}

#[derive(Clone, Debug, PartialEq)]
/// A validated scenario: every index points at an existing brand, sender or stream, which is why only the loader makes one.
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) calendar: Calendar,
    /// Ends the run; `None` runs until every message is resolved.
    pub(crate) horizon: Option<SimDuration>,
    pub(crate) seed: u64,
    pub(crate) replications: u32,
    /// Account limits, indexed by [`Class::index`].
    pub(crate) account: [Limit; 2],
    pub(crate) brands: Vec<Brand>,
    pub(crate) senders: Vec<Sender>,
    pub(crate) traffic: Vec<Stream>,
    pub(crate) outages: Vec<Outage>,
    pub(crate) processing: Delay,
    pub(crate) delivery: Delay,
    /// Indexed by [`Carrier::index`].
    pub(crate) carriers: [CarrierSettings; 4],
    pub(crate) prices: Prices,
    /// Width of a `timeseries.csv` row.
    pub(crate) timeseries_step: SimDuration,
    /// Messages accepted before `start + warmup` are simulated but left out
    /// of the statistics (not of the time series).
    pub(crate) warmup: SimDuration,
    /// Highest acceptable expiry (and lateness) rate when advising on
    /// `message_expiry` from a sweep.
    pub(crate) expiry_target: f64,
    /// Provider error code reported per outcome, by [`Outcome::index`]:
    /// `expired` is 420; the source gives none for the others.
    pub(crate) error_codes: [Option<u32>; 8],
    /// The provider's queue limit, if the scenario sets one (MODEL §9).
    pub(crate) queue_limit: Option<QueueLimit>,
    /// Messages received (MODEL §10): detail records only, no throughput.
    pub(crate) inbound: Vec<Inbound>,
}

/// One `[[inbound]]` stream: messages people send to an application's
/// numbers. They use none of the outbound limits; they show in the detail
/// records.
#[derive(Clone, Debug, PartialEq)]
pub struct Inbound {
    /// Its name in the records.
    pub name: String,
    /// Where the application's numbers are: the US or the United Kingdom.
    pub country: Country,
    /// The application receiving them.
    pub application: String,
    /// The application's `log_incoming_messages`: when false, the records
    /// redact the content and the from number.
    pub log_incoming_messages: bool,
    /// The text, when given.
    pub text: Option<String>,
    /// Segments per message.
    pub segments: u32,
    /// The application's numbers, which take the messages in turn.
    pub numbers: u32,
    /// Who writes: a number of their own per message, or one of `contacts = N`.
    pub contacts: phone::Destinations,
    pub(crate) arrival: Arrival,
}

pub(crate) use provider::QueueLimit;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Brand {
    pub(crate) id: String,
    pub(crate) vetting_score: u8,
    pub(crate) use_case: UseCase,
    /// SMS throughput per carrier (segments by default).
    pub(crate) tpm: Limit,
    /// MMS throughput per carrier for the whole brand, when set (AT&T
    /// publishes one per class; the source document has none).
    pub(crate) mms_tpm: Option<Limit>,
    /// T-Mobile's daily cap.
    pub(crate) tpd: u64,
    pub(crate) tpd_unit: Unit,
}

#[derive(Clone, Debug, PartialEq)]
/// A pool of sender numbers of one type.
pub struct Sender {
    /// Its `id` in the scenario file.
    pub id: String,
    /// Long code, toll-free or short code.
    pub number_type: NumberType,
    /// Where its numbers are.
    pub country: Country,
    /// Index of its brand in the scenario file; a US long code (10DLC) has one.
    pub brand: Option<usize>,
    /// Numbers in the pool, which takes messages in turn.
    pub numbers: u32,
    /// A toll-free number's verification.
    pub verified: bool,
    /// Per class: the number's own limit, with shape and unit resolved.
    pub(crate) limits: [SenderLimit; 2],
    /// Per class: the source gives no limit (a country besides the US and
    /// Canada) and the scenario gave no rate, so no stream may send it.
    pub(crate) unrated: [bool; 2],
}

/// A sender number's limit for one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SenderLimit {
    PerNumber(Limit),
    PerCarrier(Limit),
    BrandTpm,
    /// Refused at acceptance: unsupported, or forbidden by the sender's configuration.
    Refused,
}

impl SenderLimit {
    pub(crate) fn from_table(limit: NumberLimit, shape: Shape, burst: u64, unit: Unit) -> SenderLimit {
        let make = |rate| Limit { rate, shape, burst, unit };
        match limit {
            NumberLimit::PerNumber(r) => SenderLimit::PerNumber(make(r)),
            NumberLimit::PerCarrier(r) => SenderLimit::PerCarrier(make(r)),
            NumberLimit::BrandTpm => SenderLimit::BrandTpm,
            NumberLimit::Unsupported | NumberLimit::Unknown => SenderLimit::Refused,
        }
    }
}

impl Sender {
    /// A US long code: limited by its brand's TPM and T-Mobile's daily cap.
    pub(crate) fn is_10dlc(&self) -> bool {
        self.country == Country::US && self.number_type == NumberType::LongCode
    }
}

#[derive(Clone, Debug, PartialEq)]
/// One `[[traffic]]` stream.
pub struct Stream {
    /// Its name in reports.
    pub name: String,
    /// Index into [`Scenario::senders`].
    pub sender: usize,
    /// SMS or MMS.
    pub class: Class,
    /// What it is for.
    pub kind: Kind,
    /// Longest wait in the queue; checked when a message reaches the head.
    pub message_expiry: SimDuration,
    /// Delivered later than this after acceptance counts as late.
    pub useful_life: Option<SimDuration>,
    /// Segments per message (1 for MMS).
    pub segments: u32,
    /// Destination mix, indexed by [`Carrier::index`], summing to 1.
    pub carriers: [f64; 4],
    pub(crate) arrival: Arrival,
    /// The sender's own rate limit before the API (MODEL §9): a message
    /// arriving at a is submitted at max(a, previous submission + 1/pace).
    pub(crate) pace: Option<Rate>,
    /// The sender's retries of attempts that failed (MODEL §9).
    pub(crate) retry: Option<Retry>,
    /// The text, when the scenario gives it: the detail records' content.
    pub text: Option<String>,
    /// Who its messages go to.
    pub destinations: phone::Destinations,
    /// What the detail records keep of each message (the send API's `log`).
    pub log: LogPreference,
}

/// Which failed attempts a sender retries, and when: the k-th retry is
/// submitted `after[k]` past the outcome of the attempt before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Retry {
    /// Outcomes retried, by [`Outcome::index`].
    pub(crate) on: [bool; 8],
    /// When each retry goes, in order; as many retries as entries.
    pub(crate) after: Vec<RetryAfter>,
}

/// When a retry is submitted, counted from the outcome it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryAfter {
    /// This long after.
    Wait(SimDuration),
    /// At the next Pacific midnight (when T-Mobile's daily cap resets).
    PacificMidnight,
}

impl Retry {
    /// When the retry after an attempt numbered `number` (0 the first) that
    /// ended with `outcome` at `t` is submitted, if it is retried.
    pub(crate) fn after(&self, outcome: Outcome, number: u32, t: SimTime, calendar: &Calendar) -> Option<SimTime> {
        if !self.on[outcome.index()] {
            return None;
        }
        Some(match self.after.get(number as usize)? {
            RetryAfter::Wait(d) => t + *d,
            RetryAfter::PacificMidnight => calendar.pacific_day(t).end,
        })
    }
}

impl Stream {
    /// The carrier for a uniform draw `u` in [0, 1).
    pub(crate) fn carrier_for(&self, u: f64) -> Carrier {
        carrier_for(&self.carriers, u)
    }
}

/// The carrier of a mix of `weights` for a uniform draw `u` in [0, 1): the
/// first whose running sum of weights passes `u`. The running sums never
/// decrease, so that carrier's place is the count of sums `u` reaches,
/// counted without a branch: the draw is random, so a branch per carrier
/// would mostly be mispredicted.
fn carrier_for(weights: &[f64; 4], u: f64) -> Carrier {
    let mut acc = 0.0;
    let reached = weights.map(|w| {
        acc += w;
        usize::from(u >= acc)
    });
    match Carrier::ALL.get(reached.iter().sum::<usize>()) {
        Some(&c) => c,
        // Rounding can leave the sum a hair under 1: the last carrier with weight.
        None => *Carrier::ALL.iter().rev().find(|c| weights[c.index()] > 0.0).unwrap_or(&Carrier::Other),
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct CarrierSettings {
    /// Probability that a dispatched message is not delivered (still charged).
    pub(crate) undelivered: f64,
    /// Surcharge per segment, by [`Class::index`].
    pub(crate) surcharge: [Money; 2],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Prices {
    /// Per segment, by [`NumberType::index`] then [`Class::index`].
    pub(crate) per_segment: [[Money; 2]; 3],
    pub(crate) charge_failed_daily_cap: bool,
    pub(crate) charge_blocked: bool,
}

impl Scenario {
    /// Its traffic streams, in file order (a [`crate::engine::Fate`]'s `stream` indexes them).
    pub fn traffic(&self) -> &[Stream] {
        &self.traffic
    }

    /// Its senders, in file order.
    pub fn senders(&self) -> &[Sender] {
        &self.senders
    }

    /// The instant the run stops, if it has a horizon.
    pub(crate) fn end(&self) -> SimTime {
        self.horizon.map_or(SimTime::NEVER, |h| SimTime::ZERO + h)
    }

    /// About how many messages one replication accepts (the mean for random
    /// arrivals); `None` when a stream is unbounded.
    pub fn expected_messages(&self) -> Option<u64> {
        self.traffic.iter().try_fold(0u64, |n, t| Some(n.saturating_add(t.arrival.expected_messages(self.end())?)))
    }
}

/// The default carrier mix (*assumption*).
pub(crate) const DEFAULT_MIX: [f64; 4] = [0.34, 0.34, 0.28, 0.04];

/// Example prices (USD per segment), marked as examples in the README.
pub(crate) const DEFAULT_PRICES: [[u64; 2]; 3] = [
    // long code: SMS, MMS
    [5_500_000, 15_000_000],
    // toll-free
    [5_800_000, 16_000_000],
    // short code
    [6_000_000, 15_500_000],
];

/// Example carrier surcharges (USD per segment): SMS, MMS.
pub(crate) const DEFAULT_SURCHARGES: [[u64; 2]; 4] = [
    [3_000_000, 5_000_000], // AT&T
    [3_000_000, 5_000_000], // T-Mobile
    [3_020_000, 5_300_000], // Verizon
    [2_500_000, 5_000_000], // other
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The first carrier whose running sum passes the draw: a carrier of
    /// weight zero is never drawn, a draw on a boundary goes to the next
    /// carrier with weight, and one past a sum rounded under 1 to the last.
    #[test]
    fn a_draw_picks_the_first_carrier_whose_running_sum_passes_it() {
        let mix = [0.25, 0.0, 0.5, 0.25];
        let picks = [0.0, 0.2499, 0.25, 0.7499, 0.75, 0.9999].map(|u| carrier_for(&mix, u));
        use Carrier::*;
        assert_eq!(picks, [Att, Att, Verizon, Verizon, Other, Other]);
        assert_eq!(carrier_for(&[0.0, 1.0, 0.0, 0.0], 0.0), TMobile);
        let short = [0.3, 0.3, 0.399_999_9, 0.0];
        assert_eq!(carrier_for(&short, 0.999_999_95), Verizon);
    }
}
