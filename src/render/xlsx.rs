//! XLSX output (SPEC §6.3) with `rust_xlsxwriter`: the first sheet is the table — the CSV's
//! columns in order, typed cells (numbers for counts, seconds, money and percentages; Excel
//! date-times for timestamps; text for every identifier, so an 18-digit session id or an
//! extension `0100` keeps every digit), a bold frozen header with an autofilter, fitted widths,
//! TOTAL rows bold — and an `About` sheet with the period, zone, parameters, formulas and data
//! quality. Byte-identical for identical inputs: the document's dates are the fire time and the
//! zip entries carry the library's fixed timestamp.

use std::io::{self, Write};

use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::render::html::{human_period, Meta};
use crate::reports::notes::{formulas, shown};
use crate::reports::table::{Cell, Table};
use crate::time::{format_rfc3339, offset_secs, zoned, Ts};

/// The formats of a cell kind, plain and for a TOTAL row.
struct Styles {
    header: Format,
    plain: [Format; 2],
    int: [Format; 2],
    pct: [Format; 2],
    money: [Format; 2],
    time: [Format; 2],
    date: [Format; 2],
}

impl Styles {
    fn new() -> Styles {
        let pair = |f: Format| [f.clone(), f.set_bold()];
        Styles {
            header: Format::new().set_bold(),
            plain: pair(Format::new()),
            int: pair(Format::new().set_num_format("0")),
            pct: pair(Format::new().set_num_format("0.00")),
            money: pair(Format::new().set_num_format("0.0000")),
            time: pair(Format::new().set_num_format("yyyy-mm-dd hh:mm:ss")),
            date: pair(Format::new().set_num_format("yyyy-mm-dd")),
        }
    }
}

fn fail(e: XlsxError) -> io::Error {
    io::Error::other(format!("the workbook cannot be made: {e}"))
}

/// An instant as an Excel date-time: the wall time in the report's zone.
fn excel_time(ts: Ts, tz: Tz) -> Result<ExcelDateTime, XlsxError> {
    let z = zoned(ts, tz);
    ExcelDateTime::from_ymd(z.year() as u16, z.month() as u8, z.day() as u8)?.and_hms(
        z.hour() as u16,
        z.minute() as u8,
        z.second(),
    )
}

/// `+05:30`: the zone's offset at an instant, beside a local wall time.
fn offset_text(ts: Ts, tz: Tz) -> String {
    let off = offset_secs(ts, tz);
    let sign = if off < 0 { '-' } else { '+' };
    let m = (i64::from(off.unsigned_abs()) + 30) / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Writes the workbook; returns the number of table rows.
pub fn write(t: Table<'_>, m: &Meta<'_>, out: &mut dyn Write) -> io::Result<u64> {
    let (bytes, rows) = workbook(t, m).map_err(fail)?;
    out.write_all(&bytes)?;
    Ok(rows)
}

fn workbook(t: Table<'_>, m: &Meta<'_>) -> Result<(Vec<u8>, u64), XlsxError> {
    let (kind, tz, columns) = (t.kind, t.tz, t.columns);
    let rows: Vec<_> = t.into_rows().collect();
    // Timestamp columns get their UTC offset in a text column after the CSV's columns: the
    // date-time shows the local wall time, the offset tells the two passes of a fold apart.
    let timed: Vec<usize> = (0..columns.len())
        .filter(|&c| rows.iter().any(|r| matches!(r.cells[c], Cell::Time(_))))
        .collect();
    let styles = Styles::new();
    let mut book = Workbook::new();
    let created = excel_time(m.generated, Tz::UTC)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(kind.title())
            .set_creation_datetime(&created),
    );
    let sheet = book.add_worksheet();
    sheet.set_name(kind.name().chars().take(31).collect::<String>())?;
    for (c, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &styles.header)?;
    }
    for (k, &c) in timed.iter().enumerate() {
        let name = format!("{}_utc_offset", columns[c]);
        sheet.write_string_with_format(0, (columns.len() + k) as u16, name, &styles.header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        let b = usize::from(row.total);
        for (c, cell) in row.cells.iter().enumerate() {
            write_cell(sheet, r, c as u16, cell, tz, &styles, b)?;
        }
        for (k, &c) in timed.iter().enumerate() {
            if let Cell::Time(ts) = row.cells[c] {
                let col = (columns.len() + k) as u16;
                sheet.write_string_with_format(r, col, offset_text(ts, tz), &styles.plain[b])?;
            }
        }
    }
    let last_col = (columns.len() + timed.len()).saturating_sub(1) as u16;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, last_col)?;
    sheet.autofit();
    about(book.add_worksheet(), m, kind, &styles)?;
    Ok((book.save_to_buffer()?, rows.len() as u64))
}

fn write_cell(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell<'_>,
    tz: Tz,
    s: &Styles,
    b: usize,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Int(v) | Cell::Secs(v) => {
            sheet.write_number_with_format(r, c, *v as f64, &s.int[b])?;
        }
        Cell::Pct(h) => {
            sheet.write_number_with_format(r, c, *h as f64 / 100.0, &s.pct[b])?;
        }
        Cell::Money(m) => {
            let v: f64 = m.format4().parse().unwrap_or(0.0);
            sheet.write_number_with_format(r, c, v, &s.money[b])?;
        }
        Cell::Time(ts) => {
            sheet.write_datetime_with_format(r, c, excel_time(*ts, tz)?, &s.time[b])?;
        }
        Cell::Date(ts) => {
            let d = zoned(*ts, tz);
            let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime_with_format(r, c, date, &s.date[b])?;
        }
        // Text is a string cell, never a formula, whatever it starts with.
        Cell::Text(t) => {
            sheet.write_string_with_format(r, c, t.as_ref(), &s.plain[b])?;
        }
        Cell::Shared(t) => {
            sheet.write_string_with_format(r, c, t.as_ref(), &s.plain[b])?;
        }
    }
    Ok(())
}

/// The `About` sheet: what the table is, for whom, over when, by which rules.
fn about(
    sheet: &mut Worksheet,
    m: &Meta<'_>,
    kind: crate::reports::ReportKind,
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name("About")?;
    let mut lines: Vec<(String, String)> = vec![
        (
            "Report".into(),
            format!("{} ({})", kind.title(), kind.name()),
        ),
        ("Period".into(), human_period(m.from, m.to, m.tz)),
        ("From".into(), format_rfc3339(m.from, m.tz)),
        ("To (exclusive)".into(), format_rfc3339(m.to, m.tz)),
        ("Zone".into(), m.tz.name().to_string()),
        (
            "Times".into(),
            "date-times are wall times in the zone; each time column's UTC offset is in the \
             column named <column>_utc_offset at the end of the table"
                .into(),
        ),
    ];
    if let Some(name) = m.schedule_name.filter(|n| !n.is_empty()) {
        lines.push(("Schedule".into(), name.to_string()));
    }
    lines.push(("Generated for".into(), format_rfc3339(m.generated, m.tz)));
    for (k, v) in shown(kind, m.params) {
        lines.push((format!("Parameter: {k}"), v));
    }
    for f in formulas(kind, m.params) {
        lines.push(("Formula".into(), f));
    }
    for (table, stats) in &m.quality.tables {
        lines.push((format!("Rows read: {table}"), stats.rows.to_string()));
    }
    for (reason, n) in &m.quality.skipped {
        lines.push(("Skipped rows".into(), format!("{reason} ({n})")));
    }
    for (kind, n) in &m.quality.warnings {
        lines.push(("Warning".into(), format!("{kind} ({n})")));
    }
    for (i, (k, v)) in lines.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, k, &s.header)?;
        sheet.write_string(i as u32, 1, v)?;
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 110)?;
    Ok(())
}
