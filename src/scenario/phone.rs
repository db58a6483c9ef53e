//! Phone numbers of senders and recipients (MODEL §10): made up, but
//! deterministic and distinct, so message detail records read like real ones
//! and the same recipient always has the same number.
//!
//! The k-th number of a pool is an affine permutation of k over the pool's
//! number space, keyed by the seed and the pool's name: distinct for every k
//! below the space's size, and unrelated between pools.

use crate::scenario::model::NumberType;
use crate::scenario::rate::gcd;
use crate::scenario::rng::{Draws, Purpose, stream_key};
use std::fmt;

/// A number as the send API takes it: E.164 digits, or a short code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Address {
    /// Country code and national number, without the `+`.
    E164(u64),
    /// A short code, dialled within its country.
    ShortCode(u32),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::E164(digits) => write!(f, "+{digits}"),
            Address::ShortCode(code) => write!(f, "{code}"),
        }
    }
}

impl Address {
    /// Parses `+14155550100`, `14155550100` or a short code of 5 or 6
    /// digits; `None` for anything else.
    pub fn parse(text: &str) -> Option<Address> {
        let digits = text.trim().strip_prefix('+').unwrap_or(text.trim());
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
            return None;
        }
        match digits.len() {
            5 | 6 if !text.trim().starts_with('+') => digits.parse().ok().map(Address::ShortCode),
            8..=15 => digits.parse().ok().map(Address::E164),
            _ => None,
        }
    }

    /// Whether it is a phone number of calling code `code`: `+1` and ten
    /// digits for North America, else the code and four to fourteen more
    /// (E.164's fifteen at most).
    pub fn has_calling_code(&self, code: u64) -> bool {
        let Address::E164(digits) = self else { return false };
        let (text, code) = (digits.to_string(), code.to_string());
        text.starts_with(&code) && if code == "1" { text.len() == 11 } else { text.len() >= code.len() + 4 }
    }

    /// As the provider shows a number it does not store: its last three
    /// digits replaced by `***` (`+12025550123` → `+12025550***`).
    pub fn redacted(&self) -> String {
        let shown = self.to_string();
        let keep = shown.len().saturating_sub(3);
        format!("{}***", &shown[..keep])
    }
}

/// The numbers of one pool: a country code and a national number space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pool {
    /// Calling code (1 for the US and Canada).
    code: u64,
    /// The national numbers: the k-th is index (a·k + b) mod size of `shape`.
    shape: Shape,
    a: u64,
    b: u64,
}

/// How an index in a number space becomes a national number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// North American: area code (N is 2 to 9, not N11, not toll-free),
    /// NXX exchange, four-digit line.
    Nanp,
    /// North American toll-free: 8XX-NXX-XXXX with XX one of 00, 33, …, 88.
    TollFree,
    /// Short codes 10000 to 999999.
    ShortCode,
    /// A national number of this many digits, not starting with 0.
    Digits(u32),
    /// A mobile number: this leading digit, then this many more.
    Mobile(u64, u32),
}

impl Shape {
    fn size(self) -> u64 {
        match self {
            Shape::Nanp => AREA_CODES.len() as u64 * 800 * 10_000,
            Shape::TollFree => 7 * 8 * 100 * 10_000,
            Shape::ShortCode => 990_000,
            Shape::Digits(n) => 9 * 10u64.pow(n - 1),
            Shape::Mobile(_, n) => 10u64.pow(n),
        }
    }

    /// The national number of index `i` (below [`Shape::size`]) and its digits.
    fn national(self, i: u64) -> (u64, u32) {
        match self {
            Shape::Nanp => {
                let (line, rest) = (i % 10_000, i / 10_000);
                let (exchange, area) = (rest % 800 + 200, u64::from(AREA_CODES[(rest / 800) as usize]));
                ((area * 1000 + exchange) * 10_000 + line, 10)
            }
            Shape::TollFree => {
                let (line, rest) = (i % 10_000, i / 10_000);
                let (exchange, prefix) = (rest % 800 + 200, u64::from(TOLL_FREE[(rest / 800) as usize]));
                ((prefix * 1000 + exchange) * 10_000 + line, 10)
            }
            Shape::ShortCode => (10_000 + i, 0),
            Shape::Digits(n) => (10u64.pow(n - 1) + i, n),
            Shape::Mobile(lead, n) => (lead * 10u64.pow(n) + i, n + 1),
        }
    }
}

/// Who a stream's messages go to (MODEL §10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destinations {
    /// Each message to a recipient of its own.
    Own,
    /// Each message to one of this many recipients, drawn.
    Drawn(u64),
    /// These numbers (`dst` lists): message i to the (i mod n)-th.
    Listed(std::sync::Arc<[Address]>),
}

/// Which recipient each message of a stream goes to: drawn by (seed,
/// stream, message), the same in every replication.
#[derive(Clone, Debug)]
pub(crate) struct Recipients {
    draws: Draws,
    destinations: Destinations,
    /// Where drawn recipients' numbers come from.
    pool: Pool,
}

impl Recipients {
    /// The recipients of `stream`, whose numbers have calling code `code`.
    pub(crate) fn new(seed: u64, stream: &str, destinations: &Destinations, code: u64) -> Recipients {
        let draws = Draws::new(stream_key(seed, 0, stream, Purpose::Recipient));
        Recipients { draws, destinations: destinations.clone(), pool: Pool::recipients(seed, stream, code) }
    }

    /// The recipient of message `index`: a message of its own, one drawn, or
    /// its place in the list.
    pub(crate) fn of(&self, index: u64) -> u64 {
        match &self.destinations {
            Destinations::Own => index,
            Destinations::Drawn(n) => ((self.draws.uniform(index, 1) * *n as f64) as u64).min(n - 1),
            Destinations::Listed(list) => index % list.len() as u64,
        }
    }

    /// The number message `index` goes to.
    pub(crate) fn address(&self, index: u64) -> Address {
        match &self.destinations {
            Destinations::Listed(list) => list[self.of(index) as usize],
            _ => self.pool.number(self.of(index)),
        }
    }
}

/// Toll-free area codes (8XX with a doubled digit), not a mobile's.
const TOLL_FREE: [u16; 7] = [800, 833, 844, 855, 866, 877, 888];

/// Area codes a North American mobile number may have: 200 to 999, less
/// the N11 service codes and the toll-free ones.
const AREA_CODES: [u16; 785] = {
    let mut out = [0u16; 785];
    let (mut code, mut n) = (200u16, 0);
    while code <= 999 {
        let n11 = code % 100 == 11;
        let mut toll_free = false;
        let mut k = 0;
        while k < TOLL_FREE.len() {
            toll_free |= TOLL_FREE[k] == code;
            k += 1;
        }
        if !n11 && !toll_free {
            out[n] = code;
            n += 1;
        }
        code += 1;
    }
    out
};

impl Pool {
    /// The numbers named `name` (a sender's id or a stream's name, by
    /// `purpose`) of calling code `code`, shaped as `number_type` numbers.
    fn new(seed: u64, name: &str, purpose: Purpose, code: u64, shape: Shape) -> Pool {
        let key = stream_key(seed, 0, name, purpose);
        let size = shape.size();
        let mut a = ((key >> 32) % size) | 1;
        while gcd(a.into(), size.into()) != 1 {
            a += 2;
        }
        Pool { code, shape, a, b: key % size }
    }

    /// The pool of a sender's own numbers.
    pub(crate) fn sender(seed: u64, id: &str, code: u64, number_type: NumberType) -> Pool {
        let shape = match (code, number_type) {
            (_, NumberType::ShortCode) => Shape::ShortCode,
            (1, NumberType::TollFree) => Shape::TollFree,
            _ => Self::mobile(code),
        };
        Pool::new(seed, id, Purpose::SenderNumber, code, shape)
    }

    /// The pool a stream's recipients are drawn from.
    fn recipients(seed: u64, stream: &str, code: u64) -> Pool {
        Pool::new(seed, stream, Purpose::Recipient, code, Self::mobile(code))
    }

    /// Mobile numbers of calling code `code`: North American, British
    /// (07 and nine digits), or nine digits elsewhere.
    fn mobile(code: u64) -> Shape {
        match code {
            1 => Shape::Nanp,
            44 => Shape::Mobile(7, 9),
            _ => Shape::Digits(9),
        }
    }

    /// The pool's `k`-th number: distinct from every other below the
    /// space's size, then repeating.
    pub(crate) fn number(&self, k: u64) -> Address {
        let size = self.shape.size();
        let i = ((self.a as u128 * (k % size) as u128 + self.b as u128) % size as u128) as u64;
        let (national, digits) = self.shape.national(i);
        match self.shape {
            Shape::ShortCode => Address::ShortCode(national as u32),
            _ => Address::E164(self.code * 10u64.pow(digits) + national),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_all_but_the_last_three_digits() {
        assert_eq!(Address::parse("+12025550123").unwrap().redacted(), "+12025550***");
        assert_eq!(Address::parse("12025550123"), Address::parse("+12025550123"));
        assert_eq!(Address::parse("55123").unwrap().redacted(), "55***");
        for bad in ["", "+", "0123456789", "12a4567890", "+1234", "1234567890123456"] {
            assert_eq!(Address::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn pool_numbers_are_distinct_and_well_formed() {
        let pool = Pool::recipients(7, "otp", 1);
        let mut seen: Vec<Address> = (0..20_000).map(|k| pool.number(k)).collect();
        for a in &seen {
            let s = a.to_string();
            assert_eq!(s.len(), 12, "{s}");
            assert!(s.starts_with("+1") && s.as_bytes()[2] >= b'2' && s.as_bytes()[5] >= b'2', "{s}");
            let area: u16 = s[2..5].parse().unwrap();
            assert!(area % 100 != 11 && !TOLL_FREE.contains(&area), "{s}");
            assert!(a.has_calling_code(1));
        }
        assert_eq!(AREA_CODES.last(), Some(&999), "the table is full");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 20_000);
        assert_ne!(Pool::recipients(8, "otp", 1).number(0), pool.number(0), "keyed by the seed");
        let tf = Pool::sender(7, "tf", 1, NumberType::TollFree).number(3).to_string();
        assert!(["+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888"].contains(&&tf[..5]), "{tf}");
        let sc = Pool::sender(7, "sc", 1, NumberType::ShortCode).number(0);
        assert!(matches!(sc, Address::ShortCode(10_000..=999_999)));
        let gb = Pool::recipients(7, "uk", 44).number(5).to_string();
        assert!(gb.starts_with("+447") && gb.len() == 13, "{gb}");
    }
}
