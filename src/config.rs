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
pub enum Layout {
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
    pub layout: Layout,
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
    /// Warnings found while checking the parameters.
    pub warnings: Vec<String>,
}
