//! Partial results of sharded runs: what each shard writes, and how
//! `a2psim merge` reads them back into what one machine would have computed.

use super::batch::{Job, Overrides, assemble};
use super::shard::Shard;
use super::simulate::{Replication, RunResult};
use crate::load::{Diagnostic, Loaded, SweepArgError, stem};
use crate::scenario::bounds::MAX_RESULTS_BYTES;
use std::path::{Path, PathBuf};

/// One machine's share of one scenario file's jobs (`--shard I/N`), written
/// as `partial-I-of-N.json` and combined by `a2psim merge`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Partial {
    /// Increases when the layout changes; a merge refuses other versions.
    pub format: u32,
    /// The scenario file, as given to the shard.
    pub scenario_file: String,
    /// The scenario file's text, so every shard provably ran the same scenario.
    pub source: String,
    /// The command line's changes, which every shard must share.
    pub overrides: Overrides,
    /// Which share, as `I/N`.
    pub shard: String,
    /// [`digest`] of what the shard ran: a merge refuses a scenario that
    /// reloads differently (its text or trace files edited, another version).
    pub digest: String,
    /// Finished jobs (with `scenario` 0: a partial covers one file).
    pub jobs: Vec<(Job, Replication)>,
}

/// The current [`Partial::format`].
pub const PARTIAL_FORMAT: u32 = 2;

/// Why partial results cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A folder with no partial results in it or one level down.
    #[error("{}: no partial-I-of-N.json files here or one folder down", .0.display())]
    NoPartials(PathBuf),
    /// A file that cannot be read.
    #[error("{}: cannot read: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
    /// A file that is not partial results.
    #[error("{}: not a2psim partial results: {why}", .path.display())]
    NotPartial {
        /// The file.
        path: PathBuf,
        /// What the JSON reader found wrong.
        why: String,
    },
    /// Partial results of another layout.
    #[error("{}: partial results of format {found}, this a2psim reads {PARTIAL_FORMAT}", .path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// Its format.
        found: u32,
    },
    /// Shards that ran different texts or command lines.
    #[error("{at}: ran a different version of {file} than {first}")]
    DifferentRun {
        /// The partial results that differ.
        at: String,
        /// The scenario file.
        file: String,
        /// The first partial results read for it.
        first: String,
    },
    /// Jobs no shard ran.
    #[error("{file}: {missing} of {total} jobs are missing (is a shard absent?)")]
    Missing {
        /// The scenario file.
        file: String,
        /// Jobs not found.
        missing: usize,
        /// Jobs of the file.
        total: usize,
    },
    /// A scenario that reloads differently from what the shards ran.
    #[error("{file} reloads differently from what {first} ran: its text, a trace file or a2psim changed")]
    Changed {
        /// The scenario file.
        file: String,
        /// The first partial results read for it.
        first: String,
    },
    /// A job run by two shards.
    #[error("{job} is in both {first} and {again}: {hint}")]
    Duplicate {
        /// The job.
        job: Job,
        /// Where it was first read.
        first: String,
        /// Where it was read again.
        again: String,
        /// The likely slip: a folder given twice, or shards of two runs.
        hint: String,
    },
    /// Partial results that no run of the scenario could give.
    #[error("{}: {why}", .path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A `--sweep` the shards were given that does not read.
    #[error(transparent)]
    SweepArg(#[from] SweepArgError),
    /// The scenario text the shards ran does not load here.
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Scenario(Vec<Diagnostic>),
}

/// A fingerprint of a loaded scenario, its sweep points and trace contents
/// included, and of this version of a2psim: equal fingerprints ran the same.
pub fn digest(loaded: &Loaded) -> String {
    /// FNV-1a, fed through `fmt::Write` so a large scenario is never one string.
    struct Fnv(u64);
    impl std::fmt::Write for Fnv {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for b in s.bytes() {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
            }
            Ok(())
        }
    }
    let mut h = Fnv(0xCBF2_9CE4_8422_2325);
    let points = super::batch::points(loaded);
    std::fmt::Write::write_fmt(&mut h, format_args!("{} {points:?}", env!("CARGO_PKG_VERSION")))
        .expect("hashing does not fail");
    format!("{:016x}", h.0)
}

/// One shard's partial results for each scenario file: `files` are the
/// (path, loaded scenario) in batch order, `finished` this shard's jobs.
pub fn partials(
    files: &[(String, &Loaded)],
    overrides: &Overrides,
    shard: Shard,
    finished: &[(Job, Replication)],
) -> Vec<Partial> {
    files
        .iter()
        .enumerate()
        .map(|(n, (file, loaded))| Partial {
            format: PARTIAL_FORMAT,
            scenario_file: file.clone(),
            source: loaded.source.clone(),
            overrides: overrides.clone(),
            shard: shard.to_string(),
            digest: digest(loaded),
            jobs: finished
                .iter()
                .filter(|(j, _)| j.scenario == n)
                .map(|(j, r)| (Job { scenario: 0, ..*j }, r.clone()))
                .collect(),
        })
        .collect()
}

/// The file name a shard writes its partial results to.
pub fn partial_name(shard: Shard) -> String {
    format!("partial-{}-of-{}.json", shard.index, shard.count)
}

/// Reads the partial results in each folder and one folder down (the
/// `--out` of each shard), with where each was read from.
pub fn read(dirs: &[PathBuf]) -> Result<Vec<(String, Partial)>, MergeError> {
    let mut partials = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::iter::once(dir.clone())
            .chain(entries(dir).filter(|p| p.is_dir()))
            .flat_map(entries)
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("partial-")))
            .collect();
        if files.is_empty() {
            return Err(MergeError::NoPartials(dir.clone()));
        }
        files.sort();
        for path in files {
            let bytes = crate::load::read_regular(&path, MAX_RESULTS_BYTES)
                .map_err(|source| MergeError::Read { path: path.clone(), source })?;
            let partial: Partial = serde_json::from_slice(&bytes)
                .map_err(|e| MergeError::NotPartial { path: path.clone(), why: e.to_string() })?;
            if partial.format != PARTIAL_FORMAT {
                return Err(MergeError::Format { path, found: partial.format });
            }
            partials.push((path.display().to_string(), partial));
        }
    }
    Ok(partials)
}

/// The entries of a folder, sorted; none if it cannot be read.
fn entries(dir: impl AsRef<Path>) -> impl Iterator<Item = PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    v.into_iter()
}

/// Combines shards' partial results (each with where it was read from) into
/// what one machine would have computed: per scenario file, in file order,
/// the scenario reloaded from the text the shards ran and its results per
/// point. Refuses shards that ran different texts, and missing jobs.
pub fn merge(partials: &[(String, Partial)]) -> Result<Vec<(String, Loaded, Vec<RunResult>)>, MergeError> {
    // `./m.toml` and `m.toml` are one file.
    let normal =
        |f: &str| -> PathBuf { Path::new(f).components().filter(|c| *c != std::path::Component::CurDir).collect() };
    let mut files: Vec<PathBuf> = partials.iter().map(|(_, p)| normal(&p.scenario_file)).collect();
    files.sort();
    files.dedup();
    let mut out = Vec::new();
    for path in files {
        let file = path.display().to_string();
        let mine: Vec<&(String, Partial)> = partials.iter().filter(|(_, p)| normal(&p.scenario_file) == path).collect();
        let (first_at, first) = (&mine[0].0, &mine[0].1);
        let differs =
            |p: &Partial| p.source != first.source || p.overrides != first.overrides || p.digest != first.digest;
        if let Some((at, _)) = mine.iter().find(|(_, p)| differs(p)) {
            let (at, file, first) = (at.clone(), file.clone(), first_at.clone());
            return Err(MergeError::DifferentRun { at, file, first });
        }
        let args = first.overrides.sweep_args()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut loaded =
            crate::load::parse_with(&first.source, &file, &stem(&path), dir, &args, &first.overrides.allow)
                .map_err(MergeError::Scenario)?;
        first.overrides.apply(&mut loaded);
        if digest(&loaded) != first.digest {
            return Err(MergeError::Changed { file, first: first_at.clone() });
        }
        let jobs = checked_jobs(&loaded, &mine)?;
        let mut results = assemble(&[&loaded], jobs).map_err(|m| MergeError::Missing {
            file: file.clone(),
            missing: m.missing,
            total: m.total,
        })?;
        out.push((file, loaded, results.remove(0)));
    }
    Ok(out)
}

/// The jobs of `mine` (partials of one scenario file), each once, each one
/// the scenario can have, with figures that add up.
fn checked_jobs(loaded: &Loaded, mine: &[&(String, Partial)]) -> Result<Vec<(Job, Replication)>, MergeError> {
    let points = super::batch::points(loaded);
    let mut seen: Vec<(Job, &str, &str)> = Vec::new();
    let mut jobs = Vec::new();
    for (at, partial) in mine {
        for (job, r) in &partial.jobs {
            let malformed = |why: String| MergeError::Malformed { path: PathBuf::from(at), why };
            let Some(sc) = points.get(job.point) else {
                return Err(malformed(format!("{job}: the scenario has no such sweep point")));
            };
            if job.scenario != 0 || job.replication >= sc.replications || !r.stats.adds_up(sc.traffic().len()) {
                return Err(malformed(format!("{job} is not a run of this scenario, or its counts do not add up")));
            }
            if let Some(&(_, other, shard)) = seen.iter().find(|(j, _, _)| j == job) {
                let count = |s: &str| s.parse::<Shard>().ok().map(|s| s.count);
                let hint = if count(shard) == count(&partial.shard) {
                    "is one shard's folder given twice?".to_string()
                } else {
                    format!("shards of two runs are mixed ({shard} and {}): merge the shards of one run", partial.shard)
                };
                return Err(MergeError::Duplicate { job: *job, first: other.to_string(), again: at.clone(), hint });
            }
            seen.push((*job, at, &partial.shard));
            jobs.push((*job, r.clone()));
        }
    }
    Ok(jobs)
}
