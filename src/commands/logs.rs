//! `pbx-report logs list` and `logs delete`: the report log of an output directory.

use std::io::Write;
use std::path::{Component, Path};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::output::{OutLock, ReportLog};

/// One line per entry, oldest first (entries a running or killed run journaled included).
pub fn list(out_dir: &Path, out: &mut dyn Write) -> Result<()> {
    let log = ReportLog::load(out_dir)?;
    for e in log.entries() {
        writeln!(
            out,
            "{} {} {} {} {} rows {}",
            e.id, e.create_time, e.kind, e.format, e.rows, e.file_url
        )
        .map_err(Error::stdout)?;
    }
    Ok(())
}

/// Deletes an entry and its file, holding the output directory's lock; the log is rewritten
/// atomically. A `file_url` that would lead outside `out_dir` (a tampered log) removes the
/// entry only, with a warning: nothing outside the output directory is ever deleted.
pub fn delete(
    out_dir: &Path,
    id: &str,
    wait: Duration,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let (_lock, mut log) = locked(out_dir, wait)?;
    let entry = log.remove(id).ok_or_else(|| no_entry(out_dir, id))?;
    match inside(out_dir, &entry.file_url) {
        Some(file) => match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::write(file, source)),
        },
        None => writeln!(
            err,
            "warning: log entry {} points outside {} ({}); the entry is removed, the file left alone",
            entry.id,
            out_dir.display(),
            entry.file_url.escape_default()
        )
        .map_err(Error::stderr)?,
    }
    log.fold()?;
    writeln!(out, "deleted {} ({})", entry.id, entry.file_url).map_err(Error::stdout)
}

/// `logs resend`: delivers a logged report once more, holding the output directory's lock;
/// exit 1 when the attempt failed (the entry records it).
pub fn resend(
    out_dir: &Path,
    id: &str,
    wait: Duration,
    mail: &crate::delivery::MailConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let (_lock, mut log) = locked(out_dir, wait)?;
    let ok = crate::delivery::resend(out_dir, &mut log, id, mail, out, err);
    log.fold()?;
    if ok? {
        Ok(())
    } else {
        Err(Error::DeliveryFailed(1))
    }
}

/// The output directory's lock and log. A directory that is not there is a usage error, and
/// no lock file is made for it.
fn locked(out_dir: &Path, wait: Duration) -> Result<(OutLock, ReportLog)> {
    if !out_dir.is_dir() {
        return Err(Error::usage(format!(
            "{} is not an output directory (no report log there)",
            out_dir.display()
        )));
    }
    let lock = OutLock::acquire(out_dir, wait)?;
    Ok((lock, ReportLog::load(out_dir)?))
}

/// The error for an id the log does not hold.
pub(crate) fn no_entry(out_dir: &Path, id: &str) -> Error {
    Error::usage(format!(
        "no report log entry with id \"{id}\" in {} (see `pbx-report logs list`)",
        out_dir.display()
    ))
}

/// `url` as a file inside `out_dir`: relative, made of plain names only (no `..`, no root),
/// and reached through no symbolic link. `None` otherwise.
pub(crate) fn inside(out_dir: &Path, url: &str) -> Option<std::path::PathBuf> {
    let rel = Path::new(url);
    if url.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    // Every directory on the way is a real directory of `out_dir`, never a link out of it.
    let mut at = out_dir.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(c) = parts.next() {
        at.push(c);
        let meta = std::fs::symlink_metadata(&at).ok();
        let is_link = meta.as_ref().is_some_and(|m| m.file_type().is_symlink());
        if is_link || (parts.peek().is_some() && !meta.is_some_and(|m| m.is_dir())) {
            return None;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("job")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("link")).unwrap();
        assert!(inside(dir.path(), "job/QUEUESUMMARY_x.csv").is_some());
        for bad in [
            "../x.csv",
            "/etc/passwd",
            "job/../../x",
            "link/passwd",
            "",
            "nodir/x.csv",
        ] {
            assert!(inside(dir.path(), bad).is_none(), "{bad}");
        }
    }
}
