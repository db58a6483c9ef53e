//! `[account]`: the account's SMS and MMS rate limits.

use crate::load::spec;
use crate::load::{Reader, Tbl};
use crate::scenario::Limit;
use crate::scenario::limits::account_rate;
use crate::scenario::model::{Class, Shape, Unit};
use crate::scenario::time::SimDuration;

impl Reader<'_> {
    pub(super) fn account(&mut self, root: &Tbl) -> [Limit; 2] {
        let sec = SimDuration::from_secs(1);
        let defaults = Class::ALL.map(account_rate);
        let t = root.get("account").and_then(|v| self.table(v, "account".into(), &spec::ACCOUNT.names()));
        let (shape, burst, unit) = match &t {
            Some(t) => self.limit_style(t, "unit", Unit::Messages),
            None => (Shape::Window, 1, Unit::Messages),
        };
        let mut rate = |key, default| t.as_ref().and_then(|t| self.rate(t, key, sec)).unwrap_or(default);
        let sms = rate("sms_mps", defaults[0]);
        let mms = rate("mms_mps", defaults[1]);
        [sms, mms].map(|rate| Limit { rate, shape, burst, unit })
    }
}
