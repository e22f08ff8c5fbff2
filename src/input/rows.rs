//! Row access shared by every format: a CSV record read into a reused `ByteRecord`, or a JSON
//! object, seen through one `RowView` that parses cells into typed values.

use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use crate::decimal::Decimal;
use crate::error::{Error, Loc, Result};
use crate::input::parts::Part;
use crate::input::records::{Record, Records};
use crate::input::source::{FileFormat, SourceFile};
use crate::model::pool::{StrPool, Sym};
use crate::time::{parse_ts_cell, unix_seconds, Ts};

/// A problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The column.
    pub field: &'static str,
    /// The short reason, used to count skipped rows (`invalid timestamp`).
    pub reason: &'static str,
    /// The full problem (`invalid timestamp "12:30"`).
    pub problem: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: &'static str, reason: &'static str, problem: impl Into<String>) -> Self {
        FieldError {
            field,
            reason,
            problem: problem.into(),
        }
    }
}

/// Why a row cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowIssue {
    /// A bad cell.
    Field(FieldError),
    /// A bad row as a whole: wrong number of CSV fields, malformed JSON line, not an object.
    Shape {
        /// The short reason.
        reason: &'static str,
        /// The full problem.
        problem: String,
    },
}

impl From<FieldError> for RowIssue {
    fn from(e: FieldError) -> Self {
        RowIssue::Field(e)
    }
}

impl RowIssue {
    /// The key under which a skipped row is counted.
    pub fn reason(&self, table: &str) -> String {
        match self {
            RowIssue::Field(e) => format!("{table}: {} in \"{}\"", e.reason, e.field),
            RowIssue::Shape { reason, .. } => format!("{table}: {reason}"),
        }
    }

    /// The error that stops a strict run.
    pub fn into_error(self, file: &SourceFile, loc: Loc) -> Error {
        match self {
            RowIssue::Field(e) => Error::Row {
                path: file.path.clone(),
                loc,
                field: e.field.to_string(),
                problem: e.problem,
            },
            RowIssue::Shape { problem, .. } => Error::Data {
                path: file.path.clone(),
                loc: Some(loc),
                message: problem,
            },
        }
    }
}

enum Cells<'a> {
    /// A CSV record. `text`: the record's bytes, when they are UTF-8 as a whole (nearly every
    /// record: checked in one pass); otherwise each cell is checked as it is read, so the
    /// error names the field.
    Csv {
        rec: &'a Record<'a>,
        idx: &'a [Option<usize>],
        /// The file's columns are the table's, in its order.
        ordered: bool,
        text: Option<&'a str>,
    },
    Json(&'a [Option<String>]),
}

/// One row, with its cells addressed by the table's column numbers.
pub struct RowView<'a> {
    names: &'static [&'static str],
    cells: Cells<'a>,
}

impl<'a> RowView<'a> {
    /// The cell's bytes as stored (empty when the column is absent), not checked as UTF-8:
    /// for hashing a whole row (`duplicates`).
    pub fn raw(&self, col: usize) -> &'a [u8] {
        match &self.cells {
            Cells::Csv { rec, idx, .. } => idx[col].map_or(b"", |i| rec.cell(i)),
            Cells::Json(cells) => cells[col].as_deref().map_or(b"", str::as_bytes),
        }
    }

    /// The whole record as written, when its cells are the table's columns in order, each
    /// followed by a comma but the last (nearly every CSV export): its bytes, and the cells.
    /// For hashing a row without laying its cells out again (`duplicates`).
    pub fn in_order(&self) -> Option<(&'a [u8], impl Iterator<Item = &'a [u8]> + '_)> {
        match &self.cells {
            Cells::Csv {
                rec, ordered: true, ..
            } if rec.sep == 1 => Some((rec.bytes, rec.cells())),
            _ => None,
        }
    }

    /// The cell's text; `None` when the column is absent or the cell empty.
    #[inline(always)]
    pub fn text(&self, col: usize) -> Result<Option<&'a str>, FieldError> {
        // Nearly every cell: a record checked as UTF-8 as a whole, cut between characters.
        // Inlined into the readers, so only the rest pays for a call and its error.
        if let Cells::Csv {
            rec,
            idx,
            text: Some(text),
            ..
        } = &self.cells
        {
            let Some(i) = idx[col] else {
                return Ok(None);
            };
            let (a, b) = rec.span(i);
            if a == b {
                return Ok(None);
            }
            if let Some(cell) = text.get(a..b) {
                return Ok(Some(cell));
            }
        }
        self.text_checked(col)
    }

    /// `text` for a JSON row, a record that is not UTF-8 as a whole, or a cell cut inside a
    /// character: the cell checked alone, so that the error names the field.
    #[cold]
    #[inline(never)]
    fn text_checked(&self, col: usize) -> Result<Option<&'a str>, FieldError> {
        let bytes = self.raw(col);
        if bytes.is_empty() {
            return Ok(None);
        }
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| FieldError::new(self.names[col], "invalid UTF-8", "is not valid UTF-8"))
    }

    /// The cell's text, which must be present.
    pub fn required(&self, col: usize) -> Result<&'a str, FieldError> {
        self.text(col)?.ok_or_else(|| self.missing(col))
    }

    /// The error for an empty required cell.
    pub fn missing(&self, col: usize) -> FieldError {
        FieldError::new(self.names[col], "missing value", "is required but empty")
    }

    /// The column's name.
    pub fn name(&self, col: usize) -> &'static str {
        self.names[col]
    }

    /// The cell interned (`Sym::EMPTY` when empty).
    pub fn sym(&self, col: usize, pool: &mut StrPool) -> Result<Sym, FieldError> {
        Ok(match self.text(col)? {
            Some(t) => pool.intern(t),
            None => Sym::EMPTY,
        })
    }

    /// A timestamp cell (`0` and empty are absent).
    #[inline]
    pub fn ts(&self, col: usize) -> Result<Option<Ts>, FieldError> {
        match self.text(col)? {
            None => Ok(None),
            // Unix seconds inline; any other text through the general reader.
            Some(t) => match unix_seconds(t) {
                Some(v) => Ok(v),
                None => self.ts_general(col, t),
            },
        }
    }

    #[cold]
    #[inline(never)]
    fn ts_general(&self, col: usize, t: &str) -> Result<Option<Ts>, FieldError> {
        parse_ts_cell(t).map_err(|p| FieldError::new(self.names[col], "invalid timestamp", p))
    }

    /// A timestamp that must be present.
    pub fn required_ts(&self, col: usize) -> Result<Ts, FieldError> {
        self.ts(col)?.ok_or_else(|| self.missing(col))
    }

    /// An integer cell.
    pub fn int<T: std::str::FromStr>(&self, col: usize) -> Result<Option<T>, FieldError> {
        match self.text(col)? {
            None => Ok(None),
            Some(t) => t.trim().parse::<T>().map(Some).map_err(|_| {
                FieldError::new(
                    self.names[col],
                    "invalid integer",
                    format!("invalid integer \"{t}\""),
                )
            }),
        }
    }

    /// A 0/1 cell (`true`/`false` also read); empty is 0.
    pub fn flag(&self, col: usize) -> Result<bool, FieldError> {
        match self.text(col)?.map(str::trim) {
            None | Some("0") => Ok(false),
            Some("1") => Ok(true),
            Some(t) if t.eq_ignore_ascii_case("false") => Ok(false),
            Some(t) if t.eq_ignore_ascii_case("true") => Ok(true),
            Some(t) => Err(FieldError::new(
                self.names[col],
                "invalid flag",
                format!("invalid flag \"{t}\" (expected 0 or 1)"),
            )),
        }
    }

    /// An exact decimal cell.
    pub fn decimal(&self, col: usize) -> Result<Option<Decimal>, FieldError> {
        match self.text(col)? {
            None => Ok(None),
            Some(t) => Decimal::parse(t)
                .map(Some)
                .map_err(|p| FieldError::new(self.names[col], "invalid decimal", p)),
        }
    }
}

/// Where a reader ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// `Some(b)`: a part's reader stopped at the record starting at byte `b`, where a later
    /// part starts; `None`: at the end of the file.
    pub stop: Option<u64>,
    /// The line feeds read before that point (a part numbers its lines from its own start;
    /// see `parts`). Counted for CSV only: JSON files are never cut.
    pub line_feeds: u64,
}

/// Calls `on_row` for every row of `file` (or of its `part`), in order, with the row's location
/// (in a part, the line counted from the part's start). A row whose shape is wrong arrives as
/// `Err`. Errors returned by `on_row` stop the reading.
pub fn read_rows(
    file: &SourceFile,
    part: Option<&Part>,
    names: &'static [&'static str],
    required: &[usize],
    mut on_row: impl FnMut(Result<RowView<'_>, RowIssue>, Loc) -> Result<()>,
) -> Result<Ended> {
    let whole = |()| Ended {
        stop: None,
        line_feeds: 0,
    };
    match file.format {
        FileFormat::Csv => read_csv(file, part, names, required, &mut on_row),
        FileFormat::Json => read_json(file, file.open()?, names, &mut on_row).map(whole),
        FileFormat::Ndjson => read_ndjson(file, file.open()?, names, &mut on_row).map(whole),
    }
}

type OnRow<'f> = dyn FnMut(Result<RowView<'_>, RowIssue>, Loc) -> Result<()> + 'f;

fn read_error(file: &SourceFile, loc: Option<Loc>, source: std::io::Error) -> Error {
    Error::Read {
        path: file.path.clone(),
        loc,
        source,
    }
}

/// The table's columns' positions in the file's header, and the header's width.
fn header_index(
    file: &SourceFile,
    header: Option<&Record<'_>>,
    names: &'static [&'static str],
    required: &[usize],
) -> Result<(Vec<Option<usize>>, usize)> {
    let mut idx: Vec<Option<usize>> = vec![None; names.len()];
    let cells: Vec<&[u8]> = header.map_or_else(Vec::new, |h| h.cells().collect());
    for (i, cell) in cells.iter().enumerate() {
        let cell = String::from_utf8_lossy(cell);
        let cell = cell.trim().trim_start_matches('\u{feff}');
        if let Some(col) = names.iter().position(|n| n.eq_ignore_ascii_case(cell)) {
            if idx[col].is_some() {
                return Err(Error::Data {
                    path: file.path.clone(),
                    loc: Some(Loc::Line(1)),
                    message: format!("column \"{}\" appears twice in the header", names[col]),
                });
            }
            idx[col] = Some(i);
        }
    }
    if let Some(&col) = required.iter().find(|&&c| idx[c].is_none()) {
        return Err(Error::Data {
            path: file.path.clone(),
            loc: Some(Loc::Line(1)),
            message: format!("missing required column \"{}\"", names[col]),
        });
    }
    Ok((idx, cells.len()))
}

fn read_csv(
    file: &SourceFile,
    part: Option<&Part>,
    names: &'static [&'static str],
    required: &[usize],
    on_row: &mut OnRow<'_>,
) -> Result<Ended> {
    let mut records = Records::new(file.open()?, 0, 1);
    records
        .skip_bom()
        .map_err(|e| read_error(file, Some(Loc::Line(1)), e))?;
    let header = records
        .next_record()
        .map_err(|e| read_error(file, Some(Loc::Line(1)), e))?;
    let (idx, width) = header_index(file, header.as_ref(), names, required)?;
    let ordered = width == names.len() && idx.iter().enumerate().all(|(i, c)| *c == Some(i));
    // A later part reads the header above, then its own bytes from its start, numbering its
    // lines from there.
    if let Some(p) = part.filter(|p| p.start > 0) {
        records = Records::new(file.open_at(p.start)?, p.start, 1);
    }
    // No record before the first cut past the part's start can end it.
    let first_cut = part
        .and_then(|p| p.cuts.iter().copied().find(|&c| c > p.start))
        .unwrap_or(u64::MAX);
    loop {
        let line = records.line();
        let rec = match records.next_record() {
            Ok(Some(rec)) => rec,
            Ok(None) => {
                return Ok(Ended {
                    stop: None,
                    line_feeds: records.line() - 1,
                })
            }
            Err(e) => return Err(read_error(file, Some(Loc::Line(line)), e)),
        };
        if rec.byte >= first_cut {
            if let Some(stop) = part.and_then(|p| p.stop_at(rec.byte)) {
                return Ok(Ended {
                    stop: Some(stop),
                    line_feeds: rec.line - 1,
                });
            }
        }
        let loc = Loc::Line(rec.line);
        if rec.len() != width {
            let issue = RowIssue::Shape {
                reason: "wrong number of fields",
                problem: format!("the row has {} fields, the header has {width}", rec.len()),
            };
            on_row(Err(issue), loc)?;
            continue;
        }
        // The record's bytes checked as UTF-8 in one pass, not cell by cell.
        let row = RowView {
            names,
            cells: Cells::Csv {
                rec: &rec,
                idx: &idx,
                ordered,
                text: std::str::from_utf8(rec.bytes).ok(),
            },
        };
        on_row(Ok(row), loc)?;
    }
}

/// Fills `cells` from a JSON object; `Err` when a value is not a scalar.
fn object_cells(
    obj: &Map<String, Value>,
    names: &'static [&'static str],
    cells: &mut [Option<String>],
) -> Result<(), RowIssue> {
    for (col, name) in names.iter().enumerate() {
        cells[col] = match obj.get(*name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(if *b { "1" } else { "0" }.to_string()),
            Some(_) => {
                return Err(RowIssue::Field(FieldError::new(
                    name,
                    "not a scalar",
                    "holds an array or object where a single value belongs",
                )))
            }
        };
    }
    Ok(())
}

fn read_json(
    file: &SourceFile,
    mut reader: Box<dyn Read + Send>,
    names: &'static [&'static str],
    on_row: &mut OnRow<'_>,
) -> Result<()> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: file.path.clone(),
            loc: None,
            source,
        })?;
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::Data {
        path: file.path.clone(),
        loc: Some(Loc::Line(e.line() as u64)),
        message: format!("malformed JSON: {e}"),
    })?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => match obj.remove("items") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(Error::Data {
                    path: file.path.clone(),
                    loc: None,
                    message:
                        "expected a JSON array of objects or an object with an \"items\" array"
                            .into(),
                })
            }
        },
        _ => {
            return Err(Error::Data {
                path: file.path.clone(),
                loc: None,
                message: "expected a JSON array of objects".into(),
            })
        }
    };
    let mut cells = vec![None; names.len()];
    for (i, item) in items.iter().enumerate() {
        let loc = Loc::Record(i as u64 + 1);
        let row = match item {
            Value::Object(obj) => object_cells(obj, names, &mut cells),
            _ => Err(RowIssue::Shape {
                reason: "not an object",
                problem: "is not a JSON object".into(),
            }),
        };
        match row {
            Ok(()) => on_row(
                Ok(RowView {
                    names,
                    cells: Cells::Json(&cells),
                }),
                loc,
            )?,
            Err(issue) => on_row(Err(issue), loc)?,
        }
    }
    Ok(())
}

fn read_ndjson(
    file: &SourceFile,
    reader: Box<dyn Read + Send>,
    names: &'static [&'static str],
    on_row: &mut OnRow<'_>,
) -> Result<()> {
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let mut line = String::new();
    let mut cells = vec![None; names.len()];
    let mut n = 0u64;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(|source| Error::Read {
            path: file.path.clone(),
            loc: Some(Loc::Line(n + 1)),
            source,
        })?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        let text = line.trim();
        let text = if n == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        if text.is_empty() {
            continue;
        }
        let loc = Loc::Line(n);
        let row = match serde_json::from_str::<Map<String, Value>>(text) {
            Ok(obj) => object_cells(&obj, names, &mut cells),
            Err(e) => Err(RowIssue::Shape {
                reason: "malformed JSON",
                problem: format!("malformed JSON: {e}"),
            }),
        };
        match row {
            Ok(()) => on_row(
                Ok(RowView {
                    names,
                    cells: Cells::Json(&cells),
                }),
                loc,
            )?,
            Err(issue) => on_row(Err(issue), loc)?,
        }
    }
}
