//! The charts of one run: latency distribution, queue wait and depth over
//! time, failures by reason, and throughput against the limits.

use super::clock::Clock;
use super::draw::{self, Bar, Level, Line, Mark, Panel};
use super::{Chart, ChartError, Draft, Figure, color, draft, render_all};
use crate::report::human;
use crate::run::simulate::RunResult;
use crate::scenario::model::{Carrier, Class};
use crate::scenario::{Scenario, SenderLimit};
use crate::stats::Stats;
use crate::stats::series::{CarrierColumn, Column, Row, wait_quantile};
use plotters::prelude::*;

/// Points per line at most: about two per horizontal pixel of the plot.
const THIN: usize = 600;

/// Round durations on a log10-seconds axis within `range`.
fn log_ticks(range: (f64, f64)) -> Vec<(f64, String)> {
    [0.001, 0.01, 0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 10_800.0, 86_400.0, 864_000.0]
        .into_iter()
        .map(|s: f64| (s.log10(), human::duration(s)))
        .filter(|(x, _)| (range.0..=range.1).contains(x))
        .collect()
}

/// Every chart of one run.
pub(crate) fn run_charts(sc: &Scenario, r: &RunResult) -> Result<Vec<Chart>, ChartError> {
    let clock = Clock::new(sc, r);
    let rows: Vec<Row> = r.stats.series.rows().collect();
    render_all(vec![
        latency(sc, &r.stats),
        wait_over_time(&clock, &rows),
        queue_depth(sc, r, &clock, &rows),
        failures(&clock, &rows),
        throughput(sc, r, &clock, &rows),
    ])
}

/// Queue-wait percentiles of the messages dispatched in each row.
fn wait_over_time(clock: &Clock, rows: &[Row]) -> Draft {
    let step = clock.step;
    let mid = |i: usize| (i as f64 + 0.5) * step;
    let mut p = clock.panel("Queue wait over time (p50, p90, p99 of messages dispatched)", "queue wait");
    for (k, (q, name)) in [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")].into_iter().enumerate() {
        let points = rows.iter().enumerate().filter_map(|(i, row)| wait_quantile(&row.waits, q).map(|w| (mid(i), w)));
        let points = draw::thin(points.collect(), THIN, draw::max);
        p.lines.push(Line::solid(name, color(k), points));
    }
    p.y_seconds = true;
    p.y_format = Box::new(human::duration);
    p.fit_y();
    draft(
        "latency_over_time",
        "Queue wait over time",
        &format!(
            "How long messages dispatched in each {} interval had waited; grey spans are outages.",
            human::duration(step)
        ),
        Figure::Panels(vec![p]),
    )
}

/// Queue depth at each row's end, per carrier and per sender.
fn queue_depth(sc: &Scenario, r: &RunResult, clock: &Clock, rows: &[Row]) -> Draft {
    let step = clock.step;
    let mut p = clock.panel("Messages queued, per carrier and per sender", "messages queued");
    for (k, c) in Carrier::ALL.into_iter().enumerate() {
        let depth = |row: &Row| row.carrier(c, CarrierColumn::QueueDepth) as f64;
        let points = rows.iter().enumerate().map(|(i, row)| ((i as f64 + 1.0) * step, depth(row)));
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
    draft(
        "queue_depth",
        "Queue depth",
        &format!(
            "Messages waiting at the end of each {} interval; red lines mark T-Mobile's daily cap running out.",
            human::duration(step)
        ),
        Figure::Panels(vec![p]),
    )
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

fn failures(clock: &Clock, rows: &[Row]) -> Draft {
    // Each failure column is named after its outcome, so its name is the legend.
    let reasons = [Column::Expired, Column::FailedDailyCap, Column::Blocked, Column::Rejected, Column::Undelivered];
    // Stacked: each area is the sum of its reason and those below it; tallest drawn first.
    // Dense runs are summed over groups of intervals first, so steps stay legible.
    let group = rows.len().div_ceil(THIN / 2).max(1);
    let width = clock.step * group as f64;
    let mut p = clock.panel("Failures by reason (stacked)", &format!("messages per {}", human::duration(width)));
    let mut stacked: Vec<Vec<f64>> = Vec::new();
    for (k, &col) in reasons.iter().enumerate() {
        let own = rows.chunks(group).map(|c| c.iter().map(|r| r.get(col) as f64).sum::<f64>());
        let below = if k == 0 { vec![0.0; rows.len().div_ceil(group)] } else { stacked[k - 1].clone() };
        stacked.push(own.zip(below).map(|(v, b)| b + v).collect());
    }
    for (k, col) in reasons.iter().enumerate().rev() {
        let points =
            stacked[k].iter().enumerate().flat_map(|(i, &v)| [(i as f64 * width, v), ((i + 1) as f64 * width, v)]);
        p.lines.push(Line::area(col.name(), color(k + 1), points.collect()));
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
            human::duration(width)
        ),
        Figure::Panels(vec![p]),
    )
}

fn throughput(sc: &Scenario, r: &RunResult, clock: &Clock, rows: &[Row]) -> Draft {
    let step = clock.step;
    let per_minute = 60.0 / step;
    let mut top = clock.panel("Messages dispatched per minute, per carrier, against the limits", "messages per minute");
    for (k, c) in Carrier::ALL.into_iter().enumerate() {
        let rate = |row: &Row| row.carrier(c, CarrierColumn::Dispatched) as f64 * per_minute;
        let points = rows.iter().enumerate().map(|(i, row)| ((i as f64 + 0.5) * step, rate(row)));
        let points = draw::thin(points.collect(), THIN, draw::mean);
        top.lines.push(Line::solid(format!("to {c}"), color(k), points));
    }
    let uses_10dlc_sms = sc.traffic.iter().any(|t| t.class == Class::Sms && sc.senders[t.sender].is_10dlc());
    for b in sc.brands.iter().filter(|_| uses_10dlc_sms) {
        let tpm = b.tpm.rate.per_sec_f64() * 60.0;
        top.levels.push(Level {
            y: tpm,
            color: RGBColor(80, 80, 80),
            label: format!("{} TPM per carrier: {}", b.id, human::number(tpm)),
        });
    }
    let account = sc.account[Class::Sms.index()].rate.per_sec_f64() * 60.0;
    top.levels.push(Level {
        y: account,
        color: RGBColor(0, 0, 0),
        label: format!("account SMS: {}/min", human::number(account)),
    });
    for (s, sender) in sc.senders.iter().enumerate() {
        if let SenderLimit::PerNumber(l) = sender.limits[Class::Sms.index()] {
            let y = l.rate.per_sec_f64() * 60.0 * sender.numbers as f64;
            let label = format!("{} ({} numbers): {}/min", sender.id, sender.numbers, human::number(y));
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
    bottom.x_format = Box::new(move |x| draw::label_at(&labels, x));
    for (i, d) in days.iter().enumerate() {
        bottom.bars.push(Bar { x0: i as f64 + 0.15, x1: i as f64 + 0.85, y: d.used as f64, color: color(1) });
        bottom.bars.push(Bar { x0: i as f64 + 0.15, x1: i as f64 + 0.85, y: 0.0, color: color(1) });
    }
    for cap in days.iter().map(|d| d.cap).collect::<std::collections::BTreeSet<_>>() {
        bottom.levels.push(Level {
            y: cap as f64,
            color: RGBColor(213, 94, 0),
            label: format!("cap {}", human::number(cap as f64)),
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
