//! `[sweep]`: the parameters a scenario varies, as paths to arrays of values.

use crate::load::sweep::Parameter;
use crate::load::{Reader, Tbl, Value, type_name};
use toml::de::{DeTable, DeValue};

impl Reader<'_> {
    /// The `[sweep]` table: dotted paths (quoted keys, or nested tables) to
    /// arrays of values.
    pub(in crate::load) fn sweep(&mut self, root: &Tbl) -> Vec<Parameter> {
        let Some(v) = root.get("sweep") else { return Vec::new() };
        let DeValue::Table(table) = v.get_ref() else {
            self.wrong(root, "sweep", v, "a table of paths to arrays of values");
            return Vec::new();
        };
        let mut out = Vec::new();
        self.sweep_entries(table, "", &mut out);
        if out.is_empty() {
            self.error(
                v.span(),
                "`sweep`: name at least one parameter, e.g. \"traffic.otp.message_expiry\" = [\"30s\", \"1m\"]".into(),
            );
        }
        out
    }

    fn sweep_entries(&mut self, table: &DeTable, prefix: &str, out: &mut Vec<Parameter>) {
        for (key, v) in table.iter() {
            let path = format!("{prefix}{}", key.get_ref());
            match v.get_ref() {
                DeValue::Table(inner) => self.sweep_entries(inner, &format!("{path}."), out),
                DeValue::Array(items) if !items.is_empty() => {
                    let values: Vec<Option<toml::Value>> =
                        items.iter().map(|item| self.sweep_value(&format!("sweep.\"{path}\""), item)).collect();
                    if values.iter().all(Option::is_some) {
                        out.push(Parameter {
                            path,
                            values: values.into_iter().flatten().collect(),
                            key_span: Some(key.span()),
                            value_spans: items.iter().map(|i| Some(i.span())).collect(),
                        });
                    }
                }
                other => self.error(
                    v.span(),
                    format!("`sweep.\"{path}\"`: expected a non-empty array of values, found {}", type_name(other)),
                ),
            }
        }
    }

    /// One value a sweep, plan or expectation sets a path to; `key` names
    /// where it is written in messages.
    pub(in crate::load) fn sweep_value(&mut self, key: &str, item: &Value) -> Option<toml::Value> {
        let value = match item.get_ref() {
            DeValue::String(s) => Some(toml::Value::String(s.to_string())),
            DeValue::Integer(i) => i.as_str().replace('_', "").parse().ok().map(toml::Value::Integer),
            DeValue::Float(f) => f.as_str().replace('_', "").parse().ok().map(toml::Value::Float),
            DeValue::Boolean(b) => Some(toml::Value::Boolean(*b)),
            _ => None,
        };
        if value.is_none() {
            self.error(
                item.span(),
                format!("`{key}`: values are strings, numbers or booleans, found {}", type_name(item.get_ref())),
            );
        }
        value
    }
}
