//! Editing actions (undo, redo, delete, duplicate, copy, paste, select all, fit) as messages,
//! so buttons, the keyboard and scripts share one implementation, and the desktop keyboard
//! shortcuts that send them. Keys are ignored while a text field has the keyboard.

use bevy::prelude::*;

use crate::app::AppSystems;
use crate::app::sandbox::view::{CanvasView, FitRequested};
use crate::app::ui_state::{Hint, Selection, Tool, UiFocus};
use crate::circuit::Circuit;
use crate::editor::{Document, EditKey};

#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorAction {
    Undo,
    Redo,
    Delete,
    Duplicate,
    Copy,
    Paste,
    SelectAll,
    Fit,
}

/// What Copy took, and how many times it was pasted (each paste lands a step further).
#[derive(Resource, Debug, Default)]
pub struct Clipboard {
    pub items: Option<Circuit>,
    pastes: u32,
}

/// Where pasted and duplicated items land, from the originals (canvas pixels).
const PASTE_OFFSET: Vec2 = Vec2::new(40.0, 40.0);

pub fn plugin(app: &mut App) {
    app.add_message::<EditorAction>()
        .init_resource::<Clipboard>()
        .add_systems(
            Update,
            (keyboard, perform).chain().in_set(AppSystems::Shortcuts),
        );
}

fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    focus: Res<UiFocus>,
    mut actions: MessageWriter<EditorAction>,
    mut tool: ResMut<Tool>,
) {
    if focus.keyboard {
        return;
    }
    let ctrl = keys.any_pressed([
        KeyCode::ControlLeft,
        KeyCode::ControlRight,
        KeyCode::SuperLeft,
        KeyCode::SuperRight,
    ]);
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let pressed = |k| keys.just_pressed(k);
    let action = match () {
        _ if ctrl && pressed(KeyCode::KeyZ) && shift => Some(EditorAction::Redo),
        _ if ctrl && pressed(KeyCode::KeyZ) => Some(EditorAction::Undo),
        _ if ctrl && pressed(KeyCode::KeyY) => Some(EditorAction::Redo),
        _ if ctrl && pressed(KeyCode::KeyC) => Some(EditorAction::Copy),
        _ if ctrl && pressed(KeyCode::KeyV) => Some(EditorAction::Paste),
        _ if ctrl && pressed(KeyCode::KeyD) => Some(EditorAction::Duplicate),
        _ if ctrl && pressed(KeyCode::KeyA) => Some(EditorAction::SelectAll),
        _ if pressed(KeyCode::Delete) || pressed(KeyCode::Backspace) => Some(EditorAction::Delete),
        _ if !ctrl && pressed(KeyCode::KeyF) => Some(EditorAction::Fit),
        _ => None,
    };
    if let Some(action) = action {
        actions.write(action);
    }
    if pressed(KeyCode::Escape) {
        *tool = Tool::Select;
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "a Bevy system names each resource it touches"
)]
fn perform(
    mut actions: MessageReader<EditorAction>,
    mut doc: ResMut<Document>,
    mut selection: ResMut<Selection>,
    mut clipboard: ResMut<Clipboard>,
    mut fit: ResMut<FitRequested>,
    mut view: ResMut<CanvasView>,
    mut hint: ResMut<Hint>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    for action in actions.read() {
        match action {
            EditorAction::Undo => {
                if !doc.undo() {
                    hint.show("Nothing to undo", now);
                }
            }
            EditorAction::Redo => {
                if !doc.redo() {
                    hint.show("Nothing to redo", now);
                }
            }
            EditorAction::Delete => {
                let ids = std::mem::take(&mut selection.ids);
                if !ids.is_empty()
                    && let Err(e) = doc.edit(EditKey::Step, |c| {
                        c.remove(&ids);
                        Ok(())
                    })
                {
                    selection.ids = ids;
                    hint.show(e.to_string(), now);
                }
            }
            EditorAction::Duplicate => {
                let clip = doc.circuit().extract(&selection.ids);
                paste(
                    &mut doc,
                    &mut selection,
                    &mut hint,
                    &clip,
                    PASTE_OFFSET,
                    now,
                );
            }
            EditorAction::Copy => {
                if !selection.ids.is_empty() {
                    clipboard.items = Some(doc.circuit().extract(&selection.ids));
                    clipboard.pastes = 0;
                    hint.show(format!("Copied {} item(s)", selection.ids.len()), now);
                }
            }
            EditorAction::Paste => {
                if let Some(clip) = clipboard.items.clone() {
                    clipboard.pastes += 1;
                    let offset = PASTE_OFFSET * clipboard.pastes as f32;
                    paste(&mut doc, &mut selection, &mut hint, &clip, offset, now);
                }
            }
            EditorAction::SelectAll => {
                let circuit = doc.circuit();
                selection.ids = circuit
                    .placed_items()
                    .map(|(id, _)| id.to_owned())
                    .collect();
            }
            EditorAction::Fit => {
                // The whole circuit, not a saved view.
                view.fit_rect = None;
                fit.0 = true;
            }
        }
    }
}

fn paste(
    doc: &mut Document,
    selection: &mut Selection,
    hint: &mut Hint,
    clip: &Circuit,
    offset: Vec2,
    now: f64,
) {
    if clip.placed_items().next().is_none() {
        return;
    }
    match doc.edit(EditKey::Step, |c| Ok(c.paste(clip, offset))) {
        Ok(added) => selection.ids = added,
        Err(e) => hint.show(e.to_string(), now),
    }
}
