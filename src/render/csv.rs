//! CSV output (SPEC §4): the header, then one line per row; LF line ends, quoting only where
//! needed, written with the `csv` crate.

use crate::reports::table::Table;

/// The table as CSV bytes.
pub fn render(table: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::with_capacity(64 * (table.rows.len() + 1)));
    // Writing into a Vec cannot fail.
    w.write_record(&table.columns).expect("in-memory write");
    for row in &table.rows {
        w.write_record(row.cells.iter().map(|c| c.render(table.tz).into_owned()))
            .expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::table::{Cell, Row};
    use crate::reports::ReportKind;
    use chrono_tz::Tz;

    #[test]
    fn quotes_only_where_needed() {
        let mut t = Table::new(ReportKind::CallLogs, &["a", "b"], Tz::UTC);
        t.rows
            .push(Row::data(vec![Cell::text("x,y"), Cell::text("say \"hi\"")]));
        t.rows.push(Row::data(vec![Cell::Int(1), Cell::Empty]));
        assert_eq!(
            String::from_utf8(render(&t)).unwrap(),
            "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n1,\n"
        );
    }
}
