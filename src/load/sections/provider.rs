//! `[provider]`: what the provider itself does around the carriers'
//! limits, beyond the source document (MODEL §9): a preset of a provider's
//! documented rules, and a cap on waiting messages.

use crate::load::spec;
use crate::load::{Reader, Tbl};
use crate::scenario::model::{Preset, QueueScope};
use crate::scenario::provider::{QueueLimit, Rules, ScopeRates};
use crate::scenario::{Brand, Limit, Sender};

/// The `[provider]` table as written: applied once the senders are known.
pub(super) struct Provider {
    pub(super) rules: Rules,
    queue_max: Option<u64>,
    queue_scope: Option<QueueScope>,
}

impl Reader<'_> {
    pub(super) fn provider(&mut self, root: &Tbl) -> Provider {
        let mut out = Provider { rules: Preset::Plivo.rules(), queue_max: None, queue_scope: None };
        let Some(v) = root.get("provider") else { return out };
        let Some(t) = self.table(v, "provider".into(), &spec::PROVIDER.names()) else { return out };
        out.rules = self.choice(&t, "preset", &Preset::ALL, Preset::name).unwrap_or(Preset::Plivo).rules();
        out.queue_scope = self.choice(&t, "queue_scope", &QueueScope::ALL, QueueScope::name);
        out.queue_max = self.int(&t, "queue_max", 1..=u64::from(u32::MAX));
        let queued = out.rules.queue.is_some() || t.get("queue_max").is_some();
        if !queued && t.get("queue_scope").is_some() {
            self.missing(&t, "queue_max", "how many messages may wait before new ones are rejected");
        }
        out
    }
}

impl Provider {
    /// The queue limit, if any: `queue_max` as written, or the preset's
    /// hours at each scope's rate; `queue_scope` overrides the preset's.
    pub(super) fn queue_limit(&self, account: &Limit, senders: &[Sender], brands: &[Brand]) -> Option<QueueLimit> {
        if let Some(max) = self.queue_max {
            let scope = self.queue_scope.or(self.rules.queue.map(|q| q.1)).unwrap_or(QueueScope::Sender);
            return Some(QueueLimit::uniform(max, scope, senders.len()));
        }
        let (hours, scope) = self.rules.queue?;
        let scope = self.queue_scope.unwrap_or(scope);
        Some(QueueLimit::of_duration(hours, scope, &ScopeRates::of(account, senders, brands)))
    }
}
