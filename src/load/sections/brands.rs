//! `[[brands]]`: registered 10DLC brands, their vetting score and limits.

use crate::load::spec;
use crate::load::{Reader, Tbl};
use crate::scenario::limits::{brand_tpm, tmobile_tpd};
use crate::scenario::model::{Unit, UseCase};
use crate::scenario::rate::Rate;
use crate::scenario::time::SimDuration;
use crate::scenario::{Brand, Limit};
use std::collections::BTreeSet;

impl Reader<'_> {
    pub(super) fn brands(&mut self, root: &Tbl) -> Vec<Brand> {
        let mut out: Vec<Brand> = Vec::new();
        let mut taken = BTreeSet::new();
        for (i, v) in self.tables(root, "brands").into_iter().enumerate() {
            let Some((t, id)) = self.named_table(v, "brands", i, "id", &spec::BRANDS.names(), &taken) else {
                continue;
            };
            let score = self.int(&t, "vetting_score", 0..=100);
            if t.get("vetting_score").is_none() {
                self.missing(&t, "vetting_score", "a whole number from 0 to 100 (0: skipped secondary vetting)");
            }
            let score = score.unwrap_or(0) as u8;
            let use_case = self.choice(&t, "use_case", &UseCase::ALL, UseCase::name).unwrap_or(UseCase::Standard);
            let tpm = self
                .rate(&t, "tpm", SimDuration::from_secs(60))
                .unwrap_or_else(|| Rate::per_minute(brand_tpm(use_case, score)));
            let tpd = self.int(&t, "tpd", 1..=u64::MAX).unwrap_or_else(|| tmobile_tpd(use_case, score));
            let (shape, burst, tpm_unit) = self.limit_style(&t, "tpm_unit", Unit::Segments);
            let mms_tpm = self.rate(&t, "mms_tpm", SimDuration::from_secs(60)).map(|rate| Limit {
                rate,
                shape,
                burst,
                unit: Unit::Messages,
            });
            let tpd_unit = self.choice(&t, "tpd_unit", &Unit::ALL, Unit::name).unwrap_or(Unit::Segments);
            taken.insert(id.clone());
            out.push(Brand {
                id,
                vetting_score: score,
                use_case,
                tpm: Limit { rate: tpm, shape, burst, unit: tpm_unit },
                mms_tpm,
                tpd,
                tpd_unit,
            });
        }
        out
    }
}
