//! The simulation clock: the step counter, the speed (simulated time per wall second), pause,
//! single steps, and the per-tick substep cap. Speed is set by how many 0.1 ms substeps each
//! 64 Hz `FixedUpdate` tick runs, never by changing dt.

use bevy::prelude::*;

use super::DT;
use super::params::{ParamError, in_range};

/// Slowest speed: 1 ms of simulated time per wall second.
pub const MIN_SPEED: f64 = 1e-3;
/// Fastest speed: 20 s of simulated time per wall second.
pub const MAX_SPEED: f64 = 20.0;
/// Default cap: enough substeps for 20× real time at 64 Hz.
pub const DEFAULT_MAX_SUBSTEPS: u32 = 3200;

/// What the last tick did, for the UI's speed readout.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TickReport {
    pub substeps: u64,
    /// The speed actually achieved (lower than asked when the cap binds).
    pub effective_speed: f64,
    pub capped: bool,
}

#[derive(Resource, Debug, Clone)]
pub struct SimClock {
    step: u64,
    speed: f64,
    paused: bool,
    max_substeps_per_tick: u32,
    /// Fraction of a substep owed from earlier ticks, so slow speeds average out exactly.
    carry: f64,
    requested_steps: u64,
    last: TickReport,
    /// Wall-clock seconds spent stepping so far, for frame-time measurements.
    busy_s: f64,
}

impl Default for SimClock {
    fn default() -> Self {
        Self {
            step: 0,
            speed: 1.0,
            paused: false,
            max_substeps_per_tick: DEFAULT_MAX_SUBSTEPS,
            carry: 0.0,
            requested_steps: 0,
            last: TickReport::default(),
            busy_s: 0.0,
        }
    }
}

impl SimClock {
    /// Index of the next step to run; also the number of steps run so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Simulated time in seconds at the start of the next step.
    pub fn time_s(&self) -> f64 {
        self.step as f64 * DT
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the simulated seconds per wall second, within [`MIN_SPEED`, `MAX_SPEED`].
    pub fn set_speed(&mut self, speed: f64) -> Result<(), ParamError> {
        in_range("speed", speed, MIN_SPEED, MAX_SPEED)?;
        self.speed = speed;
        Ok(())
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    pub fn max_substeps_per_tick(&self) -> u32 {
        self.max_substeps_per_tick
    }

    pub fn set_max_substeps_per_tick(&mut self, cap: u32) {
        self.max_substeps_per_tick = cap.max(1);
    }

    /// Runs `n` extra steps at the next tick, paused or not (the single-step button).
    pub fn request_steps(&mut self, n: u64) {
        self.requested_steps += n;
    }

    pub fn last_tick(&self) -> TickReport {
        self.last
    }

    /// Wall-clock seconds the simulation has spent stepping since the program started.
    pub fn busy_s(&self) -> f64 {
        self.busy_s
    }

    pub(crate) fn add_busy(&mut self, seconds: f64) {
        self.busy_s += seconds;
    }

    /// Decides how many substeps a tick of `tick_s` wall seconds runs.
    pub fn plan_tick(&mut self, tick_s: f64) -> u64 {
        let requested = std::mem::take(&mut self.requested_steps);
        let mut substeps = 0;
        let mut capped = false;
        if !self.paused {
            let wanted = self.speed * tick_s / DT + self.carry;
            let whole = wanted.floor();
            self.carry = wanted - whole;
            substeps = whole as u64;
            let cap = u64::from(self.max_substeps_per_tick);
            if substeps > cap {
                substeps = cap;
                capped = true;
                self.carry = 0.0;
            }
        }
        self.last = TickReport {
            substeps: substeps + requested,
            effective_speed: match (self.paused, capped) {
                (true, _) => 0.0,
                (false, true) => substeps as f64 * DT / tick_s,
                (false, false) => self.speed,
            },
            capped,
        };
        substeps + requested
    }

    pub(crate) fn advance_one(&mut self) {
        self.step += 1;
    }

    pub(crate) fn restart(&mut self) {
        self.step = 0;
        self.carry = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICK: f64 = 1.0 / 64.0;

    #[test]
    fn real_time_runs_156_25_substeps_per_tick() {
        let mut c = SimClock::default();
        let total: u64 = (0..64).map(|_| c.plan_tick(TICK)).sum();
        assert_eq!(
            total, 10_000,
            "one wall second at 1× is one simulated second"
        );
    }

    #[test]
    fn slow_motion_averages_out() {
        let mut c = SimClock::default();
        c.set_speed(MIN_SPEED).unwrap();
        let total: u64 = (0..640).map(|_| c.plan_tick(TICK)).sum();
        assert_eq!(total, 100, "10 wall seconds at 1/1000× is 10 ms");
    }

    #[test]
    fn pause_stops_and_single_step_still_runs() {
        let mut c = SimClock::default();
        c.set_paused(true);
        assert_eq!(c.plan_tick(TICK), 0);
        c.request_steps(1);
        assert_eq!(c.plan_tick(TICK), 1);
        assert_eq!(c.last_tick().effective_speed, 0.0);
    }

    #[test]
    fn cap_lowers_and_reports_effective_speed() {
        let mut c = SimClock::default();
        c.set_speed(20.0).unwrap();
        c.set_max_substeps_per_tick(1000);
        assert_eq!(c.plan_tick(TICK), 1000);
        let r = c.last_tick();
        assert!(r.capped);
        assert!(
            (r.effective_speed - 6.4).abs() < 1e-9,
            "{}",
            r.effective_speed
        );
    }

    #[test]
    fn speed_outside_range_is_refused() {
        let mut c = SimClock::default();
        assert!(c.set_speed(25.0).is_err());
        assert!(c.set_speed(0.0).is_err());
        assert!(c.set_speed(f64::NAN).is_err());
        assert_eq!(c.speed(), 1.0);
    }
}
