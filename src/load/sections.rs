//! The sections of a scenario file, each read into its typed part.

use super::sweep::Parameter;
use super::values::{self, Decimal};
use super::{Expect, Reader, Tbl, Value, did_you_mean, type_name};
use crate::scenario::calendar::Calendar;
use crate::scenario::delay::Delay;
use crate::scenario::limits::{brand_tpm, number_limit, tmobile_tpd};
use crate::scenario::model::{Carrier, Class, Country, Kind, NumberType, Outcome, Shape, Unit, UseCase};
use crate::scenario::outage::{Outage, Scope};
use crate::scenario::rate::{Rate, Scale};
use crate::scenario::segments;
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::{Arrival, Window};
use crate::scenario::{
    Brand, CarrierSettings, DEFAULT_MIX, DEFAULT_PRICES, DEFAULT_SURCHARGES, Limit, Money, Prices, Scenario, Sender,
    SenderLimit, Stream, default_error_codes,
};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

const TOP_KEYS: &[&str] = &[
    "name",
    "start",
    "horizon",
    "seed",
    "replications",
    "warmup",
    "expiry_target",
    "sweep",
    "timeseries_step",
    "account",
    "brands",
    "senders",
    "traffic",
    "outages",
    "delays",
    "carriers",
    "prices",
    "error_codes",
    "expect",
];

/// Outcomes whose provider code `[error_codes]` may set.
const ERROR_CODE_OUTCOMES: [Outcome; 5] =
    [Outcome::Expired, Outcome::FailedDailyCap, Outcome::Blocked, Outcome::Rejected, Outcome::Undelivered];

impl Reader<'_> {
    pub(super) fn scenario(&mut self, root: &Tbl, stem: &str) -> Option<(Scenario, Vec<Expect>)> {
        self.check_keys(root, TOP_KEYS);
        let name = self.string(root, "name").unwrap_or(stem).to_string();
        let start = self.start(root);
        let calendar = start.clone().unwrap_or_else(|| Calendar::new(jiff::Timestamp::UNIX_EPOCH));
        let horizon = self.duration(root, "horizon");
        if let (Some(h), Some(v)) = (horizon, root.get("horizon")) {
            if h == SimDuration::ZERO {
                self.invalid(root, "horizon", v, "must be longer than zero".into());
            }
        }
        let seed = self.int(root, "seed", 0..=u64::MAX).unwrap_or(0);
        let replications = self.int(root, "replications", 1..=100_000).unwrap_or(1) as u32;
        let timeseries_step = self.duration(root, "timeseries_step").unwrap_or(SimDuration::from_secs(60));
        if timeseries_step == SimDuration::ZERO {
            if let Some(v) = root.get("timeseries_step") {
                self.invalid(root, "timeseries_step", v, "must be longer than zero".into());
            }
        }
        let warmup = self.duration(root, "warmup").unwrap_or(SimDuration::ZERO);
        let expiry_target = self.fraction(root, "expiry_target").map_or(0.01, |f| f.as_f64());
        let account = self.account(root);
        let brands = self.brands(root);
        let senders = self.senders(root, &brands);
        let traffic = self.traffic(root, &senders, &calendar, horizon.is_some());
        let outages = self.outages(root, &senders, &calendar);
        let (processing, delivery) = self.delays(root);
        let carriers = self.carriers(root);
        let prices = self.prices(root);
        let expects = self.expects(root);
        let error_codes = self.codes(root);
        self.outage_warnings(&senders, &traffic, &outages, root);
        start?;
        Some((
            Scenario {
                name,
                calendar,
                horizon,
                seed,
                replications,
                account,
                brands,
                senders,
                traffic,
                outages,
                processing,
                delivery,
                carriers,
                prices,
                timeseries_step,
                warmup,
                expiry_target,
                error_codes,
            },
            expects,
        ))
    }

    /// The `[sweep]` table: dotted paths (quoted keys, or nested tables) to
    /// arrays of values.
    pub(super) fn sweep(&mut self, root: &Tbl) -> Vec<Parameter> {
        let Some(v) = root.get("sweep") else { return Vec::new() };
        let DeValue::Table(table) = v.get_ref() else {
            self.wrong(root, "sweep", v, "a table of paths to arrays of values");
            return Vec::new();
        };
        let mut out = Vec::new();
        self.sweep_entries(table, "", &mut out);
        if out.is_empty() {
            self.error(
                v.span(),
                "`sweep`: name at least one parameter, e.g. \"traffic.otp.message_expiry\" = [\"30s\", \"1m\"]".into(),
            );
        }
        out
    }

    fn sweep_entries(&mut self, table: &DeTable, prefix: &str, out: &mut Vec<Parameter>) {
        for (key, v) in table.iter() {
            let path = format!("{prefix}{}", key.get_ref());
            match v.get_ref() {
                DeValue::Table(inner) => self.sweep_entries(inner, &format!("{path}."), out),
                DeValue::Array(items) if !items.is_empty() => {
                    let values: Vec<Option<toml::Value>> =
                        items.iter().map(|item| self.sweep_value(&path, item)).collect();
                    if values.iter().all(Option::is_some) {
                        out.push(Parameter {
                            path,
                            values: values.into_iter().flatten().collect(),
                            key_span: Some(key.span()),
                            value_spans: items.iter().map(|i| Some(i.span())).collect(),
                        });
                    }
                }
                other => self.error(
                    v.span(),
                    format!("`sweep.\"{path}\"`: expected a non-empty array of values, found {}", type_name(other)),
                ),
            }
        }
    }

    pub(super) fn sweep_value(&mut self, path: &str, item: &Value) -> Option<toml::Value> {
        let value = match item.get_ref() {
            DeValue::String(s) => Some(toml::Value::String(s.to_string())),
            DeValue::Integer(i) => i.as_str().replace('_', "").parse().ok().map(toml::Value::Integer),
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok().map(toml::Value::Float),
            DeValue::Boolean(b) => Some(toml::Value::Boolean(*b)),
            _ => None,
        };
        if value.is_none() {
            self.error(
                item.span(),
                format!(
                    "`sweep.\"{path}\"`: values are strings, numbers or booleans, found {}",
                    type_name(item.get_ref())
                ),
            );
        }
        value
    }

    fn start(&mut self, root: &Tbl) -> Option<Calendar> {
        let expected = "an RFC 3339 time with a UTC offset, such as \"2026-03-10T08:00:00-07:00\"";
        let Some(v) = root.get("start") else {
            self.missing(root, "start", expected);
            return None;
        };
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => {
                self.wrong(root, "start", v, expected);
                return None;
            }
        };
        let calendar = Calendar::parse(&text);
        if calendar.is_none() {
            self.invalid(root, "start", v, format!("expected {expected}, found \"{text}\""));
        }
        calendar
    }

    /// Shape, burst and unit of a limit, read from `t`.
    fn limit_style(&mut self, t: &Tbl, unit_key: &str, unit: Unit) -> (Shape, u64, Unit) {
        let shape = self.choice(t, "shape", &Shape::ALL, Shape::name).unwrap_or(Shape::Window);
        let burst = self.int(t, "burst", 1..=1_000_000).unwrap_or(1);
        let unit = self.choice(t, unit_key, &Unit::ALL, Unit::name).unwrap_or(unit);
        (shape, burst, unit)
    }

    fn account(&mut self, root: &Tbl) -> [Limit; 2] {
        let sec = SimDuration::from_secs(1);
        let defaults = [Rate::per_second(5), Rate::new(1, 4, sec).expect("0.25/s")];
        let t = root
            .get("account")
            .and_then(|v| self.table(v, "account".into(), &["sms_mps", "mms_mps", "shape", "burst", "unit"]));
        let (shape, burst, unit) = match &t {
            Some(t) => self.limit_style(t, "unit", Unit::Messages),
            None => (Shape::Window, 1, Unit::Messages),
        };
        let mut rate = |key, default| t.as_ref().and_then(|t| self.rate(t, key, sec)).unwrap_or(default);
        let sms = rate("sms_mps", defaults[0]);
        let mms = rate("mms_mps", defaults[1]);
        [sms, mms].map(|rate| Limit { rate, shape, burst, unit })
    }

    /// One table of a named array (`[[senders]]`): checked, named by its id
    /// (`senders.acme-10dlc`) in messages, or by its index without one.
    fn named_table<'a, 'i>(
        &mut self,
        v: &'a Value<'i>,
        section: &str,
        i: usize,
        id_key: &str,
        keys: &[&str],
        taken: &[&str],
    ) -> Option<(Tbl<'a, 'i>, String)> {
        let t = self.unchecked_table(v, format!("{section}[{i}]"))?;
        let id = self.id(&t, id_key, taken).unwrap_or_default().to_string();
        let label = if id.is_empty() { i.to_string() } else { id.clone() };
        let t = Tbl { name: format!("{section}.{label}"), ..t };
        self.check_keys(&t, keys);
        Some((t, id))
    }

    /// The index of the `section` entry whose id `t.key` names.
    fn reference(&mut self, t: &Tbl, key: &str, section: &str, ids: &[&str]) -> Option<usize> {
        let v = t.get(key)?;
        let id = self.string(t, key)?;
        self.find(t, key, v, id, section, ids)
    }

    fn find(&mut self, t: &Tbl, key: &str, v: &Value, id: &str, section: &str, ids: &[&str]) -> Option<usize> {
        let found = ids.iter().position(|x| *x == id);
        if found.is_none() {
            let hint = did_you_mean(id, ids).map_or(String::new(), |h| format!("; did you mean \"{h}\"?"));
            self.invalid(t, key, v, format!("no [[{section}]] has id \"{id}\"{hint}"));
        }
        found
    }

    fn id<'a>(&mut self, t: &Tbl<'a, '_>, key: &str, taken: &[&str]) -> Option<&'a str> {
        let id = self.string(t, key);
        match id {
            None if t.get(key).is_none() => self.missing(t, key, "a name"),
            Some(id) if taken.contains(&id) => {
                let v = t.get(key).expect("read above");
                self.invalid(t, key, v, format!("\"{id}\" is used twice"));
            }
            Some("") => {
                let v = t.get(key).expect("read above");
                self.invalid(t, key, v, "must not be empty".into());
            }
            _ => {}
        }
        id
    }

    fn brands(&mut self, root: &Tbl) -> Vec<Brand> {
        const KEYS: &[&str] =
            &["id", "vetting_score", "use_case", "tpm", "tpd", "shape", "burst", "tpm_unit", "tpd_unit"];
        let mut out: Vec<Brand> = Vec::new();
        for (i, v) in self.tables(root, "brands").into_iter().enumerate() {
            let taken: Vec<&str> = out.iter().map(|x| x.id.as_str()).collect();
            let Some((t, id)) = self.named_table(v, "brands", i, "id", KEYS, &taken) else {
                continue;
            };
            let score = self.int(&t, "vetting_score", 0..=100);
            if t.get("vetting_score").is_none() {
                self.missing(&t, "vetting_score", "a whole number from 0 to 100 (0: skipped secondary vetting)");
            }
            let score = score.unwrap_or(0) as u8;
            let use_case = self.choice(&t, "use_case", &UseCase::ALL, UseCase::name).unwrap_or(UseCase::Standard);
            let tpm = self
                .rate(&t, "tpm", SimDuration::from_secs(60))
                .unwrap_or_else(|| Rate::per_minute(brand_tpm(use_case, score)));
            let tpd = self.int(&t, "tpd", 1..=u64::MAX).unwrap_or_else(|| tmobile_tpd(score));
            let (shape, burst, tpm_unit) = self.limit_style(&t, "tpm_unit", Unit::Segments);
            let tpd_unit = self.choice(&t, "tpd_unit", &Unit::ALL, Unit::name).unwrap_or(Unit::Segments);
            out.push(Brand {
                id,
                vetting_score: score,
                use_case,
                tpm: Limit { rate: tpm, shape, burst, unit: tpm_unit },
                tpd,
                tpd_unit,
            });
        }
        out
    }

    fn senders(&mut self, root: &Tbl, brands: &[Brand]) -> Vec<Sender> {
        const KEYS: &[&str] = &[
            "id", "type", "country", "brand", "numbers", "verified", "classes", "sms_rate", "mms_rate", "shape",
            "burst", "unit",
        ];
        let mut out: Vec<Sender> = Vec::new();
        for (i, v) in self.tables(root, "senders").into_iter().enumerate() {
            let taken: Vec<&str> = out.iter().map(|x| x.id.as_str()).collect();
            let Some((t, id)) = self.named_table(v, "senders", i, "id", KEYS, &taken) else {
                continue;
            };
            if t.get("type").is_none() {
                self.missing(&t, "type", "\"long_code\", \"toll_free\" or \"short_code\"");
            }
            let number_type =
                self.choice(&t, "type", &NumberType::ALL, NumberType::name).unwrap_or(NumberType::LongCode);
            let country = self.choice(&t, "country", &Country::ALL, Country::name).unwrap_or(Country::Us);
            let brand_ids: Vec<&str> = brands.iter().map(|x| x.id.as_str()).collect();
            let brand = self.reference(&t, "brand", "brands", &brand_ids);
            let is_10dlc = country == Country::Us && number_type == NumberType::LongCode;
            if is_10dlc && t.get("brand").is_none() {
                self.missing(
                    &t,
                    "brand",
                    "a US long code (10DLC) sends under a registered brand: the id of a [[brands]] table",
                );
            }
            if !is_10dlc {
                if let Some(v) = t.get("brand") {
                    self.warn(
                        v.span(),
                        format!(
                            "`{}`: brand limits (TPM, T-Mobile's daily cap) apply to US long codes only; ignored here",
                            t.path("brand")
                        ),
                    );
                }
            }
            let numbers = self.int(&t, "numbers", 1..=100_000).unwrap_or(1) as u32;
            if is_10dlc && numbers > 49 {
                let span = t.get("numbers").map_or(t.span.clone(), |v| v.span());
                self.warn(span, format!("`{}`: {numbers} numbers on one 10DLC campaign: more than 49 need a T-Mobile Number Pool Request", t.path("numbers")));
            }
            let verified = self.bool(&t, "verified").unwrap_or(true);
            if let (Some(v), false) = (t.get("verified"), number_type == NumberType::TollFree) {
                self.warn(
                    v.span(),
                    format!("`{}`: verification applies to toll-free numbers only; ignored", t.path("verified")),
                );
            }
            let allowed = self.classes(&t);
            let (shape, burst, unit) = self.limit_style(&t, "unit", Unit::Messages);
            let mut limits = [SenderLimit::Refused; 2];
            for class in Class::ALL {
                let key = if class == Class::Sms { "sms_rate" } else { "mms_rate" };
                let table = number_limit(country, number_type, class);
                let mut limit = SenderLimit::from_table(table, shape, burst, unit);
                if let Some(v) = t.get(key) {
                    let bare = SimDuration::from_secs(1);
                    match (&mut limit, self.rate(&t, key, bare)) {
                        (SenderLimit::PerNumber(l) | SenderLimit::PerCarrier(l), Some(r)) => l.rate = r,
                        (SenderLimit::BrandTpm, _) => self.invalid(
                            &t,
                            key,
                            v,
                            "a 10DLC number has no SMS limit of its own: set `tpm` on its brand".into(),
                        ),
                        (SenderLimit::Refused, _) => self.invalid(
                            &t,
                            key,
                            v,
                            format!(
                                "{} cannot be sent from a {} {}",
                                class.name().to_uppercase(),
                                country,
                                number_type
                            ),
                        ),
                        _ => {}
                    }
                }
                if !allowed[class.index()] {
                    limit = SenderLimit::Refused;
                }
                limits[class.index()] = limit;
            }
            out.push(Sender { id, number_type, country, brand, numbers, verified, limits });
        }
        out
    }

    /// Which classes a sender may send (`classes = ["sms"]`); default both.
    fn classes(&mut self, t: &Tbl) -> [bool; 2] {
        let Some(v) = t.get("classes") else {
            return [true; 2];
        };
        let mut allowed = [false; 2];
        match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    match item.get_ref().as_str().and_then(Class::from_name) {
                        Some(c) => allowed[c.index()] = true,
                        None => {
                            self.error(item.span(), format!("`{}`: expected \"sms\" or \"mms\"", t.path("classes")))
                        }
                    }
                }
            }
            _ => self.wrong(t, "classes", v, "an array such as [\"sms\", \"mms\"]"),
        }
        allowed
    }

    fn traffic(&mut self, root: &Tbl, senders: &[Sender], cal: &Calendar, has_horizon: bool) -> Vec<Stream> {
        const KEYS: &[&str] = &[
            "name",
            "sender",
            "class",
            "kind",
            "message_expiry",
            "useful_life",
            "text",
            "segments",
            "arrival",
            "carriers",
        ];
        let items = self.tables(root, "traffic");
        if items.is_empty() && root.get("traffic").is_none() {
            self.missing(root, "traffic", "at least one [[traffic]] stream");
        }
        let mut out: Vec<Stream> = Vec::new();
        for (i, v) in items.into_iter().enumerate() {
            let taken: Vec<&str> = out.iter().map(|x| x.name.as_str()).collect();
            let Some((t, name)) = self.named_table(v, "traffic", i, "name", KEYS, &taken) else {
                continue;
            };
            let sender_ids: Vec<&str> = senders.iter().map(|x| x.id.as_str()).collect();
            let sender = self.reference(&t, "sender", "senders", &sender_ids);
            if t.get("sender").is_none() {
                self.missing(&t, "sender", "the id of a [[senders]] table");
            }
            let class = self.choice(&t, "class", &Class::ALL, Class::name).unwrap_or(Class::Sms);
            let kind = self.choice(&t, "kind", &Kind::ALL, Kind::name).unwrap_or(Kind::Transactional);
            let message_expiry = self.duration(&t, "message_expiry").unwrap_or(SimDuration::from_secs(10_800));
            if let Some(v) = t.get("message_expiry") {
                let ok = SimDuration::from_secs(5)..=SimDuration::from_secs(10_800);
                if !ok.contains(&message_expiry) {
                    self.invalid(
                        &t,
                        "message_expiry",
                        v,
                        format!("expected from 5s to 3h (10800 s), found {message_expiry}"),
                    );
                }
            }
            let useful_life = self.duration(&t, "useful_life");
            let text = self.string(&t, "text");
            let counted = self.int(&t, "segments", 1..=255).map(|n| n as u32);
            if let (Some(_), Some(v)) = (text, t.get("segments")) {
                self.invalid(&t, "segments", v, "give either `text` or `segments`, not both".into());
            }
            let segments = match class {
                Class::Mms => 1,
                Class::Sms => counted.or(text.map(|s| segments::count(s).1)).unwrap_or(1),
            };
            let carriers = self.mix(&t);
            let arrival = match t.get("arrival") {
                Some(v) => self.arrival(v, &t, cal, has_horizon),
                None => {
                    self.missing(
                        &t,
                        "arrival",
                        "an arrival process, e.g. { process = \"poisson\", rate = \"2/s\", until = \"1h\" }",
                    );
                    None
                }
            };
            if let (Some(sender), Some(arrival)) = (sender, arrival) {
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
                });
            }
        }
        out
    }

    fn mix(&mut self, t: &Tbl) -> [f64; 4] {
        let Some(v) = t.get("carriers") else {
            return DEFAULT_MIX;
        };
        let names: Vec<&str> = Carrier::ALL.iter().map(|c| c.name()).collect();
        let Some(m) = self.table(v, t.path("carriers"), &names) else {
            return DEFAULT_MIX;
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

    fn arrival(&mut self, v: &Value, stream: &Tbl, cal: &Calendar, has_horizon: bool) -> Option<Arrival> {
        const KEYS: &[&str] = &["process", "rate", "from", "until", "count", "at", "spread", "rates", "file"];
        let t = self.table(v, stream.path("arrival"), KEYS)?;
        let expected = "\"constant\", \"poisson\", \"burst\", \"profile\" or \"trace\"";
        let Some(process) = self.string(&t, "process") else {
            if t.get("process").is_none() {
                self.missing(&t, "process", expected);
            }
            return None;
        };
        let count = self.int(&t, "count", 1..=u64::MAX);
        let window = |r: &mut Self| {
            let from = r.instant(&t, "from", cal).unwrap_or(SimTime::ZERO);
            let until = r.instant(&t, "until", cal);
            if until.is_none() && count.is_none() && !has_horizon && t.get("until").is_none() {
                r.missing(&t, "until", "an end (`until` or `count`), or a scenario `horizon`");
            }
            if let (Some(u), Some(v)) = (until, t.get("until")) {
                if u <= from {
                    r.invalid(&t, "until", v, "must be later than `from`".into());
                }
            }
            Window { from, until, count }
        };
        let sec = SimDuration::from_secs(1);
        let allowed: &[&str] = match process {
            "constant" | "poisson" => &["process", "rate", "from", "until", "count"],
            "burst" => &["process", "count", "at", "spread"],
            "profile" => &["process", "rates", "from", "until", "count"],
            "trace" => &["process", "file"],
            _ => &[],
        };
        for (key, _) in t.table.iter() {
            let k: &str = key.get_ref();
            if !allowed.is_empty() && !allowed.contains(&k) {
                self.error(
                    key.span(),
                    format!(
                        "`{}`: `{k}` does not apply to a {process} process (it takes: {})",
                        t.name,
                        allowed.join(", ")
                    ),
                );
            }
        }
        match process {
            "constant" | "poisson" => {
                let rate = self.rate(&t, "rate", sec);
                if t.get("rate").is_none() {
                    self.missing(&t, "rate", "a rate such as \"2/s\"");
                }
                let window = window(self);
                let rate = rate?;
                Some(if process == "constant" {
                    Arrival::Constant { rate, window }
                } else {
                    Arrival::Poisson { rate, window }
                })
            }
            "burst" => {
                if t.get("count").is_none() {
                    self.missing(&t, "count", "how many messages the burst holds");
                }
                let at = self.instant(&t, "at", cal).unwrap_or(SimTime::ZERO);
                let spread = self.duration(&t, "spread").unwrap_or(SimDuration::ZERO);
                Some(Arrival::Burst { count: count?, at, spread })
            }
            "profile" => {
                let hourly = self.profile_rates(&t)?;
                let window = window(self);
                Some(Arrival::Profile { hourly, window })
            }
            "trace" => {
                let Some(file) = self.string(&t, "file") else {
                    if t.get("file").is_none() {
                        self.missing(&t, "file", "the path of a CSV file of timestamps, relative to the scenario");
                    }
                    return None;
                };
                let span = t.get("file").expect("read").span();
                self.trace(file, span, cal).map(|times| Arrival::Trace { times })
            }
            other => {
                let v = t.get("process").expect("read");
                let names = ["constant", "poisson", "burst", "profile", "trace"];
                let hint = did_you_mean(other, &names).map_or(String::new(), |h| format!("; did you mean \"{h}\"?"));
                self.invalid(&t, "process", v, format!("expected {expected}, found \"{other}\"{hint}"));
                None
            }
        }
    }

    fn profile_rates(&mut self, t: &Tbl) -> Option<[f64; 24]> {
        let Some(v) = t.get("rates") else {
            self.missing(t, "rates", "24 hourly rates over the Pacific day, e.g. [\"0/s\", ..., \"3/s\"]");
            return None;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong(t, "rates", v, "an array of 24 rates");
            return None;
        };
        if items.len() != 24 {
            self.invalid(
                t,
                "rates",
                v,
                format!("expected 24 hourly rates (hour 0 to 23, Pacific), found {}", items.len()),
            );
            return None;
        }
        let mut hourly = [0.0; 24];
        for (h, item) in items.iter().enumerate() {
            let text = match item.get_ref() {
                DeValue::String(s) => s.to_string(),
                DeValue::Integer(i) => i.as_str().to_string(),
                DeValue::Float(f) => f.as_str().to_string(),
                other => {
                    self.error(
                        item.span(),
                        format!("`{}[{h}]`: expected a rate, found {}", t.path("rates"), type_name(other)),
                    );
                    continue;
                }
            };
            // A quiet hour ("0" or "0/s") is allowed here, unlike a stream's rate.
            if Decimal::parse(text.split('/').next().unwrap_or("")).is_some_and(|d| d.is_zero()) {
                continue;
            }
            match values::rate(&text, SimDuration::from_secs(1)) {
                Ok(r) => hourly[h] = r.per_sec_f64(),
                Err(why) => self.error(item.span(), format!("`{}[{h}]`: {why}", t.path("rates"))),
            }
        }
        if hourly.iter().all(|r| *r == 0.0) {
            self.invalid(t, "rates", v, "at least one hour needs a rate above zero".into());
            return None;
        }
        Some(hourly)
    }

    fn trace(&mut self, file: &str, span: Range<usize>, cal: &Calendar) -> Option<Vec<SimTime>> {
        let path = self.dir.join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                self.error(span, format!("cannot read trace file {}: {e}", path.display()));
                return None;
            }
        };
        let mut times = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let field = line.split(',').next().unwrap_or("").trim();
            if field.is_empty() || field.starts_with('#') {
                continue;
            }
            let at = values::duration(field)
                .or_else(|_| values::seconds(field))
                .ok()
                .map(|d| SimTime::ZERO + d)
                .or_else(|| field.parse::<jiff::Timestamp>().ok().and_then(|ts| cal.sim_time(ts)));
            match at {
                Some(at) => times.push(at),
                None if n == 0 => {} // a header line
                None => {
                    let msg = format!(
                        "{}:{}:1: expected an offset (\"90s\", seconds) or an RFC 3339 time at or after `start`, found \"{field}\"",
                        path.display(),
                        n + 1
                    );
                    self.error(span.clone(), msg);
                    return None;
                }
            }
        }
        if times.is_empty() {
            self.error(span, format!("trace file {} has no timestamps", path.display()));
            return None;
        }
        times.sort();
        Some(times)
    }

    fn outages(&mut self, root: &Tbl, senders: &[Sender], cal: &Calendar) -> Vec<Outage> {
        const KEYS: &[&str] = &["scope", "start", "duration", "end", "capacity"];
        let mut out = Vec::new();
        for (i, v) in self.tables(root, "outages").into_iter().enumerate() {
            let Some(t) = self.table(v, format!("outages.{i}"), KEYS) else {
                continue;
            };
            let scope = match (self.string(&t, "scope"), t.get("scope")) {
                (Some(s), Some(v)) => self.scope(s, &t, v, senders),
                (None, None) => {
                    self.missing(&t, "scope", "\"platform\", \"carrier:<name>\" or \"sender:<id>\"");
                    None
                }
                _ => None,
            };
            let start = self.instant(&t, "start", cal);
            if t.get("start").is_none() {
                self.missing(&t, "start", "an offset such as \"30m\" or an RFC 3339 time");
            }
            let end = match (self.duration(&t, "duration"), self.instant(&t, "end", cal)) {
                (Some(d), None) => start.map(|s| s + d),
                (None, Some(e)) => Some(e),
                (Some(_), Some(_)) => {
                    self.error(t.span.clone(), format!("`{}`: give `duration` or `end`, not both", t.name));
                    None
                }
                (None, None) => {
                    if t.get("duration").is_none() && t.get("end").is_none() {
                        self.missing(&t, "duration", "how long it lasts, e.g. \"20m\" (or an `end` time)");
                    }
                    None
                }
            };
            let capacity = self.fraction(&t, "capacity").unwrap_or(Scale::STOP);
            if let (Some(scope), Some(start), Some(end)) = (scope, start, end) {
                if end <= start {
                    self.error(t.span.clone(), format!("`{}`: the outage must end after it starts", t.name));
                    continue;
                }
                out.push(Outage { scope, start, end, capacity });
            }
        }
        out
    }

    fn scope(&mut self, s: &str, t: &Tbl, v: &Value, senders: &[Sender]) -> Option<Scope> {
        let expected = "\"platform\", \"carrier:<att|tmobile|verizon|other>\" or \"sender:<id>\"";
        match s.split_once(':') {
            None if s == "platform" => Some(Scope::Platform),
            Some(("carrier", c)) => match Carrier::from_name(c) {
                Some(c) => Some(Scope::Carrier(c)),
                None => {
                    self.invalid(
                        t,
                        "scope",
                        v,
                        format!("unknown carrier \"{c}\": expected att, tmobile, verizon or other"),
                    );
                    None
                }
            },
            Some(("sender", id)) => {
                let ids: Vec<&str> = senders.iter().map(|x| x.id.as_str()).collect();
                self.find(t, "scope", v, id, "senders", &ids).map(Scope::Sender)
            }
            _ => {
                self.invalid(t, "scope", v, format!("expected {expected}, found \"{s}\""));
                None
            }
        }
    }

    fn outage_warnings(&mut self, senders: &[Sender], traffic: &[Stream], outages: &[Outage], root: &Tbl) {
        let items = self.tables(root, "outages");
        for (o, v) in outages.iter().zip(items) {
            if let (Scope::Sender(s), true) = (o.scope, o.capacity.is_degraded()) {
                let sends_sms = traffic.iter().any(|t| t.sender == s && t.class == Class::Sms);
                if senders[s].is_10dlc() && sends_sms {
                    self.warn(v.span(), format!("a degraded outage of 10DLC sender \"{}\" has no effect on its SMS: 10DLC SMS has no per-number limit to scale (use a carrier or platform scope)", senders[s].id));
                }
            }
        }
    }

    fn delays(&mut self, root: &Tbl) -> (Delay, Delay) {
        let Some(v) = root.get("delays") else {
            return Default::default();
        };
        let Some(t) = self.table(v, "delays".into(), &["processing", "delivery"]) else {
            return Default::default();
        };
        let processing = t.get("processing").and_then(|v| self.delay(v, t.path("processing"))).unwrap_or_default();
        let delivery = t.get("delivery").and_then(|v| self.delay(v, t.path("delivery"))).unwrap_or_default();
        (processing, delivery)
    }

    fn delay(&mut self, v: &Value, name: String) -> Option<Delay> {
        let t = self.table(v, name, &["dist", "value", "low", "high", "mean", "median", "p99"])?;
        let expected = "\"fixed\", \"uniform\", \"exponential\" or \"lognormal\"";
        let dist = self.string(&t, "dist");
        if t.get("dist").is_none() {
            self.missing(&t, "dist", expected);
        }
        let need = |r: &mut Self, key: &str| {
            let d = r.duration(&t, key);
            if t.get(key).is_none() {
                r.missing(&t, key, values::DURATION_HELP);
            }
            d
        };
        match dist? {
            "fixed" => Some(Delay::Fixed(need(self, "value")?)),
            "uniform" => {
                let (low, high) = (need(self, "low")?, need(self, "high")?);
                if high < low {
                    self.error(t.span.clone(), format!("`{}`: `high` must not be below `low`", t.name));
                }
                Some(Delay::Uniform { low, high })
            }
            "exponential" => Some(Delay::Exponential { mean: need(self, "mean")? }),
            "lognormal" => {
                let (median, p99) = (need(self, "median")?, need(self, "p99")?);
                if median == SimDuration::ZERO || p99 <= median {
                    self.error(t.span.clone(), format!("`{}`: a lognormal needs 0 < median < p99", t.name));
                    return None;
                }
                Some(Delay::LogNormal { median, p99 })
            }
            other => {
                let v = t.get("dist").expect("read");
                self.invalid(&t, "dist", v, format!("expected {expected}, found \"{other}\""));
                None
            }
        }
    }

    fn carriers(&mut self, root: &Tbl) -> [CarrierSettings; 4] {
        let mut out = [CarrierSettings::default(); 4];
        for c in Carrier::ALL {
            out[c.index()].surcharge = DEFAULT_SURCHARGES[c.index()].map(Money);
        }
        let Some(v) = root.get("carriers") else {
            return out;
        };
        let names: Vec<&str> = Carrier::ALL.iter().map(|c| c.name()).collect();
        let Some(t) = self.table(v, "carriers".into(), &names) else {
            return out;
        };
        for c in Carrier::ALL {
            let Some(v) = t.get(c.name()) else { continue };
            let Some(ct) = self.table(v, t.path(c.name()), &["undelivered", "surcharge_sms", "surcharge_mms"]) else {
                continue;
            };
            let settings = &mut out[c.index()];
            if let Some(p) = self.float(&ct, "undelivered") {
                if (0.0..=1.0).contains(&p) {
                    settings.undelivered = p;
                } else {
                    self.invalid(
                        &ct,
                        "undelivered",
                        ct.get("undelivered").expect("read"),
                        format!("expected a probability from 0 to 1, found {p}"),
                    );
                }
            }
            for (k, key) in [(0, "surcharge_sms"), (1, "surcharge_mms")] {
                if let Some(m) = self.usd(&ct, key) {
                    settings.surcharge[k] = m;
                }
            }
        }
        out
    }

    fn prices(&mut self, root: &Tbl) -> Prices {
        let mut prices = Prices {
            per_segment: DEFAULT_PRICES.map(|row| row.map(Money)),
            charge_failed_daily_cap: false,
            charge_blocked: false,
        };
        let Some(v) = root.get("prices") else {
            return prices;
        };
        let keys: Vec<String> = NumberType::ALL
            .iter()
            .flat_map(|n| Class::ALL.iter().map(move |c| format!("{}_{}", n.name(), c.name())))
            .collect();
        let mut allowed: Vec<&str> = keys.iter().map(String::as_str).collect();
        allowed.extend(["charge_failed_daily_cap", "charge_blocked"]);
        let Some(t) = self.table(v, "prices".into(), &allowed) else {
            return prices;
        };
        for n in NumberType::ALL {
            for c in Class::ALL {
                if let Some(m) = self.usd(&t, &format!("{}_{}", n.name(), c.name())) {
                    prices.per_segment[n.index()][c.index()] = m;
                }
            }
        }
        prices.charge_failed_daily_cap = self.bool(&t, "charge_failed_daily_cap").unwrap_or(false);
        prices.charge_blocked = self.bool(&t, "charge_blocked").unwrap_or(false);
        prices
    }

    /// `[error_codes]`: the provider code reported for an outcome.
    fn codes(&mut self, root: &Tbl) -> [Option<u32>; 8] {
        let mut codes = default_error_codes();
        let Some(v) = root.get("error_codes") else {
            return codes;
        };
        let names: Vec<&str> = ERROR_CODE_OUTCOMES.iter().map(|o| o.name()).collect();
        if let Some(t) = self.table(v, "error_codes".into(), &names) {
            for o in ERROR_CODE_OUTCOMES {
                if let Some(code) = self.int(&t, o.name(), 0..=99_999) {
                    codes[o.index()] = Some(code as u32);
                }
            }
        }
        codes
    }
}
