//! CSV output (SPEC §4): the header, then one line per row; LF line ends, quoting only where
//! needed, written with the `csv` crate as rows arrive.

use std::io::{self, Write};

use crate::reports::table::Table;

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
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .buffer_capacity(256 * 1024)
        .from_writer(out);
    w.write_record(table.columns)?;
    let mut n = 0;
    let mut text = String::new();
    for row in table.into_rows() {
        for (cell, &guarded) in row.cells.iter().zip(&guarded) {
            text.clear();
            cell.render_into(tz, &mut text);
            if guarded && formula_like(&text) {
                text.insert(0, '\'');
            }
            w.write_field(text.as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

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
}
