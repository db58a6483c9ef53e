//! Confidence intervals across replications.

/// Mean and half-width of the 95 % Student-t confidence interval.
pub fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    (mean, t95(n - 1) * (var / n as f64).sqrt())
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
        let (mean, half) = mean_ci(&[1.0, 2.0, 3.0, 4.0]);
        // s = 1.2910, t(3) = 3.182: half = 3.182 · 1.2910 / 2.
        assert_eq!(mean, 2.5);
        assert!((half - 2.054).abs() < 0.001, "{half}");
        assert_eq!(mean_ci(&[7.0]), (7.0, 0.0));
    }
}
