//! `a2psim schema`: every shipped and documented scenario validates against
//! it with a standard JSON Schema validator, known-bad files do not, the
//! committed copy is current, and every key is described.

use crate::helpers::*;
use serde_json::Value;

/// A TOML document as JSON, the way editors validate it: datetimes as strings.
fn json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(json).collect()),
        toml::Value::Table(t) => Value::Object(t.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
    }
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&a2psim::check::schema::schema()).expect("a valid JSON Schema")
}

/// The schema's complaints about `text`, one line each.
fn problems(v: &jsonschema::Validator, text: &str) -> Vec<String> {
    let doc: toml::Value = toml::from_str(text).expect("TOML");
    v.iter_errors(&json(&doc)).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn every_shipped_and_documented_scenario_validates() {
    let v = validator();
    let mut files = Vec::new();
    files_with_ext(&repo().join("scenarios"), "toml", &mut files);
    files_with_ext(&repo().join("tests/fixtures"), "toml", &mut files);
    assert!(files.len() > 20, "{}", files.len());
    for f in files {
        let errors = problems(&v, &std::fs::read_to_string(&f).unwrap());
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
    // The README's examples: each ```toml block, a whole scenario or a
    // part of one added to a small scenario.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```toml\n").skip(1).filter_map(|b| b.split("```").next()).collect();
    assert!(blocks.len() >= 5, "{}", blocks.len());
    let base = "start = \"2026-03-10T08:00:00-07:00\"\n[[senders]]\nid = \"s\"\ntype = \"short_code\"\n\
[[traffic]]\nname = \"t\"\nsender = \"s\"\narrival = { process = \"burst\", count = 1 }\n";
    for b in blocks {
        let text = if b.contains("start =") { b.to_string() } else { format!("{base}{b}") };
        let errors = problems(&v, &text);
        assert!(errors.is_empty(), "README block:\n{b}\n{errors:#?}");
    }
}

#[test]
fn known_bad_files_are_refused() {
    let v = validator();
    let good = std::fs::read_to_string(repo().join("scenarios/model_example.toml")).unwrap();
    assert!(problems(&v, &good).is_empty());
    for (bad, why) in [
        (good.replace("message_expiry", "mesage_expiry"), "an unknown key"),
        (good.replace("kind = \"otp\"", "kind = \"2fa\""), "a value not among the choices"),
        (good.replace("message_expiry = \"5m\"", "message_expiry = \"5 minutes\""), "a duration of the wrong form"),
        (good.replace("process = \"poisson\"", "process = \"poison\""), "an unknown arrival process"),
        (good.replace("rate = \"2/s\", ", ""), "a Poisson process without its rate"),
        (good.replace("vetting_score = 62", "vetting_score = 101"), "a score above 100"),
        (
            good.replace("metric = \"streams.otp.expiry_rate\"", "metric = \"stream.otp.expiry_rate\""),
            "a metric not in summary.json",
        ),
        (good.replace("start = ", "begin = "), "no start"),
        (good.replace("metric = \"streams.otp.expiry_rate\"", "metric = \"messages.deliverd\""), "a misspelt figure"),
        (good.replace("metric = \"streams.otp.expiry_rate\"", "metric = \"streams.otp\""), "a group, not a figure"),
        (good.replace("name = \"otp\"", "name = \"otp \""), "a name ending in a space"),
        (good.replace("name = \"otp\"", "name = \"o\\u200Btp\""), "a name with a zero-width space"),
    ] {
        assert_ne!(bad, good, "the edit for {why} changed nothing");
        assert!(!problems(&v, &bad).is_empty(), "{why} passed");
    }
    // Every kind of figure `a2psim validate` takes.
    for metric in [
        "late_rate",
        "streams.otp.late_rate",
        "carriers.tmobile.backlog.peak",
        "attempts.retried.expired",
        "confidence.streams.otp.expiry_rate.ci_high",
        "daily_caps.0.failed",
        "provider_queue.max",
    ] {
        let text = good.replace("metric = \"streams.otp.expiry_rate\"", &format!("metric = \"{metric}\""));
        assert!(problems(&v, &text).is_empty(), "{metric}: {:?}", problems(&v, &text));
    }
    let sweep = format!("{good}\n[sweep]\n\"traffic.otp.mesage_expiry\" = [\"1m\"]\n");
    assert!(!problems(&v, &sweep).is_empty(), "a sweep path to no key passed");
    let sweep = format!("{good}\n[sweep]\n\"traffic.otp.message_expiry\" = [\"1m\", \"2m\"]\n");
    assert!(problems(&v, &sweep).is_empty(), "{:?}", problems(&v, &sweep));
}

/// The schema and the loader refuse a name for the same characters: every
/// character at either end of each invisible range, and a control
/// character, are refused by both; joiners and accents are taken by both;
/// so are dots, but not at either end or two in a row.
#[test]
fn the_schema_and_the_loader_agree_on_characters_of_names() {
    use a2psim::scenario::bounds::INVISIBLE;
    let v = validator();
    let good = std::fs::read_to_string(repo().join("scenarios/model_example.toml")).unwrap();
    let refused = INVISIBLE.iter().flat_map(|&(low, high)| [low, high]).chain(['\u{1B}', '\u{85}']);
    let taken = ['\u{200C}', '\u{200D}', 'é', '\u{1F600}'];
    for (c, ok) in refused.map(|c| (c, false)).chain(taken.map(|c| (c, true))) {
        let text = good.replace("name = \"otp\"", &format!("name = \"o\\U{:08X}tp\"", c as u32));
        let schema_ok = problems(&v, &text).is_empty();
        let loader_ok = a2psim::load::parse(&text, "s.toml", "s", std::path::Path::new(".")).is_ok();
        assert_eq!((schema_ok, loader_ok), (ok, ok), "U+{:04X}", c as u32);
    }
    for (name, ok) in [("otp.v2", true), ("otp.", false), (".otp", false), ("otp..v2", false)] {
        let text = good.replace("name = \"otp\"", &format!("name = \"{name}\""));
        let schema_ok = problems(&v, &text).is_empty();
        let loader_ok = a2psim::load::parse(&text, "s.toml", "s", std::path::Path::new(".")).is_ok();
        assert_eq!((schema_ok, loader_ok), (ok, ok), "{name}");
    }
}

#[test]
fn the_committed_schema_is_current() {
    let text = serde_json::to_string_pretty(&a2psim::check::schema::schema()).unwrap() + "\n";
    let committed = std::fs::read_to_string(repo().join("schema/a2psim.schema.json")).unwrap_or_default();
    assert!(committed == text, "schema/a2psim.schema.json is stale: run `a2psim schema > schema/a2psim.schema.json`");
    let dir = tempdir();
    let out = a2psim(&["schema"], dir.path());
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

/// Every key of every table in the schema, as (path, schema).
fn keys<'a>(path: &str, s: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            let p = format!("{path}.{k}");
            out.push((p.clone(), v));
            keys(&p, v, out);
        }
    }
    for nested in ["items"] {
        if let Some(v) = s.get(nested) {
            keys(path, v, out);
        }
    }
}

#[test]
fn every_key_has_its_readme_description() {
    let schema = a2psim::check::schema::schema();
    let mut all = Vec::new();
    keys("", &schema, &mut all);
    assert!(all.len() > 100, "{}", all.len());
    let undescribed: Vec<&String> =
        all.iter().filter(|(_, v)| v.get("description").is_none()).map(|(p, _)| p).collect();
    assert!(undescribed.is_empty(), "keys without a README row: {undescribed:#?}");
}
