//! Rendering is pure: a `Table` in, bytes out. The `output` module does the writing.

pub mod chart;
pub mod csv;
pub mod html;
pub mod xlsx;

use crate::reports::table::Table;
pub use html::Meta;

/// Whole seconds as `h:mm:ss` (HTML cells and chart ticks).
pub fn duration(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    format!("{sign}{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// CSV: header row, comma, LF, UTF-8 without BOM, quoting only where needed.
    Csv,
    /// A self-contained HTML page.
    Html,
    /// An Excel workbook: the typed table and an About sheet.
    Xlsx,
}

impl Format {
    /// Reads a format name, in any case (`csv`, `HTML`).
    pub fn parse(text: &str) -> Result<Format, String> {
        match text.to_ascii_uppercase().as_str() {
            "CSV" => Ok(Format::Csv),
            "HTML" => Ok(Format::Html),
            "XLSX" => Ok(Format::Xlsx),
            _ => Err(format!("\"{text}\" is not CSV, HTML or XLSX")),
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    /// The name in job files and the report log.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Html => "HTML",
            Format::Xlsx => "XLSX",
        }
    }
}

/// Writes a table in a format as its rows are produced (CSV ignores the page metadata);
/// returns the number of data rows.
pub fn write(
    table: Table<'_>,
    format: Format,
    meta: &Meta<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<u64> {
    match format {
        Format::Csv => {
            let guard = meta.params.csv_formula_guard && table.kind.spec().csv_guard;
            csv::write(table, guard, out)
        }
        Format::Html => html::write(table, meta, out),
        Format::Xlsx => xlsx::write(table, meta, out),
    }
}
