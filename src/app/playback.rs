//! Playback controls: play/pause, single step, speed presets, reset of the dynamics, the
//! simulated-time readout and the warning when the substep cap lowers the speed. An egui bar
//! at the top of the window, and the keyboard (space, `.` for a step, 1–6 for speeds).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::{AppSystems, OpenCircuit};
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

/// Slow motion is the default: a teacher can point at a spike as it travels.
pub const DEFAULT_SPEED: f64 = 0.05;

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, set_default_speed)
        .add_systems(Update, keyboard.in_set(AppSystems::Input))
        .add_systems(EguiPrimaryContextPass, top_bar);
}

fn set_default_speed(mut clock: ResMut<SimClock>) {
    // The preset is inside the clock's range by construction.
    let _ = clock.set_speed(DEFAULT_SPEED);
}

fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    mut clock: ResMut<SimClock>,
    mut resets: MessageWriter<ResetDynamics>,
) {
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
    let digits = [
        KeyCode::Digit1,
        KeyCode::Digit2,
        KeyCode::Digit3,
        KeyCode::Digit4,
        KeyCode::Digit5,
        KeyCode::Digit6,
    ];
    for (key, (speed, _)) in digits.iter().zip(SPEEDS) {
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

fn top_bar(
    mut contexts: EguiContexts,
    mut clock: ResMut<SimClock>,
    mut resets: MessageWriter<ResetDynamics>,
    open: Res<OpenCircuit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "playback-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::Panel::top("playback").show(&mut root, |ui| {
        ui.horizontal(|ui| {
            ui.spacing_mut().button_padding = egui::vec2(10.0, 8.0);
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
                .button("⟲ Reset")
                .on_hover_text("Reset voltages and time; the circuit stays (R)")
                .clicked()
            {
                resets.write(ResetDynamics);
            }
            ui.separator();
            ui.label("Speed:");
            for (speed, name) in SPEEDS {
                let selected = (clock.speed() - speed).abs() < 1e-12;
                if ui.selectable_label(selected, name).clicked() {
                    let _ = clock.set_speed(speed);
                }
            }
            ui.separator();
            ui.monospace(format!("t = {}", format_time(clock.time_s())));
            let tick = clock.last_tick();
            if tick.capped {
                ui.colored_label(
                    egui::Color32::from_rgb(213, 94, 0),
                    format!(
                        "⚠ running at {:.2}× (the circuit is too large for {}×)",
                        tick.effective_speed,
                        clock.speed()
                    ),
                );
            }
            if !open.name.is_empty() {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.strong(&open.name);
                });
            }
        });
    });
    Ok(())
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
