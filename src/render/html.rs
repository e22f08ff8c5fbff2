//! HTML output (SPEC §6): one self-contained page per report through askama templates
//! (`templates/`): header, parameters, inline SVG charts, the table with the CSV's values, and a
//! footer stating formulas, thresholds and data quality.

use std::borrow::Cow;
use std::cell::{Cell as Counter, RefCell};
use std::io::{self, Write};

use askama::Template;
use chrono_tz::Tz;

use crate::model::quality::Quality;
use crate::render::{chart, duration};
use crate::reports::histograms::bucket_label;
use crate::reports::notes::{formulas, shown};
use crate::reports::params::Params;
use crate::reports::spec::Figure;
use crate::reports::table::{hundredths, percent_text, Cell, Row, Table};
use crate::reports::ReportKind;
use crate::time::{format_rfc3339, Ts};

/// What a page says besides the table.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    /// Period start.
    pub from: Ts,
    /// Period end (exclusive).
    pub to: Ts,
    /// The report's zone.
    pub tz: Tz,
    /// The job's schedule name (jobs only).
    pub schedule_name: Option<&'a str>,
    /// The fire time of a job, or "now" of an ad-hoc build.
    pub generated: Ts,
    /// The parameters in force.
    pub params: &'a Params,
    /// The dataset's quality counts.
    pub quality: &'a Quality,
    /// The headline figures of the previous period (SPEC §6.1), when it had data.
    pub previous: Option<&'a [Figure]>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a, 't> {
    title: &'a str,
    period: String,
    exact: String,
    schedule_name: Option<&'a str>,
    /// What the page's time is: (`Scheduled`, the fire time) or (`Built for`, `--now …`).
    when: (&'static str, String),
    params: Vec<(String, String)>,
    tiles: Vec<Tile>,
    charts: Vec<String>,
    /// `No calls in this period.` where charts would be empty.
    empty: Option<&'static str>,
    /// `12,345 rows not shown: …` when `html_max_rows` cut the table.
    banner: Option<String>,
    rows: OnceRows<'t>,
    total_rows: String,
    shown_rows: String,
    /// Some rows are left out (`html_max_rows`).
    cut: bool,
    tz: Tz,
    /// The columns whose cells are held to a target.
    targets: Vec<(usize, Target)>,
    /// Text cells that read as numbers are right-aligned (AGENT_SESSION_REPORT_RAW).
    text_numbers: bool,
    headings: Vec<(String, bool)>,
    /// Many columns: a smaller, tighter table, so it fits a 1400 px screen.
    dense: bool,
    /// A heading row of column groups above `headings` (histogram buckets), when any.
    groups: Vec<(&'static str, usize)>,
    notes: Vec<String>,
    rows_read: String,
    skipped: Vec<(String, u64)>,
    warnings: Vec<(String, u64)>,
}

/// A headline figure as the page's header band shows it.
struct Tile {
    label: &'static str,
    value: String,
    /// `Some(true)`: meets its target; `Some(false)`: misses it.
    met: Option<bool>,
    /// The target in words (`target ≥ 80 %`).
    target: String,
    /// The change from the previous period (`▲ 3.20 pts`) and the previous value.
    change: Option<(String, String)>,
}

/// A figure's change from the previous period: percentages in points, counts and seconds in
/// their unit; `None` where the two are not comparable (an empty cell).
fn change(now: &Cell, before: &Cell, tz: Tz) -> Option<(String, String)> {
    let (a, b, unit) = match (now, before) {
        (Cell::Pct(a), Cell::Pct(b)) => (*a, *b, " pts"),
        (Cell::Int(a), Cell::Int(b)) => (*a, *b, ""),
        (Cell::Secs(a), Cell::Secs(b)) => (*a, *b, " s"),
        _ => return None,
    };
    let d = a - b;
    let size = match now {
        Cell::Pct(_) => hundredths(d.abs()),
        Cell::Secs(s) if d.abs() >= 60 || *s >= 60 => duration(d.abs()),
        _ => grouped(d.abs()),
    };
    // A duration shown as h:mm:ss carries no unit; whole seconds do.
    let unit = if unit == " s" && size.contains(':') {
        ""
    } else {
        unit
    };
    let arrow = match d.signum() {
        1 => "▲ +",
        -1 => "▼ −",
        _ => "= ",
    };
    Some((format!("{arrow}{size}{unit}"), tile_value(before, tz)))
}

/// A figure's target (SPEC §6.1): an SLA at least, an abandon rate at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    AtLeast(i64),
    AtMost(i64),
}

impl Target {
    /// The target a figure or column is held to, by its name, in the reports that take
    /// targets (the queue reports).
    fn of(name: &str, p: &Params, applies: bool) -> Option<Target> {
        if !applies {
            return None;
        }
        match name {
            "SLA" | "sla_pct" => Some(Target::AtLeast(p.sla_target)),
            "Abandon rate" | "abandon_rate_pct" => Some(Target::AtMost(p.abandon_target)),
            _ => None,
        }
    }

    fn met(self, value: i64) -> bool {
        match self {
            Target::AtLeast(t) => value >= t,
            Target::AtMost(t) => value <= t,
        }
    }

    fn words(self) -> String {
        // `80 %`, `92.5 %`: a target is written as it was set.
        let pct = |h: i64| format!("{} %", percent_text(h));
        match self {
            Target::AtLeast(t) => format!("target ≥ {}", pct(t)),
            Target::AtMost(t) => format!("target ≤ {}", pct(t)),
        }
    }

    /// The text mark of a cell that misses: which way it misses.
    fn mark(self) -> &'static str {
        match self {
            Target::AtLeast(_) => "▼",
            Target::AtMost(_) => "▲",
        }
    }
}

/// A text cell that reads as a number (`5.26%`, `110.78`, `0:05:00`): AGENT_SESSION_REPORT_RAW
/// writes its figures as RingCentral's text, and numbers are right-aligned wherever they are.
fn numeric_text(c: &Cell) -> bool {
    let Some(s) = text_of(c) else { return false };
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b".,%:-".contains(&b))
}

/// A text cell that reads as a date and time (`11/3/25 8:01 AM`).
fn date_text(c: &Cell) -> bool {
    text_of(c).is_some_and(|s| {
        s.contains('/') && s.contains(':') && s.bytes().any(|b| b.is_ascii_digit())
    })
}

/// A text cell's text.
fn text_of<'c>(c: &'c Cell) -> Option<&'c str> {
    match c {
        Cell::Text(s) => Some(s),
        Cell::Shared(s) => Some(s),
        _ => None,
    }
}

/// `11746` → `11,746` (SPEC §6.1: HTML text only, never CSV).
pub(crate) fn grouped(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A figure's value for a tile: counts grouped, percentages and seconds with their unit.
fn tile_value(c: &Cell, tz: Tz) -> String {
    match c {
        Cell::Int(v) => grouped(*v),
        Cell::Pct(h) => format!("{} %", hundredths(*h)),
        Cell::Secs(s) if *s < 60 => format!("{s} s"),
        Cell::Secs(s) => duration(*s),
        Cell::Empty => "–".to_string(),
        c => c.render(tz).into_owned(),
    }
}

/// The table's rows, iterated once by the template as it writes them, counted on the way.
struct OnceRows<'a> {
    rows: RefCell<Option<Box<dyn Iterator<Item = Row<'a>> + 'a>>>,
    count: Counter<u64>,
}

/// The iterator the template's `for` loop gets.
struct Counting<'r, 'a> {
    inner: Option<Box<dyn Iterator<Item = Row<'a>> + 'a>>,
    count: &'r Counter<u64>,
}

impl<'a> Iterator for Counting<'_, 'a> {
    type Item = Row<'a>;

    fn next(&mut self) -> Option<Row<'a>> {
        let row = self.inner.as_mut()?.next()?;
        self.count.set(self.count.get() + 1);
        Some(row)
    }
}

impl<'r, 'a> IntoIterator for &'r OnceRows<'a> {
    type Item = Row<'a>;
    type IntoIter = Counting<'r, 'a>;

    fn into_iter(self) -> Counting<'r, 'a> {
        Counting {
            inner: self.rows.borrow_mut().take(),
            count: &self.count,
        }
    }
}

impl Page<'_, '_> {
    fn text<'c>(&self, c: &'c Cell) -> Cow<'c, str> {
        match c {
            Cell::Secs(s) => Cow::Owned(duration(*s)),
            Cell::Int(v) if v.unsigned_abs() >= 1000 => Cow::Owned(grouped(*v)),
            c => c.render(self.tz),
        }
    }

    /// A data cell's attributes: right-aligned numbers; the CSV's value in `data-v` wherever
    /// the text differs from it (durations, grouped thousands, a target's mark).
    fn attrs(&self, col: &usize, c: &Cell) -> String {
        let missed = self.missed(col, c).is_some();
        let class = if missed { "n miss" } else { "n" };
        match c {
            Cell::Secs(s) => format!(" class=\"{class}\" title=\"{s} s\" data-v=\"{s}\""),
            Cell::Int(v) if v.unsigned_abs() >= 1000 => {
                format!(" class=\"{class}\" data-v=\"{v}\"")
            }
            Cell::Pct(h) if missed => format!(" class=\"{class}\" data-v=\"{}\"", hundredths(*h)),
            Cell::Int(_) | Cell::Pct(_) | Cell::Money(_) => format!(" class=\"{class}\""),
            c if self.text_numbers && numeric_text(c) => " class=\"n\"".to_string(),
            // RingCentral's `11/3/25 8:01 AM`, written as text: a time, so it does not wrap.
            c if self.text_numbers && date_text(c) => " class=\"t\"".to_string(),
            // Times never wrap (at their hyphens), unlike names.
            Cell::Time(_) | Cell::Date(_) => " class=\"t\"".to_string(),
            _ => String::new(),
        }
    }

    /// The grand TOTAL (its first cell says TOTAL), set apart from a group's TOTAL (which keeps
    /// its group's id there).
    fn grand(&self, row: &Row) -> bool {
        matches!(row.cells.first(), Some(Cell::Text(t)) if t == "TOTAL")
    }

    /// The mark and its words when the cell misses its column's target.
    fn missed(&self, col: &usize, c: &Cell) -> Option<(&'static str, String)> {
        let Cell::Pct(h) = c else { return None };
        let (_, target) = self.targets.iter().find(|(k, _)| k == col)?;
        (!target.met(*h)).then(|| (target.mark(), format!("misses the {}", target.words())))
    }
}

/// A column heading a reader understands (`asa_secs` → `ASA`, `accepted_st3` → `Accepted ≤15 s`).
fn heading(name: &str, stx: &[i64; 10]) -> String {
    if name.contains(' ') || name.starts_with('%') {
        return name.to_string(); // AGENT_SESSION_REPORT_RAW's headers are already human.
    }
    if name == "sla_secs" {
        return "SLA (s)".to_string(); // a threshold, printed in seconds
    }
    let mut s = match bucket(name) {
        Some((measure, k)) => {
            let measure = if measure == "pct" { "%" } else { measure };
            format!("{measure} {}", bucket_label(stx, k))
        }
        None => name
            .split('_')
            .filter(|w| *w != "secs")
            .map(|w| match w {
                "pct" => "%".to_string(),
                "asa" | "att" | "aht" | "sla" | "id" | "cb" => w.to_uppercase(),
                w => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    if let Some(first) = s.get(0..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

/// A histogram bucket column: what it measures and its bucket (`accepted_st3` →
/// `("accepted", 3)`, `pct_over_st10` → `("pct", 11)`, the bucket past the last threshold).
fn bucket(name: &str) -> Option<(&str, usize)> {
    let (measure, rest) = name.split_once('_')?;
    let k = match rest {
        "over_st10" => 11,
        r => r
            .strip_prefix("st")?
            .parse()
            .ok()
            .filter(|k| (1..=10).contains(k))?,
    };
    Some((measure, k))
}

/// The group a histogram column belongs to (SPEC §6.1: secondary columns grouped), so its own
/// heading can be just the bucket's range: `accepted_st3` is under `Accepted, by wait`.
fn group(name: &str, columns: &[&str]) -> Option<&'static str> {
    match bucket(name)?.0 {
        "accepted" => Some("Accepted, by wait (seconds)"),
        "abandoned" => Some("Abandoned, by wait (seconds)"),
        "pct" if columns.contains(&"accepted_st1") => Some("% of accepted, by wait (seconds)"),
        "pct" => Some("% of abandoned, by wait (seconds)"),
        _ => None,
    }
}

/// The heading row above the columns' own: runs of columns of one group under one cell, the
/// other columns under empty ones. Empty when no column has a group.
fn groups(columns: &[&str]) -> Vec<(&'static str, usize)> {
    let mut out: Vec<(&'static str, usize)> = Vec::new();
    for c in columns {
        let g = group(c, columns).unwrap_or("");
        match out.last_mut() {
            Some((last, n)) if *last == g && !g.is_empty() => *n += 1,
            _ => out.push((g, 1)),
        }
    }
    if out.iter().all(|(g, _)| g.is_empty()) {
        out.clear();
    }
    out
}

/// A bucket column's range in seconds, the unit being in its group's heading (`accepted_st2`
/// → `6–10`, `pct_over_st10` → `>\u{a0}100`; no space or dash to break at).
fn bucket_heading(name: &str, stx: &[i64; 10]) -> String {
    let label = bucket_label(stx, bucket(name).map_or(0, |(_, k)| k));
    label
        .strip_suffix(" s")
        .unwrap_or(&label)
        .replace(' ', "\u{a0}")
        .replace('–', "–\u{2060}")
}

/// `Sun 2 Nov 2025` for one local day, else `Sun 2 Nov 2025 00:00 – Mon 3 Nov 2025 06:00`, with
/// the zone.
pub(crate) fn human_period(from: Ts, to: Ts, tz: Tz) -> String {
    let (a, b) = (crate::time::zoned(from, tz), crate::time::zoned(to, tz));
    let day = crate::time::local_date(from, tz);
    let one_day = crate::time::day_start(day, tz) == from
        && day
            .succ_opt()
            .is_some_and(|d| crate::time::day_start(d, tz) == to);
    if one_day {
        format!("{} ({})", a.format("%A %-d %B %Y"), tz.name())
    } else {
        format!(
            "{} – {} ({})",
            a.format("%a %-d %b %Y %H:%M"),
            b.format("%a %-d %b %Y %H:%M"),
            tz.name()
        )
    }
}

/// Writes the page; returns the number of table rows (all of them, shown or not).
pub fn write(mut t: Table<'_>, m: &Meta<'_>, out: &mut dyn Write) -> io::Result<u64> {
    let total_rows = t.row_count();
    let spec = t.kind.spec();
    let capped = spec.params.contains(&"html_max_rows");
    let shown_rows = if capped {
        total_rows.min(m.params.html_max_rows)
    } else {
        total_rows
    };
    let takes_targets = spec.params.contains(&"sla_target_pct");
    let figures = (spec.headline)(&t);
    let tiles: Vec<Tile> = figures
        .iter()
        .map(|f| {
            let target = Target::of(f.label, m.params, takes_targets);
            let met = match (target, &f.value) {
                (Some(t), Cell::Pct(h)) => Some(t.met(*h)),
                _ => None,
            };
            let before = m
                .previous
                .and_then(|p| p.iter().find(|b| b.label == f.label));
            Tile {
                label: f.label,
                value: tile_value(&f.value, t.tz),
                met,
                target: target.map(Target::words).unwrap_or_default(),
                change: before.and_then(|b| change(&f.value, &b.value, t.tz)),
            }
        })
        .collect();
    let nothing = crate::reports::spec::no_data(&t, &figures);
    let agent_activity = matches!(
        t.kind,
        ReportKind::AgentDetailsActivity
            | ReportKind::AgentSummaryActivity
            | ReportKind::AgentNotReadyCode
            | ReportKind::AgentSessionReportRaw
    );
    let empty = nothing.then_some(if agent_activity {
        "No agent activity in this period."
    } else {
        "No calls in this period."
    });
    let targets: Vec<(usize, Target)> = t
        .columns
        .iter()
        .enumerate()
        .filter_map(|(k, c)| Some((k, Target::of(c, m.params, takes_targets)?)))
        .collect();
    // A streamed table's first row shows which columns are numeric; it is put back in front.
    if t.rows.is_empty() {
        if let Some(first) = t.stream.as_mut().and_then(|s| s.next()) {
            t.rows.push(first);
            t.stream_len -= 1;
        }
    }
    // Charts need every row at hand: only reports short enough to hold all their rows have
    // one; a streamed report may have drawn a timeline while computing.
    let mut charts: Vec<String> = Vec::new();
    if !nothing {
        charts.extend(t.timeline.iter().map(|tl| chart::timeline(tl, "timeline")));
        if t.stream.is_none() {
            charts.extend(
                (t.kind.spec().charts)(&t, m.params)
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.categories.is_empty())
                    .map(|(i, c)| chart::svg(c, &format!("chart{}", i + 1))),
            );
        }
    }
    // Right-aligned headings: by the column's name, or by a number in its held rows (in
    // AGENT_SESSION_REPORT_RAW, numbers written as text; elsewhere text is ids and names).
    let text_numbers = t.kind == ReportKind::AgentSessionReportRaw;
    let numeric_name =
        |c: &str| c == "cost" || c == "status_code" || c.ends_with("_secs") || c.ends_with("_pct");
    let numeric_col: Vec<bool> = (0..t.columns.len())
        .map(|k| {
            numeric_name(t.columns[k])
                || t.rows.iter().any(|r| {
                    matches!(
                        r.cells.get(k),
                        Some(Cell::Int(_) | Cell::Secs(_) | Cell::Pct(_) | Cell::Money(_))
                    ) || (text_numbers && r.cells.get(k).is_some_and(numeric_text))
                })
        })
        .collect();
    let rows_read: Vec<String> = m
        .quality
        .tables
        .iter()
        .map(|(table, s)| format!("{table} {}", s.rows))
        .collect();
    let (kind, tz) = (t.kind, t.tz);
    let groups = groups(t.columns);
    let headings = t
        .columns
        .iter()
        .zip(numeric_col)
        .map(|(c, n)| match group(c, t.columns) {
            // Under its group's heading, a bucket column says only its range.
            Some(_) => (bucket_heading(c, &m.params.stx), n),
            None => (heading(c, &m.params.stx), n),
        })
        .collect();
    let page = Page {
        title: kind.title(),
        period: human_period(m.from, m.to, m.tz),
        exact: format!(
            "{} to {}",
            format_rfc3339(m.from, m.tz),
            format_rfc3339(m.to, m.tz)
        ),
        schedule_name: m.schedule_name.filter(|s| !s.is_empty()),
        // The wall clock never enters the page: it says which instant it was made for.
        when: match m.schedule_name {
            Some(_) => (
                "Scheduled",
                format!(
                    "{} {}",
                    crate::time::zoned(m.generated, m.tz).format("%Y-%m-%d %H:%M"),
                    m.tz.name()
                ),
            ),
            None => (
                "Built for",
                format!("--now {}", format_rfc3339(m.generated, m.tz)),
            ),
        },
        params: shown(kind, m.params),
        tiles,
        charts,
        empty,
        banner: (shown_rows < total_rows).then(|| {
            format!(
                "{} rows not shown: the CSV and XLSX formats hold every row (html_max_rows = {}).",
                grouped((total_rows - shown_rows) as i64),
                grouped(shown_rows as i64)
            )
        }),
        dense: t.columns.len() > 24,
        headings,
        groups,
        rows: OnceRows {
            rows: RefCell::new(Some(Box::new(t.into_rows().take(shown_rows)))),
            count: Counter::new(0),
        },
        total_rows: grouped(total_rows as i64),
        shown_rows: grouped(shown_rows as i64),
        cut: shown_rows < total_rows,
        tz,
        targets,
        text_numbers,
        notes: formulas(kind, m.params),
        rows_read: if rows_read.is_empty() {
            "none".into()
        } else {
            rows_read.join(", ")
        },
        skipped: m
            .quality
            .skipped
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        warnings: m
            .quality
            .warnings
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
    };
    let mut buffered = io::BufWriter::with_capacity(256 * 1024, out);
    page.write_into(&mut buffered)?;
    buffered.flush()?;
    debug_assert_eq!(page.rows.count.get(), shown_rows as u64);
    Ok(total_rows as u64)
}

/// The page as bytes.
pub fn render(t: Table<'_>, m: &Meta<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write(t, m, &mut out).expect("writing into memory does not fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::params::DEFAULT_STX;

    /// Histogram buckets sit under a group heading and say only their range.
    #[test]
    fn bucket_columns_are_grouped_under_one_heading() {
        let cols = [
            "queue",
            "accepted",
            "accepted_st1",
            "accepted_st2",
            "accepted_over_st10",
            "pct_st1",
            "pct_over_st10",
        ];
        assert_eq!(
            groups(&cols),
            [
                ("", 1),
                ("", 1),
                ("Accepted, by wait (seconds)", 3),
                ("% of accepted, by wait (seconds)", 2)
            ]
        );
        assert!(groups(&["queue", "offered"]).is_empty());
        assert_eq!(bucket_heading("accepted_st2", &DEFAULT_STX), "6–\u{2060}10");
        assert_eq!(bucket_heading("pct_over_st10", &DEFAULT_STX), ">\u{a0}100");
        assert_eq!(
            group("pct_st3", &["abandoned_st1"]),
            Some("% of abandoned, by wait (seconds)")
        );
    }

    #[test]
    fn headings_and_durations() {
        assert_eq!(heading("asa_secs", &DEFAULT_STX), "ASA");
        assert_eq!(heading("avg_talk_secs", &DEFAULT_STX), "Avg talk");
        assert_eq!(heading("accepted_st1", &DEFAULT_STX), "Accepted 0–5 s");
        assert_eq!(heading("accepted_st3", &DEFAULT_STX), "Accepted 11–15 s");
        assert_eq!(heading("pct_over_st10", &DEFAULT_STX), "% > 100 s");
        assert_eq!(heading("sla_pct", &DEFAULT_STX), "SLA %");
        assert_eq!(
            heading("Off Hook to Login %", &DEFAULT_STX),
            "Off Hook to Login %"
        );
        assert_eq!(
            [0, 999, 1000, 11746, -1234567].map(grouped),
            ["0", "999", "1,000", "11,746", "-1,234,567"]
        );
        let p = Params {
            sla_target: 8000,
            abandon_target: 550,
            ..Params::default()
        };
        let sla = Target::of("sla_pct", &p, true).unwrap();
        assert!(sla.met(8000) && !sla.met(7999) && sla.words() == "target ≥ 80 %");
        let abandon = Target::of("Abandon rate", &p, true).unwrap();
        assert!(abandon.met(550) && !abandon.met(551) && abandon.words() == "target ≤ 5.5 %");
        assert_eq!(Target::of("sla_pct", &p, false), None);
        assert_eq!(duration(0), "0:00:00");
        assert_eq!(duration(3725), "1:02:05");
        assert_eq!(duration(90061), "25:01:01");
    }
}
