//! The `cdr` table: one call leg per row, checked against the rules of SPEC §2.1.

use crate::error::Loc;
use crate::input::duplicates::Stamp;
use crate::input::rows::{FieldError, RowIssue, RowView};
use crate::input::table::{columns, ParseCx, Record, Remap};
use crate::model::legs::{Endpoint, Extra, Leg, Party};
use crate::model::pool::Sym;
use crate::model::profile::Profile;
use crate::model::rows::Origin;
use crate::model::TableName;
use crate::time::Ts;

mod col {
    super::columns! {
        SESSION_ID = "session_id", CALLER = "caller", CALLER_DISPLAY_NAME = "caller_display_name",
        CALLER_ENDPOINT = "caller_endpoint", CALL_ID = "call_id", SERVICE_NUMBER = "service_number",
        SERVICE_NAME = "service_name", SERVICE_TYPE = "service_type", CALLEE = "callee",
        CALLEE_DISPLAY_NAME = "callee_display_name", CALLEE_ENDPOINT = "callee_endpoint",
        STARTED_AT = "started_at", RANG_AT = "rang_at", ANSWERED_AT = "answered_at",
        ENDED_AT = "ended_at", DIRECTION = "direction", END_REASON = "end_reason",
        REROUTE_REASON = "reroute_reason", STATUS_CODE = "status_code", DESTINATION = "destination",
        OUTBOUND_CALLER_ID = "outbound_caller_id", DID = "did", CALL_TYPE = "call_type",
        CALLBACK_ID = "callback_id", BILLING_PREFIX = "billing_prefix", COST = "cost",
        USER_DATA = "user_data", INBOUND_TRUNK = "inbound_trunk", OUTBOUND_TRUNK = "outbound_trunk",
        TENANT_ID = "tenant_id", HOLD_COUNT = "hold_count", HOLD_SECS = "hold_secs",
        DISPOSITION = "disposition", DISPOSITION_AT = "disposition_at",
        DISPOSITION_XFER = "disposition_xfer",
    }
}
use col::*;

/// The CDR columns only some reports read: CALLLOGS's pass-through columns, USERSTATISTICS'
/// cost, the session report's holds and dispositions (and the Dataflow query, which reads
/// all). Every other column feeds the facts every report shares.
pub const OPTIONAL: &[&str] = &[
    "call_type",
    "destination",
    "did",
    "outbound_caller_id",
    "inbound_trunk",
    "outbound_trunk",
    "billing_prefix",
    "cost",
    "user_data",
    "hold_count",
    "hold_secs",
    "disposition",
    "disposition_at",
    "disposition_xfer",
];

/// The `LoadOptions::cdr_skip` of a read for reports that read the optional columns `read`:
/// a bit for every other optional column.
pub fn skip_mask<'a>(read: impl IntoIterator<Item = &'a str>) -> u64 {
    let read: Vec<&str> = read.into_iter().collect();
    OPTIONAL
        .iter()
        .filter(|c| !read.contains(c))
        .filter_map(|c| NAMES.iter().position(|n| n == c))
        .fold(0, |mask, i| mask | 1u64 << i)
}

fn endpoint(row: &RowView<'_>, c: usize, cx: &mut ParseCx) -> Result<Endpoint, FieldError> {
    let Some(text) = row.text(c)? else {
        return Ok(Endpoint::NONE);
    };
    let (e, unknown) = Endpoint::parse(text, &mut cx.strings);
    if unknown {
        cx.warn(format!(
            "cdr: unknown {} \"{}\" (kept as written)",
            row.name(c),
            e.name(&cx.strings)
        ));
    }
    Ok(e)
}

/// The columns of a leg's profile (`model::profile`).
const PROFILE_COLUMNS: &[usize] = &[
    STATUS_CODE,
    DIRECTION,
    SERVICE_NUMBER,
    SERVICE_NAME,
    DID,
    CALL_TYPE,
    INBOUND_TRUNK,
    TENANT_ID,
    END_REASON,
    CALLER_ENDPOINT,
    CALLEE_ENDPOINT,
    SERVICE_TYPE,
];

/// Reads and checks a row's profile cells (`PROFILE_COLUMNS`), interning their texts.
fn profile(row: &RowView<'_>, cx: &mut ParseCx) -> Result<Profile, RowIssue> {
    let mut p = Profile::NONE;
    let status_code = row.int::<i32>(STATUS_CODE)?;
    if status_code == Some(i32::MIN) {
        let e = FieldError::new("status_code", "range", "is not a SIP status code");
        return Err(e.into());
    }
    p.set_status_code(status_code);
    if let Some(t) = row.text(DIRECTION)? {
        let (direction, unknown) = Party::parse(t, &mut cx.strings);
        if unknown {
            cx.warn(format!(
                "cdr: unknown direction \"{}\" (kept as written)",
                direction.name(&cx.strings)
            ));
        }
        p.direction = direction;
    }
    p.service_number = cx.sym(row, SERVICE_NUMBER)?;
    p.service_name = cx.sym(row, SERVICE_NAME)?;
    p.did = cx.sym_if_read(row, DID)?;
    p.call_type = cx.sym_if_read(row, CALL_TYPE)?;
    p.inbound_trunk = cx.sym_if_read(row, INBOUND_TRUNK)?;
    p.tenant_id = row.int::<i64>(TENANT_ID)?.into();
    let end_reason = row.text(END_REASON)?;
    p.end_reason = cx.intern_normalized(END_REASON, end_reason);
    p.caller_endpoint = endpoint(row, CALLER_ENDPOINT, cx)?;
    p.callee_endpoint = endpoint(row, CALLEE_ENDPOINT, cx)?;
    p.service_type = endpoint(row, SERVICE_TYPE, cx)?;
    Ok(p)
}

impl Record for Leg {
    const NAME: TableName = TableName::Cdr;
    const COLUMNS: &'static [&'static str] = NAMES;
    const REQUIRED: &'static [usize] = &[SESSION_ID, CALLER, CALLEE, STARTED_AT, ENDED_AT];

    const TIMED: bool = true;

    fn time(row: &RowView<'_>) -> Option<Ts> {
        row.required_ts(STARTED_AT).ok()
    }

    fn parse(row: &RowView<'_>, loc: Loc, cx: &mut ParseCx) -> Result<Leg, RowIssue> {
        // Trimmed, as the duplicate check compares it: a copy of a leg padded with spaces
        // is the same call, not a call of its own.
        let session = row.required(SESSION_ID)?.trim();
        if session.is_empty() {
            return Err(row.missing(SESSION_ID).into());
        }
        let caller = row.required(CALLER)?;
        let callee = row.required(CALLEE)?;
        // Read once already, to place the row in the window (`Record::time`).
        let started_at = match cx.at {
            Some(t) => t,
            None => row.required_ts(STARTED_AT)?,
        };
        let ended_at = row.required_ts(ENDED_AT)?;
        let rang_at = row.ts(RANG_AT)?;
        let answered_at = row.ts(ANSWERED_AT)?;
        if ended_at < started_at {
            return Err(FieldError::new("ended_at", "time order", "is before started_at").into());
        }
        if ended_at - started_at > Leg::MAX_SECS {
            let e = FieldError::new(
                "ended_at",
                "time order",
                "is more than 136 years after started_at",
            );
            return Err(e.into());
        }
        // The cells a leg shares with many others, read once per distinct text (`profile`).
        let profile = match cx.known_profile(row, PROFILE_COLUMNS) {
            Some(known) => known,
            None => {
                let warned = cx.warnings;
                let profile = profile(row, cx)?;
                let n = cx.profiles.intern(profile);
                // A row that was warned about is not remembered: each such row counts.
                if cx.warnings == warned {
                    cx.remember_profile(n);
                }
                n
            }
        };
        for (c, t) in [(RANG_AT, rang_at), (ANSWERED_AT, answered_at)] {
            if t.is_some_and(|t| t < started_at || t > ended_at) {
                let e = FieldError::new(
                    NAMES[c],
                    "time order",
                    "lies outside [started_at, ended_at]",
                );
                return Err(e.into());
            }
        }
        if let (Some(r), Some(a)) = (rang_at, answered_at) {
            if a < r {
                return Err(
                    FieldError::new("answered_at", "time order", "is before rang_at").into(),
                );
            }
        }
        let hold_secs = cx.if_read(HOLD_SECS, |c| row.int::<u32>(c))?;
        let reroute_reason = row.text(REROUTE_REASON)?;
        let mut leg = Leg::new(0, started_at);
        leg.set_times(ended_at, rang_at, answered_at);
        leg.caller = cx.intern_in(CALLER, caller);
        leg.caller_display_name = cx.sym(row, CALLER_DISPLAY_NAME)?;
        leg.callee = cx.intern_in(CALLEE, callee);
        leg.callee_display_name = cx.sym(row, CALLEE_DISPLAY_NAME)?;
        leg.destination = cx.sym_if_read(row, DESTINATION)?;
        let extra = Extra {
            reroute_reason: Sym::EMPTY,
            outbound_caller_id: cx.sym_if_read(row, OUTBOUND_CALLER_ID)?,
            callback_id: cx.sym(row, CALLBACK_ID)?,
            billing_prefix: cx.sym_if_read(row, BILLING_PREFIX)?,
            cost: cx.if_read(COST, |c| row.decimal(c))?,
            user_data: cx.sym_if_read(row, USER_DATA)?,
            outbound_trunk: cx.sym_if_read(row, OUTBOUND_TRUNK)?,
            hold_count: cx.if_read(HOLD_COUNT, |c| row.int(c))?,
            hold_secs,
            disposition: cx.sym_if_read(row, DISPOSITION)?,
            disposition_at: cx.if_read(DISPOSITION_AT, |c| row.ts(c))?.into(),
            disposition_xfer: cx.reads(DISPOSITION_XFER) && row.flag(DISPOSITION_XFER)?,
        };
        let mut extra = extra;
        extra.reroute_reason = cx.intern_normalized(REROUTE_REASON, reroute_reason);
        leg.extra = extra.boxed();
        // Last, once nothing can fail: the call id goes to its own column, in row order
        // (checked only when kept: reports do not read it).
        if cx.keep_call_ids {
            let call_id = row.text(CALL_ID)?.unwrap_or("");
            cx.call_ids.push(call_id);
        }
        // Also last: a row that fails must not leave a call without legs in the pool.
        leg.call = cx.intern_session(session).0;
        leg.profile = profile;
        let origin = Origin::new(cx.file, loc);
        let stamp = Stamp::new(
            row,
            NAMES.len(),
            (SESSION_ID, CALL_ID),
            origin,
            &mut cx.stamp_buf,
        );
        cx.stamps.push(stamp);
        Ok(leg)
    }

    fn remap(&mut self, map: &Remap<'_>) {
        Leg::remap(self, map.strings, map.sessions, map.profiles);
    }
}

#[cfg(test)]
mod tests {
    use crate::input::tests::try_load_csv;
    use crate::input::LoadOptions;

    fn error(cdr: &str) -> String {
        let e = try_load_csv(&[("cdr", cdr)], LoadOptions::default()).expect_err("a bad row");
        e.to_string()
    }

    #[test]
    fn legs_too_long_to_store_or_with_no_sip_code_are_refused() {
        let head = "session_id,caller,callee,started_at,ended_at,status_code\n";
        // 137 years (4,323,391,200 s): more than a leg can hold. (A 0 timestamp is absent.)
        let e = error(&format!("{head}s1,1,2,1,4323391201,200\n"));
        assert!(
            e.ends_with(":2: field \"ended_at\": is more than 136 years after started_at"),
            "{e}"
        );
        let e = error(&format!("{head}s1,1,2,1,10,-2147483648\n"));
        assert!(
            e.ends_with(":2: field \"status_code\": is not a SIP status code"),
            "{e}"
        );
        // The longest storable leg and the lowest other code are kept.
        let ok = format!("{head}s1,1,2,1,4294967295,-2147483647\n");
        let ds = try_load_csv(&[("cdr", &ok)], LoadOptions::default()).expect("valid");
        assert_eq!(ds.legs[0].ended_at(), 4_294_967_295);
        assert_eq!(ds.profile(&ds.legs[0]).status_code(), Some(-2_147_483_647));
    }

    /// A row's profile cells are read once per distinct bytes: repeated cells give the same
    /// profile, yet every row warned about counts, and a bad cell is never taken as known.
    #[test]
    fn profile_cells_repeat_without_losing_warnings_or_checks() {
        let head =
            "session_id,caller,callee,started_at,ended_at,callee_endpoint,service_type,tenant_id\n";
        let rows = "s1,1,2,10,20,EXTENSION,QUEUE,7\ns2,1,2,10,20,EXTENSION,QUEUE,7\n\
                    s3,1,2,10,20,extension,QUEUE,7\ns4,1,2,10,20,FAX,QUEUE,7\n\
                    s5,1,2,10,20,FAX,QUEUE,7\n";
        let ds = try_load_csv(&[("cdr", &format!("{head}{rows}"))], LoadOptions::default())
            .expect("valid");
        let p: Vec<u32> = ds.legs.iter().map(|l| l.profile).collect();
        // Other bytes ("extension") read as the same profile; FAX is another.
        assert!(p[..3].iter().all(|&x| x == p[0]), "{p:?}");
        assert_eq!(p[3], p[4]);
        assert_ne!(p[0], p[3]);
        assert_eq!(ds.profile(&ds.legs[0]).tenant_id.get(), Some(7));
        assert_eq!(
            ds.quality
                .warnings
                .get("cdr: unknown callee_endpoint \"FAX\" (kept as written)"),
            Some(&2)
        );
        let e = error(&format!("{head}{rows}s6,1,2,10,20,EXTENSION,QUEUE,7x\n"));
        assert!(
            e.ends_with(":7: field \"tenant_id\": invalid integer \"7x\""),
            "{e}"
        );
    }

    /// A session id is read trimmed (as the duplicate check compares it); one of spaces only
    /// is missing.
    #[test]
    fn session_ids_are_trimmed_and_blank_ones_missing() {
        let head = "session_id,caller,callee,started_at,ended_at\n";
        let ds = try_load_csv(
            &[("cdr", &format!("{head}s1,1,2,10,20\n  s1 ,1,3,12,20\n"))],
            LoadOptions::default(),
        )
        .expect("valid");
        assert_eq!(ds.sessions.len(), 1);
        assert_eq!(ds.sessions.get(crate::model::pool::Sym(0)), "s1");
        let e = error(&format!("{head}   ,1,2,10,20\n"));
        assert!(
            e.ends_with(":2: field \"session_id\": is required but empty"),
            "{e}"
        );
    }
}
