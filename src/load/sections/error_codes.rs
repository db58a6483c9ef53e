//! `[error_codes]`: the provider code reported for each failed outcome.

use crate::load::{Reader, Tbl};
use crate::scenario::model::Outcome;

/// Outcomes whose provider code `[error_codes]` may set.
const ERROR_CODE_OUTCOMES: [Outcome; 5] =
    [Outcome::Expired, Outcome::FailedDailyCap, Outcome::Blocked, Outcome::Rejected, Outcome::Undelivered];

impl Reader<'_> {
    /// `[error_codes]`: the provider code reported for an outcome.
    /// `defaults` are the provider preset's codes.
    pub(super) fn codes(&mut self, root: &Tbl, defaults: [Option<u32>; 8]) -> [Option<u32>; 8] {
        let mut codes = defaults;
        let Some(v) = root.get("error_codes") else {
            return codes;
        };
        if let Some(t) = self.table(v, "error_codes".into(), &crate::load::spec::ERROR_CODES.names()) {
            for o in ERROR_CODE_OUTCOMES {
                if let Some(code) = self.int(&t, o.name(), 0..=99_999) {
                    codes[o.index()] = Some(code as u32);
                }
            }
        }
        codes
    }
}
