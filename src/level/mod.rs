//! Guided levels: the level file format ([`schema`]), loading with validation ([`load`]), the
//! headless checker that runs a level's trials on a circuit ([`check`]) and the student's
//! saved progress ([`progress`]). Builds without the `gui` feature.

pub mod check;
pub mod load;
pub mod progress;
pub mod schema;

pub use check::{Outcome, Run, TrialVerdict, Verdict, check};
pub use load::{LevelError, load_folder};
pub use progress::{Progress, ProgressError};
pub use schema::*;
