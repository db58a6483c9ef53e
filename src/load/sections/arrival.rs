//! A stream's `arrival`: the process that sends its messages, with the
//! hourly profile and trace files it may name.

use super::trace;
use crate::load::spec;
use crate::load::values::{self, Decimal};
use crate::load::{Quote, Reader, Tbl, Value, did_you_mean, type_name};
use crate::scenario::bounds::{MAX_BURST, MAX_REPLICATIONS, MAX_SPAN};
use crate::scenario::calendar::Calendar;
use crate::scenario::phone::Address;
use crate::scenario::rate::Rate;
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::{Arrival, Window};
use std::sync::Arc;
use toml::de::DeValue;

impl Reader<'_> {
    /// A stream's arrival process and, when it lists them (`dst`), the
    /// destinations of its messages.
    pub(super) fn arrival(
        &mut self,
        v: &Value,
        stream: &Tbl,
        cal: &Calendar,
        has_horizon: bool,
    ) -> Option<(Arrival, Option<Arc<[Address]>>)> {
        let t = self.table(v, stream.path("arrival"), &spec::ARRIVAL.all_names())?;
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
            // A refused `until` or `count` was given: its own error says what is wrong.
            let given = t.get("until").is_some() || t.get("count").is_some();
            if until.is_none() && count.is_none() && !has_horizon && !given {
                r.missing(&t, "until", "an end (`until` or `count`), or a scenario `horizon`");
            }
            if let (Some(u), Some(v)) = (until, t.get("until"))
                && u <= from
            {
                r.invalid(&t, "until", v, "must be later than `from`".into());
            }
            Window { from, until, count }
        };
        let sec = SimDuration::from_secs(1);
        self.process_keys(&t, process);
        match process {
            "constant" | "poisson" => {
                let rate = self.rate(&t, "rate", sec);
                if t.get("rate").is_none() {
                    self.missing(&t, "rate", "a rate such as \"2/s\"");
                }
                let window = window(self);
                let rate = rate?;
                self.ends_within_span(&t, rate, &window);
                Some((
                    if process == "constant" {
                        Arrival::Constant { rate, window }
                    } else {
                        Arrival::Poisson { rate, window }
                    },
                    None,
                ))
            }
            "burst" => {
                let dst = self.string(&t, "dst").map(trace::destinations);
                if t.get("count").is_none() && t.get("dst").is_none() {
                    self.missing(&t, "count", "how many messages the burst holds");
                }
                let dst = match dst {
                    Some(Err(why)) => {
                        self.invalid(&t, "dst", t.get("dst").expect("read"), why);
                        return None;
                    }
                    Some(Ok(list)) => Some(list),
                    None => None,
                };
                let at = self.instant(&t, "at", cal).unwrap_or(SimTime::ZERO);
                let spread = self.duration(&t, "spread").unwrap_or(SimDuration::ZERO);
                // With `dst`, `count` sends (default one), each to every destination.
                let sends = if dst.is_some() { count.or(t.get("count").is_none().then_some(1))? } else { count? };
                let count = sends.saturating_mul(dst.as_ref().map_or(1, |d| d.len() as u64));
                if count > MAX_BURST {
                    let why = format!(
                        "a burst holds at most {MAX_BURST} messages, found {count}: split it into bursts or use a rate"
                    );
                    let v = t.get("count").or(t.get("dst")).expect("read");
                    self.error(v.span(), format!("`{}`: {why}", t.name));
                    return None;
                }
                Some((Arrival::Burst { count, at, spread }, dst))
            }
            "profile" => {
                let hourly = self.profile_rates(&t)?;
                let window = window(self);
                Some((Arrival::Profile { hourly, window }, None))
            }
            "trace" => {
                let Some(file) = self.string(&t, "file") else {
                    if t.get("file").is_none() {
                        self.missing(&t, "file", "the path of a CSV file of timestamps, relative to the scenario");
                    }
                    return None;
                };
                let format = self.trace_format(&t)?;
                let from = self.instant(&t, "from", cal);
                let trace = self.trace(&t, file, &format, cal, from)?;
                Some((Arrival::Trace { times: trace.times }, trace.destinations))
            }
            other => {
                let v = t.get("process").expect("read");
                let names = ["constant", "poisson", "burst", "profile", "trace"];
                let hint = did_you_mean(other, &names, Quote::Value);
                self.invalid(&t, "process", v, format!("expected {expected}, found \"{other}\"{hint}"));
                None
            }
        }
    }

    /// Reports a `count` whose last message, at `rate` from the window's
    /// start, would come more than a century after `start`.
    fn ends_within_span(&mut self, t: &Tbl, rate: Rate, window: &Window) {
        let (Some(count), None, Some(v)) = (window.count, window.until, t.get("count")) else { return };
        let (num, den) = rate.interval();
        let end = window.from.as_nanos() as u128 + count as u128 * num / den;
        if end > MAX_SPAN.as_nanos() as u128 {
            let why = format!(
                "{count} messages at {rate} arrive over more than a century ({MAX_SPAN}): lower `count` or raise `rate`"
            );
            self.invalid(t, "count", v, why);
        }
    }

    /// A trace's `format`: "times" (default) or "mdr", whose `stream` picks
    /// one stream's rows.
    fn trace_format(&mut self, t: &Tbl) -> Option<trace::Format> {
        let stream = self.string(t, "stream").map(str::to_string);
        let replication = self.int(t, "replication", 1..=u64::from(MAX_REPLICATIONS)).unwrap_or(1) as u32;
        match self.string(t, "format") {
            None | Some("times") => {
                for (key, what) in
                    [("stream", "the rows of one stream"), ("replication", "the rows of one replication")]
                {
                    if let Some(v) = t.get(key) {
                        let why = format!("picks {what} of an MDR export: add `format = \"mdr\"`");
                        self.invalid(t, key, v, why);
                    }
                }
                Some(trace::Format::Times)
            }
            Some("mdr") => Some(trace::Format::Mdr { stream, replication }),
            Some(other) => {
                let hint = did_you_mean(other, &["times", "mdr"], Quote::Value);
                let v = t.get("format").expect("read");
                self.invalid(t, "format", v, format!("expected \"times\" or \"mdr\", found \"{other}\"{hint}"));
                None
            }
        }
    }

    /// Reports keys of an `arrival` table that its process does not take.
    fn process_keys(&mut self, t: &Tbl, process: &str) {
        let allowed = spec::ARRIVAL.names(process).unwrap_or_default();
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
}
