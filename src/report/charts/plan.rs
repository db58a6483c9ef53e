//! The charts of a plan: each promise's figure at every candidate the
//! search evaluated, with its bound and the answer marked.

use super::draw::{Level, Line, Mark, PALETTE, Panel};
use super::{ChartError, Charts, Figure, color, draft, render_all};
use crate::report::PlanReport;
use plotters::prelude::*;

/// A chart per promise: its figure against the parameter searched along,
/// a line per combination of the other parameters (when several are
/// varied), each candidate evaluated a dot (green: this promise kept; red:
/// broken), its bound, and the answer as a vertical line.
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
                let (label, tint) = if several { (name.clone(), SERIES[s % SERIES.len()]) } else { (String::new(), GREY) };
                panel.lines.push(Line::solid(label, tint, points));
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
            // At most about a dozen labelled candidates, evenly spaced, so labels never meet.
            let every = n.div_ceil(12).max(1);
            panel.x_ticks = Some((0..n).step_by(every).map(|i| (i as f64, view.steps[i].clone())).collect());
            panel.fit_y();
            let lines = if several { " A line joins the candidates that differ only in it." } else { "" };
            draft(
                &format!("plan_{k}"),
                &title,
                &format!(
                    "Each dot is a candidate the search evaluated (green: this promise kept; red: broken); the black line is its bound and the blue one the answer.{lines}"
                ),
                Figure::Panels(vec![panel]),
            )
        })
        .collect();
    Ok(Charts { charts: render_all(drafts)?, zero: Vec::new(), when: String::new() })
}

/// Lines of the other parameters' values: the palette without the answer's
/// blue and the green and red of kept and broken.
const SERIES: [RGBColor; 4] = [PALETTE[1], PALETTE[4], PALETTE[5], PALETTE[6]];
const GREY: RGBColor = RGBColor(170, 170, 170);
const KEPT: RGBColor = RGBColor(0, 158, 115);
const BROKEN: RGBColor = RGBColor(213, 94, 0);
