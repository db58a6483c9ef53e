//! Who waits on what. A lane whose head is blocked sleeps on one blocker (a
//! limiter or a gate) and is examined again only when that blocker may have
//! opened, so a dispatch pass touches the lanes that can change rather than
//! every waiting lane.
//!
//! The pass gives the same result as examining every lane head in
//! acceptance order, where a head short at a limiter holds that limiter for
//! every younger head (README, *The model in short*: sizes):
//! * a limiter's room only shrinks between the instants it may open (its
//!   next window, its next smooth slot, the end of a stop), so a head found
//!   short stays short until then, and sleeping on any blocker it met (the
//!   one that opens last, to spare re-examinations) loses nothing;
//! * when a limiter opens, its waiters are woken in acceptance order, one
//!   after the other, until one is short again: younger ones would be held;
//! * where all messages use the same units at a limiter, a younger head fits
//!   only if every older one did, so sleeping heads never hold it back, and
//!   a blocked head need not look at it at all; where sizes differ
//!   (`needers`), the older sleeping heads are replayed against the limiter
//!   before a younger head may take from it.

use super::lanes::{Bound, Head, LaneState, Paths, WaitQueue};
use crate::scenario::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What a blocked lane sleeps on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Blocker {
    /// Index into [`Paths::gates`].
    Gate(u32),
    /// Index into [`Paths::limits`].
    Limiter(u32),
}

/// The lanes to examine at the current instant, and when blockers open.
#[derive(Default)]
pub(super) struct Waits {
    /// Number of the current instant: marks on limiters hold for one pass.
    pass: u64,
    /// (head's acceptance order, lane, generation).
    candidates: WaitQueue,
    timers: BinaryHeap<Reverse<(SimTime, Blocker)>>,
}

impl Waits {
    /// Starts the events of a new instant.
    pub(crate) fn new_instant(&mut self) {
        self.pass += 1;
    }

    /// When the next blocker may open.
    pub(crate) fn next_timer(&self) -> SimTime {
        self.timers.peek().map_or(SimTime::NEVER, |r| r.0.0)
    }

    /// Wakes the lanes of every blocker that opens at `t`.
    #[inline(always)]
    pub(crate) fn fire_timers(&mut self, t: SimTime, paths: &mut Paths) {
        while let Some(&Reverse((at, blocker))) = self.timers.peek() {
            if at > t {
                break;
            }
            // Mostly the only timer: clearing it needs no sift.
            if self.timers.len() == 1 {
                self.timers.clear();
            } else {
                self.timers.pop();
            }
            match blocker {
                Blocker::Limiter(l) => {
                    let bound = &mut paths.limits[l as usize];
                    if bound.armed == at {
                        bound.armed = SimTime::NEVER;
                        self.start_drain(l, t, paths);
                    }
                }
                Blocker::Gate(g) => {
                    let gate = &mut paths.gates[g as usize];
                    if gate.armed == at {
                        gate.armed = SimTime::NEVER;
                        for (li, generation) in std::mem::take(&mut gate.waiters) {
                            if paths.lanes[li as usize].generation == generation {
                                self.wake(li, None, paths);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Lane `li` has a new head (it was empty, or an older message finished
    /// processing after it): examine it in this instant's pass.
    #[inline(always)]
    pub(crate) fn new_head(&mut self, li: u32, t: SimTime, paths: &mut Paths) {
        match paths.lanes[li as usize].state {
            LaneState::Idle => self.push(li, None, paths),
            LaneState::Candidate(woken_by) => self.push(li, woken_by, paths),
            LaneState::Asleep(_) => {
                self.wake(li, None, paths);
                // The old head may have held younger heads at a limiter
                // where sizes differ: they may fit now.
                let path = paths.lanes[li as usize].path;
                for &l in path.with_needers() {
                    if paths.limits[l as usize].needers.is_some() {
                        self.start_drain(l, t, paths);
                    }
                }
            }
        }
    }

    /// The next lane to examine, in acceptance order of heads, and the
    /// limiter whose waiters it was woken from.
    #[inline(always)]
    pub(crate) fn next_candidate(&mut self, paths: &Paths) -> Option<(u32, Option<u32>)> {
        while let Some((_, li, generation)) = self.candidates.pop() {
            let lane = &paths.lanes[li as usize];
            if let (true, LaneState::Candidate(woken_by)) = (lane.generation == generation, lane.state) {
                return Some((li, woken_by));
            }
        }
        None
    }

    /// Whether lane `li`'s head can go at `t`; if not, the blocker that
    /// opens last among those it met. Once it is blocked, only limiters
    /// where sizes differ still need a look: there a short head holds
    /// younger ones that would fit, while elsewhere a younger head finds
    /// the limiter short by itself.
    #[inline(always)]
    pub(crate) fn examine(&mut self, li: u32, t: SimTime, paths: &mut Paths) -> Option<Blocker> {
        let lane = &paths.lanes[li as usize];
        let head = lane.head();
        let (path, gate) = (lane.path, lane.gate);
        let mut latest: Option<(SimTime, Blocker)> = None;
        if let Some(gate) = gate {
            let g = &mut paths.gates[gate as usize];
            let running = g.timeline.running_from(t);
            if running > t {
                arm(&mut self.timers, &mut g.armed, running, Blocker::Gate(gate));
                later(&mut latest, running, Blocker::Gate(gate));
            }
        }
        for &l in path.ids() {
            let mixed = path.mixed && paths.limits[l as usize].needers.is_some();
            if latest.is_some() && !mixed {
                continue;
            }
            if mixed && paths.limits[l as usize].held != self.pass {
                self.replay(l, head.seq, t, paths);
            }
            let bound = &mut paths.limits[l as usize];
            if bound.held == self.pass {
                later(&mut latest, bound.armed, Blocker::Limiter(l));
                continue;
            }
            if !bound.limiter.has_room(t, head.units(bound.limiter.unit())) {
                let at = self.hold(bound, l, t);
                later(&mut latest, at, Blocker::Limiter(l));
            }
        }
        latest.map(|(_, b)| b)
    }

    /// Checks the sleeping heads older than `upto` that need limiter `l`
    /// (where sizes differ), as a full pass would have met them: the first
    /// one short marks the limiter held for the rest of the pass.
    fn replay(&mut self, l: u32, upto: u64, t: SimTime, paths: &mut Paths) {
        let Paths { lanes, limits, .. } = paths;
        let bound = &mut limits[l as usize];
        let from = if bound.replayed.0 == self.pass { bound.replayed.1 } else { 0 };
        if from >= upto {
            return;
        }
        bound.replayed = (self.pass, upto);
        let needers = bound.needers.as_ref().expect("replayed limiters keep their needers");
        let limiter = &mut bound.limiter;
        let short = needers
            .range((from, 0)..(upto, 0))
            .any(|&(_, li)| !limiter.has_room(t, lanes[li as usize].head().units(limiter.unit())));
        if short {
            self.hold(bound, l, t);
        }
    }

    /// Lane `li`'s head is blocked: it sleeps on `blocker`.
    #[inline(always)]
    pub(crate) fn sleep(&mut self, li: u32, blocker: Blocker, paths: &mut Paths) {
        let lane = &mut paths.lanes[li as usize];
        let seq = lane.head().seq;
        lane.generation += 1;
        lane.state = LaneState::Asleep(seq);
        let generation = lane.generation;
        match blocker {
            Blocker::Gate(g) => paths.gates[g as usize].waiters.push((li, generation)),
            Blocker::Limiter(l) => paths.limits[l as usize].waiters.push((seq, li, generation)),
        }
        let path = paths.lanes[li as usize].path;
        for &l in path.with_needers() {
            if let Some(needers) = &mut paths.limits[l as usize].needers {
                needers.insert((seq, li));
            }
        }
    }

    /// After lane `li`'s head left at `t`: its next message is a candidate
    /// too. Returns the limiter whose waiters are to be woken next, if any.
    ///
    /// A lane woken from limiter `l`'s waiters keeps its place in `l`'s
    /// drain: its next head goes back among them, to be woken in turn
    /// while `l` has room, or at once when `l` is already short for it;
    /// otherwise, when it is older than all of them, it stays a candidate
    /// and carries the drain on. So a window's worth of lanes is not
    /// examined twice, and a head that a limiter just filled is not
    /// examined only to find it full.
    #[inline(always)]
    pub(crate) fn after_dequeue(
        &mut self,
        li: u32,
        woken_by: Option<u32>,
        t: SimTime,
        paths: &mut Paths,
    ) -> Option<u32> {
        let lane = &mut paths.lanes[li as usize];
        if lane.is_empty() {
            lane.state = LaneState::Idle;
            paths.went_idle(li);
            return woken_by;
        }
        let head = lane.head();
        match woken_by {
            Some(l) if self.stays_with(l, head, t, paths) => {
                self.sleep(li, Blocker::Limiter(l), paths);
                Some(l)
            }
            _ => {
                self.push(li, woken_by, paths);
                None
            }
        }
    }

    /// Whether `head`, of a lane woken from limiter `l`'s waiters, goes back
    /// among them: an older waiter is woken first, or `l` is short for it.
    /// Where all sizes at `l` are the same, a head short at `l` would be
    /// found short whenever this pass examined it (room only shrinks within
    /// an instant) and, as it would then, holds `l` for the rest of the pass.
    #[inline(always)]
    fn stays_with(&mut self, l: u32, head: Head, t: SimTime, paths: &mut Paths) -> bool {
        let bound = &mut paths.limits[l as usize];
        if bound.waiters.peek().is_some_and(|(oldest, _, _)| oldest < head.seq) {
            return true;
        }
        if bound.needers.is_some() {
            return false;
        }
        if bound.held == self.pass {
            return true;
        }
        let short = !bound.limiter.has_room(t, head.units(bound.limiter.unit()));
        if short {
            self.hold(bound, l, t);
        }
        short
    }

    /// Limiter `l` (`bound`) is short at `t`: it holds for the rest of the
    /// pass, and is looked at again when it may have room. Returns when.
    fn hold(&mut self, bound: &mut Bound, l: u32, t: SimTime) -> SimTime {
        bound.held = self.pass;
        let at = bound.limiter.next_room(t);
        arm(&mut self.timers, &mut bound.armed, at, Blocker::Limiter(l));
        at
    }

    /// Wakes limiter `l`'s waiters in turn, from the oldest, in this pass.
    #[inline(always)]
    fn start_drain(&mut self, l: u32, t: SimTime, paths: &mut Paths) {
        let bound = &mut paths.limits[l as usize];
        if bound.drained != self.pass {
            bound.drained = self.pass;
            self.drain_on(l, t, paths);
        }
    }

    /// After a lane woken from limiter `l` was examined: wakes the next
    /// waiter, unless a head was short at `l` in this pass (younger ones
    /// would be held). Where all sizes are the same, a waiter that would be
    /// short at `l` stays asleep on it, as its examination would conclude.
    #[inline(always)]
    pub(crate) fn drain_on(&mut self, l: u32, t: SimTime, paths: &mut Paths) {
        let Paths { lanes, limits, .. } = paths;
        let bound = &mut limits[l as usize];
        if bound.held == self.pass {
            return;
        }
        while let Some((_, li, generation)) = bound.waiters.peek() {
            let lane = &lanes[li as usize];
            if lane.generation != generation {
                bound.waiters.pop();
                continue;
            }
            if bound.needers.is_none() && !bound.limiter.has_room(t, lane.head().units(bound.limiter.unit())) {
                self.hold(bound, l, t);
                return;
            }
            bound.waiters.pop();
            self.wake(li, Some(l), paths);
            return;
        }
    }

    /// A sleeping lane becomes a candidate.
    #[inline(always)]
    fn wake(&mut self, li: u32, woken_by: Option<u32>, paths: &mut Paths) {
        let lane = &paths.lanes[li as usize];
        if let LaneState::Asleep(seq) = lane.state {
            for &l in lane.path.with_needers() {
                if let Some(needers) = &mut paths.limits[l as usize].needers {
                    needers.remove(&(seq, li));
                }
            }
        }
        self.push(li, woken_by, paths);
    }

    #[inline]
    fn push(&mut self, li: u32, woken_by: Option<u32>, paths: &mut Paths) {
        let lane = &mut paths.lanes[li as usize];
        lane.generation += 1;
        lane.state = LaneState::Candidate(woken_by);
        let seq = lane.head().seq;
        self.candidates.push((seq, li, lane.generation));
    }
}

/// Keeps in `latest` the blocker that opens last.
fn later(latest: &mut Option<(SimTime, Blocker)>, at: SimTime, b: Blocker) {
    if latest.is_none_or(|(last, _)| at > last) {
        *latest = Some((at, b));
    }
}

/// Schedules a look at `blocker` at `at`, unless one is due earlier.
fn arm(timers: &mut BinaryHeap<Reverse<(SimTime, Blocker)>>, armed: &mut SimTime, at: SimTime, blocker: Blocker) {
    if at < *armed {
        *armed = at;
        timers.push(Reverse((at, blocker)));
    }
}
