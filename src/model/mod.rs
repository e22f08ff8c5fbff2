//! Typed facts: the dataset as read (`Dataset`) and what SPEC §3 derives from it (`facts`).

pub mod agents;
pub mod calls;
pub mod directory;
pub mod legs;
pub mod pool;
pub mod quality;
pub mod queue;
pub mod rows;

use std::path::PathBuf;

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
    /// Text cells of every table.
    pub strings: StrPool,
    /// CDR session ids; a leg's `call` indexes it.
    pub sessions: StrPool,
    /// `cdr`, in file order.
    pub legs: Vec<Leg>,
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
    /// Derives the facts; may add warnings (duplicate dimension rows) to the dataset.
    pub fn build(ds: &mut Dataset) -> Facts {
        let calls = calls::Calls::build(&ds.legs, ds.call_count());
        let queue = queue::Entries::build(&ds.legs, &calls, &ds.strings, queue::Service::Queue);
        let groups =
            queue::Entries::build(&ds.legs, &calls, &ds.strings, queue::Service::RingGroup);
        let callbacks = queue::Callbacks::build(&ds.legs, &queue);
        let directory = directory::Directory::build(ds, &queue, &groups);
        Facts {
            calls,
            queue,
            groups,
            callbacks,
            directory,
        }
    }
}
