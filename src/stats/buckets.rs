//! Latency counts in buckets laid out exactly as an hdrhistogram of three
//! significant digits lays them out (values within 0.1 % share a bucket),
//! recorded with a shift and an add: a run records two latencies per
//! message, and the general histogram's checks cost more than the count.
//! The layout is checked against hdrhistogram itself in the tests.

/// log2 of half the sub-buckets of a bucket: 2,048 sub-buckets hold
/// 3 significant digits (2 × 10^3 distinct values at unit resolution).
const HALF_MAGNITUDE: u32 = 10;
const HALF: u64 = 1 << HALF_MAGNITUDE;
/// Values below this all fall in bucket 0, one per value.
const FIRST: u64 = 2 * HALF;

/// The place of `v` among the counts.
#[inline]
fn index(v: u64) -> usize {
    let bucket = 63 - (v | (FIRST - 1)).leading_zeros() - HALF_MAGNITUDE;
    (((u64::from(bucket) + 1) << HALF_MAGNITUDE) + (v >> bucket) - HALF) as usize
}

/// The largest value counted at `index`.
fn highest_at(index: usize) -> u64 {
    let (bucket, sub) = match (index as u64 >> HALF_MAGNITUDE).checked_sub(1) {
        Some(b) => (b, (index as u64 & (HALF - 1)) + HALF),
        None => (0, index as u64),
    };
    (sub << bucket).saturating_add(1 << bucket) - 1
}

/// Counts per bucket: 32-bit while no count can pass 2^32 − 1, which
/// halves their memory (recording is otherwise mostly a cache miss), and
/// 64-bit from then on.
#[derive(Clone, Debug)]
pub(super) enum Buckets {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Buckets {
    pub(super) fn new() -> Buckets {
        Buckets::Narrow(Vec::new())
    }

    /// Records `n` of `v`; `total` counts every value recorded here once
    /// this is, so it bounds every count.
    #[inline(always)]
    pub(super) fn record_n(&mut self, v: u64, n: u64, total: u64) {
        let i = index(v);
        if total > u64::from(u32::MAX) {
            self.widen();
        }
        // Saturating, as hdrhistogram does: counts read from a partial
        // results file may claim anything.
        match self {
            Buckets::Narrow(c) => {
                let c = slot(c, i);
                *c = c.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            }
            Buckets::Wide(c) => {
                let c = slot(c, i);
                *c = c.saturating_add(n);
            }
        }
    }

    #[cold]
    fn widen(&mut self) {
        if let Buckets::Narrow(narrow) = self {
            *self = Buckets::Wide(narrow.iter().map(|&n| u64::from(n)).collect());
        }
    }

    /// Each bucket with a count: its highest value, and its count.
    pub(super) fn recorded(&self) -> Box<dyn Iterator<Item = (u64, u64)> + '_> {
        fn nonzero<T: Copy + Into<u64>>(c: &[T]) -> impl Iterator<Item = (u64, u64)> + '_ {
            c.iter().enumerate().filter_map(|(i, &n)| Some((highest_at(i), n.into())).filter(|&(_, n)| n > 0))
        }
        match self {
            Buckets::Narrow(c) => Box::new(nonzero(c)),
            Buckets::Wide(c) => Box::new(nonzero(c)),
        }
    }
}

/// The count at `i`, the counts grown to hold it (a whole bucket at a
/// time, as values grow a bucket at a time).
#[inline]
fn slot<T: Default + Clone>(counts: &mut Vec<T>, i: usize) -> &mut T {
    if i >= counts.len() {
        grow(counts, i);
    }
    &mut counts[i]
}

#[cold]
fn grow<T: Default + Clone>(counts: &mut Vec<T>, i: usize) {
    counts.resize((i as u64 | (HALF - 1)) as usize + 1, T::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::Histogram;
    use proptest::prelude::*;

    fn recorded_by_hdr(values: &[u64]) -> Vec<(u64, u64)> {
        let mut h = Histogram::<u64>::new(3).expect("3 significant digits is valid");
        for &v in values {
            h.record(v).expect("auto-resizing histograms take any u64");
        }
        h.iter_recorded().map(|it| (it.value_iterated_to(), it.count_at_value())).collect()
    }

    fn recorded_here(values: &[u64]) -> Vec<(u64, u64)> {
        let mut b = Buckets::new();
        for (k, &v) in values.iter().enumerate() {
            b.record_n(v, 1, k as u64 + 1);
        }
        b.recorded().collect()
    }

    #[test]
    fn buckets_match_hdrhistogram_at_their_edges() {
        let edges: Vec<u64> = (0..64)
            .flat_map(|e| {
                let p = 1u64 << e;
                [p - 1, p, p + 1, p.saturating_mul(3) / 2]
            })
            .chain([2047, 2048, 2049, 4095, 4096, u64::MAX - 1, u64::MAX])
            .collect();
        assert_eq!(recorded_here(&edges), recorded_by_hdr(&edges));
        let h = Histogram::<u64>::new(3).expect("valid");
        for v in edges.into_iter().filter(|&v| v < u64::MAX) {
            assert_eq!(highest_at(index(v)), h.highest_equivalent(v), "{v}");
        }
    }

    #[test]
    fn counts_widen_before_they_could_overflow() {
        let full = u64::from(u32::MAX);
        let mut b = Buckets::new();
        b.record_n(5, full - 1, full - 1);
        b.record_n(7_000_000, 1, full);
        assert!(matches!(b, Buckets::Narrow(_)));
        b.record_n(5, 10, full + 10);
        assert!(matches!(b, Buckets::Wide(_)));
        let counts: Vec<(u64, u64)> = b.recorded().collect();
        assert_eq!(counts, [(5, full + 9), (highest_at(index(7_000_000)), 1)]);
    }

    #[test]
    fn counts_claimed_beyond_their_total_saturate() {
        let mut b = Buckets::new();
        b.record_n(9, u64::MAX, 1);
        b.record_n(9, 1, 2);
        assert_eq!(b.recorded().collect::<Vec<_>>(), [(9, u64::from(u32::MAX))]);
        b.record_n(9, u64::MAX, u64::MAX);
        assert_eq!(b.recorded().collect::<Vec<_>>(), [(9, u64::MAX)]);
    }

    proptest! {
        #[test]
        fn buckets_match_hdrhistogram(values in prop::collection::vec(any::<u64>().prop_map(|v| v >> (v % 64)), 1..200)) {
            prop_assert_eq!(recorded_here(&values), recorded_by_hdr(&values));
        }
    }
}
