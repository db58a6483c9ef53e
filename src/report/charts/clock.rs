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

/// The time axis of a run: local wall clock, outages and day boundaries.
pub(super) struct Clock {
    calendar: Calendar,
    /// Seconds per time-series row: the series' own step, which may be
    /// longer than the scenario's `timeseries_step`.
    pub(super) step: f64,
    end: f64,
    outages: Vec<(f64, f64)>,
    midnights: Vec<f64>,
}

impl Clock {
    pub(super) fn new(sc: &Scenario, r: &RunResult) -> Clock {
        let rows = r.stats.series.len() as f64;
        let step = r.stats.series.step().as_secs_f64();
        let end = (rows * step).max(r.stats.drain.as_secs_f64()).max(step);
        let end_t = SimTime::from_nanos((end * 1e9) as u64);
        Clock {
            calendar: sc.calendar.clone(),
            step,
            end,
            outages: sc.outages.iter().map(|o| (o.start.as_secs_f64(), o.end.as_secs_f64())).collect(),
            midnights: if end <= DOTTED_MIDNIGHTS {
                sc.calendar.pacific_midnights(end_t).iter().map(|t| t.as_secs_f64()).collect()
            } else {
                Vec::new()
            },
        }
    }

    /// A panel over the run's time with outages shaded and Pacific midnights dotted.
    pub(super) fn panel(&self, title: &str, y_desc: &str) -> Panel {
        let mut p = Panel::new(title, self.x_desc(), y_desc);
        p.x_range = (0.0, self.end);
        p.shaded = self.outages.clone();
        p.midnights = self.midnights.clone();
        p.x_ticks = Some(self.ticks());
        p
    }

    /// Ticks on round local times (every 1 min to 1 day, then whole weeks), at most nine.
    fn ticks(&self) -> Vec<(f64, String)> {
        const STEPS: [f64; 12] =
            [60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10_800.0, 21_600.0, 43_200.0, 86_400.0, 172_800.0];
        const WEEK: f64 = 604_800.0;
        let step = STEPS.into_iter().find(|s| self.end / s <= 8.0).unwrap_or((self.end / 8.0 / WEEK).ceil() * WEEK);
        let offset = self.calendar.local_offset_s() as f64 + self.calendar.start().as_second() as f64;
        let first = ((offset / step).ceil() * step) - offset;
        let format = match self.end {
            e if e > DOTTED_MIDNIGHTS => "%Y-%m-%d",
            e if e > 86_400.0 => "%m-%d %H:%M",
            _ => "%H:%M",
        };
        (0..)
            .map(|i| first + i as f64 * step)
            .take_while(|x| *x <= self.end)
            .map(|x| (x, self.calendar.local(SimTime::from_nanos((x * 1e9) as u64), format)))
            .collect()
    }

    fn x_desc(&self) -> String {
        let midnights = if self.end <= DOTTED_MIDNIGHTS { "; dotted: Pacific midnight" } else { "" };
        format!("local time (UTC{}); grey: outages{midnights}", self.calendar.local(SimTime::ZERO, "%:z"))
    }
}
