//! `a2psim schema`: a JSON Schema (draft 2020-12) of the scenario format,
//! built from `load::spec` (the keys the loader takes) and described
//! with the README's reference tables (the text users read), so that
//! neither can drift from the other.

use crate::load::spec::{self, Kind, Section, Tagged};
use crate::scenario::bounds::{INVISIBLE, MAX_NAME_CHARS};
use serde_json::{Map, Value, json};

/// The README, whose *Scenario reference* describes every key.
const README: &str = include_str!("../../README.md");

/// A duration: `"250ms"`, `"1h30m"`, or seconds as a number.
const DURATION: &str = r"^(([0-9][0-9_]*(\.[0-9]*)?|\.[0-9]+)(ms|us|ns|d|h|m|s))+$";
/// A rate: `"5/s"`, `"4500/min"`, `"2/5m"`, or a bare number.
const RATE: &str = r"^[+]?[0-9][0-9_]*(\.[0-9]+)?(\s*/\s*(s|sec|second|min|minute|h|hour|d|day|([0-9][0-9_]*(\.[0-9]+)?(ms|us|ns|d|h|m|s))+))?$";
/// An RFC 3339 instant, or RFC 9557 with its zone in brackets.
const RFC3339: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})(\[[^\]]+\])?$";

/// The JSON Schema of scenario files.
pub fn schema() -> Value {
    let mut root = table(&spec::SCENARIO, None);
    let root_map = root.as_object_mut().expect("a table is an object");
    let mut head = Map::new();
    head.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    head.insert("title".into(), json!("a2psim scenario"));
    head.insert(
        "description".into(),
        json!("A scenario of A2P SMS/MMS traffic for a2psim: senders, traffic, limits and expectations."),
    );
    head.append(root_map);
    head.insert(
        "$defs".into(),
        json!({
            "duration": {
                "description": "A duration: \"250ms\", \"90s\", \"5m\", \"1h30m\", \"2d\" (units d h m s ms us ns; m is minutes), or a number of seconds.",
                "anyOf": [{ "type": "string", "pattern": DURATION }, { "type": "number", "minimum": 0 }],
                "examples": ["90s", "5m", "1h30m"]
            },
            "rate": {
                "description": "A rate: \"5/s\", \"4500/min\", \"90/h\", \"200000/day\", or a bare number (per second; tpm: per minute); at most 6 decimals.",
                "anyOf": [{ "type": "string", "pattern": RATE }, { "type": "number", "exclusiveMinimum": 0 }],
                "examples": ["5/s", "4500/min"]
            },
            "instant": {
                "description": "An offset from `start` (a duration) or an RFC 3339 instant.",
                "anyOf": [
                    { "type": "string", "pattern": DURATION },
                    { "type": "string", "pattern": RFC3339 },
                    { "type": "number", "minimum": 0 }
                ],
                "examples": ["30m", "2026-03-10T09:00:00-07:00"]
            },
            "sweep_values": {
                "description": "Values of one swept path (an array), or a table of further path segments.",
                "anyOf": [
                    { "type": "array", "minItems": 1 },
                    { "type": "object", "additionalProperties": { "$ref": "#/$defs/sweep_values" } }
                ]
            }
        }),
    );
    Value::Object(head)
}

/// The schema of `kind`; `about` describes what has no README row of its own.
fn kind(k: &Kind, about: Option<&str>) -> Value {
    match k {
        Kind::Text => json!({ "type": "string" }),
        Kind::Pattern(p) => json!({ "type": "string", "pattern": p }),
        Kind::Name => json!({ "type": "string", "pattern": name() }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Whole(low, high) => json!({ "type": "integer", "minimum": low, "maximum": high }),
        Kind::Number => json!({ "type": "number" }),
        Kind::Fraction => json!({ "anyOf": [
            { "type": "number", "minimum": 0, "maximum": 1 },
            { "type": "string", "pattern": r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$" }
        ] }),
        Kind::Usd => json!({ "anyOf": [
            { "type": "number", "minimum": 0 },
            { "type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,9})?$" }
        ] }),
        Kind::Duration => json!({ "$ref": "#/$defs/duration" }),
        Kind::Rate => json!({ "$ref": "#/$defs/rate" }),
        Kind::Instant => json!({ "$ref": "#/$defs/instant" }),
        Kind::Start => json!({ "type": "string", "pattern": RFC3339 }),
        Kind::Choice(names) => json!({ "enum": names }),
        Kind::BoolOr(names) => json!({ "anyOf": [{ "type": "boolean" }, { "enum": names }] }),
        Kind::Table(section) => table(section, about),
        Kind::Tables(section) => {
            let items = table(section, about);
            json!({ "type": "array", "description": items["description"].clone(), "items": items })
        }
        Kind::Tagged(tagged) => variants(tagged),
        Kind::List(item, low, high) => {
            let mut list = json!({ "type": "array", "items": kind(item, None), "minItems": low });
            if *high != usize::MAX {
                list["maxItems"] = json!(high);
            }
            list
        }
        Kind::Either(kinds) => json!({ "anyOf": kinds.iter().map(|k| kind(k, None)).collect::<Vec<_>>() }),
        Kind::Sweep => {
            let sections: Vec<&str> = spec::SCENARIO.keys.iter().map(|k| k.name).collect();
            json!({
                "type": "object",
                "description": describe_section("[sweep]"),
                "propertyNames": { "anyOf": [{ "pattern": paths() }, { "enum": sections }] },
                "additionalProperties": { "$ref": "#/$defs/sweep_values" }
            })
        }
        Kind::Path => json!({ "type": "string", "pattern": paths() }),
        Kind::Metric => json!({ "type": "string", "pattern": super::expect::metric_pattern() }),
        Kind::AnyTable => json!({ "type": "object" }),
        Kind::Any => json!({}),
    }
}

/// A table of `section`'s keys: none other allowed, the required ones
/// required. Described by its README section's prose, or by `about` (its
/// key's row in its parent's table), which also describes keys without a
/// row of their own.
fn table(section: &Section, about: Option<&str>) -> Value {
    let prose = describe_section(section.doc);
    let about = prose.as_deref().or(about);
    let mut properties = Map::new();
    for k in section.keys {
        properties.insert(k.name.into(), described(k, section.doc, about));
    }
    let required: Vec<&str> = section.keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    let mut t = json!({ "type": "object", "properties": properties, "additionalProperties": false });
    if !required.is_empty() {
        t["required"] = json!(required);
    }
    if let Some(text) = about {
        t["description"] = json!(text);
    }
    t
}

/// A key's schema with the README's description and default; `about`
/// when the README has no row for it.
fn described(k: &spec::Key, section: &str, about: Option<&str>) -> Value {
    let found = row(section, k.name);
    // A table without a row of its own is described by its own section.
    let own_section = matches!(k.kind, Kind::Table(_) | Kind::Tables(_) | Kind::Sweep);
    let meaning = found.as_ref().map(|(_, m)| m.as_str()).or(if own_section { None } else { about });
    let mut v = kind(&k.kind, meaning);
    if let Some(text) = meaning {
        v["description"] = json!(text);
    }
    if let Some(example) = example(&k.kind) {
        v["examples"] = json!([example]);
    }
    if let Some(d) = found.and_then(|(default, _)| default_value(&default)) {
        v["default"] = d;
    }
    v
}

/// A value of `kind` to show as an example.
fn example(kind: &Kind) -> Option<&'static str> {
    match kind {
        Kind::Duration => Some("5m"),
        Kind::Rate => Some("5/s"),
        Kind::Instant => Some("30m"),
        Kind::Start => Some("2026-03-10T08:00:00-07:00"),
        _ => None,
    }
}

/// A tagged table: one branch per variant, picked by its tag.
fn variants(tagged: &Tagged) -> Value {
    let names: Vec<&str> = tagged.variants.iter().map(|(t, _)| *t).collect();
    let branches: Vec<Value> = tagged
        .variants
        .iter()
        .map(|(tag, keys)| {
            let mut properties = Map::new();
            properties.insert(tagged.tag.into(), json!({ "const": tag }));
            let meaning = row(tagged.doc, tag).map(|(_, m)| m);
            for k in keys.iter() {
                let mut v = kind(&k.kind, None);
                if let Some(text) = &meaning {
                    v["description"] = json!(format!("`{}` of a {tag} {}: {text}", k.name, tagged.tag));
                }
                if let Some(example) = example(&k.kind) {
                    v["examples"] = json!([example]);
                }
                properties.insert(k.name.into(), v);
            }
            let required: Vec<&str> =
                std::iter::once(tagged.tag).chain(keys.iter().filter(|k| k.required).map(|k| k.name)).collect();
            let mut branch = json!({ "properties": properties, "required": required, "additionalProperties": false });
            if let Some((_, meaning)) = row(tagged.doc, tag) {
                branch["description"] = json!(meaning);
            }
            branch
        })
        .collect();
    json!({
        "type": "object",
        "properties": { tagged.tag: {
            "enum": names,
            "description": format!("which of: {}; each takes its own keys", names.join(", "))
        } },
        "required": [tagged.tag],
        "oneOf": branches
    })
}

/// An id or a name: up to [`MAX_NAME_CHARS`] characters, no control
/// character (Unicode's Cc, as Rust's `char::is_control`) and none of
/// [`INVISIBLE`], no white space or dot at either end and no two dots in
/// a row (paths name it between dots).
fn name() -> String {
    let hidden: String = std::iter::once(r"\x00-\x1f\x7f-\x9f".to_string())
        .chain(INVISIBLE.iter().map(|&(low, high)| match low == high {
            true => format!(r"\u{:04x}", low as u32),
            false => format!(r"\u{:04x}-\u{:04x}", low as u32, high as u32),
        }))
        .collect();
    let inner = MAX_NAME_CHARS - 2;
    format!(r"^(?!.*\.\.)[^\s.{hidden}](?:[^{hidden}]{{0,{inner}}}[^\s.{hidden}])?$")
}

/// Every path `[sweep]` and `[plan]` may name: a top-level key, a table's
/// key, an entry of an array of tables by its id, and a nested table's key.
fn paths() -> String {
    fn keys(section: &Section) -> String {
        let alternatives: Vec<String> = section
            .keys
            .iter()
            .map(|k| match k.kind {
                Kind::Table(inner) => format!(r"{}(\.({}))?", k.name, keys(inner)),
                Kind::Tagged(t) => format!(r"{}(\.({}))?", k.name, t.all_names().join("|")),
                _ => k.name.to_string(),
            })
            .collect();
        alternatives.join("|")
    }
    let top: Vec<String> = spec::SCENARIO
        .keys
        .iter()
        .filter(|k| !matches!(k.name, "sweep" | "expect" | "plan" | "name" | "start" | "timezone"))
        .map(|k| match k.kind {
            Kind::Table(inner) => format!(r"{}\.({})", k.name, keys(inner)),
            // An entry's id or name may hold dots.
            Kind::Tables(inner) => format!(r"{}\..+\.({})", k.name, keys(inner)),
            _ => k.name.to_string(),
        })
        .collect();
    format!("^({})$", top.join("|"))
}

/// The README section headed `### \`doc\`` (or `### doc`): its lines up
/// to the next heading.
fn readme_section(doc: &str) -> Option<Vec<&'static str>> {
    let mut lines = README.lines();
    lines
        .find(|l| l.starts_with("### ") && (l.contains(&format!("`{doc}`")) || l.trim_start_matches("### ") == doc))?;
    Some(lines.take_while(|l| !l.starts_with('#')).collect())
}

/// The text of a README section before its first table: a table's description.
fn describe_section(doc: &str) -> Option<String> {
    let prose: Vec<&str> =
        readme_section(doc)?.into_iter().map(str::trim).take_while(|l| !l.starts_with('|')).collect();
    let joined = prose.join(" ").trim().to_string();
    (!joined.is_empty()).then_some(joined)
}

/// The (default, meaning) of `key` in the reference table of README section
/// `doc`: the row whose first cell names it; for a key documented in its
/// parent's row (`arrival` processes), the row naming the variant.
pub(crate) fn row(doc: &str, key: &str) -> Option<(String, String)> {
    // Nested tables (`arrival`, `retry`) are documented in their parent's section.
    let section = readme_section(doc).or_else(|| readme_section("[[traffic]]"))?;
    section.into_iter().filter(|l| l.starts_with("| `")).find_map(|l| {
        let cells: Vec<&str> = split_row(l);
        let names: Vec<&str> = cells.first()?.split('`').skip(1).step_by(2).collect();
        names.contains(&key).then(|| match cells.len() {
            3.. => (cells[1].to_string(), cells[2..].join(" | ")),
            _ => (String::new(), cells.get(1).unwrap_or(&"").to_string()),
        })
    })
}

/// A table row's cells, `\|` kept inside a cell.
fn split_row(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = Vec::new();
    let mut start = 0;
    let bytes = inner.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
            cells.push(inner[start..i].trim());
            start = i + 1;
        }
    }
    cells.push(inner[start..].trim());
    cells
}

/// A README default cell as a JSON value, when it is a literal: `5`,
/// `"3h"`, `true`.
fn default_value(cell: &str) -> Option<Value> {
    let literal = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')).unwrap_or(cell);
    if literal.contains('`') || literal.contains(' ') {
        return None;
    }
    serde_json::from_str::<Value>(literal).ok().filter(|v| !v.is_array() && !v.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_rows_give_descriptions_and_defaults() {
        let (default, meaning) = row("[[traffic]]", "message_expiry").expect("documented");
        assert_eq!((default.as_str(), meaning.as_str()), ("`\"3h\"`", "5 s to 3 h"));
        assert_eq!(default_value(&default), Some(json!("3h")));
        assert_eq!(default_value("1"), Some(json!(1)));
        assert_eq!(default_value("required"), None);
        let (_, both) = row("[[senders]]", "mms_rate").expect("a row naming two keys");
        assert!(both.starts_with("per-number rate"), "{both}");
    }
}
