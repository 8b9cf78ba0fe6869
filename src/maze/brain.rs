//! The mouse's brain: place cells (inhomogeneous Poisson, driven by the position), a ring of
//! escape-noise action cells (SRM0 with exponential EPSPs, a Mexican-hat lateral coupling and
//! a spike after-potential), and the learning place→action weights with their eligibility.
//!
//! Every EPSP kernel has the same τ, so each cell's summed feed-forward and lateral input is
//! kept as one decaying number, raised by arriving spikes: a step costs one pass over the
//! cells plus the eligibility update, not a matrix product.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::params::MazeParams;
use crate::sim::escape::EscapeRate;
use crate::sim::place::{PlaceField, population_vector, ring_angle};
use crate::sim::reward::RewardLearning;

/// The state of the network of one mouse.
#[derive(Debug, Clone)]
pub struct Brain {
    fields: Vec<PlaceField>,
    escape: EscapeRate,
    rule: RewardLearning,
    n_place: usize,
    n_action: usize,
    /// Place→action weights in [0, 1], row-major by action cell.
    weights: Vec<f64>,
    /// Eligibility traces (1/mV), laid out like `weights`.
    eligibility: Vec<f64>,
    /// Mexican-hat coupling (mV per unit EPSP), row-major by receiving cell.
    lateral: Vec<f64>,
    place_epsp: Vec<f64>,
    action_epsp: Vec<f64>,
    /// Σ_j w_ij ε_j and Σ_k W_lat(i,k) ε_k, kept up to date incrementally.
    feedforward: Vec<f64>,
    recurrent: Vec<f64>,
    after_potential: Vec<f64>,
    /// Each action cell's factor D of the present step.
    factor: Vec<f64>,
    /// Each action cell's rate g (Hz) in the present step.
    rate_hz: Vec<f64>,
    /// Spikes of each action cell since the last readout.
    counts: Vec<u32>,
    place_spiked: Vec<u16>,
    action_spiked: Vec<u16>,
    rng: Pcg64,
    /// How many reward events have changed the weights.
    rewards: u64,
    dt_s: f64,
    epsp_decay: f64,
    after_decay: f64,
    eligibility_decay: f64,
    rest_mv: f64,
    drive_mv: f64,
    feedforward_mv: f64,
    after_potential_mv: f64,
}

impl Brain {
    /// A naive brain: weights `w0 ± spread`, drawn from the brain's random stream.
    pub fn new(p: &MazeParams, seed: u64) -> Self {
        let fields = p.place_fields();
        let (n_place, n_action) = (fields.len(), p.action_cells);
        let mut rng = Pcg64::seed_from_u64(seed);
        let weights = (0..n_place * n_action)
            .map(|_| p.initial_weight + p.initial_weight_spread * rng.random_range(-1.0..=1.0))
            .map(|w: f64| w.clamp(0.0, 1.0))
            .collect();
        let mut lateral = vec![0.0; n_action * n_action];
        for i in 0..n_action {
            for k in (0..n_action).filter(|&k| k != i) {
                let d = angle_between(ring_angle(i, n_action), ring_angle(k, n_action));
                let hat = (-d * d / (2.0 * p.lateral_width_rad.powi(2))).exp();
                lateral[i * n_action + k] = p.lateral_mv * (hat - p.lateral_offset);
            }
        }
        let dt = p.dt_s;
        Self {
            fields,
            escape: p.escape(),
            rule: p.rule(),
            n_place,
            n_action,
            weights,
            eligibility: vec![0.0; n_place * n_action],
            lateral,
            place_epsp: vec![0.0; n_place],
            action_epsp: vec![0.0; n_action],
            feedforward: vec![0.0; n_action],
            recurrent: vec![0.0; n_action],
            after_potential: vec![0.0; n_action],
            factor: vec![0.0; n_action],
            rate_hz: vec![0.0; n_action],
            counts: vec![0; n_action],
            place_spiked: Vec::new(),
            action_spiked: Vec::new(),
            rng,
            rewards: 0,
            dt_s: dt,
            epsp_decay: (-dt / p.epsp_tau_s).exp(),
            after_decay: (-dt / p.after_potential_tau_s).exp(),
            eligibility_decay: (-dt / p.tau_e_s).exp(),
            rest_mv: p.rest_mv,
            drive_mv: p.drive_mv,
            feedforward_mv: p.feedforward_mv,
            after_potential_mv: p.after_potential_mv,
        }
    }

    /// Changes τ_c and α from now on; what was learned stays.
    pub fn set_learning(&mut self, tau_c_s: f64, learning_rate: f64) {
        self.rule.tau_c_s = tau_c_s;
        self.rule.learning_rate = learning_rate;
    }

    pub fn place_fields(&self) -> &[PlaceField] {
        &self.fields
    }

    pub fn action_cells(&self) -> usize {
        self.n_action
    }

    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    pub fn eligibility(&self) -> &[f64] {
        &self.eligibility
    }

    /// Place cells that fired in the last step.
    pub fn place_spikes(&self) -> &[u16] {
        &self.place_spiked
    }

    /// Action cells that fired in the last step.
    pub fn action_spikes(&self) -> &[u16] {
        &self.action_spiked
    }

    /// Each action cell's instantaneous rate (Hz) in the last step.
    pub fn action_rates_hz(&self) -> &[f64] {
        &self.rate_hz
    }

    /// How many reward events have arrived.
    pub fn rewards(&self) -> u64 {
        self.rewards
    }

    /// Forgets all activity and eligibility (the mouse is lifted out and put back); the
    /// weights, which are what it learned, stay.
    pub fn quiet(&mut self) {
        for v in [
            &mut self.eligibility,
            &mut self.place_epsp,
            &mut self.action_epsp,
            &mut self.feedforward,
            &mut self.recurrent,
            &mut self.after_potential,
        ] {
            v.fill(0.0);
        }
        self.counts.fill(0);
    }

    /// One step of `dt` with the mouse at `position_m`.
    pub fn step(&mut self, position_m: [f64; 2]) {
        let (np, na, dt) = (self.n_place, self.n_action, self.dt_s);
        let d = self.epsp_decay;
        self.place_spiked.clear();
        for v in self.place_epsp.iter_mut().chain(&mut self.feedforward) {
            *v *= d;
        }
        for (j, field) in self.fields.iter().enumerate() {
            let p = EscapeRate::fire_probability(field.rate_hz(position_m), dt);
            if self.rng.random::<f64>() < p {
                self.place_epsp[j] += 1.0;
                self.place_spiked.push(j as u16);
                for (i, ff) in self.feedforward.iter_mut().enumerate() {
                    *ff += self.weights[i * np + j];
                }
            }
        }
        self.action_spiked.clear();
        for i in 0..na {
            let u = self.rest_mv
                + self.drive_mv
                + self.feedforward_mv * self.feedforward[i]
                + self.recurrent[i]
                + self.after_potential[i];
            let g = self.escape.rate_hz(u);
            let spiked = self.rng.random::<f64>() < EscapeRate::fire_probability(g, dt);
            let slope = self.escape.log_slope_per_v(g);
            self.rate_hz[i] = g;
            self.factor[i] = self.rule.postsynaptic_factor(Some((g, slope)), spiked, dt);
            if spiked {
                self.action_spiked.push(i as u16);
            }
        }
        for v in self.action_epsp.iter_mut().chain(&mut self.recurrent) {
            *v *= d;
        }
        for a in &mut self.after_potential {
            *a *= self.after_decay;
        }
        for &k in &self.action_spiked {
            let k = k as usize;
            self.action_epsp[k] += 1.0;
            self.after_potential[k] += self.after_potential_mv;
            self.counts[k] += 1;
            for (i, r) in self.recurrent.iter_mut().enumerate() {
                *r += self.lateral[i * na + k];
            }
        }
        let de = self.eligibility_decay;
        for (row, &factor) in self.eligibility.chunks_exact_mut(np).zip(&self.factor) {
            for (e, &eps) in row.iter_mut().zip(&self.place_epsp) {
                *e = *e * de + factor * eps;
            }
        }
    }

    /// The heading (rad) of the population vector of the spikes since the last readout, which
    /// starts a new count; `None` when the ring was silent.
    pub fn read_heading(&mut self) -> Option<f64> {
        let heading = population_vector(self.counts.iter().map(|&c| f64::from(c)));
        self.counts.fill(0);
        heading
    }

    /// Applies a reward (or punishment) to every synapse through its eligibility.
    pub fn reward(&mut self, reward: f64) {
        self.rewards += 1;
        for (w, &e) in self.weights.iter_mut().zip(&self.eligibility) {
            *w = self.rule.rewarded_weight(*w, e, reward);
        }
        let np = self.n_place;
        for (i, ff) in self.feedforward.iter_mut().enumerate() {
            let row = &self.weights[i * np..(i + 1) * np];
            *ff = row.iter().zip(&self.place_epsp).map(|(w, e)| w * e).sum();
        }
    }

    /// What the weights would do at `position_m`: the direction of the population vector of
    /// the mean feed-forward drive `W·r(x)` and its sharpness in [0, 1] (0: no preference).
    pub fn policy_at(&self, position_m: [f64; 2]) -> (f64, f64) {
        let rates: Vec<f64> = self.fields.iter().map(|f| f.rate_hz(position_m)).collect();
        let drive: Vec<f64> = self
            .weights
            .chunks_exact(self.n_place)
            .map(|row| row.iter().zip(&rates).map(|(w, r)| w * r).sum())
            .collect();
        let (mut x, mut y, mut total) = (0.0, 0.0, 0.0);
        let mean = drive.iter().sum::<f64>() / drive.len() as f64;
        for (i, &v) in drive.iter().enumerate() {
            let a = ring_angle(i, self.n_action);
            x += (v - mean) * a.cos();
            y += (v - mean) * a.sin();
            total += (v - mean).abs();
        }
        let sharpness = if total > 0.0 {
            2.0 * x.hypot(y) / total
        } else {
            0.0
        };
        (y.atan2(x), sharpness.min(1.0))
    }
}

/// The shortest angle between two directions (rad, in [0, π]).
pub fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(std::f64::consts::TAU);
    d.min(std::f64::consts::TAU - d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_reward_leaves_every_weight_and_a_reward_follows_the_eligibility() {
        let p = MazeParams::default();
        let mut brain = Brain::new(&p, 3);
        let before = brain.weights().to_vec();
        for _ in 0..2000 {
            brain.step([0.3, -0.2]);
        }
        assert_eq!(
            brain.weights(),
            &before[..],
            "weights moved without a reward"
        );
        assert!(brain.eligibility().iter().any(|e| e.abs() > 1e-3));
        brain.reward(0.0);
        assert_eq!(brain.weights(), &before[..], "R = b must change nothing");
        let e = brain.eligibility().to_vec();
        brain.reward(1.0);
        for ((w0, w1), e) in before.iter().zip(brain.weights()).zip(&e) {
            let expected = p.rule().rewarded_weight(*w0, *e, 1.0);
            assert!((w1 - expected).abs() < 1e-15);
        }
    }

    #[test]
    fn eligibility_decays_with_tau_e_once_the_cells_are_quiet() {
        let p = MazeParams::default();
        let mut brain = Brain::new(&p, 5);
        for _ in 0..1000 {
            brain.step([0.0, 0.0]);
        }
        // Silence all input: outside the pool every place rate is ~0, and the ring fades;
        // wait until the EPSPs are gone, then watch one τ_e.
        for _ in 0..300 {
            brain.step([50.0, 50.0]);
        }
        let e0 = brain.eligibility().to_vec();
        for _ in 0..5000 {
            brain.step([50.0, 50.0]);
        }
        let ratio = (-5.0f64 / p.tau_e_s).exp();
        let mut checked = 0;
        for (a, b) in e0.iter().zip(brain.eligibility()) {
            if a.abs() > 1e-6 {
                assert!(
                    (b / a - ratio).abs() < 1e-6 * ratio.max(1.0),
                    "{b} / {a} vs {ratio}"
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} traces to check");
    }

    #[test]
    fn the_ring_forms_one_bump() {
        let p = MazeParams::default();
        let mut brain = Brain::new(&p, 7);
        let mut counts = vec![0u32; p.action_cells];
        for _ in 0..1000 {
            brain.step([0.0, 0.0]);
            for &k in brain.action_spikes() {
                counts[k as usize] += 1;
            }
        }
        let total: u32 = counts.iter().sum();
        // A bump: most spikes within ±60° of the peak cell; reference: ≈1100 Hz in total.
        let peak = (0..counts.len()).max_by_key(|&i| counts[i]).unwrap();
        let near: u32 = (0..counts.len())
            .filter(|&i| angle_between(ring_angle(i, 36), ring_angle(peak, 36)) <= 1.05)
            .map(|i| counts[i])
            .sum();
        assert!((500..3000).contains(&total), "total rate {total} Hz");
        assert!(
            near as f64 > 0.8 * total as f64,
            "{near} of {total} near the peak"
        );
    }
}
