//! Finding a table's files in the dataset directory and opening them (gzip or plain).

use std::fs::{self, File};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::error::{Error, Result};
use crate::model::quality::Quality;

/// The formats a table file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// RFC 4180 CSV with a header line.
    Csv,
    /// A JSON array of objects, or `{"count": N, "items": [...]}`.
    Json,
    /// One JSON object per line (`.ndjson`, `.jsonl`).
    Ndjson,
}

/// One file of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user will see it in messages (the dataset path joined with the name).
    pub path: PathBuf,
    /// Its format.
    pub format: FileFormat,
    /// Whether it is gzip-compressed.
    pub gzip: bool,
}

impl SourceFile {
    /// Opens the file for reading, decompressing on the fly.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        self.open_at(0)
    }

    /// Opens the file at byte `start` of its stored bytes (a part of a plain file).
    pub fn open_at(&self, start: u64) -> Result<Box<dyn Read + Send>> {
        let failed = |source| Error::Read {
            path: self.path.clone(),
            loc: None,
            source,
        };
        let mut f = File::open(&self.path).map_err(failed)?;
        if start > 0 {
            f.seek(SeekFrom::Start(start)).map_err(failed)?;
        }
        // Unbuffered: every reader reads in large blocks of its own (CSV records, JSON, the
        // search for a part's first line) or buffers the stream itself (NDJSON).
        Ok(if self.gzip {
            Box::new(MultiGzDecoder::new(BufReader::with_capacity(256 * 1024, f)))
        } else {
            Box::new(f)
        })
    }
}

impl SourceFile {
    /// About how many lines the file has, from its size and the lines of its first 64 KiB;
    /// `None` for compressed files. Used to size row vectors once instead of doubling them.
    pub fn estimated_lines(&self) -> Option<usize> {
        let len = fs::metadata(&self.path).ok()?.len();
        Some(lines_in(len, self.line_rate()?))
    }

    /// The line feeds per byte in the file's first 64 KiB; `None` for a compressed file, or
    /// a head of fewer than two lines.
    pub fn line_rate(&self) -> Option<f64> {
        if self.gzip {
            return None;
        }
        let mut head = vec![0u8; 64 * 1024];
        let n = File::open(&self.path)
            .and_then(|mut f| f.read(&mut head))
            .ok()?;
        let lines = memchr::memchr_iter(b'\n', &head[..n]).count();
        (lines >= 2).then(|| lines as f64 / n as f64)
    }
}

/// About how many lines `bytes` bytes hold at `rate` line feeds a byte (a little over, so that
/// a vector sized by it rarely grows).
pub fn lines_in(bytes: u64, rate: f64) -> usize {
    (bytes as f64 * rate * 1.02) as usize + 16
}

/// Reads a file name's format from its extension (`cdr.csv.gz` → CSV, gzip).
pub fn classify(name: &str) -> Option<(FileFormat, bool)> {
    let (stem, gzip) = match name.strip_suffix(".gz") {
        Some(s) => (s, true),
        None => (name, false),
    };
    let ext = stem.rsplit_once('.')?.1;
    let format = match ext.to_ascii_lowercase().as_str() {
        "csv" => FileFormat::Csv,
        "json" => FileFormat::Json,
        "ndjson" | "jsonl" => FileFormat::Ndjson,
        _ => return None,
    };
    Some((format, gzip))
}

/// The files of `table` in `dir`: `None` when the table is absent. A table given as a directory
/// yields its files in byte order of their names; other files there are ignored with a warning.
pub fn table_files(
    dir: &Path,
    table: &str,
    quality: &mut Quality,
) -> Result<Option<Vec<SourceFile>>> {
    let entries =
        fs::read_dir(dir).map_err(|source| Error::dir(dir, "dataset directory", source))?;
    let mut as_files = Vec::new();
    let mut as_dir = None;
    for entry in entries {
        let entry = entry.map_err(|source| Error::dir(dir, "dataset directory", source))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == table {
            if entry.path().is_dir() {
                as_dir = Some(entry.path());
            }
            continue;
        }
        if let Some(rest) = name.strip_prefix(table) {
            if let Some(ext) = rest.strip_prefix('.') {
                // `cdr.csv` belongs to `cdr`; `cdr_archive.csv` does not.
                if let Some((format, gzip)) = classify(&format!("x.{ext}")) {
                    as_files.push(SourceFile {
                        path: dir.join(name),
                        format,
                        gzip,
                    });
                }
            }
        }
    }
    as_files.sort_by(|a, b| a.path.cmp(&b.path));
    match (as_files.len(), as_dir) {
        (0, None) => Ok(None),
        (1, None) => {
            regular_size(&as_files[0].path)?;
            Ok(Some(as_files))
        }
        (_, None) => Err(Error::Layout(format!(
            "the table \"{table}\" is given by several files in {}: {}; keep one",
            dir.display(),
            as_files
                .iter()
                .map(|f| f.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        (0, Some(sub)) => directory_files(&sub, quality).map(Some),
        (_, Some(sub)) => Err(Error::Layout(format!(
            "the table \"{table}\" is given both as a file ({}) and as a directory ({}); keep one",
            as_files[0].path.display(),
            sub.display()
        ))),
    }
}

fn directory_files(sub: &Path, quality: &mut Quality) -> Result<Vec<SourceFile>> {
    let entries = fs::read_dir(sub).map_err(|source| Error::dir(sub, "table directory", source))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::dir(sub, "table directory", source))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            quality.warn(format!("subdirectory {} not read", path.display()));
            continue;
        }
        match classify(&name) {
            Some((format, gzip)) => {
                files.push((entry.file_name(), SourceFile { path, format, gzip }))
            }
            None => quality.warn(format!(
                "file {} ignored (not .csv, .json, .ndjson or .jsonl, optionally .gz)",
                path.display()
            )),
        }
    }
    // Byte order of the names, whatever the platform's directory order.
    files.sort_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
    let files: Vec<SourceFile> = files.into_iter().map(|(_, f)| f).collect();
    without_copies(files, quality)
}

/// The size of a table file, which must be a regular file (or a link to one) holding bytes:
/// a FIFO or a device would hang or never end, and an empty file has not even a header.
fn regular_size(path: &Path) -> Result<u64> {
    let meta = fs::metadata(path).map_err(|source| Error::read(path, source))?;
    let refuse = |message: &str| Error::Data {
        path: path.to_path_buf(),
        loc: None,
        message: message.to_string(),
    };
    if !meta.is_file() {
        return Err(refuse(
            "is not a regular file (a FIFO, device or socket?); only regular files are read",
        ));
    }
    if meta.len() == 0 {
        return Err(refuse(
            "the file is empty (0 bytes; a table file starts with its header)",
        ));
    }
    Ok(meta.len())
}

/// Drops a file whose bytes equal an earlier file's (a re-sent export, SPEC §2.4), with a
/// warning naming both. Only files of equal size are hashed.
fn without_copies(files: Vec<SourceFile>, quality: &mut Quality) -> Result<Vec<SourceFile>> {
    let sizes = files
        .iter()
        .map(|f| regular_size(&f.path))
        .collect::<Result<Vec<u64>>>()?;
    let mut digests: Vec<Option<String>> = vec![None; files.len()];
    let mut keep = vec![true; files.len()];
    for i in 0..files.len() {
        for j in 0..i {
            if !keep[j] || sizes[i] != sizes[j] {
                continue;
            }
            for k in [i, j] {
                if digests[k].is_none() {
                    digests[k] = Some(file_sha256(&files[k].path)?);
                }
            }
            if digests[i] == digests[j] {
                keep[i] = false;
                quality.warn(format!(
                    "duplicate file, not read: {} has the bytes of {}",
                    files[i].path.display(),
                    files[j].path.display()
                ));
                break;
            }
        }
    }
    Ok(files
        .into_iter()
        .zip(keep)
        .filter_map(|(f, k)| k.then_some(f))
        .collect())
}

/// The SHA-256 of a file's stored bytes, in hex.
fn file_sha256(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut f = File::open(path).map_err(|source| Error::read(path, source))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|source| Error::read(path, source))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(crate::output::hex(&h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(classify("cdr.csv"), Some((FileFormat::Csv, false)));
        assert_eq!(classify("2025-09-28.csv.gz"), Some((FileFormat::Csv, true)));
        assert_eq!(classify("a.JSONL"), Some((FileFormat::Ndjson, false)));
        assert_eq!(classify("a.json.gz"), Some((FileFormat::Json, true)));
        assert_eq!(classify("readme.txt"), None);
        assert_eq!(classify("csv"), None);
    }
}
