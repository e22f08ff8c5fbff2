//! AGENTDETAILSACTIVITY (SPEC §4.4): every piece of every login session, clipped to the period
//! and split at local midnight, in the order agent, start, session. Rows are made as they are
//! written by merging each agent's sessions, so the report holds a cursor per session of one
//! agent, not a reference per piece (a month has millions of pieces).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::agents::{Interval, SessionSpan, Timeline};
use crate::model::pool::Sym;
use crate::model::rows::State;
use crate::model::TableName;
use crate::reports::agents::sessions;
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::spec::{self, Figure, ReportSpec};
use crate::reports::table::{ident_cmp, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};
use crate::time::{local_days, Ts};

/// AGENTDETAILSACTIVITY (§4.4).
pub(crate) const DETAILS_ACTIVITY: ReportSpec = ReportSpec {
    name: "AGENTDETAILSACTIVITY",
    title: "Agent activity details",
    columns: col::NAMES,
    tables: &[TableName::AgentSessions, TableName::AgentStates],
    params: &["agents", "html_max_rows"],
    ignored: &["channel_type", "queue"],
    agent_time: true,
    csv_guard: true,
    compute: |ctx, req| details_activity(ctx, &req.params),
    notes: |_| {
        vec![
            "State intervals clipped to the period and split at local midnight; gaps inside a login session are UNKNOWN.".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: spec::no_charts,
    headline: |t| vec![Figure::count("State intervals", t.row_count() as i64)],
};

/// AGENTDETAILSACTIVITY's columns (SPEC §4.4), in order.
pub(crate) mod col {
    crate::input::table::columns! {
        AGENT_ID = "agent_id",
        AGENT_NAME = "agent_name",
        DATE = "date",
        START = "start",
        END = "end",
        DURATION_SECS = "duration_secs",
        STATE = "state",
        REASON_CODE = "reason_code",
        REASON_LABEL = "reason_label",
        SESSION_ID = "session_id",
    }
}

/// The period and its local midnights: how a piece is clipped and split.
struct Clip {
    from: Ts,
    to: Ts,
    /// The end of each local day touching the period, in order.
    midnights: Vec<Ts>,
}

impl Clip {
    /// The piece inside the period, if any of it is.
    fn clip(&self, p: &Interval) -> Option<(Ts, Ts)> {
        let (a, b) = (p.start.max(self.from), p.end.min(self.to));
        (a < b).then_some((a, b))
    }

    /// The end of the row starting at `a` of a piece clipped to end at `b`.
    fn row_end(&self, a: Ts, b: Ts) -> Ts {
        let day = self.midnights.partition_point(|&m| m <= a);
        self.midnights.get(day).map_or(b, |&m| b.min(m))
    }

    /// How many rows the clipped piece `[a, b)` makes: one, plus one per midnight inside it.
    fn rows(&self, a: Ts, b: Ts) -> usize {
        self.midnights.partition_point(|&m| m < b) - self.midnights.partition_point(|&m| m <= a) + 1
    }
}

/// One row to come: its start, the piece, and the end (exclusive) of the piece's session.
type Cursor = Reverse<(Ts, u32, u32)>;

/// The rows in order. Within an agent a min-heap of one cursor per session gives the rows by
/// (start, piece index); pieces are stored session by session, so the piece index orders
/// sessions too.
struct Rows<'t> {
    timeline: &'t Timeline,
    clip: Clip,
    /// (agent rank, session index), sorted: each agent's sessions together.
    sessions: Vec<(u32, u32)>,
    /// The next agent's first entry in `sessions`.
    next: usize,
    /// The current agent's rank.
    rank: u32,
    heap: BinaryHeap<Cursor>,
}

impl Rows<'_> {
    /// A cursor at the first piece of `s` inside the period.
    fn first(&self, s: &SessionSpan) -> Option<Cursor> {
        let pieces = self.timeline.pieces_of(s);
        // Pieces of a session follow each other: skip those ending before the period at once.
        let k = pieces.partition_point(|p| p.end <= self.clip.from);
        let (a, _) = self.clip.clip(pieces.get(k)?)?;
        Some(Reverse((a, s.first + k as u32, s.first + s.len)))
    }
}

impl Iterator for Rows<'_> {
    /// (agent rank, start, end, piece index).
    type Item = (u32, Ts, Ts, u32);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(Reverse((a, j, last))) = self.heap.pop() {
                let b = self.timeline.pieces[j as usize].end.min(self.clip.to);
                let e = self.clip.row_end(a, b);
                if e < b {
                    // Split at midnight: the rest of the piece starts the next day.
                    self.heap.push(Reverse((e, j, last)));
                } else if j + 1 < last {
                    let after = &self.timeline.pieces[j as usize + 1];
                    if let Some((a2, _)) = self.clip.clip(after) {
                        self.heap.push(Reverse((a2, j + 1, last)));
                    }
                }
                return Some((self.rank, a, e, j));
            }
            let &(rank, _) = self.sessions.get(self.next)?;
            self.rank = rank;
            while let Some(&(r, k)) = self.sessions.get(self.next) {
                if r != rank {
                    break;
                }
                if let Some(c) = self.first(&self.timeline.sessions[k as usize]) {
                    self.heap.push(c);
                }
                self.next += 1;
            }
        }
    }
}

/// The report: every kept agent's pieces, rows made as they are written.
pub fn details_activity<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let period = ctx.period;
    let Ctx {
        ds,
        facts,
        timeline,
        ..
    } = *ctx;
    let strings = &ds.strings;
    // Agents in identifier order, ranked once so the merge compares integers.
    let mut agents: Vec<Sym> = sessions(ctx, p).map(|s| s.agent).collect();
    agents.sort_unstable();
    agents.dedup();
    agents.sort_by(|a, b| ident_cmp(strings.get(*a), strings.get(*b)));
    let rank: rustc_hash::FxHashMap<Sym, u32> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| (*a, i as u32))
        .collect();
    let mut by_agent: Vec<(u32, u32)> = timeline
        .sessions
        .iter()
        .enumerate()
        .filter_map(|(k, s)| rank.get(&s.agent).map(|&r| (r, k as u32)))
        .collect();
    by_agent.sort_unstable();
    let clip = Clip {
        from: period.from,
        to: period.to,
        midnights: local_days(period.from, period.to, period.tz)
            .into_iter()
            .map(|(_, _, end)| end)
            .collect(),
    };
    let mut t = Table::new(ReportKind::AgentDetailsActivity, period.tz);
    t.stream_len = by_agent
        .iter()
        .flat_map(|&(_, k)| timeline.pieces_of(&timeline.sessions[k as usize]))
        .filter_map(|piece| clip.clip(piece))
        .map(|(a, b)| clip.rows(a, b))
        .sum();
    let names: Vec<Cell> = agents
        .iter()
        .map(|&a| Cell::Shared(facts.directory.display_name(ds, a).into()))
        .collect();
    let rows = Rows {
        timeline,
        clip,
        sessions: by_agent,
        next: 0,
        rank: 0,
        heap: BinaryHeap::new(),
    };
    t.stream = Some(Box::new(rows.map(move |(r, a, e, j)| {
        let piece = &timeline.pieces[j as usize];
        let (state, code, label) = match piece.state {
            None => (Cell::str("UNKNOWN"), Cell::Empty, Cell::Empty),
            Some(st) if st == State::NotReady => {
                let (label, _) = facts.directory.code(ds, piece.reason);
                (
                    Cell::str(st.name(strings)),
                    Cell::str(strings.get(piece.reason)),
                    Cell::str(label),
                )
            }
            Some(st) => (Cell::str(st.name(strings)), Cell::Empty, Cell::Empty),
        };
        Row::data(vec![
            Cell::str(strings.get(agents[r as usize])),
            names[r as usize].clone(),
            Cell::Date(a),
            Cell::Time(a),
            Cell::Time(e),
            Cell::Secs(e - a),
            state,
            code,
            label,
            Cell::str(strings.get(piece.call_session)),
        ])
    })));
    t
}

#[cfg(test)]
mod tests {
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::AgentDetailsActivity;
    use crate::time::parse_rfc3339;

    /// Agent 1001 is logged in twice at once (two devices): L1 08:00–09:00 and L2 08:30–08:45.
    /// The rows interleave by start; at 08:30 both sessions have a piece starting, L1's (read
    /// first) comes first. Midnight is not involved; the period cuts L1 at 08:50.
    #[test]
    fn overlapping_sessions_of_one_agent_interleave_by_start() {
        let sessions = "\
login_session_id,agent_id,login_at,logout_at
L1,1001,2025-01-01T08:00:00Z,2025-01-01T09:00:00Z
L2,1001,2025-01-01T08:30:00Z,2025-01-01T08:45:00Z
";
        let states = "\
login_session_id,state,reason_code,session_id,start_at,end_at
L1,READY,,,2025-01-01T08:00:00Z,2025-01-01T08:30:00Z
L1,ON_CALL,,c1,2025-01-01T08:30:00Z,2025-01-01T08:40:00Z
L1,READY,,,2025-01-01T08:40:00Z,
L2,NOT_READY,,,2025-01-01T08:30:00Z,2025-01-01T08:35:00Z
L2,READY,,,2025-01-01T08:35:00Z,
";
        let cdr = "session_id,caller,callee,started_at,ended_at\nc1,1,2,1735720200,1735720800\n";
        let f = Fixture::new(
            &[
                ("cdr", cdr),
                ("agent_sessions", sessions),
                ("agent_states", states),
            ],
            parse_rfc3339("2025-01-02T00:00:00Z").unwrap(),
        );
        let csv = f.csv(
            AgentDetailsActivity,
            "2025-01-01T08:10:00Z",
            "2025-01-01T08:50:00Z",
            "UTC",
            &[],
        );
        let expected = "\
agent_id,agent_name,date,start,end,duration_secs,state,reason_code,reason_label,session_id
1001,1001,2025-01-01,2025-01-01T08:10:00+00:00,2025-01-01T08:30:00+00:00,1200,READY,,,
1001,1001,2025-01-01,2025-01-01T08:30:00+00:00,2025-01-01T08:40:00+00:00,600,ON_CALL,,,c1
1001,1001,2025-01-01,2025-01-01T08:30:00+00:00,2025-01-01T08:35:00+00:00,300,NOT_READY,,,
1001,1001,2025-01-01,2025-01-01T08:35:00+00:00,2025-01-01T08:45:00+00:00,600,READY,,,
1001,1001,2025-01-01,2025-01-01T08:40:00+00:00,2025-01-01T08:50:00+00:00,600,READY,,,
";
        assert_eq!(csv, expected);
    }
}
