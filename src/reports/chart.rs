//! What a report's chart shows: categories and series of whole numbers, built by each report
//! type from its own typed columns (see `ReportSpec::charts`) and drawn by `render::chart`.

/// How series share a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Side by side.
    Grouped,
    /// On top of each other.
    Stacked,
    /// A grid: a row per category, a column per series, each cell shaded by its value and
    /// labelled with it (a day × hour table of calls).
    Heatmap,
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
    /// A target drawn as a dashed line across the bars (`sla_target_pct`), in the values' unit.
    pub target: Option<i64>,
}

/// The states a timeline draws, in legend order; `render::chart` gives each index its colour
/// and pattern.
pub const TIMELINE_STATES: [&str; 8] = [
    "Ready",
    "On call",
    "Ringing",
    "Wrap-up",
    "Not ready",
    "RNA",
    "Other",
    "Unknown",
];

/// A timeline (Gantt) of agents' states over a period cut into equal columns, each column
/// drawn in the state its agent spent most of it in (AGENTDETAILSACTIVITY; the table keeps
/// every second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Title.
    pub title: String,
    /// One row per agent, top to bottom.
    pub rows: Vec<TimelineRow>,
    /// How many columns the period is cut into.
    pub columns: u32,
    /// The period's length in seconds.
    pub seconds: i64,
    /// Time-axis labels: seconds from the period's start, text.
    pub ticks: Vec<(i64, String)>,
}

/// A run of a timeline's columns in one state: first column, end column (exclusive), index in
/// `TIMELINE_STATES`.
pub type Run = (u32, u32, u8);

/// One agent's line of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// `1001 Ava Smith`.
    pub label: String,
    /// Runs of columns in one state; columns the agent was mostly logged out of are in none.
    pub runs: Vec<Run>,
    /// Seconds per state over the period (the row's tooltip).
    pub seconds: [i64; TIMELINE_STATES.len()],
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

/// Categories a chart shows at most: a horizontal chart of more would not fit one printed
/// page (SPEC §6.1).
pub const MAX_CATEGORIES: usize = 25;

impl Chart {
    /// The chart with at most `MAX_CATEGORIES` categories: the largest by their total over the
    /// series (ties in the chart's order), in the chart's order, then one category for the
    /// rest, `others: average of N` — an average, not a sum, so it stays on the same scale as
    /// the bars beside it (a sum over 96 agents would flatten them all).
    pub fn top(mut self) -> Chart {
        let n = self.categories.len();
        if n <= MAX_CATEGORIES {
            return self;
        }
        let keep_n = MAX_CATEGORIES - 1;
        let total = |i: usize| self.series.iter().map(|(_, v)| v[i]).sum::<i64>();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(total(i)), i));
        let mut keep: Vec<usize> = order[..keep_n].to_vec();
        keep.sort_unstable();
        let rest: Vec<usize> = order[keep_n..].to_vec();
        self.categories = keep
            .iter()
            .map(|&i| self.categories[i].clone())
            .chain([format!("others: average of {}", rest.len())])
            .collect();
        for (_, values) in &mut self.series {
            let sum: i64 = rest.iter().map(|&i| values[i]).sum();
            let others = crate::reports::table::div_half_up(sum, rest.len() as i64);
            *values = keep.iter().map(|&i| values[i]).chain([others]).collect();
        }
        self.title = format!("{} — top {keep_n} of {n}", self.title);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_chart_keeps_its_largest_categories_and_sums_the_rest() {
        let n = MAX_CATEGORIES + 3;
        let chart = Chart {
            title: "Time".into(),
            categories: (0..n).map(|i| format!("a{i}")).collect(),
            series: vec![
                ("x".into(), (0..n as i64).collect()),
                ("y".into(), vec![1; n]),
            ],
            layout: Layout::Stacked,
            orientation: Orientation::Horizontal,
            unit: Unit::Seconds,
            target: None,
        }
        .top();
        assert_eq!(chart.categories.len(), MAX_CATEGORIES);
        // a0..a3 are the four smallest: they become the others' average, a4..a27 stay in order.
        assert_eq!(chart.categories[0], "a4");
        assert_eq!(chart.categories[MAX_CATEGORIES - 1], "others: average of 4");
        assert_eq!(chart.series[0].1[MAX_CATEGORIES - 1], 2); // (0 + 1 + 2 + 3) / 4, half up
        assert_eq!(chart.series[1].1[MAX_CATEGORIES - 1], 1);
        assert_eq!(chart.title, format!("Time — top 24 of {n}"));
        let short = Chart {
            categories: vec!["a".into()],
            series: vec![("x".into(), vec![1])],
            ..chart.clone()
        };
        assert_eq!(short.clone().top().categories, short.categories);
    }
}
