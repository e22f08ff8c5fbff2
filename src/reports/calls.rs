//! Call reports (SPEC §4.1–4.3): USERSTATISTICS, DAILYSTATISTICS, CALLLOGS.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::decimal::DecimalSum;
use crate::model::calls::{Call, Direction};
use crate::model::legs::Endpoint;
use crate::model::pool::Sym;
use crate::model::Dataset;
use crate::reports::chart::{self, Chart, Layout, Orientation, Unit};
use crate::reports::measure::Percent;
use crate::reports::notes;
use crate::reports::params::{Granularity, Params};
use crate::reports::select::{calls_in_period, tenant_ok};
use crate::reports::spec::{self, AgentTime, Figure, ReportSpec};
use crate::reports::table::{avg, ident_cmp, pct, Cell, Row, Table};
use crate::reports::{Ctx, ReportKind};
use crate::time::{local_date, zoned};
use crate::time::{local_days, Ts};

/// The call filters of SPEC §4: `status` (call answered) and `direction`.
pub(crate) fn call_ok(call: &Call, p: &Params) -> bool {
    p.status.keeps(call.answered) && p.direction.is_none_or(|d| d == call.direction)
}

/// One user's counts (USERSTATISTICS); merges exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct UserAcc {
    inbound: i64,
    inbound_answered: i64,
    outbound: i64,
    outbound_answered: i64,
    internal: i64,
    internal_answered: i64,
    talk: i64,
    ring: i64,
    ring_legs: i64,
    cost: DecimalSum,
    has_cost: bool,
}

impl UserAcc {
    fn merge(&mut self, o: UserAcc) {
        self.inbound += o.inbound;
        self.inbound_answered += o.inbound_answered;
        self.outbound += o.outbound;
        self.outbound_answered += o.outbound_answered;
        self.internal += o.internal;
        self.internal_answered += o.internal_answered;
        self.talk += o.talk;
        self.ring += o.ring;
        self.ring_legs += o.ring_legs;
        self.cost.merge(o.cost);
        self.has_cost |= o.has_cost;
    }
}

fn merge_maps(mut a: HashMap<Sym, UserAcc>, b: HashMap<Sym, UserAcc>) -> HashMap<Sym, UserAcc> {
    for (k, v) in b {
        a.entry(k).or_default().merge(v);
    }
    a
}

/// The (user, kind, answered, talk, ring, ring legs) pairs of one call.
fn user_pairs(
    ds: &Dataset,
    group: &[u32],
    call: &Call,
    out: &mut Vec<(Sym, Direction, bool, i64, i64, i64)>,
) {
    let (legs, profiles) = (&ds.legs, &ds.profiles);
    let first = &legs[group[0] as usize];
    let originator =
        (profiles.of(first).caller_endpoint == Endpoint::EXTENSION).then_some(first.caller);
    if let Some(u) = originator {
        let (mut answered, mut talk) = (false, 0);
        for &i in group {
            let l = &legs[i as usize];
            if l.caller == u && profiles.of(l).is_person() && l.answered() {
                answered = true;
                talk += l.talk();
            }
        }
        let kind = if call.direction == Direction::Outbound {
            Direction::Outbound
        } else {
            Direction::Internal
        };
        out.push((u, kind, answered, talk, 0, 0));
    }
    let kind = if call.direction == Direction::Inbound {
        Direction::Inbound
    } else {
        Direction::Internal
    };
    let start = out.len();
    for &i in group {
        let l = &legs[i as usize];
        if !profiles.of(l).to_extension() || Some(l.callee) == originator {
            continue;
        }
        let k = match out[start..].iter().position(|p| p.0 == l.callee) {
            Some(k) => start + k,
            None => {
                out.push((l.callee, kind, false, 0, 0, 0));
                out.len() - 1
            }
        };
        if l.answered() {
            let p = &mut out[k];
            p.2 = true;
            p.3 += l.talk();
            p.4 += l.ring();
            p.5 += 1;
        }
    }
}

/// USERSTATISTICS (§4.1).
pub fn user_statistics<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let legs = &ctx.ds.legs;
    let strings = &ctx.ds.strings;
    let calls = calls_in_period(ctx, p);
    let accs = calls
        .par_iter()
        .fold(
            || (HashMap::<Sym, UserAcc>::default(), Vec::new()),
            |(mut map, mut pairs), &c| {
                let call = &ctx.facts.calls.calls[c as usize];
                let group = ctx.facts.calls.legs_of(c);
                pairs.clear();
                user_pairs(ctx.ds, group, call, &mut pairs);
                for &(user, kind, answered, talk, ring, ring_legs) in &pairs {
                    if p.extensions
                        .as_ref()
                        .is_some_and(|x| !x.contains(strings.get(user)))
                        || !p.status.keeps(answered)
                        || p.direction.is_some_and(|d| d != kind)
                    {
                        continue;
                    }
                    let a = map.entry(user).or_default();
                    let (total, ans) = match kind {
                        Direction::Inbound => (&mut a.inbound, &mut a.inbound_answered),
                        Direction::Outbound => (&mut a.outbound, &mut a.outbound_answered),
                        Direction::Internal => (&mut a.internal, &mut a.internal_answered),
                    };
                    *total += 1;
                    *ans += i64::from(answered);
                    a.talk += talk;
                    a.ring += ring;
                    a.ring_legs += ring_legs;
                    for &i in group {
                        let l = &legs[i as usize];
                        if let (true, Some(cost)) = (l.caller == user, l.extra().cost) {
                            a.cost.add(cost);
                            a.has_cost = true;
                        }
                    }
                }
                (map, pairs)
            },
        )
        .map(|(map, _)| map)
        .reduce(HashMap::default, merge_maps);
    let mut users: Vec<(Sym, UserAcc)> = accs.into_iter().collect();
    users.sort_by(|a, b| ident_cmp(strings.get(a.0), strings.get(b.0)));
    let mut t = Table::new(ReportKind::UserStatistics, ctx.period.tz);
    for (user, a) in users {
        let total = a.inbound + a.outbound + a.internal;
        let answered = a.inbound_answered + a.outbound_answered + a.internal_answered;
        t.rows.push(Row::data(vec![
            Cell::str(strings.get(user)),
            Cell::text(&ctx.facts.directory.display_name(ctx.ds, user)),
            Cell::Int(a.inbound),
            Cell::Int(a.inbound_answered),
            Cell::Int(a.inbound - a.inbound_answered),
            Cell::Int(a.outbound),
            Cell::Int(a.outbound_answered),
            Cell::Int(a.internal),
            Cell::Int(a.internal_answered),
            Cell::Int(total),
            Cell::Int(answered),
            pct(answered, total),
            Cell::Secs(a.talk),
            avg(a.talk, answered),
            avg(a.ring, a.ring_legs),
            if a.has_cost {
                Cell::Money(a.cost)
            } else {
                Cell::Empty
            },
        ]));
    }
    t
}

/// The buckets of DAILYSTATISTICS: every local day (or real hour) touching the period.
fn buckets(ctx: &Ctx<'_>, g: Granularity) -> Vec<(Ts, Ts)> {
    let Ctx { period, .. } = *ctx;
    let days = local_days(period.from, period.to, period.tz);
    match g {
        Granularity::Day => days.into_iter().map(|(_, s, e)| (s, e)).collect(),
        Granularity::Hour => {
            let mut out = Vec::new();
            for (_, s, e) in days {
                // Real hours from the day's first instant: 23 on a spring-forward day, 25 on
                // a fall-back day, the offset telling the repeated hour apart.
                let mut h = s;
                while h < e {
                    let next = (h + 3600).min(e);
                    if next > period.from && h < period.to {
                        out.push((h, next));
                    }
                    h = next;
                }
            }
            out
        }
    }
}

/// One bucket's counts; merges exactly.
#[derive(Debug, Clone, Copy, Default)]
struct DayAcc {
    total: i64,
    answered: i64,
    inbound: i64,
    outbound: i64,
    internal: i64,
    talk: i64,
}

/// A call starting or ending, for peak concurrency, in eight bytes: its instant doubled, plus
/// one for a start, so that sorted as integers the ends at an instant come before its starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Event(i64);

impl Event {
    fn start(t: Ts) -> Event {
        Event(2 * t + 1)
    }

    fn end(t: Ts) -> Event {
        Event(2 * t)
    }

    /// The instant (the shift floors, so instants before 1970 read back too).
    fn at(self) -> Ts {
        self.0 >> 1
    }

    /// +1 for a start, −1 for an end.
    fn step(self) -> i64 {
        if self.0 & 1 == 1 {
            1
        } else {
            -1
        }
    }
}

/// DAILYSTATISTICS (§4.2).
pub fn daily_statistics<'a>(ctx: &Ctx<'a>, p: &Params) -> Table<'a> {
    let period = ctx.period;
    let all = &ctx.facts.calls.calls;
    let buckets = buckets(ctx, p.granularity);
    let mut acc = vec![DayAcc::default(); buckets.len()];
    // Concurrency counts every filtered call in progress during the period, whatever its start.
    // Sized once: two events a call at most.
    let mut events: Vec<Event> = Vec::with_capacity(2 * all.len());
    for (c, call) in all.iter().enumerate() {
        if !call_ok(call, p) || !tenant_ok(ctx, p, c as u32) {
            continue;
        }
        if call.start < period.to && call.end > period.from && call.end > call.start {
            events.push(Event::start(call.start));
            events.push(Event::end(call.end));
        }
        if !period.contains(call.start) {
            continue;
        }
        let k = buckets.partition_point(|b| b.1 <= call.start);
        let a = &mut acc[k];
        a.total += 1;
        a.answered += i64::from(call.answered);
        match call.direction {
            Direction::Inbound => a.inbound += 1,
            Direction::Outbound => a.outbound += 1,
            Direction::Internal => a.internal += 1,
        }
        a.talk += call.talk;
    }
    events.sort_unstable();
    let mut peaks = vec![0i64; buckets.len()];
    let (mut level, mut e) = (0i64, 0usize);
    for (k, &(bs, be)) in buckets.iter().enumerate() {
        let (ws, we) = (bs.max(period.from), be.min(period.to));
        while e < events.len() && events[e].at() <= ws {
            level += events[e].step();
            e += 1;
        }
        let mut peak = level;
        while e < events.len() && events[e].at() < we {
            let t = events[e].at();
            while e < events.len() && events[e].at() == t {
                level += events[e].step();
                e += 1;
            }
            peak = peak.max(level);
        }
        peaks[k] = peak;
    }
    let mut t = Table::new(ReportKind::DailyStatistics, period.tz);
    for (k, a) in acc.iter().enumerate() {
        t.rows.push(Row::data(vec![
            Cell::Time(buckets[k].0),
            Cell::Int(a.total),
            Cell::Int(a.answered),
            Cell::Int(a.total - a.answered),
            Cell::Int(a.inbound),
            Cell::Int(a.outbound),
            Cell::Int(a.internal),
            pct(a.answered, a.total),
            Cell::Secs(a.talk),
            avg(a.talk, a.answered),
            Cell::Int(peaks[k]),
        ]));
    }
    t
}

/// USERSTATISTICS (§4.1).
pub(crate) const USER_STATISTICS: ReportSpec = ReportSpec {
    name: "USERSTATISTICS",
    title: "User statistics",
    columns: user_col::NAMES,
    tables: &[],
    cdr_columns: &["cost"],
    params: &["extensions", "status", "direction"],
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::None,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| user_statistics(ctx, &req.params),
    notes: |_| {
        vec![
            "A call counts once per user: as originator (its first leg comes from the user's extension) or as receiver (a leg rings the user).".into(),
            "Answered %: answered / total calls. Avg talk: talk / answered calls. Avg ring: ring of the user's answered legs / those legs.".into(),
            "Cost: exact sum of the costs of legs the user placed in the counted calls, four decimals.".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: spec::no_charts,
    headline: |t| {
        use user_col::*;
        let (total, answered) = (
            spec::column_sum(t, TOTAL_CALLS),
            spec::column_sum(t, ANSWERED_CALLS),
        );
        vec![
            Figure::count("Users", spec::data_rows(t).count() as i64),
            Figure::count("Calls", total),
            Figure::count("Answered", answered),
        ]
    },
};

/// DAILYSTATISTICS (§4.2).
pub(crate) const DAILY_STATISTICS: ReportSpec = ReportSpec {
    name: "DAILYSTATISTICS",
    title: "Daily statistics",
    columns: daily_col::NAMES,
    tables: &[],
    cdr_columns: &[],
    params: &["status", "direction", "granularity"],
    ignored: spec::PBX_ONLY,
    agent_time: AgentTime::None,
    state_calls: false,
    csv_guard: true,
    compute: |ctx, req| daily_statistics(ctx, &req.params),
    notes: |_| {
        vec![
            "Calls belong to the day (hour) they start in. Answered: a person leg (extension or trunk) was answered.".into(),
            "Peak concurrent: the most calls in progress at one instant within the row and the period (ends before starts at equal instants).".into(),
            "Hours are real hours: 23 rows on a spring-forward day, 25 on a fall-back day (the offset tells them apart).".into(),
            notes::ROUNDING.into(),
        ]
    },
    charts: daily_charts,
    headline: |t| {
        use daily_col::*;
        let (total, answered) = (spec::column_sum(t, TOTAL), spec::column_sum(t, ANSWERED));
        vec![
            Figure::count("Calls", total),
            Figure::count("Answered", answered),
            Figure::new("Answered %", Percent::of(answered, total)),
            Figure::new("Talk", Cell::Secs(spec::column_sum(t, TALK_SECS))),
        ]
    },
};

/// Calls per day (or per hour with `granularity = HOUR`), answered and not.
fn daily_charts(t: &Table<'_>, p: &Params) -> Vec<Chart> {
    use daily_col::*;
    let tz = t.tz;
    let rows: Vec<&Row> = spec::data_rows(t).collect();
    let hourly = p.granularity == Granularity::Hour;
    let starts: Vec<Ts> = rows
        .iter()
        .map(|r| match r.cells[PERIOD_START] {
            Cell::Time(t) => t,
            _ => 0,
        })
        .collect();
    let days = starts
        .first()
        .zip(starts.last())
        .is_some_and(|(&a, &b)| local_date(a, tz) != local_date(b, tz));
    let mut categories: Vec<String> = starts
        .iter()
        .map(|&ts| {
            let z = zoned(ts, tz);
            match (hourly, days) {
                (true, false) => z.format("%H:%M").to_string(),
                (true, true) => z.format("%d %H:%M").to_string(),
                (false, _) => z.format("%a %d %b").to_string(),
            }
        })
        .collect();
    // The repeated hour of a fall-back day: tell the two apart by their offset.
    for i in 1..categories.len() {
        if categories[i] == categories[i - 1] {
            let offset = |ts: Ts| zoned(ts, tz).format("%:::z").to_string();
            categories[i - 1] = format!("{} ({})", categories[i - 1], offset(starts[i - 1]));
            categories[i] = format!("{} ({})", categories[i], offset(starts[i]));
        }
    }
    let heatmap = (hourly && days).then(|| day_by_hour(&rows, &starts, tz));
    let bars = Chart {
        title: format!("Calls per {}", if hourly { "hour" } else { "day" }),
        categories,
        series: chart::series(
            &rows,
            &[(ANSWERED, "answered"), (NOT_ANSWERED, "not answered")],
        ),
        layout: Layout::Stacked,
        orientation: Orientation::Vertical,
        unit: Unit::Count,
        target: None,
    };
    // Several days by the hour: the heatmap first, where the busy hours show at a glance.
    heatmap.into_iter().chain([bars]).collect()
}

/// Calls by local day (rows) and hour of the day (columns); the two hours of a fall-back day's
/// repeated hour are added together, a spring-forward day's missing hour is 0.
fn day_by_hour(rows: &[&Row<'_>], starts: &[Ts], tz: chrono_tz::Tz) -> Chart {
    use chrono::Timelike;
    use daily_col::*;
    let mut days: Vec<chrono::NaiveDate> = Vec::new();
    let mut grid: Vec<[i64; 24]> = Vec::new();
    for (r, &ts) in rows.iter().zip(starts) {
        let z = zoned(ts, tz);
        let d = z.date_naive();
        if days.last() != Some(&d) {
            days.push(d);
            grid.push([0; 24]);
        }
        if let Some(day) = grid.last_mut() {
            day[z.hour() as usize] += chart::value(&r.cells[TOTAL]);
        }
    }
    Chart {
        title: "Calls by day and hour".into(),
        categories: days
            .iter()
            .map(|d| d.format("%a %d %b").to_string())
            .collect(),
        series: (0..24)
            .map(|h| (format!("{h:02}"), grid.iter().map(|day| day[h]).collect()))
            .collect(),
        layout: Layout::Heatmap,
        orientation: Orientation::Horizontal,
        unit: Unit::Count,
        target: None,
    }
}

/// USERSTATISTICS's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod user_col {
    crate::input::table::columns! {
        EXTENSION = "extension",
        DISPLAY_NAME = "display_name",
        INBOUND_TOTAL = "inbound_total",
        INBOUND_ANSWERED = "inbound_answered",
        INBOUND_UNANSWERED = "inbound_unanswered",
        OUTBOUND_TOTAL = "outbound_total",
        OUTBOUND_ANSWERED = "outbound_answered",
        INTERNAL_TOTAL = "internal_total",
        INTERNAL_ANSWERED = "internal_answered",
        TOTAL_CALLS = "total_calls",
        ANSWERED_CALLS = "answered_calls",
        ANSWERED_PCT = "answered_pct",
        TALK_SECS = "talk_secs",
        AVG_TALK_SECS = "avg_talk_secs",
        AVG_RING_SECS = "avg_ring_secs",
        COST = "cost",
    }
}

/// DAILYSTATISTICS's columns (SPEC §4), in order: rows are built in this order, and charts and
/// headline figures name cells by these constants.
pub(crate) mod daily_col {
    crate::input::table::columns! {
        PERIOD_START = "period_start",
        TOTAL = "total",
        ANSWERED = "answered",
        NOT_ANSWERED = "not_answered",
        INBOUND = "inbound",
        OUTBOUND = "outbound",
        INTERNAL = "internal",
        ANSWERED_PCT = "answered_pct",
        TALK_SECS = "talk_secs",
        AVG_TALK_SECS = "avg_talk_secs",
        PEAK_CONCURRENT = "peak_concurrent",
    }
}

#[cfg(test)]
mod tests {
    use super::Event;
    use crate::reports::testing::Fixture;
    use crate::reports::ReportKind::*;
    use crate::time::Ts;

    const USERS: &str = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,started_at,rang_at,answered_at,ended_at,cost
A,555,TRUNK,1001,EXTENSION,2025-01-01T09:00:00Z,2025-01-01T09:00:00Z,2025-01-01T09:00:10Z,2025-01-01T09:01:40Z,
B,556,TRUNK,1001,EXTENSION,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z,,2025-01-01T10:00:20Z,
B,556,TRUNK,1002,EXTENSION,2025-01-01T10:00:00Z,2025-01-01T10:00:00Z,2025-01-01T10:00:05Z,2025-01-01T10:02:05Z,
C,1001,EXTENSION,5551234,TRUNK,2025-01-01T11:00:00Z,2025-01-01T11:00:00Z,2025-01-01T11:00:15Z,2025-01-01T11:01:15Z,0.12345
D,1001,EXTENSION,1002,EXTENSION,2025-01-01T12:00:00Z,2025-01-01T12:00:00Z,,2025-01-01T12:00:30Z,
E,1002,EXTENSION,5559999,TRUNK,2025-01-01T13:00:00Z,,,2025-01-01T13:00:20Z,0.00005
F,557,TRUNK,1001,EXTENSION,2025-01-02T09:00:00Z,,2025-01-02T09:00:00Z,2025-01-02T09:10:00Z,
";
    const DAY: [&str; 2] = ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"];
    const HEAD: &str = "extension,display_name,inbound_total,inbound_answered,inbound_unanswered,outbound_total,outbound_answered,internal_total,internal_answered,total_calls,answered_calls,answered_pct,talk_secs,avg_talk_secs,avg_ring_secs,cost\n";

    #[test]
    fn concurrency_events_sort_ends_before_starts() {
        let mut e = [
            Event::start(5),
            Event::end(5),
            Event::start(-3),
            Event::end(-3),
            Event::end(4),
        ];
        e.sort_unstable();
        let read: Vec<(Ts, i64)> = e.iter().map(|e| (e.at(), e.step())).collect();
        assert_eq!(read, [(-3, -1), (-3, 1), (4, -1), (5, -1), (5, 1)]);
    }

    #[test]
    fn user_statistics_by_hand() {
        let f = Fixture::new(&[("cdr", USERS)], 0);
        // 1001: received A (answered, talk 90, ring 10) and B (its own leg unanswered);
        // originated C (outbound, talk 60, cost 0.12345) and D (internal, unanswered).
        // 1002: received B (talk 120, ring 5) and D (internal); originated E (cost 0.00005).
        assert_eq!(
            f.csv(UserStatistics, DAY[0], DAY[1], "UTC", &[]),
            format!(
                "{HEAD}1001,1001,2,1,1,1,1,1,0,4,2,50.00,150,75,10,0.1235\n\
                 1002,1002,1,1,0,1,0,1,0,3,1,33.33,120,120,5,0.0001\n"
            )
        );
    }

    #[test]
    fn user_statistics_filters() {
        let f = Fixture::new(&[("cdr", USERS)], 0);
        assert_eq!(
            f.csv(UserStatistics, DAY[0], DAY[1], "UTC", &["status=ANSWERED"]),
            format!("{HEAD}1001,1001,1,1,0,1,1,0,0,2,2,100.00,150,75,10,0.1235\n1002,1002,1,1,0,0,0,0,0,1,1,100.00,120,120,5,\n")
        );
        assert_eq!(
            f.csv(UserStatistics, DAY[0], DAY[1], "UTC", &["direction=OUTBOUND"]),
            format!("{HEAD}1001,1001,0,0,0,1,1,0,0,1,1,100.00,60,60,,0.1235\n1002,1002,0,0,0,1,0,0,0,1,0,0.00,0,,,0.0001\n")
        );
        let only = f.csv(
            UserStatistics,
            DAY[0],
            DAY[1],
            "UTC",
            &["extensions=1002-1099"],
        );
        assert_eq!(only.lines().count(), 2);
        assert!(only.ends_with("1002,1002,1,1,0,1,0,1,0,3,1,33.33,120,120,5,0.0001\n"));
    }

    const DAILY: &str = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,started_at,answered_at,ended_at
P,555,TRUNK,1002,EXTENSION,2024-12-31T23:50:00Z,2024-12-31T23:51:00Z,2025-01-01T00:20:00Z
A,555,TRUNK,5000,IVR,2025-01-01T00:10:00Z,2025-01-01T00:10:00Z,2025-01-01T00:11:00Z
A,555,TRUNK,1001,EXTENSION,2025-01-01T00:11:00Z,2025-01-01T00:11:00Z,2025-01-01T00:30:00Z
B,1001,EXTENSION,1002,EXTENSION,2025-01-01T00:15:00Z,,2025-01-01T00:16:00Z
C,1002,EXTENSION,5551,TRUNK,2025-01-01T23:59:00Z,2025-01-01T23:59:30Z,2025-01-02T00:05:00Z
D,556,TRUNK,1001,EXTENSION,2025-01-02T00:05:00Z,,2025-01-02T00:06:00Z
";
    const DAILY_HEAD: &str =
        "period_start,total,answered,not_answered,inbound,outbound,internal,answered_pct,talk_secs,avg_talk_secs,peak_concurrent\n";

    #[test]
    fn daily_statistics_by_hand() {
        let f = Fixture::new(&[("cdr", DAILY)], 0);
        // Day 1: A, B, C start (P started the day before but is in progress at 00:15 with A
        // and B: peak 3). Talk 1140 + 330. Day 2: D; C is still in progress at midnight and
        // ends exactly when D starts (ends before starts): peak 1.
        assert_eq!(
            f.csv(
                DailyStatistics,
                "2025-01-01T00:00:00Z",
                "2025-01-03T00:00:00Z",
                "UTC",
                &[]
            ),
            format!(
                "{DAILY_HEAD}2025-01-01T00:00:00+00:00,3,2,1,1,1,1,66.67,1470,735,3\n\
                 2025-01-02T00:00:00+00:00,1,0,1,1,0,0,0.00,0,,1\n"
            )
        );
        assert_eq!(
            f.csv(
                DailyStatistics,
                "2025-01-01T00:00:00Z",
                "2025-01-03T00:00:00Z",
                "UTC",
                &["status=ANSWERED"]
            ),
            format!(
                "{DAILY_HEAD}2025-01-01T00:00:00+00:00,2,2,0,1,1,0,100.00,1470,735,2\n\
                 2025-01-02T00:00:00+00:00,0,0,0,0,0,0,,0,,1\n"
            )
        );
    }

    #[test]
    fn daily_statistics_rows_touch_the_period_and_count_inside_it() {
        let f = Fixture::new(&[("cdr", DAILY)], 0);
        // A period from 00:12 on day 1 to 00:05:30 on day 2: A started before it.
        let csv = f.csv(
            DailyStatistics,
            "2025-01-01T00:12:00Z",
            "2025-01-02T00:05:30Z",
            "UTC",
            &[],
        );
        assert_eq!(
            csv,
            format!(
                "{DAILY_HEAD}2025-01-01T00:00:00+00:00,2,1,1,0,1,1,50.00,330,330,3\n\
                 2025-01-02T00:00:00+00:00,1,0,1,1,0,0,0.00,0,,1\n"
            )
        );
    }

    /// The first cell of every data row.
    fn first_cells(csv: &str) -> Vec<&str> {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect()
    }

    #[test]
    fn hours_are_real_hours_across_dst() {
        let f = Fixture::new(&[("cdr", DAILY)], 0);
        let fall = f.csv(
            DailyStatistics,
            "2025-11-02T00:00:00-04:00",
            "2025-11-03T00:00:00-05:00",
            "America/New_York",
            &["granularity=HOUR"],
        );
        let starts = first_cells(&fall);
        assert_eq!(starts.len(), 25);
        assert_eq!(
            &starts[..4],
            [
                "2025-11-02T00:00:00-04:00",
                "2025-11-02T01:00:00-04:00",
                "2025-11-02T01:00:00-05:00",
                "2025-11-02T02:00:00-05:00"
            ]
        );
        let spring = f.csv(
            DailyStatistics,
            "2025-03-09T00:00:00-05:00",
            "2025-03-10T00:00:00-04:00",
            "America/New_York",
            &["granularity=HOUR"],
        );
        let starts = first_cells(&spring);
        assert_eq!(starts.len(), 23);
        assert_eq!(
            &starts[..3],
            [
                "2025-03-09T00:00:00-05:00",
                "2025-03-09T01:00:00-05:00",
                "2025-03-09T03:00:00-04:00"
            ]
        );
    }
}
