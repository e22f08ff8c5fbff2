//! CSV output (SPEC §4): the header, then one line per row; LF line ends, quoting only where
//! needed, written with the `csv` crate as rows arrive.

use std::io::{self, Write};

use crate::reports::table::Table;

/// Writes the table as CSV; returns the number of data rows.
pub fn write(table: Table<'_>, out: &mut dyn Write) -> io::Result<u64> {
    let tz = table.tz;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .buffer_capacity(256 * 1024)
        .from_writer(out);
    w.write_record(table.columns)?;
    let mut n = 0;
    let mut text = String::new();
    for row in table.into_rows() {
        for cell in &row.cells {
            text.clear();
            cell.render_into(tz, &mut text);
            w.write_field(text.as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The table as CSV bytes.
pub fn render(table: Table<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write(table, &mut out).expect("writing into memory does not fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::table::{Cell, Row};
    use crate::reports::ReportKind;
    use chrono_tz::Tz;

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
}
