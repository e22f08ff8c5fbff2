//! The dimension tables (agents, queues, ring groups, not-ready codes) and the agent-session
//! tables (sessions, state intervals, off-hook segments).

use crate::error::Loc;
use crate::input::rows::{FieldError, RowIssue, RowView};
use crate::input::table::{columns, ParseCx, Record, Remap};
use crate::model::pool::Sym;
use crate::model::rows::{
    Agent, AgentSession, Category, NotReadyCode, Offhook, Origin, QueueInfo, RingGroupInfo, State,
    StateRow,
};
use crate::model::TableName;

fn non_negative(row: &RowView<'_>, c: usize) -> Result<Option<i64>, FieldError> {
    let v = row.int::<i64>(c)?;
    if v.is_some_and(|v| v < 0) {
        return Err(FieldError::new(
            row.name(c),
            "invalid integer",
            "must not be negative",
        ));
    }
    Ok(v)
}

fn not_before(field: &'static str, start: i64, end: Option<i64>) -> Result<(), FieldError> {
    match end {
        Some(e) if e < start => Err(FieldError::new(field, "time order", "is before the start")),
        _ => Ok(()),
    }
}

mod agent_cols {
    super::columns! {
        AGENT_ID = "agent_id", FIRST_NAME = "first_name", LAST_NAME = "last_name",
        USERNAME = "username", EXTERNAL_AGENT_ID = "external_agent_id", TEAM = "team",
        AGENT_GROUP_ID = "agent_group_id",
    }
}

impl Record for Agent {
    const NAME: TableName = TableName::Agents;
    const COLUMNS: &'static [&'static str] = agent_cols::NAMES;
    const REQUIRED: &'static [usize] = &[agent_cols::AGENT_ID];

    fn parse(row: &RowView<'_>, _loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use agent_cols::*;
        Ok(Agent {
            id: cx.intern_in(AGENT_ID, row.required(AGENT_ID)?),
            first_name: cx.sym(row, FIRST_NAME)?,
            last_name: cx.sym(row, LAST_NAME)?,
            username: cx.sym(row, USERNAME)?,
            external_agent_id: cx.sym(row, EXTERNAL_AGENT_ID)?,
            team: cx.sym(row, TEAM)?,
            agent_group_id: cx.sym(row, AGENT_GROUP_ID)?,
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        for f in [
            &mut self.id,
            &mut self.first_name,
            &mut self.last_name,
            &mut self.username,
            &mut self.external_agent_id,
            &mut self.team,
            &mut self.agent_group_id,
        ] {
            *f = m[f.index()];
        }
    }
}

mod queue_cols {
    super::columns! { NUMBER = "number", NAME = "name", SLA_SECS = "sla_secs", SHORT_ABANDON_SECS = "short_abandon_secs" }
}

impl Record for QueueInfo {
    const NAME: TableName = TableName::Queues;
    const COLUMNS: &'static [&'static str] = queue_cols::NAMES;
    const REQUIRED: &'static [usize] = &[queue_cols::NUMBER];

    fn parse(row: &RowView<'_>, _loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use queue_cols::*;
        Ok(QueueInfo {
            number: cx.strings.intern(row.required(NUMBER)?),
            name: cx.sym(row, NAME)?,
            sla_secs: non_negative(row, SLA_SECS)?,
            short_abandon_secs: non_negative(row, SHORT_ABANDON_SECS)?,
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        self.number = m[self.number.index()];
        self.name = m[self.name.index()];
    }
}

mod ring_group_cols {
    super::columns! { NUMBER = "number", NAME = "name" }
}

impl Record for RingGroupInfo {
    const NAME: TableName = TableName::RingGroups;
    const COLUMNS: &'static [&'static str] = ring_group_cols::NAMES;
    const REQUIRED: &'static [usize] = &[ring_group_cols::NUMBER];

    fn parse(row: &RowView<'_>, _loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use ring_group_cols::*;
        Ok(RingGroupInfo {
            number: cx.strings.intern(row.required(NUMBER)?),
            name: cx.sym(row, NAME)?,
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        self.number = m[self.number.index()];
        self.name = m[self.name.index()];
    }
}

mod code_cols {
    super::columns! { CODE = "code", LABEL = "label", CATEGORY = "category" }
}

impl Record for NotReadyCode {
    const NAME: TableName = TableName::NotReadyCodes;
    const COLUMNS: &'static [&'static str] = code_cols::NAMES;
    const REQUIRED: &'static [usize] = &[code_cols::CODE];

    fn parse(row: &RowView<'_>, _loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use code_cols::*;
        let code = row.required(CODE)?;
        let category = match row.text(CATEGORY)? {
            Some(text) => Category::parse(text).unwrap_or_else(|| {
                cx.quality.warn(format!(
                    "not_ready_codes: unknown category \"{text}\" (read as OTHER)"
                ));
                Category::Other
            }),
            None => Category::parse(code).unwrap_or(Category::Other),
        };
        Ok(NotReadyCode {
            code: cx.strings.intern(code),
            label: cx.sym(row, LABEL)?,
            category,
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        self.code = m[self.code.index()];
        self.label = m[self.label.index()];
    }
}

mod session_cols {
    super::columns! {
        LOGIN_SESSION_ID = "login_session_id", AGENT_ID = "agent_id", LOGIN_AT = "login_at",
        LOGOUT_AT = "logout_at", PHONE = "phone", DIAL_GROUP = "dial_group",
    }
}

impl Record for AgentSession {
    const NAME: TableName = TableName::AgentSessions;
    const COLUMNS: &'static [&'static str] = session_cols::NAMES;
    const REQUIRED: &'static [usize] = &[
        session_cols::LOGIN_SESSION_ID,
        session_cols::AGENT_ID,
        session_cols::LOGIN_AT,
    ];

    fn parse(row: &RowView<'_>, loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use session_cols::*;
        let login_at = row.required_ts(LOGIN_AT)?;
        let logout_at = row.ts(LOGOUT_AT)?;
        not_before("logout_at", login_at, logout_at)?;
        Ok(AgentSession {
            id: cx.intern_in(LOGIN_SESSION_ID, row.required(LOGIN_SESSION_ID)?),
            agent: cx.intern_in(AGENT_ID, row.required(AGENT_ID)?),
            login_at,
            logout_at,
            phone: cx.sym(row, PHONE)?,
            dial_group: cx.sym(row, DIAL_GROUP)?,
            origin: Origin::new(cx.file, loc),
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        self.origin = self.origin.down(r.lines);
        for f in [
            &mut self.id,
            &mut self.agent,
            &mut self.phone,
            &mut self.dial_group,
        ] {
            *f = m[f.index()];
        }
    }
}

mod state_cols {
    super::columns! {
        LOGIN_SESSION_ID = "login_session_id", AGENT_ID = "agent_id", STATE = "state",
        REASON_CODE = "reason_code", SESSION_ID = "session_id", START_AT = "start_at",
        END_AT = "end_at",
    }
}

impl Record for StateRow {
    const NAME: TableName = TableName::AgentStates;
    const COLUMNS: &'static [&'static str] = state_cols::NAMES;
    const REQUIRED: &'static [usize] = &[
        state_cols::LOGIN_SESSION_ID,
        state_cols::STATE,
        state_cols::START_AT,
    ];

    fn parse(row: &RowView<'_>, loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use state_cols::*;
        let start_at = row.required_ts(START_AT)?;
        let end_at = row.ts(END_AT)?;
        not_before("end_at", start_at, end_at)?;
        let (state, implied, unknown) = State::parse(row.required(STATE)?, &mut cx.strings);
        if unknown {
            cx.quality.warn(format!(
                "agent_states: unknown state \"{}\" (counted in login and work time only)",
                state.name(&cx.strings)
            ));
        }
        let reason_code = match (state, implied) {
            (_, Some(code)) => cx.strings.intern(code),
            (State::NotReady, None) => cx.sym(row, REASON_CODE)?,
            _ => Sym::EMPTY,
        };
        Ok(StateRow {
            login_session: cx.intern_in(LOGIN_SESSION_ID, row.required(LOGIN_SESSION_ID)?),
            session: 0,
            state,
            reason_code,
            // Only a wrap-up's call is counted; the others' only printed, when a report does.
            call_session: if state == State::WrapUp || cx.state_calls {
                cx.sym(row, SESSION_ID)?
            } else {
                Sym::EMPTY
            },
            start_at,
            end_at: end_at.into(),
            origin: Origin::new(cx.file, loc),
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        self.origin = self.origin.down(r.lines);
        for f in [
            &mut self.login_session,
            &mut self.reason_code,
            &mut self.call_session,
        ] {
            *f = m[f.index()];
        }
        if let State::Other(s) = self.state {
            self.state = State::Other(m[s.index()]);
        }
    }
}

mod offhook_cols {
    super::columns! {
        LOGIN_SESSION_ID = "login_session_id", AGENT_ID = "agent_id", START_AT = "start_at",
        END_AT = "end_at", MONITORING = "monitoring",
    }
}

impl Record for Offhook {
    const NAME: TableName = TableName::Offhook;
    const COLUMNS: &'static [&'static str] = offhook_cols::NAMES;
    const REQUIRED: &'static [usize] = &[offhook_cols::LOGIN_SESSION_ID, offhook_cols::START_AT];

    fn parse(row: &RowView<'_>, loc: Loc, cx: &mut ParseCx) -> Result<Self, RowIssue> {
        use offhook_cols::*;
        let start_at = row.required_ts(START_AT)?;
        let end_at = row.ts(END_AT)?;
        not_before("end_at", start_at, end_at)?;
        Ok(Offhook {
            login_session: cx.intern_in(LOGIN_SESSION_ID, row.required(LOGIN_SESSION_ID)?),
            session: 0,
            start_at,
            end_at,
            monitoring: row.flag(MONITORING)?,
            origin: Origin::new(cx.file, loc),
        })
    }

    fn remap(&mut self, r: &Remap<'_>) {
        let m = r.strings;
        self.origin = self.origin.down(r.lines);
        self.login_session = m[self.login_session.index()];
    }
}
