//! `[plan]`: the parameter `a2psim plan` searches, its candidate values in
//! order, and which end of them the planner wants.

use super::super::sweep::Parameter;
use super::super::values::duration;
use super::super::{Reader, Tbl, Value, type_name};
use crate::load::Goal;
use crate::scenario::bounds::MAX_SWEEP_POINTS;
use crate::scenario::time::SimDuration;
use toml::de::DeValue;

const KEYS: &[&str] = &["vary", "range", "step", "options", "goal"];

impl Reader<'_> {
    /// The `[plan]` table, if any: its goal and its parameter with every candidate.
    pub(in crate::load) fn plan(&mut self, root: &Tbl) -> Option<(Goal, Parameter)> {
        let t = self.table(root.get("plan")?, "plan".into(), KEYS)?;
        let goal = self.choice(&t, "goal", &Goal::ALL, Goal::name).unwrap_or(Goal::Least);
        let Some(vary) = self.string(&t, "vary") else {
            if t.get("vary").is_none() {
                self.missing(&t, "vary", "the dotted path of the parameter to search, e.g. \"senders.tf.numbers\"");
            }
            return None;
        };
        let (key, values) = match (t.get("range"), t.get("options")) {
            (Some(range), None) => ("range", self.range(&t, range)?),
            (None, Some(options)) => {
                if t.get("step").is_some() {
                    self.error(t.span.clone(), "`plan.step` goes with `range`, not `options`".into());
                }
                ("options", self.options(vary, options)?)
            }
            _ => {
                self.error(
                    t.span.clone(),
                    "`plan` needs either `range = [low, high]` or `options = [...]` (the candidates, in order)".into(),
                );
                return None;
            }
        };
        if values.len() > MAX_SWEEP_POINTS {
            let v = t.get(key).expect("read above");
            let why = format!("{} candidates, more than {MAX_SWEEP_POINTS}: use a larger `step`", values.len());
            self.invalid(&t, key, v, why);
            return None;
        }
        let span = t.get(key).map(|v| v.span());
        let value_spans = vec![span; values.len()];
        Some((
            goal,
            Parameter { path: vary.to_string(), values, key_span: t.get("vary").map(|v| v.span()), value_spans },
        ))
    }

    /// `range = [low, high]`: whole numbers one apart, or durations `step` apart.
    fn range(&mut self, t: &Tbl, v: &Value) -> Option<Vec<toml::Value>> {
        let expected = "[low, high]: two whole numbers, or two durations with `step`";
        let bad = |r: &mut Self, why: String| {
            r.invalid(t, "range", v, why);
            None
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong(t, "range", v, expected);
            return None;
        };
        let [low, high] = &items[..] else {
            return bad(self, format!("expected {expected}, found {} values", items.len()));
        };
        match (low.get_ref(), high.get_ref()) {
            (DeValue::Integer(a), DeValue::Integer(b)) => {
                let (a, b): (Option<i64>, Option<i64>) = (a.as_str().parse().ok(), b.as_str().parse().ok());
                let (Some(a), Some(b)) = (a, b) else { return bad(self, format!("expected {expected}")) };
                if t.get("step").is_some() {
                    self.error(t.span.clone(), "`plan.step` is for durations: a whole-number range steps by 1".into());
                }
                if b < a {
                    return bad(self, format!("the high end ({b}) is below the low end ({a})"));
                }
                if (b - a) as u128 >= MAX_SWEEP_POINTS as u128 {
                    return bad(self, format!("{} candidates, more than {MAX_SWEEP_POINTS}", (b - a) as u128 + 1));
                }
                Some((a..=b).map(toml::Value::Integer).collect())
            }
            (DeValue::String(a), DeValue::String(b)) => {
                let (a, b) = match (duration(a), duration(b)) {
                    (Ok(a), Ok(b)) => (a, b),
                    (Err(why), _) | (_, Err(why)) => return bad(self, why),
                };
                let Some(step) = self.duration(t, "step") else {
                    if t.get("step").is_none() {
                        self.missing(t, "step", "the distance between candidates of a duration range, e.g. \"1m\"");
                    }
                    return None;
                };
                if b < a {
                    return bad(self, format!("the high end ({b}) is below the low end ({a})"));
                }
                if step.as_nanos() == 0 {
                    self.invalid(t, "step", t.get("step").expect("read above"), "must be longer than zero".into());
                    return None;
                }
                let count = (b.as_nanos() - a.as_nanos()) / step.as_nanos() + 1;
                if count > MAX_SWEEP_POINTS as u64 {
                    return bad(self, format!("{count} candidates, more than {MAX_SWEEP_POINTS}: use a larger `step`"));
                }
                let at = |k: u64| SimDuration::from_nanos(a.as_nanos() + step.as_nanos() * k);
                Some((0..count).map(|k| toml::Value::String(at(k).to_string())).collect())
            }
            (a, b) => bad(self, format!("expected {expected}, found {} and {}", type_name(a), type_name(b))),
        }
    }

    /// `options = [...]`: the candidates as listed.
    fn options(&mut self, vary: &str, v: &Value) -> Option<Vec<toml::Value>> {
        let DeValue::Array(items) = v.get_ref().clone() else {
            self.error(
                v.span(),
                format!("`plan.options`: expected an array of candidates, found {}", type_name(v.get_ref())),
            );
            return None;
        };
        if items.is_empty() {
            self.error(v.span(), "`plan.options`: list at least one candidate".into());
            return None;
        }
        let values: Vec<Option<toml::Value>> = items.iter().map(|item| self.sweep_value(vary, item)).collect();
        values.into_iter().collect()
    }
}
