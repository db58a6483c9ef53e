//! Charts of a run and of a sweep, as SVG and PNG.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary and registered
//! once: a machine without fonts or fontconfig renders the same charts.

mod draw;

use crate::load::expiry_stream;
use crate::load::{Loaded, show};
use crate::run::simulate::RunResult;
use crate::scenario::calendar::Calendar;
use crate::scenario::model::{Carrier, Class, Outcome};
use crate::scenario::time::SimTime;
use crate::scenario::{Scenario, SenderLimit};
use crate::stats::confidence::mean_ci;
use crate::stats::{CARRIER_COLUMNS, Group, SERIES_COLUMNS, Stats, wait_quantile};
use draw::{Band, Bar, Format, Heat, Level, Line, Mark, PALETTE, Panel, Res};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;
use std::sync::OnceLock;

/// Chart size: readable at 1200 px wide.
const SIZE: (u32, u32) = (1200, 640);

/// Points per line at most: about two per horizontal pixel of the plot.
const THIN: usize = 600;

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
pub struct Chart {
    /// File stem: `latency` gives `latency.svg` and `latency.png`.
    pub name: String,
    pub title: String,
    /// One line on how to read it.
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// What a chart draws: one or more panels, or a heat map.
enum Figure {
    Panels(Vec<Panel>),
    Heat(Heat),
}

impl Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Res
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        match self {
            Figure::Heat(h) => draw::heat(root, h),
            Figure::Panels(panels) => {
                let areas = match panels.len() {
                    1 => vec![root.clone()],
                    2 => root.split_evenly((2, 1)),
                    _ => root.split_evenly((2, 2)),
                };
                panels.iter().zip(&areas).try_for_each(|(p, a)| draw::panel(a, p))
            }
        }
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

fn draft(name: &str, title: &str, caption: &str, figure: Figure) -> Draft {
    Draft { name: name.into(), title: title.into(), caption: caption.into(), figure }
}

/// Draws `drafts` in parallel; on failure, the first in their order.
fn render_all(drafts: Vec<Draft>) -> Result<Vec<Chart>, String> {
    let charts: Vec<Result<Chart, String>> = drafts.into_par_iter().map(render).collect();
    charts.into_iter().collect()
}

/// Draws a draft as SVG and PNG.
fn render(d: Draft) -> Result<Chart, String> {
    let Draft { name, title, caption, figure } = d;
    register_font();
    let (w, h) = if matches!(&figure, Figure::Panels(p) if p.len() > 1) { (SIZE.0, SIZE.1 * 3 / 2) } else { SIZE };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        figure.draw(&root).map_err(|e| format!("{name}.svg: {e}"))?;
        root.present().map_err(|e| format!("{name}.svg: {e}"))?;
    }
    let mut pixels = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        figure.draw(&root).map_err(|e| format!("{name}.png: {e}"))?;
        root.present().map_err(|e| format!("{name}.png: {e}"))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &pixels,
        w,
        h,
        image::ColorType::Rgb8,
    )
    .map_err(|e| format!("{name}.png: {e}"))?;
    Ok(Chart { name, title, caption, svg, png })
}

/// Seconds as a short duration: `250ms`, `30s`, `5m`, `1.5h`, `2d`.
pub fn duration_label(s: f64) -> String {
    let trimmed = |v: f64, unit: &str| format!("{}{unit}", draw::short_number((v * 10.0).round() / 10.0));
    match s {
        s if s <= 0.0 => "0".into(),
        s if s < 1.0 => trimmed(s * 1000.0, "ms"),
        s if s < 60.0 => trimmed(s, "s"),
        s if s < 3600.0 => trimmed(s / 60.0, "m"),
        s if s < 86_400.0 => trimmed(s / 3600.0, "h"),
        s => trimmed(s / 86_400.0, "d"),
    }
}

/// Longest run (seconds) whose Pacific midnights are dotted: beyond two
/// months the lines merge into grey, and each dash is an SVG element.
const DOTTED_MIDNIGHTS: f64 = 62.0 * 86_400.0;

/// The time axis of a run: local wall clock, outages and day boundaries.
struct Clock {
    calendar: Calendar,
    /// Seconds per time-series row: the series' own step, which may be
    /// longer than the scenario's `timeseries_step`.
    step: f64,
    end: f64,
    outages: Vec<(f64, f64)>,
    midnights: Vec<f64>,
}

impl Clock {
    fn new(sc: &Scenario, r: &RunResult) -> Clock {
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
    fn panel(&self, title: &str, y_desc: &str) -> Panel {
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

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Round durations on a log10-seconds axis within `range`.
fn log_ticks(range: (f64, f64)) -> Vec<(f64, String)> {
    [0.001, 0.01, 0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 10_800.0, 86_400.0, 864_000.0]
        .into_iter()
        .map(|s: f64| (s.log10(), duration_label(s)))
        .filter(|(x, _)| (range.0..=range.1).contains(x))
        .collect()
}

/// Every chart of one run.
pub fn run_charts(sc: &Scenario, r: &RunResult) -> Result<Vec<Chart>, String> {
    let clock = Clock::new(sc, r);
    let rows: Vec<crate::stats::Row> = r.stats.series.rows().collect();
    let step = clock.step;
    let mid = |i: usize| (i as f64 + 0.5) * step;
    let mut charts = vec![latency(sc, &r.stats)];

    let mut p = clock.panel("Queue wait over time (p50, p90, p99 of messages dispatched)", "queue wait");
    for (k, (q, name)) in [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")].into_iter().enumerate() {
        let points = rows.iter().enumerate().filter_map(|(i, row)| wait_quantile(&row.waits, q).map(|w| (mid(i), w)));
        let points = draw::thin(points.collect(), THIN, draw::max);
        p.lines.push(Line::solid(name, color(k), points));
    }
    p.y_seconds = true;
    p.y_format = Box::new(duration_label);
    p.fit_y();
    charts.push(draft(
        "latency_over_time",
        "Queue wait over time",
        &format!(
            "How long messages dispatched in each {} interval had waited; grey spans are outages.",
            duration_label(step)
        ),
        Figure::Panels(vec![p]),
    ));

    let mut p = clock.panel("Messages queued, per carrier and per sender", "messages queued");
    let depth_col = |c: Carrier| SERIES_COLUMNS.len() + c.index() * CARRIER_COLUMNS.len() + 4;
    for (k, c) in Carrier::ALL.into_iter().enumerate() {
        let points = rows.iter().enumerate().map(|(i, row)| ((i as f64 + 1.0) * step, row.counts[depth_col(c)] as f64));
        let points = draw::thin(points.collect(), THIN, draw::max);
        p.lines.push(Line::solid(format!("to {c}"), color(k), points));
    }
    for (s, sender) in sc.senders.iter().enumerate() {
        let points = rows.iter().enumerate().map(|(i, row)| ((i as f64 + 1.0) * step, row.senders[s] as f64));
        let points = draw::thin(points.collect(), THIN, draw::max);
        let label = format!("from {}", sender.id);
        p.lines.push(Line::dashed(label, color(4 + s), points));
    }
    p.marks = cap_marks(sc, r);
    p.fit_y();
    charts.push(draft(
        "queue_depth",
        "Queue depth",
        &format!(
            "Messages waiting at the end of each {} interval; red lines mark T-Mobile's daily cap running out.",
            duration_label(step)
        ),
        Figure::Panels(vec![p]),
    ));

    charts.push(failures(&clock, &rows));
    charts.push(throughput(sc, r, &clock, &rows));
    render_all(charts)
}

fn cap_marks(sc: &Scenario, r: &RunResult) -> Vec<Mark> {
    r.daily_caps
        .iter()
        .filter(|(rep, _)| *rep == 0)
        .filter_map(|(_, d)| {
            d.exhausted_at.map(|t| Mark {
                x: t.as_secs_f64(),
                color: RGBColor(213, 94, 0),
                label: Some(format!("{} cap used {}", sc.brands[d.brand].id, sc.calendar.local(t, "%H:%M"))),
            })
        })
        .collect()
}

/// The latency distribution chart: CDFs on a log time axis with each
/// stream's `message_expiry` and `useful_life`.
fn latency(sc: &Scenario, s: &Stats) -> Draft {
    let floor = 1e-3f64;
    let lg = |v: f64| v.max(floor).log10();
    let mut p = Panel::new(
        "Latency distribution per stream (solid: end to end, dashed: queue wait)",
        "latency (log scale)",
        "share of messages at or below",
    );
    let mut top = 1.0f64;
    for (i, (t, g)) in sc.traffic.iter().zip(&s.streams).enumerate() {
        let c = color(i);
        let e2e: Vec<(f64, f64)> = g.end_to_end.cdf(400).into_iter().map(|(x, y)| (lg(x), y)).collect();
        let wait: Vec<(f64, f64)> = g.queue_wait.cdf(400).into_iter().map(|(x, y)| (lg(x), y)).collect();
        top = top.max(g.end_to_end.summary().max).max(g.queue_wait.summary().max);
        top = top.max(t.message_expiry.as_secs_f64());
        p.lines.push(Line::solid(format!("{} end to end", t.name), c, e2e));
        p.lines.push(Line::dashed(format!("{} queue wait", t.name), c, wait));
        let expiry = t.message_expiry.as_secs_f64();
        p.marks.push(Mark { x: lg(expiry), color: c, label: Some(format!("{} expiry {}", t.name, t.message_expiry)) });
        if let Some(life) = t.useful_life {
            top = top.max(life.as_secs_f64());
            p.marks.push(Mark {
                x: lg(life.as_secs_f64()),
                color: c,
                label: Some(format!("{} useful life {life}", t.name)),
            });
        }
    }
    p.x_range = (floor.log10(), (top * 4.0).log10());
    p.y_range = (0.0, 1.05);
    p.x_ticks = Some(log_ticks(p.x_range));
    p.legend = SeriesLabelPosition::UpperLeft;
    p.y_format = Box::new(|y| format!("{:.0}%", y * 100.0));
    draft(
        "latency",
        "Latency distribution",
        "Read across at a share (say 99 %) to the latency; lines left of a stream's expiry and useful-life markers are in time.",
        Figure::Panels(vec![p]),
    )
}

fn failures(clock: &Clock, rows: &[crate::stats::Row]) -> Draft {
    let reasons = [
        (Outcome::Expired, 4),
        (Outcome::FailedDailyCap, 5),
        (Outcome::Blocked, 6),
        (Outcome::Rejected, 7),
        (Outcome::Undelivered, 3),
    ];
    // Stacked: each area is the sum of its reason and those below it; tallest drawn first.
    // Dense runs are summed over groups of intervals first, so steps stay legible.
    let group = rows.len().div_ceil(THIN / 2).max(1);
    let width = clock.step * group as f64;
    let mut p = clock.panel("Failures by reason (stacked)", &format!("messages per {}", duration_label(width)));
    let mut stacked: Vec<Vec<f64>> = Vec::new();
    for (k, (_, col)) in reasons.iter().enumerate() {
        let own = rows.chunks(group).map(|c| c.iter().map(|r| r.counts[*col] as f64).sum::<f64>());
        let below = if k == 0 { vec![0.0; rows.len().div_ceil(group)] } else { stacked[k - 1].clone() };
        stacked.push(own.zip(below).map(|(v, b)| b + v).collect());
    }
    for (k, (o, _)) in reasons.iter().enumerate().rev() {
        let points =
            stacked[k].iter().enumerate().flat_map(|(i, &v)| [(i as f64 * width, v), ((i + 1) as f64 * width, v)]);
        p.lines.push(Line::area(o.name(), color(k + 1), points.collect()));
    }
    p.fit_y();
    if stacked.last().is_none_or(|v| v.iter().all(|&x| x == 0.0)) {
        p.empty_note = Some("no failures".into());
    }
    draft(
        "failures",
        "Failures by reason",
        &format!(
            "Each band is one failure reason; the top edge is all failures in the {} interval.",
            duration_label(width)
        ),
        Figure::Panels(vec![p]),
    )
}

fn throughput(sc: &Scenario, r: &RunResult, clock: &Clock, rows: &[crate::stats::Row]) -> Draft {
    let step = clock.step;
    let per_minute = 60.0 / step;
    let mut top = clock.panel("Messages dispatched per minute, per carrier, against the limits", "messages per minute");
    for (k, c) in Carrier::ALL.into_iter().enumerate() {
        let col = SERIES_COLUMNS.len() + c.index() * CARRIER_COLUMNS.len() + 1;
        let points =
            rows.iter().enumerate().map(|(i, row)| ((i as f64 + 0.5) * step, row.counts[col] as f64 * per_minute));
        let points = draw::thin(points.collect(), THIN, draw::mean);
        top.lines.push(Line::solid(format!("to {c}"), color(k), points));
    }
    let uses_10dlc_sms = sc.traffic.iter().any(|t| t.class == Class::Sms && sc.senders[t.sender].is_10dlc());
    for b in sc.brands.iter().filter(|_| uses_10dlc_sms) {
        let tpm = b.tpm.rate.per_sec_f64() * 60.0;
        top.levels.push(Level {
            y: tpm,
            color: RGBColor(80, 80, 80),
            label: format!("{} TPM per carrier: {}", b.id, draw::short_number(tpm)),
        });
    }
    let account = sc.account[Class::Sms.index()].rate.per_sec_f64() * 60.0;
    top.levels.push(Level {
        y: account,
        color: RGBColor(0, 0, 0),
        label: format!("account SMS: {}/min", draw::short_number(account)),
    });
    for (s, sender) in sc.senders.iter().enumerate() {
        if let SenderLimit::PerNumber(l) = sender.limits[Class::Sms.index()] {
            let y = l.rate.per_sec_f64() * 60.0 * sender.numbers as f64;
            let label = format!("{} ({} numbers): {}/min", sender.id, sender.numbers, draw::short_number(y));
            top.levels.push(Level { y, color: color(4 + s), label });
        }
    }
    top.fit_y();

    let days: Vec<_> = r.daily_caps.iter().filter(|(rep, _)| *rep == 0).map(|(_, d)| d).collect();
    let mut bottom = Panel::new(
        "T-Mobile use per Pacific day against the daily cap",
        "Pacific day (brand)",
        "units (SMS segments + MMS)",
    );
    bottom.x_range = (0.0, days.len().max(1) as f64);
    let labels: Vec<String> =
        days.iter().map(|d| format!("{} ({})", d.date.strftime("%m-%d"), sc.brands[d.brand].id)).collect();
    bottom.x_format = Box::new(move |x| {
        let i = x - 0.5;
        if (i - i.round()).abs() < 1e-6 && i >= 0.0 {
            labels.get(i.round() as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    });
    for (i, d) in days.iter().enumerate() {
        bottom.bars.push(Bar { x0: i as f64 + 0.15, x1: i as f64 + 0.85, y: d.used as f64, color: color(1) });
        bottom.bars.push(Bar { x0: i as f64 + 0.15, x1: i as f64 + 0.85, y: 0.0, color: color(1) });
    }
    for cap in days.iter().map(|d| d.cap).collect::<std::collections::BTreeSet<_>>() {
        bottom.levels.push(Level {
            y: cap as f64,
            color: RGBColor(213, 94, 0),
            label: format!("cap {}", draw::short_number(cap as f64)),
        });
    }
    bottom.fit_y();
    if days.is_empty() {
        bottom.empty_note = Some("no 10DLC traffic to T-Mobile: no daily cap applies".into());
    }
    draft(
        "throughput",
        "Throughput against the limits",
        "Top: dispatch rate per carrier with the limits as dashed lines. Bottom: T-Mobile units used per Pacific day against the cap.",
        Figure::Panels(vec![top, bottom]),
    )
}

/// A figure of a sweep point, per replication: (mean, ci low, ci high).
fn ci(per_rep: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let xs: Vec<f64> = per_rep.collect();
    let (m, h) = mean_ci(&xs);
    (m, m - h, m + h)
}

/// Sweep figures charted per point.
const SWEEP_FIGURES: [(&str, &str); 6] = [
    ("expiry_rate", "expiry rate"),
    ("late_rate", "late-delivery rate"),
    ("end_to_end_p99_s", "p99 end-to-end latency"),
    ("drain_time_s", "drain time"),
    ("failed_daily_cap", "daily-cap failures"),
    ("cost_usd", "cost (USD)"),
];

fn figure_of(g: &Group, s: &Stats, key: &str) -> f64 {
    let rate = |n: u64| if g.accepted == 0 { 0.0 } else { n as f64 / g.accepted as f64 };
    match key {
        "expiry_rate" => g.expiry_rate(),
        "late_rate" => rate(g.late),
        "end_to_end_p99_s" => g.end_to_end.summary().p99,
        "drain_time_s" => s.drain.as_secs_f64(),
        "failed_daily_cap" => g.count(Outcome::FailedDailyCap) as f64,
        _ => g.cost.usd(),
    }
}

fn is_seconds(key: &str) -> bool {
    key.ends_with("_s")
}

fn is_rate(key: &str) -> bool {
    key.ends_with("_rate")
}

/// Charts of a sweep: `expiry.svg` for a `message_expiry` sweep, a chart
/// per figure against one parameter, or heat maps for two.
pub fn sweep_charts(loaded: &Loaded, results: &[RunResult], target: f64) -> Result<Vec<Chart>, String> {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    let points = &sweep.points;
    let numeric = |k: usize| {
        points.iter().all(|p| p.values[k].as_float().or(p.values[k].as_integer().map(|i| i as f64)).is_some())
    };
    let mut charts = Vec::new();
    if sweep.parameters.len() == 1 {
        let expiry = expiry_stream(&sweep.parameters[0], &loaded.scenario);
        if let Some(s) = expiry {
            charts.push(expiry_chart(loaded, results, s, target));
        }
        // An expiry sweep's chart already shows these figures for its stream.
        let shown_already = ["expiry_rate", "late_rate", "end_to_end_p99_s", "cost_usd"];
        for (key, name) in SWEEP_FIGURES.into_iter().filter(|(k, _)| expiry.is_none() || !shown_already.contains(k)) {
            let xs: Vec<f64> = (0..points.len()).map(|i| x_of(points, 0, i, numeric(0))).collect();
            let mut p =
                Panel::new(format!("{name} against {}", sweep.parameters[0]), sweep.parameters[0].clone(), name);
            let (mut mean, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
            for (i, r) in results.iter().enumerate() {
                let (m, l, h) = ci(r.each().iter().map(|s| figure_of(&s.total(), s, key)));
                mean.push((xs[i], m));
                low.push((xs[i], l));
                high.push((xs[i], h));
            }
            p.bands.push(Band { color: color(0), low, high });
            p.lines.push(Line::solid(format!("{name} (mean, 95 % band)"), color(0), mean));
            p.x_range =
                (xs.iter().copied().fold(f64::MAX, f64::min) - 0.5, xs.iter().copied().fold(f64::MIN, f64::max) + 0.5);
            let labels: Vec<String> = points.iter().map(|pt| show(&pt.values[0])).collect();
            let is_num = numeric(0);
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
            if is_seconds(key) {
                p.y_seconds = true;
                p.y_format = Box::new(duration_label);
            }
            p.fit_y();
            charts.push(draft(
                &format!("sweep_{key}"),
                &format!("{name} by {}", sweep.parameters[0]),
                &format!("Mean over replications of the {name} at each swept value; the band is the 95 % interval."),
                Figure::Panels(vec![p]),
            ));
        }
    } else {
        for (key, name) in SWEEP_FIGURES {
            let x_vals = distinct(points.iter().map(|p| show(&p.values[1])));
            let y_vals = distinct(points.iter().map(|p| show(&p.values[0])));
            let mut values = vec![vec![0.0; x_vals.len()]; y_vals.len()];
            for (i, pt) in points.iter().enumerate() {
                let (r, c) = (
                    y_vals.iter().position(|v| *v == show(&pt.values[0])).unwrap_or(0),
                    x_vals.iter().position(|v| *v == show(&pt.values[1])).unwrap_or(0),
                );
                values[r][c] = ci(results[i].each().iter().map(|s| figure_of(&s.total(), s, key))).0;
            }
            let format: Format = if is_seconds(key) {
                Box::new(duration_label)
            } else if is_rate(key) {
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
            charts.push(draft(
                &format!("sweep_{key}"),
                &format!("{name} by {} and {}", sweep.parameters[0], sweep.parameters[1]),
                &format!("Each cell is the mean {name} at one combination; darker is higher."),
                Figure::Heat(heat),
            ));
        }
    }
    render_all(charts)
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

fn x_of(points: &[crate::load::Point], k: usize, i: usize, numeric: bool) -> f64 {
    let v = &points[i].values[k];
    if numeric { v.as_float().or(v.as_integer().map(|n| n as f64)).unwrap_or(i as f64) } else { i as f64 }
}

/// The message_expiry of each point of an expiry sweep, in seconds.
fn expiry_seconds(loaded: &Loaded, stream: usize) -> Vec<f64> {
    let sweep = loaded.sweep.as_ref().expect("a sweep");
    sweep.points.iter().map(|p| p.loaded.scenario.traffic[stream].message_expiry.as_secs_f64()).collect()
}

fn expiry_chart(loaded: &Loaded, results: &[RunResult], stream: usize, target: f64) -> Draft {
    let xs: Vec<f64> = expiry_seconds(loaded, stream).into_iter().map(f64::log10).collect();
    let name = &loaded.scenario.traffic[stream].name;
    let panels = [
        ("expiry_rate", format!("{name}: expiry rate (error 420)"), "share of messages"),
        ("late_rate", format!("{name}: delivered after useful life"), "share of messages"),
        ("end_to_end_p99_s", format!("{name}: p99 end-to-end latency"), "latency"),
        ("cost_usd", "cost of the run".to_string(), "USD"),
    ];
    let mut out = Vec::new();
    for (k, (key, title, y_desc)) in panels.into_iter().enumerate() {
        let mut p = Panel::new(title, "message_expiry (log scale)", y_desc);
        let per_point: Vec<(f64, f64, f64)> = results
            .iter()
            .map(|r| {
                ci(r.each().iter().map(|s| {
                    let g = if key == "cost_usd" { s.total() } else { s.streams[stream].clone() };
                    figure_of(&g, s, key)
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
        if is_rate(key) {
            p.y_format = Box::new(|y| format!("{:.1}%", y * 100.0));
        }
        if is_seconds(key) {
            p.y_seconds = true;
            p.y_format = Box::new(duration_label);
        }
        if key == "expiry_rate" {
            p.levels.push(Level {
                y: target,
                color: RGBColor(213, 94, 0),
                label: format!("target {:.1}%", target * 100.0),
            });
        }
        if let (Some(life), "end_to_end_p99_s") = (loaded.scenario.traffic[stream].useful_life, key) {
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

    #[test]
    fn duration_labels() {
        assert_eq!(duration_label(0.25), "250ms");
        assert_eq!(duration_label(30.0), "30s");
        assert_eq!(duration_label(300.0), "5m");
        assert_eq!(duration_label(5400.0), "1.5h");
        assert_eq!(duration_label(10_800.0), "3h");
        assert_eq!(duration_label(0.0), "0");
    }
}
