//! AGENT_SESSION_REPORT_RAW (SPEC §4.13): the RingCentral Engage Voice "Agent Session Report
//! Raw", one row per login session, with the seed's 39 columns and formats byte for byte.

use rustc_hash::FxHashMap as HashMap;

use chrono::{NaiveDateTime, Timelike};
use chrono_tz::Tz;
use serde_json::Value;

use crate::model::agents::SessionSpan;
use crate::model::legs::Endpoint;
use crate::model::pool::Sym;
use crate::model::rows::{Category, State};
use crate::model::TableName;
use crate::reports::params::Params;
use crate::reports::spec::{self, AgentTime, Figure, ReportSpec};
use crate::reports::table::{div_half_up, hundredths, ident_cmp, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};
use crate::time::{resolve_local, zoned, Ts};

/// AGENT_SESSION_REPORT_RAW (§4.13): the RingCentral export, one row per login session.
pub(crate) const SESSION_RAW: ReportSpec = ReportSpec {
    name: "AGENT_SESSION_REPORT_RAW",
    title: "Agent Session Report Raw",
    columns: col::NAMES,
    tables: &[TableName::AgentSessions],
    cdr_columns: &[
        "hold_count",
        "hold_secs",
        "disposition_at",
        "disposition_xfer",
    ],
    params: &["agents", "agent_group_ids", "agent_teams", "html_max_rows"],
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::States,
    state_calls: false,
    csv_guard: false,
    compute: |ctx, req| report(ctx, &req.params, req.criteria.as_ref()),
    notes: |_| {
        vec![
            "One row per login session, reported whole. Minutes = seconds / 60, two decimals half up; ratios use unrounded seconds.".into(),
            "Work time: all state time except not-ready of category break, away, lunch or training.".into(),
        ]
    },
    charts: spec::no_charts,
    headline: |t| vec![Figure::count("Sessions", t.row_count() as i64)],
};

/// The seed's header, byte for byte, as column constants (`col::NAMES` is the header).
pub(crate) mod col {
    crate::input::table::columns! {
        AGENT_ID = "Agent ID",
        LAST_NAME = "Last Name",
        FIRST_NAME = "First Name",
        USERNAME = "Username",
        PHONE = "Phone",
        LOGIN_DTS = "Login DTS",
        LOGOUT_DTS = "Logout DTS",
        DIAL_GROUP = "Dial Group",
        PRESENTED = "Presented",
        ACCEPTED = "Accepted",
        MANUAL_NO_CONNECT = "Manual No Connect",
        RNA = "RNA",
        DISP_XFERS = "Disp Xfers",
        PCT_CALLS_XFERED = "%Calls Xfered",
        TALK_TIME_MIN = "Talk Time (min)",
        AVG_TALK_TIME_MIN = "Avg Talk Time (min)",
        LOGIN_TIME_MIN = "Login Time (min)",
        LOGIN_UTILIZATION = "Login Utilization",
        OFF_HOOK_TIME_MIN = "Off Hook Time (min)",
        ROUNDED_OH_TIME_MIN = "Rounded OH Time (min)",
        OFF_HOOK_UTILIZATION = "Off Hook Utilization",
        OFF_HOOK_TO_LOGIN_PCT = "Off Hook to Login %",
        WORK_TIME_MIN = "Work Time (min)",
        BREAK_TIME_MIN = "Break Time (min)",
        AWAY_TIME_MIN = "Away Time (min)",
        LUNCH_TIME_MIN = "Lunch Time (min)",
        TRAINING_TIME_MIN = "Training Time (min)",
        PENDING_DISP_TIME_MIN = "Pending Disp Time (min)",
        AVG_PENDING_DISP_TIME = "Avg Pending Disp Time",
        EXTERNAL_AGENT_ID = "External Agent ID",
        CALLS_PLACED_ON_HOLD = "Calls Placed On Hold",
        TIME_ON_HOLD_MIN = "Time On Hold (min)",
        RING_TIME_MIN = "Ring Time (min)",
        ENGAGEDTIME_MIN = "EngagedTime (min)",
        RNA_TIME_MIN = "RNA Time (min)",
        AVAILABLE_TIME_MIN = "Available Time (min)",
        TEAM = "Team",
        LOGIN_SESSION_ID = "Login Session ID",
        MONITORING_SESSIONS = "Monitoring Sessions",
    }
}

/// The selection of a RingCentral `reportsStreaming` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria {
    /// First login instant selected (inclusive).
    pub start: Ts,
    /// Last login instant selected (inclusive).
    pub end: Ts,
    /// `timezoneName`.
    pub tz: Tz,
    /// `agentIds` (empty: all).
    pub agent_ids: Vec<String>,
    /// `agentGroupIds` (empty: all).
    pub agent_group_ids: Vec<String>,
    /// `agentTeams` (empty: all).
    pub agent_teams: Vec<String>,
}

impl Criteria {
    /// Reads a request body: criteria at the top level or under `reportCriteria` (which wins).
    pub fn from_request(body: &Value) -> Result<Criteria, String> {
        let top = body
            .as_object()
            .ok_or("the request body must be a JSON object")?;
        let nested = top.get("reportCriteria").and_then(Value::as_object);
        let get = |key: &str| {
            nested
                .and_then(|n| n.get(key))
                .or_else(|| top.get(key))
                .filter(|v| !v.is_null())
        };
        let tz: Tz = match get("timezoneName") {
            None => Tz::UTC,
            Some(v) => {
                let name = v.as_str().ok_or("\"timezoneName\" must be a string")?;
                crate::time::parse_zone(name)?
            }
        };
        let stamp = |key: &str| -> Result<Ts, String> {
            let v = get(key).ok_or_else(|| format!("the request has no \"{key}\""))?;
            let text = v
                .as_str()
                .ok_or_else(|| format!("\"{key}\" must be a string"))?;
            ansi_timestamp(text, tz).ok_or_else(|| {
                format!(
                    "\"{key}\": \"{text}\" is not an ANSI timestamp (YYYY-MM-DD HH:MM:SS[.ffff])"
                )
            })
        };
        let list = |key: &str| -> Result<Vec<String>, String> {
            match get(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err(format!("\"{key}\" must hold strings or numbers")),
                    })
                    .collect(),
                Some(_) => Err(format!("\"{key}\" must be an array")),
            }
        };
        let c = Criteria {
            start: stamp("startTimestamp")?,
            end: stamp("endTimestamp")?,
            tz,
            agent_ids: list("agentIds")?,
            agent_group_ids: list("agentGroupIds")?,
            agent_teams: list("agentTeams")?,
        };
        if c.end < c.start {
            return Err("\"endTimestamp\" is before \"startTimestamp\"".into());
        }
        Ok(c)
    }
}

/// `2020-04-22 00:00:00.0000` as a wall time in `tz` (fraction truncated; a time in a DST gap
/// is the first instant after it, a time in a fold its first occurrence).
fn ansi_timestamp(text: &str, tz: Tz) -> Option<Ts> {
    let t = text.trim();
    let whole = t.split_once('.').map_or(t, |(w, frac)| {
        if frac.bytes().all(|b| b.is_ascii_digit()) {
            w
        } else {
            ""
        }
    });
    let naive = NaiveDateTime::parse_from_str(whole, "%Y-%m-%d %H:%M:%S").ok()?;
    Some(resolve_local(naive, tz))
}

/// `4/27/20 12:02 PM`: no padding, two-digit year, seconds truncated.
fn dts(ts: Ts, tz: Tz) -> String {
    let z = zoned(ts, tz);
    let (pm, h) = z.hour12();
    format!(
        "{}/{}/{} {}:{:02} {}",
        z.format("%-m"),
        z.format("%-d"),
        z.format("%y"),
        h,
        z.minute(),
        if pm { "PM" } else { "AM" }
    )
}

/// Minutes with two decimals, half up.
fn minutes(secs: i64) -> Cell<'static> {
    Cell::text(&hundredths(div_half_up(secs * 100, 60)))
}

/// An average in minutes; `0.00` over nothing.
fn avg_minutes(secs: i64, n: i64) -> Cell<'static> {
    if n == 0 {
        Cell::text("0.00")
    } else {
        Cell::text(&hundredths(div_half_up(secs * 100, 60 * n)))
    }
}

/// A percentage with `%`; `0.00%` over nothing.
fn percent(num: i64, den: i64) -> Cell<'static> {
    let h = if den == 0 {
        0
    } else {
        div_half_up(num * 10_000, den)
    };
    Cell::text(&format!("{}%", hundredths(h)))
}

/// Counts from the CDR legs of one session.
#[derive(Debug, Clone, Copy, Default)]
struct LegCounts {
    presented: i64,
    accepted: i64,
    manual_no_connect: i64,
    rna: i64,
    xfers: i64,
    talk: i64,
    pending: i64,
    pending_legs: i64,
    on_hold: i64,
    hold_secs: i64,
}

/// AGENT_SESSION_REPORT_RAW.
pub fn report<'a>(ctx: &Ctx<'a>, p: &Params, criteria: Option<&Criteria>) -> Table<'a> {
    let ds = ctx.ds;
    let strings = &ds.strings;
    let dir = &ctx.facts.directory;
    let (tz, selected): (Tz, Box<dyn Fn(Ts) -> bool>) = match criteria {
        Some(c) => (c.tz, Box::new(move |t| c.start <= t && t <= c.end)),
        None => (ctx.period.tz, Box::new(move |t| ctx.period.contains(t))),
    };
    let (ids, groups, teams) = match criteria {
        Some(c) => (&c.agent_ids, &c.agent_group_ids, &c.agent_teams),
        None => (&p.agents, &p.agent_group_ids, &p.agent_teams),
    };
    let sessions_rows = ds.agent_sessions.as_deref().unwrap_or(&[]);
    let mut chosen: Vec<&SessionSpan> = ctx
        .timeline
        .sessions
        .iter()
        .filter(|s| selected(s.start))
        .filter(|s| {
            let agent = dir.agent(ds, s.agent);
            let text = |sym: Option<Sym>| sym.map_or("", |x| strings.get(x));
            (ids.is_empty() || ids.iter().any(|i| i == strings.get(s.agent)))
                && (groups.is_empty()
                    || groups
                        .iter()
                        .any(|g| g == text(agent.map(|a| a.agent_group_id))))
                && (teams.is_empty() || teams.iter().any(|t| t == text(agent.map(|a| a.team))))
        })
        .collect();
    chosen.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then_with(|| ident_cmp(strings.get(a.agent), strings.get(b.agent)))
            .then_with(|| {
                let (x, y) = (
                    &sessions_rows[a.index as usize],
                    &sessions_rows[b.index as usize],
                );
                ident_cmp(strings.get(x.id), strings.get(y.id))
            })
    });
    // The legs of each chosen agent, by start.
    let agents: HashMap<Sym, Vec<u32>> = chosen.iter().map(|s| (s.agent, Vec::new())).collect();
    let mut legs_of = agents;
    for (i, l) in ds.legs.iter().enumerate() {
        let p = ds.profile(l);
        for (who, ep) in [(l.callee, p.callee_endpoint), (l.caller, p.caller_endpoint)] {
            if ep == Endpoint::EXTENSION {
                if let Some(v) = legs_of.get_mut(&who) {
                    if v.last() != Some(&(i as u32)) {
                        v.push(i as u32);
                    }
                }
            }
        }
    }
    for v in legs_of.values_mut() {
        v.sort_by_key(|&i| (ds.legs[i as usize].started_at, i));
    }
    let elsewhere: Vec<Sym> = ["ANSWERED_ELSEWHERE", "CALL_COMPLETED_ELSEWHERE"]
        .iter()
        .filter_map(|r| strings.lookup(r))
        .collect();

    let mut t = Table::new(ReportKind::AgentSessionReportRaw, tz);
    for s in chosen {
        let row = &sessions_rows[s.index as usize];
        let agent = dir.agent(ds, s.agent);
        let field = |f: fn(&crate::model::rows::Agent) -> Sym| {
            Cell::str(strings.get(agent.map_or(Sym::EMPTY, f)))
        };
        // Legs of the agent that started in the session.
        let mut c = LegCounts::default();
        let all = &legs_of[&s.agent];
        let from = all.partition_point(|&i| ds.legs[i as usize].started_at < s.start);
        for &i in &all[from..] {
            let l = &ds.legs[i as usize];
            if l.started_at >= s.end {
                break;
            }
            let p = ds.profile(l);
            let inbound = l.callee == s.agent && p.to_extension();
            let presented = inbound || l.answered();
            if !inbound && !l.answered() {
                c.manual_no_connect += 1;
            }
            if inbound && !l.answered() && !elsewhere.contains(&p.end_reason) {
                c.rna += 1;
            }
            if !presented {
                continue;
            }
            c.presented += 1;
            if let Some(answered_at) = l.answered_at() {
                c.accepted += 1;
                c.xfers += i64::from(l.extra().disposition_xfer);
                c.talk += l.talk();
                if let Some(d) = l.extra().disposition_at.get() {
                    c.pending += d - answered_at;
                    c.pending_legs += 1;
                }
                c.on_hold += i64::from(l.extra().hold_count.is_some_and(|h| h > 0));
                c.hold_secs += i64::from(l.extra().hold_secs.unwrap_or(0));
            }
        }
        // State time inside the session (pieces are already clipped to it).
        let (mut work, mut ready, mut ringing, mut on_call, mut rna) = (0, 0, 0, 0, 0);
        let mut by_category: HashMap<Category, i64> = HashMap::default();
        for piece in ctx.timeline.pieces_of(s) {
            let d = piece.end - piece.start;
            let Some(state) = piece.state else { continue };
            match state {
                State::Ready => ready += d,
                State::Ringing => ringing += d,
                State::OnCall => on_call += d,
                State::Rna => rna += d,
                State::NotReady => {
                    *by_category.entry(dir.code(ds, piece.reason).1).or_default() += d
                }
                State::WrapUp | State::Other(_) => {}
            }
            let away = state == State::NotReady && dir.code(ds, piece.reason).1 != Category::Other;
            if !away {
                work += d;
            }
        }
        let cat = |c: Category| by_category.get(&c).copied().unwrap_or(0);
        let login = s.end - s.start;
        let (mut offhook, mut rounded, mut monitoring) = (0, 0, 0);
        for o in ctx.timeline.offhook_of(s.index) {
            let d = o.end - o.start;
            offhook += d;
            rounded += (d + 59) / 60;
            monitoring += i64::from(o.monitoring && s.start <= o.raw_start && o.raw_start < s.end);
        }
        let team = agent.map_or("", |a| strings.get(a.team));
        t.rows.push(Row::data(vec![
            Cell::str(strings.get(s.agent)),
            field(|a| a.last_name),
            field(|a| a.first_name),
            field(|a| a.username),
            Cell::str(strings.get(row.phone)),
            Cell::text(&dts(s.start, tz)),
            row.logout_at
                .map_or(Cell::Empty, |t| Cell::text(&dts(t, tz))),
            Cell::str(strings.get(row.dial_group)),
            Cell::Int(c.presented),
            Cell::Int(c.accepted),
            Cell::Int(c.manual_no_connect),
            Cell::Int(c.rna),
            Cell::Int(c.xfers),
            percent(c.xfers, c.accepted),
            minutes(c.talk),
            avg_minutes(c.talk, c.accepted),
            minutes(login),
            percent(c.talk, login),
            minutes(offhook),
            Cell::text(&format!("{rounded}.00")),
            percent(c.talk, offhook),
            percent(offhook, login),
            minutes(work),
            minutes(cat(Category::Break)),
            minutes(cat(Category::Away)),
            minutes(cat(Category::Lunch)),
            minutes(cat(Category::Training)),
            minutes(c.pending),
            avg_minutes(c.pending, c.pending_legs),
            field(|a| a.external_agent_id),
            Cell::Int(c.on_hold),
            minutes(c.hold_secs),
            minutes(ringing),
            minutes(on_call),
            minutes(rna),
            minutes(ready),
            Cell::text(if team.is_empty() {
                "[No Team Name]"
            } else {
                team
            }),
            Cell::str(strings.get(row.id)),
            Cell::Int(monitoring),
        ]));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::testing::Fixture;
    use crate::reports::{compute, Period, Request};
    use crate::time::parse_rfc3339;

    const SEED_ROW: &str = "1111111,Smiths,John,john.smith@gmail.,6505550100,4/27/20 12:02 PM,4/27/20 12:47 PM,,0,0,0,0,0,0.00%,0.00,0.00,45.45,0.00%,0.00,0.00,0.00%,0.00%,0.00,0.00,0.00,0.00,0.00,0.00,0.00,,0,0.00,0.00,0.00,0.00,0.00,[No Team Name],111222333,0";

    fn run(f: &Fixture, body: serde_json::Value) -> String {
        let criteria = Criteria::from_request(&body).unwrap();
        let period = Period {
            from: 0,
            to: 1,
            tz: criteria.tz,
        };
        let ctx = Ctx {
            ds: &f.ds,
            facts: &f.facts,
            timeline: &f.timeline,
            period,
            now: f.now,
        };
        let req = Request {
            kind: ReportKind::AgentSessionReportRaw,
            params: Params::default(),
            criteria: Some(criteria),
        };
        String::from_utf8(crate::render::csv::render(compute(&ctx, &req).unwrap())).unwrap()
    }

    #[test]
    fn the_seed_row_byte_for_byte() {
        // 12:02:10 to 12:47:37 in US/Arizona (UTC−7): 2727 s = 45.45 min; no states, calls or
        // off-hook.
        let agents =
            "agent_id,first_name,last_name,username\n1111111,John,Smiths,john.smith@gmail.\n";
        let sessions = "login_session_id,agent_id,login_at,logout_at,phone\n111222333,1111111,2020-04-27T19:02:10Z,2020-04-27T19:47:37Z,6505550100\n";
        let f = Fixture::new(
            &[
                ("cdr", "session_id,caller,callee,started_at,ended_at\n"),
                ("agents", agents),
                ("agent_sessions", sessions),
            ],
            0,
        );
        let body = serde_json::json!({
            "reportType": "CASPER_REPORT",
            "reportCriteria": {"timezoneName": "US/Arizona", "startTimestamp": "2020-04-27 00:00:00.0000",
                               "endTimestamp": "2020-04-27 23:59:59.0000", "agentIds": [], "agentTeams": []}
        });
        let csv = run(&f, body);
        assert_eq!(csv, format!("{}\n{SEED_ROW}\n", col::NAMES.join(",")));
    }

    #[test]
    fn a_worked_session() {
        // Session 04:36:00–04:37:10 UTC (70 s): AVAILABLE 57 s then ENGAGED 13 s; one inbound leg
        // answered at once, talk 13 s, disposition at its end, a transfer flag, held once 4 s;
        // off-hook 68 s; one unanswered outbound dial; one inbound leg answered elsewhere (it is
        // presented, but no RNA).
        let cdr = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,started_at,answered_at,ended_at,end_reason,disposition_at,disposition_xfer,hold_count,hold_secs
a,555,TRUNK,2001,EXTENSION,2020-04-27T04:36:57Z,2020-04-27T04:36:57Z,2020-04-27T04:37:10Z,,2020-04-27T04:37:10Z,1,1,4
b,2001,EXTENSION,556,TRUNK,2020-04-27T04:36:01Z,,2020-04-27T04:36:05Z,,,,,
c,557,TRUNK,2001,EXTENSION,2020-04-27T04:36:06Z,,2020-04-27T04:36:08Z,answered-elsewhere,,,,
";
        let agents = "agent_id,first_name,last_name,username,external_agent_id,team\n2001,Ann,Lee,ann@x,740KSFOB,WFH_SXM\n";
        let sessions = "login_session_id,agent_id,login_at,logout_at,phone,dial_group\n9,2001,2020-04-27T04:36:00Z,2020-04-27T04:37:10Z,6505550101,HTL - Dedicated\n";
        let states = "login_session_id,state,start_at,end_at\n9,AVAILABLE,2020-04-27T04:36:00Z,\n9,ENGAGED,2020-04-27T04:36:57Z,\n";
        let offhook = "login_session_id,start_at,end_at,monitoring\n9,2020-04-27T04:36:02Z,2020-04-27T04:37:10Z,1\n";
        let f = Fixture::new(
            &[
                ("cdr", cdr),
                ("agents", agents),
                ("agent_sessions", sessions),
                ("agent_states", states),
                ("offhook", offhook),
            ],
            0,
        );
        let csv = run(
            &f,
            serde_json::json!({"timezoneName": "UTC", "startTimestamp": "2020-04-27 04:36:00", "endTimestamp": "2020-04-27 04:36:00"}),
        );
        let row = csv.lines().nth(1).unwrap();
        assert_eq!(
            row,
            "2001,Lee,Ann,ann@x,6505550101,4/27/20 4:36 AM,4/27/20 4:37 AM,HTL - Dedicated,2,1,1,0,1,100.00%,0.22,0.22,1.17,18.57%,1.13,2.00,19.12%,97.14%,1.17,0.00,0.00,0.00,0.00,0.22,0.22,740KSFOB,1,0.07,0.00,0.22,0.00,0.95,WFH_SXM,9,1"
        );
    }

    #[test]
    fn open_sessions_and_filters() {
        let agents = "agent_id,team,agent_group_id\n1,A,g1\n2,B,g2\n";
        let sessions = "login_session_id,agent_id,login_at,logout_at\n10,1,2020-01-01T00:00:00Z,\n11,2,2020-01-01T00:00:00Z,2020-01-01T00:30:00Z\n";
        let now = parse_rfc3339("2020-01-01T01:00:00Z").unwrap();
        let f = Fixture::new(
            &[
                ("cdr", "session_id,caller,callee,started_at,ended_at\n"),
                ("agents", agents),
                ("agent_sessions", sessions),
            ],
            now,
        );
        let body = serde_json::json!({"startTimestamp": "2020-01-01 00:00:00", "endTimestamp": "2020-01-01 00:00:00", "agentTeams": ["A"]});
        let csv = run(&f, body);
        let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(
            (row[0], row[6], row[16]),
            ("1", "", "60.00"),
            "open: empty Logout DTS, computed to now"
        );
        assert_eq!(csv.lines().count(), 2);
        let body = serde_json::json!({"startTimestamp": "2020-01-01 00:00:00", "endTimestamp": "2020-01-01 00:00:00", "reportCriteria": {"agentGroupIds": ["g2"]}});
        assert!(run(&f, body).contains("\n2,"));
    }

    #[test]
    fn request_criteria_errors_and_wall_times() {
        let e = Criteria::from_request(
            &serde_json::json!({"reportCriteria": {"endTimestamp": "2020-01-01 00:00:00"}}),
        )
        .unwrap_err();
        assert_eq!(e, "the request has no \"startTimestamp\"");
        let c = Criteria::from_request(&serde_json::json!({
            "timezoneName": "America/New_York", "startTimestamp": "2025-03-09 02:30:00.5", "endTimestamp": "2025-11-02 01:30:00"
        }))
        .unwrap();
        assert_eq!(
            c.start,
            parse_rfc3339("2025-03-09T03:00:00-04:00").unwrap(),
            "in the gap: first instant after"
        );
        assert_eq!(
            c.end,
            parse_rfc3339("2025-11-02T01:30:00-04:00").unwrap(),
            "in the fold: first occurrence"
        );
        assert!(Criteria::from_request(&serde_json::json!({"startTimestamp": "2025-01-02 00:00:00", "endTimestamp": "2025-01-01 00:00:00"})).is_err());
        assert_eq!(
            dts(parse_rfc3339("2020-04-27T00:05:59Z").unwrap(), Tz::UTC),
            "4/27/20 12:05 AM"
        );
        assert_eq!(
            dts(parse_rfc3339("2020-12-07T12:00:00Z").unwrap(), Tz::UTC),
            "12/7/20 12:00 PM"
        );
    }
}
