//! The command line (SPEC §1) as clap types, and their conversion into a `Config`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{
    BuildConfig, Config, QueryConfig, RunConfig, RunMode, SampleConfig, SampleLayout,
    ValidateConfig,
};
use crate::dataflow::{self, Operation, Paging, Query};
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

/// The files `run` and `backfill` read and write.
#[derive(Debug, Args)]
pub struct RunFiles {
    /// The job file (TOML or JSON).
    #[arg(long, value_name = "FILE")]
    jobs: PathBuf,
    /// The dataset directory.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// The output directory (reports and report_log.json).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Skip invalid rows, counting them by reason, instead of stopping at the first.
    #[arg(long)]
    skip_bad_rows: bool,
}

impl RunFiles {
    fn into_config(self, mode: RunMode) -> RunConfig {
        RunConfig {
            jobs: self.jobs,
            data: self.data,
            out: self.out,
            load: LoadOptions::for_reports(self.skip_bad_rows),
            mode,
        }
    }
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
        #[command(flatten)]
        files: RunFiles,
        /// "Now" (default: the wall clock).
        #[arg(long, value_name = "T")]
        now: Option<String>,
    },
    /// Produce every scheduled run whose fire time is in [from, to), as if each had run on time.
    #[command(
        after_help = "Example:\n  pbx-report backfill --jobs jobs.toml --data data --out reports \\\n    \
        --from 2025-09-01T00:00:00+08:00 --to 2025-10-01T00:00:00+08:00 --job daily-queues"
    )]
    Backfill {
        #[command(flatten)]
        files: RunFiles,
        /// First fire time included (RFC 3339 with an offset).
        #[arg(long, value_name = "T")]
        from: String,
        /// Fire times before this (RFC 3339 with an offset).
        #[arg(long, value_name = "T")]
        to: String,
        /// Only this job (repeatable; default: every active job).
        #[arg(long = "job", value_name = "ID")]
        job: Vec<String>,
    },
    /// Answer a PortSIP Dataflow analytics query offline, with the API's JSON.
    #[command(after_help = "Operations (the API's operationId):\n  \
        getQueueKpiSummary       {queues: [{number, sla_secs}], start_time, end_time}\n  \
        getQueueTimeseries       {queue, start_time, end_time, interval}          (at most 24 hours)\n  \
        getAgentQueueSummary     {queue, agent, start_time, end_time}             (at most 24 hours)\n  \
        getAgentQueueTimeseries  {queue, agent, start_time, end_time, interval}   (at most 24 hours)\n  \
        getCallsTimeseries       {tenants, start_time, end_time, interval}        (1 to 365 days)\n  \
        getCallsHistory          {from, to, start_duration, end_duration, start_hour_of_day,\n                            \
        end_hour_of_day, status, session_id, start_time, end_time}      (at most 365 days)\n  \
        getCallsUserHistory      {user, direction, destination, ... as above}\n  \
        getCallsHistoryBySessionId  --session ID\n\n\
        Times are RFC 3339 with an offset; timeseries points start at start_time, step by interval\n\
        (1h, 2h, 3h, 4h, 6h, 8h; default 1h) and carry its offset. A calls timeseries of exactly\n\
        24 hours has a point per interval, a longer one a point per 24 hours (the last partial).\n\
        Over several queues, counts are summed and averages and percentages are recomputed from\n\
        the pooled sums (not averaged). Averages are integer seconds; percentages are numbers with\n\
        two decimals at most; over nothing, 0.\n\n\
        Example:\n  echo '{\"queues\":[{\"number\":\"8000\",\"sla_secs\":20}],\"start_time\":\"2025-11-03T00:00:00-05:00\",\n  \
        \"end_time\":\"2025-11-04T00:00:00-05:00\"}' | pbx-report query getQueueKpiSummary --data samples/data")]
    Query {
        /// The operation (e.g. getQueueKpiSummary).
        operation: String,
        /// The dataset directory.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// The request body (JSON); default: standard input.
        #[arg(long, value_name = "FILE")]
        body: Option<PathBuf>,
        /// Page size of the history operations (1..100).
        #[arg(long, default_value_t = 100)]
        top: i64,
        /// Items skipped by the history operations.
        #[arg(long, default_value_t = 0)]
        skip: i64,
        /// Add the total count to a history response.
        #[arg(long)]
        count: bool,
        /// The call of getCallsHistoryBySessionId.
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// "Now" for open agent sessions (default: the wall clock).
        #[arg(long, value_name = "T")]
        now: Option<String>,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
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
            Command::Run { files, now } => Config::Run(files.into_config(RunMode::Run {
                now: now.map_or(Ok(wall_clock), |t| instant("--now", &t))?,
            })),
            Command::Backfill {
                files,
                from,
                to,
                job,
            } => {
                let (from, to) = (instant("--from", &from)?, instant("--to", &to)?);
                if to <= from {
                    return Err(Error::usage(
                        "the range is empty: --to must be after --from",
                    ));
                }
                Config::Run(files.into_config(RunMode::Backfill {
                    from,
                    to,
                    only: job,
                }))
            }
            Command::Query {
                operation,
                data,
                body,
                top,
                skip,
                count,
                session,
                now,
                pretty,
                skip_bad_rows,
            } => {
                let op = Operation::parse(&operation).map_err(Error::Usage)?;
                if !(1..=100).contains(&top) {
                    return Err(Error::usage(format!("--top {top}: must be within 1..100")));
                }
                if skip < 0 {
                    return Err(Error::usage(format!("--skip {skip}: must not be negative")));
                }
                let body = read_body(body.as_deref(), op == Operation::CallsHistoryBySessionId)?;
                let query = Query {
                    op,
                    body,
                    paging: Paging {
                        top: top as usize,
                        skip: skip as usize,
                        count,
                    },
                    session,
                    now: now.map_or(Ok(wall_clock), |t| instant("--now", &t))?,
                };
                dataflow::check(&query)?;
                Config::Query(Box::new(QueryConfig {
                    data,
                    load: LoadOptions {
                        skip_bad_rows,
                        call_ids: true,
                    },
                    query,
                    pretty,
                }))
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
                    load: LoadOptions::for_reports(skip_bad_rows),
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
                load: LoadOptions::for_reports(skip_bad_rows),
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
                        LayoutArg::Mixed => SampleLayout::Mixed,
                        LayoutArg::Flat => SampleLayout::Flat,
                    },
                })
            }
        })
    }
}

/// Reads a Dataflow request body from a file or standard input; an empty body is `{}`.
fn read_body(
    path: Option<&std::path::Path>,
    optional: bool,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    use std::io::Read;
    let name = path.map_or_else(
        || std::path::PathBuf::from("<stdin>"),
        std::path::Path::to_path_buf,
    );
    let fail = |line: Option<u64>, message: String| Error::Config {
        path: name.clone(),
        line,
        message,
    };
    let text = match path {
        Some(p) => crate::error::read_config_text(p, "request body")?,
        None if optional => String::new(),
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| fail(None, format!("cannot read the request body: {e}")))?;
            s
        }
    };
    if text.trim().is_empty() {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(o)) => Ok(o),
        Ok(_) => Err(fail(None, "the request body must be a JSON object".into())),
        Err(e) => Err(fail(Some(e.line() as u64), format!("malformed JSON: {e}"))),
    }
}

/// Reads a RingCentral request body.
fn read_request(path: &std::path::Path) -> Result<Criteria> {
    let fail = |line: Option<u64>, message: String| Error::Config {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = crate::error::read_config_text(path, "request file")?;
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
