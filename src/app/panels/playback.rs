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
use crate::app::ui_state::{self, UiFocus};
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

/// The room the speed buttons, the time readout with its warning and the sound switch need
/// after the editing and playback buttons of a wide bar.
const SPEED_BUTTONS_NEED_PX: f32 = 720.0;

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

/// A button at least 48 × 48 px, however short its text.
fn finger_button(text: &str) -> egui::Button<'_> {
    egui::Button::new(text).min_size(egui::vec2(48.0, 48.0))
}

/// A top-bar control that reports its place to [`ScreenRects`](crate::app::ui_state::ScreenRects).
fn exposed(ui: &egui::Ui, name: &str, response: egui::Response) -> egui::Response {
    ui_state::expose_button(ui.ctx(), format!("top/{name}"), response.rect);
    response
}

impl TopBar<'_> {
    /// The bar in one row on a wide screen. On a narrow one (`compact`) the speeds fold into
    /// a list and step, reset and fit into a menu, and below 680 px the bar takes two rows
    /// (editing, then playback), so every control stays on screen down to 360 px.
    pub fn show(&mut self, ui: &mut egui::Ui, compact: bool) {
        if !compact {
            ui.horizontal(|ui| {
                self.editing(ui, false);
                ui.separator();
                self.play_pause(ui);
                self.step_and_reset(ui);
                ui.separator();
                // Six speed buttons need about 200 px more than the list; below that the time
                // readout and its warning would be pushed under the sound switch.
                if ui.available_width() >= SPEED_BUTTONS_NEED_PX {
                    self.speed_presets(ui);
                } else {
                    self.speed_list(ui);
                }
                ui.separator();
                self.time_readout(ui);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    self.sound_switch(ui);
                });
            });
            return;
        }
        let playback = |bar: &mut Self, ui: &mut egui::Ui| {
            bar.play_pause(ui);
            bar.speed_list(ui);
            bar.time_readout(ui);
        };
        if ui.available_width() >= 680.0 {
            ui.horizontal(|ui| {
                self.editing(ui, true);
                self.more_menu(ui);
                self.sound_switch(ui);
                ui.separator();
                playback(self, ui);
            });
        } else {
            ui.horizontal(|ui| {
                self.editing(ui, true);
                self.more_menu(ui);
                self.sound_switch(ui);
            });
            ui.horizontal(|ui| playback(self, ui));
        }
    }

    /// Home, the file menus, undo and redo (icons only when `compact`), and fit on a wide
    /// screen.
    fn editing(&mut self, ui: &mut egui::Ui, compact: bool) {
        let home = ui
            .add(finger_button("🏠"))
            .on_hover_text("Back to the title screen");
        if exposed(ui, "home", home).clicked() {
            self.levels.write(LevelAction::ShowTitle);
        }
        // A level brings its own circuit; files belong to the sandbox.
        if *self.screen.get() != Screen::Level {
            self.files.show(ui, compact);
        }
        if !compact {
            ui.separator();
        }
        let (undo_text, redo_text) = if compact {
            ("⟲", "⟳")
        } else {
            ("⟲ Undo", "⟳ Redo")
        };
        let undo = ui
            .add_enabled(self.doc.can_undo(), finger_button(undo_text))
            .on_hover_text("Undo the last edit (Ctrl+Z)");
        if exposed(ui, "undo", undo).clicked() {
            self.actions.write(EditorAction::Undo);
        }
        let redo = ui
            .add_enabled(self.doc.can_redo(), finger_button(redo_text))
            .on_hover_text("Redo (Ctrl+Y)");
        if exposed(ui, "redo", redo).clicked() {
            self.actions.write(EditorAction::Redo);
        }
        if !compact {
            let fit = ui
                .button("⛶ Fit")
                .on_hover_text("Show the whole circuit (F)");
            if exposed(ui, "fit", fit).clicked() {
                self.actions.write(EditorAction::Fit);
            }
        }
    }

    fn sound_switch(&mut self, ui: &mut egui::Ui) {
        let (sound, hint) = if self.sound.muted {
            ("🔇", "Sound is off: loudspeakers are silent")
        } else {
            (
                "🔊",
                "Sound is on: loudspeakers click for every spike they hear",
            )
        };
        let button = ui.add(finger_button(sound)).on_hover_text(hint);
        if exposed(ui, "sound", button).clicked() {
            self.sound.muted = !self.sound.muted;
        }
    }

    fn play_pause(&mut self, ui: &mut egui::Ui) {
        let clock = &mut self.clock;
        let (icon, hint) = if clock.paused() {
            ("▶ Play", "Run the simulation (space)")
        } else {
            ("⏸ Pause", "Pause the simulation (space)")
        };
        let button = ui.button(icon).on_hover_text(hint);
        if exposed(ui, "play", button).clicked() {
            let paused = clock.paused();
            clock.set_paused(!paused);
        }
    }

    fn step_and_reset(&mut self, ui: &mut egui::Ui) {
        let step = ui
            .button("⏭ Step")
            .on_hover_text(format!("Advance one step of {} ms (.)", DT * 1e3));
        if exposed(ui, "step", step).clicked() {
            self.clock.set_paused(true);
            self.clock.request_steps(1);
        }
        let reset = ui
            .button("⏮ Reset")
            .on_hover_text("Reset voltages, plots and time; the circuit stays (R)");
        if exposed(ui, "reset", reset).clicked() {
            self.resets.write(ResetDynamics);
        }
    }

    /// Step, reset and fit, folded into a menu on a narrow screen.
    fn more_menu(&mut self, ui: &mut egui::Ui) {
        let response = egui::containers::menu::MenuButton::new("More…")
            .ui(ui, |ui| {
                self.step_and_reset(ui);
                if ui.button("⛶ Fit: show the whole circuit").clicked() {
                    self.actions.write(EditorAction::Fit);
                }
            })
            .0;
        exposed(ui, "more", response);
    }

    fn speed_presets(&mut self, ui: &mut egui::Ui) {
        let clock = &mut self.clock;
        for (i, (speed, name)) in SPEEDS.into_iter().enumerate() {
            let selected = (clock.speed() - speed).abs() < 1e-12;
            let preset = ui.selectable_label(selected, name).on_hover_text(format!(
                "{speed} simulated seconds per second (key {})",
                i + 1
            ));
            if exposed(ui, &format!("speed {name}"), preset).clicked() {
                let _ = clock.set_speed(speed);
            }
        }
    }

    /// The speeds as one list, on a narrow screen.
    fn speed_list(&mut self, ui: &mut egui::Ui) {
        let clock = &mut self.clock;
        let current = SPEEDS
            .iter()
            .find(|(speed, _)| (clock.speed() - speed).abs() < 1e-12)
            .map_or_else(
                || format!("{}×", clock.speed()),
                |(_, name)| (*name).to_owned(),
            );
        let list = egui::ComboBox::from_id_salt("speed")
            .selected_text(format!("Speed {current}"))
            .show_ui(ui, |ui| {
                for (speed, name) in SPEEDS {
                    let selected = (clock.speed() - speed).abs() < 1e-12;
                    let label = format!("{name}: {speed} s of circuit time per second");
                    if ui.selectable_label(selected, label).clicked() {
                        let _ = clock.set_speed(speed);
                    }
                }
            });
        exposed(ui, "speed", list.response);
    }

    fn time_readout(&self, ui: &mut egui::Ui) {
        let clock = &self.clock;
        let text = egui::RichText::new(format!("t = {}", format_time(clock.time_s()))).monospace();
        ui.add(egui::Label::new(text).extend());
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
