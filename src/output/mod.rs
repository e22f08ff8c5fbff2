//! Output files (SPEC §6): every file is written to a temporary sibling and renamed into place,
//! so an interrupted or failed run never leaves a partial file; the report log (`log`) and the
//! lock that keeps one run at a time in an output directory (`lock`).

mod lock;
mod log;

pub use lock::OutLock;
pub use log::{Delivery, DeliveryStatus, LogEntry, ReportLog};

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::jobs::Job;
use crate::time::Ts;

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

/// `<job id>/<TYPE>_<from>_<to>.<ext>`: where a job's report of a period goes, relative to
/// the output directory.
pub fn file_url(job: &Job, from: Ts, to: Ts) -> String {
    format!("{}/{}", job.id, report_name(job, from, to))
}

/// A job's report file name for a period.
pub(crate) fn report_name(job: &Job, from: Ts, to: Ts) -> String {
    report_file_name(job.kind.name(), from, to, job.tz, job.format.extension())
}

/// Removes the temporary files (`.*.tmp*`) a killed run left anywhere under `out`. Only a run
/// holding `out`'s lock calls it, so no other run's files are in the making.
pub fn sweep_temporaries(out: &Path) {
    let is_temp = |name: &str| name.starts_with('.') && name.contains(".tmp");
    let Ok(entries) = fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(kind) = e.file_type() else { continue };
        let name = e.file_name();
        if kind.is_dir() {
            // Links are not followed: nothing outside `out` is touched.
            sweep_temporaries(&e.path());
        } else if kind.is_file() && name.to_str().is_some_and(is_temp) {
            let _ = fs::remove_file(e.path());
        }
    }
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
