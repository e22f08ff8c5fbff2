//! The queue and agent-in-queue operations, computed with the queue reports' accumulators.

use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use crate::dataflow::{avg, bad, interval, pct, points, span, text, Operation, Query, Span};
use crate::error::Result;
use crate::model::agents::{StateTime, Timeline};
use crate::model::{Dataset, Facts};
use crate::reports::agents::Handling;
use crate::reports::measure::HandleTimes;
use crate::reports::params::Params;
use crate::reports::queues::{queue_accs, QueueAcc};
use crate::reports::select::{entries_in_period, offered_agents};
use crate::reports::{Ctx, Period};
use crate::time::Ts;

struct Env<'a> {
    ds: &'a Dataset,
    facts: &'a Facts,
    timeline: &'a Timeline,
    now: Ts,
}

impl Env<'_> {
    fn ctx(&self, from: Ts, to: Ts) -> Ctx<'_> {
        Ctx {
            ds: self.ds,
            facts: self.facts,
            timeline: self.timeline,
            period: Period {
                from,
                to,
                tz: Tz::UTC,
            },
            now: self.now,
        }
    }
}

/// `queues`: `[{"number": "8000", "sla_secs": 20}]` (numbers as strings or integers).
fn queue_list(body: &Map<String, Value>) -> Result<Vec<(String, Option<i64>)>> {
    let Some(v) = body.get("queues").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let items = v
        .as_array()
        .ok_or_else(|| bad("queues", "must be an array of {\"number\", \"sla_secs\"}"))?;
    items
        .iter()
        .map(|it| {
            let o = it.as_object().ok_or_else(|| {
                bad(
                    "queues",
                    "each item must be an object {\"number\", \"sla_secs\"}",
                )
            })?;
            let number = match o.get("number") {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err(bad("queues", "each item needs a \"number\"")),
            };
            let sla = match o.get("sla_secs") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => {
                    Some(n.as_i64().filter(|s| *s >= 0).ok_or_else(|| {
                        bad("queues", "\"sla_secs\" must be a non-negative integer")
                    })?)
                }
                Some(_) => return Err(bad("queues", "\"sla_secs\" must be an integer")),
            };
            Ok((number, sla))
        })
        .collect()
}

fn queue_totals(env: &Env<'_>, from: Ts, to: Ts, queues: &[(String, Option<i64>)]) -> QueueAcc {
    let params = Params {
        queues: queues.to_vec(),
        ..Params::default()
    };
    queue_accs(&env.ctx(from, to), &params).2
}

fn kpis(a: &QueueAcc) -> Value {
    json!({
        "offered": a.offered(),
        "accepted": a.accepted,
        "abandoned": a.abandoned,
        "sla_pct": pct(a.sla_pct()),
        "aht_sec": avg(a.aht_secs()),
        "att_sec": avg(a.att_secs()),
        "avg_wrap_time_sec": avg(a.avg_wrap_secs()),
        "asa_sec": avg(a.asa_secs()),
    })
}

/// One agent's handling in a queue (all queues when `queue` is `None`) and state time.
fn agent_figures(
    env: &Env<'_>,
    from: Ts,
    to: Ts,
    queue: Option<&str>,
    agent: &str,
) -> (Handling, StateTime) {
    let ctx = env.ctx(from, to);
    let params = Params::default();
    let strings = &env.ds.strings;
    let mut h = Handling::default();
    if let Some(agent_sym) = strings.lookup(agent) {
        for e in entries_in_period(&ctx, &params, &env.facts.queue) {
            if queue.is_some_and(|q| q != strings.get(e.service)) {
                continue;
            }
            if offered_agents(&ctx, &env.facts.queue, e).contains(&agent_sym) {
                h.add(&ctx, e, agent_sym);
            }
        }
    }
    let mut st = StateTime::default();
    for s in env
        .timeline
        .sessions
        .iter()
        .filter(|s| strings.get(s.agent) == agent)
    {
        st.add_session(env.timeline, s, from, to);
    }
    (h, st)
}

fn required<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str> {
    text(body, field)?.ok_or_else(|| bad(field, "is required"))
}

/// Answers one of the queue operations.
pub fn answer(ds: &Dataset, facts: &Facts, timeline: &Timeline, q: &Query) -> Result<Value> {
    let env = Env {
        ds,
        facts,
        timeline,
        now: q.now,
    };
    let body = &q.body;
    Ok(match q.op {
        Operation::QueueKpiSummary => {
            let s = span(body, None, None)?;
            // Several queues: counts summed, averages and percentages from the pooled sums.
            json!({ "metrics": kpis(&queue_totals(&env, s.from, s.to, &queue_list(body)?)) })
        }
        Operation::QueueTimeseries => {
            let s: Span = span(body, None, Some(86_400))?;
            let step = interval(body)?;
            let queue = vec![(required(body, "queue")?.to_string(), None)];
            let pts: Vec<Value> = points(&s, step)
                .into_iter()
                .map(|(a, b)| {
                    let t = queue_totals(&env, a, b, &queue);
                    json!({
                        "t": s.format(a),
                        "offered": t.offered(),
                        "accepted": t.accepted,
                        "abandoned": t.abandoned,
                        "asa_sec": avg(t.asa_secs()),
                        "cb_ok": t.cb_ok,
                        "cb_fail": t.cb_fail,
                    })
                })
                .collect();
            json!({ "points": pts })
        }
        Operation::AgentQueueSummary => {
            let s = span(body, None, Some(86_400))?;
            let (queue, agent) = (text(body, "queue")?, required(body, "agent")?);
            let (h, st) = agent_figures(&env, s.from, s.to, queue, agent);
            json!({ "points": {
                "total": h.offered,
                "accepted": h.accepted,
                "occupancy_pct": pct(st.occupancy()),
                "aht_sec": avg(h.aht_secs()),
                "att_sec": avg(h.att_secs()),
                "avg_wrap_time_sec": avg(h.avg_wrap_secs()),
                "average_ring_time_sec": avg(h.avg_ring_secs()),
            }})
        }
        Operation::AgentQueueTimeseries => {
            let s = span(body, None, Some(86_400))?;
            let step = interval(body)?;
            let (queue, agent) = (text(body, "queue")?, required(body, "agent")?);
            let pts: Vec<Value> = points(&s, step)
                .into_iter()
                .map(|(a, b)| {
                    let (h, st) = agent_figures(&env, a, b, queue, agent);
                    json!({
                        "t": s.format(a),
                        "occupancy_pct": pct(st.occupancy()),
                        "aht_sec": avg(h.aht_secs()),
                        "att_sec": avg(h.att_secs()),
                        "accepted": h.accepted,
                    })
                })
                .collect();
            json!({ "points": pts })
        }
        _ => unreachable!("calls operations are answered elsewhere"),
    })
}
