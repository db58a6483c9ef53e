//! The `a2psim` command line: parse, load, run, report, exit code.

use a2psim::check::expect::Verdict;
use a2psim::load::{self, Diagnostic, Loaded};
use a2psim::report;
use a2psim::run::batch::{self, Job, Overrides, PARTIAL_FORMAT, Partial, Shard};
use a2psim::run::simulate::{Replication, RunResult};
use clap::{Args, Parser, Subcommand};
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
        #[command(flatten)]
        batch: BatchArgs,
        /// Run only share I of N of the (point, replication) jobs and write
        /// partial results for `a2psim merge`. `auto` reads the index from
        /// Slurm (SLURM_ARRAY_TASK_ID/COUNT), a Kubernetes Indexed Job
        /// (JOB_COMPLETION_INDEX with A2PSIM_SHARD_COUNT) or A2PSIM_SHARD.
        #[arg(long, value_name = "I/N|auto")]
        shard: Option<String>,
    },
    /// Check scenario files; print every problem as FILE:LINE:COLUMN: message.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Add or replace a sweep parameter: PATH=v1,v2,...
        #[arg(long, value_name = "PATH=V1,V2,...")]
        sweep: Vec<String>,
    },
    /// Run scenarios and evaluate their [[expect]] tables; exit 1 if any fails.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        batch: BatchArgs,
        /// How to print results: a table, JSON, or GitHub annotations.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also write the results as JUnit XML.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also fail any key figure worse than in this baseline file.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// How much worse than the baseline a figure may get: 5% or 0.05.
        #[arg(long, default_value = "5%", requires = "baseline")]
        tolerance: String,
    },
    /// Run scenarios and record their key figures as a baseline for `check --baseline`.
    Baseline {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        batch: BatchArgs,
        /// The baseline file to write.
        #[arg(long, default_value = "baseline.json")]
        out: PathBuf,
    },
    /// Combine the partial results of sharded runs into the reports one
    /// machine would have written.
    Merge {
        /// Folders holding <stem>/partial-I-of-N.json files (the --out of each shard).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        #[arg(long)]
        threads: Option<usize>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

#[derive(Args)]
struct BatchArgs {
    /// Overrides every scenario's `seed`.
    #[arg(long)]
    seed: Option<u64>,
    /// Overrides every scenario's `replications`.
    #[arg(long)]
    replications: Option<u32>,
    /// Add or replace a sweep parameter (repeatable): PATH=v1,v2,...
    #[arg(long, value_name = "PATH=V1,V2,...")]
    sweep: Vec<String>,
    /// Worker threads (default: one per core). Results never depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

impl BatchArgs {
    fn overrides(&self) -> Overrides {
        Overrides { seed: self.seed, replications: self.replications, sweep: self.sweep.clone() }
    }
}

/// Exit codes: the contract CI scripts rely on.
const OK: u8 = 0;
const EXPECTATION_FAILED: u8 = 1;
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run { paths, out, batch, shard } => {
            with_threads(batch.threads, || run(&paths, &out, &batch.overrides(), shard.as_deref()))
        }
        Command::Validate { paths, sweep } => {
            let overrides = Overrides { sweep, ..Overrides::default() };
            validate(&paths, &overrides)
        }
        Command::Check { paths, batch, format, junit, baseline, tolerance } => with_threads(batch.threads, || {
            let options = CheckOptions { format, junit, baseline, tolerance };
            check(&paths, &batch.overrides(), &options)
        }),
        Command::Baseline { paths, batch, out } => {
            with_threads(batch.threads, || record_baseline(&paths, &batch.overrides(), &out))
        }
        Command::Merge { dirs, out, threads } => with_threads(threads, || merge(&dirs, &out)),
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

/// Loads one scenario file with the command line's changes.
fn load_one(file: &Path, overrides: &Overrides) -> Result<Loaded, Vec<Diagnostic>> {
    let args = overrides.sweep_args().map_err(|message| {
        vec![Diagnostic { file: file.display().to_string(), line: 1, column: 1, message, warning: false }]
    })?;
    let loaded = load::load_file(file, &args)?;
    let mut loaded = a2psim::check::expect::validated(loaded, &file.display().to_string())?;
    overrides.apply(&mut loaded);
    Ok(loaded)
}

/// Loads every file, printing diagnostics; `None` if any has an error.
fn load_all(paths: &[PathBuf], overrides: &Overrides) -> Option<Vec<(PathBuf, Loaded)>> {
    let files = match scenario_files(paths).and_then(|f| overrides.sweep_args().map(|_| f)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return None;
        }
    };
    let mut ok = true;
    let mut loaded = Vec::new();
    for f in files {
        match load_one(&f, overrides) {
            Ok(l) => {
                print_diagnostics(&l.warnings);
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

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

/// Runs `jobs` with a progress bar (hidden unless standard error is a
/// terminal) and prints the throughput figure on standard error.
fn execute(all: &[&Loaded], jobs: &[Job]) -> Vec<Replication> {
    let expected = batch::expected_messages(all, jobs);
    let (total, template) = match &expected {
        Some(e) => (
            e.iter().fold(0u64, |a, &b| a.saturating_add(b)),
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} messages, {eta} left",
        ),
        None => (jobs.len() as u64, "{elapsed_precise} [{bar:40}] {pos}/{len} runs, {eta} left"),
    };
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(indicatif::ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "));
    let started = Instant::now();
    let results = batch::run(all, jobs, expected.as_deref(), &|n| bar.inc(n));
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let messages: u64 = results.iter().map(|r| r.stats.accepted()).sum();
    let events: u64 = results.iter().map(|r| r.events).sum();
    eprintln!(
        "simulated {messages} messages ({events} events, {} runs) in {secs:.2} s: {:.0} messages/s",
        jobs.len(),
        messages as f64 / secs.max(1e-9)
    );
    results
}

/// Writes every scenario's reports and prints the table.
fn write_reports(out: &Path, loaded: &[(PathBuf, Loaded)], results: &[Vec<RunResult>]) -> u8 {
    let scenarios: Vec<(String, &Loaded, &[RunResult])> =
        loaded.iter().zip(results).map(|((file, l), points)| (stem(file), l, &points[..])).collect();
    if let Err((dir, e)) = report::write_scenarios(out, &scenarios) {
        eprintln!("error: cannot write the report into {}: {e}", dir.display());
        return BAD_INPUT;
    }
    let mut rows = Vec::new();
    for ((file, l), points) in loaded.iter().zip(results) {
        let s = stem(file);
        for (i, (sc, r)) in batch::points(l).into_iter().zip(points).enumerate() {
            let label = match &l.sweep {
                Some(sweep) => format!("{s} [{}]", sweep.points[i]),
                None => s.clone(),
            };
            rows.push((label, sc, r));
        }
    }
    if let Err(e) = report::write_index(out) {
        eprintln!("error: cannot write {}/index.html: {e}", out.display());
        return BAD_INPUT;
    }
    let rows: Vec<_> = rows.iter().map(|(label, sc, r)| (label.clone(), *sc, *r)).collect();
    print(&report::table(&rows));
    for ((file, l), points) in loaded.iter().zip(results) {
        if let Some(a) = a2psim::report::advice::expiry_advice(l, points) {
            print(&format!("\n{} — message_expiry for stream {}:\n  {}\n", stem(file), a.stream, a.text));
        }
    }
    print(&format!("reports written to {}/ (open {}/index.html)\n", out.display(), out.display()));
    OK
}

fn run(paths: &[PathBuf], out: &Path, overrides: &Overrides, shard: Option<&str>) -> u8 {
    let shard = match shard.map(parse_shard).transpose() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --shard: {e}");
            return BAD_INPUT;
        }
    };
    let Some(loaded) = load_all(paths, overrides) else { return BAD_INPUT };
    let all: Vec<&Loaded> = loaded.iter().map(|(_, l)| l).collect();
    let every = batch::jobs(&all);
    let Some(shard) = shard else {
        let results = execute(&all, &every);
        let assembled = batch::assemble(&all, every.into_iter().zip(results).collect()).expect("every job ran");
        return write_reports(out, &loaded, &assembled);
    };
    let mine = shard.select(every);
    let results = execute(&all, &mine);
    let finished: Vec<(Job, Replication)> = mine.into_iter().zip(results).collect();
    let files: Vec<(String, String)> =
        loaded.iter().map(|(f, l)| (f.display().to_string(), l.source.clone())).collect();
    for ((file, _), partial) in loaded.iter().zip(batch::partials(&files, overrides, shard, &finished)) {
        let path = out.join(stem(file)).join(format!("partial-{}-of-{}.json", shard.index, shard.count));
        let json = serde_json::to_vec(&partial).expect("partial results serialise");
        if let Err(e) = report::write_atomic(&path, &json) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return BAD_INPUT;
        }
        print(&format!("{}: shard {shard}, {} jobs\n", path.display(), partial.jobs.len()));
    }
    OK
}

/// `I/N`, or `auto` from the batch system's environment.
fn parse_shard(arg: &str) -> Result<Shard, String> {
    if arg != "auto" {
        return arg.parse();
    }
    let var = |k: &str| std::env::var(k).ok();
    if let (Some(id), Some(count)) = (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT")) {
        let min = var("SLURM_ARRAY_TASK_MIN").unwrap_or_else(|| "0".into());
        let (id, min): (u32, u32) =
            (id.parse().map_err(|_| "bad SLURM_ARRAY_TASK_ID")?, min.parse().map_err(|_| "bad SLURM_ARRAY_TASK_MIN")?);
        return format!("{}/{count}", id.saturating_sub(min)).parse();
    }
    if let (Some(index), Some(count)) = (var("JOB_COMPLETION_INDEX"), var("A2PSIM_SHARD_COUNT")) {
        return format!("{index}/{count}").parse();
    }
    if let Some(s) = var("A2PSIM_SHARD") {
        return s.parse();
    }
    Err("`auto` needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, JOB_COMPLETION_INDEX and A2PSIM_SHARD_COUNT, or A2PSIM_SHARD".into())
}

fn merge(dirs: &[PathBuf], out: &Path) -> u8 {
    let mut partials: Vec<(String, Partial)> = Vec::new();
    for dir in dirs {
        let mut files = Vec::new();
        for d in std::iter::once(dir.clone()).chain(subdirs(dir)) {
            files.extend(
                std::fs::read_dir(&d)
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("partial-"))),
            );
        }
        if files.is_empty() {
            eprintln!("error: {}: no partial-I-of-N.json files here or one folder down", dir.display());
            return BAD_INPUT;
        }
        files.sort();
        for f in files {
            let parsed = std::fs::read(&f)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Partial>(&b).map_err(|e| e.to_string()));
            match parsed {
                Ok(p) if p.format == PARTIAL_FORMAT => partials.push((f.display().to_string(), p)),
                Ok(p) => {
                    eprintln!(
                        "error: {}: partial results of format {}, this a2psim reads {PARTIAL_FORMAT}",
                        f.display(),
                        p.format
                    );
                    return BAD_INPUT;
                }
                Err(e) => {
                    eprintln!("error: {}: not a2psim partial results: {e}", f.display());
                    return BAD_INPUT;
                }
            }
        }
    }
    let merged = match batch::merge(&partials) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let (loaded, assembled): (Vec<_>, Vec<_>) = merged.into_iter().map(|(f, l, r)| ((PathBuf::from(f), l), r)).unzip();
    write_reports(out, &loaded, &assembled)
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn validate(paths: &[PathBuf], overrides: &Overrides) -> u8 {
    match load_all(paths, overrides) {
        Some(loaded) => {
            for (f, l) in &loaded {
                let points = l.sweep.as_ref().map_or(String::new(), |s| format!(", {} sweep points", s.points.len()));
                print(&format!("{}: ok ({} traffic streams{points})\n", f.display(), l.scenario.traffic.len()));
            }
            OK
        }
        None => BAD_INPUT,
    }
}

/// Loads and runs every scenario: (file, loaded, results per point).
fn run_everything(paths: &[PathBuf], overrides: &Overrides) -> Option<Vec<(PathBuf, Loaded, Vec<RunResult>)>> {
    let loaded = load_all(paths, overrides)?;
    let all: Vec<&Loaded> = loaded.iter().map(|(_, l)| l).collect();
    let jobs = batch::jobs(&all);
    let results = execute(&all, &jobs);
    let assembled = batch::assemble(&all, jobs.into_iter().zip(results).collect()).expect("every job ran");
    Some(loaded.into_iter().zip(assembled).map(|((f, l), r)| (f, l, r)).collect())
}

/// The key of each run for baselines, with its summary.
fn summaries(runs: &[(PathBuf, Loaded, Vec<RunResult>)]) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for (file, l, results) in runs {
        let s = stem(file);
        for (i, (sc, r)) in batch::points(l).into_iter().zip(results).enumerate() {
            let point = l.sweep.as_ref().map(|sw| sw.points[i].to_string());
            out.push((a2psim::check::baseline::key(&s, point.as_deref()), report::summary(&s, sc, r)));
        }
    }
    out
}

fn record_baseline(paths: &[PathBuf], overrides: &Overrides, out: &Path) -> u8 {
    let Some(runs) = run_everything(paths, overrides) else { return BAD_INPUT };
    let all = summaries(&runs);
    let b = a2psim::check::baseline::Baseline::record(all.iter().map(|(k, s)| (k.clone(), s)));
    let mut json = serde_json::to_string_pretty(&b).expect("a baseline serialises");
    json.push('\n');
    if let Err(e) = report::write_atomic(out, json.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return BAD_INPUT;
    }
    print(&format!("baseline of {} runs written to {}\n", b.scenarios.len(), out.display()));
    OK
}

struct CheckOptions {
    format: Format,
    junit: Option<PathBuf>,
    baseline: Option<PathBuf>,
    tolerance: String,
}

fn check(paths: &[PathBuf], overrides: &Overrides, options: &CheckOptions) -> u8 {
    let tolerance = match a2psim::check::baseline::parse_tolerance(&options.tolerance) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: --tolerance: {e}");
            return BAD_INPUT;
        }
    };
    let base = match &options.baseline {
        None => None,
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<a2psim::check::baseline::Baseline>(&b).map_err(|e| e.to_string()))
        {
            Ok(b) if b.format == a2psim::check::baseline::FORMAT => Some(b),
            Ok(b) => {
                eprintln!(
                    "error: {}: baseline format {}, this a2psim reads {}",
                    path.display(),
                    b.format,
                    a2psim::check::baseline::FORMAT
                );
                return BAD_INPUT;
            }
            Err(e) => {
                eprintln!("error: {}: not an a2psim baseline: {e}", path.display());
                return BAD_INPUT;
            }
        },
    };
    let Some(runs) = run_everything(paths, overrides) else { return BAD_INPUT };
    let verdicts: Vec<Verdict> = runs
        .iter()
        .flat_map(|(file, l, results)| {
            a2psim::check::expect::evaluate(&stem(file), &file.display().to_string(), l, results)
        })
        .collect();
    let regressions = match &base {
        Some(b) => {
            let all = summaries(&runs);
            let now = a2psim::check::baseline::Baseline::record(all.iter().map(|(k, s)| (k.clone(), s)));
            a2psim::check::baseline::compare(b, &now, tolerance)
        }
        None => Vec::new(),
    };
    let file_of =
        |s: &str| runs.iter().find(|(f, _, _)| stem(f) == s).map_or(s.to_string(), |(f, _, _)| f.display().to_string());
    print(&match options.format {
        Format::Human => a2psim::check::ci::table(&verdicts, &regressions),
        Format::Json => a2psim::check::ci::json(&verdicts, &regressions),
        Format::Github => a2psim::check::ci::github(&verdicts, &regressions, file_of),
    });
    if let Some(path) = &options.junit {
        if let Err(e) = report::write_atomic(path, a2psim::check::ci::junit(&verdicts, &regressions).as_bytes()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return BAD_INPUT;
        }
    }
    if verdicts.iter().all(|v| v.passed) && regressions.is_empty() { OK } else { EXPECTATION_FAILED }
}
