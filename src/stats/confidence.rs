//! Confidence intervals across replications.

/// The 95 % Student-t confidence interval of a mean over replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The mean.
    pub mean: f64,
    /// The lower end: never below zero for a figure that never is (a count,
    /// a rate, a time, a cost), where mean − half-width could be.
    pub low: f64,
    /// The upper end, mean + half-width.
    pub high: f64,
    /// The half-width.
    pub half: f64,
}

/// The 95 % Student-t confidence interval of the mean of `xs`.
pub fn mean_ci(xs: &[f64]) -> Interval {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let half = if n < 2 {
        0.0
    } else {
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        t95(n - 1) * (var / n as f64).sqrt()
    };
    let floor = if xs.iter().all(|&x| x >= 0.0) { 0.0 } else { f64::NEG_INFINITY };
    Interval { mean, low: (mean - half).max(floor), high: mean + half, half }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
fn t95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    // Beyond 30, interpolate in 1/df between the classic table points.
    const TAIL: [(f64, f64); 4] = [(30.0, 2.042), (40.0, 2.021), (60.0, 2.000), (120.0, 1.980)];
    if df <= 30 {
        return TABLE[df.max(1) - 1];
    }
    let x = 1.0 / df as f64;
    for w in TAIL.windows(2) {
        let ((d0, t0), (d1, t1)) = (w[0], w[1]);
        if df as f64 <= d1 {
            let (x0, x1) = (1.0 / d0, 1.0 / d1);
            return t1 + (t0 - t1) * (x - x1) / (x0 - x1);
        }
    }
    1.960 + (1.980 - 1.960) * x / (1.0 / 120.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_t_interval() {
        assert_eq!(t95(1), 12.706);
        assert_eq!(t95(9), 2.262);
        assert!((t95(40) - 2.021).abs() < 1e-9);
        assert!((t95(1000) - 1.962).abs() < 0.002);
        let i = mean_ci(&[1.0, 2.0, 3.0, 4.0]);
        // s = 1.2910, t(3) = 3.182: half = 3.182 · 1.2910 / 2.
        assert_eq!(i.mean, 2.5);
        assert!((i.half - 2.054).abs() < 0.001, "{i:?}");
        assert_eq!((i.low, i.high), (i.mean - i.half, i.mean + i.half));
        assert_eq!(mean_ci(&[7.0]), Interval { mean: 7.0, low: 7.0, high: 7.0, half: 0.0 });
        // A rate that is mostly zero: its interval starts at zero, not below.
        let rare = mean_ci(&[0.0, 0.0, 0.0, 0.003]);
        assert!(rare.mean - rare.half < 0.0 && rare.low == 0.0 && rare.high == rare.mean + rare.half, "{rare:?}");
        // Figures that may be negative keep the whole interval.
        let signed = mean_ci(&[-1.0, 1.0]);
        assert_eq!(signed.low, signed.mean - signed.half);
    }
}
