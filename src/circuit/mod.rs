//! The saved circuit: the versioned RON format ([`schema`]), the item taxonomy ([`kind`]),
//! loading with validation ([`load`]), a world kept in line with a circuit as it is spawned
//! or edited ([`sync`]), saving a world back ([`save`]), the conversions between file units
//! and SI ([`units`]), populations written out as single items ([`flatten`]), and atomic file
//! writes.
//! Everything here builds without the `gui` feature and takes files as text, so the browser
//! build can hand it uploaded bytes.

pub mod error;
pub mod flatten;
pub mod kind;
pub mod load;
pub mod population;
pub mod save;
pub mod schema;
pub mod sync;
pub mod units;

pub use error::{CircuitError, Location};
pub use kind::{ItemKind, Role};
pub use load::SpawnedCircuit;
pub use schema::*;
pub use sync::Restyled;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the target, so a crash never leaves half a file.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
