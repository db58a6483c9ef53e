//! Building the engine from a scenario: arrivals, random draws, prices;
//! lanes and their limiters come later, as numbers are used.

use super::lanes::Paths;
use super::waits::Waits;
use super::{DailyCap, Engine, Pacing, Source, Waiting, prices, stream_draws};
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
            sources: sc
                .traffic
                .iter()
                .map(|stream| Source {
                    stream,
                    sender: &sc.senders[stream.sender],
                    arrivals: Arrivals::new(
                        &stream.arrival,
                        Sequence::new(stream_key(sc.seed, replication, &stream.name, Purpose::Arrival)),
                    ),
                    pacing: stream.pace.map(Pacing::new),
                    draws: stream_draws(sc, replication, stream),
                    prices: prices(sc, stream),
                })
                .collect(),
            next_arrivals: BinaryHeap::new(),
            processing: BinaryHeap::new(),
            paths: Paths::new(sc),
            waits: Waits::default(),
            round_robin: vec![[0; 2]; sc.senders.len()],
            waiting: sc.queue_limit.as_ref().map(|limit| Waiting {
                limit,
                per_sender: vec![0; sc.senders.len()],
                total: 0,
            }),
            retries: BinaryHeap::new(),
            caps: sc.brands.iter().map(|_| DailyCap { day: None, done: Vec::new() }).collect(),
            seq: 0,
            events: 0,
        }
    }
}
