//! `pbx-report validate`: read the whole dataset, print rows per table, the time span, the
//! derived counts and every warning grouped by kind.

use std::io::Write;

use crate::config::ValidateConfig;
use crate::error::{Error, Result};
use crate::input;
use crate::model::{Dataset, Facts};
use crate::time::{format_rfc3339, Ts};

/// Runs the command.
pub fn run(c: &ValidateConfig, out: &mut dyn Write) -> Result<()> {
    let mut ds = input::load(&c.data, c.load.clone())?;
    let facts = Facts::build(&mut ds);
    report(&ds, &facts, c, out).map_err(Error::stdout)
}

/// The earliest and latest instants of the dataset: CDR legs and agent sessions.
pub fn time_span(ds: &Dataset) -> Option<(Ts, Ts)> {
    let legs = ds.legs.iter().map(|l| (l.started_at, l.ended_at()));
    let sessions = ds
        .agent_sessions
        .iter()
        .flatten()
        .map(|s| (s.login_at, s.logout_at.unwrap_or(s.login_at)));
    legs.chain(sessions)
        .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)))
}

fn report(
    ds: &Dataset,
    facts: &Facts,
    c: &ValidateConfig,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<16} {:>6} {:>10} {:>8}",
        "table", "files", "rows", "skipped"
    )?;
    for (table, stats) in table_order(ds) {
        match stats {
            Some(s) => writeln!(
                out,
                "{table:<16} {:>6} {:>10} {:>8}",
                s.files, s.rows, s.skipped
            )?,
            None => writeln!(out, "{table:<16} {:>6} {:>10} {:>8}", "-", "absent", "-")?,
        }
    }
    match time_span(ds) {
        Some((a, b)) => writeln!(
            out,
            "time span: {} .. {} ({})",
            format_rfc3339(a, c.tz),
            format_rfc3339(b, c.tz),
            c.tz.name()
        )?,
        None => writeln!(out, "time span: none (no rows)")?,
    }
    let open = ds
        .agent_sessions
        .iter()
        .flatten()
        .filter(|s| s.logout_at.is_none())
        .count();
    writeln!(
        out,
        "calls: {}; queue entries: {}; ring-group entries: {}; callback requests: {}; open login sessions: {}",
        facts.calls.calls.len(),
        facts.queue.entries.len(),
        facts.groups.entries.len(),
        facts.callbacks.requests.len(),
        open
    )?;
    let q = &ds.quality;
    if q.skipped.is_empty() {
        writeln!(out, "skipped rows: none")?;
    } else {
        writeln!(out, "skipped rows: {}", q.skipped_count())?;
        for (reason, n) in &q.skipped {
            writeln!(out, "  {n:>8}  {reason}")?;
        }
    }
    if q.warnings.is_empty() {
        writeln!(out, "warnings: none")?;
    } else {
        writeln!(out, "warnings: {}", q.warning_count())?;
        for (kind, n) in &q.warnings {
            writeln!(out, "  {n:>8}  {kind}")?;
        }
    }
    Ok(())
}

fn table_order(ds: &Dataset) -> Vec<(&'static str, Option<&crate::model::quality::TableStats>)> {
    crate::model::TableName::ALL
        .iter()
        .map(|t| (t.as_str(), ds.quality.tables.get(t)))
        .collect()
}
