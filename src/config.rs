//! What a command needs, resolved and checked: each subcommand's arguments (`cli`) become its
//! config here, and no clap type goes further.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::cli::{
    BackfillArgs, BuildArgs, FormatArg, LayoutArg, QueryArgs, RunArgs, RunFiles, SampleArgs,
    ValidateArgs,
};
use crate::dataflow::{self, Operation, Paging, Query};
use crate::error::{Error, Result};
use crate::input::LoadOptions;
use crate::render::Format;
use crate::reports::params::{self, RawParams};
use crate::reports::{Criteria, Period, ReportKind, Request};
use crate::time::{parse_instant, parse_zone, Ts};

/// One command to run.
#[derive(Debug, Clone)]
pub enum Config {
    /// `build`: one ad-hoc report.
    Build(Box<BuildConfig>),
    /// `run` and `backfill`: the due reports of a job file.
    Run(RunConfig),
    /// `query`: a Dataflow analytics query.
    Query(Box<QueryConfig>),
    /// `jobs validate`: check a job file.
    JobsValidate {
        /// The job file.
        jobs: PathBuf,
    },
    /// `jobs next`: upcoming fires.
    JobsNext {
        /// The job file.
        jobs: PathBuf,
        /// List fires after this.
        after: Ts,
        /// How many per job.
        count: usize,
    },
    /// `logs list`.
    LogsList {
        /// The output directory.
        out: PathBuf,
    },
    /// `logs resend`.
    LogsResend {
        /// The output directory.
        out: PathBuf,
        /// The entry id.
        id: String,
        /// How long to wait for the output directory's lock.
        wait: std::time::Duration,
        /// How to send.
        mail: crate::delivery::MailConfig,
    },
    /// `logs delete`.
    LogsDelete {
        /// The output directory.
        out: PathBuf,
        /// The entry id.
        id: String,
        /// How long to wait for the output directory's lock.
        wait: std::time::Duration,
    },
    /// `validate`: read everything, report counts, span and warnings.
    Validate(ValidateConfig),
    /// `sample`: write a synthetic dataset.
    Sample(SampleConfig),
    /// `completions`: shell completions for the command line.
    Completions(clap_complete::Shell),
    /// `man`: the manual page.
    Man,
}

/// `pbx-report validate`.
#[derive(Debug, Clone)]
pub struct ValidateConfig {
    /// The dataset directory.
    pub data: PathBuf,
    /// Reading options.
    pub load: LoadOptions,
    /// Zone in which to print the time span.
    pub tz: Tz,
}

/// Which file layout `sample` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleLayout {
    /// Every format of SPEC §2: a directory of daily files, gzip, JSON, NDJSON, both timestamp
    /// forms.
    Mixed,
    /// One plain CSV per table with Unix-second timestamps.
    Flat,
}

/// `pbx-report sample`.
#[derive(Debug, Clone)]
pub struct SampleConfig {
    /// Output directory.
    pub out: PathBuf,
    /// Random seed.
    pub seed: u64,
    /// Number of days.
    pub days: u32,
    /// Average calls per day.
    pub calls_per_day: u32,
    /// The call centre's zone.
    pub tz: Tz,
    /// The first day.
    pub start: NaiveDate,
    /// File layout.
    pub layout: SampleLayout,
    /// Number of call queues (3 to 20).
    pub queues: u8,
    /// Every other agent has a long name.
    pub long_names: bool,
}

/// `pbx-report build`.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// The dataset directory.
    pub data: PathBuf,
    /// Reading options.
    pub load: LoadOptions,
    /// The report and its checked parameters.
    pub request: Request,
    /// The period and zone.
    pub period: Period,
    /// "Now": open sessions end here.
    pub now: Ts,
    /// `-o FILE`, else stdout.
    pub out: Option<PathBuf>,
    /// Output format.
    pub format: crate::render::Format,
    /// Warnings found while checking the parameters.
    pub warnings: Vec<String>,
}

/// What a run produces.
#[derive(Debug, Clone)]
pub enum RunMode {
    /// Every job due at `now`, with catch-up.
    Run {
        /// "Now".
        now: Ts,
    },
    /// Every scheduled fire in `[from, to)`, as if each had run on time.
    Backfill {
        /// First instant.
        from: Ts,
        /// End (exclusive).
        to: Ts,
        /// Only these job ids (empty: all).
        only: Vec<String>,
    },
}

/// `pbx-report run` / `backfill`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The job file.
    pub jobs: PathBuf,
    /// The dataset directory.
    pub data: PathBuf,
    /// The output directory.
    pub out: PathBuf,
    /// Reading options.
    pub load: LoadOptions,
    /// Run or backfill.
    pub mode: RunMode,
    /// How long to wait for the output directory's lock.
    pub wait: std::time::Duration,
    /// `--complete-until`: the data is complete up to this instant.
    pub complete_until: Option<Ts>,
    /// `--tenant`: every job reports this tenant alone.
    pub tenant: Option<i64>,
    /// How reports reach their recipients.
    pub mail: crate::delivery::MailConfig,
    /// Draw progress bars (stderr is a terminal and `--quiet` was not given).
    pub progress: bool,
}

/// `pbx-report query`.
#[derive(Debug, Clone)]
pub struct QueryConfig {
    /// The dataset directory.
    pub data: PathBuf,
    /// Reading options.
    pub load: LoadOptions,
    /// The checked request.
    pub query: crate::dataflow::Query,
    /// Indent the JSON.
    pub pretty: bool,
}

/// An RFC 3339 instant given to `flag`.
fn instant(flag: &str, text: &str) -> Result<Ts> {
    parse_instant(text).map_err(|e| Error::usage(format!("{flag}: {e}")))
}

/// The instant given to `flag`, or the wall clock.
pub fn now_or(flag: &str, text: Option<String>, wall_clock: Ts) -> Result<Ts> {
    text.map_or(Ok(wall_clock), |t| instant(flag, &t))
}

/// An IANA zone given on the command line.
fn zone(name: &str) -> Result<Tz> {
    parse_zone(name).map_err(Error::Usage)
}

impl RunConfig {
    fn new(files: RunFiles, mode: RunMode) -> Result<RunConfig> {
        let complete_until = files
            .complete_until
            .map(|t| instant("--complete-until", &t))
            .transpose()?;
        Ok(RunConfig {
            jobs: files.jobs,
            data: files.data,
            out: files.out,
            load: LoadOptions::for_reports(files.skip_bad_rows),
            tenant: files.tenant,
            mail: files.mail.into_config()?,
            mode,
            wait: std::time::Duration::from_secs(files.wait),
            complete_until,
            progress: false,
        })
    }

    /// `run`: the jobs due at `--now` (default: the wall clock).
    pub fn from_run(a: RunArgs, wall_clock: Ts) -> Result<RunConfig> {
        let now = now_or("--now", a.now, wall_clock)?;
        RunConfig::new(a.files, RunMode::Run { now })
    }

    /// `backfill`: the fires in `[--from, --to)`.
    pub fn from_backfill(a: BackfillArgs) -> Result<RunConfig> {
        let (from, to) = (instant("--from", &a.from)?, instant("--to", &a.to)?);
        if to <= from {
            return Err(Error::usage(
                "the range is empty: --to must be after --from",
            ));
        }
        let only = a.job;
        RunConfig::new(a.files, RunMode::Backfill { from, to, only })
    }
}

impl QueryConfig {
    /// `query`: the operation, its paging and its request body, checked before any data is read.
    pub fn from_args(a: QueryArgs, wall_clock: Ts) -> Result<QueryConfig> {
        let op = Operation::parse(&a.operation).map_err(Error::Usage)?;
        if !(1..=100).contains(&a.top) {
            return Err(Error::usage(format!(
                "--top {}: must be within 1..100",
                a.top
            )));
        }
        if a.skip < 0 {
            return Err(Error::usage(format!(
                "--skip {}: must not be negative",
                a.skip
            )));
        }
        let body = read_body(a.body.as_deref(), op == Operation::CallsHistoryBySessionId)?;
        let query = Query {
            op,
            body,
            paging: Paging {
                top: a.top as usize,
                skip: a.skip as usize,
                count: a.count,
            },
            session: a.session,
            now: now_or("--now", a.now, wall_clock)?,
        };
        dataflow::check(&query)?;
        Ok(QueryConfig {
            data: a.data,
            load: LoadOptions {
                skip_bad_rows: a.skip_bad_rows,
                ..LoadOptions::default()
            },
            query,
            pretty: a.pretty,
        })
    }
}

impl BuildConfig {
    /// `build`: the type (or a RingCentral request), its parameters and the period.
    pub fn from_args(a: BuildArgs, wall_clock: Ts) -> Result<BuildConfig> {
        let criteria = a.request.map(|path| read_request(&path)).transpose()?;
        let kind = match (a.kind, &criteria) {
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
        let tz = zone(&a.tz)?;
        let now = now_or("--now", a.now, wall_clock)?;
        let mut raw = match a.params_file {
            Some(path) => params::read_file(&path)?,
            None => RawParams::default(),
        };
        for p in &a.param {
            raw.push_arg(p).map_err(Error::Usage)?;
        }
        let (params, warnings) = params::parse(kind, &raw).map_err(Error::Usage)?;
        let period = match &criteria {
            Some(c) => {
                if a.from.is_some() || a.to.is_some() {
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
                let needed = |flag: &str, v: Option<String>| -> Result<Ts> {
                    let v = v.ok_or_else(|| {
                        Error::usage(format!("build needs {flag} T (RFC 3339 with an offset)"))
                    })?;
                    instant(flag, &v)
                };
                let (from, to) = (needed("--from", a.from)?, needed("--to", a.to)?);
                if to <= from {
                    return Err(Error::usage(
                        "the period is empty: --to must be after --from",
                    ));
                }
                Period { from, to, tz }
            }
        };
        let format = match a.format {
            FormatArg::Csv => Format::Csv,
            FormatArg::Html => Format::Html,
            FormatArg::Xlsx => Format::Xlsx,
        };
        // A workbook is bytes no terminal can show.
        if format == Format::Xlsx && a.output.is_none() && std::io::stdout().is_terminal() {
            return Err(Error::usage(
                "--format xlsx writes a binary workbook: give -o FILE (or redirect stdout)",
            ));
        }
        Ok(BuildConfig {
            data: a.data,
            load: LoadOptions::for_reports(a.skip_bad_rows),
            request: Request {
                kind,
                params,
                criteria,
            },
            period,
            now,
            out: a.output,
            format,
            warnings,
        })
    }
}

impl ValidateConfig {
    /// `validate`.
    pub fn from_args(a: ValidateArgs) -> Result<ValidateConfig> {
        Ok(ValidateConfig {
            data: a.data,
            load: LoadOptions::for_reports(a.skip_bad_rows),
            tz: zone(&a.tz)?,
        })
    }
}

impl SampleConfig {
    /// `sample`.
    pub fn from_args(a: SampleArgs) -> Result<SampleConfig> {
        if a.days == 0 {
            return Err(Error::usage("--days must be at least 1"));
        }
        let start = NaiveDate::parse_from_str(&a.start, "%Y-%m-%d").map_err(|_| {
            Error::usage(format!(
                "--start \"{}\" is not a date (YYYY-MM-DD)",
                a.start
            ))
        })?;
        Ok(SampleConfig {
            out: a.out,
            seed: a.seed,
            days: a.days,
            calls_per_day: a.calls_per_day,
            tz: zone(&a.tz)?,
            start,
            layout: match a.layout {
                LayoutArg::Mixed => SampleLayout::Mixed,
                LayoutArg::Flat => SampleLayout::Flat,
            },
            queues: a.queues,
            long_names: a.long_names,
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
