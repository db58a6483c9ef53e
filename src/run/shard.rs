//! Shards: one machine's share of a batch's jobs (`--shard I/N`), so a
//! batch system can spread one command over many machines.

use super::batch::Job;
use std::fmt;
use std::str::FromStr;

/// One share of a batch: jobs whose number is `index` modulo `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This share, from 0.
    pub index: u32,
    /// How many shares.
    pub count: u32,
}

/// A `--shard` that names no share.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not `I/N` with `I < N`.
    #[error("expected I/N with 0 <= I < N, such as 0/4, found \"{0}\"")]
    Spec(String),
    /// A batch system's variable that is not a number.
    #[error("{name} is not a whole number: \"{value}\"")]
    Variable {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    #[error(
        "`auto` needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, JOB_COMPLETION_INDEX and A2PSIM_SHARD_COUNT, or A2PSIM_SHARD"
    )]
    /// `auto` outside a batch system.
    NoEnvironment,
}

impl Shard {
    /// The jobs of this share, in their order.
    pub fn select(self, jobs: Vec<Job>) -> Vec<Job> {
        jobs.into_iter().enumerate().filter(|(n, _)| *n as u32 % self.count == self.index).map(|(_, j)| j).collect()
    }

    /// `I/N`, or with `auto` the share a batch system gives this process
    /// through `var` (the environment): a Slurm array task, a Kubernetes
    /// Indexed Job, or `A2PSIM_SHARD`.
    pub fn from_arg(arg: &str, var: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        if arg != "auto" {
            return arg.parse();
        }
        let number = |name: &'static str, value: String| {
            value.trim().parse::<u32>().map_err(|_| ShardError::Variable { name, value })
        };
        if let (Some(id), Some(count)) = (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT")) {
            let id = number("SLURM_ARRAY_TASK_ID", id)?;
            let min = var("SLURM_ARRAY_TASK_MIN").map_or(Ok(0), |m| number("SLURM_ARRAY_TASK_MIN", m))?;
            // `--array=0-8:2` numbers its tasks 0, 2, ..., 8.
            let step = var("SLURM_ARRAY_TASK_STEP").map_or(Ok(1), |s| number("SLURM_ARRAY_TASK_STEP", s))?.max(1);
            return format!("{}/{count}", id.saturating_sub(min) / step).parse();
        }
        if let (Some(index), Some(count)) = (var("JOB_COMPLETION_INDEX"), var("A2PSIM_SHARD_COUNT")) {
            return format!("{index}/{count}").parse();
        }
        var("A2PSIM_SHARD").ok_or(ShardError::NoEnvironment)?.parse()
    }
}

impl FromStr for Shard {
    type Err = ShardError;
    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError::Spec(s.to_string());
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn auto_reads_the_batch_systems_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let slurm =
            env(&[("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "5")]);
        assert_eq!(Shard::from_arg("auto", slurm), Ok(Shard { index: 2, count: 4 }));
        // `--array=0-4:2`: tasks 0, 2 and 4 are shards 0, 1 and 2 of 3.
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ]);
        assert_eq!(Shard::from_arg("auto", stepped), Ok(Shard { index: 2, count: 3 }));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1"), ("A2PSIM_SHARD_COUNT", "3")]);
        assert_eq!(Shard::from_arg("auto", k8s), Ok(Shard { index: 1, count: 3 }));
        assert_eq!(Shard::from_arg("auto", env(&[("A2PSIM_SHARD", "0/2")])), Ok(Shard { index: 0, count: 2 }));
        assert_eq!(Shard::from_arg("auto", env(&[])), Err(ShardError::NoEnvironment));
        let bad = env(&[("SLURM_ARRAY_TASK_ID", "x"), ("SLURM_ARRAY_TASK_COUNT", "4")]);
        assert_eq!(
            Shard::from_arg("auto", bad).unwrap_err().to_string(),
            "SLURM_ARRAY_TASK_ID is not a whole number: \"x\""
        );
        assert_eq!(Shard::from_arg("1/3", env(&[])), Ok(Shard { index: 1, count: 3 }));
    }
}
