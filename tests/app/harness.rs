//! The headless sandbox the app tests drive: Bevy's input plugin, the simulation and the app's
//! editing plugins without a window or GPU, a tenth of a second of wall time per frame, and
//! helpers that send synthetic mouse, touch and keyboard input and read back the results.

use bevy::input::ButtonState;
use bevy::input::InputPlugin;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::mouse::MouseButtonInput;
use bevy::input::touch::{TouchInput, TouchPhase};
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use bevy::window::{CursorMoved, ExitCondition, WindowPlugin};
use spikeworks::app::sandbox::view::CanvasView;
use spikeworks::app::screens::Screen;
use spikeworks::app::ui_state::{Hint, Selection, Tool};
use spikeworks::circuit::Circuit;
use spikeworks::circuit::ItemKind;
use spikeworks::editor::{Document, Shown};
use spikeworks::sim::{Recorder, SimClock};

pub struct Sandbox {
    pub app: App,
    pub window: Entity,
}

impl Sandbox {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    /// A sandbox with extra plugins or resources.
    pub fn with(extra: impl FnOnce(&mut App)) -> Self {
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            InputPlugin,
            WindowPlugin {
                primary_window: None,
                exit_condition: ExitCondition::DontExit,
                close_when_requested: false,
                ..default()
            },
            spikeworks::SimPlugins,
            spikeworks::app::interaction_plugins,
        ));
        // A tenth of a second of wall time per frame, so long presses can be timed.
        app.insert_resource(TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_millis(100),
        ));
        app.insert_resource(Recorder::full_history());
        // The screen that shows the circuit: its systems and clock run only there.
        app.insert_state(Screen::Sandbox);
        extra(&mut app);
        app.finish();
        app.cleanup();
        let window = app.world_mut().spawn_empty().id();
        // The screen centre (640, 400) shows canvas (0, 0) at 1:1.
        app.world_mut().insert_resource(CanvasView::default());
        app.update();
        app.world_mut().resource_mut::<SimClock>().set_paused(true);
        Self { app, window }
    }

    /// Changes the screen as the app does, through `NextState`; the change takes effect at
    /// the next frame's state transition.
    pub fn go_to(&mut self, screen: Screen) {
        self.world().resource_mut::<NextState<Screen>>().set(screen);
        self.frame();
    }

    pub fn current_screen(&self) -> Screen {
        *self.app.world().resource::<State<Screen>>().get()
    }

    pub fn world(&mut self) -> &mut World {
        self.app.world_mut()
    }

    pub fn doc(&self) -> &Circuit {
        self.app.world().resource::<Document>().circuit()
    }

    pub fn frame(&mut self) {
        self.app.update();
    }

    pub fn touch(&mut self, id: u64, phase: TouchPhase, x: f32, y: f32) {
        let window = self.window;
        self.world().write_message(TouchInput {
            phase,
            position: Vec2::new(x, y),
            window,
            force: None,
            id,
        });
        self.frame();
    }

    pub fn tap(&mut self, x: f32, y: f32) {
        self.touch(1, TouchPhase::Started, x, y);
        self.touch(1, TouchPhase::Ended, x, y);
    }

    pub fn mouse_to(&mut self, x: f32, y: f32) {
        let window = self.window;
        self.world().write_message(CursorMoved {
            window,
            position: Vec2::new(x, y),
            delta: None,
        });
        self.frame();
    }

    pub fn mouse_button(&mut self, state: ButtonState) {
        let window = self.window;
        self.world().write_message(MouseButtonInput {
            button: MouseButton::Left,
            state,
            window,
        });
        self.frame();
    }

    pub fn mouse_drag(&mut self, from: Vec2, to: Vec2) {
        self.mouse_to(from.x, from.y);
        self.mouse_button(ButtonState::Pressed);
        for i in 1..=5 {
            let p = from.lerp(to, i as f32 / 5.0);
            self.mouse_to(p.x, p.y);
        }
        self.mouse_button(ButtonState::Released);
    }

    pub fn chord(&mut self, keys: &[(KeyCode, Key)]) {
        let window = self.window;
        for state in [ButtonState::Pressed, ButtonState::Released] {
            for (code, key) in keys {
                self.world().write_message(KeyboardInput {
                    key_code: *code,
                    logical_key: key.clone(),
                    state,
                    text: None,
                    repeat: false,
                    window,
                });
            }
            self.frame();
        }
    }

    pub fn ctrl(&mut self, code: KeyCode, c: &str) {
        self.chord(&[
            (KeyCode::ControlLeft, Key::Control),
            (code, Key::Character(c.into())),
        ]);
    }

    pub fn place(&mut self, kind: ItemKind, x: f32, y: f32) -> String {
        *self.world().resource_mut::<Tool>() = Tool::Place(kind);
        self.tap(x, y);
        self.selection().ids[0].clone()
    }

    pub fn selection(&self) -> Selection {
        self.app.world().resource::<Selection>().clone()
    }

    pub fn hint(&self) -> String {
        self.app.world().resource::<Hint>().text.clone()
    }

    pub fn entity(&self, id: &str) -> Entity {
        self.app.world().resource::<Shown>().entity(id).unwrap()
    }

    pub fn spikes_of(&self, id: &str) -> usize {
        let e = self.entity(id);
        let recorder = self.app.world().resource::<Recorder>();
        recorder.spikes().iter().filter(|s| s.source == e).count()
    }

    /// Where a canvas point is on screen.
    pub fn screen(&self, canvas: Vec2) -> Vec2 {
        self.app.world().resource::<CanvasView>().to_screen(canvas)
    }
}
