//! Recording: every spike of every source, and voltage traces of neurons marked
//! [`RecordVoltage`](super::components::RecordVoltage). Recent history sits in bounded ring
//! buffers for live plots; the whole run is kept too when `keep_full` is set (the runner).

use std::collections::VecDeque;

use bevy::ecs::entity::EntityHashMap;
use bevy::prelude::*;

use super::DT;

/// One spike: the step it was stamped at (its time is `step · dt`) and who fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpikeEvent {
    pub step: u64,
    pub source: Entity,
}

impl SpikeEvent {
    pub fn time_s(&self) -> f64 {
        self.step as f64 * DT
    }
}

/// A voltage trace sampled at the end of every step: sample `k` is at `(first_step + k + 1)·dt`.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub first_step: u64,
    full: Vec<f64>,
    recent: VecDeque<(u64, f64)>,
}

impl Trace {
    /// Every sample since recording began (empty unless the recorder keeps full history).
    pub fn full(&self) -> &[f64] {
        &self.full
    }

    /// Recent `(time_s, volts)` samples, oldest first.
    pub fn recent(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.recent
            .iter()
            .map(|&(step, v)| ((step + 1) as f64 * DT, v))
    }
}

#[derive(Resource, Debug, Clone)]
pub struct Recorder {
    /// Keep the whole run as well as the recent window.
    pub keep_full: bool,
    /// Spikes kept in the recent window.
    pub spike_capacity: usize,
    /// Samples per trace kept in the recent window (10 000 = 1 s).
    pub trace_capacity: usize,
    spikes_full: Vec<SpikeEvent>,
    spikes_recent: VecDeque<SpikeEvent>,
    traces: EntityHashMap<Trace>,
    total_spikes: u64,
    /// Counts clears, so readers can tell a restart from "nothing new".
    generation: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            keep_full: false,
            spike_capacity: 100_000,
            trace_capacity: 20_000,
            spikes_full: Vec::new(),
            spikes_recent: VecDeque::new(),
            traces: EntityHashMap::default(),
            total_spikes: 0,
            generation: 0,
        }
    }
}

impl Recorder {
    pub fn full_history() -> Self {
        Self {
            keep_full: true,
            ..Self::default()
        }
    }

    pub fn total_spikes(&self) -> u64 {
        self.total_spikes
    }

    /// The whole run's spikes in time order (empty unless `keep_full`).
    pub fn spikes(&self) -> &[SpikeEvent] {
        &self.spikes_full
    }

    pub fn recent_spikes(&self) -> impl Iterator<Item = &SpikeEvent> {
        self.spikes_recent.iter()
    }

    /// The newest `n` spikes of the recent window, oldest first.
    pub fn newest_spikes(&self, n: usize) -> impl Iterator<Item = &SpikeEvent> {
        let len = self.spikes_recent.len();
        self.spikes_recent.range(len.saturating_sub(n)..)
    }

    pub fn trace(&self, entity: Entity) -> Option<&Trace> {
        self.traces.get(&entity)
    }

    /// How many times the recorder has been cleared.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn clear(&mut self) {
        self.generation += 1;
        self.spikes_full.clear();
        self.spikes_recent.clear();
        self.traces.clear();
        self.total_spikes = 0;
    }

    pub fn push_spike(&mut self, event: SpikeEvent) {
        self.total_spikes += 1;
        if self.keep_full {
            self.spikes_full.push(event);
        }
        if self.spikes_recent.len() == self.spike_capacity {
            self.spikes_recent.pop_front();
        }
        self.spikes_recent.push_back(event);
    }

    pub(crate) fn push_voltage(&mut self, entity: Entity, step: u64, v: f64) {
        let keep_full = self.keep_full;
        let capacity = self.trace_capacity;
        let trace = self.traces.entry(entity).or_insert_with(|| Trace {
            first_step: step,
            ..Trace::default()
        });
        if keep_full {
            trace.full.push(v);
        }
        if trace.recent.len() == capacity {
            trace.recent.pop_front();
        }
        trace.recent.push_back((step, v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_windows_are_bounded_and_full_history_is_optional() {
        let e = Entity::from_raw_u32(7).unwrap();
        let mut live = Recorder {
            spike_capacity: 3,
            trace_capacity: 2,
            ..Recorder::default()
        };
        for step in 0..10 {
            live.push_spike(SpikeEvent { step, source: e });
            live.push_voltage(e, step, step as f64);
        }
        assert_eq!(live.total_spikes(), 10);
        assert!(live.spikes().is_empty(), "no full history unless asked");
        let recent: Vec<u64> = live.recent_spikes().map(|s| s.step).collect();
        assert_eq!(recent, [7, 8, 9]);
        let newest: Vec<u64> = live.newest_spikes(2).map(|s| s.step).collect();
        assert_eq!(newest, [8, 9]);
        assert_eq!(live.newest_spikes(50).count(), 3);
        let trace: Vec<(f64, f64)> = live.trace(e).unwrap().recent().collect();
        assert_eq!(trace.len(), 2);
        assert!(
            (trace[1].0 - 10.0 * DT).abs() < 1e-12,
            "sample of step 9 is at 1.0 ms"
        );

        let mut full = Recorder::full_history();
        full.spike_capacity = 3;
        for step in 0..10 {
            full.push_spike(SpikeEvent { step, source: e });
            full.push_voltage(e, step, 0.0);
        }
        assert_eq!(full.spikes().len(), 10);
        assert_eq!(full.trace(e).unwrap().full().len(), 10);
        full.clear();
        assert_eq!(full.total_spikes(), 0);
        assert!(full.trace(e).is_none());
    }
}
