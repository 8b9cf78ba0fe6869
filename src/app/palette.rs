//! The palette: every item type of the core in groups, as finger-sized buttons. Tap a button
//! and then the canvas to place an item there, or drag the button onto the canvas. The wiring
//! tool (tap a source, then a target) sits at the top.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::interaction::{Hint, PaletteDrag, Tool};
use crate::editor::ItemKind;

const GROUPS: [(&str, &[ItemKind]); 5] = [
    (
        "Neurons",
        &[
            ItemKind::Lif,
            ItemKind::InhibitoryLif,
            ItemKind::Adaptive,
            ItemKind::Bursting,
            ItemKind::HodgkinHuxley,
        ],
    ),
    (
        "Generators",
        &[
            ItemKind::Dc,
            ItemKind::Ac,
            ItemKind::Regular,
            ItemKind::Poisson,
        ],
    ),
    ("Sensors", &[ItemKind::TouchSensor]),
    (
        "Meters",
        &[
            ItemKind::Voltmeter,
            ItemKind::SpikeRaster,
            ItemKind::RatePlot,
            ItemKind::Loudspeaker,
        ],
    ),
    ("Annotations", &[ItemKind::Note]),
];

/// A small symbol per kind, echoing its glyph on the canvas.
fn icon(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Lif | ItemKind::Adaptive | ItemKind::Bursting | ItemKind::HodgkinHuxley => "⊕",
        ItemKind::InhibitoryLif => "◇",
        ItemKind::Dc | ItemKind::Ac => "▣",
        ItemKind::Regular | ItemKind::Poisson => "△",
        ItemKind::TouchSensor => "☝",
        ItemKind::Voltmeter | ItemKind::SpikeRaster | ItemKind::RatePlot => "📈",
        ItemKind::Loudspeaker => "🔊",
        ItemKind::Note => "✎",
    }
}

#[derive(SystemParam)]
pub struct Palette<'w> {
    tool: ResMut<'w, Tool>,
    drag: ResMut<'w, PaletteDrag>,
    hint: ResMut<'w, Hint>,
    time: Res<'w, Time<Real>>,
}

impl Palette<'_> {
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let now = self.time.elapsed_secs_f64();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.add_space(4.0);
            let wiring = matches!(*self.tool, Tool::Connect { .. });
            let wire = ui
                .add_sized(
                    [ui.available_width(), 48.0],
                    egui::Button::selectable(wiring, "⤳ Connect"),
                )
                .on_hover_text("Tap a source, then a target, to wire them (Esc to stop)");
            if wire.clicked() {
                *self.tool = if wiring {
                    Tool::Select
                } else {
                    self.hint.show("Tap the item to connect from", now);
                    Tool::Connect { from: None }
                };
            }
            for (group, kinds) in GROUPS {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(group).small().strong());
                for &kind in kinds {
                    let chosen = *self.tool == Tool::Place(kind);
                    let button = ui
                        .add_sized(
                            [ui.available_width(), 48.0],
                            egui::Button::selectable(
                                chosen,
                                format!("{}  {}", icon(kind), kind.name()),
                            )
                            .sense(egui::Sense::click_and_drag()),
                        )
                        .on_hover_text(kind.description());
                    if button.clicked() {
                        *self.tool = if chosen {
                            Tool::Select
                        } else {
                            Tool::Place(kind)
                        };
                        if !chosen {
                            self.hint.show(
                                format!("Tap the canvas to place a {}", kind.name().to_lowercase()),
                                now,
                            );
                        }
                    }
                    if button.drag_started() {
                        self.drag.0 = Some(kind);
                    }
                    if button.dragged() {
                        ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
                    }
                }
            }
        });
    }
}
