//! The call simulation: arrivals and callback attempts played in time order against the agents'
//! shifts, producing legs, agent activities and, at the end, sessions, states and off-hook rows.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::NaiveTime;

use crate::config::SampleConfig;
use crate::sample::world::World;
use crate::sample::Rng;
use crate::time::{resolve_local, Ts};

/// One CDR row as generated.
#[derive(Debug, Clone)]
pub struct LegRow {
    pub session: u64,
    pub leg_no: u32,
    pub caller: String,
    pub caller_name: String,
    pub caller_ep: &'static str,
    pub callee: String,
    pub callee_name: String,
    pub callee_ep: &'static str,
    pub service_number: &'static str,
    pub service_name: &'static str,
    pub service_type: &'static str,
    pub call_type: &'static str,
    pub started: Ts,
    pub rang: Option<Ts>,
    pub answered: Option<Ts>,
    pub ended: Ts,
    pub direction: &'static str,
    pub end_reason: &'static str,
    pub reroute: &'static str,
    pub status_code: u16,
    pub did: &'static str,
    pub outbound_caller_id: &'static str,
    pub inbound_trunk: &'static str,
    pub outbound_trunk: &'static str,
    pub callback_id: Option<u64>,
    pub billing_prefix: &'static str,
    pub cost: Option<i64>,
    pub user_data: &'static str,
    pub tenant: u32,
    pub hold: Option<(u32, u32)>,
    pub disposition: &'static str,
    pub disposition_at: Option<Ts>,
    pub xfer: bool,
}

/// A login session as generated.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: u64,
    pub agent: usize,
    pub login: Ts,
    pub logout: Option<Ts>,
}

/// An agent-state row as generated.
#[derive(Debug, Clone)]
pub struct StateOut {
    pub session: u64,
    pub agent: usize,
    pub state: &'static str,
    pub reason: &'static str,
    pub call: Option<u64>,
    pub start: Ts,
    pub end: Option<Ts>,
}

/// An off-hook row as generated.
#[derive(Debug, Clone)]
pub struct OffhookOut {
    pub session: u64,
    pub agent: usize,
    pub start: Ts,
    pub end: Option<Ts>,
    pub monitoring: bool,
}

/// Everything the simulation produced.
#[derive(Debug, Default)]
pub struct Generated {
    /// Legs in the order they were generated.
    pub legs: Vec<LegRow>,
    /// Indices into `legs` in file order (start, session, leg number).
    pub order: Vec<u32>,
    pub calls: u64,
    pub sessions: Vec<SessionRow>,
    pub states: Vec<StateOut>,
    pub offhook: Vec<OffhookOut>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ringing,
    QueueCall,
    OtherCall,
    Wrap,
    Rna,
    NotReady(&'static str),
    Ready,
    Unknown,
}

#[derive(Debug, Clone, Copy)]
struct Act {
    start: Ts,
    end: Ts,
    kind: Kind,
    call: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Attempt {
    id: u64,
    customer: String,
    queue: usize,
    number: u32,
}

/// How to ring a set of members.
struct RingSpec<'a> {
    members: &'a [usize],
    ring_all: bool,
    service_type: &'static str,
    number: &'static str,
    name: &'static str,
    call_type: &'static str,
    did: &'static str,
    tenant: u32,
    timeout: i64,
    max_rounds: u32,
    queue_call: bool,
}

struct Sim<'w> {
    w: &'w World,
    rng: Rng,
    busy: Vec<Ts>,
    last_end: Vec<Ts>,
    acts: Vec<Vec<Act>>,
    out: Generated,
    attempts: BinaryHeap<Reverse<(Ts, Attempt)>>,
    next_callback: u64,
    customers: u64,
}

const MAIN_DID: &str = "+14155550100";
const TRUNK_IN: &str = "sip-trunk-in";
const TRUNK_OUT: &str = "sip-trunk-out";

/// The zone's UTC offset at an instant, in seconds.
fn offset(tz: chrono_tz::Tz, t: Ts) -> i32 {
    use chrono::Offset;
    crate::time::zoned(t, tz).offset().fix().local_minus_utc()
}

/// Plays every call of the sample period.
pub fn simulate(w: &World, c: &SampleConfig) -> Generated {
    let mut rng = Rng::new(c.seed);
    // (time, forced kind): 0 draws the kind at random, 1 is a fax call.
    let mut arrivals: Vec<(Ts, u8)> = Vec::new();
    for &(date, ds, de) in &w.days {
        let open = resolve_local(
            date.and_time(NaiveTime::from_hms_opt(8, 0, 0).expect("08:00")),
            c.tz,
        );
        let close = resolve_local(
            date.and_time(NaiveTime::from_hms_opt(20, 0, 0).expect("20:00")),
            c.tz,
        );
        let n = i64::from(c.calls_per_day);
        let n = rng.range(n * 9 / 10, n * 11 / 10);
        for _ in 0..n {
            let t = if rng.chance(850) && close > open {
                rng.range(open, close - 1)
            } else {
                rng.range(ds, de - 1)
            };
            arrivals.push((t, 0));
        }
        // A call across local midnight every day, and across the clock change on a DST day,
        // whatever the volume.
        arrivals.push((de - 15, 1));
        if let Some(change) = (ds + 60..de)
            .step_by(60)
            .find(|&t| offset(c.tz, t) != offset(c.tz, t - 60))
        {
            arrivals.push((change - 15, 1));
        }
    }
    arrivals.sort_unstable();
    let n = w.agents.len();
    let customers = (u64::from(c.calls_per_day) * u64::from(c.days) / 3).max(200);
    let mut sim = Sim {
        w,
        rng,
        busy: vec![i64::MIN; n],
        last_end: vec![i64::MIN; n],
        acts: vec![Vec::new(); n],
        out: Generated::default(),
        attempts: BinaryHeap::new(),
        next_callback: 70_000,
        customers,
    };
    let mut next = 0;
    loop {
        let due_attempt = sim.attempts.peek().map(|Reverse((t, _))| *t);
        match (arrivals.get(next).copied(), due_attempt) {
            (Some((a, _)), Some(b)) if b < a => sim.pop_attempt(),
            (Some((a, kind)), _) => {
                next += 1;
                if kind == 1 {
                    sim.odd_call(a);
                } else {
                    sim.arrival(a);
                }
            }
            (None, Some(_)) => sim.pop_attempt(),
            (None, None) => break,
        }
    }
    sim.finish()
}

impl Sim<'_> {
    fn new_session(&mut self) -> u64 {
        self.out.calls += 1;
        885_337_248_273_272_832 + self.out.calls * 13
    }

    fn customer(&mut self) -> String {
        format!(
            "+1212{:07}",
            5_550_000 + self.rng.below(self.customers) * 7 % 4_000_000
        )
    }

    fn leg(session: u64, started: Ts, ended: Ts) -> LegRow {
        LegRow {
            session,
            leg_no: 0,
            caller: String::new(),
            caller_name: String::new(),
            caller_ep: "",
            callee: String::new(),
            callee_name: String::new(),
            callee_ep: "",
            service_number: "",
            service_name: "",
            service_type: "NONE",
            call_type: "normal_call",
            started,
            rang: Some(started),
            answered: None,
            ended,
            direction: "NONE",
            end_reason: "",
            reroute: "",
            status_code: 200,
            did: "",
            outbound_caller_id: "",
            inbound_trunk: "",
            outbound_trunk: "",
            callback_id: None,
            billing_prefix: "",
            cost: None,
            user_data: "",
            tenant: 1,
            hold: None,
            disposition: "",
            disposition_at: None,
            xfer: false,
        }
    }

    fn inbound(session: u64, customer: &str, started: Ts, ended: Ts, did: &'static str) -> LegRow {
        let mut l = Sim::leg(session, started, ended);
        l.caller = customer.to_string();
        l.caller_ep = "TRUNK";
        l.did = did;
        l.inbound_trunk = TRUNK_IN;
        l.direction = "CALLEE";
        l
    }

    fn to_agent(&self, l: &mut LegRow, agent: usize) {
        let a = &self.w.agents[agent];
        l.callee = a.ext.clone();
        l.callee_name = a.display();
        l.callee_ep = "EXTENSION";
    }

    fn by_agent(&self, l: &mut LegRow, agent: usize) {
        let a = &self.w.agents[agent];
        l.caller = a.ext.clone();
        l.caller_name = a.display();
        l.caller_ep = "EXTENSION";
        l.direction = "CALLER";
    }

    fn push(&mut self, legs: &mut Vec<LegRow>, mut l: LegRow) -> usize {
        l.leg_no = legs.len() as u32 + 1;
        legs.push(l);
        legs.len() - 1
    }

    fn claim(&mut self, agent: usize, start: Ts, end: Ts, kind: Kind, call: Option<u64>) {
        if end > start {
            self.acts[agent].push(Act {
                start,
                end,
                kind,
                call,
            });
            self.busy[agent] = self.busy[agent].max(end);
        }
    }

    fn free_at(&self, agent: usize, t: Ts) -> bool {
        // Most agents are busy at any instant: answer that before searching their shifts.
        self.busy[agent] <= t && self.w.next_free(agent, t, self.busy[agent]) == Some(t)
    }

    fn pick_free(&mut self, t: Ts, tries: u32) -> Option<usize> {
        for _ in 0..tries {
            let a = self.rng.below(self.w.agents.len() as u64) as usize;
            if self.free_at(a, t) {
                return Some(a);
            }
        }
        None
    }

    fn voicemail(
        &mut self,
        legs: &mut Vec<LegRow>,
        session: u64,
        customer: &str,
        t: Ts,
        did: &'static str,
    ) {
        let mut vm = Sim::inbound(session, customer, t, t + self.rng.range(8, 60), did);
        vm.callee = "8999".into();
        vm.callee_ep = "VOICEMAIL";
        vm.service_type = "VOICEMAIL";
        vm.service_number = "8999";
        vm.service_name = "Voicemail";
        vm.answered = Some(t);
        vm.end_reason = "CALLER_DISCONNECTED";
        self.push(legs, vm);
    }

    fn arrival(&mut self, t: Ts) {
        let r = self.rng.below(1000);
        match r {
            0..=599 => self.queue_call(t),
            600..=699 => self.group_call(t),
            700..=779 => self.direct_call(t),
            780..=919 => self.outbound_call(t),
            920..=989 => self.internal_call(t),
            _ => self.odd_call(t),
        }
    }

    fn finish_call(&mut self, legs: Vec<LegRow>) {
        self.out.legs.extend(legs);
    }

    fn queue_call(&mut self, t: Ts) {
        let session = self.new_session();
        let customer = self.customer();
        let mut legs = Vec::new();
        let ivr_len = self.rng.range(4, 20);
        let mut ivr = Sim::inbound(session, &customer, t, t + ivr_len, MAIN_DID);
        ivr.callee = "5000".into();
        ivr.callee_ep = "IVR";
        ivr.service_type = "IVR";
        ivr.service_number = "5000";
        ivr.service_name = "Main menu";
        ivr.answered = Some(t);
        let hung_up = self.rng.chance(50);
        ivr.end_reason = if hung_up {
            "CALLER_DISCONNECTED"
        } else {
            "REFERRED"
        };
        self.push(&mut legs, ivr);
        if !hung_up {
            let q = match self.rng.below(100) {
                0..=44 => 0,
                45..=79 => 1,
                _ => 2,
            };
            self.queue_entry(&mut legs, session, &customer, q, t + ivr_len, 0);
        }
        self.finish_call(legs);
    }

    fn queue_entry(
        &mut self,
        legs: &mut Vec<LegRow>,
        session: u64,
        customer: &str,
        q: usize,
        entered: Ts,
        depth: u32,
    ) {
        let w = self.w;
        let qd = &w.queues[q];
        let mut entry = Sim::inbound(session, customer, entered, entered, MAIN_DID);
        entry.callee = qd.number.into();
        entry.callee_ep = "QUEUE";
        entry.service_type = "QUEUE";
        entry.service_number = qd.number;
        entry.service_name = qd.name;
        entry.answered = Some(entered);
        entry.call_type = "queue_call";
        let idx = self.push(legs, entry);
        #[derive(PartialEq)]
        enum Stop {
            Block,
            Callback,
            Exit,
            Patience,
            Limit,
        }
        let r = self.rng.below(1000);
        let special = if qd.may_block && r < 15 {
            Some((Stop::Block, 1))
        } else if qd.callbacks && r < 130 {
            Some((Stop::Callback, self.rng.range(15, 45)))
        } else if r < 160 {
            Some((Stop::Exit, self.rng.range(10, 40)))
        } else {
            None
        };
        let patience = if self.rng.chance(120) {
            self.rng.range(1, 6)
        } else {
            self.rng.skewed(15, 420)
        };
        let (mut wait, mut stop) = (qd.limit, Stop::Limit);
        if patience < wait {
            (wait, stop) = (patience, Stop::Patience);
        }
        if let Some((s, w)) = special {
            if w <= wait {
                (wait, stop) = (w, s);
            }
        }
        let deadline = entered + wait;
        let spec = RingSpec {
            members: &qd.members,
            ring_all: qd.ring_all,
            service_type: "QUEUE",
            number: qd.number,
            name: qd.name,
            call_type: "queue_call",
            did: MAIN_DID,
            tenant: 1,
            timeout: 15,
            max_rounds: u32::MAX,
            queue_call: true,
        };
        let answered = if stop == Stop::Block {
            None
        } else {
            self.ring(legs, session, customer, &spec, entered + 1, deadline)
        };
        if let Some((a, agent, end)) = answered {
            legs[idx].ended = a;
            legs[idx].end_reason = "REFERRED";
            if depth == 0 && self.rng.chance(30) {
                // Sent back into the queue: a re-entry.
                let last = legs.len() - 1;
                legs[last].end_reason = "BLIND_TRANSFER_COMPLETED";
                legs[last].xfer = true;
                self.queue_entry(legs, session, customer, q, end, depth + 1);
            } else if self.rng.chance(50) {
                self.transfer(legs, session, customer, agent, end);
            }
            return;
        }
        legs[idx].ended = deadline;
        match stop {
            Stop::Patience => legs[idx].end_reason = "CALLER_DISCONNECTED",
            Stop::Callback => {
                self.next_callback += 1;
                let id = self.next_callback;
                legs[idx].callback_id = Some(id);
                legs[idx].end_reason = "CALLER_DISCONNECTED";
                if !self.rng.chance(150) {
                    let at = deadline + self.rng.range(300, 5400);
                    let attempt = Attempt {
                        id,
                        customer: customer.to_string(),
                        queue: q,
                        number: 1,
                    };
                    self.attempts.push(Reverse((at, attempt)));
                }
            }
            Stop::Exit | Stop::Block => {
                legs[idx].reroute = if stop == Stop::Exit {
                    "QUEUE_EXIT"
                } else if self.rng.chance(500) {
                    "capacity-blocked"
                } else {
                    "CAPACITY_BLOCKED"
                };
                legs[idx].end_reason = "REDIRECTED";
                self.voicemail(legs, session, customer, deadline, MAIN_DID);
            }
            Stop::Limit => match qd.overflow_to {
                Some(next) => {
                    legs[idx].reroute = "OVERFLOW";
                    legs[idx].end_reason = "REDIRECTED";
                    self.queue_entry(legs, session, customer, next, deadline, depth + 1);
                }
                None => {
                    legs[idx].reroute = if self.rng.chance(500) {
                        "queue-timeout"
                    } else {
                        "QUEUE_TIMEOUT"
                    };
                    legs[idx].end_reason = "REDIRECTED";
                    self.voicemail(legs, session, customer, deadline, MAIN_DID);
                }
            },
        }
    }

    /// Rings members until one answers, the caller leaves (`deadline`) or the rounds run out.
    /// Returns the answer time, the agent and the end of the answered leg.
    fn ring(
        &mut self,
        legs: &mut Vec<LegRow>,
        session: u64,
        customer: &str,
        s: &RingSpec<'_>,
        t0: Ts,
        deadline: Ts,
    ) -> Option<(Ts, usize, Ts)> {
        let mut t = t0;
        for _ in 0..s.max_rounds {
            if t >= deadline {
                return None;
            }
            let free: Vec<usize> = s
                .members
                .iter()
                .copied()
                .filter(|&a| self.free_at(a, t))
                .collect();
            if free.is_empty() {
                let next = s
                    .members
                    .iter()
                    .filter_map(|&a| self.w.next_free(a, t, self.busy[a]))
                    .min();
                match next {
                    Some(n) if n < deadline => {
                        t = n;
                        continue;
                    }
                    _ => return None,
                }
            }
            // Longest idle first; ring-all rings up to five at once, as a large centre keeps
            // its ring-all groups small.
            let mut free = free;
            free.sort_by_key(|&a| (self.last_end[a], a));
            free.truncate(if s.ring_all { 5 } else { 1 });
            let rung = free;
            let delays: Vec<Option<i64>> = rung
                .iter()
                .map(|_| {
                    if self.rng.chance(150) {
                        None
                    } else {
                        Some(self.rng.range(2, 14))
                    }
                })
                .collect();
            let best = delays
                .iter()
                .enumerate()
                .filter_map(|(k, d)| d.map(|d| (d, k)))
                .min();
            let mk = |sim: &Sim<'_>, agent: usize, end: Ts| {
                let mut l = Sim::inbound(session, customer, t, end, s.did);
                sim.to_agent(&mut l, agent);
                l.service_type = s.service_type;
                l.service_number = s.number;
                l.service_name = s.name;
                l.call_type = s.call_type;
                l.tenant = s.tenant;
                l
            };
            match best {
                Some((d, k)) if t + d < deadline && d < s.timeout => {
                    let a = t + d;
                    let winner = rung[k];
                    let end = a + self.rng.skewed(15, 900);
                    for (j, &agent) in rung.iter().enumerate() {
                        let mut l = mk(self, agent, if j == k { end } else { a });
                        if j == k {
                            l.answered = Some(a);
                            l.end_reason = if self.rng.chance(500) {
                                "CALLER_DISCONNECTED"
                            } else {
                                "CALLEE_DISCONNECTED"
                            };
                            if self.rng.chance(150) {
                                l.hold = Some((
                                    self.rng.range(1, 2) as u32,
                                    self.rng.range(10, 90) as u32,
                                ));
                            }
                            if s.queue_call && self.rng.chance(700) {
                                l.disposition =
                                    *self.rng.pick(&["SALE", "INFO", "COMPLAINT", "FOLLOW_UP"]);
                                l.disposition_at = Some(end + self.rng.range(3, 40));
                            }
                        } else {
                            l.end_reason = if self.rng.chance(200) {
                                "CALL_COMPLETED_ELSEWHERE"
                            } else {
                                "ANSWERED_ELSEWHERE"
                            };
                            l.status_code = 487;
                        }
                        self.push(legs, l);
                        self.claim(agent, t, a, Kind::Ringing, Some(session));
                    }
                    let talk_kind = if s.queue_call {
                        Kind::QueueCall
                    } else {
                        Kind::OtherCall
                    };
                    self.claim(winner, a, end, talk_kind, Some(session));
                    let wrap = if s.queue_call && !self.rng.chance(100) {
                        self.rng.range(5, 60)
                    } else {
                        0
                    };
                    self.claim(winner, end, end + wrap, Kind::Wrap, Some(session));
                    self.last_end[winner] = end + wrap;
                    return Some((a, winner, end));
                }
                _ => {
                    let stop = (t + s.timeout).min(deadline);
                    for &agent in &rung {
                        let mut l = mk(self, agent, stop);
                        l.end_reason = if stop == deadline {
                            "CALLER_DISCONNECTED"
                        } else {
                            "NO_ANSWER"
                        };
                        l.status_code = if stop == deadline { 487 } else { 480 };
                        self.push(legs, l);
                        self.claim(agent, t, stop, Kind::Ringing, Some(session));
                        if stop < deadline {
                            self.claim(agent, stop, stop + 10, Kind::Rna, Some(session));
                        }
                    }
                    t = stop;
                }
            }
        }
        None
    }

    fn transfer(
        &mut self,
        legs: &mut Vec<LegRow>,
        session: u64,
        customer: &str,
        from: usize,
        t: Ts,
    ) {
        let Some(to) = self.pick_free(t, 6).filter(|&a| a != from) else {
            return;
        };
        let last = legs.len() - 1;
        legs[last].end_reason = "ATTENDED_TRANSFER_COMPLETED";
        legs[last].xfer = true;
        let a = t + self.rng.range(2, 8);
        let end = a + self.rng.skewed(20, 400);
        let mut l = Sim::inbound(session, customer, t, end, MAIN_DID);
        self.to_agent(&mut l, to);
        l.answered = Some(a);
        l.end_reason = "CALLER_DISCONNECTED";
        self.push(legs, l);
        self.claim(to, t, a, Kind::Ringing, Some(session));
        self.claim(to, a, end, Kind::OtherCall, Some(session));
    }

    fn group_call(&mut self, t: Ts) {
        let w = self.w;
        let g = &w.groups[usize::from(self.rng.chance(400))];
        let session = self.new_session();
        let customer = self.customer();
        let mut legs = Vec::new();
        let mut head = Sim::inbound(session, &customer, t, t, g.did);
        head.callee = g.number.into();
        head.callee_ep = "RING_GROUP";
        head.service_type = "RING_GROUP";
        head.service_number = g.number;
        head.service_name = g.name;
        head.call_type = "ring_group_call";
        head.tenant = g.tenant;
        let idx = self.push(&mut legs, head);
        let patience = if self.rng.chance(100) {
            self.rng.range(3, 20)
        } else {
            75
        };
        let deadline = t + patience;
        let spec = RingSpec {
            members: &g.members,
            ring_all: g.ring_all,
            service_type: "RING_GROUP",
            number: g.number,
            name: g.name,
            call_type: "ring_group_call",
            did: g.did,
            tenant: g.tenant,
            timeout: if g.ring_all { 25 } else { 10 },
            max_rounds: if g.ring_all {
                1
            } else {
                g.members.len() as u32
            },
            queue_call: false,
        };
        match self.ring(&mut legs, session, &customer, &spec, t + 1, deadline) {
            Some((a, _, _)) => {
                legs[idx].ended = a;
                legs[idx].end_reason = "REFERRED";
            }
            None => {
                let end = legs
                    .iter()
                    .map(|l| l.ended)
                    .max()
                    .unwrap_or(t)
                    .min(deadline)
                    .max(t + 1);
                legs[idx].ended = end;
                legs[idx].end_reason = if end == deadline {
                    "CALLER_DISCONNECTED"
                } else {
                    "NO_ANSWER"
                };
                if end < deadline {
                    self.voicemail(&mut legs, session, &customer, end, g.did);
                }
            }
        }
        self.finish_call(legs);
    }

    fn direct_call(&mut self, t: Ts) {
        let agent = self.rng.below(self.w.agents.len() as u64) as usize;
        let session = self.new_session();
        let customer = self.customer();
        let mut legs = Vec::new();
        let mut l = Sim::inbound(session, &customer, t, t + 1, MAIN_DID);
        self.to_agent(&mut l, agent);
        if !self.free_at(agent, t) {
            l.rang = None;
            l.status_code = 486;
            l.end_reason = "BUSY";
            self.push(&mut legs, l);
            self.voicemail(&mut legs, session, &customer, t + 1, MAIN_DID);
        } else if self.rng.chance(800) {
            let a = t + self.rng.range(3, 10);
            l.answered = Some(a);
            l.ended = a + self.rng.skewed(15, 600);
            l.end_reason = "CALLEE_DISCONNECTED";
            let end = l.ended;
            self.push(&mut legs, l);
            self.claim(agent, t, a, Kind::Ringing, Some(session));
            self.claim(agent, a, end, Kind::OtherCall, Some(session));
        } else {
            l.ended = t + 20;
            l.status_code = 480;
            l.end_reason = "NO_ANSWER";
            self.push(&mut legs, l);
            self.claim(agent, t, t + 20, Kind::Ringing, Some(session));
            self.claim(agent, t + 20, t + 30, Kind::Rna, Some(session));
            self.voicemail(&mut legs, session, &customer, t + 20, MAIN_DID);
        }
        self.finish_call(legs);
    }

    fn outbound_leg(
        &mut self,
        session: u64,
        agent: usize,
        callee: String,
        t: Ts,
        answer_per_mille: u64,
    ) -> LegRow {
        let mut l = Sim::leg(session, t, t);
        self.by_agent(&mut l, agent);
        l.callee = callee;
        l.callee_ep = "TRUNK";
        l.outbound_trunk = TRUNK_OUT;
        l.outbound_caller_id = MAIN_DID;
        l.billing_prefix = "001";
        if self.rng.chance(answer_per_mille) {
            let a = t + self.rng.range(5, 25);
            let talk = self.rng.skewed(20, 900);
            l.answered = Some(a);
            l.ended = a + talk;
            l.end_reason = if self.rng.chance(500) {
                "CALLER_DISCONNECTED"
            } else {
                "CALLEE_DISCONNECTED"
            };
            // 0.01 to connect plus 0.00021 a second, kept exact.
            l.cost = Some(10_000_000 + talk * 210_000);
        } else {
            l.ended = t + self.rng.range(15, 45);
            l.status_code = *self.rng.pick(&[480, 486, 404]);
            l.end_reason = "NO_ANSWER";
        }
        l
    }

    fn outbound_call(&mut self, t: Ts) {
        let Some(agent) = self.pick_free(t, 8) else {
            return;
        };
        let session = self.new_session();
        let customer = self.customer();
        let mut legs = Vec::new();
        let l = self.outbound_leg(session, agent, customer, t, 700);
        let end = l.ended;
        self.push(&mut legs, l);
        self.claim(agent, t, end, Kind::OtherCall, Some(session));
        self.finish_call(legs);
    }

    fn internal_call(&mut self, t: Ts) {
        let Some(from) = self.pick_free(t, 8) else {
            return;
        };
        let to = self.rng.below(self.w.agents.len() as u64) as usize;
        if to == from {
            return;
        }
        let session = self.new_session();
        let mut legs = Vec::new();
        let mut l = Sim::leg(session, t, t + 1);
        self.by_agent(&mut l, from);
        self.to_agent(&mut l, to);
        if !self.free_at(to, t) {
            l.rang = None;
            l.status_code = 486;
            l.end_reason = "BUSY";
        } else if self.rng.chance(750) {
            let a = t + self.rng.range(2, 8);
            l.answered = Some(a);
            l.ended = a + self.rng.skewed(10, 300);
            l.end_reason = "CALLER_DISCONNECTED";
            self.claim(to, t, a, Kind::Ringing, Some(session));
            self.claim(to, a, l.ended, Kind::OtherCall, Some(session));
        } else {
            l.ended = t + 15;
            l.status_code = 480;
            l.end_reason = "NO_ANSWER";
            self.claim(to, t, t + 15, Kind::Ringing, Some(session));
            self.claim(to, t + 15, t + 25, Kind::Rna, Some(session));
        }
        let end = l.ended;
        self.push(&mut legs, l);
        self.claim(from, t, end, Kind::OtherCall, Some(session));
        self.finish_call(legs);
    }

    /// A fax line: an endpoint type this tool does not know.
    fn odd_call(&mut self, t: Ts) {
        let session = self.new_session();
        let customer = self.customer();
        let mut l = Sim::inbound(
            session,
            &customer,
            t,
            t + self.rng.range(20, 90),
            "+14155550199",
        );
        l.callee = "1999".into();
        l.callee_ep = "fax";
        l.answered = Some(t + 1);
        l.end_reason = "CALLER_DISCONNECTED";
        let mut legs = Vec::new();
        self.push(&mut legs, l);
        self.finish_call(legs);
    }

    fn pop_attempt(&mut self) {
        let Some(Reverse((t, at))) = self.attempts.pop() else {
            return;
        };
        if t >= self.w.end {
            return; // after the export: the request stays pending
        }
        let w = self.w;
        let members = &w.queues[at.queue].members;
        let agent = members
            .iter()
            .copied()
            .filter(|&a| self.free_at(a, t))
            .min_by_key(|&a| (self.last_end[a], a));
        let Some(agent) = agent else {
            let next = members
                .iter()
                .filter_map(|&a| w.next_free(a, t, self.busy[a]))
                .min();
            if let Some(n) = next.filter(|&n| n < t + 4 * 3600) {
                self.attempts.push(Reverse((n, at)));
            }
            return;
        };
        let session = self.new_session();
        let mut l = self.outbound_leg(session, agent, at.customer.clone(), t, 500);
        l.callback_id = Some(at.id);
        l.call_type = "queue_callback_call";
        let (end, ok) = (l.ended, l.answered.is_some());
        let mut legs = Vec::new();
        self.push(&mut legs, l);
        self.claim(agent, t, end, Kind::OtherCall, Some(session));
        self.last_end[agent] = end;
        self.finish_call(legs);
        if !ok && at.number < 2 {
            let again = end + self.rng.range(600, 3600);
            self.attempts.push(Reverse((
                again,
                Attempt {
                    number: at.number + 1,
                    ..at
                },
            )));
        }
    }

    /// Turns shifts and activities into sessions, state rows and off-hook rows, cut at the
    /// dataset's end (sessions still running then stay open).
    fn finish(mut self) -> Generated {
        let w = self.w;
        let mut next_id = 5_000_000_000u64;
        let mut out = std::mem::take(&mut self.out);
        for agent in 0..w.agents.len() {
            let acts = std::mem::take(&mut self.acts[agent]);
            let shifts = &w.shifts[agent];
            let mut k = 0;
            for (si, shift) in shifts.iter().enumerate() {
                if shift.start >= w.end {
                    break;
                }
                // Activities belong to the last shift that started before them.
                let from = k;
                while k < acts.len()
                    && (si + 1 == shifts.len() || acts[k].start < shifts[si + 1].start)
                {
                    k += 1;
                }
                let mine = &acts[from..k];
                next_id += 1;
                let id = next_id;
                let logout = mine
                    .iter()
                    .map(|a| a.end)
                    .max()
                    .unwrap_or(shift.end)
                    .max(shift.end);
                let mut pieces: Vec<Act> = mine.to_vec();
                for b in &shift.breaks {
                    // A break starts once the run of back-to-back activities (ring, talk,
                    // wrap) covering its planned start is over; nothing new starts inside it.
                    let mut s = b.start;
                    if let Some(mut j) = mine
                        .iter()
                        .position(|a| a.start <= b.start && b.start < a.end)
                    {
                        s = mine[j].end;
                        while j + 1 < mine.len() && mine[j + 1].start <= s {
                            j += 1;
                            s = s.max(mine[j].end);
                        }
                    }
                    let e = b.end.min(logout);
                    if s < e {
                        pieces.push(Act {
                            start: s,
                            end: e,
                            kind: Kind::NotReady(b.code),
                            call: None,
                        });
                    }
                }
                pieces.sort_by_key(|p| p.start);
                let first = shift.start + self.rng.range(5, 30);
                let mut filled = Vec::with_capacity(pieces.len() * 2);
                let mut cursor = pieces.first().map_or(first, |p| p.start.min(first));
                if (agent + si) % 17 == 3
                    && cursor + 60 <= pieces.first().map_or(logout, |p| p.start)
                {
                    filled.push(Act {
                        start: cursor,
                        end: cursor + 60,
                        kind: Kind::Unknown,
                        call: None,
                    });
                    cursor += 60;
                }
                for p in pieces {
                    if p.start > cursor {
                        filled.push(Act {
                            start: cursor,
                            end: p.start,
                            kind: Kind::Ready,
                            call: None,
                        });
                    }
                    cursor = cursor.max(p.end);
                    filled.push(p);
                }
                if logout > cursor {
                    filled.push(Act {
                        start: cursor,
                        end: logout,
                        kind: Kind::Ready,
                        call: None,
                    });
                }
                let open = logout > w.end;
                out.sessions.push(SessionRow {
                    id,
                    agent,
                    login: shift.start,
                    logout: (!open).then_some(logout),
                });
                let n = filled.len();
                for (j, p) in filled.iter().enumerate() {
                    if p.start >= w.end {
                        break;
                    }
                    let (state, reason) = self.state_name(p.kind);
                    let next_start = filled.get(j + 1).map(|q| q.start).unwrap_or(logout);
                    let implied_ok =
                        p.kind == Kind::Ready && next_start == p.end && (j + 1 < n || !open);
                    let end = if p.end > w.end || (implied_ok && self.rng.chance(250)) {
                        None
                    } else {
                        Some(p.end)
                    };
                    out.states.push(StateOut {
                        session: id,
                        agent,
                        state,
                        reason,
                        call: p.call,
                        start: p.start,
                        end,
                    });
                    if matches!(p.kind, Kind::QueueCall | Kind::OtherCall) {
                        let end = (p.end <= w.end).then_some(p.end);
                        out.offhook.push(OffhookOut {
                            session: id,
                            agent,
                            start: p.start,
                            end,
                            monitoring: self.rng.chance(30),
                        });
                    }
                }
            }
        }
        // One off-hook row of a session nobody logged: read with a warning.
        if let Some(s) = out.sessions.first() {
            out.offhook.push(OffhookOut {
                session: 4_999_999_999,
                agent: s.agent,
                start: s.login,
                end: Some(s.login + 30),
                monitoring: false,
            });
        }
        // The file order of the legs, as indices: rows are large, and sorting them would move
        // each many times.
        let mut order: Vec<u32> = (0..out.legs.len() as u32).collect();
        order.sort_by_key(|&i| {
            let l = &out.legs[i as usize];
            (l.started, l.session, l.leg_no)
        });
        out.order = order;
        out
    }

    fn state_name(&mut self, kind: Kind) -> (&'static str, &'static str) {
        let r = self.rng.below(100);
        match kind {
            Kind::Ringing => (if r < 10 { "TRANSITION" } else { "RINGING" }, ""),
            Kind::QueueCall => (if r < 30 { "QUEUE_CALL" } else { "ON_CALL" }, ""),
            Kind::OtherCall => (
                if r < 30 {
                    "OTHER_CALL"
                } else if r < 45 {
                    "ENGAGED"
                } else {
                    "ON_CALL"
                },
                "",
            ),
            Kind::Wrap => ("WRAP_UP", ""),
            Kind::Rna => (if r < 20 { "RNA_STATE" } else { "RNA" }, ""),
            Kind::Ready => (if r < 20 { "AVAILABLE" } else { "READY" }, ""),
            Kind::Unknown => ("SYSTEM_CHECK", ""),
            Kind::NotReady("BREAK") if r < 25 => ("ON_BREAK", ""),
            Kind::NotReady("LUNCH") if r < 25 => ("LUNCH", ""),
            Kind::NotReady(code) => ("NOT_READY", code),
        }
    }
}
