//! Drawing one panel or heat map with plotters, for SVG and PNG alike.
//!
//! Panels are plain descriptions (lines, bands, shaded spans, markers) so
//! every chart of a2psim draws through the same few functions. Axes are
//! linear; a logarithmic axis is drawn as log10 of the values with labels
//! written back in the original unit.

use crate::report::human;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::error::Error;

pub(crate) type Res = Result<(), Box<dyn Error>>;

/// The Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(120, 120, 120), // grey (instead of yellow, unreadable on white)
];

pub(crate) const FONT: &str = "sans-serif";
const SHADE: RGBColor = RGBColor(225, 225, 225);
const MIDNIGHT: RGBColor = RGBColor(150, 150, 150);

/// A series of points.
pub(crate) struct Line {
    pub(crate) label: String,
    pub(crate) color: RGBColor,
    pub(crate) dashed: bool,
    /// Filled down to zero (stacked areas are drawn top first).
    pub(crate) filled: bool,
    /// A dot on every point: measured points, not a continuous curve.
    pub(crate) dots: bool,
    pub(crate) points: Vec<(f64, f64)>,
}

impl Line {
    pub(crate) fn solid(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line { label: label.into(), color, dashed: false, filled: false, dots: false, points }
    }
    pub(crate) fn dashed(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line { dashed: true, ..Line::solid(label, color, points) }
    }
    pub(crate) fn area(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line { filled: true, ..Line::solid(label, color, points) }
    }
    /// The same line with a dot on every point.
    pub(crate) fn dotted(self) -> Line {
        Line { dots: true, ..self }
    }
}

/// A confidence band between two curves.
pub(crate) struct Band {
    pub(crate) color: RGBColor,
    pub(crate) low: Vec<(f64, f64)>,
    pub(crate) high: Vec<(f64, f64)>,
}

/// A 95 % interval drawn as a whisker over a bar (a mean among categories).
pub(crate) struct ErrorBar {
    pub(crate) x: f64,
    pub(crate) low: f64,
    pub(crate) high: f64,
}

/// A vertical marker, optionally labelled at the top.
pub(crate) struct Mark {
    pub(crate) x: f64,
    pub(crate) color: RGBColor,
    pub(crate) label: Option<String>,
}

/// A horizontal reference line (a limit), labelled at the right.
pub(crate) struct Level {
    pub(crate) y: f64,
    pub(crate) color: RGBColor,
    pub(crate) label: String,
}

/// A bar from `x0` to `x1`, zero to `y`.
pub(crate) struct Bar {
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    pub(crate) y: f64,
    pub(crate) color: RGBColor,
}

pub(crate) type Format = Box<dyn Fn(f64) -> String + Send + Sync>;

/// One chart panel.
pub(crate) struct Panel {
    pub(crate) title: String,
    pub(crate) x_desc: String,
    pub(crate) y_desc: String,
    pub(crate) x_range: (f64, f64),
    pub(crate) y_range: (f64, f64),
    pub(crate) x_format: Format,
    pub(crate) y_format: Format,
    pub(crate) lines: Vec<Line>,
    pub(crate) bands: Vec<Band>,
    pub(crate) bars: Vec<Bar>,
    pub(crate) error_bars: Vec<ErrorBar>,
    /// Shaded spans of x (outages).
    pub(crate) shaded: Vec<(f64, f64)>,
    /// Grey dotted day boundaries.
    pub(crate) midnights: Vec<f64>,
    pub(crate) marks: Vec<Mark>,
    pub(crate) levels: Vec<Level>,
    /// A note drawn in the middle when there is nothing to plot.
    pub(crate) empty_note: Option<String>,
    /// Chosen x ticks (position, label) instead of evenly spaced numbers.
    pub(crate) x_ticks: Option<Vec<(f64, String)>>,
    /// Where the legend goes: where the data leaves room.
    pub(crate) legend: SeriesLabelPosition,
    /// The y axis is seconds: ticks on round durations (30s, 2m, 1h).
    pub(crate) y_seconds: bool,
}

impl Panel {
    pub(crate) fn new(title: impl Into<String>, x_desc: impl Into<String>, y_desc: impl Into<String>) -> Panel {
        Panel {
            title: title.into(),
            x_desc: x_desc.into(),
            y_desc: y_desc.into(),
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            x_format: Box::new(|x| format!("{x}")),
            y_format: Box::new(human::number),
            lines: Vec::new(),
            bands: Vec::new(),
            bars: Vec::new(),
            error_bars: Vec::new(),
            shaded: Vec::new(),
            midnights: Vec::new(),
            marks: Vec::new(),
            levels: Vec::new(),
            empty_note: None,
            x_ticks: None,
            legend: SeriesLabelPosition::UpperRight,
            y_seconds: false,
        }
    }

    /// Sets the y range from zero to a little above everything drawn.
    pub(crate) fn fit_y(&mut self) {
        let top = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .chain(self.bands.iter().flat_map(|b| b.high.iter().map(|p| p.1)))
            .chain(self.bars.iter().map(|b| b.y))
            .chain(self.error_bars.iter().map(|e| e.high))
            .chain(self.levels.iter().map(|l| l.y))
            .fold(0.0f64, f64::max);
        self.y_range = (0.0, if top > 0.0 { top * 1.12 } else { 1.0 });
    }
}

/// At most `max` points: consecutive points merged by `merge` (mean for
/// rates, max for levels), so dense series stay legible.
pub(crate) fn thin(points: Vec<(f64, f64)>, max: usize, merge: fn(&[f64]) -> f64) -> Vec<(f64, f64)> {
    if points.len() <= max {
        return points;
    }
    let k = points.len().div_ceil(max);
    points
        .chunks(k)
        .map(|c| {
            let ys: Vec<f64> = c.iter().map(|p| p.1).collect();
            (c.iter().map(|p| p.0).sum::<f64>() / c.len() as f64, merge(&ys))
        })
        .collect()
}

pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub(crate) fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::MIN, f64::max)
}

/// A round duration step (seconds) giving at most six ticks over `span`.
pub(crate) fn duration_step(span: f64) -> f64 {
    const STEPS: [f64; 25] = [
        0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0,
        600.0, 900.0, 1800.0, 3600.0, 7200.0, 21_600.0, 86_400.0,
    ];
    STEPS.into_iter().find(|s| span / s <= 6.0).unwrap_or(span / 6.0)
}

/// The plotting area of a panel: f64 on both axes.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws `panel` into `area`, back to front: axes, grid ticks, outages and
/// midnights, bands and bars, lines, limits, markers, note, legend.
pub(crate) fn panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let mut chart = axes(area, p)?;
    chosen_x_ticks(&mut chart, p)?;
    if p.y_seconds {
        duration_y_ticks(&mut chart, p)?;
    }
    backdrop(&mut chart, p)?;
    bands_and_bars(&mut chart, p)?;
    lines(&mut chart, p)?;
    levels(&mut chart, p)?;
    marks(&mut chart, p)?;
    if let Some(note) = &p.empty_note {
        empty_note(&mut chart, p, note)?;
    }
    if !p.lines.is_empty() {
        legend(&mut chart, p)?;
    }
    Ok(())
}

/// The caption, axes and mesh; evenly spaced tick labels unless the panel
/// chose its own (x) or wants durations (y).
fn axes<'a, DB: DrawingBackend>(area: &'a DrawingArea<DB, Shift>, p: &Panel) -> Result<Plot<'a, DB>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, (FONT, 22))
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(78)
        .build_cartesian_2d(p.x_range.0..p.x_range.1, p.y_range.0..p.y_range.1)?;
    chart
        .configure_mesh()
        .x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_labels(if p.x_ticks.is_some() { 0 } else { 8 })
        .y_labels(if p.y_seconds { 0 } else { 6 })
        .x_label_formatter(&|x| (p.x_format)(*x))
        .y_label_formatter(&|y| (p.y_format)(*y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    Ok(chart)
}

/// A grid line from `from` to `to` with `label` at `from`, shifted by `offset` pixels.
fn tick<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    (from, to): ((f64, f64), (f64, f64)),
    label: String,
    offset: (i32, i32),
    anchor: Pos,
) -> Res
where
    DB::ErrorType: 'static,
{
    chart.draw_series(LineSeries::new(vec![from, to], RGBColor(225, 225, 225).stroke_width(1)))?;
    let style = (FONT, 15).into_font().color(&BLACK).pos(anchor);
    chart.draw_series(std::iter::once(EmptyElement::at(from) + Text::new(label, offset, style)))?;
    Ok(())
}

/// The panel's own x ticks (round local times, swept values), within range.
fn chosen_x_ticks<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    for (x, label) in p.x_ticks.iter().flatten().filter(|(x, _)| (x0..=x1).contains(x)) {
        tick(chart, ((*x, y0), (*x, y1)), label.clone(), (0, 8), Pos::new(HPos::Center, VPos::Top))?;
    }
    Ok(())
}

/// Y ticks on round durations (30s, 2m, 1h) for an axis in seconds.
fn duration_y_ticks<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    let step = duration_step(y1 - y0);
    for y in (0..).map(|k| y0 + k as f64 * step).take_while(|y| *y <= y1) {
        tick(chart, ((x0, y), (x1, y)), (p.y_format)(y), (-8, 0), Pos::new(HPos::Right, VPos::Center))?;
    }
    Ok(())
}

/// Outages shaded and midnights dotted, behind the data.
fn backdrop<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    for &(a, b) in &p.shaded {
        chart.draw_series(std::iter::once(Rectangle::new([(a.max(x0), y0), (b.min(x1), y1)], SHADE.filled())))?;
    }
    for &m in &p.midnights {
        chart.draw_series(DashedLineSeries::new(vec![(m, y0), (m, y1)], 4, 4, MIDNIGHT.stroke_width(1)))?;
    }
    Ok(())
}

/// Confidence bands, then bars and their whiskers: translucent fills under the lines.
fn bands_and_bars<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    for b in &p.bands {
        let outline: Vec<(f64, f64)> = b.low.iter().copied().chain(b.high.iter().rev().copied()).collect();
        chart.draw_series(std::iter::once(Polygon::new(outline, b.color.mix(0.18).filled())))?;
    }
    for b in &p.bars {
        chart.draw_series(std::iter::once(Rectangle::new([(b.x0, 0.0), (b.x1, b.y)], b.color.mix(0.8).filled())))?;
    }
    let cap = (p.x_range.1 - p.x_range.0) * 0.012;
    for e in &p.error_bars {
        let ink = BLACK.stroke_width(2);
        chart.draw_series(LineSeries::new(vec![(e.x, e.low), (e.x, e.high)], ink))?;
        for y in [e.low, e.high] {
            chart.draw_series(LineSeries::new(vec![(e.x - cap, y), (e.x + cap, y)], ink))?;
        }
    }
    Ok(())
}

/// Every line (solid, dashed or filled area), each with its legend entry.
fn lines<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    for l in &p.lines {
        let style = l.color.stroke_width(2);
        let color = l.color;
        let dashed = l.dashed;
        let legend = move |(x, y): (i32, i32)| {
            PathElement::new(
                vec![(x, y), (x + 24, y)],
                if dashed { color.stroke_width(2) } else { color.stroke_width(4) },
            )
        };
        if l.filled {
            chart
                .draw_series(AreaSeries::new(l.points.iter().copied(), 0.0, l.color.mix(0.75).filled()))?
                .label(l.label.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 24, y + 6)], color.filled()));
        } else if l.dashed {
            chart
                .draw_series(DashedLineSeries::new(l.points.iter().copied(), 8, 5, style))?
                .label(l.label.as_str())
                .legend(legend);
        } else {
            chart.draw_series(LineSeries::new(l.points.iter().copied(), style))?.label(l.label.as_str()).legend(legend);
        }
        if l.dots {
            chart.draw_series(l.points.iter().map(|&at| Circle::new(at, 4, l.color.filled())))?;
        }
    }
    Ok(())
}

/// Limits as dashed horizontal lines, labelled at the left.
fn levels<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = p.x_range;
    for lv in &p.levels {
        chart.draw_series(DashedLineSeries::new(vec![(x0, lv.y), (x1, lv.y)], 10, 6, lv.color.stroke_width(2)))?;
        chart.draw_series(std::iter::once(Text::new(
            lv.label.clone(),
            (x0 + (x1 - x0) * 0.01, lv.y),
            (FONT, 14).into_font().color(&lv.color).pos(Pos::new(HPos::Left, VPos::Bottom)),
        )))?;
    }
    Ok(())
}

/// Vertical markers; labels alternate between three heights so neighbours
/// do not overlap.
fn marks<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    for (i, m) in p.marks.iter().enumerate() {
        chart.draw_series(LineSeries::new(vec![(m.x, y0), (m.x, y1)], m.color.stroke_width(2)))?;
        if let Some(label) = &m.label {
            let y = y1 - (y1 - y0) * (0.03 + 0.06 * (i % 3) as f64);
            // Near the right edge the label goes to the left of its line.
            let side = if m.x > x0 + (x1 - x0) * 0.8 { HPos::Right } else { HPos::Left };
            chart.draw_series(std::iter::once(Text::new(
                format!(" {label} "),
                (m.x, y),
                (FONT, 13).into_font().color(&m.color).pos(Pos::new(side, VPos::Center)),
            )))?;
        }
    }
    Ok(())
}

/// `note` in the middle of a panel with nothing to plot.
fn empty_note<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel, note: &str) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    chart.draw_series(std::iter::once(Text::new(
        note.to_string(),
        ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
        (FONT, 18).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center)),
    )))?;
    Ok(())
}

/// The legend of the lines, where the panel says the data leaves room.
fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut Plot<'a, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(p.legend.clone())
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .draw()?;
    Ok(())
}

/// A heat map: `values[row][col]` with labelled rows and columns.
pub(crate) struct Heat {
    pub(crate) title: String,
    pub(crate) x_desc: String,
    pub(crate) y_desc: String,
    pub(crate) x_labels: Vec<String>,
    pub(crate) y_labels: Vec<String>,
    pub(crate) values: Vec<Vec<f64>>,
    pub(crate) format: Format,
}

pub(crate) fn heat<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heat) -> Res
where
    DB::ErrorType: 'static,
{
    let (cols, rows) = (h.x_labels.len(), h.y_labels.len());
    let mut chart = ChartBuilder::on(area)
        .caption(&h.title, (FONT, 22))
        .margin(14)
        .x_label_area_size(48)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..cols as f64, 0.0..rows as f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(h.x_desc.as_str())
        .y_desc(h.y_desc.as_str())
        .x_labels(cols * 2 + 1)
        .y_labels(rows * 2 + 1)
        .x_label_formatter(&|x| label_at(&h.x_labels, *x))
        .y_label_formatter(&|y| label_at(&h.y_labels, *y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()?;
    let all: Vec<f64> = h.values.iter().flatten().copied().collect();
    let (lo, hi) = all.iter().fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    for (r, row) in h.values.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
            // From light to the palette's blue: one hue, readable in grey too.
            let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t) as u8;
            let fill = RGBColor(mix(240, 0), mix(246, 90), mix(252, 160));
            let (x, y) = (c as f64, r as f64);
            chart.draw_series(std::iter::once(Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill.filled())))?;
            let ink = if t > 0.55 { WHITE } else { BLACK };
            chart.draw_series(std::iter::once(Text::new(
                (h.format)(v),
                (x + 0.5, y + 0.5),
                (FONT, 16).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
            )))?;
        }
    }
    Ok(())
}

/// The label of the cell whose centre is at `v` (labels only at centres).
pub(crate) fn label_at(labels: &[String], v: f64) -> String {
    let i = v - 0.5;
    if (i - i.round()).abs() < 1e-6 && i >= 0.0 {
        labels.get(i.round() as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}
