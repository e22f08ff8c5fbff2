//! `pbx-report logs list` and `logs delete`: the report log of an output directory.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::output::ReportLog;

/// One line per entry, oldest first.
pub fn list(out_dir: &Path, out: &mut dyn Write) -> Result<()> {
    let log = ReportLog::load(out_dir)?;
    for e in &log.entries {
        writeln!(
            out,
            "{} {} {} {} {} rows {}",
            e.id, e.create_time, e.kind, e.format, e.rows, e.file_url
        )
        .map_err(Error::stdout)?;
    }
    Ok(())
}

/// Deletes an entry and its file; the log is rewritten atomically.
pub fn delete(out_dir: &Path, id: &str, out: &mut dyn Write) -> Result<()> {
    let mut log = ReportLog::load(out_dir)?;
    let entry = log.remove(id).ok_or_else(|| {
        Error::usage(format!(
            "no report log entry with id \"{id}\" in {} (see `pbx-report logs list`)",
            out_dir.display()
        ))
    })?;
    let file = out_dir.join(&entry.file_url);
    match std::fs::remove_file(&file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(Error::Write { path: file, source }),
    }
    log.save()?;
    writeln!(out, "deleted {} ({})", entry.id, entry.file_url).map_err(Error::stdout)
}
