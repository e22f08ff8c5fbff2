//! The agents' side of the simulation's end: shifts and activities turned into login sessions,
//! state rows and off-hook rows.

use super::*;

impl Sim<'_> {
    /// Turns shifts and activities into sessions, state rows and off-hook rows, cut at the
    /// dataset's end (sessions still running then stay open).
    pub(super) fn finish(mut self) -> Generated {
        let w = self.w;
        let mut next_id = 5_000_000_000u64;
        let mut out = std::mem::take(&mut self.out);
        // A state row per activity, plus a few per shift (gaps, breaks, the last READY).
        let acts: usize = self.acts.iter().map(Vec::len).sum();
        let shifts: usize = w.shifts.iter().map(Vec::len).sum();
        out.states.reserve(acts + shifts * 8);
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
