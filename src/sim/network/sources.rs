//! The source block of the dense network: regular and Poisson spike generators, touch
//! sensors, and the DC and AC currents injected into neurons. It decides which sources spike
//! in a step and adds the injected currents to the neurons' input.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct RegularGenerator {
    pub(super) source: Idx,
    pub(super) per_step: f64,
    /// The fraction of a period gone by; on Neuronify's clock, the seconds since firing.
    pub(super) phase: f64,
    /// On Neuronify's clock (`sim::NeuronifyClock`): its period, `1/rate` (s).
    pub(super) neuronify_period_s: Option<f64>,
}

#[derive(Debug, Clone)]
pub(super) struct PoissonGenerator {
    pub(super) source: Idx,
    pub(super) probability: f64,
    pub(super) rng: Pcg64,
    /// The stream as it was at the start, so a dynamics reset replays the same train.
    pub(super) initial_rng: Pcg64,
}

#[derive(Debug, Clone)]
pub(super) struct TouchState {
    pub(super) source: Idx,
    pub(super) reward: Option<f64>,
    pub(super) per_step: f64,
    pub(super) held: bool,
    pub(super) pending_press: bool,
    pub(super) phase: f64,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct DcInput {
    pub(super) target: Idx,
    pub(super) current: f64,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct AcInput {
    pub(super) target: Idx,
    pub(super) amplitude: f64,
    pub(super) omega: f64,
    pub(super) phase: f64,
}

/// Every spike source that is not a neuron, and every injected current.
#[derive(Debug, Clone, Default)]
pub(super) struct SourceBlock {
    pub(super) regular: Vec<RegularGenerator>,
    pub(super) poisson: Vec<PoissonGenerator>,
    pub(super) touch: Vec<TouchState>,
    pub(super) dc: Vec<DcInput>,
    pub(super) ac: Vec<AcInput>,
}

/// Advances a phase by `per_step` and says whether it completed a cycle.
fn cycle(phase: &mut f64, per_step: f64) -> bool {
    *phase += per_step;
    // Tolerance absorbs the rounding of repeated additions of rate·dt.
    let completed = *phase >= 1.0 - 1e-9;
    if completed {
        *phase -= 1.0;
    }
    completed
}

impl SourceBlock {
    /// Generators and sensors decide their spikes for this step, appended to `spiked`.
    pub(super) fn fire(&mut self, spiked: &mut Vec<Idx>) {
        for g in &mut self.regular {
            let fires = match g.neuronify_period_s {
                Some(period) => {
                    g.phase += DT;
                    let fires = g.phase > period;
                    if fires {
                        g.phase = 0.0;
                    }
                    fires
                }
                None => cycle(&mut g.phase, g.per_step),
            };
            if fires {
                spiked.push(g.source);
            }
        }
        for g in &mut self.poisson {
            if g.rng.random::<f64>() < g.probability {
                spiked.push(g.source);
            }
        }
        for t in &mut self.touch {
            if t.pending_press {
                t.pending_press = false;
                spiked.push(t.source);
            } else if t.held && t.per_step > 0.0 && cycle(&mut t.phase, t.per_step) {
                spiked.push(t.source);
            }
        }
    }

    /// Whether any current source injects into a neuron.
    pub(super) fn injects(&self) -> bool {
        !self.dc.is_empty() || !self.ac.is_empty()
    }

    /// Adds the DC and AC currents (A) at step `step` to the neurons' input.
    pub(super) fn inject(&self, input: &mut [f64], step: u64) {
        for d in &self.dc {
            input[d.target as usize] += d.current;
        }
        let t = step as f64 * DT;
        for a in &self.ac {
            input[a.target as usize] += a.amplitude * (a.omega * t + a.phase).sin();
        }
    }

    /// Presses or releases the touch sensor at source `source`. `None` when it is no sensor;
    /// otherwise the reward a new press gives, if any.
    pub(super) fn touch(&mut self, source: Idx, pressed: bool) -> Option<Option<f64>> {
        let t = self.touch.iter_mut().find(|t| t.source == source)?;
        let press = pressed && !t.held;
        if press {
            t.pending_press = true;
            t.phase = 0.0;
        }
        t.held = pressed;
        Some(t.reward.filter(|_| press))
    }

    pub(super) fn held(&self) -> usize {
        self.touch.iter().filter(|t| t.held).count()
    }

    /// Sets a Poisson generator's rate; false when `source` is no Poisson generator.
    pub(super) fn set_poisson_rate(&mut self, source: Idx, rate_hz: f64) -> bool {
        match self.poisson.iter_mut().find(|g| g.source == source) {
            Some(g) => {
                g.probability = rate_hz * DT;
                true
            }
            None => false,
        }
    }

    /// Restarts every generator (Poisson streams from their first draw) and lets go of every
    /// sensor.
    pub(super) fn reset(&mut self) {
        for g in &mut self.regular {
            g.phase = 0.0;
        }
        for g in &mut self.poisson {
            g.rng = g.initial_rng.clone();
        }
        for t in &mut self.touch {
            t.pending_press = false;
            t.held = false;
            t.phase = 0.0;
        }
    }
}
