//! The command line (SPEC §1) as clap types, and their conversion into a `Config`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, Layout, SampleConfig, ValidateConfig};
use crate::error::{Error, Result};
use crate::input::LoadOptions;
use crate::time::parse_zone;

/// Offline reports from PBX call-detail and agent-session exports.
#[derive(Debug, Parser)]
#[command(name = "pbx-report", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the whole dataset; print rows per table, the time span and every warning.
    #[command(after_help = "Example:\n  pbx-report validate --data samples/data\n\n\
        Exit status: 0 when every row is valid (warnings allowed), 1 on a bad row or file.")]
    Validate {
        /// The dataset directory.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Skip invalid rows, counting them by reason, instead of stopping at the first.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Zone in which to print the time span.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
    },
    /// Write a deterministic synthetic dataset (every table, every rule exercised).
    #[command(
        after_help = "Example:\n  pbx-report sample --out /tmp/data --days 30 --calls-per-day 10000 --layout flat\n\n\
        The same flags always give the same bytes."
    )]
    Sample {
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of days.
        #[arg(long, default_value_t = 3)]
        days: u32,
        /// Average calls per day.
        #[arg(long, default_value_t = 300)]
        calls_per_day: u32,
        /// The call centre's IANA zone.
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
        /// First day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", default_value = "2025-09-28")]
        start: String,
        /// File layout.
        #[arg(long, value_enum, default_value_t = LayoutArg::Mixed)]
        layout: LayoutArg,
    },
}

/// `--layout`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LayoutArg {
    /// Daily CDR files, gzip, JSON, NDJSON, both timestamp forms.
    Mixed,
    /// One CSV per table, Unix seconds.
    Flat,
}

impl Cli {
    /// Checks the arguments and resolves them into a `Config`.
    pub fn into_config(self) -> Result<Config> {
        Ok(match self.command {
            Command::Validate {
                data,
                skip_bad_rows,
                tz,
            } => Config::Validate(ValidateConfig {
                data,
                load: LoadOptions { skip_bad_rows },
                tz: parse_zone(&tz).map_err(Error::Usage)?,
            }),
            Command::Sample {
                out,
                seed,
                days,
                calls_per_day,
                tz,
                start,
                layout,
            } => {
                if days == 0 {
                    return Err(Error::usage("--days must be at least 1"));
                }
                let start = NaiveDate::parse_from_str(&start, "%Y-%m-%d").map_err(|_| {
                    Error::usage(format!("--start \"{start}\" is not a date (YYYY-MM-DD)"))
                })?;
                Config::Sample(SampleConfig {
                    out,
                    seed,
                    days,
                    calls_per_day,
                    tz: parse_zone(&tz).map_err(Error::Usage)?,
                    start,
                    layout: match layout {
                        LayoutArg::Mixed => Layout::Mixed,
                        LayoutArg::Flat => Layout::Flat,
                    },
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
