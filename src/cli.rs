//! The command line (SPEC §1) as clap types, and their conversion into a `Config`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{BuildConfig, Config, QueryConfig, RunConfig, SampleConfig, ValidateConfig};
use crate::delivery::MailConfig;
use crate::error::Result;
use crate::time::Ts;

/// Offline reports from PBX call-detail and agent-session exports.
#[derive(Debug, Parser)]
#[command(
    name = "pbx-report",
    version,
    propagate_version = true,
    after_help = "Quick start (the sample dataset and jobs of the repository):\n  \
        pbx-report jobs validate --jobs samples/jobs.toml\n  \
        pbx-report run --jobs samples/jobs.toml --data samples/data --out reports --now 2025-11-05T06:00:00-05:00\n  \
        pbx-report build --type QUEUESUMMARY --data samples/data --from 2025-11-03T00:00:00-05:00 --to 2025-11-04T00:00:00-05:00\n\n\
        Times are RFC 3339 with an offset (2025-11-05T06:00:00-05:00).\n\n\
        Exit codes:\n  \
        0  success (deferred fires included)\n  \
        1  bad data (a file that cannot be read, an invalid row) or an output not written\n  \
        2  bad usage or configuration (flags, job file, request body)\n  \
        3  the output directory is in use by another run (see --wait)\n\n\
        Docs: README.md and docs/ (input.md, reports.md, jobs.md, scheduling.md, dataflow.md);\n\
        `pbx-report man` prints the manual page, `pbx-report completions bash` shell completions."
)]
pub struct Cli {
    /// Print errors only: no warnings, no deferred fires, no summary.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// How stderr's diagnostics are written: `text` lines, or `json` — one JSON object a line,
    /// `{"level": "warning", "message": "..."}` (levels: error, warning, skipped, deferred,
    /// summary), for a wrapper to read.
    #[arg(long, value_name = "FORMAT", global = true, value_enum, default_value_t = Diagnostics::Text)]
    pub warnings: Diagnostics,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The files `run` and `backfill` read and write.
#[derive(Debug, Args)]
pub struct RunFiles {
    /// The job file (TOML or JSON).
    #[arg(long, value_name = "FILE")]
    pub jobs: PathBuf,
    /// The dataset directory.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The output directory (reports and report_log.json).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Skip invalid rows, counting them by reason, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Wait up to SECS for another run using the output directory (default: exit 3 at once).
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub wait: u64,
    /// The data is complete up to T (RFC 3339 with an offset): a period ending by then is
    /// produced even with no calls; later ones are deferred. Default: the dataset's
    /// COMPLETE_UNTIL file, else a period waits for a leg at or after its start.
    #[arg(long, value_name = "T")]
    pub complete_until: Option<String>,
    /// Only tenant ID: every job reports this tenant's calls alone, as if its `tenants`
    /// parameter were [ID]. For one run per tenant in parallel, each with its own --out
    /// (docs/scaling.md).
    #[arg(long, value_name = "ID")]
    pub tenant: Option<i64>,
    #[command(flatten)]
    pub mail: MailArgs,
}

/// How reports reach their recipients (SPEC §6.2).
#[derive(Debug, Args)]
pub struct MailArgs {
    /// Send e-mail through this SMTP server: smtp://host:port (a local relay),
    /// smtp://user@host:587?tls=starttls, smtps://user@host:465 [env: PBX_REPORT_SMTP]. The
    /// password is read from PBX_REPORT_SMTP_PASSWORD only. Without it, messages go to
    /// OUT/_outbox/<id>.eml (for `sendmail -t`).
    #[arg(long, value_name = "URL", help_heading = "Delivery")]
    pub smtp: Option<String>,
    /// The sender address [env: PBX_REPORT_MAIL_FROM; default: pbx-report@localhost].
    #[arg(long, value_name = "ADDR", help_heading = "Delivery")]
    pub mail_from: Option<String>,
    /// Attach reports up to N bytes; a larger one is named in the message, not attached.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10_000_000,
        help_heading = "Delivery"
    )]
    pub mail_max_bytes: u64,
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
    Run(RunArgs),
    /// Produce every scheduled run whose fire time is in [from, to), as if each had run on time.
    #[command(
        after_help = "Example:\n  pbx-report backfill --jobs jobs.toml --data data --out reports \\\n    \
        --from 2025-09-01T00:00:00+08:00 --to 2025-10-01T00:00:00+08:00 --job daily-queues"
    )]
    Backfill(BackfillArgs),
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
    Query(QueryArgs),
    /// Check a job file, or list upcoming fires.
    #[command(
        subcommand,
        after_help = "Examples:\n  pbx-report jobs validate --jobs samples/jobs.toml\n  \
            pbx-report jobs next --jobs samples/jobs.toml --after 2025-11-05T00:00:00Z --count 3"
    )]
    Jobs(JobsCommand),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  pbx-report completions bash > /etc/bash_completion.d/pbx-report"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  pbx-report man > pbx-report.1 && man -l pbx-report.1")]
    Man,
    /// The report log of an output directory.
    #[command(
        subcommand,
        after_help = "Examples:\n  pbx-report logs list --out reports\n  \
            pbx-report logs delete --out reports 3f2a9c0d1e2b4a5f"
    )]
    Logs(LogsCommand),
    /// Compute one report for an explicit period.
    #[command(
        override_usage = "pbx-report build --type TYPE --data DIR --from T --to T [OPTIONS]\n       \
        pbx-report build --request FILE --data DIR [OPTIONS]"
    )]
    #[command(after_help = "Examples:\n  \
        pbx-report build --type QUEUESUMMARY --data samples/data --from 2025-11-03T00:00:00-05:00 \\\n      \
        --to 2025-11-04T00:00:00-05:00 --tz America/New_York --param queues=8000:20,8001:30 -o queues.csv\n  \
        pbx-report build --request request.json --data samples/data --now 2025-11-05T00:00:00Z\n  \
        pbx-report build --type CALLLOGS --data samples/data --from 2025-11-03T00:00:00-05:00 \\\n      \
        --to 2025-11-04T00:00:00-05:00 --format xlsx -o calls.xlsx\n\n\
        Lists are comma-separated (--param agents=1001,1002); QUEUESUMMARY's map is queues=8000:20;\n\
        stx is ten ascending integers; extensions use 1000-2000;1600. --params FILE reads a JSON or\n\
        TOML object with the same keys; --param wins over --params.")]
    Build(BuildArgs),
    /// Read the whole dataset; print rows per table, the time span and every warning.
    #[command(after_help = "Example:\n  pbx-report validate --data samples/data\n\n\
        Exit status: 0 when every row is valid (warnings allowed), 1 on a bad row or file.")]
    Validate(ValidateArgs),
    /// Write a deterministic synthetic dataset (every table, every rule exercised).
    #[command(
        after_help = "Example:\n  pbx-report sample --out /tmp/data --days 30 --calls-per-day 10000 --layout flat\n\n\
        The same flags always give the same bytes."
    )]
    Sample(SampleArgs),
}

/// `pbx-report run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub files: RunFiles,
    /// "Now", RFC 3339 with an offset (2025-11-05T06:00:00-05:00); default: the wall clock.
    #[arg(long, value_name = "T")]
    pub now: Option<String>,
}

/// `pbx-report backfill`.
#[derive(Debug, Args)]
pub struct BackfillArgs {
    #[command(flatten)]
    pub files: RunFiles,
    /// First fire time included (RFC 3339 with an offset).
    #[arg(long, value_name = "T")]
    pub from: String,
    /// Fire times before this (RFC 3339 with an offset).
    #[arg(long, value_name = "T")]
    pub to: String,
    /// Only this job (repeatable; default: every active job).
    #[arg(long = "job", value_name = "ID")]
    pub job: Vec<String>,
}

/// `pbx-report query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The operation (e.g. getQueueKpiSummary).
    pub operation: String,
    /// The dataset directory.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The request body (JSON); default: standard input.
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// Page size of the history operations (1..100).
    #[arg(long, default_value_t = 100)]
    pub top: i64,
    /// Items skipped by the history operations.
    #[arg(long, default_value_t = 0)]
    pub skip: i64,
    /// Add the total count to a history response.
    #[arg(long)]
    pub count: bool,
    /// The call of getCallsHistoryBySessionId.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// "Now" for open agent sessions (default: the wall clock).
    #[arg(long, value_name = "T")]
    pub now: Option<String>,
    /// Indent the JSON.
    #[arg(long)]
    pub pretty: bool,
    /// Skip invalid rows, counting them by reason, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// `pbx-report build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Report type, any case: USERSTATISTICS, DAILYSTATISTICS, CALLLOGS, AGENTDETAILSACTIVITY,
    /// AGENTSUMMARYACTIVITY, AGENTNOTREADYCODE, QUEUESUMMARY, AGENTQUEUEREPORT, SPEEDOFACCEPT,
    /// ABANDONDELAY, CALLBACKSUMMARY, RINGGROUPPERFORMANCE, AGENT_SESSION_REPORT_RAW.
    #[arg(
        long = "type",
        value_name = "TYPE",
        required_unless_present = "request"
    )]
    pub kind: Option<String>,
    /// The dataset directory.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Period start, RFC 3339 with an offset (2025-11-03T00:00:00-05:00).
    #[arg(long, value_name = "T", required_unless_present = "request")]
    pub from: Option<String>,
    /// Period end (exclusive), RFC 3339 with an offset.
    #[arg(long, value_name = "T", required_unless_present = "request")]
    pub to: Option<String>,
    /// The report's IANA zone (days, hours, printed timestamps).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    pub format: FormatArg,
    /// A parameter, KEY=VALUE (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub param: Vec<String>,
    /// A JSON or TOML file of parameters.
    #[arg(long = "params", value_name = "FILE")]
    pub params_file: Option<PathBuf>,
    /// A RingCentral reportsStreaming request body: AGENT_SESSION_REPORT_RAW with its criteria.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// "Now" for open agent sessions (default: the wall clock).
    #[arg(long, value_name = "T")]
    pub now: Option<String>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Skip invalid rows, counting them by reason, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

/// `pbx-report validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The dataset directory.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Skip invalid rows, counting them by reason, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Zone in which to print the time span.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
}

/// `pbx-report sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of days.
    #[arg(long, default_value_t = 3)]
    pub days: u32,
    /// Average calls per day.
    #[arg(long, default_value_t = 300)]
    pub calls_per_day: u32,
    /// The call centre's IANA zone.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", default_value = "2025-09-28")]
    pub start: String,
    /// File layout.
    #[arg(long, value_enum, default_value_t = LayoutArg::Mixed)]
    pub layout: LayoutArg,
    /// Number of call queues (3 to 20); those past the third have long names such as
    /// "Sales – New Customers North America".
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(3..=20))]
    pub queues: u8,
    /// Give every other agent a long name ("Alexandra Konstantinopoulou-Vasquez"), to see how
    /// reports lay out long text.
    #[arg(long)]
    pub long_names: bool,
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
        /// Wait up to SECS for another run using the output directory (default: exit 3 at once).
        #[arg(long, value_name = "SECS", default_value_t = 0)]
        wait: u64,
    },
    /// Deliver a logged report to its logged recipients again, on purpose (the file is sent
    /// after its sha256 is checked; to OUT/_outbox/<id>-<attempt>.eml without --smtp).
    #[command(
        after_help = "Example:\n  pbx-report logs resend --out reports 3f2a9c0d1e2b4a5f \\\n              --smtp smtp://relay.example.com:25"
    )]
    Resend {
        /// The output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The entry id (see `logs list`).
        id: String,
        /// Wait up to SECS for another run using the output directory (default: exit 3 at once).
        #[arg(long, value_name = "SECS", default_value_t = 0)]
        wait: u64,
        #[command(flatten)]
        mail: MailArgs,
    },
}

impl MailArgs {
    /// The checked settings, with the environment's `PBX_REPORT_SMTP`,
    /// `PBX_REPORT_MAIL_FROM` and `PBX_REPORT_SMTP_PASSWORD`.
    pub fn into_config(self) -> Result<MailConfig> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let smtp = self.smtp.or_else(|| env("PBX_REPORT_SMTP"));
        let from = (self.mail_from)
            .or_else(|| env("PBX_REPORT_MAIL_FROM"))
            .unwrap_or_else(|| "pbx-report@localhost".to_string());
        MailConfig::new(
            smtp.as_deref(),
            env("PBX_REPORT_SMTP_PASSWORD"),
            &from,
            self.mail_max_bytes,
        )
    }
}

/// `--warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Diagnostics {
    /// Plain lines (`warning: ...`).
    Text,
    /// One JSON object a line.
    Json,
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values.
    Csv,
    /// A self-contained HTML page with charts.
    Html,
    /// An Excel workbook (needs -o FILE).
    Xlsx,
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
    /// Checks the arguments and resolves them into a `Config` (see `config.rs`). `wall_clock`
    /// is "now" unless a `--now` says otherwise.
    pub fn into_config(self, wall_clock: Ts) -> Result<Config> {
        // Progress only for a person watching: never in a pipe, a file, CI or with --quiet.
        let progress = !self.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
        let with_progress = |mut c: RunConfig| {
            c.progress = progress;
            Config::Run(c)
        };
        Ok(match self.command {
            Command::Run(a) => with_progress(RunConfig::from_run(a, wall_clock)?),
            Command::Backfill(a) => with_progress(RunConfig::from_backfill(a)?),
            Command::Query(a) => Config::Query(Box::new(QueryConfig::from_args(a, wall_clock)?)),
            Command::Build(a) => Config::Build(Box::new(BuildConfig::from_args(a, wall_clock)?)),
            Command::Validate(a) => Config::Validate(ValidateConfig::from_args(a)?),
            Command::Sample(a) => Config::Sample(SampleConfig::from_args(a)?),
            Command::Jobs(JobsCommand::Validate { jobs }) => Config::JobsValidate { jobs },
            Command::Jobs(JobsCommand::Next { jobs, after, count }) => Config::JobsNext {
                jobs,
                after: crate::config::now_or("--after", after, wall_clock)?,
                count,
            },
            Command::Completions { shell } => Config::Completions(shell),
            Command::Man => Config::Man,
            Command::Logs(LogsCommand::List { out }) => Config::LogsList { out },
            Command::Logs(LogsCommand::Delete { out, id, wait }) => Config::LogsDelete {
                out,
                id,
                wait: std::time::Duration::from_secs(wait),
            },
            Command::Logs(LogsCommand::Resend {
                out,
                id,
                wait,
                mail,
            }) => Config::LogsResend {
                out,
                id,
                wait: std::time::Duration::from_secs(wait),
                mail: mail.into_config()?,
            },
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
