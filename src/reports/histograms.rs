//! Wait-time histograms (SPEC §4.9, 4.10): SPEEDOFACCEPT and ABANDONDELAY, from the same
//! per-queue accumulator as QUEUESUMMARY.

use crate::reports::chart::{self, Chart, Layout, Orientation, Unit};
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::queues::{queue_accs, QueueAcc};
use crate::reports::select::ServiceRow;
use crate::reports::spec::{self, AgentTime, ReportSpec};
use crate::reports::table::{pct, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};

fn head(r: Option<&ServiceRow>) -> Vec<Cell<'static>> {
    match r {
        Some(r) => vec![Cell::text(&r.number), Cell::text(&r.name)],
        None => vec![Cell::text("TOTAL"), Cell::Empty],
    }
}

fn histogram(cells: &mut Vec<Cell>, counts: &[i64; 11], of: i64) {
    cells.extend(counts.iter().map(|&n| Cell::Int(n)));
    cells.extend(counts.iter().map(|&n| pct(n, of)));
}

fn build<'a>(
    ctx: &Ctx<'a>,
    p: &Params,
    kind: ReportKind,
    line: impl Fn(&QueueAcc) -> Vec<Cell<'static>>,
    hist: impl Fn(&QueueAcc) -> ([i64; 11], i64),
) -> Table<'a> {
    let (rows, accs, total) = queue_accs(ctx, p);
    let mut t = Table::new(kind, ctx.period.tz);
    let mut push = |r: Option<&ServiceRow>, a: &QueueAcc| {
        let mut cells = head(r);
        cells.extend(line(a));
        let (counts, of) = hist(a);
        histogram(&mut cells, &counts, of);
        t.rows.push(if r.is_some() {
            Row::data(cells)
        } else {
            Row::total(cells)
        });
    };
    for (r, a) in rows.iter().zip(&accs) {
        push(Some(r), a);
    }
    push(None, &total);
    t
}

/// SPEEDOFACCEPT (§4.9): answered entries by wait; percentages over `accepted`.
pub fn speed_of_accept<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    build(
        ctx,
        p,
        ReportKind::SpeedOfAccept,
        |a| vec![Cell::Int(a.accepted)],
        |a| (a.accepted_by_wait, a.accepted),
    )
}

/// ABANDONDELAY (§4.10): abandoned entries (short abandons removed when enabled) by wait;
/// percentages over `abandoned`.
pub fn abandon_delay<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    build(
        ctx,
        p,
        ReportKind::AbandonDelay,
        |a| {
            vec![
                Cell::Int(a.offered()),
                Cell::Int(a.abandoned),
                pct(a.abandoned, a.offered()),
            ]
        },
        |a| (a.abandoned_by_wait, a.abandoned),
    )
}

/// SPEEDOFACCEPT (§4.9).
pub(crate) const SPEED_OF_ACCEPT: ReportSpec = ReportSpec {
    name: "SPEEDOFACCEPT",
    title: "Speed of accept",
    columns: accept_col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: HISTOGRAM_PARAMS,
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::None,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| speed_of_accept(ctx, &req.params),
    notes: |p| histogram_notes(p, "Answered entries by wait; percentages over accepted."),
    charts: |t, p| {
        vec![
            histogram_chart(t, p, "Answered entries by wait", accept_col::ACCEPTED_ST1),
            cumulative_chart(t, p, "% answered within", accept_col::ACCEPTED_ST1, true),
        ]
    },
    headline: |t| spec::from_total(t, &[("Accepted", accept_col::ACCEPTED)]),
};

/// ABANDONDELAY (§4.10).
pub(crate) const ABANDON_DELAY: ReportSpec = ReportSpec {
    name: "ABANDONDELAY",
    title: "Abandon delay",
    columns: abandon_col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: HISTOGRAM_PARAMS,
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::None,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| abandon_delay(ctx, &req.params),
    notes: |p| histogram_notes(p, "Abandoned entries by wait; percentages over abandoned."),
    charts: |t, p| {
        vec![
            histogram_chart(
                t,
                p,
                "Abandoned entries by wait",
                abandon_col::ABANDONED_ST1,
            ),
            cumulative_chart(
                t,
                p,
                "% abandoned within",
                abandon_col::ABANDONED_ST1,
                false,
            ),
        ]
    },
    headline: |t| {
        use abandon_col::*;
        spec::from_total(
            t,
            &[
                ("Offered", OFFERED),
                ("Abandoned", ABANDONED),
                ("Abandon rate", ABANDON_RATE_PCT),
            ],
        )
    },
};

/// The footer of a wait histogram: the buckets, what it counts, the short abandons.
fn histogram_notes(p: &Params, counts: &str) -> Vec<String> {
    vec![
        notes::buckets(p),
        counts.to_string(),
        notes::short_abandon(p),
        notes::ROUNDING.into(),
    ]
}

/// The parameters of the wait histograms.
const HISTOGRAM_PARAMS: &[&str] = &[
    "queues",
    "stx",
    "short_abandon_secs",
    "sla_target_pct",
    "abandon_target_pct",
];

/// Bucket `k` (1..=11, 11 = over the last bound) as the range of whole seconds it holds
/// (SPEC §6.1): `0–5 s`, `6–10 s`, … `> 100 s`.
pub fn bucket_label(stx: &[i64; 10], k: usize) -> String {
    match k {
        1 => format!("0–{} s", stx[0]),
        11 => format!("> {} s", stx[9]),
        k => format!("{}–{} s", stx[k - 2] + 1, stx[k - 1]),
    }
}

/// Entries by wait bucket (the 11 count columns from `first`): a series per queue when there
/// are at most six, else the TOTAL alone.
fn histogram_chart(t: &Table<'_>, p: &Params, title: &str, first: usize) -> Chart {
    let buckets: Vec<String> = (1..=11).map(|k| bucket_label(&p.stx, k)).collect();
    let data: Vec<&Row> = spec::data_rows(t).collect();
    let which: Vec<&Row> = if data.len() <= 6 {
        data
    } else {
        t.rows.last().into_iter().collect()
    };
    let series = which
        .iter()
        .zip(chart::named(&which, 0, 1, t.tz))
        .map(|(r, name)| {
            (
                name,
                (first..first + 11)
                    .map(|k| chart::value(&r.cells[k]))
                    .collect(),
            )
        })
        .collect();
    Chart {
        title: title.to_string(),
        categories: buckets,
        series,
        layout: Layout::Stacked,
        orientation: Orientation::Vertical,
        unit: Unit::Count,
        target: None,
    }
}

/// The service-level curve (SPEC §6.1): of the TOTAL row's entries in the 11 count columns
/// from `first`, the share whose wait is at most each bucket's upper bound, in hundredths of a
/// percent rounded half up; with the SLA target as a line when `sla` (answered entries).
fn cumulative_chart(t: &Table<'_>, p: &Params, title: &str, first: usize, sla: bool) -> Chart {
    let counts: Vec<i64> = spec::grand_total(t).map_or_else(Vec::new, |r| {
        (first..first + 11)
            .map(|k| chart::value(&r.cells[k]))
            .collect()
    });
    let all: i64 = counts.iter().sum();
    let mut running = 0;
    let within: Vec<i64> = counts
        .iter()
        .map(|c| {
            running += c;
            crate::reports::table::div_half_up(running * 10_000, all.max(1))
        })
        .collect();
    Chart {
        title: title.to_string(),
        categories: if all == 0 {
            Vec::new()
        } else {
            (1..=10)
                .map(|k| format!("≤ {} s", p.stx[k - 1]))
                .chain([String::from("all")])
                .collect()
        },
        series: vec![("all queues (cumulative)".into(), within)],
        layout: Layout::Grouped,
        orientation: Orientation::Vertical,
        unit: Unit::Percent,
        target: sla.then_some(p.sla_target),
    }
}

/// SPEEDOFACCEPT's columns (SPEC §4.9), in order.
pub(crate) mod accept_col {
    crate::input::table::columns! {
        QUEUE = "queue",
        QUEUE_NAME = "queue_name",
        ACCEPTED = "accepted",
        ACCEPTED_ST1 = "accepted_st1",
        ACCEPTED_ST2 = "accepted_st2",
        ACCEPTED_ST3 = "accepted_st3",
        ACCEPTED_ST4 = "accepted_st4",
        ACCEPTED_ST5 = "accepted_st5",
        ACCEPTED_ST6 = "accepted_st6",
        ACCEPTED_ST7 = "accepted_st7",
        ACCEPTED_ST8 = "accepted_st8",
        ACCEPTED_ST9 = "accepted_st9",
        ACCEPTED_ST10 = "accepted_st10",
        ACCEPTED_OVER_ST10 = "accepted_over_st10",
        PCT_ST1 = "pct_st1",
        PCT_ST2 = "pct_st2",
        PCT_ST3 = "pct_st3",
        PCT_ST4 = "pct_st4",
        PCT_ST5 = "pct_st5",
        PCT_ST6 = "pct_st6",
        PCT_ST7 = "pct_st7",
        PCT_ST8 = "pct_st8",
        PCT_ST9 = "pct_st9",
        PCT_ST10 = "pct_st10",
        PCT_OVER_ST10 = "pct_over_st10",
    }
}

/// ABANDONDELAY's columns (SPEC §4.10), in order.
pub(crate) mod abandon_col {
    crate::input::table::columns! {
        QUEUE = "queue",
        QUEUE_NAME = "queue_name",
        OFFERED = "offered",
        ABANDONED = "abandoned",
        ABANDON_RATE_PCT = "abandon_rate_pct",
        ABANDONED_ST1 = "abandoned_st1",
        ABANDONED_ST2 = "abandoned_st2",
        ABANDONED_ST3 = "abandoned_st3",
        ABANDONED_ST4 = "abandoned_st4",
        ABANDONED_ST5 = "abandoned_st5",
        ABANDONED_ST6 = "abandoned_st6",
        ABANDONED_ST7 = "abandoned_st7",
        ABANDONED_ST8 = "abandoned_st8",
        ABANDONED_ST9 = "abandoned_st9",
        ABANDONED_ST10 = "abandoned_st10",
        ABANDONED_OVER_ST10 = "abandoned_over_st10",
        PCT_ST1 = "pct_st1",
        PCT_ST2 = "pct_st2",
        PCT_ST3 = "pct_st3",
        PCT_ST4 = "pct_st4",
        PCT_ST5 = "pct_st5",
        PCT_ST6 = "pct_st6",
        PCT_ST7 = "pct_st7",
        PCT_ST8 = "pct_st8",
        PCT_ST9 = "pct_st9",
        PCT_ST10 = "pct_st10",
        PCT_OVER_ST10 = "pct_over_st10",
    }
}

#[cfg(test)]
mod tests {
    use crate::reports::queues::tests::{scenario, DAY};
    use crate::reports::ReportKind::*;

    #[test]
    fn speed_of_accept_by_hand() {
        let f = scenario();
        // 8000: waits 20 (bucket st4 = 20, closed above) and 21 (st5); 8001: 5 (st1).
        let csv = f.csv(SpeedOfAccept, DAY[0], DAY[1], "UTC", &["queues=8000,8001"]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "queue,queue_name,accepted,accepted_st1,accepted_st2,accepted_st3,accepted_st4,accepted_st5,accepted_st6,accepted_st7,accepted_st8,accepted_st9,accepted_st10,accepted_over_st10,pct_st1,pct_st2,pct_st3,pct_st4,pct_st5,pct_st6,pct_st7,pct_st8,pct_st9,pct_st10,pct_over_st10"
        );
        assert_eq!(lines.next().unwrap(), "8000,Sales,2,0,0,0,1,1,0,0,0,0,0,0,0.00,0.00,0.00,50.00,50.00,0.00,0.00,0.00,0.00,0.00,0.00");
        assert_eq!(lines.next().unwrap(), "8001,Support,1,1,0,0,0,0,0,0,0,0,0,0,100.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00");
        assert_eq!(lines.next().unwrap(), "TOTAL,,3,1,0,0,1,1,0,0,0,0,0,0,33.33,0.00,0.00,33.33,33.33,0.00,0.00,0.00,0.00,0.00,0.00");
    }

    #[test]
    fn abandon_delay_by_hand() {
        let f = scenario();
        // 8000: d abandoned at 6 (st2); c at 5 is short and removed. 8002: j at 40 (st6).
        // Custom buckets: 6 falls in the first (≤ 6), 40 over the last (≤ 30).
        let csv = f.csv(AbandonDelay, DAY[0], DAY[1], "UTC", &["queues=8000,8002"]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[1], "8000,Sales,5,1,20.00,0,1,0,0,0,0,0,0,0,0,0,0.00,100.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00");
        assert_eq!(lines[2], "8002,,1,1,100.00,0,0,0,0,0,1,0,0,0,0,0,0.00,0.00,0.00,0.00,0.00,100.00,0.00,0.00,0.00,0.00,0.00");
        assert_eq!(lines[3], "TOTAL,,6,2,33.33,0,1,0,0,0,1,0,0,0,0,0,0.00,50.00,0.00,0.00,0.00,50.00,0.00,0.00,0.00,0.00,0.00");
        let csv = f.csv(
            AbandonDelay,
            DAY[0],
            DAY[1],
            "UTC",
            &["queues=8000,8002", "stx=6,7,8,9,10,11,12,13,14,30"],
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[3], "TOTAL,,6,2,33.33,1,0,0,0,0,0,0,0,0,0,1,50.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,50.00");
        // With nothing abandoned, the percentages are empty.
        let csv = f.csv(AbandonDelay, DAY[0], DAY[1], "UTC", &["queues=8001"]);
        assert!(
            csv.contains("\n8001,Support,3,0,0.00,0,0,0,0,0,0,0,0,0,0,0,,,,,,,,,,,\n"),
            "{csv}"
        );
    }
}
