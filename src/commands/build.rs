//! `pbx-report build`: one ad-hoc report for an explicit period, to a file or stdout.

use std::io::Write;

use crate::config::BuildConfig;
use crate::error::{Error, Result};
use crate::input;
use crate::model::agents::Timeline;
use crate::model::{Dataset, Facts};
use crate::output::Staged;
use crate::render;
use crate::reports::{compute, Ctx};

/// Runs the command.
pub fn run(c: &BuildConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    for w in &c.warnings {
        writeln!(err, "warning: {w}").map_err(Error::stderr)?;
    }
    let mut ds = input::load(&c.data, c.load)?;
    // The timeline first, so the raw agent rows are freed before the call facts are built.
    let timeline = Timeline::build(&ds, c.now);
    ds.release_agent_rows();
    let facts = Facts::build(&mut ds);
    let ctx = Ctx {
        ds: &ds,
        facts: &facts,
        timeline: &timeline,
        period: c.period,
        now: c.now,
    };
    let table = compute(&ctx, &c.request)?;
    report_quality(&ds, err).map_err(Error::stderr)?;
    let meta = render::Meta {
        from: c.period.from,
        to: c.period.to,
        tz: c.period.tz,
        schedule_name: None,
        generated: c.now,
        params: &c.request.params,
        quality: &ds.quality,
    };
    match &c.out {
        Some(path) => {
            let (staged, _) = Staged::write(path, |w| render::write(table, c.format, &meta, w))?;
            staged.commit()
        }
        None => render::write(table, c.format, &meta, out)
            .map(drop)
            .map_err(Error::stdout),
    }
}

/// Prints skipped rows and warnings, one line per kind, on stderr.
pub fn report_quality(ds: &Dataset, err: &mut dyn Write) -> std::io::Result<()> {
    for (reason, n) in &ds.quality.skipped {
        writeln!(
            err,
            "skipped: {n} row{} ({reason})",
            if *n == 1 { "" } else { "s" }
        )?;
    }
    for (kind, n) in &ds.quality.warnings {
        writeln!(
            err,
            "warning: {kind} ({n} time{})",
            if *n == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
