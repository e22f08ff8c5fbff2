//! Call legs as read from the CDR, with their enumerations and the per-leg derivations of
//! SPEC §2.1 (answered, talk, ring, person leg).

use std::marker::PhantomData;

use crate::decimal::Decimal;
use crate::model::pool::{StrPool, Sym};
use crate::time::Ts;

/// `normalize`, without a copy when the text is already normal (upper case, digits and `_`,
/// as exports nearly always write it).
pub fn normalized(text: &str) -> std::borrow::Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(normalize(text))
    }
}

/// Normalises an enumeration value: upper case, `-` and spaces as `_`, trimmed.
pub fn normalize(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// An optional 64-bit value in 8 bytes (`i64::MIN` is "absent"), for a leg's tenant and
/// disposition time and a state row's end (an `Option<i64>` takes 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Opt64(i64);

impl Opt64 {
    /// Absent.
    pub const NONE: Opt64 = Opt64(i64::MIN);

    /// The value, if present.
    pub fn get(self) -> Option<i64> {
        (self.0 != i64::MIN).then_some(self.0)
    }

    /// Is a value present?
    pub fn is_some(self) -> bool {
        self.0 != i64::MIN
    }
}

impl From<Option<i64>> for Opt64 {
    fn from(v: Option<i64>) -> Opt64 {
        // i64::MIN seconds is far outside any calendar: it cannot be a real value.
        Opt64(v.unwrap_or(i64::MIN))
    }
}

/// The names of a coded enumeration, in code order; code 0 is `NONE` (also an empty cell).
pub trait Names: Copy + Eq + std::hash::Hash + std::fmt::Debug {
    /// The known values' normalised names.
    const NAMES: &'static [&'static str];
}

/// A value of an enumeration column in four bytes, as a leg holds four: a code below
/// `K::NAMES.len()` is that known name; a code above it is a value this tool does not know,
/// kept under its normalised text (code − `NAMES.len()` is the text's symbol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coded<K>(u32, PhantomData<K>);

impl<K: Names> Coded<K> {
    const fn known(code: u32) -> Coded<K> {
        Coded(code, PhantomData)
    }

    /// An unknown value, by the symbol of its normalised text.
    pub fn other(sym: Sym) -> Coded<K> {
        Coded(K::NAMES.len() as u32 + sym.0, PhantomData)
    }

    /// The symbol of an unknown value (`None` for a known one).
    pub fn other_sym(self) -> Option<Sym> {
        self.0.checked_sub(K::NAMES.len() as u32).map(Sym)
    }

    /// Reads a cell: a known name in any case, `-` or spaces for `_`; empty is code 0 (`NONE`);
    /// an unknown value is interned and reported by the `bool`.
    pub fn parse(text: &str, pool: &mut StrPool) -> (Coded<K>, bool) {
        let known = |t: &str| {
            // Exports write the names as they are: equal bytes first, then any case.
            (K::NAMES.iter().position(|name| *name == t))
                .or_else(|| {
                    K::NAMES
                        .iter()
                        .position(|name| t.eq_ignore_ascii_case(name))
                })
                .map(|code| Coded::known(code as u32))
        };
        // Most cells are written as the names are: no normalised copy for them.
        if let Some(e) = known(text) {
            return (e, false);
        }
        let norm = normalize(text);
        if norm.is_empty() {
            return (Coded::known(0), false);
        }
        match known(&norm) {
            Some(e) => (e, false),
            None => (Coded::other(pool.intern(&norm)), true),
        }
    }

    /// The normalised name as printed in reports.
    pub fn name<'a>(&self, pool: &'a StrPool) -> &'a str {
        match (self.fixed_name(), self.other_sym()) {
            (Some(name), _) => name,
            (None, Some(s)) => pool.get(s),
            (None, None) => K::NAMES[0],
        }
    }

    /// The name of a value this program knows (`None` for an unknown one).
    pub fn fixed_name(&self) -> Option<&'static str> {
        K::NAMES.get(self.0 as usize).copied()
    }

    /// Moves an unknown value's symbol into another pool.
    pub fn remap(self, map: &[Sym]) -> Coded<K> {
        match self.other_sym() {
            Some(s) => Coded::other(map[s.index()]),
            None => self,
        }
    }
}

/// The names of `caller_endpoint`, `callee_endpoint` and `service_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EndpointNames;

impl Names for EndpointNames {
    const NAMES: &'static [&'static str] = &[
        "NONE",
        "EXTENSION",
        "TRUNK",
        "QUEUE",
        "RING_GROUP",
        "IVR",
        "VOICEMAIL",
        "CONFERENCE",
    ];
}

/// An endpoint or service type (`caller_endpoint`, `callee_endpoint`, `service_type`).
pub type Endpoint = Coded<EndpointNames>;

impl Endpoint {
    /// No endpoint (also an empty cell).
    pub const NONE: Endpoint = Coded::known(0);
    /// A PBX extension: a person inside.
    pub const EXTENSION: Endpoint = Coded::known(1);
    /// A trunk: a person outside.
    pub const TRUNK: Endpoint = Coded::known(2);
    /// A call queue.
    pub const QUEUE: Endpoint = Coded::known(3);
    /// A ring group.
    pub const RING_GROUP: Endpoint = Coded::known(4);
    /// An IVR.
    pub const IVR: Endpoint = Coded::known(5);
    /// Voicemail.
    pub const VOICEMAIL: Endpoint = Coded::known(6);
    /// A conference room.
    pub const CONFERENCE: Endpoint = Coded::known(7);
}

/// The names of the `direction` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartyNames;

impl Names for PartyNames {
    const NAMES: &'static [&'static str] = &["NONE", "CALLER", "CALLEE"];
}

/// The seed's party direction of a leg (`direction` column).
pub type Party = Coded<PartyNames>;

impl Party {
    /// No direction.
    pub const NONE: Party = Coded::known(0);
    /// The leg is seen from the caller.
    pub const CALLER: Party = Coded::known(1);
    /// The leg is seen from the callee.
    pub const CALLEE: Party = Coded::known(2);
}

/// One call leg (a PortSIP call-history item). Text cells are symbols of the dataset's pool;
/// an empty cell is `Sym::EMPTY`. The cells that repeat from leg to leg are its profile
/// (`profile::Profile`, read through `Profiles::of`); the cells most legs leave empty are kept
/// aside in `extra`, so a month of legs does not carry a dozen empty fields each.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// The call (index of the `session_id` in the dataset's session pool).
    pub call: u32,
    /// `started_at`.
    pub started_at: Ts,
    /// `ended_at`, in seconds after `started_at` (see `Leg::set_times`).
    ended: u32,
    /// `rang_at` after `started_at`, or `ABSENT`.
    rang: u32,
    /// `answered_at` after `started_at`, or `ABSENT`: present means answered.
    answered: u32,
    /// `caller`.
    pub caller: Sym,
    /// `caller_display_name`.
    pub caller_display_name: Sym,
    /// `callee`.
    pub callee: Sym,
    /// `callee_display_name`.
    pub callee_display_name: Sym,
    /// `destination`.
    pub destination: Sym,
    /// The number of the leg's profile in the dataset's `Profiles`.
    pub profile: u32,
    /// The rarely filled cells, when any is (read them through `Leg::extra`).
    pub extra: Option<Box<Extra>>,
}

/// The cells of a leg that are empty on most legs: re-routes, outbound calls, callbacks, costs,
/// holds and dispositions.
#[derive(Debug, Clone, PartialEq)]
pub struct Extra {
    /// `reroute_reason`, normalised.
    pub reroute_reason: Sym,
    /// `outbound_caller_id`.
    pub outbound_caller_id: Sym,
    /// `callback_id`.
    pub callback_id: Sym,
    /// `billing_prefix`.
    pub billing_prefix: Sym,
    /// `cost`.
    pub cost: Option<Decimal>,
    /// `user_data`.
    pub user_data: Sym,
    /// `outbound_trunk`.
    pub outbound_trunk: Sym,
    /// Optional `hold_count`.
    pub hold_count: Option<u32>,
    /// Optional `hold_secs`.
    pub hold_secs: Option<u32>,
    /// Optional `disposition`.
    pub disposition: Sym,
    /// Optional `disposition_at`.
    pub disposition_at: Opt64,
    /// Optional `disposition_xfer` (0/1).
    pub disposition_xfer: bool,
}

impl Extra {
    /// Every cell empty.
    pub const NONE: Extra = Extra {
        reroute_reason: Sym::EMPTY,
        outbound_caller_id: Sym::EMPTY,
        callback_id: Sym::EMPTY,
        billing_prefix: Sym::EMPTY,
        cost: None,
        user_data: Sym::EMPTY,
        outbound_trunk: Sym::EMPTY,
        hold_count: None,
        hold_secs: None,
        disposition: Sym::EMPTY,
        disposition_at: Opt64::NONE,
        disposition_xfer: false,
    };

    /// Boxed for a leg, or `None` when every cell is empty.
    pub fn boxed(self) -> Option<Box<Extra>> {
        (self != Extra::NONE).then(|| Box::new(self))
    }

    fn remap(&mut self, strings: &[Sym]) {
        for f in [
            &mut self.reroute_reason,
            &mut self.outbound_caller_id,
            &mut self.callback_id,
            &mut self.billing_prefix,
            &mut self.user_data,
            &mut self.outbound_trunk,
            &mut self.disposition,
        ] {
            *f = strings[f.index()];
        }
    }
}

static NO_EXTRA: Extra = Extra::NONE;

/// An absent offset from `started_at`.
const ABSENT: u32 = u32::MAX;

/// `t` as seconds after `start` (checked by the reader to fit).
fn offset(start: Ts, t: Ts) -> u32 {
    debug_assert!((0..=Leg::MAX_SECS).contains(&(t - start)));
    (t - start).clamp(0, Leg::MAX_SECS) as u32
}

impl Leg {
    /// A leg of `call` starting at `started_at`, ending then, every other cell empty.
    pub fn new(call: u32, started_at: Ts) -> Leg {
        Leg {
            call,
            started_at,
            ended: 0,
            rang: ABSENT,
            answered: ABSENT,
            caller: Sym::EMPTY,
            caller_display_name: Sym::EMPTY,
            callee: Sym::EMPTY,
            callee_display_name: Sym::EMPTY,
            destination: Sym::EMPTY,
            profile: 0,
            extra: None,
        }
    }

    /// The longest leg that can be stored, in seconds (136 years): the CDR reader rejects
    /// longer ones.
    pub const MAX_SECS: i64 = ABSENT as i64 - 1;

    /// Sets the times after `started_at`, which the reader has checked: in order, and
    /// `ended_at` at most `MAX_SECS` after `started_at`.
    pub fn set_times(&mut self, ended_at: Ts, rang_at: Option<Ts>, answered_at: Option<Ts>) {
        let start = self.started_at;
        self.ended = offset(start, ended_at);
        self.rang = rang_at.map_or(ABSENT, |t| offset(start, t));
        self.answered = answered_at.map_or(ABSENT, |t| offset(start, t));
    }

    /// `ended_at`.
    pub fn ended_at(&self) -> Ts {
        self.started_at + i64::from(self.ended)
    }

    fn at(&self, offset: u32) -> Option<Ts> {
        (offset != ABSENT).then(|| self.started_at + i64::from(offset))
    }

    /// The rarely filled cells (all empty when the leg has none).
    pub fn extra(&self) -> &Extra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// Answered when `answered_at` is present.
    pub fn answered(&self) -> bool {
        self.answered != ABSENT
    }

    /// `answered_at`, if answered.
    pub fn answered_at(&self) -> Option<Ts> {
        self.at(self.answered)
    }

    /// `rang_at`, if present.
    pub fn rang_at(&self) -> Option<Ts> {
        self.at(self.rang)
    }

    /// `ended_at − answered_at`, 0 when unanswered.
    pub fn talk(&self) -> i64 {
        self.answered_at().map_or(0, |a| self.ended_at() - a)
    }

    /// `answered_at − rang_at` when answered, else `ended_at − rang_at`; 0 without `rang_at`.
    pub fn ring(&self) -> i64 {
        match self.rang_at() {
            None => 0,
            Some(r) => self.answered_at().unwrap_or(self.ended_at()) - r,
        }
    }

    /// Moves every symbol into another pool (`strings`), the call into another session pool
    /// (`sessions`) and the profile into another set (`profiles`).
    pub fn remap(&mut self, strings: &[Sym], sessions: &[Sym], profiles: &[u32]) {
        let s = |x: &mut Sym| *x = strings[x.index()];
        self.call = sessions[self.call as usize].0;
        self.profile = profiles[self.profile as usize];
        for f in [
            &mut self.caller,
            &mut self.caller_display_name,
            &mut self.callee,
            &mut self.callee_display_name,
            &mut self.destination,
        ] {
            s(f);
        }
        if let Some(extra) = &mut self.extra {
            extra.remap(strings);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A leg with only the required cells set, for hand-built datasets in tests.
    pub fn leg(call: u32, started_at: Ts, ended_at: Ts) -> Leg {
        let mut l = Leg::new(call, started_at);
        l.set_times(ended_at, None, None);
        l
    }

    /// A month of a busy centre holds a million legs: every byte here is a megabyte there.
    #[test]
    fn a_leg_stays_compact() {
        assert_eq!(std::mem::size_of::<Leg>(), 56);
        assert_eq!(std::mem::size_of::<Endpoint>(), 4);
    }

    #[test]
    fn talk_and_ring_follow_the_spec() {
        let mut l = leg(0, 100, 200);
        assert_eq!((l.talk(), l.ring()), (0, 0));
        l.set_times(200, Some(110), None);
        assert_eq!(l.ring(), 90, "unanswered: ended − rang");
        l.set_times(200, Some(110), Some(130));
        assert_eq!((l.talk(), l.ring()), (70, 20));
    }

    #[test]
    fn enumerations_normalise() {
        let mut p = StrPool::new();
        assert_eq!(
            Endpoint::parse("ring-group", &mut p),
            (Endpoint::RING_GROUP, false)
        );
        assert_eq!(
            Endpoint::parse("Ring Group", &mut p),
            (Endpoint::RING_GROUP, false)
        );
        assert_eq!(Endpoint::parse("", &mut p), (Endpoint::NONE, false));
        let (fax, unknown) = Endpoint::parse("fax", &mut p);
        assert!(unknown);
        assert_eq!(fax.name(&p), "FAX");
        assert_eq!(Party::parse("callee", &mut p), (Party::CALLEE, false));
        assert_eq!(normalize(" queue-timeout "), "QUEUE_TIMEOUT");
    }
}
