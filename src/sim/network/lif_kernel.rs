//! The hot loop of the engine: one exact step of the plain integrate-and-fire neurons (no
//! adaptation, no burst current) with their synaptic channels' decay and the threshold test.
//!
//! Neurons with the same parameters (a population, or hand-placed neurons left at their
//! defaults) form a [`Segment`] whose parameters are scalars, so a step reads only what
//! changes per neuron (voltage, refractory clock, held input, channel currents). A segment
//! goes in tiles whose synaptic voltage stays in L1, through loops shaped so that they compile
//! to vector instructions, compiled once more for the widest vector unit the CPU has
//! (AVX-512 or AVX2 on x86-64, chosen at run time). The arithmetic is the same IEEE
//! operations in the same order whichever version runs (Rust never fuses a multiply and an
//! add by itself), so every CPU gives the same spikes to the last bit.

use super::{Channel, Idx, synaptic_gain};

/// Neurons tested for a crossing together: one AVX-512 register of f64.
const LANES: usize = 8;
/// Neurons whose synaptic voltage is summed at once (2 KiB, in L1).
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
    /// Every channel's current (A), decayed in place by a step over these neurons (a
    /// saturating channel is gathered anew every step instead).
    pub(super) channels: &'a mut [Channel],
}

impl PlainStep<'_> {
    /// Advances every neuron one step (as [`super::LifBlock::integrate`] documents) and appends
    /// those above threshold afterwards to `firing`, in index order.
    pub(super) fn run(self, step: u64, firing: &mut Vec<Idx>) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return wide::avx512(self, step, firing);
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return wide::avx2(self, step, firing);
            }
        }
        self.run_portable(step, firing);
    }

    /// The step itself; inlined into each compiled version.
    #[inline(always)]
    fn run_portable(self, step: u64, firing: &mut Vec<Idx>) {
        let mut dv = [0.0; TILE];
        for segment in self.segments {
            for start in (segment.start..segment.end).step_by(TILE) {
                let tile = start..(start + TILE).min(segment.end);
                let dv = &mut dv[..tile.len()];
                let mut channels = self.channels.iter_mut().zip(&segment.gains);
                match channels.next() {
                    Some((channel, &gain)) => {
                        let decay = channel_decay(channel);
                        first_channel(dv, &mut channel.current[tile.clone()], gain, decay);
                    }
                    None => dv.fill(0.0),
                }
                for (channel, &gain) in channels {
                    let decay = channel_decay(channel);
                    add_channel(dv, &mut channel.current[tile.clone()], gain, decay);
                }
                let v = &mut self.v[tile.clone()];
                let active_from = &self.active_from[tile.clone()];
                match self.input {
                    Some(input) => membrane(segment, v, active_from, &input[tile], dv, step),
                    None => membrane_uninjected(segment, v, active_from, dv, step),
                }
                crossings(v, segment.threshold, start, firing);
            }
        }
    }
}

/// How much of a channel's current is left after a step; a saturating channel's is gathered
/// anew every step, so it is left as it is.
fn channel_decay(channel: &Channel) -> f64 {
    if channel.saturating {
        1.0
    } else {
        channel.decay
    }
}

/// [`add_channel`] onto a `dv` of zeros, without clearing it first.
#[inline(always)]
fn first_channel(dv: &mut [f64], current: &mut [f64], gain: f64, decay: f64) {
    for (dv, current) in dv.iter_mut().zip(current) {
        // `0.0 +` keeps the sum's bits as summing onto zeros gives them (−0 becomes +0).
        *dv = 0.0 + *current * gain;
        *current *= decay;
    }
}

/// What a channel's current at the start of the step adds to each voltage (`dv`), through its
/// propagator (`gain`); then the current decays by the step. Separate slices: the compiler
/// knows they do not overlap and vectorises the loop.
#[inline(always)]
fn add_channel(dv: &mut [f64], current: &mut [f64], gain: f64, decay: f64) {
    for (dv, current) in dv.iter_mut().zip(current) {
        *dv += *current * gain;
        *current *= decay;
    }
}

/// The membranes' exact step from `v`, plus the synaptic `dv`; a refractory neuron keeps its
/// voltage. Those above threshold afterwards go to `firing` (the first neuron here is
/// `first`). Separate slices tell the compiler they do not overlap, so the step is one vector
/// loop; the test goes over the tile again while it is in L1, a block of [`LANES`] at once,
/// and only a block with a crossing is looked at neuron by neuron.
#[inline(always)]
fn membrane(s: &Segment, v: &mut [f64], active_from: &[u64], input: &[f64], dv: &[f64], step: u64) {
    let n = v.len();
    let (active_from, input, dv) = (&active_from[..n], &input[..n], &dv[..n]);
    for i in 0..n {
        let v_inf = s.resting + s.resistance * input[i];
        let next = v_inf + (v[i] - v_inf) * s.decay + dv[i];
        v[i] = if step >= active_from[i] { next } else { v[i] };
    }
}

/// [`membrane`] without injected current: the same numbers (`R·0 = 0`) without reading it.
#[inline(always)]
fn membrane_uninjected(s: &Segment, v: &mut [f64], active_from: &[u64], dv: &[f64], step: u64) {
    let n = v.len();
    let (active_from, dv) = (&active_from[..n], &dv[..n]);
    let v_inf = s.resting;
    for i in 0..n {
        let next = v_inf + (v[i] - v_inf) * s.decay + dv[i];
        v[i] = if step >= active_from[i] { next } else { v[i] };
    }
}

/// Appends to `firing` the neurons of `v` above `threshold` (the first is neuron `first`).
#[inline(always)]
fn crossings(v: &[f64], threshold: f64, first: usize, firing: &mut Vec<Idx>) {
    for (b, block) in v.chunks(LANES).enumerate() {
        if block.iter().fold(false, |any, &v| any | (v > threshold)) {
            let crossed = block.iter().enumerate().filter(|(_, v)| **v > threshold);
            firing.extend(crossed.map(|(k, _)| (first + b * LANES + k) as Idx));
        }
    }
}

/// The same step compiled for wider vector units; callers check the CPU first.
#[cfg(target_arch = "x86_64")]
#[expect(
    unsafe_code,
    reason = "a function compiled for a CPU feature is called only after checking the CPU has it"
)]
mod wide {
    use super::{Idx, PlainStep};

    #[target_feature(enable = "avx512f")]
    fn avx512_body(p: PlainStep<'_>, step: u64, firing: &mut Vec<Idx>) {
        p.run_portable(step, firing);
    }

    #[target_feature(enable = "avx2")]
    fn avx2_body(p: PlainStep<'_>, step: u64, firing: &mut Vec<Idx>) {
        p.run_portable(step, firing);
    }

    pub(super) fn avx512(p: PlainStep<'_>, step: u64, firing: &mut Vec<Idx>) {
        debug_assert!(std::arch::is_x86_feature_detected!("avx512f"));
        // SAFETY: `PlainStep::run` calls this only when the CPU has AVX-512F.
        unsafe { avx512_body(p, step, firing) }
    }

    pub(super) fn avx2(p: PlainStep<'_>, step: u64, firing: &mut Vec<Idx>) {
        debug_assert!(std::arch::is_x86_feature_detected!("avx2"));
        // SAFETY: `PlainStep::run` calls this only when the CPU has AVX2.
        unsafe { avx2_body(p, step, firing) }
    }
}
