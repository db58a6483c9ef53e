//! `a2psim explain`: for each stream, the limits on its path with their
//! figures and where each comes from, the slowest first, and the quickest a
//! burst could drain: why a scenario is slow, without running it.

use super::human::{self, counted};
use crate::scenario::limits::{NumberLimit, account_rate, brand_tpm, number_limit, tmobile_tpd};
use crate::scenario::model::{Carrier, Class, NumberType, Outcome, Shape, Unit};
use crate::scenario::outage::Scope;
use crate::scenario::traffic::Arrival;
use crate::scenario::{Limit, Scenario, SenderLimit, Stream};
use std::fmt::Write;

/// One limit on a stream's path, in the stream's messages per second.
struct OnPath {
    what: String,
    per_sec: f64,
    source: String,
    /// The length of its windows in seconds, for a window limit (which
    /// admits a window's capacity at once) rather than a smooth one.
    window: Option<f64>,
}

impl OnPath {
    /// How long this limit alone takes to let `n` messages through: a
    /// window limit lets the last one go when the window holding it opens.
    fn time_for(&self, n: u64) -> f64 {
        match self.window {
            Some(len) if self.per_sec * len >= 1.0 => ((n as f64 / (self.per_sec * len)).ceil() - 1.0).max(0.0) * len,
            _ => n.saturating_sub(1) as f64 / self.per_sec,
        }
    }
}

/// The length in seconds of `limit`'s windows, if it counts in windows.
fn window_of(limit: &Limit) -> Option<f64> {
    let (_, (num, den)) = limit.rate.window();
    (limit.shape == Shape::Window).then(|| num as f64 / den as f64 / 1e9)
}

/// Messages a second a limit of `limit` lets through for messages of
/// `segments` segments, when the stream has `share` of the traffic it counts.
fn messages_per_sec(limit: &Limit, class: Class, segments: u32, share: f64) -> f64 {
    let units = match (limit.unit, class) {
        (Unit::Segments, Class::Sms) => f64::from(segments),
        _ => 1.0,
    };
    limit.rate.per_sec_f64() / units / share
}

/// "the document's table" or the key that set a figure.
fn source(is_default: bool, table: &str, key: String) -> String {
    if is_default { format!("the document: {table}") } else { format!("set by `{key}`") }
}

/// The limits on stream `s`'s path, slowest first.
fn limits(sc: &Scenario, s: &Stream) -> Vec<OnPath> {
    let sender = &sc.senders[s.sender];
    let class = s.class;
    let k = class.index();
    let mut out = Vec::new();
    let account = &sc.account[k];
    let default = account_rate(class);
    out.push(OnPath {
        what: format!("account {} limit, shared by every sender", class.name().to_uppercase()),
        per_sec: messages_per_sec(account, class, s.segments, 1.0),
        source: source(account.rate == default, &format!("{}", default), format!("account.{}_mps", class.name())),
        window: window_of(account),
    });
    let table = number_limit(sender.country, sender.number_type, class);
    let place = format!("{} {}", sender.country, sender.number_type);
    let numbers = f64::from(sender.numbers);
    match &sender.limits[k] {
        SenderLimit::PerNumber(l) => {
            let is_default = matches!(table, NumberLimit::PerNumber(r) if r == l.rate);
            out.push(OnPath {
                what: format!("sender {}: {} × {} a number", sender.id, sender.numbers, l.rate),
                per_sec: messages_per_sec(l, class, s.segments, 1.0) * numbers,
                source: source(is_default, &place, format!("senders.{}.{}_rate", sender.id, class.name())),
                window: window_of(l),
            });
        }
        SenderLimit::PerCarrier(l) => {
            let is_default = matches!(table, NumberLimit::PerCarrier(r) if r == l.rate);
            let (c, share) = busiest(s);
            out.push(OnPath {
                what: format!(
                    "sender {}: {} × {} a number at each carrier, {c} taking {:.0} %",
                    sender.id,
                    sender.numbers,
                    l.rate,
                    share * 100.0
                ),
                per_sec: messages_per_sec(l, class, s.segments, share) * numbers,
                source: source(is_default, &place, format!("senders.{}.{}_rate", sender.id, class.name())),
                window: window_of(l),
            });
        }
        SenderLimit::BrandTpm | SenderLimit::Refused => {}
    }
    if let (Some(b), true) = (sender.brand, sender.is_10dlc()) {
        let brand = &sc.brands[b];
        let (c, share) = busiest(s);
        let tpm = match class {
            Class::Sms => Some((&brand.tpm, "tpm")),
            Class::Mms => brand.mms_tpm.as_ref().map(|l| (l, "mms_tpm")),
        };
        if let Some((l, key)) = tpm {
            let table = brand_tpm(brand.use_case, brand.vetting_score);
            let is_default = key == "tpm" && l.rate.per_sec_f64() * 60.0 == table as f64;
            out.push(OnPath {
                what: format!("brand {} {key} {} at each carrier, {c} taking {:.0} %", brand.id, l.rate, share * 100.0),
                per_sec: messages_per_sec(l, class, s.segments, share),
                source: source(
                    is_default,
                    &format!("vetting score {}, {}", brand.vetting_score, brand.use_case),
                    format!("brands.{}.{key}", brand.id),
                ),
                window: window_of(l),
            });
        }
    }
    if let Some(pace) = s.pace {
        out.push(OnPath {
            what: format!("the sender's own pace {pace}"),
            per_sec: pace.per_sec_f64(),
            source: format!("set by `traffic.{}.pace`", s.name),
            window: None,
        });
    }
    out.sort_by(|a, b| a.per_sec.total_cmp(&b.per_sec));
    out
}

/// The carrier taking the largest share of a stream, and its share.
fn busiest(s: &Stream) -> (Carrier, f64) {
    Carrier::ALL
        .into_iter()
        .map(|c| (c, s.carriers[c.index()]))
        .fold((Carrier::Other, 0.0), |a, b| if b.1 > a.1 { b } else { a })
}

/// What a stream's arrivals offer: a finite batch (its size and the time
/// from its first arrival to its last), a rate, and in words.
struct Offered {
    batch: Option<(u64, f64)>,
    rate: Option<f64>,
    words: String,
}

fn offered(s: &Stream) -> Offered {
    match &s.arrival {
        Arrival::Burst { count, spread, .. } => {
            let spread_s = spread.as_secs_f64();
            let over =
                if spread_s > 0.0 { format!(" over {}", human::duration_split(spread_s)) } else { String::new() };
            let rate = (spread_s > 0.0).then(|| *count as f64 / spread_s);
            Offered { batch: Some((*count, spread_s)), rate, words: format!("a burst of {count}{over}") }
        }
        Arrival::Constant { rate, .. } => {
            Offered { batch: None, rate: Some(rate.per_sec_f64()), words: format!("{rate}, evenly") }
        }
        Arrival::Poisson { rate, .. } => {
            Offered { batch: None, rate: Some(rate.per_sec_f64()), words: format!("{rate} on average (Poisson)") }
        }
        Arrival::Profile { hourly, .. } => {
            let peak = hourly.iter().copied().fold(0.0, f64::max);
            Offered { batch: None, rate: Some(peak), words: format!("a daily profile peaking at {}/s", round(peak)) }
        }
        Arrival::Trace { times } => {
            let span = times.last().map_or(0.0, |l| (*l - times[0]).as_secs_f64());
            let words = format!("a trace of {} messages over {}", times.len(), human::duration_split(span));
            Offered { batch: Some((times.len() as u64, span)), rate: None, words }
        }
    }
}

/// A rate to three decimals at most: `5`, `114.286`.
fn round(v: f64) -> String {
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Streams named as sharing a stream's account limit; the rest are counted.
const SHARERS: usize = 10;

/// The explanation of `sc`, as printed.
pub fn explain(sc: &Scenario) -> String {
    let mut out = String::new();
    let mut per_class = [0usize; 2];
    for t in &sc.traffic {
        per_class[t.class.index()] += 1;
    }
    for s in &sc.traffic {
        let sender = &sc.senders[s.sender];
        let _ = writeln!(
            out,
            "stream {} ({}, {}) from {}: {}, {}",
            s.name,
            s.class,
            counted(s.segments as usize, "segment"),
            sender.id,
            counted(sender.numbers as usize, &format!("{} number", sender.number_type)),
            sender.country
        );
        if matches!(sender.limits[s.class.index()], SenderLimit::Refused) {
            let _ = writeln!(
                out,
                "  every message is rejected: this sender does not send {}",
                s.class.name().to_uppercase()
            );
            continue;
        }
        let limits = limits(sc, s);
        let _ = writeln!(out, "  limits on its path, slowest first:");
        for l in &limits {
            let _ = writeln!(out, "    {:>10}/s  {}  ({})", round(l.per_sec), l.what, l.source);
        }
        if let (Some(b), true) = (sender.brand, sender.is_10dlc()) {
            let brand = &sc.brands[b];
            let share = s.carriers[Carrier::TMobile.index()];
            if share > 0.0 {
                let units =
                    if brand.tpd_unit == Unit::Segments && s.class == Class::Sms { f64::from(s.segments) } else { 1.0 };
                let table = tmobile_tpd(brand.use_case, brand.vetting_score);
                let per_day = (brand.tpd as f64 / units / share).floor();
                let cap_source = source(
                    brand.tpd == table,
                    &format!("vetting score {}", brand.vetting_score),
                    format!("brands.{}.tpd", brand.id),
                );
                let _ = writeln!(
                    out,
                    "    T-Mobile daily cap: {} a Pacific day for brand {} ({cap_source}): about {per_day} of this stream's messages a day at {:.0} % T-Mobile",
                    brand.tpd,
                    brand.id,
                    share * 100.0
                );
                if let Some((n, _)) = offered(s).batch.filter(|(n, _)| *n as f64 > per_day) {
                    let _ = writeln!(
                        out,
                        "      its {n} messages are more than that: about {} would fail at the cap in one day",
                        ((n as f64 - per_day) * share).round()
                    );
                }
            }
        }
        for o in &sc.outages {
            let hits = match o.scope {
                Scope::Platform => true,
                Scope::Carrier(c) => s.carriers[c.index()] > 0.0,
                Scope::Sender(i) => i == s.sender,
            };
            if hits && o.start < sc.end() {
                let scope = match o.scope {
                    Scope::Platform => "the platform".to_string(),
                    Scope::Carrier(c) => format!("carrier {c}"),
                    Scope::Sender(i) => format!("sender {}", sc.senders[i].id),
                };
                let how = if o.capacity.is_stop() {
                    "stopped".to_string()
                } else {
                    format!("at {:.0} %", o.capacity.as_f64() * 100.0)
                };
                let _ = writeln!(
                    out,
                    "    outage: {scope} {how} from {} to {}",
                    sc.calendar.local(o.start, "%H:%M:%S"),
                    sc.calendar.local(o.end, "%H:%M:%S")
                );
            }
        }
        let bottleneck = limits.first().map_or(f64::INFINITY, |l| l.per_sec);
        let offer = offered(s);
        let _ = write!(out, "  arrivals: {}", offer.words);
        if let Some(rate) = offer.rate {
            let verdict = if rate > bottleneck {
                "above the slowest limit: a backlog builds"
            } else {
                "within the slowest limit"
            };
            let _ = write!(out, "; {verdict}");
        }
        let _ = writeln!(out);
        if let (Some((n, span)), Some(slowest)) = (offer.batch, limits.first()) {
            let service = slowest.time_for(n);
            let best = span.max(service);
            // The last arrival waits for the ones before it when service takes longer than arriving.
            let expires = if service - span > s.message_expiry.as_secs_f64() {
                format!("; the last would wait longer than message_expiry ({}) and expire", s.message_expiry)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  its {n} messages go out in {} at best, through the slowest limit alone (no other stream, outage or daily cap){expires}",
                human::duration_split(best),
            );
        }
        if let Some(retry) = &s.retry {
            let on: Vec<&str> = Outcome::ALL.iter().filter(|o| retry.on[o.index()]).map(|o| o.name()).collect();
            let _ = writeln!(
                out,
                "  retries: up to {} after {}: each retry passes these limits again",
                retry.after.len(),
                on.join(", ")
            );
        }
        if sender.number_type == NumberType::TollFree && !sender.verified {
            let _ = writeln!(
                out,
                "  unverified toll-free: its messages accepted from 2024-01-31 00:00 Pacific on are blocked"
            );
        }
        if let Some(q) = &sc.queue_limit {
            let _ = writeln!(
                out,
                "  provider queue limit: at most {} waiting ({}); beyond it messages are rejected, not queued",
                q.max_for(s.sender),
                q.scope
            );
        }
        if limits.iter().any(|l| l.what.starts_with("account")) && sc.traffic.len() > 1 {
            let others = sc.traffic.iter().filter(|t| t.class == s.class && !std::ptr::eq(*t, s));
            let named: Vec<&str> = others.take(SHARERS).map(|t| t.name.as_str()).collect();
            let more = per_class[s.class.index()] - 1 - named.len();
            if !named.is_empty() {
                let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                let _ = writeln!(out, "  shares the account limit with: {}{more}", named.join(", "));
            }
        }
        let _ = writeln!(out);
    }
    out
}
