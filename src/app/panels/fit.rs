//! How the panels fit the screen. On a wide screen the palette and the properties panel are
//! docked beside the canvas, as on a desktop. Below [`DOCKED_MIN_WIDTH`] they would leave the
//! canvas too little room, so the canvas takes the screen and they become drawers that slide
//! over it when asked for: the palette from the left (a tap on *+ Add*), the properties as a
//! bottom sheet in portrait or a right drawer in landscape (a tap on an item, or on
//! *Details*). The meters dock folds to a strip that can be pulled up. [`Drawers`] remembers
//! what is out and follows what the student does on the canvas.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::ui_state::Tool;

/// Width of the docked palette.
pub const PALETTE_WIDTH: f32 = 210.0;
/// Width of the docked properties (or level) panel.
pub const SIDE_PANEL_WIDTH: f32 = 300.0;
/// The canvas keeps at least this share of the window's width between the docked panels.
pub const MIN_CANVAS_WIDTH_SHARE: f32 = 0.6;
/// The narrowest window that docks both side panels: (210 + 300) / (1 − 0.6) = 1275 px. A
/// 1280 × 800 desktop window docks; a tablet in either orientation (1024 or 768 px) and a
/// phone use drawers.
pub const DOCKED_MIN_WIDTH: f32 =
    (PALETTE_WIDTH + SIDE_PANEL_WIDTH) / (1.0 - MIN_CANVAS_WIDTH_SHARE);
/// With drawers closed and the plots folded, the canvas covers at least this share of the
/// screen's area (the top bar, the message line and the plot strip take the rest).
pub const MIN_CANVAS_AREA_SHARE: f32 = 0.6;

/// How the panels share a screen of this size (logical pixels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Palette and properties docked beside the canvas.
    Docked,
    /// The canvas takes the screen; the panels are drawers.
    Drawers { portrait: bool },
}

impl Fit {
    pub fn for_size(size: egui::Vec2) -> Self {
        if size.x >= DOCKED_MIN_WIDTH {
            Fit::Docked
        } else {
            Fit::Drawers {
                portrait: size.y > size.x,
            }
        }
    }

    pub fn drawers(self) -> bool {
        matches!(self, Fit::Drawers { .. })
    }
}

/// A drawer that slides over the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawer {
    Palette,
    Properties,
}

/// Which drawer is out, and whether the plots are pulled up, in the drawer layout.
#[derive(Resource, Debug, Clone, Default)]
pub struct Drawers {
    pub open: Option<Drawer>,
    pub plots_up: bool,
    /// What the drawers last saw of the canvas: the selected item, the number of items and
    /// the tool.
    seen: (Option<String>, usize, Tool),
}

impl Drawers {
    /// Follows what happened on the canvas since the last frame: a tap that selects an
    /// existing item brings its properties in; placing an item (which selects it), picking
    /// the ends of a wire, or going back to an empty selection, sends them away; arming a
    /// tool in the palette closes the palette, so the next tap reaches the canvas.
    pub fn follow(&mut self, selected: Option<&str>, items: usize, tool: &Tool) {
        let (seen_selected, seen_items, seen_tool) = &self.seen;
        let selection_changed = seen_selected.as_deref() != selected;
        let placed = items > *seen_items;
        if selection_changed {
            match selected {
                Some(_) if !placed && *tool == Tool::Select => {
                    self.open = Some(Drawer::Properties);
                }
                _ if self.open == Some(Drawer::Properties) => self.open = None,
                _ => {}
            }
        }
        if tool != seen_tool && *tool != Tool::Select && self.open == Some(Drawer::Palette) {
            self.open = None;
        }
        self.seen = (selected.map(str::to_owned), items, tool.clone());
    }

    /// Opens `drawer`, or closes it when it is already out.
    pub fn toggle(&mut self, drawer: Drawer) {
        self.open = if self.open == Some(drawer) {
            None
        } else {
            Some(drawer)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::ItemKind;

    #[test]
    fn desktops_dock_and_tablets_and_phones_use_drawers() {
        let breakpoint = (PALETTE_WIDTH + SIDE_PANEL_WIDTH) / (1.0 - MIN_CANVAS_WIDTH_SHARE);
        assert!((DOCKED_MIN_WIDTH - breakpoint).abs() < 0.01);
        assert_eq!(Fit::for_size(egui::vec2(1280.0, 800.0)), Fit::Docked);
        assert_eq!(
            Fit::for_size(egui::vec2(1024.0, 768.0)),
            Fit::Drawers { portrait: false }
        );
        assert_eq!(
            Fit::for_size(egui::vec2(768.0, 1024.0)),
            Fit::Drawers { portrait: true }
        );
        assert_eq!(
            Fit::for_size(egui::vec2(390.0, 844.0)),
            Fit::Drawers { portrait: true }
        );
        // Docked at the breakpoint, the canvas keeps its share of the width.
        let canvas = DOCKED_MIN_WIDTH - PALETTE_WIDTH - SIDE_PANEL_WIDTH;
        assert!(canvas / DOCKED_MIN_WIDTH >= MIN_CANVAS_WIDTH_SHARE - 1e-6);
    }

    #[test]
    fn drawers_follow_the_canvas() {
        let mut d = Drawers::default();
        // The palette is asked for; arming a tool there sends it away.
        d.toggle(Drawer::Palette);
        d.follow(None, 0, &Tool::Select);
        assert_eq!(d.open, Some(Drawer::Palette));
        d.follow(None, 0, &Tool::Place(ItemKind::Lif));
        assert_eq!(d.open, None, "the next tap must reach the canvas");
        // Placing selects the new item, but brings no sheet over it.
        d.follow(Some("n1"), 1, &Tool::Select);
        assert_eq!(d.open, None);
        // A tap on an item brings its properties; a tap on empty canvas sends them away.
        d.follow(None, 1, &Tool::Select);
        d.follow(Some("n1"), 1, &Tool::Select);
        assert_eq!(d.open, Some(Drawer::Properties));
        d.follow(None, 1, &Tool::Select);
        assert_eq!(d.open, None);
        // Picking the start of a wire selects it, without a sheet over the canvas.
        d.follow(Some("n2"), 2, &Tool::Connect { from: None });
        assert_eq!(d.open, None);
        // Details opens the sheet without a selection, and it stays while nothing changes.
        d.follow(None, 2, &Tool::Select);
        d.toggle(Drawer::Properties);
        d.follow(None, 2, &Tool::Select);
        assert_eq!(d.open, Some(Drawer::Properties));
    }
}
