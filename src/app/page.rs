//! The browser page (wasm32 only): files uploaded from the device are opened like any other,
//! and the `window.__spikeworks` status object tells the loading screen and the end-to-end
//! tests how the app is doing. The page itself (canvas, loading screen, audio unlock) is
//! `web/index.html`; storage, downloads and the file picker are [`crate::app::platform::web`].

use bevy::ecs::system::SystemParam;
use bevy::input::touch::TouchInput;
use bevy::prelude::*;
use wasm_bindgen::prelude::*;

use crate::app::documents::FileRequest;
use crate::app::platform::web::Uploads;
use crate::app::sandbox::view::CanvasView;
use crate::app::screens::Screen;
use crate::app::ui_state::ScreenRects;
use crate::editor::Document;
use crate::sim::{Network, Recorder, SimClock};

pub fn plugin(app: &mut App) {
    app.init_resource::<Uploads>()
        .init_resource::<FirstFrame>()
        .add_systems(
            Update,
            (
                open_uploads.in_set(crate::app::AppSystems::Requests),
                report_status,
            ),
        );
}

fn open_uploads(uploads: Res<Uploads>, mut requests: MessageWriter<FileRequest>) {
    for upload in uploads.take() {
        requests.write(FileRequest::OpenBytes {
            name: upload.name,
            bytes: upload.bytes,
        });
    }
}

/// When the first frame was drawn, in ms since the page started loading.
#[derive(Resource, Default)]
struct FirstFrame {
    frames: u64,
    /// Touch messages Bevy has seen.
    touches: u64,
    at_ms: Option<f64>,
}

/// What the status object reports on.
#[derive(SystemParam)]
struct Observed<'w> {
    doc: Res<'w, Document>,
    recorder: Res<'w, Recorder>,
    clock: Res<'w, SimClock>,
    screen: Res<'w, State<Screen>>,
    network: Option<Res<'w, Network>>,
    view: Res<'w, CanvasView>,
    rects: Res<'w, ScreenRects>,
}

/// `[x, y, width, height]` as a JavaScript array.
fn js_rect([x, y, w, h]: [f32; 4]) -> JsValue {
    js_sys::Array::of4(&x.into(), &y.into(), &w.into(), &h.into()).into()
}

/// Named rectangles as a JavaScript object.
fn js_rects(named: &[(String, [f32; 4])]) -> JsValue {
    let object = js_sys::Object::new();
    for (name, rect) in named {
        let _ = js_sys::Reflect::set(&object, &name.into(), &js_rect(*rect));
    }
    object.into()
}

/// Writes `window.__spikeworks`: ready, frames, first_frame_ms, screen, the circuit's size
/// (neurons, generators, sensors, synapses, and wires: synapses plus generator outputs),
/// spikes so far, simulated time, whether it is paused, touch messages received, touch
/// sensors held, the view's zoom and centre, the document's revision (it grows with every
/// edit), and where things are in CSS pixels: `canvas_rect` (the canvas not covered by any
/// panel), `panels` (open panels and drawers by name) and `buttons` (named controls: the
/// title screen's, the top bar's as `top/…`, the palette's as `palette/…`, …).
fn report_status(
    mut first: ResMut<FirstFrame>,
    mut touches: MessageReader<TouchInput>,
    app: Observed,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    first.frames += 1;
    first.touches += touches.read().count() as u64;
    // The second update is the first after a frame was presented.
    if first.frames == 2 {
        first.at_ms = window.performance().map(|p| p.now());
    }
    let circuit = app.doc.circuit();
    let status = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&status, &key.into(), &value);
    };
    set("ready", first.at_ms.is_some().into());
    set("frames", (first.frames as f64).into());
    set(
        "first_frame_ms",
        first.at_ms.map_or(JsValue::NULL, JsValue::from),
    );
    set("screen", format!("{:?}", app.screen.get()).into());
    set("neurons", (circuit.neurons.len() as f64).into());
    set("generators", (circuit.generators.len() as f64).into());
    set("sensors", (circuit.sensors.len() as f64).into());
    set("synapses", (circuit.synapses.len() as f64).into());
    let driven: usize = circuit.generators.iter().map(|g| g.targets.len()).sum();
    set("wires", ((circuit.synapses.len() + driven) as f64).into());
    set("spikes", (app.recorder.total_spikes() as f64).into());
    set("time_s", app.clock.time_s().into());
    set("paused", app.clock.paused().into());
    set("touches", (first.touches as f64).into());
    let held = app.network.map_or(0, |n| n.touch_sensors_held());
    set("sensors_held", (held as f64).into());
    set("view_scale", app.view.scale.into());
    set("view_x", app.view.centre.x.into());
    set("view_y", app.view.centre.y.into());
    set("revision", (app.doc.revision() as f64).into());
    let canvas = app
        .rects
        .canvas
        .map(|r| [r.min.x, r.min.y, r.width(), r.height()]);
    set("canvas_rect", canvas.map_or(JsValue::NULL, js_rect));
    set("panels", js_rects(&app.rects.panels));
    set("buttons", js_rects(&app.rects.buttons));
    let _ = js_sys::Reflect::set(&window, &"__spikeworks".into(), &status);
}
