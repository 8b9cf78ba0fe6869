//! Place cells and the ring readout. A place cell is an inhomogeneous Poisson source whose
//! rate is a Gaussian bump around its field centre, `r(x) = r_max·exp(−|x − c|²/2σ²)`, driven
//! by the animal's position. A ring readout turns the spike counts of cells with preferred
//! angles into one direction, the angle of their population vector.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::params::{ParamError, finite, positive};

/// A place-cell item: a Poisson source whose rate is its field's rate at the
/// [`super::AnimalPosition`]. Stored in circuit files as it is.
#[derive(Component, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceCell {
    pub centre_x_m: f64,
    pub centre_y_m: f64,
    /// σ of the field (m).
    pub width_m: f64,
    #[serde(rename = "peak_Hz")]
    pub peak_hz: f64,
}

impl Default for PlaceCell {
    fn default() -> Self {
        Self {
            centre_x_m: 0.0,
            centre_y_m: 0.0,
            width_m: 0.25,
            peak_hz: 100.0,
        }
    }
}

impl PlaceCell {
    pub fn field(&self) -> PlaceField {
        PlaceField {
            centre_m: [self.centre_x_m, self.centre_y_m],
            width_m: self.width_m,
            peak_hz: self.peak_hz,
        }
    }
}

/// The firing field of one place cell. Positions in metres, rates in Hz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaceField {
    pub centre_m: [f64; 2],
    /// σ: the field's width (m).
    pub width_m: f64,
    pub peak_hz: f64,
}

impl PlaceField {
    pub fn validate(&self) -> Result<(), ParamError> {
        finite("centre_x_m", self.centre_m[0])?;
        finite("centre_y_m", self.centre_m[1])?;
        positive("width_m", self.width_m)?;
        positive("peak_Hz", self.peak_hz)
    }

    pub fn rate_hz(&self, position_m: [f64; 2]) -> f64 {
        let dx = position_m[0] - self.centre_m[0];
        let dy = position_m[1] - self.centre_m[1];
        self.peak_hz * (-(dx * dx + dy * dy) / (2.0 * self.width_m * self.width_m)).exp()
    }
}

/// Centres of a square grid of place fields with `spacing_m`, keeping those within
/// `radius_m` of the origin, row by row from the bottom.
pub fn grid_within(radius_m: f64, spacing_m: f64) -> Vec<[f64; 2]> {
    let n = (radius_m / spacing_m).floor() as i64;
    let mut centres = Vec::new();
    for row in -n..=n {
        for col in -n..=n {
            let c = [col as f64 * spacing_m, row as f64 * spacing_m];
            if c[0].hypot(c[1]) <= radius_m + 1e-9 {
                centres.push(c);
            }
        }
    }
    centres
}

/// The preferred angle (rad) of cell `i` of `n` spread evenly round a ring, cell 0 at 0 (east).
pub fn ring_angle(i: usize, n: usize) -> f64 {
    std::f64::consts::TAU * i as f64 / n as f64
}

/// The angle (rad, in (−π, π]) of the population vector of `weights` on a ring of
/// `weights.len()` cells, or `None` when they cancel or are all zero.
pub fn population_vector(weights: impl ExactSizeIterator<Item = f64>) -> Option<f64> {
    let n = weights.len();
    let (mut x, mut y) = (0.0, 0.0);
    for (i, w) in weights.enumerate() {
        let a = ring_angle(i, n);
        x += w * a.cos();
        y += w * a.sin();
    }
    (x.hypot(y) > 1e-12).then(|| y.atan2(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_peaks_at_its_centre_and_falls_to_e_to_the_minus_half_at_sigma() {
        let f = PlaceField {
            centre_m: [0.2, -0.4],
            width_m: 0.25,
            peak_hz: 100.0,
        };
        assert_eq!(f.rate_hz([0.2, -0.4]), 100.0);
        assert!((f.rate_hz([0.45, -0.4]) - 100.0 * (-0.5f64).exp()).abs() < 1e-12);
    }

    #[test]
    fn the_reference_grid_has_97_cells() {
        // Spacing 0.2 m, centres within R + 0.1 m of a 1 m pool (vasilaki-2009.md §3).
        assert_eq!(grid_within(1.1, 0.2).len(), 97);
    }

    #[test]
    fn the_population_vector_points_at_the_active_cells() {
        let mut counts = vec![0.0; 36];
        counts[9] = 3.0; // 90°
        counts[10] = 3.0; // 100°
        let angle = population_vector(counts.iter().copied()).unwrap();
        assert!((angle.to_degrees() - 95.0).abs() < 1e-9);
        assert_eq!(population_vector([0.0; 36].into_iter()), None);
    }
}
