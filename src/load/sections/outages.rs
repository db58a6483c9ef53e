//! `[[outages]]`: when a platform, carrier or sender stops or slows down.

use super::Ids;
use crate::load::spec;
use crate::load::{Reader, Tbl, Value};
use crate::scenario::calendar::Calendar;
use crate::scenario::model::{Carrier, Class};
use crate::scenario::outage::{Outage, Scope};
use crate::scenario::rate::Scale;
use crate::scenario::{Sender, Stream};

impl Reader<'_> {
    pub(super) fn outages(&mut self, root: &Tbl, senders: &[Sender], cal: &Calendar) -> Vec<Outage> {
        let mut out = Vec::new();
        for (i, v) in self.tables(root, "outages").into_iter().enumerate() {
            let Some(t) = self.table(v, format!("outages.{i}"), &spec::OUTAGES.names()) else {
                continue;
            };
            let scope = match (self.string(&t, "scope"), t.get("scope")) {
                (Some(s), Some(v)) => self.scope(s, &t, v, senders),
                (None, None) => {
                    self.missing(&t, "scope", "\"platform\", \"carrier:<name>\" or \"sender:<id>\"");
                    None
                }
                _ => None,
            };
            let start = self.instant(&t, "start", cal);
            if t.get("start").is_none() {
                self.missing(&t, "start", "an offset such as \"30m\" or an RFC 3339 time");
            }
            let end = match (self.duration(&t, "duration"), self.instant(&t, "end", cal)) {
                (Some(d), None) => start.map(|s| s + d),
                (None, Some(e)) => Some(e),
                (Some(_), Some(_)) => {
                    self.error(t.span.clone(), format!("`{}`: give `duration` or `end`, not both", t.name));
                    None
                }
                (None, None) => {
                    if t.get("duration").is_none() && t.get("end").is_none() {
                        self.missing(&t, "duration", "how long it lasts, e.g. \"20m\" (or an `end` time)");
                    }
                    None
                }
            };
            let capacity = self.fraction(&t, "capacity").unwrap_or(Scale::STOP);
            if let (Some(scope), Some(start), Some(end)) = (scope, start, end) {
                if end <= start {
                    self.error(t.span.clone(), format!("`{}`: the outage must end after it starts", t.name));
                    continue;
                }
                out.push(Outage { scope, start, end, capacity });
            }
        }
        out
    }

    fn scope(&mut self, s: &str, t: &Tbl, v: &Value, senders: &[Sender]) -> Option<Scope> {
        let expected = "\"platform\", \"carrier:<att|tmobile|verizon|other>\" or \"sender:<id>\"";
        match s.split_once(':') {
            None if s == "platform" => Some(Scope::Platform),
            Some(("carrier", c)) => match Carrier::from_name(c) {
                Some(c) => Some(Scope::Carrier(c)),
                None => {
                    self.invalid(
                        t,
                        "scope",
                        v,
                        format!("unknown carrier \"{c}\": expected att, tmobile, verizon or other"),
                    );
                    None
                }
            },
            Some(("sender", id)) => self
                .find(t, "scope", v, id, "senders", &Ids::new(senders.iter().map(|x| x.id.as_str())))
                .map(Scope::Sender),
            _ => {
                self.invalid(t, "scope", v, format!("expected {expected}, found \"{s}\""));
                None
            }
        }
    }

    pub(super) fn outage_warnings(&mut self, senders: &[Sender], traffic: &[Stream], outages: &[Outage], root: &Tbl) {
        let items = self.tables(root, "outages");
        for (o, v) in outages.iter().zip(items) {
            if let (Scope::Sender(s), true) = (o.scope, o.capacity.is_degraded()) {
                let sends_sms = traffic.iter().any(|t| t.sender == s && t.class == Class::Sms);
                if senders[s].is_10dlc() && sends_sms {
                    self.warn(v.span(), format!("a degraded outage of 10DLC sender \"{}\" has no effect on its SMS: 10DLC SMS has no per-number limit to scale (use a carrier or platform scope)", senders[s].id));
                }
            }
        }
    }
}
