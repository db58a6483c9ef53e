//! The search of `a2psim plan`: the first candidate, in order, at which the
//! expectations hold, assuming they hold on one side of a threshold, with
//! several candidates evaluated at once; checked, not trusted.

use crate::load::Goal;
use std::collections::BTreeMap;

/// What a search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The candidate (index in the plan's order) that is the answer.
    pub answer: Option<usize>,
    /// Whether what was evaluated held on one side of a threshold; when
    /// not, every candidate was evaluated and the answer is the best that passed.
    pub monotone: bool,
    /// Every candidate evaluated, and whether it passed.
    pub known: BTreeMap<usize, bool>,
}

/// Searches `n` candidates for the least (`Goal::Least`) or most passing
/// one, evaluating up to `width` at a time with `evaluate` (indices in, one
/// pass/fail each out, in order).
pub fn search(n: usize, goal: Goal, width: usize, evaluate: &mut dyn FnMut(&[usize]) -> Vec<bool>) -> Found {
    // Searched as "least" over the candidates in the goal's order.
    let index = |k: usize| match goal {
        Goal::Least => k,
        Goal::Most => n - 1 - k,
    };
    let mut known: BTreeMap<usize, bool> = BTreeMap::new();
    let mut ask = |ks: &[usize], known: &mut BTreeMap<usize, bool>| {
        let indices: Vec<usize> = ks.iter().map(|&k| index(k)).collect();
        for (k, passed) in ks.iter().zip(evaluate(&indices)) {
            known.insert(*k, passed);
        }
    };
    let width = width.max(1);
    loop {
        // Changes between pass and fail along the candidates evaluated:
        // a threshold makes at most one.
        let changes = known.values().zip(known.values().skip(1)).filter(|(a, b)| a != b).count();
        if known.get(&0) == Some(&true) {
            // The first candidate keeps every promise: it is the answer.
            return Found { answer: Some(index(0)), monotone: changes <= 1, known: by_index(known, index) };
        }
        let first_pass = known.iter().find(|(_, p)| **p).map(|(k, _)| *k);
        if changes > 1 {
            // A failure beyond a pass, after the first candidate failed:
            // no threshold. Evaluate the rest.
            let rest: Vec<usize> = (0..n).filter(|k| !known.contains_key(k)).collect();
            for chunk in rest.chunks(width) {
                ask(chunk, &mut known);
            }
            let answer = known.iter().find(|(_, p)| **p).map(|(k, _)| index(*k));
            return Found { answer, monotone: false, known: by_index(known, index) };
        }
        // Unknown window: above the last failure, below the first pass.
        let low = known.iter().filter(|(k, p)| !**p && first_pass.is_none_or(|f| **k < f)).map(|(k, _)| k + 1).max();
        let (low, high) = (low.unwrap_or(0), first_pass.unwrap_or(n));
        if low >= high {
            let answer = first_pass.map(index);
            return Found { answer, monotone: true, known: by_index(known, index) };
        }
        // Probes splitting the window evenly; the first candidate (if it
        // passes, it is the answer) and, until something passes, the top of
        // the window (if it fails, nothing passes) among them.
        let span = high - low;
        let bottom = (!known.contains_key(&0)).then_some(0);
        let top = first_pass.is_none().then_some(high - 1);
        let inner = width.saturating_sub(usize::from(bottom.is_some()) + usize::from(top.is_some()));
        let mut probes: Vec<usize> =
            bottom.into_iter().chain((1..=inner).map(|j| low + span * j / (inner + 1))).chain(top).collect();
        probes.sort();
        probes.dedup();
        ask(&probes, &mut known);
    }
}

/// `known` keyed by candidate index rather than search order.
fn by_index(known: BTreeMap<usize, bool>, index: impl Fn(usize) -> usize) -> BTreeMap<usize, bool> {
    known.into_iter().map(|(k, p)| (index(k), p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Searches a pass pattern, counting evaluations.
    fn run(pattern: &[bool], goal: Goal, width: usize) -> (Found, usize) {
        let mut asked = 0;
        let found = search(pattern.len(), goal, width, &mut |ks| {
            asked += ks.len();
            ks.iter().map(|&k| pattern[k]).collect()
        });
        (found, asked)
    }

    #[test]
    fn the_least_passing_candidate_of_a_threshold() {
        let pattern: Vec<bool> = (1..=49).map(|n| n >= 7).collect();
        let (found, asked) = run(&pattern, Goal::Least, 2);
        assert_eq!((found.answer, found.monotone), (Some(6), true));
        assert_eq!((found.known.get(&5), found.known.get(&6)), (Some(&false), Some(&true)));
        assert!(asked <= 12, "{asked} of 49 evaluated");
    }

    #[test]
    fn none_passes_and_all_pass() {
        assert_eq!(run(&[false; 10], Goal::Least, 2).0.answer, None);
        let (found, asked) = run(&[true; 10], Goal::Least, 1);
        assert_eq!(found.answer, Some(0));
        assert!(asked <= 5);
        assert_eq!(run(&[true; 10], Goal::Most, 3).0.answer, Some(9));
    }

    #[test]
    fn a_pattern_without_a_threshold_is_evaluated_whole() {
        // The first round (0, 2, 4 and the top, 6) sees 4 fail beyond 2 passing.
        let pattern = [false, false, true, false, false, false, true];
        let (found, asked) = run(&pattern, Goal::Least, 4);
        assert!(!found.monotone);
        assert_eq!((found.known.len(), asked), (pattern.len(), pattern.len()), "every candidate evaluated once");
        assert_eq!(found.answer, Some(2));
        // A threshold the same round agrees with is trusted.
        let (found, _) = run(&[false, true, true, true, true], Goal::Least, 3);
        assert_eq!((found.answer, found.monotone), (Some(1), true));
        // Promises kept below a threshold: the first candidate is the least.
        let (found, asked) = run(&[true, true, false, false, false, false], Goal::Least, 2);
        assert_eq!((found.answer, found.monotone, asked), (Some(0), true, 2));
    }

    proptest! {
        #[test]
        fn a_threshold_is_found_exactly_for_either_goal(n in 1usize..300, at in 0usize..301, width in 1usize..6, most in any::<bool>()) {
            let at = at.min(n);
            let (goal, pattern): (Goal, Vec<bool>) = if most {
                (Goal::Most, (0..n).map(|i| i < at).collect())
            } else {
                (Goal::Least, (0..n).map(|i| i >= at).collect())
            };
            let (found, asked) = run(&pattern, goal, width);
            let expected = match goal {
                Goal::Least => (at < n).then_some(at),
                Goal::Most => at.checked_sub(1),
            };
            prop_assert_eq!(found.answer, expected);
            prop_assert!(found.monotone);
            // Each pass of the search shrinks the window to a (width + 1)th at worst.
            let rounds = (n as f64).log((width + 1) as f64).ceil() as usize + 2;
            prop_assert!(asked <= rounds * width + 2, "{} evaluations for {} candidates", asked, n);
            // The answer's neighbour on the failing side was evaluated and failed.
            if let Some(a) = found.answer {
                let neighbour = match goal { Goal::Least => a.checked_sub(1), Goal::Most => (a + 1 < n).then_some(a + 1) };
                if let Some(b) = neighbour {
                    prop_assert_eq!(found.known.get(&b), Some(&false));
                }
            }
        }
    }
}
