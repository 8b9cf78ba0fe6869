//! The water maze of Vasilaki et al. (2009): a simulated mouse whose place cells drive a ring
//! of escape-noise action cells, and whose place→action synapses learn from reward with the
//! three-factor rule. Parameters, geometry and protocol follow
//! `../shared/reference/vasilaki-2009.md` §3.
//!
//! The model is built from the simulator's own parts — [`crate::sim::place`] fields and the
//! ring readout, [`crate::sim::escape`] rates, [`crate::sim::reward`] eligibility and reward
//! updates — but stepped by its own dense loop at 1 ms (the reference's recommendation, §6),
//! so twenty trials of ten mice take seconds and the scene can fast-forward through them.
//!
//! - [`params`]: every number of the model, validated.
//! - [`pool`]: the pool, the platform, the start positions, swimming and walls.
//! - [`brain`]: place cells, the action ring, eligibility and weights.
//! - [`trials`]: one mouse through its trials, and many mice for the learning curve.

pub mod brain;
pub mod params;
pub mod pool;
pub mod trials;

pub use brain::Brain;
pub use params::MazeParams;
pub use pool::{Pool, SwimEvent};
pub use trials::{Mouse, Session, TrialRecord};
