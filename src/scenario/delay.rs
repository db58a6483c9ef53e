//! Delay distributions: processing before the queue, delivery after dispatch.

use crate::scenario::rng::{Draws, exp1, std_normal};
use crate::scenario::time::SimDuration;

/// The 0.99 quantile of the standard normal distribution.
const Z99: f64 = 2.326348;

/// A distribution of delays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Delay {
    Fixed(SimDuration),
    Uniform {
        low: SimDuration,
        high: SimDuration,
    },
    Exponential {
        mean: SimDuration,
    },
    /// By median and 99th percentile: μ = ln median, σ = ln(p99 / median) / z₀.₉₉.
    LogNormal {
        median: SimDuration,
        p99: SimDuration,
    },
}

impl Default for Delay {
    fn default() -> Self {
        Delay::Fixed(SimDuration::ZERO)
    }
}

impl Delay {
    /// The delay of message `i`, from its own draws. Most delays are fixed
    /// (zero by default): that case is inlined.
    #[inline]
    pub(crate) fn sample(&self, draws: &Draws, i: u64) -> SimDuration {
        match *self {
            Delay::Fixed(d) => d,
            _ => self.draw(draws, i),
        }
    }

    #[inline(never)]
    fn draw(&self, draws: &Draws, i: u64) -> SimDuration {
        let ns = match *self {
            Delay::Fixed(d) => return d,
            Delay::Uniform { low, high } => {
                let span = (high.as_nanos() - low.as_nanos()) as f64;
                low.as_nanos() as f64 + (draws.uniform(i, 0) * span).floor()
            }
            Delay::Exponential { mean } => exp1(draws.uniform(i, 0)) * mean.as_nanos() as f64,
            Delay::LogNormal { median, p99 } => {
                let m = median.as_nanos() as f64;
                let sigma = libm::log(p99.as_nanos() as f64 / m) / Z99;
                let z = std_normal(draws.uniform(i, 0), draws.uniform(i, 1));
                libm::exp(libm::log(m) + sigma * z)
            }
        };
        SimDuration::from_nanos(ns as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::rng::{Purpose, stream_key};

    fn draws() -> Draws {
        Draws::new(stream_key(3, 0, "s", Purpose::Delivery))
    }

    #[test]
    fn lognormal_has_its_median_and_p99() {
        let d = Delay::LogNormal { median: SimDuration::from_secs(3), p99: SimDuration::from_secs(30) };
        let mut v: Vec<u64> = (0..200_000).map(|i| d.sample(&draws(), i).as_nanos()).collect();
        v.sort();
        let median = v[v.len() / 2] as f64 / 1e9;
        let p99 = v[v.len() * 99 / 100] as f64 / 1e9;
        assert!((median - 3.0).abs() < 0.05, "median {median}");
        assert!((p99 - 30.0).abs() < 1.0, "p99 {p99}");
    }

    #[test]
    fn uniform_stays_in_range_and_fixed_is_exact() {
        let d = Delay::Uniform { low: SimDuration::from_secs(1), high: SimDuration::from_secs(2) };
        for i in 0..10_000 {
            let x = d.sample(&draws(), i);
            assert!(x >= SimDuration::from_secs(1) && x < SimDuration::from_secs(2));
        }
        let f = Delay::Fixed(SimDuration::from_millis(150));
        assert_eq!(f.sample(&draws(), 9), SimDuration::from_millis(150));
        assert_eq!(Delay::default().sample(&draws(), 3), SimDuration::ZERO);
    }

    #[test]
    fn exponential_mean() {
        let d = Delay::Exponential { mean: SimDuration::from_secs(2) };
        let n = 100_000;
        let mean = (0..n).map(|i| d.sample(&draws(), i).as_secs_f64()).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.03, "mean {mean}");
    }
}
