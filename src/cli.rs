//! The `a2psim` command line: parses arguments, runs a command through the
//! layers below, and maps the result to the exit code CI relies on.

use crate::check::baseline::{self, Baseline, BaselineError};
use crate::check::{ci, expect};
use crate::load::{self, ChartWindow, Diagnostic, FindError, Loaded, Moment, SweepArgError};
use crate::report::human::counted;
use crate::report::records::{Compression, RecordFiles};
use crate::report::{self, Staged};
use crate::run::batch::{self, Job, Overrides};
use crate::run::merge::{self, MergeError};
use crate::run::shard::{Shard, ShardError};
use crate::run::simulate::{Replication, RunResult};
use crate::scenario::Scenario;
use crate::scenario::bounds::MAX_REPLICATIONS;
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
    /// Print only errors, warnings, `check`'s results and `plan`'s answers:
    /// no progress, table or throughput figure (for scripts and CI logs).
    #[arg(long, short, global = true)]
    quiet: bool,
}

/// `--quiet`, for the few places that print what a person reads.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
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
        #[command(flatten)]
        window: WindowArg,
        #[command(flatten)]
        records: RecordsArgs,
    },
    /// Check scenario files; print every problem as FILE:LINE:COLUMN: message.
    Validate {
        /// Scenario files, or folders whose *.toml files are scenarios.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Add or replace a sweep parameter: PATH=v1,v2,...
        #[arg(long, value_name = "PATH=V1,V2,...")]
        sweep: Vec<String>,
        /// Also let trace files be read from this folder (repeatable).
        #[arg(long = "allow-path", value_name = "DIR")]
        allow: Vec<PathBuf>,
    },
    /// Run scenarios and evaluate their [[expect]] tables; exit 1 if any fails.
    Check {
        /// Scenario files, or folders whose *.toml files are scenarios.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        batch: BatchArgs,
        /// How to print results: a table, JSON, or GitHub annotations.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also write the results as JUnit XML; `-` writes it to standard
        /// output (and the results themselves to standard error).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also fail any key figure worse than in this baseline file.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// How much worse than the baseline a figure may get, in percent: 5%.
        #[arg(long, default_value = "5%", requires = "baseline")]
        tolerance: String,
        /// The smallest worsening that counts, by kind (repeatable):
        /// seconds=1, rate=0.001, count=1, usd=0.01 unless set.
        #[arg(long = "min-delta", value_name = "KIND=VALUE", requires = "baseline")]
        min_delta: Vec<String>,
    },
    /// Run scenarios and record their key figures as a baseline for `check --baseline`.
    Baseline {
        /// Scenario files, or folders whose *.toml files are scenarios.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        batch: BatchArgs,
        /// The baseline file to write.
        #[arg(long, default_value = "baseline.json")]
        out: PathBuf,
    },
    /// Search each scenario's [plan] for the least (or most) value of its
    /// parameter keeping every [[expect]]; exit 1 if a plan has no answer.
    // A plan searches its own parameter: --sweep is refused, so not offered.
    #[command(mut_arg("sweep", |a| a.hide(true)))]
    Plan {
        /// Scenario files with a [plan], or folders of them (every *.toml file inside).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where each plan.json goes: OUT/<scenario file stem>/plan.json.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        #[command(flatten)]
        batch: BatchArgs,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Combine the partial results of sharded runs into the reports one
    /// machine would have written.
    Merge {
        /// Folders holding <stem>/partial-I-of-N.json files (the --out of each shard).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where the merged reports go: OUT/<scenario file stem>/.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Worker threads (default: one per core, at most 256).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
        threads: Option<u16>,
        #[command(flatten)]
        window: WindowArg,
    },
    /// Print, for each stream, the limits on its path (slowest first, with
    /// where each comes from) and the quickest a burst could drain, without running.
    Explain {
        /// Scenario files, or folders whose *.toml files are scenarios.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also let trace files be read from this folder (repeatable).
        #[arg(long = "allow-path", value_name = "DIR")]
        allow: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files, for editors: `a2psim schema > a2psim.schema.json`.
    Schema,
    /// Write a commented starter scenario (and the schema beside it, for editors).
    Init {
        /// The scenario file to write.
        #[arg(default_value = "scenario.toml")]
        file: PathBuf,
        /// What it starts from.
        #[arg(long, value_parser = ["otp", "promo", "daily-cap", "expiry-sweep", "ci"], default_value = "otp", conflicts_with = "from_questions")]
        template: String,
        /// Ask a few questions (rate, numbers, vetting score, kind, expiry) and write the scenario they describe.
        #[arg(long)]
        from_questions: bool,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print a completion script for a shell: `a2psim completions bash > /etc/bash_completion.d/a2psim`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

/// A plan given on the command line instead of in the files.
#[derive(Args)]
struct PlanArgs {
    /// Search this parameter instead of each file's [plan] (a path as
    /// [sweep] takes; the files must not have a [plan]).
    #[arg(long, value_name = "PATH")]
    vary: Option<String>,
    /// The candidates LOW..HIGH: whole numbers, or durations with --step.
    #[arg(long, value_name = "LOW..HIGH", requires = "vary", conflicts_with = "options", value_parser = ends)]
    range: Option<(String, String)>,
    /// The distance between duration candidates of --range.
    #[arg(long, value_name = "DURATION", requires = "range")]
    step: Option<String>,
    /// The candidates listed, in order.
    #[arg(long, value_name = "V1,V2,...", requires = "vary", value_delimiter = ',')]
    options: Vec<String>,
    /// least (default) or most: which end of the candidates keeping every [[expect]].
    #[arg(long, requires = "vary", value_parser = ["least", "most"])]
    goal: Option<String>,
}

/// `--range LOW..HIGH`: both ends.
fn ends(s: &str) -> Result<(String, String), String> {
    let whole = |e: &str| !e.is_empty() && e.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
    if s.contains("...") {
        // `1...10` would read as 1 to .10.
        return Err(format!("expected LOW..HIGH with two dots between them, found \"{s}\""));
    }
    match s.split_once("..").map(|(a, b)| (a.trim(), b.trim())) {
        Some((a, b)) if [a, b].iter().any(|e| whole(e) && e.parse::<i64>().is_err()) => {
            Err(format!("{a}..{b}: whole numbers from {} to {}", i64::MIN, i64::MAX))
        }
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.to_string(), b.to_string())),
        _ => Err("expected LOW..HIGH, such as 1..10 or 5m..30m".into()),
    }
}

impl PlanArgs {
    /// The `[plan]` table these arguments make, in TOML.
    fn table(&self) -> Option<String> {
        let vary = self.vary.as_ref()?;
        let mut plan = toml::Table::new();
        plan.insert("vary".into(), vary.clone().into());
        if let Some((low, high)) = &self.range {
            plan.insert("range".into(), toml::Value::Array(vec![load::literal(low), load::literal(high)]));
        }
        if let Some(step) = &self.step {
            plan.insert("step".into(), step.clone().into());
        }
        if !self.options.is_empty() {
            let options = self.options.iter().map(|o| load::literal(o.trim())).collect();
            plan.insert("options".into(), toml::Value::Array(options));
        }
        if let Some(goal) = &self.goal {
            plan.insert("goal".into(), goal.clone().into());
        }
        let mut doc = toml::Table::new();
        doc.insert("plan".into(), toml::Value::Table(plan));
        Some(toml::to_string(&doc).expect("a TOML table serialises"))
    }
}

#[derive(Args)]
struct WindowArg {
    /// Draw the charts over time over this stretch only (instead of the
    /// whole run with close-ups): offsets from each scenario's start, such
    /// as 9h..10h30m, or RFC 3339 times.
    #[arg(long, value_name = "START..END")]
    window: Option<ChartWindow>,
}

/// Message detail records.
#[derive(Args)]
struct RecordsArgs {
    /// Also write each run's message detail records, one row per attempt
    /// in acceptance order: OUT/<stem>/mdr.csv (each sweep point's in its folder).
    #[arg(long, conflicts_with = "shard")]
    mdr: bool,
    /// Compress the detail records: `gzip` writes mdr.csv.gz.
    #[arg(long, value_name = "FORMAT", value_parser = ["gzip"], requires = "mdr")]
    mdr_compress: Option<String>,
    /// Show the detail records as they would read at this instant (an
    /// offset from each scenario's start such as 30d, or an RFC 3339 time):
    /// content older than 7 days redacted, rows older than 90 days or not
    /// yet accepted left out.
    #[arg(long, value_name = "INSTANT", requires = "mdr")]
    as_of: Option<Moment>,
}

#[derive(Args)]
struct BatchArgs {
    /// Overrides every scenario's `seed`.
    #[arg(long)]
    seed: Option<u64>,
    /// Overrides every scenario's `replications` (1 to 100000).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_REPLICATIONS)))]
    replications: Option<u32>,
    /// Add or replace a sweep parameter (repeatable): PATH=v1,v2,...
    #[arg(long, value_name = "PATH=V1,V2,...")]
    sweep: Vec<String>,
    /// Also let trace files be read from this folder, besides each
    /// scenario's own (repeatable).
    #[arg(long = "allow-path", value_name = "DIR")]
    allow: Vec<PathBuf>,
    /// Worker threads (default: one per core, at most 256). Results never depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

impl BatchArgs {
    fn overrides(&self) -> Overrides {
        let (sweep, allow) = (self.sweep.clone(), self.allow.clone());
        Overrides { seed: self.seed, replications: self.replications, sweep, allow, plan: None }
    }
}

/// What stops a command: printed as `error: ...` (scenario diagnostics as
/// they are), exit code 2.
#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("{} problems in scenario files", .0.len())]
    Invalid(Vec<Diagnostic>),
    #[error(transparent)]
    Find(#[from] FindError),
    #[error(transparent)]
    SweepArg(#[from] SweepArgError),
    #[error("{0}: no [plan] to search (add one, or use `a2psim run`)")]
    NoPlan(PathBuf),
    #[error("two scenarios share the file stem \"{0}\": their reports would overwrite each other")]
    SameStem(String),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error("--shard: {0}")]
    Shard(#[from] ShardError),
    #[error(transparent)]
    Merge(#[from] MergeError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{} exists: choose another name, or --force to replace it", .0.display())]
    Exists(PathBuf),
    #[error("{0}")]
    Answer(String),
    #[error("cannot write the report into {}: {source}", .dir.display())]
    Report { dir: PathBuf, source: std::io::Error },
    #[error("cannot write the message detail records of {stem} into {}: {source}", .out.display())]
    Records { stem: String, out: PathBuf, source: std::io::Error },
}

/// Whether every expectation held (exit 0) or one failed (exit 1).
type Passed = bool;

/// Runs the command line of this process: what `a2psim` does.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    // Ctrl-C, or a termination request (a CI job cancelled, `timeout`, a
    // container stopped): the reports being written are dropped, the
    // previous ones stay.
    let stop = || {
        report::abandon_all();
        complain("\ninterrupted: reports being written were removed, earlier ones are unchanged\n");
        std::process::exit(130);
    };
    if let Err(e) = ctrlc::set_handler(stop) {
        complain(&format!("warning: an interrupted run will not clean up: {e}\n"));
    }
    let code = match command(cli.command) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(Error::Invalid(diags)) => {
            print_diagnostics(&diags);
            2
        }
        Err(e) => {
            complain(&format!("error: {e}\n"));
            2
        }
    };
    stdout_wrote(std::io::stdout().flush());
    if let Some(why) = STDOUT_FAILED.get() {
        complain(&format!("error: cannot write to standard output: {why}\n"));
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}

fn command(command: Command) -> Result<Passed, Error> {
    match command {
        Command::Run { paths, out, batch, shard, window, records } => with_threads(batch.threads, || {
            run(&paths, &out, &batch.overrides(), shard.as_deref(), window.window.as_ref(), &records)
        }),
        Command::Validate { paths, sweep, allow } => {
            validate(&paths, &Overrides { sweep, allow, ..Overrides::default() })
        }
        Command::Check { paths, batch, format, junit, baseline, tolerance, min_delta } => {
            with_threads(batch.threads, || {
                let options = CheckOptions { format, junit, baseline, tolerance, min_delta };
                check(&paths, &batch.overrides(), &options)
            })
        }
        Command::Plan { paths, out, batch, plan: args } => with_threads(batch.threads, || {
            let overrides = Overrides { plan: args.table(), ..batch.overrides() };
            plan(&paths, &out, &overrides)
        }),
        Command::Baseline { paths, batch, out } => {
            with_threads(batch.threads, || record_baseline(&paths, &batch.overrides(), &out))
        }
        Command::Init { file, template, from_questions, force } => init(&file, &template, from_questions, force),
        Command::Explain { paths, allow } => {
            for (f, l) in load_all(&paths, &Overrides { allow, ..Overrides::default() })? {
                let swept = l.sweep.as_ref().map_or(String::new(), |s| {
                    format!("(a sweep of {}: the file's own values are explained)\n", s.parameters.join(", "))
                });
                print(&format!(
                    "{}: {}\n{swept}{}",
                    f.display(),
                    l.scenario.name,
                    report::explain::explain(&l.scenario)
                ));
            }
            Ok(true)
        }
        Command::Schema => {
            let text = serde_json::to_string_pretty(&crate::check::schema::schema()).expect("a schema serialises");
            print(&format!("{text}\n"));
            Ok(true)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "a2psim", &mut script);
            print(&String::from_utf8_lossy(&script));
            Ok(true)
        }
        Command::Merge { dirs, out, threads, window } => with_threads(threads, || {
            let partials = merge::read(&dirs)?;
            let merged = merge::merge(&partials)?;
            let (loaded, results): (Vec<_>, Vec<_>) =
                merged.into_iter().map(|(f, l, r)| ((PathBuf::from(f), l), r)).unzip();
            // A report replaces OUT/<stem>: partial results in it would be lost.
            for (file, _) in &loaded {
                let replaced = out.join(load::stem(file));
                let Ok(folder) = replaced.canonicalize() else { continue };
                let inside = |p: &String| Path::new(p).canonicalize().is_ok_and(|p| p.starts_with(&folder));
                if let Some((held, _)) = partials.iter().find(|(p, _)| inside(p)) {
                    return Err(Error::Answer(format!(
                        "--out {}: the merged report would replace {}, which holds {held}: merge into another folder",
                        out.display(),
                        replaced.display()
                    )));
                }
            }
            let staged = reserve(&out, &loaded)?;
            write_reports(&out, staged, &loaded, &results, window.window.as_ref(), None)
        }),
    }
}

/// Writes a starter scenario `file` from `template` or from questions on
/// the terminal, and the schema beside it.
fn init(file: &Path, template: &str, from_questions: bool, force: bool) -> Result<Passed, Error> {
    if file.is_dir() {
        return Err(Error::Answer(format!("{} is a folder: name the scenario file to write", file.display())));
    }
    if !force && std::fs::symlink_metadata(file).is_ok() {
        return Err(Error::Exists(file.to_path_buf()));
    }
    let text = if from_questions {
        use std::io::IsTerminal;
        let interactive = std::io::stdin().is_terminal();
        crate::init::from_questions(&mut std::io::stdin().lock(), &mut std::io::stderr(), interactive)
            .map_err(Error::Answer)?
    } else {
        crate::init::template(template).expect("clap keeps the names").to_string()
    };
    write(file, text.as_bytes())?;
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let schema = dir.join(crate::init::SCHEMA_FILE);
    let wrote = crate::init::write_schema(dir).map_err(|source| Error::Write { path: schema.clone(), source })?;
    if !wrote {
        complain(&format!("warning: {} exists and is not a2psim's schema: left as it is\n", schema.display()));
    }
    let what = if from_questions { "your answers".to_string() } else { format!("template {template}") };
    say(&format!(
        "wrote {} ({what}){}; next: a2psim run {}\n",
        file.display(),
        if wrote { format!(" and {}", schema.display()) } else { String::new() },
        file.display()
    ));
    Ok(true)
}

/// Runs `job` on a pool of `threads` workers (clap keeps the count from 1 to 256).
fn with_threads(threads: Option<u16>, job: impl FnOnce() -> Result<Passed, Error> + Send) -> Result<Passed, Error> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(usize::from(n));
    }
    pool.build()?.install(job)
}

/// Writes `bytes` to `path` whole or not at all.
fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    report::write_atomic(path, bytes).map_err(|source| Error::Write { path: path.into(), source })
}

/// Loads every file with the command line's changes, printing warnings;
/// every problem of every file if any has one.
fn load_all(paths: &[PathBuf], overrides: &Overrides) -> Result<Vec<(PathBuf, Loaded)>, Error> {
    let files = load::scenario_files(paths)?;
    let args = overrides.sweep_args()?;
    let mut problems = Vec::new();
    let mut loaded = Vec::new();
    for f in files {
        let checked = load::load_file_allowing(&f, &args, &overrides.allow, overrides.plan.as_deref())
            .and_then(|l| expect::validated(l, &f.display().to_string()))
            .and_then(|l| crate::plan::validated(l, &f.display().to_string()));
        match checked {
            Ok(mut l) => {
                print_diagnostics(&l.warnings);
                overrides.apply(&mut l);
                loaded.push((f, l));
            }
            Err(diags) => problems.extend(diags),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut stems: Vec<String> = loaded.iter().map(|(f, _)| load::stem(f)).collect();
    stems.sort();
    match stems.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(Error::SameStem(w[0].clone())),
        None => Ok(loaded),
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        complain(&format!("{d}\n"));
    }
}

/// Prints what a person reads, unless `--quiet`.
fn say(text: &str) {
    if !quiet() {
        print(text);
    }
}

/// Prints to stderr; a closed pipe is not an error.
fn complain(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Why standard output could not be written, if it could not: the run
/// goes on, and exits with 2 saying so (a CI job's JSON or JUnit results
/// must not be lost in silence).
static STDOUT_FAILED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Prints to stdout; a closed pipe (`| head`) is not an error, a full disk is.
fn print(text: &str) {
    stdout_wrote(std::io::stdout().write_all(text.as_bytes()));
}

fn stdout_wrote(result: std::io::Result<()>) {
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = STDOUT_FAILED.set(e.to_string());
    }
}

/// Runs `jobs` with a progress bar (hidden unless standard error is a
/// terminal) and prints the throughput figure on standard error; each job
/// writes its detail records into `records` when given.
fn execute(
    all: &[&Loaded],
    jobs: &[Job],
    records: Option<&batch::RecordParts>,
) -> Result<Vec<Replication>, batch::RecordsFailed> {
    let expected = batch::expected_messages(all, jobs);
    let (total, template) = match &expected {
        Some(e) => (
            e.iter().fold(0u64, |a, &b| a.saturating_add(b)),
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} messages, {eta} left",
        ),
        None => (jobs.len() as u64, "{elapsed_precise} [{bar:40}] {pos}/{len} runs, {eta} left"),
    };
    let bar = if quiet() { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(total) };
    bar.set_style(indicatif::ProgressStyle::with_template(template).expect("a valid template").progress_chars("=> "));
    let started = Instant::now();
    let results = batch::run(all, jobs, expected.as_deref(), &|n| bar.inc(n), records);
    bar.finish_and_clear();
    let results = results?;
    let secs = started.elapsed().as_secs_f64();
    let messages: u64 = results.iter().map(|r| r.stats.accepted()).sum();
    let events: u64 = results.iter().map(|r| r.events).sum();
    if !quiet() {
        complain(&format!(
            "simulated {} ({events} events, {}) in {secs:.2} s: {:.0} messages/s\n",
            counted(messages as usize, "message"),
            counted(jobs.len(), "run"),
            messages as f64 / secs.max(1e-9)
        ));
    }
    Ok(results)
}

/// Writes every scenario's reports and prints the table.
fn write_reports(
    out: &Path,
    staged: Vec<Staged>,
    loaded: &[(PathBuf, Loaded)],
    results: &[Vec<RunResult>],
    window: Option<&ChartWindow>,
    records: Option<&RecordFiles>,
) -> Result<Passed, Error> {
    let scenarios: Vec<(String, &Loaded, &[RunResult])> =
        loaded.iter().zip(results).map(|((file, l), points)| (load::stem(file), l, &points[..])).collect();
    report::write_scenarios(out, staged, &scenarios, window, records)
        .map_err(|(dir, source)| Error::Report { dir, source })?;
    report::write_index(out).map_err(|source| Error::Write { path: out.join("index.html"), source })?;
    let mut rows = Vec::new();
    for (stem, l, points) in &scenarios {
        for (i, (sc, r)) in batch::points(l).into_iter().zip(points.iter()).enumerate() {
            let label = match &l.sweep {
                Some(sweep) => format!("{stem} [{}]", sweep.points[i]),
                None => stem.clone(),
            };
            rows.push((label, sc, r));
        }
    }
    say(&report::table(&rows));
    for (stem, l, points) in &scenarios {
        if let Some(a) = report::advice::expiry_advice(l, points) {
            say(&format!("\n{stem} — message_expiry for stream {}:\n  {}\n", a.stream, a.text));
        }
    }
    say(&format!("reports written to {}/ (open {}/index.html)\n", out.display(), out.display()));
    Ok(true)
}

fn run(
    paths: &[PathBuf],
    out: &Path,
    overrides: &Overrides,
    shard: Option<&str>,
    window: Option<&ChartWindow>,
    records: &RecordsArgs,
) -> Result<Passed, Error> {
    let shard = shard.map(|s| Shard::from_arg(s, |k| std::env::var(k).ok())).transpose()?;
    let loaded = load_all(paths, overrides)?;
    let all: Vec<&Loaded> = loaded.iter().map(|(_, l)| l).collect();
    let every = batch::jobs(&all);
    let Some(shard) = shard else {
        let staged = reserve(out, &loaded)?;
        let files = if records.mdr {
            let stems = stems(&loaded);
            let compression = if records.mdr_compress.is_some() { Compression::Gzip } else { Compression::None };
            let files = RecordFiles::begin(out, &stems, compression)
                .map_err(|source| Error::Report { dir: out.to_path_buf(), source })?;
            Some(files)
        } else {
            None
        };
        if let Some(as_of) = records.as_of {
            for (file, l) in &loaded {
                if as_of.timestamp(&l.scenario.calendar) < l.scenario.calendar.start() {
                    complain(&format!(
                        "warning: {}: --as-of is before the start: its records are empty\n",
                        file.display()
                    ));
                }
            }
        }
        let open = |job| files.as_ref().expect("records asked for").open(job);
        let parts = files.as_ref().map(|_| batch::RecordParts { open: &open, as_of: records.as_of });
        let results = execute(&all, &every, parts.as_ref()).map_err(|f| Error::Records {
            stem: load::stem(&loaded[f.job.scenario].0),
            out: out.to_path_buf(),
            source: f.source,
        })?;
        let assembled = batch::assemble(&all, every.into_iter().zip(results).collect()).expect("every job ran");
        return write_reports(out, staged, &loaded, &assembled, window, files.as_ref());
    };
    // Shards of one run may share `out`: each writes its own partial file, unlocked.
    ready(out, &loaded)?;
    let mine = shard.select(every);
    let results = execute(&all, &mine, None).expect("no records, nothing written");
    let finished: Vec<(Job, Replication)> = mine.into_iter().zip(results).collect();
    let files: Vec<(String, &Loaded)> = loaded.iter().map(|(f, l)| (f.display().to_string(), l)).collect();
    for ((file, _), partial) in loaded.iter().zip(merge::partials(&files, overrides, shard, &finished)) {
        let path = out.join(load::stem(file)).join(merge::partial_name(shard));
        write(&path, &serde_json::to_vec(&partial).expect("partial results serialise"))?;
        say(&format!("{}: shard {shard}, {} jobs\n", path.display(), partial.jobs.len()));
    }
    Ok(true)
}

fn stems(loaded: &[(PathBuf, Loaded)]) -> Vec<String> {
    loaded.iter().map(|(f, _)| load::stem(f)).collect()
}

/// Checks before running that every report of `loaded` can be written into `out`.
fn ready(out: &Path, loaded: &[(PathBuf, Loaded)]) -> Result<(), Error> {
    report::ready(out, &stems(loaded)).map_err(|(dir, source)| Error::Report { dir, source })
}

/// Reserves before running the folder of every report of `loaded` in `out`
/// (checked, locked, its staging folder made), in `loaded` order.
fn reserve(out: &Path, loaded: &[(PathBuf, Loaded)]) -> Result<Vec<Staged>, Error> {
    report::reserve(out, &stems(loaded)).map_err(|(dir, source)| Error::Report { dir, source })
}

/// Searches every file's plan, printing each answer and writing its folder
/// (`plan.json`, charts, `report.html`).
fn plan(paths: &[PathBuf], out: &Path, overrides: &Overrides) -> Result<Passed, Error> {
    let loaded = load_all(paths, overrides)?;
    if let Some((file, _)) = loaded.iter().find(|(_, l)| l.plan.is_none()) {
        return Err(Error::NoPlan(file.clone()));
    }
    let staged = reserve(out, &loaded)?;
    let mut answered = true;
    for ((file, l), staged) in loaded.iter().zip(staged) {
        let stem = load::stem(file);
        let found = crate::plan::plan(&stem, &file.display().to_string(), l, crate::plan::WIDTH)
            .map_err(|d| Error::Invalid(vec![d]))?;
        print(&format!("{stem}: {}", found.text()));
        report::write_plan(staged, &stem, l, &found.report(l))
            .map_err(|source| Error::Report { dir: out.join(&stem), source })?;
        answered &= found.answer.is_some();
    }
    report::write_index(out).map_err(|source| Error::Write { path: out.join("index.html"), source })?;
    Ok(answered)
}

fn validate(paths: &[PathBuf], overrides: &Overrides) -> Result<Passed, Error> {
    for (f, l) in load_all(paths, overrides)? {
        let points =
            l.sweep.as_ref().map_or(String::new(), |w| format!(", {}", counted(w.points.len(), "sweep point")));
        let inbound = match l.scenario.inbound.len() {
            0 => String::new(),
            n => format!(", {n} inbound"),
        };
        let streams = counted(l.scenario.traffic.len(), "traffic stream");
        say(&format!("{}: ok ({streams}{inbound}{points})\n", f.display()));
    }
    Ok(true)
}

/// Loads and runs every scenario: (file, loaded, results per point).
fn run_everything(paths: &[PathBuf], overrides: &Overrides) -> Result<Vec<(PathBuf, Loaded, Vec<RunResult>)>, Error> {
    let loaded = load_all(paths, overrides)?;
    let all: Vec<&Loaded> = loaded.iter().map(|(_, l)| l).collect();
    let jobs = batch::jobs(&all);
    let results = execute(&all, &jobs, None).expect("no records, nothing written");
    let assembled = batch::assemble(&all, jobs.into_iter().zip(results).collect()).expect("every job ran");
    Ok(loaded.into_iter().zip(assembled).map(|((f, l), r)| (f, l, r)).collect())
}

/// The key figures of every run, keyed as a baseline keys them.
fn key_figures(runs: &[(PathBuf, Loaded, Vec<RunResult>)]) -> Baseline {
    let all: Vec<(String, serde_json::Value)> =
        keyed(runs).into_iter().map(|(key, stem, sc, r)| (key, report::summary(&stem, sc, r))).collect();
    Baseline::record(all.iter().map(|(k, s)| (k.clone(), s)))
}

/// Every run and sweep point in the order given: (baseline key, stem, scenario, results).
fn keyed(runs: &[(PathBuf, Loaded, Vec<RunResult>)]) -> Vec<(String, String, &Scenario, &RunResult)> {
    let mut out = Vec::new();
    for (file, l, results) in runs {
        let s = load::stem(file);
        for (i, (sc, r)) in batch::points(l).into_iter().zip(results).enumerate() {
            let point = l.sweep.as_ref().map(|sw| sw.points[i].to_string());
            out.push((baseline::key(&s, point.as_deref()), s.clone(), sc, r));
        }
    }
    out
}

fn record_baseline(paths: &[PathBuf], overrides: &Overrides, out: &Path) -> Result<Passed, Error> {
    let b = key_figures(&run_everything(paths, overrides)?);
    let mut json = serde_json::to_string_pretty(&b).expect("a baseline serialises");
    json.push('\n');
    write(out, json.as_bytes())?;
    say(&format!("baseline of {} runs written to {}\n", b.scenarios.len(), out.display()));
    Ok(true)
}

struct CheckOptions {
    format: Format,
    junit: Option<PathBuf>,
    baseline: Option<PathBuf>,
    tolerance: String,
    min_delta: Vec<String>,
}

fn check(paths: &[PathBuf], overrides: &Overrides, options: &CheckOptions) -> Result<Passed, Error> {
    let tolerance = baseline::parse_tolerance(&options.tolerance)?;
    let base = options.baseline.as_deref().map(Baseline::read).transpose()?;
    let runs = run_everything(paths, overrides)?;
    let verdicts: Vec<expect::Verdict> = runs
        .iter()
        .flat_map(|(file, l, results)| expect::evaluate(&load::stem(file), &file.display().to_string(), l, results))
        .collect();
    let mut min = baseline::MinDelta::default();
    for arg in &options.min_delta {
        min.set(arg)?;
    }
    let compared = base.map(|b| {
        let mut found = baseline::compare(&b, &key_figures(&runs), tolerance, &min);
        // In the order the scenarios were given, not the baseline's (alphabetical).
        let order: Vec<String> = keyed(&runs).into_iter().map(|(key, ..)| key).collect();
        found.sort_by_key(|r| order.iter().position(|k| *k == r.key));
        found
    });
    let regressions = compared.as_deref().unwrap_or_default();
    let file_of = |s: &str| {
        runs.iter().find(|(f, _, _)| load::stem(f) == s).map_or(s.to_string(), |(f, _, _)| f.display().to_string())
    };
    let results = match options.format {
        Format::Human => ci::table(&verdicts, compared.as_deref()),
        Format::Json => ci::json(&verdicts, regressions),
        Format::Github => ci::github(&verdicts, compared.as_deref(), file_of),
    };
    let junit = ci::junit(&verdicts, regressions);
    match options.junit.as_deref() {
        Some(path) if path == Path::new("-") => {
            complain(&results);
            print(&junit);
        }
        Some(path) => {
            print(&results);
            write(path, junit.as_bytes())?;
        }
        None => print(&results),
    }
    Ok(verdicts.iter().all(|v| v.passed) && regressions.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_argument_has_help() {
        let cli = Cli::command();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" {
                    assert!(arg.get_help().is_some(), "`a2psim {} --{id}` has no help text", sub.get_name());
                }
            }
        }
    }

    #[test]
    fn completions_know_every_command() {
        let mut script = Vec::new();
        clap_complete::generate(clap_complete::Shell::Bash, &mut Cli::command(), "a2psim", &mut script);
        let script = String::from_utf8(script).unwrap();
        for name in ["run", "validate", "check", "baseline", "merge", "completions", "--allow-path", "--shard"] {
            assert!(script.contains(name), "{name}");
        }
    }
}
