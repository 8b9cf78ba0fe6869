//! Escape noise: a neuron that fires stochastically with an instantaneous rate `g(u)` that
//! grows with its membrane potential, instead of deterministically at a threshold. The rate is
//! a bounded sigmoid, `g(u) = ρ_max / (1 + exp(−(u − θ)/Δu))`, so a strongly driven cell
//! saturates instead of running away (see ../shared/reference/vasilaki-2009.md §5.3). The
//! three-factor rule needs `g'/g = (1 − g/ρ_max)/Δu`, which is given here too so the two can
//! never disagree.

use super::params::{ParamError, finite, positive};

/// The firing-rate function of an escape-noise neuron. Potentials in volts, rates in Hz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EscapeRate {
    /// θ: the potential at which the rate is half its maximum (V).
    pub threshold_v: f64,
    /// Δu: the width of the soft threshold (V).
    pub width_v: f64,
    /// ρ_max (Hz).
    pub max_rate_hz: f64,
}

impl EscapeRate {
    pub fn validate(&self) -> Result<(), ParamError> {
        finite("threshold_V", self.threshold_v)?;
        positive("escape_width_V", self.width_v)?;
        positive("escape_max_rate_Hz", self.max_rate_hz)
    }

    /// g(u) in Hz.
    pub fn rate_hz(&self, u_v: f64) -> f64 {
        self.max_rate_hz / (1.0 + (-(u_v - self.threshold_v) / self.width_v).exp())
    }

    /// g'(u)/g(u) in 1/V, written in terms of g so it costs no second exponential.
    pub fn log_slope_per_v(&self, rate_hz: f64) -> f64 {
        (1.0 - rate_hz / self.max_rate_hz) / self.width_v
    }

    /// The probability of at least one spike in a step of `dt_s` at a constant rate.
    pub fn fire_probability(rate_hz: f64, dt_s: f64) -> f64 {
        -(-rate_hz * dt_s).exp_m1()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: EscapeRate = EscapeRate {
        threshold_v: -0.050,
        width_v: 0.004,
        max_rate_hz: 200.0,
    };

    #[test]
    fn the_rate_is_half_its_maximum_at_threshold_and_bounded() {
        assert!((G.rate_hz(-0.050) - 100.0).abs() < 1e-12);
        assert!(G.rate_hz(0.5) <= 200.0 && G.rate_hz(0.5) > 199.9);
        assert!(G.rate_hz(-0.2) < 1e-6);
    }

    #[test]
    fn the_log_slope_matches_a_finite_difference() {
        for u in [-0.07, -0.055, -0.05, -0.045, -0.03] {
            let h = 1e-7;
            let numeric = (G.rate_hz(u + h).ln() - G.rate_hz(u - h).ln()) / (2.0 * h);
            let exact = G.log_slope_per_v(G.rate_hz(u));
            assert!(
                (numeric - exact).abs() < 1e-4 * exact.abs().max(1.0),
                "{u}: {numeric} vs {exact}"
            );
        }
    }

    #[test]
    fn fire_probability_is_one_minus_exp() {
        assert!(
            (EscapeRate::fire_probability(100.0, 1e-3) - (1.0 - (-0.1f64).exp())).abs() < 1e-15
        );
        assert_eq!(EscapeRate::fire_probability(0.0, 1e-3), 0.0);
    }
}
