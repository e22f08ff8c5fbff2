//! Cutting a large plain CSV file into parts that threads parse at once. Each part starts at a
//! line start; its reader stops at the record that starts where a later part starts, so the
//! parts' rows, in order, are exactly the file's rows. A part counts its lines from its own
//! start, and its line feeds: the merge, which takes the parts in order, adds the line feeds
//! of the parts before it (`Stitch::kept`), so the file is never read an extra time to number
//! its lines. A cut inside a
//! quoted cell that holds a line break is caught while reading: the part before it never meets a
//! record starting at the cut, reads on to the next cut it does meet (or the end), and the parts
//! it covered are dropped when merging (`Stitch`).

use std::io::Read;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::input::source::{lines_in, FileFormat, SourceFile};

/// Bytes per part: large enough that a part's fixed costs (its pools, its header read) do not
/// show, small enough that a window of parts keeps both the parsing threads and the merge busy.
pub const PART_BYTES: u64 = 8 << 20;

/// One part of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The byte offset of the part's first record (0 for the first part, which reads the header).
    pub start: u64,
    /// Where the file's parts start after the first, ascending: the reader stops at the first
    /// record that starts at one of them beyond its own start.
    pub cuts: Arc<[u64]>,
    /// About how many rows the part holds, from the lines in the file's head (sizes its row
    /// vector; 0 when the head tells nothing).
    pub rows: usize,
}

impl Part {
    /// Where a reader that started at this part stops when its record starting at byte `at`
    /// begins a later part: `Some(at)` then.
    pub fn stop_at(&self, at: u64) -> Option<u64> {
        (at > self.start && self.cuts.binary_search(&at).is_ok()).then_some(at)
    }
}

/// The parts of `file`, cut about every `part_bytes` bytes at a line start; empty when the file
/// is read whole (under two parts' worth, compressed, or not CSV).
pub fn split(file: &SourceFile, part_bytes: u64) -> Result<Vec<Part>> {
    if file.format != FileFormat::Csv || file.gzip {
        return Ok(Vec::new());
    }
    let len = std::fs::metadata(&file.path)
        .map_err(|source| read_error(file, source))?
        .len();
    let n = len / part_bytes.max(1);
    if n < 2 {
        return Ok(Vec::new());
    }
    let mut cuts: Vec<u64> = Vec::new();
    for i in 1..n {
        let from = (len * i / n).max(cuts.last().copied().unwrap_or(0));
        match line_after(file, from)? {
            Some(cut) if cut < len && cuts.last() != Some(&cut) => cuts.push(cut),
            _ => {}
        }
    }
    if cuts.is_empty() {
        return Ok(Vec::new());
    }
    let rate = file.line_rate();
    let starts: Vec<u64> = std::iter::once(0).chain(cuts.iter().copied()).collect();
    let ends: Vec<u64> = cuts.iter().copied().chain(std::iter::once(len)).collect();
    let cuts: Arc<[u64]> = cuts.into();
    Ok(starts
        .iter()
        .zip(&ends)
        .map(|(&start, &end)| Part {
            start,
            cuts: cuts.clone(),
            rows: rate.map_or(0, |r| lines_in(end - start, r)),
        })
        .collect())
}

fn read_error(file: &SourceFile, source: std::io::Error) -> Error {
    Error::Read {
        path: file.path.clone(),
        loc: None,
        source,
    }
}

/// The offset just after the first line feed at or after `from`; `None` when there is none.
fn line_after(file: &SourceFile, from: u64) -> Result<Option<u64>> {
    let mut f = file.open_at(from)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = from;
    loop {
        let n = f.read(&mut buf).map_err(|e| read_error(file, e))?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(Some(at + i as u64 + 1));
        }
        at += n as u64;
    }
}

/// Which parts' rows to keep while merging a table's pieces in order: after a part whose reader
/// stopped at byte `b` of its file (or read to its end), the parts of that file starting before
/// `b` were read by it already and are dropped.
#[derive(Debug, Default)]
pub struct Stitch {
    /// The file and the byte its last kept part read up to (`u64::MAX`: the end).
    covered: Option<(u32, u64)>,
    /// The line feeds before the end of the last kept part of that file.
    lines: u64,
}

impl Stitch {
    /// Whether the piece of file `file` starting at `part`'s start is kept (it is unless an
    /// earlier part of the file read past its start).
    pub fn keeps(&self, file: u32, part: Option<&Part>) -> bool {
        match (self.covered, part) {
            (Some((f, upto)), Some(p)) => f != file || p.start >= upto,
            _ => true,
        }
    }

    /// The line feeds in file `file` before the start of its piece `part`, which is kept
    /// next: a part's reader numbers its lines from its start, and this is what they are off.
    pub fn lines_before(&self, file: u32, part: Option<&Part>) -> u64 {
        match (self.covered, part) {
            (Some((f, _)), Some(p)) if f == file && p.start > 0 => self.lines,
            _ => 0,
        }
    }

    /// Records a kept piece's stop (`Some(b)`: at the part starting at byte `b`) and the line
    /// feeds its reader went past.
    pub fn kept(&mut self, file: u32, part: Option<&Part>, stop: Option<u64>, line_feeds: u64) {
        self.lines = self.lines_before(file, part) + line_feeds;
        self.covered = part.map(|_| (file, stop.unwrap_or(u64::MAX)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_file(dir: &tempfile::TempDir, text: &str) -> SourceFile {
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        SourceFile {
            path,
            format: FileFormat::Csv,
            gzip: false,
        }
    }

    #[test]
    fn cuts_at_line_starts() {
        let dir = tempfile::tempdir().unwrap();
        // The header (line 1), then 20 lines of 9 bytes: 184 bytes.
        let mut text = String::from("a,b\n");
        for i in 0..20 {
            text.push_str(&format!("{i:04},xyz\n"));
        }
        let f = csv_file(&dir, &text);
        let parts = split(&f, 50).unwrap();
        // 184 bytes in parts of about 50: three parts, each sized for its ~6 lines.
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].start, 0);
        for p in &parts[1..] {
            assert_eq!(&text.as_bytes()[p.start as usize - 1], &b'\n');
        }
        assert!(
            parts.iter().all(|p| (21..=24).contains(&p.rows)),
            "{parts:?}"
        );
        // A part stops at any later cut, never at its own start or elsewhere.
        assert_eq!(parts[1].stop_at(parts[1].start), None);
        assert_eq!(parts[1].stop_at(parts[2].start), Some(parts[2].start));
        assert_eq!(parts[0].stop_at(parts[2].start), Some(parts[2].start));
        assert_eq!(parts[1].stop_at(parts[2].start + 1), None);
    }

    #[test]
    fn small_compressed_and_json_files_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = csv_file(&dir, "a\n1\n2\n3\n4\n5\n");
        assert!(split(&f, 4).unwrap().len() >= 2);
        assert!(split(&f, 1 << 20).unwrap().is_empty());
        f.gzip = true;
        assert!(split(&f, 4).unwrap().is_empty());
        f.gzip = false;
        f.format = FileFormat::Ndjson;
        assert!(split(&f, 4).unwrap().is_empty());
    }

    #[test]
    fn stitching_drops_the_parts_an_earlier_one_read_and_numbers_lines_on() {
        let part = |start| Part {
            start,
            cuts: Arc::from([10u64, 20, 30]),
            rows: 1,
        };
        let mut s = Stitch::default();
        assert!(s.keeps(0, Some(&part(0))));
        assert_eq!(s.lines_before(0, Some(&part(0))), 0);
        // Part 0 (header and 4 lines) ran past the cut at 10 (a quoted line break) and
        // stopped at 20.
        s.kept(0, Some(&part(0)), Some(20), 5);
        assert!(!s.keeps(0, Some(&part(10))));
        assert!(s.keeps(0, Some(&part(20))));
        // Its lines are the file's first 5: the part at 20 starts on line 6.
        assert_eq!(s.lines_before(0, Some(&part(20))), 5);
        // Another file is never covered, and numbers its own lines.
        assert!(s.keeps(1, Some(&part(10))));
        assert_eq!(s.lines_before(1, Some(&part(0))), 0);
        s.kept(0, Some(&part(20)), None, 3);
        assert!(!s.keeps(0, Some(&part(30))));
        assert_eq!(s.lines_before(0, Some(&part(30))), 8);
        s.kept(1, None, None, 7);
        assert!(s.keeps(0, Some(&part(30))));
        assert_eq!(s.lines_before(1, None), 0);
    }
}
