//! The charts of a plan: each promise's figure at every candidate the
//! search evaluated, with its bound and the answer marked.

use super::draw::{Level, Line, Mark, Panel};
use super::{ChartError, Charts, Figure, color, draft, render_all};
use crate::report::PlanReport;
use plotters::prelude::*;

/// A chart per promise: its figure against the candidates evaluated (green
/// dots passed, red failed), its bound, and the answer as a vertical line.
pub(crate) fn plan_charts(view: &PlanReport) -> Result<Charts, ChartError> {
    let drafts = view
        .promises
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let mut panel =
                Panel::new(format!("{} against {}", p.metric, view.vary), view.vary.clone(), p.metric.clone());
            let points = |passed: bool| {
                p.values.iter().filter(|v| v.2 == passed).map(|&(i, y, _)| (i as f64, y)).collect::<Vec<_>>()
            };
            let all: Vec<(f64, f64)> = p.values.iter().map(|&(i, y, _)| (i as f64, y)).collect();
            panel.lines.push(Line::solid("", RGBColor(170, 170, 170), all));
            panel.lines.push(Line::solid("kept", RGBColor(0, 158, 115), points(true)).dotted());
            panel.lines.push(Line::solid("broken", RGBColor(213, 94, 0), points(false)).dotted());
            panel.lines.retain(|l| !l.points.is_empty() || l.label.is_empty());
            for (y, label) in &p.bounds {
                panel.levels.push(Level { y: *y, color: RGBColor(0, 0, 0), label: label.clone() });
            }
            if let Some(a) = view.answer {
                let label = Some(format!("answer {}", view.candidates[a]));
                panel.marks.push(Mark { x: a as f64, color: color(0), label });
            }
            let n = view.candidates.len();
            panel.x_range = (-0.5, n as f64 - 0.5);
            // At most about a dozen labelled candidates, evenly spaced, so labels never meet.
            let every = n.div_ceil(12).max(1);
            panel.x_ticks =
                Some((0..n).step_by(every).map(|i| (i as f64, view.candidates[i].clone())).collect());
            panel.fit_y();
            draft(
                &format!("plan_{k}"),
                &format!("{} against {}", p.metric, view.vary),
                "Each dot is a candidate the search evaluated (green: this promise kept; red: broken); the black line is its bound and the blue one the answer.",
                Figure::Panels(vec![panel]),
            )
        })
        .collect();
    Ok(Charts { charts: render_all(drafts)?, zero: Vec::new(), when: String::new() })
}
