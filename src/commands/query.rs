//! `pbx-report query OPERATION`: a Dataflow analytics query answered from the dataset, printed
//! as the API's JSON.

use std::io::Write;

use crate::config::QueryConfig;
use crate::dataflow;
use crate::error::{Error, Result};
use crate::input;
use crate::model::Facts;

/// Runs the command.
pub fn run(c: &QueryConfig, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let mut ds = input::load(&c.data, c.load)?;
    let facts = Facts::build(&mut ds);
    let value = dataflow::answer(&ds, &facts, &c.query)?;
    crate::commands::build::report_quality(&ds, err).map_err(Error::stderr)?;
    let mut bytes = if c.pretty {
        serde_json::to_vec_pretty(&value).expect("JSON values serialise")
    } else {
        serde_json::to_vec(&value).expect("JSON values serialise")
    };
    bytes.push(b'\n');
    out.write_all(&bytes).map_err(Error::stdout)
}
