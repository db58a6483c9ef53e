//! a2psim: simulates application-to-person SMS/MMS traffic under the
//! throughput rules of US and Canadian messaging, message by message.
//!
//! The [`engine`] runs a validated [`scenario::Scenario`] and reports what
//! happens to a [`engine::Recorder`]; [`stats`] turns that into the figures of
//! `summary.json`. Reading scenario files ([`load`]) and writing reports
//! ([`report`]) sit around the engine, which knows nothing of files.

pub mod advice;
pub mod baseline;
pub mod batch;
pub mod calendar;
pub mod charts;
pub mod ci;
pub mod delay;
pub mod engine;
pub mod expect;
pub mod html;
pub mod limiter;
pub mod limits;
pub mod load;
pub mod model;
pub mod outage;
pub mod rate;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod segments;
pub mod simulate;
pub mod stats;
pub mod time;
pub mod traffic;
