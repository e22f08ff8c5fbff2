//! `pbx-report jobs validate` and `jobs next`: check a job file; show upcoming fires and the
//! period each would cover.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::jobs;
use crate::time::{format_rfc3339, Ts};

/// `jobs validate`: one line per job; every problem at once (exit 2).
pub fn validate(path: &Path, out: &mut dyn Write) -> Result<()> {
    let jobs = jobs::load(path)?;
    for j in &jobs {
        writeln!(
            out,
            "ok {}: {} {} \"{}\" in {}{}",
            j.id,
            j.kind.name(),
            j.format.name(),
            j.cron_expr,
            j.tz.name(),
            if j.active { "" } else { " (inactive)" }
        )
        .map_err(Error::stdout)?;
        for w in &j.warnings {
            writeln!(out, "   warning: {w}").map_err(Error::stdout)?;
        }
    }
    writeln!(
        out,
        "{} job{} checked",
        jobs.len(),
        if jobs.len() == 1 { "" } else { "s" }
    )
    .map_err(Error::stdout)
}

/// `jobs next`: the next `count` fires of each active job after `after`, with their periods.
pub fn next(path: &Path, after: Ts, count: usize, out: &mut dyn Write) -> Result<()> {
    let jobs = jobs::load(path)?;
    for j in jobs.iter().filter(|j| j.active) {
        for fire in j.next_fires(after, count) {
            let span = match j.period_at(fire) {
                Ok(Some((a, b))) => {
                    format!("{} {}", format_rfc3339(a, j.tz), format_rfc3339(b, j.tz))
                }
                Ok(None) => "(empty period: no report)".to_string(),
                Err(e) => format!("({e})"),
            };
            writeln!(out, "{} {} {span}", j.id, format_rfc3339(fire, j.tz))
                .map_err(Error::stdout)?;
        }
    }
    Ok(())
}
