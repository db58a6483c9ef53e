//! `[plan]`: the parameter `a2psim plan` searches, its candidate values in
//! order, and which end of them the planner wants.

use super::super::sweep::Parameter;
use super::super::values::duration;
use super::super::{Reader, Tbl, Value, type_name};
use crate::load::spec;
use crate::load::{Goal, Minimize, PlanSpec, magnitude, show};
use crate::scenario::bounds::MAX_SWEEP_POINTS;
use crate::scenario::time::SimDuration;
use toml::de::DeValue;

impl Reader<'_> {
    /// The `[plan]` table, if any: what it wants and its parameters with
    /// every candidate.
    pub(in crate::load) fn plan(&mut self, root: &Tbl) -> Option<(PlanSpec, Vec<Parameter>)> {
        let t = self.table(root.get("plan")?, "plan".into(), &spec::PLAN.names())?;
        let goal = self.choice(&t, "goal", &Goal::ALL, Goal::name).unwrap_or(Goal::Least);
        let at = self.position(t.span.start);
        let minimize = self.string(&t, "minimize").map(|figure| {
            let at = self.position(t.get("minimize").expect("read above").span().start);
            Minimize { figure: figure.to_string(), at }
        });
        if let (Some(_), Some(v)) = (&minimize, t.get("goal")) {
            self.invalid(&t, "goal", v, "a plan that minimizes a figure has no `goal`".into());
        }
        if let Some(DeValue::Array(paths)) = t.get("vary").map(|v| v.get_ref()) {
            let parameters = self.several(&t, paths)?;
            if minimize.is_none() {
                self.missing(&t, "minimize", "the figure to make smallest over several parameters, e.g. \"cost_usd\"");
                return None;
            }
            return Some((PlanSpec { goal, minimize, at }, parameters));
        }
        let Some(vary) = self.string(&t, "vary") else {
            if t.get("vary").is_none() {
                self.missing(&t, "vary", "the dotted path of the parameter to search, e.g. \"senders.tf.numbers\"");
            }
            return None;
        };
        if let Some(why) = not_a_parameter(vary) {
            self.invalid(&t, "vary", t.get("vary").expect("read above"), why);
            return None;
        }
        let (key, values) = match (t.get("range"), t.get("options")) {
            (Some(_), Some(options)) => {
                self.invalid(&t, "options", options, "`plan` takes `range` or `options`, not both".into());
                return None;
            }
            (Some(range), None) => ("range", self.range(&t, range)?),
            (None, Some(options)) => {
                if let Some(step) = t.get("step") {
                    self.invalid(&t, "step", step, "goes with `range`, not `options`".into());
                }
                ("options", self.options(options)?)
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
            PlanSpec { goal, minimize, at },
            vec![Parameter { path: vary.to_string(), values, key_span: t.get("vary").map(|v| v.span()), value_spans }],
        ))
    }

    /// `vary = [paths]` with `options = [[...], ...]`: a parameter per path,
    /// its candidates listed.
    fn several(&mut self, t: &Tbl, paths: &[Value]) -> Option<Vec<Parameter>> {
        let vary = t.get("vary").expect("read above");
        let paths: Option<Vec<String>> = paths
            .iter()
            .map(|p| match p.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect();
        let Some(paths) = paths.filter(|p| !p.is_empty()) else {
            self.invalid(t, "vary", vary, "expected a path, or a non-empty array of paths".into());
            return None;
        };
        if let Some(i) = (1..paths.len()).find(|&i| paths[..i].contains(&paths[i])) {
            self.invalid(t, "vary", vary, format!("`{}` is listed twice", paths[i]));
            return None;
        }
        if let Some(why) = paths.iter().find_map(|p| not_a_parameter(p)) {
            self.invalid(t, "vary", vary, why);
            return None;
        }
        for key in ["range", "step"] {
            if let Some(v) = t.get(key) {
                let why = "is for one parameter: with several, give a path's candidates in `options` as a list or `{ range = [low, high] }`";
                self.invalid(t, key, v, why.into());
            }
        }
        let expected = format!(
            "`options = [[...], ...]`: for each of the {} paths, a list of candidates or `{{ range = [low, high] }}`",
            paths.len()
        );
        let lists = match t.get("options") {
            None => {
                self.missing(t, "options", &expected);
                return None;
            }
            Some(v) => match v.get_ref() {
                DeValue::Array(lists) if lists.len() == paths.len() => lists,
                DeValue::Array(lists) => {
                    self.invalid(t, "options", v, format!("expected {expected}, found {} entries", lists.len()));
                    return None;
                }
                _ => {
                    self.wrong(t, "options", v, &expected);
                    return None;
                }
            },
        };
        let mut out = Vec::new();
        for (j, (path, list)) in paths.into_iter().zip(lists).enumerate() {
            let values = match list.get_ref() {
                DeValue::Table(_) => {
                    let entry = self.table(list, format!("plan.options[{j}]"), &spec::PLAN_RANGE.names())?;
                    let Some(range) = entry.get("range") else {
                        self.missing(&entry, "range", "[low, high]: two whole numbers, or two durations with `step`");
                        return None;
                    };
                    self.range(&entry, range)?
                }
                _ => self.options(list)?,
            };
            let n = values.len();
            out.push(Parameter { path, values, key_span: Some(vary.span()), value_spans: vec![Some(list.span()); n] });
        }
        let combinations = out.iter().try_fold(1usize, |n, p| n.checked_mul(p.values.len()));
        if combinations.is_none_or(|n| n > MAX_SWEEP_POINTS) {
            let v = t.get("options").expect("read above");
            let count = combinations.map_or("too many".to_string(), |n| n.to_string());
            self.invalid(t, "options", v, format!("{count} combinations, more than {MAX_SWEEP_POINTS}"));
            return None;
        }
        Some(out)
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
                if let Some(step) = t.get("step") {
                    self.invalid(t, "step", step, "is for durations: a whole-number range steps by 1".into());
                }
                if b < a {
                    return bad(self, format!("the high end ({b}) is below the low end ({a})"));
                }
                let count = (i128::from(b) - i128::from(a)) as u128 + 1;
                if count > MAX_SWEEP_POINTS as u128 {
                    return bad(self, format!("{count} candidates, more than {MAX_SWEEP_POINTS}"));
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
                if (b.as_nanos() - a.as_nanos()) % step.as_nanos() != 0 {
                    return bad(
                        self,
                        format!("{a} to {b} is not a whole number of {step} steps: its high end would be left out"),
                    );
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
    fn options(&mut self, v: &Value) -> Option<Vec<toml::Value>> {
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
        let values: Option<Vec<toml::Value>> =
            items.iter().map(|item| self.sweep_value("plan.options", item)).collect();
        let values = values?;
        // Numbers, durations or names: one kind, so the order means something.
        let kind = |v: &toml::Value| match v {
            toml::Value::Integer(_) | toml::Value::Float(_) => "numbers",
            v if magnitude(v).is_some() => "durations",
            _ => "names",
        };
        if let Some(other) = values.iter().find(|x| kind(x) != kind(&values[0])) {
            let why = format!(
                "candidates are all numbers, all durations or all names: {} is one of the {}, {} is not",
                show(&values[0]),
                kind(&values[0]),
                show(other)
            );
            self.error(v.span(), format!("`plan.options`: {why}"));
            return None;
        }
        // Least and most follow the listed order: numbers and durations must be listed rising.
        let sizes: Option<Vec<f64>> = values.iter().map(magnitude).collect();
        let why = match sizes {
            Some(sizes) if sizes.windows(2).any(|w| w[1] <= w[0]) => {
                Some("list numbers and durations rising, each once (least first): least and most follow the order")
            }
            None if (1..values.len()).any(|i| values[..i].contains(&values[i])) => Some("list each candidate once"),
            _ => None,
        };
        if let Some(why) = why {
            self.error(v.span(), format!("`plan.options`: {why}"));
            return None;
        }
        Some(values)
    }
}

/// Why `path` is no parameter a plan can search, if it is not: the
/// promises, the plan itself, or the seed (candidates share their draws).
fn not_a_parameter(path: &str) -> Option<String> {
    let first = path.split('.').next().unwrap_or_default();
    match first {
        "expect" => Some(format!("`{path}` is a promise: the plan keeps every [[expect]] as written")),
        "plan" | "sweep" => Some(format!("`{path}` is the plan's own setting, not a parameter of the scenario")),
        "seed" | "replications" => Some(format!(
            "`{path}` changes only the random draws: candidates are compared on the same draws, set it once"
        )),
        _ => None,
    }
}
