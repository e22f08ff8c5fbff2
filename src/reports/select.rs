//! Selection rules shared by the report families: calls and entries of the period after the
//! common filters, the rows of per-queue and per-ring-group reports, and per-queue thresholds.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use crate::model::pool::Sym;
use crate::model::queue::{Entries, Entry, Outcome};
use crate::reports::params::Params;
use crate::reports::table::ident_cmp;
use crate::reports::Ctx;

/// The `tenants` filter: empty keeps everything; otherwise calls without a tenant are dropped.
pub fn tenant_ok(ctx: &Ctx<'_>, p: &Params, call: u32) -> bool {
    p.tenants.is_empty()
        || ctx.facts.calls.calls[call as usize]
            .tenant
            .is_some_and(|t| p.tenants.contains(&t))
}

/// Calls starting in the period that pass the tenant filter, in call-index order.
pub fn calls_in_period(ctx: &Ctx<'_>, p: &Params) -> Vec<u32> {
    let calls = &ctx.facts.calls.calls;
    (0..calls.len() as u32)
        .filter(|&c| ctx.period.contains(calls[c as usize].start) && tenant_ok(ctx, p, c))
        .collect()
}

/// Entries of the period (by `entered_at`) that pass the tenant filter.
pub fn entries_in_period<'a>(
    ctx: &'a Ctx<'_>,
    p: &'a Params,
    entries: &'a Entries,
) -> impl Iterator<Item = &'a Entry> + 'a {
    entries
        .entries
        .iter()
        .filter(move |e| ctx.period.contains(e.entered_at) && tenant_ok(ctx, p, e.call))
}

/// One row of a per-queue or per-ring-group report.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    /// The number as printed.
    pub number: String,
    /// Its symbol, when the dataset has it.
    pub sym: Option<Sym>,
    /// Its name.
    pub name: String,
    /// SLA seconds (queues).
    pub sla: i64,
    /// Short-abandon threshold; 0 is disabled (queues).
    pub short: i64,
}

/// Which services get rows: the listed numbers, or else every number of the dimension table
/// plus every number with an entry in the period; in identifier order.
fn service_rows(
    ctx: &Ctx<'_>,
    p: &Params,
    listed: &[(String, Option<i64>)],
    table: impl Iterator<Item = Sym>,
    entries: &Entries,
) -> Vec<(String, Option<Sym>, Option<i64>)> {
    let strings = &ctx.ds.strings;
    let mut rows: Vec<(String, Option<Sym>, Option<i64>)> = if listed.is_empty() {
        let mut syms: BTreeSet<Sym> = table.collect();
        syms.extend(entries_in_period(ctx, p, entries).map(|e| e.service));
        syms.into_iter()
            .map(|s| (strings.get(s).to_string(), Some(s), None))
            .collect()
    } else {
        let mut by_number: HashMap<&str, Option<i64>> = HashMap::default();
        for (n, sla) in listed {
            by_number.insert(n, *sla);
        }
        by_number
            .into_iter()
            .map(|(n, sla)| (n.to_string(), strings.lookup(n), sla))
            .collect()
    };
    rows.sort_by(|a, b| ident_cmp(&a.0, &b.0));
    rows
}

/// The rows of a queue report, with each queue's SLA and short-abandon threshold.
pub fn queue_rows(ctx: &Ctx<'_>, p: &Params) -> Vec<ServiceRow> {
    let d = &ctx.facts.directory;
    let table = ctx.ds.queues.iter().flatten().map(|q| q.number);
    service_rows(ctx, p, &p.queues, table, &ctx.facts.queue)
        .into_iter()
        .map(|(number, sym, listed_sla)| {
            let info = sym.and_then(|s| d.queue(ctx.ds, s));
            ServiceRow {
                name: sym.map_or_else(String::new, |s| {
                    ctx.ds.strings.get(d.queue_name(s)).to_string()
                }),
                sla: listed_sla.or(info.and_then(|q| q.sla_secs)).unwrap_or(20),
                short: p
                    .short_abandon_secs
                    .or(info.and_then(|q| q.short_abandon_secs))
                    .unwrap_or(0),
                number,
                sym,
            }
        })
        .collect()
}

/// The rows of the ring-group report.
pub fn group_rows(ctx: &Ctx<'_>, p: &Params) -> Vec<ServiceRow> {
    let d = &ctx.facts.directory;
    let listed: Vec<(String, Option<i64>)> =
        p.ring_groups.iter().map(|g| (g.clone(), None)).collect();
    let table = ctx.ds.ring_groups.iter().flatten().map(|g| g.number);
    service_rows(ctx, p, &listed, table, &ctx.facts.groups)
        .into_iter()
        .map(|(number, sym, _)| ServiceRow {
            name: sym.map_or_else(String::new, |s| {
                ctx.ds.strings.get(d.group_name(s)).to_string()
            }),
            sla: 0,
            short: 0,
            number,
            sym,
        })
        .collect()
}

/// Row positions by service symbol (rows whose number the dataset has never seen have none).
pub fn row_index(rows: &[ServiceRow]) -> HashMap<Sym, usize> {
    rows.iter()
        .enumerate()
        .filter_map(|(k, r)| r.sym.map(|s| (s, k)))
        .collect()
}

/// An abandoned entry at or under an enabled short-abandon threshold.
pub fn is_short(e: &Entry, short: i64) -> bool {
    e.outcome == Outcome::Abandoned && short > 0 && e.wait <= short
}

/// The wrap-up an answered entry carries (0 unless it is its agent's last answer in the call).
pub fn wrap(ctx: &Ctx<'_>, e: &Entry) -> i64 {
    match e.answer {
        // The call's index is the window's own (SPEC §3), the timeline the run's.
        Some(a) if e.takes_wrap => ctx.timeline.wrap(ctx.ds.parent_call(e.call), a.agent),
        _ => 0,
    }
}

/// The distinct agents an entry's offers rang, in first-offer order.
pub fn offered_agents(ctx: &Ctx<'_>, entries: &Entries, e: &Entry) -> Vec<Sym> {
    let mut agents: Vec<Sym> = Vec::new();
    for &leg in entries.offers_of(e) {
        let a = ctx.ds.legs[leg as usize].callee;
        if !agents.contains(&a) {
            agents.push(a);
        }
    }
    agents
}
