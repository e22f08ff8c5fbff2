//! `pbx-report`: offline report generator for PortSIP-style PBX and contact-centre exports.
//!
//! The pipeline: `input` reads a dataset directory into a `model::Dataset`; `model` derives the
//! facts of SPEC §3; commands turn them into output. `main.rs` only parses arguments, calls
//! [`run`] and maps errors to exit codes.

pub mod allocator;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dataflow;
pub mod decimal;
pub mod delivery;
pub mod error;
pub mod input;
pub mod jobs;
pub mod model;
pub mod output;
pub mod plan;
pub mod render;
pub mod reports;
pub mod sample;
pub mod schedule;
pub mod time;

use std::io::Write;

use config::Config;
use error::Result;

/// Runs one command, writing its normal output to `out` and diagnostics to `err`.
pub fn run(config: Config, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    match config {
        Config::Build(c) => commands::build::run(&c, out, err),
        Config::Run(c) => commands::run::run(&c, out, err),
        Config::Query(c) => commands::query::run(&c, out, err),
        Config::JobsValidate { jobs } => commands::jobs::validate(&jobs, out),
        Config::JobsNext { jobs, after, count } => commands::jobs::next(&jobs, after, count, out),
        Config::LogsList { out: dir } => commands::logs::list(&dir, out),
        Config::LogsDelete { out: dir, id, wait } => {
            commands::logs::delete(&dir, &id, wait, out, err)
        }
        Config::LogsResend {
            out: dir,
            id,
            wait,
            mail,
        } => commands::logs::resend(&dir, &id, wait, &mail, out, err),
        Config::Validate(c) => commands::validate::run(&c, out),
        Config::Sample(c) => commands::sample::run(&c, out),
        Config::Completions(shell) => {
            let mut cmd = <cli::Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "pbx-report", out);
            Ok(())
        }
        Config::Man => {
            let cmd = <cli::Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(out)
                .map_err(error::Error::stdout)
        }
    }
}

/// Standard error as the commands write it: with `--quiet` only its `error:` lines (the
/// warnings, deferred fires and summary are dropped); with `--warnings json` each line as a
/// JSON object `{"level": ..., "message": ...}`.
pub struct Diagnostics<W: Write> {
    inner: W,
    quiet: bool,
    json: bool,
    /// The line being written, when lines are filtered or rewritten.
    line: Vec<u8>,
}

impl<W: Write> Diagnostics<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, quiet: bool, json: bool) -> Self {
        Diagnostics {
            inner,
            quiet,
            json,
            line: Vec::new(),
        }
    }

    fn emit(&mut self) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line).into_owned();
        let text = text.trim_end_matches('\n');
        let (level, message) = match text.split_once(": ") {
            Some((l @ ("error" | "warning" | "skipped" | "deferred"), m)) => (l, m),
            _ if text.contains(" written, ") => ("summary", text),
            _ => ("info", text),
        };
        if self.quiet && level != "error" {
            return Ok(());
        }
        if self.json {
            let v = serde_json::json!({ "level": level, "message": message });
            writeln!(self.inner, "{v}")
        } else {
            writeln!(self.inner, "{text}")
        }
    }
}

impl<W: Write> Write for Diagnostics<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.quiet && !self.json {
            return self.inner.write(buf);
        }
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                self.emit()?;
                self.line.clear();
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
