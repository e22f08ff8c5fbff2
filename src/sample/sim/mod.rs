//! The call simulation: arrivals and callback attempts played in time order against the agents'
//! shifts, producing legs, agent activities and, at the end, sessions, states and off-hook rows.

mod agent_rows;
mod routing;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::NaiveTime;

use crate::config::SampleConfig;
use crate::sample::world::World;
use crate::sample::Rng;
use crate::time::{offset_secs, resolve_local, Ts};

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

    pub status_code: u16,
    pub did: &'static str,
    pub inbound_trunk: &'static str,
    pub tenant: u32,
    /// The cells few legs fill, when any is (see `LegRow::rare`).
    pub rare: Option<Box<Rare>>,
}

/// The CDR cells few generated legs fill, boxed aside: a month holds a million legs.
#[derive(Debug, Clone, Default)]
pub struct Rare {
    pub reroute: &'static str,
    pub outbound_caller_id: &'static str,
    pub outbound_trunk: &'static str,
    pub callback_id: Option<u64>,
    pub billing_prefix: &'static str,
    pub cost: Option<i64>,
    pub user_data: &'static str,
    pub hold: Option<(u32, u32)>,
    pub disposition: &'static str,
    pub disposition_at: Option<Ts>,
    pub xfer: bool,
}

impl Rare {
    /// Every cell empty.
    pub const NONE: Rare = Rare {
        reroute: "",
        outbound_caller_id: "",
        outbound_trunk: "",
        callback_id: None,
        billing_prefix: "",
        cost: None,
        user_data: "",
        hold: None,
        disposition: "",
        disposition_at: None,
        xfer: false,
    };
}

impl LegRow {
    /// The rare cells, to set one.
    pub fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }
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
    /// Where each agent's last free-time search ended (see `World::next_free`).
    cursors: Vec<std::cell::Cell<u32>>,
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
            .find(|&t| offset_secs(t, c.tz) != offset_secs(t - 60, c.tz))
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
        cursors: vec![std::cell::Cell::new(0); n],
        last_end: vec![i64::MIN; n],
        acts: vec![Vec::new(); n],
        out: Generated::default(),
        attempts: BinaryHeap::new(),
        next_callback: 70_000,
        customers,
    };
    // Calls have three or four legs: room for four each, so the month's legs are never copied
    // into a doubled vector (pages reserved and never touched cost nothing).
    sim.out.legs.reserve(arrivals.len() * 4);
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
            status_code: 200,
            did: "",
            inbound_trunk: "",
            tenant: 1,
            rare: None,
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

    /// Makes `l` the leg that enters a service (IVR, queue, ring group, voicemail): the
    /// service is the callee and the leg's service.
    fn to_service(l: &mut LegRow, kind: &'static str, number: &'static str, name: &'static str) {
        l.callee = number.into();
        l.callee_ep = kind;
        l.service_type = kind;
        l.service_number = number;
        l.service_name = name;
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
        self.busy[agent] <= t && self.next_free(agent, t) == Some(t)
    }

    /// `World::next_free` for the agent, from where their last search ended.
    fn next_free(&self, agent: usize, t: Ts) -> Option<Ts> {
        self.w
            .next_free(agent, t, self.busy[agent], &self.cursors[agent])
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
        Sim::to_service(&mut vm, "VOICEMAIL", "8999", "Voicemail");
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
        l.rare().outbound_trunk = TRUNK_OUT;
        l.rare().outbound_caller_id = MAIN_DID;
        l.rare().billing_prefix = "001";
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
            l.rare().cost = Some(10_000_000 + talk * 210_000);
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
            let next = members.iter().filter_map(|&a| self.next_free(a, t)).min();
            if let Some(n) = next.filter(|&n| n < t + 4 * 3600) {
                self.attempts.push(Reverse((n, at)));
            }
            return;
        };
        let session = self.new_session();
        let mut l = self.outbound_leg(session, agent, at.customer.clone(), t, 500);
        l.rare().callback_id = Some(at.id);
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
}
