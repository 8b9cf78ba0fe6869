//! Scripted input for end-to-end tests and demos (`--script FILE.ron`): mouse presses, moves
//! and releases, finger touches and key chords are written as the same Bevy input messages a
//! real window produces, so they go through egui and the canvas gestures alike. Steps can
//! also save screenshots and the circuit, and quit. One input step per frame.
//!
//! ```ron
//! [Wait(30), Click(640, 400), Key("ctrl+z"), Screenshot("after.png"), Quit]
//! ```
//!
//! Taps can name what they tap (`TapOn("palette/Neuron")`, `TapCanvas(0.5, 0.4)`), so one
//! script works at every window size.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::mouse::MouseButtonInput;
use bevy::input::touch::{TouchInput, TouchPhase};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::{CursorMoved, PrimaryWindow, WindowEvent};
use serde::Deserialize;

use crate::app::documents::FileRequest;
use crate::app::ui_state::ScreenRects;

/// One scripted step. Coordinates are window pixels from the top left.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum Step {
    /// Let frames pass.
    Wait(u32),
    /// Move the mouse there.
    Move(f32, f32),
    /// Press the left button where the mouse is.
    Press,
    /// Release the left button.
    Release,
    /// Move, press and release (three frames).
    Click(f32, f32),
    /// Press, move in `steps` frames, release.
    Drag((f32, f32), (f32, f32), u32),
    /// A finger: id, phase ("Started", "Moved", "Ended"), position.
    Touch(u64, String, f32, f32),
    /// A finger taps the middle of a named control (see [`ScreenRects`]), e.g. "palette/Neuron"
    /// or "top/play"; a missing name ends the script with an error.
    TapOn(String),
    /// A finger taps the free canvas at this fraction of its width and height.
    TapCanvas(f32, f32),
    /// Write where things are on screen (canvas, panels, named controls) to this file, one
    /// `kind name x y width height` per line.
    WriteRects(String),
    /// Press and release a chord such as "ctrl+z" or "delete".
    Key(String),
    /// Save a screenshot of the window to this PNG and wait until it is written.
    Screenshot(String),
    /// Save the circuit to this path.
    SaveAs(String),
    /// Measure the next frames and write the mean frame time, the simulation's share of it and
    /// the simulated speed to a file.
    Measure(u32, String),
    /// Leave without asking (as a crash or a killed process would, the autosave stays).
    Quit,
}

#[derive(Resource, Debug, Clone, Default)]
pub struct Script {
    steps: VecDeque<Step>,
    waiting_frames: u32,
    /// A screenshot being written; the script waits for the file.
    pending_shot: Option<PathBuf>,
    keys_down: Vec<(KeyCode, Key)>,
    measuring: Option<Measurement>,
}

/// A frame-time measurement in progress.
#[derive(Debug, Clone)]
struct Measurement {
    frames: u32,
    left: u32,
    wall_start_s: f64,
    sim_start_s: f64,
    busy_start_s: f64,
    path: PathBuf,
}

impl Script {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let steps: Vec<Step> = ron::from_str(text).map_err(|e| e.to_string())?;
        for step in &steps {
            if let Step::Key(chord) = step {
                chord_keys(chord)?;
            }
        }
        Ok(Self {
            steps: steps.into(),
            ..default()
        })
    }
}

/// The keys of a chord like "ctrl+shift+z".
fn chord_keys(chord: &str) -> Result<Vec<(KeyCode, Key)>, String> {
    chord
        .split('+')
        .map(|name| {
            let name = name.trim().to_lowercase();
            let character = |c: &str, code| Ok((code, Key::Character(c.into())));
            match name.as_str() {
                "ctrl" => Ok((KeyCode::ControlLeft, Key::Control)),
                "shift" => Ok((KeyCode::ShiftLeft, Key::Shift)),
                "delete" => Ok((KeyCode::Delete, Key::Delete)),
                "escape" => Ok((KeyCode::Escape, Key::Escape)),
                "space" => Ok((KeyCode::Space, Key::Space)),
                "period" => character(".", KeyCode::Period),
                "a" => character("a", KeyCode::KeyA),
                "c" => character("c", KeyCode::KeyC),
                "d" => character("d", KeyCode::KeyD),
                "f" => character("f", KeyCode::KeyF),
                "r" => character("r", KeyCode::KeyR),
                "s" => character("s", KeyCode::KeyS),
                "v" => character("v", KeyCode::KeyV),
                "y" => character("y", KeyCode::KeyY),
                "z" => character("z", KeyCode::KeyZ),
                d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => character(
                    d,
                    crate::app::panels::playback::DIGIT_KEYS[(d.as_bytes()[0] - b'0') as usize],
                ),
                other => Err(format!("unknown key \"{other}\" in \"{chord}\"")),
            }
        })
        .collect()
}

pub fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, run_script.before(bevy::input::InputSystems));
}

/// Winit sends each input twice: as its own message and in the ordered `WindowEvent`
/// stream (which egui reads). Scripted input does the same.
#[derive(bevy::ecs::system::SystemParam)]
struct Inputs<'w> {
    cursor: MessageWriter<'w, CursorMoved>,
    buttons: MessageWriter<'w, MouseButtonInput>,
    keys: MessageWriter<'w, KeyboardInput>,
    touches: MessageWriter<'w, TouchInput>,
    window_events: MessageWriter<'w, WindowEvent>,
}

impl Inputs<'_> {
    fn cursor(&mut self, m: CursorMoved) {
        self.window_events
            .write(WindowEvent::CursorMoved(m.clone()));
        self.cursor.write(m);
    }

    fn button(&mut self, m: MouseButtonInput) {
        self.window_events.write(WindowEvent::MouseButtonInput(m));
        self.buttons.write(m);
    }

    fn key(&mut self, m: KeyboardInput) {
        self.window_events
            .write(WindowEvent::KeyboardInput(m.clone()));
        self.keys.write(m);
    }

    fn touch(&mut self, m: TouchInput) {
        self.window_events.write(WindowEvent::TouchInput(m));
        self.touches.write(m);
    }
}

/// Queues a finger's tap at a window point: down one frame, up the next, then two frames for
/// egui to act on it.
fn tap(script: &mut Script, x: f32, y: f32) {
    for step in [
        Step::Wait(2),
        Step::Touch(0, "Ended".into(), x, y),
        Step::Touch(0, "Started".into(), x, y),
    ] {
        script.steps.push_front(step);
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "a Bevy system names each resource it touches"
)]
fn run_script(
    script: Option<ResMut<Script>>,
    time: Res<Time<Real>>,
    clock: Res<crate::sim::SimClock>,
    window: Query<Entity, With<PrimaryWindow>>,
    mut inputs: Inputs,
    mut commands: Commands,
    mut files: MessageWriter<FileRequest>,
    mut exit: MessageWriter<AppExit>,
    mut mouse_at: Local<Vec2>,
    rects: Res<ScreenRects>,
) {
    let (Some(mut script), Ok(window)) = (script, window.single()) else {
        return;
    };
    let key = |(code, key): (KeyCode, Key), state| KeyboardInput {
        key_code: code,
        text: match (&key, state) {
            (Key::Character(c), ButtonState::Pressed) => Some(c.clone()),
            _ => None,
        },
        logical_key: key,
        state,
        repeat: false,
        window,
    };
    // Keys pressed last frame are released now.
    for k in std::mem::take(&mut script.keys_down).into_iter().rev() {
        inputs.key(key(k, ButtonState::Released));
    }
    if let Some(shot) = &script.pending_shot {
        if !shot.exists() {
            return;
        }
        info!("script: screenshot {}", shot.display());
        script.pending_shot = None;
    }
    if let Some(m) = script.measuring.as_mut() {
        if m.left > 0 {
            m.left -= 1;
            return;
        }
        let wall = time.elapsed_secs_f64() - m.wall_start_s;
        let sim = clock.time_s() - m.sim_start_s;
        let busy = clock.busy_s() - m.busy_start_s;
        // Software rendering here makes frames slow, and a slow frame simulates more; the
        // cost per 1/60 s of simulated time is what a 60 Hz display at 1× would pay.
        let per_60hz_frame_ms = if sim > 0.0 {
            busy / sim / 60.0 * 1e3
        } else {
            0.0
        };
        let report = format!(
            "frames: {}\nwall_s: {wall:.3}\nmean_frame_ms: {:.2}\nmean_simulation_ms_per_frame: {:.2}\nsimulation_ms_per_60hz_frame_at_1x: {per_60hz_frame_ms:.2}\nsimulated_s: {sim:.4}\neffective_speed: {:.3}\n",
            m.frames,
            wall * 1e3 / f64::from(m.frames),
            busy * 1e3 / f64::from(m.frames),
            sim / wall
        );
        info!("script: measured\n{report}");
        if let Err(e) = std::fs::write(&m.path, report) {
            error!("script: {}: {e}", m.path.display());
        }
        script.measuring = None;
    }
    if script.waiting_frames > 0 {
        script.waiting_frames -= 1;
        return;
    }
    let mouse_button = |state| MouseButtonInput {
        button: MouseButton::Left,
        state,
        window,
    };
    let Some(step) = script.steps.pop_front() else {
        return;
    };
    match step {
        Step::Wait(frames) => script.waiting_frames = frames.saturating_sub(1),
        Step::Move(x, y) => {
            *mouse_at = Vec2::new(x, y);
            inputs.cursor(CursorMoved {
                window,
                position: *mouse_at,
                delta: None,
            });
        }
        Step::Press => {
            inputs.button(mouse_button(ButtonState::Pressed));
        }
        Step::Release => {
            inputs.button(mouse_button(ButtonState::Released));
        }
        Step::Click(x, y) => {
            for step in [Step::Release, Step::Press, Step::Move(x, y)] {
                script.steps.push_front(step);
            }
        }
        Step::Drag(from, to, frames) => {
            let frames = frames.max(1);
            script.steps.push_front(Step::Release);
            for i in (1..=frames).rev() {
                let t = i as f32 / frames as f32;
                let p = Vec2::from(from).lerp(Vec2::from(to), t);
                script.steps.push_front(Step::Move(p.x, p.y));
            }
            script.steps.push_front(Step::Press);
            script.steps.push_front(Step::Move(from.0, from.1));
        }
        Step::Touch(id, phase, x, y) => {
            let phase = match phase.as_str() {
                "Started" => TouchPhase::Started,
                "Moved" => TouchPhase::Moved,
                _ => TouchPhase::Ended,
            };
            inputs.touch(TouchInput {
                phase,
                position: Vec2::new(x, y),
                window,
                force: None,
                id,
            });
        }
        Step::TapOn(name) => match rects.button(&name) {
            Some([x, y, w, h]) => tap(&mut script, x + w / 2.0, y + h / 2.0),
            None => {
                error!("script: no control named {name:?} on screen; stopping");
                script.steps.clear();
                exit.write(AppExit::error());
            }
        },
        Step::TapCanvas(fx, fy) => match rects.canvas {
            Some(c) => tap(
                &mut script,
                c.min.x + fx * c.width(),
                c.min.y + fy * c.height(),
            ),
            None => {
                error!("script: no canvas on screen; stopping");
                script.steps.clear();
                exit.write(AppExit::error());
            }
        },
        Step::WriteRects(path) => {
            let line = |kind: &str, name: &str, [x, y, w, h]: [f32; 4]| {
                format!("{kind} {name:?} {x:.1} {y:.1} {w:.1} {h:.1}\n")
            };
            let mut text = String::new();
            if let Some(c) = rects.canvas {
                text += &line("canvas", "", [c.min.x, c.min.y, c.width(), c.height()]);
            }
            for (name, r) in &rects.panels {
                text += &line("panel", name, *r);
            }
            for (name, r) in &rects.buttons {
                text += &line("button", name, *r);
            }
            if let Err(e) = std::fs::write(&path, text) {
                error!("script: {path}: {e}");
            }
        }
        Step::Key(chord) => {
            let keys = chord_keys(&chord).unwrap_or_default();
            for k in &keys {
                inputs.key(key(k.clone(), ButtonState::Pressed));
            }
            script.keys_down = keys;
        }
        Step::Screenshot(path) => {
            let path = PathBuf::from(path);
            let _ = std::fs::remove_file(&path);
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path.clone()));
            script.pending_shot = Some(path);
        }
        Step::Measure(frames, path) => {
            script.measuring = Some(Measurement {
                frames: frames.max(1),
                left: frames.max(1),
                wall_start_s: time.elapsed_secs_f64(),
                sim_start_s: clock.time_s(),
                busy_start_s: clock.busy_s(),
                path: PathBuf::from(path),
            });
        }
        Step::SaveAs(path) => {
            files.write(FileRequest::SaveAs(PathBuf::from(path)));
        }
        Step::Quit => {
            exit.write(AppExit::Success);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_and_unknown_keys_are_refused() {
        let s = Script::parse(
            r#"[Wait(3), Click(10, 20), Key("ctrl+z"), Drag((0, 0), (5, 5), 4), Quit]"#,
        )
        .unwrap();
        assert_eq!(s.steps.len(), 5);
        let err = Script::parse(r#"[Key("hyper+q")]"#).unwrap_err();
        assert!(err.contains("hyper"), "{err}");
        assert!(Script::parse("[Jump]").is_err());
    }
}
