//! The sections of a scenario file, each read into its typed part: the top
//! level here, with the helpers the sections share; a file per section below.

mod account;
mod arrival;
mod brands;
mod carriers;
mod delays;
mod error_codes;
mod inbound;
mod outages;
mod plan;
mod prices;
mod provider;
mod retry;
mod senders;
mod sweep;
mod trace;
mod traffic;

use super::{Expect, Quote, Reader, Tbl, Value, did_you_mean};
use crate::scenario::Scenario;
use crate::scenario::bounds::{MAX_NAME_CHARS, MAX_REPLICATIONS, is_invisible};
use crate::scenario::calendar::{self, Calendar};
use crate::scenario::model::{Class, Shape, Unit};
use crate::scenario::time::SimDuration;
use std::collections::{BTreeMap, BTreeSet};
use toml::de::DeValue;

use crate::load::{spec, values};

/// A section's ids in file order, with an index: a file may hold
/// thousands of senders, and each stream names one.
pub(super) struct Ids<'a> {
    list: Vec<&'a str>,
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    pub(super) fn new(ids: impl Iterator<Item = &'a str>) -> Ids<'a> {
        let list: Vec<&str> = ids.collect();
        let mut index = BTreeMap::new();
        for (i, id) in list.iter().enumerate().rev() {
            index.insert(*id, i);
        }
        Ids { list, index }
    }

    /// The first entry with this id.
    fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// Why a start that parsed still does not name one instant, if it does
/// not: a wall-clock time its zone skips (the spring gap) or has twice (the
/// autumn fold), which a parser would quietly move or pick; or an offset
/// no place uses (beyond -12:00 to +14:00).
fn unclear_start(text: &str) -> Option<String> {
    let Some((local, zone)) = text.trim().split_once('[') else {
        return values::offset_out_of_range(text);
    };
    // With its offset written, the time is one instant (the parser checks it fits the zone).
    if local.parse::<jiff::Timestamp>().is_ok() {
        return None;
    }
    let civil: jiff::civil::DateTime = local.parse().ok()?;
    let name = zone.strip_suffix(']')?;
    let tz = calendar::zone(name)?;
    let (first, second) = match tz.to_ambiguous_zoned_datetime(civil).offset() {
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => return None,
        jiff::tz::AmbiguousOffset::Gap { before, .. } => {
            let same = tz.to_datetime(before.to_timestamp(civil).ok()?);
            return Some(format!(
                "{civil} does not happen in {name}: the clocks skip it (a daylight-saving change); start at {same}[{name}], the same instant, or outside the skipped hour"
            ));
        }
        jiff::tz::AmbiguousOffset::Fold { before, after } => (before, after),
    };
    let (first, second) = (values::hhmm(first), values::hhmm(second));
    Some(format!(
        "{civil} happens twice in {name} (a daylight-saving change): write which with its offset, {local}{first}[{name}] (the first) or {local}{second}[{name}]"
    ))
}

impl Reader<'_> {
    pub(super) fn scenario(&mut self, root: &Tbl, stem: &str) -> Option<(Scenario, Vec<Expect>)> {
        self.check_keys(root, &spec::SCENARIO.names());
        let name = self.string(root, "name").inspect(|n| self.printable(root, "name", n, 4 * MAX_NAME_CHARS));
        let name = name.unwrap_or(stem).to_string();
        let start = self.start(root);
        let calendar = start.clone().unwrap_or_else(|| Calendar::new(jiff::Timestamp::UNIX_EPOCH));
        let calendar = match self.timezone(root) {
            Some(zone) => calendar.shown_in(zone),
            None => calendar,
        };
        let horizon = self.duration(root, "horizon");
        if let (Some(h), Some(v)) = (horizon, root.get("horizon"))
            && h == SimDuration::ZERO
        {
            self.invalid(root, "horizon", v, "must be longer than zero".into());
        }
        let seed = self.int(root, "seed", 0..=u64::MAX).unwrap_or(0);
        let replications = self.int(root, "replications", 1..=MAX_REPLICATIONS as u64).unwrap_or(1) as u32;
        let timeseries_step = self.duration(root, "timeseries_step").unwrap_or(SimDuration::from_secs(60));
        if timeseries_step == SimDuration::ZERO
            && let Some(v) = root.get("timeseries_step")
        {
            self.invalid(root, "timeseries_step", v, "must be longer than zero".into());
        }
        let warmup = self.duration(root, "warmup").unwrap_or(SimDuration::ZERO);
        if let (Some(h), Some(v)) = (horizon, root.get("warmup"))
            && warmup >= h
        {
            let why = format!("must be shorter than `horizon` ({h}): nothing accepted after it would be measured");
            self.invalid(root, "warmup", v, why);
        }
        let expiry_target = self.fraction(root, "expiry_target").map_or(0.01, |f| f.as_f64());
        let account = self.account(root);
        let provider = self.provider(root);
        let brands = self.brands(root);
        let senders = self.senders(root, &brands);
        let traffic = self.traffic(root, &senders, &calendar, horizon, &provider.rules);
        let inbound = self.inbound(root, &traffic, &calendar, horizon);
        let outages = self.outages(root, &senders, &calendar);
        let (processing, delivery) = self.delays(root);
        let carriers = self.carriers(root);
        let prices = self.prices(root);
        let queue_limit = provider.queue_limit(&account[Class::Sms.index()], &senders, &brands);
        let expects = self.expects(root);
        let error_codes = self.codes(root, provider.rules.codes);
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
                queue_limit,
                inbound,
            },
            expects,
        ))
    }

    fn start(&mut self, root: &Tbl) -> Option<Calendar> {
        let expected = "an RFC 3339 time with a UTC offset, such as \"2026-03-10T08:00:00-07:00\", or with a time zone, such as \"2026-03-10T11:00:00[America/New_York]\"";
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
        let latest = calendar::latest_start();
        let shown = jiff::Timestamp::from_second(latest.as_second()).unwrap_or(latest);
        let calendar = Calendar::parse(&text).filter(|c| c.start() <= latest);
        if calendar.is_none() {
            // A time the calendar holds, or one only just past its end (the
            // year 9999), that is too late for a run's clock.
            let named = text.get(..19).and_then(|t| t.parse::<jiff::civil::DateTime>().ok());
            let too_late = named.is_some_and(|t| t.year() > jiff::tz::TimeZone::UTC.to_datetime(latest).year() - 1);
            let why = values::unknown_zone(&text)
                .or_else(|| values::impossible_date(&text))
                .or_else(|| too_late.then(|| format!("expected a start no later than {shown}: a run's clock reaches 584 years past its start, and the calendar ends with the year 9999; found \"{text}\"")))
                .unwrap_or_else(|| values::not_an_instant(&text, expected));
            self.invalid(root, "start", v, why);
        }
        if calendar.is_some()
            && let Some(why) = unclear_start(&text)
        {
            self.invalid(root, "start", v, why);
            return None;
        }
        calendar
    }

    /// The display zone: a name in the bundled time-zone database.
    fn timezone(&mut self, root: &Tbl) -> Option<jiff::tz::TimeZone> {
        let name = self.string(root, "timezone")?;
        let zone = calendar::zone(name);
        if let (None, Some(v)) = (&zone, root.get("timezone")) {
            let names = calendar::zone_names();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let hint = did_you_mean(name, &names, Quote::Value);
            self.invalid(
                root,
                "timezone",
                v,
                format!("expected a time-zone name such as \"America/New_York\" or \"UTC\", found \"{name}\"{hint}"),
            );
        }
        zone
    }

    /// Shape, burst and unit of a limit, read from `t`.
    fn limit_style(&mut self, t: &Tbl, unit_key: &str, unit: Unit) -> (Shape, u64, Unit) {
        let shape = self.choice(t, "shape", &Shape::ALL, Shape::name).unwrap_or(Shape::Window);
        let burst = self.int(t, "burst", 1..=1_000_000).unwrap_or(1);
        let unit = self.choice(t, unit_key, &Unit::ALL, Unit::name).unwrap_or(unit);
        (shape, burst, unit)
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
        taken: &BTreeSet<String>,
    ) -> Option<(Tbl<'a, 'i>, String)> {
        let t = self.unchecked_table(v, format!("{section}[{i}]"))?;
        let id = self.id(&t, id_key, taken).unwrap_or_default().to_string();
        let label = if id.is_empty() { i.to_string() } else { id.clone() };
        let t = Tbl { name: format!("{section}.{label}"), ..t };
        self.check_keys(&t, keys);
        Some((t, id))
    }

    /// The index of the `section` entry whose id `t.key` names.
    fn reference(&mut self, t: &Tbl, key: &str, section: &str, ids: &Ids) -> Option<usize> {
        let v = t.get(key)?;
        let id = self.string(t, key)?;
        self.find(t, key, v, id, section, ids)
    }

    fn find(&mut self, t: &Tbl, key: &str, v: &Value, id: &str, section: &str, ids: &Ids) -> Option<usize> {
        let found = ids.position(id);
        if found.is_none() {
            let hint = did_you_mean(id, &ids.list, Quote::Value);
            self.invalid(t, key, v, format!("no [[{section}]] has id \"{id}\"{hint}"));
        }
        found
    }

    fn id<'a>(&mut self, t: &Tbl<'a, '_>, key: &str, taken: &BTreeSet<String>) -> Option<&'a str> {
        let id = self.string(t, key);
        match id {
            None if t.get(key).is_none() => self.missing(t, key, "a name"),
            Some(id) if taken.contains(id) => {
                let v = t.get(key).expect("read above");
                self.invalid(t, key, v, format!("\"{id}\" is used twice"));
            }
            Some("") => {
                let v = t.get(key).expect("read above");
                self.invalid(t, key, v, "must not be empty".into());
            }
            Some(id) if id.split('.').any(str::is_empty) => {
                let v = t.get(key).expect("read above");
                let why = "must not start or end with a dot or hold two in a row: a sweep path or an \
                           expectation names it between dots, as in traffic.otp.v2.message_expiry";
                self.invalid(t, key, v, why.into());
            }
            Some(id) => self.printable(t, key, id, MAX_NAME_CHARS),
            None => {}
        }
        id
    }

    /// Reports a name that reports could not show as written, or that
    /// would look like another: a control character (a line break, an
    /// escape sequence), an invisible one (a zero-width space, a change of
    /// direction), spaces around it or nothing but spaces, or more than
    /// `max` characters.
    fn printable(&mut self, t: &Tbl, key: &str, name: &str, max: usize) {
        let v = t.get(key).expect("read by the caller");
        let nth = |f: fn(char) -> bool| name.chars().enumerate().find(|&(_, c)| f(c));
        let why = if let Some((i, c)) = nth(char::is_control) {
            format!("must be printable: character {} is the control character U+{:04X}", i + 1, c as u32)
        } else if let Some((i, c)) = nth(is_invisible) {
            format!("must be visible: character {} is the invisible character U+{:04X}", i + 1, c as u32)
        } else if name.trim().is_empty() {
            "must not be only spaces".into()
        } else if name.trim() != name {
            "must not start or end with a space".into()
        } else if name.chars().count() > max {
            format!("must be at most {max} characters, found {}", name.chars().count())
        } else {
            return;
        };
        self.invalid(t, key, v, why);
    }
}
