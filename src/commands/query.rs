//! `pbx-report query OPERATION`: a Dataflow analytics query answered from the dataset, printed
//! as the API's JSON.

use std::io::Write;

use crate::commands::Prepared;
use crate::config::QueryConfig;
use crate::dataflow;
use crate::error::{Error, Result};
use crate::input::window::Window;

/// Runs the command.
pub fn run(c: &QueryConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    // A request for a period reads the period's window (SPEC §3): the period ± 24 h.
    let opts = match dataflow::period(&c.query) {
        Some((from, to)) => c
            .load
            .clone()
            .within(Window::new([(from - 86_400, to + 86_400)]), None),
        None => c.load.clone(),
    };
    let prepared = Prepared::load(&c.data, opts, [c.query.now])?;
    let value = dataflow::answer(&prepared, &c.query)?;
    prepared.report_quality(err)?;
    if let Some((from, to)) = dataflow::period(&c.query) {
        prepared.warn_if_no_data(from, to, chrono_tz::Tz::UTC, err)?;
    }
    let bytes = if c.pretty {
        serde_json::to_vec_pretty(&value)
    } else {
        serde_json::to_vec(&value)
    };
    let mut bytes = bytes.map_err(|e| Error::stdout(e.into()))?;
    bytes.push(b'\n');
    out.write_all(&bytes).map_err(Error::stdout)
}
