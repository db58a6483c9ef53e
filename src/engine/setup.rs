//! Building the engine from a scenario: arrivals, random draws, prices;
//! lanes and their limiters come later, as numbers are used.

use super::lanes::Paths;
use super::waits::Waits;
use super::{DailyCap, Engine, Pacing, Waiting, price_table, stream_draws};
use crate::scenario::Scenario;
use crate::scenario::calendar::TOLL_FREE_BLOCK_FROM;
use crate::scenario::rng::{Purpose, Sequence, stream_key};
use crate::scenario::traffic::Arrivals;
use std::collections::BinaryHeap;

impl<'s> Engine<'s> {
    pub(super) fn new(sc: &'s Scenario, replication: u32) -> Engine<'s> {
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
            draws: sc.traffic.iter().map(|s| stream_draws(sc, replication, s)).collect(),
            processing: BinaryHeap::new(),
            paths: Paths::new(sc),
            waits: Waits::default(),
            round_robin: vec![[0; 2]; sc.senders.len()],
            waiting: sc.queue_limit.as_ref().map(|limit| Waiting {
                limit,
                per_sender: vec![0; sc.senders.len()],
                total: 0,
            }),
            pacing: sc.traffic.iter().map(|s| s.pace.map(Pacing::new)).collect(),
            retries: BinaryHeap::new(),
            caps: sc.brands.iter().map(|_| DailyCap { day: None, done: Vec::new() }).collect(),
            seq: 0,
            events: 0,
            prices: price_table(sc),
        }
    }
}
