//! Charts of a run and of a sweep, as SVG and PNG.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary and registered
//! once: a machine without fonts or fontconfig renders the same charts.
//!
//! This module renders; `run` and `sweep` describe the charts of a run
//! and of a sweep, `clock` is a run's time axis, and `draw` draws one panel
//! or heat map.

mod clock;
mod draw;
mod plan;
mod run;
mod sweep;

use draw::{Heat, Layout, PALETTE, Panel, Pick};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::error::Error;
use std::sync::OnceLock;

pub(crate) use plan::plan_charts;
pub(crate) use run::run_charts;
pub(crate) use sweep::sweep_charts;

/// Chart size: readable at 1200 px wide.
const SIZE: (u32, u32) = (1200, 640);

static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        if plotters::style::register_font(draw::FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            unreachable!("the embedded font is a valid TrueType file");
        }
    });
}

/// One rendered chart.
#[derive(Clone, Debug)]
pub(crate) struct Chart {
    /// File stem: `latency` gives `latency.svg` and `latency.png`.
    pub(crate) name: String,
    pub(crate) title: String,
    /// One line on how to read it.
    pub(crate) caption: String,
    pub(crate) svg: String,
    pub(crate) png: Vec<u8>,
    /// Hidden highlights of each sweep point, for the sweep page to put in
    /// the SVG it shows (empty for charts without sweep points).
    pub(crate) picks: String,
    /// Whether they go over the chart (outlines of heat-map cells) or under
    /// it (bands behind lines, bars and labels).
    pub(crate) picks_on_top: bool,
}

/// The charts of a run or sweep, and those left out for being zero
/// throughout (a full-size chart of nothing hides the ones that matter).
pub(crate) struct Charts {
    pub(crate) charts: Vec<Chart>,
    /// What was left out, as titles name it.
    pub(crate) zero: Vec<String>,
    /// Figures left out for being the same at every sweep point, with their
    /// value: a flat line would only say so less plainly.
    pub(crate) same: Vec<String>,
    /// Over what they are zero: "at every point", "throughout the run".
    pub(crate) when: String,
}

/// What a chart draws: one or more panels, or a heat map.
enum Figure {
    Panels(Vec<Panel>),
    Heat(Heat),
}

impl Figure {
    /// Pixels: panels stacked or in a grid get half as much height again.
    fn size(&self) -> (u32, u32) {
        if matches!(self, Figure::Panels(p) if p.len() > 1) { (SIZE.0, SIZE.1 * 3 / 2) } else { SIZE }
    }

    /// Draws the figure; returns where each panel's labels and legend went.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<Vec<Layout>, Box<dyn Error>>
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        match self {
            Figure::Heat(h) => {
                let plot = draw::heat(root, h)?;
                Ok(vec![Layout { plot, labels: Vec::new(), legend: None }])
            }
            Figure::Panels(panels) => {
                let areas = match panels.len() {
                    1 => vec![root.clone()],
                    2 => root.split_evenly((2, 1)),
                    _ => root.split_evenly((2, 2)),
                };
                panels.iter().zip(&areas).map(|(p, a)| draw::panel(a, p)).collect()
            }
        }
    }

    /// The highlights of each sweep point (drawn where `layouts` put the
    /// plots), grouped by point: `<g class="pick" data-point="K">`, hidden.
    fn picks(&self, layouts: &[Layout]) -> String {
        let picks: Vec<Pick> = match self {
            Figure::Heat(h) => layouts.iter().flat_map(|l| draw::heat_picks(h, l.plot)).collect(),
            Figure::Panels(ps) => ps.iter().zip(layouts).flat_map(|(p, l)| draw::picks(p, l.plot)).collect(),
        };
        let mut by_point: BTreeMap<usize, String> = BTreeMap::new();
        for pick in picks {
            by_point.entry(pick.point).or_default().push_str(&pick.svg);
        }
        by_point
            .into_iter()
            .map(|(k, svg)| format!("<g class=\"pick\" data-point=\"{k}\" display=\"none\">{svg}</g>\n"))
            .collect()
    }
}

/// A chart described but not yet drawn: charts are described one after
/// another (cheap) and drawn in parallel (most of a report's time).
struct Draft {
    name: String,
    title: String,
    caption: String,
    figure: Figure,
}

impl Draft {
    /// Nothing but zeros: every line flat at zero (or empty), no bars,
    /// limits or markers.
    fn is_zero(&self) -> bool {
        let flat = |p: &Panel| p.lines.iter().all(|l| l.points.iter().all(|&(_, y)| y == 0.0));
        match &self.figure {
            Figure::Panels(ps) => {
                ps.iter().all(|p| flat(p) && p.bars.is_empty() && p.levels.is_empty() && p.marks.is_empty())
            }
            Figure::Heat(_) => false,
        }
    }
}

fn draft(name: &str, title: &str, caption: &str, figure: Figure) -> Draft {
    Draft { name: name.into(), title: title.into(), caption: caption.into(), figure }
}

/// A chart that could not be drawn or encoded.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {why}")]
pub(crate) struct ChartError {
    file: String,
    why: String,
}

impl ChartError {
    fn new(name: &str, ext: &str, why: impl std::fmt::Display) -> ChartError {
        ChartError { file: format!("{name}.{ext}"), why: why.to_string() }
    }
}

/// Draws `drafts` in parallel; on failure, the first in their order.
fn render_all(drafts: Vec<Draft>) -> Result<Vec<Chart>, ChartError> {
    let charts: Vec<Result<Chart, ChartError>> = drafts.into_par_iter().map(render).collect();
    charts.into_iter().collect()
}

/// Draws a draft as SVG and PNG.
fn render(d: Draft) -> Result<Chart, ChartError> {
    let Draft { name, title, caption, figure } = d;
    register_font();
    let (w, h) = figure.size();
    let mut svg = String::new();
    let picks = {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        let layouts = figure.draw(&root).map_err(|e| ChartError::new(&name, "svg", e))?;
        root.present().map_err(|e| ChartError::new(&name, "svg", e))?;
        figure.picks(&layouts)
    };
    let mut pixels = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        figure.draw(&root).map_err(|e| ChartError::new(&name, "png", e))?;
        root.present().map_err(|e| ChartError::new(&name, "png", e))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &pixels,
        w,
        h,
        image::ColorType::Rgb8,
    )
    .map_err(|e| ChartError::new(&name, "png", e))?;
    let picks_on_top = matches!(figure, Figure::Heat(_));
    Ok(Chart { name, title, caption, svg, png, picks, picks_on_top })
}

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Streams or senders a chart draws one by one. Beyond this many, the
/// largest `SHOWN - 1` are drawn, each in a colour of its own, and the rest
/// as one grey line, so that a platform's 10,000 streams still give a chart
/// that can be read (and written in bounded time and memory).
const SHOWN: usize = PALETTE.len();

/// The grey of the line that stands for the streams or senders not drawn one by one.
const OTHERS: RGBColor = PALETTE[PALETTE.len() - 1];

/// The colour of the `k`-th item drawn one by one when others are folded:
/// any but the grey of [`OTHERS`].
fn ranked(k: usize) -> RGBColor {
    PALETTE[k % (PALETTE.len() - 1)]
}

/// Which items, of the given weights, a chart draws one by one: all when
/// there are at most [`SHOWN`], else the `SHOWN - 1` heaviest (the first
/// ones on ties).
fn shown(weights: &[u64]) -> Vec<bool> {
    if weights.len() <= SHOWN {
        return vec![true; weights.len()];
    }
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(weights[i]), i));
    let mut keep = vec![false; weights.len()];
    for &i in &order[..SHOWN - 1] {
        keep[i] = true;
    }
    keep
}

/// The caption's sentence on the `n` folded items, or nothing when none
/// is: `" The 6 other senders with the lowest peaks (the later in the file
/// on ties) are summed in one grey line."`.
fn folding_note(n: usize, lead: &str, what: &str, by: &str, fate: &str) -> String {
    if n == 0 {
        return String::new();
    }
    format!(" {lead} {} with {by} (the later in the file on ties) {fate}.", others(n, what))
}

/// `"3 other streams"`: how the grey line of the folded items is named.
fn others(n: usize, what: &str) -> String {
    crate::report::human::counted(n, &format!("other {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_draws_the_heaviest_one_by_one_and_folds_the_rest() {
        assert_eq!(shown(&[0, 5, 1]), [true; 3]);
        assert_eq!(shown(&[1; SHOWN]), [true; SHOWN]);
        // Nine items, six drawn: 9, 7, the two 5s (first ones on ties), 4 and 3.
        let keep = shown(&[5, 1, 5, 3, 9, 0, 2, 7, 4]);
        assert_eq!(keep, [true, false, true, true, true, false, false, true, true]);
        assert_eq!(shown(&[2; 10]), [true, true, true, true, true, true, false, false, false, false]);
        assert_eq!(
            (others(1, "sender"), others(9993, "stream")),
            ("1 other sender".into(), "9993 other streams".into())
        );
    }

    #[test]
    fn drawn_items_never_take_the_grey_of_the_folded_ones() {
        assert!((0..50).all(|k| ranked(k) != OTHERS));
    }
}
