//! `[delays]`: the processing and delivery delay distributions.

use crate::load::spec;
use crate::load::values;
use crate::load::{Reader, Tbl, Value};
use crate::scenario::delay::Delay;
use crate::scenario::time::SimDuration;

impl Reader<'_> {
    pub(super) fn delays(&mut self, root: &Tbl) -> (Delay, Delay) {
        let Some(v) = root.get("delays") else {
            return Default::default();
        };
        let Some(t) = self.table(v, "delays".into(), &spec::DELAYS.names()) else {
            return Default::default();
        };
        let processing = t.get("processing").and_then(|v| self.delay(v, t.path("processing"))).unwrap_or_default();
        let delivery = t.get("delivery").and_then(|v| self.delay(v, t.path("delivery"))).unwrap_or_default();
        (processing, delivery)
    }

    fn delay(&mut self, v: &Value, name: String) -> Option<Delay> {
        let t = self.table(v, name, &spec::DELAY.all_names())?;
        let expected = "\"fixed\", \"uniform\", \"exponential\" or \"lognormal\"";
        let dist = self.string(&t, "dist");
        if t.get("dist").is_none() {
            self.missing(&t, "dist", expected);
        }
        let need = |r: &mut Self, key: &str| {
            let d = r.duration(&t, key);
            if t.get(key).is_none() {
                r.missing(&t, key, values::DURATION_HELP);
            }
            d
        };
        match dist? {
            "fixed" => Some(Delay::Fixed(need(self, "value")?)),
            "uniform" => {
                let (low, high) = (need(self, "low")?, need(self, "high")?);
                if high < low {
                    self.error(t.span.clone(), format!("`{}`: `high` must not be below `low`", t.name));
                }
                Some(Delay::Uniform { low, high })
            }
            "exponential" => Some(Delay::Exponential { mean: need(self, "mean")? }),
            "lognormal" => {
                let (median, p99) = (need(self, "median")?, need(self, "p99")?);
                if median == SimDuration::ZERO || p99 <= median {
                    self.error(t.span.clone(), format!("`{}`: a lognormal needs 0 < median < p99", t.name));
                    return None;
                }
                Some(Delay::LogNormal { median, p99 })
            }
            other => {
                let v = t.get("dist").expect("read");
                self.invalid(&t, "dist", v, format!("expected {expected}, found \"{other}\""));
                None
            }
        }
    }
}
