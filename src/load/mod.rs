//! Reading scenario files: TOML text to a validated [`Scenario`].
//!
//! The document is parsed with spans kept for every key and value, then
//! validated section by section. Every problem is reported, not just the
//! first, as `FILE:LINE:COLUMN: message` naming the key and what was expected.

mod expect;
mod sections;
mod sweep;
mod values;

pub use sweep::{Point, Sweep, SweepArg, SweepArgError, expiry_stream, show};
pub use values::{Decimal, duration, rate};

use sweep::{Parameter, blame, combinations, set_path};

use crate::scenario::calendar::Calendar;
use crate::scenario::rate::{Rate, Scale};
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::{Money, Scenario};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One problem found in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub warning: bool,
}

impl Diagnostic {
    /// A problem with the file as a whole, placed at its first line.
    pub fn whole_file(file: &str, message: String) -> Diagnostic {
        Diagnostic { file: file.to_string(), line: 1, column: 1, message, warning: false }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        write!(f, "{}:{}:{}: {}{}", self.file, self.line, self.column, kind, self.message)
    }
}

pub use expect::Expect;

/// A scenario read from a file, with what it asks to check.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The scenario as written (a sweep's base).
    pub scenario: Scenario,
    pub expects: Vec<Expect>,
    pub warnings: Vec<Diagnostic>,
    /// Its sweep points, when it has a `[sweep]` (or `--sweep` was given).
    pub sweep: Option<Sweep>,
    /// The text it was read from (for a sweep point, the point's document).
    pub source: String,
}

/// Reads and validates the scenario file at `path`; `extra` adds or replaces
/// sweep parameters (from the command line).
pub fn load_file(path: &Path, extra: &[SweepArg]) -> Result<Loaded, Vec<Diagnostic>> {
    let file = path.display().to_string();
    let whole = |message: String| vec![Diagnostic::whole_file(&file, message)];
    let bytes = std::fs::read(path).map_err(|e| whole(format!("cannot read the scenario file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        whole(format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })?;
    parse_with(&text, &file, &stem(path), path.parent().unwrap_or(Path::new(".")), extra)
}

/// A scenario file's name without its extension: the default scenario name
/// and the folder its reports go to.
pub fn stem(path: &Path) -> String {
    path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
}

/// A path given for scenarios that holds none.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("{}: no such file or folder", .0.display())]
    Missing(PathBuf),
    #[error("{}: cannot list folder: {source}", .path.display())]
    List { path: PathBuf, source: std::io::Error },
    #[error("{}: no *.toml scenario files in this folder", .0.display())]
    Empty(PathBuf),
}

/// The scenario files named by `paths`: files as given, folders as their
/// `*.toml` files in name order.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FindError> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| FindError::List { path: p.clone(), source })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(FindError::Empty(p.clone()));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(FindError::Missing(p.clone()));
        }
    }
    Ok(files)
}

/// Validates scenario `text`; `file` names it in messages, `stem` is the
/// default name, and `dir` is where relative trace paths start.
pub fn parse(text: &str, file: &str, stem: &str, dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    parse_with(text, file, stem, dir, &[])
}

/// [`parse`], with sweep parameters added or replaced by `extra`.
pub fn parse_with(
    text: &str,
    file: &str,
    stem: &str,
    dir: &Path,
    extra: &[SweepArg],
) -> Result<Loaded, Vec<Diagnostic>> {
    let (mut loaded, mut parameters) = parse_single(text, file, stem, dir)?;
    for arg in extra {
        parameters.retain(|p| p.path != arg.path);
        parameters.push(arg.clone().into());
    }
    if parameters.is_empty() {
        return Ok(loaded);
    }
    let mut base: toml::Table =
        text.parse().map_err(|e: toml::de::Error| vec![Diagnostic::whole_file(file, e.message().into())])?;
    base.remove("sweep");
    let at = |span: &Option<Range<usize>>| span.as_ref().map_or((1, 1), |s| position(text, s.start));
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut points = Vec::new();
    for combo in combinations(&parameters) {
        let mut doc = base.clone();
        let mut complete = true;
        for (p, &v) in parameters.iter().zip(&combo) {
            if let Err(why) = set_path(&mut doc, &p.path, p.values[v].clone()) {
                let (line, column) = at(&p.key_span);
                let message = format!("sweep `{}`: {why}", p.path);
                errors.push(Diagnostic { file: file.into(), line, column, message, warning: false });
                complete = false;
            }
        }
        if !complete {
            continue;
        }
        let point_text = toml::to_string(&doc).expect("a TOML table serialises");
        match parse_single(&point_text, file, stem, dir) {
            Ok((point, _)) => {
                let values = parameters.iter().zip(&combo).map(|(p, &v)| p.values[v].clone()).collect();
                points.push(Point { values, loaded: point });
            }
            Err(diags) => {
                for d in diags.into_iter().filter(|d| !d.warning) {
                    errors.push(attribute(d, &parameters, &combo, text));
                }
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
        errors.dedup();
        return Err(errors);
    }
    let names = parameters.iter().map(|p| p.path.clone()).collect();
    loaded.sweep = Some(Sweep { parameters: names, points });
    Ok(loaded)
}

/// Places a sweep point's diagnostic in the file: at the value when the
/// message names the swept key, at the path when it names a table on the way
/// (an unknown key), else at the first parameter's value.
fn attribute(d: Diagnostic, parameters: &[Parameter], combo: &[usize], text: &str) -> Diagnostic {
    let at = |span: &Option<Range<usize>>| span.as_ref().map_or((1, 1), |s| position(text, s.start));
    let named = |p: &Parameter| {
        let segments: Vec<&str> = p.path.split('.').collect();
        (1..=segments.len()).rev().find(|&n| {
            let prefix = segments[..n].join(".");
            d.message.contains(&format!("`{prefix}`")) || d.message.contains(&format!("`{}`", segments[n - 1]))
        })
    };
    let best = parameters
        .iter()
        .enumerate()
        .filter_map(|(i, p)| named(p).map(|n| (n, i)))
        .max_by_key(|&(n, i)| (n, std::cmp::Reverse(i)));
    match best {
        Some((n, i)) if n < parameters[i].path.split('.').count() => {
            let p = &parameters[i];
            let (line, column) = at(&p.key_span);
            Diagnostic { line, column, message: format!("sweep `{}`: {}", p.path, d.message), ..d }
        }
        found => {
            let i = found.map_or(0, |(_, i)| i);
            blame(d, &parameters[i], combo[i], at(&parameters[i].value_spans[combo[i]]))
        }
    }
}

/// One document, without expanding its sweep: the scenario and the sweep's parameters.
fn parse_single(text: &str, file: &str, stem: &str, dir: &Path) -> Result<(Loaded, Vec<Parameter>), Vec<Diagnostic>> {
    let mut r = Reader { src: text, file, dir, diags: Vec::new() };
    if text.trim().is_empty() {
        r.error(0..0, "the file is empty: a scenario needs at least `start` and one [[traffic]] stream".into());
        return Err(r.diags);
    }
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            r.error(span, format!("not valid TOML: {msg}"));
            return Err(r.diags);
        }
    };
    let root = Tbl { table: doc.get_ref(), span: doc.span(), name: String::new() };
    let loaded = r.scenario(&root, stem);
    let parameters = r.sweep(&root);
    let (errors, warnings): (Vec<_>, Vec<_>) = r.diags.into_iter().partition(|d| !d.warning);
    match loaded {
        Some((scenario, expects)) if errors.is_empty() => {
            Ok((Loaded { scenario, expects, warnings, sweep: None, source: text.to_string() }, parameters))
        }
        _ => Err(errors.into_iter().chain(warnings).collect()),
    }
}

/// Line and column (from 1, in characters) of a byte offset.
fn position(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

type Value<'i> = Spanned<DeValue<'i>>;

/// A table being read, with its path for messages.
struct Tbl<'a, 'i> {
    table: &'a DeTable<'i>,
    span: Range<usize>,
    name: String,
}

impl<'a, 'i> Tbl<'a, 'i> {
    fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }
    fn path(&self, key: &str) -> String {
        if self.name.is_empty() { key.to_string() } else { format!("{}.{key}", self.name) }
    }
}

struct Reader<'s> {
    src: &'s str,
    file: &'s str,
    dir: &'s Path,
    diags: Vec<Diagnostic>,
}

impl<'s> Reader<'s> {
    fn position(&self, offset: usize) -> (usize, usize) {
        position(self.src, offset)
    }

    fn report(&mut self, span: Range<usize>, message: String, warning: bool) {
        let (line, column) = self.position(span.start);
        self.diags.push(Diagnostic { file: self.file.to_string(), line, column, message, warning });
    }
    fn error(&mut self, span: Range<usize>, message: String) {
        self.report(span, message, false);
    }
    fn warn(&mut self, span: Range<usize>, message: String) {
        self.report(span, message, true);
    }

    /// Reports keys of `t` not in `allowed`, with a suggestion.
    fn check_keys(&mut self, t: &Tbl, allowed: &[&str]) {
        for (key, _) in t.table.iter() {
            let k: &str = key.get_ref();
            if !allowed.contains(&k) {
                let hint = did_you_mean(k, allowed).map_or(String::new(), |s| format!("; did you mean `{s}`?"));
                let place = if t.name.is_empty() { "at the top level".into() } else { format!("in `{}`", t.name) };
                self.error(
                    key.span(),
                    format!("unknown key `{k}` {place}{hint} (expected one of: {})", allowed.join(", ")),
                );
            }
        }
    }

    fn table<'a, 'i>(&mut self, v: &'a Value<'i>, name: String, allowed: &[&str]) -> Option<Tbl<'a, 'i>> {
        let t = self.unchecked_table(v, name)?;
        self.check_keys(&t, allowed);
        Some(t)
    }

    /// A table whose keys the caller checks once it knows the table's name.
    fn unchecked_table<'a, 'i>(&mut self, v: &'a Value<'i>, name: String) -> Option<Tbl<'a, 'i>> {
        match v.get_ref() {
            DeValue::Table(table) => Some(Tbl { table, span: v.span(), name }),
            other => {
                self.error(v.span(), format!("`{name}`: expected a table, found {}", type_name(other)));
                None
            }
        }
    }

    /// The tables of an array of tables (`[[traffic]]`), each with its key list checked.
    fn tables<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str) -> Vec<&'a Value<'i>> {
        match t.get(key) {
            None => Vec::new(),
            Some(v) => match v.get_ref() {
                DeValue::Array(items) => items.iter().collect(),
                other => {
                    self.error(
                        v.span(),
                        format!("`{key}`: expected an array of tables ([[{key}]]), found {}", type_name(other)),
                    );
                    Vec::new()
                }
            },
        }
    }

    fn missing(&mut self, t: &Tbl, key: &str, expected: &str) {
        let place = if t.name.is_empty() { "the scenario".into() } else { format!("`{}`", t.name) };
        self.error(t.span.clone(), format!("{place} needs `{key}`: {expected}"));
    }

    fn wrong(&mut self, t: &Tbl, key: &str, v: &Value, expected: &str) {
        let found = type_name(v.get_ref());
        self.error(v.span(), format!("`{}`: expected {expected}, found {found}", t.path(key)));
    }

    fn invalid(&mut self, t: &Tbl, key: &str, v: &Value, why: String) {
        self.error(v.span(), format!("`{}`: {why}", t.path(key)));
    }

    fn string<'a>(&mut self, t: &Tbl<'a, '_>, key: &str) -> Option<&'a str> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => {
                self.wrong(t, key, v, "a string");
                None
            }
        }
    }

    fn bool(&mut self, t: &Tbl, key: &str) -> Option<bool> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong(t, key, v, "true or false");
                None
            }
        }
    }

    /// The literal text of a number value.
    fn number_text<'a>(&mut self, t: &Tbl<'a, '_>, key: &str, expected: &str) -> Option<&'a str> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => Some(i.as_str()),
            DeValue::Float(f) => Some(f.as_str()),
            _ => {
                self.wrong(t, key, v, expected);
                None
            }
        }
    }

    fn int(&mut self, t: &Tbl, key: &str, range: std::ops::RangeInclusive<u64>) -> Option<u64> {
        let expected = format!("a whole number from {} to {}", range.start(), range.end());
        let v = t.get(key)?;
        let text = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().replace('_', ""),
            _ => {
                self.wrong(t, key, v, &expected);
                return None;
            }
        };
        match text.parse::<u64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                self.invalid(t, key, v, format!("expected {expected}, found {text}"));
                None
            }
        }
    }

    fn float(&mut self, t: &Tbl, key: &str) -> Option<f64> {
        let v = t.get(key)?;
        let text = self.number_text(t, key, "a number")?;
        match text.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                self.invalid(t, key, v, format!("expected a finite number, found {text}"));
                None
            }
        }
    }

    /// A value parsed from a string (or a number's text) by `parse`.
    fn parsed<T>(
        &mut self,
        t: &Tbl,
        key: &str,
        numbers: bool,
        expected: &str,
        parse: impl FnOnce(&str, bool) -> Result<T, String>,
    ) -> Option<T> {
        let v = t.get(key)?;
        let (text, is_number) = match v.get_ref() {
            DeValue::String(s) => (s.as_ref(), false),
            DeValue::Integer(i) if numbers && i.radix() == 10 => (i.as_str(), true),
            DeValue::Float(f) if numbers => (f.as_str(), true),
            _ => {
                self.wrong(t, key, v, expected);
                return None;
            }
        };
        match parse(text, is_number) {
            Ok(x) => Some(x),
            Err(why) => {
                self.invalid(t, key, v, why);
                None
            }
        }
    }

    fn duration(&mut self, t: &Tbl, key: &str) -> Option<SimDuration> {
        self.parsed(
            t,
            key,
            true,
            values::DURATION_HELP,
            |s, number| {
                if number { values::seconds(s) } else { values::duration(s) }
            },
        )
    }

    /// A rate; a bare number counts per `bare`.
    fn rate(&mut self, t: &Tbl, key: &str, bare: SimDuration) -> Option<Rate> {
        let help = format!("{} or a positive number", values::RATE_HELP);
        self.parsed(t, key, true, &help, |s, _| values::rate(s, bare))
    }

    fn fraction(&mut self, t: &Tbl, key: &str) -> Option<Scale> {
        self.parsed(t, key, true, "a number from 0 to 1", |s, _| values::fraction(s))
    }

    fn usd(&mut self, t: &Tbl, key: &str) -> Option<Money> {
        self.parsed(t, key, true, "an amount in US dollars", |s, _| values::usd(s)).map(Money)
    }

    fn choice<T: Copy>(&mut self, t: &Tbl, key: &str, all: &[T], name: impl Fn(T) -> &'static str) -> Option<T> {
        let v = t.get(key)?;
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        let expected = format!("one of {}", names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "));
        let DeValue::String(s) = v.get_ref() else {
            self.wrong(t, key, v, &expected);
            return None;
        };
        match all.iter().find(|x| name(**x) == s.as_ref()) {
            Some(x) => Some(*x),
            None => {
                let hint = did_you_mean(s, &names).map_or(String::new(), |h| format!("; did you mean \"{h}\"?"));
                self.invalid(t, key, v, format!("expected {expected}, found \"{s}\"{hint}"));
                None
            }
        }
    }

    /// An instant: an offset from `start` (duration) or an RFC 3339 time.
    fn instant(&mut self, t: &Tbl, key: &str, cal: &Calendar) -> Option<SimTime> {
        let v = t.get(key)?;
        let expected =
            "an offset from `start` such as \"30m\", or an RFC 3339 time such as \"2026-03-10T09:00:00-07:00\"";
        let text = match v.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(_) | DeValue::Float(_) => {
                let d = self.duration(t, key)?;
                return Some(SimTime::ZERO + d);
            }
            _ => {
                self.wrong(t, key, v, expected);
                return None;
            }
        };
        if let Ok(d) = values::duration(&text) {
            return Some(SimTime::ZERO + d);
        }
        match text.parse::<jiff::Timestamp>() {
            Ok(ts) => match cal.sim_time(ts) {
                Some(at) => Some(at),
                None => {
                    self.invalid(t, key, v, format!("{text} is before the scenario's `start` ({})", cal.start()));
                    None
                }
            },
            Err(_) => {
                self.invalid(t, key, v, format!("expected {expected}, found \"{text}\""));
                None
            }
        }
    }
}

fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The closest of `options` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'o>(word: &str, options: &[&'o str]) -> Option<&'o str> {
    options
        .iter()
        .map(|o| (edit_distance(word, o), *o))
        .filter(|(d, o)| *d <= 2.max(o.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// Levenshtein distance, for suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
