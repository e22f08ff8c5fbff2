//! `pbx-report build`: one ad-hoc report for an explicit period, to a file or stdout.

use std::io::Write;

use crate::commands::{previous_period, Prepared};
use crate::config::BuildConfig;
use crate::error::{Error, Result};
use crate::input::window::Window;
use crate::output::Staged;
use crate::render;
use crate::reports::params::TimeRange;
use crate::reports::{self, compute};

/// Runs the command.
pub fn run(c: &BuildConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    for w in &c.warnings {
        writeln!(err, "warning: {w}").map_err(Error::stderr)?;
    }
    let window = reports::window(c.request.kind, c.period.from, c.period.to, c.now);
    let agent = c.request.kind.spec().reads_agent_tables();
    // An HTML page compares its headline with the period before (SPEC §6.1): an ad-hoc
    // period's previous one is the same length before it.
    let bounds = (c.period.from, c.period.to, c.period.tz);
    let previous = (c.format == render::Format::Html)
        .then(|| previous_period(c.request.kind, TimeRange::Custom, bounds, c.now));
    let windows = std::iter::once(window).chain(previous.map(|(_, w)| w));
    let opts = (c.load.clone())
        .within(Window::new(windows), None)
        .reading_for([c.request.kind.spec()]);
    let prepared = Prepared::load(&c.data, opts, [c.now])?;
    let slice = prepared.slice(window);
    let ctx = prepared.ctx(slice.as_ref(), c.period, c.now, true);
    let table = compute(&ctx, &c.request)?;
    let quality = prepared.quality(window, agent);
    let previous = match previous {
        Some(((from, to), w)) => {
            prepared.previous_figures(&c.request, (from, to, c.period.tz), w, c.now, true)?
        }
        None => None,
    };
    prepared.report_quality(err)?;
    prepared.warn_if_no_data(c.period.from, c.period.to, c.period.tz, err)?;
    let meta = render::Meta {
        from: c.period.from,
        to: c.period.to,
        tz: c.period.tz,
        schedule_name: None,
        generated: c.now,
        params: &c.request.params,
        quality: &quality,
        previous: previous.as_deref(),
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
