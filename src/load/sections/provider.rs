//! `[provider]`: what the provider itself does before the carriers' limits,
//! beyond the source document (MODEL §9): a cap on waiting messages.

use crate::load::{Reader, Tbl};
use crate::scenario::QueueLimit;
use crate::scenario::model::QueueScope;

impl Reader<'_> {
    pub(super) fn provider(&mut self, root: &Tbl) -> Option<QueueLimit> {
        let t = self.table(root.get("provider")?, "provider".into(), &["queue_max", "queue_scope"])?;
        let scope = self.choice(&t, "queue_scope", &QueueScope::ALL, QueueScope::name);
        let Some(max) = self.int(&t, "queue_max", 1..=u64::from(u32::MAX)) else {
            if t.get("queue_max").is_none() && t.get("queue_scope").is_some() {
                self.missing(&t, "queue_max", "how many messages may wait before new ones are rejected");
            }
            return None;
        };
        Some(QueueLimit { max, scope: scope.unwrap_or(QueueScope::Sender) })
    }
}
