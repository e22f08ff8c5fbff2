//! The reports of SPEC §4: one `ReportKind` enum (the only list of reports), one `compute`
//! entry, one module per family. A new report is one file plus one enum arm.

mod activity;
pub(crate) mod agents;
mod calls;
mod histograms;
pub mod measure;
pub mod notes;
pub mod params;
pub(crate) mod queues;
mod ring_groups;
pub(crate) mod select;
mod session_raw;
pub mod table;

use chrono_tz::Tz;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::agents::Timeline;
use crate::model::{Dataset, Facts};
use crate::time::Ts;
use params::Params;
use table::Table;

pub use session_raw::{Criteria, SESSION_RAW_HEADER};

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

    /// The type name as in job files (`QUEUESUMMARY`).
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::UserStatistics => "USERSTATISTICS",
            ReportKind::DailyStatistics => "DAILYSTATISTICS",
            ReportKind::CallLogs => "CALLLOGS",
            ReportKind::AgentDetailsActivity => "AGENTDETAILSACTIVITY",
            ReportKind::AgentSummaryActivity => "AGENTSUMMARYACTIVITY",
            ReportKind::AgentNotReadyCode => "AGENTNOTREADYCODE",
            ReportKind::QueueSummary => "QUEUESUMMARY",
            ReportKind::AgentQueueReport => "AGENTQUEUEREPORT",
            ReportKind::SpeedOfAccept => "SPEEDOFACCEPT",
            ReportKind::AbandonDelay => "ABANDONDELAY",
            ReportKind::CallbackSummary => "CALLBACKSUMMARY",
            ReportKind::RingGroupPerformance => "RINGGROUPPERFORMANCE",
            ReportKind::AgentSessionReportRaw => "AGENT_SESSION_REPORT_RAW",
        }
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

    /// The agent tables this report needs.
    pub fn needed_tables(self) -> &'static [&'static str] {
        match self {
            ReportKind::AgentDetailsActivity
            | ReportKind::AgentSummaryActivity
            | ReportKind::AgentNotReadyCode => &["agent_sessions", "agent_states"],
            ReportKind::AgentSessionReportRaw => &["agent_sessions"],
            _ => &[],
        }
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
    for &table in req.kind.needed_tables() {
        let present = match table {
            "agent_sessions" => ctx.ds.agent_sessions.is_some(),
            _ => ctx.ds.agent_states.is_some(),
        };
        if !present {
            return Err(Error::MissingTable {
                table,
                needed_by: req.kind.name().to_string(),
            });
        }
    }
    let p = &req.params;
    Ok(match req.kind {
        ReportKind::UserStatistics => calls::user_statistics(ctx, p),
        ReportKind::DailyStatistics => calls::daily_statistics(ctx, p),
        ReportKind::CallLogs => calls::call_logs(ctx, p),
        ReportKind::AgentDetailsActivity => activity::details_activity(ctx, p),
        ReportKind::AgentSummaryActivity => agents::summary_activity(ctx, p),
        ReportKind::AgentNotReadyCode => agents::not_ready_code(ctx, p),
        ReportKind::QueueSummary => queues::queue_summary(ctx, p),
        ReportKind::AgentQueueReport => queues::agent_queue_report(ctx, p),
        ReportKind::SpeedOfAccept => histograms::speed_of_accept(ctx, p),
        ReportKind::AbandonDelay => histograms::abandon_delay(ctx, p),
        ReportKind::CallbackSummary => queues::callback_summary(ctx, p),
        ReportKind::RingGroupPerformance => ring_groups::performance(ctx, p),
        ReportKind::AgentSessionReportRaw => session_raw::report(ctx, p, req.criteria.as_ref()),
    })
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
            let timeline = Timeline::build(&ds, now);
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
