//! Queue and ring-group entries with their offers and outcomes, and queue callbacks with their
//! fates (SPEC §3 "Queue entry", "Ring-group entry", "Callback").

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;

use crate::model::calls::Calls;
use crate::model::legs::{Endpoint, Leg};
use crate::model::pool::Sym;
use crate::model::Dataset;
use crate::time::Ts;

/// How a queue entry ended, first match wins. Ring-group entries are `Answered` or `Abandoned`
/// (missed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// An offer was answered.
    Answered,
    /// The caller asked for a callback.
    Callback,
    /// The caller left by key, timed out, overflowed, or the queue was full.
    Exited,
    /// The caller hung up while waiting.
    Abandoned,
}

/// The answering offer of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The answered offer leg.
    pub leg: u32,
    /// The agent (the offer's callee).
    pub agent: Sym,
    /// When it was answered.
    pub answered_at: Ts,
    /// The offer's talk.
    pub talk: i64,
    /// The offer's ring.
    pub ring: i64,
}

/// One entry of a call into a queue or ring group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The call.
    pub call: u32,
    /// The entry leg (`callee = service_number`).
    pub leg: u32,
    /// The queue or ring-group number.
    pub service: Sym,
    /// The entry leg's `started_at`.
    pub entered_at: Ts,
    /// How it ended.
    pub outcome: Outcome,
    /// Answered: `answered_at − entered_at`; otherwise `ended_at − entered_at`.
    pub wait: i64,
    /// The answering offer, when answered.
    pub answer: Option<Answer>,
    /// Where its offers sit in `Entries::offers`.
    pub first_offer: u32,
    /// How many offers it has.
    pub offer_count: u32,
    /// This entry carries the wrap-up of its agent in this call (the agent's last answered
    /// entry of the call).
    pub takes_wrap: bool,
}

/// Every entry of one kind (queue or ring group), grouped by call.
#[derive(Debug, Clone, Default)]
pub struct Entries {
    /// The entries.
    pub entries: Vec<Entry>,
    /// Offer leg indices, grouped by entry, by `started_at` then file order.
    pub offers: Vec<u32>,
}

/// Which kind of service entries to derive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Call queues: outcomes answered, callback, exited, abandoned.
    Queue,
    /// Ring groups: answered or missed.
    RingGroup,
}

/// Normalised `reroute_reason` values that make an unanswered entry `EXITED`.
pub const EXIT_REASONS: [&str; 4] = [
    "QUEUE_EXIT",
    "QUEUE_TIMEOUT",
    "OVERFLOW",
    "CAPACITY_BLOCKED",
];

impl Entries {
    /// Derives the entries of every call.
    pub fn build(ds: &Dataset, calls: &Calls, service: Service) -> Entries {
        let pool = &ds.strings;
        /// Calls derived by one task, into vectors of their own (no allocation per call).
        const CHUNK: u32 = 4096;
        let exits: Vec<Sym> = EXIT_REASONS.iter().filter_map(|r| pool.lookup(r)).collect();
        let n = calls.calls.len() as u32;
        let chunks: Vec<Entries> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|k| {
                let mut out = Entries::default();
                let mut scratch = Scratch::default();
                for c in k * CHUNK..((k + 1) * CHUNK).min(n) {
                    let group = calls.legs_of(c);
                    entries_of_call(ds, c, group, service, &exits, &mut scratch, &mut out);
                }
                out
            })
            .collect();
        // In call order, whatever the tasks: the offsets move with the offers.
        let mut out = Entries::default();
        out.entries
            .reserve_exact(chunks.iter().map(|c| c.entries.len()).sum());
        out.offers
            .reserve_exact(chunks.iter().map(|c| c.offers.len()).sum());
        for chunk in chunks {
            let base = out.offers.len() as u32;
            out.entries.extend(chunk.entries.into_iter().map(|mut e| {
                e.first_offer += base;
                e
            }));
            out.offers.extend(chunk.offers);
        }
        out
    }

    /// The offer legs of an entry.
    pub fn offers_of(&self, e: &Entry) -> &[u32] {
        &self.offers[e.first_offer as usize..(e.first_offer + e.offer_count) as usize]
    }
}

/// Space reused from call to call by `entries_of_call`.
#[derive(Default)]
struct Scratch {
    /// The call's entry legs.
    heads: Vec<u32>,
    /// Its offer legs with the entry that owns them (index into `heads`), in leg order.
    owned: Vec<(usize, u32)>,
}

/// Appends call `call`'s entries (its legs `group`) and their offers to `out`.
fn entries_of_call(
    ds: &Dataset,
    call: u32,
    group: &[u32],
    service: Service,
    exits: &[Sym],
    scratch: &mut Scratch,
    out: &mut Entries,
) {
    let kind = match service {
        Service::Queue => Endpoint::QUEUE,
        Service::RingGroup => Endpoint::RING_GROUP,
    };
    let (legs, profiles) = (&ds.legs, &ds.profiles);
    let Scratch { heads, owned } = scratch;
    heads.clear();
    heads.extend(group.iter().copied().filter(|&i| {
        let l = &legs[i as usize];
        let p = profiles.of(l);
        p.service_type == kind && l.callee == p.service_number
    }));
    if heads.is_empty() {
        return;
    }
    owned.clear();
    for &i in group {
        let l = &legs[i as usize];
        let p = profiles.of(l);
        if p.service_type != kind || l.callee == p.service_number || !p.to_extension() {
            continue;
        }
        // The latest entry of that service that started at or before the offer.
        let owner = heads.iter().rposition(|&h| {
            let head = &legs[h as usize];
            profiles.of(head).service_number == p.service_number && head.started_at <= l.started_at
        });
        if let Some(k) = owner {
            owned.push((k, i));
        }
    }
    let first_entry = out.entries.len();
    for (k, &h) in heads.iter().enumerate() {
        let head = &legs[h as usize];
        let first_offer = out.offers.len() as u32;
        out.offers
            .extend(owned.iter().filter(|o| o.0 == k).map(|o| o.1));
        let offers = &out.offers[first_offer as usize..];
        let answered = offers
            .iter()
            .copied()
            .filter_map(|i| legs[i as usize].answered_at().map(|a| (a, i)))
            .min();
        let answer = answered.map(|(answered_at, i)| {
            let l = &legs[i as usize];
            Answer {
                leg: i,
                agent: l.callee,
                answered_at,
                talk: l.talk(),
                ring: l.ring(),
            }
        });
        let outcome = match (&answer, service) {
            (Some(_), _) => Outcome::Answered,
            (None, Service::Queue) if !head.extra().callback_id.is_empty() => Outcome::Callback,
            (None, Service::Queue) if exits.contains(&head.extra().reroute_reason) => {
                Outcome::Exited
            }
            (None, _) => Outcome::Abandoned,
        };
        let wait = match &answer {
            Some(a) => a.answered_at - head.started_at,
            None => head.ended_at() - head.started_at,
        };
        out.entries.push(Entry {
            call,
            leg: h,
            service: profiles.of(head).service_number,
            entered_at: head.started_at,
            outcome,
            wait,
            answer,
            first_offer,
            offer_count: offers.len() as u32,
            takes_wrap: false,
        });
    }
    // The wrap-up of an agent goes to the last entry of the call the agent answered.
    let entries = &mut out.entries[first_entry..];
    for k in 0..entries.len() {
        let Some(a) = entries[k].answer else { continue };
        let later = entries.iter().any(|e| {
            e.answer.is_some_and(|b| {
                b.agent == a.agent && (b.answered_at, b.leg) > (a.answered_at, a.leg)
            })
        });
        entries[k].takes_wrap = !later;
    }
}

/// A callback request: a queue entry with outcome `CALLBACK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The entry (index into the queue entries).
    pub entry: u32,
    /// Where its attempts sit in `Callbacks::attempts`.
    pub first: u32,
    /// How many attempts it has (at any time).
    pub len: u32,
}

/// The fate of a callback as of a period end `E`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// An attempt was answered before `E`; the earliest answered one.
    Ok {
        /// The answered attempt leg.
        leg: u32,
    },
    /// Every attempt before `E` ended unanswered.
    Fail,
    /// No attempt yet, or one still in progress at `E`.
    Pending,
}

/// Every callback request with its attempts.
#[derive(Debug, Clone, Default)]
pub struct Callbacks {
    /// Requests, in entry order.
    pub requests: Vec<Request>,
    /// Attempt leg indices grouped by request, by `started_at` then file order.
    pub attempts: Vec<u32>,
}

impl Callbacks {
    /// Finds each request's attempts: the other legs with its `callback_id` whose callee is
    /// the request's caller and that start at or after the entry.
    pub fn build(legs: &[Leg], queue: &Entries) -> Callbacks {
        let mut by_id: HashMap<Sym, Vec<u32>> = HashMap::default();
        for e in queue
            .entries
            .iter()
            .filter(|e| e.outcome == Outcome::Callback)
        {
            by_id
                .entry(legs[e.leg as usize].extra().callback_id)
                .or_default();
        }
        for (i, l) in legs.iter().enumerate() {
            if let Some(v) = by_id.get_mut(&l.extra().callback_id) {
                v.push(i as u32);
            }
        }
        let mut out = Callbacks::default();
        for (k, e) in queue.entries.iter().enumerate() {
            if e.outcome != Outcome::Callback {
                continue;
            }
            let head = &legs[e.leg as usize];
            let mut found: Vec<u32> = by_id[&head.extra().callback_id]
                .iter()
                .copied()
                .filter(|&i| {
                    let l = &legs[i as usize];
                    i != e.leg && l.callee == head.caller && l.started_at >= e.entered_at
                })
                .collect();
            found.sort_by_key(|&i| (legs[i as usize].started_at, i));
            out.requests.push(Request {
                entry: k as u32,
                first: out.attempts.len() as u32,
                len: found.len() as u32,
            });
            out.attempts.extend(found);
        }
        out
    }

    /// The attempts of a request that started before `end`.
    pub fn attempts_before<'a>(&'a self, legs: &[Leg], r: &Request, end: Ts) -> &'a [u32] {
        let all = &self.attempts[r.first as usize..(r.first + r.len) as usize];
        let n = all.partition_point(|&i| legs[i as usize].started_at < end);
        &all[..n]
    }

    /// The request's fate as of `end`.
    pub fn fate(&self, legs: &[Leg], r: &Request, end: Ts) -> Fate {
        let attempts = self.attempts_before(legs, r, end);
        let answered = attempts
            .iter()
            .filter_map(|&i| {
                legs[i as usize]
                    .answered_at()
                    .filter(|&a| a < end)
                    .map(|a| (a, i))
            })
            .min();
        if let Some((_, leg)) = answered {
            return Fate::Ok { leg };
        }
        if attempts.is_empty() || attempts.iter().any(|&i| legs[i as usize].ended_at() > end) {
            Fate::Pending
        } else {
            Fate::Fail
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::load_csv;
    use crate::model::Dataset;

    const HEADER: &str = "session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,service_number,started_at,rang_at,answered_at,ended_at,reroute_reason,callback_id\n";

    fn build(rows: &str) -> (Dataset, Entries) {
        let ds = load_csv(&[("cdr", &format!("{HEADER}{rows}"))]);
        let calls = Calls::build(&ds);
        let q = Entries::build(&ds, &calls, Service::Queue);
        (ds, q)
    }

    #[test]
    fn answered_entry_takes_the_first_answered_offer() {
        // Ring-all: 1001 and 1002 ring at 105; 1002 answers at 112, 1001 would have at 113.
        let (ds, q) = build(
            "s,555,TRUNK,8000,QUEUE,QUEUE,8000,100,100,100,150,,\n\
             s,555,TRUNK,1001,EXTENSION,QUEUE,8000,105,105,113,140,,\n\
             s,555,TRUNK,1002,EXTENSION,QUEUE,8000,105,105,112,150,,\n",
        );
        assert_eq!(q.entries.len(), 1);
        let e = &q.entries[0];
        assert_eq!(e.outcome, Outcome::Answered);
        let a = e.answer.unwrap();
        assert_eq!(ds.strings.get(a.agent), "1002");
        assert_eq!((e.wait, a.talk, a.ring), (12, 38, 7));
        assert_eq!(q.offers_of(e), &[1, 2]);
        assert!(e.takes_wrap);
    }

    #[test]
    fn outcomes_in_order_callback_exited_abandoned() {
        let (_, q) = build(
            "a,555,TRUNK,8000,QUEUE,QUEUE,8000,100,100,100,130,QUEUE_TIMEOUT,cb1\n\
             b,556,TRUNK,8000,QUEUE,QUEUE,8000,200,200,200,260,queue-exit,\n\
             c,557,TRUNK,8000,QUEUE,QUEUE,8000,300,300,300,304,,\n\
             c,557,TRUNK,1001,EXTENSION,QUEUE,8000,301,301,,304,,\n\
             d,558,TRUNK,8000,QUEUE,QUEUE,8000,400,400,400,410,CAPACITY_BLOCKED,\n\
             e,559,TRUNK,8000,QUEUE,QUEUE,8000,500,500,500,520,OVERFLOW,\n",
        );
        let got: Vec<(Outcome, i64)> = q.entries.iter().map(|e| (e.outcome, e.wait)).collect();
        assert_eq!(
            got,
            vec![
                (Outcome::Callback, 30),
                (Outcome::Exited, 60),
                (Outcome::Abandoned, 4),
                (Outcome::Exited, 10),
                (Outcome::Exited, 20),
            ]
        );
        assert_eq!(
            q.entries[2].offer_count, 1,
            "an unanswered offer still counts"
        );
    }

    #[test]
    fn reentry_assigns_offers_to_the_latest_entry_and_wrap_to_the_last_answer() {
        // Enter 8000 at 100, 1001 answers at 110, transfers back: re-entry at 200, 1001 again
        // at 215. An offer of 8001 and an offer before any entry of its queue are ignored.
        let (_, q) = build(
            "s,555,TRUNK,8000,QUEUE,QUEUE,8000,100,100,100,110,,\n\
             s,555,TRUNK,1001,EXTENSION,QUEUE,8000,102,102,110,200,,\n\
             s,555,TRUNK,8000,QUEUE,QUEUE,8000,200,200,200,215,,\n\
             s,555,TRUNK,1002,EXTENSION,QUEUE,8000,201,201,,206,,\n\
             s,555,TRUNK,1001,EXTENSION,QUEUE,8000,206,206,215,300,,\n\
             s,555,TRUNK,1003,EXTENSION,QUEUE,8001,207,207,,209,,\n",
        );
        assert_eq!(q.entries.len(), 2);
        let (first, second) = (&q.entries[0], &q.entries[1]);
        assert_eq!(q.offers_of(first), &[1]);
        assert_eq!(q.offers_of(second), &[3, 4]);
        assert_eq!((first.wait, second.wait), (10, 15));
        assert!(!first.takes_wrap && second.takes_wrap);
    }

    #[test]
    fn ring_groups_answered_or_missed() {
        let ds = load_csv(&[(
            "cdr",
            &format!(
                "{HEADER}r,555,TRUNK,6000,RING_GROUP,RING_GROUP,6000,100,100,,130,,x\n\
                 r,555,TRUNK,1001,EXTENSION,RING_GROUP,6000,100,100,,130,,\n\
                 r,555,TRUNK,1002,EXTENSION,RING_GROUP,6000,100,100,108,160,,\n\
                 m,556,TRUNK,6000,RING_GROUP,RING_GROUP,6000,200,200,,230,,cb\n\
                 m,556,TRUNK,1001,EXTENSION,RING_GROUP,6000,200,200,,230,,\n"
            ),
        )]);
        let calls = Calls::build(&ds);
        let g = Entries::build(&ds, &calls, Service::RingGroup);
        assert_eq!(g.entries[0].outcome, Outcome::Answered);
        assert_eq!(g.entries[0].wait, 8);
        assert_eq!(
            g.entries[1].outcome,
            Outcome::Abandoned,
            "no callback outcome for ring groups"
        );
        let q = Entries::build(&ds, &calls, Service::Queue);
        assert!(q.entries.is_empty());
    }

    #[test]
    fn callback_fates_are_judged_at_the_period_end() {
        // Request at 100 (cb1): attempt 1 at 1000 fails (ends 1030), attempt 2 at 2000 is
        // answered at 2010 and talks until 2100. Request cb2 at 150 never gets an attempt.
        let (ds, q) = build(
            "a,555,TRUNK,8000,QUEUE,QUEUE,8000,100,100,100,130,,cb1\n\
             b,556,TRUNK,8000,QUEUE,QUEUE,8000,150,150,150,160,,cb2\n\
             k1,8000,QUEUE,555,TRUNK,NONE,,1000,1000,,1030,,cb1\n\
             k2,8000,QUEUE,555,TRUNK,NONE,,2000,2000,2010,2100,,cb1\n\
             k3,8000,QUEUE,999,TRUNK,NONE,,2000,2000,2010,2100,,cb1\n",
        );
        let cb = Callbacks::build(&ds.legs, &q);
        assert_eq!(cb.requests.len(), 2);
        let r = &cb.requests[0];
        assert_eq!(r.len, 2, "a leg to someone else is no attempt");
        assert_eq!(cb.fate(&ds.legs, r, 900), Fate::Pending, "no attempt yet");
        assert_eq!(
            cb.fate(&ds.legs, r, 1010),
            Fate::Pending,
            "attempt in progress"
        );
        assert_eq!(cb.fate(&ds.legs, r, 1030), Fate::Fail);
        assert_eq!(cb.fate(&ds.legs, r, 2005), Fate::Pending);
        assert_eq!(
            cb.fate(&ds.legs, r, 2011),
            Fate::Ok { leg: 3 },
            "success while still talking"
        );
        assert_eq!(cb.fate(&ds.legs, &cb.requests[1], 5000), Fate::Pending);
    }
}
