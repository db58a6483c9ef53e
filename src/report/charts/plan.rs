//! The charts of a plan: each promise's figure at every candidate the
//! search evaluated, with its bound and the answer marked.

use super::draw::{Level, Line, Mark, PALETTE, Panel};
use super::{ChartError, Charts, Figure, color, draft, render_all};
use crate::report::PlanReport;
use plotters::prelude::*;

/// A chart per promise: its figure against the parameter searched along,
/// a line per combination of the other parameters (when several are
/// varied), each candidate evaluated a dot (green: this promise kept;
/// orange-red: broken), its bound, and the answer as a vertical line. Lines
/// join only neighbouring candidates that were both evaluated, and only
/// along numbers or durations: nothing is drawn where nothing was run.
pub(crate) fn plan_charts(view: &PlanReport) -> Result<Charts, ChartError> {
    let several = view.series.len() > 1;
    let drafts = view
        .promises
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let title = format!("{} against {}", p.metric, view.along);
            let mut panel = Panel::new(title.clone(), view.along.clone(), p.metric.clone());
            let at = |&(i, y, _): &(usize, f64, bool)| (view.place[i].1 as f64, y);
            for (s, name) in view.series.iter().enumerate() {
                let mut points: Vec<(f64, f64)> =
                    p.values.iter().filter(|v| view.place[v.0].0 == s).map(at).collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let style = series_style(s, several);
                // The legend names each line once: on its first stretch, or
                // on its dots when no two evaluated candidates are neighbours.
                let mut label = if several { name.clone() } else { String::new() };
                for stretch in stretches(&points, view.ordered) {
                    panel.lines.push(style.line(std::mem::take(&mut label), stretch));
                }
                if !label.is_empty() {
                    panel.lines.push(Line::scatter(label, style.color, Vec::new()));
                }
            }
            for (passed, label, tint) in [(true, "kept", KEPT), (false, "broken", BROKEN)] {
                let points: Vec<(f64, f64)> = p.values.iter().filter(|v| v.2 == passed).map(at).collect();
                if !points.is_empty() {
                    panel.lines.push(Line::scatter(label, tint, points));
                }
            }
            for (y, label) in &p.bounds {
                panel.levels.push(Level { y: *y, color: RGBColor(0, 0, 0), label: label.clone() });
            }
            if let Some(a) = view.answer {
                let label = Some(format!("answer {}", view.candidates[a]));
                panel.marks.push(Mark { x: view.place[a].1 as f64, color: color(0), label });
            }
            let n = view.steps.len();
            panel.x_range = (-0.5, n as f64 - 0.5);
            let every = tick_every(n);
            panel.x_ticks = Some((0..n).step_by(every).map(|i| (i as f64, view.steps[i].clone())).collect());
            fit(&mut panel);
            let lines = if several { " A line joins the candidates that differ only in it." } else { "" };
            let caption = if p.bounds.is_empty() {
                format!(
                    "The minimized figure at each candidate the search evaluated (green: it kept every promise; orange-red: it broke one); the blue line is the answer.{lines}"
                )
            } else {
                format!(
                    "Each dot is a candidate the search evaluated (green: this promise kept; orange-red: broken); the black line is its bound and the blue one the answer.{lines}"
                )
            };
            draft(&format!("plan_{k}"), &title, &caption, Figure::Panels(vec![panel]))
        })
        .collect();
    Ok(Charts { charts: render_all(drafts)?, zero: Vec::new(), same: Vec::new(), when: String::new() })
}

/// How line `s` of several is drawn: a colour, dashed after the colours run out.
#[derive(Clone, Copy)]
struct Style {
    color: RGBColor,
    dashed: bool,
}

impl Style {
    fn line(self, label: String, points: Vec<(f64, f64)>) -> Line {
        if self.dashed { Line::dashed(label, self.color, points) } else { Line::solid(label, self.color, points) }
    }
}

fn series_style(s: usize, several: bool) -> Style {
    if !several {
        return Style { color: GREY, dashed: false };
    }
    Style { color: SERIES[s % SERIES.len()], dashed: (s / SERIES.len()) % 2 == 1 }
}

/// The runs of neighbouring candidates in `points` (sorted by x): what a
/// line may join. Listed options in no order are not joined at all.
fn stretches(points: &[(f64, f64)], ordered: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    for &p in points {
        match out.last_mut() {
            Some(run) if ordered && run.last().is_some_and(|q| p.0 - q.0 == 1.0) => run.push(p),
            _ => out.push(vec![p]),
        }
    }
    out.retain(|run| run.len() > 1);
    out
}

/// A round spacing of labelled candidates (1, 2, 5, 10, 20, ...) so at
/// most about a dozen are labelled and labels never meet.
fn tick_every(n: usize) -> usize {
    let mut scale = 1;
    loop {
        for f in [1, 2, 5] {
            if n.div_ceil(f * scale) <= 12 {
                return f * scale;
            }
        }
        scale *= 10;
    }
}

/// The y axis over the figures and bounds: from zero unless they all sit
/// far above it, so a figure close to its bound is not squeezed flat.
fn fit(panel: &mut Panel) {
    let ys: Vec<f64> = panel
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(panel.levels.iter().map(|l| l.y))
        .filter(|y| y.is_finite())
        .collect();
    let (lo, hi) = ys.iter().fold((f64::MAX, f64::MIN), |(a, b), &y| (a.min(y), b.max(y)));
    if ys.is_empty() || lo < 0.0 || lo <= hi * 0.5 {
        panel.fit_y();
        return;
    }
    let pad = ((hi - lo) * 0.12).max(hi.abs() * 1e-3);
    panel.y_range = (lo - pad, hi + pad);
}

/// Lines of the other parameters' values: the palette without the answer's
/// blue and the green and orange-red of kept and broken.
const SERIES: [RGBColor; 4] = [PALETTE[1], PALETTE[4], PALETTE[5], PALETTE[6]];
const GREY: RGBColor = RGBColor(170, 170, 170);
const KEPT: RGBColor = RGBColor(0, 158, 115);
const BROKEN: RGBColor = RGBColor(213, 94, 0);
