//! `[[traffic]]`: the message streams, each with its sender, class, expiry,
//! segments and carrier mix.

use super::Ids;
use crate::load::spec;
use crate::load::{Quote, Reader, Tbl, Value, did_you_mean};
use crate::scenario::calendar::Calendar;
use crate::scenario::model::{Carrier, Class, Country, Kind, LogPreference};
use crate::scenario::phone::Destinations;
use crate::scenario::provider::Rules;
use crate::scenario::segments;
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::Arrival;
use crate::scenario::{DEFAULT_MIX, Sender, Stream};
use std::collections::BTreeSet;
use toml::de::DeValue;

/// Messages of one stream past which a warning says the run will be long:
/// a billion take several minutes, so more were probably not meant.
const MANY: u64 = 1_000_000_000;

/// Most distinct recipients of one stream: more than any country's numbers.
const MAX_RECIPIENTS: u64 = 1_000_000_000_000;

/// Every message to `other`: the destination mix outside the US.
const OTHER_ONLY: [f64; 4] = [0.0, 0.0, 0.0, 1.0];

impl Reader<'_> {
    /// Warns when the arrival `v` of table `t` would bring more than [`MANY`]
    /// messages before the horizon: a run of hours, probably not meant.
    pub(super) fn warn_many(&mut self, t: &Tbl, v: &Value, arrival: &Arrival, horizon: Option<SimDuration>) {
        let end = horizon.map_or(SimTime::NEVER, |h| SimTime::ZERO + h);
        if let Some(n) = arrival.expected_messages(end).filter(|&n| n > MANY) {
            let why = format!(
                "`{}`: about {n} messages, which take hours to simulate (a few million a second): lower its rate or give it a `count`, an `until` or a shorter `horizon` if that was not meant",
                t.path("arrival")
            );
            self.warn(v.span(), why);
        }
    }

    pub(super) fn traffic(
        &mut self,
        root: &Tbl,
        senders: &[Sender],
        cal: &Calendar,
        horizon: Option<SimDuration>,
        provider: &Rules,
    ) -> Vec<Stream> {
        let items = self.tables(root, "traffic");
        if items.is_empty() && root.get("traffic").is_none() {
            self.missing(root, "traffic", "at least one [[traffic]] stream");
        }
        let mut out: Vec<Stream> = Vec::new();
        let mut taken = BTreeSet::new();
        let sender_ids = Ids::new(senders.iter().map(|x| x.id.as_str()));
        for (i, v) in items.into_iter().enumerate() {
            let Some((t, name)) = self.named_table(v, "traffic", i, "name", &spec::TRAFFIC.names(), &taken) else {
                continue;
            };
            let sender = self.reference(&t, "sender", "senders", &sender_ids);
            if t.get("sender").is_none() {
                self.missing(&t, "sender", "the id of a [[senders]] table");
            }
            let class = self.choice(&t, "class", &Class::ALL, Class::name).unwrap_or(Class::Sms);
            let kind = self.choice(&t, "kind", &Kind::ALL, Kind::name).unwrap_or(Kind::Transactional);
            let message_expiry = self.message_expiry(&t, provider);
            let useful_life = self.duration(&t, "useful_life");
            let (segments, text) = self.stream_segments(&t, class);
            let log = self.log_preference(&t);
            // The default mix is of US carriers: elsewhere, all are `other`.
            let abroad = sender.is_some_and(|i| senders[i].country != Country::US);
            let default = if abroad { OTHER_ONLY } else { DEFAULT_MIX };
            let carriers = self.mix(&t, default);
            if let Some(i) = sender.filter(|&i| senders[i].unrated[class.index()]) {
                let why = format!(
                    "sender `{}` ({}) has no `{}_rate`: the source gives limits for US and Canadian numbers only",
                    senders[i].id,
                    senders[i].country,
                    class.name()
                );
                self.invalid(&t, "sender", t.get("sender").expect("read"), why);
            }
            let pace = self.rate(&t, "pace", SimDuration::from_secs(1));
            let retry = self.retry(&t, horizon);
            let (arrival, listed) = match t.get("arrival") {
                Some(v) => {
                    // A horizon given but refused counts as given: its own error says why.
                    let parsed = self.arrival(v, &t, cal, root.get("horizon").is_some());
                    if let Some((a, _)) = &parsed {
                        self.warn_many(&t, v, a, horizon);
                    }
                    parsed.map_or((None, None), |(a, l)| (Some(a), l))
                }
                None => {
                    self.missing(
                        &t,
                        "arrival",
                        "an arrival process, e.g. { process = \"poisson\", rate = \"2/s\", until = \"1h\" }",
                    );
                    (None, None)
                }
            };
            if let (Some(list), Some(i)) = (&listed, sender) {
                let country = senders[i].country;
                if let Some(a) = list.iter().find(|a| !a.has_calling_code(country.calling_code())) {
                    let what = if country.calling_code() == 1 {
                        "+1 and ten digits".to_string()
                    } else {
                        format!("+{} and the national number", country.calling_code())
                    };
                    let why = format!(
                        "destination {a} is not a {country} number ({what}): a message goes to its sender's country"
                    );
                    self.invalid(&t, "arrival", t.get("arrival").expect("read"), why);
                }
            }
            let recipients = self.int(&t, "recipients", 1..=MAX_RECIPIENTS);
            let destinations = match (recipients, listed) {
                (Some(n), None) => Destinations::Drawn(n),
                (None, Some(list)) => Destinations::Listed(list),
                (None, None) => Destinations::Own,
                (Some(_), Some(list)) => {
                    let v = t.get("recipients").expect("read");
                    self.invalid(
                        &t,
                        "recipients",
                        v,
                        "the arrival lists its destinations (`dst`): give one or the other".into(),
                    );
                    Destinations::Listed(list)
                }
            };
            if let (Some(sender), Some(arrival)) = (sender, arrival) {
                taken.insert(name.clone());
                out.push(Stream {
                    name,
                    sender,
                    class,
                    kind,
                    message_expiry,
                    useful_life,
                    segments,
                    carriers,
                    arrival,
                    pace,
                    retry,
                    text,
                    destinations,
                    log,
                });
            }
        }
        out
    }

    /// A stream's `message_expiry`: within the provider's range (5 seconds
    /// to 3 hours by default), its default if not given.
    fn message_expiry(&mut self, t: &Tbl, provider: &Rules) -> SimDuration {
        let message_expiry = self.duration(t, "message_expiry").unwrap_or(provider.default_expiry);
        if let Some(v) = t.get("message_expiry") {
            let ok = &provider.expiry;
            if !ok.contains(&message_expiry) {
                let (low, high) = (ok.start(), ok.end());
                let why = format!(
                    "expected from {low} to {high} ({} s), found {message_expiry}",
                    high.as_nanos() / 1_000_000_000
                );
                self.invalid(t, "message_expiry", v, why);
            }
        }
        message_expiry
    }

    /// How many segments a stream's messages have: counted from its `text`,
    /// given as `segments`, or 1 (always 1 for MMS); and the text.
    fn stream_segments(&mut self, t: &Tbl, class: Class) -> (u32, Option<String>) {
        let text = self.string(t, "text");
        let counted = self.int(t, "segments", 1..=255).map(|n| n as u32);
        if let (Some(_), Some(v)) = (text, t.get("segments")) {
            self.invalid(t, "segments", v, "give either `text` or `segments`, not both".into());
        }
        let from_text = text.map(|s| segments::count(s).1);
        if let (Some(n), Some(v)) = (from_text, t.get("text"))
            && n > 255
        {
            self.invalid(t, "text", v, format!("is {n} segments long; a message has at most 255 (as `segments`)"));
        }
        let segments = match class {
            Class::Mms => 1,
            Class::Sms => counted.or(from_text.map(|n| n.min(255))).unwrap_or(1),
        };
        (segments, text.map(str::to_string))
    }

    /// A stream's `log`: true, false, "number_only" or "content_only" (default true).
    fn log_preference(&mut self, t: &Tbl) -> LogPreference {
        const EXPECTED: &str = "true, false, \"number_only\" or \"content_only\"";
        let Some(v) = t.get("log") else { return LogPreference::Both };
        match v.get_ref() {
            DeValue::Boolean(true) => LogPreference::Both,
            DeValue::Boolean(false) => LogPreference::Neither,
            DeValue::String(s) => match LogPreference::from_name(s) {
                Some(p @ (LogPreference::NumberOnly | LogPreference::ContentOnly)) => p,
                _ => {
                    let hint = did_you_mean(s, &["number_only", "content_only"], Quote::Value);
                    let quoted = if matches!(s.as_ref(), "true" | "false") { " (write it without quotes)" } else { "" };
                    self.invalid(t, "log", v, format!("expected {EXPECTED}, found \"{s}\"{quoted}{hint}"));
                    LogPreference::Both
                }
            },
            _ => {
                self.wrong(t, "log", v, EXPECTED);
                LogPreference::Both
            }
        }
    }

    /// A stream's `carriers` shares, or `default`.
    fn mix(&mut self, t: &Tbl, default: [f64; 4]) -> [f64; 4] {
        let Some(v) = t.get("carriers") else {
            return default;
        };
        let Some(m) = self.table(v, t.path("carriers"), &spec::MIX.names()) else {
            return default;
        };
        let mut mix = [0.0; 4];
        for c in Carrier::ALL {
            if let Some(x) = self.float(&m, c.name()) {
                if x < 0.0 {
                    self.invalid(
                        &m,
                        c.name(),
                        m.get(c.name()).expect("read"),
                        format!("a share cannot be negative, found {x}"),
                    );
                }
                mix[c.index()] = x;
            }
        }
        let sum: f64 = mix.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            self.error(v.span(), format!("`{}`: the shares must sum to 1, they sum to {sum}", m.name));
        }
        mix
    }
}
