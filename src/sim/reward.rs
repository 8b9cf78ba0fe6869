//! Reward-modulated learning: the three-factor rule of Vasilaki et al. (2009), Eqs. 7–8.
//! Every learning synapse keeps an eligibility trace
//!
//! `de/dt = −e/τ_e + D_post(t)·ε_pre(t)`,
//! `D_post = (g'/g)·[Y(t) − g/(1 + τ_c·g)]`,
//!
//! where `ε_pre` is the presynaptic spike train filtered by the synapse's own kernel, `Y` the
//! postsynaptic spike train, and `g` the postsynaptic escape rate (see [`super::escape`]). The
//! weight changes only when a reward event arrives: `Δw = α·(R − b)·e`, with soft or hard
//! bounds on `[0, w_max]`. τ_c = 0 gives the pure policy-gradient rule; a large τ_c gives
//! Hebbian learning. The eligibility is counted in 1/mV (g'/g per mV), as in the reference,
//! so α keeps the reference's scale.
//!
//! A synapse onto a deterministic neuron has no `g`; its factor is the Hebbian limit
//! `D = Y/(1 mV)`: eligibility then counts presynaptic activity at postsynaptic spikes.

use bevy::prelude::*;

use super::params::{ParamError, finite, in_range, non_negative, positive};

/// The three-factor rule of one synapse, in SI units.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct RewardLearning {
    /// τ_e: how long a synapse stays eligible for credit (s).
    pub tau_e_s: f64,
    /// τ_c: the Hebbian bias; 0 is the pure policy-gradient rule (s).
    pub tau_c_s: f64,
    /// α: weight change per unit of reward and eligibility, as a fraction of `w_max_a`.
    pub learning_rate: f64,
    /// b: the reward baseline subtracted from every reward.
    pub baseline: f64,
    /// The largest weight (A); the smallest is 0.
    pub w_max_a: f64,
    /// Soft bounds: changes shrink as the weight nears a bound.
    pub soft: bool,
}

impl RewardLearning {
    pub fn validate(&self) -> Result<(), ParamError> {
        positive("tau_e_s", self.tau_e_s)?;
        non_negative("tau_c_s", self.tau_c_s)?;
        in_range("learning_rate", self.learning_rate, 0.0, 10.0)?;
        finite("baseline", self.baseline)?;
        positive("w_max_A", self.w_max_a)
    }

    /// The postsynaptic factor `D` for one step of `dt_s` (1/mV). `escape` is
    /// `Some((g in Hz, g'/g in 1/mV))` for an escape-noise neuron, `None` for a deterministic one.
    pub fn postsynaptic_factor(&self, escape: Option<(f64, f64)>, spiked: bool, dt_s: f64) -> f64 {
        let y = if spiked { 1.0 } else { 0.0 };
        match escape {
            Some((rate_hz, log_slope_per_mv)) => {
                log_slope_per_mv * (y - rate_hz * dt_s / (1.0 + self.tau_c_s * rate_hz))
            }
            None => y,
        }
    }

    /// The weight after a reward `reward`, with the weight and eligibility `e` as they are;
    /// weights are fractions of `w_max` in [0, 1].
    pub fn rewarded_weight(&self, w: f64, eligibility: f64, reward: f64) -> f64 {
        bounded_change(
            w,
            self.learning_rate * (reward - self.baseline) * eligibility,
            self.soft,
        )
    }
}

/// Adds `dw` to a weight in [0, 1]; soft bounds scale potentiation by `1 − w` and depression
/// by `w`, hard bounds clamp.
pub fn bounded_change(w: f64, dw: f64, soft: bool) -> f64 {
    let dw = match (soft, dw > 0.0) {
        (true, true) => dw * (1.0 - w),
        (true, false) => dw * w,
        (false, _) => dw,
    };
    (w + dw).clamp(0.0, 1.0)
}

/// A reward (R > 0) or punishment (R < 0) for every reward-modulated synapse. Sent by levels,
/// reward sensors and the sandbox's reward buttons.
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct RewardEvent {
    pub reward: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(tau_c_s: f64) -> RewardLearning {
        RewardLearning {
            tau_e_s: 5.0,
            tau_c_s,
            learning_rate: 0.05,
            baseline: 0.0,
            w_max_a: 1e-9,
            soft: true,
        }
    }

    #[test]
    fn the_factor_has_zero_mean_for_policy_gradient_and_a_positive_one_with_bias() {
        // E[Y] = 1 − e^(−g dt) ≈ g dt, so with τ_c = 0 the expected bracket is ≈ 0, and with
        // τ_c > 0 it is g dt·τ_c g/(1 + τ_c g) > 0 (the Hebbian bias of the reference, §2.4).
        let (g, slope, dt) = (150.0, 0.05, 1e-4);
        let expected = |r: &RewardLearning| {
            let p = g * dt;
            p * r.postsynaptic_factor(Some((g, slope)), true, dt)
                + (1.0 - p) * r.postsynaptic_factor(Some((g, slope)), false, dt)
        };
        assert!(expected(&rule(0.0)).abs() < slope * (g * dt).powi(2) * 1.01);
        let bias = slope * g * dt * (0.005 * g) / (1.0 + 0.005 * g);
        assert!((expected(&rule(0.005)) - bias).abs() < 1e-3 * bias + slope * (g * dt).powi(2));
    }

    #[test]
    fn no_reward_relative_to_the_baseline_changes_nothing() {
        let mut r = rule(0.005);
        assert_eq!(r.rewarded_weight(0.4, 3.0, 0.0), 0.4);
        r.baseline = 0.5;
        assert_eq!(r.rewarded_weight(0.4, 3.0, 0.5), 0.4);
    }

    #[test]
    fn soft_bounds_keep_weights_inside_and_shrink_near_them() {
        let r = rule(0.005);
        for (w, e, reward) in [(0.9, 100.0, 1.0), (0.1, -100.0, 1.0), (0.5, 1e6, -1.0)] {
            let next = r.rewarded_weight(w, e, reward);
            assert!((0.0..=1.0).contains(&next), "{w} {e} {reward} → {next}");
        }
        assert!((r.rewarded_weight(0.9, 1.0, 1.0) - (0.9 + 0.05 * 0.1)).abs() < 1e-15);
        assert!((r.rewarded_weight(0.2, 1.0, -1.0) - (0.2 - 0.05 * 0.2)).abs() < 1e-15);
        assert_eq!(bounded_change(0.95, 0.2, false), 1.0);
    }
}
