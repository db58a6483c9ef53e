//! `--window START..END`: the stretch of a run its charts show.

use super::values::{DURATION_HELP, duration, impossible_date, not_an_instant, offset_out_of_range, seconds};
use crate::scenario::calendar::Calendar;
use crate::scenario::time::{SimDuration, SimTime};
use jiff::Timestamp;

/// An instant given on the command line: an offset from each scenario's
/// `start`, or an RFC 3339 time (one end of `--window`, or `--as-of`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// This long after the start.
    Offset(SimDuration),
    /// This instant.
    At(Timestamp),
}

/// A `--as-of` (or `--window` end) that is neither an offset nor an RFC 3339 time.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MomentError(String);

impl std::str::FromStr for Moment {
    type Err = MomentError;
    fn from_str(s: &str) -> Result<Moment, MomentError> {
        Moment::parse(s).map_err(MomentError)
    }
}

impl Moment {
    /// The instant on `cal`.
    pub fn timestamp(self, cal: &Calendar) -> Timestamp {
        match self {
            Moment::Offset(d) => cal.timestamp(SimTime::ZERO + d),
            Moment::At(ts) => ts,
        }
    }

    fn parse(text: &str) -> Result<Moment, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!(
                "expected an offset from the start ({DURATION_HELP}) or an RFC 3339 time, found nothing"
            ));
        }
        if let Some(why) = impossible_date(text) {
            return Err(why);
        }
        if text.contains('T') {
            // RFC 9557 names the zone after the offset: `...-04:00[America/New_York]`.
            let at = if text.contains('[') {
                text.parse::<jiff::ZonedDateTime>().map(|z| z.timestamp()).ok()
            } else {
                text.parse::<Timestamp>().ok()
            };
            if let Some(why) = offset_out_of_range(text) {
                return Err(why);
            }
            return at.map(Moment::At).ok_or_else(|| not_an_instant(text, "an RFC 3339 time with its offset"));
        }
        // Neither: both ways of writing a moment are named, unless it is an
        // offset too long to run.
        duration(text).or_else(|e| seconds(text).map_err(|_| e)).map(Moment::Offset).map_err(|e| {
            if e.contains("longest span") {
                return e;
            }
            format!(
                "expected an offset from the start ({DURATION_HELP}) or an RFC 3339 time such as \
                 \"2026-03-10T09:00:00-07:00\", found \"{text}\""
            )
        })
    }

    fn resolve(self, cal: &Calendar) -> SimTime {
        match self {
            Moment::Offset(d) => SimTime::ZERO + d,
            Moment::At(ts) => cal.clamp(ts),
        }
    }
}

/// The window of `--window`, read once and placed on each scenario's calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartWindow {
    from: Moment,
    to: Moment,
}

/// A `--window` argument that is not `START..END`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WindowArgError(String);

impl std::str::FromStr for ChartWindow {
    type Err = WindowArgError;
    fn from_str(s: &str) -> Result<ChartWindow, WindowArgError> {
        let bad = |why: String| WindowArgError(why);
        if s.contains("...") {
            // `10m...2h` would read as 10m to .2h (12 minutes).
            return Err(bad(format!("expected START..END with two dots between them, found \"{s}\"")));
        }
        let (from, to) = s.split_once("..").ok_or_else(|| {
            bad(format!(
                "expected START..END, each an offset from the start ({DURATION_HELP}) or an RFC 3339 time, such as 9h..10h30m"
            ))
        })?;
        let (from_text, to_text) = (from.trim(), to.trim());
        let (from, to) = (Moment::parse(from).map_err(bad)?, Moment::parse(to).map_err(bad)?);
        // Told as written: an instant's offset is the reader's own.
        let reversed = || bad(format!("the end ({to_text}) must come after the start ({from_text})"));
        match (from, to) {
            (Moment::Offset(a), Moment::Offset(b)) if b <= a => Err(reversed()),
            (Moment::At(a), Moment::At(b)) if b <= a => Err(reversed()),
            (Moment::Offset(_), Moment::At(_)) | (Moment::At(_), Moment::Offset(_)) => {
                Err(bad("give both ends as offsets or both as RFC 3339 times".into()))
            }
            _ => Ok(ChartWindow { from, to }),
        }
    }
}

impl ChartWindow {
    /// The window on `cal`: instants before the start clamp to it.
    pub fn on(&self, cal: &Calendar) -> (SimTime, SimTime) {
        (self.from.resolve(cal), self.to.resolve(cal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_or_instants_in_order() {
        let cal = Calendar::parse("2026-03-10T09:00:00-07:00").unwrap();
        let at = |s: u64| SimTime::ZERO + SimDuration::from_secs(s);
        let w: ChartWindow = "9m..1h30m".parse().unwrap();
        assert_eq!(w.on(&cal), (at(540), at(5400)));
        let w: ChartWindow = "2026-03-10T08:00:00-07:00..2026-03-10T12:30:00-04:00".parse().unwrap();
        assert_eq!(w.on(&cal), (at(0), at(1800)), "before the start clamps to it");
        let w: ChartWindow = "60..90".parse().unwrap();
        assert_eq!(w.on(&cal), (at(60), at(90)), "whole seconds");
        let zoned: Moment = "2026-03-10T13:00:00-04:00[America/New_York]".parse().unwrap();
        assert_eq!(zoned.timestamp(&cal), "2026-03-10T17:00:00Z".parse().unwrap());
    }

    #[test]
    fn each_way_to_get_it_wrong_says_what_was_expected() {
        let err = |s: &str| s.parse::<ChartWindow>().unwrap_err().to_string();
        assert!(err("9h").starts_with("expected START..END, each an offset from the start ("));
        assert_eq!(err("2h..1h"), "the end (1h) must come after the start (2h)");
        assert!(err(" ..1h").ends_with("or an RFC 3339 time, found nothing"), "a blank end is named so");
        assert_eq!(
            err("2026-03-10T10:00:00-07:00..2026-03-10T09:00:00-07:00"),
            "the end (2026-03-10T09:00:00-07:00) must come after the start (2026-03-10T10:00:00-07:00)",
            "as written, not in UTC"
        );
        assert_eq!(err("10m...2h"), "expected START..END with two dots between them, found \"10m...2h\"");
        assert_eq!(err("1h..2026-03-10T09:00:00Z"), "give both ends as offsets or both as RFC 3339 times");
        assert_eq!(
            err("1h..2x"),
            format!(
                "expected an offset from the start ({DURATION_HELP}) or an RFC 3339 time such as \
                 \"2026-03-10T09:00:00-07:00\", found \"2x\""
            )
        );
        assert_eq!(err("2026-02-29T09:00:00Z..1h"), "2026-02-29 is not a day of the calendar");
        assert_eq!(impossible_date("2028-02-29T09:00:00Z"), None, "a leap day");
        assert_eq!(impossible_date("2026-13-01T09:00:00Z").as_deref(), Some("2026-13-01 is not a day of the calendar"));
        assert_eq!(
            err("2026-03-10T09:00..1h"),
            "\"2026-03-10T09:00\" has no UTC offset: write one, as in \"2026-03-10T09:00:00-07:00\", or Z for UTC \
             (expected an RFC 3339 time with its offset)"
        );
    }
}
