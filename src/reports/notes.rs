//! What a reader needs beside the numbers: each report's title, its parameters in force, and the
//! formulas and thresholds behind it (shown in HTML headers and footers).

use crate::reports::params::{Granularity, Params, Status};
use crate::reports::ReportKind;

/// The rounding rules, stated under every report that rounds.
pub const ROUNDING: &str = "Averages are whole seconds rounded half up; percentages are rounded half up to two decimals; a ratio over nothing is empty. Durations show as h:mm:ss (exact seconds on hover).";

/// The short-abandon threshold in force.
pub fn short_abandon(p: &Params) -> String {
    match p.short_abandon_secs {
        None => "Short abandons: per queue from the queues table (none where unset); removed from offered and abandoned.".to_string(),
        Some(0) => "Short abandons: disabled.".to_string(),
        Some(s) => format!("Short abandons: abandoned with wait ≤ {s} s; removed from offered and abandoned."),
    }
}

/// The wait buckets in force.
pub fn buckets(p: &Params) -> String {
    format!(
        "Buckets: ST1..ST10 = {} s; bucket i holds waits with ST(i−1) < wait ≤ ST(i); over ST10 holds the rest.",
        p.stx.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
    )
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
    for name in kind.spec().params {
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

/// The formulas and thresholds in force (each type's `ReportSpec::notes`).
pub fn formulas(kind: ReportKind, p: &Params) -> Vec<String> {
    (kind.spec().notes)(p)
}
