//! Files in the sandbox: New, Open, Save, Save As and the Examples menu, a path dialog (with
//! the circuit files of a folder to pick from), the unsaved-changes prompt before anything
//! that would lose work (New, Open, closing the window), and the autosave that brings back
//! unsaved work after a crash. Ctrl+N, Ctrl+O, Ctrl+S and Ctrl+Shift+S. File → Export opens
//! the NEST and PyNN export ([`crate::app::script_export`]).
//!
//! In the browser ([`crate::app::platform`]) there is no filesystem: Open offers the examples
//! and an upload from the device, Save and Save As download the file, and the autosave lives
//! in `localStorage`.

use std::path::{Path, PathBuf};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::window::WindowCloseRequested;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::app::platform::{TextStore, data_dir, write_user_file};
use crate::app::sandbox::view::CanvasView;
use crate::app::script_export::{OpenScriptExport, ScriptKind};
use crate::app::ui_state::{self, Hint, UiFocus};
use crate::app::{AppSystems, UiSystems};
use crate::circuit::Circuit;
use crate::editor::Document;
use crate::nfy::{ImportReport, Workspace};
use crate::sim::SimClock;

/// What the user asked of files.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum FileRequest {
    New,
    /// Show the Open dialog.
    ChooseOpen,
    Open(PathBuf),
    /// Open a file's contents (an upload in the browser); `name` is the file's name.
    OpenBytes {
        name: String,
        bytes: Result<Vec<u8>, String>,
    },
    Save,
    /// Show the Save As dialog.
    ChooseSaveAs,
    SaveAs(PathBuf),
    Quit,
}

/// The answer to "save your changes?".
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptAnswer {
    Save,
    Discard,
    Cancel,
}

/// An action waiting for the answer to "save your changes?".
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    New,
    Open(PathBuf),
    OpenBytes(String, Vec<u8>),
    Quit,
}

#[derive(Debug, Clone, PartialEq)]
enum DialogKind {
    Open,
    SaveAs,
}

#[derive(Debug, Clone)]
struct Dialog {
    kind: DialogKind,
    folder: PathBuf,
    path: String,
}

/// The state of the file dialogs and prompt.
#[derive(Resource, Debug, Default)]
pub struct FileUi {
    dialog: Option<Dialog>,
    pending: Option<Pending>,
    /// A pending action that waits for a Save As to finish.
    after_save: Option<Pending>,
}

impl FileUi {
    /// Whether the "save your changes?" prompt is showing.
    pub fn prompting(&self) -> bool {
        self.pending.is_some()
    }
}

/// Where the autosave lives and what it last wrote.
#[derive(Resource, Debug)]
pub struct Autosave {
    store: TextStore,
    written: Option<(u64, u64)>,
    last_write_s: f64,
}

/// Set while the editor holds work that is not the sandbox's (a level's circuit): the
/// sandbox's autosave stays as it was.
#[derive(Resource, Debug, Default)]
pub struct AutosaveHeld(pub bool);

/// Seconds between autosaves while there are unsaved changes.
pub const AUTOSAVE_EVERY_S: f64 = 2.0;

impl Autosave {
    pub fn in_dir(dir: PathBuf) -> Self {
        Self {
            store: TextStore::in_dir(dir),
            written: None,
            last_write_s: f64::NEG_INFINITY,
        }
    }

    fn clear(&mut self) {
        for name in [AUTOSAVE_CIRCUIT, AUTOSAVE_ORIGIN] {
            self.store.remove(name);
        }
        self.written = None;
    }

    /// Where the autosave lives, for messages.
    fn place(&self) -> String {
        self.store.place()
    }
}

/// The autosave's circuit, and the file it was opened from (empty for none).
const AUTOSAVE_CIRCUIT: &str = "autosave.circuit.ron";
const AUTOSAVE_ORIGIN: &str = "autosave.origin";

/// The bundled examples folder: next to the working directory, or the source tree's.
pub fn examples_dir() -> PathBuf {
    let local = PathBuf::from("assets/examples");
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples")
}

/// Why a file could not be opened. The circuit and Neuronify errors keep what they know (the
/// file, line, column, item and field), so the message line shows it.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Circuit(#[from] crate::circuit::CircuitError),
    #[error(transparent)]
    Neuronify(#[from] crate::nfy::NfyError),
    #[error("{file}: not a text file")]
    NotText { file: String },
    /// The browser has no file system: only examples and uploads open there.
    #[error("{file}: the browser opens examples and files uploaded from this device")]
    NotInBrowser { file: String },
}

/// A file opened in the sandbox.
#[derive(Debug, Clone)]
pub struct Opened {
    pub circuit: Circuit,
    /// Where Save writes: the file itself, or nothing for an import (a Neuronify file is
    /// never overwritten with a Spikeworks circuit).
    pub save_path: Option<PathBuf>,
    /// What the import did, for a Neuronify file.
    pub report: Option<ImportReport>,
    /// A Neuronify file's saved speed and view.
    pub workspace: Option<Workspace>,
}

/// Reads a circuit file, or imports a Neuronify one, for the sandbox.
#[cfg(not(target_arch = "wasm32"))]
pub fn open_path(path: &Path) -> Result<Opened, OpenError> {
    if crate::nfy::is_neuronify_path(path) {
        let imported = crate::nfy::import_file(path)?;
        return Ok(Opened {
            circuit: imported.circuit,
            save_path: None,
            report: Some(imported.report),
            workspace: imported.workspace,
        });
    }
    let circuit = Circuit::load(path)?;
    Ok(Opened {
        circuit,
        save_path: Some(path.to_path_buf()),
        report: None,
        workspace: None,
    })
}

/// Opens a bundled example (`examples/NAME`); the browser has no other paths.
#[cfg(target_arch = "wasm32")]
pub fn open_path(path: &Path) -> Result<Opened, OpenError> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    match crate::bundled::example(&name) {
        Some(text) => open_bytes(&name, text.as_bytes()),
        None => Err(OpenError::NotInBrowser {
            file: path.display().to_string(),
        }),
    }
}

/// Reads a circuit from a file's contents, or imports a Neuronify one; `name` is the file's
/// name, which Save uses again.
pub fn open_bytes(name: &str, bytes: &[u8]) -> Result<Opened, OpenError> {
    if crate::nfy::is_neuronify_path(Path::new(name)) {
        let imported = crate::nfy::import_bytes(bytes, name)?;
        return Ok(Opened {
            circuit: imported.circuit,
            save_path: None,
            report: Some(imported.report),
            workspace: imported.workspace,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| OpenError::NotText {
        file: name.to_owned(),
    })?;
    let circuit = Circuit::from_ron_str(text, name)?;
    Ok(Opened {
        circuit,
        save_path: Some(PathBuf::from(name)),
        report: None,
        workspace: None,
    })
}

/// The saved speed and view of a file just opened, to apply once (`Some(None)`: the file had
/// none, so the view shows the whole circuit).
#[derive(Resource, Debug, Default)]
pub struct OpenedWorkspace(pub Option<Option<Workspace>>);

fn apply_workspace(
    mut opened: ResMut<OpenedWorkspace>,
    mut clock: ResMut<SimClock>,
    mut view: ResMut<CanvasView>,
) {
    let Some(workspace) = opened.0.take() else {
        return;
    };
    let corner = |(x, y): (f64, f64)| Vec2::new(x as f32, y as f32);
    view.fit_rect = workspace
        .and_then(|w| w.visible)
        .map(|[a, b]| [corner(a), corner(b)]);
    if let Some(w) = workspace {
        // The speed is inside the clock's range by construction.
        let _ = clock.set_speed(w.speed);
    }
}

/// The report of the last Neuronify import, shown until dismissed.
#[derive(Resource, Debug, Default)]
pub struct ImportNotice(pub Option<(String, ImportReport)>);

impl ImportNotice {
    pub fn show(&mut self, path: &Path, report: Option<ImportReport>) {
        if let Some(report) = report {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            self.0 = Some((name, report));
        }
    }
}

/// Circuit files in a folder, sorted, with their names.
#[cfg(not(target_arch = "wasm32"))]
fn circuit_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy().ends_with(".circuit.ron") || crate::nfy::is_neuronify_path(p)
        })
        .collect();
    files.sort();
    files
}

/// Adds the circuit extension to a bare name.
fn with_extension(path: &str) -> PathBuf {
    if path.ends_with(".ron") {
        PathBuf::from(path)
    } else {
        PathBuf::from(format!("{path}.circuit.ron"))
    }
}

pub fn plugin(app: &mut App) {
    app.add_message::<FileRequest>()
        .add_message::<PromptAnswer>()
        .init_resource::<FileUi>()
        .init_resource::<AutosaveHeld>()
        .init_resource::<ImportNotice>()
        .init_resource::<OpenedWorkspace>()
        .insert_resource(Examples::load())
        .insert_resource(Autosave::in_dir(data_dir()))
        .add_systems(
            Update,
            (
                keyboard,
                close_requests,
                absorb_before_writing,
                handle_requests,
                apply_workspace,
                autosave,
                window_title,
            )
                .chain()
                .in_set(AppSystems::Requests),
        )
        .add_systems(
            EguiPrimaryContextPass,
            (dialogs, import_notice).in_set(UiSystems::Windows),
        );
}

fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    focus: Res<UiFocus>,
    mut requests: MessageWriter<FileRequest>,
) {
    let ctrl = keys.any_pressed([
        KeyCode::ControlLeft,
        KeyCode::ControlRight,
        KeyCode::SuperLeft,
        KeyCode::SuperRight,
    ]);
    if !ctrl || focus.keyboard {
        return;
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    if keys.just_pressed(KeyCode::KeyS) {
        requests.write(if shift {
            FileRequest::ChooseSaveAs
        } else {
            FileRequest::Save
        });
    }
    if keys.just_pressed(KeyCode::KeyO) {
        requests.write(FileRequest::ChooseOpen);
    }
    if keys.just_pressed(KeyCode::KeyN) {
        requests.write(FileRequest::New);
    }
}

fn close_requests(
    mut closes: MessageReader<WindowCloseRequested>,
    mut requests: MessageWriter<FileRequest>,
) {
    if closes.read().count() > 0 {
        requests.write(FileRequest::Quit);
    }
}

/// Everything file handling changes.
#[derive(SystemParam)]
struct Files<'w> {
    doc: ResMut<'w, Document>,
    ui: ResMut<'w, FileUi>,
    autosave: ResMut<'w, Autosave>,
    hint: ResMut<'w, Hint>,
    time: Res<'w, Time<Real>>,
    exit: MessageWriter<'w, AppExit>,
    notice: ResMut<'w, ImportNotice>,
    workspace: ResMut<'w, OpenedWorkspace>,
}

impl Files<'_> {
    fn say(&mut self, text: String) {
        let now = self.time.elapsed_secs_f64();
        self.hint.show(text, now);
    }

    fn dialog(&mut self, kind: DialogKind) {
        let path = match (&kind, &self.doc.path) {
            (DialogKind::SaveAs, Some(p)) => p.display().to_string(),
            (DialogKind::SaveAs, None) => self
                .doc
                .folder()
                .join("my-circuit.circuit.ron")
                .display()
                .to_string(),
            (DialogKind::Open, _) => String::new(),
        };
        let folder = self.doc.folder();
        self.ui.dialog = Some(Dialog { kind, folder, path });
    }

    /// Does `action` now, or asks first if it would lose unsaved work.
    fn guard(&mut self, action: Pending) {
        if self.doc.is_dirty() {
            self.ui.pending = Some(action);
        } else {
            self.perform(action);
        }
    }

    fn perform(&mut self, action: Pending) {
        match action {
            Pending::New => {
                self.doc.replace(Circuit::empty("Untitled"), None);
                self.autosave.clear();
            }
            Pending::Open(path) => self.opened(&path, open_path(&path)),
            Pending::OpenBytes(name, bytes) => {
                self.opened(Path::new(&name), open_bytes(&name, &bytes));
            }
            Pending::Quit => {
                self.autosave.clear();
                self.exit.write(AppExit::Success);
            }
        }
    }

    /// Shows the circuit just read from `path`, or says why it could not be.
    fn opened(&mut self, path: &Path, opened: Result<Opened, OpenError>) {
        match opened {
            Ok(opened) => {
                self.doc.replace(opened.circuit, opened.save_path);
                self.autosave.clear();
                self.say(format!("Opened {}", path.display()));
                self.notice.show(path, opened.report);
                self.workspace.0 = Some(opened.workspace);
            }
            Err(e) => self.say(format!("Not opened: {e}")),
        }
    }

    /// Writes a Neuronify copy; the document keeps its own file and unsaved state.
    fn export_nfy(&mut self, path: &Path) {
        let exported = crate::nfy::export_nfy(self.doc.circuit());
        match write_user_file(path, exported.json.as_bytes()) {
            Ok(()) if exported.notes.is_empty() => {
                self.say(format!("Exported {} for Neuronify", path.display()));
            }
            Ok(()) => self.say(format!(
                "Exported {} for Neuronify; changed: {}",
                path.display(),
                exported.notes.join("; ")
            )),
            Err(e) => self.say(format!("Not exported: {e}")),
        }
    }

    /// Saves to `path`; true on success.
    fn save_to(&mut self, path: PathBuf) -> bool {
        if crate::nfy::is_neuronify_path(&path) {
            self.export_nfy(&path);
            return false;
        }
        let written = self
            .doc
            .circuit()
            .to_ron_string()
            .map_err(|e| e.to_string())
            .and_then(|text| write_user_file(&path, text.as_bytes()));
        match written {
            Ok(()) => {
                self.doc.mark_saved(path.clone());
                self.autosave.clear();
                self.say(format!("Saved to {}", path.display()));
                if let Some(next) = self.ui.after_save.take() {
                    self.perform(next);
                }
                true
            }
            Err(e) => {
                self.say(format!("Not saved: {e}"));
                false
            }
        }
    }

    fn save(&mut self) {
        match self.doc.path.clone() {
            Some(path) => {
                self.save_to(path);
            }
            None => self.dialog(DialogKind::SaveAs),
        }
    }
}

fn handle_requests(
    mut requests: MessageReader<FileRequest>,
    mut answers: MessageReader<PromptAnswer>,
    mut files: Files,
) {
    for answer in answers.read() {
        let Some(pending) = files.ui.pending.take() else {
            continue;
        };
        match answer {
            PromptAnswer::Save => {
                files.ui.after_save = Some(pending);
                files.save();
            }
            PromptAnswer::Discard => files.perform(pending),
            PromptAnswer::Cancel => {}
        }
    }
    for request in requests.read() {
        match request.clone() {
            FileRequest::New => files.guard(Pending::New),
            FileRequest::ChooseOpen => files.dialog(DialogKind::Open),
            FileRequest::Open(path) => files.guard(Pending::Open(path)),
            FileRequest::OpenBytes { name, bytes } => match bytes {
                Ok(bytes) => files.guard(Pending::OpenBytes(name, bytes)),
                Err(e) => files.say(format!("Not opened: {e}")),
            },
            FileRequest::Save => files.save(),
            FileRequest::ChooseSaveAs => files.dialog(DialogKind::SaveAs),
            FileRequest::SaveAs(path) => {
                files.save_to(path);
            }
            FileRequest::Quit => files.guard(Pending::Quit),
        }
    }
}

/// One truth for what is saved: before a save, an export, a prompt about unsaved work or an
/// autosave, the document takes in what the simulation learned.
fn absorb_before_writing(world: &mut World) {
    let asked = !world.resource::<Messages<FileRequest>>().is_empty()
        || !world.resource::<Messages<PromptAnswer>>().is_empty();
    let now = world.resource::<Time<Real>>().elapsed_secs_f64();
    let autosave_due = now - world.resource::<Autosave>().last_write_s >= AUTOSAVE_EVERY_S;
    if asked || autosave_due {
        crate::editor::absorb_learned_state(world);
    }
}

/// Writes unsaved work every few seconds; a clean document has no autosave.
fn autosave(
    doc: Res<Document>,
    mut autosave: ResMut<Autosave>,
    time: Res<Time<Real>>,
    mut hint: ResMut<Hint>,
    held: Res<AutosaveHeld>,
) {
    if held.0 {
        return;
    }
    let now = time.elapsed_secs_f64();
    let version = (doc.generation(), doc.revision());
    if !doc.is_dirty()
        || autosave.written == Some(version)
        || now - autosave.last_write_s < AUTOSAVE_EVERY_S
    {
        return;
    }
    autosave.last_write_s = now;
    let write = || -> Result<(), String> {
        let text = doc.circuit().to_ron_string().map_err(|e| e.to_string())?;
        let origin = doc
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        autosave.store.write(AUTOSAVE_ORIGIN, &origin)?;
        autosave.store.write(AUTOSAVE_CIRCUIT, &text)
    };
    match write() {
        Ok(()) => autosave.written = Some(version),
        Err(e) => hint.show(format!("Autosave failed ({}): {e}", autosave.place()), now),
    }
}

/// At start without a file: brings back the work an earlier session did not save.
pub fn restore_autosave(
    mut doc: ResMut<Document>,
    autosave: Res<Autosave>,
    mut hint: ResMut<Hint>,
    mut screen: ResMut<NextState<crate::app::screens::Screen>>,
) {
    let Some(text) = autosave.store.read(AUTOSAVE_CIRCUIT) else {
        return;
    };
    let file = format!("{} ({})", AUTOSAVE_CIRCUIT, autosave.place());
    match Circuit::from_ron_str(&text, &file) {
        Ok(circuit) => {
            let origin = autosave.store.read(AUTOSAVE_ORIGIN).unwrap_or_default();
            let origin = (!origin.trim().is_empty()).then(|| PathBuf::from(origin.trim()));
            doc.replace(circuit, origin);
            doc.mark_dirty();
            screen.set(crate::app::screens::Screen::Sandbox);
            hint.show("Restored the unsaved work of your last session", 0.0);
            hint.until = f64::INFINITY;
        }
        Err(e) => hint.show(format!("The autosave could not be restored: {e}"), 0.0),
    }
}

fn window_title(doc: Res<Document>, mut windows: Query<&mut Window>) {
    if !doc.is_changed() {
        return;
    }
    let dirty = if doc.is_dirty() { " •" } else { "" };
    let title = format!("{}{dirty} — Spikeworks", doc.title());
    for mut w in &mut windows {
        if w.title != title {
            w.title.clone_from(&title);
        }
    }
}

/// The File and Examples menus of the top bar.
#[derive(SystemParam)]
pub struct FileMenu<'w> {
    requests: MessageWriter<'w, FileRequest>,
    exports: MessageWriter<'w, OpenScriptExport>,
    examples: Res<'w, Examples>,
}

/// One bundled example, for the menu.
#[derive(Debug, Clone)]
pub struct Example {
    pub path: PathBuf,
    pub name: String,
    /// The description's first sentence.
    pub summary: String,
}

/// The bundled examples, read once at start.
#[derive(Resource, Debug, Default)]
pub struct Examples(pub Vec<Example>);

impl Examples {
    pub fn load() -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        let texts = circuit_files(&examples_dir())
            .into_iter()
            .filter_map(|path| Some((std::fs::read_to_string(&path).ok()?, path)));
        #[cfg(target_arch = "wasm32")]
        let texts = crate::bundled::EXAMPLES
            .iter()
            .map(|(name, text)| (text.to_string(), Path::new("examples").join(name)));
        let list = texts
            .filter_map(|(text, path)| {
                // A broken example is left out of the menu, with a warning.
                let circuit = Circuit::from_ron_str(&text, &path.display().to_string())
                    .inspect_err(|e| warn!("example left out: {e}"))
                    .ok()?;
                let summary = circuit.description.split(". ").next().unwrap_or("");
                let summary = summary.trim_end_matches('.').to_owned() + ".";
                Some(Example {
                    path,
                    name: circuit.name,
                    summary,
                })
            })
            .collect();
        Self(list)
    }
}

impl FileMenu<'_> {
    /// The File and Examples menus of the top bar; on a narrow screen (`compact`) the
    /// examples are a submenu of File.
    pub fn show(&mut self, ui: &mut egui::Ui, compact: bool) {
        // On a phone the list is as wide as the screen allows.
        let width = (ui.ctx().viewport_rect().width() - 32.0).min(420.0);
        let file_button = egui::Button::new("File").min_size(egui::vec2(48.0, 0.0));
        let (file, _) = egui::containers::menu::MenuButton::from_button(file_button).ui(ui, |ui| {
            let mut item = |ui: &mut egui::Ui, text: &str, keys: &str, request: FileRequest| {
                let button = ui.add(egui::Button::new(text).shortcut_text(keys));
                ui_state::expose_button(ui.ctx(), format!("file/{text}"), button.rect);
                if button.clicked() {
                    self.requests.write(request);
                    ui.close();
                }
            };
            item(ui, "New", "Ctrl+N", FileRequest::New);
            item(ui, "Open…", "Ctrl+O", FileRequest::ChooseOpen);
            item(ui, "Save", "Ctrl+S", FileRequest::Save);
            item(ui, "Save As…", "Ctrl+Shift+S", FileRequest::ChooseSaveAs);
            let export = ui.menu_button("Export", |ui| {
                for (text, kind) in [
                    ("NEST script…", ScriptKind::Nest),
                    ("PyNN script…", ScriptKind::Pynn),
                ] {
                    let button = ui.button(text);
                    ui_state::expose_button(ui.ctx(), format!("export/{text}"), button.rect);
                    if button.clicked() {
                        self.exports.write(OpenScriptExport(kind));
                        ui.close();
                    }
                }
                ui.weak("A Neuronify file: Save As … .nfy");
            });
            ui_state::expose_button(ui.ctx(), "file/Export", export.response.rect);
            if compact {
                ui.menu_button("Examples", |ui| self.examples_list(ui, width));
            }
        });
        ui_state::expose_button(ui.ctx(), "top/file", file.rect);
        if !compact {
            let examples = ui.menu_button("Examples", |ui| self.examples_list(ui, width));
            ui_state::expose_button(ui.ctx(), "top/examples", examples.response.rect);
        }
    }

    fn examples_list(&mut self, ui: &mut egui::Ui, width: f32) {
        if self.examples.0.is_empty() {
            ui.weak("No examples found");
        }
        egui::ScrollArea::vertical()
            .max_height(560.0)
            .show(ui, |ui| {
                ui.set_width(width);
                for example in &self.examples.0 {
                    let open = ui.add(
                        egui::Button::new(egui::RichText::new(&example.name).strong()).frame(false),
                    );
                    ui.add(egui::Label::new(egui::RichText::new(&example.summary).weak()).wrap());
                    ui.add_space(4.0);
                    if open.clicked() {
                        self.requests.write(FileRequest::Open(example.path.clone()));
                        ui.close();
                    }
                }
            });
    }
}

/// The path dialog and the unsaved-changes prompt.
fn dialogs(
    mut contexts: EguiContexts,
    mut files: Files,
    #[cfg(target_arch = "wasm32")] uploads: Res<crate::app::platform::web::Uploads>,
    #[cfg(target_arch = "wasm32")] examples: Res<Examples>,
    mut requests: MessageWriter<FileRequest>,
    mut answers: MessageWriter<PromptAnswer>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if let Some(pending) = files.ui.pending.clone() {
        let what = match pending {
            Pending::New => "starting a new circuit",
            Pending::Open(_) | Pending::OpenBytes(..) => "opening another circuit",
            Pending::Quit => "quitting",
        };
        egui::Modal::new("unsaved".into()).show(&ctx, |ui| {
            ui.heading("Unsaved changes");
            ui.label(format!(
                "Save the changes to “{}” before {what}?",
                files.doc.title()
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                for (label, answer) in [
                    ("Save", PromptAnswer::Save),
                    ("Don't save", PromptAnswer::Discard),
                    ("Cancel", PromptAnswer::Cancel),
                ] {
                    if ui.button(label).clicked() {
                        answers.write(answer);
                    }
                }
            });
        });
    }
    let Some(mut dialog) = files.ui.dialog.clone() else {
        return Ok(());
    };
    let title = match dialog.kind {
        DialogKind::Open => "Open a circuit",
        DialogKind::SaveAs => "Save the circuit as",
    };
    let mut open = true;
    let mut done = None;
    #[cfg(target_arch = "wasm32")]
    let mut upload = None;
    egui::Window::new(title)
        .collapsible(false)
        .open(&mut open)
        .default_width(480.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(&ctx, |ui| {
            #[cfg(not(target_arch = "wasm32"))]
            folder_browser(ui, &mut dialog, &mut done);
            #[cfg(target_arch = "wasm32")]
            if dialog.kind == DialogKind::Open {
                upload = browser_choices(ui, &uploads, &examples, &mut done);
                return;
            }
            ui.horizontal(|ui| {
                ui.label("File:");
                let field = ui.add(
                    egui::TextEdit::singleline(&mut dialog.path)
                        .desired_width((ui.ctx().viewport_rect().width() - 80.0).min(340.0))
                        .min_size(egui::vec2(0.0, ui.spacing().interact_size.y)),
                );
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    done = Some(with_extension(&dialog.path));
                }
            });
            let label = match dialog.kind {
                DialogKind::Open => "Open",
                DialogKind::SaveAs if cfg!(target_arch = "wasm32") => "Download",
                DialogKind::SaveAs => "Save",
            };
            if ui
                .add_enabled(!dialog.path.trim().is_empty(), egui::Button::new(label))
                .clicked()
            {
                done = Some(with_extension(dialog.path.trim()));
            }
        });
    #[cfg(target_arch = "wasm32")]
    if let Some(result) = upload {
        match result {
            // The picker is open; the file arrives as a `FileRequest::OpenBytes`.
            Ok(()) => files.ui.dialog = None,
            Err(e) => files.say(e),
        }
        return Ok(());
    }
    if let Some(path) = done {
        // A relative name is taken in the folder shown.
        let path = if path.is_relative() {
            dialog.folder.join(path)
        } else {
            path
        };
        requests.write(match dialog.kind {
            DialogKind::Open => FileRequest::Open(path),
            DialogKind::SaveAs => FileRequest::SaveAs(path),
        });
        files.ui.dialog = None;
    } else if open {
        files.ui.dialog = Some(dialog);
    } else {
        files.ui.dialog = None;
        files.ui.after_save = None;
    }
    Ok(())
}

/// The desktop's folder view: the folder, its subfolders and its circuit files.
#[cfg(not(target_arch = "wasm32"))]
fn folder_browser(ui: &mut egui::Ui, dialog: &mut Dialog, done: &mut Option<PathBuf>) {
    ui.horizontal(|ui| {
        ui.label("Folder:");
        ui.monospace(dialog.folder.display().to_string());
        if ui.button("⬆ Up").clicked()
            && let Some(parent) = dialog.folder.parent()
        {
            dialog.folder = parent.to_path_buf();
        }
        if ui.button("Examples").clicked() {
            dialog.folder = examples_dir();
        }
    });
    egui::ScrollArea::vertical()
        .max_height(240.0)
        .show(ui, |ui| {
            let subfolders = std::fs::read_dir(&dialog.folder)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_dir()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                });
            let mut subfolders: Vec<_> = subfolders.collect();
            subfolders.sort();
            for sub in subfolders {
                let name = sub
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if ui.button(format!("📁 {name}")).clicked() {
                    dialog.folder = sub.clone();
                }
            }
            for file in circuit_files(&dialog.folder) {
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let chosen = dialog.path == file.display().to_string();
                let response = ui.selectable_label(chosen, format!("🗋 {name}"));
                if response.clicked() {
                    dialog.path = file.display().to_string();
                }
                if response.double_clicked() {
                    *done = Some(file.clone());
                }
            }
        });
}

/// The browser's Open: upload a file from the device, or pick an example. Says whether
/// the file picker was asked for, and how that went.
#[cfg(target_arch = "wasm32")]
fn browser_choices(
    ui: &mut egui::Ui,
    uploads: &crate::app::platform::web::Uploads,
    examples: &Examples,
    done: &mut Option<PathBuf>,
) -> Option<Result<(), String>> {
    let mut upload = None;
    let button = ui.button(egui::RichText::new("📤 Upload a file from this device…").size(16.0));
    ui_state::expose_button(ui.ctx(), "dialog/upload", button.rect);
    if button.clicked() {
        upload = Some(crate::app::platform::web::choose_file(uploads));
    }
    ui.weak("A Spikeworks circuit (.circuit.ron) or a Neuronify file (.nfy).");
    ui.separator();
    ui.label("Or an example:");
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .show(ui, |ui| {
            for example in &examples.0 {
                if ui.button(&example.name).clicked() {
                    *done = Some(example.path.clone());
                }
            }
        });
    upload
}

/// The report of a Neuronify import: what was mapped, approximated and left out.
fn import_notice(mut contexts: EguiContexts, mut notice: ResMut<ImportNotice>) -> Result {
    let Some((name, report)) = &notice.0 else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let mut open = true;
    let mut dismissed = false;
    egui::Window::new(format!("Imported {name}"))
        .collapsible(false)
        .open(&mut open)
        .default_width(560.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(&ctx, |ui| {
            ui.label(report.summary());
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (title, lines) in [
                        ("Approximated", &report.approximated),
                        ("Left out", &report.ignored),
                        ("Mapped", &report.mapped),
                    ] {
                        if lines.is_empty() {
                            continue;
                        }
                        egui::CollapsingHeader::new(format!("{title} ({})", lines.len()))
                            .default_open(title != "Mapped")
                            .show(ui, |ui| {
                                for line in lines {
                                    ui.label(format!("• {line}"));
                                }
                            });
                    }
                });
            ui.weak("Save As keeps it as a Spikeworks circuit; the Neuronify file is not changed.");
            dismissed = ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape));
        });
    if !open || dismissed {
        notice.0 = None;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_names_get_the_circuit_extension() {
        assert_eq!(with_extension("loop"), PathBuf::from("loop.circuit.ron"));
        assert_eq!(
            with_extension("a/b.circuit.ron"),
            PathBuf::from("a/b.circuit.ron")
        );
    }

    #[test]
    fn uploaded_bytes_open_as_a_circuit_or_say_why_not() {
        let text = crate::bundled::example("relay.circuit.ron").unwrap();
        let opened = open_bytes("relay.circuit.ron", text.as_bytes()).unwrap();
        assert_eq!(opened.save_path, Some(PathBuf::from("relay.circuit.ron")));
        assert!(!opened.circuit.neurons.is_empty());
        let broken = open_bytes("mine.circuit.ron", b"Circuit(version: ").unwrap_err();
        let OpenError::Circuit(circuit_error) = &broken else {
            panic!("a circuit error, with its location: {broken:?}");
        };
        let at = circuit_error.location().expect("a location");
        assert_eq!((at.file.as_str(), at.line), ("mine.circuit.ron", 1));
        assert!(
            broken.to_string().starts_with("mine.circuit.ron:1:"),
            "{broken}"
        );
        let binary = open_bytes("photo.circuit.ron", &[0xff, 0xfe, 0x00]).unwrap_err();
        assert!(matches!(binary, OpenError::NotText { .. }), "{binary}");
        // A field out of range is named with its item, in the file's units.
        let bad = text.replacen("weight_nA: ", "weight_nA: -", 1);
        let invalid = open_bytes("relay.circuit.ron", bad.as_bytes()).unwrap_err();
        assert!(
            matches!(&invalid, OpenError::Circuit(crate::circuit::CircuitError::Invalid { field, .. }) if field == "weight_nA"),
            "{invalid}"
        );
        // A Neuronify file is imported, and never saved over.
        let nfy = crate::nfy::export_nfy(&opened.circuit).json;
        let imported = open_bytes("relay.nfy", nfy.as_bytes()).unwrap();
        assert_eq!(imported.save_path, None);
        assert_eq!(imported.circuit.neurons.len(), opened.circuit.neurons.len());
    }

    #[test]
    fn the_examples_folder_lists_the_bundled_circuits() {
        let files = circuit_files(&examples_dir());
        assert!(files.len() >= 5, "{files:?}");
        for f in &files {
            open_path(f).unwrap_or_else(|e| panic!("{e}"));
        }
        // The menu lists each with a one-line summary.
        let examples = Examples::load();
        assert_eq!(examples.0.len(), files.len());
        for e in &examples.0 {
            assert!(!e.name.is_empty() && e.summary.len() > 20, "{e:?}");
            assert!(!e.summary.contains(". "), "one sentence: {}", e.summary);
        }
    }
}
