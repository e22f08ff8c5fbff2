//! Agent reports (SPEC §4.5–4.6): AGENTSUMMARYACTIVITY, AGENTNOTREADYCODE, and the agent
//! helpers AGENTDETAILSACTIVITY (`activity`) shares.

use rustc_hash::FxHashMap as HashMap;

use crate::model::agents::{SessionSpan, StateTime};
use crate::model::pool::Sym;
use crate::model::queue::Entry;
use crate::model::rows::State;
use crate::model::TableName;
use crate::reports::chart::{self, Chart, Layout, Orientation, Unit};
use crate::reports::measure::HandleTimes;
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::select::{entries_in_period, offered_agents, wrap};
use crate::reports::spec::{self, AgentTime, ReportSpec};
use crate::reports::table::{avg, ident_cmp, max_cell, pct, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};
use crate::time::overlap;

/// The sessions of the agents the `agents` filter keeps.
pub(crate) fn sessions<'a>(
    ctx: &'a Ctx<'_>,
    p: &'a Params,
) -> impl Iterator<Item = &'a SessionSpan> + 'a {
    let strings = &ctx.ds.strings;
    ctx.timeline
        .sessions
        .iter()
        .filter(move |s| p.agents.is_empty() || p.agents.iter().any(|a| a == strings.get(s.agent)))
}

fn by_agent<T>(ctx: &Ctx<'_>, map: HashMap<Sym, T>) -> Vec<(Sym, T)> {
    let mut v: Vec<(Sym, T)> = map.into_iter().collect();
    v.sort_by(|a, b| ident_cmp(ctx.ds.strings.get(a.0), ctx.ds.strings.get(b.0)));
    v
}

fn name(ctx: &Ctx<'_>, agent: Sym) -> Cell<'static> {
    Cell::text(&ctx.facts.directory.display_name(ctx.ds, agent))
}

/// One agent's queue handling (AGENTSUMMARYACTIVITY, AGENTQUEUEREPORT); merges exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Handling {
    /// Entries that offered the agent at least one leg.
    pub offered: i64,
    /// Entries the agent answered.
    pub accepted: i64,
    /// Ring of the answering offers.
    pub ring: i64,
    /// Talk of the answering offers.
    pub talk: i64,
    /// Wrap-up of the accepted entries.
    pub wrap: i64,
}

impl Handling {
    /// Adds another partial sum.
    pub fn merge(&mut self, o: Handling) {
        self.offered += o.offered;
        self.accepted += o.accepted;
        self.ring += o.ring;
        self.talk += o.talk;
        self.wrap += o.wrap;
    }

    /// Counts an entry that offered `agent` a leg: offered, and accepted with its ring, talk and
    /// wrap-up when the agent answered it.
    pub fn add(&mut self, ctx: &Ctx<'_>, e: &Entry, agent: Sym) {
        self.offered += 1;
        if let Some(a) = e.answer.filter(|a| a.agent == agent) {
            self.accepted += 1;
            self.ring += a.ring;
            self.talk += a.talk;
            self.wrap += wrap(ctx, e);
        }
    }
}

crate::reports::measure::handle_times!(Handling);

/// AGENTSUMMARYACTIVITY (§4.5).
pub fn summary_activity<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let period = ctx.period;
    let strings = &ctx.ds.strings;
    let mut time: HashMap<Sym, StateTime> = HashMap::default();
    for s in sessions(ctx, p) {
        time.entry(s.agent)
            .or_default()
            .add_session(ctx.timeline, s, period.from, period.to);
    }
    let mut handling: HashMap<Sym, Handling> = HashMap::default();
    let queue = &ctx.facts.queue;
    for e in entries_in_period(ctx, p, queue) {
        if p.queue
            .as_deref()
            .is_some_and(|q| q != strings.get(e.service))
        {
            continue;
        }
        for agent in offered_agents(ctx, queue, e) {
            if !p.agents.is_empty() && !p.agents.iter().any(|a| a == strings.get(agent)) {
                continue;
            }
            handling.entry(agent).or_default().add(ctx, e, agent);
        }
    }
    let mut agents: HashMap<Sym, (StateTime, Handling)> = HashMap::default();
    for (a, st) in time.into_iter().filter(|(_, st)| st.login > 0) {
        agents.entry(a).or_default().0 = st;
    }
    for (a, h) in handling {
        agents.entry(a).or_default().1 = h;
    }
    let mut t = Table::new(ReportKind::AgentSummaryActivity, period.tz);
    let cells = |st: &StateTime, h: &Handling| -> Vec<Cell> {
        let mut v = vec![
            Cell::Secs(st.login),
            Cell::Secs(st.ready),
            Cell::Secs(st.not_ready),
            Cell::Secs(st.ringing),
            Cell::Secs(st.on_call),
            Cell::Secs(st.wrap_up),
            Cell::Int(h.offered),
            Cell::Int(h.accepted),
            Cell::Int(h.offered - h.accepted),
        ];
        v.extend([
            h.avg_ring_secs().into(),
            h.att_secs().into(),
            h.avg_wrap_secs().into(),
            h.aht_secs().into(),
            st.occupancy().into(),
            st.utilization().into(),
            st.not_ready_pct().into(),
        ]);
        v
    };
    let (mut all_time, mut all_handling) = (StateTime::default(), Handling::default());
    for (agent, (st, h)) in by_agent(ctx, agents) {
        let team = ctx
            .facts
            .directory
            .agent(ctx.ds, agent)
            .map_or(Sym::EMPTY, |a| a.team);
        let mut row = vec![
            Cell::str(strings.get(agent)),
            name(ctx, agent),
            Cell::str(strings.get(team)),
        ];
        row.extend(cells(&st, &h));
        t.rows.push(Row::data(row));
        all_time.merge(st);
        all_handling.merge(h);
    }
    let mut total = vec![Cell::text("TOTAL"), Cell::Empty, Cell::Empty];
    total.extend(cells(&all_time, &all_handling));
    t.rows.push(Row::total(total));
    t
}

/// Not-ready time of one reason code (AGENTNOTREADYCODE); merges exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct CodeAcc {
    occurrences: i64,
    total: i64,
    max: Option<i64>,
}

impl CodeAcc {
    fn merge(&mut self, o: CodeAcc) {
        self.occurrences += o.occurrences;
        self.total += o.total;
        self.max = self.max.max(o.max);
    }
}

/// One agent's not-ready time: per listed code, all not-ready time, login time.
#[derive(Debug, Clone, Default)]
struct AgentCodes {
    codes: HashMap<Sym, CodeAcc>,
    all_not_ready: i64,
    login: i64,
}

/// AGENTNOTREADYCODE (§4.6).
pub fn not_ready_code<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let period = ctx.period;
    let strings = &ctx.ds.strings;
    let mut agents: HashMap<Sym, AgentCodes> = HashMap::default();
    for s in sessions(ctx, p) {
        let a = agents.entry(s.agent).or_default();
        a.login += crate::model::agents::Timeline::login_in(s, period.from, period.to);
        for piece in ctx.timeline.pieces_of(s) {
            let d = overlap(piece.start, piece.end, period.from, period.to);
            if d == 0 || piece.state != Some(State::NotReady) {
                continue;
            }
            a.all_not_ready += d;
            if p.reason_code
                .as_deref()
                .is_some_and(|c| c != strings.get(piece.reason))
            {
                continue;
            }
            a.codes.entry(piece.reason).or_default().merge(CodeAcc {
                occurrences: 1,
                total: d,
                max: Some(d),
            });
        }
    }
    let mut t = Table::new(ReportKind::AgentNotReadyCode, period.tz);
    let figures = |c: &CodeAcc, nr: i64, login: i64| {
        [
            Cell::Int(c.occurrences),
            Cell::Secs(c.total),
            avg(c.total, c.occurrences),
            max_cell(c.max),
            pct(c.total, nr),
            pct(c.total, login),
        ]
    };
    let (mut grand, mut grand_nr, mut grand_login) = (CodeAcc::default(), 0, 0);
    for (agent, a) in by_agent(ctx, agents) {
        if a.codes.is_empty() {
            continue;
        }
        let mut codes: Vec<(Sym, CodeAcc)> = a.codes.into_iter().collect();
        codes.sort_by(|x, y| ident_cmp(strings.get(x.0), strings.get(y.0)));
        let mut agent_total = CodeAcc::default();
        for (code, c) in codes {
            let (label, category) = ctx.facts.directory.code(ctx.ds, code);
            let mut row = vec![
                Cell::str(strings.get(agent)),
                name(ctx, agent),
                Cell::str(strings.get(code)),
                Cell::text(label),
                Cell::text(category.name()),
            ];
            row.extend(figures(&c, a.all_not_ready, a.login));
            t.rows.push(Row::data(row));
            agent_total.merge(c);
        }
        let mut row = vec![
            Cell::str(strings.get(agent)),
            name(ctx, agent),
            Cell::text("TOTAL"),
            Cell::Empty,
            Cell::Empty,
        ];
        row.extend(figures(&agent_total, a.all_not_ready, a.login));
        t.rows.push(Row::total(row));
        grand.merge(agent_total);
        grand_nr += a.all_not_ready;
        grand_login += a.login;
    }
    let mut row = vec![
        Cell::text("TOTAL"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ];
    row.extend(figures(&grand, grand_nr, grand_login));
    t.rows.push(Row::total(row));
    t
}

/// AGENTSUMMARYACTIVITY (§4.5).
pub(crate) const SUMMARY_ACTIVITY: ReportSpec = ReportSpec {
    name: "AGENTSUMMARYACTIVITY",
    title: "Agent activity summary",
    columns: summary_col::NAMES,
    tables: &[TableName::AgentSessions, TableName::AgentStates],
    cdr_columns: &[],
    params: &["agents", "queue"],
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::States,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| summary_activity(ctx, &req.params),
    notes: |_| {
        vec![
            "Occupancy = (on call + wrap-up) / (on call + wrap-up + ready). Utilization = (on call + wrap-up) / login. Not ready % = not ready / login.".into(),
            "Offered: queue entries that rang the agent; accepted: entries the agent answered; missed = offered − accepted.".into(),
            "ATT = talk / accepted; AHT = (talk + wrap-up) / accepted. RNA and UNKNOWN time count in login only. Open sessions run to the report's \"now\".".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: summary_charts,
    headline: |t| {
        use summary_col::*;
        spec::from_total(
            t,
            &[
                ("Login", LOGIN_SECS),
                ("Accepted", ACCEPTED),
                ("AHT", AHT_SECS),
                ("Occupancy", OCCUPANCY_PCT),
            ],
        )
    },
};

/// AGENTNOTREADYCODE (§4.6).
pub(crate) const NOT_READY_CODE: ReportSpec = ReportSpec {
    name: "AGENTNOTREADYCODE",
    title: "Agent not-ready reasons",
    columns: not_ready_col::NAMES,
    tables: &[TableName::AgentSessions, TableName::AgentStates],
    cdr_columns: &[],
    params: &["agents", "reason_code"],
    ignored: &["channel_type", "queue"],
    agent_time: AgentTime::States,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| not_ready_code(ctx, &req.params),
    notes: |_| {
        vec![
            "Occurrences: not-ready intervals with time inside the period. % of not ready divides by all the agent's not-ready time; % of login by the agent's login time.".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: not_ready_charts,
    headline: |t| {
        use not_ready_col::*;
        spec::from_total(
            t,
            &[
                ("Not ready", TOTAL_SECS),
                ("Occurrences", OCCURRENCES),
                ("Of login", PCT_OF_LOGIN),
            ],
        )
    },
};

/// Each agent's login time by state (RNA and unknown time as "other").
fn summary_charts(t: &Table<'_>, _: &Params) -> Vec<Chart> {
    use summary_col::*;
    let rows: Vec<&Row> = spec::data_rows(t).collect();
    let mut series = chart::series(
        &rows,
        &[
            (READY_SECS, "ready"),
            (NOT_READY_SECS, "not ready"),
            (RINGING_SECS, "ringing"),
            (ON_CALL_SECS, "on call"),
            (WRAP_UP_SECS, "wrap-up"),
        ],
    );
    let other = (0..rows.len())
        .map(|i| {
            chart::value(&rows[i].cells[LOGIN_SECS]) - series.iter().map(|(_, v)| v[i]).sum::<i64>()
        })
        .collect();
    series.push(("other (RNA, unknown)".into(), other));
    vec![Chart {
        title: "Login time by state".into(),
        // The id beside the name: two agents may share a name.
        categories: chart::named(&rows, AGENT_ID, AGENT_NAME, t.tz),
        series,
        layout: Layout::Stacked,
        orientation: Orientation::Horizontal,
        unit: Unit::Seconds,
        target: None,
    }
    .top()]
}

/// Each agent's not-ready time by reason code (codes in text order).
fn not_ready_charts(t: &Table<'_>, _: &Params) -> Vec<Chart> {
    use not_ready_col::*;
    let tz = t.tz;
    let mut agents: Vec<String> = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    let mut labels: std::collections::BTreeMap<String, String> = Default::default();
    let mut time: std::collections::BTreeMap<(String, usize), i64> = Default::default();
    for r in spec::data_rows(t) {
        // The id beside the name: two agents may share a name.
        let agent = chart::named(&[r], AGENT_ID, AGENT_NAME, tz).remove(0);
        let code = chart::label(&r.cells[REASON_CODE], tz);
        labels
            .entry(code.clone())
            .or_insert_with(|| chart::label(&r.cells[REASON_LABEL], tz));
        let a = agents.iter().position(|x| *x == agent).unwrap_or_else(|| {
            agents.push(agent);
            agents.len() - 1
        });
        if !codes.contains(&code) {
            codes.push(code.clone());
        }
        *time.entry((code, a)).or_default() += chart::value(&r.cells[TOTAL_SECS]);
    }
    codes.sort();
    let series = codes
        .into_iter()
        .map(|c| {
            let values = (0..agents.len())
                .map(|a| time.get(&(c.clone(), a)).copied().unwrap_or(0))
                .collect();
            // The legend reads the code's label where the codes table gives one.
            let name = match (
                c.is_empty(),
                labels.get(&c).filter(|l| !l.is_empty() && **l != c),
            ) {
                (true, _) => "(no code)".to_string(),
                (false, Some(label)) => format!("{c} {label}"),
                (false, None) => c,
            };
            (name, values)
        })
        .collect();
    vec![Chart {
        title: "Not-ready time by reason".into(),
        categories: agents,
        series,
        layout: Layout::Stacked,
        orientation: Orientation::Horizontal,
        unit: Unit::Seconds,
        target: None,
    }
    .top()]
}

/// AGENTSUMMARYACTIVITY's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod summary_col {
    crate::input::table::columns! {
        AGENT_ID = "agent_id",
        AGENT_NAME = "agent_name",
        TEAM = "team",
        LOGIN_SECS = "login_secs",
        READY_SECS = "ready_secs",
        NOT_READY_SECS = "not_ready_secs",
        RINGING_SECS = "ringing_secs",
        ON_CALL_SECS = "on_call_secs",
        WRAP_UP_SECS = "wrap_up_secs",
        OFFERED = "offered",
        ACCEPTED = "accepted",
        MISSED = "missed",
        AVG_RING_SECS = "avg_ring_secs",
        ATT_SECS = "att_secs",
        AVG_WRAP_SECS = "avg_wrap_secs",
        AHT_SECS = "aht_secs",
        OCCUPANCY_PCT = "occupancy_pct",
        UTILIZATION_PCT = "utilization_pct",
        NOT_READY_PCT = "not_ready_pct",
    }
}

/// AGENTNOTREADYCODE's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod not_ready_col {
    crate::input::table::columns! {
        AGENT_ID = "agent_id",
        AGENT_NAME = "agent_name",
        REASON_CODE = "reason_code",
        REASON_LABEL = "reason_label",
        CATEGORY = "category",
        OCCURRENCES = "occurrences",
        TOTAL_SECS = "total_secs",
        AVG_SECS = "avg_secs",
        MAX_SECS = "max_secs",
        PCT_OF_NOT_READY = "pct_of_not_ready",
        PCT_OF_LOGIN = "pct_of_login",
    }
}

#[cfg(test)]
mod tests {
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::*;
    use crate::time::parse_rfc3339;

    // Times are UTC; the report zone is UTC unless a test says otherwise.
    const SESSIONS: &str = "\
login_session_id,agent_id,login_at,logout_at
L1,1001,2025-01-01T08:00:00Z,2025-01-01T12:00:00Z
L2,1002,2025-01-01T23:00:00Z,
L3,1003,2025-01-05T08:00:00Z,2025-01-05T09:00:00Z
";
    // L1: gap 08:00–08:05, READY to 09:00, ON_CALL 09:00–09:10 (call q1), WRAP_UP 09:10–09:12,
    // BREAK 09:12–09:27, READY to 10:00, LUNCH 10:00–10:40, READY 10:40–11:00, RNA 11:00–11:01,
    // BREAK 11:01–11:06, READY to the logout.
    // L2 (open): READY 23:00–00:30 across midnight, then NOT_READY without a code.
    const STATES: &str = "\
login_session_id,state,reason_code,session_id,start_at,end_at
L1,READY,,,2025-01-01T08:05:00Z,
L1,ON_CALL,,q1,2025-01-01T09:00:00Z,2025-01-01T09:10:00Z
L1,WRAP_UP,,q1,2025-01-01T09:10:00Z,2025-01-01T09:12:00Z
L1,NOT_READY,B1,,2025-01-01T09:12:00Z,2025-01-01T09:27:00Z
L1,READY,,,2025-01-01T09:27:00Z,
L1,LUNCH,,,2025-01-01T10:00:00Z,2025-01-01T10:40:00Z
L1,AVAILABLE,,,2025-01-01T10:40:00Z,
L1,RNA,,,2025-01-01T11:00:00Z,2025-01-01T11:01:00Z
L1,ON_BREAK,,,2025-01-01T11:01:00Z,2025-01-01T11:06:00Z
L1,READY,,,2025-01-01T11:06:00Z,
L2,READY,,,2025-01-01T23:00:00Z,2025-01-02T00:30:00Z
L2,NOT_READY,,,2025-01-02T00:30:00Z,
";
    const CODES: &str = "code,label,category\nB1,Coffee,BREAK\n";
    // One queue call q1: 1001 and 1002 are offered (ring-all), 1001 answers after 20 s ringing
    // and talks 10 min; q2: only 1002 is offered and misses it.
    const CDR: &str = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,rang_at,answered_at,ended_at
q1,555,TRUNK,8000,QUEUE,QUEUE,8000,2025-01-01T08:59:30Z,2025-01-01T08:59:30Z,2025-01-01T08:59:30Z,2025-01-01T09:00:00Z
q1,555,TRUNK,1001,EXTENSION,QUEUE,8000,2025-01-01T08:59:40Z,2025-01-01T08:59:40Z,2025-01-01T09:00:00Z,2025-01-01T09:10:00Z
q1,555,TRUNK,1002,EXTENSION,QUEUE,8000,2025-01-01T08:59:40Z,2025-01-01T08:59:40Z,,2025-01-01T09:00:00Z
q2,556,TRUNK,8001,QUEUE,QUEUE,8001,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z,2025-01-01T10:01:00Z
q2,556,TRUNK,1002,EXTENSION,QUEUE,8001,2025-01-01T10:00:05Z,2025-01-01T10:00:05Z,,2025-01-01T10:00:25Z
";

    fn fixture() -> Fixture {
        let now = parse_rfc3339("2025-01-02T01:00:00Z").unwrap();
        Fixture::new(
            &[
                ("cdr", CDR),
                ("agent_sessions", SESSIONS),
                ("agent_states", STATES),
                ("not_ready_codes", CODES),
            ],
            now,
        )
    }

    #[test]
    fn details_split_at_midnight_with_gaps_as_unknown() {
        let f = fixture();
        let csv = f.csv(
            AgentDetailsActivity,
            "2025-01-01T09:05:00Z",
            "2025-01-02T00:45:00Z",
            "UTC",
            &["agents=1001,1002"],
        );
        let expected = "\
agent_id,agent_name,date,start,end,duration_secs,state,reason_code,reason_label,session_id
1001,1001,2025-01-01,2025-01-01T09:05:00+00:00,2025-01-01T09:10:00+00:00,300,ON_CALL,,,q1
1001,1001,2025-01-01,2025-01-01T09:10:00+00:00,2025-01-01T09:12:00+00:00,120,WRAP_UP,,,q1
1001,1001,2025-01-01,2025-01-01T09:12:00+00:00,2025-01-01T09:27:00+00:00,900,NOT_READY,B1,Coffee,
1001,1001,2025-01-01,2025-01-01T09:27:00+00:00,2025-01-01T10:00:00+00:00,1980,READY,,,
1001,1001,2025-01-01,2025-01-01T10:00:00+00:00,2025-01-01T10:40:00+00:00,2400,NOT_READY,LUNCH,LUNCH,
1001,1001,2025-01-01,2025-01-01T10:40:00+00:00,2025-01-01T11:00:00+00:00,1200,READY,,,
1001,1001,2025-01-01,2025-01-01T11:00:00+00:00,2025-01-01T11:01:00+00:00,60,RNA,,,
1001,1001,2025-01-01,2025-01-01T11:01:00+00:00,2025-01-01T11:06:00+00:00,300,NOT_READY,BREAK,BREAK,
1001,1001,2025-01-01,2025-01-01T11:06:00+00:00,2025-01-01T12:00:00+00:00,3240,READY,,,
1002,1002,2025-01-01,2025-01-01T23:00:00+00:00,2025-01-02T00:00:00+00:00,3600,READY,,,
1002,1002,2025-01-02,2025-01-02T00:00:00+00:00,2025-01-02T00:30:00+00:00,1800,READY,,,
1002,1002,2025-01-02,2025-01-02T00:30:00+00:00,2025-01-02T00:45:00+00:00,900,NOT_READY,,,
";
        assert_eq!(csv, expected);
        // The gap at the start of L1 is UNKNOWN; midnight in Asia/Tokyo (UTC+9) splits at 15:00Z.
        let csv = f.csv(
            AgentDetailsActivity,
            "2025-01-01T08:00:00Z",
            "2025-01-01T08:05:00Z",
            "UTC",
            &[],
        );
        assert!(csv.ends_with("1001,1001,2025-01-01,2025-01-01T08:00:00+00:00,2025-01-01T08:05:00+00:00,300,UNKNOWN,,,\n"), "{csv}");
        let tokyo = f.csv(
            AgentDetailsActivity,
            "2025-01-01T23:30:00Z",
            "2025-01-02T00:10:00Z",
            "Asia/Tokyo",
            &["agents=1002"],
        );
        assert_eq!(
            tokyo.lines().count(),
            2,
            "no split at UTC midnight in Tokyo: {tokyo}"
        );
    }

    #[test]
    fn summary_activity_by_hand() {
        let f = fixture();
        // Period: all of 2025-01-01. 1001: login 4 h = 14400; READY 55+33+20+54 min = 9720;
        // NOT_READY 15+40+5 = 3600; ON_CALL 600; WRAP 120; RNA 60; UNKNOWN 300.
        // Offered q1 (accepted: ring 20, talk 600, wrap 120). Occupancy 720/10440 = 6.90%;
        // utilization 720/14400 = 5.00%; not ready 3600/14400 = 25.00%.
        // 1002: login 23:00–24:00 = 3600 READY; offered q1 (missed) and q2 (missed).
        let csv = f.csv(
            AgentSummaryActivity,
            "2025-01-01T00:00:00Z",
            "2025-01-02T00:00:00Z",
            "UTC",
            &[],
        );
        let expected = "\
agent_id,agent_name,team,login_secs,ready_secs,not_ready_secs,ringing_secs,on_call_secs,wrap_up_secs,offered,accepted,missed,avg_ring_secs,att_secs,avg_wrap_secs,aht_secs,occupancy_pct,utilization_pct,not_ready_pct
1001,1001,,14400,9720,3600,0,600,120,1,1,0,20,600,120,720,6.90,5.00,25.00
1002,1002,,3600,3600,0,0,0,0,2,0,2,,,,,0.00,0.00,0.00
TOTAL,,,18000,13320,3600,0,600,120,3,1,2,20,600,120,720,5.13,4.00,20.00
";
        assert_eq!(csv, expected);
        let q = f.csv(
            AgentSummaryActivity,
            "2025-01-01T00:00:00Z",
            "2025-01-02T00:00:00Z",
            "UTC",
            &["queue=8001"],
        );
        assert!(
            q.contains("\n1001,1001,,14400,9720,3600,0,600,120,0,0,0,,,,,6.90,5.00,25.00\n"),
            "{q}"
        );
        assert!(
            q.contains("\n1002,1002,,3600,3600,0,0,0,0,1,0,1,,,,,0.00,0.00,0.00\n"),
            "{q}"
        );
        // L3 is outside the period and 1003 was offered nothing: no row.
        assert!(!csv.contains("1003"));
    }

    #[test]
    fn open_sessions_run_to_now() {
        let f = fixture();
        // now = 01:00 on Jan 2: L2 READY 23:00–00:30 and NOT_READY 00:30–01:00.
        let csv = f.csv(
            AgentSummaryActivity,
            "2025-01-02T00:00:00Z",
            "2025-01-03T00:00:00Z",
            "UTC",
            &["agents=1002"],
        );
        assert!(
            csv.contains("\n1002,1002,,3600,1800,1800,0,0,0,0,0,0,,,,,0.00,0.00,50.00\n"),
            "{csv}"
        );
    }

    #[test]
    fn not_ready_codes_by_hand() {
        let f = fixture();
        // 1001 not ready: B1 900 (Coffee, BREAK), LUNCH 2400, BREAK 300: 3600 of 14400 login.
        // 1002 (Jan 1 only): no not-ready time, so no rows.
        let csv = f.csv(
            AgentNotReadyCode,
            "2025-01-01T00:00:00Z",
            "2025-01-02T00:00:00Z",
            "UTC",
            &[],
        );
        let expected = "\
agent_id,agent_name,reason_code,reason_label,category,occurrences,total_secs,avg_secs,max_secs,pct_of_not_ready,pct_of_login
1001,1001,B1,Coffee,BREAK,1,900,900,900,25.00,6.25
1001,1001,BREAK,BREAK,BREAK,1,300,300,300,8.33,2.08
1001,1001,LUNCH,LUNCH,LUNCH,1,2400,2400,2400,66.67,16.67
1001,1001,TOTAL,,,3,3600,1200,2400,100.00,25.00
TOTAL,,,,,3,3600,1200,2400,100.00,25.00
";
        assert_eq!(
            csv, expected,
            "1002 has no not-ready time, so its login is not in the grand total"
        );
        // With a filter, pct_of_not_ready still divides by all not-ready time; an interval that
        // started before the period counts once.
        let csv = f.csv(
            AgentNotReadyCode,
            "2025-01-01T10:30:00Z",
            "2025-01-02T01:00:00Z",
            "UTC",
            &["reason_code=LUNCH"],
        );
        // 1001 in the period: login 5400, LUNCH 600 of 900 not ready. 1002: NOT_READY 1800 (no
        // code) is not listed, so 1002 has no rows; the grand total sums the listed agents.
        let expected = "\
agent_id,agent_name,reason_code,reason_label,category,occurrences,total_secs,avg_secs,max_secs,pct_of_not_ready,pct_of_login
1001,1001,LUNCH,LUNCH,LUNCH,1,600,600,600,66.67,11.11
1001,1001,TOTAL,,,1,600,600,600,66.67,11.11
TOTAL,,,,,1,600,600,600,66.67,11.11
";
        assert_eq!(csv, expected);
    }
}
