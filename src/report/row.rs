//! The figures of one row of the tables people read, in the terminal and in
//! the HTML report alike: with replications, each is the mean of one
//! replication's figure, never a pooled sum.

use crate::run::simulate::RunResult;
use crate::scenario::model::Outcome;
use crate::stats::{Group, Stats};

/// One row: a run's (or a stream's) figures.
pub(crate) struct Row {
    /// Replications the means are over.
    pub replications: usize,
    pub accepted: f64,
    pub delivered: f64,
    pub expired: f64,
    pub expiry_rate: f64,
    pub failed_daily_cap: f64,
    /// Undelivered, blocked, rejected, and left at the horizon.
    pub other: f64,
    pub late_rate: f64,
    pub wait_p99: f64,
    pub end_to_end_p99: f64,
    /// Left waiting, and left in processing, at the horizon (part of `other`).
    pub queued_at_end: f64,
    pub in_flight_at_end: f64,
    /// Seconds from the start to the last outcome.
    pub drain: f64,
    pub cost: f64,
}

impl Row {
    /// The row of the messages `group` picks out of each replication of `r`.
    /// Each replication's group is made once (a total merges every stream's
    /// distributions) and its figures summed in replication order.
    pub(crate) fn of(r: &RunResult, group: &dyn Fn(&Stats) -> Group) -> Row {
        const OTHERS: [Outcome; 5] =
            [Outcome::Undelivered, Outcome::Blocked, Outcome::Rejected, Outcome::QueuedAtEnd, Outcome::InFlightAtEnd];
        let each = r.each();
        let mut sums = [0.0; 12 + OTHERS.len()];
        for s in each {
            let g = group(s);
            let count = |o: Outcome| g.count(o) as f64;
            let figures = [
                g.accepted as f64,
                count(Outcome::Delivered),
                count(Outcome::Expired),
                g.expiry_rate(),
                count(Outcome::FailedDailyCap),
                g.late_rate(),
                g.queue_wait.summary().p99,
                g.end_to_end.summary().p99,
                count(Outcome::QueuedAtEnd),
                count(Outcome::InFlightAtEnd),
                s.drain.as_secs_f64(),
                g.cost.usd(),
            ];
            for (sum, x) in sums.iter_mut().zip(figures.into_iter().chain(OTHERS.map(count))) {
                *sum += x;
            }
        }
        let mean = sums.map(|sum| sum / each.len() as f64);
        Row {
            replications: each.len(),
            accepted: mean[0],
            delivered: mean[1],
            expired: mean[2],
            expiry_rate: mean[3],
            failed_daily_cap: mean[4],
            other: mean[12..].iter().sum(),
            late_rate: mean[5],
            wait_p99: mean[6],
            end_to_end_p99: mean[7],
            queued_at_end: mean[8],
            in_flight_at_end: mean[9],
            drain: mean[10],
            cost: mean[11],
        }
    }

    /// A count as read in the terminal: whole for one replication, to a
    /// tenth for a mean (digits line up in fixed-width columns).
    pub(crate) fn count(&self, x: f64) -> String {
        if self.replications == 1 { format!("{x:.0}") } else { format!("{x:.1}") }
    }

    /// A count as read in the report: exact for one replication, a mean to
    /// 4 significant digits (its interval is wider than the digits dropped);
    /// thousands separated either way.
    pub(crate) fn count_separated(&self, x: f64) -> String {
        if self.replications == 1 { separated(&format!("{x:.0}")) } else { readable(x) }
    }

    /// The note under a table of means.
    pub(crate) fn means_note(&self) -> Option<String> {
        (self.replications > 1)
            .then(|| format!("mean of {} replications; 95 % intervals in summary.json `confidence`", self.replications))
    }
}

/// `x` to 4 significant digits with thousands separators, as the report
/// shows numbers people read: `616,300`, `5,146`, `278.0`, `0.03950`
/// (trailing zeros kept, so a column's digits line up).
pub(crate) fn readable(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = x.abs().log10().floor() as i32 + 1;
    if digits >= 4 {
        let unit = 10f64.powi(digits - 4);
        return separated(&format!("{:.0}", (x / unit).round() * unit));
    }
    let places = (4 - digits) as usize;
    let text = format!("{x:.places$}");
    // Rounding up can add a digit: 999.96 reads 1,000, not 1,000.0.
    let significant = text.chars().filter(char::is_ascii_digit).skip_while(|&c| c == '0').count();
    separated(&if significant > 4 { format!("{x:.*}", places - 1) } else { text })
}

/// A decimal number written out (`-1234567.5`) with thousands separators
/// in its whole part (`-1,234,567.5`).
pub(crate) fn separated(number: &str) -> String {
    let (sign, unsigned) = number.strip_prefix('-').map_or(("", number), |u| ("-", u));
    let (whole, fraction) = unsigned.split_once('.').map_or((unsigned, None), |(w, f)| (w, Some(f)));
    let mut out = String::from(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people_have_four_significant_digits_and_separators() {
        assert_eq!(readable(616_303.4), "616,300");
        assert_eq!(readable(5_145.8), "5,146");
        assert_eq!(readable(63_090.0), "63,090");
        assert_eq!(readable(12.3456), "12.35");
        assert_eq!(readable(0.039_52), "0.03952");
        assert_eq!(readable(999.96), "1,000");
        assert_eq!(readable(9_999.6), "10,000");
        assert_eq!(readable(-1_234.5), "-1,235");
        assert_eq!(readable(277.96), "278.0");
        assert_eq!(readable(0.099_996), "0.1000");
        assert_eq!(readable(0.5), "0.5000");
        assert_eq!(readable(0.0), "0");
        assert_eq!(separated("1234567.25"), "1,234,567.25");
        assert_eq!(separated("-999"), "-999");
        assert_eq!(separated("1000"), "1,000");
    }
}
