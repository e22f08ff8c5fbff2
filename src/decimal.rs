//! Exact money: costs are fixed-point decimals, summed as integers and rounded half up once.

use std::fmt::Write;

/// Fractional digits kept exactly. More than this in an input cell is an error, never a
/// silent rounding.
pub const SCALE_DIGITS: u32 = 9;
const SCALE: i64 = 10i64.pow(SCALE_DIGITS);

/// A decimal amount in units of 10⁻⁹.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal(pub i64);

/// A running sum of decimals that cannot overflow in practice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecimalSum(pub i128);

impl Decimal {
    /// Reads `12`, `-0.5`, `3.1400`; no exponents, at most nine fractional digits.
    pub fn parse(text: &str) -> Result<Decimal, String> {
        let t = text.trim();
        let bad = || format!("invalid decimal \"{text}\"");
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > SCALE_DIGITS as usize {
            return Err(format!(
                "decimal \"{text}\" has more than {SCALE_DIGITS} fractional digits"
            ));
        }
        let mut value: i64 = 0;
        for b in int.bytes() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or_else(bad)?;
        }
        let mut f: i64 = 0;
        for b in frac.bytes() {
            f = f * 10 + i64::from(b - b'0');
        }
        f *= 10i64.pow(SCALE_DIGITS - frac.len() as u32);
        let v = value
            .checked_mul(SCALE)
            .and_then(|v| v.checked_add(f))
            .ok_or_else(bad)?;
        Ok(Decimal(if neg { -v } else { v }))
    }

    /// Printed with four decimals, rounded half away from zero (`0.00005` → `0.0001`).
    pub fn format4(self) -> String {
        DecimalSum(i128::from(self.0)).format4()
    }
}

impl DecimalSum {
    /// Adds one amount.
    pub fn add(&mut self, d: Decimal) {
        self.0 += i128::from(d.0);
    }

    /// Combines two partial sums.
    pub fn merge(&mut self, other: DecimalSum) {
        self.0 += other.0;
    }

    /// Printed with four decimals, rounded half away from zero.
    pub fn format4(self) -> String {
        const STEP: i128 = 10i128.pow(SCALE_DIGITS - 4);
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let units = (abs + (STEP as u128) / 2) / STEP as u128;
        let mut s = String::new();
        if neg && units != 0 {
            s.push('-');
        }
        let _ = write!(s, "{}.{:04}", units / 10_000, units % 10_000);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(Decimal::parse("1.5"), Ok(Decimal(1_500_000_000)));
        assert_eq!(Decimal::parse("-0.000000001"), Ok(Decimal(-1)));
        assert_eq!(Decimal::parse(".25"), Ok(Decimal(250_000_000)));
        assert_eq!(Decimal::parse("7"), Ok(Decimal(7_000_000_000)));
        assert!(Decimal::parse("1e-4").is_err());
        assert!(Decimal::parse("abc").is_err());
        assert!(Decimal::parse(".").is_err());
        assert!(Decimal::parse("0.1234567891").is_err());
    }

    #[test]
    fn prints_four_decimals_half_up() {
        assert_eq!(Decimal::parse("0.00005").unwrap().format4(), "0.0001");
        assert_eq!(Decimal::parse("0.00004999").unwrap().format4(), "0.0000");
        assert_eq!(Decimal::parse("12").unwrap().format4(), "12.0000");
        assert_eq!(Decimal::parse("-1.23455").unwrap().format4(), "-1.2346");
        assert_eq!(Decimal::parse("-0.00001").unwrap().format4(), "0.0000");
    }

    #[test]
    fn sums_are_exact_where_floats_are_not() {
        // 0.1 + 0.2 is 0.30000000000000004 in f64; here it is 0.3 exactly.
        let mut s = DecimalSum::default();
        s.add(Decimal::parse("0.1").unwrap());
        s.add(Decimal::parse("0.2").unwrap());
        assert_eq!(s, DecimalSum(300_000_000));
        // Ten thousand half-cent-and-a-bit amounts, rounded once at the end.
        let mut t = DecimalSum::default();
        for _ in 0..10_000 {
            t.add(Decimal::parse("0.00015").unwrap());
        }
        assert_eq!(t.format4(), "1.5000");
    }
}
