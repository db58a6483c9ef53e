//! Numbers and durations as people read them in tables, charts and pages
//! (the scenario vocabulary, exact and parseable, is `SimDuration`'s own
//! `Display`).

/// `n` of `noun`, plural unless one: "1 run", "3 runs", "2 other streams".
pub(crate) fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The units of a duration, largest first: (seconds, suffix).
const UNITS: [(f64, &str); 4] = [(86_400.0, "d"), (3_600.0, "h"), (60.0, "m"), (1.0, "s")];

/// Position in [`UNITS`] of the largest unit that `s` (at least a second) fills.
fn largest_unit(s: f64) -> usize {
    UNITS.iter().position(|&(size, _)| s >= size).unwrap_or(UNITS.len() - 1)
}

/// Seconds in one unit, to a tenth, for axes and pages: `250ms`, `30s`,
/// `5m`, `1.5h`, `2d`.
pub(crate) fn duration(s: f64) -> String {
    let tenth = |v: f64, unit: &str| format!("{}{unit}", number((v * 10.0).round() / 10.0));
    if s <= 0.0 {
        return "0".into();
    }
    if s < 1.0 {
        return tenth(s * 1000.0, "ms");
    }
    let (size, unit) = UNITS[largest_unit(s)];
    tenth(s / size, unit)
}

/// Seconds in their two largest units, whole, for tables where figures are
/// compared digit by digit: `0.25s` and `42s` (to a hundredth under a
/// minute), `3m20s`, `2h05m`, `1d23h`.
pub(crate) fn duration_split(s: f64) -> String {
    if s < 60.0 {
        return format!("{}s", (s * 100.0).round() / 100.0);
    }
    let i = largest_unit(s);
    let ((big, big_unit), (small, small_unit)) = (UNITS[i], UNITS[i + 1]);
    format!("{}{big_unit}{:02}{small_unit}", (s / big) as u64, ((s % big) / small) as u64)
}

/// `1500` as `1.5k`, `0.0123` as `0.0123`.
pub(crate) fn number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

/// Up to three decimals, without trailing zeros.
fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_a_plural_unless_one() {
        assert_eq!(
            [counted(0, "run"), counted(1, "run"), counted(2, "other stream")],
            ["0 runs", "1 run", "2 other streams"]
        );
    }

    #[test]
    fn durations_for_axes_take_one_unit() {
        assert_eq!(duration(0.25), "250ms");
        assert_eq!(duration(30.0), "30s");
        assert_eq!(duration(300.0), "5m");
        assert_eq!(duration(5400.0), "1.5h");
        assert_eq!(duration(10_800.0), "3h");
        assert_eq!(duration(2.5 * 86_400.0), "2.5d");
        assert_eq!(duration(0.0), "0");
    }

    #[test]
    fn durations_for_tables_take_two_units() {
        assert_eq!(duration_split(0.25), "0.25s");
        assert_eq!(duration_split(42.0), "42s");
        assert_eq!(duration_split(200.0), "3m20s");
        assert_eq!(duration_split(2.0 * 3600.0 + 300.0), "2h05m");
        assert_eq!(duration_split(47.0 * 3600.0), "1d23h");
        // A drain of 100,000 days reads as days, not millions of hours.
        assert_eq!(duration_split(100_000.0 * 86_400.0 + 3_600.0), "100000d01h");
    }

    #[test]
    fn numbers_shorten_thousands_and_millions() {
        assert_eq!(number(1500.0), "1500");
        assert_eq!(number(15_000.0), "15k");
        assert_eq!(number(2_500_000.0), "2.5M");
        assert_eq!(number(0.0123), "0.012");
        assert_eq!(number(-0.0001), "0");
    }
}
