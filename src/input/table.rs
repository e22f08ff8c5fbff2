//! The contract between a table's row type and the generic reader: column names, required
//! columns, parsing one row, and moving its symbols into the dataset's pools.

use crate::error::Loc;
use crate::input::rows::{FieldError, RowIssue, RowView};
use crate::model::pool::{StrPool, Sym};
use crate::model::profile::Profiles;
use crate::model::quality::Quality;
use crate::model::TableName;
use rustc_hash::FxHashMap as HashMap;

/// Declares a table's columns as `usize` constants plus the `NAMES` list, in one place.
macro_rules! columns {
    ($($col:ident = $text:literal),* $(,)?) => {
        $crate::input::table::columns!(@consts 0usize; $($col)*);
        /// The table's column names, indexed by the constants above.
        pub const NAMES: &[&str] = &[$($text),*];
    };
    (@consts $n:expr; $head:ident $($rest:ident)*) => {
        #[allow(dead_code)]
        pub const $head: usize = $n;
        $crate::input::table::columns!(@consts $n + 1usize; $($rest)*);
    };
    (@consts $n:expr;) => {};
}
pub(crate) use columns;

/// What one file's parsing needs besides the row: its own pools, its quality counts, and its
/// index among the dataset's files.
pub struct ParseCx {
    /// Text cells.
    pub strings: StrPool,
    /// CDR session ids.
    pub sessions: StrPool,
    /// CDR call ids, one per leg kept (when `keep_call_ids`).
    pub call_ids: crate::model::pool::TextColumn,
    /// Whether to keep the call ids.
    pub keep_call_ids: bool,
    /// Warnings and skips of this file.
    pub quality: Quality,
    /// The CDR rows' duplicate stamps, in row order (see `duplicates`).
    pub stamps: Vec<crate::input::duplicates::Stamp>,
    /// Scratch space for stamping a row.
    pub stamp_buf: crate::input::duplicates::StampBuf,
    /// The file's index in `Dataset::files`.
    pub file: u32,
    /// The time of the row being read (a timed table), where its warnings are placed.
    pub at: Option<crate::time::Ts>,
    /// Columns not read (bit per column number): their cells are left as absent.
    pub skip: u64,
    /// Whether agent state rows other than wrap-up keep their call (`LoadOptions::state_calls`).
    pub state_calls: bool,
    /// The CDR legs' profiles.
    pub profiles: Profiles,
    /// Warnings counted so far (see `warn`).
    pub warnings: u64,
    /// The profiles of earlier rows by the bytes of their profile cells (see `known_profile`),
    /// and the key of the row being read.
    known: HashMap<Box<[u8]>, u32>,
    key: Vec<u8>,
    /// Each column's symbol in the previous row (see `intern_in`).
    recent: [Sym; RECENT_COLUMNS],
    /// The previous row's CDR session.
    recent_session: Option<Sym>,
}

/// The most profiles a file's reader remembers by their cells' bytes.
const KNOWN_PROFILES: usize = 4096;

/// Columns with a remembered previous value; later ones are interned without.
const RECENT_COLUMNS: usize = 48;

impl ParseCx {
    /// Counts a warning about the row being read, placed at its time if it has one.
    pub fn warn(&mut self, kind: String) {
        self.warnings += 1;
        match self.at {
            Some(at) => self.quality.warn_at(at, kind),
            None => self.quality.warn(kind),
        }
    }

    /// Counts the row being read as skipped, placed at its time if it has one.
    pub fn skip(&mut self, table: crate::model::TableName, reason: String) {
        match self.at {
            Some(at) => self.quality.skip_at(at, table, reason),
            None => self.quality.skip(table, reason),
        }
    }

    /// A context for file number `file`; `keep_call_ids` as `LoadOptions::call_ids`.
    pub fn new(file: u32, keep_call_ids: bool) -> ParseCx {
        ParseCx {
            strings: StrPool::new(),
            sessions: StrPool::dense(),
            call_ids: Default::default(),
            keep_call_ids,
            quality: Quality::default(),
            stamps: Vec::new(),
            stamp_buf: Default::default(),
            file,
            at: None,
            skip: 0,
            state_calls: true,
            profiles: Profiles::default(),
            warnings: 0,
            known: HashMap::default(),
            key: Vec::new(),
            recent: [Sym::EMPTY; RECENT_COLUMNS],
            recent_session: None,
        }
    }

    /// Interns `text`, read in column `col`. Rows repeat their predecessor's cells (the legs of
    /// a call share caller, trunk and service; states share their session), so the previous
    /// row's value is compared first: a hit skips hashing and a probe of a large table.
    pub fn intern_in(&mut self, col: usize, text: &str) -> Sym {
        if let Some(&last) = self.recent.get(col) {
            if self.strings.is(last, text) {
                return last;
            }
        }
        let sym = self.strings.intern(text);
        if let Some(slot) = self.recent.get_mut(col) {
            *slot = sym;
        }
        sym
    }

    /// The symbol of column `col`'s cell (`Sym::EMPTY` when empty), as `intern_in`.
    pub fn sym(&mut self, row: &RowView<'_>, col: usize) -> Result<Sym, FieldError> {
        Ok(match row.text(col)? {
            Some(t) => self.intern_in(col, t),
            None => Sym::EMPTY,
        })
    }

    /// Whether column `col` is read (see `skip`).
    pub fn reads(&self, col: usize) -> bool {
        self.skip & (1u64 << col) == 0
    }

    /// A cell read by `read` when column `col` is read, else absent.
    pub fn if_read<T>(
        &self,
        col: usize,
        read: impl FnOnce(usize) -> Result<Option<T>, FieldError>,
    ) -> Result<Option<T>, FieldError> {
        if self.reads(col) {
            read(col)
        } else {
            Ok(None)
        }
    }

    /// `sym`, for a column that may not be read: `Sym::EMPTY` without looking at the cell.
    pub fn sym_if_read(&mut self, row: &RowView<'_>, col: usize) -> Result<Sym, FieldError> {
        if self.reads(col) {
            self.sym(row, col)
        } else {
            Ok(Sym::EMPTY)
        }
    }

    /// Interns a CDR session id (consecutive legs of a call share it).
    pub fn intern_session(&mut self, id: &str) -> Sym {
        if let Some(last) = self.recent_session {
            if self.sessions.is(last, id) {
                return last;
            }
        }
        let sym = self.sessions.intern(id);
        self.recent_session = Some(sym);
        sym
    }

    /// The profile of an earlier row of this file whose cells in `columns` are byte for byte
    /// the row's (read without a warning: `remember_profile`): the same bytes read the same,
    /// so the row's are valid and need not be read again.
    pub fn known_profile(&mut self, row: &RowView<'_>, columns: &[usize]) -> Option<u32> {
        self.key.clear();
        for &c in columns {
            let cell = row.raw(c);
            // Each cell's length first: no two rows' cells join into the same key.
            self.key
                .extend_from_slice(&(cell.len() as u32).to_le_bytes());
            self.key.extend_from_slice(cell);
        }
        self.known.get(&self.key[..]).copied()
    }

    /// Remembers profile `n` for the cells `known_profile` last looked up; a file keeps at most
    /// `KNOWN_PROFILES` (data whose every row differs gains nothing from more).
    pub fn remember_profile(&mut self, n: u32) {
        if self.known.len() < KNOWN_PROFILES {
            self.known.insert(self.key.as_slice().into(), n);
        }
    }

    /// Interns an enumeration-like value of column `col` normalised (upper case, `_`), without
    /// allocating when it already is, as `intern_in`.
    pub fn intern_normalized(&mut self, col: usize, text: Option<&str>) -> Sym {
        match text {
            None => Sym::EMPTY,
            Some(t) => self.intern_in(col, &crate::model::legs::normalized(t)),
        }
    }
}

/// The row type of one dataset table (`Leg`, `Agent`, …): its name, columns and parser.
pub trait Record: Sized + Send {
    /// The table.
    const NAME: TableName;
    /// Column names, indexed by the table's column constants.
    const COLUMNS: &'static [&'static str];
    /// Columns that must be in a CSV header.
    const REQUIRED: &'static [usize];

    /// Whether the table's rows are placed in time by `time` and skipped outside the read's
    /// window (the CDR).
    const TIMED: bool = false;

    /// The row's time (`started_at`), read alone before the rest of the row; `None` when it is
    /// not valid (`parse` then says why).
    fn time(_row: &RowView<'_>) -> Option<crate::time::Ts> {
        None
    }

    /// Parses one row.
    fn parse(row: &RowView<'_>, loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue>;

    /// Moves the row's symbols from its file's pools into the dataset's.
    fn remap(&mut self, map: &Remap<'_>);
}

/// Where a file's symbols go in the dataset's pools: each table is indexed by the file's
/// symbol (or profile number).
pub struct Remap<'a> {
    /// Text cells.
    pub strings: &'a [Sym],
    /// CDR session ids.
    pub sessions: &'a [Sym],
    /// Leg profiles.
    pub profiles: &'a [u32],
    /// The line feeds in the file before the part the rows were read from: their origins'
    /// lines were counted from the part's start.
    pub lines: u64,
}
