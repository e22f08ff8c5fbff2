//! AGENTQUEUEREPORT (SPEC §4.8): each queue's agents, from the entries that rang them, and the
//! queue's TOTAL from the same accumulator as QUEUESUMMARY.

use rustc_hash::FxHashMap as HashMap;

use crate::model::pool::Sym;
use crate::reports::agents::Handling;
use crate::reports::chart;
use crate::reports::measure::HandleTimes;
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::queues::{queue_accs, QUEUE_PARAMS};
use crate::reports::select::{entries_in_period, offered_agents, row_index};
use crate::reports::spec::{self, AgentTime, Figure, ReportSpec};
use crate::reports::table::{ident_cmp, pct, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};

/// AGENTQUEUEREPORT (§4.8).
pub(crate) const AGENT_QUEUE_REPORT: ReportSpec = ReportSpec {
    name: "AGENTQUEUEREPORT",
    title: "Agents per queue",
    columns: agent_col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: QUEUE_PARAMS,
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::WrapUp,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| agent_queue_report(ctx, &req.params),
    notes: |p| {
        vec![
            "Agent rows: entries that rang the agent in this queue. TOTAL: received = the queue's offered; accepted share = agent accepted / queue accepted.".into(),
            notes::short_abandon(p),
            notes::ROUNDING.into(),
        ]
    },
    charts: spec::no_charts,
    headline: |t| {
        // Each queue ends with its TOTAL row; the figures add those up.
        let sum = |col| {
            t.rows
                .iter()
                .filter(|r| r.total)
                .map(|r| chart::value(&r.cells[col]))
                .sum()
        };
        vec![
            Figure::count("Offered", sum(agent_col::RECEIVED)),
            Figure::count("Accepted", sum(agent_col::ACCEPTED)),
            Figure::count("Missed", sum(agent_col::MISSED)),
        ]
    },
};

/// AGENTQUEUEREPORT (§4.8).
pub fn agent_queue_report<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let (rows, accs, _) = queue_accs(ctx, p);
    let strings = &ctx.ds.strings;
    let index = row_index(&rows);
    let mut per_queue: Vec<HashMap<Sym, Handling>> = vec![HashMap::default(); rows.len()];
    let queue = &ctx.facts.queue;
    for e in entries_in_period(ctx, p, queue) {
        let Some(&k) = index.get(&e.service) else {
            continue;
        };
        for agent in offered_agents(ctx, queue, e) {
            per_queue[k].entry(agent).or_default().add(ctx, e, agent);
        }
    }
    let mut t = Table::new(ReportKind::AgentQueueReport, ctx.period.tz);
    for ((r, a), agents) in rows.iter().zip(&accs).zip(per_queue) {
        let mut agents: Vec<(Sym, Handling)> = agents.into_iter().collect();
        agents.sort_by(|x, y| ident_cmp(strings.get(x.0), strings.get(y.0)));
        let q = [Cell::text(&r.number), Cell::text(&r.name)];
        for (agent, h) in agents {
            let mut v = q.to_vec();
            v.extend([
                Cell::str(strings.get(agent)),
                Cell::text(&ctx.facts.directory.display_name(ctx.ds, agent)),
                Cell::Empty,
                Cell::Int(h.offered),
                Cell::Int(h.accepted),
                Cell::Int(h.offered - h.accepted),
                pct(h.accepted, a.accepted),
                h.avg_ring_secs().into(),
                Cell::Secs(h.talk),
                h.att_secs().into(),
                Cell::Secs(h.wrap),
                h.avg_wrap_secs().into(),
                h.aht_secs().into(),
            ]);
            t.rows.push(Row::data(v));
        }
        let mut v = q.to_vec();
        v.extend([
            Cell::text("TOTAL"),
            Cell::Empty,
            Cell::Int(a.offered()),
            Cell::Empty,
            Cell::Int(a.accepted),
            Cell::Int(a.offered() - a.accepted),
            pct(a.accepted, a.accepted),
            a.avg_ring_secs().into(),
            Cell::Secs(a.talk),
            a.att_secs().into(),
            Cell::Secs(a.wrap),
            a.avg_wrap_secs().into(),
            a.aht_secs().into(),
        ]);
        t.rows.push(Row::total(v));
    }
    t
}

/// AGENTQUEUEREPORT's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod agent_col {
    crate::input::table::columns! {
        QUEUE = "queue",
        QUEUE_NAME = "queue_name",
        AGENT_ID = "agent_id",
        AGENT_NAME = "agent_name",
        RECEIVED = "received",
        OFFERED = "offered",
        ACCEPTED = "accepted",
        MISSED = "missed",
        ACCEPTED_SHARE_PCT = "accepted_share_pct",
        AVG_RING_SECS = "avg_ring_secs",
        TALK_SECS = "talk_secs",
        ATT_SECS = "att_secs",
        WRAP_SECS = "wrap_secs",
        AVG_WRAP_SECS = "avg_wrap_secs",
        AHT_SECS = "aht_secs",
    }
}
#[cfg(test)]
mod tests {
    use crate::reports::queues::tests::{scenario, DAY};
    use crate::reports::ReportKind::*;

    #[test]
    fn agent_queue_report_by_hand() {
        let f = scenario();
        let csv = f.csv(
            AgentQueueReport,
            DAY[0],
            DAY[1],
            "UTC",
            &["queues=8000,8001"],
        );
        let expected = "\
queue,queue_name,agent_id,agent_name,received,offered,accepted,missed,accepted_share_pct,avg_ring_secs,talk_secs,att_secs,wrap_secs,avg_wrap_secs,aht_secs
8000,Sales,1001,1001,,3,1,2,50.00,18,100,100,30,30,130
8000,Sales,1002,1002,,2,1,1,50.00,10,50,50,0,0,50
8000,Sales,TOTAL,,5,,2,3,100.00,14,150,75,30,15,90
8001,Support,1003,1003,,1,1,0,100.00,3,60,60,0,0,60
8001,Support,TOTAL,,3,,1,2,100.00,3,60,60,0,0,60
";
        assert_eq!(csv, expected);
    }
}
