//! A validated scenario: typed values the engine runs. Reading one from a
//! file lives in [`crate::load`].

pub mod calendar;
pub mod delay;
pub mod limits;
pub mod model;
pub mod outage;
pub mod rate;
pub mod rng;
pub mod segments;
pub mod time;
pub mod traffic;

use crate::scenario::calendar::Calendar;
use crate::scenario::delay::Delay;
use crate::scenario::limits::NumberLimit;
use crate::scenario::model::{Carrier, Class, Country, Kind, NumberType, Outcome, Shape, Unit, UseCase};
use crate::scenario::outage::Outage;
use crate::scenario::rate::Rate;
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::Arrival;

/// Money in billionths of a US dollar, so sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Money(pub u64);

impl Money {
    pub fn usd(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

/// How one limit behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub rate: Rate,
    pub shape: Shape,
    /// Burst size of a smooth limiter (default 1).
    pub burst: u64,
    pub unit: Unit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub calendar: Calendar,
    /// Ends the run; `None` runs until every message is resolved.
    pub horizon: Option<SimDuration>,
    pub seed: u64,
    pub replications: u32,
    /// Account limits, indexed by [`Class::index`].
    pub account: [Limit; 2],
    pub brands: Vec<Brand>,
    pub senders: Vec<Sender>,
    pub traffic: Vec<Stream>,
    pub outages: Vec<Outage>,
    pub processing: Delay,
    pub delivery: Delay,
    /// Indexed by [`Carrier::index`].
    pub carriers: [CarrierSettings; 4],
    pub prices: Prices,
    /// Width of a `timeseries.csv` row.
    pub timeseries_step: SimDuration,
    /// Messages accepted before `start + warmup` are simulated but left out
    /// of the statistics (not of the time series).
    pub warmup: SimDuration,
    /// Highest acceptable expiry (and lateness) rate when advising on
    /// `message_expiry` from a sweep.
    pub expiry_target: f64,
    /// Provider error code reported per outcome, by [`Outcome::index`]:
    /// `expired` is 420; the source gives none for the others.
    pub error_codes: [Option<u32>; 8],
}

#[derive(Clone, Debug, PartialEq)]
pub struct Brand {
    pub id: String,
    pub vetting_score: u8,
    pub use_case: UseCase,
    /// SMS throughput per carrier (segments by default).
    pub tpm: Limit,
    /// T-Mobile's daily cap.
    pub tpd: u64,
    pub tpd_unit: Unit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sender {
    pub id: String,
    pub number_type: NumberType,
    pub country: Country,
    /// Index into [`Scenario::brands`]; a US long code (10DLC) has one.
    pub brand: Option<usize>,
    pub numbers: u32,
    pub verified: bool,
    /// Per class: the number's own limit, with shape and unit resolved.
    pub limits: [SenderLimit; 2],
}

/// A sender number's limit for one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SenderLimit {
    PerNumber(Limit),
    PerCarrier(Limit),
    BrandTpm,
    /// Refused at acceptance: unsupported, or forbidden by the sender's configuration.
    Refused,
}

impl SenderLimit {
    pub fn from_table(limit: NumberLimit, shape: Shape, burst: u64, unit: Unit) -> SenderLimit {
        let make = |rate| Limit { rate, shape, burst, unit };
        match limit {
            NumberLimit::PerNumber(r) => SenderLimit::PerNumber(make(r)),
            NumberLimit::PerCarrier(r) => SenderLimit::PerCarrier(make(r)),
            NumberLimit::BrandTpm => SenderLimit::BrandTpm,
            NumberLimit::Unsupported => SenderLimit::Refused,
        }
    }
}

impl Sender {
    /// A US long code: limited by its brand's TPM and T-Mobile's daily cap.
    pub fn is_10dlc(&self) -> bool {
        self.country == Country::Us && self.number_type == NumberType::LongCode
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    pub name: String,
    /// Index into [`Scenario::senders`].
    pub sender: usize,
    pub class: Class,
    pub kind: Kind,
    pub message_expiry: SimDuration,
    pub useful_life: Option<SimDuration>,
    /// Segments per message (1 for MMS).
    pub segments: u32,
    /// Destination mix, indexed by [`Carrier::index`], summing to 1.
    pub carriers: [f64; 4],
    pub arrival: Arrival,
}

impl Stream {
    /// The carrier for a uniform draw `u` in [0, 1).
    pub fn carrier_for(&self, u: f64) -> Carrier {
        let mut acc = 0.0;
        for c in Carrier::ALL {
            acc += self.carriers[c.index()];
            if u < acc {
                return c;
            }
        }
        // Rounding can leave the sum a hair under 1: the last carrier with weight.
        *Carrier::ALL.iter().rev().find(|c| self.carriers[c.index()] > 0.0).unwrap_or(&Carrier::Other)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CarrierSettings {
    /// Probability that a dispatched message is not delivered (still charged).
    pub undelivered: f64,
    /// Surcharge per segment, by [`Class::index`].
    pub surcharge: [Money; 2],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    /// Per segment, by [`NumberType::index`] then [`Class::index`].
    pub per_segment: [[Money; 2]; 3],
    pub charge_failed_daily_cap: bool,
    pub charge_blocked: bool,
}

impl Scenario {
    /// The instant the run stops, if it has a horizon.
    pub fn end(&self) -> SimTime {
        self.horizon.map_or(SimTime::NEVER, |h| SimTime::ZERO + h)
    }

    /// About how many messages one replication accepts (see
    /// [`Arrival::expected_messages`]); `None` when a stream is unbounded.
    pub fn expected_messages(&self) -> Option<u64> {
        self.traffic.iter().try_fold(0u64, |n, t| Some(n.saturating_add(t.arrival.expected_messages(self.end())?)))
    }
}

/// The default carrier mix (*assumption*).
pub const DEFAULT_MIX: [f64; 4] = [0.34, 0.34, 0.28, 0.04];

/// Example prices (USD per segment), marked as examples in the README.
pub const DEFAULT_PRICES: [[u64; 2]; 3] = [
    // long code: SMS, MMS
    [5_500_000, 15_000_000],
    // toll-free
    [5_800_000, 16_000_000],
    // short code
    [6_000_000, 15_500_000],
];

/// Example carrier surcharges (USD per segment): SMS, MMS.
pub const DEFAULT_SURCHARGES: [[u64; 2]; 4] = [
    [3_000_000, 5_000_000], // AT&T
    [3_000_000, 5_000_000], // T-Mobile
    [3_020_000, 5_300_000], // Verizon
    [2_500_000, 5_000_000], // other
];

/// Error codes by outcome when a scenario sets none: 420 for `expired`.
pub fn default_error_codes() -> [Option<u32>; 8] {
    let mut codes = [None; 8];
    codes[Outcome::Expired.index()] = Some(420);
    codes
}
