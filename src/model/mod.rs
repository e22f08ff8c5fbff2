//! Typed facts: the dataset as read (`Dataset`) and what SPEC §3 derives from it (`facts`).

pub mod agents;
pub mod calls;
pub mod directory;
pub mod legs;
pub mod pool;
pub mod profile;
pub mod quality;
pub mod queue;
pub mod rows;

use std::path::PathBuf;

use crate::time::Ts;

use legs::Leg;
use pool::StrPool;
use quality::Quality;
use rows::{Agent, AgentSession, NotReadyCode, Offhook, QueueInfo, RingGroupInfo, StateRow};

/// A table of the dataset (SPEC §2). The order of the variants is SPEC's, which is also the
/// reading order and the order every listing of tables uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableName {
    /// `cdr`: one row per call leg (required).
    Cdr,
    /// `agents`.
    Agents,
    /// `queues`.
    Queues,
    /// `ring_groups`.
    RingGroups,
    /// `not_ready_codes`.
    NotReadyCodes,
    /// `agent_sessions`.
    AgentSessions,
    /// `agent_states`.
    AgentStates,
    /// `offhook`.
    Offhook,
}

impl TableName {
    /// Every table, in SPEC order.
    pub const ALL: [TableName; 8] = [
        TableName::Cdr,
        TableName::Agents,
        TableName::Queues,
        TableName::RingGroups,
        TableName::NotReadyCodes,
        TableName::AgentSessions,
        TableName::AgentStates,
        TableName::Offhook,
    ];

    /// One of the agent-session tables (SPEC §2.3), which only reports of agent time read.
    pub fn is_agent_table(self) -> bool {
        matches!(
            self,
            TableName::AgentSessions | TableName::AgentStates | TableName::Offhook
        )
    }

    /// The table's name, also its file name stem (`ring_groups.csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            TableName::Cdr => "cdr",
            TableName::Agents => "agents",
            TableName::Queues => "queues",
            TableName::RingGroups => "ring_groups",
            TableName::NotReadyCodes => "not_ready_codes",
            TableName::AgentSessions => "agent_sessions",
            TableName::AgentStates => "agent_states",
            TableName::Offhook => "offhook",
        }
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything read from a dataset directory, in file order. Optional tables are `None` when
/// the dataset does not have them.
#[derive(Debug, Default)]
pub struct Dataset {
    /// Every file read, in reading order; `Origin::file` indexes it.
    pub files: Vec<PathBuf>,
    /// Text cells of every table; shared with the window slices (`Dataset::slice`).
    pub strings: std::sync::Arc<StrPool>,
    /// CDR session ids; a leg's `call` indexes it.
    pub sessions: StrPool,
    /// In a window's slice (`Dataset::slice`), each call's index in the dataset it was cut
    /// from, whose timelines it reads; empty in a whole dataset.
    pub parent_calls: Vec<u32>,
    /// `cdr`, in file order.
    pub legs: Vec<Leg>,
    /// The legs' profiles (`Leg::profile`); shared with the window slices.
    pub profiles: std::sync::Arc<profile::Profiles>,
    /// Each leg's `call_id`, by leg index; empty unless the read kept them
    /// (`LoadOptions::call_ids`).
    pub call_ids: pool::TextColumn,
    /// `agents`.
    pub agents: Option<Vec<Agent>>,
    /// `queues`.
    pub queues: Option<Vec<QueueInfo>>,
    /// `ring_groups`.
    pub ring_groups: Option<Vec<RingGroupInfo>>,
    /// `not_ready_codes`.
    pub not_ready_codes: Option<Vec<NotReadyCode>>,
    /// `agent_sessions`.
    pub agent_sessions: Option<Vec<AgentSession>>,
    /// `agent_states`, sorted by login session then start.
    pub agent_states: Option<Vec<StateRow>>,
    /// `offhook`, sorted by login session then start.
    pub offhook: Option<Vec<Offhook>>,
    /// Rows read, skipped and warned about.
    pub quality: Quality,
    /// While reading: each leg's duplicate stamp (`input::duplicates`), emptied once checked.
    pub leg_stamps: Vec<crate::input::duplicates::Stamp>,
    /// While reading: each CDR piece's span of `started_at` (file index, span, every row had
    /// one).
    pub spans_read: Vec<(u32, Option<crate::input::window::Span>, bool)>,
    /// Each agent session's number of `agent_states` and `offhook` rows, by session index.
    pub session_rows: Vec<[u32; 2]>,
    /// What the read learned (or confirmed) of each CDR file's times, for the next run's
    /// `SpanCache`.
    pub learned: Vec<(PathBuf, crate::input::window::Known)>,
}

impl Dataset {
    /// Does the dataset have this table?
    pub fn has(&self, table: TableName) -> bool {
        match table {
            TableName::Cdr => true,
            TableName::Agents => self.agents.is_some(),
            TableName::Queues => self.queues.is_some(),
            TableName::RingGroups => self.ring_groups.is_some(),
            TableName::NotReadyCodes => self.not_ready_codes.is_some(),
            TableName::AgentSessions => self.agent_sessions.is_some(),
            TableName::AgentStates => self.agent_states.is_some(),
            TableName::Offhook => self.offhook.is_some(),
        }
    }

    /// Frees the raw state and off-hook rows once every agent timeline a command needs is built
    /// (the timelines hold what the reports read). The tables stay present, so reports that
    /// need them still run.
    pub fn release_agent_rows(&mut self) {
        if let Some(rows) = &mut self.agent_states {
            *rows = Vec::new();
        }
        if let Some(rows) = &mut self.offhook {
            *rows = Vec::new();
        }
    }

    /// Leg `leg`'s `call_id` (empty when the read did not keep call ids).
    pub fn call_id(&self, leg: usize) -> &str {
        if leg < self.call_ids.len() {
            self.call_ids.get(leg)
        } else {
            ""
        }
    }

    /// The data-quality counts of a report whose window is `[from, to)` (SPEC §3): the rows
    /// of the window (`legs` CDR legs in it; the agent sessions overlapping it, with their
    /// state and off-hook rows), the CDR's warnings and skipped rows inside it, and every count
    /// not placed in time.
    /// A report that reads no agent time (`agent` false) shows nothing of the agent tables,
    /// whether the run read them for another report or not.
    pub fn quality_within(&self, from: Ts, to: Ts, legs: u64, agent: bool) -> Quality {
        let mut q = self.quality.within(from, to);
        if !agent {
            q.forget_agent_tables();
        }
        let mut set = |table: TableName, rows: u64| {
            if let Some(t) = q.tables.get_mut(&table) {
                t.rows = rows;
            }
        };
        set(TableName::Cdr, legs);
        if let Some(sessions) = &self.agent_sessions {
            let (mut n, mut states, mut offhook) = (0u64, 0u64, 0u64);
            for (s, rows) in sessions.iter().zip(&self.session_rows) {
                if s.overlaps(from, to) {
                    n += 1;
                    states += u64::from(rows[0]);
                    offhook += u64::from(rows[1]);
                }
            }
            set(TableName::AgentSessions, n);
            set(TableName::AgentStates, states);
            set(TableName::Offhook, offhook);
        }
        q
    }

    /// The dataset of a report's window `[from, to)` (SPEC §3): the legs starting in it (given
    /// by index, in file order), every other table as it is, and the window's quality counts.
    /// The text pool is shared; session ids are pooled anew. The state and off-hook rows are
    /// left out: a report reads them through its timeline.
    pub fn slice(&self, from: Ts, to: Ts, legs: &[u32]) -> Dataset {
        let mut sessions = StrPool::dense();
        let mut parent_calls = Vec::new();
        let mut call_ids = pool::TextColumn::default();
        let legs: Vec<Leg> = legs
            .iter()
            .map(|&i| {
                let mut l = self.legs[i as usize].clone();
                let parent = self.parent_call(l.call);
                l.call = sessions.intern(self.sessions.get(pool::Sym(l.call))).0;
                if l.call as usize == parent_calls.len() {
                    parent_calls.push(parent);
                }
                if !self.call_ids.is_empty() {
                    call_ids.push(self.call_id(i as usize));
                }
                l
            })
            .collect();
        Dataset {
            files: self.files.clone(),
            strings: self.strings.clone(),
            profiles: self.profiles.clone(),
            sessions,
            parent_calls,
            call_ids,
            agents: self.agents.clone(),
            queues: self.queues.clone(),
            ring_groups: self.ring_groups.clone(),
            not_ready_codes: self.not_ready_codes.clone(),
            agent_sessions: self.agent_sessions.clone(),
            agent_states: self.agent_states.as_ref().map(|_| Vec::new()),
            offhook: self.offhook.as_ref().map(|_| Vec::new()),
            quality: self.quality_within(from, to, legs.len() as u64, true),
            legs,
            session_rows: self.session_rows.clone(),
            ..Dataset::default()
        }
    }

    /// The index of call `call` in the whole dataset (its timelines' numbering): itself, or
    /// in a slice the call it was cut from.
    pub fn parent_call(&self, call: u32) -> u32 {
        self.parent_calls
            .get(call as usize)
            .copied()
            .unwrap_or(call)
    }

    /// The cells `leg` shares with other legs (its profile).
    pub fn profile(&self, leg: &Leg) -> &profile::Profile {
        self.profiles.of(leg)
    }

    /// The number of calls (distinct session ids).
    pub fn call_count(&self) -> usize {
        self.sessions.len()
    }
}

/// What SPEC §3 derives from the CDR, computed once per dataset (agent time, which depends on
/// "now", is `agents::Timeline`).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Calls.
    pub calls: calls::Calls,
    /// Queue entries.
    pub queue: queue::Entries,
    /// Ring-group entries.
    pub groups: queue::Entries,
    /// Callback requests.
    pub callbacks: queue::Callbacks,
    /// Names and thresholds.
    pub directory: directory::Directory,
}

impl Facts {
    /// Derives the facts; adds the warnings about repeated dimension keys to the dataset.
    pub fn build(ds: &mut Dataset) -> Facts {
        let (facts, duplicates) = Facts::derive(ds);
        for (kind, n) in duplicates {
            ds.quality.warn_n(kind, n);
        }
        facts
    }

    /// Derives the facts, returning the repeated dimension keys by kind (see `Facts::build`).
    pub fn derive(ds: &Dataset) -> (Facts, Vec<(&'static str, u64)>) {
        let calls = calls::Calls::build(ds);
        let queue = queue::Entries::build(ds, &calls, queue::Service::Queue);
        let groups = queue::Entries::build(ds, &calls, queue::Service::RingGroup);
        let callbacks = queue::Callbacks::build(&ds.legs, &queue);
        let (directory, duplicates) = directory::Directory::derive(ds, &queue, &groups);
        let facts = Facts {
            calls,
            queue,
            groups,
            callbacks,
            directory,
        };
        (facts, duplicates)
    }
}
