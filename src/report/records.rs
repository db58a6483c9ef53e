//! Detail-record files (`--mdr`): each job streams its part into a hidden
//! folder beside the reports while the run goes; when a scenario's report is
//! written, the parts of each point are joined, in replication order, into
//! its `mdr.csv` (or `mdr.csv.gz`: gzip members joined are one gzip file).
//! An interrupted or failed run leaves no part behind.

use super::folder;
use crate::run::batch::{Job, Part};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// How the records are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain CSV: `mdr.csv`.
    None,
    /// gzip: `mdr.csv.gz`.
    Gzip,
}

impl Compression {
    /// The file name of a point's records.
    pub fn file_name(self) -> &'static str {
        match self {
            Compression::None => "mdr.csv",
            Compression::Gzip => "mdr.csv.gz",
        }
    }
}

/// The parts of every scenario of one command, in hidden folders of `out`.
pub struct RecordFiles {
    /// One folder per scenario, by [`Job::scenario`].
    dirs: Vec<PathBuf>,
    compression: Compression,
}

impl RecordFiles {
    /// Makes an empty parts folder beside each report `out/<stem>`.
    pub fn begin(out: &Path, stems: &[String], compression: Compression) -> io::Result<RecordFiles> {
        fs::create_dir_all(out)?;
        let mut dirs = Vec::new();
        for stem in stems {
            let dir = out.join(format!(".{stem}.a2psim-mdr"));
            if dir.exists() {
                fs::remove_dir_all(&dir)?;
            }
            fs::create_dir(&dir)?;
            folder::stage(&dir);
            dirs.push(dir);
        }
        Ok(RecordFiles { dirs, compression })
    }

    fn part(&self, job: Job) -> PathBuf {
        self.dirs[job.scenario].join(format!("{}-{}.part", job.point, job.replication))
    }

    /// Creates `job`'s part.
    pub fn open(&self, job: Job) -> io::Result<Box<dyn Part>> {
        let file = File::create(self.part(job))?;
        Ok(match self.compression {
            Compression::None => Box::new(BufWriter::with_capacity(1 << 16, file)),
            Compression::Gzip => Box::new(BufWriter::with_capacity(
                1 << 16,
                flate2::write::GzEncoder::new(file, flate2::Compression::fast()),
            )),
        })
    }

    /// Joins the parts of point `point` of scenario `scenario` (`replications`
    /// of them) into the records file in `dir`.
    pub fn place(&self, scenario: usize, point: usize, replications: u32, dir: &Path) -> io::Result<()> {
        let parts: Vec<PathBuf> =
            (0..replications).map(|replication| self.part(Job { scenario, point, replication })).collect();
        let target = dir.join(self.compression.file_name());
        if let [only] = &parts[..] {
            return fs::rename(only, &target);
        }
        let mut out = BufWriter::new(File::create(&target)?);
        for part in &parts {
            io::copy(&mut File::open(part)?, &mut out)?;
            fs::remove_file(part)?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

impl Drop for RecordFiles {
    fn drop(&mut self) {
        for dir in &self.dirs {
            let _ = fs::remove_dir_all(dir);
            folder::forget(dir);
        }
    }
}

impl Part for BufWriter<File> {
    fn close(mut self: Box<Self>) -> io::Result<()> {
        self.flush()
    }
}

impl Part for BufWriter<flate2::write::GzEncoder<File>> {
    fn close(self: Box<Self>) -> io::Result<()> {
        self.into_inner().map_err(|e| e.into_error())?.finish()?.flush()
    }
}
