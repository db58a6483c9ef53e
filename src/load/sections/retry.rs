//! `retry = { on = [...], after = [...] }` on a traffic stream: which
//! failed attempts the sender submits again, and when (MODEL §9).

use super::super::values::{duration, seconds};
use crate::load::spec;
use crate::load::{Reader, Tbl, Value, type_name};
use crate::scenario::model::Outcome;
use crate::scenario::time::SimDuration;
use crate::scenario::{Retry, RetryAfter};
use toml::de::DeValue;

/// Outcomes a sender can retry: the attempt failed and nothing was delivered.
const RETRIED: [Outcome; 4] = [Outcome::Expired, Outcome::Undelivered, Outcome::FailedDailyCap, Outcome::Rejected];

/// Most retries of one message.
const MAX_RETRIES: usize = 100;

impl Reader<'_> {
    /// The stream's `retry`, if it has one; warned about when its first wait
    /// already reaches past the `horizon`, so that no retry can happen.
    pub(super) fn retry(&mut self, stream: &Tbl, horizon: Option<SimDuration>) -> Option<Retry> {
        let t = self.table(stream.get("retry")?, stream.path("retry"), &spec::RETRY.names())?;
        let names: Vec<&str> = RETRIED.iter().map(|o| o.name()).collect();
        let expected_on = format!("a non-empty list of outcomes: {}", names.join(", "));
        let mut on = [false; 8];
        match t.get("on").map(|v| (v, v.get_ref())) {
            None => self.missing(&t, "on", &expected_on),
            Some((_, DeValue::Array(items))) if !items.is_empty() => {
                for item in items {
                    match item.get_ref() {
                        DeValue::String(s) if names.contains(&s.as_ref()) => {
                            let o = Outcome::from_name(s).expect("listed");
                            if on[o.index()] {
                                self.error(item.span(), format!("`{}`: {s} is listed twice", t.path("on")));
                            }
                            on[o.index()] = true;
                        }
                        other => {
                            let found = match other {
                                DeValue::String(s) => format!("\"{s}\""),
                                other => type_name(other).to_string(),
                            };
                            self.error(
                                item.span(),
                                format!("`{}`: expected one of {}, found {found}", t.path("on"), names.join(", ")),
                            );
                        }
                    }
                }
            }
            Some((v, _)) => self.wrong(&t, "on", v, &expected_on),
        }
        let expected_after = format!(
            "a list of 1 to {MAX_RETRIES} waits, each a duration such as \"60s\" or \"pacific_midnight\" (one retry each)"
        );
        let after = match t.get("after").map(|v| (v, v.get_ref())) {
            None => {
                self.missing(&t, "after", &expected_after);
                None
            }
            Some((_, DeValue::Array(items))) if (1..=MAX_RETRIES).contains(&items.len()) => {
                items.iter().map(|item| self.retry_after(&t, item)).collect::<Option<Vec<_>>>()
            }
            Some((v, DeValue::Array(items))) => {
                self.invalid(&t, "after", v, format!("expected {expected_after}, found {} entries", items.len()));
                None
            }
            Some((v, _)) => {
                self.wrong(&t, "after", v, &expected_after);
                None
            }
        };
        let after = after?;
        if let (Some(h), Some(RetryAfter::Wait(first))) = (horizon, after.first())
            && *first >= h
            && let Some(v) = t.get("after")
        {
            let why = format!("the first retry waits {first}, as long as the {h} run or longer: no retry can happen");
            self.warn(v.span(), format!("`{}`: {why}", t.path("after")));
        }
        Some(Retry { on, after })
    }

    /// One entry of `after`: a duration, a number of seconds, or `"pacific_midnight"`.
    fn retry_after(&mut self, t: &Tbl, item: &Value) -> Option<RetryAfter> {
        let wait = match item.get_ref() {
            DeValue::String(s) if s == "pacific_midnight" => return Some(RetryAfter::PacificMidnight),
            DeValue::String(s) => duration(s),
            DeValue::Integer(n) => seconds(n.as_str()),
            DeValue::Float(x) => seconds(x.as_str()),
            other => Err(format!("expected a duration or \"pacific_midnight\", found {}", type_name(other))),
        };
        let why = match wait {
            Ok(d) if d > SimDuration::ZERO => return Some(RetryAfter::Wait(d)),
            Ok(_) => "a retry waits longer than zero".to_string(),
            Err(why) => why,
        };
        self.error(item.span(), format!("`{}`: {why}", t.path("after")));
        None
    }
}
