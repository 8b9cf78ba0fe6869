//! The protocol: one mouse swims trial after trial, starting in blocks of four from north,
//! east, south and west in a random order per block, until it finds the platform (reward)
//! or the trial times out. Many mice with different seeds give the learning curve and the
//! learning ratio, the mean latency of trials 17–20 over that of trials 1–4.

use std::ops::RangeInclusive;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64;

use super::brain::Brain;
use super::params::MazeParams;
use super::pool::{Pool, SwimEvent, start_points};

/// How one trial went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrialRecord {
    /// Time to the platform, or the timeout (s).
    pub latency_s: f64,
    pub timed_out: bool,
    pub wall_hits: u32,
    /// 0–3: north, east, south, west.
    pub start: usize,
}

/// The path is kept at this many steps apart, for drawing.
const PATH_EVERY_STEPS: u64 = 10;

/// A mouse in the maze: its brain, its pool, and the trial it is in.
#[derive(Debug, Clone)]
pub struct Mouse {
    pub params: MazeParams,
    pub brain: Brain,
    pub pool: Pool,
    heading_rad: f64,
    protocol_rng: Pcg64,
    block: Vec<usize>,
    trial_steps: u64,
    wall_hits: u32,
    start: usize,
    path: Vec<[f64; 2]>,
    previous_path: Vec<[f64; 2]>,
    steps_per_readout: u64,
    timeout_steps: u64,
    records: Vec<TrialRecord>,
}

impl Mouse {
    /// A naive mouse at the start of its first trial. The parameters must be valid.
    pub fn new(params: MazeParams, seed: u64) -> Self {
        let brain = Brain::new(&params, seed.wrapping_mul(2).wrapping_add(1));
        let pool = Pool::new(&params);
        let steps = |s: f64| (s / params.dt_s).round().max(1.0) as u64;
        let mut mouse = Self {
            steps_per_readout: steps(params.theta_period_s),
            timeout_steps: steps(params.timeout_s),
            brain,
            pool,
            heading_rad: 0.0,
            protocol_rng: Pcg64::seed_from_u64(seed.wrapping_mul(2)),
            block: Vec::new(),
            trial_steps: 0,
            wall_hits: 0,
            start: 0,
            path: Vec::new(),
            previous_path: Vec::new(),
            records: Vec::new(),
            params,
        };
        mouse.begin_trial();
        mouse
    }

    fn begin_trial(&mut self) {
        if self.block.is_empty() {
            self.block = vec![3, 2, 1, 0];
            self.block.shuffle(&mut self.protocol_rng);
        }
        self.start = self.block.pop().expect("a block has four starts");
        let position = start_points(self.params.start_radius_m)[self.start];
        self.pool.place(position);
        // Placed facing the middle of the pool; the ring takes over at the first readout.
        self.heading_rad = (-position[1]).atan2(-position[0]);
        self.brain.quiet();
        self.trial_steps = 0;
        self.wall_hits = 0;
        self.path.clear();
        self.path.push(position);
    }

    /// One step of dt; returns the record when this step ended a trial (the next begins).
    pub fn step(&mut self) -> Option<TrialRecord> {
        let p = &self.params;
        self.brain.step(self.pool.position_m);
        self.trial_steps += 1;
        if self.trial_steps.is_multiple_of(self.steps_per_readout)
            && let Some(heading) = self.brain.read_heading()
        {
            self.heading_rad = heading;
        }
        let event = self
            .pool
            .swim(self.heading_rad, p.swim_speed_m_per_s * p.dt_s);
        if self.trial_steps.is_multiple_of(PATH_EVERY_STEPS) {
            self.path.push(self.pool.position_m);
        }
        let (ended, timed_out) = match event {
            Some(SwimEvent::Wall) => {
                self.wall_hits += 1;
                self.brain.reward(p.wall_reward);
                (false, false)
            }
            Some(SwimEvent::Platform) => {
                self.brain.reward(p.platform_reward);
                (true, false)
            }
            None => (self.trial_steps >= self.timeout_steps, true),
        };
        if !ended {
            return None;
        }
        let record = TrialRecord {
            latency_s: self.trial_steps as f64 * p.dt_s,
            timed_out,
            wall_hits: self.wall_hits,
            start: self.start,
        };
        self.records.push(record);
        self.previous_path = std::mem::take(&mut self.path);
        self.begin_trial();
        Some(record)
    }

    /// Runs until the present trial ends.
    pub fn run_trial(&mut self) -> TrialRecord {
        loop {
            if let Some(record) = self.step() {
                return record;
            }
        }
    }

    pub fn heading_rad(&self) -> f64 {
        self.heading_rad
    }

    /// Seconds into the present trial.
    pub fn trial_time_s(&self) -> f64 {
        self.trial_steps as f64 * self.params.dt_s
    }

    /// The present trial's path so far, a point every 10 ms.
    pub fn path(&self) -> &[[f64; 2]] {
        &self.path
    }

    /// The whole path of the last finished trial.
    pub fn previous_path(&self) -> &[[f64; 2]] {
        &self.previous_path
    }

    /// Finished trials, first to last.
    pub fn records(&self) -> &[TrialRecord] {
        &self.records
    }
}

/// Many mice through the same number of trials.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// `records[m][t]`: mouse m, trial t.
    pub records: Vec<Vec<TrialRecord>>,
    pub seeds: Vec<u64>,
}

impl Session {
    /// Runs a mouse per seed for `trials` trials, on every core; `progress` hears of each
    /// mouse that finishes (with how many have).
    pub fn run(
        params: &MazeParams,
        seeds: &[u64],
        trials: usize,
        progress: impl Fn(usize) + Sync,
    ) -> Self {
        // One thread (a browser has no others) runs the mice right here.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let done = std::sync::atomic::AtomicUsize::new(0);
        let mut records = vec![Vec::new(); seeds.len()];
        let per_thread = seeds.len().div_ceil(threads).max(1);
        let run_chunk = |chunk_seeds: &[u64], chunk_out: &mut [Vec<TrialRecord>]| {
            for (&seed, out) in chunk_seeds.iter().zip(chunk_out) {
                let mut mouse = Mouse::new(params.clone(), seed);
                *out = (0..trials).map(|_| mouse.run_trial()).collect();
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            }
        };
        let chunks = seeds.chunks(per_thread).zip(records.chunks_mut(per_thread));
        if threads == 1 {
            chunks.for_each(|(s, out)| run_chunk(s, out));
        } else {
            std::thread::scope(|scope| {
                for (s, out) in chunks {
                    scope.spawn(|| run_chunk(s, out));
                }
            });
        }
        Self {
            records,
            seeds: seeds.to_vec(),
        }
    }

    /// Mean latency of each trial over the mice.
    pub fn mean_latencies(&self) -> Vec<f64> {
        let trials = self.records.first().map_or(0, Vec::len);
        (0..trials)
            .map(|t| self.window_mean(t + 1..=t + 1))
            .collect()
    }

    /// Mean latency over the mice and the trials in `window` (numbered from 1).
    pub fn window_mean(&self, window: RangeInclusive<usize>) -> f64 {
        let values: Vec<f64> = self.in_window(window).map(|r| r.latency_s).collect();
        values.iter().sum::<f64>() / values.len().max(1) as f64
    }

    /// The fraction of trials in `window` (numbered from 1) that timed out.
    pub fn timeout_fraction(&self, window: RangeInclusive<usize>) -> f64 {
        let all: Vec<bool> = self.in_window(window).map(|r| r.timed_out).collect();
        all.iter().filter(|&&t| t).count() as f64 / all.len().max(1) as f64
    }

    fn in_window(&self, window: RangeInclusive<usize>) -> impl Iterator<Item = &TrialRecord> {
        let (first, last) = (*window.start(), *window.end());
        self.records
            .iter()
            .flat_map(move |mouse| mouse.iter().take(last).skip(first - 1))
    }

    /// Mean latency of trials 17–20 over that of trials 1–4 (both windows hold each start
    /// once per mouse). Below 1 means the mice got faster.
    pub fn learning_ratio(&self) -> f64 {
        self.window_mean(LATE) / self.window_mean(EARLY)
    }

    /// Each mouse's own learning ratio.
    pub fn ratios_per_mouse(&self) -> Vec<f64> {
        self.records
            .iter()
            .map(|m| {
                let mean = |w: RangeInclusive<usize>| {
                    let v = &m[w.start() - 1..*w.end()];
                    v.iter().map(|r| r.latency_s).sum::<f64>() / v.len() as f64
                };
                mean(LATE) / mean(EARLY)
            })
            .collect()
    }

    /// The learning curve as text: mean latency per trial, block means, the ratio, timeouts.
    pub fn report(&self, wall_s: f64) -> String {
        let curve = self.mean_latencies();
        let mut out = format!(
            "{} mice, {} trials each, {:.1} s of wall time\ntrial  mean latency (s)  timeouts\n",
            self.records.len(),
            curve.len(),
            wall_s
        );
        for (t, latency) in curve.iter().enumerate() {
            let window = t + 1..=t + 1;
            out += &format!(
                "{:>5}  {latency:>16.1}  {:>7.0}%\n",
                t + 1,
                100.0 * self.timeout_fraction(window)
            );
        }
        for block in 0..curve.len() / 4 {
            let (first, last) = (4 * block + 1, 4 * block + 4);
            out += &format!(
                "trials {first:>2}–{last:<2}  {:5.1} s\n",
                self.window_mean(first..=last)
            );
        }
        if curve.len() >= *LATE.end() {
            out += &format!(
                "learning ratio (trials 17–20 / 1–4): {:.3}\ntimeouts in trials 17–20: {:.0}%\n",
                self.learning_ratio(),
                100.0 * self.timeout_fraction(LATE)
            );
        }
        out
    }

    /// The records as CSV: seed,trial,start,latency_s,timed_out,wall_hits.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("seed,trial,start,latency_s,timed_out,wall_hits\n");
        for (seed, mouse) in self.seeds.iter().zip(&self.records) {
            for (t, r) in mouse.iter().enumerate() {
                out += &format!(
                    "{seed},{},{},{:.3},{},{}\n",
                    t + 1,
                    ["N", "E", "S", "W"][r.start],
                    r.latency_s,
                    r.timed_out,
                    r.wall_hits
                );
            }
        }
        out
    }
}

/// The windows of the learning ratio (trials numbered from 1).
pub const EARLY: RangeInclusive<usize> = 1..=4;
pub const LATE: RangeInclusive<usize> = 17..=20;
