//! CALLLOGS (SPEC §4.3): one row per leg of every call starting in the period, streamed as it
//! is written so a month of legs never sits in memory as cells.

use rayon::prelude::*;

use crate::decimal::DecimalSum;
use crate::model::calls::Call;
use crate::model::legs::{Endpoint, Leg};
use crate::model::pool::Sym;
use crate::reports::calls::call_ok;
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::select::calls_in_period;
use crate::reports::spec::{self, AgentTime, Figure, ReportSpec};
use crate::reports::table::{ident_cmp, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};
use crate::time::Ts;

/// CALLLOGS (§4.3).
pub(crate) const CALL_LOGS: ReportSpec = ReportSpec {
    name: "CALLLOGS",
    title: "Call logs",
    columns: call_log_col::NAMES,
    tables: &[],
    cdr_columns: &[
        "call_type",
        "did",
        "outbound_caller_id",
        "inbound_trunk",
        "outbound_trunk",
        "cost",
        "user_data",
    ],
    params: &["status", "direction", "caller", "callee", "html_max_rows"],
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::None,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| call_logs(ctx, &req.params),
    notes: |_| {
        vec![
            "One row per leg of every call starting in the period. Ring: answered − rang (else ended − rang); talk: ended − answered.".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: spec::no_charts,
    headline: |t| vec![Figure::count("Legs", t.row_count() as i64)],
};

/// CALLLOGS (§4.3).
pub fn call_logs<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let legs = &ctx.ds.legs;
    let strings = &ctx.ds.strings;
    let calls = &ctx.facts.calls;
    let matches = |group: &[u32], needle: &Option<String>, callee: bool| match needle {
        None => true,
        Some(n) => group.iter().any(|&i| {
            let l = &legs[i as usize];
            strings
                .get(if callee { l.callee } else { l.caller })
                .contains(n.as_str())
        }),
    };
    let mut kept: Vec<u32> = calls_in_period(ctx, p)
        .into_par_iter()
        .filter(|&c| {
            let group = calls.legs_of(c);
            call_ok(&calls.calls[c as usize], p)
                && matches(group, &p.caller, false)
                && matches(group, &p.callee, true)
        })
        .collect();
    kept.par_sort_by(|&a, &b| {
        let (ca, cb) = (&calls.calls[a as usize], &calls.calls[b as usize]);
        ca.start
            .cmp(&cb.start)
            .then_with(|| ident_cmp(ctx.ds.sessions.get(Sym(a)), ctx.ds.sessions.get(Sym(b))))
    });
    let mut t = Table::new(ReportKind::CallLogs, ctx.period.tz);
    // Rows are made as they are written: a month of legs never sits in memory as cells.
    let Ctx { ds, facts, .. } = *ctx;
    t.stream_len = kept
        .iter()
        .map(|&c| facts.calls.calls[c as usize].len as usize)
        .sum();
    t.stream = Some(Box::new(kept.into_iter().flat_map(move |c| {
        let call = &facts.calls.calls[c as usize];
        let session = ds.sessions.get(Sym(c));
        facts
            .calls
            .legs_of(c)
            .iter()
            .enumerate()
            .map(move |(n, &i)| leg_row(ds, session, call, n, &ds.legs[i as usize]))
    })));
    t
}

/// An endpoint or service type: its fixed name, or an unknown value's own text.
fn endpoint(e: Endpoint, strings: &crate::model::pool::StrPool) -> Cell<'_> {
    match (e, e.fixed_name()) {
        (_, Some(name)) => Cell::str(name),
        (e, None) => Cell::str(e.name(strings)),
    }
}

/// One CALLLOGS row.
fn leg_row<'a>(
    ds: &'a crate::model::Dataset,
    session: &'a str,
    call: &Call,
    n: usize,
    l: &Leg,
) -> Row<'a> {
    let strings = &ds.strings;
    let time = |t: Option<Ts>| t.map_or(Cell::Empty, Cell::Time);
    let s = |sym: Sym| Cell::str(strings.get(sym));
    let p = ds.profile(l);
    Row::data(vec![
        Cell::str(session),
        Cell::Int(n as i64 + 1),
        s(l.caller),
        s(l.caller_display_name),
        s(l.callee),
        s(l.callee_display_name),
        s(p.service_number),
        s(p.service_name),
        endpoint(p.service_type, strings),
        s(p.call_type),
        Cell::str(call.direction.name()),
        Cell::Time(l.started_at),
        time(l.rang_at()),
        time(l.answered_at()),
        Cell::Time(l.ended_at()),
        Cell::Secs(l.ring()),
        Cell::Secs(l.talk()),
        Cell::text(if l.answered() {
            "ANSWERED"
        } else {
            "UNANSWERED"
        }),
        p.status_code()
            .map_or(Cell::Empty, |v| Cell::Int(i64::from(v))),
        s(p.end_reason),
        s(l.extra().reroute_reason),
        s(p.did),
        s(l.extra().outbound_caller_id),
        s(p.inbound_trunk),
        s(l.extra().outbound_trunk),
        l.extra()
            .cost
            .map_or(Cell::Empty, |c| Cell::Money(DecimalSum(i128::from(c.0)))),
        s(l.extra().callback_id),
        s(l.extra().user_data),
    ])
}

/// CALLLOGS's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod call_log_col {
    crate::input::table::columns! {
        SESSION_ID = "session_id",
        LEG = "leg",
        CALLER = "caller",
        CALLER_DISPLAY_NAME = "caller_display_name",
        CALLEE = "callee",
        CALLEE_DISPLAY_NAME = "callee_display_name",
        SERVICE_NUMBER = "service_number",
        SERVICE_NAME = "service_name",
        SERVICE_TYPE = "service_type",
        CALL_TYPE = "call_type",
        CALL_DIRECTION = "call_direction",
        STARTED_AT = "started_at",
        RANG_AT = "rang_at",
        ANSWERED_AT = "answered_at",
        ENDED_AT = "ended_at",
        RING_SECS = "ring_secs",
        TALK_SECS = "talk_secs",
        STATUS = "status",
        STATUS_CODE = "status_code",
        END_REASON = "end_reason",
        REROUTE_REASON = "reroute_reason",
        DID = "did",
        OUTBOUND_CALLER_ID = "outbound_caller_id",
        INBOUND_TRUNK = "inbound_trunk",
        OUTBOUND_TRUNK = "outbound_trunk",
        COST = "cost",
        CALLBACK_ID = "callback_id",
        USER_DATA = "user_data",
    }
}
#[cfg(test)]
mod tests {
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::*;

    const DAY: [&str; 2] = ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"];

    #[test]
    fn call_logs_list_every_leg_of_kept_calls() {
        let cdr = "\
session_id,caller,caller_display_name,caller_endpoint,callee,callee_endpoint,service_number,service_name,service_type,started_at,rang_at,answered_at,ended_at,status_code,end_reason,cost,callback_id,user_data
20,555,\"Doe, Jane\",TRUNK,5000,IVR,5000,Menu,IVR,2025-01-01T08:00:00Z,2025-01-01T08:00:00Z,2025-01-01T08:00:00Z,2025-01-01T08:00:12Z,200,referred,,,
20,555,\"Doe, Jane\",TRUNK,1001,EXTENSION,,,NONE,2025-01-01T08:00:12Z,2025-01-01T08:00:12Z,2025-01-01T08:00:20Z,2025-01-01T08:02:00Z,200,,0.5,,vip
3,1001,,EXTENSION,1002,EXTENSION,,,,2025-01-01T08:00:00Z,2025-01-01T08:00:00Z,,2025-01-01T08:00:30Z,486,busy,,,
";
        let f = Fixture::new(&[("cdr", cdr)], 0);
        let csv = f.csv(CallLogs, DAY[0], DAY[1], "Asia/Shanghai", &[]);
        let expected = "\
session_id,leg,caller,caller_display_name,callee,callee_display_name,service_number,service_name,service_type,call_type,call_direction,started_at,rang_at,answered_at,ended_at,ring_secs,talk_secs,status,status_code,end_reason,reroute_reason,did,outbound_caller_id,inbound_trunk,outbound_trunk,cost,callback_id,user_data
3,1,1001,,1002,,,,NONE,,INTERNAL,2025-01-01T16:00:00+08:00,2025-01-01T16:00:00+08:00,,2025-01-01T16:00:30+08:00,30,0,UNANSWERED,486,BUSY,,,,,,,,
20,1,555,\"Doe, Jane\",5000,,5000,Menu,IVR,,INBOUND,2025-01-01T16:00:00+08:00,2025-01-01T16:00:00+08:00,2025-01-01T16:00:00+08:00,2025-01-01T16:00:12+08:00,0,12,ANSWERED,200,REFERRED,,,,,,,,
20,2,555,\"Doe, Jane\",1001,,,,NONE,,INBOUND,2025-01-01T16:00:12+08:00,2025-01-01T16:00:12+08:00,2025-01-01T16:00:20+08:00,2025-01-01T16:02:00+08:00,8,100,ANSWERED,200,,,,,,,0.5000,,vip
";
        assert_eq!(
            csv, expected,
            "ties on call start go by session id, numerically"
        );
        let only = f.csv(
            CallLogs,
            DAY[0],
            DAY[1],
            "UTC",
            &["callee=100", "caller=55"],
        );
        assert_eq!(
            only.lines().count(),
            3,
            "both filters must match some leg of the call"
        );
        let answered = f.csv(CallLogs, DAY[0], DAY[1], "UTC", &["status=UNANSWERED"]);
        assert_eq!(answered.lines().count(), 2);
    }
}
