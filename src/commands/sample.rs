//! `pbx-report sample`: generate a dataset and write it in the chosen layout.

use std::io::Write;

use crate::config::SampleConfig;
use crate::error::{Error, Result};
use crate::sample;

/// Runs the command.
pub fn run(c: &SampleConfig, out: &mut dyn Write) -> Result<()> {
    let summary = sample::write(c)?;
    writeln!(out, "{summary}").map_err(Error::stdout)
}
