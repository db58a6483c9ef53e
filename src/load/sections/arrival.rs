//! A stream's `arrival`: the process that sends its messages, with the
//! hourly profile and trace files it may name.

use crate::load::values::{self, Decimal};
use crate::load::{Quote, Reader, Tbl, Value, did_you_mean, type_name};
use crate::scenario::bounds::{MAX_BURST, MAX_SPAN, MAX_TRACE_BYTES, MAX_TRACE_LINES};
use crate::scenario::calendar::Calendar;
use crate::scenario::rate::Rate;
use crate::scenario::time::{SimDuration, SimTime};
use crate::scenario::traffic::{Arrival, Window};
use std::ops::Range;
use toml::de::DeValue;

impl Reader<'_> {
    pub(super) fn arrival(&mut self, v: &Value, stream: &Tbl, cal: &Calendar, has_horizon: bool) -> Option<Arrival> {
        const KEYS: &[&str] = &["process", "rate", "from", "until", "count", "at", "spread", "rates", "file"];
        let t = self.table(v, stream.path("arrival"), KEYS)?;
        let expected = "\"constant\", \"poisson\", \"burst\", \"profile\" or \"trace\"";
        let Some(process) = self.string(&t, "process") else {
            if t.get("process").is_none() {
                self.missing(&t, "process", expected);
            }
            return None;
        };
        let count = self.int(&t, "count", 1..=u64::MAX);
        let window = |r: &mut Self| {
            let from = r.instant(&t, "from", cal).unwrap_or(SimTime::ZERO);
            let until = r.instant(&t, "until", cal);
            if until.is_none() && count.is_none() && !has_horizon && t.get("until").is_none() {
                r.missing(&t, "until", "an end (`until` or `count`), or a scenario `horizon`");
            }
            if let (Some(u), Some(v)) = (until, t.get("until"))
                && u <= from
            {
                r.invalid(&t, "until", v, "must be later than `from`".into());
            }
            Window { from, until, count }
        };
        let sec = SimDuration::from_secs(1);
        self.process_keys(&t, process);
        match process {
            "constant" | "poisson" => {
                let rate = self.rate(&t, "rate", sec);
                if t.get("rate").is_none() {
                    self.missing(&t, "rate", "a rate such as \"2/s\"");
                }
                let window = window(self);
                let rate = rate?;
                self.ends_within_span(&t, rate, &window);
                Some(if process == "constant" {
                    Arrival::Constant { rate, window }
                } else {
                    Arrival::Poisson { rate, window }
                })
            }
            "burst" => {
                if t.get("count").is_none() {
                    self.missing(&t, "count", "how many messages the burst holds");
                }
                let at = self.instant(&t, "at", cal).unwrap_or(SimTime::ZERO);
                let spread = self.duration(&t, "spread").unwrap_or(SimDuration::ZERO);
                let count = count?;
                if count > MAX_BURST {
                    let why = format!(
                        "a burst holds at most {MAX_BURST} messages, found {count}: split it into bursts or use a rate"
                    );
                    self.invalid(&t, "count", t.get("count").expect("read"), why);
                    return None;
                }
                Some(Arrival::Burst { count, at, spread })
            }
            "profile" => {
                let hourly = self.profile_rates(&t)?;
                let window = window(self);
                Some(Arrival::Profile { hourly, window })
            }
            "trace" => {
                let Some(file) = self.string(&t, "file") else {
                    if t.get("file").is_none() {
                        self.missing(&t, "file", "the path of a CSV file of timestamps, relative to the scenario");
                    }
                    return None;
                };
                let span = t.get("file").expect("read").span();
                self.trace(file, span, cal).map(|times| Arrival::Trace { times })
            }
            other => {
                let v = t.get("process").expect("read");
                let names = ["constant", "poisson", "burst", "profile", "trace"];
                let hint = did_you_mean(other, &names, Quote::Value);
                self.invalid(&t, "process", v, format!("expected {expected}, found \"{other}\"{hint}"));
                None
            }
        }
    }

    /// Reports a `count` whose last message, at `rate` from the window's
    /// start, would come more than a century after `start`.
    fn ends_within_span(&mut self, t: &Tbl, rate: Rate, window: &Window) {
        let (Some(count), None, Some(v)) = (window.count, window.until, t.get("count")) else { return };
        let (num, den) = rate.interval();
        let end = window.from.as_nanos() as u128 + count as u128 * num / den;
        if end > MAX_SPAN.as_nanos() as u128 {
            let why = format!(
                "{count} messages at {rate} arrive over more than a century ({MAX_SPAN}): lower `count` or raise `rate`"
            );
            self.invalid(t, "count", v, why);
        }
    }

    /// Reports keys of an `arrival` table that its process does not take.
    fn process_keys(&mut self, t: &Tbl, process: &str) {
        let allowed: &[&str] = match process {
            "constant" | "poisson" => &["process", "rate", "from", "until", "count"],
            "burst" => &["process", "count", "at", "spread"],
            "profile" => &["process", "rates", "from", "until", "count"],
            "trace" => &["process", "file"],
            _ => &[],
        };
        for (key, _) in t.table.iter() {
            let k: &str = key.get_ref();
            if !allowed.is_empty() && !allowed.contains(&k) {
                self.error(
                    key.span(),
                    format!(
                        "`{}`: `{k}` does not apply to a {process} process (it takes: {})",
                        t.name,
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    fn profile_rates(&mut self, t: &Tbl) -> Option<[f64; 24]> {
        let Some(v) = t.get("rates") else {
            self.missing(t, "rates", "24 hourly rates over the Pacific day, e.g. [\"0/s\", ..., \"3/s\"]");
            return None;
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong(t, "rates", v, "an array of 24 rates");
            return None;
        };
        if items.len() != 24 {
            self.invalid(
                t,
                "rates",
                v,
                format!("expected 24 hourly rates (hour 0 to 23, Pacific), found {}", items.len()),
            );
            return None;
        }
        let mut hourly = [0.0; 24];
        for (h, item) in items.iter().enumerate() {
            let text = match item.get_ref() {
                DeValue::String(s) => s.to_string(),
                DeValue::Integer(i) => i.as_str().to_string(),
                DeValue::Float(f) => f.as_str().to_string(),
                other => {
                    self.error(
                        item.span(),
                        format!("`{}[{h}]`: expected a rate, found {}", t.path("rates"), type_name(other)),
                    );
                    continue;
                }
            };
            // A quiet hour ("0" or "0/s") is allowed here, unlike a stream's rate.
            if Decimal::parse(text.split('/').next().unwrap_or("")).is_some_and(|d| d.is_zero()) {
                continue;
            }
            match values::rate(&text, SimDuration::from_secs(1)) {
                Ok(r) => hourly[h] = r.per_sec_f64(),
                Err(why) => self.error(item.span(), format!("`{}[{h}]`: {why}", t.path("rates"))),
            }
        }
        if hourly.iter().all(|r| *r == 0.0) {
            self.invalid(t, "rates", v, "at least one hour needs a rate above zero".into());
            return None;
        }
        Some(hourly)
    }

    /// The timestamps of a trace file: confined to the scenario's folder
    /// (and `--allow-path` folders), a regular file of bounded size, read
    /// line by line; a first line without a digit is a header.
    fn trace(&mut self, file: &str, span: Range<usize>, cal: &Calendar) -> Option<Vec<SimTime>> {
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
        let mut times = Vec::new();
        for (n, line) in std::io::BufRead::lines(std::io::BufReader::new(file)).enumerate() {
            let line = match line {
                Ok(line) => line,
                Err(e) => {
                    self.error(span, format!("{}:{}: cannot read: {e}", path.display(), n + 1));
                    return None;
                }
            };
            let field = line.split(',').next().unwrap_or("").trim();
            if field.is_empty() || field.starts_with('#') || (n == 0 && !field.contains(|c: char| c.is_ascii_digit())) {
                continue;
            }
            let at = values::duration(field)
                .or_else(|_| values::seconds(field))
                .ok()
                .map(|d| SimTime::ZERO + d)
                .or_else(|| field.parse::<jiff::Timestamp>().ok().and_then(|ts| cal.sim_time(ts)));
            let Some(at) = at.filter(|&at| at <= SimTime::ZERO + MAX_SPAN) else {
                let excerpt: String = field.chars().take(40).collect();
                let more = if field.chars().count() > 40 { "…" } else { "" };
                let msg = format!(
                    "{}:{}:1: expected an offset (\"90s\", seconds) or an RFC 3339 time from `start` to a century after, found \"{excerpt}{more}\"",
                    path.display(),
                    n + 1
                );
                self.error(span, msg);
                return None;
            };
            if times.len() == MAX_TRACE_LINES {
                self.error(span, format!("trace file {} has more than {MAX_TRACE_LINES} timestamps", path.display()));
                return None;
            }
            times.push(at);
        }
        if times.is_empty() {
            self.error(span, format!("trace file {} has no timestamps", path.display()));
            return None;
        }
        times.sort();
        Some(times)
    }

    /// `path` resolved, if it lies in the scenario's folder or an allowed one.
    fn confined(&self, path: &std::path::Path) -> Result<std::path::PathBuf, String> {
        let real = path.canonicalize().map_err(|e| e.to_string())?;
        let roots = std::iter::once(self.dir).chain(self.allow.iter().map(|p| p.as_path()));
        // The folder of `s.toml` is the empty path: the current folder.
        let here =
            |r: &std::path::Path| if r.as_os_str().is_empty() { std::path::Path::new(".") } else { r }.canonicalize();
        if roots.filter_map(|r| here(r).ok()).any(|r| real.starts_with(r)) {
            Ok(real)
        } else {
            Err("outside the scenario's folder (allow its folder with --allow-path)".into())
        }
    }
}
