//! The small tables: agents, queues, ring groups, not-ready codes, and the agent-session
//! tables (sessions, state intervals, off-hook segments) as read.

use crate::error::Loc;
use crate::model::legs::normalize;
use crate::model::pool::{StrPool, Sym};
use crate::time::Ts;

/// A row of `agents`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// `agent_id`: the extension number seen in the CDR.
    pub id: Sym,
    /// `first_name`.
    pub first_name: Sym,
    /// `last_name`.
    pub last_name: Sym,
    /// `username`.
    pub username: Sym,
    /// `external_agent_id`.
    pub external_agent_id: Sym,
    /// `team`.
    pub team: Sym,
    /// `agent_group_id`.
    pub agent_group_id: Sym,
}

/// A row of `queues`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueInfo {
    /// `number`.
    pub number: Sym,
    /// `name`.
    pub name: Sym,
    /// `sla_secs`.
    pub sla_secs: Option<i64>,
    /// `short_abandon_secs`.
    pub short_abandon_secs: Option<i64>,
}

/// A row of `ring_groups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingGroupInfo {
    /// `number`.
    pub number: Sym,
    /// `name`.
    pub name: Sym,
}

/// The category of a not-ready reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// A break.
    Break,
    /// Lunch.
    Lunch,
    /// Away from the desk.
    Away,
    /// Training.
    Training,
    /// Anything else.
    Other,
}

impl Category {
    /// Reads a category name (normalised); `None` for anything but the five.
    pub fn parse(text: &str) -> Option<Category> {
        match normalize(text).as_str() {
            "BREAK" => Some(Category::Break),
            "LUNCH" => Some(Category::Lunch),
            "AWAY" => Some(Category::Away),
            "TRAINING" => Some(Category::Training),
            "OTHER" => Some(Category::Other),
            _ => None,
        }
    }

    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Break => "BREAK",
            Category::Lunch => "LUNCH",
            Category::Away => "AWAY",
            Category::Training => "TRAINING",
            Category::Other => "OTHER",
        }
    }
}

/// A row of `not_ready_codes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReadyCode {
    /// `code`, compared as written.
    pub code: Sym,
    /// `label`.
    pub label: Sym,
    /// `category`.
    pub category: Category,
}

/// An agent state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Ready for calls.
    Ready,
    /// Not ready, with a reason code.
    NotReady,
    /// A call is ringing.
    Ringing,
    /// On a call.
    OnCall,
    /// After-call work.
    WrapUp,
    /// Ring, no answer.
    Rna,
    /// A state this tool does not know, under its normalised name.
    Other(Sym),
}

impl State {
    /// Reads a state cell with the synonyms of SPEC §2.3. Returns the state, the reason code the
    /// synonym implies (it wins over the row's `reason_code`), and whether the value was
    /// unknown.
    pub fn parse(text: &str, pool: &mut StrPool) -> (State, Option<&'static str>, bool) {
        let norm = crate::model::legs::normalized(text);
        let s = match &*norm {
            "READY" | "AVAILABLE" => State::Ready,
            "NOT_READY" => State::NotReady,
            "RINGING" | "TRANSITION" => State::Ringing,
            "ON_CALL" | "ENGAGED" | "QUEUE_CALL" | "OTHER_CALL" => State::OnCall,
            "WRAP_UP" => State::WrapUp,
            "RNA" | "RNA_STATE" => State::Rna,
            "ON_BREAK" | "BREAK_AFTER_CALL" => return (State::NotReady, Some("BREAK"), false),
            "LUNCH" => return (State::NotReady, Some("LUNCH"), false),
            "AWAY" => return (State::NotReady, Some("AWAY"), false),
            "TRAINING" => return (State::NotReady, Some("TRAINING"), false),
            "WORKING" => return (State::NotReady, Some("WORKING"), false),
            _ => return (State::Other(pool.intern(&norm)), None, true),
        };
        (s, None, false)
    }

    /// The printed name of a state this program knows (`None` for an unknown one).
    pub fn fixed_name(self) -> Option<&'static str> {
        Some(match self {
            State::Ready => "READY",
            State::NotReady => "NOT_READY",
            State::Ringing => "RINGING",
            State::OnCall => "ON_CALL",
            State::WrapUp => "WRAP_UP",
            State::Rna => "RNA",
            State::Other(_) => return None,
        })
    }

    /// The printed name.
    pub fn name<'a>(&self, pool: &'a StrPool) -> &'a str {
        match self {
            State::Other(s) => pool.get(*s),
            known => known.fixed_name().unwrap_or_default(),
        }
    }
}

/// Where a row came from, for errors found after reading (overlapping intervals).
/// Kept in 8 bytes: a month's millions of state rows carry one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// Index into the dataset's list of files.
    pub file: u32,
    /// The line, or with `RECORD` set the record of a JSON array (a file is one or the other,
    /// so the order within a file is the reading order either way).
    n: u32,
}

/// The bit of `Origin::n` that marks a JSON record number.
const RECORD: u32 = 1 << 31;

impl Origin {
    /// Where a row was read.
    pub fn new(file: u32, loc: Loc) -> Origin {
        let (n, flag) = match loc {
            Loc::Line(n) => (n, 0),
            Loc::Record(n) => (n, RECORD),
        };
        // Past two billion lines the number saturates (errors then name the file only roughly).
        Origin {
            file,
            n: u32::try_from(n).unwrap_or(u32::MAX).min(RECORD - 1) | flag,
        }
    }

    /// The same row's origin `lines` lines further down (see `Loc::down`).
    pub fn down(self, lines: u64) -> Origin {
        match self.loc() {
            Loc::Line(n) => Origin::new(self.file, Loc::Line(n + lines)),
            Loc::Record(_) => self,
        }
    }

    /// The line or record.
    pub fn loc(self) -> Loc {
        let n = u64::from(self.n & !RECORD);
        if self.n & RECORD != 0 {
            Loc::Record(n)
        } else {
            Loc::Line(n)
        }
    }
}

/// A row of `agent_sessions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSession {
    /// `login_session_id`.
    pub id: Sym,
    /// `agent_id`.
    pub agent: Sym,
    /// `login_at`.
    pub login_at: Ts,
    /// `logout_at`; `None` while still logged in.
    pub logout_at: Option<Ts>,
    /// `phone`.
    pub phone: Sym,
    /// `dial_group`.
    pub dial_group: Sym,
    /// Where the row was read.
    pub origin: Origin,
}

impl AgentSession {
    /// Does the session overlap `[from, to)`? A session still logged in reaches on.
    pub fn overlaps(&self, from: crate::time::Ts, to: crate::time::Ts) -> bool {
        self.login_at < to && self.logout_at.is_none_or(|end| end > from)
    }
}

/// A row of `agent_states`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    /// `login_session_id`.
    pub login_session: Sym,
    /// Index of the login session in `Dataset::agent_sessions`, set once the dataset is read
    /// (the row's `agent_id` is the session's: the session's agent is the one used).
    pub session: u32,
    /// `state`.
    pub state: State,
    /// `reason_code` (NOT_READY only), as written.
    pub reason_code: Sym,
    /// `session_id`: the call a WRAP_UP follows.
    pub call_session: Sym,
    /// `start_at`.
    pub start_at: Ts,
    /// `end_at`; absent ends at the next interval of the session, else at its end.
    pub end_at: crate::model::legs::Opt64,
    /// Where the row was read.
    pub origin: Origin,
}

/// A row of `offhook`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offhook {
    /// `login_session_id`.
    pub login_session: Sym,
    /// Index of the login session in `Dataset::agent_sessions`, set once the dataset is read
    /// (its agent is the session's).
    pub session: u32,
    /// `start_at`.
    pub start_at: Ts,
    /// `end_at`; `None` ends with the session.
    pub end_at: Option<Ts>,
    /// `monitoring` (0/1).
    pub monitoring: bool,
    /// Where the row was read.
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A month holds millions of state rows, read before the timelines replace them.
    #[test]
    fn state_rows_stay_compact() {
        assert_eq!(std::mem::size_of::<Origin>(), 8);
        assert_eq!(std::mem::size_of::<StateRow>(), 48);
        let o = Origin::new(3, Loc::Record(7));
        assert_eq!((o.file, o.loc()), (3, Loc::Record(7)));
        assert_eq!(Origin::new(0, Loc::Line(9)).loc(), Loc::Line(9));
        assert!(Origin::new(0, Loc::Line(9)) < Origin::new(0, Loc::Line(10)));
    }

    #[test]
    fn state_synonyms() {
        let mut p = StrPool::new();
        assert_eq!(
            State::parse("available", &mut p),
            (State::Ready, None, false)
        );
        assert_eq!(
            State::parse("Queue-Call", &mut p),
            (State::OnCall, None, false)
        );
        assert_eq!(
            State::parse("TRANSITION", &mut p),
            (State::Ringing, None, false)
        );
        assert_eq!(State::parse("rna_state", &mut p), (State::Rna, None, false));
        assert_eq!(
            State::parse("ON_BREAK", &mut p),
            (State::NotReady, Some("BREAK"), false)
        );
        assert_eq!(
            State::parse("lunch", &mut p),
            (State::NotReady, Some("LUNCH"), false)
        );
        let (s, code, unknown) = State::parse("dialing", &mut p);
        assert!(unknown && code.is_none());
        assert_eq!(s.name(&p), "DIALING");
    }

    #[test]
    fn categories() {
        assert_eq!(Category::parse("lunch"), Some(Category::Lunch));
        assert_eq!(Category::parse("MEETING"), None);
    }
}
