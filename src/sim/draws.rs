//! The random draws the simulation makes beyond uniform numbers: a standard normal, the
//! geometric gap between Bernoulli successes, and Poisson counts. Each consumes the stream in
//! a fixed way whatever came before, so a seed gives the same network and spikes everywhere.

use rand::Rng;
use rand_pcg::Pcg64;

/// A standard normal draw (Box–Muller; one of the pair is used, so a stream is one draw per
/// value whatever came before).
pub(crate) fn standard_normal(rng: &mut Pcg64) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The number of failures before the next success of a Bernoulli(p) trial, for `0 < p < 1`
/// (`ln_q` = ln(1 − p)): jumping over the failures costs one draw per success, not per trial.
pub(crate) fn geometric_skip(rng: &mut Pcg64, ln_q: f64) -> u64 {
    let u = 1.0 - rng.random::<f64>();
    // Both logarithms are ≤ 0, so the quotient is ≥ 0: the cast truncates (= floor) and
    // saturates at u64::MAX.
    (u.ln() / ln_q) as u64
}

/// Draws counts from a Poisson distribution of one mean. Below a mean of 10, by multiplying
/// uniforms (cost grows with the mean); from 10 on, by Hörmann's transformed rejection (PTRS,
/// 1993: about 1.1 pairs of uniforms per draw whatever the mean).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PoissonCount {
    mean: f64,
    exp_minus_mean: f64,
    ptrs: Ptrs,
}

/// The constants of PTRS for one mean.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Ptrs {
    ln_mean: f64,
    a: f64,
    b: f64,
    ln_inv_alpha: f64,
    v_r: f64,
}

impl PoissonCount {
    /// Counts of mean `mean` (≥ 0; a negative or non-finite mean counts nothing).
    pub(crate) fn new(mean: f64) -> Self {
        let mean = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
        let s = mean.sqrt();
        let b = 0.931 + 2.53 * s;
        let ptrs = Ptrs {
            ln_mean: mean.ln(),
            a: -0.059 + 0.024_83 * b,
            b,
            ln_inv_alpha: (1.1239 + 1.1328 / (b - 3.4)).ln(),
            v_r: 0.9277 - 3.6224 / (b - 2.0),
        };
        Self {
            mean,
            exp_minus_mean: (-mean).exp(),
            ptrs,
        }
    }

    pub(crate) fn draw(&self, rng: &mut Pcg64) -> u64 {
        if self.mean <= 0.0 {
            0
        } else if self.mean < 10.0 {
            let mut product = rng.random::<f64>();
            let mut k = 0;
            while product > self.exp_minus_mean {
                k += 1;
                product *= rng.random::<f64>();
            }
            k
        } else {
            self.draw_ptrs(rng)
        }
    }

    fn draw_ptrs(&self, rng: &mut Pcg64) -> u64 {
        let Ptrs {
            ln_mean,
            a,
            b,
            ln_inv_alpha,
            v_r,
        } = self.ptrs;
        loop {
            let u = rng.random::<f64>() - 0.5;
            let v = rng.random::<f64>();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + self.mean + 0.43).floor();
            if us >= 0.07 && v <= v_r {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            let accept = -self.mean + k * ln_mean - ln_factorial(k);
            if v.ln() + ln_inv_alpha - (a / (us * us) + b).ln() <= accept {
                return k as u64;
            }
        }
    }
}

/// ln(k!) for a whole number `k ≥ 0`: exact sums below 10, Stirling's series above (error
/// below 1e-12).
fn ln_factorial(k: f64) -> f64 {
    if k < 10.0 {
        return (2..=k as u32).map(|i| f64::from(i).ln()).sum();
    }
    let x = k + 1.0;
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series =
        inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0))));
    (x - 0.5) * x.ln() - x + 0.5 * std::f64::consts::TAU.ln() + series
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ln_factorial_matches_the_product() {
        for k in [0u32, 1, 5, 9, 10, 11, 30, 170] {
            let exact: f64 = (1..=k).map(|i| f64::from(i).ln()).sum();
            let got = ln_factorial(f64::from(k));
            assert!((got - exact).abs() < 1e-10, "{k}: {got} vs {exact}");
        }
    }

    /// Mean and variance of many draws against the mean (both equal it for a Poisson law),
    /// and the probability of 0 against e^(−mean), on both sides of the method switch.
    #[test]
    fn poisson_counts_have_the_poisson_mean_variance_and_zero_mass() {
        let mut rng = Pcg64::seed_from_u64(3);
        for mean in [0.16, 2.5, 9.9, 10.0, 37.0, 1600.0, 1.0e6] {
            let counts = PoissonCount::new(mean);
            let n = 200_000;
            let draws: Vec<f64> = (0..n).map(|_| counts.draw(&mut rng) as f64).collect();
            let m = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (mean / n as f64).sqrt();
            assert!((m - mean).abs() < 5.0 * se, "mean {mean}: got {m}");
            assert!(
                (var / mean - 1.0).abs() < 0.04,
                "mean {mean}: variance {var}"
            );
            let zeros = draws.iter().filter(|&&x| x == 0.0).count() as f64 / n as f64;
            let p0 = (-mean).exp();
            assert!(
                (zeros - p0).abs() < 5.0 * (p0 * (1.0 - p0) / n as f64).sqrt() + 1e-9,
                "mean {mean}: P(0) {zeros} vs {p0}"
            );
        }
    }

    #[test]
    fn a_mean_of_zero_or_less_counts_nothing() {
        let mut rng = Pcg64::seed_from_u64(1);
        for mean in [0.0, -1.0, f64::NAN] {
            assert_eq!(PoissonCount::new(mean).draw(&mut rng), 0);
        }
    }

    #[test]
    fn geometric_gaps_have_the_geometric_mean() {
        let mut rng = Pcg64::seed_from_u64(5);
        let p: f64 = 0.2;
        let ln_q = (1.0 - p).ln();
        let n = 100_000;
        let mean = (0..n)
            .map(|_| geometric_skip(&mut rng, ln_q) as f64)
            .sum::<f64>()
            / f64::from(n);
        // Failures before a success: (1 − p) / p = 4, standard error 2√5/√n.
        assert!((mean - 4.0).abs() < 0.05, "{mean}");
    }
}
