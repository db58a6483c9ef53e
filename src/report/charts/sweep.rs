//! The charts of a sweep: each figure against one swept parameter (with the
//! expiry chart for a `message_expiry` sweep), or heat maps for two.

use super::draw::{self, Band, Format, Heat, Level, Line, Panel};
use super::{Chart, Draft, Figure, color, draft, duration_label, render_all};
use crate::load::{Loaded, Point, Sweep, expiry_stream, show};
use crate::run::simulate::RunResult;
use crate::scenario::model::Outcome;
use crate::stats::confidence::mean_ci;
use crate::stats::{Group, Stats};
use plotters::prelude::*;

/// A figure charted per sweep point: a closed set, so no chart can ask for
/// a figure that does not exist and silently get another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SweepFigure {
    ExpiryRate,
    LateRate,
    EndToEndP99,
    DrainTime,
    FailedDailyCap,
    Cost,
}

impl SweepFigure {
    /// Every figure, in chart order.
    const ALL: [SweepFigure; 6] = [
        SweepFigure::ExpiryRate,
        SweepFigure::LateRate,
        SweepFigure::EndToEndP99,
        SweepFigure::DrainTime,
        SweepFigure::FailedDailyCap,
        SweepFigure::Cost,
    ];

    /// The figure's key, as in `summary.json`: chart files are `sweep_<key>`.
    fn key(self) -> &'static str {
        match self {
            SweepFigure::ExpiryRate => "expiry_rate",
            SweepFigure::LateRate => "late_rate",
            SweepFigure::EndToEndP99 => "end_to_end_p99_s",
            SweepFigure::DrainTime => "drain_time_s",
            SweepFigure::FailedDailyCap => "failed_daily_cap",
            SweepFigure::Cost => "cost_usd",
        }
    }

    /// How titles and captions name it.
    fn name(self) -> &'static str {
        match self {
            SweepFigure::ExpiryRate => "expiry rate",
            SweepFigure::LateRate => "late-delivery rate",
            SweepFigure::EndToEndP99 => "p99 end-to-end latency",
            SweepFigure::DrainTime => "drain time",
            SweepFigure::FailedDailyCap => "daily-cap failures",
            SweepFigure::Cost => "cost (USD)",
        }
    }

    /// The figure for messages `g` of one replication `s`.
    fn of(self, g: &Group, s: &Stats) -> f64 {
        match self {
            SweepFigure::ExpiryRate => g.expiry_rate(),
            SweepFigure::LateRate => g.late_rate(),
            SweepFigure::EndToEndP99 => g.end_to_end.summary().p99,
            SweepFigure::DrainTime => s.drain.as_secs_f64(),
            SweepFigure::FailedDailyCap => g.count(Outcome::FailedDailyCap) as f64,
            SweepFigure::Cost => g.cost.usd(),
        }
    }

    /// In seconds: its axis is labelled in durations.
    fn is_seconds(self) -> bool {
        matches!(self, SweepFigure::EndToEndP99 | SweepFigure::DrainTime)
    }

    /// A share of accepted messages: its axis is labelled in percent.
    fn is_rate(self) -> bool {
        matches!(self, SweepFigure::ExpiryRate | SweepFigure::LateRate)
    }

    /// Mean and 95 % interval over the replications of `r`, of all streams.
    fn ci(self, r: &RunResult) -> (f64, f64, f64) {
        ci(r.each().iter().map(|s| self.of(&s.total(), s)))
    }
}

/// A figure of a sweep point, per replication: (mean, ci low, ci high).
fn ci(per_rep: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let xs: Vec<f64> = per_rep.collect();
    let (m, h) = mean_ci(&xs);
    (m, m - h, m + h)
}

/// One panel of the expiry chart.
struct ExpiryPanel {
    figure: SweepFigure,
    /// Of the swept stream (its name starts the title), or of the whole run.
    of_stream: bool,
    title: &'static str,
    y_desc: &'static str,
}

/// The expiry chart's panels; a sweep with that chart leaves out these
/// figures' own charts.
const EXPIRY_PANELS: [ExpiryPanel; 4] = [
    ExpiryPanel {
        figure: SweepFigure::ExpiryRate,
        of_stream: true,
        title: "expiry rate (error 420)",
        y_desc: "share of messages",
    },
    ExpiryPanel {
        figure: SweepFigure::LateRate,
        of_stream: true,
        title: "delivered after useful life",
        y_desc: "share of messages",
    },
    ExpiryPanel {
        figure: SweepFigure::EndToEndP99,
        of_stream: true,
        title: "p99 end-to-end latency",
        y_desc: "latency",
    },
    ExpiryPanel { figure: SweepFigure::Cost, of_stream: false, title: "cost of the run", y_desc: "USD" },
];

/// Charts of a sweep: `expiry.svg` for a `message_expiry` sweep, a chart
/// per figure against one parameter, or heat maps for two.
pub(crate) fn sweep_charts(loaded: &Loaded, results: &[RunResult], target: f64) -> Result<Vec<Chart>, String> {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    let mut charts = Vec::new();
    if sweep.parameters.len() == 1 {
        let expiry = expiry_stream(&sweep.parameters[0], &loaded.scenario);
        if let Some(s) = expiry {
            charts.push(expiry_chart(loaded, results, s, target));
        }
        let in_expiry_chart = |f: &SweepFigure| EXPIRY_PANELS.iter().any(|p| p.figure == *f);
        for figure in SweepFigure::ALL.into_iter().filter(|f| expiry.is_none() || !in_expiry_chart(f)) {
            charts.push(figure_chart(sweep, results, figure));
        }
    } else {
        for figure in SweepFigure::ALL {
            charts.push(heat_chart(sweep, results, figure));
        }
    }
    render_all(charts)
}

/// `figure` against the one swept parameter, with its 95 % band.
fn figure_chart(sweep: &Sweep, results: &[RunResult], figure: SweepFigure) -> Draft {
    let (key, name) = (figure.key(), figure.name());
    let points = &sweep.points;
    let is_num = points.iter().all(|p| number(&p.values[0]).is_some());
    let xs: Vec<f64> = (0..points.len()).map(|i| x_of(points, 0, i, is_num)).collect();
    let mut p = Panel::new(format!("{name} against {}", sweep.parameters[0]), sweep.parameters[0].clone(), name);
    let (mut mean, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
    for (i, r) in results.iter().enumerate() {
        let (m, l, h) = figure.ci(r);
        mean.push((xs[i], m));
        low.push((xs[i], l));
        high.push((xs[i], h));
    }
    p.bands.push(Band { color: color(0), low, high });
    p.lines.push(Line::solid(format!("{name} (mean, 95 % band)"), color(0), mean));
    p.x_range = (xs.iter().copied().fold(f64::MAX, f64::min) - 0.5, xs.iter().copied().fold(f64::MIN, f64::max) + 0.5);
    let labels: Vec<String> = points.iter().map(|pt| show(&pt.values[0])).collect();
    p.x_format = Box::new(move |x| {
        if is_num {
            draw::short_number(x)
        } else {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    });
    if figure.is_seconds() {
        p.y_seconds = true;
        p.y_format = Box::new(duration_label);
    }
    p.fit_y();
    draft(
        &format!("sweep_{key}"),
        &format!("{name} by {}", sweep.parameters[0]),
        &format!("Mean over replications of the {name} at each swept value; the band is the 95 % interval."),
        Figure::Panels(vec![p]),
    )
}

/// `figure`'s mean at each combination of two swept parameters.
fn heat_chart(sweep: &Sweep, results: &[RunResult], figure: SweepFigure) -> Draft {
    let (key, name) = (figure.key(), figure.name());
    let points = &sweep.points;
    let x_vals = distinct(points.iter().map(|p| show(&p.values[1])));
    let y_vals = distinct(points.iter().map(|p| show(&p.values[0])));
    let mut values = vec![vec![0.0; x_vals.len()]; y_vals.len()];
    for (i, pt) in points.iter().enumerate() {
        let (r, c) = (
            y_vals.iter().position(|v| *v == show(&pt.values[0])).unwrap_or(0),
            x_vals.iter().position(|v| *v == show(&pt.values[1])).unwrap_or(0),
        );
        values[r][c] = figure.ci(&results[i]).0;
    }
    let format: Format = if figure.is_seconds() {
        Box::new(duration_label)
    } else if figure.is_rate() {
        Box::new(|v| format!("{:.2}%", v * 100.0))
    } else {
        Box::new(draw::short_number)
    };
    let heat = Heat {
        title: format!("{name}: {} against {}", sweep.parameters[0], sweep.parameters[1]),
        x_desc: sweep.parameters[1].clone(),
        y_desc: sweep.parameters[0].clone(),
        x_labels: x_vals,
        y_labels: y_vals,
        values,
        format,
    };
    draft(
        &format!("sweep_{key}"),
        &format!("{name} by {} and {}", sweep.parameters[0], sweep.parameters[1]),
        &format!("Each cell is the mean {name} at one combination; darker is higher."),
        Figure::Heat(heat),
    )
}

fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// A swept value as a number, if it is one.
fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or(v.as_integer().map(|n| n as f64))
}

fn x_of(points: &[Point], k: usize, i: usize, numeric: bool) -> f64 {
    if numeric { number(&points[i].values[k]).unwrap_or(i as f64) } else { i as f64 }
}

/// The message_expiry of each point of an expiry sweep, in seconds.
fn expiry_seconds(loaded: &Loaded, stream: usize) -> Vec<f64> {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    sweep.points.iter().map(|p| p.loaded.scenario.traffic[stream].message_expiry.as_secs_f64()).collect()
}

fn expiry_chart(loaded: &Loaded, results: &[RunResult], stream: usize, target: f64) -> Draft {
    let xs: Vec<f64> = expiry_seconds(loaded, stream).into_iter().map(f64::log10).collect();
    let name = &loaded.scenario.traffic[stream].name;
    let mut out = Vec::new();
    for (k, panel) in EXPIRY_PANELS.iter().enumerate() {
        let figure = panel.figure;
        let title = if panel.of_stream { format!("{name}: {}", panel.title) } else { panel.title.to_string() };
        let mut p = Panel::new(title, "message_expiry (log scale)", panel.y_desc);
        let per_point: Vec<(f64, f64, f64)> = results
            .iter()
            .map(|r| {
                ci(r.each().iter().map(|s| {
                    let g = if panel.of_stream { s.streams[stream].clone() } else { s.total() };
                    figure.of(&g, s)
                }))
            })
            .collect();
        let c = color(k);
        p.bands.push(Band {
            color: c,
            low: xs.iter().zip(&per_point).map(|(&x, v)| (x, v.1)).collect(),
            high: xs.iter().zip(&per_point).map(|(&x, v)| (x, v.2)).collect(),
        });
        p.lines.push(Line::solid("mean, 95 % band", c, xs.iter().zip(&per_point).map(|(&x, v)| (x, v.0)).collect()));
        let (lo, hi) = (xs.iter().copied().fold(f64::MAX, f64::min), xs.iter().copied().fold(f64::MIN, f64::max));
        let pad = ((hi - lo) * 0.05).max(0.05);
        p.x_range = (lo - pad, hi + pad);
        p.x_ticks = Some(xs.iter().map(|&x| (x, duration_label(10f64.powf(x)))).collect());
        if figure.is_rate() {
            p.y_format = Box::new(|y| format!("{:.1}%", y * 100.0));
        }
        if figure.is_seconds() {
            p.y_seconds = true;
            p.y_format = Box::new(duration_label);
        }
        if figure == SweepFigure::ExpiryRate {
            p.levels.push(Level {
                y: target,
                color: RGBColor(213, 94, 0),
                label: format!("target {:.1}%", target * 100.0),
            });
        }
        if let (Some(life), SweepFigure::EndToEndP99) = (loaded.scenario.traffic[stream].useful_life, figure) {
            p.levels.push(Level {
                y: life.as_secs_f64(),
                color: RGBColor(213, 94, 0),
                label: format!("useful life {life}"),
            });
        }
        p.fit_y();
        out.push(p);
    }
    draft(
        "expiry",
        "Choosing message_expiry",
        "Move right for longer expiries: fewer messages expire, more arrive late and cost more; bands are 95 % intervals.",
        Figure::Panels(out),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Money;
    use crate::scenario::time::{SimDuration, SimTime};

    #[test]
    fn each_sweep_figure_reads_its_own_figure() {
        let text = "start = \"2026-03-10T08:00:00-07:00\"\nseed = 1\n[[senders]]\nid = \"sc\"\ntype = \"short_code\"\n\
                    [[traffic]]\nname = \"t\"\nsender = \"sc\"\narrival = { process = \"burst\", count = 1, at = \"0s\" }\n";
        let loaded = crate::load::parse(text, "t.toml", "t", std::path::Path::new(".")).expect("a valid scenario");
        let mut s = Stats::for_scenario(&loaded.scenario);
        s.drain = SimTime::from_nanos(7_000_000_000);
        let mut g = Group { accepted: 10, late: 3, cost: Money(11_000_000_000), ..Group::default() };
        g.outcomes[Outcome::Expired.index()] = 2;
        g.outcomes[Outcome::FailedDailyCap.index()] = 5;
        g.end_to_end.record(SimDuration::from_secs(13));
        let got: Vec<(&str, f64)> = SweepFigure::ALL.iter().map(|f| (f.key(), f.of(&g, &s))).collect();
        assert_eq!(
            got,
            [
                ("expiry_rate", 0.2),
                ("late_rate", 0.3),
                ("end_to_end_p99_s", 13.0),
                ("drain_time_s", 7.0),
                ("failed_daily_cap", 5.0),
                ("cost_usd", 11.0),
            ]
        );
        // Axes follow the keys' units, as they did when charts looked figures up by key.
        for f in SweepFigure::ALL {
            assert_eq!((f.is_seconds(), f.is_rate()), (f.key().ends_with("_s"), f.key().ends_with("_rate")), "{f:?}");
        }
    }
}
