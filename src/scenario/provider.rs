//! What a provider does around the carriers' limits, beyond the source
//! document (MODEL §9): its queue limit, the `message_expiry` it allows and
//! the error codes it reports. Presets take each from the provider's public
//! documentation (README, *Provider presets*): examples, not promises.

use crate::scenario::model::{Outcome, Preset, QueueScope};
use crate::scenario::time::SimDuration;
use crate::scenario::{Brand, Limit, Sender, SenderLimit};
use std::ops::RangeInclusive;

/// A provider's cap on waiting messages: a message accepted when the most
/// its scope allows are already waiting (in processing or queued) is
/// rejected (`queue_full`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QueueLimit {
    pub(crate) scope: QueueScope,
    /// The most waiting: one per sender for [`QueueScope::Sender`], one in
    /// all for [`QueueScope::Account`].
    max: Vec<u64>,
}

impl QueueLimit {
    /// The same `max` for every sender (or the account) of `senders`.
    pub(crate) fn uniform(max: u64, scope: QueueScope, senders: usize) -> QueueLimit {
        QueueLimit { scope, max: vec![max; senders.max(1)] }
    }

    /// `hours` of each scope's SMS rate (MODEL §9: N = d × 3600 × rate,
    /// rounded down, at least 1).
    pub(crate) fn of_duration(d: SimDuration, scope: QueueScope, rates: &ScopeRates) -> QueueLimit {
        let n = |rate: f64| ((d.as_secs_f64() * rate).floor() as u64).max(1);
        let max = match scope {
            QueueScope::Sender => rates.senders.iter().map(|&r| n(r)).collect(),
            QueueScope::Account => vec![n(rates.account)],
        };
        QueueLimit { scope, max }
    }

    /// The most messages of `sender`'s scope that may wait.
    pub(crate) fn max_for(&self, sender: usize) -> u64 {
        match self.scope {
            QueueScope::Sender => self.max[sender],
            QueueScope::Account => self.max[0],
        }
    }
}

/// SMS messages per second the account, and each sender, can send: what a
/// queue of so many hours holds.
pub(crate) struct ScopeRates {
    account: f64,
    senders: Vec<f64>,
}

impl ScopeRates {
    /// A sender sends at most its numbers' SMS rates together (a 10DLC pool
    /// its brand's TPM to each of the four carriers), and never faster
    /// than the account.
    pub(crate) fn of(account: &Limit, senders: &[Sender], brands: &[Brand]) -> ScopeRates {
        let account = account.rate.per_sec_f64();
        let sender = |s: &Sender| {
            let own = match &s.limits[0] {
                SenderLimit::PerNumber(l) => f64::from(s.numbers) * l.rate.per_sec_f64(),
                SenderLimit::PerCarrier(l) => 4.0 * f64::from(s.numbers) * l.rate.per_sec_f64(),
                SenderLimit::BrandTpm => s.brand.map_or(account, |b| 4.0 * brands[b].tpm.rate.per_sec_f64()),
                SenderLimit::Refused => account,
            };
            own.min(account)
        };
        ScopeRates { account, senders: senders.iter().map(sender).collect() }
    }
}

/// What a preset sets.
pub(crate) struct Rules {
    /// Its queue: this long at the scope's rate.
    pub(crate) queue: Option<(SimDuration, QueueScope)>,
    /// The `message_expiry` it accepts, and its default.
    pub(crate) expiry: RangeInclusive<SimDuration>,
    pub(crate) default_expiry: SimDuration,
    /// The error code it reports per outcome, by [`Outcome::index`].
    pub(crate) codes: [Option<u32>; 8],
}

impl Preset {
    /// The preset's rules, from the provider's public documentation.
    pub(crate) fn rules(self) -> Rules {
        let secs = SimDuration::from_secs;
        let codes = |pairs: &[(Outcome, u32)]| {
            let mut codes = [None; 8];
            for &(o, code) in pairs {
                codes[o.index()] = Some(code);
            }
            codes
        };
        use Outcome::{Blocked, Expired, FailedDailyCap, Rejected, Undelivered};
        match self {
            // The source document: 5 s to 3 h, 3 h by default, code 420; no
            // queue limit (messages over a limit are queued, never dropped).
            Preset::Plivo => Rules {
                queue: None,
                expiry: secs(5)..=secs(10_800),
                default_expiry: secs(10_800),
                codes: codes(&[(Expired, 420)]),
            },
            // 10 hours queued per From number, then 30001 (queue overflow);
            // ValidityPeriod 1 to 36,000 s, default 36,000.
            Preset::Twilio => Rules {
                queue: Some((secs(36_000), QueueScope::Sender)),
                expiry: secs(1)..=secs(36_000),
                default_expiry: secs(36_000),
                codes: codes(&[(Expired, 30036), (Blocked, 30032), (Rejected, 30001), (Undelivered, 30003)]),
            },
            // More than 4 hours queued is rejected (40318, queue full); no
            // documented validity range: *assumption*, up to its 4 hours.
            Preset::Telnyx => Rules {
                queue: Some((secs(14_400), QueueScope::Sender)),
                expiry: secs(1)..=secs(14_400),
                default_expiry: secs(14_400),
                codes: codes(&[(Expired, 40014), (Rejected, 40318), (Undelivered, 40008)]),
            },
            // A 15-minute queue across the account by default; `expiration`
            // has no documented maximum: *assumption*, up to a day.
            Preset::Bandwidth => Rules {
                queue: Some((secs(900), QueueScope::Account)),
                expiry: secs(1)..=secs(86_400),
                default_expiry: secs(86_400),
                codes: codes(&[(Expired, 4360), (FailedDailyCap, 4780), (Blocked, 4795), (Undelivered, 5650)]),
            },
        }
    }
}
