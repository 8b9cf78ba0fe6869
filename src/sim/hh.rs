//! Hodgkin–Huxley kinetics (squid axon, DESIGN.md constants) and its integrator: classic RK4 on
//! 8 internal substeps of 0.0125 ms per simulation step, on [`Lanes`] of membranes side by side
//! so that the arithmetic runs in vector registers (the rates come from a table, gathered
//! lane by lane). Units inside: mV, ms, µA/cm², mS/cm².

use bevy::prelude::Component;

pub const C_M: f64 = 1.0;
pub const G_NA: f64 = 120.0;
pub const G_K: f64 = 36.0;
pub const G_L: f64 = 0.3;
pub const E_NA: f64 = 50.0;
pub const E_K: f64 = -77.0;
pub const E_L: f64 = -54.387;

/// Gating variables of a Hodgkin–Huxley neuron; defaults are the steady state at −65 mV.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct HhGates {
    pub m: f64,
    pub n: f64,
    pub h: f64,
}

impl Default for HhGates {
    fn default() -> Self {
        steady_state(-65.0)
    }
}

/// Internal substeps per 0.1 ms simulation step. RK4 at 0.0125 ms puts every spike of the
/// high-accuracy reference within 0.03 µs of its time (0.01 ms: 0.014 µs; 0.025 ms: 0.08 µs),
/// far inside the 0.1 ms step it is stamped on. Stability sets the count: βm grows
/// exponentially below rest, and RK4 needs h·βm < 2.78, so 8 substeps hold down to −137 mV
/// (10 held to −141 mV, 4 only to −123 mV); one 0.1 ms step blows up at rest.
pub const SUBSTEPS: u32 = 8;

/// Current density of the one-step kick an immediate-fire edge gives an HH neuron: 0.1 ms at
/// 300 µA/cm² lifts the membrane by 30 mV, well past threshold from rest.
pub const KICK_UA_PER_CM2: f64 = 300.0;

/// `x / (1 − exp(−x/10))`, the shared form of αn and αm, with its removable singularity at
/// x = 0 replaced by the series 10 + x/2 + x²/120.
fn linear_over_exp(x: f64) -> f64 {
    if x.abs() < 1e-6 {
        10.0 + 0.5 * x + x * x / 120.0
    } else {
        x / (1.0 - (-x / 10.0).exp())
    }
}

pub fn alpha_n(v: f64) -> f64 {
    0.01 * linear_over_exp(v + 55.0)
}
pub fn beta_n(v: f64) -> f64 {
    0.125 * (-(v + 65.0) / 80.0).exp()
}
pub fn alpha_m(v: f64) -> f64 {
    0.1 * linear_over_exp(v + 40.0)
}
pub fn beta_m(v: f64) -> f64 {
    4.0 * (-(v + 65.0) / 18.0).exp()
}
pub fn alpha_h(v: f64) -> f64 {
    0.07 * (-(v + 65.0) / 20.0).exp()
}
pub fn beta_h(v: f64) -> f64 {
    1.0 / (1.0 + (-(v + 35.0) / 10.0).exp())
}

/// The six rate functions at one voltage (1/ms).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Rates {
    am: f64,
    bm: f64,
    an: f64,
    bn: f64,
    ah: f64,
    bh: f64,
}

fn exact_rates(v: f64) -> Rates {
    Rates {
        am: alpha_m(v),
        bm: beta_m(v),
        an: alpha_n(v),
        bn: beta_n(v),
        ah: alpha_h(v),
        bh: beta_h(v),
    }
}

const TABLE_MIN_MV: f64 = -150.0;
const TABLE_MAX_MV: f64 = 100.0;
/// Table spacing. Linear interpolation between points 0.02 mV apart is off by less than
/// 1e-6 relative: far below what the 1 % spike-time budget can see, at a sixth of the cost
/// of six exponentials per evaluation.
const TABLE_STEP_MV: f64 = 0.02;

/// The rates at every table voltage, one array per rate so that lanes gather from them.
struct RateTable {
    am: Vec<f64>,
    bm: Vec<f64>,
    an: Vec<f64>,
    bn: Vec<f64>,
    ah: Vec<f64>,
    bh: Vec<f64>,
}

fn rate_table() -> &'static RateTable {
    static TABLE: std::sync::OnceLock<RateTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let n = ((TABLE_MAX_MV - TABLE_MIN_MV) / TABLE_STEP_MV).round() as usize + 1;
        let at: Vec<Rates> = (0..n)
            .map(|k| exact_rates(TABLE_MIN_MV + k as f64 * TABLE_STEP_MV))
            .collect();
        let column = |f: fn(&Rates) -> f64| at.iter().map(f).collect();
        RateTable {
            am: column(|r| r.am),
            bm: column(|r| r.bm),
            an: column(|r| r.an),
            bn: column(|r| r.bn),
            ah: column(|r| r.ah),
            bh: column(|r| r.bh),
        }
    })
}

/// Gates at their steady state for a clamped voltage (mV).
pub fn steady_state(v: f64) -> HhGates {
    let inf = |a: f64, b: f64| a / (a + b);
    HhGates {
        m: inf(alpha_m(v), beta_m(v)),
        n: inf(alpha_n(v), beta_n(v)),
        h: inf(alpha_h(v), beta_h(v)),
    }
}

/// State of one HH membrane: voltage (mV) and gates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HhState {
    pub v: f64,
    pub m: f64,
    pub n: f64,
    pub h: f64,
}

/// `L` membranes side by side, one array per variable: every operation below is the same for
/// each lane, so it compiles to one vector instruction, and a membrane's numbers do not
/// depend on its lane or on `L`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lanes<const L: usize> {
    pub v: [f64; L],
    pub m: [f64; L],
    pub n: [f64; L],
    pub h: [f64; L],
}

impl<const L: usize> Lanes<L> {
    /// Lanes from `L` membranes.
    pub fn load(states: &[HhState; L]) -> Self {
        Self {
            v: states.map(|s| s.v),
            m: states.map(|s| s.m),
            n: states.map(|s| s.n),
            h: states.map(|s| s.h),
        }
    }

    /// Writes the lanes back to their membranes.
    pub fn store(&self, states: &mut [HhState; L]) {
        for (k, s) in states.iter_mut().enumerate() {
            *s = HhState {
                v: self.v[k],
                m: self.m[k],
                n: self.n[k],
                h: self.h[k],
            };
        }
    }

    /// `self + a·k`, lane by lane.
    #[inline(always)]
    fn axpy(&self, k: &Self, a: f64) -> Self {
        let f = |x: &[f64; L], y: &[f64; L]| std::array::from_fn(|i| x[i] + a * y[i]);
        Self {
            v: f(&self.v, &k.v),
            m: f(&self.m, &k.m),
            n: f(&self.n, &k.n),
            h: f(&self.h, &k.h),
        }
    }

    /// The time derivatives under the current densities `i_ext` (µA/cm²).
    #[inline(always)]
    #[expect(
        clippy::needless_range_loop,
        reason = "one index over many arrays alike is what the compiler turns into vectors"
    )]
    fn derivative(&self, i_ext: &[f64; L], table: &RateTable) -> Self {
        let r = RateLanes::at(&self.v, table);
        let mut d = *self;
        for i in 0..L {
            let (v, m, n, h) = (self.v[i], self.m[i], self.n[i], self.h[i]);
            let i_ion = G_NA * m * m * m * h * (v - E_NA)
                + G_K * n * n * n * n * (v - E_K)
                + G_L * (v - E_L);
            d.v[i] = (i_ext[i] - i_ion) / C_M;
            d.m[i] = r.am[i] * (1.0 - m) - r.bm[i] * m;
            d.n[i] = r.an[i] * (1.0 - n) - r.bn[i] * n;
            d.h[i] = r.ah[i] * (1.0 - h) - r.bh[i] * h;
        }
        d
    }
}

/// The six rates of every lane.
struct RateLanes<const L: usize> {
    am: [f64; L],
    bm: [f64; L],
    an: [f64; L],
    bn: [f64; L],
    ah: [f64; L],
    bh: [f64; L],
}

impl<const L: usize> RateLanes<L> {
    /// Rates by interpolation in the table, or exactly for a voltage outside its range.
    #[inline(always)]
    fn at(v: &[f64; L], t: &RateTable) -> Self {
        let last = t.am.len() - 2;
        let (mut index, mut frac) = ([0; L], [0.0; L]);
        let mut outside = false;
        for i in 0..L {
            let x = (v[i] - TABLE_MIN_MV) / TABLE_STEP_MV;
            let inside = x >= 0.0 && x < (last + 1) as f64;
            outside |= !inside;
            let x = if inside { x } else { 0.0 };
            // `min` tells the compiler the index and the next are in the table.
            index[i] = (x as usize).min(last);
            frac[i] = x - index[i] as f64;
        }
        let lerp = |column: &[f64]| -> [f64; L] {
            let column = &column[..last + 2];
            std::array::from_fn(|i| {
                let (p, q) = (column[index[i]], column[index[i] + 1]);
                p + (q - p) * frac[i]
            })
        };
        let mut r = Self {
            am: lerp(&t.am),
            bm: lerp(&t.bm),
            an: lerp(&t.an),
            bn: lerp(&t.bn),
            ah: lerp(&t.ah),
            bh: lerp(&t.bh),
        };
        if outside {
            #[expect(clippy::needless_range_loop, reason = "lane `i` of seven arrays")]
            for i in 0..L {
                let x = (v[i] - TABLE_MIN_MV) / TABLE_STEP_MV;
                if !(x >= 0.0 && x < (last + 1) as f64) {
                    let e = exact_rates(v[i]);
                    (r.am[i], r.bm[i], r.an[i], r.bn[i]) = (e.am, e.bm, e.an, e.bn);
                    (r.ah[i], r.bh[i]) = (e.ah, e.bh);
                }
            }
        }
        r
    }
}

/// Advances `s` by `dt_ms` under a constant current density `i_ext` (µA/cm²).
pub fn advance(s: &mut HhState, i_ext: f64, dt_ms: f64) {
    advance_varying(s, &[i_ext; CURRENT_SAMPLES], dt_ms);
}

/// Samples of the input over one step that [`advance_varying`] needs: at the start, middle and
/// end of every substep (`i[k]` at `k · h / 2`).
pub const CURRENT_SAMPLES: usize = 2 * SUBSTEPS as usize + 1;

/// As [`advance`], with an input that changes within the step (a decaying synaptic current),
/// sampled where RK4 evaluates it.
pub fn advance_varying(s: &mut HhState, i_ext: &[f64; CURRENT_SAMPLES], dt_ms: f64) {
    let mut lanes = Lanes::load(&[*s]);
    advance_lanes(&mut lanes, &i_ext.map(|i| [i]), dt_ms);
    *s = HhState {
        v: lanes.v[0],
        m: lanes.m[0],
        n: lanes.n[0],
        h: lanes.h[0],
    };
}

/// [`advance_varying`] for `L` membranes at once, `i_ext[k][lane]`.
#[inline(always)]
pub fn advance_lanes<const L: usize>(
    s: &mut Lanes<L>,
    i_ext: &[[f64; L]; CURRENT_SAMPLES],
    dt_ms: f64,
) {
    let h = dt_ms / f64::from(SUBSTEPS);
    let t = rate_table();
    for sub in 0..SUBSTEPS as usize {
        let (start, middle, end) = (&i_ext[2 * sub], &i_ext[2 * sub + 1], &i_ext[2 * sub + 2]);
        let k1 = s.derivative(start, t);
        let k2 = s.axpy(&k1, 0.5 * h).derivative(middle, t);
        let k3 = s.axpy(&k2, 0.5 * h).derivative(middle, t);
        let k4 = s.axpy(&k3, h).derivative(end, t);
        let w = h / 6.0;
        let sum = |k1: &[f64; L], k2: &[f64; L], k3: &[f64; L], k4: &[f64; L], i: usize| {
            w * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
        };
        for i in 0..L {
            s.v[i] += sum(&k1.v, &k2.v, &k3.v, &k4.v, i);
            s.m[i] = (s.m[i] + sum(&k1.m, &k2.m, &k3.m, &k4.m, i)).clamp(0.0, 1.0);
            s.n[i] = (s.n[i] + sum(&k1.n, &k2.n, &k3.n, &k4.n, i)).clamp(0.0, 1.0);
            s.h[i] = (s.h[i] + sum(&k1.h, &k2.h, &k3.h, &k4.h, i)).clamp(0.0, 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singularities_are_continuous() {
        for (f, v0) in [(alpha_n as fn(f64) -> f64, -55.0), (alpha_m, -40.0)] {
            let at = f(v0);
            let near = f(v0 + 1e-4);
            assert!(at.is_finite());
            assert!((at - near).abs() < 1e-4, "{at} vs {near}");
        }
    }

    #[test]
    fn table_matches_the_formulas() {
        let mut v = -149.99;
        while v < 99.0 {
            let t = RateLanes::at(&[v], rate_table());
            let t = Rates {
                am: t.am[0],
                bm: t.bm[0],
                an: t.an[0],
                bn: t.bn[0],
                ah: t.ah[0],
                bh: t.bh[0],
            };
            let e = exact_rates(v);
            for (a, b) in [
                (t.am, e.am),
                (t.bm, e.bm),
                (t.an, e.an),
                (t.bn, e.bn),
                (t.ah, e.ah),
                (t.bh, e.bh),
            ] {
                assert!(
                    (a - b).abs() <= 1e-6 * b.abs().max(1e-3),
                    "at {v} mV: {a} vs {b}"
                );
            }
            v += 0.0137;
        }
        // Outside the table the formulas are used directly, lane by lane.
        let r = RateLanes::at(&[150.0, -60.0], rate_table());
        assert_eq!(r.am[0], exact_rates(150.0).am);
        assert_eq!(r.bh[0], exact_rates(150.0).bh);
        assert!((r.am[1] - exact_rates(-60.0).am).abs() < 1e-6 * exact_rates(-60.0).am);
    }

    /// Eight membranes as lanes, in the widest vector version.
    struct EightAtOnce<'a>(&'a mut Lanes<8>, &'a [[f64; 8]; CURRENT_SAMPLES]);

    impl crate::sim::simd::Vectorised for EightAtOnce<'_> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            advance_lanes(self.0, self.1, 0.1);
        }
    }

    #[test]
    fn lanes_in_the_widest_vector_version_step_as_one_membrane_alone() {
        // Rest, spiking, outside the table (exact rates) and on a singularity (−40 mV).
        let volts: [f64; 8] = [-65.0, -40.0, 20.0, -55.0, -130.0, 120.0, -70.3, 0.0];
        let states: [HhState; 8] = std::array::from_fn(|k| {
            let g = steady_state(volts[k].clamp(-100.0, 50.0));
            HhState {
                v: volts[k],
                m: g.m,
                n: g.n,
                h: g.h,
            }
        });
        let samples: [[f64; 8]; CURRENT_SAMPLES] =
            std::array::from_fn(|j| std::array::from_fn(|k| 10.0 * k as f64 - 0.5 * j as f64));
        let mut lanes = Lanes::load(&states);
        for _ in 0..50 {
            crate::sim::simd::run_widest(EightAtOnce(&mut lanes, &samples));
        }
        let mut together = states;
        lanes.store(&mut together);
        for (k, alone) in states.iter().enumerate() {
            let mut alone = *alone;
            for _ in 0..50 {
                advance_varying(&mut alone, &samples.map(|s| s[k]), 0.1);
            }
            let bits = |s: &HhState| [s.v, s.m, s.n, s.h].map(f64::to_bits);
            assert_eq!(
                bits(&together[k]),
                bits(&alone),
                "lane {k} from {} mV",
                volts[k]
            );
            assert!(together[k].v.is_finite(), "lane {k}: {:?}", together[k]);
        }
    }

    #[test]
    fn steady_state_matches_reference_gates() {
        // Reference gates at −65 mV from hh-reference-10uA.json.
        let g = steady_state(-65.0);
        assert!((g.m - 0.052_932_485_257_249_584).abs() < 1e-12);
        assert!((g.n - 0.317_676_914_060_697_4).abs() < 1e-12);
        assert!((g.h - 0.596_120_753_508_460_3).abs() < 1e-12);
    }
}
