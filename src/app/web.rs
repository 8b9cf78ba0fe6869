//! The browser build's side of the page (wasm32 only): texts kept in `localStorage`
//! (progress, autosave), Save as a download, Open as an upload from the device, and the
//! `window.__spikeworks` status object the loading screen and the end-to-end tests read.
//! The page itself (canvas, loading screen, audio unlock) is `web/index.html`.

use std::sync::{Arc, Mutex};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::files::FileRequest;
use super::screens::Screen;
use super::view::CanvasView;
use crate::editor::Document;
use crate::sim::{Network, Recorder, SimClock};

/// Every key this app keeps in `localStorage` starts with this.
const KEY_PREFIX: &str = "spikeworks/";

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no browser window")?
        .local_storage()
        .map_err(|_| "the browser blocks localStorage (private mode?)".to_owned())?
        .ok_or_else(|| "this browser keeps no localStorage".to_owned())
}

/// The text kept under `name`, if any.
pub fn read_kept(name: &str) -> Result<Option<String>, String> {
    storage()?
        .get_item(&format!("{KEY_PREFIX}{name}"))
        .map_err(|_| format!("{name}: localStorage could not be read"))
}

/// Keeps `text` under `name`; fails when the browser's quota is full.
pub fn keep(name: &str, text: &str) -> Result<(), String> {
    storage()?
        .set_item(&format!("{KEY_PREFIX}{name}"), text)
        .map_err(|_| format!("{name}: the browser's storage is full or blocked"))
}

pub fn forget(name: &str) {
    if let Ok(s) = storage() {
        let _ = s.remove_item(&format!("{KEY_PREFIX}{name}"));
    }
}

/// Where kept texts live, for messages.
pub const KEPT_WHERE: &str = "this browser's storage";

/// Offers `bytes` to the user as a download named `file_name`.
pub fn download(file_name: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str| format!("{file_name}: the download failed ({what})");
    let window = web_sys::window().ok_or_else(|| fail("no window"))?;
    let document = window.document().ok_or_else(|| fail("no document"))?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("link"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The download reads the blob after this returns; free it a while later.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

/// A file the user picked on the device, read into memory.
#[derive(Debug)]
pub struct Upload {
    pub name: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// Files picked on the device and not yet opened. The browser reads them asynchronously;
/// [`open_uploads`] hands each to the Open code.
#[derive(Resource, Clone, Default)]
pub struct Uploads(Arc<Mutex<Vec<Upload>>>);

/// Shows the browser's file picker. Browsers allow this only shortly after a tap or click,
/// which the Upload button provides.
pub fn choose_file(uploads: &Uploads) -> Result<(), String> {
    let fail = |what: &str| format!("the file picker could not open ({what})");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let input: web_sys::HtmlInputElement = document
        .create_element("input")
        .map_err(|_| fail("input"))?
        .unchecked_into();
    input.set_type("file");
    input.set_accept(".ron,.nfy,.neuronify");
    let queue = uploads.0.clone();
    let picker = input.clone();
    let on_change = Closure::once_into_js(move || {
        let Some(file) = picker.files().and_then(|list| list.get(0)) else {
            return;
        };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                .await
                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                .map_err(|_| format!("{name}: the browser could not read the file"));
            if let Ok(mut q) = queue.lock() {
                q.push(Upload { name, bytes });
            }
        });
    });
    input.set_onchange(Some(on_change.unchecked_ref()));
    input.click();
    Ok(())
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Uploads>()
        .init_resource::<FirstFrame>()
        .add_systems(
            Update,
            (
                open_uploads.in_set(super::AppSystems::Requests),
                report_status,
            ),
        );
}

fn open_uploads(uploads: Res<Uploads>, mut requests: MessageWriter<FileRequest>) {
    let picked: Vec<Upload> = match uploads.0.lock() {
        Ok(mut q) => q.drain(..).collect(),
        Err(_) => return,
    };
    for upload in picked {
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
}

/// Writes `window.__spikeworks`: ready, frames, first_frame_ms, screen, the circuit's size
/// (neurons, generators, sensors, synapses, and wires: synapses plus generator outputs),
/// spikes so far, simulated time, whether it is paused, touch messages received, touch
/// sensors held, and the view's zoom and centre.
fn report_status(
    mut first: ResMut<FirstFrame>,
    mut touches: MessageReader<bevy::input::touch::TouchInput>,
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
    let _ = js_sys::Reflect::set(&window, &"__spikeworks".into(), &status);
}
