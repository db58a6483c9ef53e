//! The scenario format as data: every table, its keys and what each takes.
//! The loader takes its lists of allowed keys from here, and `a2psim
//! schema` turns it into a JSON Schema, so the two cannot drift apart.

/// What a key takes.
// What a kind takes and the README sections are read by the JSON Schema,
// which comes with reports.
#[cfg_attr(not(feature = "report"), allow(dead_code))]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// Any string.
    Text,
    /// A string of this pattern (an ECMA-262 regular expression).
    Pattern(&'static str),
    /// An id or a stream's name: up to `MAX_NAME_CHARS` characters, none of
    /// them control or invisible, with no space at either end.
    Name,
    /// true or false.
    Bool,
    /// A whole number in this range.
    Whole(u64, u64),
    /// A number (a share of a mix).
    Number,
    /// A number from 0 to 1 (or its text).
    Fraction,
    /// US dollars (a number, or its text).
    Usd,
    /// A duration string or a number of seconds.
    Duration,
    /// A rate string or a bare number.
    Rate,
    /// An offset from `start` or an RFC 3339 instant.
    Instant,
    /// An RFC 3339 instant with its offset (or RFC 9557 with its zone): `start`.
    Start,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// true, false or one of these strings (`log`).
    BoolOr(&'static [&'static str]),
    /// A table of these keys.
    Table(&'static Section),
    /// An array of tables of these keys.
    Tables(&'static Section),
    /// A table whose `tag` key picks which keys the rest may be.
    Tagged(&'static Tagged),
    /// An array of values of a kind, with at least and at most so many.
    List(&'static Kind, usize, usize),
    /// One of several kinds.
    Either(&'static [Kind]),
    /// A sweep: paths to arrays of values.
    Sweep,
    /// A path into the scenario, as `[sweep]` and `[plan]` take.
    Path,
    /// A path into `summary.json`.
    Metric,
    /// Any table (a sweep point's values).
    AnyTable,
    /// Any value (a plan's candidates, as the varied key takes).
    Any,
}

/// One key of a table.
#[cfg_attr(not(feature = "report"), allow(dead_code))]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
}

/// A table: its keys, and the README section documenting them.
#[cfg_attr(not(feature = "report"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Section {
    /// The README heading (`[[senders]]`), or the key documenting it.
    pub(crate) doc: &'static str,
    pub(crate) keys: &'static [Key],
}

/// A table whose `tag` picks its variant (an arrival's `process`, a
/// delay's `dist`).
#[cfg_attr(not(feature = "report"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Tagged {
    pub(crate) doc: &'static str,
    pub(crate) tag: &'static str,
    pub(crate) variants: &'static [(&'static str, &'static [Key])],
}

impl Section {
    /// Its keys' names, as the loader checks them.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|k| k.name).collect()
    }
}

impl Tagged {
    /// The keys of variant `tag` (its tag included), if it is one.
    pub(crate) fn names(&self, tag: &str) -> Option<Vec<&'static str>> {
        let (_, keys) = self.variants.iter().find(|(t, _)| *t == tag)?;
        Some(std::iter::once(self.tag).chain(keys.iter().map(|k| k.name)).collect())
    }

    /// Every key any variant takes, the tag first.
    pub(crate) fn all_names(&self) -> Vec<&'static str> {
        let mut out = vec![self.tag];
        for k in self.variants.iter().flat_map(|(_, keys)| keys.iter()) {
            if !out.contains(&k.name) {
                out.push(k.name);
            }
        }
        out
    }
}

const fn key(name: &'static str, kind: Kind) -> Key {
    Key { name, kind, required: false }
}

const fn needed(name: &'static str, kind: Kind) -> Key {
    Key { name, kind, required: true }
}

const SHAPE: Kind = Kind::Choice(&["window", "smooth"]);
const UNIT: Kind = Kind::Choice(&["messages", "segments"]);
const BURST: Kind = Kind::Whole(1, 1_000_000);
const OUTCOMES_RETRIED: Kind = Kind::Choice(&["expired", "undelivered", "failed_daily_cap", "rejected"]);

pub(crate) const ACCOUNT: Section = Section {
    doc: "[account]",
    keys: &[
        key("sms_mps", Kind::Rate),
        key("mms_mps", Kind::Rate),
        key("shape", SHAPE),
        key("burst", BURST),
        key("unit", UNIT),
    ],
};

pub(crate) const BRANDS: Section = Section {
    doc: "[[brands]]",
    keys: &[
        needed("id", Kind::Name),
        needed("vetting_score", Kind::Whole(0, 100)),
        key("use_case", Kind::Choice(&["standard", "low_volume", "sole_proprietor"])),
        key("tpm", Kind::Rate),
        key("mms_tpm", Kind::Rate),
        key("tpd", Kind::Whole(1, u32::MAX as u64)),
        key("shape", SHAPE),
        key("burst", BURST),
        key("tpm_unit", UNIT),
        key("tpd_unit", UNIT),
    ],
};

pub(crate) const SENDERS: Section = Section {
    doc: "[[senders]]",
    keys: &[
        needed("id", Kind::Name),
        needed("type", Kind::Choice(&["long_code", "toll_free", "short_code"])),
        key("country", Kind::Pattern("^[A-Z]{2}$")),
        key("brand", Kind::Name),
        key("numbers", Kind::Whole(1, 100_000)),
        key("verified", Kind::Bool),
        key("classes", Kind::List(&Kind::Choice(&["sms", "mms"]), 0, 2)),
        key("sms_rate", Kind::Rate),
        key("mms_rate", Kind::Rate),
        key("shape", SHAPE),
        key("burst", BURST),
        key("unit", UNIT),
    ],
};

/// A window of a rate-driven process.
const WINDOW: [Key; 3] =
    [key("from", Kind::Instant), key("until", Kind::Instant), key("count", Kind::Whole(1, u64::MAX))];

pub(crate) const ARRIVAL: Tagged = Tagged {
    doc: "arrival",
    tag: "process",
    variants: &[
        ("constant", &[needed("rate", Kind::Rate), WINDOW[0], WINDOW[1], WINDOW[2]]),
        ("poisson", &[needed("rate", Kind::Rate), WINDOW[0], WINDOW[1], WINDOW[2]]),
        (
            "burst",
            &[
                key("count", Kind::Whole(1, 10_000_000)),
                key("at", Kind::Instant),
                key("spread", Kind::Duration),
                key("dst", Kind::Pattern(r"^\+?[1-9][0-9]{7,14}(<\+?[1-9][0-9]{7,14})*$")),
            ],
        ),
        (
            "profile",
            &[
                needed("rates", Kind::List(&Kind::Either(&[Kind::Rate, Kind::Whole(0, 0)]), 24, 24)),
                WINDOW[0],
                WINDOW[1],
                WINDOW[2],
            ],
        ),
        (
            "trace",
            &[
                needed("file", Kind::Text),
                key("format", Kind::Choice(&["times", "mdr"])),
                key("stream", Kind::Text),
                key("replication", Kind::Whole(1, 100_000)),
                key("from", Kind::Instant),
            ],
        ),
    ],
};

pub(crate) const RETRY: Section = Section {
    doc: "retry",
    keys: &[
        needed("on", Kind::List(&OUTCOMES_RETRIED, 1, 4)),
        needed("after", Kind::List(&Kind::Either(&[Kind::Duration, Kind::Choice(&["pacific_midnight"])]), 1, 100)),
    ],
};

pub(crate) const MIX: Section = Section {
    doc: "carriers",
    keys: &[
        key("att", Kind::Number),
        key("tmobile", Kind::Number),
        key("verizon", Kind::Number),
        key("other", Kind::Number),
    ],
};

pub(crate) const TRAFFIC: Section = Section {
    doc: "[[traffic]]",
    keys: &[
        needed("name", Kind::Name),
        needed("sender", Kind::Name),
        key("class", Kind::Choice(&["sms", "mms"])),
        key("kind", Kind::Choice(&["otp", "transactional", "promotional"])),
        key("message_expiry", Kind::Duration),
        key("useful_life", Kind::Duration),
        key("text", Kind::Text),
        key("segments", Kind::Whole(1, 255)),
        needed("arrival", Kind::Tagged(&ARRIVAL)),
        key("carriers", Kind::Table(&MIX)),
        key("pace", Kind::Rate),
        key("retry", Kind::Table(&RETRY)),
        key("recipients", Kind::Whole(1, 1_000_000_000_000)),
        key("log", Kind::BoolOr(&["number_only", "content_only"])),
    ],
};

pub(crate) const INBOUND: Section = Section {
    doc: "[[inbound]]",
    keys: &[
        needed("name", Kind::Name),
        needed("country", Kind::Choice(&["US", "GB"])),
        needed("application", Kind::Text),
        key("log_incoming_messages", Kind::Bool),
        key("text", Kind::Text),
        key("numbers", Kind::Whole(1, 100_000)),
        key("contacts", Kind::Whole(1, u64::MAX)),
        needed("arrival", Kind::Tagged(&ARRIVAL)),
    ],
};

pub(crate) const OUTAGES: Section = Section {
    doc: "[[outages]]",
    keys: &[
        needed("scope", Kind::Pattern(r"^(platform|carrier:(att|tmobile|verizon|other)|sender:.+)$")),
        needed("start", Kind::Instant),
        key("duration", Kind::Duration),
        key("end", Kind::Instant),
        key("capacity", Kind::Fraction),
    ],
};

pub(crate) const DELAY: Tagged = Tagged {
    doc: "[delays]",
    tag: "dist",
    variants: &[
        ("fixed", &[needed("value", Kind::Duration)]),
        ("uniform", &[needed("low", Kind::Duration), needed("high", Kind::Duration)]),
        ("exponential", &[needed("mean", Kind::Duration)]),
        ("lognormal", &[needed("median", Kind::Duration), needed("p99", Kind::Duration)]),
    ],
};

pub(crate) const DELAYS: Section = Section {
    doc: "[delays]",
    keys: &[key("processing", Kind::Tagged(&DELAY)), key("delivery", Kind::Tagged(&DELAY))],
};

pub(crate) const CARRIER: Section = Section {
    doc: "[carriers.<att|tmobile|verizon|other>]",
    keys: &[key("undelivered", Kind::Fraction), key("surcharge_sms", Kind::Usd), key("surcharge_mms", Kind::Usd)],
};

pub(crate) const CARRIERS: Section = Section {
    doc: "[carriers.<att|tmobile|verizon|other>]",
    keys: &[
        key("att", Kind::Table(&CARRIER)),
        key("tmobile", Kind::Table(&CARRIER)),
        key("verizon", Kind::Table(&CARRIER)),
        key("other", Kind::Table(&CARRIER)),
    ],
};

pub(crate) const PRICES: Section = Section {
    doc: "[prices]",
    keys: &[
        key("long_code_sms", Kind::Usd),
        key("long_code_mms", Kind::Usd),
        key("toll_free_sms", Kind::Usd),
        key("toll_free_mms", Kind::Usd),
        key("short_code_sms", Kind::Usd),
        key("short_code_mms", Kind::Usd),
        key("charge_failed_daily_cap", Kind::Bool),
        key("charge_blocked", Kind::Bool),
    ],
};

pub(crate) const PROVIDER: Section = Section {
    doc: "[provider]",
    keys: &[
        key("preset", Kind::Choice(&["plivo", "twilio", "telnyx", "bandwidth"])),
        key("queue_max", Kind::Whole(1, u32::MAX as u64)),
        key("queue_scope", Kind::Choice(&["sender", "account"])),
    ],
};

const CODE: Kind = Kind::Whole(0, 99_999);

pub(crate) const ERROR_CODES: Section = Section {
    doc: "[error_codes]",
    keys: &[
        key("expired", CODE),
        key("failed_daily_cap", CODE),
        key("blocked", CODE),
        key("rejected", CODE),
        key("undelivered", CODE),
    ],
};

/// A candidate range of one path of a plan over several.
pub(crate) const PLAN_RANGE: Section = Section {
    doc: "[plan]",
    keys: &[
        needed("range", Kind::List(&Kind::Either(&[Kind::Number, Kind::Duration]), 2, 2)),
        key("step", Kind::Duration),
    ],
};

pub(crate) const PLAN: Section = Section {
    doc: "[plan]",
    keys: &[
        needed("vary", Kind::Either(&[Kind::Path, Kind::List(&Kind::Path, 1, usize::MAX)])),
        key("range", Kind::List(&Kind::Either(&[Kind::Number, Kind::Duration]), 2, 2)),
        key("step", Kind::Duration),
        key("options", Kind::List(&Kind::Any, 1, usize::MAX)),
        key("goal", Kind::Choice(&["least", "most"])),
        key("minimize", Kind::Either(&[Kind::Path, Kind::Text])),
    ],
};

pub(crate) const EXPECT: Section = Section {
    doc: "[[expect]]",
    keys: &[
        needed("metric", Kind::Metric),
        key("min", Kind::Number),
        key("max", Kind::Number),
        key("equals", Kind::Number),
        key("on", Kind::Choice(&["mean", "ci_low", "ci_high"])),
        key("point", Kind::AnyTable),
    ],
};

/// The top level of a scenario file.
pub(crate) const SCENARIO: Section = Section {
    doc: "Top level",
    keys: &[
        key("name", Kind::Text),
        needed("start", Kind::Start),
        key("timezone", Kind::Text),
        key("horizon", Kind::Duration),
        key("seed", Kind::Whole(0, u64::MAX)),
        key("replications", Kind::Whole(1, 100_000)),
        key("warmup", Kind::Duration),
        key("expiry_target", Kind::Fraction),
        key("sweep", Kind::Sweep),
        key("timeseries_step", Kind::Duration),
        key("account", Kind::Table(&ACCOUNT)),
        key("brands", Kind::Tables(&BRANDS)),
        key("senders", Kind::Tables(&SENDERS)),
        needed("traffic", Kind::Tables(&TRAFFIC)),
        key("inbound", Kind::Tables(&INBOUND)),
        key("outages", Kind::Tables(&OUTAGES)),
        key("delays", Kind::Table(&DELAYS)),
        key("carriers", Kind::Table(&CARRIERS)),
        key("prices", Kind::Table(&PRICES)),
        key("provider", Kind::Table(&PROVIDER)),
        key("error_codes", Kind::Table(&ERROR_CODES)),
        key("expect", Kind::Tables(&EXPECT)),
        key("plan", Kind::Table(&PLAN)),
    ],
};
