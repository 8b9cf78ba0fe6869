//! The interface state the features share: what is selected, what a tap on the canvas does,
//! the message line, whether a panel holds the pointer or the keyboard, and a palette drag
//! in flight, and where things are on screen. Features read and write these; none of them
//! owns another's.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::circuit::ItemKind;

/// The selected items and synapses by id, in the order they were picked.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Selection {
    pub ids: Vec<String>,
}

impl Selection {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.iter().any(|i| i == id)
    }

    pub fn only(&mut self, id: &str) {
        self.ids = vec![id.to_owned()];
    }

    pub fn toggle(&mut self, id: &str) {
        match self.ids.iter().position(|i| i == id) {
            Some(i) => {
                self.ids.remove(i);
            }
            None => self.ids.push(id.to_owned()),
        }
    }

    /// The item the properties panel shows: the last one picked.
    pub fn primary(&self) -> Option<&str> {
        self.ids.last().map(String::as_str)
    }
}

/// What a tap on the canvas does.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub enum Tool {
    /// Select, move, pan; press sensors.
    #[default]
    Select,
    /// Place an item of this kind where the canvas is tapped.
    Place(ItemKind),
    /// Tap a source, then a target.
    Connect { from: Option<String> },
}

/// A short message for the student (why a wire was refused, what to do next).
#[derive(Resource, Debug, Clone, Default)]
pub struct Hint {
    pub text: String,
    /// Wall-clock second at which it disappears.
    pub until: f64,
}

impl Hint {
    pub fn show(&mut self, text: impl Into<String>, now: f64) {
        self.text = text.into();
        self.until = now + 4.0;
    }

    pub fn visible(&self, now: f64) -> Option<&str> {
        (now < self.until && !self.text.is_empty()).then_some(self.text.as_str())
    }
}

/// Whether panels take the pointer or the keyboard this frame (set by the egui layer).
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct UiFocus {
    pub pointer: bool,
    pub keyboard: bool,
}

/// An item kind being dragged from the palette; it is placed where it is dropped.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct PaletteDrag(pub Option<ItemKind>);

/// Where things are on screen after the last interface pass, in logical pixels (CSS pixels
/// in the browser) as `[x, y, width, height]`: the canvas not covered by any panel or drawer,
/// the open panels, and the named controls. The browser page reports them to its tests.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct ScreenRects {
    pub canvas: Option<egui::Rect>,
    pub panels: Vec<(String, [f32; 4])>,
    pub buttons: Vec<(String, [f32; 4])>,
}

impl ScreenRects {
    /// The rectangle of a named control.
    pub fn button(&self, name: &str) -> Option<[f32; 4]> {
        self.buttons
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
    }
}

/// What the interface pass collects before it becomes [`ScreenRects`].
#[derive(Debug, Clone, Default)]
struct Exposed {
    panels: Vec<(String, [f32; 4])>,
    buttons: Vec<(String, [f32; 4])>,
}

fn exposed_id() -> egui::Id {
    egui::Id::new("spikeworks-exposed-rects")
}

fn xywh(rect: egui::Rect) -> [f32; 4] {
    [rect.min.x, rect.min.y, rect.width(), rect.height()]
}

/// Names a control's rectangle for [`ScreenRects`].
pub fn expose_button(ctx: &egui::Context, name: impl Into<String>, rect: egui::Rect) {
    ctx.data_mut(|d| {
        let exposed = d.get_temp_mut_or_default::<Exposed>(exposed_id());
        exposed.buttons.push((name.into(), xywh(rect)));
    });
}

/// Names an open panel's rectangle for [`ScreenRects`].
pub fn expose_panel(ctx: &egui::Context, name: impl Into<String>, rect: egui::Rect) {
    ctx.data_mut(|d| {
        let exposed = d.get_temp_mut_or_default::<Exposed>(exposed_id());
        exposed.panels.push((name.into(), xywh(rect)));
    });
}

/// Ends an interface pass: what was exposed in it becomes `rects`, and the next pass starts
/// empty.
pub fn collect_exposed(ctx: &egui::Context, rects: &mut ScreenRects) {
    let exposed = ctx.data_mut(|d| d.remove_temp::<Exposed>(exposed_id()).unwrap_or_default());
    if rects.panels != exposed.panels || rects.buttons != exposed.buttons {
        rects.panels = exposed.panels;
        rects.buttons = exposed.buttons;
    }
}
