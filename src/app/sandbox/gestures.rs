//! Gestures on the canvas, with mouse or fingers: tap to select (shift or long-press adds),
//! drag items to move them, drag empty space to pan (shift-drag: rubber band), two fingers to
//! pinch-zoom, the wheel to zoom, drag from a selected item's handle to wire it, tap with the
//! palette's tool to place an item or to wire source then target, press touch sensors (each
//! finger its own). Raw mouse and touch input becomes [`PointerEvent`]s first, so tests drive
//! the same code with synthetic events. Every change goes through the [`Document`].

use std::collections::HashMap;

use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::window::CursorMoved;

use crate::app::AppSystems;
use crate::app::sandbox::geometry::{
    can_wire_from, edge_curve, group_half_size, handle_offset, item_radius, note_half_size,
    projection_ends, self_loop,
};
use crate::app::sandbox::view::CanvasView;
use crate::app::ui_state::{Hint, PaletteDrag, Selection, Tool, UiFocus};
use crate::circuit::Circuit;
use crate::circuit::{ItemKind, Role};
use crate::editor::{Document, EditKey, Shown};
use crate::sim::TouchSensorInput;

/// Movement below this many screen pixels is still a tap.
pub const TAP_SLOP_PX: f32 = 8.0;
/// Hit targets are at least this wide on screen, whatever the zoom (touch guidelines).
pub const MIN_TARGET_PX: f32 = 48.0;
/// Holding a finger this long on an item adds it to the selection.
pub const LONG_PRESS_S: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PointerId {
    Mouse,
    Touch(u64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PointerPhase {
    Pressed,
    Moved,
    Released,
    /// The system took the pointer away (a touch cancelled by the OS): nothing it was doing
    /// completes.
    Canceled,
}

/// One pointer sample in screen pixels (logical, y down).
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct PointerEvent {
    pub pointer: PointerId,
    pub phase: PointerPhase,
    pub screen: Vec2,
}

/// What a pointer holds between press and release.
#[derive(Debug, Clone, PartialEq)]
enum Grab {
    Item {
        id: String,
        start: Vec2,
        last: Vec2,
        moved: bool,
        additive: bool,
        pressed_at: f64,
        long_pressed: bool,
        sensor: Option<Entity>,
    },
    Wire {
        from: String,
    },
    Empty {
        start: Vec2,
        last: Vec2,
        moved: bool,
        band: bool,
    },
    /// One of two fingers zooming; the other is in `Gestures::pinch`.
    Pinch,
    /// Nothing more to do until release.
    Done,
}

#[derive(Debug, Clone, PartialEq)]
struct Pinch {
    fingers: [PointerId; 2],
    start_distance: f32,
    start_scale: f32,
    /// The fingers' midpoint at the last move: moving both fingers pans.
    last_mid: Vec2,
}

/// Pointers that are down, what they hold and where they are.
#[derive(Resource, Debug, Default)]
pub struct Gestures {
    grabs: HashMap<PointerId, (Grab, Vec2)>,
    pinch: Option<Pinch>,
}

/// Previews drawn while a gesture runs (canvas coordinates).
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct GesturePreview {
    /// A wire being dragged: from the source item to the pointer.
    pub wire: Option<(Vec2, Vec2)>,
    /// A rubber band's corners.
    pub band: Option<(Vec2, Vec2)>,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Selection>()
        .init_resource::<Tool>()
        .init_resource::<Hint>()
        .init_resource::<UiFocus>()
        .init_resource::<PaletteDrag>()
        .init_resource::<Gestures>()
        .init_resource::<GesturePreview>()
        .add_message::<PointerEvent>()
        .add_systems(
            Update,
            (
                read_mouse_and_touch,
                handle_pointers,
                long_press,
                wheel_zoom,
                prune_selection,
            )
                .chain()
                .in_set(AppSystems::Gestures),
        );
}

/// Turns Bevy's mouse and touch input into pointer events.
fn read_mouse_and_touch(
    buttons: Res<ButtonInput<MouseButton>>,
    mut cursor: MessageReader<CursorMoved>,
    touches: Res<Touches>,
    mut last_cursor: Local<Option<Vec2>>,
    mut out: MessageWriter<PointerEvent>,
) {
    let mouse = |phase, screen| PointerEvent {
        pointer: PointerId::Mouse,
        phase,
        screen,
    };
    for moved in cursor.read() {
        *last_cursor = Some(moved.position);
        if buttons.pressed(MouseButton::Left) && !buttons.just_pressed(MouseButton::Left) {
            out.write(mouse(PointerPhase::Moved, moved.position));
        }
    }
    if let Some(at) = *last_cursor {
        if buttons.just_pressed(MouseButton::Left) {
            out.write(mouse(PointerPhase::Pressed, at));
        }
        if buttons.just_released(MouseButton::Left) {
            out.write(mouse(PointerPhase::Released, at));
        }
    }
    let touch = |t: &bevy::input::touch::Touch, phase| PointerEvent {
        pointer: PointerId::Touch(t.id()),
        phase,
        screen: t.position(),
    };
    for t in touches.iter_just_pressed() {
        out.write(touch(t, PointerPhase::Pressed));
    }
    for t in touches.iter().filter(|t| t.delta() != Vec2::ZERO) {
        if !touches.just_pressed(t.id()) {
            out.write(touch(t, PointerPhase::Moved));
        }
    }
    for t in touches.iter_just_released() {
        out.write(touch(t, PointerPhase::Released));
    }
    for t in touches.iter_just_canceled() {
        out.write(touch(t, PointerPhase::Canceled));
    }
}

/// What is under a canvas point.
#[derive(Debug, Clone, PartialEq)]
pub enum Hit {
    Handle(String),
    Item(String),
    Synapse(String),
}

/// The topmost thing under `at` (canvas): the handle of a single selected item, then items,
/// then synapses. Targets are at least [`MIN_TARGET_PX`] on screen.
pub fn hit_test(
    circuit: &Circuit,
    view: &CanvasView,
    selection: &Selection,
    at: Vec2,
) -> Option<Hit> {
    let finger = view.canvas_len(MIN_TARGET_PX / 2.0);
    if let [only] = selection.ids.as_slice()
        && let (Some(p), Some(role)) = (circuit.position(only), circuit.role(only))
        && can_wire_from(role)
        && at.distance(p + handle_offset(circuit, only)) <= finger.max(16.0)
    {
        return Some(Hit::Handle(only.clone()));
    }
    let mut best: Option<(f32, &str)> = None;
    for (id, p) in circuit.placed_items() {
        let d = at.distance(p);
        let inside = match circuit.role(id) {
            Some(Role::Note) => {
                let note = circuit.notes.iter().find(|n| n.id == id);
                let half = note.map_or(Vec2::ZERO, |n| note_half_size(&n.text, n.width));
                (at - p).abs().cmple(half).all()
            }
            Some(Role::Population) => {
                let half = group_half_size(circuit, id).max(finger);
                (at - p).abs().cmple(Vec2::splat(half)).all()
            }
            Some(role) => d <= item_radius(role).max(finger),
            None => false,
        };
        if inside && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, id));
        }
    }
    if let Some((_, id)) = best {
        return Some(Hit::Item(id.to_owned()));
    }
    let reach = view.canvas_len(12.0).max(8.0);
    let synapses = circuit.synapses.iter().filter_map(|s| {
        let (a, b) = (circuit.position(&s.from)?, circuit.position(&s.to)?);
        Some((edge_curve(a, b).distance_to(at), &s.id))
    });
    let projections = circuit.projections.iter().filter_map(|p| {
        let (a, b) = (circuit.position(&p.from)?, circuit.position(&p.to)?);
        let (from_half, to_half) = (
            group_half_size(circuit, &p.from),
            group_half_size(circuit, &p.to),
        );
        let d = if p.from == p.to {
            let (centre, radius) = self_loop(a, from_half);
            (at.distance(centre) - radius).abs()
        } else {
            let (a, b) = projection_ends(a, b, from_half, to_half);
            edge_curve(a, b).distance_to(at)
        };
        Some((d, &p.id))
    });
    synapses
        .chain(projections)
        .filter(|(d, _)| *d <= reach)
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, id)| Hit::Synapse(id.clone()))
}

/// Everything a gesture may touch.
#[derive(bevy::ecs::system::SystemParam)]
struct Canvas<'w> {
    doc: ResMut<'w, Document>,
    view: ResMut<'w, CanvasView>,
    selection: ResMut<'w, Selection>,
    tool: ResMut<'w, Tool>,
    hint: ResMut<'w, Hint>,
    preview: ResMut<'w, GesturePreview>,
    palette_drag: ResMut<'w, PaletteDrag>,
    shown: Res<'w, Shown>,
    time: Res<'w, Time<Real>>,
}

impl Canvas<'_> {
    fn now(&self) -> f64 {
        self.time.elapsed_secs_f64()
    }

    fn place(&mut self, kind: ItemKind, screen: Vec2) {
        let at = self.view.to_canvas(screen);
        let now = self.now();
        *self.tool = Tool::Select;
        match self.doc.edit(EditKey::Step, |c| Ok(c.add_item(kind, at))) {
            Ok(id) => {
                self.selection.only(&id);
                self.hint.show(
                    format!("{} placed: drag its handle to wire it", kind.name()),
                    now,
                );
            }
            Err(e) => self.hint.show(e.to_string(), now),
        }
    }

    fn connect(&mut self, from: &str, to: &str) {
        let now = self.now();
        match self.doc.edit(EditKey::Step, |c| c.connect(from, to)) {
            Ok(_) => self.hint.show("Connected", now),
            Err(e) => self.hint.show(format!("Not connected: {e}"), now),
        }
    }
}

fn handle_pointers(
    mut events: MessageReader<PointerEvent>,
    mut gestures: ResMut<Gestures>,
    mut canvas: Canvas,
    focus: Res<UiFocus>,
    keys: Res<ButtonInput<KeyCode>>,
    mut sensors: MessageWriter<TouchSensorInput>,
) {
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    for event in events.read() {
        match event.phase {
            PointerPhase::Pressed => {
                // A finger has no hover: the panels learn of it a frame late, so a press on
                // a panel is told apart by where it is.
                if focus.pointer || !canvas.view.in_free_area(event.screen) {
                    continue;
                }
                if let Some(grab) = press(&mut gestures, &mut canvas, event, shift, &mut sensors) {
                    gestures.grabs.insert(event.pointer, (grab, event.screen));
                }
            }
            PointerPhase::Moved => drag(&mut gestures, &mut canvas, event),
            PointerPhase::Released => release(&mut gestures, &mut canvas, event, &mut sensors),
            PointerPhase::Canceled => cancel(&mut gestures, &mut canvas, event, &mut sensors),
        }
    }
}

fn press(
    gestures: &mut Gestures,
    canvas: &mut Canvas,
    event: &PointerEvent,
    shift: bool,
    sensors: &mut MessageWriter<TouchSensorInput>,
) -> Option<Grab> {
    let screen = event.screen;
    let at = canvas.view.to_canvas(screen);
    // A second finger on empty canvas turns the first finger's pan into a pinch.
    if let PointerId::Touch(_) = event.pointer
        && gestures.pinch.is_none()
        && let Some((&other, (_, other_at))) = gestures
            .grabs
            .iter()
            .find(|(id, (g, _))| **id != event.pointer && matches!(g, Grab::Empty { .. }))
    {
        let other_at = *other_at;
        gestures.grabs.insert(other, (Grab::Pinch, other_at));
        gestures.pinch = Some(Pinch {
            fingers: [other, event.pointer],
            start_distance: other_at.distance(screen).max(1.0),
            start_scale: canvas.view.scale,
            last_mid: (other_at + screen) / 2.0,
        });
        canvas.preview.band = None;
        return Some(Grab::Pinch);
    }
    if let Tool::Place(kind) = *canvas.tool {
        canvas.place(kind, screen);
        return Some(Grab::Done);
    }
    let hit = hit_test(canvas.doc.circuit(), &canvas.view, &canvas.selection, at);
    Some(match hit {
        Some(Hit::Handle(from)) => {
            let start = canvas.doc.circuit().position(&from).unwrap_or(at);
            canvas.preview.wire = Some((start, at));
            Grab::Wire { from }
        }
        Some(Hit::Item(id) | Hit::Synapse(id)) => {
            let sensor = (canvas.doc.circuit().role(&id) == Some(Role::Sensor)
                && *canvas.tool == Tool::Select)
                .then(|| canvas.shown.entity(&id))
                .flatten();
            if let Some(sensor) = sensor {
                sensors.write(TouchSensorInput {
                    sensor,
                    pressed: true,
                });
            }
            Grab::Item {
                id,
                start: screen,
                last: screen,
                moved: false,
                additive: shift,
                pressed_at: canvas.now(),
                long_pressed: false,
                sensor,
            }
        }
        None => Grab::Empty {
            start: screen,
            last: screen,
            moved: false,
            band: shift && event.pointer == PointerId::Mouse,
        },
    })
}

fn drag(gestures: &mut Gestures, canvas: &mut Canvas, event: &PointerEvent) {
    let screen = event.screen;
    let Some((grab, position)) = gestures.grabs.get_mut(&event.pointer) else {
        return;
    };
    *position = screen;
    if *grab == Grab::Pinch {
        pinch(gestures, &mut canvas.view);
        return;
    }
    match grab {
        Grab::Item {
            id,
            start,
            last,
            moved,
            additive,
            ..
        } => {
            if !*moved && start.distance(screen) > TAP_SLOP_PX {
                *moved = true;
                if !canvas.selection.contains(id) {
                    if *additive {
                        canvas.selection.toggle(id);
                    } else {
                        canvas.selection.only(id);
                    }
                }
            }
            if *moved && *canvas.tool == Tool::Select {
                let delta = canvas.view.to_canvas(screen) - canvas.view.to_canvas(*last);
                let ids = canvas.selection.ids.clone();
                if let Err(e) = canvas.doc.edit(EditKey::gesture("move"), |c| {
                    c.move_items(&ids, delta);
                    Ok(())
                }) {
                    let now = canvas.now();
                    canvas.hint.show(e.to_string(), now);
                }
            }
            *last = screen;
        }
        Grab::Wire { from } => {
            let start = canvas.doc.circuit().position(from).unwrap_or_default();
            canvas.preview.wire = Some((start, canvas.view.to_canvas(screen)));
        }
        Grab::Empty {
            start,
            last,
            moved,
            band,
        } => {
            *moved |= start.distance(screen) > TAP_SLOP_PX;
            if *band {
                canvas.preview.band =
                    Some((canvas.view.to_canvas(*start), canvas.view.to_canvas(screen)));
            } else {
                canvas.view.pan(screen - *last);
            }
            *last = screen;
        }
        Grab::Pinch | Grab::Done => {}
    }
}

/// Two fingers: their distance scales the view around their midpoint, and moving the
/// midpoint pans.
fn pinch(gestures: &mut Gestures, view: &mut CanvasView) {
    let Some(pinch) = &gestures.pinch else {
        return;
    };
    let [a, b] = pinch.fingers;
    let (Some((_, pa)), Some((_, pb))) = (gestures.grabs.get(&a), gestures.grabs.get(&b)) else {
        return;
    };
    let (pa, pb) = (*pa, *pb);
    let mid = (pa + pb) / 2.0;
    view.pan(mid - pinch.last_mid);
    view.zoom_to(
        pinch.start_scale * pinch.start_distance / pa.distance(pb).max(1.0),
        mid,
    );
    if let Some(p) = gestures.pinch.as_mut() {
        p.last_mid = mid;
    }
}

fn release(
    gestures: &mut Gestures,
    canvas: &mut Canvas,
    event: &PointerEvent,
    sensors: &mut MessageWriter<TouchSensorInput>,
) {
    let screen = event.screen;
    let Some((grab, _)) = gestures.grabs.remove(&event.pointer) else {
        // A drag that started on the palette ends on the canvas.
        if let Some(kind) = canvas.palette_drag.0.take()
            && canvas.view.in_free_area(screen)
        {
            canvas.place(kind, screen);
        }
        return;
    };
    let now = canvas.now();
    match grab {
        Grab::Item {
            id,
            moved,
            additive,
            long_pressed,
            sensor,
            ..
        } => {
            if end_item_press(canvas, sensors, sensor, moved) {
                return;
            }
            match canvas.tool.clone() {
                Tool::Connect { from: None } => {
                    let role = canvas.doc.circuit().role(&id);
                    if role.is_some_and(can_wire_from) {
                        *canvas.tool = Tool::Connect {
                            from: Some(id.clone()),
                        };
                        canvas.selection.only(&id);
                        canvas.hint.show("Now tap the item to connect it to", now);
                    } else {
                        canvas
                            .hint
                            .show("Synapses and notes cannot be wired from", now);
                    }
                }
                Tool::Connect { from: Some(from) } => {
                    canvas.connect(&from, &id);
                    *canvas.tool = Tool::Connect { from: None };
                }
                _ if long_pressed => {}
                _ if additive => canvas.selection.toggle(&id),
                _ => canvas.selection.only(&id),
            }
        }
        Grab::Wire { from } => {
            canvas.preview.wire = None;
            let at = canvas.view.to_canvas(screen);
            let none = Selection::default();
            match hit_test(canvas.doc.circuit(), &canvas.view, &none, at) {
                Some(Hit::Item(to)) if to != from => canvas.connect(&from, &to),
                _ => canvas
                    .hint
                    .show("Drop the wire on a neuron to connect it", now),
            }
        }
        Grab::Empty {
            moved, band, start, ..
        } => {
            if band {
                canvas.preview.band = None;
                let (a, b) = (canvas.view.to_canvas(start), canvas.view.to_canvas(screen));
                let (lo, hi) = (a.min(b), a.max(b));
                let inside: Vec<String> = canvas
                    .doc
                    .circuit()
                    .placed_items()
                    .filter(|(_, p)| p.cmpge(lo).all() && p.cmple(hi).all())
                    .map(|(id, _)| id.to_owned())
                    .collect();
                for id in inside {
                    if !canvas.selection.contains(&id) {
                        canvas.selection.ids.push(id);
                    }
                }
            } else if !moved {
                if matches!(*canvas.tool, Tool::Connect { from: Some(_) }) {
                    *canvas.tool = Tool::Connect { from: None };
                    canvas.hint.show("Wiring cancelled", now);
                }
                canvas.selection.ids.clear();
            }
        }
        Grab::Pinch => {
            end_pinch(gestures);
        }
        Grab::Done => {}
    }
}

/// A pointer taken away by the system: a palette drag places nothing, a wire or a rubber band
/// is dropped, a tap does not happen, a pressed sensor is let go, and a pinch ends. What a drag
/// already moved stays, as one undo step.
fn cancel(
    gestures: &mut Gestures,
    canvas: &mut Canvas,
    event: &PointerEvent,
    sensors: &mut MessageWriter<TouchSensorInput>,
) {
    let Some((grab, _)) = gestures.grabs.remove(&event.pointer) else {
        canvas.palette_drag.0 = None;
        return;
    };
    match grab {
        Grab::Item { sensor, moved, .. } => {
            end_item_press(canvas, sensors, sensor, moved);
        }
        Grab::Wire { .. } => canvas.preview.wire = None,
        Grab::Empty { band: true, .. } => canvas.preview.band = None,
        Grab::Pinch => {
            end_pinch(gestures);
        }
        Grab::Empty { .. } | Grab::Done => {}
    }
}

/// A press on an item ends, lifted or cancelled: a held sensor is let go, and a drag becomes
/// one undo step. Returns whether the item was dragged.
fn end_item_press(
    canvas: &mut Canvas,
    sensors: &mut MessageWriter<TouchSensorInput>,
    sensor: Option<Entity>,
    moved: bool,
) -> bool {
    if let Some(sensor) = sensor {
        sensors.write(TouchSensorInput {
            sensor,
            pressed: false,
        });
    }
    if moved {
        canvas.doc.end_gesture();
    }
    moved
}

/// One finger of a pinch lifted or taken away: the other rests until it is lifted.
fn end_pinch(gestures: &mut Gestures) {
    if let Some(pinch) = gestures.pinch.take() {
        for f in pinch.fingers {
            if let Some((g, _)) = gestures.grabs.get_mut(&f) {
                *g = Grab::Done;
            }
        }
    }
}

/// A finger held still on an item adds it to (or removes it from) the selection.
fn long_press(mut gestures: ResMut<Gestures>, mut canvas: Canvas) {
    let now = canvas.now();
    for (pointer, (grab, _)) in gestures.grabs.iter_mut() {
        if let Grab::Item {
            id,
            moved: false,
            pressed_at,
            long_pressed: long @ false,
            sensor: None,
            ..
        } = grab
            && matches!(pointer, PointerId::Touch(_))
            && now - *pressed_at >= LONG_PRESS_S
        {
            *long = true;
            canvas.selection.toggle(id);
            let verb = if canvas.selection.contains(id) {
                "Added to"
            } else {
                "Removed from"
            };
            canvas.hint.show(format!("{verb} the selection"), now);
        }
    }
}

fn wheel_zoom(
    mut wheel: MessageReader<MouseWheel>,
    mut cursor: MessageReader<CursorMoved>,
    mut last_cursor: Local<Vec2>,
    focus: Res<UiFocus>,
    mut view: ResMut<CanvasView>,
) {
    if let Some(c) = cursor.read().last() {
        *last_cursor = c.position;
    }
    for w in wheel.read() {
        if focus.pointer {
            continue;
        }
        let notches = match w.unit {
            MouseScrollUnit::Line => w.y,
            MouseScrollUnit::Pixel => w.y / 50.0,
        };
        let scale = view.scale * 1.15f32.powf(-notches);
        view.zoom_to(scale, *last_cursor);
    }
}

/// Drops ids that no longer exist (after undo, delete, open).
fn prune_selection(doc: Res<Document>, mut selection: ResMut<Selection>, mut tool: ResMut<Tool>) {
    if !doc.is_changed() {
        return;
    }
    let circuit = doc.circuit();
    if selection.ids.iter().any(|id| circuit.role(id).is_none()) {
        selection.ids.retain(|id| circuit.role(id).is_some());
    }
    if let Tool::Connect { from: Some(from) } = &*tool
        && circuit.role(from).is_none()
    {
        *tool = Tool::Connect { from: None };
    }
}
