//! The time axis of a run's charts: local wall clock, outages shaded and
//! Pacific midnights dotted, shared by every chart over time.

use super::draw::Panel;
use crate::run::simulate::RunResult;
use crate::scenario::Scenario;
use crate::scenario::calendar::Calendar;
use crate::scenario::time::SimTime;

/// Longest run (seconds) whose Pacific midnights are dotted: beyond two
/// months the lines merge into grey, and each dash is an SVG element.
const DOTTED_MIDNIGHTS: f64 = 62.0 * 86_400.0;

/// The time axis of a run's charts over the whole run or a window of it:
/// display wall clock, outages and day boundaries.
pub(super) struct Clock {
    calendar: Calendar,
    /// Seconds per time-series row: the series' own step, which may be
    /// longer than the scenario's `timeseries_step`.
    pub(super) step: f64,
    /// Rows sum the replications; charts divide by this to show their mean.
    pub(super) replications: f64,
    /// The axis, in seconds from the start.
    from: f64,
    end: f64,
    /// The rows the axis shows: `first..last` of the series.
    first: usize,
    last: usize,
    outages: Vec<(f64, f64)>,
    midnights: Vec<f64>,
}

impl Clock {
    /// The axis of the whole run, or of `window` within it.
    pub(super) fn new(sc: &Scenario, r: &RunResult, window: Option<(SimTime, SimTime)>) -> Clock {
        let rows = r.stats.series.len();
        let step = r.stats.series.step().as_secs_f64();
        // To the horizon when there is one: quiet hours at the end are part of the run.
        let horizon = sc.horizon.map_or(0.0, |h| h.as_secs_f64());
        let whole = (rows as f64 * step).max(r.stats.drain.as_secs_f64()).max(horizon).max(step);
        // A window is drawn as asked, past the run's end too (empty there).
        let (from, end) = match window {
            Some((a, b)) => (a.as_secs_f64(), b.as_secs_f64()),
            None => (0.0, whole),
        };
        let end = end.max(from + step);
        let first = ((from / step).floor() as usize).min(rows);
        let last = ((end / step).ceil() as usize).clamp(first, rows);
        let within = |x: f64| (from..=end).contains(&x);
        Clock {
            calendar: sc.calendar.clone(),
            step,
            replications: f64::from(sc.replications),
            from,
            end,
            first,
            last,
            outages: sc
                .outages
                .iter()
                .map(|o| (o.start.as_secs_f64().max(from), o.end.as_secs_f64().min(end)))
                .filter(|(a, b)| a < b)
                .collect(),
            midnights: if end - from <= DOTTED_MIDNIGHTS {
                let end_t = SimTime::from_nanos((end * 1e9) as u64);
                sc.calendar.pacific_midnights(end_t).iter().map(|t| t.as_secs_f64()).filter(|&x| within(x)).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The rows of `all` on this axis; row `i` of them spans `x(i, 0.0)..x(i, 1.0)`.
    pub(super) fn rows<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        &all[self.first.min(all.len())..self.last.min(all.len())]
    }

    /// Seconds from the start at fraction `at` of row `i` of [`Clock::rows`].
    pub(super) fn x(&self, i: usize, at: f64) -> f64 {
        (self.first as f64 + i as f64 + at) * self.step
    }

    /// Whether `x` (seconds from the start) is on the axis.
    pub(super) fn shows(&self, x: f64) -> bool {
        (self.from..=self.end).contains(&x)
    }

    /// The axis's stretch on the display clock: `11:00–12:00`.
    pub(super) fn stretch(&self) -> String {
        format!("{}–{}", self.when(self.from), self.when(self.end))
    }

    /// `t` (seconds from the start) on the display clock: with the date
    /// when the axis spans more than a day.
    pub(super) fn when(&self, t: f64) -> String {
        let format = if self.end - self.from > 86_400.0 { "%m-%d %H:%M" } else { "%H:%M" };
        self.calendar.local(SimTime::from_nanos((t * 1e9) as u64), format)
    }

    /// `what` per run: with replications, "(mean of N replications)" added.
    pub(super) fn mean_of(&self, what: &str) -> String {
        match self.replications {
            1.0 => what.to_string(),
            n => format!("{what} (mean of {n} replications)"),
        }
    }

    /// A panel over the run's time with outages shaded and Pacific midnights dotted.
    pub(super) fn panel(&self, title: &str, y_desc: &str) -> Panel {
        let mut p = Panel::new(title, self.x_desc(), y_desc);
        p.x_range = (self.from, self.end);
        p.shaded = self.outages.clone();
        p.midnights = self.midnights.clone();
        p.x_ticks = Some(self.ticks());
        p
    }

    /// Ticks on round display times (every 1 min to 1 day, then whole
    /// weeks), at most nine; each is placed with the offset in force at it,
    /// so ticks stay on round hours across a daylight-saving change.
    fn ticks(&self) -> Vec<(f64, String)> {
        const STEPS: [i64; 12] = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800];
        const WEEK: i64 = 604_800;
        let (from, end) = (self.from.ceil() as i64, self.end.ceil() as i64);
        let span = self.end - self.from;
        let step = STEPS
            .into_iter()
            .find(|s| span / *s as f64 <= 8.0)
            .unwrap_or((span / 8.0 / WEEK as f64).ceil() as i64 * WEEK);
        let start = self.calendar.start().as_second();
        let offset = |x: i64| self.calendar.offset_s(at(x)) as i64;
        // The first instant at or after `x` whose display time is a multiple of `step`.
        let next = |x: i64| {
            let aligned = |off: i64| ((start + x + off) as f64 / step as f64).ceil() as i64 * step - off - start;
            let guess = aligned(offset(x));
            aligned(offset(guess)).max(x)
        };
        let format = match span {
            s if s > DOTTED_MIDNIGHTS => "%Y-%m-%d",
            s if s > 86_400.0 => "%m-%d %H:%M",
            _ => "%H:%M",
        };
        // A label centred on the right edge would be cut off.
        let last = end - (span * if format == "%H:%M" { 0.025 } else { 0.04 }) as i64;
        std::iter::successors(Some(next(from)), |&x| Some(next(x + 1)))
            .take_while(|&x| x <= last)
            .map(|x| (x as f64, self.calendar.local(at(x), format)))
            .collect()
    }

    /// The axis's name, and a key to the outages and midnights it draws (only those it draws).
    fn x_desc(&self) -> String {
        let outages = if self.outages.is_empty() { "" } else { "; grey: outages" };
        let midnights = if self.midnights.is_empty() { "" } else { "; dotted: Pacific midnight" };
        format!("local time ({}){outages}{midnights}", self.calendar.zone_name())
    }
}

/// The instant `x` whole seconds after the start.
fn at(x: i64) -> SimTime {
    SimTime::from_nanos(x.max(0) as u64 * 1_000_000_000)
}
