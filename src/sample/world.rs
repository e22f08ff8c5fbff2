//! The simulated call centre: agents, queues, ring groups, and each agent's planned shifts with
//! their breaks.

use chrono::{Duration, NaiveDate, NaiveTime};

use crate::config::SampleConfig;
use crate::sample::Rng;
use crate::time::{day_start, resolve_local, Ts};

/// One agent.
#[derive(Debug, Clone)]
pub struct AgentDef {
    /// Extension number.
    pub ext: String,
    /// First name ("" for none).
    pub first: &'static str,
    /// Last name ("" for none).
    pub last: &'static str,
    /// Listed in the `agents` table (otherwise named by the CDR only).
    pub in_table: bool,
    /// Team ("" for none).
    pub team: &'static str,
    /// Agent group id.
    pub group: &'static str,
}

impl AgentDef {
    /// The name phones show (the CDR display name).
    pub fn display(&self) -> String {
        match (self.first.is_empty(), self.last.is_empty()) {
            (false, false) => format!("{} {}", self.first, self.last),
            (false, true) => self.first.to_string(),
            _ => format!("Desk {}", self.ext),
        }
    }
}

/// One call queue.
#[derive(Debug, Clone)]
pub struct QueueDef {
    /// Number.
    pub number: &'static str,
    /// Name.
    pub name: &'static str,
    /// Ring every free member at once (else one at a time, longest idle first).
    pub ring_all: bool,
    /// SLA seconds in the `queues` table.
    pub sla: i64,
    /// Short-abandon seconds in the `queues` table (0: disabled).
    pub short_abandon: i64,
    /// Listed in the `queues` table (otherwise named by the CDR only).
    pub in_table: bool,
    /// Longest wait before the queue gives up on the caller.
    pub limit: i64,
    /// On the limit, overflow into this queue instead of timing out.
    pub overflow_to: Option<usize>,
    /// Callers may ask for a callback.
    pub callbacks: bool,
    /// The queue may be full (capacity blocked).
    pub may_block: bool,
    /// Member agents.
    pub members: Vec<usize>,
}

/// One ring group.
#[derive(Debug, Clone)]
pub struct GroupDef {
    /// Number.
    pub number: &'static str,
    /// Name.
    pub name: &'static str,
    /// Ring every free member at once (else one after another).
    pub ring_all: bool,
    /// The DID that reaches it.
    pub did: &'static str,
    /// Its tenant.
    pub tenant: u32,
    /// Member agents.
    pub members: Vec<usize>,
}

/// A planned not-ready interval.
#[derive(Debug, Clone, Copy)]
pub struct Break {
    /// Start.
    pub start: Ts,
    /// End.
    pub end: Ts,
    /// Reason code.
    pub code: &'static str,
}

/// A planned login session.
#[derive(Debug, Clone)]
pub struct Shift {
    /// Planned login.
    pub start: Ts,
    /// Planned logout.
    pub end: Ts,
    /// Planned breaks, in order, not overlapping.
    pub breaks: Vec<Break>,
}

/// Everything fixed before the first call.
#[derive(Debug, Clone)]
pub struct World {
    /// Agents.
    pub agents: Vec<AgentDef>,
    /// Queues.
    pub queues: Vec<QueueDef>,
    /// Ring groups.
    pub groups: Vec<GroupDef>,
    /// Shifts per agent, in time order.
    pub shifts: Vec<Vec<Shift>>,
    /// Per agent, the shifts without their breaks: the times the agent can take calls, in
    /// order (what `next_free` searches; the simulation asks millions of times).
    free: Vec<Vec<(Ts, Ts)>>,
    /// Local days: (date, start, end).
    pub days: Vec<(NaiveDate, Ts, Ts)>,
    /// The end of the dataset: nothing starts at or after it; sessions open then stay open.
    pub end: Ts,
}

const FIRST: [&str; 16] = [
    "Ava", "Ben", "Chloé", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Kemi",
    "Luis", "Maya", "Noor", "Omar", "Priya",
];
const LAST: [&str; 12] = [
    "Smith", "Okafor", "Müller", "Tanaka", "García", "Nguyen", "O'Brien", "Rossi", "Kowalski",
    "Haddad", "Silva", "Chen",
];
const TEAMS: [&str; 3] = ["Sales", "Support", ""];

/// The queues past the first three (`sample --queues`): numbers and the long names real
/// centres give them, so a report's layout meets long text.
const MORE_QUEUES: [(&str, &str); 17] = [
    ("8003", "Sales – New Customers North America"),
    ("8004", "Sales – Renewals & Upgrades EMEA"),
    ("8005", "Support – Enterprise Accounts (24/7 Priority Line)"),
    ("8006", "Support – Small Business Hardware Returns"),
    ("8007", "Billing – Disputes and Chargebacks"),
    ("8008", "Technical Support Tier 2 – Network & VoIP"),
    ("8009", "Customer Retention – Cancellation Requests"),
    ("8010", "Spanish Language Support – Línea en Español"),
    ("8011", "Partner & Reseller Help Desk"),
    ("8012", "Onboarding – New Installations Scheduling"),
    ("8013", "Collections – Overdue Accounts 30+ Days"),
    ("8014", "VIP Concierge – Platinum Members"),
    ("8015", "Field Service Dispatch – West Coast"),
    ("8016", "Order Status & Delivery Tracking"),
    ("8017", "Product Recalls and Safety Notices"),
    ("8018", "Internal IT Service Desk"),
    ("8019", "After-Hours Emergency Overflow"),
];

/// Long names for every other agent (`sample --long-names`): (first, last).
const LONG_NAMES: [(&str, &str); 4] = [
    ("Alexandra", "Konstantinopoulou-Vasquez"),
    ("Maximilian-Alexander", "Van der Westhuizen-Oyelaran"),
    ("Anne-Sophie", "Montmorency-Laval de Beaumont"),
    ("Oluwaseun", "Adebayo-Vanderbilt Fitzgerald"),
];

/// Break plan: (code, offset from login in minutes, length range in minutes, chance ‰).
const BREAKS: [(&str, i64, (i64, i64), u64); 6] = [
    ("AWAY", 60, (5, 10), 300),
    ("BREAK", 120, (15, 15), 1000),
    ("COFFEE", 180, (8, 12), 150),
    ("LUNCH", 240, (30, 60), 1000),
    ("TRAIN", 330, (45, 45), 150),
    ("MEETING", 405, (30, 30), 120),
];

impl World {
    /// Sets up the centre for the sample's size and period.
    pub fn new(c: &SampleConfig) -> World {
        let mut rng = Rng::new(c.seed.wrapping_mul(31).wrapping_add(7));
        let n_agents = (c.calls_per_day as usize).div_ceil(25).max(10);
        let agents: Vec<AgentDef> = (0..n_agents)
            .map(|i| AgentDef {
                ext: (1001 + i).to_string(),
                first: if c.long_names && i % 2 == 1 {
                    LONG_NAMES[(i / 2) % LONG_NAMES.len()].0
                } else if i % 11 == 9 {
                    ""
                } else {
                    FIRST[i % FIRST.len()]
                },
                last: if c.long_names && i % 2 == 1 {
                    LONG_NAMES[(i / 2) % LONG_NAMES.len()].1
                } else if i % 11 == 4 || i % 11 == 9 {
                    ""
                } else {
                    LAST[(i * 7) % LAST.len()]
                },
                in_table: i % 11 != 10,
                team: TEAMS[i % 3],
                group: if i % 2 == 0 { "G1" } else { "G2" },
            })
            .collect();
        let members =
            |f: &dyn Fn(usize) -> bool| (0..n_agents).filter(|&i| f(i)).collect::<Vec<_>>();
        let queues = vec![
            QueueDef {
                number: "8000",
                name: "Sales",
                ring_all: true,
                sla: 20,
                short_abandon: 5,
                in_table: true,
                limit: 90,
                overflow_to: Some(1),
                callbacks: false,
                may_block: false,
                members: members(&|i| i % 3 != 1),
            },
            QueueDef {
                number: "8001",
                name: "Support",
                ring_all: false,
                sla: 30,
                short_abandon: 0,
                in_table: true,
                limit: 180,
                overflow_to: None,
                callbacks: true,
                may_block: false,
                members: members(&|i| i % 3 != 0),
            },
            QueueDef {
                number: "8002",
                name: "Billing",
                ring_all: false,
                sla: 20,
                short_abandon: 3,
                in_table: false,
                limit: 150,
                overflow_to: None,
                callbacks: true,
                may_block: true,
                members: members(&|i| i % 3 == 2 || i % 5 == 0),
            },
        ];
        let more = MORE_QUEUES
            .iter()
            .enumerate()
            .take(usize::from(c.queues).saturating_sub(3))
            .map(|(k, &(number, name))| QueueDef {
                number,
                name,
                ring_all: k % 2 == 0,
                sla: [15, 20, 30, 45][k % 4],
                short_abandon: if k % 3 == 0 { 5 } else { 0 },
                in_table: true,
                limit: 120,
                overflow_to: None,
                callbacks: k % 2 == 1,
                may_block: false,
                members: members(&|i| (i + k) % 4 != 0),
            });
        let queues: Vec<QueueDef> = queues.into_iter().chain(more).collect();
        let groups = vec![
            GroupDef {
                number: "6000",
                name: "Reception",
                ring_all: true,
                did: "+14155550110",
                tenant: 1,
                members: members(&|i| i < 4),
            },
            GroupDef {
                number: "6001",
                name: "Back office",
                ring_all: false,
                did: "+14155550123",
                tenant: 2,
                members: members(&|i| (4..8).contains(&i)),
            },
        ];
        let first_day = c.start;
        let last_day = first_day + Duration::days(i64::from(c.days));
        let days: Vec<(NaiveDate, Ts, Ts)> = (0..c.days)
            .map(|d| {
                let date = first_day + Duration::days(i64::from(d));
                (
                    date,
                    day_start(date, c.tz),
                    day_start(date + Duration::days(1), c.tz),
                )
            })
            .collect();
        let end = day_start(last_day, c.tz);
        let at = |date: NaiveDate, h: u32, m: u32, jitter: i64| -> Ts {
            let t = NaiveTime::from_hms_opt(h, m, 0).expect("valid wall time");
            resolve_local(date.and_time(t), c.tz) + jitter
        };
        let shifts: Vec<Vec<Shift>> = (0..n_agents)
            .map(|i| {
                let mut list = Vec::new();
                for &(date, _, _) in &days {
                    if rng.chance(80) {
                        continue; // a day off
                    }
                    let jitter = rng.range(-600, 600);
                    let (login, hours) = if i % 6 == 5 {
                        (at(date, 21, 0, jitter), 8) // night shift, across midnight
                    } else if i % 2 == 0 {
                        (at(date, 8, 0, jitter), 9)
                    } else {
                        (at(date, 11, 30, jitter), 9)
                    };
                    let logout = login + hours * 3600 - 1800 + rng.range(-300, 300);
                    let mut breaks = Vec::new();
                    for (code, offset, (lo, hi), chance) in BREAKS {
                        if rng.chance(chance) {
                            let s = login + offset * 60 + rng.range(-600, 600);
                            breaks.push(Break {
                                start: s,
                                end: s + rng.range(lo, hi) * 60,
                                code,
                            });
                        }
                    }
                    list.push(Shift {
                        start: login,
                        end: logout,
                        breaks,
                    });
                }
                list
            })
            .collect();
        let free = shifts.iter().map(|list| free_times(list)).collect();
        World {
            agents,
            queues,
            groups,
            shifts,
            free,
            days,
            end,
        }
    }

    /// The earliest instant at or after `t` when the agent is logged in, not on a planned
    /// break and not busy before `busy_until`; `None` when no shift is left. `cursor` is the
    /// caller's memory of where the agent's last answer was: the simulation asks millions of
    /// times, mostly a little later than the time before, so the search usually starts there.
    pub fn next_free(
        &self,
        agent: usize,
        t: Ts,
        busy_until: Ts,
        cursor: &std::cell::Cell<u32>,
    ) -> Option<Ts> {
        let t = t.max(busy_until);
        let free = &self.free[agent];
        let mut k = (cursor.get() as usize).min(free.len());
        if k > 0 && free[k - 1].1 > t {
            // Earlier than the last question: search the whole list.
            k = free.partition_point(|&(_, end)| end <= t);
        } else {
            while k < free.len() && free[k].1 <= t {
                k += 1;
            }
        }
        cursor.set(k as u32);
        free.get(k).map(|&(start, _)| t.max(start))
    }
}

/// The shifts minus their breaks, as ordered, non-empty intervals.
fn free_times(shifts: &[Shift]) -> Vec<(Ts, Ts)> {
    let mut out = Vec::new();
    for s in shifts {
        let mut breaks: Vec<(Ts, Ts)> = s.breaks.iter().map(|b| (b.start, b.end)).collect();
        breaks.sort_unstable();
        let mut cursor = s.start;
        for (b_start, b_end) in breaks {
            if b_start > cursor {
                let until = b_start.min(s.end);
                if cursor < until {
                    out.push((cursor, until));
                }
            }
            cursor = cursor.max(b_end);
        }
        if cursor < s.end {
            out.push((cursor, s.end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use chrono::NaiveDate;
    use chrono_tz::Tz;

    use super::*;
    use crate::config::SampleLayout;
    use crate::sample::rng::Rng;

    /// The free-time search from a remembered cursor gives what a search from scratch gives,
    /// asked forwards, backwards and at random, and never a time on a break or off shift.
    #[test]
    fn free_time_search_from_a_cursor_agrees_with_a_fresh_one() {
        let c = SampleConfig {
            out: "unused".into(),
            seed: 7,
            days: 5,
            calls_per_day: 100,
            tz: Tz::Europe__Berlin,
            start: NaiveDate::from_ymd_opt(2025, 3, 28).unwrap(),
            layout: SampleLayout::Flat,
            queues: 3,
            long_names: false,
        };
        let w = World::new(&c);
        let (from, to) = (w.days[0].1, w.end);
        let mut rng = Rng::new(3);
        for agent in 0..w.agents.len() {
            let cursor = Cell::new(0);
            let mut t = from;
            for step in 0..400 {
                // Mostly forwards, sometimes far back.
                t = if step % 9 == 0 {
                    rng.range(from, to)
                } else {
                    t + rng.range(0, 3 * 3600)
                };
                let busy = t + rng.range(-600, 600);
                let got = w.next_free(agent, t, busy, &cursor);
                assert_eq!(
                    got,
                    w.next_free(agent, t, busy, &Cell::new(0)),
                    "agent {agent} at {t}"
                );
                if let Some(f) = got {
                    assert!(f >= t.max(busy));
                    let on_shift = w.shifts[agent].iter().any(|s| {
                        s.start <= f
                            && f < s.end
                            && !s.breaks.iter().any(|b| b.start <= f && f < b.end)
                    });
                    assert!(on_shift, "agent {agent}: {f} is off shift or on a break");
                }
            }
        }
    }
}
