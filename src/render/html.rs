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
use crate::reports::notes::{formulas, shown};
use crate::reports::params::Params;
use crate::reports::table::{Cell, Row, Table};
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
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a, 't> {
    title: &'a str,
    period: String,
    exact: String,
    schedule_name: Option<&'a str>,
    generated: String,
    params: Vec<(String, String)>,
    charts: Vec<String>,
    rows: OnceRows<'t>,
    total_rows: usize,
    tz: Tz,
    headings: Vec<(String, bool)>,
    notes: Vec<String>,
    rows_read: String,
    skipped: Vec<(String, u64)>,
    warnings: Vec<(String, u64)>,
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
            c => c.render(self.tz),
        }
    }

    fn row_count(&self) -> u64 {
        self.rows.count.get()
    }

    fn seconds(&self, c: &Cell) -> Option<i64> {
        match c {
            Cell::Secs(s) => Some(*s),
            _ => None,
        }
    }

    fn numeric(&self, c: &Cell) -> bool {
        matches!(c, Cell::Int(_) | Cell::Pct(_) | Cell::Money(_))
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
    let words: Vec<&str> = name.split('_').collect();
    let mut out: Vec<String> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let word = match *w {
            "secs" => continue,
            "pct" if i == 0 => "%".to_string(),
            "pct" => "%".to_string(),
            "asa" | "att" | "aht" | "sla" | "id" | "cb" => w.to_uppercase(),
            "avg" => "avg".to_string(),
            w if w.starts_with("st")
                && w[2..].parse::<usize>().is_ok_and(|k| (1..=10).contains(&k)) =>
            {
                let k: usize = w[2..].parse().expect("checked");
                format!("≤{} s", stx[k - 1])
            }
            "over" if words.get(i + 1) == Some(&"st10") => {
                out.push(format!(">{} s", stx[9]));
                break;
            }
            w => w.to_string(),
        };
        out.push(word);
    }
    let mut s = out.join(" ");
    if let Some(first) = s.get(0..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
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

/// Writes the page; returns the number of table rows.
pub fn write(mut t: Table<'_>, m: &Meta<'_>, out: &mut dyn Write) -> io::Result<u64> {
    let total_rows = t.row_count();
    // A streamed table's first row shows which columns are numeric; it is put back in front.
    if t.rows.is_empty() {
        if let Some(first) = t.stream.as_mut().and_then(|s| s.next()) {
            t.rows.push(first);
            t.stream_len -= 1;
        }
    }
    // Charts need every row at hand: only reports short enough to hold all their rows have one.
    let charts: Vec<String> = if t.stream.is_none() {
        (t.kind.spec().charts)(&t, m.params)
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.categories.is_empty())
            .map(|(i, c)| chart::svg(c, &format!("chart{}", i + 1)))
            .collect()
    } else {
        Vec::new()
    };
    // Right-aligned headings: by the column's name, or by a number in its held rows.
    let numeric_name =
        |c: &str| c == "cost" || c == "status_code" || c.ends_with("_secs") || c.ends_with("_pct");
    let numeric_col: Vec<bool> = (0..t.columns.len())
        .map(|k| {
            numeric_name(t.columns[k])
                || t.rows.iter().any(|r| {
                    matches!(
                        r.cells.get(k),
                        Some(Cell::Int(_) | Cell::Secs(_) | Cell::Pct(_) | Cell::Money(_))
                    )
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
    let headings = t
        .columns
        .iter()
        .zip(numeric_col)
        .map(|(c, n)| (heading(c, &m.params.stx), n))
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
        generated: format_rfc3339(m.generated, m.tz),
        params: shown(kind, m.params),
        charts,
        headings,
        rows: OnceRows {
            rows: RefCell::new(Some(Box::new(t.into_rows()))),
            count: Counter::new(0),
        },
        total_rows,
        tz,
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
    Ok(page.row_count())
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

    #[test]
    fn headings_and_durations() {
        assert_eq!(heading("asa_secs", &DEFAULT_STX), "ASA");
        assert_eq!(heading("avg_talk_secs", &DEFAULT_STX), "Avg talk");
        assert_eq!(heading("accepted_st3", &DEFAULT_STX), "Accepted ≤15 s");
        assert_eq!(heading("pct_over_st10", &DEFAULT_STX), "% >100 s");
        assert_eq!(heading("sla_pct", &DEFAULT_STX), "SLA %");
        assert_eq!(
            heading("Off Hook to Login %", &DEFAULT_STX),
            "Off Hook to Login %"
        );
        assert_eq!(duration(0), "0:00:00");
        assert_eq!(duration(3725), "1:02:05");
        assert_eq!(duration(90061), "25:01:01");
    }
}
