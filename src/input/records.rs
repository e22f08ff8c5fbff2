//! CSV records read fast: a line without quotes or carriage returns inside it (nearly every
//! line of an export) is split at its commas with `memchr`; any other record is read from the
//! same bytes by `csv_core`, the csv crate's own parser, so both read RFC 4180 as the csv crate
//! does (empty lines skipped; `\r`, `\n` and `\r\n` end a record). Each record carries where it
//! starts: its byte offset and its line (one more than the line feeds before it).

use std::io::{self, Read};

use csv_core::ReadRecordResult;

/// One record: its cells' bytes and where each ends.
#[derive(Debug)]
pub struct Record<'a> {
    /// The cells' bytes: separated by one delimiter byte (`sep` 1, a line as written) or back
    /// to back (`sep` 0, as unquoted by `csv_core`).
    pub bytes: &'a [u8],
    /// Where each cell ends in `bytes`.
    pub ends: &'a [usize],
    /// The bytes between two cells.
    pub sep: usize,
    /// The byte offset of the record's first byte in the file.
    pub byte: u64,
    /// The line the record starts on.
    pub line: u64,
}

impl<'a> Record<'a> {
    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for a record of no cells (never read: a record has at least one).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i`'s byte range in `bytes`.
    #[inline(always)]
    pub fn span(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.sep
        };
        (start, self.ends[i])
    }

    /// Cell `i`'s bytes.
    pub fn cell(&self, i: usize) -> &'a [u8] {
        let (a, b) = self.span(i);
        &self.bytes[a..b]
    }

    /// The cells in order.
    pub fn cells(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(|i| self.cell(i))
    }
}

/// Reads the records of a CSV byte stream, one at a time into buffers it reuses.
pub struct Records {
    src: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// The unread bytes are `buf[pos..len]`.
    pos: usize,
    len: usize,
    eof: bool,
    /// The file offset of `buf[0]`.
    offset: u64,
    /// The line of `buf[pos]`.
    line: u64,
    /// The current record's cell ends.
    ends: Vec<usize>,
    /// A quoted record's unquoted cells, and the parser that reads it.
    out: Vec<u8>,
    core: csv_core::Reader,
}

const BUFFER: usize = 256 * 1024;

impl Records {
    /// Records of `src`, whose first byte is at `offset` in its file, on line `line`.
    pub fn new(src: Box<dyn Read + Send>, offset: u64, line: u64) -> Records {
        Records {
            src,
            buf: vec![0; BUFFER],
            pos: 0,
            len: 0,
            eof: false,
            offset,
            line,
            ends: Vec::new(),
            out: vec![0; 1024],
            core: csv_core::Reader::new(),
        }
    }

    /// Skips a UTF-8 byte-order mark at the start of the stream, as the csv crate does (a
    /// quoted first header cell is then read as quoted).
    pub fn skip_bom(&mut self) -> io::Result<()> {
        while self.len - self.pos < 3 && !self.eof {
            self.refill()?;
        }
        if self.buf[self.pos..self.len].starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
        }
        Ok(())
    }

    /// The line the next record starts on (or where reading stopped).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Moves the unread bytes to the front and reads more after them (growing the buffer
    /// when a record fills it); sets `eof` at the end of the stream.
    fn refill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.offset += self.pos as u64;
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.len == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next record; `None` at the end.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            if self.pos == self.len {
                if self.eof {
                    return Ok(None);
                }
                self.refill()?;
                continue;
            }
            // Empty lines are skipped (a `\r\n` ends one line).
            match self.buf[self.pos] {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    continue;
                }
                b'\r' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let rest = &self.buf[self.pos..self.len];
            let end = match memchr::memchr(b'\n', rest) {
                Some(i) => self.pos + i,
                None if !self.eof => {
                    self.refill()?;
                    continue;
                }
                None => self.len,
            };
            let content = match &self.buf[self.pos..end] {
                [line @ .., b'\r'] => line,
                line => line,
            };
            if memchr::memchr2(b'"', b'\r', content).is_some() {
                return self.quoted();
            }
            self.ends.clear();
            commas(content, &mut self.ends);
            self.ends.push(content.len());
            let (byte, line) = (self.offset + self.pos as u64, self.line);
            let start = self.pos;
            let count = content.len();
            self.pos = (end + 1).min(self.len);
            self.line += u64::from(end < self.len);
            return Ok(Some(Record {
                bytes: &self.buf[start..start + count],
                ends: &self.ends,
                sep: 1,
                byte,
                line,
            }));
        }
    }

    /// Reads a record with quotes (or a lone `\r`) at `pos` with `csv_core`.
    fn quoted(&mut self) -> io::Result<Option<Record<'_>>> {
        let (byte, line) = (self.offset + self.pos as u64, self.line);
        self.core.reset();
        if self.ends.len() < 64 {
            self.ends.resize(64, 0);
        }
        let (mut outlen, mut endlen) = (0, 0);
        loop {
            let input = &self.buf[self.pos..self.len];
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            self.line += memchr::memchr_iter(b'\n', &input[..nin]).count() as u64;
            self.pos += nin;
            outlen += nout;
            endlen += nend;
            match res {
                ReadRecordResult::InputEmpty if !self.eof => self.refill()?,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    return Ok(Some(Record {
                        bytes: &self.out[..outlen],
                        ends: &self.ends[..endlen],
                        sep: 0,
                        byte,
                        line,
                    }));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }
}

/// Appends the offset of every comma in `line` to `ends`, eight bytes at a time: a line's
/// commas are dense (one every six bytes in an export), where a search per comma costs more
/// than looking at every byte.
fn commas(line: &[u8], ends: &mut Vec<usize>) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const COMMAS: u64 = 0x2c2c_2c2c_2c2c_2c2c;
    let mut words = line.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        // Zero where the byte is a comma; then the top bit of each zero byte, exactly (no
        // carry crosses a byte: each sum stays under 0x100).
        let x = u64::from_le_bytes(bytes) ^ COMMAS;
        let mut found = !(((x & LOW7) + LOW7) | x | LOW7);
        while found != 0 {
            ends.push(base + found.trailing_zeros() as usize / 8);
            found &= found - 1;
        }
        base += 8;
    }
    let rest = words.remainder();
    ends.extend(
        (0..rest.len())
            .filter(|&i| rest[i] == b',')
            .map(|i| base + i),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as (line, byte, cells) — and the csv crate's cells for the same text.
    fn read(text: &str) -> Vec<(u64, u64, Vec<String>)> {
        let mut r = Records::new(Box::new(io::Cursor::new(text.as_bytes().to_vec())), 0, 1);
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            let cells: Vec<String> = rec
                .cells()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            got.push((rec.line, rec.byte, cells));
        }
        let mut theirs = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let cells: Vec<Vec<String>> = theirs
            .byte_records()
            .map(|r| {
                let r = r.unwrap();
                r.iter()
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect()
            })
            .collect();
        let mine: Vec<Vec<String>> = got.iter().map(|g| g.2.clone()).collect();
        assert_eq!(mine, cells, "the csv crate reads {text:?} alike");
        got
    }

    #[test]
    fn plain_and_quoted_records_read_as_the_csv_crate_reads_them() {
        let got = read("a,b,c\n1,,3\n\n\"x\ny\",\"q\"\"q\",z\r\nlast,\"\",\n");
        assert_eq!(got[0], (1, 0, vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(got[1], (2, 6, vec!["1".into(), "".into(), "3".into()]));
        // Line 3 is empty; the quoted record spans lines 4–5.
        assert_eq!(
            got[2],
            (4, 12, vec!["x\ny".into(), "q\"q".into(), "z".into()])
        );
        assert_eq!(got[3], (6, 28, vec!["last".into(), "".into(), "".into()]));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn every_line_end_and_a_missing_last_one() {
        let got = read("a,b\r\nc,d\re,f\n\r\ng,h");
        let lines: Vec<(u64, u64)> = got.iter().map(|g| (g.0, g.1)).collect();
        // A lone `\r` ends a record but not a line.
        assert_eq!(lines, vec![(1, 0), (2, 5), (2, 9), (4, 15)]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = "\u{feff}\"a\",b\n1,2\n";
        let mut r = Records::new(Box::new(io::Cursor::new(text.as_bytes().to_vec())), 0, 1);
        r.skip_bom().unwrap();
        let header = r.next_record().unwrap().unwrap();
        assert_eq!(header.cells().collect::<Vec<_>>(), [b"a", b"b"]);
        assert_eq!((header.line, header.byte), (1, 3));
    }

    #[test]
    fn commas_are_found_at_every_offset() {
        for line in [
            "",
            ",",
            "a,b",
            ",,,,,,,,,",
            "abcdefgh,ijklmnop,",
            "é,ü,\u{2c00},x",
        ] {
            let mut ends = Vec::new();
            commas(line.as_bytes(), &mut ends);
            let expected: Vec<usize> = line.match_indices(',').map(|(i, _)| i).collect();
            assert_eq!(ends, expected, "{line:?}");
        }
    }

    #[test]
    fn records_longer_than_the_buffer_are_read_whole() {
        let long = "x".repeat(BUFFER * 2 + 17);
        let text = format!("{long},1\n\"{long}\n\",2\n");
        let got = read(&text);
        assert_eq!(got[0].2[0].len(), long.len());
        assert_eq!(got[1].2[0].len(), long.len() + 1);
        assert_eq!((got[1].0, got[1].1), (2, long.len() as u64 + 3));
    }
}
