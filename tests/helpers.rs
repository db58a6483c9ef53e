//! Small helpers shared by the integration tests.

use a2psim::engine::{self, Fate, Recorder, RunEnd};
use a2psim::load::{self, Loaded};
use a2psim::scenario::Scenario;
use a2psim::scenario::model::{Carrier, Outcome};
use a2psim::scenario::time::SimTime;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Parses a scenario given inline, panicking with the diagnostics if invalid.
pub fn scenario(text: &str) -> Scenario {
    loaded(text).scenario
}

pub fn loaded(text: &str) -> Loaded {
    match load::parse(text, "test.toml", "test", Path::new(".")) {
        Ok(l) => l,
        Err(d) => panic!("invalid test scenario:\n{}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

/// Records every fate, in the order the engine reports them.
#[derive(Default)]
pub struct Log {
    /// Acceptances: first attempts and retries.
    pub accepted: u64,
    /// The retries among them.
    pub retries: u64,
    pub fates: Vec<Fate>,
}

impl Recorder for Log {
    fn accepted(&mut self, _: usize, _: Carrier, _: SimTime, _: bool, retry: bool) {
        self.accepted += 1;
        self.retries += u64::from(retry);
    }
    fn resolved(&mut self, fate: &Fate) {
        self.fates.push(*fate);
    }
    fn finished(&mut self) {}
}

pub fn run_log(sc: &Scenario) -> (Log, RunEnd) {
    let mut log = Log::default();
    let end = engine::run(sc, 0, &mut log);
    (log, end)
}

/// Dispatch instants (seconds) of dispatched messages, by acceptance order then stream.
pub fn dispatch_secs(log: &Log) -> Vec<f64> {
    let mut v: Vec<(SimTime, Option<SimTime>)> =
        log.fates.iter().filter(|f| f.dispatched.is_some()).map(|f| (f.accepted, f.dispatched)).collect();
    v.sort_by_key(|x| (x.1, x.0));
    v.into_iter().map(|(_, d)| d.unwrap().as_secs_f64()).collect()
}

pub fn count(log: &Log, o: Outcome) -> usize {
    log.fates.iter().filter(|f| f.outcome == o).count()
}

/// The scenario header used by most tests: a fixed start, no delays.
pub const HEAD: &str = r#"
start = "2026-03-10T08:00:00-07:00"
seed = 1
"#;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shipped_scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

/// Runs the `a2psim` binary in `dir`.
pub fn a2psim(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_a2psim")).args(args).current_dir(dir).output().unwrap()
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Every file below `dir`: (relative path, contents), sorted.
pub fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Every file below `dir` whose name ends in `.ext`, into `out`.
pub fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_with_ext(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// A tool the browser tests need, or `None` (with a note) on a machine
/// without it; `.ci/run` installs them all, and under CI a missing one fails.
pub fn required<T>(tool: Option<T>, what: &str) -> Option<T> {
    if tool.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must have {what}: .ci/run installs it");
        eprintln!("skipped: no {what} on this machine (.ci/run installs it)");
    }
    tool
}

/// Headless Chromium (Debian's package), if this machine has it.
pub fn chromium() -> Option<String> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .map(str::to_string);
    required(found, "Chromium")
}

/// Chromium, headless, with a fresh profile in `profile` and nothing that
/// reaches for the network (a closed machine refuses it, slowly).
pub fn headless(browser: &str, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(browser);
    c.args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The npm packages of the browser tests (`tests/browser`), once
/// `npm ci --prefix tests/browser` has installed them.
pub fn browser_packages() -> Option<PathBuf> {
    let dir = repo().join("tests/browser/node_modules");
    required(dir.join("axe-core/axe.min.js").is_file().then_some(dir), "npm packages in tests/browser")
}

/// The shipped scenarios' reports, rendered once for every test of the binary.
pub fn rendered() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempdir();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_a2psim"))
            .arg("run")
            .arg(repo().join("scenarios"))
            .arg("--out")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir
    })
    .path()
}
