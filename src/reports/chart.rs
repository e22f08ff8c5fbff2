//! What a report's chart shows: categories and series of whole numbers, built by each report
//! type from its own typed columns (see `ReportSpec::charts`) and drawn by `render::chart`.

/// How series share a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Side by side.
    Grouped,
    /// On top of each other.
    Stacked,
}

/// Where categories go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Categories along the x axis.
    Vertical,
    /// Categories down the y axis (one row each).
    Horizontal,
}

/// What the values measure (for tick labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Plain counts.
    Count,
    /// Seconds, labelled as h:mm.
    Seconds,
    /// Hundredths of a percent (`6667` is 66.67 %), axis 0–100 %.
    Percent,
}

/// One chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Title (also the SVG `<title>`).
    pub title: String,
    /// Category labels.
    pub categories: Vec<String>,
    /// Series: name and one value per category.
    pub series: Vec<(String, Vec<i64>)>,
    /// Grouped or stacked.
    pub layout: Layout,
    /// Vertical or horizontal.
    pub orientation: Orientation,
    /// The values' unit.
    pub unit: Unit,
}

use chrono_tz::Tz;

use crate::reports::table::{Cell, Row};

/// A cell as a chart label (the CSV's text).
pub fn label(c: &Cell<'_>, tz: Tz) -> String {
    c.render(tz).into_owned()
}

/// A cell as a chart value: counts, seconds and hundredths as they are; anything else 0.
pub fn value(c: &Cell<'_>) -> i64 {
    match c {
        Cell::Int(v) | Cell::Secs(v) | Cell::Pct(v) => *v,
        _ => 0,
    }
}

/// One column's values over some rows.
pub fn values(rows: &[&Row<'_>], col: usize) -> Vec<i64> {
    rows.iter().map(|r| value(&r.cells[col])).collect()
}

/// Series from columns: `(column, series name)`.
pub fn series(rows: &[&Row<'_>], cols: &[(usize, &str)]) -> Vec<(String, Vec<i64>)> {
    cols.iter()
        .map(|&(col, name)| (name.to_string(), values(rows, col)))
        .collect()
}

/// "8000 Sales": a number and its name where the row has one, as category labels.
pub fn named(rows: &[&Row<'_>], number: usize, name: usize, tz: Tz) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let (n, name) = (label(&r.cells[number], tz), label(&r.cells[name], tz));
            if name.is_empty() {
                n
            } else {
                format!("{n} {name}")
            }
        })
        .collect()
}

/// Horizontal bars for long lists (a category per line), vertical otherwise.
pub fn orientation(n: usize) -> Orientation {
    if n > 12 {
        Orientation::Horizontal
    } else {
        Orientation::Vertical
    }
}
