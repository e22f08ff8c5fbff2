//! A leg's profile: the dozen cells that repeat from leg to leg (service, endpoints, direction,
//! end reason, SIP code, DID, trunk, tenant), kept once per distinct combination and named by
//! a 4-byte number in each leg. A month of a million legs holds fewer than a hundred of them,
//! so a leg is 56 bytes instead of 104; reports read the cells through `Dataset::profile`.
//! Data in which every leg has a combination of its own costs a profile (56 bytes) and a table
//! entry per leg: about what the cells cost inline.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::model::legs::{Endpoint, Leg, Opt64, Party};
use crate::model::pool::Sym;

/// The cells a leg shares with many others. Text cells are symbols of the dataset's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Profile {
    /// `service_number`.
    pub service_number: Sym,
    /// `service_name`.
    pub service_name: Sym,
    /// `service_type`.
    pub service_type: Endpoint,
    /// `caller_endpoint`.
    pub caller_endpoint: Endpoint,
    /// `callee_endpoint`.
    pub callee_endpoint: Endpoint,
    /// `direction` (party direction).
    pub direction: Party,
    /// `end_reason`, normalised.
    pub end_reason: Sym,
    /// `status_code` (SIP), `i32::MIN` when absent (read it through `Profile::status_code`).
    status: i32,
    /// `did`.
    pub did: Sym,
    /// `call_type` (free text).
    pub call_type: Sym,
    /// `inbound_trunk`.
    pub inbound_trunk: Sym,
    /// Optional `tenant_id`.
    pub tenant_id: Opt64,
}

impl Profile {
    /// Every cell empty: profile 0 of every `Profiles`.
    pub const NONE: Profile = Profile {
        service_number: Sym::EMPTY,
        service_name: Sym::EMPTY,
        service_type: Endpoint::NONE,
        caller_endpoint: Endpoint::NONE,
        callee_endpoint: Endpoint::NONE,
        direction: Party::NONE,
        end_reason: Sym::EMPTY,
        status: i32::MIN,
        did: Sym::EMPTY,
        call_type: Sym::EMPTY,
        inbound_trunk: Sym::EMPTY,
        tenant_id: Opt64::NONE,
    };

    /// Sets `status_code`.
    pub fn set_status_code(&mut self, code: Option<i32>) {
        // i32::MIN is no SIP code, and the reader rejects it as a value.
        self.status = code.unwrap_or(i32::MIN);
    }

    /// `status_code`, if present.
    pub fn status_code(&self) -> Option<i32> {
        (self.status != i32::MIN).then_some(self.status)
    }

    /// A leg to a person: callee endpoint `EXTENSION` or `TRUNK`.
    pub fn is_person(&self) -> bool {
        matches!(self.callee_endpoint, Endpoint::EXTENSION | Endpoint::TRUNK)
    }

    /// A leg ringing an extension.
    pub fn to_extension(&self) -> bool {
        self.callee_endpoint == Endpoint::EXTENSION
    }

    /// The profile with every symbol moved into another pool.
    fn remapped(mut self, strings: &[Sym]) -> Profile {
        for f in [
            &mut self.service_number,
            &mut self.service_name,
            &mut self.end_reason,
            &mut self.did,
            &mut self.call_type,
            &mut self.inbound_trunk,
        ] {
            *f = strings[f.index()];
        }
        self.service_type = self.service_type.remap(strings);
        self.caller_endpoint = self.caller_endpoint.remap(strings);
        self.callee_endpoint = self.callee_endpoint.remap(strings);
        self.direction = self.direction.remap(strings);
        self
    }
}

/// The distinct profiles of a dataset (or of one file being read), numbered in the order
/// first met; number 0 is `Profile::NONE`.
#[derive(Debug, Clone)]
pub struct Profiles {
    list: Vec<Profile>,
    index: HashTable<u32>,
}

impl Default for Profiles {
    fn default() -> Self {
        let mut p = Profiles {
            list: Vec::new(),
            index: HashTable::new(),
        };
        p.intern(Profile::NONE);
        p
    }
}

impl Profiles {
    /// The number of `p`, adding it if new.
    pub fn intern(&mut self, p: Profile) -> u32 {
        let hash = |p: &Profile| FxBuildHasher.hash_one(p);
        let list = &self.list;
        if let Some(&n) = self.index.find(hash(&p), |&n| list[n as usize] == p) {
            return n;
        }
        // At most one profile per leg, and legs are counted in far fewer than 2^32.
        let n = self.list.len() as u32;
        self.list.push(p);
        let list = &self.list;
        self.index
            .insert_unique(hash(&p), n, |&n| hash(&list[n as usize]));
        n
    }

    /// Profile number `n`.
    pub fn get(&self, n: u32) -> &Profile {
        &self.list[n as usize]
    }

    /// The profile of a leg.
    pub fn of(&self, leg: &Leg) -> &Profile {
        self.get(leg.profile)
    }

    /// How many profiles.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Never true: profile 0 is always there.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Moves every profile of `other` into this set: the table maps `other`'s numbers to this
    /// set's. Its symbols are those of a pool that `strings` maps into this dataset's, or with
    /// `None` already this dataset's.
    pub fn absorb(&mut self, other: &Profiles, strings: Option<&[Sym]>) -> Vec<u32> {
        (other.list.iter())
            .map(|&p| self.intern(strings.map_or(p, |m| p.remapped(m))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_numbered_once_and_absorb_remaps_their_symbols() {
        let mut a = Profiles::default();
        assert_eq!(a.intern(Profile::NONE), 0);
        let queue = Profile {
            service_number: Sym(1),
            service_type: Endpoint::QUEUE,
            ..Profile::NONE
        };
        assert_eq!(a.intern(queue), 1);
        assert_eq!(a.intern(queue), 1);
        let mut b = Profiles::default();
        // In b's pool the queue's number is symbol 2; the dataset's pool calls it 1.
        let theirs = Profile {
            service_number: Sym(2),
            ..queue
        };
        let other = Profile {
            service_number: Sym(3),
            ..queue
        };
        assert_eq!((b.intern(theirs), b.intern(other)), (1, 2));
        let map = a.absorb(&b, Some(&[Sym(0), Sym(7), Sym(1), Sym(9)]));
        assert_eq!(map, vec![0, 1, 2]);
        assert_eq!(a.get(2).service_number, Sym(9));
        assert_eq!(a.len(), 3);
    }
}
