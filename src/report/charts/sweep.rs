//! The charts of a sweep: each figure against one swept parameter (with the
//! expiry chart for a `message_expiry` sweep), or heat maps for two. A
//! figure that is zero at every point is not drawn: the report names it.

use super::draw::{Band, Bar, ErrorBar, Format, Heat, Level, Line, Mark, Panel};
use super::{ChartError, Charts, Draft, Figure, color, draft, render_all};
use crate::load::{Loaded, Point, Sweep, expiry_stream, magnitude, ordered, show};
use crate::report::advice::Advice;
use crate::report::human;
use crate::report::row::readable;
use crate::run::simulate::RunResult;
use crate::stats::confidence::mean_ci;
use crate::stats::figure::KeyFigure;
use plotters::prelude::*;

/// Mean and 95 % interval of `figure` over the replications of `r`, of all streams.
fn figure_ci(figure: KeyFigure, r: &RunResult) -> (f64, f64, f64) {
    ci(r.each().iter().map(|s| figure.of(&s.total(), s)))
}

/// A figure of a sweep point, per replication: (mean, ci low, ci high).
fn ci(per_rep: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let xs: Vec<f64> = per_rep.collect();
    let i = mean_ci(&xs);
    (i.mean, i.low, i.high)
}

/// One panel of the expiry chart.
struct ExpiryPanel {
    figure: KeyFigure,
    /// Of the swept stream (its name starts the title), or of the whole run.
    of_stream: bool,
    title: &'static str,
    y_desc: &'static str,
}

/// The expiry chart's panels; a sweep with that chart leaves out these
/// figures' own charts.
const EXPIRY_PANELS: [ExpiryPanel; 4] = [
    ExpiryPanel {
        figure: KeyFigure::ExpiryRate,
        of_stream: true,
        title: "expiry rate (error 420)",
        y_desc: "share of messages",
    },
    ExpiryPanel {
        figure: KeyFigure::LateRate,
        of_stream: true,
        title: "delivered after useful life",
        y_desc: "share of messages",
    },
    ExpiryPanel { figure: KeyFigure::EndToEndP99, of_stream: true, title: "p99 end-to-end latency", y_desc: "latency" },
    ExpiryPanel { figure: KeyFigure::Cost, of_stream: false, title: "cost of the run", y_desc: "USD" },
];

/// Charts of a sweep: `expiry.svg` for a `message_expiry` sweep (with its
/// `advice`), a chart per figure against one parameter, or heat maps for two.
pub(crate) fn sweep_charts(
    loaded: &Loaded,
    results: &[RunResult],
    advice: Option<&Advice>,
) -> Result<Charts, ChartError> {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    let zero_everywhere = |f: &KeyFigure| results.iter().all(|r| r.each().iter().all(|s| f.of(&s.total(), s) == 0.0));
    let mut charts = Vec::new();
    let mut figures = KeyFigure::SWEEP_CHARTS.to_vec();
    let expiry = advice.and_then(|a| Some((expiry_stream(&sweep.parameters[0], &loaded.scenario)?, a)));
    let recommended = expiry.and_then(|(_, a)| recommended_point(a));
    if let Some((s, a)) = expiry {
        charts.push(expiry_chart(loaded, results, s, a, recommended.as_ref()));
        figures.retain(|f| !EXPIRY_PANELS.iter().any(|p| p.figure == *f));
    }
    let (zero, figures): (Vec<KeyFigure>, Vec<KeyFigure>) = figures.into_iter().partition(zero_everywhere);
    // A figure the swept parameter does not move (with common random
    // numbers, exactly the same in every replication of every point).
    let values = |f: KeyFigure, r: &RunResult| r.each().iter().map(|s| f.of(&s.total(), s)).collect::<Vec<f64>>();
    let unmoved = |f: &KeyFigure| results.iter().all(|r| values(*f, r) == values(*f, &results[0]));
    let (same, drawn): (Vec<KeyFigure>, Vec<KeyFigure>) = figures.into_iter().partition(unmoved);
    let same = same
        .into_iter()
        .map(|f| {
            let xs = values(f, &results[0]);
            let mean = xs.iter().sum::<f64>() / xs.len().max(1) as f64;
            let unit = if f.key().ends_with("_s") {
                " s"
            } else if f.key().ends_with("_usd") {
                " USD"
            } else {
                ""
            };
            format!("{} {}{unit}", f.name(), readable(mean))
        })
        .collect();
    for figure in drawn {
        charts.push(if sweep.parameters.len() == 1 {
            figure_chart(sweep, results, figure, recommended.as_ref())
        } else {
            heat_chart(sweep, results, figure)
        });
    }
    let zero = zero.into_iter().map(|f| f.name().to_string()).collect();
    Ok(Charts { charts: render_all(charts)?, zero, same, when: "at every point".into() })
}

/// The point whose value the advice picks, and its label.
fn recommended_point(advice: &Advice) -> Option<(usize, String)> {
    let missed = if advice.meets_target { "" } else { " (misses the target)" };
    Some((advice.point?, format!("recommended {}{missed}", advice.pick?)))
}

/// Each point's x and figures, from left to right: a sweep may list its
/// values in any order, and a line joins them along the axis.
fn in_order(xs: &[f64], figures: &[(f64, f64, f64)]) -> Vec<(f64, (f64, f64, f64))> {
    let mut v: Vec<(f64, (f64, f64, f64))> = xs.iter().copied().zip(figures.iter().copied()).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}

/// At most `max` of `ticks` labelled, evenly picked (the first always), so
/// a dense sweep's labels do not run together.
fn sparse(ticks: Vec<(f64, String)>, max: usize) -> Vec<(f64, String)> {
    let mut sorted = ticks;
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted.dedup_by(|a, b| a.0 == b.0);
    let every = sorted.len().div_ceil(max.max(1));
    sorted.into_iter().step_by(every.max(1)).collect()
}

/// The recommended value, as a vertical line at point `i` of `xs`.
fn recommended_mark(xs: &[f64], (i, label): &(usize, String)) -> Mark {
    Mark { x: xs[*i], color: RGBColor(0, 0, 0), label: Some(label.clone()) }
}

/// A share on a y axis: `2.5%`.
fn percent(y: f64) -> String {
    format!("{:.1}%", y * 100.0)
}

/// A swept value with an order (a TOML number, or a string written as a
/// quantity: a duration or a rate starts with a digit). Names (senders,
/// `use_case`, booleans) have none: a line between them would invent one.
fn is_quantity(v: &toml::Value) -> bool {
    number(v).is_some() || v.as_str().is_some_and(|s| s.starts_with(|c: char| c.is_ascii_digit()))
}

/// `figure` against the one swept parameter: a line with its 95 % band and
/// a dot per point when the values have an order, else a bar per value with
/// its 95 % interval as a whisker.
fn figure_chart(
    sweep: &Sweep,
    results: &[RunResult],
    figure: KeyFigure,
    recommended: Option<&(usize, String)>,
) -> Draft {
    let (key, name) = (figure.key(), figure.name());
    let points = &sweep.points;
    let is_num = points.iter().all(|p| number(&p.values[0]).is_some());
    let ordered = points.iter().all(|p| is_quantity(&p.values[0]));
    let xs = positions(points, is_num);
    let mut p = Panel::new(format!("{name} against {}", sweep.parameters[0]), sweep.parameters[0].clone(), name);
    let cis: Vec<(f64, f64, f64)> = results.iter().map(|r| figure_ci(figure, r)).collect();
    if ordered {
        let along = in_order(&xs, &cis);
        p.bands.push(Band {
            color: color(0),
            low: along.iter().map(|&(x, c)| (x, c.1)).collect(),
            high: along.iter().map(|&(x, c)| (x, c.2)).collect(),
        });
        let mean = along.iter().map(|&(x, c)| (x, c.0)).collect();
        p.lines.push(Line::solid(format!("{name} (mean, 95 % band)"), color(0), mean).dotted());
    } else {
        for (&x, &(m, l, h)) in xs.iter().zip(&cis) {
            p.bars.push(Bar { x0: x - 0.3, x1: x + 0.3, y: m, color: color(0) });
            p.error_bars.push(ErrorBar { x, low: l, high: h });
        }
    }
    p.marks.extend(recommended.map(|r| recommended_mark(&xs, r)));
    p.points = xs.clone();
    p.x_range = (xs.iter().copied().fold(f64::MAX, f64::min) - 0.5, xs.iter().copied().fold(f64::MIN, f64::max) + 0.5);
    if is_num {
        p.x_format = Box::new(human::number);
    } else {
        p.x_ticks = Some(sparse(xs.iter().zip(points).map(|(&x, pt)| (x, show(&pt.values[0]))).collect(), 16));
    }
    if figure.is_rate() {
        p.y_format = Box::new(percent);
    }
    if figure.is_seconds() {
        p.y_seconds = true;
        p.y_format = Box::new(human::duration);
    }
    p.fit_y();
    let interval = if ordered { "the band" } else { "the whisker" };
    draft(
        &format!("sweep_{key}"),
        &format!("{name} by {}", sweep.parameters[0]),
        &format!("Mean over replications of the {name} at each swept value; {interval} is the 95 % interval."),
        Figure::Panels(vec![p]),
    )
}

/// `figure`'s mean at each combination of the first two swept parameters,
/// each axis from the smallest value to the largest; with more parameters,
/// at the first value of the others (the caption says which).
fn heat_chart(sweep: &Sweep, results: &[RunResult], figure: KeyFigure) -> Draft {
    let (key, name) = (figure.key(), figure.name());
    let points = &sweep.points;
    let x_vals = ordered(points.iter().map(|p| &p.values[1]));
    let y_vals = ordered(points.iter().map(|p| &p.values[0]));
    let rest = |i: usize| &points[i].values[2..];
    let mut values = vec![vec![0.0; x_vals.len()]; y_vals.len()];
    let mut cells = Vec::with_capacity(points.len());
    for (i, pt) in points.iter().enumerate().filter(|&(i, _)| rest(i) == rest(0)) {
        let (r, c) = (
            y_vals.iter().position(|v| *v == pt.values[0]).unwrap_or(0),
            x_vals.iter().position(|v| *v == pt.values[1]).unwrap_or(0),
        );
        values[r][c] = figure_ci(figure, &results[i]).0;
        cells.push((i, r, c));
    }
    let others: Vec<String> =
        sweep.parameters[2..].iter().zip(rest(0)).map(|(p, v)| format!("{p} = {}", show(v))).collect();
    let at = if others.is_empty() { String::new() } else { format!(", with {}", others.join(", ")) };
    let format: Format = if figure.is_seconds() {
        Box::new(human::duration)
    } else if figure.is_rate() {
        Box::new(|v| format!("{:.2}%", v * 100.0))
    } else {
        Box::new(human::number)
    };
    let heat = Heat {
        title: format!("{name}: {} against {}{at}", sweep.parameters[0], sweep.parameters[1]),
        x_desc: sweep.parameters[1].clone(),
        y_desc: sweep.parameters[0].clone(),
        x_labels: x_vals.iter().map(show).collect(),
        y_labels: y_vals.iter().map(show).collect(),
        values,
        format,
        cells,
    };
    draft(
        &format!("sweep_{key}"),
        &format!("{name} by {} and {}", sweep.parameters[0], sweep.parameters[1]),
        &format!("Each cell is the mean {name} at one combination{at}; darker is higher."),
        Figure::Heat(heat),
    )
}

/// A swept value as a number, if it is one.
fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or(v.as_integer().map(|n| n as f64))
}

/// Where each point stands on the x axis: its number, else its rank among
/// the swept durations (so the axis runs from short to long whatever the
/// file's order), else its place in the sweep.
fn positions(points: &[Point], numeric: bool) -> Vec<f64> {
    let value = |i: usize| &points[i].values[0];
    if numeric {
        return (0..points.len()).map(|i| number(value(i)).unwrap_or(i as f64)).collect();
    }
    let sizes: Option<Vec<f64>> = (0..points.len()).map(|i| magnitude(value(i))).collect();
    let Some(sizes) = sizes else { return (0..points.len()).map(|i| i as f64).collect() };
    let mut distinct = sizes.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    sizes.iter().map(|s| distinct.iter().position(|d| d == s).unwrap_or(0) as f64).collect()
}

/// The message_expiry of each point of an expiry sweep, in seconds.
fn expiry_seconds(loaded: &Loaded, stream: usize) -> Vec<f64> {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    sweep.points.iter().map(|p| p.loaded.scenario.traffic[stream].message_expiry.as_secs_f64()).collect()
}

/// Expiry rate, late rate, p99 latency and cost against `message_expiry`,
/// each panel with the recommended value marked and the rates with the target.
fn expiry_chart(
    loaded: &Loaded,
    results: &[RunResult],
    stream: usize,
    advice: &Advice,
    recommended: Option<&(usize, String)>,
) -> Draft {
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
        let along = in_order(&xs, &per_point);
        p.bands.push(Band {
            color: c,
            low: along.iter().map(|&(x, v)| (x, v.1)).collect(),
            high: along.iter().map(|&(x, v)| (x, v.2)).collect(),
        });
        p.lines.push(Line::solid("mean, 95 % band", c, along.iter().map(|&(x, v)| (x, v.0)).collect()).dotted());
        p.marks.extend(recommended.map(|r| recommended_mark(&xs, r)));
        p.points = xs.clone();
        let (lo, hi) = (xs.iter().copied().fold(f64::MAX, f64::min), xs.iter().copied().fold(f64::MIN, f64::max));
        let pad = ((hi - lo) * 0.05).max(0.05);
        p.x_range = (lo - pad, hi + pad);
        p.x_ticks = Some(sparse(xs.iter().map(|&x| (x, human::duration(10f64.powf(x)))).collect(), 8));
        if figure.is_rate() {
            p.y_format = Box::new(percent);
        }
        if figure.is_seconds() {
            p.y_seconds = true;
            p.y_format = Box::new(human::duration);
        }
        // The advice holds both rates to the target.
        if figure.is_rate() {
            p.levels.push(Level {
                y: advice.target,
                color: RGBColor(213, 94, 0),
                label: format!("target {:.1}%", advice.target * 100.0),
            });
        }
        if let (Some(life), KeyFigure::EndToEndP99) = (loaded.scenario.traffic[stream].useful_life, figure) {
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
