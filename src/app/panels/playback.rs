//! The top bar: the file menu, undo and redo, and the playback controls — play/pause, single
//! step, speed presets, reset of the dynamics, the simulated-time readout and the warning
//! when the substep cap lowers the speed — with the sound switch and the document's title.
//! Keyboard: space, `.` for a step, R to reset, 1–6 for speeds.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::AppSystems;
use crate::app::documents as files;
use crate::app::levels::LevelAction;
use crate::app::sandbox::shortcuts::EditorAction;
use crate::app::sandbox::speaker;
use crate::app::screens::Screen;
use crate::app::ui_state::UiFocus;
use crate::editor::Document;
use crate::sim::{DT, ResetDynamics, SimClock};

/// Speed presets: simulated seconds per wall second. Slow motion first, so a spike's journey
/// along a 5 ms synapse is visible.
pub const SPEEDS: [(f64, &str); 6] = [
    (0.01, "1/100×"),
    (0.05, "1/20×"),
    (0.25, "1/4×"),
    (1.0, "1×"),
    (4.0, "4×"),
    (10.0, "10×"),
];

/// The digit keys 0–9, in order.
pub const DIGIT_KEYS: [KeyCode; 10] = [
    KeyCode::Digit0,
    KeyCode::Digit1,
    KeyCode::Digit2,
    KeyCode::Digit3,
    KeyCode::Digit4,
    KeyCode::Digit5,
    KeyCode::Digit6,
    KeyCode::Digit7,
    KeyCode::Digit8,
    KeyCode::Digit9,
];

/// Slow motion is the default: a teacher can point at a spike as it travels.
pub const DEFAULT_SPEED: f64 = 0.05;

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, set_default_speed)
        .add_systems(Update, keyboard.in_set(AppSystems::Shortcuts));
}

fn set_default_speed(mut clock: ResMut<SimClock>) {
    // The preset is inside the clock's range by construction.
    let _ = clock.set_speed(DEFAULT_SPEED);
}

fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    focus: Res<UiFocus>,
    mut clock: ResMut<SimClock>,
    mut resets: MessageWriter<ResetDynamics>,
) {
    let ctrl = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]);
    if focus.keyboard || ctrl {
        return;
    }
    if keys.just_pressed(KeyCode::Space) {
        let paused = clock.paused();
        clock.set_paused(!paused);
    }
    if keys.just_pressed(KeyCode::Period) {
        clock.set_paused(true);
        clock.request_steps(1);
    }
    if keys.just_pressed(KeyCode::KeyR) {
        resets.write(ResetDynamics);
    }
    // Key 1 picks the first preset, and so on.
    for (key, (speed, _)) in DIGIT_KEYS[1..].iter().zip(SPEEDS) {
        if keys.just_pressed(*key) {
            let _ = clock.set_speed(speed);
        }
    }
}

/// Formats simulated time with a unit that suits its size.
pub fn format_time(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{seconds:.3} s")
    }
}

/// What the top bar reads and changes.
#[derive(SystemParam)]
pub struct TopBar<'w> {
    clock: ResMut<'w, SimClock>,
    resets: MessageWriter<'w, ResetDynamics>,
    actions: MessageWriter<'w, EditorAction>,
    doc: Res<'w, Document>,
    sound: ResMut<'w, speaker::Sound>,
    files: files::FileMenu<'w>,
    screen: Res<'w, State<Screen>>,
    levels: MessageWriter<'w, LevelAction>,
}

impl TopBar<'_> {
    pub fn show(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if ui
                .button("🏠")
                .on_hover_text("Back to the title screen")
                .clicked()
            {
                self.levels.write(LevelAction::ShowTitle);
            }
            // A level brings its own circuit; files belong to the sandbox.
            if *self.screen.get() != Screen::Level {
                self.files.show(ui);
            }
            ui.separator();
            let undo = ui
                .add_enabled(self.doc.can_undo(), egui::Button::new("⟲ Undo"))
                .on_hover_text("Undo the last edit (Ctrl+Z)");
            if undo.clicked() {
                self.actions.write(EditorAction::Undo);
            }
            let redo = ui
                .add_enabled(self.doc.can_redo(), egui::Button::new("⟳ Redo"))
                .on_hover_text("Redo (Ctrl+Y)");
            if redo.clicked() {
                self.actions.write(EditorAction::Redo);
            }
            if ui
                .button("⛶ Fit")
                .on_hover_text("Show the whole circuit (F)")
                .clicked()
            {
                self.actions.write(EditorAction::Fit);
            }
            ui.separator();
            self.playback(ui);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (sound, hint) = if self.sound.muted {
                    ("🔇", "Sound is off: loudspeakers are silent")
                } else {
                    (
                        "🔊",
                        "Sound is on: loudspeakers click for every spike they hear",
                    )
                };
                if ui.button(sound).on_hover_text(hint).clicked() {
                    self.sound.muted = !self.sound.muted;
                }
            });
        });
    }

    fn playback(&mut self, ui: &mut egui::Ui) {
        let clock = &mut self.clock;
        let (icon, hint) = if clock.paused() {
            ("▶ Play", "Run the simulation (space)")
        } else {
            ("⏸ Pause", "Pause the simulation (space)")
        };
        if ui.button(icon).on_hover_text(hint).clicked() {
            let paused = clock.paused();
            clock.set_paused(!paused);
        }
        if ui
            .button("⏭ Step")
            .on_hover_text(format!("Advance one step of {} ms (.)", DT * 1e3))
            .clicked()
        {
            clock.set_paused(true);
            clock.request_steps(1);
        }
        if ui
            .button("⏮ Reset")
            .on_hover_text("Reset voltages, plots and time; the circuit stays (R)")
            .clicked()
        {
            self.resets.write(ResetDynamics);
        }
        ui.separator();
        for (i, (speed, name)) in SPEEDS.into_iter().enumerate() {
            let selected = (clock.speed() - speed).abs() < 1e-12;
            if ui
                .selectable_label(selected, name)
                .on_hover_text(format!(
                    "{speed} simulated seconds per second (key {})",
                    i + 1
                ))
                .clicked()
            {
                let _ = clock.set_speed(speed);
            }
        }
        ui.separator();
        ui.monospace(format!("t = {}", format_time(clock.time_s())));
        let tick = clock.last_tick();
        if tick.capped {
            ui.colored_label(
                egui::Color32::from_rgb(213, 94, 0),
                format!("⚠ running at {:.2}×", tick.effective_speed),
            )
            .on_hover_text(format!(
                "The circuit is too large to simulate at {}× on this computer",
                clock.speed()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_speeds_and_time_has_units() {
        let mut clock = SimClock::default();
        for (speed, _) in SPEEDS {
            assert!(clock.set_speed(speed).is_ok());
        }
        assert!(SPEEDS.iter().any(|s| s.0 == DEFAULT_SPEED));
        assert_eq!(format_time(0.0123), "12.3 ms");
        assert_eq!(format_time(2.5), "2.500 s");
    }
}
