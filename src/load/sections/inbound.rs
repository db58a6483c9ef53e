//! `[[inbound]]`: messages received by an application (MODEL §10), shown
//! in the detail records and using no outbound throughput.

use crate::load::spec;
use crate::load::{Reader, Tbl};
use crate::scenario::bounds::MAX_NUMBERS;
use crate::scenario::calendar::Calendar;
use crate::scenario::model::Country;
use crate::scenario::phone::Destinations;
use crate::scenario::segments;
use crate::scenario::time::SimDuration;
use crate::scenario::{Inbound, Stream};
use std::collections::BTreeSet;

impl Reader<'_> {
    pub(super) fn inbound(
        &mut self,
        root: &Tbl,
        traffic: &[Stream],
        cal: &Calendar,
        horizon: Option<SimDuration>,
    ) -> Vec<Inbound> {
        let mut out: Vec<Inbound> = Vec::new();
        // Names are shared with the traffic streams: records name either.
        let mut taken: BTreeSet<String> = traffic.iter().map(|s| s.name.clone()).collect();
        for (i, v) in self.tables(root, "inbound").into_iter().enumerate() {
            let Some((t, name)) = self.named_table(v, "inbound", i, "name", &spec::INBOUND.names(), &taken) else {
                continue;
            };
            let country = self.inbound_country(&t);
            let application = self.string(&t, "application").unwrap_or("").to_string();
            if t.get("application").is_none() {
                self.missing(&t, "application", "the name of the application receiving the messages");
            }
            // One setting per application: a stream that does not give it has the application's.
            let same_app = out.iter().find(|x| x.application == application);
            let log_incoming_messages =
                self.bool(&t, "log_incoming_messages").or(same_app.map(|x| x.log_incoming_messages)).unwrap_or(true);
            if let (Some(other), Some(v)) = (same_app, t.get("log_incoming_messages"))
                && other.log_incoming_messages != log_incoming_messages
            {
                let why = format!(
                    "application \"{application}\" already has log_incoming_messages = {} (inbound `{}`): it is one setting per application",
                    other.log_incoming_messages, other.name
                );
                self.invalid(&t, "log_incoming_messages", v, why);
            }
            let text = self.string(&t, "text").map(str::to_string);
            let segments = text.as_deref().map_or(1, |s| segments::count(s).1.clamp(1, 255));
            let numbers = self.int(&t, "numbers", 1..=u64::from(MAX_NUMBERS)).unwrap_or(1) as u32;
            let contacts = self.int(&t, "contacts", 1..=u64::MAX).map_or(Destinations::Own, Destinations::Drawn);
            let arrival = match t.get("arrival") {
                Some(v) => self.arrival(v, &t, cal, root.get("horizon").is_some()).map(|(arrival, listed)| {
                    if listed.is_some() {
                        let why = "inbound messages come to the application's numbers: `dst` does not apply".into();
                        self.invalid(&t, "arrival", v, why);
                    }
                    self.warn_many(&t, v, &arrival, horizon);
                    arrival
                }),
                None => {
                    self.missing(
                        &t,
                        "arrival",
                        "an arrival process, e.g. { process = \"poisson\", rate = \"1/min\", until = \"1h\" }",
                    );
                    None
                }
            };
            if let (Some(country), Some(arrival)) = (country, arrival) {
                taken.insert(name.clone());
                out.push(Inbound {
                    name,
                    country,
                    application,
                    log_incoming_messages,
                    text,
                    segments,
                    numbers,
                    contacts,
                    arrival,
                });
            }
        }
        out
    }

    /// An inbound stream's `country`: the provider receives in the US and
    /// the United Kingdom only.
    fn inbound_country(&mut self, t: &Tbl) -> Option<Country> {
        let Some(code) = self.string(t, "country") else {
            if t.get("country").is_none() {
                self.missing(t, "country", "\"US\" or \"GB\", where the application's numbers receive");
            }
            return None;
        };
        match Country::from_name(code) {
            Some(c) if c == Country::US || c == Country::GB => Some(c),
            _ => {
                let why =
                    format!("expected \"US\" or \"GB\" (inbound messages are received in those two), found \"{code}\"");
                self.invalid(t, "country", t.get("country").expect("read"), why);
                None
            }
        }
    }
}
