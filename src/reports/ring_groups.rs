//! RINGGROUPPERFORMANCE (SPEC §4.12): per ring group, then per member offered a call.

use rustc_hash::FxHashMap as HashMap;

use crate::model::pool::Sym;
use crate::reports::chart::{self, Chart, Layout, Unit};
use crate::reports::measure::Percent;
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::select::{entries_in_period, group_rows, offered_agents, row_index};
use crate::reports::spec::{self, AgentTime, Figure, ReportSpec};
use crate::reports::table::{avg, ident_cmp, pct, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};

/// Counts of a group or a member; merges exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Acc {
    received: i64,
    answered: i64,
    elsewhere: i64,
    /// Group: waits of answered entries. Member: ring of its answering legs.
    ring: i64,
    talk: i64,
}

/// RINGGROUPPERFORMANCE.
pub fn performance<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let rows = group_rows(ctx, p);
    let strings = &ctx.ds.strings;
    let index = row_index(&rows);
    let mut groups = vec![Acc::default(); rows.len()];
    let mut members: Vec<HashMap<Sym, Acc>> = vec![HashMap::default(); rows.len()];
    let entries = &ctx.facts.groups;
    for e in entries_in_period(ctx, p, entries) {
        let Some(&k) = index.get(&e.service) else {
            continue;
        };
        let g = &mut groups[k];
        g.received += 1;
        if let Some(a) = e.answer {
            g.answered += 1;
            g.ring += e.wait;
            g.talk += a.talk;
        }
        for m in offered_agents(ctx, entries, e) {
            let acc = members[k].entry(m).or_default();
            acc.received += 1;
            match e.answer {
                Some(a) if a.agent == m => {
                    acc.answered += 1;
                    acc.ring += a.ring;
                    acc.talk += a.talk;
                }
                Some(_) => acc.elsewhere += 1,
                None => {}
            }
        }
    }
    let mut t = Table::new(ReportKind::RingGroupPerformance, ctx.period.tz);
    for ((r, g), m) in rows.iter().zip(&groups).zip(members) {
        let head = [Cell::text(&r.number), Cell::text(&r.name)];
        let mut v = head.to_vec();
        v.extend([
            Cell::Empty,
            Cell::Int(g.received),
            Cell::Int(g.answered),
            Cell::Int(g.received - g.answered),
            Cell::Empty,
            pct(g.answered, g.received),
            avg(g.ring, g.answered),
            Cell::Secs(g.talk),
            avg(g.talk, g.answered),
        ]);
        t.rows.push(Row::data(v));
        let mut m: Vec<(Sym, Acc)> = m.into_iter().collect();
        m.sort_by(|x, y| ident_cmp(strings.get(x.0), strings.get(y.0)));
        for (member, a) in m {
            let mut v = head.to_vec();
            v.extend([
                Cell::str(strings.get(member)),
                Cell::Int(a.received),
                Cell::Int(a.answered),
                Cell::Int(a.received - a.answered - a.elsewhere),
                Cell::Int(a.elsewhere),
                pct(a.answered, a.received),
                avg(a.ring, a.answered),
                Cell::Secs(a.talk),
                avg(a.talk, a.answered),
            ]);
            t.rows.push(Row::data(v));
        }
    }
    t
}

/// RINGGROUPPERFORMANCE (§4.12).
pub(crate) const PERFORMANCE: ReportSpec = ReportSpec {
    name: "RINGGROUPPERFORMANCE",
    title: "Ring group performance",
    columns: col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: &["ring_groups"],
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::None,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| performance(ctx, &req.params),
    notes: |_| {
        vec![
            "Group: received entries, answered, missed; avg ring = wait to answer. Member: answered elsewhere = another member answered.".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: group_charts,
    headline: |t| {
        let groups: Vec<&Row> = whole_groups(t).collect();
        let sum = |c| chart::values(&groups, c).iter().sum::<i64>();
        let (received, answered) = (sum(col::RECEIVED), sum(col::ANSWERED));
        vec![
            Figure::count("Received", received),
            Figure::count("Answered", answered),
            Figure::new("Answer rate", Percent::of(answered, received)),
        ]
    },
};

/// The rows of whole groups (their member cell is empty).
fn whole_groups<'t, 'a>(t: &'t Table<'a>) -> impl Iterator<Item = &'t Row<'a>> {
    spec::data_rows(t).filter(|r| matches!(r.cells[col::MEMBER], Cell::Empty))
}

/// Entries per ring group, answered and missed.
fn group_charts(t: &Table<'_>, _: &Params) -> Vec<Chart> {
    let groups: Vec<&Row> = whole_groups(t).collect();
    vec![Chart {
        title: "Ring group entries".into(),
        categories: chart::named(&groups, col::RING_GROUP, col::RING_GROUP_NAME, t.tz),
        series: chart::series(
            &groups,
            &[(col::ANSWERED, "answered"), (col::MISSED, "missed")],
        ),
        layout: Layout::Stacked,
        orientation: chart::orientation(groups.len()),
        unit: Unit::Count,
        target: None,
    }]
}

/// RINGGROUPPERFORMANCE's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod col {
    crate::input::table::columns! {
        RING_GROUP = "ring_group",
        RING_GROUP_NAME = "ring_group_name",
        MEMBER = "member",
        RECEIVED = "received",
        ANSWERED = "answered",
        MISSED = "missed",
        ANSWERED_ELSEWHERE = "answered_elsewhere",
        ANSWER_RATE_PCT = "answer_rate_pct",
        AVG_RING_SECS = "avg_ring_secs",
        TALK_SECS = "talk_secs",
        AVG_TALK_SECS = "avg_talk_secs",
    }
}

#[cfg(test)]
mod tests {
    use crate::reports::queues::tests::{cdr, DAY};
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::*;

    #[test]
    fn ring_groups_by_hand() {
        // r1: ring-all 1001/1002, 1002 answers after 8 s (wait 9 from the entry), talk 40, so
        // 1001 was answered elsewhere. r2: one at a time, 1001 misses, then
        // 1003 answers after 4 s (wait 16), talk 60. r3: nobody answers.
        let rows = cdr(&[
            "r1 555 6000 RING_GROUP 6000 0 - 9 - -",
            "r1 555 1001 EXTENSION 6000 1 - 9 - -",
            "r1 555 1002 EXTENSION 6000 1 9 49 - -",
            "r2 556 6000 RING_GROUP 6000 100 - 116 - -",
            "r2 556 1001 EXTENSION 6000 101 - 111 - -",
            "r2 556 1003 EXTENSION 6000 112 116 176 - -",
            "r3 557 6000 RING_GROUP 6000 200 - 230 - -",
            "r3 557 1001 EXTENSION 6000 201 - 230 - -",
        ])
        .replace("QUEUE,6000", "RING_GROUP,6000");
        let f = Fixture::new(
            &[
                ("cdr", &rows),
                ("ring_groups", "number,name\n6000,Reception\n6001,Night\n"),
            ],
            0,
        );
        let csv = f.csv(RingGroupPerformance, DAY[0], DAY[1], "UTC", &[]);
        let expected = "\
ring_group,ring_group_name,member,received,answered,missed,answered_elsewhere,answer_rate_pct,avg_ring_secs,talk_secs,avg_talk_secs
6000,Reception,,3,2,1,,66.67,13,100,50
6000,Reception,1001,3,0,1,2,0.00,,0,
6000,Reception,1002,1,1,0,0,100.00,8,40,40
6000,Reception,1003,1,1,0,0,100.00,4,60,60
6001,Night,,0,0,0,,,,0,
";
        assert_eq!(csv, expected);
    }
}
