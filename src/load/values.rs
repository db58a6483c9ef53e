//! The scenario vocabulary: durations, rates, decimals, instants.
//! Each parser returns what was expected on failure, for the error message.

use super::reader::{Quote, did_you_mean};
use crate::scenario::bounds::{self, MAX_RATE_PER_SEC, MAX_SPAN, MIN_RATE_DAYS};
use crate::scenario::calendar;
use crate::scenario::rate::{Rate, Scale};
use crate::scenario::time::{NANOS_PER_SEC, SimDuration};
use jiff::fmt::temporal::{PiecesOffset, TimeZoneAnnotationKind};
use jiff::tz::AmbiguousOffset;

/// An exact decimal: `mantissa / 10^places`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub(crate) mantissa: u128,
    pub(crate) places: u32,
}

impl Decimal {
    /// Parses `12`, `0.25`, `1.5e3` is refused (write it out).
    pub(crate) fn parse(s: &str) -> Option<Decimal> {
        let s = s.trim().replace('_', "");
        let s = s.strip_prefix('+').unwrap_or(&s);
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || int.len() + frac.len() > 30
        {
            return None;
        }
        let digits = format!("{int}{frac}");
        Some(Decimal { mantissa: digits.parse().ok()?, places: frac.len() as u32 })
    }

    /// `self · multiplier` if it is a whole number.
    pub(crate) fn times_exact(self, multiplier: u128) -> Option<u128> {
        let den = 10u128.checked_pow(self.places)?;
        let n = self.mantissa.checked_mul(multiplier)?;
        (n % den == 0).then_some(n / den)
    }

    pub(crate) fn is_zero(self) -> bool {
        self.mantissa == 0
    }
}

const DURATION_UNITS: [(&str, u64); 7] = [
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
    ("d", 86_400 * NANOS_PER_SEC),
    ("h", 3_600 * NANOS_PER_SEC),
    ("m", 60 * NANOS_PER_SEC),
    ("s", NANOS_PER_SEC),
];

pub(crate) const DURATION_HELP: &str =
    "a duration such as \"250ms\", \"90s\", \"5m\", \"1h30m\", \"2d\" or a number of seconds (90, 1.5)";

/// Parses `"250ms"`, `"90s"`, `"5m"`, `"1h30m"`, `"2d"`, `"1.5s"`. Minutes are `m`
/// (there is no month).
pub(crate) fn duration(s: &str) -> Result<SimDuration, String> {
    let bad = || match Decimal::parse(s.trim()) {
        // A number in quotes has no unit: say how to write either.
        Some(_) => {
            let n = s.trim();
            format!(
                "expected {DURATION_HELP}, found \"{n}\" (no unit): write {n} without quotes for seconds, or \"{n}s\""
            )
        }
        None => format!("expected {DURATION_HELP}, found \"{s}\""),
    };
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let n = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        let number = Decimal::parse(&rest[..n]).ok_or_else(bad)?;
        rest = &rest[n..];
        let (unit, size) = DURATION_UNITS.iter().find(|(u, _)| rest.starts_with(u)).ok_or_else(bad)?;
        rest = &rest[unit.len()..];
        let ns = number.times_exact(*size as u128).ok_or_else(|| format!("\"{s}\" is finer than a nanosecond"))?;
        total += ns;
    }
    within_span(total, s)
}

/// A duration of `ns` nanoseconds, written `text`, if it is at most [`MAX_SPAN`].
fn within_span(ns: u128, text: &str) -> Result<SimDuration, String> {
    match u64::try_from(ns) {
        Ok(ns) if ns <= MAX_SPAN.as_nanos() => Ok(SimDuration::from_nanos(ns)),
        _ => Err(format!("{text} is longer than the longest span a scenario may cover ({MAX_SPAN}, a century)")),
    }
}

/// Whole or decimal seconds given as a TOML number.
pub(crate) fn seconds(number: &str) -> Result<SimDuration, String> {
    let d = Decimal::parse(number).ok_or_else(|| format!("expected {DURATION_HELP}, found {number}"))?;
    let ns = d.times_exact(NANOS_PER_SEC as u128).ok_or_else(|| format!("{number} s is finer than a nanosecond"))?;
    within_span(ns, &format!("{number} s"))
}

/// What is wrong with the date an RFC 3339 `text` begins with, when it
/// names no day of the calendar ("2026-02-30"): said as such rather than
/// as a time that does not parse.
pub(crate) fn impossible_date(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let mut part = || parts.next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let (y, m, d) = (part()?.parse().ok()?, part()?.parse().ok()?, part()?.parse().ok()?);
    if !text[10..].starts_with(['T', 't', ' ']) || jiff::civil::Date::new(y, m, d).is_ok() {
        return None;
    }
    Some(format!("{date} is not a day of the calendar"))
}

/// `±HH:MM`, the way RFC 3339 writes an offset.
pub(crate) fn hhmm(offset: jiff::tz::Offset) -> String {
    let s = offset.seconds();
    format!("{}{:02}:{:02}", if s < 0 { '-' } else { '+' }, s.abs() / 3600, s.abs() % 3600 / 60)
}

/// What is wrong with the zone an RFC 9557 `text` names in brackets, if it
/// names one the time-zone database lacks.
pub(crate) fn unknown_zone(text: &str) -> Option<String> {
    let name = text.split_once('[')?.1.strip_suffix(']')?;
    if calendar::zone(name).is_some() {
        return None;
    }
    let names = calendar::zone_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Some(format!("no time zone \"{name}\" in the time-zone database{}", did_you_mean(name, &names, Quote::Value)))
}

/// Why `text`, written as an instant, is none: the part at fault named
/// (a day or zone that does not exist, an offset missing, one its zone
/// does not have, or a time past the calendar's end), else `expected`.
pub(crate) fn not_an_instant(text: &str, expected: &str) -> String {
    let generic = || format!("expected {expected}, found \"{text}\"");
    if let Some(why) = impossible_date(text).or_else(|| unknown_zone(text)) {
        return why;
    }
    // A typographic minus or space, pasted from a document, looks right and is not.
    if let Some(c) = text.split('[').next().unwrap_or(text).chars().find(|c| !c.is_ascii()) {
        return format!(
            "\"{c}\" (U+{:04X}) is no part of an RFC 3339 time: write offsets with \"-\" or \"+\" (expected {expected})",
            c as u32
        );
    }
    let Ok(pieces) = jiff::fmt::temporal::DateTimeParser::new().parse_pieces(text) else {
        // A day that exists at an hour that does not ("25:00").
        let clock = text.get(11..).map(|t| t.split(['+', '-', 'Z', 'z', '[', '.']).next().unwrap_or(t));
        let bad_clock = text.get(..10).is_some_and(|d| d.parse::<jiff::civil::Date>().is_ok())
            && clock.is_some_and(|c| c.contains(':') && c.parse::<jiff::civil::Time>().is_err());
        return match clock.filter(|_| bad_clock) {
            Some(c) => format!("{c} is not a time of day (expected {expected})"),
            None => generic(),
        };
    };
    let Some(time) = pieces.time() else { return generic() };
    let civil = pieces.date().to_datetime(time);
    let zone = match pieces.time_zone_annotation().map(|a| a.kind()) {
        Some(TimeZoneAnnotationKind::Named(name)) => calendar::zone(name.as_str()).map(|tz| (name.as_str(), tz)),
        _ => None,
    };
    match (pieces.offset(), zone) {
        (None, None) => format!(
            "\"{text}\" has no UTC offset: write one, as in \"{civil}-07:00\", or Z for UTC (expected {expected})"
        ),
        (Some(PiecesOffset::Numeric(given)), Some((name, tz))) => {
            let given = given.offset();
            let offsets = match tz.to_ambiguous_timestamp(civil).offset() {
                AmbiguousOffset::Unambiguous { offset } => vec![offset],
                AmbiguousOffset::Gap { .. } => Vec::new(),
                AmbiguousOffset::Fold { before, after } => vec![before, after],
            };
            if offsets.contains(&given) {
                return generic();
            }
            if offsets.is_empty() {
                return format!("{civil} does not happen in {name}: the clocks skip it (a daylight-saving change)");
            }
            let has = offsets.iter().map(|&o| hhmm(o)).collect::<Vec<_>>().join(" or ");
            format!("{civil}{} is not a time of {name}: its offset then is {has}", hhmm(given))
        }
        _ if civil.year() >= 9999 => {
            format!("\"{text}\" lies past the end of the calendar, which ends with the year 9999")
        }
        _ => generic(),
    }
}

/// The UTC offset written in an instant `text`, when no place uses it
/// (outside -12:00 to +14:00): said as an error.
pub(crate) fn offset_out_of_range(text: &str) -> Option<String> {
    let pieces = jiff::fmt::temporal::DateTimeParser::new().parse_pieces(text).ok()?;
    let Some(PiecesOffset::Numeric(n)) = pieces.offset() else { return None };
    let s = n.offset().seconds();
    (!(-12 * 3600..=14 * 3600).contains(&s))
        .then(|| format!("expected a UTC offset from -12:00 to +14:00, found {} in \"{text}\"", hhmm(n.offset())))
}

pub(crate) const RATE_HELP: &str = "a rate such as \"5/s\", \"4500/min\", \"200000/day\"";

/// Parses `"5/s"`, `"4500/min"`, `"90/h"`, `"200000/day"`, or a bare number
/// counted per `default_period`.
pub(crate) fn rate(s: &str, default_period: SimDuration) -> Result<Rate, String> {
    let bad = || format!("expected {RATE_HELP} or a positive number, found \"{s}\"");
    let (count, period) = match s.split_once('/') {
        Some((count, unit)) => {
            let period = match unit.trim() {
                "s" | "sec" | "second" => SimDuration::from_secs(1),
                "min" | "minute" => SimDuration::from_secs(60),
                "h" | "hour" => SimDuration::from_secs(3_600),
                "d" | "day" => SimDuration::from_secs(86_400),
                other => duration(other).map_err(|_| bad())?,
            };
            if period == SimDuration::ZERO {
                return Err(format!("a rate's period must be longer than zero, found \"{s}\""));
            }
            (count, period)
        }
        None => (s, default_period),
    };
    let d = Decimal::parse(count).ok_or_else(bad)?;
    if d.places > 6 {
        return Err(format!("a rate takes at most 6 decimals, found \"{s}\""));
    }
    if d.is_zero() {
        return Err(format!("a rate must be more than zero, found \"{s}\""));
    }
    let den = 10u64.checked_pow(d.places).ok_or_else(bad)?;
    let num = u64::try_from(d.mantissa).map_err(|_| bad())?;
    if !bounds::rate_in_range(num as f64 / den as f64, period) {
        return Err(format!(
            "\"{s}\" is outside the rates a scenario may use: from 1 per {MIN_RATE_DAYS} days to {MAX_RATE_PER_SEC}/s"
        ));
    }
    Rate::new(num, den, period).ok_or_else(bad)
}

/// A fraction from 0 to 1 with at most 6 decimal places.
pub(crate) fn fraction(s: &str) -> Result<Scale, String> {
    let bad = || format!("expected a number from 0 to 1 with at most 6 decimals, found {s}");
    let d = Decimal::parse(s).ok_or_else(bad)?;
    if d.places > 6 {
        return Err(bad());
    }
    let ppt = d.times_exact(Scale::ONE.ppt() as u128).ok_or_else(bad)?;
    u64::try_from(ppt).ok().and_then(Scale::from_ppt).ok_or_else(bad)
}

/// US dollars with at most 9 decimals, as billionths.
pub(crate) fn usd(s: &str) -> Result<u64, String> {
    let bad = || format!("expected an amount in US dollars of at most 9 decimals, such as 0.0055, found {s}");
    let d = Decimal::parse(s).ok_or_else(bad)?;
    d.times_exact(1_000_000_000).and_then(|n| u64::try_from(n).ok()).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_that_is_none_says_which_part_is_wrong() {
        let why = |text: &str| not_an_instant(text, "an instant");
        assert_eq!(why("2026-02-30T09:00:00Z"), "2026-02-30 is not a day of the calendar");
        assert_eq!(why("2026-03-10T24:30:00Z"), "24:30:00 is not a time of day (expected an instant)");
        assert_eq!(
            why("2026-03-10T09:00:00.5"),
            "\"2026-03-10T09:00:00.5\" has no UTC offset: write one, as in \"2026-03-10T09:00:00.5-07:00\", \
             or Z for UTC (expected an instant)"
        );
        assert_eq!(
            why("2026-03-10T09:00:00+01:00[Europe/Londn]"),
            "no time zone \"Europe/Londn\" in the time-zone database; did you mean \"Europe/London\"?"
        );
        assert_eq!(
            why("2026-07-10T09:00:00+00:00[Europe/London]"),
            "2026-07-10T09:00:00+00:00 is not a time of Europe/London: its offset then is +01:00"
        );
        // In the autumn fold the hour has two offsets; in the spring gap none.
        assert_eq!(
            why("2026-11-01T01:30:00-06:00[America/Los_Angeles]"),
            "2026-11-01T01:30:00-06:00 is not a time of America/Los_Angeles: its offset then is -07:00 or -08:00"
        );
        assert_eq!(
            why("2026-03-08T02:30:00-08:00[America/Los_Angeles]"),
            "2026-03-08T02:30:00 does not happen in America/Los_Angeles: the clocks skip it (a daylight-saving change)"
        );
        assert_eq!(
            why("9999-12-31T23:00:00-05:00"),
            "\"9999-12-31T23:00:00-05:00\" lies past the end of the calendar, which ends with the year 9999"
        );
        assert_eq!(why("soon"), "expected an instant, found \"soon\"");
        assert_eq!(
            why("2026-03-10T09:00:00\u{2212}07:00"),
            "\"\u{2212}\" (U+2212) is no part of an RFC 3339 time: write offsets with \"-\" or \"+\" (expected an instant)"
        );
    }

    #[test]
    fn offsets_no_place_uses_are_refused() {
        assert_eq!(
            offset_out_of_range("2026-03-10T09:00:00+25:00").as_deref(),
            Some("expected a UTC offset from -12:00 to +14:00, found +25:00 in \"2026-03-10T09:00:00+25:00\"")
        );
        assert!(offset_out_of_range("2026-03-10T09:00:00-12:30").is_some());
        for fine in ["2026-03-10T09:00:00+14:00", "2026-03-10T09:00:00-12:00", "2026-03-10T09:00:00Z", "30m"] {
            assert_eq!(offset_out_of_range(fine), None, "{fine}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration("250ms"), Ok(SimDuration::from_millis(250)));
        assert_eq!(duration("90s"), Ok(SimDuration::from_secs(90)));
        assert_eq!(duration("5m"), Ok(SimDuration::from_secs(300)));
        assert_eq!(duration("1h30m"), Ok(SimDuration::from_secs(5400)));
        assert_eq!(duration("2d"), Ok(SimDuration::from_secs(172_800)));
        assert_eq!(duration("1.5s"), Ok(SimDuration::from_millis(1500)));
        assert!(duration("5M").is_err());
        assert!(duration("").is_err());
        assert_eq!(
            duration(" 5 ").unwrap_err(),
            format!("expected {DURATION_HELP}, found \"5\" (no unit): write 5 without quotes for seconds, or \"5s\"")
        );
        assert!(duration("m5").is_err());
        assert!(duration("0.5ns").is_err());
        assert_eq!(seconds("60"), Ok(SimDuration::from_secs(60)));
    }

    #[test]
    fn rates() {
        let s = SimDuration::from_secs(1);
        assert_eq!(rate("5/s", s), Ok(Rate::per_second(5)));
        assert_eq!(rate("4500/min", s), Ok(Rate::per_minute(4500)));
        assert_eq!(rate("0.25", s), Rate::new(1, 4, s).ok_or(String::new()));
        assert_eq!(rate("2400", SimDuration::from_secs(60)), Ok(Rate::per_minute(2400)));
        assert_eq!(rate("200000/day", s).unwrap().to_string(), "200000/day");
        assert!(rate("0/s", s).is_err());
        assert!(rate("-1/s", s).is_err());
        assert!(rate("5/fortnight", s).is_err());
        assert!(rate("fast", s).is_err());
        assert!(rate("0.0000001/s", s).is_err());
        assert_eq!(rate("3/10s", s), Rate::new(3, 1, SimDuration::from_secs(10)).ok_or(String::new()));
    }

    #[test]
    fn fractions_and_money() {
        assert_eq!(fraction("0.3").unwrap().ppt(), 300_000_000_000);
        assert_eq!(fraction("1").unwrap(), Scale::ONE);
        assert!(fraction("1.5").is_err());
        assert!(fraction("0.1234567").is_err());
        assert_eq!(usd("0.0055"), Ok(5_500_000));
        assert!(usd("-1").is_err());
    }
}
