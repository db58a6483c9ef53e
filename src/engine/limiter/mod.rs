//! Throughput limiters: fixed windows and smooth (GCRA) spacing, both exact
//! in integer time and both scaled by the outages that cover them.

use crate::scenario::Limit;
use crate::scenario::model::{Shape, Unit};
use crate::scenario::outage::ScaleTimeline;
use crate::scenario::rate::{Rate, Scale};
use crate::scenario::time::SimTime;
use std::num::NonZeroU64;

const ONE: u128 = Scale::ONE.ppt() as u128;

/// One limit on a message's path, what a message reads first (see [`Window`]).
#[derive(Clone, Debug)]
#[repr(C)]
pub(crate) struct Limiter {
    scale: ScaleTimeline,
    unit: Unit,
    /// Limits only while its scale is degraded (below 1): the per-(number,
    /// carrier) limit a degraded carrier outage adds to paths without one.
    only_when_degraded: bool,
    /// No outage covers it and it always limits: most limiters, whose
    /// smooth slots then need no scale looked up.
    plain: bool,
    state: State,
}

#[derive(Clone, Debug)]
enum State {
    Window(Window),
    Smooth(Smooth),
}

impl Limiter {
    pub(crate) fn new(rate: Rate, shape: Shape, burst: u64, unit: Unit, scale: ScaleTimeline) -> Limiter {
        let state = match shape {
            Shape::Window => State::Window(Window::new(rate, &scale)),
            Shape::Smooth => State::Smooth(Smooth::new(rate, burst)),
        };
        let plain = scale.is_constant();
        Limiter { unit, scale, only_when_degraded: false, plain, state }
    }

    /// A limiter that binds only while an outage degrades it.
    pub(crate) fn when_degraded(mut self) -> Limiter {
        self.only_when_degraded = true;
        self.plain = false;
        self
    }

    pub(crate) fn unit(&self) -> Unit {
        self.unit
    }

    /// Whether nothing charged so far can still matter at `t` or later: the
    /// limiter then behaves exactly as a new one would, and can be
    /// [restarted](Limiter::restart) for another number.
    pub(crate) fn is_idle_at(&self, t: SimTime) -> bool {
        match &self.state {
            // Unused capacity is dropped at a window's end; debt is not.
            State::Window(w) => w.remaining >= 0 && t >= w.next_start,
            // Past its last slot, the next message starts a new sequence.
            State::Smooth(s) => t > s.tat,
        }
    }

    /// Back to the state of a new limiter at time zero.
    pub(crate) fn restart(&mut self) {
        match &mut self.state {
            State::Window(w) => w.restart(&self.scale),
            State::Smooth(s) => s.restart(),
        }
    }

    /// The scale that governs a message at `t`: a window's is set at its start.
    #[inline]
    fn scale_at(&mut self, t: SimTime) -> Scale {
        match &mut self.state {
            State::Window(w) => {
                w.advance(t, &self.scale);
                w.scale
            }
            State::Smooth(_) => self.scale.at(t),
        }
    }

    /// A degraded-only limiter outside its outage does not limit.
    fn bypassed(&self, scale: Scale) -> bool {
        self.only_when_degraded && !scale.is_degraded()
    }

    /// Whether `units` can pass at `t` (advances the window to `t`).
    #[inline]
    pub(crate) fn has_room(&mut self, t: SimTime, units: u64) -> bool {
        if let (true, State::Smooth(s)) = (self.plain, &self.state) {
            return t >= s.earliest();
        }
        let scale = self.scale_at(t);
        self.bypassed(scale)
            || match &self.state {
                State::Window(w) => w.has_room(units),
                State::Smooth(s) => !scale.is_stop() && t >= s.earliest(),
            }
    }

    /// Charges `units` at `t`; call only after [`Limiter::has_room`] said yes.
    #[inline(always)]
    pub(crate) fn take(&mut self, t: SimTime, units: u64) {
        if let (true, State::Smooth(s)) = (self.plain, &mut self.state) {
            return s.take(t, units, Scale::ONE);
        }
        let scale = self.scale_at(t);
        if self.bypassed(scale) {
            return;
        }
        match &mut self.state {
            State::Window(w) => w.take(units),
            State::Smooth(s) => s.take(t, units, scale),
        }
    }

    /// When to look again after [`Limiter::has_room`] said no at `t`.
    #[inline(always)]
    pub(crate) fn next_room(&self, t: SimTime) -> SimTime {
        match &self.state {
            State::Window(w) => w.next_open_window(&self.scale),
            State::Smooth(s) => {
                let running = self.scale.running_from(t);
                if running > t {
                    return running;
                }
                let slot = s.earliest().max(t);
                // A limit that binds only while degraded opens when the degradation ends.
                match self.scale.next_change_after(t) {
                    Some(change) if self.only_when_degraded => slot.min(change),
                    _ => slot,
                }
            }
        }
    }
}

/// Capacity `cap` per window; window n starts at floor(n · len). Fields
/// in the order a message reads them (`repr(C)` keeps it), so that with
/// many limiters one cache line serves most of them.
#[derive(Clone, Debug)]
#[repr(C)]
struct Window {
    /// Start of the next window: nothing to do before it.
    next_start: SimTime,
    /// Units left in this window; negative is debt from an oversized message.
    remaining: i64,
    /// Units this window admits (scaled, fraction carried).
    whole: u64,
    index: u64,
    /// The capacity when it is a whole number of units, and the length when
    /// it is a whole number of nanoseconds: most limits, which then need no
    /// fractions.
    full: Option<NonZeroU64>,
    len_ns: Option<NonZeroU64>,
    /// Scale in force at this window's start.
    scale: Scale,
    /// Nothing charged to this window yet, and no debt carried into it.
    fresh: bool,
    /// Fractional capacity carried, in units of 1 / (cap.1 · ONE).
    carry: u128,
    cap: (u128, u128),
    len: (u128, u128),
}

impl Window {
    fn new(rate: Rate, timeline: &ScaleTimeline) -> Window {
        let (cap, len) = rate.window();
        let whole = |(num, den): (u128, u128)| u64::try_from(num).ok().filter(|_| den == 1).and_then(NonZeroU64::new);
        let mut w = Window {
            cap,
            len,
            full: whole(cap),
            len_ns: whole(len),
            index: 0,
            whole: 0,
            remaining: 0,
            fresh: true,
            carry: 0,
            scale: Scale::ONE,
            next_start: SimTime::ZERO,
        };
        w.restart(timeline);
        w
    }

    /// Opens window 0 afresh.
    fn restart(&mut self, timeline: &ScaleTimeline) {
        self.index = 0;
        self.remaining = 0;
        self.carry = 0;
        self.open(timeline.at(SimTime::ZERO));
        self.next_start = self.start(1);
    }

    fn start(&self, n: u64) -> SimTime {
        match self.len_ns {
            Some(len) => SimTime::from_nanos(n.wrapping_mul(len.get())),
            None => SimTime::from_nanos(mul_div(n as u128, self.len.0, self.len.1) as u64),
        }
    }

    /// The window holding `t`: the largest n with start(n) <= t.
    fn index_of(&self, t: SimTime) -> u64 {
        match self.len_ns {
            Some(len) => t.as_nanos() / len,
            None => div_rem((t.as_nanos() as u128 + 1) * self.len.1 - 1, self.len.0).0 as u64,
        }
    }

    /// The allowance a window at `scale` adds to the carry, when it is whole
    /// (a whole capacity at full scale): then the carry does not move.
    fn whole_at(&self, scale: Scale) -> Option<u64> {
        self.full.filter(|_| scale == Scale::ONE).map(NonZeroU64::get)
    }

    /// Opens window `self.index`: its allowance from the scale at its start
    /// plus the carried fraction; debt carried over, unused capacity dropped.
    fn open(&mut self, scale: Scale) {
        self.whole = match self.whole_at(scale) {
            Some(whole) => whole,
            None => {
                let den = self.cap.1 * ONE;
                let (whole, carry) = div_rem(self.carry + self.cap.0 * scale.ppt() as u128, den);
                self.carry = carry;
                whole as u64
            }
        };
        let debt = self.remaining.min(0);
        self.remaining = self.whole as i64 + debt;
        self.fresh = debt == 0;
        self.scale = scale;
    }

    /// Moves to the window holding `t`. Most calls fall in the current
    /// window: that test is inlined, the move is not.
    #[inline]
    fn advance(&mut self, t: SimTime, timeline: &ScaleTimeline) {
        if t >= self.next_start {
            self.move_to(t, timeline);
        }
    }

    #[inline(never)]
    fn move_to(&mut self, t: SimTime, timeline: &ScaleTimeline) {
        let target = self.index_of(t);
        if self.remaining >= 0 && self.full.is_some() && timeline.is_constant() {
            // Every window alike and no debt: the windows between are idle
            // and carry nothing.
            self.index = target;
            self.open(Scale::ONE);
        }
        while self.index < target {
            let next = self.index + 1;
            let start = self.start(next);
            let scale = timeline.at(start);
            if self.remaining >= 0 && target > next {
                // Idle windows before the target that share one scale only
                // move the carry: jump over them in one step.
                let last_same = timeline
                    .next_change_after(start)
                    .map_or(u64::MAX, |c| self.index_of(SimTime::from_nanos(c.as_nanos() - 1)));
                let last = last_same.min(target - 1);
                if last >= next {
                    if self.whole_at(scale).is_none() {
                        let den = self.cap.1 * ONE;
                        let per = div_rem(self.cap.0 * scale.ppt() as u128, den).1;
                        let n = div_rem((last - next + 1) as u128, den).1;
                        self.carry = div_rem(self.carry + n * per, den).1;
                    }
                    self.index = last;
                    self.remaining = 0;
                    continue;
                }
            }
            self.index = next;
            self.open(scale);
        }
        self.next_start = self.start(self.index + 1);
    }

    fn has_room(&self, units: u64) -> bool {
        self.remaining >= units as i64 || (self.fresh && self.whole >= 1 && units > self.whole)
    }

    fn take(&mut self, units: u64) {
        self.remaining -= units as i64;
        self.fresh = false;
    }

    /// The start of the next window whose scale is not a full stop.
    fn next_open_window(&self, timeline: &ScaleTimeline) -> SimTime {
        let next = self.index + 1;
        let start = self.start(next);
        let running = timeline.running_from(start);
        if running == start || running == SimTime::NEVER {
            return running;
        }
        let n = self.index_of(running);
        if self.start(n) < running { self.start(n + 1) } else { running }
    }
}

/// Evenly spaced slots, exact: slot k after `anchor` is at anchor + floor(k · interval / scale).
#[derive(Clone, Debug)]
struct Smooth {
    interval: (u128, u128),
    burst: u64,
    anchor: SimTime,
    /// Units charged since `anchor`.
    k: u128,
    /// Scale in force when the current spacing was set.
    scale: Scale,
    /// Theoretical arrival time: when the limiter is idle again.
    tat: SimTime,
    /// The earliest instant the next message may go (GCRA with burst).
    earliest: SimTime,
}

impl Smooth {
    fn new(rate: Rate, burst: u64) -> Smooth {
        let zero = SimTime::ZERO;
        let interval = rate.interval();
        Smooth { interval, burst: burst.max(1), anchor: zero, k: 0, scale: Scale::ONE, tat: zero, earliest: zero }
    }

    fn restart(&mut self) {
        let zero = SimTime::ZERO;
        (self.anchor, self.k, self.scale, self.tat, self.earliest) = (zero, 0, Scale::ONE, zero, zero);
    }

    /// anchor + floor(units · interval / scale); `NEVER` past any real run.
    #[inline]
    fn offset(&self, units: u128) -> SimTime {
        let ns = if self.scale == Scale::ONE {
            Some(mul_div(units, self.interval.0, self.interval.1))
        } else {
            units
                .checked_mul(self.interval.0)
                .and_then(|x| x.checked_mul(ONE))
                .map(|x| x / (self.interval.1 * self.scale.ppt() as u128))
        };
        ns.and_then(|ns| u64::try_from(ns).ok())
            .map_or(SimTime::NEVER, |ns| SimTime::from_nanos(self.anchor.as_nanos().saturating_add(ns)))
    }

    fn earliest(&self) -> SimTime {
        self.earliest
    }

    #[inline]
    fn take(&mut self, t: SimTime, units: u64, scale: Scale) {
        // Back to back (t == tat) continues the sequence, so slots stay exact.
        if t > self.tat || scale != self.scale {
            self.anchor = t.max(self.tat);
            self.k = 0;
            self.scale = scale;
        }
        self.k += units as u128;
        self.tat = self.offset(self.k);
        let spare = self.burst as u128 - 1;
        self.earliest = if spare == 0 { self.tat } else { self.offset(self.k.saturating_sub(spare)) };
    }
}

/// The most messages `limit` can pass in any span of `span` nanoseconds,
/// whatever their sizes (each uses one unit or more) and whatever outages
/// scale it (they only slow it), when simply bounded. A window of whole
/// capacity c passes at most c messages (an oversized one is alone in its
/// window), and a span meets at most span / length + 2 windows. Smooth
/// slots with burst b: the n-th message of a span goes no earlier than
/// n − b whole intervals after its start (slot times are rounded down, so
/// consecutive ones are at least the interval's whole nanoseconds apart),
/// so at most b + span / interval + 1.
pub(crate) fn most_in_span(limit: &Limit, span: u128) -> Option<u128> {
    match limit.shape {
        Shape::Window => {
            let ((cap, cap_den), (len, len_den)) = limit.rate.window();
            let step = len / len_den;
            (cap_den == 1 && step >= 1).then(|| cap.checked_mul(span / step + 2)).flatten()
        }
        Shape::Smooth => {
            let (num, den) = limit.rate.interval();
            let step = num / den;
            (step >= 1).then(|| u128::from(limit.burst.max(1)) + span / step + 1)
        }
    }
}

/// Whether the window limit `own` can never be short when every message
/// through it has passed `before` first, none using more than `largest`
/// units of `own`: the most `before` passes in one of `own`'s windows, and
/// one message more, fit in it. A number's own limit is mostly so under
/// the account's (25/s or 100/s behind 5/s): the engine then leaves it off
/// the number's paths, since charging it could never hold a message.
pub(crate) fn never_short(own: &Limit, before: &Limit, largest: u64) -> bool {
    let ((cap, cap_den), (len, len_den)) = own.rate.window();
    let fits = |n: u128| (n + 1).checked_mul(u128::from(largest)).is_some_and(|units| units <= cap);
    own.shape == Shape::Window && cap_den == 1 && most_in_span(before, len.div_ceil(len_den)).is_some_and(fits)
}

/// a · b / c rounded down, in 64-bit arithmetic when it fits (the common
/// case, and several times faster than 128-bit division), with no division
/// at all when c is 1 (a whole number of nanoseconds per unit).
#[inline]
fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    if let (Ok(a), Ok(b), Ok(c)) = (u64::try_from(a), u64::try_from(b), u64::try_from(c))
        && let Some(p) = a.checked_mul(b)
    {
        return if c == 1 { p } else { p / c } as u128;
    }
    a.checked_mul(b).map_or(u128::MAX, |p| div_rem(p, c).0)
}

/// a / b and a % b, in 64-bit arithmetic when both fit: 128-bit division
/// is a library call, and windows divide at every step they take.
#[inline]
fn div_rem(a: u128, b: u128) -> (u128, u128) {
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return ((a / b) as u128, (a % b) as u128);
    }
    (a / b, a % b)
}

#[cfg(test)]
mod tests;
