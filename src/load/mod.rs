//! Reading scenario files: TOML text to a validated [`Scenario`].
//!
//! The document is parsed with spans kept for every key and value, then
//! validated section by section. Every problem is reported, not just the
//! first, as `FILE:LINE:COLUMN: message` naming the key and what was expected.

mod expect;
mod reader;
mod sections;
pub(crate) mod spec;
mod sweep;
mod values;
mod window;

/// For `plan --vary` values on the command line.
#[cfg(feature = "cli")]
pub(crate) use sweep::literal;
pub use sweep::{Point, Sweep, SweepArg, SweepArgError, canonical, expiry_stream, ordered, show};
pub use window::{ChartWindow, Moment, MomentError, WindowArgError};

/// For suggestions of `summary.json` paths in [`crate::check`].
#[cfg(feature = "report")]
pub(crate) use reader::edit_distance;
pub(crate) use reader::{Quote, did_you_mean};
use reader::{Reader, Tbl, Value, type_name};
use sweep::{Parameter, Set, blame, combinations, set_path};

use crate::scenario::Scenario;
use crate::scenario::bounds::{MAX_NAME_CHARS, MAX_SCENARIO_BYTES, MAX_SWEEP_POINTS};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// One problem found in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The scenario file.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
    /// A warning does not stop the run.
    pub warning: bool,
}

impl Diagnostic {
    /// A problem with the file as a whole, placed at its first line.
    pub(crate) fn whole_file(file: &str, message: String) -> Diagnostic {
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
    /// Its `[[expect]]` tables.
    pub expects: Vec<Expect>,
    /// Problems that do not stop it from running.
    pub warnings: Vec<Diagnostic>,
    /// Its sweep points, when it has a `[sweep]` (or `--sweep` was given),
    /// or its `[plan]`'s candidates (one point each).
    pub sweep: Option<Sweep>,
    /// What `a2psim plan` wants of its candidates, when it has a `[plan]`.
    pub plan: Option<PlanSpec>,
    /// The text it was read from (for a sweep point, the point's document).
    pub source: String,
}

/// What a `[plan]` wants of its candidates.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSpec {
    /// Which end, for one parameter without `minimize`.
    pub goal: Goal,
    /// The figure to make smallest, over one or several parameters.
    pub minimize: Option<Minimize>,
    /// Line and column of the `[plan]` table, for messages about it.
    pub at: (usize, usize),
}

/// `minimize = "cost_usd"`: a key figure, checked once the figures are known.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimize {
    /// The figure's key, as `sweep.csv` names it.
    pub figure: String,
    /// Its line and column in the file.
    pub at: (usize, usize),
}

/// Which end of a `[plan]`'s candidates the planner wants: the least (or
/// most) value that keeps every `[[expect]]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// The smallest candidate meeting every expectation.
    Least,
    /// The largest candidate meeting every expectation.
    Most,
}

impl Goal {
    /// Every goal, for the loader's choices.
    pub const ALL: [Goal; 2] = [Goal::Least, Goal::Most];

    /// Its name in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            Goal::Least => "least",
            Goal::Most => "most",
        }
    }
}

/// How large a candidate or swept value is, for a number or a duration:
/// plan candidates are ordered by it, and so are a sweep page's sliders.
pub fn magnitude(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(n) => Some(*n as f64),
        toml::Value::Float(x) => Some(*x),
        toml::Value::String(s) => values::duration(s).ok().map(|d| d.as_nanos() as f64),
        _ => None,
    }
}

/// Reads and validates the scenario file at `path`; `extra` adds or replaces
/// sweep parameters (from the command line).
pub fn load_file(path: &Path, extra: &[SweepArg]) -> Result<Loaded, Vec<Diagnostic>> {
    load_file_allowing(path, extra, &[], None)
}

/// [`load_file`], with trace files also allowed in the folders `allow`,
/// and `plan` (a `[plan]` table in TOML, from the command line) added to
/// the file, which must not have its own.
pub fn load_file_allowing(
    path: &Path,
    extra: &[SweepArg],
    allow: &[PathBuf],
    plan: Option<&str>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let file = path.display().to_string();
    let whole = |message: String| vec![Diagnostic::whole_file(&file, message)];
    let bytes =
        read_regular(path, MAX_SCENARIO_BYTES).map_err(|e| whole(format!("cannot read the scenario file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Placed where the first byte that is no UTF-8 character stands.
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = position(std::str::from_utf8(&bytes[..at]).unwrap_or_default(), at);
        let message = format!("the file is not UTF-8 text: byte 0x{:02X} here starts no character", bytes[at]);
        vec![Diagnostic { file: file.clone(), line, column, message, warning: false }]
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let Some(plan) = plan else {
        return on_command_line(parse_with(&text, &file, &stem(path), dir, extra, allow), extra);
    };
    if text.parse::<toml::Table>().is_ok_and(|t| t.contains_key("plan")) {
        return Err(whole("the file has its own [plan]: edit it, or leave out --vary".into()));
    }
    // Problems in the added table are the command line's, not the file's.
    let lines = text.lines().count();
    let candidates = if plan.lines().any(|l| l.starts_with("options")) { "--options" } else { "--range" };
    parse_with(&format!("{text}\n{plan}"), &file, &stem(path), dir, extra, allow).map_err(|diags| {
        let mut placed: Vec<Diagnostic> =
            diags.into_iter().map(|d| if d.line > lines { on_plan_option(d, candidates) } else { d }).collect();
        with_the_last(&mut placed);
        placed
    })
}

/// Places a problem with the `[plan]` that `plan`'s options made on the
/// option that set the key it names (`--step:1:1: must be longer than
/// zero`), a candidate's on the option that listed the candidates
/// (`candidates`), else on `--vary`.
fn on_plan_option(d: Diagnostic, candidates: &str) -> Diagnostic {
    const OPTIONS: [&str; 5] = ["vary", "range", "step", "options", "goal"];
    let named = d.message.strip_prefix("`plan.").and_then(|m| m.split_once("`: "));
    let a_candidate = d.message.starts_with("plan `") && d.message.contains("` = ");
    let (file, message) = match named {
        Some((key, rest)) if OPTIONS.iter().any(|&o| key.split(['.', '[']).next() == Some(o)) => {
            let option = key.split(['.', '[']).next().unwrap_or(key);
            (format!("--{option}"), rest.to_string())
        }
        _ if a_candidate => (candidates.to_string(), d.message),
        _ => ("--vary".to_string(), d.message),
    };
    Diagnostic { file, line: 1, column: 1, message, ..d }
}

/// The count of points refused as above goes where the last of them went.
fn with_the_last(placed: &mut [Diagnostic]) {
    if let [.., told, more] = placed
        && more.message.ends_with("refused too, as above")
    {
        (more.file, more.line, more.column) = (told.file.clone(), told.line, told.column);
    }
}

/// Places a problem with a `--sweep` parameter (one of `extra`) on the
/// command line (`--sweep:1:1`), not at the top of the file.
fn on_command_line(loaded: Result<Loaded, Vec<Diagnostic>>, extra: &[SweepArg]) -> Result<Loaded, Vec<Diagnostic>> {
    let place = |d: Diagnostic| {
        let named = extra.iter().any(|a| {
            d.message.starts_with(&format!("sweep `{}`", a.path))
                || d.message.starts_with(&format!("--sweep {}", a.path))
        });
        if named { Diagnostic { file: "--sweep".into(), line: 1, column: 1, ..d } } else { d }
    };
    match loaded {
        Ok(mut loaded) => {
            loaded.warnings = std::mem::take(&mut loaded.warnings).into_iter().map(place).collect();
            Ok(loaded)
        }
        Err(diags) => {
            let mut placed: Vec<Diagnostic> = diags.into_iter().map(place).collect();
            with_the_last(&mut placed);
            Err(placed)
        }
    }
}

/// The contents of `path`, if it is a regular file of at most `max` bytes:
/// not a device, a pipe or a folder, which could be endless or hang.
pub(crate) fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, Read};
    // Looked at before opening: opening a pipe waits for a writer.
    let meta = std::fs::metadata(path).map_err(|e| match std::fs::read_link(path) {
        Ok(to) if e.kind() == std::io::ErrorKind::NotFound => {
            Error::other(format!("a link to nothing ({} does not exist)", to.display()))
        }
        _ => e,
    })?;
    if !meta.is_file() {
        return Err(Error::other("not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    if meta.len() > max {
        return Err(Error::other(format!("larger than {max} bytes")));
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Error::other(format!("larger than {max} bytes")));
    }
    Ok(bytes)
}

/// A scenario file's name without its extension: the default scenario name
/// and the folder its reports go to.
pub fn stem(path: &Path) -> String {
    path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
}

/// Whether `stem` can name a report folder inside `--out` and nothing else:
/// not empty, no `.` or `..`, no path separator or control character, not hidden.
fn plain_stem(stem: &str) -> Result<(), String> {
    let bad = stem.is_empty()
        || stem.starts_with('.')
        || stem.contains(['/', '\\'])
        || stem.chars().any(char::is_control)
        || stem.chars().count() > MAX_NAME_CHARS;
    if bad {
        return Err(format!(
            "the file name {stem:?} cannot name its report folder: rename the file (letters, digits, `-`, `_`; not starting with `.`)"
        ));
    }
    Ok(())
}

/// A path given for scenarios that holds none.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// Neither a file nor a folder.
    #[error("{}: no such file or folder", .0.display())]
    Missing(PathBuf),
    /// A folder that cannot be listed.
    #[error("{}: cannot list folder: {source}", .path.display())]
    List {
        /// The folder.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
    /// A folder with no `*.toml` file.
    #[error("{}: no *.toml scenario files in this folder", .0.display())]
    Empty(PathBuf),
    /// A path that cannot be looked at (a loop of links, no permission).
    #[error("{}: {source}", .path.display())]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
}

/// The scenario files named by `paths`: paths as given, folders as their
/// `*.toml` entries other than folders and hidden files (an editor's lock
/// or backup, `.#s.toml`), in name order. A path that is there but not a
/// regular file (a pipe, a device, a link to nothing) is kept, so that
/// reading it says what it is.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FindError> {
    let mut files = Vec::new();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && p.symlink_metadata().is_err() => {
                return Err(FindError::Missing(p.clone()));
            }
            // A link to nothing: reading it says so.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                files.push(p.clone());
                continue;
            }
            Err(source) => return Err(FindError::Unreadable { path: p.clone(), source }),
        };
        if meta.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| FindError::List { path: p.clone(), source })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| !f.is_dir() && f.extension().is_some_and(|x| x == "toml"))
                .filter(|f| f.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('.')))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(FindError::Empty(p.clone()));
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Validates scenario `text`; `file` names it in messages, `stem` is the
/// default name, and `dir` is where relative trace paths start.
pub fn parse(text: &str, file: &str, stem: &str, dir: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    parse_with(text, file, stem, dir, &[], &[])
}

/// [`parse`], with sweep parameters added or replaced by `extra`.
pub(crate) fn parse_with(
    text: &str,
    file: &str,
    stem: &str,
    dir: &Path,
    extra: &[SweepArg],
    allow: &[PathBuf],
) -> Result<Loaded, Vec<Diagnostic>> {
    if let Err(why) = plain_stem(stem) {
        return Err(vec![Diagnostic::whole_file(file, why)]);
    }
    let (mut loaded, mut parameters) = parse_single(text, file, stem, dir, allow)?;
    for (k, arg) in extra.iter().enumerate() {
        if extra[..k].iter().any(|a| a.path == arg.path) {
            let message = format!("--sweep {}: given twice: list all its values in one --sweep", arg.path);
            return Err(vec![Diagnostic::whole_file(file, message)]);
        }
        if loaded.plan.is_some() {
            let message = format!("--sweep {}: a plan searches its own parameter: leave out --sweep", arg.path);
            return Err(vec![Diagnostic::whole_file(file, message)]);
        }
        parameters.retain(|p| p.path != arg.path);
        parameters.push(arg.clone().into());
    }
    if parameters.is_empty() {
        return Ok(loaded);
    }
    let mut base: toml::Table =
        text.parse().map_err(|e: toml::de::Error| vec![Diagnostic::whole_file(file, e.message().into())])?;
    base.remove("sweep");
    base.remove("plan");
    let at = |span: &Option<Range<usize>>| span.as_ref().map_or((1, 1), |s| position(text, s.start));
    let twice: Vec<Diagnostic> = parameters.iter().flat_map(|p| listed_twice(p, file, text)).collect();
    if !twice.is_empty() {
        return Err(twice);
    }
    let points = parameters.iter().try_fold(1usize, |n, p| n.checked_mul(p.values.len()));
    if points.is_none_or(|n| n > MAX_SWEEP_POINTS) {
        let (line, column) = at(&parameters[0].key_span);
        let counts: Vec<String> = parameters.iter().map(|p| p.values.len().to_string()).collect();
        let message = format!(
            "the sweep has {} points, more than {MAX_SWEEP_POINTS}: use fewer values per parameter",
            counts.join(" × ")
        );
        return Err(vec![Diagnostic { file: file.into(), line, column, message, warning: false }]);
    }
    // What the file's parameters are called in messages.
    let word = if loaded.plan.is_some() { "plan" } else { "sweep" };
    // Two paths to one key (`traffic.0.x` and `traffic.otp.x`): the later
    // would undo the earlier at every point.
    let mut doc = base.clone();
    let places: Vec<Option<String>> =
        parameters.iter().map(|p| set_path(&mut doc, &p.path, p.values[0].clone()).ok().map(|s| s.place)).collect();
    for (k, p) in parameters.iter().enumerate() {
        if let Some(j) = (0..k).find(|&j| places[j].is_some() && places[j] == places[k]) {
            let (line, column) = at(&p.key_span);
            let message = format!(
                "{word} `{}` sets the same key as `{}`: one would undo the other at every point; {word} it once",
                p.path, parameters[j].path
            );
            return Err(vec![Diagnostic { file: file.into(), line, column, message, warning: false }]);
        }
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut points = Vec::new();
    // A swept key the file also sets to a value the sweep never runs: that
    // value is not used, which surprises whoever edited it (said once). A
    // `--sweep` replaces it on purpose: nothing to say.
    let mut overridden = vec![false; parameters.len()];
    // Problems told, and points refused only for those.
    let mut told = std::collections::BTreeSet::new();
    let mut repeated = 0usize;
    for combo in combinations(&parameters) {
        let before = errors.len();
        let mut doc = base.clone();
        let mut complete = true;
        for (k, (p, &v)) in parameters.iter().zip(&combo).enumerate() {
            let (line, column) = at(&p.key_span);
            match set_path(&mut doc, &p.path, p.values[v].clone()) {
                // A plan's candidates are what it searches: the file's value is a placeholder.
                Ok(Set { old: Some(old), .. })
                    if loaded.plan.is_none()
                        && p.key_span.is_some()
                        && !overridden[k]
                        && !p.values.iter().any(|x| show(x) == show(&old)) =>
                {
                    overridden[k] = true;
                    let message = format!(
                        "sweep `{}` replaces the file's value {}, which no point uses: edit the sweep to change it",
                        p.path,
                        show(&old)
                    );
                    loaded.warnings.push(Diagnostic { file: file.into(), line, column, message, warning: true });
                }
                Ok(_) => {}
                Err(why) => {
                    let message = format!("{word} `{}`: {why}", p.path);
                    errors.push(Diagnostic { file: file.into(), line, column, message, warning: false });
                    complete = false;
                }
            }
        }
        if complete {
            let point_text = toml::to_string(&doc).expect("a TOML table serialises");
            match parse_single(&point_text, file, stem, dir, allow) {
                Ok((point, _)) => {
                    let values = parameters.iter().zip(&combo).map(|(p, &v)| p.values[v].clone()).collect();
                    points.push(Point { values, loaded: point });
                }
                Err(diags) => {
                    for d in diags.into_iter().filter(|d| !d.warning) {
                        errors.push(attribute(d, &parameters, &combo, text, word));
                    }
                }
            }
        }
        if errors.len() > before {
            // Each problem is told once; a point refused only for problems
            // told already is counted, so one typo in a path does not print
            // a line per point, while every bad value is named.
            let fresh: Vec<Diagnostic> =
                errors.drain(before..).filter(|d| told.insert((d.line, d.column, d.message.clone()))).collect();
            if fresh.is_empty() || errors.len() >= SHOWN_PROBLEMS {
                repeated += 1;
            } else {
                errors.extend(fresh);
            }
        }
    }
    if !errors.is_empty() {
        // In the file's order; at one place (the command line), in the
        // order of the points, so a parameter's bad values come as listed.
        errors.sort_by_key(|d| (d.line, d.column));
        if repeated > 0 {
            let what = match (word == "plan", repeated) {
                (true, 1) => "candidate is",
                (true, _) => "candidates are",
                (false, 1) => "sweep point is",
                (false, _) => "sweep points are",
            };
            let message = format!("{repeated} more {what} refused too, as above");
            errors.push(Diagnostic { message, ..errors[errors.len() - 1].clone() });
        }
        return Err(errors);
    }
    let names = parameters.iter().map(|p| p.path.clone()).collect();
    loaded.sweep = Some(Sweep { parameters: names, points });
    Ok(loaded)
}

/// A value a sweep parameter lists a second time (in the file or in
/// `--sweep`): its point would run twice, and the sweep's page could not
/// tell the two apart.
fn listed_twice(p: &Parameter, file: &str, text: &str) -> Vec<Diagnostic> {
    // 1 and 1.0, 1m and 60s, or 60s and 60 (a bare number of seconds) set the same value.
    let seconds = |v: &toml::Value| magnitude(v).map(|m| if v.is_str() { m / 1e9 } else { m });
    let same = |a: &toml::Value, b: &toml::Value| a == b || (seconds(a).is_some() && seconds(a) == seconds(b));
    (0..p.values.len())
        .filter_map(|i| {
            let first = p.values[..i].iter().position(|u| same(u, &p.values[i]))?;
            let (line, column) = p.value_spans[i].as_ref().map_or((1, 1), |s| position(text, s.start));
            let whose = if p.value_spans[i].is_some() {
                format!("`sweep.\"{}\"`", p.path)
            } else {
                format!("--sweep {}", p.path)
            };
            let (this, earlier) = (show(&p.values[i]), show(&p.values[first]));
            let what =
                if this == earlier { format!("{this} is listed twice") } else { format!("{this} is {earlier} again") };
            let message = format!("{whose}: {what} (values {} and {}): a point would run twice", first + 1, i + 1);
            Some(Diagnostic { file: file.into(), line, column, message, warning: false })
        })
        .collect()
}

/// Problems of sweep points (or plan candidates) told at most; past them,
/// refused points are counted.
const SHOWN_PROBLEMS: usize = 8;

/// Places a sweep point's diagnostic in the file: at the value when the
/// message names the swept key, at the path when it names a table on the way
/// (an unknown key), else at the first parameter's value.
fn attribute(d: Diagnostic, parameters: &[Parameter], combo: &[usize], text: &str, word: &str) -> Diagnostic {
    let at = |span: &Option<Range<usize>>| span.as_ref().map_or((1, 1), |s| position(text, s.start));
    // The dotted names the message quotes: a path's array index may be
    // written there as the element's name (`traffic.0` as `traffic.otp`).
    let quoted: Vec<Vec<&str>> = d.message.split('`').skip(1).step_by(2).map(|q| q.split('.').collect()).collect();
    let same = |path: &[&str], q: &[&str]| {
        path.len() == q.len() && path.iter().zip(q).all(|(a, b)| a == b || a.bytes().all(|c| c.is_ascii_digit()))
    };
    let named = |p: &Parameter| {
        let segments: Vec<&str> = p.path.split('.').collect();
        (1..=segments.len()).rev().find(|&n| {
            quoted.iter().any(|q| same(&segments[..n], q)) || d.message.contains(&format!("`{}`", segments[n - 1]))
        })
    };
    // An unknown key is the parameter's whose path holds it, whatever else
    // the message names (its suggestion may be another parameter's key).
    let unknown = d.message.strip_prefix("unknown key `").and_then(|rest| rest.split('`').next());
    let holder = unknown.and_then(|k| parameters.iter().position(|p| p.path.split('.').any(|s| s == k)));
    let best = holder.map(|i| (parameters[i].path.split('.').count(), i)).or_else(|| {
        parameters
            .iter()
            .enumerate()
            .filter_map(|(i, p)| named(p).map(|n| (n, i)))
            .max_by_key(|&(n, i)| (n, std::cmp::Reverse(i)))
    });
    match best {
        // A table on the way, or the path's own key unknown: the path is wrong, not the value.
        Some((n, i)) if n < parameters[i].path.split('.').count() || d.message.starts_with("unknown key") => {
            let p = &parameters[i];
            let (line, column) = at(&p.key_span);
            Diagnostic { line, column, message: format!("{word} `{}`: {}", p.path, d.message), ..d }
        }
        found => {
            let i = found.map_or(0, |(_, i)| i);
            blame(d, &parameters[i], combo[i], at(&parameters[i].value_spans[combo[i]]), word)
        }
    }
}

/// One document, without expanding its sweep: the scenario and the sweep's parameters.
fn parse_single(
    text: &str,
    file: &str,
    stem: &str,
    dir: &Path,
    allow: &[PathBuf],
) -> Result<(Loaded, Vec<Parameter>), Vec<Diagnostic>> {
    let mut r = Reader { src: text, file, dir, allow, diags: Vec::new() };
    if text.trim().is_empty() {
        r.error(0..0, "the file is empty: a scenario needs at least `start` and one [[traffic]] stream".into());
        return Err(r.diags);
    }
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let mut msg = e.message().trim().to_string();
            // The parser points at the key it found twice but does not name it.
            if let Some(key) = text.get(span.clone()).map(str::trim).filter(|k| msg == "duplicate key" && !k.is_empty())
            {
                msg = format!("duplicate key `{key}`: a key may be set once in a table");
            }
            r.error(span, format!("not valid TOML: {msg}"));
            return Err(r.diags);
        }
    };
    let root = Tbl { table: doc.get_ref(), span: doc.span(), name: String::new() };
    let loaded = r.scenario(&root, stem);
    let mut parameters = r.sweep(&root);
    let plan = r.plan(&root);
    if let (Some(_), Some(first)) = (&plan, parameters.first()) {
        let span = first.key_span.clone().unwrap_or(0..0);
        r.error(span, "a scenario with [plan] searches its own parameter: remove [sweep]".into());
    }
    let goal = plan.map(|(spec, p)| {
        parameters.extend(p);
        spec
    });
    let (errors, warnings): (Vec<_>, Vec<_>) = r.diags.into_iter().partition(|d| !d.warning);
    match loaded {
        Some((scenario, expects)) if errors.is_empty() => {
            let source = text.to_string();
            Ok((Loaded { scenario, expects, warnings, sweep: None, plan: goal, source }, parameters))
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
