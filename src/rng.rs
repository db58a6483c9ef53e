//! Portable random numbers, keyed so that unrelated randomness never shifts.
//!
//! Every draw is identified by (seed, replication, traffic stream, purpose)
//! and, for per-message draws, the message's index within its stream. So a
//! change to one parameter (say `message_expiry`) leaves every arrival and
//! every delay of every message where it was: sweep points are paired.
//! Sampling uses our own functions over `libm`, bit-identical everywhere.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a strong 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a random draw is for; each purpose has its own stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Arrival,
    Carrier,
    Processing,
    Delivery,
    Undelivered,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Arrival => "arrival",
            Purpose::Carrier => "carrier",
            Purpose::Processing => "processing",
            Purpose::Delivery => "delivery",
            Purpose::Undelivered => "undelivered",
        }
    }
}

/// The key of one random stream.
pub fn stream_key(seed: u64, replication: u32, stream: &str, purpose: Purpose) -> u64 {
    // FNV-1a over the parts, then mixed: stable across platforms and versions.
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        h ^= 0xFF;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    };
    eat(&seed.to_le_bytes());
    eat(&replication.to_le_bytes());
    eat(stream.as_bytes());
    eat(purpose.name().as_bytes());
    mix(h)
}

/// A uniform in [0, 1) from the top 53 bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Counter-based draws: the `j`-th uniform of message `i` of one stream and
/// purpose, independent of every other message.
#[derive(Clone, Copy, Debug)]
pub struct Draws {
    key: u64,
}

impl Draws {
    pub fn new(key: u64) -> Draws {
        Draws { key }
    }

    pub fn uniform(&self, i: u64, j: u64) -> f64 {
        unit(mix(self.key.wrapping_add(
            i.wrapping_mul(4).wrapping_add(j + 1).wrapping_mul(GAMMA),
        )))
    }
}

/// A sequential stream (Xoshiro256++), for arrival gaps.
#[derive(Clone, Debug)]
pub struct Sequence(Xoshiro256PlusPlus);

impl Sequence {
    pub fn new(key: u64) -> Sequence {
        Sequence(Xoshiro256PlusPlus::seed_from_u64(key))
    }
    pub fn uniform(&mut self) -> f64 {
        unit(self.0.next_u64())
    }
}

/// An exponential variate with mean 1, by inversion.
pub fn exp1(u: f64) -> f64 {
    -libm::log(1.0 - u)
}

/// A standard normal variate from two uniforms (Box–Muller).
pub fn std_normal(u1: f64, u2: f64) -> f64 {
    libm::sqrt(-2.0 * libm::log(1.0 - u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden values: a change here changes every published result.
    #[test]
    fn streams_are_stable() {
        let key = stream_key(42, 0, "otp", Purpose::Arrival);
        assert_eq!(key, stream_key(42, 0, "otp", Purpose::Arrival));
        assert_ne!(key, stream_key(42, 1, "otp", Purpose::Arrival));
        assert_ne!(key, stream_key(42, 0, "otp", Purpose::Delivery));
        let mut seq = Sequence::new(key);
        let first: Vec<f64> = (0..3).map(|_| seq.uniform()).collect();
        let again: Vec<f64> = {
            let mut s = Sequence::new(key);
            (0..3).map(|_| s.uniform()).collect()
        };
        assert_eq!(first, again);
        let d = Draws::new(key);
        assert_eq!(d.uniform(7, 0), Draws::new(key).uniform(7, 0));
        assert_ne!(d.uniform(7, 0), d.uniform(7, 1));
        let golden = (
            key,
            first[0].to_bits(),
            d.uniform(7, 0).to_bits(),
            exp1(first[1]).to_bits(),
        );
        assert_eq!(
            golden, GOLDEN,
            "a random stream changed: every published result would change"
        );
    }

    /// Key of (42, 0, "otp", arrival); its first uniform; draw (7, 0); exp1 of the second uniform.
    const GOLDEN: (u64, u64, u64, u64) = (
        8358827275732729603,
        4606119798547137986,
        4602195945108845192,
        4601598598482698213,
    );

    #[test]
    fn uniforms_look_uniform() {
        let d = Draws::new(stream_key(1, 0, "s", Purpose::Carrier));
        let n = 100_000;
        let mean: f64 = (0..n).map(|i| d.uniform(i, 0)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        let e: f64 = (0..n).map(|i| exp1(d.uniform(i, 1))).sum::<f64>() / n as f64;
        assert!((e - 1.0).abs() < 0.02, "exp mean {e}");
        let z: Vec<f64> = (0..n)
            .map(|i| std_normal(d.uniform(i, 2), d.uniform(i, 3)))
            .collect();
        let zm = z.iter().sum::<f64>() / n as f64;
        let zv = z.iter().map(|x| x * x).sum::<f64>() / n as f64;
        assert!(
            zm.abs() < 0.02 && (zv - 1.0).abs() < 0.02,
            "normal {zm} {zv}"
        );
    }
}
