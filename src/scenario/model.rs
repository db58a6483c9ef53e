//! The closed sets of the domain: carriers, classes, number types, outcomes.

use std::fmt;

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* #[doc = concat!("`", $text, "` in scenario files and reports.")] $variant),+ }

        impl $name {
            /// Every value, in report order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];
            /// The name used in scenario files and reports.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the name used in scenario files.
            pub fn from_name(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
            /// Position in [`Self::ALL`], for dense tables.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

named_enum!(
    /// Destination carrier. `Other` stands for every small carrier together.
    Carrier { Att = "att", TMobile = "tmobile", Verizon = "verizon", Other = "other" }
);
named_enum!(
    /// Message class.
    Class { Sms = "sms", Mms = "mms" }
);
named_enum!(
    /// Kind of sender number.
    NumberType { LongCode = "long_code", TollFree = "toll_free", ShortCode = "short_code" }
);
pub use super::country::Country;
named_enum!(
    /// What a stream's detail records keep (the send API's `log`): the
    /// destination number, the content, both or neither.
    LogPreference { Both = "true", Neither = "false", NumberOnly = "number_only", ContentOnly = "content_only" }
);

impl LogPreference {
    /// Whether the destination number is kept whole (else redacted).
    pub fn keeps_number(self) -> bool {
        matches!(self, LogPreference::Both | LogPreference::NumberOnly)
    }

    /// Whether the content is kept (else redacted).
    pub fn keeps_content(self) -> bool {
        matches!(self, LogPreference::Both | LogPreference::ContentOnly)
    }
}

named_enum!(
    /// What the traffic is for; drives the advice on `message_expiry`.
    Kind { Otp = "otp", Transactional = "transactional", Promotional = "promotional" }
);
named_enum!(
    /// A provider whose documented rules a scenario takes (MODEL §9).
    Preset { Plivo = "plivo", Twilio = "twilio", Telnyx = "telnyx", Bandwidth = "bandwidth" }
);
named_enum!(
    /// Whose waiting messages a provider queue limit counts.
    QueueScope { Sender = "sender", Account = "account" }
);
named_enum!(
    /// 10DLC use case of a brand.
    UseCase { Standard = "standard", LowVolume = "low_volume", SoleProprietor = "sole_proprietor" }
);
named_enum!(
    /// Limiter shape.
    Shape {
        /// Capacity C per fixed window of length L aligned to the scenario start.
        Window = "window",
        /// Evenly spaced slots (GCRA) with a burst allowance.
        Smooth = "smooth",
    }
);
named_enum!(
    /// What a limit counts.
    Unit { Messages = "messages", Segments = "segments" }
);
named_enum!(
    /// How a message ends. Exactly one per accepted message.
    Outcome {
        Delivered = "delivered",
        Undelivered = "undelivered",
        Expired = "expired",
        FailedDailyCap = "failed_daily_cap",
        Blocked = "blocked",
        Rejected = "rejected",
        QueuedAtEnd = "queued_at_end",
        InFlightAtEnd = "in_flight_at_end",
    }
);

named_enum!(
    /// Which statistic of a figure an expectation reads, with replications.
    On { Mean = "mean", CiLow = "ci_low", CiHigh = "ci_high" }
);

impl Outcome {
    /// Handed to the carrier, so it counts in `queue_wait_s`: an
    /// `in_flight_at_end` message too, whose dispatch instant is known.
    pub fn was_dispatched(self) -> bool {
        matches!(self, Outcome::Delivered | Outcome::Undelivered | Outcome::FailedDailyCap | Outcome::InFlightAtEnd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Carrier::ALL {
            assert_eq!(Carrier::from_name(c.name()), Some(c));
        }
        assert_eq!(Outcome::from_name("failed_daily_cap"), Some(Outcome::FailedDailyCap));
        assert_eq!(Carrier::Verizon.index(), 2);
    }
}
