//! Every number of the water-maze model, in the units the reference uses (metres, seconds,
//! millivolts, hertz), with the reference's values as defaults and a check at the boundary.

use crate::sim::escape::EscapeRate;
use crate::sim::params::{ParamError, in_range, non_negative, positive};
use crate::sim::place::{PlaceField, grid_within};
use crate::sim::reward::RewardLearning;

/// The model and protocol of one maze run.
#[derive(Debug, Clone, PartialEq)]
pub struct MazeParams {
    /// Integration step (s).
    pub dt_s: f64,
    pub pool_radius_m: f64,
    pub platform_centre_m: [f64; 2],
    pub platform_radius_m: f64,
    /// Distance of the four start points from the centre (m).
    pub start_radius_m: f64,
    pub swim_speed_m_per_s: f64,
    pub timeout_s: f64,
    /// A new wall contact (and punishment) needs the mouse this far from the wall first (m).
    pub wall_release_m: f64,
    pub place_spacing_m: f64,
    pub place_width_m: f64,
    pub place_peak_hz: f64,
    /// τ of every EPSP kernel, place and lateral (s).
    pub epsp_tau_s: f64,
    pub action_cells: usize,
    pub rest_mv: f64,
    pub threshold_mv: f64,
    pub escape_width_mv: f64,
    pub max_rate_hz: f64,
    /// Spike after-potential: jump (mV, negative) and decay (s).
    pub after_potential_mv: f64,
    pub after_potential_tau_s: f64,
    /// Constant drive h0 (mV).
    pub drive_mv: f64,
    /// J_ff: mV per unit of weight × place EPSP.
    pub feedforward_mv: f64,
    /// Mexican hat: `W_lat(d) = strength·(exp(−d²/2w²) − offset)`, d in rad.
    pub lateral_mv: f64,
    pub lateral_width_rad: f64,
    pub lateral_offset: f64,
    /// How often the heading is read from the ring (s).
    pub theta_period_s: f64,
    pub tau_e_s: f64,
    pub tau_c_s: f64,
    pub learning_rate: f64,
    pub baseline: f64,
    pub platform_reward: f64,
    pub wall_reward: f64,
    pub initial_weight: f64,
    pub initial_weight_spread: f64,
}

impl Default for MazeParams {
    fn default() -> Self {
        Self {
            dt_s: 1e-3,
            pool_radius_m: 1.0,
            platform_centre_m: [0.354, 0.354],
            platform_radius_m: 0.1,
            start_radius_m: 0.95,
            swim_speed_m_per_s: 0.3,
            timeout_s: 60.0,
            wall_release_m: 0.1,
            place_spacing_m: 0.2,
            place_width_m: 0.25,
            place_peak_hz: 100.0,
            epsp_tau_s: 0.010,
            action_cells: 36,
            rest_mv: -70.0,
            threshold_mv: -50.0,
            escape_width_mv: 4.0,
            max_rate_hz: 200.0,
            after_potential_mv: -10.0,
            after_potential_tau_s: 0.010,
            drive_mv: 0.0,
            feedforward_mv: 4.0,
            lateral_mv: 14.0,
            lateral_width_rad: 0.35,
            lateral_offset: 0.2,
            theta_period_s: 0.1,
            tau_e_s: 5.0,
            tau_c_s: 0.005,
            learning_rate: 0.05,
            baseline: 0.0,
            platform_reward: 1.0,
            wall_reward: -1.0,
            initial_weight: 0.5,
            initial_weight_spread: 0.05,
        }
    }
}

impl MazeParams {
    /// Checks every number; the error names the offending one.
    pub fn validate(&self) -> Result<(), ParamError> {
        in_range("dt_ms", self.dt_s * 1e3, 0.01, 5.0)?;
        positive("pool_radius_m", self.pool_radius_m)?;
        positive("platform_radius_m", self.platform_radius_m)?;
        let r = self.pool_radius_m;
        let p = self.platform_centre_m;
        in_range(
            "platform distance from centre (m)",
            p[0].hypot(p[1]),
            0.0,
            r,
        )?;
        in_range("start_radius_m", self.start_radius_m, 0.0, r)?;
        positive("swim_speed_m_per_s", self.swim_speed_m_per_s)?;
        positive("timeout_s", self.timeout_s)?;
        non_negative("wall_release_m", self.wall_release_m)?;
        positive("place_spacing_m", self.place_spacing_m)?;
        positive("epsp_tau_s", self.epsp_tau_s)?;
        in_range("action_cells", self.action_cells as f64, 3.0, 720.0)?;
        positive("after_potential_tau_s", self.after_potential_tau_s)?;
        positive("lateral_width_rad", self.lateral_width_rad)?;
        in_range(
            "theta_period_ms",
            self.theta_period_s * 1e3,
            self.dt_s * 1e3,
            1e4,
        )?;
        in_range("initial_weight", self.initial_weight, 0.0, 1.0)?;
        in_range(
            "initial_weight_spread",
            self.initial_weight_spread,
            0.0,
            0.5,
        )?;
        for field in self.place_fields() {
            field.validate()?;
        }
        self.escape().validate()?;
        self.rule().validate()
    }

    /// The place fields: a square grid with centres up to half a spacing beyond the wall
    /// (97 cells with the defaults).
    pub fn place_fields(&self) -> Vec<PlaceField> {
        grid_within(
            self.pool_radius_m + 0.5 * self.place_spacing_m,
            self.place_spacing_m,
        )
        .into_iter()
        .map(|centre_m| PlaceField {
            centre_m,
            width_m: self.place_width_m,
            peak_hz: self.place_peak_hz,
        })
        .collect()
    }

    /// The action cells' escape rate, in mV (the rate function is unit-agnostic).
    pub fn escape(&self) -> EscapeRate {
        EscapeRate {
            threshold_v: self.threshold_mv,
            width_v: self.escape_width_mv,
            max_rate_hz: self.max_rate_hz,
        }
    }

    /// The three-factor rule of the place→action synapses (weights as fractions of 1).
    pub fn rule(&self) -> RewardLearning {
        RewardLearning {
            tau_e_s: self.tau_e_s,
            tau_c_s: self.tau_c_s,
            learning_rate: self.learning_rate,
            baseline: self.baseline,
            w_max_a: 1.0,
            soft: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_impossible_values_are_named() {
        MazeParams::default().validate().unwrap();
        let bad = MazeParams {
            tau_e_s: -1.0,
            ..MazeParams::default()
        };
        assert_eq!(bad.validate().unwrap_err().name(), "tau_e_s");
        let outside = MazeParams {
            platform_centre_m: [2.0, 0.0],
            ..MazeParams::default()
        };
        assert!(outside.validate().is_err());
    }
}
