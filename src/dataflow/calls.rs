//! The call operations: volumes over time (as DAILYSTATISTICS), and call-history items (legs, in
//! CALLLOGS order) with the seed's filters and paging.

use chrono::Timelike;
use serde_json::{json, Map, Value};

use crate::dataflow::{bad, integer, interval, points, span, text, Operation, Query, Span};
use crate::error::Result;
use crate::model::legs::Leg;
use crate::model::pool::Sym;
use crate::model::{Dataset, Facts};
use crate::reports::table::ident_cmp;

/// The history filters of a request.
#[derive(Debug, Clone)]
pub(crate) struct Filters {
    span: Span,
    caller: Option<String>,
    callee: Option<String>,
    min_duration: Option<i64>,
    max_duration: Option<i64>,
    hours: Option<(u32, u32)>,
    answered: Option<bool>,
    session: Option<String>,
    user: Option<String>,
    /// `Some(true)`: the user as caller; `Some(false)`: as callee; `None`: either.
    as_caller: Option<bool>,
    destination: Option<String>,
}

/// Checks and reads the filters of `getCallsHistory` / `getCallsUserHistory`.
pub(crate) fn filters(q: &Query) -> Result<Filters> {
    let b = &q.body;
    let user_history = q.op == Operation::CallsUserHistory;
    let s = span(b, None, Some(365 * 86_400))?;
    let non_negative = |field: &str| -> Result<Option<i64>> {
        match integer(b, field)? {
            Some(v) if v < 0 => Err(bad(field, "must not be negative")),
            v => Ok(v),
        }
    };
    let (min_duration, max_duration) = (
        non_negative("start_duration")?,
        non_negative("end_duration")?,
    );
    if let (Some(a), Some(z)) = (min_duration, max_duration) {
        if z < a {
            return Err(bad("end_duration", "is below start_duration"));
        }
    }
    let hour = |field: &str, range: std::ops::RangeInclusive<i64>| -> Result<Option<u32>> {
        match integer(b, field)? {
            Some(h) if !range.contains(&h) => Err(bad(
                field,
                format!("must be within {}–{}", range.start(), range.end()),
            )),
            h => Ok(h.map(|h| h as u32)),
        }
    };
    let hours = match (
        hour("start_hour_of_day", 0..=23)?,
        hour("end_hour_of_day", 1..=24)?,
    ) {
        (None, None) => None,
        (a, z) => Some((a.unwrap_or(0), z.unwrap_or(24))),
    };
    let answered = match text(b, "status")?
        .map(crate::model::legs::normalize)
        .as_deref()
    {
        None | Some("NONE") => None,
        Some("ANSWERED") => Some(true),
        Some("UNANSWERED") | Some("NOT_ANSWERED") => Some(false),
        Some(other) => {
            return Err(bad(
                "status",
                format!("\"{other}\" is not NONE, ANSWERED or UNANSWERED"),
            ))
        }
    };
    let owned = |field: &str| -> Result<Option<String>> { Ok(text(b, field)?.map(String::from)) };
    let (user, as_caller, destination) = if user_history {
        let user = owned("user")?.ok_or_else(|| bad("user", "is required"))?;
        let as_caller = match text(b, "direction")?
            .map(crate::model::legs::normalize)
            .as_deref()
        {
            None | Some("NONE") => None,
            Some("CALLER") => Some(true),
            Some("CALLEE") => Some(false),
            Some(other) => {
                return Err(bad(
                    "direction",
                    format!("\"{other}\" is not NONE, CALLER or CALLEE"),
                ))
            }
        };
        (Some(user), as_caller, owned("destination")?)
    } else {
        (None, None, None)
    };
    Ok(Filters {
        span: s,
        caller: if user_history { None } else { owned("from")? },
        callee: if user_history { None } else { owned("to")? },
        min_duration,
        max_duration,
        hours,
        answered,
        session: if user_history {
            None
        } else {
            owned("session_id")?
        },
        user,
        as_caller,
        destination,
    })
}

impl Filters {
    fn keeps(&self, ds: &Dataset, l: &Leg) -> bool {
        let s = |sym: Sym| ds.strings.get(sym);
        let duration = l.ended_at() - l.started_at;
        let hour = crate::time::at_offset(l.started_at, self.span.offset).hour();
        self.caller
            .as_deref()
            .is_none_or(|c| s(l.caller).contains(c))
            && self
                .callee
                .as_deref()
                .is_none_or(|c| s(l.callee).contains(c))
            && self.min_duration.is_none_or(|m| duration >= m)
            && self.max_duration.is_none_or(|m| duration <= m)
            && self.hours.is_none_or(|(a, z)| {
                if a < z {
                    a <= hour && hour < z
                } else {
                    hour >= a || hour < z
                }
            })
            && self.answered.is_none_or(|a| a == l.answered())
            && self
                .session
                .as_deref()
                .is_none_or(|id| ds.sessions.get(Sym(l.call)) == id)
            && self.user.as_deref().is_none_or(|u| match self.as_caller {
                Some(true) => s(l.caller) == u,
                Some(false) => s(l.callee) == u,
                None => s(l.caller) == u || s(l.callee) == u,
            })
            && self
                .destination
                .as_deref()
                .is_none_or(|d| s(l.destination) == d)
    }
}

/// A call-history item: the seed's fields, in the seed's order.
fn item(ds: &Dataset, i: u32) -> Value {
    let l = &ds.legs[i as usize];
    let s = |sym: Sym| Value::String(ds.strings.get(sym).to_string());
    let ts = |t: Option<i64>| Value::from(t.unwrap_or(0));
    let callback = {
        let id = ds.strings.get(l.extra().callback_id);
        match id.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) if id.is_empty() => Value::from(0),
            // Not a number: kept as written rather than lost.
            Err(_) => Value::String(id.to_string()),
        }
    };
    let cost = match l.extra().cost {
        Some(c) => super::decimal(&c.format4()),
        None => Value::from(0),
    };
    let p = ds.profile(l);
    let mut m = Map::new();
    m.insert(
        "session_id".into(),
        Value::String(ds.sessions.get(Sym(l.call)).to_string()),
    );
    m.insert("caller".into(), s(l.caller));
    m.insert("caller_display_name".into(), s(l.caller_display_name));
    m.insert(
        "caller_endpoint".into(),
        Value::String(p.caller_endpoint.name(&ds.strings).to_string()),
    );
    m.insert(
        "call_id".into(),
        Value::String(ds.call_id(i as usize).to_string()),
    );
    m.insert("service_number".into(), s(p.service_number));
    m.insert("service_name".into(), s(p.service_name));
    m.insert(
        "service_type".into(),
        Value::String(p.service_type.name(&ds.strings).to_string()),
    );
    m.insert("callee".into(), s(l.callee));
    m.insert("callee_display_name".into(), s(l.callee_display_name));
    m.insert(
        "callee_endpoint".into(),
        Value::String(p.callee_endpoint.name(&ds.strings).to_string()),
    );
    m.insert("started_at".into(), Value::from(l.started_at));
    m.insert("rang_at".into(), ts(l.rang_at()));
    m.insert("answered_at".into(), ts(l.answered_at()));
    m.insert("ended_at".into(), Value::from(l.ended_at()));
    m.insert(
        "direction".into(),
        Value::String(p.direction.name(&ds.strings).to_string()),
    );
    m.insert("end_reason".into(), s(p.end_reason));
    m.insert("reroute_reason".into(), s(l.extra().reroute_reason));
    m.insert(
        "status_code".into(),
        Value::from(p.status_code().unwrap_or(0)),
    );
    m.insert("destination".into(), s(l.destination));
    m.insert("outbound_caller_id".into(), s(l.extra().outbound_caller_id));
    m.insert("did".into(), s(p.did));
    m.insert("call_type".into(), s(p.call_type));
    m.insert("callback_id".into(), callback);
    m.insert("billing_prefix".into(), s(l.extra().billing_prefix));
    m.insert("cost".into(), cost);
    m.insert("user_data".into(), s(l.extra().user_data));
    m.insert("inbound_trunk".into(), s(p.inbound_trunk));
    m.insert("outbound_trunk".into(), s(l.extra().outbound_trunk));
    Value::Object(m)
}

/// Calls starting in `[from, to)`, in CALLLOGS order (start, then session id).
fn calls_between(ds: &Dataset, facts: &Facts, from: i64, to: i64) -> Vec<u32> {
    let calls = &facts.calls.calls;
    let mut v: Vec<u32> = (0..calls.len() as u32)
        .filter(|&c| (from..to).contains(&calls[c as usize].start))
        .collect();
    v.sort_by(|&a, &b| {
        calls[a as usize]
            .start
            .cmp(&calls[b as usize].start)
            .then_with(|| ident_cmp(ds.sessions.get(Sym(a)), ds.sessions.get(Sym(b))))
    });
    v
}

/// Answers one of the call operations.
pub fn answer(ds: &Dataset, facts: &Facts, q: &Query) -> Result<Value> {
    let calls = &facts.calls;
    Ok(match q.op {
        Operation::CallsTimeseries => {
            let s = span(&q.body, Some(86_400), Some(365 * 86_400))?;
            let step = interval(&q.body)?;
            let tenants: Vec<i64> = match q.body.get("tenants") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|t| {
                        t.as_i64()
                            .ok_or_else(|| bad("tenants", "must be an array of integers"))
                    })
                    .collect::<Result<_>>()?,
                Some(_) => return Err(bad("tenants", "must be an array of integers")),
            };
            // One day: points every interval; longer: one point per 24 hours (the last partial).
            let step = if s.to - s.from == 86_400 {
                step
            } else {
                86_400
            };
            let buckets = points(&s, step);
            let mut counts = vec![(0i64, 0i64); buckets.len()];
            for c in &calls.calls {
                if !(s.from..s.to).contains(&c.start)
                    || (!tenants.is_empty() && !c.tenant.is_some_and(|t| tenants.contains(&t)))
                {
                    continue;
                }
                let k = ((c.start - s.from) / step) as usize;
                counts[k].0 += 1;
                counts[k].1 += i64::from(c.answered);
            }
            let pts: Vec<Value> = buckets
                .iter()
                .zip(counts)
                .map(|(&(a, _), (total, answered))| {
                    json!({ "t": s.format(a), "total": total, "answered": answered, "not_answered": total - answered })
                })
                .collect();
            json!({ "points": pts })
        }
        Operation::CallsHistory | Operation::CallsUserHistory => {
            let f = filters(q)?;
            let matching: Vec<u32> = calls_between(ds, facts, f.span.from, f.span.to)
                .into_iter()
                .flat_map(|c| calls.legs_of(c).iter().copied())
                .filter(|&i| f.keeps(ds, &ds.legs[i as usize]))
                .collect();
            let items: Vec<Value> = matching
                .iter()
                .skip(q.paging.skip)
                .take(q.paging.top)
                .map(|&i| item(ds, i))
                .collect();
            let mut m = Map::new();
            if q.paging.count {
                m.insert("count".into(), Value::from(matching.len()));
            }
            m.insert("items".into(), Value::Array(items));
            Value::Object(m)
        }
        Operation::CallsHistoryBySessionId => {
            let id = q.session.as_deref().unwrap_or_default();
            let items: Vec<Value> = match ds.sessions.lookup(id) {
                Some(c) => calls.legs_of(c.0).iter().map(|&i| item(ds, i)).collect(),
                None => Vec::new(),
            };
            json!({ "items": items })
        }
        _ => unreachable!("queue operations are answered elsewhere"),
    })
}
