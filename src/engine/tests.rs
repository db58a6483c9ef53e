//! The engine's dispatch rules (README, *The model in short*) on tiny scenarios with
//! exact instants. Scenarios are built from the scenario types directly:
//! `load` sits on the engine's own layer, so the engine may not use it.

use super::*;
use crate::scenario::calendar::Calendar;
use crate::scenario::delay::Delay;
use crate::scenario::model::{Country, Kind, NumberType, Shape, UseCase};
use crate::scenario::outage::{Outage, Scope};
use crate::scenario::rate::{Rate, Scale};
use crate::scenario::traffic::Arrival;
use crate::scenario::{Brand, CarrierSettings, DEFAULT_PRICES, Limit, Prices, Sender, SenderLimit, Stream};

const MS: u64 = 1_000_000;

fn ms(n: u64) -> SimTime {
    SimTime::from_nanos(n * MS)
}

fn window(rate: Rate, unit: Unit) -> Limit {
    Limit { rate, shape: Shape::Window, burst: 1, unit }
}

/// Account SMS limit `mps` per second (window, messages); no senders,
/// traffic, delays or horizon yet.
fn scenario(mps: u64) -> Scenario {
    Scenario {
        name: "t".into(),
        calendar: Calendar::parse("2026-03-10T08:00:00-07:00").expect("valid start"),
        horizon: None,
        seed: 1,
        replications: 1,
        account: [
            window(Rate::per_second(mps), Unit::Messages),
            window(Rate::new(1, 4, SimDuration::from_secs(1)).expect("nonzero"), Unit::Messages),
        ],
        brands: Vec::new(),
        senders: Vec::new(),
        traffic: Vec::new(),
        outages: Vec::new(),
        processing: Delay::default(),
        delivery: Delay::default(),
        carriers: [CarrierSettings::default(); 4],
        prices: Prices {
            per_segment: DEFAULT_PRICES.map(|row| row.map(Money)),
            charge_failed_daily_cap: false,
            charge_blocked: false,
        },
        timeseries_step: SimDuration::from_secs(60),
        warmup: SimDuration::ZERO,
        expiry_target: 0.01,
        error_codes: crate::scenario::model::Preset::Plivo.rules().codes,
        queue_limit: None,
        inbound: Vec::new(),
    }
}

/// Adds a verified US sender of `numbers` numbers with limit `sms` for SMS
/// (MMS refused); returns its index.
fn sender(sc: &mut Scenario, number_type: NumberType, numbers: u32, sms: SenderLimit) -> usize {
    let brand = (number_type == NumberType::LongCode).then_some(0);
    sc.senders.push(Sender {
        id: format!("sender{}", sc.senders.len()),
        number_type,
        country: Country::US,
        brand,
        numbers,
        verified: true,
        limits: [sms, SenderLimit::Refused],
        unrated: [false; 2],
    });
    sc.senders.len() - 1
}

/// A short code of its own, limited only by the account in these tests (100/s).
fn short_code(sc: &mut Scenario) -> usize {
    sender(sc, NumberType::ShortCode, 1, SenderLimit::PerNumber(window(Rate::per_second(100), Unit::Messages)))
}

/// Adds an SMS stream of `segments` segments from `sender` to `carrier`;
/// returns its index.
fn stream(sc: &mut Scenario, sender: usize, carrier: Carrier, segments: u32, expiry_s: u64, arrival: Arrival) -> usize {
    let mut carriers = [0.0; 4];
    carriers[carrier.index()] = 1.0;
    sc.traffic.push(Stream {
        name: format!("stream{}", sc.traffic.len()),
        sender,
        class: Class::Sms,
        kind: Kind::Transactional,
        message_expiry: SimDuration::from_secs(expiry_s),
        useful_life: None,
        segments,
        carriers,
        arrival,
        pace: None,
        retry: None,
        text: None,
        destinations: crate::scenario::phone::Destinations::Own,
        log: crate::scenario::model::LogPreference::Both,
    });
    sc.traffic.len() - 1
}

/// Default expiry, 10,800 s.
const LONG: u64 = 10_800;

/// Messages at the given instants (ms).
fn trace(at_ms: &[u64]) -> Arrival {
    Arrival::Trace { times: at_ms.iter().map(|&t| ms(t)).collect() }
}

/// `count` messages at once at `at_ms`.
fn burst(count: u64, at_ms: u64) -> Arrival {
    Arrival::Burst { count, at: ms(at_ms), spread: SimDuration::ZERO }
}

/// Every recorder call, checked for order as it comes.
#[derive(Default)]
struct Log {
    accepted: Vec<(usize, Carrier, SimTime, bool)>,
    fates: Vec<Fate>,
    finished: u32,
}

impl Recorder for Log {
    fn accepted(&mut self, stream: usize, carrier: Carrier, at: SimTime, queued: bool, _retry: bool) {
        assert_eq!(self.finished, 0, "accepted after finished");
        self.accepted.push((stream, carrier, at, queued));
    }
    fn resolved(&mut self, fate: &Fate) {
        assert_eq!(self.finished, 0, "resolved after finished");
        assert!(self.fates.len() < self.accepted.len(), "more resolved than accepted");
        self.fates.push(*fate);
    }
    fn finished(&mut self) {
        self.finished += 1;
    }
}

fn run_log(sc: &Scenario) -> Log {
    let mut log = Log::default();
    run(sc, 0, &mut log);
    assert_eq!(log.finished, 1);
    log
}

/// Each fate in the order reported: (stream, accepted ms, dispatched ms, outcome, done ms).
fn fates(log: &Log) -> Vec<(usize, u64, Option<u64>, Outcome, u64)> {
    let ms = |t: SimTime| t.as_nanos() / MS;
    log.fates.iter().map(|f| (f.stream, ms(f.accepted), f.dispatched.map(ms), f.outcome, ms(f.done))).collect()
}

/// Each fate in the order reported: (stream, accepted ms, dispatched ms) of delivered messages.
fn delivered(log: &Log) -> Vec<(usize, u64, u64)> {
    fates(log)
        .into_iter()
        .map(|(s, a, d, o, _)| {
            assert_eq!(o, Outcome::Delivered, "stream {s} accepted at {a} ms");
            (s, a, d.expect("delivered messages were dispatched"))
        })
        .collect()
}

/// The model's dispatch order: at a shared limiter (the account's 1/s),
/// messages waiting in different lanes go in acceptance order, not lane by lane.
#[test]
fn a_shared_limiter_serves_waiting_messages_in_acceptance_order() {
    let mut sc = scenario(1);
    let (x, y) = (short_code(&mut sc), short_code(&mut sc));
    stream(&mut sc, x, Carrier::Att, 1, LONG, trace(&[0, 10, 20]));
    stream(&mut sc, y, Carrier::Verizon, 1, LONG, trace(&[5, 15]));
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 0, 0), (1, 5, 1000), (0, 10, 2000), (1, 15, 3000), (0, 20, 4000)]);
}

/// The model: messages accepted at the same instant are ordered by their
/// stream's position in the file, then by their order within the stream.
#[test]
fn same_instant_ties_follow_the_file_order_of_streams() {
    let mut sc = scenario(1);
    let (x, y) = (short_code(&mut sc), short_code(&mut sc));
    // The first stream in the file uses the second sender.
    stream(&mut sc, y, Carrier::Att, 1, LONG, burst(2, 0));
    stream(&mut sc, x, Carrier::Att, 1, LONG, burst(2, 0));
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 0, 0), (0, 0, 1000), (1, 0, 2000), (1, 0, 3000)]);
}

/// The model: a message held by a limit only it needs (its own number's
/// 1/s) does not hold a younger message on another number.
#[test]
fn a_message_held_by_its_own_number_does_not_hold_another_number() {
    let mut sc = scenario(100);
    let per_number = SenderLimit::PerNumber(window(Rate::per_second(1), Unit::Messages));
    let a = sender(&mut sc, NumberType::TollFree, 1, per_number);
    let b = sender(&mut sc, NumberType::TollFree, 1, per_number);
    stream(&mut sc, a, Carrier::Att, 1, LONG, burst(3, 0));
    stream(&mut sc, b, Carrier::Att, 1, LONG, trace(&[1]));
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 0, 0), (1, 1, 1), (0, 0, 1000), (0, 0, 2000)]);
}

/// The model: a pool's numbers take messages in turn, each number
/// with its own 1/s: five messages at once go two, two, one.
#[test]
fn a_pool_takes_messages_in_turn_each_number_with_its_own_limit() {
    let mut sc = scenario(100);
    let per_number = SenderLimit::PerNumber(window(Rate::per_second(1), Unit::Messages));
    let pool = sender(&mut sc, NumberType::TollFree, 2, per_number);
    stream(&mut sc, pool, Carrier::Att, 1, LONG, burst(5, 0));
    let log = run_log(&sc);
    let at: Vec<u64> = delivered(&log).into_iter().map(|(_, _, d)| d).collect();
    assert_eq!(at, [0, 0, 1000, 1000, 2000]);
}

/// A 10DLC sender with a brand TPM of `tpm` per minute per carrier, counting `unit`.
fn ten_dlc(sc: &mut Scenario, tpm: u64, unit: Unit) -> usize {
    sc.brands.push(Brand {
        id: "b".into(),
        vetting_score: 80,
        use_case: UseCase::Standard,
        tpm: window(Rate::per_minute(tpm), unit),
        mms_tpm: None,
        tpd: 200_000,
        tpd_unit: Unit::Segments,
    });
    let mms = SenderLimit::PerCarrier(window(Rate::per_minute(50), Unit::Messages));
    let s = sender(sc, NumberType::LongCode, 1, SenderLimit::BrandTpm);
    sc.senders[s].limits[Class::Mms.index()] = mms;
    s
}

/// The model: the brand TPM is kept per carrier; a message waiting on
/// Verizon's does not hold a younger one to AT&T from the same number.
#[test]
fn a_message_held_by_one_carriers_tpm_does_not_hold_another_carrier() {
    let mut sc = scenario(100);
    let s = ten_dlc(&mut sc, 1, Unit::Segments);
    stream(&mut sc, s, Carrier::Verizon, 1, LONG, burst(2, 0));
    stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[1000]));
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 0, 0), (1, 1000, 1000), (0, 0, 60_000)]);
}

/// The model: the brand TPM counts segments (6/min: two 3-segment messages
/// per minute); set to count messages, the same four go at once.
#[test]
fn limits_count_the_units_they_are_set_to() {
    let at = |unit| {
        let mut sc = scenario(100);
        let s = ten_dlc(&mut sc, 6, unit);
        stream(&mut sc, s, Carrier::Att, 3, LONG, burst(4, 0));
        delivered(&run_log(&sc)).into_iter().map(|(_, _, d)| d).collect::<Vec<u64>>()
    };
    assert_eq!(at(Unit::Segments), [0, 0, 60_000, 60_000]);
    assert_eq!(at(Unit::Messages), [0, 0, 0, 0]);
}

/// The model, sizes: at a shared limiter (the account, 5 segments a
/// second), a message that needs more units than are left holds younger
/// messages of other lanes that would fit, until the next window.
#[test]
fn an_older_message_short_at_a_shared_limiter_holds_younger_ones() {
    let mut sc = scenario(5);
    sc.account[Class::Sms.index()].unit = Unit::Segments;
    let (a, b, c) = (short_code(&mut sc), short_code(&mut sc), short_code(&mut sc));
    stream(&mut sc, a, Carrier::Att, 4, LONG, trace(&[0]));
    stream(&mut sc, b, Carrier::Att, 3, LONG, trace(&[1]));
    stream(&mut sc, c, Carrier::Att, 1, LONG, trace(&[2]));
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 0, 0), (1, 1, 1000), (2, 2, 1000)]);
    // Without the 3-segment message, the 1-segment one fits at once.
    sc.traffic[1].arrival = trace(&[]);
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 0, 0), (2, 2, 2)]);
}

/// The model: expiry is checked at dequeue, strictly greater than
/// `message_expiry`: at 1/s, the message that waited exactly 5 s goes; the
/// next expires when it reaches the head at 6 s (not at 5 s), takes no
/// slot, and the next message takes that slot at the same instant.
#[test]
fn expiry_is_checked_at_dequeue_and_takes_no_slot() {
    let mut sc = scenario(1);
    let s = short_code(&mut sc);
    stream(&mut sc, s, Carrier::Att, 1, 5, burst(7, 0));
    stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[1]));
    let log = run_log(&sc);
    let mut expected: Vec<_> = (0..6).map(|k| (0, 0, Some(k * 1000), Outcome::Delivered, k * 1000)).collect();
    expected.push((0, 0, None, Outcome::Expired, 6000));
    expected.push((1, 1, Some(6000), Outcome::Delivered, 6000));
    assert_eq!(fates(&log), expected);
}

/// The model: a message already past its expiry but still blocked (here by
/// a platform stop) stays queued; it expires when it reaches the head, at
/// the end of the stop, and a message behind it that has not expired
/// takes the slot at that instant.
#[test]
fn a_blocked_message_expires_only_when_it_reaches_the_head() {
    let mut sc = scenario(1);
    let s = short_code(&mut sc);
    stream(&mut sc, s, Carrier::Att, 1, 5, burst(3, 0));
    stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[1]));
    sc.outages.push(Outage { scope: Scope::Platform, start: ms(500), end: ms(20_000), capacity: Scale::STOP });
    let log = run_log(&sc);
    assert_eq!(
        fates(&log),
        [
            (0, 0, Some(0), Outcome::Delivered, 0),
            (0, 0, None, Outcome::Expired, 20_000),
            (0, 0, None, Outcome::Expired, 20_000),
            (1, 1, Some(20_000), Outcome::Delivered, 20_000),
        ]
    );
}

/// The model, outages: a full stop holds every dispatch from its first
/// instant, even in the middle of a window that still has room.
#[test]
fn a_stop_holds_dispatches_from_its_first_instant() {
    let mut sc = scenario(5);
    let s = short_code(&mut sc);
    stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[1200, 1600, 1700]));
    sc.outages.push(Outage { scope: Scope::Platform, start: ms(1500), end: ms(2000), capacity: Scale::STOP });
    let log = run_log(&sc);
    assert_eq!(delivered(&log), [(0, 1200, 1200), (0, 1600, 2000), (0, 1700, 2000)]);
}

/// The model, horizon: the run covers [start, start + horizon). Arrivals at
/// the end are not accepted; messages in processing or queued at the end
/// are `queued_at_end` and those whose delivery would end at or after it
/// `in_flight_at_end`, all with done = the end.
#[test]
fn the_horizon_leaves_messages_queued_or_in_flight_at_end() {
    let mut sc = scenario(1);
    sc.horizon = Some(SimDuration::from_secs(4));
    sc.processing = Delay::Fixed(SimDuration::from_millis(500));
    sc.delivery = Delay::Fixed(SimDuration::from_secs(1));
    let s = short_code(&mut sc);
    stream(&mut sc, s, Carrier::Att, 1, LONG, burst(5, 0));
    stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[3700, 4000]));
    let log = run_log(&sc);
    assert_eq!(log.accepted.len(), 6, "the arrival at the end is not accepted");
    assert_eq!(
        fates(&log),
        [
            (0, 0, Some(500), Outcome::Delivered, 1500),
            (0, 0, Some(1000), Outcome::Delivered, 2000),
            (0, 0, Some(2000), Outcome::Delivered, 3000),
            (0, 0, Some(3000), Outcome::InFlightAtEnd, 4000),
            // Queued in its lane at the end.
            (0, 0, None, Outcome::QueuedAtEnd, 4000),
            // Still in processing at the end (it would enter its lane at 4.2 s).
            (1, 3700, None, Outcome::QueuedAtEnd, 4000),
        ]
    );
}

/// The model: every accepted message ends in exactly one outcome, reported
/// once: on a scenario with random delays, pools, refusals, blocking,
/// outages, expiry and a horizon, the messages resolved are exactly the
/// messages accepted (stream, carrier and acceptance instant), each
/// coherent with its outcome.
#[test]
fn every_accepted_message_is_resolved_exactly_once() {
    let mut sc = scenario(3);
    sc.horizon = Some(SimDuration::from_secs(120));
    sc.processing = Delay::Uniform { low: SimDuration::ZERO, high: SimDuration::from_secs(3) };
    sc.delivery = Delay::Exponential { mean: SimDuration::from_secs(5) };
    sc.carriers[Carrier::Verizon.index()].undelivered = 0.2;
    let per_number = SenderLimit::PerNumber(window(Rate::per_second(1), Unit::Messages));
    let pool = sender(&mut sc, NumberType::TollFree, 3, per_number);
    let unverified = sender(&mut sc, NumberType::TollFree, 1, per_number);
    sc.senders[unverified].verified = false;
    let brand = ten_dlc(&mut sc, 20, Unit::Segments);
    let mix = |s: &mut Scenario, i: usize| s.traffic[i].carriers = [0.4, 0.3, 0.2, 0.1];
    let i = stream(&mut sc, pool, Carrier::Att, 1, 20, burst(200, 0));
    mix(&mut sc, i);
    let i = stream(
        &mut sc,
        brand,
        Carrier::Att,
        2,
        60,
        Arrival::Burst { count: 150, at: ms(5000), spread: SimDuration::from_secs(30) },
    );
    mix(&mut sc, i);
    let blocked = stream(&mut sc, unverified, Carrier::Att, 1, LONG, burst(4, 1000));
    let rejected = stream(&mut sc, pool, Carrier::Att, 1, LONG, trace(&[2000, 3000]));
    sc.traffic[rejected].class = Class::Mms;
    stream(&mut sc, pool, Carrier::Verizon, 1, LONG, trace(&[119_000, 119_999, 120_000]));
    sc.outages.push(Outage {
        scope: Scope::Carrier(Carrier::Att),
        start: ms(10_000),
        end: ms(40_000),
        capacity: Scale::STOP,
    });
    sc.outages.push(Outage {
        scope: Scope::Platform,
        start: ms(50_000),
        end: ms(90_000),
        capacity: Scale::from_ppt(300_000_000_000).expect("below 1"),
    });
    let log = run_log(&sc);
    assert_eq!(log.accepted.len(), 200 + 150 + 4 + 2 + 2);
    let mut accepted: Vec<(usize, Carrier, SimTime)> = log.accepted.iter().map(|&(s, c, t, _)| (s, c, t)).collect();
    let mut resolved: Vec<(usize, Carrier, SimTime)> =
        log.fates.iter().map(|f| (f.stream, f.carrier, f.accepted)).collect();
    accepted.sort();
    resolved.sort();
    assert_eq!(resolved, accepted);
    let count = |stream: usize, outcome: Outcome| {
        log.fates.iter().filter(|f| f.stream == stream && f.outcome == outcome).count()
    };
    assert_eq!(count(blocked, Outcome::Blocked), 4);
    assert_eq!(count(rejected, Outcome::Rejected), 2);
    let end = ms(120_000);
    for f in &log.fates {
        let expiry = sc.traffic[f.stream].message_expiry;
        assert!(f.done <= end, "{f:?}");
        match f.outcome {
            Outcome::Delivered | Outcome::Undelivered | Outcome::InFlightAtEnd | Outcome::FailedDailyCap => {
                let d = f.dispatched.expect("dispatched");
                assert!(f.accepted <= d && d <= f.done && d < end && d - f.accepted <= expiry, "{f:?}");
            }
            Outcome::Expired => assert!(f.dispatched.is_none() && f.done - f.accepted > expiry, "{f:?}"),
            Outcome::QueuedAtEnd => assert!(f.dispatched.is_none() && f.done == end, "{f:?}"),
            Outcome::Blocked | Outcome::Rejected => assert!(f.dispatched.is_none() && f.done == f.accepted, "{f:?}"),
        }
    }
    // 200 messages through 3 numbers at 1/s with a 20 s expiry: some expire, some go.
    assert!(count(0, Outcome::Expired) > 0 && count(0, Outcome::Delivered) > 0);
}

/// Each message's (outcome, dispatch instant in ms, queue_full), by
/// acceptance instant and stream; of one instant, those queued (in dispatch
/// order) before those refused.
fn fates_in_order(log: &Log) -> Vec<(Outcome, Option<u64>, bool)> {
    let mut fates = log.fates.clone();
    fates.sort_by_key(|f| (f.accepted, f.stream, f.queue_full, f.dispatched));
    fates.iter().map(|f| (f.outcome, f.dispatched.map(|d| d.as_nanos() / 1_000_000), f.queue_full)).collect()
}

#[test]
fn a_full_provider_queue_rejects_the_next_message_until_one_leaves() {
    // One a second through the account, at most 3 waiting per sender.
    let mut sc = scenario(1);
    sc.queue_limit = Some(crate::scenario::QueueLimit::uniform(3, QueueScope::Sender, 1));
    let s = short_code(&mut sc);
    stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[0, 0, 0, 0, 500, 600, 1000, 1001]));
    let log = run_log(&sc);
    use Outcome::{Delivered as D, Rejected as R};
    assert_eq!(
        fates_in_order(&log),
        [
            (D, Some(0), false),
            (D, Some(1000), false),
            (D, Some(2000), false),
            // The 4th at 0 finds 3 waiting (none dispatched yet: arrivals come first).
            (R, None, true),
            // At 500 ms the first has gone: 2 waiting.
            (D, Some(3000), false),
            (R, None, true),
            // At 1 s arrivals come before that instant's dispatch: still 3 waiting.
            (R, None, true),
            (D, Some(4000), false),
        ]
    );
    // A rejection is not queued.
    let queued: Vec<bool> = log.accepted.iter().map(|a| a.3).collect();
    assert_eq!(queued, [true, true, true, false, true, false, false, true]);
}

#[test]
fn an_account_wide_queue_limit_counts_every_sender() {
    let mut sc = scenario(1);
    sc.queue_limit = Some(crate::scenario::QueueLimit::uniform(2, QueueScope::Account, 2));
    let (a, b) = (short_code(&mut sc), short_code(&mut sc));
    stream(&mut sc, a, Carrier::Att, 1, LONG, trace(&[0, 0]));
    stream(&mut sc, b, Carrier::Att, 1, LONG, trace(&[0, 1500, 1500]));
    let log = run_log(&sc);
    let b_fates: Vec<(Outcome, Option<u64>, bool)> = fates_in_order(&log);
    use Outcome::{Delivered as D, Rejected as R};
    assert_eq!(
        b_fates,
        [
            // At 0: a, a fill the account's 2 places; b is refused whatever its own count.
            (D, Some(0), false),
            (D, Some(1000), false),
            (R, None, true),
            // At 1.5 s both have gone: b's two are taken.
            (D, Some(2000), false),
            (D, Some(3000), false),
        ]
    );
    // Per sender, b's first one goes in; at 1.5 s b0 still waits (the account
    // sent a0 and a1 first), so b's third is refused.
    sc.queue_limit = Some(crate::scenario::QueueLimit::uniform(2, QueueScope::Sender, 2));
    let refused: Vec<bool> = fates_in_order(&run_log(&sc)).iter().map(|f| f.2).collect();
    assert_eq!(refused, [false, false, false, false, true]);
}

#[test]
fn a_paced_sender_submits_at_its_own_rate_exactly_and_waits_count_from_arrival() {
    let mut sc = scenario(100);
    let s = short_code(&mut sc);
    // Three a second, four at once, then one long after: submitted at
    // floor(k · 1 s / 3) back to back, and the late one when it arrives.
    let i = stream(&mut sc, s, Carrier::Att, 1, LONG, trace(&[0, 0, 0, 0, 5000]));
    sc.traffic[i].pace = Some(Rate::new(3, 1, SimDuration::from_secs(1)).expect("nonzero"));
    let log = run_log(&sc);
    let mut fates = log.fates.clone();
    fates.sort_by_key(|f| f.accepted);
    let times: Vec<(u64, u64, u64)> = fates
        .iter()
        .map(|f| (f.attempt.arrived.as_nanos(), f.accepted.as_nanos(), f.dispatched.expect("sent").as_nanos()))
        .collect();
    assert_eq!(
        times,
        [
            (0, 0, 0),
            (0, 333_333_333, 333_333_333),
            (0, 666_666_666, 666_666_666),
            (0, 1_000_000_000, 1_000_000_000),
            (5_000_000_000, 5_000_000_000, 5_000_000_000),
        ]
    );
    // The provider saw them at submission: acceptance is when it has them.
    let accepted: Vec<u64> = log.accepted.iter().map(|a| a.2.as_nanos()).collect();
    assert_eq!(accepted, [0, 333_333_333, 666_666_666, 1_000_000_000, 5_000_000_000]);
}

#[test]
fn pacing_holds_messages_before_the_expiry_clock_starts() {
    // One a second paced, 5 s expiry, account 1 a second too: without
    // pacing the 10 at once would wait up to 9 s and 4 expire; paced, each
    // is accepted when the account has room and none waits in the queue.
    let mut sc = scenario(1);
    let s = short_code(&mut sc);
    let i = stream(&mut sc, s, Carrier::Att, 1, 5, burst(10, 0));
    let expired = |sc: &Scenario| run_log(sc).fates.iter().filter(|f| f.outcome == Outcome::Expired).count();
    assert_eq!(expired(&sc), 4);
    sc.traffic[i].pace = Some(Rate::per_second(1));
    assert_eq!(expired(&sc), 0);
    let log = run_log(&sc);
    assert!(log.fates.iter().all(|f| f.dispatched == Some(f.accepted)), "no queue wait");
    let last = log.fates.iter().map(|f| f.accepted - f.attempt.arrived).max().expect("ten");
    assert_eq!(last, SimDuration::from_secs(9), "the tenth waited 9 s at the client");
}

/// Retries of expired attempts: after each listed wait, as many as listed.
fn retry_expired(after_s: &[u64]) -> Option<crate::scenario::Retry> {
    let mut on = [false; 8];
    on[Outcome::Expired.index()] = true;
    let after = after_s.iter().map(|&s| crate::scenario::RetryAfter::Wait(SimDuration::from_secs(s))).collect();
    Some(crate::scenario::Retry { on, after })
}

#[test]
fn an_expired_attempt_is_retried_and_a_retry_can_expire_too() {
    // One a second; 10 of `a` at 0 with a 5 s expiry: 0..5 go at 0..5 s,
    // 6..9 have waited 6 s at 6 s and expire together. Their retries come
    // 10 s later, at 16 s, just after 6 of `b` arriving then: `b` goes at
    // 16..21 s, the retries have waited 6 s at 22 s and expire again; the
    // second retries, 20 s later at 42 s, go at 42..45 s.
    let mut sc = scenario(1);
    let s = short_code(&mut sc);
    let a = stream(&mut sc, s, Carrier::Att, 1, 5, burst(10, 0));
    let b = stream(&mut sc, s, Carrier::Att, 1, LONG, burst(6, 16_000));
    sc.traffic[a].retry = retry_expired(&[10, 20]);
    let log = run_log(&sc);
    let of_a: Vec<&Fate> = log.fates.iter().filter(|f| f.stream == a).collect();
    let expired: Vec<(u64, u32, u64, Option<u64>)> = of_a
        .iter()
        .filter(|f| f.outcome == Outcome::Expired)
        .map(|f| {
            (
                f.attempt.index,
                f.attempt.number,
                f.done.as_nanos() / 1_000_000,
                f.retry_at.map(|r| r.as_nanos() / 1_000_000),
            )
        })
        .collect();
    assert_eq!(
        expired,
        [
            (6, 0, 6000, Some(16_000)),
            (7, 0, 6000, Some(16_000)),
            (8, 0, 6000, Some(16_000)),
            (9, 0, 6000, Some(16_000)),
            (6, 1, 22_000, Some(42_000)),
            (7, 1, 22_000, Some(42_000)),
            (8, 1, 22_000, Some(42_000)),
            (9, 1, 22_000, Some(42_000)),
        ]
    );
    let sent = |f: &&Fate| f.dispatched.map(|d| d.as_nanos() / 1_000_000);
    let finals: Vec<(u64, Option<u64>, u32)> =
        of_a.iter().filter(|f| f.retry_at.is_none()).map(|f| (f.attempt.index, sent(f), f.attempt.number)).collect();
    let mut finals = finals;
    finals.sort();
    let expected: Vec<(u64, Option<u64>, u32)> =
        (0..10).map(|i| if i < 6 { (i, Some(i * 1000), 0) } else { (i, Some(42_000 + (i - 6) * 1000), 2) }).collect();
    assert_eq!(finals, expected, "every message of `a` has one final outcome: delivered");
    // `b` went first at 16 s: arrivals come before the retries of the same instant.
    let b_sent: Vec<Option<u64>> = log.fates.iter().filter(|f| f.stream == b).map(|f| sent(&f)).collect();
    assert_eq!(b_sent, (16..22).map(|s| Some(s * 1000)).collect::<Vec<_>>());
    // Acceptances: 16 messages, and 8 retries.
    let retries = log.accepted.len() - 16;
    assert_eq!(retries, 8);
    // One retry only: the second expiry is final.
    sc.traffic[a].retry = retry_expired(&[10]);
    let log = run_log(&sc);
    let finals = log.fates.iter().filter(|f| f.stream == a && f.retry_at.is_none());
    let outcomes: Vec<Outcome> = finals.map(|f| f.outcome).collect();
    assert_eq!(outcomes.iter().filter(|&&o| o == Outcome::Expired).count(), 4);
    assert_eq!(outcomes.len(), 10);
}

#[test]
fn a_retry_past_the_horizon_is_not_made() {
    let mut sc = scenario(1);
    let s = short_code(&mut sc);
    let a = stream(&mut sc, s, Carrier::Att, 1, 5, burst(10, 0));
    sc.traffic[a].retry = retry_expired(&[10]);
    sc.horizon = Some(SimDuration::from_secs(15));
    let log = run_log(&sc);
    assert!(log.fates.iter().all(|f| f.retry_at.is_none()), "16 s is past the 15 s horizon");
    assert_eq!(log.fates.iter().filter(|f| f.outcome == Outcome::Expired).count(), 4);
}
