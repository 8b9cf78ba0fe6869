//! The geometry of items on the canvas, shared by drawing and hit-testing: where a selected
//! item's wiring handle sits, how far an item reaches, how big a note's card and a
//! population's glyph are, and the curve a synapse or a projection follows. Pure functions of
//! canvas coordinates (pixels, y down).

use bevy::prelude::*;

use crate::app::sandbox::view::to_world;
use crate::circuit::{Circuit, Role};

/// Radius of a neuron in canvas pixels: a 60 px target, above the 48 px touch minimum.
pub const NEURON_RADIUS: f32 = 30.0;

/// Where a selected item's wiring handle sits, from its centre (canvas pixels, y down).
pub const HANDLE_OFFSET: Vec2 = Vec2::new(40.0, -40.0);

/// The largest side of a population's texture: above 128² members a sample is shown.
pub const MAX_GLYPH_SIDE: u32 = 128;

/// The side of a population's texture; a disc needs more pixels for the same members.
pub fn texture_side(size: u32, disc: bool) -> u32 {
    let shown = size.min(MAX_GLYPH_SIDE * MAX_GLYPH_SIDE);
    let area = if disc {
        f64::from(shown) * 4.0 / std::f64::consts::PI
    } else {
        f64::from(shown)
    };
    (area.sqrt().ceil() as u32).clamp(1, MAX_GLYPH_SIDE)
}

/// Half the width of a population's glyph on the canvas, from its size.
pub fn glyph_half_size(size: u32) -> f32 {
    let side = texture_side(size, true);
    (side as f32 * 3.0).clamp(28.0, 75.0)
}

/// How far a projection's end reaches from its centre: a population's glyph, else a neuron.
pub fn group_half_size(circuit: &Circuit, id: &str) -> f32 {
    circuit
        .populations
        .iter()
        .find(|p| p.id == id)
        .map_or(NEURON_RADIUS, |p| glyph_half_size(p.size))
}

/// Where an item's wiring handle sits from its centre: beyond a population's corner.
pub fn handle_offset(circuit: &Circuit, id: &str) -> Vec2 {
    match circuit.populations.iter().find(|p| p.id == id) {
        Some(p) => Vec2::new(1.0, -1.0) * (glyph_half_size(p.size) + 12.0),
        None => HANDLE_OFFSET,
    }
}

/// Where a projection's arrow runs: between the frames of its ends, not their centres.
/// [`edge_curve`] then stops at a neuron's rim, so the ends move out by the difference.
pub fn projection_ends(from: Vec2, to: Vec2, from_half: f32, to_half: f32) -> (Vec2, Vec2) {
    let dir = (to - from).normalize_or_zero();
    let out = |half: f32| (half + 6.0 - NEURON_RADIUS).max(0.0);
    (from + dir * out(from_half), to - dir * out(to_half))
}

/// The centre of the loop at a glyph's upper left corner that stands for a population's
/// projection onto itself, and its radius.
pub fn self_loop(centre: Vec2, half: f32) -> (Vec2, f32) {
    (centre - Vec2::splat(half + 6.0), 18.0)
}

/// The average advance of a character of note text (canvas pixels, 15 px monospace).
const NOTE_CHAR_PX: f32 = 9.0;

/// The width a note's text wraps at: its own, else its longest line, up to 520 canvas pixels.
pub fn note_text_width(text: &str, width: Option<f32>) -> f32 {
    if let Some(w) = width {
        return w.clamp(60.0, 2000.0);
    }
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f32;
    (widest * NOTE_CHAR_PX).clamp(60.0, 520.0)
}

/// Half-size of a note's box, from its text (canvas pixels).
pub fn note_half_size(text: &str, width: Option<f32>) -> Vec2 {
    let width = note_text_width(text, width);
    // Long lines wrap at the card's width.
    let lines: f32 = text
        .lines()
        .map(|l| {
            (l.chars().count() as f32 * NOTE_CHAR_PX / width)
                .ceil()
                .max(1.0)
        })
        .sum::<f32>()
        .max(1.0);
    Vec2::new(width / 2.0 + 12.0, lines * 10.0 + 12.0)
}

/// The reach of an item around its centre (canvas pixels).
pub fn item_radius(role: Role) -> f32 {
    match role {
        Role::Neuron => 38.0,
        Role::Sensor => 40.0,
        _ => 34.0,
    }
}

/// Whether a role can start a wire.
pub fn can_wire_from(role: Role) -> bool {
    !matches!(role, Role::Note | Role::Synapse | Role::Projection)
}

/// A connection's path in canvas coordinates: a quadratic curve from rim to rim that bends to
/// its right, so A→B and B→A do not draw over each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeCurve {
    pub start: Vec2,
    pub ctrl: Vec2,
    pub end: Vec2,
}

/// The curve of a connection between item centres `from` and `to` (canvas coordinates).
pub fn edge_curve(from: Vec2, to: Vec2) -> EdgeCurve {
    let dir = (to - from).normalize_or_zero();
    let bend = dir.perp() * (from.distance(to) * 0.12).min(40.0);
    let mid = (from + to) / 2.0 + bend;
    let start = from + (mid - from).normalize_or_zero() * (NEURON_RADIUS + 4.0);
    let end = to + (mid - to).normalize_or_zero() * (NEURON_RADIUS + 8.0);
    EdgeCurve {
        start,
        ctrl: mid,
        end,
    }
}

impl EdgeCurve {
    pub fn point(&self, t: f32) -> Vec2 {
        let u = 1.0 - t;
        u * u * self.start + 2.0 * u * t * self.ctrl + t * t * self.end
    }

    /// Direction of travel at the end.
    pub fn end_direction(&self) -> Vec2 {
        (self.end - self.ctrl).normalize_or_zero()
    }

    /// Shortest distance from `p` to the curve (sampled).
    pub fn distance_to(&self, p: Vec2) -> f32 {
        let samples: Vec<Vec2> = (0..=16).map(|i| self.point(i as f32 / 16.0)).collect();
        samples
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let t = ((p - a).dot(b - a) / (b - a).length_squared().max(1e-6)).clamp(0.0, 1.0);
                p.distance(a + (b - a) * t)
            })
            .fold(f32::MAX, f32::min)
    }

    /// The same curve in world coordinates (y up), for drawing.
    pub fn world(&self) -> EdgeCurve {
        EdgeCurve {
            start: to_world(self.start),
            ctrl: to_world(self.ctrl),
            end: to_world(self.end),
        }
    }
}
