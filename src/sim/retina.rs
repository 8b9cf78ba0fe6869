//! Visual input: a retina cell that looks at a built-in scene through a receptive field and
//! fires a Poisson train whose rate is their overlap. This is Neuronify's retina (§2.10 of the
//! spec: a 20×20 grid, grey values in [−1, 1], rate = sensitivity · mean(stimulus · kernel),
//! negative rates silent) with a test scene in place of the camera, so a lesson behaves the
//! same on every machine. The spikes themselves come from the [`PoissonSpikes`] component
//! the circuit puts beside this one with the rate [`VisualInput::rate_hz`].
//!
//! [`PoissonSpikes`]: super::PoissonSpikes

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::MAX_RATE_HZ;

/// Points per side of the grid the field and the scene are sampled on, as in Neuronify.
pub const GRID: usize = 20;
/// Width of the bar scene, in units of the field of view.
pub const BAR_WIDTH: f64 = 0.2;
/// Radius of the spot scene, in units of the field of view.
pub const SPOT_RADIUS: f64 = 0.15;

/// Which pattern the cell is tuned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReceptiveField {
    /// A Gabor patch: answers best to a bar at its orientation (a V1 simple cell).
    #[default]
    OrientationSelective,
    /// A difference of Gaussians: answers to a spot in the centre (a retinal ganglion cell).
    CentreSurround,
    /// Two halves of opposite sign: answers to an edge, bright on one side.
    Rectangular,
}

/// What the cell looks at. Grey is 0, bright +1, dark −1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scene {
    /// Uniform grey: nothing to see.
    Grey,
    /// A bright bar on grey, through the scene's position at its orientation.
    #[default]
    Bar,
    /// Bright on one side of a line through the scene's position, dark on the other.
    Edge,
    /// A bright disc on grey at the scene's position.
    Spot,
}

/// A visual-input cell. Positions are in units of the field of view (−0.5 to 0.5, y down);
/// orientations are degrees from vertical, clockwise, for both the field and the scene, so a
/// field and a bar at the same angle match.
#[derive(Component, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisualInput {
    #[serde(default)]
    pub field: ReceptiveField,
    #[serde(default)]
    pub field_x: f64,
    #[serde(default)]
    pub field_y: f64,
    #[serde(default)]
    pub field_orientation_deg: f64,
    /// A centre-surround field that prefers a dark centre.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub off_centre: bool,
    /// The rate at an overlap of 1 (Neuronify's `sensitivity`).
    #[serde(rename = "sensitivity_Hz", default = "default_sensitivity")]
    pub sensitivity_hz: f64,
    #[serde(default)]
    pub scene: Scene,
    #[serde(default)]
    pub scene_x: f64,
    #[serde(default)]
    pub scene_y: f64,
    #[serde(default)]
    pub scene_orientation_deg: f64,
}

fn default_sensitivity() -> f64 {
    1000.0
}

impl Default for VisualInput {
    fn default() -> Self {
        Self {
            field: ReceptiveField::default(),
            field_x: 0.0,
            field_y: 0.0,
            field_orientation_deg: 0.0,
            off_centre: false,
            sensitivity_hz: default_sensitivity(),
            scene: Scene::default(),
            scene_x: 0.0,
            scene_y: 0.0,
            scene_orientation_deg: 0.0,
        }
    }
}

/// Values on the grid, indexed `[row][column]` (row = y, top first).
pub type Grid = [[f64; GRID]; GRID];

/// The coordinate of grid point `k`: 20 points spanning −0.5 to 0.5.
fn coordinate(k: usize) -> f64 {
    -0.5 + k as f64 / (GRID - 1) as f64
}

fn sample(f: impl Fn(f64, f64) -> f64) -> Grid {
    std::array::from_fn(|row| std::array::from_fn(|col| f(coordinate(col), coordinate(row))))
}

/// Distance across a line at `deg` from vertical through `(x0, y0)`, positive to the right of
/// the line when it points down.
fn across(x: f64, y: f64, x0: f64, y0: f64, deg: f64) -> f64 {
    let (s, c) = deg.to_radians().sin_cos();
    (x - x0) * c + (y - y0) * s
}

impl VisualInput {
    /// The receptive field on the grid (Neuronify's kernels: Gabor σx 0.1, σy 0.2, k 20;
    /// DoG 1·e^(−100r²) − 0.3·e^(−20r²); rectangular ±1).
    pub fn kernel(&self) -> Grid {
        let (x0, y0, deg) = (self.field_x, self.field_y, self.field_orientation_deg);
        match self.field {
            ReceptiveField::OrientationSelective => sample(|x, y| {
                let (s, c) = deg.to_radians().sin_cos();
                let xr = (x - x0) * c + (y - y0) * s;
                let yr = -(x - x0) * s + (y - y0) * c;
                (-xr * xr / (2.0 * 0.1 * 0.1) - yr * yr / (2.0 * 0.2 * 0.2)).exp()
                    * (20.0 * xr).cos()
            }),
            ReceptiveField::CentreSurround => {
                let sign = if self.off_centre { -1.0 } else { 1.0 };
                sample(|x, y| {
                    let r2 = (x - x0).powi(2) + (y - y0).powi(2);
                    sign * ((-100.0 * r2).exp() - 0.3 * (-20.0 * r2).exp())
                })
            }
            ReceptiveField::Rectangular => sample(|x, y| {
                if across(x, y, x0, y0, deg) < 0.0 {
                    -1.0
                } else {
                    1.0
                }
            }),
        }
    }

    /// The scene on the grid.
    pub fn image(&self) -> Grid {
        let (x0, y0, deg) = (self.scene_x, self.scene_y, self.scene_orientation_deg);
        match self.scene {
            Scene::Grey => [[0.0; GRID]; GRID],
            Scene::Bar => {
                sample(|x, y| f64::from(across(x, y, x0, y0, deg).abs() <= BAR_WIDTH / 2.0))
            }
            Scene::Edge => sample(|x, y| {
                if across(x, y, x0, y0, deg) < 0.0 {
                    -1.0
                } else {
                    1.0
                }
            }),
            Scene::Spot => sample(|x, y| {
                f64::from((x - x0).powi(2) + (y - y0).powi(2) <= SPOT_RADIUS * SPOT_RADIUS)
            }),
        }
    }

    /// The overlap of scene and field: the mean of their product over the grid.
    pub fn overlap(&self) -> f64 {
        let (kernel, image) = (self.kernel(), self.image());
        let sum: f64 = kernel
            .iter()
            .flatten()
            .zip(image.iter().flatten())
            .map(|(k, s)| k * s)
            .sum();
        sum / (GRID * GRID) as f64
    }

    /// The firing rate: sensitivity × overlap, never negative, at most one spike per step.
    pub fn rate_hz(&self) -> f64 {
        (self.sensitivity_hz * self.overlap()).clamp(0.0, MAX_RATE_HZ)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(field: ReceptiveField, scene: Scene) -> VisualInput {
        VisualInput {
            field,
            scene,
            ..default()
        }
    }

    #[test]
    fn an_orientation_cell_prefers_a_bar_at_its_own_angle() {
        let mut v = cell(ReceptiveField::OrientationSelective, Scene::Bar);
        let rate = |v: &VisualInput| v.rate_hz();
        let aligned = rate(&v);
        v.scene_orientation_deg = 90.0;
        let across = rate(&v);
        // The centre columns at x = ±1/38 carry e^(−x²/0.02)·cos(20x) ≈ 0.84 of the Gaussian's
        // column sum (≈ 9.5 per column): 2 × 9.5 × 0.84 / 400 ≈ 0.040, i.e. about 40 Hz.
        assert!((35.0..45.0).contains(&aligned), "aligned bar: {aligned} Hz");
        assert!(across < aligned / 5.0, "crossed bar: {across} Hz");
        v.field_orientation_deg = 90.0;
        assert!(
            (rate(&v) - aligned).abs() < 1e-9,
            "turning both keeps the overlap"
        );
    }

    #[test]
    fn a_centre_surround_cell_prefers_a_spot_to_a_uniform_field() {
        let mut v = cell(ReceptiveField::CentreSurround, Scene::Spot);
        let spot = v.overlap();
        assert!(spot > 0.0, "spot in the centre: {spot}");
        v.scene_x = 0.4;
        assert!(v.overlap() < spot / 5.0, "spot off to the side");
        v.scene_x = 0.0;
        v.off_centre = true;
        assert_eq!(
            v.rate_hz(),
            0.0,
            "an off-centre cell is silenced by a bright spot"
        );
        v.scene = Scene::Grey;
        assert_eq!(v.overlap(), 0.0, "grey shows nothing");
    }

    #[test]
    fn a_rectangular_cell_reads_the_sign_of_an_edge() {
        let mut v = cell(ReceptiveField::Rectangular, Scene::Edge);
        assert_eq!(v.overlap(), 1.0, "the edge matches the field exactly");
        v.scene_orientation_deg = 180.0;
        assert_eq!(v.overlap(), -1.0, "the mirrored edge");
        assert_eq!(v.rate_hz(), 0.0, "negative overlap never fires");
        v.sensitivity_hz = 1e9;
        v.scene_orientation_deg = 0.0;
        assert_eq!(v.rate_hz(), MAX_RATE_HZ, "at most one spike per step");
    }
}
