//! Call legs as read from the CDR, with their enumerations and the per-leg derivations of
//! SPEC §2.1 (answered, talk, ring, person leg).

use crate::decimal::Decimal;
use crate::model::pool::{StrPool, Sym};
use crate::time::Ts;

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

/// An optional 64-bit value in 8 bytes (`i64::MIN` is "absent"), for the leg's optional
/// timestamps and tenant: a million legs hold four of them.
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

/// An endpoint or service type (`caller_endpoint`, `callee_endpoint`, `service_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// No endpoint (also an empty cell).
    None,
    /// A PBX extension: a person inside.
    Extension,
    /// A trunk: a person outside.
    Trunk,
    /// A call queue.
    Queue,
    /// A ring group.
    RingGroup,
    /// An IVR.
    Ivr,
    /// Voicemail.
    Voicemail,
    /// A conference room.
    Conference,
    /// A value this tool does not know, kept under its normalised text.
    Other(Sym),
}

impl Endpoint {
    const KNOWN: [(&'static str, Endpoint); 8] = [
        ("EXTENSION", Endpoint::Extension),
        ("TRUNK", Endpoint::Trunk),
        ("QUEUE", Endpoint::Queue),
        ("RING_GROUP", Endpoint::RingGroup),
        ("IVR", Endpoint::Ivr),
        ("VOICEMAIL", Endpoint::Voicemail),
        ("CONFERENCE", Endpoint::Conference),
        ("NONE", Endpoint::None),
    ];

    /// Reads a cell; an unknown value is interned as `Other` and reported by the `bool`.
    pub fn parse(text: &str, pool: &mut StrPool) -> (Endpoint, bool) {
        for (name, e) in Endpoint::KNOWN {
            if text.eq_ignore_ascii_case(name) {
                return (e, false);
            }
        }
        let norm = normalize(text);
        if norm.is_empty() {
            return (Endpoint::None, false);
        }
        for (name, e) in Endpoint::KNOWN {
            if norm == name {
                return (e, false);
            }
        }
        (Endpoint::Other(pool.intern(&norm)), true)
    }

    /// The normalised name as printed in reports (an empty cell was read as `NONE`).
    pub fn name<'a>(&self, pool: &'a StrPool) -> &'a str {
        match (self, self.fixed_name()) {
            (_, Some(name)) => name,
            (Endpoint::Other(s), None) => pool.get(*s),
            (_, None) => "NONE",
        }
    }

    /// The name of a value this program knows (`None` for an unknown one).
    pub fn fixed_name(&self) -> Option<&'static str> {
        Some(match self {
            Endpoint::Other(_) => return None,
            Endpoint::None => "NONE",
            Endpoint::Extension => "EXTENSION",
            Endpoint::Trunk => "TRUNK",
            Endpoint::Queue => "QUEUE",
            Endpoint::RingGroup => "RING_GROUP",
            Endpoint::Ivr => "IVR",
            Endpoint::Voicemail => "VOICEMAIL",
            Endpoint::Conference => "CONFERENCE",
        })
    }

    /// Moves an `Other` symbol into another pool.
    pub fn remap(self, map: &[Sym]) -> Endpoint {
        match self {
            Endpoint::Other(s) => Endpoint::Other(map[s.index()]),
            e => e,
        }
    }
}

/// The seed's party direction of a leg (`direction` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// No direction.
    None,
    /// The leg is seen from the caller.
    Caller,
    /// The leg is seen from the callee.
    Callee,
    /// A value this tool does not know.
    Other(Sym),
}

impl Party {
    /// Reads a cell; an unknown value is interned as `Other` and reported by the `bool`.
    pub fn parse(text: &str, pool: &mut StrPool) -> (Party, bool) {
        let norm = normalize(text);
        match norm.as_str() {
            "" | "NONE" => (Party::None, false),
            "CALLER" => (Party::Caller, false),
            "CALLEE" => (Party::Callee, false),
            _ => (Party::Other(pool.intern(&norm)), true),
        }
    }

    /// The normalised name.
    pub fn name<'a>(&self, pool: &'a StrPool) -> &'a str {
        match self {
            Party::None => "NONE",
            Party::Caller => "CALLER",
            Party::Callee => "CALLEE",
            Party::Other(s) => pool.get(*s),
        }
    }

    /// Moves an `Other` symbol into another pool.
    pub fn remap(self, map: &[Sym]) -> Party {
        match self {
            Party::Other(s) => Party::Other(map[s.index()]),
            p => p,
        }
    }
}

/// One call leg (a PortSIP call-history item). Text cells are symbols of the dataset's pool;
/// an empty cell is `Sym::EMPTY`. The cells most legs leave empty are kept aside in `extra`, so
/// a month of legs does not carry a dozen empty fields each.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// The call (index of the `session_id` in the dataset's session pool).
    pub call: u32,
    /// `started_at`.
    pub started_at: Ts,
    /// `ended_at`.
    pub ended_at: Ts,
    /// `rang_at`.
    pub rang_at: Opt64,
    /// `answered_at`: present means answered.
    pub answered_at: Opt64,
    /// `caller`.
    pub caller: Sym,
    /// `caller_display_name`.
    pub caller_display_name: Sym,
    /// `caller_endpoint`.
    pub caller_endpoint: Endpoint,
    /// `callee`.
    pub callee: Sym,
    /// `callee_display_name`.
    pub callee_display_name: Sym,
    /// `callee_endpoint`.
    pub callee_endpoint: Endpoint,
    /// `service_number`.
    pub service_number: Sym,
    /// `service_name`.
    pub service_name: Sym,
    /// `service_type`.
    pub service_type: Endpoint,
    /// `direction` (party direction).
    pub direction: Party,
    /// `end_reason`, normalised.
    pub end_reason: Sym,
    /// `status_code` (SIP).
    pub status_code: Option<i32>,
    /// `destination`.
    pub destination: Sym,
    /// `did`.
    pub did: Sym,
    /// `call_type` (free text).
    pub call_type: Sym,
    /// `inbound_trunk`.
    pub inbound_trunk: Sym,
    /// Optional `tenant_id`.
    pub tenant_id: Opt64,
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

impl Leg {
    /// The rarely filled cells (all empty when the leg has none).
    pub fn extra(&self) -> &Extra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// Answered when `answered_at` is present.
    pub fn answered(&self) -> bool {
        self.answered_at.is_some()
    }

    /// `answered_at`, if answered.
    pub fn answered_at(&self) -> Option<Ts> {
        self.answered_at.get()
    }

    /// `rang_at`, if present.
    pub fn rang_at(&self) -> Option<Ts> {
        self.rang_at.get()
    }

    /// `ended_at − answered_at`, 0 when unanswered.
    pub fn talk(&self) -> i64 {
        self.answered_at().map_or(0, |a| self.ended_at - a)
    }

    /// `answered_at − rang_at` when answered, else `ended_at − rang_at`; 0 without `rang_at`.
    pub fn ring(&self) -> i64 {
        match self.rang_at() {
            None => 0,
            Some(r) => self.answered_at().unwrap_or(self.ended_at) - r,
        }
    }

    /// A leg to a person: callee endpoint `EXTENSION` or `TRUNK`.
    pub fn is_person(&self) -> bool {
        matches!(self.callee_endpoint, Endpoint::Extension | Endpoint::Trunk)
    }

    /// A leg ringing an extension.
    pub fn to_extension(&self) -> bool {
        self.callee_endpoint == Endpoint::Extension
    }

    /// Moves every symbol into another pool (`strings`) and the call into another session
    /// pool (`sessions`).
    pub fn remap(&mut self, strings: &[Sym], sessions: &[Sym]) {
        let s = |x: &mut Sym| *x = strings[x.index()];
        self.call = sessions[self.call as usize].0;
        for f in [
            &mut self.caller,
            &mut self.caller_display_name,
            &mut self.callee,
            &mut self.callee_display_name,
            &mut self.service_number,
            &mut self.service_name,
            &mut self.end_reason,
            &mut self.destination,
            &mut self.did,
            &mut self.call_type,
            &mut self.inbound_trunk,
        ] {
            s(f);
        }
        if let Some(extra) = &mut self.extra {
            extra.remap(strings);
        }
        self.caller_endpoint = self.caller_endpoint.remap(strings);
        self.callee_endpoint = self.callee_endpoint.remap(strings);
        self.service_type = self.service_type.remap(strings);
        self.direction = self.direction.remap(strings);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A leg with only the required cells set, for hand-built datasets in tests.
    pub fn leg(call: u32, started_at: Ts, ended_at: Ts) -> Leg {
        Leg {
            call,
            started_at,
            ended_at,
            rang_at: Opt64::NONE,
            answered_at: Opt64::NONE,
            caller: Sym::EMPTY,
            caller_display_name: Sym::EMPTY,
            caller_endpoint: Endpoint::None,
            callee: Sym::EMPTY,
            callee_display_name: Sym::EMPTY,
            callee_endpoint: Endpoint::None,
            service_number: Sym::EMPTY,
            service_name: Sym::EMPTY,
            service_type: Endpoint::None,
            direction: Party::None,
            end_reason: Sym::EMPTY,
            status_code: None,
            destination: Sym::EMPTY,
            did: Sym::EMPTY,
            call_type: Sym::EMPTY,
            inbound_trunk: Sym::EMPTY,
            tenant_id: Opt64::NONE,
            extra: None,
        }
    }

    #[test]
    fn talk_and_ring_follow_the_spec() {
        let mut l = leg(0, 100, 200);
        assert_eq!((l.talk(), l.ring()), (0, 0));
        l.rang_at = Some(110).into();
        assert_eq!(l.ring(), 90, "unanswered: ended − rang");
        l.answered_at = Some(130).into();
        assert_eq!((l.talk(), l.ring()), (70, 20));
    }

    #[test]
    fn enumerations_normalise() {
        let mut p = StrPool::new();
        assert_eq!(
            Endpoint::parse("ring-group", &mut p),
            (Endpoint::RingGroup, false)
        );
        assert_eq!(
            Endpoint::parse("Ring Group", &mut p),
            (Endpoint::RingGroup, false)
        );
        assert_eq!(Endpoint::parse("", &mut p), (Endpoint::None, false));
        let (fax, unknown) = Endpoint::parse("fax", &mut p);
        assert!(unknown);
        assert_eq!(fax.name(&p), "FAX");
        assert_eq!(Party::parse("callee", &mut p), (Party::Callee, false));
        assert_eq!(normalize(" queue-timeout "), "QUEUE_TIMEOUT");
    }
}
