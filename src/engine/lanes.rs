//! Lanes and the limiters and gates on their paths. A sender number's lanes
//! and limiters are made when the number is first used and serve a later
//! number once idle, so memory follows the numbers busy at once.

use super::Msg;
use crate::engine::limiter::{self, Limiter};
use crate::scenario::model::{Carrier, Class, Unit};
use crate::scenario::outage::{Outage, ScaleTimeline, Scope};
use crate::scenario::time::SimTime;
use crate::scenario::{Limit, Scenario, SenderLimit};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};

/// The FIFO of one (sender number, carrier, class): every message in it
/// needs exactly the same limiters, so only its head is ever examined.
/// What a pass reads comes first (`repr(C)` keeps the order): with many
/// lanes, each is mostly a cache miss.
#[repr(C)]
pub(super) struct Lane {
    pub(crate) state: LaneState,
    /// The head's size and acceptance order, and the youngest message's
    /// acceptance order, kept beside the queue: lanes are examined far more
    /// often than messages move, and with many lanes a queue's own memory is
    /// seldom in cache.
    head: Head,
    last: u64,
    pub(crate) path: Path,
    /// Index into [`Paths::gates`]: the full stops that hold this lane;
    /// none when no outage covers it.
    pub(crate) gate: Option<u32>,
    /// Bumped at every new registration, so that the entries an earlier one
    /// left in a heap are recognised as stale.
    pub(crate) generation: u32,
    queue: VecDeque<Msg>,
}

/// Messages a lane's queue holds when first used.
const FIRST_CAPACITY: usize = 16;

/// What the dispatch rules read of a lane's head.
#[derive(Clone, Copy, Debug)]
pub(super) struct Head {
    pub(crate) seq: u64,
    /// Its size at a limit counting segments (an MMS counts as one), worked
    /// out once: the head is measured at every limiter, every time it is examined.
    segment_units: u32,
}

impl Head {
    fn of(msg: &Msg) -> Head {
        Head { seq: msg.ticket.seq, segment_units: size(Unit::Segments, msg.class, msg.segments) as u32 }
    }

    /// Units the head uses at a limit counting `unit`.
    #[inline]
    pub(crate) fn units(&self, unit: Unit) -> u64 {
        match unit {
            Unit::Messages => 1,
            Unit::Segments => u64::from(self.segment_units),
        }
    }
}

impl Lane {
    /// Adds `msg` in acceptance order (most messages are the youngest of
    /// their lane: appended); whether it became the head.
    #[inline(always)]
    pub(crate) fn insert(&mut self, msg: Msg) -> bool {
        let seq = msg.ticket.seq;
        if self.queue.capacity() == 0 {
            // Lanes that queue at all mostly queue a few: growing from 4
            // to 8 to 16 costs more than reserving 16 at once.
            self.queue.reserve_exact(FIRST_CAPACITY);
        }
        let at = if self.queue.is_empty() || self.last < seq {
            self.last = seq;
            self.queue.push_back(msg);
            self.queue.len() - 1
        } else {
            let at = self.queue.iter().rposition(|m| m.ticket.seq < seq).map_or(0, |p| p + 1);
            self.queue.insert(at, msg);
            at
        };
        if at == 0 {
            self.head = Head::of(&msg);
        }
        at == 0
    }

    /// Takes the head; the lane must have one.
    #[inline]
    pub(crate) fn pop(&mut self) -> Msg {
        let msg = self.queue.pop_front().expect("a lane taken from has a head");
        if let Some(next) = self.queue.front() {
            self.head = Head::of(next);
        }
        msg
    }

    /// The head; meaningful only while the lane has messages.
    #[inline]
    pub(crate) fn head(&self) -> Head {
        self.head
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LaneState {
    /// No message waiting.
    Idle,
    /// To be examined in this instant's pass; `Some(l)` when woken in turn
    /// from limiter `l`'s waiters.
    Candidate(Option<u32>),
    /// Its head (acceptance order given) is blocked until a blocker opens.
    Asleep(u64),
}

/// The limiters on a lane's path (at most three: the account's, then the
/// number's or the brand's, then one a degraded carrier outage adds).
#[derive(Clone, Copy, Debug)]
pub(super) struct Path {
    ids: [u32; 3],
    len: u8,
    /// Some limiter on it keeps its needers (sizes differ there): only
    /// then does a head's sleep or wake touch the limiters.
    pub(crate) mixed: bool,
}

impl Path {
    /// Indices into [`Paths::limits`].
    pub(crate) fn ids(&self) -> &[u32] {
        &self.ids[..self.len as usize]
    }

    /// Its limiters when some keep needers, else none: what a head's
    /// sleep or wake has to update.
    pub(crate) fn with_needers(&self) -> &[u32] {
        if self.mixed { self.ids() } else { &[] }
    }

    fn push(&mut self, id: u32) {
        self.ids[self.len as usize] = id;
        self.len += 1;
    }
}

/// One limiter and the lanes that wait on it, what a pass reads first
/// (see [`Lane`]).
#[repr(C)]
pub(super) struct Bound {
    /// The instant (pass) in which it was last found short.
    pub(crate) held: u64,
    /// Sleeping heads that need this limiter, by acceptance order: kept only
    /// where messages of different sizes meet, since only there can an older
    /// blocked head hold back a younger one that would fit.
    pub(crate) needers: Option<BTreeSet<(u64, u32)>>,
    pub(crate) limiter: Limiter,
    /// The pass up to whose acceptance order `needers` were replayed: (pass, seq).
    pub(crate) replayed: (u64, u64),
    /// The pass in which its waiters were last woken in turn.
    pub(crate) drained: u64,
    /// When it may open again, if a head was found short.
    pub(crate) armed: SimTime,
    /// Lanes asleep on it.
    pub(crate) waiters: WaitQueue,
}

/// A lane in a [`WaitQueue`]: (its head's acceptance order, lane, generation).
pub(super) type Waiter = (u64, u32, u32);

/// Lanes by their head's acceptance order, oldest first: those asleep on a
/// limiter, or the candidates of a pass. Heads mostly come in acceptance
/// order (a pool's numbers take messages in turn, and a lane's next head
/// is younger than the one just served), so they are appended to a sorted
/// queue in constant time; the few that come out of order wait in a heap
/// beside it.
#[derive(Default)]
pub(super) struct WaitQueue {
    sorted: VecDeque<Waiter>,
    rest: BinaryHeap<Reverse<Waiter>>,
}

impl WaitQueue {
    // Always inlined: a waiter passed through memory is stored field by
    // field and read back whole, which stalls the load.
    #[inline(always)]
    pub(crate) fn push(&mut self, w: Waiter) {
        if self.sorted.back().is_none_or(|last| *last <= w) {
            self.sorted.push_back(w);
        } else {
            self.rest.push(Reverse(w));
        }
    }

    /// The waiter with the oldest head, left in place.
    #[inline]
    pub(crate) fn peek(&self) -> Option<Waiter> {
        match (self.sorted.front(), self.rest.peek()) {
            (Some(a), Some(Reverse(b))) => Some(*a.min(b)),
            (a, b) => a.copied().or(b.map(|r| r.0)),
        }
    }

    /// The waiter with the oldest head.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Waiter> {
        match (self.sorted.front(), self.rest.peek()) {
            (Some(a), Some(Reverse(b))) if b < a => self.rest.pop().map(|r| r.0),
            (Some(_), _) => self.sorted.pop_front(),
            (None, _) => self.rest.pop().map(|r| r.0),
        }
    }
}

/// The full stops of one (sender, carrier), and the lanes asleep on them.
pub(super) struct Gate {
    pub(crate) timeline: ScaleTimeline,
    pub(crate) armed: SimTime,
    /// (lane, generation).
    pub(crate) waiters: Vec<(u32, u32)>,
}

/// The lanes of one pool number and class, one per carrier: lanes
/// `4 · g .. 4 · g + 4` for group `g`. When all are idle and the number's
/// own limiters have forgotten their past, the group serves the next new
/// number of its pool, so memory follows the numbers busy at once, not
/// every number ever used.
struct Group {
    sender: u32,
    class: Class,
    /// The pool number it serves.
    number: u32,
    /// Limiters of this number alone (its own rate, per carrier, added by a degraded outage).
    own: Vec<u32>,
    /// Messages in processing on their way to these lanes.
    pending: u32,
    /// In its pool's `idle` queue.
    listed: bool,
}

/// The numbers of one sender's pool for one class.
#[derive(Clone, Default)]
struct Pool {
    /// The group of each pool number ([`UNUSED`] if none).
    groups: Vec<u32>,
    /// A message to carrier `c` goes to lane `c & carrier_mask` of its
    /// number's group. 0 when every carrier's path has the same limiters and
    /// the same stops: then one lane in acceptance order dispatches exactly
    /// as four would (a head short at a limiter holds every younger head
    /// there, and the others are held where it is), with less work.
    carrier_mask: u32,
}

/// A pool number with no lanes: not used yet, or its lanes serve another number.
const UNUSED: u32 = u32::MAX;

/// Every lane, limiter and gate of a run.
pub(super) struct Paths {
    pub(crate) lanes: Vec<Lane>,
    pub(crate) limits: Vec<Bound>,
    pub(crate) gates: Vec<Gate>,
    groups: Vec<Group>,
    /// Per sender and class.
    pools: Vec<[Pool; 2]>,
    /// Per sender and class: groups whose lanes all went idle, oldest first.
    idle: Vec<[VecDeque<u32>; 2]>,
    /// Account limiter per class.
    account: [u32; 2],
    /// Brand TPM limiter per brand and carrier.
    tpm: Vec<[u32; 4]>,
    /// Brand MMS TPM limiter per brand and carrier, for brands that set one.
    mms_tpm: Vec<Option<[u32; 4]>>,
    carrier_outages: [ScaleTimeline; 4],
    /// Per sender: its own outages, and its own or a carrier's, per carrier.
    sender_outages: Vec<(ScaleTimeline, [ScaleTimeline; 4])>,
    /// Per sender and class: the (class, segments) of its streams.
    sender_uses: Vec<[Vec<(Class, u32)>; 2]>,
}

impl Paths {
    pub(crate) fn new(sc: &Scenario) -> Paths {
        let outages = &sc.outages;
        let timeline = |f: &dyn Fn(&Outage) -> bool| ScaleTimeline::of(outages, f);
        let mut paths = Paths {
            lanes: Vec::new(),
            limits: Vec::new(),
            gates: Vec::new(),
            groups: Vec::new(),
            pools: vec![Default::default(); sc.senders.len()],
            idle: (0..sc.senders.len()).map(|_| Default::default()).collect(),
            account: [0; 2],
            tpm: Vec::new(),
            mms_tpm: Vec::new(),
            carrier_outages: Carrier::ALL.map(|c| timeline(&|o| o.scope == Scope::Carrier(c))),
            sender_outages: Vec::new(),
            sender_uses: Vec::new(),
        };
        // The (class, segments) of the streams through each shared limiter,
        // in one pass over the streams (there may be thousands of senders).
        let mut per_class: [Vec<(Class, u32)>; 2] = Default::default();
        let mut on_tpm = vec![Vec::new(); sc.brands.len()];
        paths.sender_uses = vec![Default::default(); sc.senders.len()];
        for t in &sc.traffic {
            let (sender, k) = (&sc.senders[t.sender], t.class.index());
            per_class[k].push((t.class, t.segments));
            paths.sender_uses[t.sender][k].push((t.class, t.segments));
            if let (Some(b), SenderLimit::BrandTpm) = (sender.brand, sender.limits[k]) {
                on_tpm[b].push((t.class, t.segments));
            }
        }
        let platform = timeline(&|o| o.scope == Scope::Platform);
        for k in Class::ALL {
            let limit = &sc.account[k.index()];
            let mixed = is_mixed(limit.unit, &per_class[k.index()]);
            paths.account[k.index()] = paths.add(limit, platform.clone(), false, mixed);
        }
        for (b, brand) in sc.brands.iter().enumerate() {
            let mixed = is_mixed(brand.tpm.unit, &on_tpm[b]);
            let ids =
                Carrier::ALL.map(|c| paths.add(&brand.tpm, paths.carrier_outages[c.index()].clone(), false, mixed));
            paths.tpm.push(ids);
            let mms = brand.mms_tpm.as_ref().map(|limit| {
                Carrier::ALL.map(|c| paths.add(limit, paths.carrier_outages[c.index()].clone(), false, false))
            });
            paths.mms_tpm.push(mms);
        }
        for (si, _) in sc.senders.iter().enumerate() {
            let own = timeline(&|o| o.scope == Scope::Sender(si));
            let both =
                Carrier::ALL.map(|c| timeline(&|o| o.scope == Scope::Sender(si) || o.scope == Scope::Carrier(c)));
            for c in Carrier::ALL {
                // Stopped wherever the product of these scopes' outages is zero.
                let stops = timeline(&|o| {
                    matches!(o.scope, Scope::Platform) || o.scope == Scope::Carrier(c) || o.scope == Scope::Sender(si)
                });
                paths.gates.push(Gate { timeline: stops, armed: SimTime::NEVER, waiters: Vec::new() });
            }
            paths.sender_outages.push((own, both));
        }
        paths
    }

    fn add(&mut self, limit: &Limit, scale: ScaleTimeline, only_when_degraded: bool, mixed: bool) -> u32 {
        let limiter = Limiter::new(limit.rate, limit.shape, limit.burst, limit.unit, scale);
        self.limits.push(Bound {
            limiter: if only_when_degraded { limiter.when_degraded() } else { limiter },
            needers: mixed.then(BTreeSet::new),
            held: 0,
            replayed: (0, 0),
            drained: 0,
            armed: SimTime::NEVER,
            waiters: WaitQueue::default(),
        });
        (self.limits.len() - 1) as u32
    }

    /// The lane of pool number `number` of `sender` for `class` to `carrier`
    /// at `t`: the number's group, else an idle group of the same pool that
    /// can be reused, else a new one (with the number's limiters).
    #[inline(always)]
    pub(crate) fn lane(
        &mut self,
        sc: &Scenario,
        sender: usize,
        class: Class,
        number: u32,
        carrier: Carrier,
        t: SimTime,
    ) -> u32 {
        let k = class.index();
        let n = number as usize;
        let pool = &mut self.pools[sender][k];
        if pool.groups.len() <= n {
            pool.groups.resize(n + 1, UNUSED);
        }
        let (mut g, mut mask) = (pool.groups[n], pool.carrier_mask);
        if g == UNUSED {
            g = match self.reclaim(sender, class, t) {
                Some(g) => g,
                None => self.open_number(sc, sender, class),
            };
            self.groups[g as usize].number = number;
            let pool = &mut self.pools[sender][k];
            pool.groups[n] = g;
            mask = pool.carrier_mask;
        }
        g * 4 + (carrier.index() as u32 & mask)
    }

    /// The oldest idle group of the pool, if its number's limiters can no
    /// longer tell it from a new one at `t`; restarted for a new number.
    fn reclaim(&mut self, sender: usize, class: Class, t: SimTime) -> Option<u32> {
        let k = class.index();
        while let Some(&g) = self.idle[sender][k].front() {
            let group = &self.groups[g as usize];
            let idle = group.pending == 0 && (0..4).all(|c| self.lanes[g as usize * 4 + c].state == LaneState::Idle);
            if idle {
                let forgotten = group.own.iter().all(|&l| {
                    let bound = &self.limits[l as usize];
                    bound.armed == SimTime::NEVER && bound.limiter.is_idle_at(t)
                });
                if !forgotten {
                    return None;
                }
            }
            self.idle[sender][k].pop_front();
            let group = &mut self.groups[g as usize];
            group.listed = false;
            if idle {
                self.pools[sender][k].groups[group.number as usize] = UNUSED;
                for &l in &group.own {
                    let bound = &mut self.limits[l as usize];
                    bound.limiter.restart();
                    bound.waiters = WaitQueue::default();
                }
                return Some(g);
            }
        }
        None
    }

    /// Lane `li` has no message left: when its whole group is idle, the
    /// group may serve another number later.
    #[inline]
    pub(crate) fn went_idle(&mut self, li: u32) {
        let g = li / 4;
        let group = &self.groups[g as usize];
        if !group.listed && (0..4).all(|c| self.lanes[g as usize * 4 + c].state == LaneState::Idle) {
            self.idle[group.sender as usize][group.class.index()].push_back(g);
            self.groups[g as usize].listed = true;
        }
    }

    /// A message bound for lane `li` went into processing (`+1`) or left it (`-1`).
    #[inline]
    pub(crate) fn pending(&mut self, li: u32, n: i32) {
        let group = &mut self.groups[li as usize / 4];
        group.pending = group.pending.wrapping_add_signed(n);
    }

    /// Makes one more group of lanes for `class`, one per carrier, with the
    /// number's own limiters; returns the group.
    fn open_number(&mut self, sc: &Scenario, si: usize, class: Class) -> u32 {
        let sender = &sc.senders[si];
        let k = class.index();
        let (own_outages, both) = self.sender_outages[si].clone();
        let mixed = |limit: &Limit, paths: &Paths| is_mixed(limit.unit, &paths.sender_uses[si][k]);
        let first_limiter = self.limits.len() as u32;
        let own = match &sender.limits[k] {
            SenderLimit::PerNumber(l) if !self.number_limit_binds(sc, si, class, l, &own_outages) => None,
            SenderLimit::PerNumber(l) => Some(self.add(l, own_outages, false, mixed(l, self))),
            _ => None,
        };
        for c in Carrier::ALL {
            let mut path = Path { ids: [self.account[k], 0, 0], len: 1, mixed: false };
            match &sender.limits[k] {
                SenderLimit::PerNumber(l) => {
                    if let Some(own) = own {
                        path.push(own);
                    }
                    // A degraded carrier outage on a path with no per-carrier
                    // limit adds one at f of the number's rate.
                    let carrier_outages = &self.carrier_outages[c.index()];
                    if carrier_outages.has_degraded() {
                        path.push(self.add(l, carrier_outages.clone(), true, mixed(l, self)));
                    }
                }
                SenderLimit::PerCarrier(l) => {
                    path.push(self.add(l, both[c.index()].clone(), false, mixed(l, self)));
                    // A 10DLC MMS also counts against its brand's MMS TPM, when set.
                    if let Some(ids) = sender.brand.and_then(|b| self.mms_tpm[b]).filter(|_| class == Class::Mms) {
                        path.push(ids[c.index()]);
                    }
                }
                SenderLimit::BrandTpm => {
                    if let Some(b) = sender.brand {
                        path.push(self.tpm[b][c.index()]);
                    }
                }
                SenderLimit::Refused => {}
            }
            path.mixed = path.ids().iter().any(|&l| self.limits[l as usize].needers.is_some());
            let gate = (si * 4 + c.index()) as u32;
            self.lanes.push(Lane {
                queue: VecDeque::new(),
                head: Head { seq: 0, segment_units: 0 },
                last: 0,
                path,
                gate: Some(gate).filter(|&g| !self.gates[g as usize].timeline.is_constant()),
                generation: 0,
                state: LaneState::Idle,
            });
        }
        // Every number of a pool gets the same paths: the first one tells.
        let lanes = &self.lanes[self.lanes.len() - 4..];
        let stops = |lane: &Lane| lane.gate.map(|g| &self.gates[g as usize].timeline);
        let alike = lanes.iter().all(|l| l.path.ids() == lanes[0].path.ids() && stops(l) == stops(&lanes[0]));
        self.pools[si][k].carrier_mask = if alike { 0 } else { 3 };
        let group = self.groups.len() as u32;
        self.groups.push(Group {
            sender: si as u32,
            class,
            number: 0,
            own: (first_limiter..self.limits.len() as u32).collect(),
            pending: 0,
            listed: false,
        });
        group
    }

    /// Whether a number's own limit `limit` (with the outages of `timeline`)
    /// can ever hold one of its messages: not when no outage covers it and
    /// the account's limit, which every one of them passes too, is so much
    /// tighter that it can never fill.
    fn number_limit_binds(
        &self,
        sc: &Scenario,
        si: usize,
        class: Class,
        limit: &Limit,
        timeline: &ScaleTimeline,
    ) -> bool {
        let uses = &self.sender_uses[si][class.index()];
        let largest = uses.iter().map(|&(k, segments)| size(limit.unit, k, segments)).max().unwrap_or(1);
        !(timeline.is_constant() && limiter::never_short(limit, &sc.account[class.index()], largest))
    }

    /// Charges `msg`'s units at `t` to every limiter on lane `li`'s path.
    #[inline(always)]
    pub(crate) fn take(&mut self, li: u32, t: SimTime, msg: &Msg) {
        let lane = &self.lanes[li as usize];
        let head = Head::of(msg);
        for &l in lane.path.ids() {
            let limiter = &mut self.limits[l as usize].limiter;
            limiter.take(t, head.units(limiter.unit()));
        }
    }
}

fn size(unit: Unit, class: Class, segments: u32) -> u64 {
    match (unit, class) {
        (Unit::Messages, _) | (Unit::Segments, Class::Mms) => 1,
        (Unit::Segments, Class::Sms) => segments as u64,
    }
}

/// Whether messages of the given (class, segments) use different units at a limit counting `unit`.
fn is_mixed(unit: Unit, uses: &[(Class, u32)]) -> bool {
    let mut sizes = uses.iter().map(|&(k, s)| size(unit, k, s));
    let first = sizes.next();
    sizes.any(|s| Some(s) != first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_queue_pops_oldest_first_whatever_the_push_order() {
        let mut q = WaitQueue::default();
        let seqs = [5u64, 7, 3, 9, 8, 1, 10, 2, 11, 4];
        for (i, &s) in seqs.iter().enumerate() {
            q.push((s, i as u32, 0));
        }
        let mut popped = Vec::new();
        q.push((6, 99, 0));
        while let Some((s, _, _)) = q.pop() {
            popped.push(s);
            if s == 4 {
                q.push((12, 98, 0));
            }
        }
        assert_eq!(popped, (1..=12).collect::<Vec<u64>>());
    }
}
