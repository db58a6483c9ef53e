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
pub(crate) enum Purpose {
    Arrival,
    Carrier,
    Processing,
    Delivery,
    Undelivered,
    /// A sender pool's phone numbers.
    SenderNumber,
    /// Which recipient each message goes to, and their numbers.
    Recipient,
    /// Message UUIDs of the detail records.
    Uuid,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Arrival => "arrival",
            Purpose::Carrier => "carrier",
            Purpose::Processing => "processing",
            Purpose::Delivery => "delivery",
            Purpose::Undelivered => "undelivered",
            Purpose::SenderNumber => "sender-number",
            Purpose::Recipient => "recipient",
            Purpose::Uuid => "uuid",
        }
    }
}

/// The key of one random stream.
pub(crate) fn stream_key(seed: u64, replication: u32, stream: &str, purpose: Purpose) -> u64 {
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

/// A uniform in [0, 1) from the top 53 bits. They are converted as a
/// signed number, which they fit exactly: one instruction, where an
/// unsigned 64-bit conversion takes several and a branch.
fn unit(bits: u64) -> f64 {
    ((bits >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Counter-based draws: the `j`-th uniform of message `i` of one stream and
/// purpose, independent of every other message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Draws {
    key: u64,
}

impl Draws {
    pub(crate) fn new(key: u64) -> Draws {
        Draws { key }
    }

    pub(crate) fn uniform(&self, i: u64, j: u64) -> f64 {
        unit(self.bits(i, j))
    }

    /// The `j`-th 64 random bits of message `i` (`j` below 4).
    pub(crate) fn bits(&self, i: u64, j: u64) -> u64 {
        mix(self.key.wrapping_add(i.wrapping_mul(4).wrapping_add(j + 1).wrapping_mul(GAMMA)))
    }

    /// The draws of attempt `number` of each message: the first attempt's
    /// are these, a retry's its own, keyed by (message, attempt).
    pub(crate) fn attempt(self, number: u32) -> Draws {
        if number == 0 { self } else { Draws { key: mix(self.key ^ u64::from(number).wrapping_mul(GAMMA)) } }
    }
}

/// A sequential stream (Xoshiro256++), for arrival gaps.
#[derive(Clone, Debug)]
pub(crate) struct Sequence(Xoshiro256PlusPlus);

impl Sequence {
    pub(crate) fn new(key: u64) -> Sequence {
        Sequence(Xoshiro256PlusPlus::seed_from_u64(key))
    }
    pub(crate) fn uniform(&mut self) -> f64 {
        unit(self.0.next_u64())
    }

    /// An exponential variate with mean 1, by the ziggurat method: one
    /// 64-bit draw and no logarithm in about 99 % of cases.
    #[inline(always)]
    pub(crate) fn exp1(&mut self) -> f64 {
        let z = ziggurat();
        loop {
            let bits = self.0.next_u64();
            let i = (bits & 0xFF) as usize;
            let x = unit(bits) * z.x[i];
            if x < z.x[i + 1] {
                return x;
            }
            if i == 0 {
                return ZIG_R + exp1(self.uniform());
            }
            if z.f[i + 1] + (z.f[i] - z.f[i + 1]) * self.uniform() < libm::exp(-x) {
                return x;
            }
        }
    }
}

/// Start of the exponential ziggurat's tail (Marsaglia and Tsang, 256 layers).
const ZIG_R: f64 = 7.697_117_470_131_05;
/// Area of each layer.
const ZIG_V: f64 = 0.003_949_659_822_581_557;

/// Layer edges (decreasing, `x[256] = 0`) and the density at each.
struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

/// Built once with `libm`, so identical on every machine.
fn ziggurat() -> &'static Ziggurat {
    static Z: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
    Z.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIG_V / libm::exp(-ZIG_R);
        x[1] = ZIG_R;
        for i in 2..256 {
            x[i] = -libm::log(ZIG_V / x[i - 1] + libm::exp(-x[i - 1]));
        }
        x[256] = 0.0;
        let f = x.map(|v| libm::exp(-v));
        Ziggurat { x, f }
    })
}

/// An exponential variate with mean 1, by inversion.
pub(crate) fn exp1(u: f64) -> f64 {
    -libm::log(1.0 - u)
}

/// A standard normal variate from two uniforms (Box–Muller).
pub(crate) fn std_normal(u1: f64, u2: f64) -> f64 {
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
        let zig: Vec<u64> = {
            let mut s = Sequence::new(key);
            (0..3).map(|_| s.exp1().to_bits()).collect()
        };
        let golden = (key, first[0].to_bits(), d.uniform(7, 0).to_bits(), exp1(first[1]).to_bits(), zig[2]);
        assert_eq!(golden, GOLDEN, "a random stream changed: every published result would change");
    }

    /// Key of (42, 0, "otp", arrival); its first uniform; draw (7, 0); exp1 of
    /// the second uniform; the third ziggurat exponential.
    const GOLDEN: (u64, u64, u64, u64, u64) =
        (8358827275732729603, 4606119798547137986, 4602195945108845192, 4601598598482698213, 4605333261182188868);

    #[test]
    fn uniforms_look_uniform() {
        let d = Draws::new(stream_key(1, 0, "s", Purpose::Carrier));
        let n = 100_000;
        let mean: f64 = (0..n).map(|i| d.uniform(i, 0)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        let e: f64 = (0..n).map(|i| exp1(d.uniform(i, 1))).sum::<f64>() / n as f64;
        assert!((e - 1.0).abs() < 0.02, "exp mean {e}");
        let mut seq = Sequence::new(stream_key(1, 0, "s", Purpose::Arrival));
        let zig: Vec<f64> = (0..n).map(|_| seq.exp1()).collect();
        let zm = zig.iter().sum::<f64>() / n as f64;
        let zv = zig.iter().map(|x| (x - zm) * (x - zm)).sum::<f64>() / n as f64;
        assert!((zm - 1.0).abs() < 0.01 && (zv - 1.0).abs() < 0.03, "ziggurat {zm} {zv}");
        // Quantiles of Exp(1): P(X > 3) = e^-3, P(X > 8) = e^-8 (the tail).
        let over = |c: f64| zig.iter().filter(|&&x| x > c).count() as f64 / n as f64;
        assert!((over(1.0) - (-1.0f64).exp()).abs() < 0.005);
        assert!((over(3.0) - (-3.0f64).exp()).abs() < 0.002);
        assert!(over(8.0) > 0.0 && over(8.0) < 0.001);
        let z: Vec<f64> = (0..n).map(|i| std_normal(d.uniform(i, 2), d.uniform(i, 3))).collect();
        let zm = z.iter().sum::<f64>() / n as f64;
        let zv = z.iter().map(|x| x * x).sum::<f64>() / n as f64;
        assert!(zm.abs() < 0.02 && (zv - 1.0).abs() < 0.02, "normal {zm} {zv}");
    }
}
