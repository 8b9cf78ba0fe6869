//! The headless integration tests, in one binary so that Bevy is linked once: the simulation
//! against its oracles (closed forms, Brian2, the Hodgkin–Huxley reference), circuit and
//! Neuronify files, export to NEST run in NEST, the shipped examples and levels, learning, the water maze and the command
//! line. No window, no GPU; they build with `--no-default-features` too.

mod common;

mod circuit_files;
mod cli;
mod clock;
mod determinism;
mod editing;
mod exact_synapses;
mod examples;
mod hh;
mod levels;
mod lif;
mod maze;
mod nest_export;
mod neuronify_lessons;
mod neuronify_stepping;
mod nfy_import;
mod plasticity;
mod populations;
mod reward_learning;
mod synapses;
