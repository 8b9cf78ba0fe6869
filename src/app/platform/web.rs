//! The browser's side of the platform (wasm32 only): texts kept in `localStorage` (progress,
//! autosave), Save as a download, and Open as an upload from the device. What the page does
//! with these (uploads opened, the status object) is [`crate::app::page`].

use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

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
/// the page hands each to the Open code.
#[derive(Resource, Clone, Default)]
pub struct Uploads(Arc<Mutex<Vec<Upload>>>);

impl Uploads {
    /// The files read since the last call, to be opened.
    pub fn take(&self) -> Vec<Upload> {
        self.0
            .lock()
            .map(|mut q| q.drain(..).collect())
            .unwrap_or_default()
    }
}

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
