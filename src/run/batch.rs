//! Batches: every (scenario, sweep point, replication) job of one command,
//! run in parallel, optionally one shard of them, then pooled per point.
//!
//! Jobs are numbered in a fixed order (scenario, point, replication), so a
//! shard `I/N` (jobs whose number is I modulo N) is the same set on every
//! machine, and pooling in replication order makes the result independent
//! of threads and shards.

use crate::load::{Loaded, SweepArg};
use crate::run::simulate::{Replication, RunResult, pool, replicate};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// What the command line changes in every scenario of a batch. Kept with a
/// shard's partial results so a merge rebuilds exactly the same batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overrides {
    pub seed: Option<u64>,
    pub replications: Option<u32>,
    /// `--sweep` arguments, as given.
    pub sweep: Vec<String>,
}

impl Overrides {
    /// Sets the seed and replications of the scenario and of every sweep point.
    pub fn apply(&self, loaded: &mut Loaded) {
        let mut scenarios = vec![&mut loaded.scenario];
        if let Some(sweep) = &mut loaded.sweep {
            scenarios.extend(sweep.points.iter_mut().map(|p| &mut p.loaded.scenario));
        }
        for sc in scenarios {
            if let Some(seed) = self.seed {
                sc.seed = seed;
            }
            if let Some(r) = self.replications {
                sc.replications = r;
            }
        }
    }
}

/// One machine's share of one scenario file's jobs (`--shard I/N`), written
/// as `partial-I-of-N.json` and combined by `a2psim merge`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Partial {
    /// Increases when the layout changes; a merge refuses other versions.
    pub format: u32,
    pub scenario_file: String,
    /// The scenario file's text, so every shard provably ran the same scenario.
    pub source: String,
    pub overrides: Overrides,
    pub shard: String,
    /// Finished jobs (with `scenario` 0: a partial covers one file).
    pub jobs: Vec<(Job, Replication)>,
}

/// The current [`Partial::format`].
pub const PARTIAL_FORMAT: u32 = 1;

impl Overrides {
    /// The `--sweep` arguments, parsed.
    pub fn sweep_args(&self) -> Result<Vec<SweepArg>, String> {
        self.sweep.iter().map(|s| s.parse::<SweepArg>().map_err(|e| format!("--sweep {s:?}: {e}"))).collect()
    }
}

/// One shard's partial results for each scenario file: `files` are the
/// (path, text) of the scenarios in batch order, `finished` this shard's jobs.
pub fn partials(
    files: &[(String, String)],
    overrides: &Overrides,
    shard: Shard,
    finished: &[(Job, Replication)],
) -> Vec<Partial> {
    files
        .iter()
        .enumerate()
        .map(|(n, (file, source))| Partial {
            format: PARTIAL_FORMAT,
            scenario_file: file.clone(),
            source: source.clone(),
            overrides: overrides.clone(),
            shard: shard.to_string(),
            jobs: finished
                .iter()
                .filter(|(j, _)| j.scenario == n)
                .map(|(j, r)| (Job { scenario: 0, ..*j }, r.clone()))
                .collect(),
        })
        .collect()
}

/// Combines shards' partial results (each with where it was read from) into
/// what one machine would have computed: per scenario file, in file order,
/// the scenario reloaded from the text the shards ran and its results per
/// point. Refuses shards that ran different texts, and missing jobs.
pub fn merge(partials: &[(String, Partial)]) -> Result<Vec<(String, Loaded, Vec<RunResult>)>, String> {
    let mut files: Vec<&str> = partials.iter().map(|(_, p)| p.scenario_file.as_str()).collect();
    files.sort();
    files.dedup();
    let mut out = Vec::new();
    for file in files {
        let mine: Vec<&(String, Partial)> = partials.iter().filter(|(_, p)| p.scenario_file == file).collect();
        let (first_at, first) = (&mine[0].0, &mine[0].1);
        if let Some((at, _)) = mine.iter().find(|(_, p)| p.source != first.source || p.overrides != first.overrides) {
            return Err(format!("{at}: ran a different version of {file} than {first_at}"));
        }
        let path = Path::new(file);
        let stem = path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        let args = first.overrides.sweep_args()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut loaded = crate::load::parse_with(&first.source, file, &stem, dir, &args)
            .map_err(|d| d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))?;
        first.overrides.apply(&mut loaded);
        let jobs: Vec<(Job, Replication)> = mine.iter().flat_map(|(_, p)| p.jobs.iter().cloned()).collect();
        let mut results = assemble(&[&loaded], jobs).map_err(|e| format!("{file}: {e}"))?;
        out.push((file.to_string(), loaded, results.remove(0)));
    }
    Ok(out)
}

/// The scenario of each point: a sweep's points, or the scenario itself.
pub fn points(loaded: &Loaded) -> Vec<&Scenario> {
    match &loaded.sweep {
        Some(sweep) => sweep.points.iter().map(|p| &p.loaded.scenario).collect(),
        None => vec![&loaded.scenario],
    }
}

/// One replication of one point of one scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Job {
    pub scenario: usize,
    pub point: usize,
    pub replication: u32,
}

/// Every job of `all`, in their fixed order.
pub fn jobs(all: &[&Loaded]) -> Vec<Job> {
    let mut out = Vec::new();
    for (scenario, loaded) in all.iter().enumerate() {
        for (point, sc) in points(loaded).into_iter().enumerate() {
            out.extend((0..sc.replications).map(|replication| Job { scenario, point, replication }));
        }
    }
    out
}

/// One share of a batch: jobs whose number is `index` modulo `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub fn select(self, jobs: Vec<Job>) -> Vec<Job> {
        jobs.into_iter().enumerate().filter(|(n, _)| *n as u32 % self.count == self.index).map(|(_, j)| j).collect()
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("expected I/N with 0 <= I < N, such as 0/4, found \"{s}\"");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (i.trim().parse::<u32>().map_err(|_| bad())?, n.trim().parse::<u32>().map_err(|_| bad())?);
        (index < count).then_some(Shard { index, count }).ok_or_else(bad)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// About how many messages each job accepts, when every job's traffic is
/// bounded: progress can then be counted in messages rather than runs.
pub fn expected_messages(all: &[&Loaded], jobs: &[Job]) -> Option<Vec<u64>> {
    jobs.iter().map(|j| points(all[j.scenario])[j.point].expected_messages()).collect()
}

/// Runs `jobs` in parallel. `progress` receives units of work as they are
/// done: with `expected` messages per job, resolved messages (each job's
/// capped at, then topped up to, its expectation); without, one per job.
pub fn run(
    all: &[&Loaded],
    jobs: &[Job],
    expected: Option<&[u64]>,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Replication> {
    jobs.par_iter()
        .enumerate()
        .map(|(i, j)| {
            let budget = expected.map_or(0, |e| e[i]);
            let mut reported = 0;
            let r = replicate(points(all[j.scenario])[j.point], j.replication, &mut |n| {
                let n = n.min(budget - reported);
                if n > 0 {
                    reported += n;
                    progress(n);
                }
            });
            let rest = expected.map_or(1, |e| e[i]) - reported;
            if rest > 0 {
                progress(rest);
            }
            r
        })
        .collect()
}

/// Pools finished jobs into one result per point of each scenario, points in
/// parallel. Every job of `all` must be present.
pub fn assemble(all: &[&Loaded], mut finished: Vec<(Job, Replication)>) -> Result<Vec<Vec<RunResult>>, String> {
    finished.sort_by_key(|(j, _)| *j);
    let expected = jobs(all);
    let got: Vec<Job> = finished.iter().map(|(j, _)| *j).collect();
    if got != expected {
        let missing = expected.iter().filter(|j| !got.contains(j)).count();
        return Err(format!("{missing} of {} jobs are missing (is a shard absent?)", expected.len()));
    }
    let mut finished = finished.into_iter().map(|(_, r)| r);
    let per_point: Vec<Vec<Vec<Replication>>> = all
        .iter()
        .map(|loaded| {
            points(loaded).iter().map(|sc| finished.by_ref().take(sc.replications as usize).collect()).collect()
        })
        .collect();
    // Pooling merges histograms and time series: worth doing point by point in parallel.
    Ok(per_point.into_par_iter().map(|points| points.into_par_iter().map(pool).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_resolved_messages_up_to_the_expected_total() {
        let text = r#"start = "2026-03-10T08:00:00-07:00"
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "t"
sender = "sc"
arrival = { process = "constant", rate = "100/s", count = 10000 }
"#;
        let loaded = crate::load::parse(text, "t.toml", "t", Path::new(".")).expect("a valid scenario");
        let all = [&loaded];
        let jobs = jobs(&all);
        let expected = expected_messages(&all, &jobs);
        assert_eq!(expected, Some(vec![10_000]));
        let seen = |expected: Option<&[u64]>| {
            let seen = std::sync::Mutex::new(Vec::new());
            run(&all, &jobs, expected, &|n| seen.lock().unwrap().push(n));
            seen.into_inner().unwrap()
        };
        assert_eq!(seen(expected.as_deref()), [4096, 4096, 1808]);
        assert_eq!(seen(Some(&[5_000])), [4096, 904], "capped at the expectation");
        assert_eq!(seen(Some(&[20_000])), [4096, 4096, 11_808], "topped up when the run ends");
        assert_eq!(seen(None), [1], "one per run when the traffic is unbounded");
    }

    #[test]
    fn shards_split_jobs_without_overlap() {
        let all: Vec<Job> = (0..10).map(|r| Job { scenario: 0, point: 0, replication: r }).collect();
        let a = Shard { index: 0, count: 3 }.select(all.clone());
        let b = Shard { index: 1, count: 3 }.select(all.clone());
        let c = Shard { index: 2, count: 3 }.select(all.clone());
        assert_eq!((a.len(), b.len(), c.len()), (4, 3, 3));
        let mut together = [a, b, c].concat();
        together.sort();
        assert_eq!(together, all);
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
        assert!("5/5".parse::<Shard>().is_err() && "x".parse::<Shard>().is_err() && "1/0".parse::<Shard>().is_err());
    }
}
