//! `[[expect]]` tables: what a scenario file promises about its results.
//! Checking them against a run is [`crate::check::expect`]'s work.

use super::sweep::show;
use super::{Reader, Tbl};
use crate::scenario::model::On;
use toml::de::DeValue;

/// One `[[expect]]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// A dotted path into `summary.json`, e.g. `streams.otp.expiry_rate`.
    pub metric: String,
    /// The figure must be at least this.
    pub min: Option<f64>,
    /// The figure must be at most this.
    pub max: Option<f64>,
    /// The figure must be exactly this.
    pub equals: Option<f64>,
    /// With replications: the mean across them or an end of its 95 % interval.
    pub on: On,
    /// Sweep points it is about (`None`: every point).
    pub point: Option<Vec<(String, toml::Value)>>,
    /// Where the `[[expect]]` table starts.
    pub line: usize,
    /// Line and column of `metric`, for messages.
    pub metric_at: (usize, usize),
    /// Line and column of `point`, if given.
    pub point_at: Option<(usize, usize)>,
}

impl Expect {
    /// `>= 0.5 and <= 2`.
    pub fn bound(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = self.min {
            parts.push(format!(">= {m}"));
        }
        if let Some(m) = self.max {
            parts.push(format!("<= {m}"));
        }
        if let Some(x) = self.equals {
            parts.push(format!("== {x}"));
        }
        parts.join(" and ")
    }

    /// Whether `v` is within every bound.
    pub fn passes(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m) && self.equals.is_none_or(|x| v == x)
    }

    /// The metric and, if not the mean, which end of the interval.
    pub fn label(&self) -> String {
        match self.on {
            On::Mean => self.metric.clone(),
            other => format!("{} ({})", self.metric, other.name()),
        }
    }

    /// Whether the expectation is about the sweep point with these values.
    pub fn applies_to(&self, parameters: &[String], values: &[toml::Value]) -> bool {
        self.point.as_ref().is_none_or(|wanted| {
            wanted
                .iter()
                .all(|(path, v)| parameters.iter().position(|p| p == path).is_some_and(|i| same(&values[i], v)))
        })
    }
}

/// TOML values equal as the user means them: 62 equals 62.0.
fn same(a: &toml::Value, b: &toml::Value) -> bool {
    let num = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64));
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => show(a) == show(b),
    }
}

impl Reader<'_> {
    /// `point = { "<sweep path>" = value, ... }`: which sweep points an expectation is about.
    fn point(&mut self, t: &Tbl) -> Option<Vec<(String, toml::Value)>> {
        let v = t.get("point")?;
        let DeValue::Table(table) = v.get_ref() else {
            self.wrong(
                t,
                "point",
                v,
                "a table of sweep paths to values, e.g. { \"traffic.otp.message_expiry\" = \"5m\" }",
            );
            return None;
        };
        let path = t.path("point");
        Some(
            table
                .iter()
                .filter_map(|(k, item)| self.sweep_value(&path, item).map(|val| (k.get_ref().to_string(), val)))
                .collect(),
        )
    }

    pub(super) fn expects(&mut self, root: &Tbl) -> Vec<Expect> {
        let mut out = Vec::new();
        for (i, v) in self.tables(root, "expect").into_iter().enumerate() {
            let Some(t) = self.table(v, format!("expect.{i}"), &super::spec::EXPECT.names()) else {
                continue;
            };
            let metric = self.string(&t, "metric");
            if t.get("metric").is_none() {
                self.missing(&t, "metric", "a path into summary.json, such as \"streams.otp.expiry_rate\"");
            }
            let (min, max, equals) = (self.float(&t, "min"), self.float(&t, "max"), self.float(&t, "equals"));
            if ["min", "max", "equals"].iter().all(|k| t.get(k).is_none()) {
                self.missing(&t, "min", "a bound: `min`, `max` or `equals`");
            }
            if let (Some(lo), Some(hi), Some(v)) = (min, max, t.get("min"))
                && lo > hi
            {
                self.invalid(&t, "min", v, format!("{lo} is above `max` ({hi}): no value could pass"));
            }
            let on = self.choice(&t, "on", &On::ALL, On::name).unwrap_or(On::Mean);
            let point = self.point(&t);
            let (line, _) = self.position(t.span.start);
            let metric_at = t.get("metric").map_or((line, 1), |v| self.position(v.span().start));
            let point_at = t.get("point").map(|v| self.position(v.span().start));
            if let Some(metric) = metric {
                out.push(Expect { metric: metric.to_string(), min, max, equals, on, point, line, metric_at, point_at });
            }
        }
        out
    }
}
