//! Rendering is pure: a `Table` in, bytes out. The `output` module does the writing.

pub mod csv;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// CSV: header row, comma, LF, UTF-8 without BOM, quoting only where needed.
    Csv,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
        }
    }
}
