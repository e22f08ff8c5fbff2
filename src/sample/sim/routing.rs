//! Calls that reach a queue or a ring group: the queue wait, ringing agents in turn,
//! overflow, abandonment, callbacks offered, and transfers on.

use super::*;

impl<'w> Sim<'w> {
    pub(super) fn queue_call(&mut self, t: Ts) {
        let session = self.new_session();
        let customer = self.customer();
        let mut legs = Vec::new();
        let ivr_len = self.rng.range(4, 20);
        let mut ivr = Sim::inbound(session, &customer, t, t + ivr_len, MAIN_DID);
        Sim::to_service(&mut ivr, "IVR", "5000", "Main menu");
        ivr.answered = Some(t);
        let hung_up = self.rng.chance(50);
        ivr.end_reason = if hung_up {
            "CALLER_DISCONNECTED"
        } else {
            "REFERRED"
        };
        self.push(&mut legs, ivr);
        if !hung_up {
            // Three queues split 45/35/20 as they always have; more share the calls evenly.
            let n = self.w.queues.len();
            let q = if n > 3 {
                self.rng.below(n as u64) as usize
            } else {
                match self.rng.below(100) {
                    0..=44 => 0,
                    45..=79 => 1,
                    _ => 2,
                }
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
        Sim::to_service(&mut entry, "QUEUE", qd.number, qd.name);
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
                legs[last].rare().xfer = true;
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
                legs[idx].rare().callback_id = Some(id);
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
                legs[idx].rare().reroute = if stop == Stop::Exit {
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
                    legs[idx].rare().reroute = "OVERFLOW";
                    legs[idx].end_reason = "REDIRECTED";
                    self.queue_entry(legs, session, customer, next, deadline, depth + 1);
                }
                None => {
                    legs[idx].rare().reroute = if self.rng.chance(500) {
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
                let next = s.members.iter().filter_map(|&a| self.next_free(a, t)).min();
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
                                l.rare().hold = Some((
                                    self.rng.range(1, 2) as u32,
                                    self.rng.range(10, 90) as u32,
                                ));
                            }
                            if s.queue_call && self.rng.chance(700) {
                                l.rare().disposition =
                                    *self.rng.pick(&["SALE", "INFO", "COMPLAINT", "FOLLOW_UP"]);
                                l.rare().disposition_at = Some(end + self.rng.range(3, 40));
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
        legs[last].rare().xfer = true;
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

    pub(super) fn group_call(&mut self, t: Ts) {
        let w = self.w;
        let g = &w.groups[usize::from(self.rng.chance(400))];
        let session = self.new_session();
        let customer = self.customer();
        let mut legs = Vec::new();
        let mut head = Sim::inbound(session, &customer, t, t, g.did);
        Sim::to_service(&mut head, "RING_GROUP", g.number, g.name);
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
}
