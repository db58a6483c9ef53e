//! The charts of one run: latency distribution, queue wait and depth over
//! time, failures by reason, and throughput against the limits.

use super::clock::Clock;
use super::draw::{self, Bar, Level, Line, Mark, Panel, Span};
use super::{
    ChartError, Charts, Draft, Figure, OTHERS, SIZE, color, draft, folding_note, others, ranked, render_all, shown,
};
use crate::report::human;
use crate::run::simulate::RunResult;
use crate::scenario::model::Unit;
use crate::scenario::model::{Carrier, Class, Outcome};
use crate::scenario::outage::{Outage, Scope};
use crate::scenario::time::SimTime;
use crate::scenario::{Limit, Scenario, SenderLimit, Stream};
use crate::stats::series::{CarrierColumn, Column, Row, wait_quantile};
use crate::stats::{Latency, Stats};
use plotters::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeSet;

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

/// Every chart of one run: the time charts over `window` (from the start)
/// when given, else over the whole run, with close-ups of the activity that
/// matters when it fills only a small part of it.
pub(crate) fn run_charts(
    sc: &Scenario,
    r: &RunResult,
    window: Option<(SimTime, SimTime)>,
) -> Result<Charts, ChartError> {
    let (zero, drawn): (Vec<Draft>, Vec<Draft>) = drafts(sc, r, window).into_iter().partition(Draft::is_zero);
    // Messages that waited and never left measured no wait: not a zero one.
    let total = r.stats.total();
    let waited = total.count(Outcome::Expired) + total.count(Outcome::QueuedAtEnd);
    let none_left = total.queue_wait.count() == 0 && waited > 0;
    let named = |d: Draft| match d.name.as_str() {
        "latency_over_time" if none_left => format!("{} (no message was dispatched)", d.title.to_lowercase()),
        _ => d.title.to_lowercase(),
    };
    // A close-up of a chart that is zero throughout is zero too: named once.
    let zero = zero.into_iter().filter(|d| !d.name.ends_with(CLOSE_UP)).map(named).collect();
    let Some(window) = window else {
        return Ok(Charts { charts: render_all(drawn)?, zero, same: Vec::new(), when: "throughout the run".into() });
    };
    // Charts of a chosen window say which.
    let stretch = Clock::new(sc, r, Some(window)).stretch();
    let drawn = drawn
        .into_iter()
        .map(|mut d| {
            if d.name != "latency" {
                d.title = format!("{}, {stretch}", d.title);
            }
            d
        })
        .collect();
    Ok(Charts { charts: render_all(drawn)?, zero, same: Vec::new(), when: format!("in the chosen window {stretch}") })
}

fn drafts(sc: &Scenario, r: &RunResult, window: Option<(SimTime, SimTime)>) -> Vec<Draft> {
    let rows: Vec<Row> = r.stats.series.rows().collect();
    let clock = Clock::new(sc, r, window);
    let mut out = vec![latency(sc, &r.stats)];
    out.extend(time_charts(sc, r, &clock, &rows, true));
    if window.is_none()
        && let Some(span) = close_up(sc, &clock, &rows)
    {
        let near = Clock::new(sc, r, Some(span));
        out.extend(time_charts(sc, r, &near, &rows, false).into_iter().map(|mut d| {
            d.name.push_str(CLOSE_UP);
            d.title = format!("{}, close-up {}", d.title, near.stretch());
            d
        }));
    }
    out
}

/// The charts over time, on `clock`'s axis; the daily-cap panel (per
/// Pacific day, not on the axis) with `days`.
fn time_charts(sc: &Scenario, r: &RunResult, clock: &Clock, rows: &[Row], days: bool) -> Vec<Draft> {
    let rows = clock.rows(rows);
    let retries = sc.traffic.iter().any(|s| s.retry.is_some());
    let mut out = vec![
        wait_over_time(r, clock, rows),
        queue_depth(sc, r, clock, rows),
        failures(clock, rows, retries),
        throughput(sc, r, clock, rows, days),
    ];
    if sc.queue_limit.is_some() || retries {
        out.push(attempts(clock, rows));
    }
    out
}

/// The suffix of a close-up chart's name: `queue_depth_closeup`.
const CLOSE_UP: &str = "_closeup";

/// A close-up is drawn when the activity fills at most this share of the run.
const CLOSE_UP_SHARE: f64 = 0.25;

/// The stretch of the run worth a close-up: from the first to the last row
/// with a backlog of at least a tenth of its peak, a failure or an outage,
/// padded by a tenth of its length (at least two rows) each side; `None`
/// when that is more than [`CLOSE_UP_SHARE`] of the run or nothing happened.
/// Messages the carrier did not deliver are left out: a carrier loses its
/// share wherever traffic flows, so they would make the whole day busy.
fn close_up(sc: &Scenario, clock: &Clock, rows: &[Row]) -> Option<(SimTime, SimTime)> {
    let depth = |r: &Row| r.get(Column::QueueDepth);
    let peak = rows.iter().map(depth).max().unwrap_or(0);
    let failed = |r: &Row| FAILURES.iter().any(|&(name, count)| name != "undelivered" && count(r) > 0);
    let busy: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            let (a, b) = (clock.x(i, 0.0), clock.x(i, 1.0));
            let outage = sc.outages.iter().any(|o| o.start.as_secs_f64() < b && o.end.as_secs_f64() > a);
            (peak > 0 && depth(&rows[i]) * 10 >= peak) || failed(&rows[i]) || outage
        })
        .collect();
    let (first, last) = (*busy.first()?, *busy.last()?);
    let (from, to) = (clock.x(first, 0.0), clock.x(last, 1.0));
    let whole = clock.x(rows.len().saturating_sub(1), 1.0);
    if to - from > CLOSE_UP_SHARE * whole {
        return None;
    }
    let pad = ((to - from) * 0.1).max(2.0 * clock.step);
    let at = |x: f64| SimTime::from_nanos((x.clamp(0.0, whole) * 1e9) as u64);
    Some((at(from - pad), at(to + pad)))
}

/// The carriers that messages went to in the run, with their colour
/// index: a carrier that took none would draw a line along zero.
fn carriers_used(rows: &[Row]) -> Vec<(usize, Carrier)> {
    let used = |c: Carrier| rows.iter().any(|row| row.carrier(c, CarrierColumn::Arrivals) != 0);
    Carrier::ALL.into_iter().enumerate().filter(|&(_, c)| used(c)).collect()
}

/// The middles of the gaps between measured instants `xs` (ascending)
/// longer than three times the usual (median) gap and two rows of `step`:
/// a line is not drawn across them, while the rows a slow limit leaves
/// between its dispatches are bridged.
fn silences(xs: &[f64], step: f64) -> Vec<f64> {
    let mut gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let Some(&usual) = gaps.get(gaps.len() / 2) else { return Vec::new() };
    let long = (3.0 * usual).max(2.0 * step);
    xs.windows(2).filter(|w| w[1] - w[0] > long).map(|w| (w[0] + w[1]) / 2.0).collect()
}

/// Queue-wait percentiles of the messages dispatched in each row.
fn wait_over_time(r: &RunResult, clock: &Clock, rows: &[Row]) -> Draft {
    let step = clock.step;
    let mid = |i: usize| clock.x(i, 0.5);
    // A bin is read at its middle, which may lie past the longest wait of all.
    let longest = r.stats.total().queue_wait.summary().max;
    let mut p = clock.panel("Queue wait over time (p50, p90, p99 of messages dispatched)", "queue wait");
    // Where nothing was dispatched for far longer than usual (an outage,
    // an idle night) no wait was measured: a line across would invent one.
    let measured: Vec<f64> =
        rows.iter().enumerate().filter(|(_, row)| !row.waits.is_empty()).map(|(i, _)| mid(i)).collect();
    let gaps = silences(&measured, step);
    // Where a backlog drains in order the three coincide: p99 is drawn
    // widest and first, p50 narrowest and last, so all three still show.
    for (k, q, name, width) in [(2, 0.99, "p99", 6), (1, 0.9, "p90", 4), (0, 0.5, "p50", 2)] {
        let wait = |row: &Row| wait_quantile(&row.waits, q).map(|w| w.min(longest));
        let points = rows.iter().enumerate().filter_map(|(i, row)| wait(row).map(|w| (mid(i), w)));
        let points = draw::thin(points.collect(), THIN, draw::max);
        p.lines.push(Line::solid(name, color(k), points).wide(width).broken_at(&gaps));
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
    let mut p = clock.panel("Messages queued, per carrier and per sender", &clock.mean_of("messages queued"));
    for (k, c) in carriers_used(rows) {
        let depth = |row: &Row| row.carrier(c, CarrierColumn::QueueDepth) as f64 / clock.replications;
        let points = rows.iter().enumerate().map(|(i, row)| (clock.x(i, 1.0), depth(row)));
        let points = draw::thin(points.collect(), THIN, draw::max);
        p.lines.push(Line::solid(format!("to {c}"), color(k), points));
    }
    // Beyond SHOWN senders, those with the lowest peaks are drawn as one.
    let peaks: Vec<u64> =
        (0..sc.senders.len()).map(|s| rows.iter().map(|row| row.senders[s].max(0) as u64).max().unwrap_or(0)).collect();
    let keep = shown(&peaks);
    let folded = keep.iter().filter(|k| !**k).count();
    let mut sender_line = |label: String, c: RGBColor, depth: &dyn Fn(&Row) -> i64| {
        let points = rows.iter().enumerate().map(|(i, row)| (clock.x(i, 1.0), depth(row) as f64 / clock.replications));
        p.lines.push(Line::dashed(label, c, draw::thin(points.collect(), THIN, draw::max)));
    };
    for (k, (s, sender)) in sc.senders.iter().enumerate().filter(|&(s, _)| keep[s]).enumerate() {
        let c = if folded > 0 { ranked(4 + k) } else { color(4 + s) };
        sender_line(format!("from {}", sender.id), c, &|row| row.senders[s]);
    }
    if folded > 0 {
        let rest = |row: &Row| (0..sc.senders.len()).filter(|&s| !keep[s]).map(|s| row.senders[s]).sum();
        sender_line(format!("from {}", others(folded, "sender")), OTHERS, &rest);
    }
    p.marks = cap_marks(sc, r);
    p.marks.retain(|m| clock.shows(m.x));
    // Depth is sampled at each row's end: a peak between samples is drawn as a level.
    let b = &r.stats.backlog[0];
    let sampled = p.lines.iter().flat_map(|l| &l.points).map(|q| q.1).fold(0.0, f64::max);
    if let Some(at) = b.peak_at.filter(|t| b.peak as f64 > sampled && clock.shows(t.as_secs_f64())) {
        let worst = if sc.replications > 1 { ", worst replication" } else { "" };
        let label = format!("backlog peak {} at {}{worst}", b.peak, sc.calendar.local(at, "%H:%M:%S"));
        p.levels.push(Level { y: b.peak as f64, color: BLACK, label });
    }
    p.fit_y();
    let folded = folding_note(folded, "The", "sender", "the lowest peaks", "are summed in one grey line");
    draft(
        "queue_depth",
        "Queue depth",
        &format!(
            "Messages waiting at the end of each {} interval; red lines mark T-Mobile's daily cap running out.{folded}",
            human::duration(step)
        ),
        Figure::Panels(vec![p]),
    )
}

/// T-Mobile's daily cap, wherever it is drawn: a dark red that none of the
/// carrier or sender lines uses (the palette's vermillion is `to other`).
const CAP: RGBColor = RGBColor(160, 0, 40);

fn cap_marks(sc: &Scenario, r: &RunResult) -> Vec<Mark> {
    r.daily_caps
        .iter()
        .filter(|(rep, _)| *rep == 0)
        .filter_map(|(_, d)| {
            d.exhausted_at.map(|t| Mark {
                x: t.as_secs_f64(),
                color: CAP,
                label: Some(format!("{} cap used {}", sc.brands[d.brand].id, sc.calendar.local(t, "%H:%M"))),
            })
        })
        .collect()
}

/// Lowest share on the latency chart's log axis: one message in 10,000.
const SHARE_FLOOR: f64 = 1e-4;

/// The share of messages that took longer than each latency, as a step
/// curve of (seconds, share): `values` (seconds, count, ascending) plus the
/// `expired` messages, (expiry in seconds, count) per stream, counted as
/// taking their expiry, since they waited at least that long. Without them
/// the curve would reach zero before the expiry.
pub(super) fn exceedance(values: &[(f64, u64)], expired: &[(f64, u64)]) -> Vec<(f64, f64)> {
    let mut all: Vec<(f64, u64)> = values.iter().chain(expired.iter().filter(|e| e.1 > 0)).copied().collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let all: Vec<(f64, u64)> = all.chunk_by(|a, b| a.0 == b.0).map(|c| (c[0].0, c.iter().map(|p| p.1).sum())).collect();
    let total: u64 = all.iter().map(|p| p.1).sum();
    let mut above = total;
    let mut out = Vec::with_capacity(2 * all.len());
    for (v, n) in all {
        out.push((v, above as f64 / total as f64));
        above -= n;
        out.push((v, above as f64 / total as f64));
    }
    out
}

/// The first and last point of each column `1 / per` wide: a monotone step
/// curve keeps its shape, tail included, with at most two points a column.
fn columns(points: Vec<(f64, f64)>, per: f64) -> Vec<(f64, f64)> {
    let col = |p: &(f64, f64)| (p.0 * per).floor() as i64;
    points
        .chunk_by(|a, b| col(a) == col(b))
        .flat_map(|c| [c[0], c[c.len() - 1]].into_iter().take(c.len().min(2)))
        .collect()
}

/// What the latency chart draws for one stream, or for the streams folded
/// into one grey line: both latencies and the expired messages, at each
/// stream's expiry.
struct Curves<'a> {
    name: String,
    color: RGBColor,
    end_to_end: Cow<'a, Latency>,
    queue_wait: Cow<'a, Latency>,
    expired: Vec<(f64, u64)>,
}

impl Curves<'_> {
    /// Messages on its longer curve.
    fn messages(&self) -> u64 {
        self.queue_wait.count().max(self.end_to_end.count()) + self.expired.iter().map(|e| e.1).sum::<u64>()
    }
}

/// The latency chart: the share of messages that took longer than x, both
/// axes logarithmic, so a 1 % tail is as tall as the median; each stream's
/// `message_expiry` and `useful_life` marked. Beyond [`super::SHOWN`]
/// streams, those with the fewest messages are drawn as one.
fn latency<'s>(sc: &'s Scenario, s: &'s Stats) -> Draft {
    let floor = 1e-3f64;
    let lg = |v: f64| v.max(floor).log10();
    let expired = |i: usize| (sc.traffic[i].message_expiry.as_secs_f64(), s.streams[i].count(Outcome::Expired));
    let keep = shown(&s.streams.iter().map(|g| g.accepted).collect::<Vec<_>>());
    let folding = keep.contains(&false);
    let hue = |k: usize, i: usize| if folding { ranked(k) } else { color(i) };
    let mut curves: Vec<Curves> = (0..s.streams.len())
        .filter(|&i| keep[i])
        .enumerate()
        .map(|(k, i)| Curves {
            name: sc.traffic[i].name.clone(),
            color: hue(k, i),
            end_to_end: Cow::Borrowed(&s.streams[i].end_to_end),
            queue_wait: Cow::Borrowed(&s.streams[i].queue_wait),
            expired: vec![expired(i)],
        })
        .collect();
    let folded: Vec<usize> = (0..s.streams.len()).filter(|&i| !keep[i]).collect();
    if !folded.is_empty() {
        let mut rest = Curves {
            name: others(folded.len(), "stream"),
            color: OTHERS,
            end_to_end: Cow::Owned(Latency::default()),
            queue_wait: Cow::Owned(Latency::default()),
            expired: folded.iter().map(|&i| expired(i)).collect(),
        };
        for &i in &folded {
            rest.end_to_end.to_mut().merge(&s.streams[i].end_to_end);
            rest.queue_wait.to_mut().merge(&s.streams[i].queue_wait);
        }
        curves.push(rest);
    }
    let most = curves.iter().map(Curves::messages).max().unwrap_or(0);
    // The decade of one message in the largest stream, not below SHARE_FLOOR.
    let share_floor = 10f64.powf((1.0 / most.max(1) as f64).log10().floor()).max(SHARE_FLOOR);
    let mut p = Panel::new(
        "Latency per stream: share of messages slower than x (solid: end to end, dashed: queue wait)",
        "latency (log scale)",
        "share slower than x (log scale)",
    );
    let mut top = 1.0f64;
    for k in &curves {
        let curve = |l: &Latency| {
            let points = exceedance(&l.values(), &k.expired);
            columns(points.into_iter().map(|(x, y)| (lg(x), y.max(share_floor).log10())).collect(), 150.0)
        };
        let expiry = k.expired.iter().map(|e| e.0).fold(0.0, f64::max);
        top = top.max(k.end_to_end.summary().max).max(k.queue_wait.summary().max).max(expiry);
        p.lines.push(Line::solid(format!("{} end to end", k.name), k.color, curve(&k.end_to_end)));
        p.lines.push(Line::dashed(format!("{} queue wait", k.name), k.color, curve(&k.queue_wait)));
    }
    // (x, what, streams): streams sharing a value share one marker.
    let mut marks: Vec<(f64, String, Vec<&str>, RGBColor)> = Vec::new();
    let mut mark =
        |x: f64, what: String, name: &'s str, c: RGBColor| match marks.iter_mut().find(|m| m.0 == x && m.1 == what) {
            Some(m) => m.2.push(name),
            None => marks.push((x, what, vec![name], c)),
        };
    for (k, (i, t)) in sc.traffic.iter().enumerate().filter(|&(i, _)| keep[i]).enumerate() {
        mark(lg(t.message_expiry.as_secs_f64()), format!("expiry {}", t.message_expiry), &t.name, hue(k, i));
        if let Some(life) = t.useful_life {
            top = top.max(life.as_secs_f64());
            mark(lg(life.as_secs_f64()), format!("useful life {life}"), &t.name, hue(k, i));
        }
    }
    for (x, what, names, c) in marks {
        // Several streams at one value: one marker, in the first one's colour.
        p.marks.push(Mark { x, color: c, label: Some(format!("{} {what}", names.join(", "))) });
    }
    p.x_range = (floor.log10(), (top * 4.0).log10());
    draw::room_for_last_mark(&mut p, SIZE.0);
    let lowest = share_floor.log10().round() as i32;
    // Headroom over 100 % for a row of marker labels clear of the curves there.
    p.y_range = (lowest as f64, 0.2);
    p.x_ticks = Some(log_ticks(p.x_range));
    p.y_ticks = Some((lowest..=0).map(|k| (k as f64, format!("{}%", 10f64.powi(k + 2)))).collect());
    let folded = folding_note(
        folded.len(),
        "The",
        "stream",
        "the fewest messages",
        "are drawn together in grey, without their markers",
    );
    draft(
        "latency",
        "Latency: share of messages slower than x",
        &format!(
            "Read up from a latency to the share of messages that took longer (log scale: 10 %, 1 % and 0.1 % are evenly spaced). Expired messages count as taking at least their expiry, so a stream with expiries stays at its expired share until its expiry marker.{folded}"
        ),
        Figure::Panels(vec![p]),
    )
}

/// A count read from a time-series row.
type Count = fn(&Row) -> i64;

/// The failure reasons, named after their outcomes (the legend), with their
/// counts in a row: rejections split by whether the provider's queue was full.
const FAILURES: [(&str, Count); 6] = [
    ("expired", |r| r.get(Column::Expired)),
    ("failed_daily_cap", |r| r.get(Column::FailedDailyCap)),
    ("blocked", |r| r.get(Column::Blocked)),
    ("rejected", |r| r.get(Column::Rejected) - r.get(Column::RejectedQueueFull)),
    ("rejected_queue_full", |r| r.get(Column::RejectedQueueFull)),
    ("undelivered", |r| r.get(Column::Undelivered)),
];

/// Counts per interval, summed over groups of rows so dense runs keep
/// legible steps: the group's length in rows, and a function giving each
/// group's mean per replication of `count`.
fn binned<'r>(clock: &Clock, rows: &'r [Row]) -> (usize, impl Fn(Count) -> Vec<f64> + 'r) {
    let group = rows.len().div_ceil(THIN / 2).max(1);
    let replications = clock.replications;
    (group, move |count: Count| {
        rows.chunks(group).map(|c| c.iter().map(|r| count(r) as f64).sum::<f64>() / replications).collect()
    })
}

/// Steps through `values`, one per group of `group` rows.
fn steps(clock: &Clock, group: usize, values: &[f64]) -> Vec<(f64, f64)> {
    let x = |i: usize| clock.x(i * group, 0.0);
    values.iter().enumerate().flat_map(|(i, &v)| [(x(i), v), (x(i + 1), v)]).collect()
}

/// Failures per interval; `retries` when the scenario retries, so the
/// bands count attempts (a message can fail more than once).
fn failures(clock: &Clock, rows: &[Row], retries: bool) -> Draft {
    let reasons = FAILURES;
    // Stacked: each area is the sum of its reason and those below it; tallest drawn first.
    let (group, sums) = binned(clock, rows);
    let width = clock.step * group as f64;
    let what = if retries { "attempts" } else { "messages" };
    let y_desc = clock.mean_of(&format!("{what} per {}", human::duration(width)));
    let mut p = clock.panel("Failures by reason (stacked)", &y_desc);
    // Only the reasons that occur are drawn and listed, each in its own
    // colour whichever others occur; with no failure at all, expired at zero.
    let own: Vec<Vec<f64>> = reasons.iter().map(|(_, count)| sums(*count)).collect();
    let mut occurring: Vec<usize> = (0..reasons.len()).filter(|&k| own[k].iter().any(|&v| v > 0.0)).collect();
    if occurring.is_empty() {
        occurring.push(0);
    }
    let mut stacked: Vec<Vec<f64>> = Vec::new();
    for &k in &occurring {
        let below = stacked.last().cloned().unwrap_or_else(|| vec![0.0; own[k].len()]);
        stacked.push(own[k].iter().zip(below).map(|(v, b)| b + v).collect());
    }
    for (&k, top) in occurring.iter().zip(&stacked).rev() {
        p.lines.push(Line::area(reasons[k].0, color(k + 1), steps(clock, group, top)));
    }
    p.fit_y();
    draft(
        "failures",
        "Failures by reason",
        &format!(
            "Each band is one failure reason; the top edge is all failures in the {} interval.{}",
            human::duration(width),
            if retries { " The sender retries: these are failed attempts, some of them retried later." } else { "" }
        ),
        Figure::Panels(vec![p]),
    )
}

/// Attempts over time, for scenarios with retries or a provider queue
/// limit: first attempts, retries and rejections at a full queue, so a
/// retry storm into a full queue shows.
fn attempts(clock: &Clock, rows: &[Row]) -> Draft {
    let (group, sums) = binned(clock, rows);
    let width = clock.step * group as f64;
    let y_desc = clock.mean_of(&format!("attempts per {}", human::duration(width)));
    let mut p = clock.panel("Attempts: first, retries, and rejected at a full queue", &y_desc);
    let kinds: [(&str, Count); 3] = [
        ("first attempts", |r| r.get(Column::Arrivals) - r.get(Column::Retries)),
        ("retries", |r| r.get(Column::Retries)),
        ("rejected_queue_full", |r| r.get(Column::RejectedQueueFull)),
    ];
    // Rejections at a full queue in their colour on the failures chart.
    let queue_full = FAILURES.iter().position(|(name, _)| *name == "rejected_queue_full").expect("a failure reason");
    for ((name, count), c) in kinds.into_iter().zip([0, 1, queue_full + 1]) {
        p.lines.push(Line::solid(name, color(c), steps(clock, group, &sums(count))));
    }
    p.fit_y();
    draft(
        "attempts",
        "Attempts over time",
        &format!(
            "Attempts accepted per {}: first attempts and the sender's retries, and those the provider rejected because its queue was full (first attempts or retries).",
            human::duration(width)
        ),
        Figure::Panels(vec![p]),
    )
}

/// The name of a message class in labels.
fn class_name(class: Class) -> &'static str {
    match class {
        Class::Sms => "SMS",
        Class::Mms => "MMS",
    }
}

/// A limit on the dispatch path, in messages: what the throughput chart
/// draws as a level and tests for holding sending.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PathLimit {
    /// Its name in a span's label: "account SMS 300/min", "shop TPM to att 240/min".
    pub(super) name: String,
    /// The label of its level: limits kept per carrier share one.
    level: String,
    color: RGBColor,
    /// Messages per minute: a limit in segments is divided by the fewest
    /// segments of its streams.
    per_minute: f64,
    /// Its window (a smooth limit's period) in seconds: dispatch is compared
    /// with the limit over whole windows, aligned to the start like the limiter's.
    window_s: f64,
    /// The (stream, carrier) pairs whose messages pass through it.
    flows: Vec<(usize, Carrier)>,
    /// The sender whose numbers it limits, if it is a number's limit.
    sender: Option<usize>,
}

/// Every limit on a path that carries traffic: the account's per class, each
/// brand's TPM per carrier, each sender's per-number (or per-number per
/// carrier) limit times its numbers.
pub(super) fn path_limits(sc: &Scenario) -> Vec<PathLimit> {
    let all: Vec<usize> = (0..sc.traffic.len()).collect();
    let mut by_sender = vec![Vec::new(); sc.senders.len()];
    let mut by_brand = vec![Vec::new(); sc.brands.len()];
    for (i, t) in sc.traffic.iter().enumerate() {
        by_sender[t.sender].push(i);
        if let Some(b) = sc.senders[t.sender].brand {
            by_brand[b].push(i);
        }
    }
    // The flows of the streams among `streams` that `keep` keeps (to `carrier` if given).
    let flows = |streams: &[usize], keep: &dyn Fn(&Stream) -> bool, carrier: Option<Carrier>| {
        let refused = |t: &Stream| sc.senders[t.sender].limits[t.class.index()] == SenderLimit::Refused;
        streams
            .iter()
            .map(|&i| (i, &sc.traffic[i]))
            .filter(|(_, t)| keep(t) && !refused(t))
            .flat_map(|(i, t)| {
                Carrier::ALL.into_iter().filter(move |c| t.carriers[c.index()] > 0.0).map(move |c| (i, c))
            })
            .filter(|f| carrier.is_none_or(|c| f.1 == c))
            .collect::<Vec<(usize, Carrier)>>()
    };
    let mut out = Vec::new();
    let mut add = |name: String,
                   level: String,
                   color: RGBColor,
                   limit: Limit,
                   numbers: u32,
                   flows: Vec<(usize, Carrier)>,
                   sender: Option<usize>| {
        let segments = match limit.unit {
            Unit::Segments => flows.iter().map(|&(t, _)| sc.traffic[t].segments).min().unwrap_or(1).max(1),
            Unit::Messages => 1,
        };
        let per_minute = limit.rate.per_sec_f64() * 60.0 * f64::from(numbers) / f64::from(segments);
        let (_, (len, den)) = limit.rate.window();
        let value = human::number(per_minute);
        if !flows.is_empty() {
            out.push(PathLimit {
                name: format!("{name} {value}/min"),
                level: format!("{level}: {value}/min"),
                color,
                per_minute,
                window_s: len as f64 / den as f64 / 1e9,
                flows,
                sender,
            });
        }
    };
    for class in [Class::Sms, Class::Mms] {
        let name = format!("account {}", class_name(class));
        let f = flows(&all, &|t| t.class == class, None);
        add(name.clone(), name, BLACK, sc.account[class.index()], 1, f, None);
    }
    for (b, brand) in sc.brands.iter().enumerate() {
        let on_tpm = |t: &Stream| {
            let s = &sc.senders[t.sender];
            t.class == Class::Sms && s.brand == Some(b) && s.limits[Class::Sms.index()] == SenderLimit::BrandTpm
        };
        for c in Carrier::ALL {
            let level = format!("{} TPM per carrier", brand.id);
            let f = flows(&by_brand[b], &on_tpm, Some(c));
            add(format!("{} TPM to {c}", brand.id), level, RGBColor(80, 80, 80), brand.tpm, 1, f, None);
        }
    }
    for (s, sender) in sc.senders.iter().enumerate() {
        for class in [Class::Sms, Class::Mms] {
            let mine = |t: &Stream| t.sender == s && t.class == class;
            let what = format!("{} {}", sender.id, class_name(class));
            let numbers = format!("({})", crate::report::human::counted(sender.numbers as usize, "number"));
            match sender.limits[class.index()] {
                SenderLimit::PerNumber(l) => {
                    let f = flows(&by_sender[s], &mine, None);
                    add(what.clone(), format!("{what} {numbers}"), color(4 + s), l, sender.numbers, f, Some(s));
                }
                SenderLimit::PerCarrier(l) => {
                    for c in Carrier::ALL {
                        let level = format!("{what} per carrier {numbers}");
                        let f = flows(&by_sender[s], &mine, Some(c));
                        add(format!("{what} to {c}"), level, color(4 + s), l, sender.numbers, f, Some(s));
                    }
                }
                SenderLimit::BrandTpm | SenderLimit::Refused => {}
            }
        }
    }
    out
}

/// A limit holding sending from `from` to `to` (seconds from the start).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Binding {
    pub(super) limit: String,
    pub(super) from: f64,
    pub(super) to: f64,
}

/// Share of a limit that dispatch must reach for the limit to count as
/// holding sending: window limits admit whole messages, so a saturated
/// window may fall a message or two short.
const BINDING_SHARE: f64 = 0.95;

/// When each limit held sending, read from the time series. A limit binds
/// over each of its windows (at least one row; windows aligned to the start
/// like its limiter's) in which
/// * the dispatch through it reached 95 % of its rate over the window,
/// * messages of its carriers and senders were waiting at the window's start
///   or end (a backlog it was working through), and
/// * no outage touched its traffic (outages are shaded on their own).
///
/// Consecutive binding windows join into one span. The dispatch through a
/// limit is read from the per-carrier counts, so a limit is tested only when
/// its carriers carry no other traffic (the account limit when every stream
/// is of its class, one brand's TPM to a carrier no other sender reaches).
///
/// The rows of a run with replications are their sums, so the rate is
/// compared with the limit times the replications: their mean must reach it.
pub(super) fn binding(sc: &Scenario, limits: &[PathLimit], rows: &[Row], step: f64) -> Vec<Binding> {
    // Flows per carrier: a limit whose flows are all of its carriers' flows
    // carries those carriers' whole dispatch.
    let all: BTreeSet<(usize, Carrier)> = path_limits(sc).into_iter().flat_map(|l| l.flows).collect();
    let per_carrier = Carrier::ALL.map(|c| all.iter().filter(|f| f.1 == c).count());
    let mut out = Vec::new();
    for l in limits {
        let carriers: Vec<Carrier> = Carrier::ALL.into_iter().filter(|c| l.flows.iter().any(|f| f.1 == *c)).collect();
        if carriers.iter().any(|&c| l.flows.iter().filter(|f| f.1 == c).count() < per_carrier[c.index()]) {
            continue;
        }
        let mut senders: Vec<usize> = l.flows.iter().map(|&(t, _)| sc.traffic[t].sender).collect();
        senders.dedup();
        let touched = |o: &Outage| match o.scope {
            Scope::Platform => true,
            Scope::Carrier(c) => carriers.contains(&c),
            Scope::Sender(s) => senders.contains(&s),
        };
        let k = ((l.window_s / step) - 1e-9).ceil().max(1.0) as usize;
        let mut open: Option<f64> = None;
        for (g, window) in rows.chunks(k).enumerate() {
            let (from, to) = ((g * k) as f64 * step, (g * k + window.len()) as f64 * step);
            let outage =
                sc.outages.iter().any(|o| touched(o) && o.start.as_secs_f64() < to && o.end.as_secs_f64() > from);
            let sent: i64 =
                window.iter().flat_map(|r| carriers.iter().map(|&c| r.carrier(c, CarrierColumn::Dispatched))).sum();
            let queued = |r: &Row| {
                carriers.iter().map(|&c| r.carrier(c, CarrierColumn::QueueDepth)).sum::<i64>() > 0
                    && senders.iter().map(|&s| r.senders[s]).sum::<i64>() > 0
            };
            let before = (g * k).checked_sub(1).map(|i| &rows[i]);
            let waiting = before.is_some_and(queued) || queued(&window[window.len() - 1]);
            let capacity = l.per_minute / 60.0 * (to - from) * f64::from(sc.replications);
            let binds = !outage && waiting && sent as f64 >= BINDING_SHARE * capacity;
            match (binds, open) {
                (true, None) => open = Some(from),
                (false, Some(start)) => {
                    out.push(Binding { limit: l.name.clone(), from: start, to: from });
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(start) = open {
            out.push(Binding { limit: l.name.clone(), from: start, to: rows.len() as f64 * step });
        }
    }
    out.sort_by(|a, b| a.from.total_cmp(&b.from));
    out
}

/// How far above both the traffic and the lowest limit a limit is still
/// drawn: the traffic then fills at least a quarter of the chart's height.
const FAR: f64 = 4.0;

/// Limits too far above to draw that the caption names; the rest are counted.
const FAR_NAMED: usize = 3;

/// The colour of a span where a limit holds sending.
const BINDING_TINT: RGBColor = RGBColor(230, 159, 0);

fn throughput(sc: &Scenario, r: &RunResult, clock: &Clock, rows: &[Row], days: bool) -> Draft {
    let step = clock.step;
    // A rate per minute read from rows shorter than a minute overstates it
    // (one message in a 10 s row reads 6/min against a 1/min limit): rows
    // are read in groups of at least a minute.
    let group = ((60.0 / step).ceil() as usize).max(1);
    // Rows sum the replications: the chart shows their mean, against one run's limits.
    let per_minute = 60.0 / step / clock.replications;
    let mut top =
        clock.panel("Messages dispatched per minute against the limits", &clock.mean_of("messages per minute"));
    let rate = |count: &dyn Fn(&Row) -> i64| {
        // Each group spans its whole minute, the last too: the rows stop at
        // the last event, not at the end of its minute.
        let points = rows.chunks(group).enumerate().map(|(g, rows)| {
            let n: i64 = rows.iter().map(count).sum();
            (clock.x(g * group, group as f64 / 2.0), n as f64 * per_minute / group as f64)
        });
        draw::thin(points.collect(), THIN, draw::mean)
    };
    // Where one carrier takes every message its line is the total's: the total says so instead.
    let carriers = carriers_used(rows);
    let (total, carriers) = match carriers[..] {
        [(_, Carrier::Other)] => ("total (all to other carriers)".to_string(), Vec::new()),
        [(_, only)] => (format!("total (all to {only})"), Vec::new()),
        _ => ("total".to_string(), carriers),
    };
    top.lines.push(Line::solid(total, BLACK, rate(&|row| row.get(Column::Dispatched))));
    for (k, c) in carriers {
        top.lines.push(Line::solid(
            format!("to {c}"),
            color(k),
            rate(&|row| row.carrier(c, CarrierColumn::Dispatched)),
        ));
    }
    let limits = path_limits(sc);
    // Beyond SHOWN senders, only the limits of those with the most messages are drawn.
    let mut sent = vec![0; sc.senders.len()];
    for (t, g) in sc.traffic.iter().zip(&r.stats.streams) {
        sent[t.sender] += g.accepted;
    }
    let keep = shown(&sent);
    let folded = keep.iter().filter(|k| !**k).count();
    for l in limits.iter().filter(|l| l.sender.is_none_or(|s| keep[s])) {
        if !top.levels.iter().any(|lv| lv.label == l.level) {
            top.levels.push(Level { y: l.per_minute, color: l.color, label: l.level.clone() });
        }
    }
    // A limit far above both the traffic and the lowest limit would squash
    // the traffic into the bottom of the chart: the caption names it instead.
    let peak = top.lines.iter().flat_map(|l| &l.points).map(|p| p.1).fold(0.0, f64::max);
    let lowest = top.levels.iter().map(|l| l.y).fold(f64::INFINITY, f64::min);
    let (far, near): (Vec<Level>, Vec<Level>) =
        std::mem::take(&mut top.levels).into_iter().partition(|l| l.y > FAR * peak.max(lowest));
    top.levels = near;
    let origin = clock.x(0, 0.0);
    for b in binding(sc, &limits, rows, step) {
        let (from, to) = (origin + b.from, origin + b.to);
        let label = format!("limited by {}, {}–{}", b.limit, clock.when(from), clock.when(to));
        top.spans.push(Span { x0: from, x1: to, color: BINDING_TINT, label });
    }
    top.fit_y();
    let mut panels = vec![top];
    let days: Vec<_> = r.daily_caps.iter().filter(|(rep, _)| days && *rep == 0).map(|(_, d)| d).collect();
    if !days.is_empty() {
        let mut bottom = Panel::new(
            "T-Mobile use per Pacific day against the daily cap",
            "Pacific day (brand)",
            "units (SMS segments + MMS)",
        );
        bottom.x_range = (0.0, days.len() as f64);
        bottom.x_ticks = Some(
            days.iter()
                .enumerate()
                .map(|(i, d)| (i as f64 + 0.5, format!("{} ({})", d.date.strftime("%m-%d"), sc.brands[d.brand].id)))
                .collect(),
        );
        for (i, d) in days.iter().enumerate() {
            bottom.bars.push(Bar { x0: i as f64 + 0.15, x1: i as f64 + 0.85, y: d.used as f64, color: color(1) });
        }
        for cap in days.iter().map(|d| d.cap).collect::<std::collections::BTreeSet<_>>() {
            bottom.levels.push(Level {
                y: cap as f64,
                color: CAP,
                label: format!("cap {}", human::number(cap as f64)),
            });
        }
        bottom.fit_y();
        panels.push(bottom);
    }
    let bottom = if panels.len() > 1 { " Bottom: T-Mobile units used per Pacific day against the cap." } else { "" };
    let folded = folding_note(folded, "The number limits of the", "sender", "the fewest messages", "are not drawn");
    let far = match far.len() {
        0 => String::new(),
        n => {
            let named: Vec<&str> = far.iter().take(FAR_NAMED).map(|l| l.label.as_str()).collect();
            let more = if n > FAR_NAMED { format!(" and {} more", n - FAR_NAMED) } else { String::new() };
            format!(" Not drawn, over four times the traffic and the lowest limit: {}{more}.", named.join("; "))
        }
    };
    draft(
        "throughput",
        "Throughput against the limits",
        &format!(
            "Dispatch rate, total and per carrier, with the limits on the path as dashed lines; tinted spans name the limit that held sending.{folded}{far}{bottom}"
        ),
        Figure::Panels(panels),
    )
}

#[cfg(test)]
mod tests {
    use super::super::Figure;
    use super::*;
    use crate::run::simulate::simulate;
    use plotters::backend::BitMapBackend;
    use std::path::Path;

    fn scenario(text: &str) -> Scenario {
        let head = "start = \"2026-03-10T09:00:00-07:00\"\n";
        crate::load::parse(&format!("{head}{text}"), "t.toml", "t", Path::new(".")).unwrap().scenario
    }

    fn bindings(sc: &Scenario) -> Vec<(String, f64, f64)> {
        let r = simulate(sc);
        let rows: Vec<Row> = r.stats.series.rows().collect();
        let step = r.stats.series.step().as_secs_f64();
        binding(sc, &path_limits(sc), &rows, step).into_iter().map(|b| (b.limit, b.from, b.to)).collect()
    }

    const NO_DELAYS: &str = "[delays]\nprocessing = { dist = \"fixed\", value = \"0s\" }\n\
                             delivery = { dist = \"fixed\", value = \"1s\" }\n";

    #[test]
    fn the_account_limit_binds_through_a_burst_and_a_brand_tpm_through_its_carrier() {
        // 3,000 at once through 50/s of toll-free numbers: the account's 5/s
        // (300/min) holds them for exactly ten minutes.
        let burst = scenario(&format!(
            "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\nnumbers = 2\n\
             [[traffic]]\nname = \"alert\"\nsender = \"tf\"\nkind = \"transactional\"\ntext = \"a\"\n\
             arrival = {{ process = \"burst\", count = 3000, at = \"0s\" }}\n{NO_DELAYS}"
        ));
        assert_eq!(bindings(&burst), [("account SMS 300/min".to_string(), 0.0, 600.0)]);
        // 2,400 to T-Mobile through a brand of score 30: its 240 TPM holds
        // them for ten minutes, under the account's 300/min.
        let tpm = scenario(&format!(
            "[[brands]]\nid = \"shop\"\nvetting_score = 30\n\
             [[senders]]\nid = \"lc\"\ntype = \"long_code\"\nbrand = \"shop\"\n\
             [[traffic]]\nname = \"promo\"\nsender = \"lc\"\nkind = \"promotional\"\ntext = \"a\"\n\
             carriers = {{ tmobile = 1.0 }}\narrival = {{ process = \"burst\", count = 2400, at = \"0s\" }}\n{NO_DELAYS}"
        ));
        assert_eq!(bindings(&tpm), [("shop TPM to tmobile 240/min".to_string(), 0.0, 600.0)]);
    }

    #[test]
    fn expired_messages_count_as_waiting_at_least_their_expiry() {
        // 60 at once, 5 a second, expiry 5 s: 5 go at each of 0..=5 s, and the
        // 30 left expire at 6 s (waited more than 5 s).
        let sc = scenario(&format!(
            "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n\
             [[traffic]]\nname = \"otp\"\nsender = \"tf\"\nkind = \"otp\"\ntext = \"a\"\nmessage_expiry = \"5s\"\n\
             arrival = {{ process = \"burst\", count = 60, at = \"0s\" }}\n{NO_DELAYS}"
        ));
        let g = &simulate(&sc).stats.streams[0];
        assert_eq!(g.count(Outcome::Expired), 30);
        let curve = exceedance(&g.queue_wait.values(), &[(5.0, 30)]);
        let share = |n: u32| f64::from(n) / 60.0;
        let steps: Vec<(f64, f64)> =
            (0..6).flat_map(|s| [(f64::from(s), share(60 - 5 * s)), (f64::from(s), share(55 - 5 * s))]).collect();
        let expected = [&steps[..10], &[(5.0, share(35)), (5.0, 0.0)]].concat();
        assert_eq!(curve, expected, "just under the expiry, 35 of 60 (not 5 of 30) waited longer");
        assert_eq!(exceedance(&[], &[(5.0, 0)]), []);
    }

    #[test]
    fn expired_messages_of_several_streams_count_at_their_own_expiry() {
        // Two at 1 s; one expired at 2 s and one at 5 s; a stream without expiries adds nothing.
        let curve = exceedance(&[(1.0, 2)], &[(5.0, 1), (2.0, 1), (5.0, 0)]);
        assert_eq!(curve, [(1.0, 1.0), (1.0, 0.5), (2.0, 0.5), (2.0, 0.25), (5.0, 0.25), (5.0, 0.0)]);
    }

    /// The labels of a panel's lines and of its levels.
    fn labels(d: &Draft) -> (Vec<String>, Vec<String>) {
        let Figure::Panels(ps) = &d.figure else { panic!("{} is a heat map", d.name) };
        (ps[0].lines.iter().map(|l| l.label.clone()).collect(), ps[0].levels.iter().map(|l| l.label.clone()).collect())
    }

    #[test]
    fn beyond_seven_streams_or_senders_the_smallest_are_drawn_as_one_grey_line() {
        // Twelve senders of one stream each: sender i has i + 1 numbers and
        // sends 10 + i messages at once, so the last six send the most.
        let text: String = (0..12)
            .map(|i| {
                format!(
                    "[[senders]]\nid = \"s{i}\"\ntype = \"toll_free\"\nnumbers = {}\n\
                     [[traffic]]\nname = \"t{i}\"\nsender = \"s{i}\"\ntext = \"a\"\nmessage_expiry = \"{}s\"\n\
                     arrival = {{ process = \"burst\", count = {}, at = \"0s\" }}\n",
                    i + 1,
                    20 + i,
                    10 + i
                )
            })
            .collect();
        let sc = scenario(&format!("{text}{NO_DELAYS}"));
        let r = simulate(&sc);
        let all = drafts(&sc, &r, None);
        let find = |name: &str| all.iter().find(|d| d.name == name).expect("drawn");

        let (lines, _) = labels(find("latency"));
        let mut want: Vec<String> =
            (6..12).flat_map(|i| [format!("t{i} end to end"), format!("t{i} queue wait")]).collect();
        want.extend(["6 other streams end to end".into(), "6 other streams queue wait".into()]);
        assert_eq!(lines, want);
        let Figure::Panels(ps) = &find("latency").figure else { unreachable!() };
        assert!(ps[0].lines[12..].iter().all(|l| l.color == OTHERS));
        assert!(ps[0].lines[..12].iter().all(|l| l.color != OTHERS));
        assert!(find("latency").caption.contains("The 6 other streams with the fewest messages"));

        // Queue depth: the six senders with the highest peaks, the rest summed.
        let rows: Vec<Row> = r.stats.series.rows().collect();
        let peak = |s: usize| rows.iter().map(|row| row.senders[s]).max().unwrap();
        let mut by_peak: Vec<usize> = (0..12).collect();
        by_peak.sort_by_key(|&s| (std::cmp::Reverse(peak(s)), s));
        let mut drawn = by_peak[..6].to_vec();
        drawn.sort();
        let (lines, _) = labels(find("queue_depth"));
        let mut want: Vec<String> = Carrier::ALL.iter().map(|c| format!("to {c}")).collect();
        want.extend(drawn.iter().map(|s| format!("from s{s}")));
        want.push("from 6 other senders".into());
        assert_eq!(lines, want);
        let Figure::Panels(ps) = &find("queue_depth").figure else { unreachable!() };
        let rest: i64 = by_peak[6..].iter().map(|&s| rows[0].senders[s]).sum();
        assert_eq!(ps[0].lines[10].points[0].1, rest as f64, "the grey line sums the senders not drawn");

        // Throughput: the number limits of the six senders with the most
        // messages, all over four times the account's 300/min and the traffic,
        // so named in the caption rather than drawn.
        let (_, levels) = labels(find("throughput"));
        assert_eq!(levels, ["account SMS: 300/min"]);
        assert!(
            find("throughput").caption.contains(
                "Not drawn, over four times the traffic and the lowest limit: s6 SMS (7 numbers): 10.5k/min; \
                 s7 SMS (8 numbers): 12k/min; s8 SMS (9 numbers): 13.5k/min and 3 more."
            ),
            "{}",
            find("throughput").caption
        );
        assert!(find("throughput").caption.contains("The number limits of the 6 other senders"));
    }

    #[test]
    fn the_wait_over_time_never_reads_above_the_longest_wait() {
        // 3,000 at once, 5 a second: the last waits 599 s, in the bin from
        // 549.8 s to 687.2 s, whose middle (618.5 s) would overstate it.
        let sc = scenario(&format!(
            "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\nnumbers = 2\n\
             [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\nmessage_expiry = \"1h\"\n\
             arrival = {{ process = \"burst\", count = 3000, at = \"0s\" }}\n{NO_DELAYS}"
        ));
        let r = simulate(&sc);
        assert_eq!(r.stats.total().queue_wait.summary().max, 599.0);
        let all = drafts(&sc, &r, None);
        let Figure::Panels(ps) = &all.iter().find(|d| d.name == "latency_over_time").expect("drawn").figure else {
            unreachable!()
        };
        let top = ps[0].lines.iter().flat_map(|l| &l.points).map(|q| q.1).fold(0.0, f64::max);
        assert_eq!(top, 599.0);
    }

    /// Carriers that took no message draw no line, and where one took them
    /// all, the total is named for it rather than hidden under its line.
    #[test]
    fn only_the_carriers_messages_went_to_are_drawn() {
        let text = |carriers: &str| {
            format!(
                "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n\
                 [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\ncarriers = {carriers}\n\
                 arrival = {{ process = \"burst\", count = 300, at = \"0s\" }}\n{NO_DELAYS}"
            )
        };
        let charts = |carriers: &str| {
            let sc = scenario(&text(carriers));
            let r = simulate(&sc);
            let all = drafts(&sc, &r, None);
            let find = |name: &str| labels(all.iter().find(|d| d.name == name).expect("drawn")).0;
            (find("throughput"), find("queue_depth"))
        };
        let (throughput, depth) = charts("{ other = 1 }");
        assert_eq!(throughput, ["total (all to other carriers)"]);
        assert_eq!(depth, ["to other", "from tf"]);
        let (throughput, depth) = charts("{ att = 0.5, verizon = 0.5 }");
        assert_eq!(throughput, ["total", "to att", "to verizon"]);
        assert_eq!(depth, ["to att", "to verizon", "from tf"]);
    }

    /// Rows shorter than a minute are read in groups of a minute: one
    /// message a minute through 10 s rows reads 1/min, not 6/min.
    #[test]
    fn throughput_through_short_rows_never_reads_above_its_limit() {
        let sc = scenario(&format!(
            "timeseries_step = \"10s\"\n[account]\nsms_mps = \"1/min\"\n\
             [[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n\
             [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\nmessage_expiry = \"3h\"\n\
             arrival = {{ process = \"burst\", count = 30, at = \"0s\" }}\n{NO_DELAYS}"
        ));
        let r = simulate(&sc);
        let all = drafts(&sc, &r, None);
        let Figure::Panels(ps) = &all.iter().find(|d| d.name == "throughput").expect("drawn").figure else {
            unreachable!()
        };
        let total = &ps[0].lines[0];
        assert_eq!(total.label, "total");
        let top = total.points.iter().map(|p| p.1).fold(0.0, f64::max);
        assert!((top - 1.0).abs() < 1e-9, "{top}");
        let sum: f64 = total.points.iter().map(|p| p.1).sum();
        assert!((sum - 30.0).abs() < 1e-9, "a point per minute, 30 messages in all: {sum}");
    }

    /// A slow limit's dispatches a few rows apart are joined; a silence far
    /// longer than usual is not.
    #[test]
    fn lines_bridge_a_slow_limit_but_not_a_long_silence() {
        // Rows of 10 s, a dispatch a minute for 30 minutes, then one an hour on.
        let mut xs: Vec<f64> = (0..30).map(|m| 60.0 * m as f64 + 5.0).collect();
        xs.push(3_605.0);
        assert_eq!(silences(&xs, 10.0), vec![(1_745.0 + 3_605.0) / 2.0]);
        // Every row measured but two missing: two rows are not a silence.
        let dense: Vec<f64> = (0..20).filter(|&i| i != 7 && i != 8).map(|i| i as f64 * 60.0).collect();
        assert!(silences(&dense, 60.0).is_empty());
        assert!(silences(&[5.0], 10.0).is_empty() && silences(&[], 10.0).is_empty());
    }

    /// No wait is measured while an outage holds every message: the wait
    /// lines stop at its start and start again when dispatches resume.
    #[test]
    fn the_wait_over_time_is_not_drawn_across_an_outage() {
        let sc = scenario(&format!(
            "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n\
             [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\nmessage_expiry = \"1h\"\n\
             arrival = {{ process = \"constant\", rate = \"1/s\", until = \"10m\" }}\n{NO_DELAYS}\
             [[outages]]\nscope = \"platform\"\nstart = \"2m\"\nduration = \"3m\"\n"
        ));
        let r = simulate(&sc);
        let all = drafts(&sc, &r, None);
        let Figure::Panels(ps) = &all.iter().find(|d| d.name == "latency_over_time").expect("drawn").figure else {
            unreachable!()
        };
        for l in &ps[0].lines {
            // Rows of a minute, read at their middles: 0.5 and 1.5 min, then
            // nothing leaves until the outage ends at 5 min.
            let minutes: Vec<f64> = l.points.iter().map(|p| p.0 / 60.0).collect();
            assert_eq!(&minutes[..3], &[0.5, 1.5, 5.5], "{}", l.label);
            assert_eq!(l.breaks, vec![2], "{}", l.label);
        }
    }

    /// Rejections at a full queue wear one colour on the attempts and the failures charts.
    #[test]
    fn rejections_at_a_full_queue_look_alike_on_both_charts() {
        let sc = scenario(&format!(
            "[provider]\nqueue_max = 100\n[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n\
             [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\nretry = {{ on = [\"rejected\"], after = [\"60s\"] }}\n\
             arrival = {{ process = \"burst\", count = 300, at = \"0s\" }}\n{NO_DELAYS}"
        ));
        let r = simulate(&sc);
        let all = drafts(&sc, &r, None);
        let colour = |chart: &str| {
            let Figure::Panels(ps) = &all.iter().find(|d| d.name == chart).expect("drawn").figure else {
                unreachable!()
            };
            ps[0].lines.iter().find(|l| l.label == "rejected_queue_full").map(|l| l.color)
        };
        assert!(colour("attempts").is_some());
        assert_eq!(colour("attempts"), colour("failures"));
    }

    /// The time axis keys the outages and midnights it draws, and only those.
    #[test]
    fn the_time_axis_names_only_what_it_draws() {
        let text = |outage: &str| {
            format!(
                "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\n\
                 [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\n\
                 arrival = {{ process = \"burst\", count = 300, at = \"0s\" }}\n{NO_DELAYS}{outage}"
            )
        };
        let axis = |outage: &str| {
            let sc = scenario(&text(outage));
            let r = simulate(&sc);
            let all = drafts(&sc, &r, None);
            let Figure::Panels(ps) = &all.iter().find(|d| d.name == "throughput").unwrap().figure else {
                unreachable!()
            };
            ps[0].x_desc.clone()
        };
        assert_eq!(axis(""), "local time (UTC-07:00)", "an hour's run: no outage, no midnight");
        let outage = "[[outages]]\nscope = \"platform\"\nstart = \"10s\"\nduration = \"20s\"\n";
        assert_eq!(axis(outage), "local time (UTC-07:00); grey: outages");
    }

    #[test]
    fn a_limit_up_to_four_times_the_traffic_and_the_lowest_limit_is_drawn() {
        // A toll-free number behind the account's 300/min, which the burst
        // fills: at 20/s (1,200/min) it is four times both, so drawn; at
        // 21/s it is named in the caption instead.
        let throughput = |rate: &str| {
            let sc = scenario(&format!(
                "[[senders]]\nid = \"tf\"\ntype = \"toll_free\"\nsms_rate = \"{rate}\"\n\
                 [[traffic]]\nname = \"alert\"\nsender = \"tf\"\ntext = \"a\"\n\
                 arrival = {{ process = \"burst\", count = 3000, at = \"0s\" }}\n{NO_DELAYS}"
            ));
            let r = simulate(&sc);
            drafts(&sc, &r, None).into_iter().find(|d| d.name == "throughput").unwrap()
        };
        let drawn = throughput("20/s");
        assert_eq!(labels(&drawn).1, ["account SMS: 300/min", "tf SMS (1 number): 1200/min"]);
        assert!(!drawn.caption.contains("Not drawn"), "{}", drawn.caption);
        let named = throughput("21/s");
        assert_eq!(labels(&named).1, ["account SMS: 300/min"]);
        let caption = "Not drawn, over four times the traffic and the lowest limit: tf SMS (1 number): 1260/min.";
        assert!(named.caption.contains(caption), "{}", named.caption);
    }

    #[test]
    fn seven_streams_are_all_drawn_in_their_own_colours() {
        let text: String = (0..7)
            .map(|i| {
                format!(
                    "[[senders]]\nid = \"s{i}\"\ntype = \"toll_free\"\n\
                     [[traffic]]\nname = \"t{i}\"\nsender = \"s{i}\"\ntext = \"a\"\n\
                     arrival = {{ process = \"burst\", count = 3, at = \"0s\" }}\n"
                )
            })
            .collect();
        let sc = scenario(&format!("{text}{NO_DELAYS}"));
        let r = simulate(&sc);
        let all = drafts(&sc, &r, None);
        let latency = all.iter().find(|d| d.name == "latency").unwrap();
        let (lines, _) = labels(latency);
        assert_eq!(lines.len(), 14);
        assert!(!lines.iter().any(|l| l.contains("other")));
        assert!(!latency.caption.contains("other streams"));
    }

    /// A figure drawn into pixels, with each panel's layout.
    fn pixels(figure: &Figure) -> (Vec<u8>, u32, Vec<draw::Layout>) {
        super::super::register_font();
        let (w, h) = figure.size();
        let mut px = vec![255u8; (w * h * 3) as usize];
        let layouts = {
            let root = BitMapBackend::with_buffer(&mut px, (w, h)).into_drawing_area();
            figure.draw(&root).unwrap()
        };
        (px, w, layouts)
    }

    /// `drafts` without legends (no line keeps its label), and with `data`
    /// also without anything plotted: lines, bars, bands, limits, markers, labels.
    fn stripped(mut drafts: Vec<Draft>, data: bool) -> Vec<Draft> {
        for p in drafts.iter_mut().flat_map(|d| match &mut d.figure {
            Figure::Panels(ps) => ps.iter_mut(),
            Figure::Heat(_) => [].iter_mut(),
        }) {
            p.lines.iter_mut().for_each(|l| l.label.clear());
            if data {
                p.lines.iter_mut().for_each(|l| l.points.clear());
                p.spans.iter_mut().for_each(|s| s.label.clear());
                p.bars.clear();
                p.bands.clear();
                p.levels.clear();
                p.marks.clear();
            }
        }
        drafts
    }

    #[test]
    fn legends_cover_no_data_and_labels_do_not_overlap() {
        let (mut corner, mut above) = (0, 0);
        for stem in ["daily_cap_dst", "otp_platform_outage", "model_example", "mms_quarter_mps", "mps_10_in_one_second"]
        {
            let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{stem}.toml"));
            let sc = crate::load::load_file(&file, &[]).unwrap().scenario;
            let r = simulate(&sc);
            let (bare, empty) = (stripped(drafts(&sc, &r, None), false), stripped(drafts(&sc, &r, None), true));
            for ((d, bare), empty) in drafts(&sc, &r, None).iter().zip(&bare).zip(&empty) {
                let (_, width, layouts) = pixels(&d.figure);
                let ((with_data, ..), (without, ..)) = (pixels(&bare.figure), pixels(&empty.figure));
                for (i, lay) in layouts.iter().enumerate() {
                    let name = format!("{stem}/{} panel {i}", d.name);
                    for (k, a) in lay.labels.iter().enumerate() {
                        for b in &lay.labels[k + 1..] {
                            assert!(!a.at.intersects(&b.at), "{name}: {:?} overlaps {:?}", a.text, b.text);
                        }
                    }
                    let Some(legend) = &lay.legend else { continue };
                    for l in &lay.labels {
                        assert!(!l.at.intersects(&legend.frame), "{name}: the legend covers {:?}", l.text);
                    }
                    if legend.outside {
                        above += 1;
                        assert!(!legend.frame.intersects(&lay.plot), "{name}: the legend is above the plot");
                        continue;
                    }
                    // In a corner: without legends the panel keeps its layout, so
                    // the pixels under the legend must be those of the empty plot.
                    corner += 1;
                    let f = legend.frame;
                    for y in f.y0 + 1..f.y1 - 1 {
                        for x in f.x0 + 1..f.x1 - 1 {
                            let at = ((y as u32 * width + x as u32) * 3) as usize;
                            assert_eq!(
                                with_data[at..at + 3],
                                without[at..at + 3],
                                "{name}: data under the legend at ({x}, {y})"
                            );
                        }
                    }
                }
            }
        }
        assert!(corner >= 5 && above >= 3, "legends in corners: {corner}, above plots: {above}");
    }
}
