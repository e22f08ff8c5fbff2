//! Queue reports (SPEC §4.7, 4.8, 4.11): QUEUESUMMARY, AGENTQUEUEREPORT, CALLBACKSUMMARY, and
//! the per-queue accumulator that also feeds the wait histograms, so every queue report counts
//! the same entries the same way.

use rayon::prelude::*;

use crate::model::queue::{Entry, Fate, Outcome};
use crate::reports::chart::{self, Chart, Layout, Unit};
use crate::reports::measure::{Average, HandleTimes, Percent};
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::select::{is_short, queue_rows, row_index, tenant_ok, wrap, ServiceRow};
use crate::reports::spec::{self, AgentTime, ReportSpec};
use crate::reports::table::{max_cell, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};

/// The index of a wait's bucket: `i` with `ST(i−1) < wait ≤ ST(i)`, or 10 for the rest.
pub fn bucket(stx: &[i64; 10], wait: i64) -> usize {
    stx.iter().position(|&st| wait <= st).unwrap_or(10)
}

/// Everything the queue reports count for one queue; merges exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueAcc {
    /// Entries (short abandons included).
    pub entries: i64,
    /// Answered entries.
    pub accepted: i64,
    /// Abandoned entries, short abandons excluded.
    pub abandoned: i64,
    /// Short abandons (threshold enabled).
    pub short: i64,
    /// Exited entries.
    pub exited: i64,
    /// Callback requests.
    pub callbacks: i64,
    /// Answered within the queue's SLA.
    pub within_sla: i64,
    /// Waits of answered entries.
    pub wait: i64,
    /// Longest wait of an answered entry.
    pub max_wait: Option<i64>,
    /// Ring of the answering offers.
    pub ring: i64,
    /// Talk of answered entries.
    pub talk: i64,
    /// Wrap-up of answered entries.
    pub wrap: i64,
    /// Answered entries by wait bucket.
    pub accepted_by_wait: [i64; 11],
    /// Abandoned entries (short excluded) by wait bucket.
    pub abandoned_by_wait: [i64; 11],
    /// Requests with an attempt before the period end.
    pub cb_attempted: i64,
    /// Successful callbacks.
    pub cb_ok: i64,
    /// Failed callbacks.
    pub cb_fail: i64,
    /// Pending callbacks.
    pub cb_pending: i64,
    /// First attempt start − request entry, over attempted requests.
    pub cb_wait: i64,
    /// Talk of the answered attempts.
    pub cb_talk: i64,
}

impl QueueAcc {
    /// `offered`: entries less short abandons.
    pub fn offered(&self) -> i64 {
        self.entries - self.short
    }

    /// SLA %: answered within the SLA (wait ≤ SLA seconds) / offered.
    pub fn sla_pct(&self) -> Percent {
        Percent::of(self.within_sla, self.offered())
    }

    /// Abandon rate: abandoned (short abandons excluded) / offered.
    pub fn abandon_rate_pct(&self) -> Percent {
        Percent::of(self.abandoned, self.offered())
    }

    /// ASA: wait of answered entries / accepted.
    pub fn asa_secs(&self) -> Average {
        Average::of(self.wait, self.accepted)
    }

    /// Callback request rate: callback requests / offered.
    pub fn request_rate_pct(&self) -> Percent {
        Percent::of(self.callbacks, self.offered())
    }

    /// Callback fail %: failed / (ok + failed); pending requests are not judged yet.
    pub fn cb_fail_pct(&self) -> Percent {
        Percent::of(self.cb_fail, self.cb_ok + self.cb_fail)
    }

    /// Wait to callback: (first attempt start − entry) / attempted requests.
    pub fn avg_wait_to_callback_secs(&self) -> Average {
        Average::of(self.cb_wait, self.cb_attempted)
    }

    /// Callback talk: talk of the answered attempts / successful callbacks.
    pub fn avg_callback_talk_secs(&self) -> Average {
        Average::of(self.cb_talk, self.cb_ok)
    }

    /// Adds another partial sum.
    pub fn merge(&mut self, o: QueueAcc) {
        self.entries += o.entries;
        self.accepted += o.accepted;
        self.abandoned += o.abandoned;
        self.short += o.short;
        self.exited += o.exited;
        self.callbacks += o.callbacks;
        self.within_sla += o.within_sla;
        self.wait += o.wait;
        self.max_wait = self.max_wait.max(o.max_wait);
        self.ring += o.ring;
        self.talk += o.talk;
        self.wrap += o.wrap;
        for i in 0..11 {
            self.accepted_by_wait[i] += o.accepted_by_wait[i];
            self.abandoned_by_wait[i] += o.abandoned_by_wait[i];
        }
        self.cb_attempted += o.cb_attempted;
        self.cb_ok += o.cb_ok;
        self.cb_fail += o.cb_fail;
        self.cb_pending += o.cb_pending;
        self.cb_wait += o.cb_wait;
        self.cb_talk += o.cb_talk;
    }

    fn add(&mut self, ctx: &Ctx<'_>, e: &Entry, row: &ServiceRow, stx: &[i64; 10]) {
        self.entries += 1;
        match e.outcome {
            Outcome::Answered => {
                self.accepted += 1;
                self.within_sla += i64::from(e.wait <= row.sla);
                self.wait += e.wait;
                self.max_wait = self.max_wait.max(Some(e.wait));
                // An answered entry always has its answer (`Entries::build`).
                if let Some(a) = e.answer {
                    self.ring += a.ring;
                    self.talk += a.talk;
                }
                self.wrap += wrap(ctx, e);
                self.accepted_by_wait[bucket(stx, e.wait)] += 1;
            }
            Outcome::Callback => self.callbacks += 1,
            Outcome::Exited => self.exited += 1,
            Outcome::Abandoned if is_short(e, row.short) => self.short += 1,
            Outcome::Abandoned => {
                self.abandoned += 1;
                self.abandoned_by_wait[bucket(stx, e.wait)] += 1;
            }
        }
    }
}

crate::reports::measure::handle_times!(QueueAcc);

/// The queue rows of the report and each one's accumulator, plus the TOTAL.
pub fn queue_accs(ctx: &Ctx<'_>, p: &Params) -> (Vec<ServiceRow>, Vec<QueueAcc>, QueueAcc) {
    let rows = queue_rows(ctx, p);
    let index = row_index(&rows);
    let entries = &ctx.facts.queue.entries;
    let mut accs = entries
        .par_iter()
        .fold(
            || vec![QueueAcc::default(); rows.len()],
            |mut accs, e| {
                if ctx.period.contains(e.entered_at) && tenant_ok(ctx, p, e.call) {
                    if let Some(&k) = index.get(&e.service) {
                        accs[k].add(ctx, e, &rows[k], &p.stx);
                    }
                }
                accs
            },
        )
        .reduce(
            || vec![QueueAcc::default(); rows.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.merge(y);
                }
                a
            },
        );
    // Callbacks of the period's requests, judged at the period's end.
    let legs = &ctx.ds.legs;
    let end = ctx.period.to;
    for r in &ctx.facts.callbacks.requests {
        let e = &entries[r.entry as usize];
        let Some(&k) = index.get(&e.service) else {
            continue;
        };
        if !ctx.period.contains(e.entered_at) || !tenant_ok(ctx, p, e.call) {
            continue;
        }
        let a = &mut accs[k];
        if let Some(&first) = ctx.facts.callbacks.attempts_before(legs, r, end).first() {
            a.cb_attempted += 1;
            a.cb_wait += legs[first as usize].started_at - e.entered_at;
        }
        match ctx.facts.callbacks.fate(legs, r, end) {
            Fate::Ok { leg } => {
                a.cb_ok += 1;
                a.cb_talk += legs[leg as usize].talk();
            }
            Fate::Fail => a.cb_fail += 1,
            Fate::Pending => a.cb_pending += 1,
        }
    }
    let mut total = QueueAcc::default();
    for a in &accs {
        total.merge(*a);
    }
    (rows, accs, total)
}

fn head(row: Option<&ServiceRow>) -> [Cell<'static>; 2] {
    match row {
        Some(r) => [Cell::text(&r.number), Cell::text(&r.name)],
        None => [Cell::text("TOTAL"), Cell::Empty],
    }
}

/// QUEUESUMMARY (§4.7).
pub fn queue_summary<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let (rows, accs, total) = queue_accs(ctx, p);
    let mut t = Table::new(ReportKind::QueueSummary, ctx.period.tz);
    let line = |r: Option<&ServiceRow>, a: &QueueAcc| -> Vec<Cell<'static>> {
        let mut v = head(r).to_vec();
        v.extend([
            Cell::Int(a.offered()),
            Cell::Int(a.accepted),
            Cell::Int(a.abandoned),
            Cell::Int(a.short),
            Cell::Int(a.exited),
            Cell::Int(a.callbacks),
            r.map_or(Cell::Empty, |r| Cell::Int(r.sla)),
            Cell::Int(a.within_sla),
            a.sla_pct().into(),
            a.abandon_rate_pct().into(),
            a.asa_secs().into(),
            max_cell(a.max_wait),
            a.att_secs().into(),
            a.avg_wrap_secs().into(),
            a.aht_secs().into(),
            Cell::Int(a.cb_ok),
            Cell::Int(a.cb_fail),
        ]);
        v
    };
    for (r, a) in rows.iter().zip(&accs) {
        t.rows.push(Row::data(line(Some(r), a)));
    }
    t.rows.push(Row::total(line(None, &total)));
    t
}

/// CALLBACKSUMMARY (§4.11).
pub fn callback_summary<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let (rows, accs, total) = queue_accs(ctx, p);
    let mut t = Table::new(ReportKind::CallbackSummary, ctx.period.tz);
    let line = |r: Option<&ServiceRow>, a: &QueueAcc| -> Vec<Cell<'static>> {
        let mut v = head(r).to_vec();
        v.extend([
            Cell::Int(a.offered()),
            Cell::Int(a.callbacks),
            a.request_rate_pct().into(),
            Cell::Int(a.cb_attempted),
            Cell::Int(a.cb_ok),
            Cell::Int(a.cb_fail),
            Cell::Int(a.cb_pending),
            a.cb_fail_pct().into(),
            a.avg_wait_to_callback_secs().into(),
            a.avg_callback_talk_secs().into(),
        ]);
        v
    };
    for (r, a) in rows.iter().zip(&accs) {
        t.rows.push(Row::data(line(Some(r), a)));
    }
    t.rows.push(Row::total(line(None, &total)));
    t
}

/// QUEUESUMMARY (§4.7).
pub(crate) const QUEUE_SUMMARY: ReportSpec = ReportSpec {
    name: "QUEUESUMMARY",
    title: "Queue summary",
    columns: summary_col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: QUEUE_PARAMS,
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::WrapUp,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| queue_summary(ctx, &req.params),
    notes: |p| {
        vec![
            "SLA % = answered within the SLA (wait ≤ SLA seconds) / offered. Abandon rate = abandoned / offered. ASA = wait of answered entries / accepted.".into(),
            "SLA seconds: from the queues parameter, else the queues table, else 20 s.".into(),
            "Callbacks are judged at the end of the period: ok when an attempt was answered before it, pending when none (or one still in progress).".into(),
            notes::short_abandon(p),
            notes::ROUNDING.into(),
        ]
    },
    charts: queue_summary_charts,
    headline: |t| {
        use summary_col::*;
        spec::from_total(
            t,
            &[
                ("Offered", OFFERED),
                ("SLA", SLA_PCT),
                ("Abandon rate", ABANDON_RATE_PCT),
                ("ASA", ASA_SECS),
            ],
        )
    },
};

/// CALLBACKSUMMARY (§4.11).
pub(crate) const CALLBACK_SUMMARY: ReportSpec = ReportSpec {
    name: "CALLBACKSUMMARY",
    title: "Queue callbacks",
    columns: callback_col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: QUEUE_PARAMS,
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::WrapUp,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| callback_summary(ctx, &req.params),
    notes: |p| {
        vec![
            "A request is a queue entry ending with a callback; attempts are later legs with its callback id to the caller. Fail % = fail / (ok + fail).".into(),
            notes::short_abandon(p),
            notes::ROUNDING.into(),
        ]
    },
    charts: spec::no_charts,
    headline: |t| {
        use callback_col::*;
        spec::from_total(
            t,
            &[
                ("Requested", CALLBACKS_REQUESTED),
                ("Ok", CB_OK),
                ("Failed", CB_FAIL),
                ("Pending", CB_PENDING),
            ],
        )
    },
};

/// The parameters of the queue reports.
pub(crate) const QUEUE_PARAMS: &[&str] = &[
    "queues",
    "short_abandon_secs",
    "sla_target_pct",
    "abandon_target_pct",
];

/// Entries per queue, and each queue's service level.
fn queue_summary_charts(t: &Table<'_>, p: &Params) -> Vec<Chart> {
    use summary_col::*;
    let rows: Vec<&Row> = spec::data_rows(t).collect();
    let categories = chart::named(&rows, QUEUE, QUEUE_NAME, t.tz);
    vec![
        Chart {
            title: "Entries per queue".into(),
            categories: categories.clone(),
            series: chart::series(
                &rows,
                &[
                    (OFFERED, "offered"),
                    (ACCEPTED, "accepted"),
                    (ABANDONED, "abandoned"),
                ],
            ),
            layout: Layout::Grouped,
            orientation: chart::orientation(rows.len()),
            unit: Unit::Count,
            target: None,
        },
        Chart {
            title: "Service level per queue".into(),
            categories,
            series: chart::series(&rows, &[(SLA_PCT, "answered within SLA")]),
            layout: Layout::Grouped,
            orientation: chart::orientation(rows.len()),
            unit: Unit::Percent,
            target: Some(p.sla_target),
        },
    ]
}

/// QUEUESUMMARY's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod summary_col {
    crate::input::table::columns! {
        QUEUE = "queue",
        QUEUE_NAME = "queue_name",
        OFFERED = "offered",
        ACCEPTED = "accepted",
        ABANDONED = "abandoned",
        SHORT_ABANDONED = "short_abandoned",
        EXITED = "exited",
        CALLBACKS_REQUESTED = "callbacks_requested",
        SLA_SECS = "sla_secs",
        ACCEPTED_WITHIN_SLA = "accepted_within_sla",
        SLA_PCT = "sla_pct",
        ABANDON_RATE_PCT = "abandon_rate_pct",
        ASA_SECS = "asa_secs",
        MAX_WAIT_SECS = "max_wait_secs",
        ATT_SECS = "att_secs",
        AVG_WRAP_SECS = "avg_wrap_secs",
        AHT_SECS = "aht_secs",
        CB_OK = "cb_ok",
        CB_FAIL = "cb_fail",
    }
}

/// CALLBACKSUMMARY's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod callback_col {
    crate::input::table::columns! {
        QUEUE = "queue",
        QUEUE_NAME = "queue_name",
        CALLS_RECEIVED = "calls_received",
        CALLBACKS_REQUESTED = "callbacks_requested",
        REQUEST_RATE_PCT = "request_rate_pct",
        CB_ATTEMPTED = "cb_attempted",
        CB_OK = "cb_ok",
        CB_FAIL = "cb_fail",
        CB_PENDING = "cb_pending",
        CB_FAIL_PCT = "cb_fail_pct",
        AVG_WAIT_TO_CALLBACK_SECS = "avg_wait_to_callback_secs",
        AVG_CALLBACK_TALK_SECS = "avg_callback_talk_secs",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::bucket;
    use crate::reports::measure::HandleTimes;
    use crate::reports::params::DEFAULT_STX;
    use crate::reports::table::Cell;
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::*;
    use crate::time::parse_rfc3339;

    /// Queue 8000 (SLA 20, short abandon 5) and 8001 (table: SLA 30, no threshold), period
    /// 2025-01-01 UTC. Times are seconds after 09:00:00 (t = 1735722000).
    pub const QUEUES: &str =
        "number,name,sla_secs,short_abandon_secs\n8000,Sales,20,5\n8001,Support,30,\n";

    /// Builds a CDR from compact rows: session, caller, callee, callee endpoint, queue, start,
    /// answered (or -), end, reroute, callback_id; times in seconds after 09:00 UTC.
    pub fn cdr(rows: &[&str]) -> String {
        let base = 1_735_722_000i64;
        let mut out = String::from(
            "session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,rang_at,answered_at,ended_at,reroute_reason,callback_id\n",
        );
        for r in rows {
            let f: Vec<&str> = r.split(' ').collect();
            let t = |s: &str| {
                if s == "-" {
                    String::new()
                } else {
                    (base + s.parse::<i64>().unwrap()).to_string()
                }
            };
            let (stype, caller_ep) = if f[4] == "-" {
                ("NONE", "QUEUE")
            } else {
                ("QUEUE", "TRUNK")
            };
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                f[0],
                f[1],
                caller_ep,
                f[2],
                f[3],
                stype,
                if f[4] == "-" { "" } else { f[4] },
                t(f[5]),
                t(f[5]),
                t(f[6]),
                t(f[7]),
                if f[8] == "-" { "" } else { f[8] },
                if f[9] == "-" { "" } else { f[9] }
            ));
        }
        out
    }

    /// The scenario, by hand:
    /// - a: 8000, ring-all 1001/1002, 1001 answers at wait 20 (SLA boundary), talk 100, ring 18.
    /// - b: 8000, 1002 answers at wait 21, talk 50, ring 10; 1001 also offered.
    /// - c: 8000, abandoned at wait 5 (short: exactly on the threshold); 1001 offered.
    /// - d: 8000, abandoned at wait 6 (not short).
    /// - e: 8000, exits by timeout at wait 90.
    /// - f: 8000, callback request at wait 30 (cb1); attempt at +600 answered, talk 120.
    /// - g: 8001, callback request (cb2), attempt at +1000 unanswered: fails.
    /// - h: 8001, callback request (cb3) with no attempt: pending.
    /// - i: 8001, answered by 1003 at wait 5, talk 60, ring 3.
    /// - j: 8002 (in no table), abandoned at wait 40.
    ///
    /// Wrap-up: 1001 wraps 30 s after a.
    pub fn scenario() -> Fixture {
        let cdr = cdr(&[
            "a 555 8000 QUEUE 8000 0 0 120 - -",
            "a 555 1001 EXTENSION 8000 2 20 120 - -",
            "a 555 1002 EXTENSION 8000 2 - 20 - -",
            "b 556 8000 QUEUE 8000 100 100 121 - -",
            "b 556 1001 EXTENSION 8000 101 - 111 - -",
            "b 556 1002 EXTENSION 8000 111 121 171 - -",
            "c 557 8000 QUEUE 8000 200 200 205 - -",
            "c 557 1001 EXTENSION 8000 201 - 205 - -",
            "d 558 8000 QUEUE 8000 300 300 306 - -",
            "e 559 8000 QUEUE 8000 400 400 490 QUEUE_TIMEOUT -",
            "f 560 8000 QUEUE 8000 500 500 530 - cb1",
            "k1 8000 560 TRUNK - 1130 1135 1255 - cb1",
            "g 561 8001 QUEUE 8001 600 600 640 - cb2",
            "k2 8001 561 TRUNK - 1640 - 1670 - cb2",
            "h 562 8001 QUEUE 8001 700 700 710 - cb3",
            "i 563 8001 QUEUE 8001 800 800 805 - -",
            "i 563 1003 EXTENSION 8001 802 805 865 - -",
            "j 564 8002 QUEUE 8002 900 900 940 - -",
        ]);
        let sessions =
            "login_session_id,agent_id,login_at,logout_at\nL1,1001,1735718400,1735740000\n";
        let states = "login_session_id,state,session_id,start_at,end_at\nL1,WRAP_UP,a,1735722120,1735722150\n";
        let now = parse_rfc3339("2025-01-02T00:00:00Z").unwrap();
        Fixture::new(
            &[
                ("cdr", &cdr),
                ("queues", QUEUES),
                ("agent_sessions", sessions),
                ("agent_states", states),
            ],
            now,
        )
    }

    pub const DAY: [&str; 2] = ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"];
    const SUMMARY_HEAD: &str = "queue,queue_name,offered,accepted,abandoned,short_abandoned,exited,callbacks_requested,sla_secs,accepted_within_sla,sla_pct,abandon_rate_pct,asa_secs,max_wait_secs,att_secs,avg_wrap_secs,aht_secs,cb_ok,cb_fail\n";

    #[test]
    fn queue_summary_by_hand() {
        let f = scenario();
        // 8000: 6 entries, 1 short → offered 5; accepted a, b; within 20 s: a only (20 ≤ 20).
        // SLA 1/5 = 20.00; abandon 1/5 = 20.00; ASA (20+21)/2 = 20.5 → 21; ATT 75; wrap 30/2 =
        // 15; AHT 180/2 = 90. 8001: offered 3, accepted i; 8002 (no table): SLA 20, name empty.
        assert_eq!(
            f.csv(QueueSummary, DAY[0], DAY[1], "UTC", &[]),
            format!(
                "{SUMMARY_HEAD}8000,Sales,5,2,1,1,1,1,20,1,20.00,20.00,21,21,75,15,90,1,0\n\
                 8001,Support,3,1,0,0,0,2,30,1,33.33,0.00,5,5,60,0,60,0,1\n\
                 8002,,1,0,1,0,0,0,20,0,0.00,100.00,,,,,,0,0\n\
                 TOTAL,,9,3,2,1,1,3,,2,22.22,22.22,15,21,70,10,80,1,1\n"
            )
        );
    }

    /// The named formulas of queue 8000 in the scenario, each by hand; QUEUESUMMARY prints them.
    #[test]
    fn queue_formulas_by_hand() {
        use crate::reports::queues::queue_accs;
        let f = scenario();
        let t = f.table(QueueSummary, DAY[0], DAY[1], "UTC", &[]);
        let ctx = f.ctx(DAY[0], DAY[1], "UTC");
        let (_, accs, total) = queue_accs(&ctx, &Default::default());
        let q = &accs[0];
        // Offered 5 (6 entries less the short abandon c); a within 20 s: 1/5.
        assert_eq!(q.sla_pct().hundredths(), Some(2000));
        assert_eq!(q.abandon_rate_pct().hundredths(), Some(2000), "d: 1/5");
        assert_eq!(q.asa_secs().secs(), Some(21), "(20 + 21) / 2 = 20.5 → 21");
        assert_eq!(q.att_secs().secs(), Some(75), "(100 + 50) / 2");
        assert_eq!(q.avg_wrap_secs().secs(), Some(15), "30 / 2");
        assert_eq!(q.aht_secs().secs(), Some(90), "(150 + 30) / 2");
        assert_eq!(q.avg_ring_secs().secs(), Some(14), "(18 + 10) / 2");
        assert_eq!(q.request_rate_pct().hundredths(), Some(2000), "f: 1/5");
        assert_eq!(q.cb_fail_pct().hundredths(), Some(0), "cb1 ok");
        assert_eq!(
            q.avg_wait_to_callback_secs().secs(),
            Some(630),
            "1130 − 500"
        );
        assert_eq!(q.avg_callback_talk_secs().secs(), Some(120));
        // TOTAL: offered 9, within 2, ASA (20 + 21 + 5) / 3 = 15.33 → 15.
        assert_eq!(total.sla_pct().hundredths(), Some(2222));
        assert_eq!(total.asa_secs().secs(), Some(15));
        let total_row = &t.rows.last().unwrap().cells;
        assert_eq!(
            (&total_row[10], &total_row[12]),
            (&Cell::Pct(2222), &Cell::Secs(15))
        );
    }

    #[test]
    fn short_abandons_and_sla_from_parameters() {
        let f = scenario();
        // short_abandon_secs=0 disables the threshold everywhere; SLA from the map.
        let csv = f.csv(
            QueueSummary,
            DAY[0],
            DAY[1],
            "UTC",
            &["queues=8000:21", "short_abandon_secs=0"],
        );
        assert_eq!(
            csv,
            format!("{SUMMARY_HEAD}8000,Sales,6,2,2,0,1,1,21,2,33.33,33.33,21,21,75,15,90,1,0\nTOTAL,,6,2,2,0,1,1,,2,33.33,33.33,21,21,75,15,90,1,0\n")
        );
        // A listed queue with no entries still has a row.
        let csv = f.csv(QueueSummary, DAY[0], DAY[1], "UTC", &["queues=9999"]);
        assert!(
            csv.contains("\n9999,,0,0,0,0,0,0,20,0,,,,,,,,0,0\n"),
            "{csv}"
        );
    }

    #[test]
    fn callbacks_pending_at_the_period_end() {
        let f = scenario();
        // Judged at 09:15 (t = 900): cb1's attempt (at 1130) has not started: pending.
        let csv = f.csv(
            QueueSummary,
            "2025-01-01T09:00:00Z",
            "2025-01-01T09:15:00Z",
            "UTC",
            &["queues=8000"],
        );
        assert!(
            csv.contains("\n8000,Sales,5,2,1,1,1,1,20,1,20.00,20.00,21,21,75,15,90,0,0\n"),
            "{csv}"
        );
        let csv = f.csv(CallbackSummary, DAY[0], DAY[1], "UTC", &[]);
        let expected = "\
queue,queue_name,calls_received,callbacks_requested,request_rate_pct,cb_attempted,cb_ok,cb_fail,cb_pending,cb_fail_pct,avg_wait_to_callback_secs,avg_callback_talk_secs
8000,Sales,5,1,20.00,1,1,0,0,0.00,630,120
8001,Support,3,2,66.67,1,0,1,1,100.00,1040,
8002,,1,0,0.00,0,0,0,0,,,
TOTAL,,9,3,33.33,2,1,1,1,50.00,835,120
";
        assert_eq!(csv, expected);
    }

    #[test]
    fn buckets_are_closed_above() {
        assert_eq!(bucket(&DEFAULT_STX, 0), 0);
        assert_eq!(bucket(&DEFAULT_STX, 5), 0);
        assert_eq!(bucket(&DEFAULT_STX, 6), 1);
        assert_eq!(bucket(&DEFAULT_STX, 100), 9);
        assert_eq!(bucket(&DEFAULT_STX, 101), 10);
    }
}
