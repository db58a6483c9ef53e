//! The calendar a scenario runs on: its start instant and Pacific time.
//!
//! T-Mobile's daily cap resets at Pacific midnight and `profile` traffic
//! follows the Pacific hour. The time-zone database is compiled into the
//! binary and asked for explicitly, so a machine's own zoneinfo (or its
//! absence) never changes a result.

use crate::scenario::time::{SimDuration, SimTime};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{TimeZone, TimeZoneDatabase};
use std::sync::OnceLock;

/// The latest instant a run may start: its clock counts to 2^64 − 1 ns
/// (about 584 years), and every instant of it must be a time of the
/// calendar, which ends with the year 9999.
pub(crate) fn latest_start() -> Timestamp {
    Timestamp::from_nanosecond(Timestamp::MAX.as_nanosecond() - i128::from(u64::MAX))
        .expect("584 years before the calendar's end is within it")
}

/// The zone named `name` in the bundled time-zone database (never the
/// machine's own).
pub(crate) fn zone(name: &str) -> Option<TimeZone> {
    TimeZoneDatabase::bundled().get(name).ok()
}

/// Every zone name in the bundled database, for suggestions.
pub(crate) fn zone_names() -> Vec<String> {
    TimeZoneDatabase::bundled().available().map(|n| n.as_str().to_string()).collect()
}

/// Toll-free numbers that are not verified are blocked from this instant on:
/// 2024-01-31 00:00 Pacific.
pub(crate) const TOLL_FREE_BLOCK_FROM: &str = "2024-01-31T00:00:00-08:00";

fn pacific() -> &'static TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    TZ.get_or_init(|| zone("America/Los_Angeles").expect("the bundled time-zone database has America/Los_Angeles"))
}

/// A Pacific calendar day and the instant (from the scenario start) it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PacificDay {
    pub(crate) date: Date,
    pub(crate) end: SimTime,
}

/// Maps simulated instants to wall-clock time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    start: Timestamp,
    /// Where people read times: the zone named by `timezone` or by `start`
    /// (RFC 9557), else the UTC offset `start` was written with.
    display: TimeZone,
}

impl Calendar {
    pub(crate) fn new(start: Timestamp) -> Calendar {
        Calendar { start, display: TimeZone::UTC }
    }

    /// Parses an RFC 3339 instant, keeping its UTC offset as the display
    /// time; or an RFC 9557 one naming its zone
    /// (`2026-03-10T09:00:00-04:00[America/New_York]`), shown in that zone.
    pub(crate) fn parse(text: &str) -> Option<Calendar> {
        if text.contains('[') {
            let zoned: jiff::ZonedDateTime = text.trim().parse().ok()?;
            return Some(Calendar { start: zoned.timestamp(), display: zoned.time_zone().clone() });
        }
        let start: Timestamp = text.parse().ok()?;
        let t = text.trim();
        let offset_s = if t.ends_with(['Z', 'z']) {
            0
        } else {
            let (sign, hh, mm) =
                (t.get(t.len() - 6..t.len() - 5)?, t.get(t.len() - 5..t.len() - 3)?, t.get(t.len() - 2..)?);
            let s = hh.parse::<i32>().ok()? * 3600 + mm.parse::<i32>().ok()? * 60;
            if sign == "-" { -s } else { s }
        };
        let offset = jiff::tz::Offset::from_seconds(offset_s).ok()?;
        Some(Calendar { start, display: TimeZone::fixed(offset) })
    }

    /// The same calendar shown in `zone` (the scenario's `timezone`).
    pub(crate) fn shown_in(self, zone: TimeZone) -> Calendar {
        Calendar { display: zone, ..self }
    }

    /// The UTC offset of the display time at `t`, in seconds: it changes at
    /// daylight-saving transitions when the display zone has them.
    pub fn offset_s(&self, t: SimTime) -> i32 {
        self.display.to_offset(self.timestamp(t)).seconds()
    }

    /// The display zone as people name it: `America/New_York`, or `UTC-07:00`.
    pub fn zone_name(&self) -> String {
        match self.display.iana_name() {
            Some(name) => name.to_string(),
            None => format!("UTC{}", self.local(SimTime::ZERO, "%:z")),
        }
    }

    /// `t` on the display wall clock, formatted with `strftime`'s `format`.
    pub fn local(&self, t: SimTime, format: &str) -> String {
        self.shown(self.timestamp(t), format)
    }

    /// `ts` on the display wall clock, formatted with `strftime`'s `format`.
    pub fn shown(&self, ts: Timestamp, format: &str) -> String {
        ts.to_zoned_datetime(self.display.clone()).strftime(format).to_string()
    }

    /// Every Pacific midnight strictly after the start and before `end`.
    pub fn pacific_midnights(&self, end: SimTime) -> Vec<SimTime> {
        let mut out = Vec::new();
        let mut day = self.pacific_day(SimTime::ZERO);
        while day.end < end {
            out.push(day.end);
            day = self.pacific_day(day.end);
        }
        out
    }

    pub(crate) fn start(&self) -> Timestamp {
        self.start
    }

    /// The wall-clock instant of `t`.
    pub(crate) fn timestamp(&self, t: SimTime) -> Timestamp {
        Timestamp::from_nanosecond(self.start.as_nanosecond() + t.as_nanos() as i128)
            .expect("simulated instants stay within jiff's range")
    }

    /// `ts` as an instant of the run; `None` before the start, and
    /// [`SimTime::NEVER`] past the 584 years a run's clock can count.
    pub(crate) fn sim_time(&self, ts: Timestamp) -> Option<SimTime> {
        let ns = ts.as_nanosecond() - self.start.as_nanosecond();
        (ns >= 0).then(|| u64::try_from(ns).map_or(SimTime::NEVER, SimTime::from_nanos))
    }

    /// The Pacific day holding `t`.
    pub(crate) fn pacific_day(&self, t: SimTime) -> PacificDay {
        let zoned = self.timestamp(t).to_zoned_datetime(pacific().clone());
        let next = zoned
            .date()
            .tomorrow()
            .and_then(|d| d.to_zoned_datetime(pacific().clone()))
            .expect("dates stay within jiff's range");
        let end = self.sim_time(next.timestamp()).expect("the day ends after the start");
        PacificDay { date: zoned.date(), end }
    }

    /// The Pacific wall-clock hour (0..=23) at `t`, and when it ends.
    /// Pacific offsets are whole hours, so hours turn with UTC hours.
    pub(crate) fn pacific_hour(&self, t: SimTime) -> (usize, SimTime) {
        let ts = self.timestamp(t);
        let hour = ts.to_zoned_datetime(pacific().clone()).hour() as usize;
        const HOUR: i128 = 3_600_000_000_000;
        let ns = ts.as_nanosecond();
        let next = (ns.div_euclid(HOUR) + 1) * HOUR;
        let left = (next - ns) as u64;
        (hour, t + SimDuration::from_nanos(left))
    }

    /// `t` in RFC 3339 on the display clock, with its offset (and
    /// nanoseconds when there are any): exact, for records read back.
    pub fn rfc3339(&self, t: SimTime) -> String {
        let ts = self.timestamp(t);
        ts.display_with_offset(self.display.to_offset(ts)).to_string()
    }

    /// `t` in RFC 3339 with the Pacific offset, as reports show it.
    pub fn pacific_rfc3339(&self, t: SimTime) -> String {
        let zoned = self.timestamp(t).to_zoned_datetime(pacific().clone());
        zoned.timestamp().display_with_offset(zoned.offset()).to_string()
    }

    /// The first instant of the run at or after `ts` (zero when `ts` is earlier).
    pub(crate) fn clamp(&self, ts: Timestamp) -> SimTime {
        self.sim_time(ts).unwrap_or(SimTime::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(s: &str) -> Calendar {
        Calendar::new(s.parse().unwrap())
    }

    #[test]
    fn instants_past_a_runs_clock_are_never_not_before_the_start() {
        let c = cal("2026-03-10T00:00:00-08:00");
        let at = |t: &str| c.sim_time(t.parse().unwrap());
        assert_eq!(at("2026-03-09T23:59:59-08:00"), None);
        assert_eq!(at("2026-03-10T00:00:01-08:00"), Some(SimTime::from_nanos(1_000_000_000)));
        assert_eq!(at("2900-01-01T00:00:00Z"), Some(SimTime::NEVER));
        assert_eq!(c.clamp("2900-01-01T00:00:00Z".parse().unwrap()), SimTime::NEVER);
        assert_eq!(c.clamp("2000-01-01T00:00:00Z".parse().unwrap()), SimTime::ZERO);
    }

    #[test]
    fn spring_forward_day_lasts_23_hours() {
        let c = cal("2026-03-08T08:00:00Z"); // Pacific midnight starting 2026-03-08
        let day = c.pacific_day(SimTime::ZERO);
        assert_eq!(day.date.to_string(), "2026-03-08");
        assert_eq!(day.end, SimTime::ZERO + SimDuration::from_secs(23 * 3600));
        assert_eq!(c.pacific_rfc3339(day.end), "2026-03-09T00:00:00-07:00");
    }

    #[test]
    fn fall_back_day_lasts_25_hours() {
        let c = cal("2026-11-01T07:00:00Z");
        let day = c.pacific_day(SimTime::ZERO);
        assert_eq!(day.date.to_string(), "2026-11-01");
        assert_eq!(day.end, SimTime::ZERO + SimDuration::from_secs(25 * 3600));
    }

    #[test]
    fn hours_follow_pacific_wall_clock() {
        let c = cal("2026-03-10T08:30:00-07:00");
        let (hour, end) = c.pacific_hour(SimTime::ZERO);
        assert_eq!(hour, 8);
        assert_eq!(end, SimTime::ZERO + SimDuration::from_secs(1800));
    }

    #[test]
    fn local_time_follows_the_start_offset() {
        let c = Calendar::parse("2026-03-10T08:00:00-07:00").unwrap();
        assert_eq!(c.local(SimTime::ZERO + SimDuration::from_secs(5400), "%H:%M"), "09:30");
        let z = Calendar::parse("2026-03-10T15:00:00Z").unwrap();
        assert_eq!(z.local(SimTime::ZERO, "%H:%M"), "15:00");
        assert_eq!(c.pacific_midnights(SimTime::ZERO + SimDuration::from_secs(86_400 * 2)).len(), 2);
        assert_eq!(
            c.pacific_rfc3339(
                c.pacific_midnights(SimTime::NEVER.min(SimTime::ZERO + SimDuration::from_secs(86_400)))[0]
            ),
            "2026-03-11T00:00:00-07:00"
        );
    }

    #[test]
    fn toll_free_cutoff_is_pacific_midnight() {
        let cutoff: Timestamp = TOLL_FREE_BLOCK_FROM.parse().unwrap();
        assert_eq!(cutoff.to_string(), "2024-01-31T08:00:00Z");
        let c = cal("2024-01-30T12:00:00-08:00");
        assert_eq!(c.clamp(cutoff), SimTime::ZERO + SimDuration::from_secs(12 * 3600));
    }
}
