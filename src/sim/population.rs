//! Populations and projections as simulation components: a [`Population`] entity holds the
//! model its `size` members share (each member is a child entity with a [`PopulationMember`],
//! so one can be observed or inspected), a [`Projection`] entity holds a connection rule with
//! fixed or drawn weights and delays. [`expand`] turns a projection into compact arrays,
//! deterministically from the run's seed and the projection's stable id.

use bevy::prelude::*;
use rand::Rng;
use rand_pcg::Pcg64;
use serde::{Deserialize, Serialize};

use super::components::{Adaptation, BurstCurrent, EscapeNoise, HhParams, LifParams, SynapseMode};
use super::draws::{geometric_skip, standard_normal};
use super::plasticity::Rule;

/// `size` neurons of one model; its members are child entities.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Population {
    pub size: u32,
    pub model: PopulationModel,
    pub initial: InitialVoltage,
    pub layout: PopulationLayout,
}

/// The model every member of a population shares, in SI units.
#[derive(Debug, Clone, PartialEq)]
pub enum PopulationModel {
    Lif {
        params: LifParams,
        refractory_s: f64,
        adaptation: Option<Adaptation>,
        burst: Option<BurstCurrent>,
        escape: Option<EscapeNoise>,
    },
    Hh(HhParams),
}

/// Where a member's membrane starts and restarts, in volts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InitialVoltage {
    /// The reset potential (LIF) or the resting state (HH).
    Reset,
    Fixed(f64),
    Uniform(f64, f64),
}

impl InitialVoltage {
    /// Each of `n` members' start voltage (V), `reset_v` standing for `Reset`: drawn from the
    /// seed and the population's stable id, so the same file and seed start the same way
    /// wherever they are built (the engine, an export).
    pub fn starts(&self, n: usize, reset_v: f64, seed: u64, population_id: &str) -> Vec<f64> {
        match *self {
            Self::Reset => vec![reset_v; n],
            Self::Fixed(v) => vec![v; n],
            Self::Uniform(lo, hi) => {
                let mut rng =
                    super::network::generator_rng(seed, &format!("{population_id}/initial"));
                (0..n)
                    .map(|_| lo + (hi - lo) * rng.random::<f64>())
                    .collect()
            }
        }
    }
}

/// How a population's members are laid out in its glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PopulationLayout {
    /// Rows and columns in a square.
    #[default]
    Grid,
    /// Rings filling a disc.
    Disc,
}

/// Member `index` of its parent population.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationMember {
    pub population: Entity,
    pub index: u32,
}

/// `count` member indices spread evenly over a population of `size` (every member when it has
/// no more), for meters that cannot show a crowd whole.
pub fn evenly_spaced(size: u32, count: u32) -> impl Iterator<Item = u32> {
    let shown = size.min(count);
    (0..shown).map(move |k| (u64::from(k) * u64::from(size) / u64::from(shown)) as u32)
}

/// How many members of an observed population a voltmeter plots.
pub const VOLTMETER_MEMBERS: u32 = 5;

/// Connections between two groups by a rule. `from` is a population, a neuron, a spike
/// generator or a touch sensor; `to` is a population or a neuron. A single item behaves as a
/// population of one; a Poisson generator gives every synapse its own independent train.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Projection {
    pub from: Entity,
    pub to: Entity,
    pub rule: ConnectionRule,
    pub autapses: bool,
    /// Weight magnitude in amperes; the sign comes from the source.
    pub weight_a: Drawn,
    pub delay_s: Drawn,
    pub tau_s: f64,
    pub mode: SynapseMode,
    /// Every synapse of the projection learns by this rule, each with its own weight.
    pub learning: Option<Rule>,
}

/// The largest synaptic weight a projection draws, in amperes (1 µA).
pub const MAX_PROJECTION_WEIGHT_A: f64 = 1e-6;

/// A projection's synapses as the engine builds them: the pairs, and per synapse the weight
/// magnitude (A) and delay (s) where they are drawn (`None`: the fixed value for all).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnSynapses {
    pub pairs: Expanded,
    pub weights_a: Option<Vec<f64>>,
    pub delays_s: Option<Vec<f64>>,
}

impl Projection {
    /// Draws the synapses between `pre` source and `post` target members, each part from its
    /// own stream (`stream("connect")`, `"weight"`, `"delay"`), so a seed and a stable id give
    /// the same synapses wherever they are built: in the engine, or written out for export.
    pub fn draw(&self, pre: u32, post: u32, stream: impl Fn(&str) -> Pcg64) -> DrawnSynapses {
        let same = self.from == self.to;
        let pairs = expand(
            self.rule,
            pre,
            post,
            same,
            self.autapses,
            &mut stream("connect"),
        );
        let n = pairs.post.len();
        let per_synapse = |value: &Drawn, what: &str, max: f64| {
            value.fixed().is_none().then(|| {
                let mut rng = stream(what);
                (0..n).map(|_| value.draw(&mut rng, 0.0, max)).collect()
            })
        };
        DrawnSynapses {
            weights_a: per_synapse(&self.weight_a, "weight", MAX_PROJECTION_WEIGHT_A),
            delays_s: per_synapse(&self.delay_s, "delay", super::MAX_DELAY_S),
            pairs,
        }
    }
}

/// Which pairs of a projection's source and target members are connected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ConnectionRule {
    AllToAll,
    /// Member i to member i; both sides the same size.
    OneToOne,
    /// Every pair independently with probability p.
    Probability(f64),
    /// Every target member gets exactly k distinct source members.
    FixedIndegree(u32),
    /// Every source member reaches exactly k distinct target members.
    FixedOutdegree(u32),
}

impl ConnectionRule {
    /// A short label for the canvas: `all to all`, `p = 0.02`, `k = 80 in`.
    pub fn label(&self) -> String {
        match self {
            Self::AllToAll => "all to all".into(),
            Self::OneToOne => "one to one".into(),
            Self::Probability(p) => format!("p = {p}"),
            Self::FixedIndegree(k) => format!("k = {k} in"),
            Self::FixedOutdegree(k) => format!("k = {k} out"),
        }
    }

    /// The expected number of synapses from `pre` to `post` members; `no_self` when a
    /// population projects onto itself without autapses.
    pub fn expected_synapses(&self, pre: u64, post: u64, no_self: bool) -> f64 {
        let pairs = pre as f64 * (post - u64::from(no_self && post > 0)) as f64;
        match *self {
            Self::AllToAll => pairs,
            Self::OneToOne => pre.min(post) as f64,
            Self::Probability(p) => pairs * p,
            Self::FixedIndegree(k) => post as f64 * f64::from(k),
            Self::FixedOutdegree(k) => pre as f64 * f64::from(k),
        }
    }

    /// Why the rule cannot connect `pre` to `post` members, if it cannot.
    pub fn check(&self, pre: u64, post: u64, no_self: bool) -> Result<(), String> {
        let without_self = |n: u64| n - u64::from(no_self && n > 0);
        match *self {
            Self::OneToOne if pre != post => Err(format!(
                "OneToOne needs both sides the same size, got {pre} and {post}"
            )),
            Self::OneToOne if no_self => {
                Err("OneToOne onto the same population connects only autapses".into())
            }
            Self::Probability(p) if !(0.0..=1.0).contains(&p) => {
                Err(format!("Probability(p) needs p in [0, 1], got {p}"))
            }
            Self::FixedIndegree(k) if u64::from(k) > without_self(pre) => Err(format!(
                "FixedIndegree({k}) needs {k} distinct sources per target, but the source has \
                 {} to offer",
                without_self(pre)
            )),
            Self::FixedOutdegree(k) if u64::from(k) > without_self(post) => Err(format!(
                "FixedOutdegree({k}) needs {k} distinct targets per source, but the target has \
                 {} to offer",
                without_self(post)
            )),
            _ => Ok(()),
        }
    }
}

/// A quantity that is one value for every synapse, or drawn per synapse; draws outside the
/// legal range are clipped to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Drawn {
    Fixed(f64),
    Normal { mean: f64, sd: f64 },
    Uniform { low: f64, high: f64 },
}

impl Drawn {
    /// Why the quantity has no legal values in `[min, max]`, if it has none; `name` is the
    /// file's field and ends in its unit.
    pub fn check(&self, name: &str, min: f64, max: f64) -> Result<(), String> {
        let unit = name.rsplit_once('_').map_or("", |(_, u)| u);
        let ok = |x: f64| x.is_finite();
        match *self {
            Self::Fixed(x) if !ok(x) || x < min || x > max => Err(format!(
                "{name} must lie in [{min}, {max}] {unit}, got {x} {unit}"
            )),
            Self::Normal { mean, sd } if !ok(mean) || !ok(sd) || sd < 0.0 => Err(format!(
                "Normal needs a finite mean and a standard deviation ≥ 0, got mean {mean} {unit}, \
                 sd {sd} {unit}"
            )),
            // Three standard deviations either side must reach the legal range.
            Self::Normal { mean, sd } if mean + 3.0 * sd < min || mean - 3.0 * sd > max => {
                Err(format!(
                    "Normal(mean {mean} {unit}, sd {sd} {unit}) has almost no values in the legal \
                     range [{min}, {max}] {unit}"
                ))
            }
            Self::Uniform { low, high } if !ok(low) || !ok(high) || low > high => Err(format!(
                "Uniform needs low ≤ high, got low {low} {unit}, high {high} {unit}"
            )),
            Self::Uniform { low, high } if high < min || low > max => Err(format!(
                "Uniform({low}, {high}) {unit} has no values in the legal range [{min}, {max}] \
                 {unit}"
            )),
            _ => Ok(()),
        }
    }

    /// The same quantity with every value multiplied by `scale` (a unit conversion).
    pub fn scaled(&self, scale: f64) -> Self {
        match *self {
            Self::Fixed(x) => Self::Fixed(x * scale),
            Self::Normal { mean, sd } => Self::Normal {
                mean: mean * scale,
                sd: sd * scale,
            },
            Self::Uniform { low, high } => Self::Uniform {
                low: low * scale,
                high: high * scale,
            },
        }
    }

    /// The one value, if it is not drawn.
    pub fn fixed(&self) -> Option<f64> {
        match *self {
            Self::Fixed(x) => Some(x),
            _ => None,
        }
    }

    /// One draw, clipped to `[min, max]`.
    pub fn draw(&self, rng: &mut Pcg64, min: f64, max: f64) -> f64 {
        let x = match *self {
            Self::Fixed(x) => x,
            Self::Normal { mean, sd } => mean + sd * standard_normal(rng),
            Self::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
        };
        x.clamp(min, max)
    }
}

/// The synapses of one projection between `pre` and `post` members, ordered by source member
/// (a CSR): `start[i]..start[i + 1]` index the targets of source member `i`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expanded {
    pub start: Vec<u32>,
    pub post: Vec<u32>,
}

/// Connects `pre` to `post` members by `rule`; `same` when both are one population
/// (autapses then follow `autapses`). The rule must have passed [`ConnectionRule::check`].
pub fn expand(
    rule: ConnectionRule,
    pre: u32,
    post: u32,
    same: bool,
    autapses: bool,
    rng: &mut Pcg64,
) -> Expanded {
    let skip_self = same && !autapses;
    let mut start = Vec::with_capacity(pre as usize + 1);
    start.push(0u32);
    let mut targets: Vec<u32> = Vec::new();
    match rule {
        ConnectionRule::AllToAll => {
            for i in 0..pre {
                targets.extend((0..post).filter(|&j| !(skip_self && i == j)));
                start.push(targets.len() as u32);
            }
        }
        ConnectionRule::OneToOne => {
            for i in 0..pre {
                if !skip_self {
                    targets.push(i);
                }
                start.push(targets.len() as u32);
            }
        }
        ConnectionRule::Probability(p) => {
            let expected = ConnectionRule::Probability(p).expected_synapses(
                u64::from(pre),
                u64::from(post),
                skip_self,
            );
            targets.reserve((expected * 1.01 + 16.0) as usize);
            if p >= 1.0 {
                return expand(ConnectionRule::AllToAll, pre, post, same, autapses, rng);
            }
            if p > 0.0 {
                // Pairs in row-major order; each gap to the next connected pair is geometric.
                let ln_q = (1.0 - p).ln();
                let total = u64::from(pre) * u64::from(post);
                let mut k = geometric_skip(rng, ln_q);
                let mut row = 0u64;
                while k < total {
                    let (i, j) = (k / u64::from(post), k % u64::from(post));
                    while row < i {
                        start.push(targets.len() as u32);
                        row += 1;
                    }
                    if !(skip_self && i == j) {
                        targets.push(j as u32);
                    }
                    k = k
                        .saturating_add(1)
                        .saturating_add(geometric_skip(rng, ln_q));
                }
            }
            while start.len() <= pre as usize {
                start.push(targets.len() as u32);
            }
        }
        ConnectionRule::FixedOutdegree(k) => {
            let mut chosen = Chosen::new(post);
            for i in 0..pre {
                let exclude = skip_self.then_some(i);
                chosen.draw(k, post, exclude, rng, &mut targets);
                start.push(targets.len() as u32);
            }
        }
        ConnectionRule::FixedIndegree(k) => {
            // Draw each target's sources, then sort the pairs by source (counting sort).
            let mut chosen = Chosen::new(pre);
            let mut sources: Vec<u32> = Vec::with_capacity(post as usize * k as usize);
            for j in 0..post {
                let exclude = skip_self.then_some(j);
                chosen.draw(k, pre, exclude, rng, &mut sources);
            }
            let mut counts = vec![0u32; pre as usize + 1];
            for &s in &sources {
                counts[s as usize + 1] += 1;
            }
            for i in 0..pre as usize {
                counts[i + 1] += counts[i];
            }
            start.clone_from(&counts);
            targets = vec![0; sources.len()];
            for (n, &s) in sources.iter().enumerate() {
                let j = (n / k as usize) as u32;
                let slot = &mut counts[s as usize];
                targets[*slot as usize] = j;
                *slot += 1;
            }
        }
    }
    Expanded {
        start,
        post: targets,
    }
}

/// Draws k distinct members out of n (Floyd's algorithm), with a bit set reused between draws.
struct Chosen {
    taken: Vec<u64>,
}

impl Chosen {
    fn new(n: u32) -> Self {
        Self {
            taken: vec![0; (n as usize).div_ceil(64)],
        }
    }

    fn test_and_set(&mut self, x: u32) -> bool {
        let (w, b) = ((x / 64) as usize, x % 64);
        let was = self.taken[w] & (1 << b) != 0;
        self.taken[w] |= 1 << b;
        was
    }

    /// Appends k distinct values of `0..n` other than `exclude` to `out`, in ascending order.
    fn draw(&mut self, k: u32, n: u32, exclude: Option<u32>, rng: &mut Pcg64, out: &mut Vec<u32>) {
        let first = out.len();
        // Floyd over the n' candidates; the excluded one is mapped away from the top.
        let candidates = n - u32::from(exclude.is_some());
        let map = |x: u32| match exclude {
            Some(e) if x >= e => x + 1,
            _ => x,
        };
        for top in (candidates - k)..candidates {
            let pick = rng.random_range(0..=top);
            let chosen = if self.test_and_set(pick) {
                self.test_and_set(top);
                top
            } else {
                pick
            };
            out.push(map(chosen));
        }
        for &x in &out[first..] {
            let x = match exclude {
                Some(e) if x > e => x - 1,
                _ => x,
            };
            self.taken[(x / 64) as usize] = 0;
        }
        out[first..].sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> Pcg64 {
        Pcg64::seed_from_u64(3)
    }

    fn pairs(e: &Expanded) -> Vec<(u32, u32)> {
        (0..e.start.len() - 1)
            .flat_map(|i| {
                let range = e.start[i] as usize..e.start[i + 1] as usize;
                e.post[range].iter().map(move |&j| (i as u32, j))
            })
            .collect()
    }

    #[test]
    fn all_to_all_and_one_to_one_connect_what_they_say() {
        let all = expand(ConnectionRule::AllToAll, 3, 3, true, false, &mut rng());
        assert_eq!(
            pairs(&all),
            [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
        );
        let all = expand(ConnectionRule::AllToAll, 2, 3, false, false, &mut rng());
        assert_eq!(pairs(&all).len(), 6);
        let one = expand(ConnectionRule::OneToOne, 4, 4, false, false, &mut rng());
        assert_eq!(pairs(&one), [(0, 0), (1, 1), (2, 2), (3, 3)]);
    }

    #[test]
    fn probability_connects_the_expected_share_of_pairs() {
        let (n, p) = (2000u32, 0.02);
        let e = expand(
            ConnectionRule::Probability(p),
            n,
            n,
            true,
            false,
            &mut rng(),
        );
        let expected = f64::from(n) * f64::from(n - 1) * p;
        let got = e.post.len() as f64;
        // Binomial: sd = sqrt(N p (1 − p)) ≈ 280; allow 5 sd.
        assert!(
            (got - expected).abs() < 5.0 * (expected * (1.0 - p)).sqrt(),
            "{got} vs {expected}"
        );
        assert!(pairs(&e).iter().all(|(i, j)| i != j), "no autapses");
        assert_eq!(e.start.len(), n as usize + 1);
        // Same stream, same network.
        let again = expand(
            ConnectionRule::Probability(p),
            n,
            n,
            true,
            false,
            &mut rng(),
        );
        assert_eq!(e, again);
    }

    #[test]
    fn fixed_degrees_draw_distinct_members() {
        let e = expand(
            ConnectionRule::FixedIndegree(5),
            6,
            40,
            true,
            false,
            &mut rng(),
        );
        let mut indegree = [0u32; 40];
        let p = pairs(&e);
        for &(i, j) in &p {
            indegree[j as usize] += 1;
            assert_ne!(i, j, "no autapses");
        }
        assert!(indegree[..6].iter().all(|&d| d == 5));
        let mut sorted = p.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), p.len(), "no multapses");
        // k equal to all there is: every other member.
        let e = expand(
            ConnectionRule::FixedOutdegree(9),
            10,
            10,
            true,
            false,
            &mut rng(),
        );
        assert_eq!(pairs(&e).len(), 90);
        assert!(pairs(&e).iter().all(|(i, j)| i != j));
    }

    #[test]
    fn rules_that_cannot_be_met_say_why() {
        let rule = ConnectionRule::FixedIndegree(80);
        let err = rule.check(50, 100, false).unwrap_err();
        assert!(err.contains("50 to offer"), "{err}");
        assert!(ConnectionRule::Probability(1.5).check(3, 3, false).is_err());
        assert!(ConnectionRule::OneToOne.check(3, 4, false).is_err());
        let weight = Drawn::Normal {
            mean: -10.0,
            sd: 1.0,
        };
        assert!(
            weight
                .check("weight_nA", 0.0, 1e3)
                .unwrap_err()
                .contains("nA")
        );
        assert!(
            Drawn::Uniform {
                low: 2.0,
                high: 1.0
            }
            .check("delay_ms", 0.0, 30.0)
            .is_err()
        );
    }

    #[test]
    fn draws_stay_in_the_legal_range() {
        let mut r = rng();
        let d = Drawn::Normal { mean: 0.1, sd: 1.0 };
        let xs: Vec<f64> = (0..1000).map(|_| d.draw(&mut r, 0.0, 1.0)).collect();
        assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)));
        assert!(xs.contains(&0.0) && xs.iter().any(|&x| x > 0.5));
    }
}
