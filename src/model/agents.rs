//! Agent time (SPEC §2.3, §3 "Agent time"): login sessions resolved against "now", state
//! intervals with their implied ends clipped to the session, the gaps between them, wrap-up per
//! call, and off-hook segments.

use crate::reports::measure::Percent;
use rustc_hash::FxHashMap as HashMap;

use crate::model::pool::Sym;
use crate::model::rows::State;
use crate::model::Dataset;
use crate::time::{overlap, Ts};

/// One state interval, clipped to its login session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Start.
    pub start: Ts,
    /// End (exclusive).
    pub end: Ts,
    /// The state; `None` is a gap (`UNKNOWN`).
    pub state: Option<State>,
    /// The NOT_READY reason code, as written.
    pub reason: Sym,
    /// The call (`session_id`) the interval belongs to, if any.
    pub call_session: Sym,
}

/// A login session resolved against "now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSpan {
    /// Index in `Dataset::agent_sessions`.
    pub index: u32,
    /// The agent.
    pub agent: Sym,
    /// Login.
    pub start: Ts,
    /// Logout, or "now" for an open session (never before the login).
    pub end: Ts,
    /// Where its pieces sit in `Timeline::pieces`.
    pub first: u32,
    /// How many pieces it has.
    pub len: u32,
}

/// An off-hook segment clipped to its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffhookSpan {
    /// Index in `Dataset::agent_sessions`.
    pub session: u32,
    /// Start (not clipped: a segment counts in the session it starts in).
    pub raw_start: Ts,
    /// Start, clipped.
    pub start: Ts,
    /// End, clipped.
    pub end: Ts,
    /// A supervisor monitoring segment.
    pub monitoring: bool,
}

/// Everybody's time as of one "now".
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Sessions in dataset order.
    pub sessions: Vec<SessionSpan>,
    /// Each session's cover: state intervals and `UNKNOWN` gaps, in time order, no overlaps,
    /// no zero-length pieces.
    pub pieces: Vec<Interval>,
    /// Wrap-up seconds per (the call's index in the dataset's session pool, agent), whole
    /// (clipped to the login session only). Wrap-up naming a `session_id` that is not in the
    /// CDR is left out: no report asks for it.
    pub wraps: HashMap<(u32, Sym), i64>,
    /// Off-hook segments, by session then start.
    pub offhook: Vec<OffhookSpan>,
}

/// A timeline built from the agent tables before the CDR is read (`Timeline::of_agents`): its
/// wrap-up still names each call by its `session_id` text.
pub struct AgentsOnly {
    timeline: Timeline,
    /// Wrap-up seconds per (the call's `session_id` text, agent).
    wrap_texts: HashMap<(Sym, Sym), i64>,
}

impl AgentsOnly {
    /// The timeline, each wrap-up tied to its call in `ds`'s CDR.
    pub fn with_calls(self, ds: &Dataset) -> Timeline {
        let mut t = self.timeline;
        t.wraps.reserve(self.wrap_texts.len());
        for ((session, agent), secs) in self.wrap_texts {
            // Resolved once here, so that a report's lookup compares integers, not texts.
            if let Some(call) = ds.sessions.lookup(ds.strings.get(session)) {
                *t.wraps.entry((call.0, agent)).or_default() += secs;
            }
        }
        t
    }
}

impl Timeline {
    /// Resolves the agent tables as of `now` (the end of open sessions). Empty when the
    /// dataset has no agent tables. Without `pieces`, only the sessions and the wrap-up of
    /// each call (what queue reports read): no pieces, no off-hook segments.
    pub fn build(ds: &Dataset, now: Ts, pieces: bool) -> Timeline {
        Timeline::of_agents(ds, now, pieces).with_calls(ds)
    }

    /// `build` from the agent tables alone, before the CDR is read: the wrap-up is tied to
    /// the calls by `AgentsOnly::with_calls`, once it is.
    pub fn of_agents(ds: &Dataset, now: Ts, pieces: bool) -> AgentsOnly {
        let mut t = Timeline::default();
        let mut wrap_texts: HashMap<(Sym, Sym), i64> = HashMap::default();
        let Some(sessions) = &ds.agent_sessions else {
            return AgentsOnly {
                timeline: t,
                wrap_texts,
            };
        };
        let states = ds.agent_states.as_deref().unwrap_or(&[]);
        let offhook = ds.offhook.as_deref().unwrap_or(&[]);
        // Sized up front: a doubling vector of a month's pieces would hold twice their bytes.
        // Gaps are rare (about one a session), so states plus sessions is nearly always enough.
        if pieces {
            t.pieces.reserve_exact(states.len() + sessions.len());
            t.offhook.reserve_exact(offhook.len());
        }
        t.sessions.reserve_exact(sessions.len());
        let mut next = 0usize;
        for (index, s) in sessions.iter().enumerate() {
            let start = s.login_at;
            let end = s.logout_at.unwrap_or(now).max(start);
            let first = t.pieces.len() as u32;
            // States are sorted by session then start; take this session's run.
            let from = next;
            while next < states.len() && states[next].session as usize == index {
                next += 1;
            }
            let run = &states[from..next];
            let mut cursor = start;
            for (k, r) in run.iter().enumerate() {
                let implied = run.get(k + 1).map_or(end, |n| n.start_at);
                let (a, b) = (
                    r.start_at.max(start),
                    r.end_at.get().unwrap_or(implied).min(end),
                );
                if b <= a {
                    continue;
                }
                if pieces {
                    if a > cursor {
                        t.pieces.push(gap(cursor, a));
                    }
                    t.pieces.push(Interval {
                        start: a,
                        end: b,
                        state: Some(r.state),
                        reason: r.reason_code,
                        call_session: r.call_session,
                    });
                }
                if r.state == State::WrapUp && !r.call_session.is_empty() {
                    *wrap_texts.entry((r.call_session, s.agent)).or_default() += b - a;
                }
                cursor = cursor.max(b);
            }
            if pieces && end > cursor {
                t.pieces.push(gap(cursor, end));
            }
            let len = t.pieces.len() as u32 - first;
            t.sessions.push(SessionSpan {
                index: index as u32,
                agent: s.agent,
                start,
                end,
                first,
                len,
            });
        }
        for o in offhook.iter().filter(|_| pieces) {
            let span = &t.sessions[o.session as usize];
            let (a, b) = (
                o.start_at.max(span.start),
                o.end_at.unwrap_or(span.end).min(span.end),
            );
            t.offhook.push(OffhookSpan {
                session: o.session,
                raw_start: o.start_at,
                start: a,
                end: b.max(a),
                monitoring: o.monitoring,
            });
        }
        AgentsOnly {
            timeline: t,
            wrap_texts,
        }
    }

    /// The pieces covering a session.
    pub fn pieces_of(&self, s: &SessionSpan) -> &[Interval] {
        &self.pieces[s.first as usize..(s.first + s.len) as usize]
    }

    /// The off-hook segments of a session (by index in `Dataset::agent_sessions`).
    pub fn offhook_of(&self, session: u32) -> &[OffhookSpan] {
        let a = self.offhook.partition_point(|o| o.session < session);
        let b = self.offhook.partition_point(|o| o.session <= session);
        &self.offhook[a..b]
    }

    /// The wrap-up an agent did after call `call` (its index in the session pool of the
    /// dataset the timeline was built from), in seconds.
    pub fn wrap(&self, call: u32, agent: Sym) -> i64 {
        self.wraps.get(&(call, agent)).copied().unwrap_or(0)
    }

    /// Login time of a session inside `[from, to)`.
    pub fn login_in(s: &SessionSpan, from: Ts, to: Ts) -> i64 {
        overlap(s.start, s.end, from, to)
    }
}

/// Seconds per state inside a period, for one or many sessions. Merges exactly, so per-session
/// or per-shard partial sums combine in any grouping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateTime {
    /// Login time (every piece, including gaps).
    pub login: i64,
    /// READY.
    pub ready: i64,
    /// NOT_READY.
    pub not_ready: i64,
    /// RINGING.
    pub ringing: i64,
    /// ON_CALL.
    pub on_call: i64,
    /// WRAP_UP.
    pub wrap_up: i64,
    /// RNA.
    pub rna: i64,
    /// States this tool does not know.
    pub other: i64,
    /// Gaps (`UNKNOWN`).
    pub unknown: i64,
}

impl StateTime {
    /// Adds a session's time inside `[from, to)`.
    pub fn add_session(&mut self, t: &Timeline, s: &SessionSpan, from: Ts, to: Ts) {
        self.login += Timeline::login_in(s, from, to);
        for p in t.pieces_of(s) {
            let d = overlap(p.start, p.end, from, to);
            if d == 0 {
                continue;
            }
            let slot = match p.state {
                None => &mut self.unknown,
                Some(State::Ready) => &mut self.ready,
                Some(State::NotReady) => &mut self.not_ready,
                Some(State::Ringing) => &mut self.ringing,
                Some(State::OnCall) => &mut self.on_call,
                Some(State::WrapUp) => &mut self.wrap_up,
                Some(State::Rna) => &mut self.rna,
                Some(State::Other(_)) => &mut self.other,
            };
            *slot += d;
        }
    }

    /// Adds another partial sum.
    pub fn merge(&mut self, o: StateTime) {
        self.login += o.login;
        self.ready += o.ready;
        self.not_ready += o.not_ready;
        self.ringing += o.ringing;
        self.on_call += o.on_call;
        self.wrap_up += o.wrap_up;
        self.rna += o.rna;
        self.other += o.other;
        self.unknown += o.unknown;
    }

    /// Occupancy: `(ON_CALL + WRAP_UP) / (ON_CALL + WRAP_UP + READY)`.
    pub fn occupancy(&self) -> Percent {
        let busy = self.on_call + self.wrap_up;
        Percent::of(busy, busy + self.ready)
    }

    /// Utilization: `(ON_CALL + WRAP_UP) / login`.
    pub fn utilization(&self) -> Percent {
        Percent::of(self.on_call + self.wrap_up, self.login)
    }

    /// Not ready %: `NOT_READY / login`.
    pub fn not_ready_pct(&self) -> Percent {
        Percent::of(self.not_ready, self.login)
    }
}

fn gap(start: Ts, end: Ts) -> Interval {
    Interval {
        start,
        end,
        state: None,
        reason: Sym::EMPTY,
        call_session: Sym::EMPTY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::load_csv;

    const SESSIONS: &str = "\
login_session_id,agent_id,login_at,logout_at
L1,1001,1000,2000
L2,1002,1500,
";

    #[test]
    fn intervals_fill_implied_ends_and_gaps() {
        // L1: READY 1000–(next) , NOT_READY lunch 1200–1300 explicit, gap 1300–1400,
        // ON_CALL 1400– (until session end 2000), plus a state before the login clipped.
        let states = "\
login_session_id,agent_id,state,reason_code,session_id,start_at,end_at
L1,9999,READY,,,900,
L1,1001,LUNCH,IGNORED,,1200,1300
L1,1001,ON_CALL,,,1400,
L2,1002,AVAILABLE,,,1600,
L2,1002,WRAP_UP,,call7,1700,1750
";
        let ds = load_csv(&[
            ("cdr", CDR),
            ("agent_sessions", SESSIONS),
            ("agent_states", states),
        ]);
        let t = Timeline::build(&ds, 1800, true);
        let l1 = &t.sessions[0];
        let got: Vec<(Ts, Ts, Option<&str>)> = t
            .pieces_of(l1)
            .iter()
            .map(|p| (p.start, p.end, p.state.map(|s| s.name(&ds.strings))))
            .collect();
        assert_eq!(
            got,
            vec![
                (1000, 1200, Some("READY")),
                (1200, 1300, Some("NOT_READY")),
                (1300, 1400, None),
                (1400, 2000, Some("ON_CALL")),
            ]
        );
        assert_eq!(
            ds.strings.get(t.pieces_of(l1)[1].reason),
            "LUNCH",
            "the synonym's code wins"
        );
        // The open session L2 runs to now = 1800: gap 1500–1600, READY until the wrap-up
        // starts, wrap 1700–1750, gap to now.
        let l2 = &t.sessions[1];
        assert_eq!((l2.start, l2.end), (1500, 1800));
        let got: Vec<(Ts, Ts)> = t.pieces_of(l2).iter().map(|p| (p.start, p.end)).collect();
        assert_eq!(
            got,
            vec![(1500, 1600), (1600, 1700), (1700, 1750), (1750, 1800)]
        );
        let call7 = ds.sessions.lookup("call7").unwrap();
        let a1002 = ds.strings.lookup("1002").unwrap();
        assert_eq!(t.wrap(call7.0, a1002), 50);
        // Built for queue reports only: the same wrap-up (its implied end still the next
        // row's start), without the pieces.
        let wraps_only = Timeline::build(&ds, 1800, false);
        assert_eq!(wraps_only.wrap(call7.0, a1002), 50);
        assert_eq!(wraps_only.wraps, t.wraps);
        assert!(wraps_only.pieces.is_empty() && wraps_only.offhook.is_empty());
        // The pieces belong to the session's agent, whatever agent_id a state row names.
        assert_eq!(t.sessions[0].agent, ds.strings.lookup("1001").unwrap());
    }

    #[test]
    fn open_sessions_end_at_now_and_offhook_is_clipped() {
        let offhook = "\
login_session_id,agent_id,start_at,end_at,monitoring
L2,1002,1400,1550,0
L2,1002,1700,,1
";
        let ds = load_csv(&[
            ("cdr", CDR),
            ("agent_sessions", SESSIONS),
            ("offhook", offhook),
        ]);
        let t = Timeline::build(&ds, 1900, true);
        assert_eq!(Timeline::login_in(&t.sessions[1], 0, 10_000), 400);
        let spans: Vec<(Ts, Ts, bool)> = t
            .offhook
            .iter()
            .map(|o| (o.start, o.end, o.monitoring))
            .collect();
        assert_eq!(spans, vec![(1500, 1550, false), (1700, 1900, true)]);
        // "now" before the login: an empty session.
        let early = Timeline::build(&ds, 100, true);
        assert_eq!(Timeline::login_in(&early.sessions[1], 0, 10_000), 0);
    }

    #[test]
    fn state_time_is_clipped_to_the_period_and_merges() {
        // L1 1000–2000: READY 1000–1200, LUNCH 1200–1300, gap 1300–1400, ON_CALL 1400–2000.
        let states = "\
login_session_id,state,reason_code,start_at,end_at
L1,AVAILABLE,,1000,
L1,NOT_READY,LUNCH,1200,1300
L1,ENGAGED,,1400,
";
        let ds = load_csv(&[
            ("cdr", CDR),
            ("agent_sessions", SESSIONS),
            ("agent_states", states),
        ]);
        let t = Timeline::build(&ds, 1800, true);
        let mut a = StateTime::default();
        a.add_session(&t, &t.sessions[0], 1100, 1500);
        assert_eq!(
            a,
            StateTime {
                login: 400,
                ready: 100,
                not_ready: 100,
                unknown: 100,
                on_call: 100,
                ..StateTime::default()
            }
        );
        assert_eq!(a.occupancy(), Percent::of(100, 200));
        assert_eq!(a.utilization(), Percent::of(100, 400));
        // L2 (open, no states) runs 1500–1800 as now is 1800: all UNKNOWN.
        let mut b = StateTime::default();
        b.add_session(&t, &t.sessions[1], 0, 10_000);
        assert_eq!((b.login, b.unknown), (300, 300));
        a.merge(b);
        assert_eq!((a.login, a.unknown, a.ready), (700, 400, 100));
    }

    const CDR: &str = "session_id,caller,callee,started_at,ended_at\ncall7,1,2,10,20\n";
}
