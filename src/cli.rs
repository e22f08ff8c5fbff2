//! The command line (SPEC §1) as clap types, and their conversion into a `Config`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{
    BuildConfig, Config, Layout, RunConfig, RunMode, SampleConfig, ValidateConfig,
};
use crate::error::{Error, Result};
use crate::input::LoadOptions;
use crate::reports::params::{self, RawParams};
use crate::reports::{Criteria, Period, ReportKind, Request};
use crate::time::{parse_instant, parse_zone, Ts};

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
    /// Run every job due now (with catch-up); write reports and the report log.
    #[command(after_help = "Example (nightly, from cron or a systemd timer):\n  \
        pbx-report run --jobs /etc/pbx-report/jobs.toml --data /var/lib/pbx/export --out /srv/reports\n\n\
        Each job fires at the times of its cron expression in its zone. A job already run fires the\n\
        times missed since its last logged run (catch_up = latest: only the newest; all: each);\n\
        a job never run fires its latest time. Running again with the same --now writes nothing.\n\
        Exit status 1 when any report failed; the others are still written.")]
    Run {
        /// The job file (TOML or JSON).
        #[arg(long, value_name = "FILE")]
        jobs: PathBuf,
        /// The dataset directory.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// The output directory (reports and report_log.json).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// "Now" (default: the wall clock).
        #[arg(long, value_name = "T")]
        now: Option<String>,
        /// Skip invalid rows, counting them by reason, instead of stopping at the first.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Produce every scheduled run whose fire time is in [from, to), as if each had run on time.
    #[command(
        after_help = "Example:\n  pbx-report backfill --jobs jobs.toml --data data --out reports \\\n    \
        --from 2025-09-01T00:00:00+08:00 --to 2025-10-01T00:00:00+08:00 --job daily-queues"
    )]
    Backfill {
        /// The job file (TOML or JSON).
        #[arg(long, value_name = "FILE")]
        jobs: PathBuf,
        /// The dataset directory.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// The output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// First fire time included (RFC 3339 with an offset).
        #[arg(long, value_name = "T")]
        from: String,
        /// Fire times before this (RFC 3339 with an offset).
        #[arg(long, value_name = "T")]
        to: String,
        /// Only this job (repeatable; default: every active job).
        #[arg(long = "job", value_name = "ID")]
        job: Vec<String>,
        /// Skip invalid rows, counting them by reason, instead of stopping at the first.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Check a job file, or list upcoming fires.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// The report log of an output directory.
    #[command(subcommand)]
    Logs(LogsCommand),
    /// Compute one report for an explicit period.
    #[command(after_help = "Examples:\n  \
        pbx-report build --type QUEUESUMMARY --data samples/data --from 2025-11-03T00:00:00-05:00 \\\n      \
        --to 2025-11-04T00:00:00-05:00 --tz America/New_York --param queues=8000:20,8001:30 -o queues.csv\n  \
        pbx-report build --request request.json --data samples/data --now 2025-11-05T00:00:00Z\n\n\
        Lists are comma-separated (--param agents=1001,1002); QUEUESUMMARY's map is queues=8000:20;\n\
        stx is ten ascending integers; extensions use 1000-2000;1600. --params FILE reads a JSON or\n\
        TOML object with the same keys; --param wins over --params.")]
    Build {
        /// Report type (USERSTATISTICS, QUEUESUMMARY, ... AGENT_SESSION_REPORT_RAW).
        #[arg(long = "type", value_name = "TYPE")]
        kind: Option<String>,
        /// The dataset directory.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Period start, RFC 3339 with an offset.
        #[arg(long, value_name = "T")]
        from: Option<String>,
        /// Period end (exclusive), RFC 3339 with an offset.
        #[arg(long, value_name = "T")]
        to: Option<String>,
        /// The report's IANA zone (days, hours, printed timestamps).
        #[arg(long, value_name = "ZONE", default_value = "UTC")]
        tz: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
        format: FormatArg,
        /// A parameter, KEY=VALUE (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        param: Vec<String>,
        /// A JSON or TOML file of parameters.
        #[arg(long = "params", value_name = "FILE")]
        params_file: Option<PathBuf>,
        /// A RingCentral reportsStreaming request body: AGENT_SESSION_REPORT_RAW with its criteria.
        #[arg(long, value_name = "FILE")]
        request: Option<PathBuf>,
        /// "Now" for open agent sessions (default: the wall clock).
        #[arg(long, value_name = "T")]
        now: Option<String>,
        /// Write to FILE (atomically) instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Skip invalid rows, counting them by reason, instead of stopping at the first.
        #[arg(long)]
        skip_bad_rows: bool,
    },
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

/// `pbx-report jobs ...`.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Parse and check a job file; one line per job; exit 2 listing every problem.
    #[command(after_help = "Example:\n  pbx-report jobs validate --jobs samples/jobs.toml")]
    Validate {
        /// The job file (TOML or JSON).
        #[arg(long, value_name = "FILE")]
        jobs: PathBuf,
    },
    /// The next fires of each active job with the period each would cover (job's zone).
    #[command(
        after_help = "Example:\n  pbx-report jobs next --jobs samples/jobs.toml --after 2025-11-05T00:00:00Z --count 3"
    )]
    Next {
        /// The job file (TOML or JSON).
        #[arg(long, value_name = "FILE")]
        jobs: PathBuf,
        /// List fires after this (default: now).
        #[arg(long, value_name = "T")]
        after: Option<String>,
        /// Fires per job.
        #[arg(long, default_value_t = 5)]
        count: usize,
    },
}

/// `pbx-report logs ...`.
#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// List the report log, oldest first.
    #[command(after_help = "Example:\n  pbx-report logs list --out reports")]
    List {
        /// The output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Delete one log entry and its report file (the period is produced again by the next run
    /// or backfill that covers it).
    #[command(after_help = "Example:\n  pbx-report logs delete --out reports 3f2a9c0d1e2b4a5f")]
    Delete {
        /// The output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The entry id (see `logs list`).
        id: String,
    },
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values.
    Csv,
    /// A self-contained HTML page with charts.
    Html,
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
    /// Checks the arguments and resolves them into a `Config`. `wall_clock` is "now" unless a
    /// `--now` says otherwise.
    pub fn into_config(self, wall_clock: Ts) -> Result<Config> {
        let instant = |flag: &str, v: &str| {
            parse_instant(v).map_err(|e| Error::usage(format!("{flag}: {e}")))
        };
        Ok(match self.command {
            Command::Run {
                jobs,
                data,
                out,
                now,
                skip_bad_rows,
            } => Config::Run(RunConfig {
                jobs,
                data,
                out,
                load: LoadOptions { skip_bad_rows },
                mode: RunMode::Run {
                    now: now.map_or(Ok(wall_clock), |t| instant("--now", &t))?,
                },
            }),
            Command::Backfill {
                jobs,
                data,
                out,
                from,
                to,
                job,
                skip_bad_rows,
            } => {
                let (from, to) = (instant("--from", &from)?, instant("--to", &to)?);
                if to <= from {
                    return Err(Error::usage(
                        "the range is empty: --to must be after --from",
                    ));
                }
                Config::Run(RunConfig {
                    jobs,
                    data,
                    out,
                    load: LoadOptions { skip_bad_rows },
                    mode: RunMode::Backfill {
                        from,
                        to,
                        only: job,
                    },
                })
            }
            Command::Jobs(JobsCommand::Validate { jobs }) => Config::JobsValidate { jobs },
            Command::Jobs(JobsCommand::Next { jobs, after, count }) => Config::JobsNext {
                jobs,
                after: after.map_or(Ok(wall_clock), |t| instant("--after", &t))?,
                count,
            },
            Command::Logs(LogsCommand::List { out }) => Config::LogsList { out },
            Command::Logs(LogsCommand::Delete { out, id }) => Config::LogsDelete { out, id },
            Command::Build {
                kind,
                data,
                from,
                to,
                tz,
                format,
                param,
                params_file,
                request,
                now,
                output,
                skip_bad_rows,
            } => {
                let criteria = request.map(|path| read_request(&path)).transpose()?;
                let kind = match (kind, &criteria) {
                    (Some(k), None) => ReportKind::parse(&k).map_err(Error::Usage)?,
                    (None, Some(_)) => ReportKind::AgentSessionReportRaw,
                    (Some(k), Some(_)) => match ReportKind::parse(&k).map_err(Error::Usage)? {
                        ReportKind::AgentSessionReportRaw => ReportKind::AgentSessionReportRaw,
                        other => {
                            return Err(Error::usage(format!(
                                "--request makes an AGENT_SESSION_REPORT_RAW, not {}",
                                other.name()
                            )))
                        }
                    },
                    (None, None) => {
                        return Err(Error::usage("build needs --type TYPE (or --request FILE)"))
                    }
                };
                let tz = parse_zone(&tz).map_err(Error::Usage)?;
                let now = match now {
                    Some(t) => {
                        parse_instant(&t).map_err(|e| Error::usage(format!("--now: {e}")))?
                    }
                    None => wall_clock,
                };
                let mut raw = match params_file {
                    Some(path) => params::read_file(&path)?,
                    None => RawParams::default(),
                };
                for p in &param {
                    raw.push_arg(p).map_err(Error::Usage)?;
                }
                let (params, warnings) = params::parse(kind, &raw).map_err(Error::Usage)?;
                let period = match &criteria {
                    Some(c) => {
                        if from.is_some() || to.is_some() {
                            return Err(Error::usage(
                                "--request sets the period: drop --from and --to",
                            ));
                        }
                        Period {
                            from: c.start,
                            to: c.end + 1,
                            tz: c.tz,
                        }
                    }
                    None => {
                        let instant = |flag: &str, v: Option<String>| -> Result<Ts> {
                            let v = v.ok_or_else(|| {
                                Error::usage(format!(
                                    "build needs {flag} T (RFC 3339 with an offset)"
                                ))
                            })?;
                            parse_instant(&v).map_err(|e| Error::usage(format!("{flag}: {e}")))
                        };
                        let (from, to) = (instant("--from", from)?, instant("--to", to)?);
                        if to <= from {
                            return Err(Error::usage(
                                "the period is empty: --to must be after --from",
                            ));
                        }
                        Period { from, to, tz }
                    }
                };
                Config::Build(Box::new(BuildConfig {
                    data,
                    load: LoadOptions { skip_bad_rows },
                    request: Request {
                        kind,
                        params,
                        criteria,
                    },
                    period,
                    now,
                    out: output,
                    format: match format {
                        FormatArg::Csv => crate::render::Format::Csv,
                        FormatArg::Html => crate::render::Format::Html,
                    },
                    warnings,
                }))
            }
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

/// Reads a RingCentral request body.
fn read_request(path: &std::path::Path) -> Result<Criteria> {
    let fail = |line: Option<u64>, message: String| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(None, format!("cannot read the file: {e}")))?;
    let body: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| fail(Some(e.line() as u64), format!("malformed JSON: {e}")))?;
    Criteria::from_request(&body).map_err(|m| fail(None, m))
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
