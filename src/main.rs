//! Entry point: parse the command line, run, map the outcome to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use pbx_report::cli::Cli;
use pbx_report::cli::Diagnostics as Format;
use pbx_report::error::Error;
use pbx_report::Diagnostics;

fn main() -> ExitCode {
    pbx_report::allocator::prefer_one_arena();
    let cli = Cli::parse();
    let (quiet, json) = (cli.quiet, cli.warnings == Format::Json);
    let config = match cli.into_config(chrono::Utc::now().timestamp()) {
        Ok(c) => c,
        Err(e) => return fail(&e, json),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = Diagnostics::new(io::stderr(), quiet, json);
    let result = pbx_report::run(config, &mut out, &mut err)
        .and_then(|()| out.flush().map_err(Error::stdout));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not a failure.
        Err(Error::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, json),
    }
}

fn fail(e: &Error, json: bool) -> ExitCode {
    // Every error is one line that already holds its cause.
    let mut err = Diagnostics::new(io::stderr(), false, json);
    let _ = writeln!(err, "error: {e}");
    ExitCode::from(e.exit_code())
}
