//! The hot loop of the engine: one exact step of the plain integrate-and-fire neurons (no
//! adaptation, no burst current) with their synaptic channels' currents and the threshold test.
//!
//! Neurons with the same parameters (a population, or hand-placed neurons left at their
//! defaults) form a [`Segment`] whose parameters are scalars, so a step reads only what
//! changes per neuron (voltage, refractory clock, held input, channel currents). A segment
//! goes in tiles of neurons, one loop per tile through loops shaped so that they compile to
//! vector instructions, for the widest vector unit the CPU has ([`crate::sim::simd`]). The
//! channels' currents are only read: their decay is their shared scale's ([`Channel`]).

use super::{Channel, Idx, synaptic_gain};
use crate::sim::simd::{Vectorised, run_widest};

/// Neurons stepped as one tile: 2 KiB per array, still in L1 when the threshold is tested.
const TILE: usize = 256;

/// A run of consecutive plain neurons with the same parameters.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Segment {
    pub(super) start: usize,
    pub(super) end: usize,
    resting: f64,
    resistance: f64,
    /// exp(−dt/τm).
    decay: f64,
    threshold: f64,
    /// Each channel's gain for these neurons (see [`synaptic_gain`]).
    gains: Vec<f64>,
}

/// The segments of neurons `0..n`, from the per-neuron parameters (exactly equal values
/// join). A neuron with an infinite threshold (Neuronify's own stepping, escape noise) never
/// crosses it here, whatever it shares with its neighbours.
pub(super) fn segments(
    resting: &[f64],
    resistance: &[f64],
    capacitance: &[f64],
    decay: &[f64],
    threshold: &[f64],
    channels: &[Channel],
) -> Vec<Segment> {
    let key = |i: usize| {
        [
            resting[i],
            resistance[i],
            capacitance[i],
            decay[i],
            threshold[i],
        ]
        .map(f64::to_bits)
    };
    let n = resting.len();
    let mut out: Vec<Segment> = Vec::new();
    for i in 0..n {
        if let Some(last) = out.last_mut()
            && key(last.start) == key(i)
        {
            last.end = i + 1;
            continue;
        }
        let (c, r) = (capacitance[i], resistance[i]);
        out.push(Segment {
            start: i,
            end: i + 1,
            resting: resting[i],
            resistance: r,
            decay: decay[i],
            threshold: threshold[i],
            gains: channels
                .iter()
                .map(|ch| synaptic_gain(c, r * c, ch.tau_s))
                .collect(),
        });
    }
    out
}

/// What one step of the plain neurons reads and writes.
pub(super) struct PlainStep<'a> {
    pub(super) segments: &'a [Segment],
    pub(super) v: &'a mut [f64],
    pub(super) active_from: &'a [u64],
    /// Held input current (A) from DC and AC sources; `None` when no source injects any.
    pub(super) input: Option<&'a [f64]>,
    /// Every channel's current (A) at the start of the step.
    pub(super) channels: &'a [Channel],
}

impl PlainStep<'_> {
    /// Advances every neuron one step (as [`super::LifBlock::integrate`] documents) and appends
    /// those above threshold afterwards to `firing`, in index order.
    pub(super) fn run(self, step: u64, firing: &mut Vec<Idx>) {
        run_widest(Stepping {
            plain: self,
            step,
            firing,
        });
    }

    /// The step itself; inlined into each compiled version.
    #[inline(always)]
    fn run_inline(self, step: u64, firing: &mut Vec<Idx>) {
        for segment in self.segments {
            for start in (segment.start..segment.end).step_by(TILE) {
                let tile = start..(start + TILE).min(segment.end);
                let v = &mut self.v[tile.clone()];
                let active_from = &self.active_from[tile.clone()];
                let input = self.input.map_or(&[][..], |x| &x[tile.clone()]);
                let m = Membrane {
                    segment,
                    active_from,
                    input,
                    step,
                };
                let any = if self.input.is_some() {
                    m.step::<true>(v, self.channels, &tile)
                } else {
                    m.step::<false>(v, self.channels, &tile)
                };
                if any {
                    crossings(v, segment.threshold, start, firing);
                }
            }
        }
    }
}

impl Membrane<'_> {
    /// The tile's step with its channels: the method for their number, or the synaptic
    /// voltage summed beforehand in `dv` when there are more.
    #[inline(always)]
    fn step<const INJECTED: bool>(
        &self,
        v: &mut [f64],
        channels: &[Channel],
        tile: &std::ops::Range<usize>,
    ) -> bool {
        let g = &self.segment.gains;
        // A channel's scaled currents over the tile, and their gain times the scale.
        let at = |k: usize| (&channels[k].scaled[tile.clone()], g[k] * channels[k].scale);
        match channels.len() {
            0 => self.step0::<INJECTED>(v),
            1 => {
                let (a, ga) = at(0);
                self.step1::<INJECTED>(v, a, ga)
            }
            2 => {
                let ((a, ga), (b, gb)) = (at(0), at(1));
                self.step2::<INJECTED>(v, a, ga, b, gb)
            }
            3 => {
                let ((a, ga), (b, gb), (c, gc)) = (at(0), at(1), at(2));
                self.step3::<INJECTED>(v, a, ga, b, gb, c, gc)
            }
            n => {
                let mut dv = [0.0; TILE];
                let dv = &mut dv[..tile.len()];
                for k in 0..n {
                    let (current, gain) = at(k);
                    add_channel(dv, current, gain);
                }
                self.step_with::<INJECTED>(v, dv, 1.0)
            }
        }
    }
}

/// What a channel's current at the start of the step adds to each voltage (`dv`), through its
/// propagator (`gain`).
#[inline(always)]
fn add_channel(dv: &mut [f64], current: &[f64], gain: f64) {
    for (dv, current) in dv.iter_mut().zip(current) {
        *dv += *current * gain;
    }
}

/// What a tile's membranes share in a step: the segment's parameters, the refractory clocks,
/// the held input.
struct Membrane<'a> {
    segment: &'a Segment,
    active_from: &'a [u64],
    /// The tile's held input; empty when nothing injects any.
    input: &'a [f64],
    step: u64,
}

/// The membranes' exact step, each in one loop: the synaptic voltage (the channels' currents
/// at the start of the step through their gains, summed in channel order), then
/// `V ← V∞ + (V − V∞)·e^(−dt/τm) + dv` unless refractory; returns whether any neuron is above
/// threshold afterwards. One method per number of channels, each current its own argument,
/// the sum staying in a register. Without injected input (`INJECTED` false) `V∞` is the
/// resting potential, as `E_L + R·0` is.
macro_rules! membrane_steps {
    ($($(#[$doc:meta])* $name:ident($($current:ident, $gain:ident),*);)*) => {
        impl Membrane<'_> {
            $(
                $(#[$doc])*
                #[inline(always)]
                #[allow(clippy::too_many_arguments, reason = "one slice per channel, see above")]
                #[allow(unused_mut, reason = "without channels nothing adds to `dv`")]
                fn $name<const INJECTED: bool>(
                    &self,
                    v: &mut [f64],
                    $($current: &[f64], $gain: f64),*
                ) -> bool {
                    let n = v.len();
                    let s = self.segment;
                    let active_from = &self.active_from[..n];
                    // Read only with `INJECTED`, when it is the tile's.
                    let input = &self.input[..if INJECTED { n } else { 0 }];
                    $(let $current = &$current[..n];)*
                    let mut any = false;
                    for i in 0..n {
                        // −0 is the identity of addition: the sum is exactly the terms'.
                        let mut dv = -0.0;
                        $(dv += $current[i] * $gain;)*
                        let v_inf = if INJECTED {
                            s.resting + s.resistance * input[i]
                        } else {
                            s.resting
                        };
                        let next = v_inf + (v[i] - v_inf) * s.decay + dv;
                        // Compared as signed, see [`super::NEVER`].
                        let active = self.step as i64 >= active_from[i] as i64;
                        v[i] = if active { next } else { v[i] };
                        any |= v[i] > s.threshold;
                    }
                    any
                }
            )*
        }
    };
}

membrane_steps! {
    /// Without synapses.
    step0();
    step1(a, ga);
    step2(a, ga, b, gb);
    step3(a, ga, b, gb, c, gc);
    /// With the synaptic voltage summed beforehand, as a channel of gain 1 (more channels
    /// than the methods above).
    step_with(dv, one);
}

/// Appends to `firing` the neurons of `v` above `threshold` (the first is neuron `first`).
fn crossings(v: &[f64], threshold: f64, first: usize, firing: &mut Vec<Idx>) {
    let crossed = v.iter().enumerate().filter(|(_, v)| **v > threshold);
    firing.extend(crossed.map(|(k, _)| (first + k) as Idx));
}

/// A step of the plain neurons as vectorised work.
struct Stepping<'a, 'f> {
    plain: PlainStep<'a>,
    step: u64,
    firing: &'f mut Vec<Idx>,
}

impl Vectorised for Stepping<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.plain.run_inline(self.step, self.firing);
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;

    /// 1 000 neurons in three runs of parameters (tiles end inside them), some refractory,
    /// random voltages and currents, on `channels` channels (the second saturating, the
    /// others some steps into their decay).
    struct Neurons {
        segments: Vec<Segment>,
        v: Vec<f64>,
        active_from: Vec<u64>,
        input: Vec<f64>,
        channels: Vec<Channel>,
    }

    fn network(channels: usize, rng: &mut Pcg64) -> Neurons {
        let n = 1000;
        let run = |i: usize| usize::from(i >= 300) + usize::from(i >= 700);
        let resting: Vec<f64> = (0..n).map(|i| [-0.065, -0.070, -0.049][run(i)]).collect();
        let resistance: Vec<f64> = (0..n).map(|i| [1e8, 5e7, 1e8][run(i)]).collect();
        let capacitance: Vec<f64> = (0..n).map(|i| [2e-10, 2e-10, 1e-10][run(i)]).collect();
        let decay: Vec<f64> = (0..n)
            .map(|i| (-crate::sim::DT / (resistance[i] * capacitance[i])).exp())
            .collect();
        let threshold: Vec<f64> = (0..n)
            .map(|i| [-0.050, -0.055, f64::INFINITY][run(i)])
            .collect();
        let taus = [5e-3, 2e-3, 1e-2, 3e-3, 7e-3];
        let channels: Vec<Channel> = (0..channels)
            .map(|c| {
                let decay = (-crate::sim::DT / taus[c]).exp();
                let mut channel = Channel::new(taus[c], decay, c == 1);
                channel.scaled = (0..n).map(|_| rng.random_range(-2e-9..2e-9)).collect();
                for _ in 0..=c {
                    channel.decay_step();
                }
                channel
            })
            .collect();
        Neurons {
            segments: segments(
                &resting,
                &resistance,
                &capacitance,
                &decay,
                &threshold,
                &channels,
            ),
            v: (0..n).map(|_| rng.random_range(-0.075..-0.045)).collect(),
            // Some refractory, some never integrated by this step (Neuronify's).
            active_from: (0..n)
                .map(|i| match i % 97 {
                    0 => crate::sim::network::NEVER,
                    _ => rng.random_range(0..20),
                })
                .collect(),
            input: (0..n).map(|_| rng.random_range(0.0..3e-10)).collect(),
            channels,
        }
    }

    #[test]
    fn the_widest_vector_version_steps_exactly_as_the_portable_one() {
        let mut rng = Pcg64::seed_from_u64(3);
        for channels in 0..=5 {
            for injected in [false, true] {
                let net = network(channels, &mut rng);
                assert_eq!(net.segments.len(), 3, "three runs of parameters");
                let run = |widest: bool| {
                    let (mut v, mut firing) = (net.v.clone(), Vec::new());
                    for step in 5..25 {
                        let plain = PlainStep {
                            segments: &net.segments,
                            v: &mut v,
                            active_from: &net.active_from,
                            input: injected.then_some(&net.input[..]),
                            channels: &net.channels,
                        };
                        if widest {
                            plain.run(step, &mut firing);
                        } else {
                            plain.run_inline(step, &mut firing);
                        }
                    }
                    (v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), firing)
                };
                let (widest, portable) = (run(true), run(false));
                assert!(!widest.1.is_empty(), "some neurons cross");
                assert_eq!(widest, portable, "{channels} channels, input {injected}");
            }
        }
    }

    #[test]
    fn a_step_is_the_exact_propagator_and_a_refractory_neuron_keeps_its_voltage() {
        let mut rng = Pcg64::seed_from_u64(4);
        let Neurons {
            segments,
            v,
            active_from,
            input,
            channels: ch,
        } = network(2, &mut rng);
        assert!(ch[0].scale < 1.0, "a channel some steps into its decay");
        let (mut v1, mut firing) = (v.clone(), Vec::new());
        let step = 10;
        PlainStep {
            segments: &segments,
            v: &mut v1,
            active_from: &active_from,
            input: Some(&input),
            channels: &ch,
        }
        .run(step, &mut firing);
        for s in &segments {
            for i in s.start..s.end {
                let v_inf = s.resting + s.resistance * input[i];
                let synaptic = |k: usize| ch[k].scaled[i] * (s.gains[k] * ch[k].scale);
                let dv = synaptic(0) + synaptic(1);
                let expected = if step >= active_from[i] {
                    v_inf + (v[i] - v_inf) * s.decay + dv
                } else {
                    v[i]
                };
                assert_eq!(v1[i].to_bits(), expected.to_bits(), "neuron {i}");
                assert_eq!(firing.contains(&(i as Idx)), expected > s.threshold);
            }
        }
    }
}
