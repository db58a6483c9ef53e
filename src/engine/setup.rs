//! Building the engine's lanes, limiters and gates from a scenario.

use super::{DailyCap, Engine, Lane, price_table, stream_draws};
use crate::calendar::TOLL_FREE_BLOCK_FROM;
use crate::limiter::Limiter;
use crate::model::{Carrier, Class};
use crate::outage::{Outage, ScaleTimeline, Scope};
use crate::rng::{Purpose, Sequence, stream_key};
use crate::scenario::{Limit, Scenario, SenderLimit};
use crate::time::SimTime;
use crate::traffic::Arrivals;
use std::collections::BinaryHeap;

impl<'s> Engine<'s> {
    pub(super) fn new(sc: &'s Scenario, replication: u32) -> Engine<'s> {
        let mut limiters: Vec<Limiter> = Vec::new();
        let mut add = |limit: &Limit, scale: ScaleTimeline, only_when_degraded: bool| {
            let limiter = Limiter::new(limit.rate, limit.shape, limit.burst, limit.unit, scale);
            limiters.push(if only_when_degraded { limiter.when_degraded() } else { limiter });
            (limiters.len() - 1) as u32
        };
        let outages = &sc.outages;
        let timeline = |f: &dyn Fn(&Outage) -> bool| ScaleTimeline::of(outages, f);
        let platform = timeline(&|o| o.scope == Scope::Platform);
        let account: Vec<u32> =
            Class::ALL.iter().map(|c| add(&sc.account[c.index()], platform.clone(), false)).collect();
        let carrier_tl: Vec<ScaleTimeline> =
            Carrier::ALL.iter().map(|&c| timeline(&|o| o.scope == Scope::Carrier(c))).collect();
        let tpm: Vec<Vec<u32>> = sc
            .brands
            .iter()
            .map(|b| Carrier::ALL.iter().map(|c| add(&b.tpm, carrier_tl[c.index()].clone(), false)).collect())
            .collect();

        let mut lanes = Vec::new();
        let mut lane_base = Vec::new();
        let mut gates = Vec::new();
        for (si, sender) in sc.senders.iter().enumerate() {
            lane_base.push((lanes.len() / 8) as u32);
            let sender_tl = timeline(&|o| o.scope == Scope::Sender(si));
            let both = |c: Carrier| timeline(&|o| o.scope == Scope::Sender(si) || o.scope == Scope::Carrier(c));
            for c in Carrier::ALL {
                // Stopped wherever the product of these scopes' outages is zero.
                gates.push(timeline(&|o| {
                    matches!(o.scope, Scope::Platform) || o.scope == Scope::Carrier(c) || o.scope == Scope::Sender(si)
                }));
            }
            for _number in 0..sender.numbers {
                let own: Vec<Option<u32>> = Class::ALL
                    .iter()
                    .map(|k| match &sender.limits[k.index()] {
                        SenderLimit::PerNumber(l) => Some(add(l, sender_tl.clone(), false)),
                        _ => None,
                    })
                    .collect();
                for c in Carrier::ALL {
                    let degraded = carrier_tl[c.index()].has_degraded();
                    for k in Class::ALL {
                        let mut on_path = vec![account[k.index()]];
                        match &sender.limits[k.index()] {
                            SenderLimit::PerNumber(l) => {
                                on_path.push(own[k.index()].expect("made above"));
                                // A degraded carrier outage on a path with no
                                // per-carrier limit adds one at f of the number's rate.
                                if degraded {
                                    on_path.push(add(l, carrier_tl[c.index()].clone(), true));
                                }
                            }
                            SenderLimit::PerCarrier(l) => on_path.push(add(l, both(c), false)),
                            SenderLimit::BrandTpm => {
                                if let Some(b) = sender.brand {
                                    on_path.push(tpm[b][c.index()]);
                                }
                            }
                            SenderLimit::Refused => {}
                        }
                        lanes.push(Lane {
                            queue: Default::default(),
                            limiters: on_path,
                            gate: (si * 4 + c.index()) as u32,
                            active_at: None,
                        });
                    }
                }
            }
        }
        let held = vec![0; limiters.len()];
        let block_from = sc.calendar.clamp(TOLL_FREE_BLOCK_FROM.parse().expect("valid constant"));
        Engine {
            sc,
            end: sc.end(),
            block_from,
            arrivals: sc
                .traffic
                .iter()
                .map(|s| {
                    Arrivals::new(
                        &s.arrival,
                        Sequence::new(stream_key(sc.seed, replication, &s.name, Purpose::Arrival)),
                    )
                })
                .collect(),
            next_arrivals: BinaryHeap::new(),
            draws: sc.traffic.iter().map(|s| stream_draws(sc, replication, &s.name)).collect(),
            processing: BinaryHeap::new(),
            lanes,
            active: Vec::new(),
            limiters,
            held,
            pass: 0,
            gates,
            lane_base,
            round_robin: vec![[0; 2]; sc.senders.len()],
            caps: sc.brands.iter().map(|_| DailyCap { day: None, done: Vec::new() }).collect(),
            wakeup: SimTime::NEVER,
            seq: 0,
            events: 0,
            heads: BinaryHeap::new(),
            prices: price_table(sc),
        }
    }
}
