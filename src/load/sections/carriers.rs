//! `[carriers]`: each carrier's undelivered share and surcharges.

use crate::load::spec;
use crate::load::{Reader, Tbl};
use crate::scenario::model::Carrier;
use crate::scenario::{CarrierSettings, DEFAULT_SURCHARGES, Money};

impl Reader<'_> {
    pub(super) fn carriers(&mut self, root: &Tbl) -> [CarrierSettings; 4] {
        let mut out = [CarrierSettings::default(); 4];
        for c in Carrier::ALL {
            out[c.index()].surcharge = DEFAULT_SURCHARGES[c.index()].map(Money);
        }
        let Some(v) = root.get("carriers") else {
            return out;
        };
        let Some(t) = self.table(v, "carriers".into(), &spec::CARRIERS.names()) else {
            return out;
        };
        for c in Carrier::ALL {
            let Some(v) = t.get(c.name()) else { continue };
            let Some(ct) = self.table(v, t.path(c.name()), &spec::CARRIER.names()) else {
                continue;
            };
            let settings = &mut out[c.index()];
            if let Some(p) = self.float(&ct, "undelivered") {
                if (0.0..=1.0).contains(&p) {
                    settings.undelivered = p;
                } else {
                    self.invalid(
                        &ct,
                        "undelivered",
                        ct.get("undelivered").expect("read"),
                        format!("expected a probability from 0 to 1, found {p}"),
                    );
                }
            }
            for (k, key) in [(0, "surcharge_sms"), (1, "surcharge_mms")] {
                if let Some(m) = self.usd(&ct, key) {
                    settings.surcharge[k] = m;
                }
            }
        }
        out
    }
}
