//! The app's headless tests, in one binary: the app's own plugins driven by synthetic mouse,
//! touch and keyboard input (no window, no GPU), checked on the document, the simulated world,
//! the screens and what the app writes to disk.
#![cfg(feature = "gui")]

mod harness;
mod learned_state;
mod sandbox;
mod schedules;
mod screens;
