//! A scenario's report folder, replaced whole: the run writes a staging
//! folder beside it and swaps it in at the end, under a lock, so a reader
//! finds the previous complete report or the new one, never a mix of the
//! two, stale sweep points, or half-written files.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staging folders being written, so an interrupted run can remove them
/// ([`abandon_all`]) before it exits.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every staging folder of this process: for a run stopped by the
/// user, which leaves the previous reports as they were.
pub(crate) fn abandon_all() {
    let staging = STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for dir in staging.iter() {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Registers `dir` as a folder this process is writing, removed if the run is stopped.
pub(crate) fn stage(dir: &Path) {
    STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(dir.to_path_buf());
}

/// `dir` is finished or removed: no longer one to clean up.
pub(crate) fn forget(dir: &Path) {
    STAGING.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).retain(|d| d != dir);
}

/// A report folder being written. Dropped without [`Staged::commit`] (an
/// error, a panic), its staging folder is removed.
pub(crate) struct Staged {
    target: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// Held until the swap is done: a second run on the same folder fails.
    _lock: File,
    committed: bool,
}

/// A sibling of `out/<stem>`: hidden, and named after the stem.
fn sibling(out: &Path, stem: &str, what: &str) -> PathBuf {
    out.join(format!(".{stem}.a2psim-{what}"))
}

/// Whether `dir` is a folder a2psim wrote (a report, a plan, a shard's partial
/// results) or an empty one, and so may be replaced.
fn is_report(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else { return false };
    let names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.is_empty()
        || names
            .iter()
            .any(|n| n == "summary.json" || n == "plan.json" || (n.starts_with("partial-") && n.ends_with(".json")))
}

/// Checks, before any work, that reports of `stems` can be written into
/// `out`: it is a folder or can be made one, and each `out/<stem>` is
/// absent or a report a2psim may replace. The folder that is not is named.
pub fn ready(out: &Path, stems: &[String]) -> Result<(), (PathBuf, io::Error)> {
    let existing = out.ancestors().find(|a| a.as_os_str().is_empty() || fs::metadata(a).is_ok());
    if let Some(a) = existing.filter(|a| !a.as_os_str().is_empty() && !a.is_dir()) {
        return Err((a.to_path_buf(), io::Error::other("it is a file, not a folder")));
    }
    for stem in stems {
        let target = out.join(stem);
        if fs::symlink_metadata(&target).is_ok() && (!target.is_dir() || !is_report(&target)) {
            return Err((target, io::Error::other("it exists and is not an a2psim report folder: not replaced")));
        }
    }
    index_replaceable(out)
}

/// Reserves `out/<stem>` for each of `stems` before any work: checks them
/// as [`ready`] does, then takes each one's lock and makes its staging
/// folder, so a folder that cannot be written, or that another run is
/// writing, stops the run before it simulates anything.
pub(crate) fn reserve(out: &Path, stems: &[String]) -> Result<Vec<Staged>, (PathBuf, io::Error)> {
    ready(out, stems)?;
    stems.iter().map(|stem| Staged::begin(out, stem).map_err(|e| (out.join(stem), e))).collect()
}

/// Whether `out/index.html` is absent or one a2psim wrote: a user's own
/// index is theirs, never replaced.
pub(crate) fn index_replaceable(out: &Path) -> Result<(), (PathBuf, io::Error)> {
    let index = out.join("index.html");
    if fs::read_to_string(&index).is_ok_and(|text| !text.contains("<title>a2psim reports</title>")) {
        return Err((index, io::Error::other("it exists and is not an index a2psim wrote: not replaced")));
    }
    Ok(())
}

impl Staged {
    /// Locks `out/<stem>` and starts an empty staging folder for it,
    /// removing what an interrupted run left.
    pub(crate) fn begin(out: &Path, stem: &str) -> io::Result<Staged> {
        fs::create_dir_all(out)?;
        let target = out.join(stem);
        if let Ok(meta) = fs::symlink_metadata(&target)
            && (!meta.is_dir() || !is_report(&target))
        {
            return Err(io::Error::other("it exists and is not an a2psim report folder: not replaced"));
        }
        // Opened without truncating, and never through a link: the lock's
        // path must not reach any file but its own.
        let lock_path = sibling(out, stem, "lock");
        if fs::symlink_metadata(&lock_path).is_ok_and(|m| !m.file_type().is_file()) {
            return Err(io::Error::other(format!("{} is not a regular file: not used", lock_path.display())));
        }
        let lock = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
        lock.try_lock().map_err(|_| io::Error::other("another a2psim is writing this report now"))?;
        let (staging, old) = (sibling(out, stem, "new"), sibling(out, stem, "old"));
        for leftover in [&staging, &old] {
            if leftover.exists() {
                fs::remove_dir_all(leftover)?;
            }
        }
        fs::create_dir(&staging)?;
        stage(&staging);
        Ok(Staged { target, staging, old, _lock: lock, committed: false })
    }

    /// Where the report is written until the swap.
    pub(crate) fn dir(&self) -> &Path {
        &self.staging
    }

    /// Swaps the staging folder in for the previous report, then removes it.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        let had_one = self.target.exists();
        if had_one {
            fs::rename(&self.target, &self.old)?;
        }
        fs::rename(&self.staging, &self.target)?;
        self.committed = true;
        forget(&self.staging);
        if had_one {
            fs::remove_dir_all(&self.old)?;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a folder left behind is removed by the next run.
            let _ = fs::remove_dir_all(&self.staging);
            forget(&self.staging);
        }
    }
}
