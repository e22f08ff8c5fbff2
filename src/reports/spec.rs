//! What a report type is, declared once per type in its family's file: its name and title, the
//! tables and parameters it takes, its columns, how it is computed, the notes under its table,
//! its charts and its headline figures. `ReportKind::spec` is the one `match` over the types, so
//! a new report is its family's file (or a new one) plus one enum arm.

use crate::model::TableName;
use crate::reports::chart::Chart;
use crate::reports::params::Params;
use crate::reports::table::{Cell, Row, Table};
use crate::reports::{Ctx, Request};

/// One report type, as everything outside its computation sees it.
pub struct ReportSpec {
    /// The type name in job files and the report log (`QUEUESUMMARY`).
    pub name: &'static str,
    /// A human title.
    pub title: &'static str,
    /// The CSV header, in order (the family's column constants index it).
    pub columns: &'static [&'static str],
    /// The agent tables the report cannot do without.
    pub tables: &'static [TableName],
    /// The CDR columns of `input::cdr::OPTIONAL` it reads; a run decodes and checks the others
    /// only when another due report reads them (SPEC §7).
    pub cdr_columns: &'static [&'static str],
    /// The parameters it takes besides the common ones (`time_range`, `from`, `to`, `tenants`).
    pub params: &'static [&'static str],
    /// Parameters of the PBX's job export that it accepts and ignores with a warning.
    pub ignored: &'static [&'static str],
    /// What agent time it reads, and so whether it needs a timeline as of its fire time (the
    /// others are computed without one) and what that timeline must hold.
    pub agent_time: AgentTime,
    /// Whether it prints the call (`session_id`) of every state interval; the others read it
    /// of wrap-up rows only (the wrap-up a call carries), and a run interns it for the other
    /// rows only when a due report prints it.
    pub state_calls: bool,
    /// Whether the CSV formula guard applies (SPEC §4; parameter `csv_formula_guard`): every
    /// type but AGENT_SESSION_REPORT_RAW, which stays byte for byte RingCentral's.
    pub csv_guard: bool,
    /// Computes the table.
    pub compute: for<'a> fn(&Ctx<'a>, &Request) -> Table<'a>,
    /// The formulas and thresholds in force, for the page's footer (the sentence on rounding
    /// common to most reports is added by `notes::formulas`).
    pub notes: fn(&Params) -> Vec<String>,
    /// The charts of an HTML page, from the held rows (none for reports streamed row by row).
    pub charts: fn(&Table<'_>, &Params) -> Vec<Chart>,
    /// The few figures a reader looks at first.
    pub headline: fn(&Table<'_>) -> Vec<Figure>,
}

/// A headline figure: a label and a cell typed as the report's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// What it is (`SLA`).
    pub label: &'static str,
    /// Its value.
    pub value: Cell<'static>,
}

/// The agent time a report reads, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgentTime {
    /// None: computed from the CDR alone.
    None,
    /// The wrap-up each answered call carries (queue reports' handling time).
    WrapUp,
    /// The state intervals of every login session, off-hook segments and wrap-up.
    States,
}

impl ReportSpec {
    /// Whether the report reads the agent tables (agent time, or a table it requires).
    pub fn reads_agent_tables(&self) -> bool {
        self.reads_agent_time() || self.tables.iter().any(|t| t.is_agent_table())
    }

    /// Whether the report reads agent time, and so a timeline as of its fire time.
    pub fn reads_agent_time(&self) -> bool {
        self.agent_time != AgentTime::None
    }
}

impl Figure {
    /// A figure.
    pub fn new(label: &'static str, value: impl Into<Cell<'static>>) -> Figure {
        Figure {
            label,
            value: value.into(),
        }
    }

    /// A count.
    pub fn count(label: &'static str, n: i64) -> Figure {
        Figure::new(label, Cell::Int(n))
    }
}

/// The PBX job export's `channel_type`, accepted and ignored by every type (only voice is
/// reported).
pub const PBX_ONLY: &[&str] = &["channel_type"];

/// No charts.
pub fn no_charts(_: &Table<'_>, _: &Params) -> Vec<Chart> {
    Vec::new()
}

/// A period with nothing to show (SPEC §6.1): no rows, or the report's first headline figure
/// is zero (a TOTAL of nothing). Its page draws no charts; as a previous period it shows no
/// change.
pub fn no_data(t: &Table<'_>, figures: &[Figure]) -> bool {
    t.row_count() == 0
        || figures
            .first()
            .is_some_and(|f| matches!(f.value, Cell::Int(0) | Cell::Secs(0)))
}

/// The grand TOTAL row: the last row, when it is a TOTAL.
pub fn grand_total<'t, 'a>(t: &'t Table<'a>) -> Option<&'t Row<'a>> {
    t.rows.last().filter(|r| r.total)
}

/// Figures read from the grand TOTAL row, as `(label, column)`.
pub fn from_total(t: &Table<'_>, figures: &[(&'static str, usize)]) -> Vec<Figure> {
    let Some(total) = grand_total(t) else {
        return Vec::new();
    };
    figures
        .iter()
        .map(|&(label, col)| Figure {
            label,
            value: total.cells[col].to_static(),
        })
        .collect()
}

/// The sum of an integer column over the data rows (totals from sums, SPEC §4).
pub fn column_sum(t: &Table<'_>, col: usize) -> i64 {
    t.rows
        .iter()
        .filter(|r| !r.total)
        .map(|r| match r.cells[col] {
            Cell::Int(v) | Cell::Secs(v) => v,
            _ => 0,
        })
        .sum()
}

/// The data rows (TOTAL rows left out).
pub fn data_rows<'t, 'a>(t: &'t Table<'a>) -> impl Iterator<Item = &'t Row<'a>> {
    t.rows.iter().filter(|r| !r.total)
}

#[cfg(test)]
mod tests {
    use crate::reports::params::{parse, RawParams};
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind;

    fn params(kind: ReportKind, args: &[&str]) -> crate::reports::params::Params {
        let mut raw = RawParams::default();
        for a in args {
            raw.push_arg(a).unwrap();
        }
        parse(kind, &raw).unwrap().0
    }

    /// Every chart of every type, over the queue scenario: a value per category in every
    /// series, and a headline figure per label.
    #[test]
    fn every_chart_has_a_value_per_category() {
        let f = crate::reports::queues::tests::scenario();
        let day = crate::reports::queues::tests::DAY;
        for kind in ReportKind::ALL {
            let t = f.table(kind, day[0], day[1], "UTC", &[]).materialize();
            for c in (kind.spec().charts)(&t, &params(kind, &[])) {
                for (name, values) in &c.series {
                    assert_eq!(values.len(), c.categories.len(), "{} {name}", kind.name());
                }
            }
            let figures = (kind.spec().headline)(&t);
            assert!(!figures.is_empty(), "{} has no headline", kind.name());
        }
    }

    /// New York's spring-forward day has 23 hours: a DAY report over it and the next day has
    /// rows 23 hours apart, and is still drawn per day (the granularity asked for, not guessed).
    #[test]
    fn charts_follow_the_granularity_asked_for() {
        let cdr = "session_id,caller,callee,started_at,ended_at\n\
                   A,1,2,2025-03-09T12:00:00-04:00,2025-03-09T12:01:00-04:00\n\
                   B,1,2,2025-03-10T12:00:00-04:00,2025-03-10T12:01:00-04:00\n";
        let f = Fixture::new(&[("cdr", cdr)], 0);
        let (from, to) = ("2025-03-09T00:00:00-05:00", "2025-03-11T00:00:00-04:00");
        let kind = ReportKind::DailyStatistics;
        let ny = "America/New_York";
        let t = f.table(kind, from, to, ny, &[]);
        let charts = (kind.spec().charts)(&t, &params(kind, &[]));
        assert_eq!(charts[0].title, "Calls per day");
        assert_eq!(charts[0].categories, ["Sun 09 Mar", "Mon 10 Mar"]);
        let hourly = ["granularity=HOUR"];
        let t = f.table(kind, from, "2025-03-09T04:00:00-04:00", ny, &hourly);
        let charts = (kind.spec().charts)(&t, &params(kind, &hourly));
        assert_eq!(charts[0].title, "Calls per hour");
        assert_eq!(
            charts[0].categories,
            ["00:00", "01:00", "03:00"],
            "02:00 does not exist"
        );
    }

    /// Every type's declaration is complete and consistent: a name that parses back, a title,
    /// unique columns, parameters that the parser knows.
    #[test]
    fn every_type_declares_itself() {
        for kind in ReportKind::ALL {
            let s = kind.spec();
            assert_eq!(ReportKind::parse(s.name), Ok(kind));
            assert!(!s.title.is_empty());
            let mut cols = s.columns.to_vec();
            cols.sort_unstable();
            cols.dedup();
            assert_eq!(cols.len(), s.columns.len(), "{} repeats a column", s.name);
            for p in s.params {
                // A null value is "not given": only the name is checked.
                let raw = crate::reports::params::RawParams(vec![(
                    p.to_string(),
                    crate::reports::params::RawValue::Json(serde_json::Value::Null),
                )]);
                assert!(
                    crate::reports::params::parse(kind, &raw).is_ok(),
                    "{} {p}",
                    s.name
                );
            }
        }
    }
}
