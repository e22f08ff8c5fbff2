//! Calls: the legs sharing a `session_id`, with their start, direction, answered flag and talk
//! (SPEC §3 "Call").

use rayon::prelude::*;

use crate::model::legs::Endpoint;
use crate::model::profile::Profile;
use crate::model::Dataset;
use crate::time::Ts;

/// A call's direction, from its first leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// First leg from a trunk.
    Inbound,
    /// First leg to a trunk.
    Outbound,
    /// Anything else.
    Internal,
}

impl Direction {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Inbound => "INBOUND",
            Direction::Outbound => "OUTBOUND",
            Direction::Internal => "INTERNAL",
        }
    }

    /// From the first leg: caller endpoint `TRUNK` → inbound; else callee endpoint `TRUNK` →
    /// outbound; else internal.
    pub fn of_first_leg(leg: &Profile) -> Direction {
        if leg.caller_endpoint == Endpoint::TRUNK {
            Direction::Inbound
        } else if leg.callee_endpoint == Endpoint::TRUNK {
            Direction::Outbound
        } else {
            Direction::Internal
        }
    }
}

/// One call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Where its legs sit in `Calls::order`.
    pub first: u32,
    /// How many legs it has.
    pub len: u32,
    /// The earliest `started_at`.
    pub start: Ts,
    /// The latest `ended_at`.
    pub end: Ts,
    /// From the first leg.
    pub direction: Direction,
    /// One of its person legs is answered.
    pub answered: bool,
    /// The talk of its answered person legs.
    pub talk: i64,
    /// The first leg's `tenant_id`.
    pub tenant: Option<i64>,
}

/// Every call of the dataset, indexed like the session pool.
#[derive(Debug, Clone, Default)]
pub struct Calls {
    /// Calls by index.
    pub calls: Vec<Call>,
    /// Leg indices grouped by call, each group by `started_at` then file order.
    pub order: Vec<u32>,
}

impl Calls {
    /// Groups the dataset's legs (in file order) into its calls.
    pub fn build(ds: &Dataset) -> Calls {
        let (legs, n) = (&ds.legs[..], ds.call_count());
        // A counting sort by call (legs in file order within it), then each call's few legs
        // by start: linear, where a sort of every index by an indirect key was not.
        let mut firsts = vec![0u32; n + 1];
        for l in legs {
            firsts[l.call as usize + 1] += 1;
        }
        for i in 0..n {
            firsts[i + 1] += firsts[i];
        }
        let mut order = vec![0u32; legs.len()];
        let mut next = firsts.clone();
        for (i, l) in legs.iter().enumerate() {
            let slot = &mut next[l.call as usize];
            order[*slot as usize] = i as u32;
            *slot += 1;
        }
        drop(next);
        // The leg index breaks ties (file order is kept by the counting sort), so the order
        // is total and deterministic.
        for c in 0..n {
            let group = &mut order[firsts[c] as usize..firsts[c + 1] as usize];
            if group.len() > 1 {
                group.sort_by_key(|&i| (legs[i as usize].started_at, i));
            }
        }
        let calls = (0..n)
            .into_par_iter()
            .map(|c| {
                let (first, last) = (firsts[c], firsts[c + 1]);
                let group = &order[first as usize..last as usize];
                derive(ds, group, first)
            })
            .collect();
        Calls { calls, order }
    }

    /// The leg indices of call `c`, by `started_at` then file order.
    pub fn legs_of(&self, c: u32) -> &[u32] {
        let call = &self.calls[c as usize];
        &self.order[call.first as usize..(call.first + call.len) as usize]
    }
}

fn derive(ds: &Dataset, group: &[u32], first: u32) -> Call {
    let legs = &ds.legs;
    let lead = &legs[group[0] as usize];
    let profile = ds.profile(lead);
    let mut call = Call {
        first,
        len: group.len() as u32,
        start: lead.started_at,
        end: lead.ended_at(),
        direction: Direction::of_first_leg(profile),
        answered: false,
        talk: 0,
        tenant: profile.tenant_id.get(),
    };
    for &i in group {
        let l = &legs[i as usize];
        call.end = call.end.max(l.ended_at());
        if ds.profile(l).is_person() && l.answered() {
            call.answered = true;
            call.talk += l.talk();
        }
    }
    call
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::load_csv;

    const LEGS: &str = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,service_type,started_at,rang_at,answered_at,ended_at,tenant_id
a,5551234,TRUNK,5000,IVR,IVR,100,100,100,110,7
a,5551234,TRUNK,1001,EXTENSION,NONE,110,110,120,200,7
b,1001,EXTENSION,5559876,TRUNK,NONE,300,300,,330,
b,1001,EXTENSION,5559876,TRUNK,NONE,300,300,305,345,
c,1002,EXTENSION,1003,EXTENSION,NONE,500,500,,520,
d,1002,EXTENSION,5000,IVR,IVR,600,600,600,700,
";

    #[test]
    fn direction_answered_and_talk() {
        let ds = load_csv(&[("cdr", LEGS)]);
        let calls = Calls::build(&ds);
        let a = &calls.calls[0];
        assert_eq!(
            (a.start, a.end, a.direction),
            (100, 200, Direction::Inbound)
        );
        // The IVR answering its own leg is not a person answering; the extension leg is.
        assert!(a.answered);
        assert_eq!(a.talk, 80);
        assert_eq!(a.tenant, Some(7));
        let b = &calls.calls[1];
        assert_eq!(
            (b.direction, b.answered, b.talk),
            (Direction::Outbound, true, 40)
        );
        let c = &calls.calls[2];
        assert_eq!(
            (c.direction, c.answered, c.talk),
            (Direction::Internal, false, 0)
        );
        let d = &calls.calls[3];
        assert!(!d.answered, "only an IVR answered");
        assert_eq!(
            calls.legs_of(1),
            &[2, 3],
            "ties on started_at keep file order"
        );
    }

    #[test]
    fn the_first_leg_is_the_earliest_not_the_first_in_the_file() {
        let csv = "\
session_id,caller,caller_endpoint,callee,callee_endpoint,started_at,ended_at
x,1001,EXTENSION,5551234,TRUNK,200,300
x,5551234,TRUNK,1001,EXTENSION,100,300
";
        let ds = load_csv(&[("cdr", csv)]);
        let calls = Calls::build(&ds);
        assert_eq!(calls.calls[0].direction, Direction::Inbound);
        assert_eq!(calls.calls[0].start, 100);
        assert_eq!(calls.legs_of(0), &[1, 0]);
    }
}
