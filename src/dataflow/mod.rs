//! The PortSIP Dataflow analytics queries, offline (SPEC §8): the seed's request bodies in, the
//! seed's response bodies out. Definitions are the reports' own (queue KPIs as QUEUESUMMARY, agent
//! KPIs as AGENTSUMMARYACTIVITY within the queue, calls as DAILYSTATISTICS and CALLLOGS).

mod calls;
mod queues;

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};
use crate::reports::measure::{Average, Percent};
use crate::time::Ts;

/// The eight operations, by the seed's `operationId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// KPIs of one or more queues over a period.
    QueueKpiSummary,
    /// One queue's KPIs per interval (≤ 24 h).
    QueueTimeseries,
    /// One agent's KPIs in a queue (≤ 24 h).
    AgentQueueSummary,
    /// One agent's KPIs in a queue per interval (≤ 24 h).
    AgentQueueTimeseries,
    /// Call volumes per interval (1 day) or per day (up to 365 days).
    CallsTimeseries,
    /// Call legs with filters and paging.
    CallsHistory,
    /// One user's call legs with filters and paging.
    CallsUserHistory,
    /// The legs of one call.
    CallsHistoryBySessionId,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 8] = [
        Operation::QueueKpiSummary,
        Operation::QueueTimeseries,
        Operation::AgentQueueSummary,
        Operation::AgentQueueTimeseries,
        Operation::CallsTimeseries,
        Operation::CallsHistory,
        Operation::CallsUserHistory,
        Operation::CallsHistoryBySessionId,
    ];

    /// The seed's `operationId`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::QueueKpiSummary => "getQueueKpiSummary",
            Operation::QueueTimeseries => "getQueueTimeseries",
            Operation::AgentQueueSummary => "getAgentQueueSummary",
            Operation::AgentQueueTimeseries => "getAgentQueueTimeseries",
            Operation::CallsTimeseries => "getCallsTimeseries",
            Operation::CallsHistory => "getCallsHistory",
            Operation::CallsUserHistory => "getCallsUserHistory",
            Operation::CallsHistoryBySessionId => "getCallsHistoryBySessionId",
        }
    }

    /// Reads an `operationId` (case-insensitive).
    pub fn parse(text: &str) -> Result<Operation, String> {
        Operation::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
                format!(
                    "unknown operation \"{text}\" (one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// Paging of the history operations (`$top`, `$skip`, `$count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Page size, 1..100.
    pub top: usize,
    /// Items skipped.
    pub skip: usize,
    /// Add the total count.
    pub count: bool,
}

/// A checked request.
#[derive(Debug, Clone)]
pub struct Query {
    /// The operation.
    pub op: Operation,
    /// The request body (an object).
    pub body: Map<String, Value>,
    /// Paging.
    pub paging: Paging,
    /// The session of `getCallsHistoryBySessionId`.
    pub session: Option<String>,
    /// "Now" for open agent sessions.
    pub now: Ts,
}

/// A problem with the request, naming the field.
pub(crate) fn bad(field: &str, message: impl std::fmt::Display) -> Error {
    Error::Usage(format!("request body: field \"{field}\": {message}"))
}

/// A period read from `start_time` / `end_time`, with the request's offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub from: Ts,
    pub to: Ts,
    pub offset: FixedOffset,
}

impl Span {
    /// `t` as RFC 3339 with the request's offset.
    pub fn format(&self, t: Ts) -> String {
        crate::time::at_offset(t, self.offset)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

pub(crate) fn text<'a>(body: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(field, "must be a string")),
    }
}

pub(crate) fn integer(body: &Map<String, Value>, field: &str) -> Result<Option<i64>> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(field, "must be an integer")),
        Some(_) => Err(bad(field, "must be an integer")),
    }
}

fn instant(body: &Map<String, Value>, field: &str) -> Result<DateTime<FixedOffset>> {
    let t =
        text(body, field)?.ok_or_else(|| bad(field, "is required (RFC 3339 with an offset)"))?;
    DateTime::parse_from_rfc3339(t).map_err(|_| {
        bad(
            field,
            format!("\"{t}\" is not RFC 3339 with an offset (e.g. 2025-09-28T00:00:00-04:00)"),
        )
    })
}

/// `start_time` and `end_time`: both with an offset, end after start, at most `max` seconds.
pub(crate) fn span(body: &Map<String, Value>, min: Option<i64>, max: Option<i64>) -> Result<Span> {
    let (a, b) = (instant(body, "start_time")?, instant(body, "end_time")?);
    let (from, to) = (a.timestamp(), b.timestamp());
    if to <= from {
        return Err(bad("end_time", "must be after start_time"));
    }
    if let Some(max) = max.filter(|&m| to - from > m) {
        return Err(bad(
            "end_time",
            format!(
                "the range is {} s; this operation allows at most {} hours",
                to - from,
                max / 3600
            ),
        ));
    }
    if let Some(min) = min.filter(|&m| to - from < m) {
        return Err(bad(
            "end_time",
            format!(
                "the range is {} s; this operation needs at least {} hours",
                to - from,
                min / 3600
            ),
        ));
    }
    Ok(Span {
        from,
        to,
        offset: *a.offset(),
    })
}

/// `interval`: `1h, 2h, 3h, 4h, 6h, 8h` (default `1h`), in seconds.
pub(crate) fn interval(body: &Map<String, Value>) -> Result<i64> {
    match text(body, "interval")? {
        None => Ok(3600),
        Some(t) => match t {
            "1h" => Ok(3600),
            "2h" => Ok(2 * 3600),
            "3h" => Ok(3 * 3600),
            "4h" => Ok(4 * 3600),
            "6h" => Ok(6 * 3600),
            "8h" => Ok(8 * 3600),
            _ => Err(bad(
                "interval",
                format!("\"{t}\" is not one of 1h, 2h, 3h, 4h, 6h, 8h"),
            )),
        },
    }
}

/// The interval starts of a span: `from`, `from + step`, … before `to`.
pub(crate) fn points(s: &Span, step: i64) -> Vec<(Ts, Ts)> {
    let mut out = Vec::new();
    let mut t = s.from;
    while t < s.to {
        out.push((t, (t + step).min(s.to)));
        t += step;
    }
    out
}

/// A percentage in hundredths as a JSON number (`6667` → `66.67`, `5000` → `50`).
pub(crate) fn percent(hundredths: i64) -> Value {
    let text = crate::reports::table::hundredths(hundredths);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    decimal(text)
}

/// A decimal this program formatted (`66.67`, `-0.0500`) as a JSON number, written as it is
/// (`arbitrary_precision`); as a string should it ever not read as one.
pub(crate) fn decimal(text: &str) -> Value {
    text.parse::<Number>()
        .map_or_else(|_| Value::String(text.to_string()), Value::Number)
}

/// A percentage as the API prints it: 0 over nothing.
pub(crate) fn pct(p: Percent) -> Value {
    percent(p.hundredths().unwrap_or(0))
}

/// An average in whole seconds as the API prints it: 0 over nothing.
pub(crate) fn avg(a: Average) -> Value {
    Value::from(a.secs().unwrap_or(0))
}

/// Answers a query from a prepared dataset (its timeline as of `q.now`).
pub fn answer(p: &crate::commands::Prepared, q: &Query) -> Result<Value> {
    let (ds, facts) = (&p.ds, &p.facts);
    match q.op {
        Operation::QueueKpiSummary
        | Operation::QueueTimeseries
        | Operation::AgentQueueSummary
        | Operation::AgentQueueTimeseries => queues::answer(ds, facts, &p.timelines[&q.now], q),
        _ => calls::answer(ds, facts, q),
    }
}

/// The period a request asks about, where it names one (`start_time`, `end_time`).
pub fn period(q: &Query) -> Option<(Ts, Ts)> {
    span(&q.body, None, None).ok().map(|s| (s.from, s.to))
}

/// Checks a request before any data is read: every field the operation reads.
pub fn check(q: &Query) -> Result<()> {
    match q.op {
        Operation::QueueKpiSummary => span(&q.body, None, None).map(drop),
        Operation::QueueTimeseries | Operation::AgentQueueTimeseries => {
            span(&q.body, None, Some(86_400))?;
            interval(&q.body).map(drop)
        }
        Operation::AgentQueueSummary => span(&q.body, None, Some(86_400)).map(drop),
        Operation::CallsTimeseries => {
            span(&q.body, Some(86_400), Some(365 * 86_400))?;
            interval(&q.body).map(drop)
        }
        Operation::CallsHistory | Operation::CallsUserHistory => calls::filters(q).map(drop),
        Operation::CallsHistoryBySessionId => match &q.session {
            Some(_) => Ok(()),
            None => Err(Error::usage(
                "getCallsHistoryBySessionId needs --session ID",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_numbers() {
        assert_eq!(percent(6667).to_string(), "66.67");
        assert_eq!(percent(5000).to_string(), "50");
        assert_eq!(percent(1250).to_string(), "12.5");
        assert_eq!(percent(0).to_string(), "0");
        assert_eq!(pct(Percent::of(2, 3)).to_string(), "66.67");
        assert_eq!(pct(Percent::of(1, 0)).to_string(), "0");
        assert_eq!(avg(Average::of(15, 2)), Value::from(8));
    }

    #[test]
    fn spans_and_intervals() {
        let body = |s: &str| serde_json::from_str::<Map<String, Value>>(s).unwrap();
        let b = body(
            r#"{"start_time": "2025-09-28T00:00:00-04:00", "end_time": "2025-09-29T00:00:00-04:00"}"#,
        );
        let s = span(&b, None, Some(86_400)).unwrap();
        assert_eq!(s.format(s.from + 3600), "2025-09-28T01:00:00-04:00");
        assert_eq!(points(&s, 8 * 3600).len(), 3);
        let e = span(
            &body(r#"{"start_time": "2025-09-28T00:00:00", "end_time": "2025-09-29T00:00:00Z"}"#),
            None,
            None,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "request body: field \"start_time\": \"2025-09-28T00:00:00\" is not RFC 3339"
            ),
            "{e}"
        );
        let e = span(
            &body(r#"{"start_time": "2025-09-28T00:00:00Z", "end_time": "2025-09-28T00:00:00Z"}"#),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "request body: field \"end_time\": must be after start_time"
        );
        let e = span(
            &body(r#"{"start_time": "2025-09-28T00:00:00Z", "end_time": "2025-09-29T00:00:01Z"}"#),
            None,
            Some(86_400),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "request body: field \"end_time\": the range is 86401 s; this operation allows at most 24 hours");
        assert_eq!(interval(&body(r#"{"interval": "6h"}"#)).unwrap(), 6 * 3600);
        assert!(interval(&body(r#"{"interval": "5h"}"#)).is_err());
    }
}
