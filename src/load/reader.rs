//! Reading a spanned TOML document: typed values out of tables, each
//! mistake reported at its line and column with the key and what was
//! expected.

use super::{Diagnostic, position, values};
use crate::scenario::Money;
use crate::scenario::bounds::MAX_SPAN;
use crate::scenario::calendar::Calendar;
use crate::scenario::rate::{Rate, Scale};
use crate::scenario::time::{SimDuration, SimTime};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// A table being read, with its path for messages.
pub(super) struct Tbl<'a, 'i> {
    pub(super) table: &'a DeTable<'i>,
    pub(super) span: Range<usize>,
    pub(super) name: String,
}

impl<'a, 'i> Tbl<'a, 'i> {
    pub(super) fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }
    pub(super) fn path(&self, key: &str) -> String {
        if self.name.is_empty() { key.to_string() } else { format!("{}.{key}", self.name) }
    }
}

pub(super) struct Reader<'s> {
    pub(super) src: &'s str,
    pub(super) file: &'s str,
    pub(super) dir: &'s Path,
    /// Folders besides `dir` that trace files may be in.
    pub(super) allow: &'s [PathBuf],
    pub(super) diags: Vec<Diagnostic>,
}

impl<'s> Reader<'s> {
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        position(self.src, offset)
    }

    pub(super) fn report(&mut self, span: Range<usize>, message: String, warning: bool) {
        let (line, column) = self.position(span.start);
        self.diags.push(Diagnostic { file: self.file.to_string(), line, column, message, warning });
    }
    pub(super) fn error(&mut self, span: Range<usize>, message: String) {
        self.report(span, message, false);
    }
    pub(super) fn warn(&mut self, span: Range<usize>, message: String) {
        self.report(span, message, true);
    }

    /// Reports keys of `t` not in `allowed`, with a suggestion.
    pub(super) fn check_keys(&mut self, t: &Tbl, allowed: &[&str]) {
        for (key, _) in t.table.iter() {
            let k: &str = key.get_ref();
            if !allowed.contains(&k) {
                let hint = did_you_mean(k, allowed, Quote::Key);
                let place = if t.name.is_empty() { "at the top level".into() } else { format!("in `{}`", t.name) };
                self.error(
                    key.span(),
                    format!("unknown key `{k}` {place}{hint} (expected one of: {})", allowed.join(", ")),
                );
            }
        }
    }

    pub(super) fn table<'a, 'i>(&mut self, v: &'a Value<'i>, name: String, allowed: &[&str]) -> Option<Tbl<'a, 'i>> {
        let t = self.unchecked_table(v, name)?;
        self.check_keys(&t, allowed);
        Some(t)
    }

    /// A table whose keys the caller checks once it knows the table's name.
    pub(super) fn unchecked_table<'a, 'i>(&mut self, v: &'a Value<'i>, name: String) -> Option<Tbl<'a, 'i>> {
        match v.get_ref() {
            DeValue::Table(table) => Some(Tbl { table, span: v.span(), name }),
            other => {
                self.error(v.span(), format!("`{name}`: expected a table, found {}", type_name(other)));
                None
            }
        }
    }

    /// The tables of an array of tables (`[[traffic]]`), each with its key list checked.
    pub(super) fn tables<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str) -> Vec<&'a Value<'i>> {
        match t.get(key) {
            None => Vec::new(),
            Some(v) => match v.get_ref() {
                DeValue::Array(items) => items.iter().collect(),
                other => {
                    self.error(
                        v.span(),
                        format!("`{key}`: expected an array of tables ([[{key}]]), found {}", type_name(other)),
                    );
                    Vec::new()
                }
            },
        }
    }

    pub(super) fn missing(&mut self, t: &Tbl, key: &str, expected: &str) {
        let place = if t.name.is_empty() { "the scenario".into() } else { format!("`{}`", t.name) };
        self.error(t.span.clone(), format!("{place} needs `{key}`: {expected}"));
    }

    pub(super) fn wrong(&mut self, t: &Tbl, key: &str, v: &Value, expected: &str) {
        let found = type_name(v.get_ref());
        self.error(v.span(), format!("`{}`: expected {expected}, found {found}", t.path(key)));
    }

    pub(super) fn invalid(&mut self, t: &Tbl, key: &str, v: &Value, why: String) {
        self.error(v.span(), format!("`{}`: {why}", t.path(key)));
    }

    pub(super) fn string<'a>(&mut self, t: &Tbl<'a, '_>, key: &str) -> Option<&'a str> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => {
                self.wrong(t, key, v, "a string");
                None
            }
        }
    }

    pub(super) fn bool(&mut self, t: &Tbl, key: &str) -> Option<bool> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong(t, key, v, "true or false");
                None
            }
        }
    }

    /// The literal text of a number value.
    pub(super) fn number_text<'a>(&mut self, t: &Tbl<'a, '_>, key: &str, expected: &str) -> Option<&'a str> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => Some(i.as_str()),
            DeValue::Float(f) => Some(f.as_str()),
            _ => {
                self.wrong(t, key, v, expected);
                None
            }
        }
    }

    pub(super) fn int(&mut self, t: &Tbl, key: &str, range: std::ops::RangeInclusive<u64>) -> Option<u64> {
        // No bound but the type's: its twenty digits would read as a limit.
        let expected = match range.end() {
            &u64::MAX => format!("a whole number of at least {}", range.start()),
            end => format!("a whole number from {} to {end}", range.start()),
        };
        let v = t.get(key)?;
        let text = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', ""),
            _ => {
                self.wrong(t, key, v, &expected);
                return None;
            }
        };
        match text.parse::<u64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                self.invalid(t, key, v, format!("expected {expected}, found {text}"));
                None
            }
        }
    }

    pub(super) fn float(&mut self, t: &Tbl, key: &str) -> Option<f64> {
        let v = t.get(key)?;
        let text = self.number_text(t, key, "a number")?;
        match text.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.invalid(t, key, v, format!("expected a finite number, found {text}"));
                None
            }
        }
    }

    /// A value parsed from a string (or a number's text) by `parse`.
    pub(super) fn parsed<T>(
        &mut self,
        t: &Tbl,
        key: &str,
        numbers: bool,
        expected: &str,
        parse: impl FnOnce(&str, bool) -> Result<T, String>,
    ) -> Option<T> {
        let v = t.get(key)?;
        let (text, is_number) = match v.get_ref() {
            DeValue::String(s) => (s.as_ref(), false),
            DeValue::Integer(i) if numbers && i.radix() == 10 => (i.as_str(), true),
            DeValue::Float(f) if numbers => (f.as_str(), true),
            _ => {
                self.wrong(t, key, v, expected);
                return None;
            }
        };
        match parse(text, is_number) {
            Ok(x) => Some(x),
            Err(why) => {
                self.invalid(t, key, v, why);
                None
            }
        }
    }

    pub(super) fn duration(&mut self, t: &Tbl, key: &str) -> Option<SimDuration> {
        self.parsed(
            t,
            key,
            true,
            values::DURATION_HELP,
            |s, number| {
                if number { values::seconds(s) } else { values::duration(s) }
            },
        )
    }

    /// A rate; a bare number counts per `bare`.
    pub(super) fn rate(&mut self, t: &Tbl, key: &str, bare: SimDuration) -> Option<Rate> {
        let help = format!("{} or a positive number", values::RATE_HELP);
        self.parsed(t, key, true, &help, |s, _| values::rate(s, bare))
    }

    pub(super) fn fraction(&mut self, t: &Tbl, key: &str) -> Option<Scale> {
        self.parsed(t, key, true, "a number from 0 to 1", |s, _| values::fraction(s))
    }

    pub(super) fn usd(&mut self, t: &Tbl, key: &str) -> Option<Money> {
        self.parsed(t, key, true, "an amount in US dollars", |s, _| values::usd(s)).map(Money)
    }

    pub(super) fn choice<T: Copy>(
        &mut self,
        t: &Tbl,
        key: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) -> Option<T> {
        let v = t.get(key)?;
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        let expected = format!("one of {}", names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "));
        let DeValue::String(s) = v.get_ref() else {
            self.wrong(t, key, v, &expected);
            return None;
        };
        match all.iter().find(|x| name(**x) == s.as_ref()) {
            Some(x) => Some(*x),
            None => {
                let hint = did_you_mean(s, &names, Quote::Value);
                self.invalid(t, key, v, format!("expected {expected}, found \"{s}\"{hint}"));
                None
            }
        }
    }

    /// An instant: an offset from `start` (duration) or an RFC 3339 time.
    pub(super) fn instant(&mut self, t: &Tbl, key: &str, cal: &Calendar) -> Option<SimTime> {
        let v = t.get(key)?;
        let expected =
            "an offset from `start` such as \"30m\", or an RFC 3339 time such as \"2026-03-10T09:00:00-07:00\"";
        let text = match v.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(_) | DeValue::Float(_) => {
                let d = self.duration(t, key)?;
                return Some(SimTime::ZERO + d);
            }
            _ => {
                self.wrong(t, key, v, expected);
                return None;
            }
        };
        let offset = values::duration(&text);
        if let Ok(d) = offset {
            return Some(SimTime::ZERO + d);
        }
        if let Some(why) = values::offset_out_of_range(&text) {
            self.invalid(t, key, v, why);
            return None;
        }
        match text.parse::<jiff::Timestamp>() {
            Ok(ts) => match cal.sim_time(ts) {
                Some(at) if at > SimTime::ZERO + MAX_SPAN => {
                    let why = format!("{text} is more than a century ({MAX_SPAN}) after the scenario's `start`");
                    self.invalid(t, key, v, why);
                    None
                }
                Some(at) => Some(at),
                None => {
                    self.invalid(
                        t,
                        key,
                        v,
                        format!("{text} is before the scenario's `start` ({})", cal.rfc3339(SimTime::ZERO)),
                    );
                    None
                }
            },
            Err(_) => {
                // An offset too long to run says so rather than that it is no instant.
                let why = match offset {
                    Err(why) if why.contains("longest span") => why,
                    _ => values::not_an_instant(&text, expected),
                };
                self.invalid(t, key, v, why);
                None
            }
        }
    }
}

pub(super) fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// `; did you mean "x"?` when `x`, one of `options`, is close enough to
/// `word` to be a likely typo; else nothing. Keys are quoted as `key`,
/// values as "value", as the messages show them. Case is ignored:
/// `america/new_york` suggests `America/New_York`.
pub(crate) fn did_you_mean(word: &str, options: &[&str], quote: Quote) -> String {
    if word.trim().is_empty() {
        return String::new();
    }
    let closest = options
        .iter()
        .map(|o| (edit_distance(&word.to_lowercase(), &o.to_lowercase()), *o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 4))
        .min_by_key(|(d, _)| *d);
    match (closest, quote) {
        (None, _) => String::new(),
        (Some((_, o)), Quote::Key) => format!("; did you mean `{o}`?"),
        (Some((_, o)), Quote::Value) => format!("; did you mean \"{o}\"?"),
    }
}

/// How a suggestion is quoted.
#[derive(Clone, Copy)]
pub(crate) enum Quote {
    Key,
    Value,
}

/// Levenshtein distance, for suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
