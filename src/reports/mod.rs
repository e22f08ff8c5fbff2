//! The reports of SPEC §4: one `ReportKind` enum (the only list of reports), one `compute`
//! entry, one module per family. Each type declares what it is in a `ReportSpec` beside its
//! computation; `ReportKind::spec` is the one `match`. A new report is one file plus one arm.

mod activity;
mod agent_queue;
pub(crate) mod agents;
mod call_logs;
mod calls;
pub mod chart;
pub(crate) mod histograms;
pub mod measure;
pub mod notes;
pub mod params;
pub(crate) mod queues;
mod ring_groups;
pub(crate) mod select;
mod session_raw;
pub mod spec;
pub mod table;

use chrono_tz::Tz;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::agents::Timeline;
use crate::model::{Dataset, Facts};
use crate::time::Ts;
use params::Params;
use spec::ReportSpec;
use table::Table;

pub use session_raw::Criteria;

/// A report type: the seed's twelve plus the RingCentral Agent Session Report Raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportKind {
    /// Per extension: calls by direction, answered, talk, cost.
    UserStatistics,
    /// Per local day or hour: volumes, talk, peak concurrency.
    DailyStatistics,
    /// One row per leg.
    CallLogs,
    /// The agent state timeline.
    AgentDetailsActivity,
    /// One row per agent: state times and queue handling.
    AgentSummaryActivity,
    /// Not-ready time by reason.
    AgentNotReadyCode,
    /// Per queue: offered, accepted, SLA, abandon, handle times, callbacks.
    QueueSummary,
    /// Per queue and agent.
    AgentQueueReport,
    /// Answered entries by wait bucket.
    SpeedOfAccept,
    /// Abandoned entries by wait bucket.
    AbandonDelay,
    /// Queue callbacks and their fates.
    CallbackSummary,
    /// Per ring group and member.
    RingGroupPerformance,
    /// RingCentral Engage Voice "Agent Session Report Raw".
    AgentSessionReportRaw,
}

impl ReportKind {
    /// Every report type, in SPEC order.
    pub const ALL: [ReportKind; 13] = [
        ReportKind::UserStatistics,
        ReportKind::DailyStatistics,
        ReportKind::CallLogs,
        ReportKind::AgentDetailsActivity,
        ReportKind::AgentSummaryActivity,
        ReportKind::AgentNotReadyCode,
        ReportKind::QueueSummary,
        ReportKind::AgentQueueReport,
        ReportKind::SpeedOfAccept,
        ReportKind::AbandonDelay,
        ReportKind::CallbackSummary,
        ReportKind::RingGroupPerformance,
        ReportKind::AgentSessionReportRaw,
    ];

    /// What this type is: its name, columns, parameters, computation, notes and charts.
    pub fn spec(self) -> &'static ReportSpec {
        match self {
            ReportKind::UserStatistics => &calls::USER_STATISTICS,
            ReportKind::DailyStatistics => &calls::DAILY_STATISTICS,
            ReportKind::CallLogs => &call_logs::CALL_LOGS,
            ReportKind::AgentDetailsActivity => &activity::DETAILS_ACTIVITY,
            ReportKind::AgentSummaryActivity => &agents::SUMMARY_ACTIVITY,
            ReportKind::AgentNotReadyCode => &agents::NOT_READY_CODE,
            ReportKind::QueueSummary => &queues::QUEUE_SUMMARY,
            ReportKind::AgentQueueReport => &agent_queue::AGENT_QUEUE_REPORT,
            ReportKind::SpeedOfAccept => &histograms::SPEED_OF_ACCEPT,
            ReportKind::AbandonDelay => &histograms::ABANDON_DELAY,
            ReportKind::CallbackSummary => &queues::CALLBACK_SUMMARY,
            ReportKind::RingGroupPerformance => &ring_groups::PERFORMANCE,
            ReportKind::AgentSessionReportRaw => &session_raw::SESSION_RAW,
        }
    }

    /// The type name as in job files (`QUEUESUMMARY`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// A human title.
    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// Reads a type name, case-insensitively.
    pub fn parse(text: &str) -> Result<ReportKind, String> {
        let norm = crate::model::legs::normalize(text);
        ReportKind::ALL
            .into_iter()
            .find(|k| k.name() == norm)
            .ok_or_else(|| {
                let names: Vec<&str> = ReportKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown report type \"{text}\" (one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// A half-open period `[from, to)` and the zone the report is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First instant.
    pub from: Ts,
    /// First instant after.
    pub to: Ts,
    /// The report's zone.
    pub tz: Tz,
}

impl Period {
    /// Is an instant inside?
    pub fn contains(&self, t: Ts) -> bool {
        self.from <= t && t < self.to
    }
}

/// Everything a report reads: the dataset, its facts, agent time as of "now", the period.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The dataset.
    pub ds: &'a Dataset,
    /// Its derived facts.
    pub facts: &'a Facts,
    /// Agent time as of `now`.
    pub timeline: &'a Timeline,
    /// The period.
    pub period: Period,
    /// "Now": open sessions end here.
    pub now: Ts,
}

/// The rows a report over `[from, to)` as of `now` depends on (SPEC §3): the CDR legs that
/// start in the returned range and the agent sessions that overlap it — the period widened by
/// a day on each side, so a call that starts in the period has its legs (a call spanning more
/// than a day is warned about). AGENT_SESSION_REPORT_RAW lists sessions to their end, at the
/// latest `now` for one still logged in, so its range reaches a day past `now` too.
pub fn window(kind: ReportKind, from: Ts, to: Ts, now: Ts) -> (Ts, Ts) {
    const DAY: Ts = 86_400;
    let to = match kind {
        ReportKind::AgentSessionReportRaw => to.max(now),
        _ => to,
    };
    (from - DAY, to + DAY)
}

/// One report to compute.
#[derive(Debug, Clone)]
pub struct Request {
    /// The type.
    pub kind: ReportKind,
    /// Its parameters.
    pub params: Params,
    /// For AGENT_SESSION_REPORT_RAW from a RingCentral request: its criteria.
    pub criteria: Option<Criteria>,
}

/// Computes one report.
pub fn compute<'a>(ctx: &Ctx<'a>, req: &Request) -> Result<Table<'a>> {
    let spec = req.kind.spec();
    if let Some(&table) = spec.tables.iter().find(|&&t| !ctx.ds.has(t)) {
        return Err(Error::MissingTable {
            table,
            needed_by: spec.name.to_string(),
        });
    }
    Ok((spec.compute)(ctx, req))
}

/// Computes several reports over the same facts in parallel, every row held; results keep the
/// input order.
pub fn compute_all<'a>(ctx: &Ctx<'a>, reqs: &[Request]) -> Vec<Result<Table<'a>>> {
    reqs.par_iter()
        .map(|r| compute(ctx, r).map(Table::materialize))
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A hand-made dataset, its facts, and one call to run a report and get its CSV.

    use super::*;
    use crate::input::tests::load_csv;
    use crate::time::parse_rfc3339;

    /// A loaded fixture.
    pub struct Fixture {
        pub ds: Dataset,
        pub facts: Facts,
        pub timeline: Timeline,
        pub now: Ts,
    }

    impl Fixture {
        /// Loads CSV tables; open sessions end at `now`.
        pub fn new(tables: &[(&str, &str)], now: Ts) -> Fixture {
            let mut ds = load_csv(tables);
            let facts = Facts::build(&mut ds);
            let timeline = Timeline::build(&ds, now, true);
            Fixture {
                ds,
                facts,
                timeline,
                now,
            }
        }

        /// The context of a period `[from, to)` (RFC 3339) in `tz`.
        pub fn ctx(&self, from: &str, to: &str, tz: &str) -> Ctx<'_> {
            Ctx {
                ds: &self.ds,
                facts: &self.facts,
                timeline: &self.timeline,
                period: Period {
                    from: parse_rfc3339(from).unwrap(),
                    to: parse_rfc3339(to).unwrap(),
                    tz: tz.parse().unwrap(),
                },
                now: self.now,
            }
        }

        /// Runs a report over `[from, to)` (RFC 3339) in `tz` with `--param` style arguments.
        pub fn table(
            &self,
            kind: ReportKind,
            from: &str,
            to: &str,
            tz: &str,
            args: &[&str],
        ) -> Table<'_> {
            let mut raw = params::RawParams::default();
            for a in args {
                raw.push_arg(a).unwrap();
            }
            let (params, _) = params::parse(kind, &raw).unwrap();
            let ctx = self.ctx(from, to, tz);
            compute(
                &ctx,
                &Request {
                    kind,
                    params,
                    criteria: None,
                },
            )
            .unwrap()
        }

        /// The same, rendered as CSV text.
        pub fn csv(
            &self,
            kind: ReportKind,
            from: &str,
            to: &str,
            tz: &str,
            args: &[&str],
        ) -> String {
            String::from_utf8(crate::render::csv::render(
                self.table(kind, from, to, tz, args),
            ))
            .unwrap()
        }
    }
}
