//! One module per subcommand: each turns a `Config` into output, using the library's pieces.
//! What several commands share — reading the dataset into facts, printing its quality — is
//! here, so no command imports another.

pub mod build;
pub mod jobs;
pub mod logs;
pub mod query;
pub mod run;
pub mod sample;
pub mod validate;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::input::{self, LoadOptions};
use crate::model::agents::{AgentsOnly, Timeline};
use crate::model::{Dataset, Facts};
use crate::reports::spec::{AgentTime, Figure};
use crate::reports::{compute, Ctx, Period, Request};
use crate::time::Ts;

/// The period an HTML report over `[from, to)` compares with, and that period's window (the
/// read must cover it too).
pub fn previous_period(
    kind: crate::reports::ReportKind,
    range: crate::reports::params::TimeRange,
    (from, to, tz): (Ts, Ts, chrono_tz::Tz),
    now: Ts,
) -> ((Ts, Ts), (Ts, Ts)) {
    let (pf, pt) = crate::schedule::previous(range, from, to, tz);
    ((pf, pt), crate::reports::window(kind, pf, pt, now))
}

/// The dataset read once, its facts, and the agent timelines as of each "now" a command needs.
pub struct Prepared {
    /// The dataset.
    pub ds: Dataset,
    /// Its derived facts (SPEC §3).
    pub facts: Facts,
    /// Agent time as of each "now".
    pub timelines: BTreeMap<Ts, Timeline>,
    /// The raw agent rows are kept, so timelines can be built as they are needed (`ensure`).
    lazy: bool,
    /// Whether timelines hold every state interval or only wrap-up (`LoadOptions::agent_time`).
    states: bool,
    /// For reports that read no agent time.
    none: Timeline,
    /// The legs' indices by `started_at` (then file order): a window's legs are a range.
    by_start: Vec<u32>,
}

/// The rows of one report's window and their facts (SPEC §3), when they are not the whole read.
pub struct Slice {
    /// The window's rows.
    pub ds: Dataset,
    /// Their facts.
    pub facts: Facts,
}

impl Prepared {
    /// Reads `dir` and derives the facts and a timeline per "now". The timelines come first,
    /// built from the agent tables before the CDR is read; the raw agent rows are freed then,
    /// so they never take memory at the same time as the legs.
    pub fn load(dir: &Path, opts: LoadOptions, nows: impl IntoIterator<Item = Ts>) -> Result<Self> {
        let states = opts.agent_time == AgentTime::States;
        let (mut ds, timelines) = input::load_staged(dir, opts, |ds| {
            let timelines: BTreeMap<Ts, AgentsOnly> = (nows.into_iter())
                .map(|now| (now, Timeline::of_agents(ds, now, states)))
                .collect();
            ds.release_agent_rows();
            timelines
        })?;
        let timelines = (timelines.into_iter())
            .map(|(now, t)| (now, t.with_calls(&ds)))
            .collect();
        let facts = Facts::build(&mut ds);
        Ok(Prepared {
            by_start: by_start(&ds),
            ds,
            facts,
            timelines,
            lazy: false,
            states,
            none: Timeline::default(),
        })
    }

    /// Reads `dir` and derives the facts, keeping the raw agent rows so that timelines are built
    /// a few at a time (`ensure`, `forget`): a catch-up of thousands of fires never holds
    /// thousands of timelines.
    pub fn load_lazy(dir: &Path, opts: LoadOptions) -> Result<Self> {
        let states = opts.agent_time == AgentTime::States;
        let mut ds = input::load(dir, opts)?;
        let facts = Facts::build(&mut ds);
        Ok(Prepared {
            by_start: by_start(&ds),
            ds,
            facts,
            timelines: BTreeMap::new(),
            lazy: true,
            states,
            none: Timeline::default(),
        })
    }

    /// The rows of the window `[from, to)` with their facts, or `None` when the window holds
    /// every leg read (its rows and facts are then the prepared ones: the slice would be a
    /// copy, and agent sessions are never sliced).
    pub fn slice(&self, (from, to): (Ts, Ts)) -> Option<Slice> {
        let range = self.leg_range(from, to);
        if range.len() == self.ds.legs.len() {
            return None;
        }
        let mut legs = self.by_start[range].to_vec();
        legs.sort_unstable();
        let ds = self.ds.slice(from, to, &legs);
        let (facts, _counted_already) = Facts::derive(&ds);
        Some(Slice { ds, facts })
    }

    /// The positions in `by_start` of the legs starting in `[from, to)`.
    fn leg_range(&self, from: Ts, to: Ts) -> std::ops::Range<usize> {
        let start = |k: &u32| self.ds.legs[*k as usize].started_at;
        let a = self.by_start.partition_point(|k| start(k) < from);
        let b = self.by_start.partition_point(|k| start(k) < to);
        a..b
    }

    /// The data-quality counts of a report whose window is `[from, to)` (SPEC §3).
    /// `agent`: whether the report reads the agent tables.
    pub fn quality(&self, (from, to): (Ts, Ts), agent: bool) -> crate::model::quality::Quality {
        let legs = self.leg_range(from, to).len() as u64;
        self.ds.quality_within(from, to, legs, agent)
    }

    /// Builds the timelines of these "nows" that are missing (a lazily prepared dataset).
    pub fn ensure(&mut self, nows: impl IntoIterator<Item = Ts>) {
        if self.lazy {
            for now in nows {
                if !self.timelines.contains_key(&now) {
                    let timeline = Timeline::build(&self.ds, now, self.states);
                    self.timelines.insert(now, timeline);
                }
            }
        }
    }

    /// The headline figures of the period an HTML page compares with (SPEC §6.1), computed
    /// from that period's own window; `None` when it had no data. `window`: its window, from
    /// `previous_window`, which the read must have covered.
    pub fn previous_figures(
        &self,
        req: &Request,
        (from, to, tz): (Ts, Ts, chrono_tz::Tz),
        window: (Ts, Ts),
        now: Ts,
        agent_time: bool,
    ) -> Result<Option<Vec<Figure>>> {
        let slice = self.slice(window);
        let ctx = self.ctx(slice.as_ref(), Period { from, to, tz }, now, agent_time);
        let table = compute(&ctx, req)?;
        let figures = (req.kind.spec().headline)(&table);
        Ok((!crate::reports::spec::no_data(&table, &figures)).then_some(figures))
    }

    /// Frees the timelines built by `ensure`.
    pub fn forget(&mut self) {
        if self.lazy {
            self.timelines.clear();
        }
    }

    /// What a report over `period` as of `now` reads. A report that reads agent time needs the
    /// timeline of `now` (given to `load`, or built by `ensure`).
    /// `slice`: the report's window's rows, from `Prepared::slice` (`None`: the whole read).
    pub fn ctx<'a>(
        &'a self,
        slice: Option<&'a Slice>,
        period: Period,
        now: Ts,
        agent_time: bool,
    ) -> Ctx<'a> {
        let timeline = if agent_time {
            &self.timelines[&now]
        } else {
            self.timelines.get(&now).unwrap_or(&self.none)
        };
        let (ds, facts) = match slice {
            Some(s) => (&s.ds, &s.facts),
            None => (&self.ds, &self.facts),
        };
        Ctx {
            ds,
            facts,
            timeline,
            period,
            now,
        }
    }

    /// Warns when no leg starts in `[from, to + 24 h)`: the data may not have arrived (SPEC
    /// §5.4). `build` and `query` compute anyway; a `run` defers such a fire instead.
    pub fn warn_if_no_data(
        &self,
        from: Ts,
        to: Ts,
        tz: chrono_tz::Tz,
        err: &mut dyn Write,
    ) -> Result<()> {
        let arrived =
            crate::plan::Arrival::new(self.ds.legs.iter().map(|l| l.started_at).collect(), None);
        if arrived.defers(from, to) {
            writeln!(
                err,
                "warning: no call starts at or after {} in the data: the period's export may \
                 not have arrived yet",
                crate::time::format_rfc3339(from, tz)
            )
            .map_err(Error::stderr)?;
        }
        Ok(())
    }

    /// Prints skipped rows and warnings on stderr, one line per kind.
    pub fn report_quality(&self, err: &mut dyn Write) -> Result<()> {
        let q = &self.ds.quality;
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        for (reason, &n) in &q.skipped {
            writeln!(err, "skipped: {n} row{} ({reason})", plural(n)).map_err(Error::stderr)?;
        }
        for (kind, &n) in &q.warnings {
            writeln!(err, "warning: {kind} ({n} time{})", plural(n)).map_err(Error::stderr)?;
        }
        Ok(())
    }
}

/// The legs' indices sorted by `started_at`, then file order.
fn by_start(ds: &Dataset) -> Vec<u32> {
    use rayon::prelude::*;
    let mut order: Vec<u32> = (0..ds.legs.len() as u32).collect();
    order.par_sort_unstable_by_key(|&i| (ds.legs[i as usize].started_at, i));
    order
}

/// Progress on a terminal (SPEC §1): a spinner while the dataset is read, then a bar of the
/// reports done. Drawn straight on stderr, and only when stderr is a terminal, so it never
/// reaches a pipe, a log file or CI; a hidden bar when not.
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// Reading `dir` (its size in the message).
    pub fn reading(show: bool, dir: &Path) -> Progress {
        let bar = if show {
            indicatif::ProgressBar::new_spinner()
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_message(format!("reading {} of data", megabytes(dir_size(dir))));
        bar.tick();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress { bar }
    }

    /// The reading is done: `total` reports to compute.
    pub fn computing(&self, total: usize) {
        self.bar.disable_steady_tick();
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            indicatif::ProgressStyle::with_template(
                "computing {bar:30} {pos}/{len} reports ({elapsed})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        self.bar.tick();
    }

    /// Runs `f` (which prints on stderr) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// One more report done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Removes the bar before the summary line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The bytes of the files in `dir` and its table directories.
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        match e.metadata() {
            Ok(m) if m.is_dir() => total += dir_size(&e.path()),
            Ok(m) => total += m.len(),
            Err(_) => {}
        }
    }
    total
}
