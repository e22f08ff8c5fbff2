//! Ratios as the formulas of SPEC §4 define them. A percentage or an average keeps its two sums
//! until it is shown, so every output — report cell, query JSON, and anything else that prints a
//! figure — rounds the same value the same way: half up, in hundredths or whole seconds.

use crate::reports::table::{div_half_up, Cell};

/// `part / whole` as a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    /// The numerator.
    pub part: i64,
    /// The denominator.
    pub whole: i64,
}

impl Percent {
    /// `part / whole`.
    pub fn of(part: i64, whole: i64) -> Percent {
        Percent { part, whole }
    }

    /// Hundredths of a percent, half up (`2/3` → `6667`); `None` over nothing.
    pub fn hundredths(self) -> Option<i64> {
        (self.whole != 0).then(|| div_half_up(self.part * 10_000, self.whole))
    }
}

/// `sum / count` in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Average {
    /// The summed seconds.
    pub sum: i64,
    /// How many were summed.
    pub count: i64,
}

impl Average {
    /// `sum / count`.
    pub fn of(sum: i64, count: i64) -> Average {
        Average { sum, count }
    }

    /// Whole seconds, half up (`41/2` → `21`); `None` over nothing.
    pub fn secs(self) -> Option<i64> {
        (self.count != 0).then(|| div_half_up(self.sum, self.count))
    }
}

/// The handle-time figures of answered work, defined once for a queue's entries (`QueueAcc`)
/// and an agent's (`Handling`): each type says what it summed, the formulas are here.
pub trait HandleTimes {
    /// Answered entries.
    fn accepted(&self) -> i64;
    /// Ring of the answering offers.
    fn ring(&self) -> i64;
    /// Talk of the answered entries.
    fn talk(&self) -> i64;
    /// Wrap-up of the answered entries.
    fn wrap(&self) -> i64;

    /// Average ring: ring / accepted.
    fn avg_ring_secs(&self) -> Average {
        Average::of(self.ring(), self.accepted())
    }

    /// ATT: talk / accepted.
    fn att_secs(&self) -> Average {
        Average::of(self.talk(), self.accepted())
    }

    /// Average wrap-up: wrap-up / accepted.
    fn avg_wrap_secs(&self) -> Average {
        Average::of(self.wrap(), self.accepted())
    }

    /// AHT: (talk + wrap-up) / accepted.
    fn aht_secs(&self) -> Average {
        Average::of(self.talk() + self.wrap(), self.accepted())
    }
}

/// Implements `HandleTimes` for an accumulator with `accepted`, `ring`, `talk` and `wrap` fields.
macro_rules! handle_times {
    ($ty:ty) => {
        impl $crate::reports::measure::HandleTimes for $ty {
            fn accepted(&self) -> i64 {
                self.accepted
            }
            fn ring(&self) -> i64 {
                self.ring
            }
            fn talk(&self) -> i64 {
                self.talk
            }
            fn wrap(&self) -> i64 {
                self.wrap
            }
        }
    };
}
pub(crate) use handle_times;

/// A report cell: the percentage, empty over nothing.
impl From<Percent> for Cell<'static> {
    fn from(p: Percent) -> Self {
        p.hundredths().map_or(Cell::Empty, Cell::Pct)
    }
}

/// A report cell: the average, empty over nothing.
impl From<Average> for Cell<'static> {
    fn from(a: Average) -> Self {
        a.secs().map_or(Cell::Empty, Cell::Secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_half_up_and_empty_over_nothing() {
        assert_eq!(Percent::of(2, 3).hundredths(), Some(6667));
        assert_eq!(Percent::of(1, 800).hundredths(), Some(13), "0.125 → 0.13");
        assert_eq!(Percent::of(1, 0).hundredths(), None);
        assert_eq!(Average::of(41, 2).secs(), Some(21), "20.5 → 21");
        assert_eq!(Average::of(7, 0).secs(), None);
        assert_eq!(Cell::from(Percent::of(1, 5)), Cell::Pct(2000));
        assert_eq!(Cell::from(Average::of(5, 0)), Cell::Empty);
    }
}
