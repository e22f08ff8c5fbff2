//! The one shape every report produces: typed cells in rows under named columns. Renderers turn
//! it into bytes; the cell types carry the rounding rules of SPEC §4 so every format agrees.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use chrono_tz::Tz;

use crate::decimal::DecimalSum;
use crate::reports::ReportKind;
use crate::time::{format_rfc3339, Ts};

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// An empty cell: absent value, ratio over nothing, column not applicable.
    Empty,
    /// A count.
    Int(i64),
    /// Whole seconds.
    Secs(i64),
    /// A percentage in hundredths (`6667` prints `66.67`).
    Pct(i64),
    /// Money, printed with four decimals.
    Money(DecimalSum),
    /// An instant, printed RFC 3339 in the report's zone.
    Time(Ts),
    /// Text as written: borrowed from the dataset's pools or a name this program knows,
    /// owned when made for the report.
    Text(Cow<'a, str>),
    /// Text made for the report and repeated on many rows (an agent's display name on each of
    /// their activity rows): cloned without copying.
    Shared(Arc<str>),
    /// The local date of an instant in the report's zone, `YYYY-MM-DD`.
    Date(Ts),
}

impl<'a> Cell<'a> {
    /// A text cell holding its own copy of `s`.
    pub fn text(s: &str) -> Cell<'static> {
        Cell::Text(Cow::Owned(s.to_string()))
    }

    /// A text cell borrowing `s` (pooled or fixed text: no allocation).
    pub fn str(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }

    /// The cell holding its own text (a figure kept after its table is gone).
    pub fn to_static(&self) -> Cell<'static> {
        match self {
            Cell::Empty => Cell::Empty,
            Cell::Int(v) => Cell::Int(*v),
            Cell::Secs(v) => Cell::Secs(*v),
            Cell::Pct(v) => Cell::Pct(*v),
            Cell::Money(m) => Cell::Money(*m),
            Cell::Time(t) => Cell::Time(*t),
            Cell::Date(t) => Cell::Date(*t),
            Cell::Text(s) => Cell::text(s),
            Cell::Shared(s) => Cell::Shared(s.clone()),
        }
    }

    /// Appends the cell as printed in CSV to `out` (without allocating for most cells).
    pub fn render_into(&self, tz: Tz, out: &mut String) {
        match self {
            Cell::Empty => {}
            Cell::Int(v) | Cell::Secs(v) => out.push_str(itoa::Buffer::new().format(*v)),
            Cell::Time(t) => crate::time::push_rfc3339(*t, tz, out),
            Cell::Date(t) => {
                let start = out.len();
                crate::time::push_rfc3339(*t, tz, out);
                out.truncate(start + 10);
            }
            Cell::Text(s) => out.push_str(s),
            Cell::Shared(s) => out.push_str(s),
            other => out.push_str(&other.render(tz)),
        }
    }

    /// The cell as printed in CSV (and shown in HTML).
    pub fn render(&self, tz: Tz) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Int(v) | Cell::Secs(v) => Cow::Owned(v.to_string()),
            Cell::Pct(h) => Cow::Owned(hundredths(*h)),
            Cell::Money(m) => Cow::Owned(m.format4()),
            Cell::Time(t) => Cow::Owned(format_rfc3339(*t, tz)),
            Cell::Date(t) => Cow::Owned(format_rfc3339(*t, tz)[..10].to_string()),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Shared(s) => Cow::Borrowed(s),
        }
    }
}

/// `1234` → `12.34`, `-5` → `-0.05`.
pub fn hundredths(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let a = h.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A percentage in hundredths as a person sets it: `8000` → `80`, `9250` → `92.5` (targets).
pub fn percent_text(h: i64) -> String {
    let s = hundredths(h);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `num / den` rounded half up (toward +∞ at .5); `den > 0`.
pub fn div_half_up(num: i64, den: i64) -> i64 {
    let (n, d) = (i128::from(num), i128::from(den));
    (2 * n + d).div_euclid(2 * d) as i64
}

/// An average in whole seconds, half up; empty over nothing (`Average`).
pub fn avg(sum: i64, n: i64) -> Cell<'static> {
    crate::reports::measure::Average::of(sum, n).into()
}

/// `num × 100 / den` in hundredths, half up; empty when `den` is 0 (`Percent`).
pub fn pct(num: i64, den: i64) -> Cell<'static> {
    crate::reports::measure::Percent::of(num, den).into()
}

/// A maximum, empty over nothing.
pub fn max_cell(v: Option<i64>) -> Cell<'static> {
    v.map_or(Cell::Empty, Cell::Secs)
}

/// Identifier order (SPEC §4): all-digit identifiers first, by numeric value then text; then
/// the others as text.
pub fn ident_cmp(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (digits(a), digits(b)) {
        (true, true) => {
            let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            ta.len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    /// Cells, one per column.
    pub cells: Vec<Cell<'a>>,
    /// A TOTAL row (set apart in HTML).
    pub total: bool,
}

impl<'a> Row<'a> {
    /// A data row.
    pub fn data(cells: Vec<Cell<'a>>) -> Row<'a> {
        Row {
            cells,
            total: false,
        }
    }

    /// A TOTAL row.
    pub fn total(cells: Vec<Cell<'a>>) -> Row<'a> {
        Row { cells, total: true }
    }
}

/// Rows produced one at a time, for reports too long to hold (CALLLOGS, AGENTDETAILSACTIVITY).
pub type RowStream<'a> = Box<dyn Iterator<Item = Row<'a>> + Send + 'a>;

/// A computed report: its rows in `rows`, followed by any still to come from `stream`.
pub struct Table<'a> {
    /// Which report.
    pub kind: ReportKind,
    /// Column names, as in the CSV header (the type's `ReportSpec::columns`).
    pub columns: &'static [&'static str],
    /// Rows computed so far, in output order.
    pub rows: Vec<Row<'a>>,
    /// Rows still to come, after `rows`.
    pub stream: Option<RowStream<'a>>,
    /// How many rows `stream` will give (known before they are made).
    pub stream_len: usize,
    /// The zone timestamps are printed in.
    pub tz: Tz,
    /// A timeline the report drew while computing (its rows are streamed, not held, so it
    /// cannot be drawn from them).
    pub timeline: Option<Box<crate::reports::chart::Timeline>>,
}

impl std::fmt::Debug for Table<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("kind", &self.kind)
            .field("columns", &self.columns)
            .field("rows", &self.rows.len())
            .field("streaming", &self.stream.is_some())
            .finish()
    }
}

impl<'a> Table<'a> {
    /// An empty table of a report type (its columns from its spec).
    pub fn new(kind: ReportKind, tz: Tz) -> Table<'a> {
        Table {
            kind,
            columns: kind.spec().columns,
            rows: Vec::new(),
            stream: None,
            stream_len: 0,
            tz,
            timeline: None,
        }
    }

    /// Every row in order, consuming the table.
    pub fn into_rows(self) -> impl Iterator<Item = Row<'a>> + 'a {
        self.rows
            .into_iter()
            .chain(self.stream.into_iter().flatten())
    }

    /// The table with every row computed and held.
    pub fn materialize(mut self) -> Table<'a> {
        if let Some(rest) = self.stream.take() {
            self.rows.extend(rest);
        }
        self.stream_len = 0;
        self
    }

    /// Every row, held or still to come.
    pub fn row_count(&self) -> usize {
        self.rows.len() + self.stream_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(div_half_up(15, 2), 8, "7.5 → 8");
        assert_eq!(div_half_up(14, 4), 4, "3.5 → 4");
        assert_eq!(div_half_up(13, 4), 3, "3.25 → 3");
        assert_eq!(pct(2, 3), Cell::Pct(6667));
        assert_eq!(pct(1, 3), Cell::Pct(3333));
        assert_eq!(pct(1, 8), Cell::Pct(1250));
        assert_eq!(pct(1, 800), Cell::Pct(13), "0.125 → 0.13");
        assert_eq!(pct(3, 3).render(Tz::UTC), "100.00");
        assert_eq!(pct(0, 0), Cell::Empty);
        assert_eq!(avg(7, 0), Cell::Empty);
        assert_eq!(hundredths(5), "0.05");
    }

    #[test]
    fn identifiers_sort_digits_first_by_value() {
        let mut ids = vec!["b", "10", "9", "a", "010", "1000-x", "2"];
        ids.sort_by(|a, b| ident_cmp(a, b));
        assert_eq!(ids, vec!["2", "9", "010", "10", "1000-x", "a", "b"]);
    }

    #[test]
    fn cells_render_like_the_spec() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(
            Cell::Time(1759018500).render(tz),
            "2025-09-28T08:15:00+08:00"
        );
        assert_eq!(Cell::Empty.render(tz), "");
        assert_eq!(Cell::Secs(42).render(tz), "42");
    }
}
