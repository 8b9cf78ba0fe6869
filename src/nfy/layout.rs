//! Sizes of Neuronify's items on its canvas that import and export must agree on, so a file
//! round-trips to the same picture.

/// The side of Neuronify's retina (visual input) item, in its canvas pixels.
pub(crate) const RETINA_SIZE: f64 = 240.0;

/// A note card is this much wider than its text (both sides), in canvas pixels.
pub(crate) const NOTE_MARGIN_PX: f32 = 24.0;
