//! Trace files of a `trace` arrival: timestamps, one message per line (or
//! one per destination of a `dst` column), or a provider's MDR export whose
//! outbound rows are replayed (MODEL §10).

use crate::load::values;
use crate::load::{Reader, Tbl};
use crate::scenario::bounds::{MAX_SPAN, MAX_TRACE_BYTES, MAX_TRACE_LINES};
use crate::scenario::calendar::Calendar;
use crate::scenario::phone::Address;
use crate::scenario::time::SimTime;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a trace file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Format {
    /// Timestamps (offsets or RFC 3339), a first line without a digit being
    /// a header; a `dst` column, when the header names one, lists each
    /// line's destinations separated by `<`.
    Times,
    /// A message detail record export: `Message Time` of each outbound row
    /// (first attempts only, when it has an `Attempt` column; replication
    /// `replication` of an a2psim export with a `Replication` column), of
    /// one `Stream` when given.
    Mdr { stream: Option<String>, replication: u32 },
}

/// The messages of a trace: when each arrives and, when listed, where it goes.
pub(super) struct Trace {
    pub(super) times: Vec<SimTime>,
    pub(super) destinations: Option<Arc<[Address]>>,
}

/// One CSV record: its fields, the line it starts on, and the column
/// (in characters, from 1) each field starts at.
struct Record {
    line: usize,
    fields: Vec<(String, usize)>,
    /// A quoted field ran to the end of the file.
    unclosed: bool,
}

/// Reads CSV records, with quoted fields that may hold commas, quotes and
/// line breaks.
struct Records<R> {
    input: R,
    line: usize,
}

/// Why a trace could not be read, and where: (line, column, what).
type Unreadable = (usize, usize, String);

impl<R: BufRead> Records<R> {
    /// Reads the next line into `text`; false at the end of the file. A
    /// line that is not UTF-8 is placed at its first byte that starts no
    /// character, as a scenario file's is.
    fn line(&mut self, text: &mut String) -> Result<bool, Unreadable> {
        let mut bytes = Vec::new();
        if self.input.read_until(b'\n', &mut bytes).map_err(|e| (self.line + 1, 1, format!("cannot read: {e}")))? == 0 {
            return Ok(false);
        }
        self.line += 1;
        *text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let column = std::str::from_utf8(&e.as_bytes()[..at]).map_or(1, |s| s.chars().count() + 1);
            let what = format!("the file is not UTF-8 text: byte 0x{:02X} here starts no character", e.as_bytes()[at]);
            (self.line, column, what)
        })?;
        Ok(true)
    }

    fn next(&mut self) -> Result<Option<Record>, Unreadable> {
        let mut text = String::new();
        if !self.line(&mut text)? {
            return Ok(None);
        }
        if self.line == 1 && text.starts_with('\u{feff}') {
            // A byte-order mark, as spreadsheet exports write: not data.
            text.drain(..'\u{feff}'.len_utf8());
        }
        let start = self.line;
        let mut fields = Vec::new();
        let (mut field, mut column, mut quoted, mut was_quoted) = (String::new(), 1, false, false);
        let mut at = 1;
        loop {
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match (quoted, c) {
                    (true, '"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        at += 1;
                        field.push('"');
                    }
                    (true, '"') => quoted = false,
                    (true, c) => field.push(c),
                    (false, '"') if field.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
                    (false, ',') => {
                        fields.push((std::mem::take(&mut field), column));
                        (column, was_quoted) = (at + 1, false);
                    }
                    (false, '\n' | '\r') => {}
                    (false, c) => field.push(c),
                }
                at += 1;
            }
            if !quoted {
                break;
            }
            // A quoted field goes on over the line break.
            if !self.line(&mut text)? {
                break;
            }
            at = 1;
        }
        fields.push((field, column));
        Ok(Some(Record { line: start, fields, unclosed: quoted }))
    }
}

impl Reader<'_> {
    /// The messages of trace file `file`: confined to the scenario's folder
    /// (and `--allow-path` folders), a regular file of bounded size, read
    /// record by record. Errors name the file, line and column.
    pub(super) fn trace(
        &mut self,
        t: &Tbl,
        file: &str,
        format: &Format,
        cal: &Calendar,
        from: Option<SimTime>,
    ) -> Option<Trace> {
        let span = t.get("file").expect("read").span();
        let path = self.dir.join(file);
        let opened = self.confined(&path).and_then(|p| {
            // Looked at before opening: opening a pipe waits for a writer.
            let meta = std::fs::metadata(&p).map_err(|e| e.to_string())?;
            if !meta.is_file() {
                return Err("not a regular file".into());
            }
            if meta.len() > MAX_TRACE_BYTES {
                return Err(format!("larger than {MAX_TRACE_BYTES} bytes"));
            }
            std::fs::File::open(&p).map_err(|e| e.to_string())
        });
        let file = match opened {
            Ok(f) => f,
            Err(why) => {
                self.error(span, format!("cannot read trace file {}: {why}", path.display()));
                return None;
            }
        };
        let read = read(std::io::BufReader::new(file), &path, format, cal, from);
        match read {
            Ok(trace) if trace.times.is_empty() => {
                let what = match format {
                    Format::Times => "no timestamps".to_string(),
                    Format::Mdr { stream: Some(name), .. } => {
                        format!("no outbound first attempts of stream \"{name}\"")
                    }
                    Format::Mdr { stream: None, .. } => "no outbound first attempts".to_string(),
                };
                self.error(span, format!("trace file {} has {what}", path.display()));
                None
            }
            Ok(trace) => Some(trace),
            Err(why) => {
                self.error(span, why);
                None
            }
        }
    }

    /// `path` resolved, if it lies in the scenario's folder or an allowed one.
    fn confined(&self, path: &Path) -> Result<PathBuf, String> {
        let real = path.canonicalize().map_err(|e| e.to_string())?;
        let roots = std::iter::once(self.dir).chain(self.allow.iter().map(|p| p.as_path()));
        // The folder of `s.toml` is the empty path: the current folder.
        let here = |r: &Path| if r.as_os_str().is_empty() { Path::new(".") } else { r }.canonicalize();
        if roots.filter_map(|r| here(r).ok()).any(|r| real.starts_with(r)) {
            Ok(real)
        } else {
            Err("outside the scenario's folder (allow its folder with --allow-path)".into())
        }
    }
}

/// Where each needed column is, from the header (or the first column).
struct Columns {
    time: usize,
    dst: Option<usize>,
    direction: Option<usize>,
    attempt: Option<usize>,
    stream: Option<(usize, String)>,
    /// The replication kept, and its column.
    replication: Option<(usize, u32)>,
    /// Fields every row must have (an export's header), if checked.
    width: Option<usize>,
}

impl Columns {
    fn of(header: &Record, path: &Path, format: &Format) -> Result<Columns, String> {
        let at = format!("{}:{}:1", path.display(), header.line);
        let find = |name: &str| -> Result<Option<usize>, String> {
            let mut found = header.fields.iter().enumerate().filter(|(_, (f, _))| f.trim().eq_ignore_ascii_case(name));
            match (found.next(), found.next()) {
                (Some(_), Some(_)) => Err(format!("{at}: the header names `{name}` twice")),
                (first, _) => Ok(first.map(|(i, _)| i)),
            }
        };
        match format {
            Format::Times => Ok(Columns {
                time: ["time", "timestamp", "at"]
                    .iter()
                    .map(|n| find(n))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .flatten()
                    .next()
                    .unwrap_or(0),
                dst: find("dst")?,
                direction: None,
                attempt: None,
                stream: None,
                replication: None,
                width: None,
            }),
            Format::Mdr { stream, replication } => {
                let time = find("Message Time")?.ok_or_else(|| {
                    format!(
                        "{at}: an MDR export needs a `Message Time` column; the header has: {}",
                        header.fields.iter().map(|(f, _)| shown(f.trim())).collect::<Vec<_>>().join(", ")
                    )
                })?;
                let stream = match stream {
                    Some(name) => Some((
                        find("Stream")?.ok_or_else(|| {
                            format!("{at}: `stream = \"{name}\"` needs a `Stream` column, which the header has not")
                        })?,
                        name.clone(),
                    )),
                    None => None,
                };
                Ok(Columns {
                    time,
                    dst: None,
                    direction: find("Message Direction")?,
                    attempt: find("Attempt")?,
                    stream,
                    replication: find("Replication")?.map(|i| (i, *replication)),
                    width: Some(header.fields.len()),
                })
            }
        }
    }

    /// Whether `record` is a message to replay; an error for a row that
    /// cannot be read.
    fn keeps(&self, record: &Record, at: &dyn Fn(usize, usize) -> String) -> Result<bool, String> {
        if let Some(width) = self.width.filter(|&w| record.fields.len() < w) {
            return Err(format!(
                "{}: the row has {} fields, the header {width}",
                at(record.line, 1),
                record.fields.len()
            ));
        }
        let field = |i: usize| record.fields.get(i).map_or(("", 1), |(f, c)| (f.trim(), *c));
        let number = |i: usize, what: &str| -> Result<Option<u64>, String> {
            match field(i) {
                ("", _) => Ok(None),
                (f, c) => f.parse().map(Some).map_err(|_| {
                    format!("{}: expected {what} (a whole number), found \"{}\"", at(record.line, c), shown(f))
                }),
            }
        };
        let outbound = match self.direction.map(field) {
            None => true,
            Some((d, _)) if d.eq_ignore_ascii_case("outbound") => true,
            Some((d, _)) if d.eq_ignore_ascii_case("inbound") => false,
            Some((d, c)) => {
                return Err(format!(
                    "{}: expected \"outbound\" or \"inbound\", found \"{}\"",
                    at(record.line, c),
                    shown(d)
                ));
            }
        };
        let first = match self.attempt {
            Some(i) => number(i, "an attempt")?.is_none_or(|a| a == 0),
            None => true,
        };
        let replication = match self.replication {
            Some((i, kept)) => number(i, "a replication")?.is_none_or(|r| r == u64::from(kept)),
            None => true,
        };
        let stream = self.stream.as_ref().is_none_or(|(i, name)| field(*i).0 == name);
        Ok(outbound && first && replication && stream)
    }
}

/// A field of a trace file as an error message quotes it: at most 40
/// characters, control characters escaped, so a message stays one line.
fn shown(field: &str) -> String {
    let mut out: String = field.chars().take(40).flat_map(char::escape_default).collect();
    if field.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// A trace's messages as read: nanoseconds from the start (negative
/// before it) and, when the trace lists them, destinations.
#[derive(Default)]
struct Read {
    times: Vec<i64>,
    destinations: Vec<Address>,
}

/// Reads a trace's records, sorted by time (a line's destinations in
/// order). With `from`, the times move together so the first is at `from`;
/// without, each must lie between the start and a century after.
fn read(
    input: impl BufRead,
    path: &Path,
    format: &Format,
    cal: &Calendar,
    from: Option<SimTime>,
) -> Result<Trace, String> {
    let at = |line: usize, column: usize| format!("{}:{line}:{column}", path.display());
    let mut records = Records { input, line: 0 };
    let mut columns: Option<Columns> = None;
    let mut read = Read::default();
    while let Some(record) = records.next().map_err(|(line, column, why)| format!("{}: {why}", at(line, column)))? {
        if record.unclosed {
            return Err(format!("{}: a quoted field is not closed", at(record.line, 1)));
        }
        let first = record.fields[0].0.trim();
        if record.fields.len() == 1 && (first.is_empty() || first.starts_with('#')) {
            continue;
        }
        let keep = match &columns {
            Some(cols) => cols.keeps(&record, &at)?,
            None => {
                let header = matches!(format, Format::Mdr { .. }) || !first.contains(|c: char| c.is_ascii_digit());
                columns = Some(Columns::of(&record, path, format)?);
                // Without a header, the first line is a message.
                !header
            }
        };
        if keep {
            let cols = columns.as_ref().expect("set by the first record");
            push(&record, cols, cal, from.is_none(), &at, &mut read)?;
        }
        if read.times.len() > MAX_TRACE_LINES {
            return Err(format!("trace file {} has more than {MAX_TRACE_LINES} messages", path.display()));
        }
    }
    let listed = columns.is_some_and(|c| c.dst.is_some());
    let (mut times, destinations) = if listed {
        let mut pairs: Vec<(i64, Address)> = read.times.into_iter().zip(read.destinations).collect();
        // Stable: a line's destinations keep their order.
        pairs.sort_by_key(|(t, _)| *t);
        let (times, destinations): (Vec<i64>, Vec<Address>) = pairs.into_iter().unzip();
        (times, Some(destinations.into()))
    } else {
        let mut times = read.times;
        times.sort_unstable();
        (times, None)
    };
    if let (Some(from), Some(&first)) = (from, times.first()) {
        let span = times.last().expect("not empty") - first;
        if from.as_nanos() as i128 + span as i128 > MAX_SPAN.as_nanos() as i128 {
            return Err(format!("trace file {} spans more than a century from `from`", path.display()));
        }
        for t in times.iter_mut() {
            *t = from.as_nanos() as i64 + (*t - first);
        }
    }
    let times = times.into_iter().map(|t| SimTime::from_nanos(t as u64)).collect();
    Ok(Trace { times, destinations })
}

/// The messages of one record: one, or one per destination it lists.
/// `in_run`: its time must lie from the start to a century after.
fn push(
    record: &Record,
    cols: &Columns,
    cal: &Calendar,
    in_run: bool,
    at: &dyn Fn(usize, usize) -> String,
    read: &mut Read,
) -> Result<(), String> {
    let (field, column) = record.fields.get(cols.time).map_or(("", 1), |(f, c)| (f.trim(), *c));
    let start = cal.start().as_nanosecond();
    let time = values::duration(field)
        .or_else(|_| values::seconds(field))
        .ok()
        .map(|d| d.as_nanos() as i128)
        .or_else(|| field.parse::<jiff::Timestamp>().ok().map(|ts| ts.as_nanosecond() - start));
    let span = MAX_SPAN.as_nanos() as i128;
    let Some(time) = time.filter(|&t| if in_run { (0..=span).contains(&t) } else { t.abs() <= span }) else {
        let range = if in_run { "from `start` to a century after" } else { "within a century of `start`" };
        let hint = if in_run && time.is_some_and(|t| t < 0) {
            " (it is before the start: `from` moves the trace's first message there)"
        } else {
            ""
        };
        return Err(format!(
            "{}: expected an offset (\"90s\", seconds) or an RFC 3339 time {range}, found \"{}\"{hint}",
            at(record.line, column),
            shown(field)
        ));
    };
    let Some(i) = cols.dst else {
        read.times.push(time as i64);
        return Ok(());
    };
    let (list, column) = record.fields.get(i).map_or(("", 1), |(f, c)| (f.trim(), *c));
    for address in destinations(list).map_err(|why| format!("{}: {why}", at(record.line, column)))?.iter() {
        read.times.push(time as i64);
        read.destinations.push(*address);
    }
    Ok(())
}

/// A `dst` list: phone numbers with their country code (E.164, with or
/// without `+`), separated by `<`.
pub(super) fn destinations(list: &str) -> Result<Arc<[Address]>, String> {
    list.split('<')
        .map(|n| match Address::parse(n) {
            Some(a @ Address::E164(_)) => Ok(a),
            _ => Err(format!(
                "expected phone numbers with their country code, separated by `<` (such as 14156667777<14157778888), found \"{}\"",
                shown(n)
            )),
        })
        .collect()
}
