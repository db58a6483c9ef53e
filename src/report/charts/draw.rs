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
const LEGEND_BORDER: RGBColor = RGBColor(200, 200, 200);

/// A series of points.
pub(crate) struct Line {
    pub(crate) label: String,
    pub(crate) color: RGBColor,
    pub(crate) dashed: bool,
    /// Filled down to zero (stacked areas are drawn top first).
    pub(crate) filled: bool,
    /// A dot on every point: measured points, not a continuous curve.
    pub(crate) dots: bool,
    /// Whether neighbouring points are joined by a line.
    pub(crate) joined: bool,
    /// Stroke width in pixels.
    pub(crate) width: u32,
    pub(crate) points: Vec<(f64, f64)>,
    /// Points where a solid line starts again, not joined to the point before.
    pub(crate) breaks: Vec<usize>,
}

impl Line {
    pub(crate) fn solid(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        let breaks = Vec::new();
        Line {
            label: label.into(),
            color,
            dashed: false,
            filled: false,
            dots: false,
            joined: true,
            width: 2,
            points,
            breaks,
        }
    }
    /// The same line drawn `width` pixels wide: lines that may coincide are
    /// drawn widest first, so each still shows around the next.
    pub(crate) fn wide(self, width: u32) -> Line {
        Line { width, ..self }
    }
    pub(crate) fn dashed(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line { dashed: true, ..Line::solid(label, color, points) }
    }
    pub(crate) fn area(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line { filled: true, ..Line::solid(label, color, points) }
    }
    /// The same solid line, not joined across the x values of `gaps`
    /// (ascending): where nothing was measured, a line would invent values.
    pub(crate) fn broken_at(self, gaps: &[f64]) -> Line {
        let gap_between = |a: f64, b: f64| gaps.partition_point(|&x| x <= a) < gaps.partition_point(|&x| x < b);
        let breaks = (1..self.points.len()).filter(|&j| gap_between(self.points[j - 1].0, self.points[j].0)).collect();
        Line { breaks, ..self }
    }
    /// The radius of a dot standing for a point of this line: as wide as
    /// the line, so that dots drawn widest first show around each other.
    fn dot(&self) -> i32 {
        4.max(self.width as i32 / 2 + 3)
    }
    /// The same line with a dot on every point.
    pub(crate) fn dotted(self) -> Line {
        Line { dots: true, ..self }
    }
    /// Dots only, not joined: points that are not a series.
    pub(crate) fn scatter(label: impl Into<String>, color: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line { joined: false, ..Line::solid(label, color, points).dotted() }
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

/// A horizontal reference line (a limit), labelled at its left end.
pub(crate) struct Level {
    pub(crate) y: f64,
    pub(crate) color: RGBColor,
    pub(crate) label: String,
}

/// A span of x tinted in `color` and labelled (in black) at the top: what
/// held sending over that time.
pub(crate) struct Span {
    pub(crate) x0: f64,
    pub(crate) x1: f64,
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
    /// Lines with an empty label have no legend entry.
    pub(crate) lines: Vec<Line>,
    pub(crate) bands: Vec<Band>,
    pub(crate) bars: Vec<Bar>,
    pub(crate) error_bars: Vec<ErrorBar>,
    /// Shaded spans of x (outages).
    pub(crate) shaded: Vec<(f64, f64)>,
    /// Tinted, labelled spans of x.
    pub(crate) spans: Vec<Span>,
    /// Grey dotted day boundaries.
    pub(crate) midnights: Vec<f64>,
    pub(crate) marks: Vec<Mark>,
    pub(crate) levels: Vec<Level>,
    /// Chosen x ticks (position, label) instead of evenly spaced numbers.
    pub(crate) x_ticks: Option<Vec<(f64, String)>>,
    /// Chosen y ticks (position, label), e.g. decades of a log axis.
    pub(crate) y_ticks: Option<Vec<(f64, String)>>,
    /// The y axis is seconds: ticks on round durations (30s, 2m, 1h).
    pub(crate) y_seconds: bool,
    /// The x of each sweep point, in the sweep's order: the sweep page
    /// highlights the point a reader selects (see [`picks`]).
    pub(crate) points: Vec<f64>,
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
            spans: Vec::new(),
            midnights: Vec::new(),
            marks: Vec::new(),
            levels: Vec::new(),
            x_ticks: None,
            y_ticks: None,
            y_seconds: false,
            points: Vec::new(),
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

/// Space around the panel, as plotters' chart builder leaves it.
const MARGIN: i32 = 14;
/// Height of the x tick labels and description under the plot.
const X_LABELS: i32 = 48;
/// Width of the y tick labels and description left of the plot.
const Y_LABELS: i32 = 78;
/// Font sizes: limit labels, marker and span labels, legend entries.
const LEVEL_FONT: f64 = 14.0;
const MARK_FONT: f64 = 13.0;
const LEGEND_FONT: f64 = 14.0;
/// Legend geometry: entry height, swatch width, swatch-to-text gap, frame padding.
const ROW: i32 = 18;
const SWATCH: i32 = 24;
const GAP: i32 = 6;
const PAD: i32 = 6;
/// Pixels kept clear between a label or legend and anything else.
const CLEAR: i32 = 3;
/// Where a legend ends up when it fits inside the plot, in order of
/// preference: (at the left, at the top) of the plot.
const CORNERS: [(bool, bool); 4] = [(false, true), (true, true), (false, false), (true, false)];

/// A rectangle in pixels of the figure, y downwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub(crate) x0: i32,
    pub(crate) y0: i32,
    pub(crate) x1: i32,
    pub(crate) y1: i32,
}

impl Bounds {
    fn sized(x0: i32, y0: i32, (w, h): (i32, i32)) -> Bounds {
        Bounds { x0, y0, x1: x0 + w, y1: y0 + h }
    }

    pub(crate) fn intersects(&self, o: &Bounds) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn grown(&self, by: i32) -> Bounds {
        Bounds { x0: self.x0 - by, y0: self.y0 - by, x1: self.x1 + by, y1: self.y1 + by }
    }

    /// The same box in pixels counted from `origin`.
    fn from(&self, origin: (i32, i32)) -> Bounds {
        Bounds { x0: self.x0 - origin.0, y0: self.y0 - origin.1, x1: self.x1 - origin.0, y1: self.y1 - origin.1 }
    }

    fn within(&self, o: &Bounds) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }

    /// Whether the segment from `a` to `b` passes through (Liang–Barsky clipping).
    fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut enter, mut leave) = (0.0f64, 1.0f64);
        let sides = [
            (-dx, a.0 - self.x0 as f64),
            (dx, self.x1 as f64 - a.0),
            (-dy, a.1 - self.y0 as f64),
            (dy, self.y1 as f64 - a.1),
        ];
        for (p, q) in sides {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else if p < 0.0 {
                enter = enter.max(q / p);
            } else {
                leave = leave.min(q / p);
            }
        }
        enter <= leave
    }
}

/// Panel coordinates to pixels, as plotters maps them (within a pixel).
struct Map {
    plot: Bounds,
    x: (f64, f64),
    y: (f64, f64),
}

impl Map {
    fn new(p: &Panel, plot: Bounds) -> Map {
        Map { plot, x: p.x_range, y: p.y_range }
    }

    fn px(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let share = |v: f64, (a, b): (f64, f64)| if b > a { (v - a) / (b - a) } else { 0.5 };
        let (w, h) = ((self.plot.x1 - self.plot.x0) as f64, (self.plot.y1 - self.plot.y0) as f64);
        (self.plot.x0 as f64 + share(x, self.x) * w, self.plot.y1 as f64 - share(y, self.y) * h)
    }
}

/// Something drawn in the plot that a legend must not cover.
enum Obstacle {
    Segment((f64, f64), (f64, f64)),
    Area(Bounds),
}

impl Obstacle {
    fn blocks(&self, b: &Bounds) -> bool {
        match self {
            Obstacle::Segment(a, z) => b.crossed_by(*a, *z),
            Obstacle::Area(a) => a.intersects(b),
        }
    }

    /// The box between two pixel points, widened to whole pixels.
    fn between(a: (f64, f64), b: (f64, f64)) -> Obstacle {
        Obstacle::Area(Bounds {
            x0: a.0.min(b.0).floor() as i32,
            y0: a.1.min(b.1).floor() as i32,
            x1: a.0.max(b.0).ceil() as i32 + 1,
            y1: a.1.max(b.1).ceil() as i32 + 1,
        })
    }
}

/// A text and where it goes: `at` is its box, drawn from the top-left corner.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    pub(crate) text: String,
    pub(crate) color: RGBColor,
    pub(crate) size: f64,
    pub(crate) at: Bounds,
}

/// The legend: its frame and the top-left corner of each entry, one per
/// labelled line in order.
#[derive(Clone, Debug)]
pub(crate) struct Legend {
    pub(crate) frame: Bounds,
    entries: Vec<(i32, i32)>,
    /// Above the plot (no corner of the plot was empty), not in a corner of it.
    pub(crate) outside: bool,
}

/// Where a panel's plot, labels and legend go, in pixels of the whole figure.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub(crate) plot: Bounds,
    /// Limit, marker, span and note labels.
    pub(crate) labels: Vec<Placed>,
    pub(crate) legend: Option<Legend>,
}

/// The size in pixels of `text` at `size`, as plotters lays it out: in the
/// embedded font whichever thread asks first, so charts described before
/// any is drawn measure alike.
fn text_size(text: &str, size: f64) -> (i32, i32) {
    super::register_font();
    let (w, h) = (FONT, size)
        .into_font()
        .box_size(text)
        .unwrap_or(((text.chars().count() as f64 * size * 0.6) as u32, size as u32));
    (w as i32, h as i32)
}

/// The plot inside `inner` (the panel less its margin and title) when `band`
/// pixels above it hold the legend.
fn plot_area(inner: Bounds, band: i32) -> Bounds {
    Bounds { x0: inner.x0 + Y_LABELS, y0: inner.y0 + band, x1: inner.x1, y1: inner.y1 - X_LABELS }
}

/// The first of `candidates` inside `within` that keeps clear of every placed
/// label and crosses nothing of the first of `avoid`; else of the next, and
/// so on; else the first inside and clear of labels; else the first
/// candidate (so an overlap shows, never a missing or cut label).
fn first_free(candidates: Vec<Bounds>, placed: &[Placed], avoid: &[&[Obstacle]], within: Bounds) -> Bounds {
    let clear = |b: &&Bounds| b.within(&within) && placed.iter().all(|p| !p.at.grown(CLEAR).intersects(b));
    let free = |lines: &[Obstacle]| candidates.iter().find(|b| clear(b) && lines.iter().all(|l| !l.blocks(b)));
    let found = avoid.iter().find_map(|lines| free(lines)).or_else(|| candidates.iter().find(clear));
    found.or(candidates.first()).copied().unwrap_or(within)
}

/// Widens `p`'s x range so that its rightmost marker's label fits to the
/// right of its line, in a panel `width` pixels wide. Placed to the left,
/// it would cross the markers just before it (the latency chart's expiry
/// and useful-life lines, a decade apart or less). A label wider than a
/// third of the plot is left where the layout can put it.
pub(crate) fn room_for_last_mark(p: &mut Panel, width: u32) {
    let last = p.marks.iter().filter_map(|m| m.label.as_ref().map(|l| (m.x, l))).max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((x, text)) = last else { return };
    let plot = width as i32 - 2 * MARGIN - Y_LABELS;
    let need = f64::from(4 + text_size(text, MARK_FONT).0 + CLEAR) / f64::from(plot);
    let (left, right) = p.x_range;
    if need < 1.0 / 3.0 && (left..right).contains(&x) && (right - x) / (right - left) < need {
        p.x_range.1 = (x - need * left) / (1.0 - need);
    }
}

/// Rows of labels from the top of the plot down, as top edges.
fn rows_from_top(plot: Bounds, h: i32) -> impl Iterator<Item = i32> {
    (0..).map(move |r| plot.y0 + 4 + r * (h + 4)).take_while(move |y| y + h <= plot.y1)
}

/// The label of the limits at one value, within `width` pixels: as many
/// of them as fit, then how many more; one that is too long alone loses the
/// middle of its name, never its figure (the text after the last `": "`).
fn fit_level(parts: &[String], width: i32) -> String {
    let fits = |t: &str| text_size(t, LEVEL_FONT).0 <= width;
    let more = |kept: usize| {
        let n = parts.len() - kept;
        if n == 0 { String::new() } else { format!(" · and {n} more") }
    };
    if let Some(t) = (1..=parts.len()).rev().map(|k| format!("{}{}", parts[..k].join(" · "), more(k))).find(|t| fits(t))
    {
        return t;
    }
    let (name, figure) =
        parts[0].rsplit_once(": ").map_or((parts[0].as_str(), String::new()), |(n, f)| (n, format!(": {f}")));
    let chars: Vec<char> = name.chars().collect();
    let shortened = |keep: usize| {
        let (head, tail) = (keep - keep / 2, keep / 2);
        let (a, b): (String, String) = (chars[..head].iter().collect(), chars[chars.len() - tail..].iter().collect());
        format!("{a}…{b}{figure}{}", more(1))
    };
    (0..chars.len()).rev().map(shortened).find(|t| fits(t)).unwrap_or_else(|| shortened(0))
}

/// Places the labels of limits, spans, markers and the empty note so that
/// none overlaps another. Limits with the same value share one label; a
/// label that would collide moves along its own line, then below it.
fn place_labels(p: &Panel, plot: Bounds) -> Vec<Placed> {
    let map = Map::new(p, plot);
    let mut placed: Vec<Placed> = Vec::new();
    let mut levels: Vec<(f64, RGBColor, Vec<String>)> = Vec::new();
    for lv in &p.levels {
        match levels.iter_mut().find(|l| l.0 == lv.y) {
            Some(l) => {
                l.2.push(lv.label.clone());
                l.1 = if l.1 == lv.color { l.1 } else { BLACK };
            }
            None => levels.push((lv.y, lv.color, vec![lv.label.clone()])),
        }
    }
    levels.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (y, color, parts) in levels {
        let text = fit_level(&parts, plot.x1 - plot.x0 - 16);
        let size = text_size(&text, LEVEL_FONT);
        let line = map.px((p.x_range.0, y)).1.round() as i32;
        let xs = (plot.x0 + 8..plot.x1).step_by(8);
        let candidates = [line - size.1 - CLEAR, line + CLEAR]
            .into_iter()
            .flat_map(|top| xs.clone().map(move |x| Bounds::sized(x, top, size)))
            .collect();
        let at = first_free(candidates, &placed, &[], plot);
        placed.push(Placed { text, color, size: LEVEL_FONT, at });
    }
    let tops = |text: &str, x0: f64, sides: &[bool]| {
        let size = text_size(text, MARK_FONT);
        rows_from_top(plot, size.1)
            .flat_map(|top| {
                sides.iter().map(move |&right| {
                    let x = if right { x0 as i32 + 4 } else { x0 as i32 - 4 - size.0 };
                    Bounds::sized(x, top, size)
                })
            })
            .collect::<Vec<_>>()
    };
    // Span and marker labels keep off everything drawn, or failing that off
    // the markers' and limits' lines, so each reads as its own line's and
    // none is struck through: from the top down, beside their line.
    let drawn = obstacles(p, &map, &[]);
    let lines_at_top = reference_lines(p, &map);
    let avoid: [&[Obstacle]; 2] = [&drawn, &lines_at_top];
    for s in &p.spans {
        let x = map.px((s.x0.max(p.x_range.0), 0.0)).0;
        let at = first_free(tops(&s.label, x, &[true, false]), &placed, &avoid, plot);
        placed.push(Placed { text: s.label.clone(), color: BLACK, size: MARK_FONT, at });
    }
    let mut marks: Vec<&Mark> = p.marks.iter().collect();
    marks.sort_by(|a, b| a.x.total_cmp(&b.x));
    for (m, text) in marks.iter().filter_map(|m| m.label.as_ref().map(|l| (m, l))) {
        let at = first_free(tops(text, map.px((m.x, 0.0)).0, &[true, false]), &placed, &avoid, plot);
        placed.push(Placed { text: text.clone(), color: m.color, size: MARK_FONT, at });
    }
    placed
}

/// Everything drawn in the plot, in pixels: lines, areas, bands, bars,
/// limits, markers and labels.
fn obstacles(p: &Panel, map: &Map, labels: &[Placed]) -> Vec<Obstacle> {
    let mut out = Vec::new();
    let base = map.px((p.x_range.0, 0.0f64.clamp(p.y_range.0, p.y_range.1))).1;
    for l in &p.lines {
        let px: Vec<(f64, f64)> = l.points.iter().map(|&q| map.px(q)).collect();
        if let [only] = px[..] {
            out.push(Obstacle::Segment(only, only));
        }
        if !l.joined {
            out.extend(px.iter().map(|&q| Obstacle::Segment(q, q)));
            continue;
        }
        for w in px.windows(2) {
            let (a, b) = (w[0], w[1]);
            out.push(if l.filled {
                Obstacle::between((a.0, a.1.min(b.1)), (b.0, base))
            } else {
                Obstacle::Segment(a, b)
            });
        }
    }
    for b in &p.bands {
        for (lo, hi) in b.low.windows(2).zip(b.high.windows(2)) {
            let ys = [lo[0], lo[1], hi[0], hi[1]].map(|q| map.px(q));
            let top = ys.iter().map(|q| q.1).fold(f64::MAX, f64::min);
            let bottom = ys.iter().map(|q| q.1).fold(f64::MIN, f64::max);
            out.push(Obstacle::between((ys[0].0, top), (ys[1].0, bottom)));
        }
    }
    for b in &p.bars {
        out.push(Obstacle::between(map.px((b.x0, 0.0)), map.px((b.x1, b.y))));
    }
    out.extend(reference_lines(p, map));
    out.extend(labels.iter().map(|l| Obstacle::Area(l.at)));
    out
}

/// The markers' and limits' lines, across the plot.
fn reference_lines(p: &Panel, map: &Map) -> Vec<Obstacle> {
    let marks = p.marks.iter().map(|m| Obstacle::Segment(map.px((m.x, p.y_range.0)), map.px((m.x, p.y_range.1))));
    let levels = p.levels.iter().map(|l| Obstacle::Segment(map.px((p.x_range.0, l.y)), map.px((p.x_range.1, l.y))));
    marks.chain(levels).collect()
}

/// Lays a panel out in `inner` (its area less margin and title): labels
/// first, then the legend in the first corner of the plot that is empty of
/// data, limits, markers and labels, or, when none is, in a band above the
/// plot. A legend never covers what is plotted.
pub(crate) fn layout(p: &Panel, inner: Bounds) -> Layout {
    let widths: Vec<i32> = p
        .lines
        .iter()
        .filter(|l| !l.label.is_empty())
        .map(|l| SWATCH + GAP + text_size(&l.label, LEGEND_FONT).0)
        .collect();
    let plot = plot_area(inner, 0);
    let labels = place_labels(p, plot);
    if widths.is_empty() {
        return Layout { plot, labels, legend: None };
    }
    let size = (2 * PAD + widths.iter().copied().max().unwrap_or(0), 2 * PAD + ROW * widths.len() as i32);
    let blocked = obstacles(p, &Map::new(p, plot), &labels);
    for (left, top) in CORNERS {
        let x = if left { plot.x0 + 8 } else { plot.x1 - 8 - size.0 };
        let y = if top { plot.y0 + 8 } else { plot.y1 - 8 - size.1 };
        let frame = Bounds::sized(x, y, size);
        if frame.within(&plot) && !blocked.iter().any(|o| o.blocks(&frame.grown(CLEAR))) {
            let entries = (0..widths.len() as i32).map(|i| (x + PAD, y + PAD + i * ROW)).collect();
            return Layout { plot, labels, legend: Some(Legend { frame, entries, outside: false }) };
        }
    }
    // Above the plot: entries flow left to right, wrapping at the panel's width.
    let (mut x, mut row, mut right) = (inner.x0 + Y_LABELS, 0, 0);
    let mut entries = Vec::new();
    for w in &widths {
        if x + w > inner.x1 && x > inner.x0 + Y_LABELS {
            (x, row) = (inner.x0 + Y_LABELS, row + 1);
        }
        entries.push((x, inner.y0 + row * ROW));
        right = right.max(x + w);
        x += w + 3 * GAP;
    }
    let band = (row + 1) * ROW + PAD;
    let plot = plot_area(inner, band);
    let frame = Bounds { x0: inner.x0 + Y_LABELS, y0: inner.y0, x1: right, y1: inner.y0 + (row + 1) * ROW };
    Layout { plot, labels: place_labels(p, plot), legend: Some(Legend { frame, entries, outside: true }) }
}

/// The plotting area of a panel: f64 on both axes.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws `panel` into `area`, back to front: title, axes, grid ticks,
/// outages, spans and midnights, bands and bars, lines, limits, markers,
/// labels, legend. Returns where the labels and legend went.
pub(crate) fn panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> Result<Layout, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let inner = area.margin(MARGIN, MARGIN, MARGIN, MARGIN).titled(&p.title, (FONT, 22))?;
    let ((x0, y0), dim) = (inner.get_base_pixel(), inner.dim_in_pixel());
    let lay = layout(p, Bounds::sized(x0, y0, (dim.0 as i32, dim.1 as i32)));
    let below_legend = inner.margin(lay.plot.y0 - y0, 0, 0, 0);
    let mut chart = axes(&below_legend, p)?;
    debug_assert_eq!(
        chart.plotting_area().get_pixel_range(),
        (lay.plot.x0..lay.plot.x1, lay.plot.y0..lay.plot.y1),
        "the layout's plot is plotters' plot"
    );
    chosen_x_ticks(&mut chart, p)?;
    chosen_y_ticks(&mut chart, p)?;
    backdrop(&mut chart, p)?;
    bands_and_bars(&mut chart, p)?;
    lines(&mut chart, p)?;
    levels(&mut chart, p)?;
    marks(&mut chart, p)?;
    // The layout is in the backend's pixels; the area draws from its own corner.
    let origin = area.get_base_pixel();
    for l in &lay.labels {
        let style = (FONT, l.size).into_font().color(&l.color).pos(Pos::new(HPos::Left, VPos::Top));
        let at = l.at.from(origin);
        area.draw(&Text::new(l.text.clone(), (at.x0, at.y0), style))?;
    }
    if let Some(legend) = &lay.legend {
        draw_legend(area, p, legend)?;
    }
    Ok(lay)
}

/// The axes and mesh of the plot below the title; evenly spaced tick labels
/// unless the panel chose its own or wants durations.
fn axes<'a, DB: DrawingBackend>(area: &'a DrawingArea<DB, Shift>, p: &Panel) -> Result<Plot<'a, DB>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(area)
        .x_label_area_size(X_LABELS)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(p.x_range.0..p.x_range.1, p.y_range.0..p.y_range.1)?;
    chart
        .configure_mesh()
        .x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_labels(if p.x_ticks.is_some() { 0 } else { 8 })
        .y_labels(if p.y_seconds || p.y_ticks.is_some() { 0 } else { 6 })
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

/// The panel's own y ticks, or round durations (30s, 2m, 1h) for an axis
/// in seconds, within range.
fn chosen_y_ticks<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    let ticks: Vec<(f64, String)> = if p.y_seconds {
        let step = duration_step(y1 - y0);
        (0..).map(|k| y0 + k as f64 * step).take_while(|y| *y <= y1).map(|y| (y, (p.y_format)(y))).collect()
    } else {
        p.y_ticks.iter().flatten().filter(|(y, _)| (y0..=y1).contains(y)).cloned().collect()
    };
    for (y, label) in ticks {
        tick(chart, ((x0, y), (x1, y)), label, (-8, 0), Pos::new(HPos::Right, VPos::Center))?;
    }
    Ok(())
}

/// Outages shaded, labelled spans tinted and midnights dotted, behind the data.
fn backdrop<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let ((x0, x1), (y0, y1)) = (p.x_range, p.y_range);
    for &(a, b) in &p.shaded {
        chart.draw_series(std::iter::once(Rectangle::new([(a.max(x0), y0), (b.min(x1), y1)], SHADE.filled())))?;
    }
    for s in &p.spans {
        let tint = s.color.mix(0.16).filled();
        chart.draw_series(std::iter::once(Rectangle::new([(s.x0.max(x0), y0), (s.x1.min(x1), y1)], tint)))?;
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

/// The fill of an area of `color`: a quarter lighter, and opaque, so that
/// stacked areas drawn over each other keep their own colour (and their
/// legend's) instead of darkening where they overlap.
fn area_fill(color: RGBColor) -> RGBColor {
    let lighter = |c: u8| ((u16::from(c) * 3 + 255) / 4) as u8;
    RGBColor(lighter(color.0), lighter(color.1), lighter(color.2))
}

/// Every line: solid, dashed or a filled area.
fn lines<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    for l in &p.lines {
        let style = l.color.stroke_width(l.width);
        let points = l.points.iter().copied();
        match (l.joined, l.filled, l.dashed) {
            (false, _, _) => {}
            (true, true, _) => {
                chart.draw_series(AreaSeries::new(points, 0.0, area_fill(l.color).filled()))?;
            }
            (true, false, true) => {
                chart.draw_series(DashedLineSeries::new(points, 8, 5, style))?;
            }
            (true, false, false) => {
                let ends = l.breaks.iter().copied().filter(|&b| b < l.points.len()).chain([l.points.len()]);
                let mut from = 0;
                for to in ends {
                    solid(chart, l, l.points.get(from..to).unwrap_or_default())?;
                    from = to;
                }
            }
        }
        // A line of one point (a run shorter than one row) joins nothing: a dot shows it.
        if l.dots || l.points.len() == 1 {
            chart.draw_series(l.points.iter().map(|&at| Circle::new(at, l.dot(), l.color.filled())))?;
        }
    }
    Ok(())
}

/// One unbroken piece of solid line `l`. A wide line turning back sharply
/// would be joined by a spike: it is drawn in pieces that meet at a round
/// dot. A piece of one point is a dot.
fn solid<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, l: &Line, points: &[(f64, f64)]) -> Res
where
    DB::ErrorType: 'static,
{
    let joint = (l.width / 2).max(1) as i32;
    if let [only] = points {
        // A line of one point gets the dot every such line gets.
        if l.points.len() > 1 {
            chart.draw_series(std::iter::once(Circle::new(*only, l.dot(), l.color.filled())))?;
        }
        return Ok(());
    }
    let pixels: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(p)).collect();
    let cuts = if l.width > 2 { sharp_turns(&pixels) } else { Vec::new() };
    let mut from = 0;
    for &cut in cuts.iter().chain(&[points.len().saturating_sub(1)]) {
        let piece = points.get(from..=cut).unwrap_or_default().iter().copied();
        chart.draw_series(LineSeries::new(piece, l.color.stroke_width(l.width)))?;
        from = cut;
    }
    chart.draw_series(cuts.iter().map(|&i| Circle::new(points[i], joint, l.color.filled())))?;
    Ok(())
}

/// The corners of a polyline (in pixels) where it turns back by more than
/// a right angle. Plotters joins wide lines with mitres, and at such a
/// corner the inner one reaches past short segments: a thin spike, often
/// below zero.
fn sharp_turns(pixels: &[(i32, i32)]) -> Vec<usize> {
    let mut corners = Vec::new();
    // The direction of the last segment of some length.
    let mut last: Option<(i64, i64)> = None;
    for (i, w) in pixels.windows(2).enumerate() {
        let d = (i64::from(w[1].0 - w[0].0), i64::from(w[1].1 - w[0].1));
        if d == (0, 0) {
            continue;
        }
        if let Some(before) = last
            && before.0 * d.0 + before.1 * d.1 < 0
        {
            corners.push(i);
        }
        last = Some(d);
    }
    corners
}

/// Limits as dashed horizontal lines (labelled by the layout).
fn levels<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = p.x_range;
    for lv in &p.levels {
        chart.draw_series(DashedLineSeries::new(vec![(x0, lv.y), (x1, lv.y)], 10, 6, lv.color.stroke_width(2)))?;
    }
    Ok(())
}

/// Vertical markers (labelled by the layout).
fn marks<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, p: &Panel) -> Res
where
    DB::ErrorType: 'static,
{
    let (y0, y1) = p.y_range;
    for m in &p.marks {
        chart.draw_series(LineSeries::new(vec![(m.x, y0), (m.x, y1)], m.color.stroke_width(2)))?;
    }
    Ok(())
}

/// The legend where the layout put it; each swatch drawn as its line is
/// (solid, dashed or filled).
fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel, legend: &Legend) -> Res
where
    DB::ErrorType: 'static,
{
    let origin = area.get_base_pixel();
    let f = legend.frame.from(origin);
    if !legend.outside {
        area.draw(&Rectangle::new([(f.x0, f.y0), (f.x1, f.y1)], WHITE.mix(0.9).filled()))?;
        area.draw(&Rectangle::new([(f.x0, f.y0), (f.x1, f.y1)], LEGEND_BORDER))?;
    }
    let labelled = p.lines.iter().filter(|l| !l.label.is_empty());
    for (l, &(x, y)) in labelled.zip(&legend.entries) {
        let (x, mid) = (x - origin.0, y - origin.1 + ROW / 2);
        if !l.joined {
            area.draw(&Circle::new((x + SWATCH / 2, mid), 4, l.color.filled()))?;
        } else if l.filled {
            area.draw(&Rectangle::new([(x, mid - 6), (x + SWATCH, mid + 6)], area_fill(l.color).filled()))?;
        } else if l.dashed {
            for d in [0, 9, 18] {
                area.draw(&PathElement::new(vec![(x + d, mid), (x + d + 6, mid)], l.color.stroke_width(3)))?;
            }
        } else {
            area.draw(&PathElement::new(vec![(x, mid), (x + SWATCH, mid)], l.color.stroke_width(l.width + 1)))?;
        }
        let style = (FONT, LEGEND_FONT).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(l.label.clone(), (x + SWATCH + GAP, mid), style))?;
    }
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
    /// The (sweep point, row, column) of each point with a cell.
    pub(crate) cells: Vec<(usize, usize, usize)>,
}

/// Draws the heat map; returns its plot, in pixels of the whole figure.
pub(crate) fn heat<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heat) -> Result<Bounds, Box<dyn Error>>
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
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Ok(Bounds { x0: xs.start, y0: ys.start, x1: xs.end, y1: ys.end })
}

/// A highlight of one sweep point: drawn over the chart, hidden until the
/// sweep page shows it for the point a reader selected or pinned.
pub(crate) struct Pick {
    pub(crate) point: usize,
    /// SVG elements, in pixels of the whole figure.
    pub(crate) svg: String,
}

/// A band across the plot at each sweep point's x: as wide as a bar where
/// the panel has bars, else 14 pixels. Drawn under the data.
pub(crate) fn picks(p: &Panel, plot: Bounds) -> Vec<Pick> {
    let map = Map::new(p, plot);
    let half = if p.bars.is_empty() { None } else { Some(0.45) };
    p.points
        .iter()
        .enumerate()
        .map(|(point, &x)| {
            let (x0, x1) = match half {
                Some(h) => (map.px((x - h, 0.0)).0, map.px((x + h, 0.0)).0),
                None => (map.px((x, 0.0)).0 - 7.0, map.px((x, 0.0)).0 + 7.0),
            };
            let svg = format!(
                "<rect class=\"band\" x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\"/>",
                plot.y0,
                x1 - x0,
                plot.y1 - plot.y0
            );
            Pick { point, svg }
        })
        .collect()
}

/// A double outline (dark outside, light inside, so it shows on any
/// shade) round each sweep point's cell of a heat map drawn in `plot`.
/// Drawn over the cells.
pub(crate) fn heat_picks(h: &Heat, plot: Bounds) -> Vec<Pick> {
    let (cols, rows) = (h.x_labels.len().max(1) as f64, h.y_labels.len().max(1) as f64);
    let (w, ht) = (f64::from(plot.x1 - plot.x0) / cols, f64::from(plot.y1 - plot.y0) / rows);
    h.cells
        .iter()
        .map(|&(point, r, c)| {
            let (x, y) = (f64::from(plot.x0) + c as f64 * w, f64::from(plot.y1) - (r as f64 + 1.0) * ht);
            let rect = |class: &str, inset: f64| {
                format!(
                    "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                    x + inset,
                    y + inset,
                    w - 2.0 * inset,
                    ht - 2.0 * inset
                )
            };
            Pick { point, svg: rect("outer", 3.0) + &rect("inner", 6.0) }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_breaks_only_across_a_gap_strictly_between_two_points() {
        let points = vec![(0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (5.0, 1.0), (6.0, 1.0)];
        let line = |gaps: &[f64]| Line::solid("l", BLACK, points.clone()).broken_at(gaps).breaks;
        assert_eq!(line(&[3.0, 4.0]), vec![3]);
        assert_eq!(line(&[-1.0, 0.5, 3.0, 7.0]), vec![1, 3]);
        // A gap at a point's own x: that point was measured.
        assert!(line(&[1.0, 6.0]).is_empty() && line(&[]).is_empty());
    }

    #[test]
    fn a_wide_line_is_cut_where_it_turns_back() {
        // Up, right, down (right angles are no cut), then back up: one cut.
        let square = [(0, 10), (0, 0), (5, 0), (5, 10), (5, 2)];
        assert_eq!(sharp_turns(&square), vec![3]);
        // A spike of one pixel's width turns back at its tip.
        assert_eq!(sharp_turns(&[(0, 100), (1, 0), (2, 100)]), vec![1]);
        // Points that do not move are skipped: the turn is still seen.
        assert_eq!(sharp_turns(&[(0, 100), (1, 0), (1, 0), (2, 100)]), vec![2]);
        assert_eq!(sharp_turns(&[(0, 0), (1, 1), (2, 0), (3, 1)]), Vec::<usize>::new());
        assert!(sharp_turns(&[(4, 4)]).is_empty() && sharp_turns(&[]).is_empty());
    }

    #[test]
    fn a_limit_label_keeps_what_fits_and_never_cuts_a_figure() {
        super::super::register_font();
        let width = |t: &str| text_size(t, LEVEL_FONT).0;
        let parts: Vec<String> = (0..6).map(|i| format!("s{i} SMS (49 numbers): 73.5k/min")).collect();
        let all = parts.join(" · ");
        assert_eq!(fit_level(&parts, width(&all)), all);
        // Room for two and the count: the third would not fit.
        let two = format!("{} · {} · and 4 more", parts[0], parts[1]);
        let narrow = width(&two);
        assert_eq!(fit_level(&parts, narrow), two);
        // A name too long for the room loses its middle, not its figure.
        let long = format!("{} SMS (2 numbers): 3000/min", "n".repeat(60) + "_end");
        let fitted = fit_level(std::slice::from_ref(&long), narrow / 2);
        assert!(
            fitted.starts_with("nnn") && fitted.contains('…') && fitted.ends_with("numbers): 3000/min"),
            "{fitted}"
        );
        assert!(width(&fitted) <= narrow / 2 && width(&fitted) > narrow / 3, "as much as fits: {fitted}");
    }

    /// A marker's label keeps off the data where it can, and off the
    /// markers' lines where it cannot.
    #[test]
    fn a_marker_label_keeps_off_the_data_then_off_the_lines() {
        super::super::register_font();
        let mut p = Panel::new("t", "x", "y");
        (p.x_range, p.y_range) = ((0.0, 10.0), (0.0, 10.0));
        // A curve along the top, where a marker's label goes first.
        p.lines.push(Line::solid("curve", BLACK, vec![(0.0, 9.8), (10.0, 9.8)]));
        p.marks.push(Mark { x: 5.0, color: BLACK, label: Some("expiry 5m".into()) });
        let plot = Bounds { x0: 0, y0: 0, x1: 1000, y1: 500 };
        let map = Map::new(&p, plot);
        let curve = Obstacle::Segment(map.px((0.0, 9.8)), map.px((10.0, 9.8)));
        let marker = Obstacle::Segment(map.px((5.0, 0.0)), map.px((5.0, 10.0)));
        let at = place_labels(&p, plot)[0].at;
        assert!(!curve.blocks(&at) && !marker.blocks(&at), "{at:?}");
        assert!(at.y0 > plot.y0 + 4, "below the curve, not in the top row: {at:?}");
        // An area filling the plot leaves no place off the data: the label
        // goes to the top row still, beside its line rather than across it.
        p.lines[0] = Line::area("area", BLACK, vec![(0.0, 10.0), (10.0, 10.0)]);
        let at = place_labels(&p, plot)[0].at;
        assert!(!marker.blocks(&at), "{at:?}");
        assert_eq!(at.y0, plot.y0 + 4);
    }

    /// The x range grows just enough for the rightmost marker's label to
    /// fit to the right of its line, and not when it fits already.
    #[test]
    fn the_last_markers_label_gets_room_to_its_right() {
        let mut p = Panel::new("t", "x", "y");
        (p.x_range, p.y_range) = ((0.0, 10.0), (0.0, 10.0));
        p.marks.push(Mark { x: 2.0, color: BLACK, label: Some("first".into()) });
        p.marks.push(Mark { x: 9.5, color: BLACK, label: Some("evening-promo expiry 2h".into()) });
        let width = 1200;
        room_for_last_mark(&mut p, width);
        let plot = width as i32 - 2 * MARGIN - Y_LABELS;
        let needed = f64::from(4 + text_size("evening-promo expiry 2h", MARK_FONT).0 + CLEAR);
        let room = (p.x_range.1 - 9.5) / (p.x_range.1 - p.x_range.0) * f64::from(plot);
        assert!((room - needed).abs() < 1e-6, "{room} px for {needed}");
        let widened = p.x_range;
        room_for_last_mark(&mut p, width);
        assert_eq!(p.x_range, widened, "it fits now: nothing moves");
    }
}
