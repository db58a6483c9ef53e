//! The `a2psim` command line: parse, load, run, report, exit code.

use a2psim::load::{self, Diagnostic, Expect, Loaded};
use a2psim::report;
use a2psim::simulate::{RunResult, simulate};
use clap::{Parser, Subcommand};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Simulates A2P SMS/MMS traffic under US and Canadian throughput rules.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write summary.json and timeseries.csv for each.
    Run {
        /// Scenario files, or folders whose *.toml files are scenarios.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where reports go: OUT/<scenario file stem>/.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Overrides every scenario's `seed`.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: one per core). Results never depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Check scenario files; print every problem as FILE:LINE:COLUMN: message.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run scenarios and evaluate their [[expect]] tables; exit 1 if any fails.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long)]
        threads: Option<usize>,
    },
}

/// Exit codes: the contract CI scripts rely on.
const OK: u8 = 0;
const EXPECTATION_FAILED: u8 = 1;
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run { paths, out, seed, threads } => with_threads(threads, || run(&paths, &out, seed)),
        Command::Validate { paths } => validate(&paths),
        Command::Check { paths, seed, threads } => with_threads(threads, || check(&paths, seed)),
    };
    ExitCode::from(code)
}

fn with_threads(threads: Option<usize>, job: impl FnOnce() -> u8 + Send) -> u8 {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            eprintln!("error: --threads must be at least 1");
            return BAD_INPUT;
        }
        pool = pool.num_threads(n);
    }
    match pool.build() {
        Ok(pool) => pool.install(job),
        Err(e) => {
            eprintln!("error: cannot start worker threads: {e}");
            BAD_INPUT
        }
    }
}

/// Scenario files named on the command line: folders give their *.toml files, sorted.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| format!("{}: cannot list folder: {e}", p.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: no *.toml scenario files in this folder", p.display()));
            }
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
}

/// Loads every file, printing diagnostics; `None` if any has an error.
fn load_all(paths: &[PathBuf], seed: Option<u64>) -> Option<Vec<(PathBuf, Loaded)>> {
    let files = match scenario_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return None;
        }
    };
    let mut ok = true;
    let mut loaded = Vec::new();
    for f in files {
        match load::load_file(&f) {
            Ok(mut l) => {
                print_diagnostics(&l.warnings);
                if let Some(seed) = seed {
                    l.scenario.seed = seed;
                }
                loaded.push((f, l));
            }
            Err(diags) => {
                print_diagnostics(&diags);
                ok = false;
            }
        }
    }
    let mut stems: Vec<String> = loaded.iter().map(|(f, _)| stem(f)).collect();
    stems.sort();
    if let Some(w) = stems.windows(2).find(|w| w[0] == w[1]) {
        eprintln!("error: two scenarios share the file stem \"{}\": their reports would overwrite each other", w[0]);
        return None;
    }
    ok.then_some(loaded)
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

fn run_all(loaded: &[(PathBuf, Loaded)]) -> Vec<RunResult> {
    let started = Instant::now();
    let results: Vec<RunResult> = loaded.par_iter().map(|(_, l)| simulate(&l.scenario)).collect();
    let secs = started.elapsed().as_secs_f64();
    let events: u64 = results.iter().map(|r| r.events).sum();
    let messages: u64 = results.iter().map(|r| r.stats.accepted()).sum();
    eprintln!(
        "simulated {messages} messages ({events} events) in {secs:.2} s: {:.0} messages/s",
        messages as f64 / secs.max(1e-9)
    );
    results
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

fn run(paths: &[PathBuf], out: &Path, seed: Option<u64>) -> u8 {
    let Some(loaded) = load_all(paths, seed) else {
        return BAD_INPUT;
    };
    let results = run_all(&loaded);
    for ((file, l), r) in loaded.iter().zip(&results) {
        let s = stem(file);
        let dir = out.join(&s);
        if let Err(e) = report::write_run(&dir, &s, &l.scenario, r) {
            eprintln!("error: cannot write the report into {}: {e}", dir.display());
            return BAD_INPUT;
        }
    }
    let rows: Vec<_> = loaded.iter().zip(&results).map(|((f, l), r)| (stem(f), &l.scenario, r)).collect();
    print(&report::table(&rows));
    print(&format!("reports written to {}/\n", out.display()));
    OK
}

fn validate(paths: &[PathBuf]) -> u8 {
    match load_all(paths, None) {
        Some(loaded) => {
            for (f, l) in &loaded {
                print(&format!("{}: ok ({} traffic streams)\n", f.display(), l.scenario.traffic.len()));
            }
            OK
        }
        None => BAD_INPUT,
    }
}

/// The value at a dotted path of `summary.json` (`streams.otp.expiry_rate`).
fn metric(summary: &serde_json::Value, path: &str) -> Option<f64> {
    path.split('.')
        .try_fold(summary, |v, key| match key.parse::<usize>() {
            Ok(i) if v.is_array() => v.get(i),
            _ => v.get(key),
        })
        .and_then(serde_json::Value::as_f64)
}

fn verdict(e: &Expect, value: f64) -> bool {
    e.min.is_none_or(|m| value >= m) && e.max.is_none_or(|m| value <= m) && e.equals.is_none_or(|x| value == x)
}

fn bound(e: &Expect) -> String {
    let mut parts = Vec::new();
    if let Some(m) = e.min {
        parts.push(format!(">= {m}"));
    }
    if let Some(m) = e.max {
        parts.push(format!("<= {m}"));
    }
    if let Some(x) = e.equals {
        parts.push(format!("== {x}"));
    }
    parts.join(" and ")
}

fn check(paths: &[PathBuf], seed: Option<u64>) -> u8 {
    let Some(loaded) = load_all(paths, seed) else {
        return BAD_INPUT;
    };
    let results = run_all(&loaded);
    let mut failed = 0;
    let mut bad_metric = false;
    let mut out = format!("{:<24} {:<40} {:>14} {:>18}  result\n", "scenario", "expectation", "measured", "bound");
    for ((file, l), r) in loaded.iter().zip(&results) {
        let s = stem(file);
        let summary = report::summary(&s, &l.scenario, r);
        for e in &l.expects {
            let (shown, pass) = match metric(&summary, &e.metric) {
                Some(v) => (format!("{v}"), verdict(e, v)),
                None => {
                    eprintln!(
                        "{}:{}:1: `expect.metric`: \"{}\" is not a number in summary.json",
                        file.display(),
                        e.line,
                        e.metric
                    );
                    bad_metric = true;
                    ("-".into(), false)
                }
            };
            failed += usize::from(!pass);
            let result = if pass { "pass" } else { "FAIL" };
            out.push_str(&format!("{:<24} {:<40} {:>14} {:>18}  {result}\n", s, e.metric, shown, bound(e)));
        }
    }
    print(&out);
    if bad_metric {
        BAD_INPUT
    } else if failed > 0 {
        print(&format!("{failed} expectation(s) failed\n"));
        EXPECTATION_FAILED
    } else {
        OK
    }
}
