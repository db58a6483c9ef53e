//! Integration tests: one binary, a module per area.

mod helpers;

mod charts;
mod checks;
mod cli;
mod determinism;
mod documented;
mod explain;
mod explorer;
mod init;
mod lanes;
mod layers;
mod limits;
mod outages;
mod plans;
mod properties;
mod provider;
mod queueing;
mod records;
mod reference;
mod schema;
mod series;
mod shipped;
mod sweeps;
mod timezones;
mod windows;
