//! What a command needs, resolved and checked: no clap types past this point.

use std::path::PathBuf;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::input::LoadOptions;
use crate::reports::{Period, Request};
use crate::time::Ts;

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
    /// `logs delete`.
    LogsDelete {
        /// The output directory.
        out: PathBuf,
        /// The entry id.
        id: String,
    },
    /// `validate`: read everything, report counts, span and warnings.
    Validate(ValidateConfig),
    /// `sample`: write a synthetic dataset.
    Sample(SampleConfig),
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
