//! Batches: every (scenario, sweep point, replication) job of one command,
//! run in parallel, optionally one shard of them, then pooled per point.
//!
//! Jobs are numbered in a fixed order (scenario, point, replication), so a
//! shard `I/N` (jobs whose number is I modulo N) is the same set on every
//! machine, and pooling in replication order makes the result independent
//! of threads and shards.

use crate::load::{Loaded, SweepArg, SweepArgError};
use crate::mdr::{Records, View};
use crate::run::simulate::{Replication, RunResult, pool, replicate};
use crate::scenario::Scenario;
use crate::stats::series::Series;
use rayon::prelude::*;
use std::sync::Mutex;

/// What the command line changes in every scenario of a batch. Kept with a
/// shard's partial results so a merge rebuilds exactly the same batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overrides {
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--replications`.
    pub replications: Option<u32>,
    /// `--sweep` arguments, as given.
    pub sweep: Vec<String>,
    /// `--allow-path`: folders besides each scenario's own that its trace files may be in.
    pub allow: Vec<std::path::PathBuf>,
    /// `plan --vary ...`: a `[plan]` table (TOML) added to every scenario.
    #[serde(skip)]
    pub plan: Option<String>,
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

impl Overrides {
    /// The `--sweep` arguments, parsed.
    pub fn sweep_args(&self) -> Result<Vec<SweepArg>, SweepArgError> {
        self.sweep.iter().map(|s| s.parse::<SweepArg>()).collect()
    }
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
    /// Index of the scenario file in the batch.
    pub scenario: usize,
    /// Index of the sweep point (0 without a sweep).
    pub point: usize,
    /// Replication number, from 0.
    pub replication: u32,
}

/// As messages name a job: `replication 2 of sweep point 1` (both from 0,
/// as `sweep.csv` and detail records number them).
impl std::fmt::Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "replication {} of sweep point {}", self.replication, self.point)
    }
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

/// About how many messages each job accepts, when every job's traffic is
/// bounded: progress can then be counted in messages rather than runs.
pub fn expected_messages(all: &[&Loaded], jobs: &[Job]) -> Option<Vec<u64>> {
    jobs.iter().map(|j| points(all[j.scenario])[j.point].expected_messages()).collect()
}

/// Where one job writes its detail records.
pub trait Part: std::io::Write + Send {
    /// Writes what is buffered and ends the part (a compressed stream's trailer).
    fn close(self: Box<Self>) -> std::io::Result<()>;
}

/// Where each job writes its detail records (`--mdr`): one part per job,
/// the parts of a point joined in replication order (the first has the header).
pub struct RecordParts<'a> {
    /// Opens a job's part.
    pub open: &'a (dyn Fn(Job) -> std::io::Result<Box<dyn Part>> + Sync),
    /// `--as-of`.
    pub as_of: Option<crate::load::Moment>,
}

/// A job that could not write its detail records.
#[derive(Debug, thiserror::Error)]
#[error("detail records of replication {} of point {} of scenario {}: {source}", .job.replication + 1, .job.point, .job.scenario)]
pub struct RecordsFailed {
    /// The job.
    pub job: Job,
    /// Why.
    pub source: std::io::Error,
}

/// Runs `jobs` in parallel. `progress` receives units of work as they are
/// done: with `expected` messages per job, resolved messages (each job's
/// capped at, then topped up to, its expectation); without, one per job.
/// With `records`, each job writes its detail records.
///
/// A point's time series is summed as its jobs finish, so that thousands
/// of replications of a long run hold one series per point rather than
/// one per replication; the sum goes to the point's first job in `jobs`
/// and the others keep an empty series. Series add in any order with the
/// same result, so the pooled figures are as if each job had kept its own.
pub fn run(
    all: &[&Loaded],
    jobs: &[Job],
    expected: Option<&[u64]>,
    progress: &(dyn Fn(u64) + Sync),
    records: Option<&RecordParts>,
) -> Result<Vec<Replication>, RecordsFailed> {
    // Points are numbered across scenarios, in order.
    let (mut first_point, mut count) = (Vec::with_capacity(all.len()), 0);
    for loaded in all {
        first_point.push(count);
        count += points(loaded).len();
    }
    let point = |job: Job| first_point[job.scenario] + job.point;
    let sums: Vec<Mutex<Option<Series>>> = (0..count).map(|_| Mutex::default()).collect();
    let mut done = jobs
        .par_iter()
        .enumerate()
        .map(|(i, &job)| {
            let failed = |source| RecordsFailed { job, source };
            let budget = expected.map_or(0, |e| e[i]);
            let mut reported = 0;
            let sc = points(all[job.scenario])[job.point];
            let mut out = records.map(|p| (p.open)(job)).transpose().map_err(failed)?;
            let view = View { as_of: records.and_then(|p| p.as_of), header: job.replication == 0 };
            let recs = out.as_mut().map(|out| Records::new(sc, job.replication, view, &mut **out));
            let mut r = replicate(
                sc,
                job.replication,
                &mut |n| {
                    let n = n.min(budget - reported);
                    if n > 0 {
                        reported += n;
                        progress(n);
                    }
                },
                recs,
            )
            .map_err(failed)?;
            out.map_or(Ok(()), Part::close).map_err(failed)?;
            let rest = expected.map_or(1, |e| e[i]) - reported;
            if rest > 0 {
                progress(rest);
            }
            let series = r.stats.take_series();
            match &mut *lock(&sums[point(job)]) {
                Some(sum) => sum.merge(&series),
                empty => *empty = Some(series),
            }
            Ok(r)
        })
        .collect::<Result<Vec<Replication>, RecordsFailed>>()?;
    for (r, &job) in done.iter_mut().zip(jobs) {
        if let Some(sum) = lock(&sums[point(job)]).take() {
            r.stats.series = sum;
        }
    }
    Ok(done)
}

/// The value behind `m`, even if a job panicked while holding it (the
/// panic then ends the run anyway).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Jobs of a batch that are not among the finished ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{missing} of {total} jobs are missing")]
pub struct MissingJobs {
    /// Jobs not finished.
    pub missing: usize,
    /// Jobs in the batch.
    pub total: usize,
}

/// Pools finished jobs into one result per point of each scenario, points in
/// parallel. Every job of `all` must be present.
pub fn assemble(all: &[&Loaded], mut finished: Vec<(Job, Replication)>) -> Result<Vec<Vec<RunResult>>, MissingJobs> {
    finished.sort_by_key(|(j, _)| *j);
    let expected = jobs(all);
    let got: Vec<Job> = finished.iter().map(|(j, _)| *j).collect();
    if got != expected {
        let missing = expected.iter().filter(|j| !got.contains(j)).count();
        return Err(MissingJobs { missing, total: expected.len() });
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

    /// One short code with one stream of `arrival`, `head` after the start.
    fn short_code(head: &str, arrival: &str) -> Loaded {
        let text = format!(
            r#"start = "2026-03-10T08:00:00-07:00"
{head}
[[senders]]
id = "sc"
type = "short_code"
[[traffic]]
name = "t"
sender = "sc"
arrival = {arrival}
"#
        );
        crate::load::parse(&text, "t.toml", "t", std::path::Path::new(".")).expect("a valid scenario")
    }

    #[test]
    fn progress_counts_resolved_messages_up_to_the_expected_total() {
        let loaded = short_code("", r#"{ process = "constant", rate = "100/s", count = 10000 }"#);
        let all = [&loaded];
        let jobs = jobs(&all);
        let expected = expected_messages(&all, &jobs);
        assert_eq!(expected, Some(vec![10_000]));
        let seen = |expected: Option<&[u64]>| {
            let seen = std::sync::Mutex::new(Vec::new());
            run(&all, &jobs, expected, &|n| seen.lock().unwrap().push(n), None).unwrap();
            seen.into_inner().unwrap()
        };
        assert_eq!(seen(expected.as_deref()), [4096, 4096, 1808]);
        assert_eq!(seen(Some(&[5_000])), [4096, 904], "capped at the expectation");
        assert_eq!(seen(Some(&[20_000])), [4096, 4096, 11_808], "topped up when the run ends");
        assert_eq!(seen(None), [1], "one per run when the traffic is unbounded");
    }

    /// A point's time series is summed as its jobs finish: its first job
    /// carries the sum and the others an empty series, and the pooled
    /// figures are those of replications that each kept their own.
    #[test]
    fn a_points_time_series_is_summed_into_its_first_job() {
        let head = |seed| format!("seed = {seed}\nreplications = 3\n[account]\nsms_mps = 10");
        let arrival = r#"{ process = "poisson", rate = "20/s", count = 3000 }"#;
        let (a, b) = (short_code(&head(1), arrival), short_code(&head(2), arrival));
        let all = [&a, &b];
        let jobs = jobs(&all);
        let done = run(&all, &jobs, None, &|_| {}, None).unwrap();
        let kept: Vec<bool> = done.iter().map(|r| !r.stats.series.is_empty()).collect();
        assert_eq!(kept, [true, false, false, true, false, false]);
        let pooled = assemble(&all, jobs.into_iter().zip(done).collect()).unwrap();
        for (loaded, results) in all.iter().zip(&pooled) {
            let own = crate::run::simulate::simulate(&loaded.scenario);
            assert!(own.stats.series.len() > 1, "a series of several rows");
            let json = |r: &RunResult| serde_json::to_string(&r.stats).unwrap();
            assert_eq!(json(&results[0]), json(&own));
        }
    }
}
