//! Wait-time histograms (SPEC §4.9, 4.10): SPEEDOFACCEPT and ABANDONDELAY, from the same
//! per-queue accumulator as QUEUESUMMARY.

use crate::reports::params::Params;
use crate::reports::queues::{queue_accs, QueueAcc};
use crate::reports::select::ServiceRow;
use crate::reports::table::{pct, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};

fn columns(lead: &[&str], word: &str) -> Vec<String> {
    let mut c: Vec<String> = lead.iter().map(|s| (*s).to_string()).collect();
    c.extend((1..=10).map(|i| format!("{word}_st{i}")));
    c.push(format!("{word}_over_st10"));
    c.extend((1..=10).map(|i| format!("pct_st{i}")));
    c.push("pct_over_st10".into());
    c
}

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
    let (lead, word): (&[&str], &str) = match kind {
        ReportKind::SpeedOfAccept => (&["queue", "queue_name", "accepted"], "accepted"),
        _ => (
            &[
                "queue",
                "queue_name",
                "offered",
                "abandoned",
                "abandon_rate_pct",
            ],
            "abandoned",
        ),
    };
    let mut t = Table {
        kind,
        columns: columns(lead, word),
        rows: Vec::new(),
        stream: None,
        stream_len: 0,
        tz: ctx.period.tz,
    };
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
