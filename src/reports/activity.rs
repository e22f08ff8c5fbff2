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
use crate::reports::chart::{Run, Timeline as Drawn, TimelineRow};
use crate::reports::notes;
use crate::reports::params::Params;
use crate::reports::spec::{self, AgentTime, Figure, ReportSpec};
use crate::reports::table::{ident_cmp, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};
use crate::time::{local_days, Ts};

/// AGENTDETAILSACTIVITY (§4.4).
pub(crate) const DETAILS_ACTIVITY: ReportSpec = ReportSpec {
    name: "AGENTDETAILSACTIVITY",
    title: "Agent activity details",
    columns: col::NAMES,
    tables: &[TableName::AgentSessions, TableName::AgentStates],
    cdr_columns: &[],
    params: &["agents", "html_max_rows"],
    ignored: &["channel_type", "queue"],
    agent_time: AgentTime::States,
    state_calls: true,
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

/// Columns a timeline cuts its period into: about a pixel each at the chart's width.
const TIMELINE_COLUMNS: i64 = 960;

/// Which of `TIMELINE_STATES` a piece is drawn as.
fn timeline_state(s: Option<State>) -> usize {
    match s {
        Some(State::Ready) => 0,
        Some(State::OnCall) => 1,
        Some(State::Ringing) => 2,
        Some(State::WrapUp) => 3,
        Some(State::NotReady) => 4,
        Some(State::Rna) => 5,
        Some(State::Other(_)) => 6,
        None => 7,
    }
}

/// The timeline of the agents with the most logged-in time in the period (at most a printed
/// page of them, in identifier order). Each column shows the state its agent spent most of it
/// in, or nothing when the agent was logged out for most of it. `None` when nobody logged in.
fn draw_timeline(
    timeline: &Timeline,
    by_agent: &[(u32, u32)],
    labels: &[String],
    clip: &Clip,
    tz: chrono_tz::Tz,
) -> Option<Drawn> {
    let seconds = clip.to - clip.from;
    let columns = TIMELINE_COLUMNS.min(seconds);
    if columns <= 0 {
        return None;
    }
    // Column k covers [edge[k], edge[k + 1]).
    let edges: Vec<Ts> = (0..=columns)
        .map(|k| clip.from + k * seconds / columns)
        .collect();
    let mut logged = vec![0i64; labels.len()];
    for &(r, k) in by_agent {
        let s = &timeline.sessions[k as usize];
        logged[r as usize] += (s.end.min(clip.to) - s.start.max(clip.from)).max(0);
    }
    let mut chosen: Vec<usize> = (0..labels.len()).filter(|&r| logged[r] > 0).collect();
    let agents_in = chosen.len();
    if agents_in == 0 {
        return None;
    }
    chosen.sort_by_key(|&r| (std::cmp::Reverse(logged[r]), r));
    chosen.truncate(crate::reports::chart::MAX_CATEGORIES);
    chosen.sort_unstable();
    let rows = chosen
        .iter()
        .map(|&r| {
            let mut acc = vec![[0i64; STATES]; columns as usize];
            let mut seconds_in = [0i64; STATES];
            let first = by_agent.partition_point(|&(a, _)| (a as usize) < r);
            for &(_, k) in by_agent[first..]
                .iter()
                .take_while(|&&(a, _)| a as usize == r)
            {
                for piece in timeline.pieces_of(&timeline.sessions[k as usize]) {
                    let Some((a, b)) = clip.clip(piece) else {
                        continue;
                    };
                    let st = timeline_state(piece.state);
                    seconds_in[st] += b - a;
                    let mut c = edges.partition_point(|&e| e <= a) - 1;
                    while c < columns as usize && edges[c] < b {
                        acc[c][st] += b.min(edges[c + 1]) - a.max(edges[c]);
                        c += 1;
                    }
                }
            }
            TimelineRow {
                label: labels[r].clone(),
                runs: dominant_runs(&acc, &edges),
                seconds: seconds_in,
            }
        })
        .collect::<Vec<_>>();
    let mut title = "Each agent's states".to_string();
    if agents_in > rows.len() {
        title = format!(
            "{title} — the {} of {agents_in} agents logged in longest",
            rows.len()
        );
    }
    Some(Drawn {
        title,
        rows,
        columns: columns as u32,
        seconds,
        ticks: timeline_ticks(clip.from, clip.to, tz),
    })
}

/// How many states a timeline tells apart.
const STATES: usize = crate::reports::chart::TIMELINE_STATES.len();

/// Runs of columns, each column in the state with the most of its seconds (a tie goes to the
/// state listed first); a column the agent was logged out of for most of it is in no run.
/// `acc[c]` holds column c's seconds per state; column c covers `[edges[c], edges[c + 1])`.
fn dominant_runs(acc: &[[i64; STATES]], edges: &[Ts]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (c, states) in acc.iter().enumerate() {
        if 2 * states.iter().sum::<i64>() < edges[c + 1] - edges[c] {
            continue;
        }
        let st = (0..STATES)
            .max_by_key(|&i| (states[i], std::cmp::Reverse(i)))
            .unwrap_or(0) as u8;
        match runs.last_mut() {
            Some((_, end, s)) if *end == c as u32 && *s == st => *end += 1,
            _ => runs.push((c as u32, c as u32 + 1, st)),
        }
    }
    runs
}

/// Time-axis labels: every three hours over a day or less, each local midnight over two
/// weeks or less, each Monday beyond.
fn timeline_ticks(from: Ts, to: Ts, tz: chrono_tz::Tz) -> Vec<(i64, String)> {
    use chrono::{Datelike, Timelike};
    let days = local_days(from, to, tz);
    if to - from <= 86_400 + 3_600 {
        // Whole local hours divisible by three (a DST day keeps its real hours).
        let first = from + (3_600 - from.rem_euclid(3_600)) % 3_600;
        return (first..to)
            .step_by(3_600)
            .filter_map(|t| {
                let local = crate::time::zoned(t, tz);
                (local.minute() == 0 && local.hour().is_multiple_of(3))
                    .then(|| (t - from, local.format("%H:%M").to_string()))
            })
            .collect();
    }
    days.iter()
        .filter(|(date, start, _)| {
            *start >= from && (days.len() <= 15 || date.weekday() == chrono::Weekday::Mon)
        })
        .map(|(date, start, _)| (start - from, date.format("%a %-d %b").to_string()))
        .collect()
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
    let labels: Vec<String> = agents
        .iter()
        .zip(&names)
        .map(|(&a, name)| {
            let (id, name) = (strings.get(a), name.render(period.tz));
            if name == id {
                id.to_string()
            } else {
                format!("{id} {name}")
            }
        })
        .collect();
    t.timeline = draw_timeline(timeline, &by_agent, &labels, &clip, period.tz).map(Box::new);
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
    use crate::reports::chart::Run;
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::AgentDetailsActivity;
    use crate::time::parse_rfc3339;

    /// The agent tables given, and one call `c1` 08:30–08:40 on 1 January 2025.
    fn fixture(sessions: &str, states: &str) -> Fixture {
        let cdr = "session_id,caller,callee,started_at,ended_at\nc1,1,2,1735720200,1735720800\n";
        Fixture::new(
            &[
                ("cdr", cdr),
                ("agent_sessions", sessions),
                ("agent_states", states),
            ],
            parse_rfc3339("2025-01-02T00:00:00Z").unwrap(),
        )
    }

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
        let f = fixture(sessions, states);
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

    /// The timeline over 08:00–09:00 in 960 columns of 3.75 s: 1001 is READY, ON_CALL from
    /// 08:30 (column 480), READY from 08:40 (column 640); 1002 is NOT_READY 08:15–08:20
    /// (columns 240–320) and logged out the rest of the hour, so it has one run.
    #[test]
    fn the_timeline_draws_each_agents_states_in_columns() {
        let sessions = "\
login_session_id,agent_id,login_at,logout_at
L1,1001,2025-01-01T08:00:00Z,2025-01-01T09:00:00Z
L2,1002,2025-01-01T08:15:00Z,2025-01-01T08:20:00Z
";
        let states = "\
login_session_id,state,reason_code,session_id,start_at,end_at
L1,READY,,,2025-01-01T08:00:00Z,2025-01-01T08:30:00Z
L1,ON_CALL,,c1,2025-01-01T08:30:00Z,2025-01-01T08:40:00Z
L1,READY,,,2025-01-01T08:40:00Z,
L2,NOT_READY,LUNCH,,2025-01-01T08:15:00Z,
";
        let f = fixture(sessions, states);
        let (from, to) = ("2025-01-01T08:00:00Z", "2025-01-01T09:00:00Z");
        let t = f.table(AgentDetailsActivity, from, to, "UTC", &[]);
        let tl = t.timeline.expect("a timeline");
        assert_eq!((tl.columns, tl.seconds), (960, 3600));
        assert_eq!(tl.title, "Each agent's states");
        let rows: Vec<(&str, &[Run])> = tl
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.runs.as_slice()))
            .collect();
        assert_eq!(
            rows,
            [
                ("1001", &[(0, 480, 0), (480, 640, 1), (640, 960, 0)][..]),
                ("1002", &[(240, 320, 4)][..]),
            ]
        );
        // Ready 50 min, on call 10 min; not ready 5 min.
        assert_eq!(tl.rows[0].seconds, [3000, 600, 0, 0, 0, 0, 0, 0]);
        assert_eq!(tl.rows[1].seconds, [0, 0, 0, 0, 300, 0, 0, 0]);
        assert!(
            tl.ticks.is_empty(),
            "no whole hour divisible by 3 inside 08:00–09:00"
        );
    }

    /// New York's fall-back day has 25 hours: ticks every three local hours, 03:00 four hours
    /// after midnight (01:00 happens twice).
    #[test]
    fn timeline_ticks_follow_local_hours_and_days() {
        let ny: chrono_tz::Tz = "America/New_York".parse().unwrap();
        let from = parse_rfc3339("2025-11-02T00:00:00-04:00").unwrap();
        let to = parse_rfc3339("2025-11-03T00:00:00-05:00").unwrap();
        let ticks = super::timeline_ticks(from, to, ny);
        let h = |n: i64| n * 3600;
        assert_eq!(
            ticks,
            [
                (0, "00:00".to_string()),
                (h(4), "03:00".into()),
                (h(7), "06:00".into()),
                (h(10), "09:00".into()),
                (h(13), "12:00".into()),
                (h(16), "15:00".into()),
                (h(19), "18:00".into()),
                (h(22), "21:00".into()),
            ]
        );
        let week = super::timeline_ticks(from, to + 6 * 86_400, ny);
        assert_eq!(week.len(), 7);
        assert_eq!(week[1], (h(25), "Mon 3 Nov".to_string()));
    }
}
