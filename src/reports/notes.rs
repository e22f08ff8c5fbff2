//! What a reader needs beside the numbers: each report's title, its parameters in force, and the
//! formulas and thresholds behind it (shown in HTML headers and footers).

use crate::reports::params::{Granularity, Params, Status};
use crate::reports::ReportKind;

impl ReportKind {
    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::UserStatistics => "User statistics",
            ReportKind::DailyStatistics => "Daily statistics",
            ReportKind::CallLogs => "Call logs",
            ReportKind::AgentDetailsActivity => "Agent activity details",
            ReportKind::AgentSummaryActivity => "Agent activity summary",
            ReportKind::AgentNotReadyCode => "Agent not-ready reasons",
            ReportKind::QueueSummary => "Queue summary",
            ReportKind::AgentQueueReport => "Agents per queue",
            ReportKind::SpeedOfAccept => "Speed of accept",
            ReportKind::AbandonDelay => "Abandon delay",
            ReportKind::CallbackSummary => "Queue callbacks",
            ReportKind::RingGroupPerformance => "Ring group performance",
            ReportKind::AgentSessionReportRaw => "Agent Session Report Raw",
        }
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "all".into()
    } else {
        v.join(", ")
    }
}

/// The parameters of a report as a reader sees them.
pub fn shown(kind: ReportKind, p: &Params) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| out.push((k.to_string(), v));
    for name in crate::reports::params::own_params(kind) {
        match *name {
            "extensions" => add(
                "extensions",
                p.extensions
                    .as_ref()
                    .map_or("all".into(), |_| "as listed in the job".into()),
            ),
            "status" => add(
                "status",
                match p.status {
                    Status::Any => "all".into(),
                    Status::Answered => "answered".into(),
                    Status::Unanswered => "unanswered".into(),
                },
            ),
            "direction" => add(
                "direction",
                p.direction
                    .map_or("all".into(), |d| d.name().to_lowercase()),
            ),
            "granularity" => add(
                "granularity",
                if p.granularity == Granularity::Hour {
                    "hour".into()
                } else {
                    "day".into()
                },
            ),
            "caller" => add(
                "caller contains",
                p.caller.clone().unwrap_or_else(|| "(any)".into()),
            ),
            "callee" => add(
                "callee contains",
                p.callee.clone().unwrap_or_else(|| "(any)".into()),
            ),
            "agents" => add("agents", list(&p.agents)),
            "queue" => add("queue", p.queue.clone().unwrap_or_else(|| "all".into())),
            "reason_code" => add(
                "reason code",
                p.reason_code.clone().unwrap_or_else(|| "all".into()),
            ),
            "queues" => add(
                "queues",
                if p.queues.is_empty() {
                    "all".into()
                } else {
                    p.queues
                        .iter()
                        .map(|(q, sla)| match sla {
                            Some(s) => format!("{q} (SLA {s} s)"),
                            None => q.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ),
            "short_abandon_secs" => add(
                "short abandon",
                match p.short_abandon_secs {
                    None => "per queue (queues table; none when unset)".into(),
                    Some(0) => "disabled".into(),
                    Some(s) => format!("≤ {s} s"),
                },
            ),
            "stx" => add(
                "buckets (s)",
                p.stx
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            "ring_groups" => add("ring groups", list(&p.ring_groups)),
            "agent_group_ids" => add("agent groups", list(&p.agent_group_ids)),
            "agent_teams" => add("teams", list(&p.agent_teams)),
            _ => {}
        }
    }
    if !p.tenants.is_empty() {
        add(
            "tenants",
            p.tenants
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    out
}

/// The formulas and thresholds in force.
pub fn formulas(kind: ReportKind, p: &Params) -> Vec<String> {
    let short = match p.short_abandon_secs {
        None => "Short abandons: per queue from the queues table (none where unset); removed from offered and abandoned.".to_string(),
        Some(0) => "Short abandons: disabled.".to_string(),
        Some(s) => format!("Short abandons: abandoned with wait ≤ {s} s; removed from offered and abandoned."),
    };
    let stx = format!(
        "Buckets: ST1..ST10 = {} s; bucket i holds waits with ST(i−1) < wait ≤ ST(i); over ST10 holds the rest.",
        p.stx.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
    );
    let common = "Averages are whole seconds rounded half up; percentages are rounded half up to two decimals; a ratio over nothing is empty. Durations show as h:mm:ss (exact seconds on hover).".to_string();
    let mut v: Vec<String> = match kind {
        ReportKind::UserStatistics => vec![
            "A call counts once per user: as originator (its first leg comes from the user's extension) or as receiver (a leg rings the user).".into(),
            "Answered %: answered / total calls. Avg talk: talk / answered calls. Avg ring: ring of the user's answered legs / those legs.".into(),
            "Cost: exact sum of the costs of legs the user placed in the counted calls, four decimals.".into(),
        ],
        ReportKind::DailyStatistics => vec![
            "Calls belong to the day (hour) they start in. Answered: a person leg (extension or trunk) was answered.".into(),
            "Peak concurrent: the most calls in progress at one instant within the row and the period (ends before starts at equal instants).".into(),
            "Hours are real hours: 23 rows on a spring-forward day, 25 on a fall-back day (the offset tells them apart).".into(),
        ],
        ReportKind::CallLogs => vec!["One row per leg of every call starting in the period. Ring: answered − rang (else ended − rang); talk: ended − answered.".into()],
        ReportKind::AgentDetailsActivity => vec![
            "State intervals clipped to the period and split at local midnight; gaps inside a login session are UNKNOWN.".into(),
        ],
        ReportKind::AgentSummaryActivity => vec![
            "Occupancy = (on call + wrap-up) / (on call + wrap-up + ready). Utilization = (on call + wrap-up) / login. Not ready % = not ready / login.".into(),
            "Offered: queue entries that rang the agent; accepted: entries the agent answered; missed = offered − accepted.".into(),
            "ATT = talk / accepted; AHT = (talk + wrap-up) / accepted. RNA and UNKNOWN time count in login only. Open sessions run to the report's \"now\".".into(),
        ],
        ReportKind::AgentNotReadyCode => vec![
            "Occurrences: not-ready intervals with time inside the period. % of not ready divides by all the agent's not-ready time; % of login by the agent's login time.".into(),
        ],
        ReportKind::QueueSummary => vec![
            "SLA % = answered within the SLA (wait ≤ SLA seconds) / offered. Abandon rate = abandoned / offered. ASA = wait of answered entries / accepted.".into(),
            "SLA seconds: from the queues parameter, else the queues table, else 20 s.".into(),
            "Callbacks are judged at the end of the period: ok when an attempt was answered before it, pending when none (or one still in progress).".into(),
            short,
        ],
        ReportKind::AgentQueueReport => vec![
            "Agent rows: entries that rang the agent in this queue. TOTAL: received = the queue's offered; accepted share = agent accepted / queue accepted.".into(),
            short,
        ],
        ReportKind::SpeedOfAccept => vec![stx, "Answered entries by wait; percentages over accepted.".into(), short],
        ReportKind::AbandonDelay => vec![stx, "Abandoned entries by wait; percentages over abandoned.".into(), short],
        ReportKind::CallbackSummary => vec![
            "A request is a queue entry ending with a callback; attempts are later legs with its callback id to the caller. Fail % = fail / (ok + fail).".into(),
            short,
        ],
        ReportKind::RingGroupPerformance => vec![
            "Group: received entries, answered, missed; avg ring = wait to answer. Member: answered elsewhere = another member answered.".into(),
        ],
        ReportKind::AgentSessionReportRaw => vec![
            "One row per login session, reported whole. Minutes = seconds / 60, two decimals half up; ratios use unrounded seconds.".into(),
            "Work time: all state time except not-ready of category break, away, lunch or training.".into(),
        ],
    };
    if kind != ReportKind::AgentSessionReportRaw {
        v.push(common);
    }
    v
}
