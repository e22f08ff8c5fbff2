//! CSV output (SPEC §4): the header, then one line per row; LF line ends, quoting only where
//! needed (csv-core, the csv crate's writer, decides and quotes), written as rows arrive.

use std::io::{self, Write};

use crate::reports::table::{Cell, Table};

/// The free-text columns of SPEC §4's CSV formula guard: text a caller, an agent admin or a PBX
/// user chose. Identifiers, numbers, phone numbers, enumerations and timestamps are not here.
pub const GUARDED_COLUMNS: [&str; 11] = [
    "display_name",
    "agent_name",
    "caller_display_name",
    "callee_display_name",
    "team",
    "service_name",
    "call_type",
    "user_data",
    "reason_label",
    "queue_name",
    "ring_group_name",
];

/// Would a spreadsheet read this text as a formula (OWASP "CSV injection")?
fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Writes the table as CSV; returns the number of data rows. With `guard`, a cell of a
/// `GUARDED_COLUMNS` column that starts like a formula is written with a leading `'`.
pub fn write(table: Table<'_>, guard: bool, out: &mut dyn Write) -> io::Result<u64> {
    let tz = table.tz;
    let guarded: Vec<bool> = table
        .columns
        .iter()
        .map(|c| guard && GUARDED_COLUMNS.contains(c))
        .collect();
    let mut lines = Lines::new(out);
    for name in table.columns {
        lines.cell(name.as_bytes(), true);
    }
    lines.end()?;
    let mut n = 0;
    let mut text = String::new();
    for row in table.into_rows() {
        for (cell, &guarded) in row.cells.iter().zip(&guarded) {
            let free = match cell {
                Cell::Text(s) => Some(&**s),
                Cell::Shared(s) => Some(&**s),
                _ => None,
            };
            match free {
                // Text as it is, without a copy, unless it must be guarded.
                Some(s) if !(guarded && formula_like(s)) => lines.cell(s.as_bytes(), true),
                _ => {
                    text.clear();
                    cell.render_into(tz, &mut text);
                    if guarded && formula_like(&text) {
                        text.insert(0, '\'');
                    }
                    // Numbers and times never hold a comma, quote or line break.
                    lines.cell(text.as_bytes(), free.is_some());
                }
            }
        }
        lines.end()?;
        n += 1;
    }
    lines.flush()?;
    Ok(n)
}

/// CSV lines: csv-core (the csv crate's writer) decides which text cells need quotes and
/// quotes them, as `csv::Writer` with `QuoteStyle::Necessary` would; cells that cannot need
/// them are copied without its byte-by-byte check.
struct Lines<'w> {
    core: csv_core::Writer,
    buf: Vec<u8>,
    /// Cells in the current line, and whether any wrote a byte.
    cells: usize,
    bytes: bool,
    out: &'w mut dyn Write,
}

impl<'w> Lines<'w> {
    fn new(out: &'w mut dyn Write) -> Lines<'w> {
        let core = csv_core::WriterBuilder::new()
            .quote_style(csv_core::QuoteStyle::Necessary)
            .build();
        Lines {
            core,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            cells: 0,
            bytes: false,
            out,
        }
    }

    /// Appends a cell; `free` text is checked for what needs quotes.
    fn cell(&mut self, value: &[u8], free: bool) {
        if self.cells > 0 {
            self.buf.push(b',');
        }
        self.cells += 1;
        self.bytes |= !value.is_empty();
        if !(free && self.core.should_quote(value)) {
            self.buf.extend_from_slice(value);
            return;
        }
        self.buf.push(b'"');
        // Room for every byte doubled: csv-core's quoting then never runs out of output.
        let at = self.buf.len();
        self.buf.resize(at + 2 * value.len(), 0);
        let (_, _, written) = csv_core::quote(value, &mut self.buf[at..], b'"', b'\\', true);
        self.buf.truncate(at + written);
        self.buf.push(b'"');
    }

    /// Ends the line (a line of one empty cell is written `""`, as the csv crate does, so it
    /// is not an empty line), writing out what has gathered.
    fn end(&mut self) -> io::Result<()> {
        if self.cells == 1 && !self.bytes {
            self.buf.extend_from_slice(b"\"\"");
        }
        self.buf.push(b'\n');
        (self.cells, self.bytes) = (0, false);
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes out the rest.
    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

/// Bytes gathered before they are written out.
const FLUSH_AT: usize = 256 * 1024;

/// The table as CSV bytes, guarded.
pub fn render(table: Table<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write(table, true, &mut out).expect("writing into memory does not fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::table::{Cell, Row};
    use crate::reports::ReportKind;
    use chrono_tz::Tz;

    #[test]
    fn formula_leading_free_text_is_guarded_and_nothing_else() {
        let mut t = Table::new(ReportKind::CallLogs, Tz::UTC);
        t.columns = &["caller", "caller_display_name", "user_data", "status_code"];
        for (caller, name, data) in [
            ("+12125551234", "=HYPERLINK(\"x\")", "@SUM(A1)"),
            ("-5", "=cmd|' /C calc'!A0", "\tx"),
            ("1", "Ann", "-"),
        ] {
            t.rows.push(Row::data(vec![
                Cell::text(caller),
                Cell::text(name),
                Cell::text(data),
                Cell::Int(-1),
            ]));
        }
        let mut guarded = Vec::new();
        write(t, true, &mut guarded).unwrap();
        assert_eq!(
            String::from_utf8(guarded).unwrap(),
            "caller,caller_display_name,user_data,status_code\n\
             +12125551234,\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1),-1\n\
             -5,'=cmd|' /C calc'!A0,'\tx,-1\n\
             1,Ann,'-,-1\n"
        );
    }

    #[test]
    fn quotes_only_where_needed() {
        let mut t = Table::new(ReportKind::CallLogs, Tz::UTC);
        t.columns = &["a", "b"];
        t.rows
            .push(Row::data(vec![Cell::text("x,y"), Cell::text("say \"hi\"")]));
        t.stream = Some(Box::new(std::iter::once(Row::data(vec![
            Cell::Int(1),
            Cell::Empty,
        ]))));
        assert_eq!(
            String::from_utf8(render(t)).unwrap(),
            "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n1,\n"
        );
    }

    /// The same bytes as the csv crate's writer (`QuoteStyle::Necessary`, LF) for every kind
    /// of text, in lines of one cell and of two.
    #[test]
    fn lines_are_the_csv_crates() {
        let values = [
            "", "a", "a,b", "a\"b", "\"", "a\nb", "a\rb", " x ", "#", "\t", "é,ü",
        ];
        for width in [1usize, 2] {
            let mut t = Table::new(ReportKind::CallLogs, Tz::UTC);
            t.columns = if width == 1 { &["a"] } else { &["a", "b"] };
            let mut theirs = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .quote_style(csv::QuoteStyle::Necessary)
                .from_writer(Vec::new());
            theirs.write_record(t.columns).unwrap();
            for v in values {
                let cells: Vec<Cell> = (0..width).map(|_| Cell::text(v)).collect();
                theirs
                    .write_record(cells.iter().map(|c| c.render(Tz::UTC).into_owned()))
                    .unwrap();
                t.rows.push(Row::data(cells));
            }
            let mut ours = Vec::new();
            write(t, false, &mut ours).unwrap();
            let theirs = theirs.into_inner().unwrap();
            assert_eq!(
                String::from_utf8(ours),
                String::from_utf8(theirs),
                "width {width}"
            );
        }
    }
}
