//! Which `message_expiry` to choose, from an expiry sweep.
//!
//! Two candidates: the shortest swept value whose expiry rate stays under
//! the scenario's `expiry_target`, and the longest whose late deliveries
//! (after `useful_life`) stay under the same target. The stream's kind says
//! which matters: an OTP delivered late is useless, a promotion that expires
//! is reach lost.

use crate::load::{Loaded, expiry_stream};
use crate::run::simulate::RunResult;
use crate::scenario::model::Kind;
use crate::scenario::time::SimDuration;

/// The recommendation for one expiry sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    /// The stream whose `message_expiry` is swept.
    pub stream: String,
    /// What it is for: it decides between reach and timeliness.
    pub kind: Kind,
    /// The highest acceptable expiry (and late) rate.
    pub target: f64,
    /// Shortest expiry with an expiry rate at or under the target, and that rate.
    pub shortest_reaching: Option<(SimDuration, f64)>,
    /// Longest expiry with a late rate at or under the target, and that rate
    /// (`None` also when the stream has no `useful_life`).
    pub longest_timely: Option<(SimDuration, f64)>,
    /// The value to set.
    pub pick: Option<SimDuration>,
    /// The sweep point (index in the sweep's order) that sets it.
    pub point: Option<usize>,
    /// Whether the pick keeps both its expiry rate and (with a
    /// `useful_life`) its late rate at or under the target. When no swept
    /// value does, expiry only trades one for the other: the cause is
    /// throughput, and the text says so.
    pub meets_target: bool,
    /// What to do, in a sentence or three.
    pub text: String,
}

/// Advice for a sweep over `traffic.<name>.message_expiry`, if it is one.
pub fn expiry_advice(loaded: &Loaded, results: &[RunResult]) -> Option<Advice> {
    let sweep = loaded.sweep.as_ref()?;
    let [path] = sweep.parameters.as_slice() else { return None };
    let s = expiry_stream(path, &loaded.scenario)?;
    let stream = &loaded.scenario.traffic[s];
    let target = loaded.scenario.expiry_target;
    let mut rows: Vec<(SimDuration, f64, f64)> = sweep
        .points
        .iter()
        .zip(results)
        .map(|(p, r)| {
            let g = &r.stats.streams[s];
            let late = g.late_rate();
            (p.loaded.scenario.traffic[s].message_expiry, g.expiry_rate(), late)
        })
        .collect();
    rows.sort_by_key(|r| r.0);
    let shortest_reaching = rows.iter().find(|r| r.1 <= target).map(|r| (r.0, r.1));
    // Past the useful life, a longer expiry only adds messages sent too late
    // to use: the longest in time is sought up to it, when one is swept.
    let longest_timely = stream.useful_life.and_then(|life| {
        let timely = |r: &&(SimDuration, f64, f64)| r.2 <= target;
        let within = rows.iter().rev().filter(|r| r.0 <= life).find(timely);
        within.or_else(|| rows.iter().rev().find(timely)).map(|r| (r.0, r.2))
    });
    let pct = |x: f64| format!("{:.2} %", x * 100.0);
    let mut text = String::new();
    match shortest_reaching {
        Some((e, rate)) => text.push_str(&format!(
            "{e} is the shortest message_expiry whose expiry rate stays under {} ({}). ",
            pct(target),
            pct(rate)
        )),
        None => text.push_str(&format!("No swept message_expiry keeps the expiry rate under {}. ", pct(target))),
    }
    match (stream.useful_life, longest_timely) {
        (Some(life), Some((e, late))) if e <= life => text.push_str(&format!(
            "{e} is the longest, up to the {life} useful life, whose deliveries still land within it (late: {}). ",
            pct(late)
        )),
        (Some(life), Some((e, late))) => text.push_str(&format!(
            "{e} is the longest whose deliveries still land within the {life} useful life (late: {}). ",
            pct(late)
        )),
        (Some(life), None) => text.push_str(&format!(
            "Every swept value delivers more than {} later than the {life} useful life. ",
            pct(target)
        )),
        (None, _) => text.push_str("The stream sets no useful_life, so lateness is not judged. "),
    }
    let longest = rows.last().map(|r| r.0);
    let pick = match stream.kind {
        Kind::Otp => longest_timely.map(|l| l.0).or(rows.first().map(|r| r.0)),
        Kind::Promotional => shortest_reaching.map(|s| s.0).or(longest),
        Kind::Transactional => match (shortest_reaching, longest_timely) {
            (Some(s), Some(l)) if s.0 <= l.0 => Some(s.0),
            (_, Some(l)) => Some(l.0),
            (s, None) => s.map(|s| s.0).or(longest),
        },
    };
    let why = match stream.kind {
        Kind::Otp => {
            "a one-time code delivered after it is useless only confuses the user, so keep late deliveries within the target"
        }
        Kind::Promotional => "a promotion keeps its value for hours, so keep the reach",
        Kind::Transactional => "a notice should arrive both reliably and in time",
    };
    let picked = pick.and_then(|p| rows.iter().find(|r| r.0 == p));
    let meets_target = picked.is_some_and(|r| r.1 <= target && (stream.useful_life.is_none() || r.2 <= target));
    if let Some(p) = pick {
        text.push_str(&format!(
            "For {} traffic ({why}): set message_expiry = \"{p}\" on stream {}.",
            stream.kind, stream.name
        ));
    }
    if let (Some(&(p, expired, late)), false) = (picked, meets_target) {
        let missed = match stream.useful_life {
            Some(_) => format!(
                "keeps both its expiry and its late rate under {}: with \"{p}\", {} expire and {} arrive late",
                pct(target),
                pct(expired),
                pct(late)
            ),
            None => format!("keeps its expiry rate under {}: with \"{p}\", {} expire", pct(target), pct(expired)),
        };
        text.push_str(&format!(
            " No swept value {missed}. message_expiry only chooses which messages are lost; \
             to meet the target the stream needs more throughput on its path or less traffic at its peak \
             (a2psim explain names the limits)."
        ));
    }
    let point = pick.and_then(|e| sweep.points.iter().position(|p| p.loaded.scenario.traffic[s].message_expiry == e));
    Some(Advice {
        stream: stream.name.clone(),
        kind: stream.kind,
        target,
        shortest_reaching,
        longest_timely,
        pick,
        point,
        meets_target,
        text,
    })
}
