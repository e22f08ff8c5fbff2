//! Names and settings looked up by number: agent display names, queue and ring-group names and
//! thresholds, not-ready code labels and categories (SPEC §2.2).

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use crate::model::legs::Endpoint;
use crate::model::pool::Sym;
use crate::model::queue::Entries;
use crate::model::rows::{Agent, Category, QueueInfo};
use crate::model::Dataset;

/// Lookups built once per dataset.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    agents: HashMap<Sym, usize>,
    cdr_names: HashMap<Sym, Sym>,
    queues: HashMap<Sym, usize>,
    queue_names: HashMap<Sym, Sym>,
    group_names: HashMap<Sym, Sym>,
    codes: HashMap<Sym, (Sym, Category)>,
}

impl Directory {
    /// Builds the lookups; a later row of a number wins over an earlier one (warned about).
    pub fn build(ds: &mut Dataset, queue: &Entries, groups: &Entries) -> Directory {
        let (d, duplicates) = Directory::derive(ds, queue, groups);
        for (kind, n) in duplicates {
            ds.quality.warn_n(kind, n);
        }
        d
    }

    /// Builds the lookups, returning the repeated dimension keys by kind instead of counting
    /// them (a window's slice has them counted already).
    pub fn derive(
        ds: &Dataset,
        queue: &Entries,
        groups: &Entries,
    ) -> (Directory, Vec<(&'static str, u64)>) {
        let mut d = Directory::default();
        let mut duplicates: Vec<(&'static str, u64)> = Vec::new();
        if let Some(agents) = &ds.agents {
            let n = last_wins(&mut d.agents, agents.iter().map(|a| a.id));
            duplicates.push(("agents: duplicate agent_id (the last row is used)", n));
        }
        if let Some(queues) = &ds.queues {
            let n = last_wins(&mut d.queues, queues.iter().map(|q| q.number));
            duplicates.push(("queues: duplicate number (the last row is used)", n));
            for q in queues {
                d.queue_names.insert(q.number, q.name);
            }
        }
        if let Some(groups) = &ds.ring_groups {
            let mut idx = HashMap::default();
            let n = last_wins(&mut idx, groups.iter().map(|g| g.number));
            duplicates.push(("ring_groups: duplicate number (the last row is used)", n));
            for g in groups {
                d.group_names.insert(g.number, g.name);
            }
        }
        if let Some(codes) = &ds.not_ready_codes {
            let mut idx = HashMap::default();
            let n = last_wins(&mut idx, codes.iter().map(|c| c.code));
            duplicates.push(("not_ready_codes: duplicate code (the last row is used)", n));
            for c in codes {
                d.codes.insert(c.code, (c.label, c.category));
            }
        }
        // Names from the CDR: the first entry leg (file order) of each queue / ring group.
        for (entries, names) in [(queue, &mut d.queue_names), (groups, &mut d.group_names)] {
            let mut first: HashMap<Sym, u32> = HashMap::default();
            for e in &entries.entries {
                let slot = first.entry(e.service).or_insert(e.leg);
                *slot = (*slot).min(e.leg);
            }
            for (service, leg) in first {
                names
                    .entry(service)
                    .or_insert(ds.profile(&ds.legs[leg as usize]).service_name);
            }
        }
        // Display names from the CDR: callee names of legs to the extension first, then caller
        // names of legs from it, each the first non-empty in file order.
        let mut from_caller: HashMap<Sym, Sym> = HashMap::default();
        for l in &ds.legs {
            let p = ds.profile(l);
            if p.callee_endpoint == Endpoint::EXTENSION && !l.callee_display_name.is_empty() {
                d.cdr_names.entry(l.callee).or_insert(l.callee_display_name);
            }
            if p.caller_endpoint == Endpoint::EXTENSION && !l.caller_display_name.is_empty() {
                from_caller.entry(l.caller).or_insert(l.caller_display_name);
            }
        }
        for (ext, name) in from_caller {
            d.cdr_names.entry(ext).or_insert(name);
        }
        (d, duplicates)
    }

    /// The `agents` row of an extension.
    pub fn agent<'a>(&self, ds: &'a Dataset, id: Sym) -> Option<&'a Agent> {
        let i = *self.agents.get(&id)?;
        ds.agents.as_ref().map(|a| &a[i])
    }

    /// Display name: first + last name, else the CDR display name, else the id.
    pub fn display_name<'a>(&self, ds: &'a Dataset, id: Sym) -> Cow<'a, str> {
        if let Some(a) = self.agent(ds, id) {
            let (f, l) = (ds.strings.get(a.first_name), ds.strings.get(a.last_name));
            match (f.is_empty(), l.is_empty()) {
                (false, false) => return Cow::Owned(format!("{f} {l}")),
                (false, true) => return Cow::Borrowed(f),
                (true, false) => return Cow::Borrowed(l),
                (true, true) => {}
            }
        }
        match self.cdr_names.get(&id) {
            Some(&n) => Cow::Borrowed(ds.strings.get(n)),
            None => Cow::Borrowed(ds.strings.get(id)),
        }
    }

    /// The `queues` row of a number.
    pub fn queue<'a>(&self, ds: &'a Dataset, number: Sym) -> Option<&'a QueueInfo> {
        let i = *self.queues.get(&number)?;
        ds.queues.as_ref().map(|q| &q[i])
    }

    /// A queue's name (table, else first entry's `service_name`, else empty).
    pub fn queue_name(&self, number: Sym) -> Sym {
        self.queue_names.get(&number).copied().unwrap_or(Sym::EMPTY)
    }

    /// A ring group's name (table, else first entry's `service_name`, else empty).
    pub fn group_name(&self, number: Sym) -> Sym {
        self.group_names.get(&number).copied().unwrap_or(Sym::EMPTY)
    }

    /// A not-ready code's label and category: from the table; else the code itself as label
    /// and the category its text names exactly (`LUNCH`; codes compare as written, so `lunch`
    /// is `OTHER`, SPEC §2.3), else `OTHER`.
    pub fn code<'a>(&self, ds: &'a Dataset, code: Sym) -> (&'a str, Category) {
        match self.codes.get(&code) {
            Some(&(label, cat)) => (ds.strings.get(label), cat),
            None => {
                let text = ds.strings.get(code);
                let named = Category::parse(text).filter(|c| c.name() == text);
                (text, named.unwrap_or(Category::Other))
            }
        }
    }
}

/// Fills `index` with the first position of each key; returns how many keys repeated.
/// Indexes rows by key, a later row of a key replacing an earlier one (SPEC §2.4: a dimension
/// table re-sent with corrections); returns how many were replaced.
fn last_wins(index: &mut HashMap<Sym, usize>, keys: impl Iterator<Item = Sym>) -> u64 {
    let mut dup = 0;
    for (i, k) in keys.enumerate() {
        dup += u64::from(index.insert(k, i).is_some());
    }
    dup
}

#[cfg(test)]
mod tests {
    use crate::input::tests::load_csv;
    use crate::model::rows::Category;
    use crate::model::Facts;

    #[test]
    fn display_names_fall_back_in_order() {
        let cdr = "\
session_id,caller,caller_endpoint,caller_display_name,callee,callee_endpoint,callee_display_name,service_type,service_number,service_name,started_at,ended_at
a,1003,EXTENSION,Caller Three,1004,EXTENSION,,NONE,,,10,20
b,555,TRUNK,,1003,EXTENSION,,NONE,,,10,20
c,555,TRUNK,,1002,EXTENSION,Bob (phone),NONE,,,30,40
d,555,TRUNK,,1002,EXTENSION,Bobby,NONE,,,5,40
e,555,TRUNK,,8000,QUEUE,,QUEUE,8000,Sales (CDR),50,60
f,555,TRUNK,,8001,QUEUE,,QUEUE,8001,Support,50,60
";
        let agents = "agent_id,first_name,last_name\n1001,Ann,Lee\n1002,,\n1005,,Solo\n";
        let queues = "number,name\n8000,Sales\n";
        let mut ds = load_csv(&[("cdr", cdr), ("agents", agents), ("queues", queues)]);
        let f = Facts::build(&mut ds);
        let name = |id: &str| {
            f.directory
                .display_name(&ds, ds.strings.lookup(id).unwrap())
                .into_owned()
        };
        assert_eq!(name("1001"), "Ann Lee");
        assert_eq!(
            name("1002"),
            "Bob (phone)",
            "first in file order, not the earliest call"
        );
        assert_eq!(name("1003"), "Caller Three");
        assert_eq!(name("1004"), "1004");
        assert_eq!(name("1005"), "Solo");
        let q = |n: &str| {
            ds.strings
                .get(f.directory.queue_name(ds.strings.lookup(n).unwrap()))
                .to_string()
        };
        assert_eq!(q("8000"), "Sales");
        assert_eq!(q("8001"), "Support");
    }

    #[test]
    fn codes_without_a_row_take_their_own_name() {
        let codes = "code,label,category\nB1,Coffee break,break\nM,Meeting,\n";
        let cdr = "session_id,caller,callee,started_at,ended_at\nx,1,2,1,2\n";
        let mut ds = load_csv(&[("cdr", cdr), ("not_ready_codes", codes)]);
        std::sync::Arc::make_mut(&mut ds.strings).intern("LUNCH");
        std::sync::Arc::make_mut(&mut ds.strings).intern("NAP");
        std::sync::Arc::make_mut(&mut ds.strings).intern("lunch");
        let f = Facts::build(&mut ds);
        let code = |c: &str| f.directory.code(&ds, ds.strings.lookup(c).unwrap());
        assert_eq!(code("B1"), ("Coffee break", Category::Break));
        assert_eq!(code("M"), ("Meeting", Category::Other));
        assert_eq!(code("LUNCH"), ("LUNCH", Category::Lunch));
        assert_eq!(code("NAP"), ("NAP", Category::Other));
        assert_eq!(
            code("lunch"),
            ("lunch", Category::Other),
            "compared as written"
        );
        assert_eq!(code(""), ("", Category::Other));
    }
}
