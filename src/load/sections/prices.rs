//! `[prices]`: what a segment costs, and which failures are charged.

use crate::load::{Reader, Tbl};
use crate::scenario::model::{Class, NumberType};
use crate::scenario::{DEFAULT_PRICES, Money, Prices};

impl Reader<'_> {
    pub(super) fn prices(&mut self, root: &Tbl) -> Prices {
        let mut prices = Prices {
            per_segment: DEFAULT_PRICES.map(|row| row.map(Money)),
            charge_failed_daily_cap: false,
            charge_blocked: false,
        };
        let Some(v) = root.get("prices") else {
            return prices;
        };
        let Some(t) = self.table(v, "prices".into(), &crate::load::spec::PRICES.names()) else {
            return prices;
        };
        for n in NumberType::ALL {
            for c in Class::ALL {
                if let Some(m) = self.usd(&t, &format!("{}_{}", n.name(), c.name())) {
                    prices.per_segment[n.index()][c.index()] = m;
                }
            }
        }
        prices.charge_failed_daily_cap = self.bool(&t, "charge_failed_daily_cap").unwrap_or(false);
        prices.charge_blocked = self.bool(&t, "charge_blocked").unwrap_or(false);
        prices
    }
}
