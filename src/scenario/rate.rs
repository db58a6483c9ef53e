//! Throughputs and capacity fractions, kept as exact ratios.

use crate::scenario::time::{NANOS_PER_SEC, SimDuration};
use std::fmt;

/// A throughput of `num / den` units per `period`, exact: 0.25/s is kept as
/// 1 per 4 s and 2.5/s as 5 per 2 s, so no rounding accumulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rate {
    num: u64,
    den: u64,
    period: SimDuration,
}

impl Rate {
    /// `num / den` units per `period`. `None` when any part is zero.
    pub(crate) fn new(num: u64, den: u64, period: SimDuration) -> Option<Rate> {
        (num > 0 && den > 0 && period.as_nanos() > 0).then(|| {
            let g = gcd(num.into(), den.into()) as u64;
            Rate { num: num / g, den: den / g, period }
        })
    }

    /// A whole number of units per second.
    pub(crate) fn per_second(n: u64) -> Rate {
        Rate::new(n, 1, SimDuration::from_secs(1)).expect("nonzero rate")
    }

    /// A whole number of units per minute.
    pub(crate) fn per_minute(n: u64) -> Rate {
        Rate::new(n, 1, SimDuration::from_secs(60)).expect("nonzero rate")
    }

    pub(crate) fn per_sec_f64(self) -> f64 {
        self.num as f64 / self.den as f64 / self.period.as_secs_f64()
    }

    /// Window geometry (README, *The model in short*): a figure of one unit or more per
    /// period is a window of that period holding the figure (fractions carried);
    /// less than one is one unit per window of period / figure.
    /// Returns ((capacity num, den), (window length ns num, den)).
    pub(crate) fn window(self) -> ((u128, u128), (u128, u128)) {
        let p = self.period.as_nanos() as u128;
        if self.num >= self.den {
            ((self.num as u128, self.den as u128), (p, 1))
        } else {
            ((1, 1), (p * self.den as u128, self.num as u128))
        }
    }

    /// Spacing of consecutive units (a smooth limiter's slot, a constant
    /// arrival process's gap), as (ns num, den) in lowest terms: most are
    /// whole nanoseconds, which then need no division.
    pub(crate) fn interval(self) -> (u128, u128) {
        let (num, den) = (self.period.as_nanos() as u128 * self.den as u128, self.num as u128);
        let g = gcd(num, den);
        (num / g, den / g)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.period.as_nanos() {
            n if n == NANOS_PER_SEC => "s".to_string(),
            n if n == 60 * NANOS_PER_SEC => "min".to_string(),
            n if n == 3_600 * NANOS_PER_SEC => "h".to_string(),
            n if n == 86_400 * NANOS_PER_SEC => "day".to_string(),
            _ => self.period.to_string(),
        };
        if self.den == 1 {
            write!(f, "{}/{}", self.num, unit)
        } else {
            write!(f, "{}/{}", self.num as f64 / self.den as f64, unit)
        }
    }
}

/// Greatest common divisor.
pub(crate) fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A capacity fraction in parts per trillion: 1.0 is full speed, 0 a full stop.
/// Overlapping outages multiply, rounded down to 1e-12.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Scale(u64);

impl Scale {
    pub(crate) const ONE: Scale = Scale(1_000_000_000_000);
    pub(crate) const STOP: Scale = Scale(0);

    /// From parts per trillion; `None` above 1.
    pub(crate) fn from_ppt(ppt: u64) -> Option<Scale> {
        (ppt <= Self::ONE.0).then_some(Scale(ppt))
    }
    pub(crate) const fn ppt(self) -> u64 {
        self.0
    }
    pub(crate) fn is_stop(self) -> bool {
        self.0 == 0
    }
    pub(crate) fn is_degraded(self) -> bool {
        self.0 > 0 && self < Self::ONE
    }
    pub(crate) fn times(self, other: Scale) -> Scale {
        Scale((self.0 as u128 * other.0 as u128 / Self::ONE.0 as u128) as u64)
    }
    pub(crate) fn as_f64(self) -> f64 {
        self.0 as f64 / Self::ONE.0 as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_geometry_follows_the_model() {
        // 5/s: 5 per 1 s window.
        assert_eq!(Rate::per_second(5).window(), ((5, 1), (1_000_000_000, 1)));
        // 0.25/s: 1 per 4 s window.
        let quarter = Rate::new(1, 4, SimDuration::from_secs(1)).unwrap();
        assert_eq!(quarter.window(), ((1, 1), (4_000_000_000, 1)));
        // 4500/min: 4500 per 60 s window.
        assert_eq!(Rate::per_minute(4500).window(), ((4500, 1), (60_000_000_000, 1)));
        // 2.5/s: 5/2 per 1 s window, fraction carried by the limiter.
        let two_half = Rate::new(5, 2, SimDuration::from_secs(1)).unwrap();
        assert_eq!(two_half.window(), ((5, 2), (1_000_000_000, 1)));
    }

    #[test]
    fn scales_multiply() {
        let half = Scale::from_ppt(500_000_000_000).unwrap();
        let tenth = Scale::from_ppt(100_000_000_000).unwrap();
        assert_eq!(half.times(tenth).ppt(), 50_000_000_000);
        assert!(Scale::from_ppt(Scale::ONE.ppt() + 1).is_none());
        assert!(half.is_degraded() && !Scale::ONE.is_degraded() && Scale::STOP.is_stop());
    }
}
