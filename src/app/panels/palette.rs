//! The palette: every item type of the core in groups, as finger-sized buttons. Tap a button
//! and then the canvas to place an item there, or drag the button onto the canvas. The wiring
//! tool (tap a source, then a target) sits at the top.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::levels::ActiveLevel;
use crate::app::ui_state::{self, Hint, PaletteDrag, Tool};
use crate::circuit::ItemKind;
use crate::editor::Document;

const GROUPS: [(&str, &[ItemKind]); 6] = [
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
    (
        "Sensors",
        &[
            ItemKind::TouchSensor,
            ItemKind::VisualInput,
            ItemKind::PlaceCell,
        ],
    ),
    (
        "Meters",
        &[
            ItemKind::Voltmeter,
            ItemKind::SpikeRaster,
            ItemKind::RatePlot,
            ItemKind::Loudspeaker,
            ItemKind::RingReadout,
        ],
    ),
    ("Annotations", &[ItemKind::Note]),
    ("Networks", &[ItemKind::Population]),
];

/// Paints a small copy of the kind's canvas glyph at `centre`.
fn paint_icon(painter: &egui::Painter, centre: egui::Pos2, kind: ItemKind) {
    use egui::{Color32, Pos2, Stroke, StrokeKind, pos2, vec2};
    let blue = Color32::from_rgb(0, 114, 178);
    let vermillion = Color32::from_rgb(213, 94, 0);
    let ink = Color32::from_rgb(38, 38, 43);
    let r = 10.0;
    let polygon = |points: Vec<Pos2>, fill: Color32, stroke: Color32| {
        painter.add(egui::Shape::convex_polygon(
            points,
            fill,
            Stroke::new(1.5, stroke),
        ));
    };
    let rect = |size: egui::Vec2, fill: Color32, stroke: Color32, rounding: f32| {
        painter.rect(
            egui::Rect::from_center_size(centre, size),
            rounding,
            fill,
            Stroke::new(1.5, stroke),
            StrokeKind::Middle,
        );
    };
    match kind {
        ItemKind::Lif | ItemKind::Adaptive | ItemKind::Bursting | ItemKind::HodgkinHuxley => {
            painter.circle(
                centre,
                r,
                Color32::from_rgb(219, 227, 237),
                Stroke::new(2.0, blue),
            );
            painter.line_segment(
                [centre - vec2(5.0, 0.0), centre + vec2(5.0, 0.0)],
                Stroke::new(2.0, blue),
            );
            painter.line_segment(
                [centre - vec2(0.0, 5.0), centre + vec2(0.0, 5.0)],
                Stroke::new(2.0, blue),
            );
        }
        ItemKind::InhibitoryLif => {
            let d = r * 1.25;
            let points = vec![
                centre + vec2(0.0, -d),
                centre + vec2(d, 0.0),
                centre + vec2(0.0, d),
                centre + vec2(-d, 0.0),
            ];
            polygon(points, Color32::from_rgb(219, 227, 237), vermillion);
            painter.line_segment(
                [centre - vec2(5.0, 0.0), centre + vec2(5.0, 0.0)],
                Stroke::new(2.0, vermillion),
            );
        }
        ItemKind::Dc | ItemKind::Ac => {
            rect(vec2(18.0, 18.0), Color32::from_rgb(230, 159, 0), ink, 3.0);
        }
        ItemKind::Regular | ItemKind::Poisson => {
            let points = vec![
                centre + vec2(0.0, -r),
                centre + vec2(r, r * 0.8),
                centre + vec2(-r, r * 0.8),
            ];
            polygon(points, Color32::from_rgb(86, 180, 233), ink);
        }
        ItemKind::TouchSensor => rect(vec2(20.0, 20.0), Color32::from_rgb(0, 158, 115), ink, 6.0),
        ItemKind::PlaceCell => {
            // A place on a map: a pin over a patch of floor.
            rect(vec2(22.0, 22.0), Color32::from_rgb(214, 234, 248), ink, 3.0);
            painter.circle(
                centre + vec2(0.0, -3.0),
                5.5,
                Color32::from_rgb(213, 94, 0),
                Stroke::new(1.2, ink),
            );
            painter.line_segment(
                [centre + vec2(0.0, 2.5), centre + vec2(0.0, 8.0)],
                Stroke::new(2.0, ink),
            );
        }
        ItemKind::VisualInput => {
            rect(
                vec2(22.0, 22.0),
                Color32::WHITE,
                Color32::from_rgb(255, 204, 0),
                3.0,
            );
            let eye: Vec<Pos2> = (0..=16)
                .map(|i| {
                    let a = std::f32::consts::TAU * i as f32 / 16.0;
                    centre + vec2(8.0 * a.cos(), 4.5 * a.sin() * a.sin().abs().sqrt())
                })
                .collect();
            painter.add(egui::Shape::line(eye, Stroke::new(1.5, ink)));
            painter.circle_filled(centre, 2.5, ink);
        }
        ItemKind::RingReadout => {
            let purple = Color32::from_rgb(204, 121, 167);
            rect(vec2(22.0, 22.0), Color32::WHITE, purple, 2.0);
            for i in 0..8 {
                let a = std::f32::consts::TAU * i as f32 / 8.0;
                painter.circle_filled(centre + 7.0 * vec2(a.cos(), -a.sin()), 1.6, ink);
            }
            painter.arrow(centre, vec2(4.5, -4.5), Stroke::new(1.5, purple));
        }
        ItemKind::Voltmeter
        | ItemKind::SpikeRaster
        | ItemKind::RatePlot
        | ItemKind::Loudspeaker => {
            let purple = Color32::from_rgb(204, 121, 167);
            rect(vec2(22.0, 16.0), Color32::WHITE, purple, 2.0);
            let trace = [
                (-7.0, 2.0),
                (-2.0, 2.0),
                (0.0, -5.0),
                (2.0, 5.0),
                (4.0, 2.0),
                (7.0, 2.0),
            ];
            let points: Vec<Pos2> = trace.iter().map(|(x, y)| centre + vec2(*x, *y)).collect();
            painter.add(egui::Shape::line(points, Stroke::new(1.5, purple)));
        }
        ItemKind::Population => {
            // A rounded square of members, as on the canvas.
            rect(
                vec2(22.0, 22.0),
                Color32::from_rgb(219, 227, 237),
                blue,
                5.0,
            );
            for (dx, dy) in [
                (-1.0, -1.0),
                (1.0, -1.0),
                (-1.0, 1.0),
                (1.0, 1.0),
                (0.0, 0.0),
            ] {
                painter.circle_filled(centre + vec2(dx * 5.0, dy * 5.0), 2.2, blue);
            }
        }
        ItemKind::Note => {
            rect(vec2(20.0, 16.0), Color32::from_rgb(255, 250, 219), ink, 2.0);
            for dy in [-3.0, 1.0, 5.0] {
                let y = centre.y + dy - 1.0;
                painter.line_segment(
                    [pos2(centre.x - 6.0, y), pos2(centre.x + 6.0, y)],
                    Stroke::new(1.0, ink),
                );
            }
        }
    }
}

#[derive(SystemParam)]
pub struct Palette<'w> {
    tool: ResMut<'w, Tool>,
    drag: ResMut<'w, PaletteDrag>,
    hint: ResMut<'w, Hint>,
    time: Res<'w, Time<Real>>,
    level: Res<'w, ActiveLevel>,
    doc: Res<'w, Document>,
}

impl Palette<'_> {
    /// Inside a level: how many of `kind` may still be placed (None: any number), or Some(0)
    /// greyed out when the level does not offer it at all. Outside a level: everything.
    fn allowance(&self, kind: ItemKind) -> Option<Option<u32>> {
        let Some(playing) = &self.level.0 else {
            return Some(None);
        };
        let entry = playing.level.palette.iter().find(|p| p.item == kind)?;
        let given = &playing.level.circuit;
        let circuit = self.doc.circuit();
        let placed = circuit
            .ids()
            .filter(|id| given.role(id).is_none() && circuit.kind_of(id) == Some(kind))
            .count() as u32;
        Some(entry.max.map(|max| max.saturating_sub(placed)))
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        let now = self.time.elapsed_secs_f64();
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.add_space(4.0);
            let wiring = matches!(*self.tool, Tool::Connect { .. });
            let wire = ui
                .add_sized(
                    [ui.available_width(), 48.0],
                    egui::Button::selectable(wiring, "🔗 Connect"),
                )
                .on_hover_text("Tap a source, then a target, to wire them (Esc to stop)");
            ui_state::expose_button(ui.ctx(), "palette/Connect", wire.rect);
            if wire.clicked() {
                *self.tool = if wiring {
                    Tool::Select
                } else {
                    self.hint.show("Tap the item to connect from", now);
                    Tool::Connect { from: None }
                };
            }
            let in_level = self.level.0.is_some();
            if in_level
                && GROUPS
                    .iter()
                    .all(|(_, kinds)| kinds.iter().all(|k| self.allowance(*k).is_none()))
            {
                ui.add_space(6.0);
                ui.weak("Nothing to add in this level: wire and tune what is there.");
            }
            for (group, kinds) in GROUPS {
                let offered: Vec<(ItemKind, Option<u32>)> = kinds
                    .iter()
                    .filter_map(|&k| self.allowance(k).map(|left| (k, left)))
                    .collect();
                if offered.is_empty() {
                    continue;
                }
                ui.add_space(6.0);
                ui.label(egui::RichText::new(group).strong());
                for (kind, left) in offered {
                    let chosen = *self.tool == Tool::Place(kind);
                    let text = match left {
                        Some(n) => format!("          {} ({n} left)", kind.name()),
                        None => format!("          {}", kind.name()),
                    };
                    // Room on the left for the icon painted over the button.
                    let button = ui
                        .add_enabled(
                            left != Some(0),
                            egui::Button::selectable(chosen, text)
                                .min_size(egui::vec2(ui.available_width(), 48.0))
                                .sense(egui::Sense::click_and_drag()),
                        )
                        .on_hover_text(kind.description());
                    ui_state::expose_button(
                        ui.ctx(),
                        format!("palette/{}", kind.name()),
                        button.rect,
                    );
                    paint_icon(
                        ui.painter(),
                        button.rect.left_center() + egui::vec2(18.0, 0.0),
                        kind,
                    );
                    if button.clicked() {
                        *self.tool = if chosen {
                            Tool::Select
                        } else {
                            Tool::Place(kind)
                        };
                        if !chosen {
                            // What the item is, without a hover a finger cannot do.
                            self.hint.show(
                                format!(
                                    "Tap the canvas to place a {}. {}",
                                    kind.name().to_lowercase(),
                                    kind.description()
                                ),
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
