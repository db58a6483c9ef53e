//! Outages: windows of time in which a scope runs slower or not at all.

use crate::scenario::model::Carrier;
use crate::scenario::rate::Scale;
use crate::scenario::time::SimTime;

/// What an outage holds back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every dispatch; degraded, the account limits.
    Platform,
    /// Dispatches to one carrier; degraded, the limits kept per carrier.
    Carrier(Carrier),
    /// Dispatches from one sender's numbers (index into the scenario's senders).
    Sender(usize),
}

/// One outage, covering `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Outage {
    pub(crate) scope: Scope,
    pub(crate) start: SimTime,
    pub(crate) end: SimTime,
    /// Fraction of normal capacity left: 0 stops, 0.3 degrades to 30 %.
    pub(crate) capacity: Scale,
}

/// The capacity fraction over time of one limiter or gate: piecewise
/// constant, 1 outside every outage, the product where outages overlap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScaleTimeline {
    /// (instant, scale from that instant on), sorted, first instant > 0 or a
    /// change at 0.
    steps: Vec<(SimTime, Scale)>,
}

impl ScaleTimeline {
    /// The combined timeline of every outage for which `applies` is true.
    pub(crate) fn of(outages: &[Outage], applies: impl Fn(&Outage) -> bool) -> ScaleTimeline {
        let chosen: Vec<&Outage> = outages.iter().filter(|o| applies(o)).collect();
        let mut points: Vec<SimTime> = chosen.iter().flat_map(|o| [o.start, o.end]).collect();
        points.sort();
        points.dedup();
        let mut steps: Vec<(SimTime, Scale)> = Vec::new();
        let mut last = Scale::ONE;
        for p in points {
            let scale =
                chosen.iter().filter(|o| o.start <= p && p < o.end).fold(Scale::ONE, |acc, o| acc.times(o.capacity));
            if scale != last {
                steps.push((p, scale));
                last = scale;
            }
        }
        ScaleTimeline { steps }
    }

    /// True when some outage on this timeline is degraded (neither 1 nor a stop).
    pub(crate) fn has_degraded(&self) -> bool {
        self.steps.iter().any(|(_, s)| s.is_degraded())
    }

    /// Whether no outage covers it: full scale throughout.
    #[inline]
    pub(crate) fn is_constant(&self) -> bool {
        self.steps.is_empty()
    }

    /// The scale in force at `t`. Most timelines have no outage: that test
    /// is inlined, the search is not.
    #[inline]
    pub(crate) fn at(&self, t: SimTime) -> Scale {
        if self.is_constant() { Scale::ONE } else { self.search(t) }
    }

    #[inline(never)]
    fn search(&self, t: SimTime) -> Scale {
        match self.steps.partition_point(|&(p, _)| p <= t) {
            0 => Scale::ONE,
            i => self.steps[i - 1].1,
        }
    }

    /// The first instant after `t` at which the scale changes.
    pub(crate) fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        let i = self.steps.partition_point(|&(p, _)| p <= t);
        self.steps.get(i).map(|&(p, _)| p)
    }

    /// The first instant at or after `t` with a nonzero scale.
    #[inline]
    pub(crate) fn running_from(&self, t: SimTime) -> SimTime {
        if !self.at(t).is_stop() {
            return t;
        }
        let i = self.steps.partition_point(|&(p, _)| p <= t);
        self.steps[i..].iter().find(|(_, s)| !s.is_stop()).map_or(SimTime::NEVER, |&(p, _)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::time::SimDuration;

    fn at(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn overlapping_outages_multiply_and_end_exclusive() {
        let half = Scale::from_ppt(Scale::ONE.ppt() / 2).unwrap();
        let outages = [
            Outage { scope: Scope::Platform, start: at(10), end: at(30), capacity: half },
            Outage { scope: Scope::Platform, start: at(20), end: at(40), capacity: half },
            Outage { scope: Scope::Sender(0), start: at(0), end: at(99), capacity: Scale::STOP },
        ];
        let tl = ScaleTimeline::of(&outages, |o| o.scope == Scope::Platform);
        assert_eq!(tl.at(at(9)), Scale::ONE);
        assert_eq!(tl.at(at(10)), half);
        assert_eq!(tl.at(at(25)).ppt(), Scale::ONE.ppt() / 4);
        assert_eq!(tl.at(at(30)), half);
        assert_eq!(tl.at(at(40)), Scale::ONE);
        assert_eq!(tl.next_change_after(at(10)), Some(at(20)));
        assert_eq!(tl.next_change_after(at(40)), None);
        let stop = ScaleTimeline::of(&outages, |o| o.scope == Scope::Sender(0));
        assert_eq!(stop.running_from(at(5)), at(99));
        assert_eq!(stop.running_from(at(100)), at(100));
    }
}
