//! Output files and the report log (SPEC §6): every file is written to a temporary sibling and
//! renamed into place, so an interrupted or failed run never leaves a partial file.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::jobs::Job;
use crate::time::{format_rfc3339, Ts};

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A file written under a temporary name beside its destination, not yet in place. Dropping it
/// uncommitted removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    /// SHA-256 of the bytes written, in hex.
    pub sha256: String,
}

impl Staged {
    /// Writes a file through `write` under a temporary name in `dest`'s directory; returns the
    /// staged file and what `write` returned.
    pub fn write<T>(
        dest: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
    ) -> Result<(Staged, T)> {
        let fail = |source| Error::Write {
            path: dest.to_path_buf(),
            source,
        };
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&dir).map_err(fail)?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut staged = Staged {
            tmp,
            dest: dest.to_path_buf(),
            sha256: String::new(),
        };
        let file = File::create(&staged.tmp).map_err(fail)?;
        let mut w = Hashing {
            inner: std::io::BufWriter::with_capacity(256 * 1024, file),
            hash: Sha256::new(),
        };
        let value = write(&mut w).map_err(fail)?;
        w.flush().map_err(fail)?;
        let Hashing { inner, hash } = w;
        let file = inner.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        staged.sha256 = hex(&hash.finalize());
        Ok((staged, value))
    }

    /// Renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let tmp = std::mem::take(&mut self.tmp);
        fs::rename(&tmp, &self.dest).map_err(|source| {
            let _ = fs::remove_file(&tmp);
            Error::Write {
                path: self.dest.clone(),
                source,
            }
        })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `path` through a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (staged, ()) = Staged::write(path, |w| w.write_all(bytes))?;
    staged.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/report.csv");
        write_atomic(&p, b"a,b\n").unwrap();
        write_atomic(&p, b"c,d\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"c,d\n");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        // A target that is a directory fails cleanly, leaving nothing behind.
        let d = dir.path().join("sub");
        assert!(write_atomic(&d, b"x").is_err());
        assert_eq!(fs::read_dir(&d).unwrap().count(), 1);
    }
}

/// `YYYYMMDDTHHMM±HHMM`: a period bound in the job's zone, for file names (the offset keeps
/// two periods in a DST fold apart).
pub fn file_stamp(ts: crate::time::Ts, tz: chrono_tz::Tz) -> String {
    crate::time::zoned(ts, tz)
        .format("%Y%m%dT%H%M%z")
        .to_string()
}

/// `<TYPE>_<from>_<to>.<csv|html>`.
pub fn report_file_name(kind: &str, from: Ts, to: Ts, tz: chrono_tz::Tz, ext: &str) -> String {
    format!(
        "{kind}_{}_{}.{ext}",
        file_stamp(from, tz),
        file_stamp(to, tz)
    )
}

/// The first 16 hex digits of the SHA-256 of `<job id>/<from>/<to>` (Unix seconds).
pub fn log_id(job: &str, from: Ts, to: Ts) -> String {
    let digest = Sha256::digest(format!("{job}/{from}/{to}").as_bytes());
    hex(&digest)[..16].to_string()
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file's bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// One item of the report log: the seed's report-log fields plus `sha256` and `rows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Hash of job id and period.
    pub id: String,
    /// The job id.
    pub report_id: String,
    /// The job's schedule name.
    pub schedule_name: String,
    /// The file name.
    pub report_name: String,
    /// The report type.
    #[serde(rename = "type")]
    pub kind: String,
    /// CSV or HTML.
    pub format: String,
    /// Path relative to the output directory.
    pub file_url: String,
    /// The fire time (RFC 3339, job zone).
    pub create_time: String,
    /// The fire time too: the wall clock is never recorded.
    pub finish_time: String,
    /// The job's recipients.
    pub recipients: String,
    /// Period start (RFC 3339, job zone).
    pub start_time: String,
    /// Period end (RFC 3339, job zone).
    pub end_time: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Data rows (TOTAL rows included, header excluded).
    pub rows: u64,
}

/// `<job id>/<TYPE>_<from>_<to>.<ext>`: where a job's report of a period goes, relative to
/// the output directory.
pub fn file_url(job: &Job, from: Ts, to: Ts) -> String {
    format!("{}/{}", job.id, report_name(job, from, to))
}

/// A job's report file name for a period.
fn report_name(job: &Job, from: Ts, to: Ts) -> String {
    report_file_name(job.kind.name(), from, to, job.tz, job.format.extension())
}

impl LogEntry {
    /// The entry for a job's report of `period` at `fire`, written with `sha256` and `rows`.
    /// Both times are the fire time: the wall clock never enters the log.
    pub fn new(job: &Job, fire: Ts, period: (Ts, Ts), sha256: String, rows: u64) -> LogEntry {
        let (from, to) = period;
        let when = format_rfc3339(fire, job.tz);
        LogEntry {
            id: log_id(&job.id, from, to),
            report_id: job.id.clone(),
            schedule_name: job.schedule_name.clone(),
            report_name: report_name(job, from, to),
            kind: job.kind.name().to_string(),
            format: job.format.name().to_string(),
            file_url: file_url(job, from, to),
            create_time: when.clone(),
            finish_time: when,
            recipients: job.recipients.clone(),
            start_time: format_rfc3339(from, job.tz),
            end_time: format_rfc3339(to, job.tz),
            sha256,
            rows,
        }
    }

    /// The fire time as an instant.
    pub fn fire(&self) -> Option<Ts> {
        crate::time::parse_rfc3339(&self.create_time)
    }
}

/// `OUT/report_log.json`.
#[derive(Debug, Clone)]
pub struct ReportLog {
    path: PathBuf,
    /// Entries, sorted by create time then id.
    pub entries: Vec<LogEntry>,
}

impl ReportLog {
    /// The log's path in an output directory.
    pub fn path_in(out: &Path) -> PathBuf {
        out.join("report_log.json")
    }

    /// Reads the log of an output directory (empty when there is none yet).
    pub fn load(out: &Path) -> Result<ReportLog> {
        let path = Self::path_in(out);
        let entries = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Data {
                path: path.clone(),
                loc: Some(crate::error::Loc::Line(e.line() as u64)),
                message: format!("the report log is not valid: {e}"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(Error::Read {
                    path,
                    loc: None,
                    source,
                })
            }
        };
        Ok(ReportLog { path, entries })
    }

    /// The latest fire time logged for a job.
    pub fn last_fire(&self, job: &str) -> Option<Ts> {
        self.entries
            .iter()
            .filter(|e| e.report_id == job)
            .filter_map(LogEntry::fire)
            .max()
    }

    /// Adds an entry, replacing one with the same id.
    pub fn upsert(&mut self, entry: LogEntry) {
        self.entries.retain(|e| e.id != entry.id);
        self.entries.push(entry);
    }

    /// Removes an entry by id.
    pub fn remove(&mut self, id: &str) -> Option<LogEntry> {
        let k = self.entries.iter().position(|e| e.id == id)?;
        Some(self.entries.remove(k))
    }

    /// Rewrites the log atomically, sorted by create time then id.
    pub fn save(&mut self) -> Result<()> {
        self.entries
            .sort_by(|a, b| a.fire().cmp(&b.fire()).then_with(|| a.id.cmp(&b.id)));
        let mut bytes = serde_json::to_vec_pretty(&self.entries).expect("log entries serialise");
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes)
    }
}

/// Removes temporary files a killed run left behind in `out` and its job directories.
pub fn sweep_temporaries(out: &Path) {
    let is_temp = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.contains(".tmp-"))
    };
    let Ok(entries) = fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            for f in fs::read_dir(&p).into_iter().flatten().flatten() {
                if is_temp(&f.path()) {
                    let _ = fs::remove_file(f.path());
                }
            }
        } else if is_temp(&p) {
            let _ = fs::remove_file(&p);
        }
    }
}

#[cfg(test)]
mod log_tests {
    use super::*;

    #[test]
    fn names_ids_and_order() {
        let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
        let from = crate::time::parse_rfc3339("2025-11-02T00:00:00-04:00").unwrap();
        let to = crate::time::parse_rfc3339("2025-11-03T00:00:00-05:00").unwrap();
        assert_eq!(
            report_file_name("QUEUESUMMARY", from, to, tz, "csv"),
            "QUEUESUMMARY_20251102T0000-0400_20251103T0000-0500.csv"
        );
        assert_eq!(log_id("daily", from, to).len(), 16);
        assert_eq!(log_id("daily", from, to), log_id("daily", from, to));
        assert_ne!(log_id("daily", from, to), log_id("daily2", from, to));
        // SHA-256 of "abc", a published test vector.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
