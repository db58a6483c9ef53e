//! Sweeps: one scenario run at every combination of parameter values.
//!
//! A parameter is a dotted path into the scenario document
//! (`traffic.otp.message_expiry`, `brands.acme.vetting_score`,
//! `outages.0.duration`); arrays of tables are entered by `id`, `name` or
//! index. Each point is the base document with its values set, validated
//! like any scenario file, so every key a file can hold can be swept.

use super::{Diagnostic, Loaded, Quote, did_you_mean};
use crate::scenario::Scenario;
use std::fmt;
use std::ops::Range;
use toml::{Table, Value};

/// The distinct values among `values`: numbers and durations from the
/// smallest to the largest (as a slider or an axis runs), names (sender
/// ids, `use_case`, booleans) in the order given.
pub fn ordered<'a>(values: impl IntoIterator<Item = &'a Value>) -> Vec<Value> {
    let mut seen: Vec<Value> = Vec::new();
    for v in values {
        if !seen.contains(v) {
            seen.push(v.clone());
        }
    }
    if seen.iter().all(|v| super::magnitude(v).is_some()) {
        seen.sort_by(|a, b| super::magnitude(a).partial_cmp(&super::magnitude(b)).unwrap_or(std::cmp::Ordering::Equal));
    }
    seen
}

/// A duration written as a string, as a2psim writes it (`"380s"` as
/// `6m20s`), so either spelling names it; `None` for anything else.
pub fn canonical(v: &Value) -> Option<String> {
    super::values::duration(v.as_str()?).ok().map(|d| d.to_string())
}

/// One swept parameter.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Parameter {
    pub(crate) path: String,
    pub(crate) values: Vec<Value>,
    /// Where the path and each value stand in the file (`None`: command line).
    pub(super) key_span: Option<Range<usize>>,
    pub(super) value_spans: Vec<Option<Range<usize>>>,
}

/// A sweep parameter from the command line: `--sweep 'PATH=v1,v2,...'`.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepArg {
    /// The swept path, such as `traffic.otp.message_expiry`.
    pub path: String,
    /// Its values, as TOML reads them.
    pub values: Vec<Value>,
}

/// A `--sweep` argument that is not `PATH=v1,v2,...`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--sweep {arg:?}: {why}")]
pub struct SweepArgError {
    /// The argument as given.
    pub arg: String,
    /// What was expected.
    pub why: &'static str,
}

impl std::str::FromStr for SweepArg {
    type Err = SweepArgError;
    fn from_str(s: &str) -> Result<Self, SweepArgError> {
        let bad = |why| SweepArgError { arg: s.to_string(), why };
        let (path, values) = s
            .split_once('=')
            .ok_or_else(|| bad("expected PATH=v1,v2,... such as traffic.otp.message_expiry=30s,1m"))?;
        let path = path.trim().to_string();
        if path.is_empty() || values.trim().is_empty() {
            return Err(bad("expected PATH=v1,v2,... with a path and at least one value"));
        }
        if split_values(values).iter().any(|v| v.trim().is_empty()) {
            return Err(bad("expected PATH=v1,v2,... with no empty value (write \"\" for an empty text)"));
        }
        Ok(SweepArg { path, values: split_values(values).into_iter().map(|v| literal(v.trim())).collect() })
    }
}

/// The values of `v1,v2,...`: split at commas outside double quotes, so a
/// quoted value (`"a, b"`, read as a TOML string) may hold commas.
fn split_values(values: &str) -> Vec<&str> {
    let (mut out, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in values.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&values[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&values[start..]);
    out
}

impl From<SweepArg> for Parameter {
    fn from(a: SweepArg) -> Parameter {
        let n = a.values.len();
        Parameter { path: a.path, values: a.values, key_span: None, value_spans: vec![None; n] }
    }
}

/// A command-line value as TOML would read it: `62` an integer, `0.5` a
/// float, `true` a boolean, anything else (`30s`) a string.
pub(crate) fn literal(raw: &str) -> Value {
    format!("v = {raw}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| !v.is_table() && !v.is_array() && !v.is_datetime())
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

/// A scalar shown in a table or a file name: strings without quotes.
pub fn show(v: &Value) -> String {
    match v {
        // An empty name would vanish from a message or a table.
        Value::String(s) if s.is_empty() => "\"\"".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every point of a sweep, in order: the first parameter varies slowest.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The swept paths, the first varying slowest.
    pub parameters: Vec<String>,
    /// Every combination of their values.
    pub points: Vec<Point>,
}

#[derive(Clone, Debug, PartialEq)]
/// One combination of a sweep's values.
pub struct Point {
    /// One value per parameter, in parameter order.
    pub values: Vec<Value>,
    /// The scenario with these values set.
    pub loaded: Loaded,
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self.values.iter().map(show).collect();
        f.write_str(&shown.join(", "))
    }
}

/// What [`set_path`] set: the value it replaced, and the key's place with
/// each entry of an array of tables by its index (`traffic.0.arrival.count`
/// for `traffic.otp.arrival.count`), so two paths to one key are known.
#[derive(Debug)]
pub(crate) struct Set {
    pub(crate) old: Option<Value>,
    pub(crate) place: String,
}

/// Sets `path` in `doc` to `value`; says what is wrong with the path if it
/// leads nowhere.
pub(crate) fn set_path(doc: &mut Table, path: &str, value: Value) -> Result<Set, String> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!("`{path}` is not a dotted path such as traffic.otp.message_expiry"));
    }
    let mut table = doc;
    let mut i = 0;
    let mut walked = String::new();
    let mut place = Vec::new();
    while i + 1 < segments.len() {
        let seg = segments[i];
        walked = if walked.is_empty() { seg.to_string() } else { format!("{walked}.{seg}") };
        place.push(seg.to_string());
        let entry = table.entry(seg.to_string()).or_insert_with(|| Value::Table(Table::new()));
        let kind = entry.type_str();
        let of_tables = entry.as_array().is_some_and(|a| a.iter().all(Value::is_table));
        table = match entry {
            Value::Table(t) => {
                i += 1;
                t
            }
            Value::Array(items) if of_tables => {
                let named = |pick: &str| items.iter().position(|t| label(t).as_deref() == Some(pick));
                // The entries the path may name, leaving a key after it: by
                // a name, which may hold dots (a stream `otp.v2`) and wins
                // over an index; of those, the ones whose tables the rest
                // of the path goes through. Two such are ambiguous.
                let rest = &segments[i + 1..];
                let fits: Vec<(usize, usize)> =
                    (1..rest.len().max(2)).filter_map(|k| named(&rest[..k].join(".")).map(|at| (at, k))).collect();
                let through: Vec<(usize, usize)> =
                    fits.iter().copied().filter(|&(at, k)| goes_through(&items[at], &rest[k..])).collect();
                if let [(at, k), ..] = through[..]
                    && through.len() > 1
                {
                    let fitting: Vec<String> =
                        through.iter().map(|&(at, k)| format!("\"{}\" (index {at})", rest[..k].join("."))).collect();
                    return Err(format!(
                        "`{path}` fits more than one [[{walked}]]: {}; name the one meant by its index, such as {walked}.{at}.{}",
                        fitting.join(" and "),
                        rest[k..].join(".")
                    ));
                }
                let names: Vec<String> = items.iter().filter_map(label).collect();
                if let Some(&(_, k)) = fits.last().filter(|&&(_, k)| through.is_empty() && rest.len() > k + 1) {
                    // `otp.v3.message_expiry` beside streams `otp` and
                    // `otp.v2`: a misspelt dotted name, not a new table in `otp`.
                    let guess = rest[..=k].join(".");
                    let prefix = format!("{}.", rest[..k].join("."));
                    let dotted: Vec<&str> =
                        names.iter().map(String::as_str).filter(|n| n.starts_with(&prefix)).collect();
                    let hint = did_you_mean(&guess, &dotted, Quote::Value);
                    if !hint.is_empty() {
                        return Err(format!("no [[{walked}]] has id, name or index \"{guess}\"{hint}"));
                    }
                }
                let pick = rest[0];
                let index = || pick.parse::<usize>().ok().filter(|n| *n < items.len()).map(|n| (n, 1));
                let Some((at, k)) = through.first().or(fits.last()).copied().or_else(index) else {
                    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                    let hint = did_you_mean(pick, &refs, Quote::Value);
                    return Err(format!("no [[{walked}]] has id, name or index \"{pick}\"{hint}"));
                };
                walked = format!("{walked}.{}", rest[..k].join("."));
                place.push(at.to_string());
                i += 1 + k;
                if i == segments.len() {
                    return Err(format!("`{path}` names a whole table: add the key to set"));
                }
                items[at].as_table_mut().expect("checked above")
            }
            _ => return Err(format!("`{walked}` is a {kind}, not a table")),
        };
    }
    let key = segments[segments.len() - 1];
    place.push(key.to_string());
    Ok(Set { old: table.insert(key.to_string(), value), place: place.join(".") })
}

/// Whether the rest of a path after `entry` (its last part the key to set)
/// goes through tables the entry has.
fn goes_through(entry: &Value, rest: &[&str]) -> bool {
    let mut at = entry;
    for key in &rest[..rest.len().saturating_sub(1)] {
        match at.get(key) {
            Some(v) if v.is_table() => at = v,
            Some(v) => return v.is_array(),
            None => return false,
        }
    }
    true
}

/// The `id` or `name` of an entry of an array of tables.
fn label(v: &Value) -> Option<String> {
    let t = v.as_table()?;
    t.get("id").or_else(|| t.get("name")).and_then(Value::as_str).map(str::to_string)
}

/// The cartesian product of the parameters' values, first parameter slowest.
pub(crate) fn combinations(parameters: &[Parameter]) -> Vec<Vec<usize>> {
    parameters.iter().fold(vec![Vec::new()], |acc, p| {
        acc.into_iter()
            .flat_map(|prefix| (0..p.values.len()).map(move |i| [prefix.clone(), vec![i]].concat()))
            .collect()
    })
}

/// Re-places a point's diagnostics at the sweep (or plan) value that
/// produced them; `word` names which.
pub(super) fn blame(d: Diagnostic, p: &Parameter, value: usize, at: (usize, usize), word: &str) -> Diagnostic {
    let shown = show(&p.values[value]);
    let message = format!("{word} `{}` = {shown}: {}", p.path, d.message);
    let (line, column) = if p.value_spans[value].is_some() { at } else { (1, 1) };
    Diagnostic { line, column, message, ..d }
}

/// The stream a `traffic.<name>.message_expiry` parameter sweeps.
pub fn expiry_stream(path: &str, sc: &Scenario) -> Option<usize> {
    let name = path.strip_prefix("traffic.")?.strip_suffix(".message_expiry")?;
    sc.traffic.iter().position(|t| t.name == name).or_else(|| name.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Table {
        "[account]\nsms_mps = 5\n[[traffic]]\nname = \"otp\"\narrival = { rate = \"1/s\" }\n[[outages]]\nscope = \"platform\"\n"
            .parse()
            .unwrap()
    }

    #[test]
    fn paths_reach_tables_arrays_by_name_and_index() {
        let mut d = doc();
        set_path(&mut d, "account.sms_mps", Value::Integer(9)).unwrap();
        set_path(&mut d, "traffic.otp.message_expiry", Value::String("1m".into())).unwrap();
        set_path(&mut d, "traffic.otp.arrival.rate", Value::String("2/s".into())).unwrap();
        set_path(&mut d, "outages.0.duration", Value::String("5m".into())).unwrap();
        let text = toml::to_string(&d).unwrap();
        assert!(text.contains("sms_mps = 9"), "{text}");
        assert!(text.contains("message_expiry = \"1m\""), "{text}");
        assert!(text.contains("2/s") && text.contains("duration = \"5m\""), "{text}");
    }

    /// A stream's name may hold dots: the path takes the longest name that
    /// leaves a key after it, beside a stream whose name is its start.
    #[test]
    fn paths_reach_an_entry_whose_name_holds_dots() {
        let mut d = doc();
        let v2: Table = "name = \"otp.v2\"".parse().unwrap();
        d["traffic"].as_array_mut().unwrap().push(Value::Table(v2));
        let v2 = set_path(&mut d, "traffic.otp.v2.message_expiry", Value::String("2m".into())).unwrap();
        assert_eq!(v2.place, "traffic.1.message_expiry");
        let otp = set_path(&mut d, "traffic.otp.message_expiry", Value::String("1m".into())).unwrap();
        assert_eq!((otp.place.as_str(), otp.old), ("traffic.0.message_expiry", None));
        let expiry = |i: usize| d["traffic"][i]["message_expiry"].as_str().map(str::to_string);
        assert_eq!((expiry(0), expiry(1)), (Some("1m".into()), Some("2m".into())));
        // A misspelt dotted name is told so, not taken for a table in `otp`;
        // a table `otp` lacks is still made.
        let e = set_path(&mut d, "traffic.otp.v3.message_expiry", Value::String("2m".into())).unwrap_err();
        assert_eq!(e, "no [[traffic]] has id, name or index \"otp.v3\"; did you mean \"otp.v2\"?");
        set_path(&mut d, "traffic.otp.retry.max", Value::Integer(2)).unwrap();
        assert_eq!(d["traffic"][0]["retry"]["max"].as_integer(), Some(2));
    }

    /// A name wins over an index (as in an expectation's path), and a path
    /// that goes on through the tables of two entries names neither.
    #[test]
    fn a_name_wins_over_an_index_and_two_fitting_names_are_refused() {
        let mut d: Table = "[[traffic]]\nname = \"1\"\n[[traffic]]\nname = \"0\"\n\
            [[traffic]]\nname = \"otp\"\narrival = { rate = \"1/s\" }\n[[traffic]]\nname = \"otp.arrival\"\n"
            .parse()
            .unwrap();
        set_path(&mut d, "traffic.0.message_expiry", Value::String("5s".into())).unwrap();
        assert_eq!(d["traffic"][1]["message_expiry"].as_str(), Some("5s"), "the stream named 0");
        let e = set_path(&mut d, "traffic.otp.arrival.rate", Value::String("2/s".into())).unwrap_err();
        assert_eq!(
            e,
            "`traffic.otp.arrival.rate` fits more than one [[traffic]]: \"otp\" (index 2) and \"otp.arrival\" (index 3); name the one meant by its index, such as traffic.2.arrival.rate"
        );
        set_path(&mut d, "traffic.2.arrival.rate", Value::String("2/s".into())).unwrap();
        assert_eq!(d["traffic"][2]["arrival"]["rate"].as_str(), Some("2/s"));
    }

    #[test]
    fn bad_paths_say_why() {
        let mut d = doc();
        let e = set_path(&mut d, "traffic.opt.message_expiry", Value::Integer(1)).unwrap_err();
        assert_eq!(e, "no [[traffic]] has id, name or index \"opt\"; did you mean \"otp\"?");
        let e = set_path(&mut d, "account.sms_mps.x", Value::Integer(1)).unwrap_err();
        assert_eq!(e, "`account.sms_mps` is a integer, not a table");
        assert!(set_path(&mut d, "traffic.otp", Value::Integer(1)).is_err());
        assert!(set_path(&mut d, "a..b", Value::Integer(1)).is_err());
    }

    #[test]
    fn command_line_values_read_as_toml() {
        let a: SweepArg = "brands.acme.vetting_score=30,62,0.5,true,30s".parse().unwrap();
        assert_eq!(a.path, "brands.acme.vetting_score");
        assert_eq!(
            a.values,
            vec![
                Value::Integer(30),
                Value::Integer(62),
                Value::Float(0.5),
                Value::Boolean(true),
                Value::String("30s".into())
            ]
        );
        assert!("novalues=".parse::<SweepArg>().is_err());
        let empty = "x=,".parse::<SweepArg>().unwrap_err().to_string();
        assert!(empty.ends_with("with no empty value (write \"\" for an empty text)"), "{empty}");
        assert_eq!("x=\"\",a".parse::<SweepArg>().unwrap().values[0], Value::String(String::new()));
        assert!("noequals".parse::<SweepArg>().is_err());
        // A quoted value may hold commas (and an escaped quote).
        let t: SweepArg = r#"traffic.otp.text=héllo 😀, plain,"a, b","say \"hi\", ok""#.parse().unwrap();
        let texts: Vec<&str> = t.values.iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(texts, ["héllo 😀", "plain", "a, b", "say \"hi\", ok"]);
    }

    #[test]
    fn combinations_vary_the_first_parameter_slowest() {
        let p = |n: usize| Parameter {
            path: "x".into(),
            values: vec![Value::Integer(0); n],
            key_span: None,
            value_spans: vec![None; n],
        };
        assert_eq!(
            combinations(&[p(2), p(3)]),
            vec![vec![0, 0], vec![0, 1], vec![0, 2], vec![1, 0], vec![1, 1], vec![1, 2]]
        );
        assert_eq!(combinations(&[]), vec![Vec::<usize>::new()]);
    }
}
