//! The desktop and the browser behind one interface, so features never ask which one they
//! run on: where the app keeps its data, a store of small texts (the autosave), and writing a
//! file the user saved (atomically to disk, or as a download in the browser). The browser's
//! side is [`web`].

#[cfg(target_arch = "wasm32")]
pub mod web;

use std::path::{Path, PathBuf};

/// The folder for the app's own files (autosave, progress): `$SPIKEWORKS_DATA_DIR`, else
/// `$XDG_DATA_HOME/spikeworks`, else `~/.local/share/spikeworks`. The browser keeps them in
/// its storage instead and uses the folder's name only as a key.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SPIKEWORKS_DATA_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("spikeworks");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/spikeworks")
}

/// Writes a file the user saved or exported: atomically on the desktop, as a download in the
/// browser (which then keeps it where the user's downloads go).
pub fn write_user_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    return web::download(
        &path.file_name().unwrap_or_default().to_string_lossy(),
        bytes,
    );
    #[cfg(not(target_arch = "wasm32"))]
    crate::circuit::write_atomic(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Small texts kept by name: files in a folder on the desktop, `localStorage` in the browser.
#[derive(Debug, Clone)]
pub struct TextStore {
    dir: PathBuf,
}

impl TextStore {
    pub fn in_dir(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// Where a text called `name` lives on the desktop.
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Where the texts live, for messages.
    pub fn place(&self) -> String {
        #[cfg(target_arch = "wasm32")]
        return web::KEPT_WHERE.to_owned();
        #[cfg(not(target_arch = "wasm32"))]
        self.dir.display().to_string()
    }

    pub fn write(&self, name: &str, text: &str) -> Result<(), String> {
        #[cfg(target_arch = "wasm32")]
        return web::keep(name, text);
        #[cfg(not(target_arch = "wasm32"))]
        {
            std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
            crate::circuit::write_atomic(&self.path_of(name), text.as_bytes())
                .map_err(|e| e.to_string())
        }
    }

    pub fn read(&self, name: &str) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        return web::read_kept(name).ok().flatten();
        #[cfg(not(target_arch = "wasm32"))]
        std::fs::read_to_string(self.path_of(name)).ok()
    }

    pub fn remove(&self, name: &str) {
        #[cfg(target_arch = "wasm32")]
        web::forget(name);
        #[cfg(not(target_arch = "wasm32"))]
        let _ = std::fs::remove_file(self.path_of(name));
    }
}
