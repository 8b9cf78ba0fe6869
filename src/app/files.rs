//! Files in the sandbox: New, Open, Save, Save As and the Examples menu, a path dialog (with
//! the circuit files of a folder to pick from), the unsaved-changes prompt before anything
//! that would lose work (New, Open, closing the window), and the autosave that brings back
//! unsaved work after a crash. Ctrl+N, Ctrl+O, Ctrl+S and Ctrl+Shift+S.

use std::path::{Path, PathBuf};

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::window::WindowCloseRequested;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::AppSystems;
use super::interaction::{Hint, UiFocus};
use super::panels::UiSystems;
use super::view::CanvasView;
use crate::circuit::{Circuit, CircuitError, write_atomic};
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
    pub dir: PathBuf,
    written: Option<(u64, u64)>,
    last_write_s: f64,
}

/// Seconds between autosaves while there are unsaved changes.
pub const AUTOSAVE_EVERY_S: f64 = 2.0;

impl Autosave {
    pub fn in_dir(dir: PathBuf) -> Self {
        Self {
            dir,
            written: None,
            last_write_s: f64::NEG_INFINITY,
        }
    }

    pub fn circuit_path(&self) -> PathBuf {
        self.dir.join("autosave.circuit.ron")
    }

    fn origin_path(&self) -> PathBuf {
        self.dir.join("autosave.origin")
    }

    fn clear(&mut self) {
        let _ = std::fs::remove_file(self.circuit_path());
        let _ = std::fs::remove_file(self.origin_path());
        self.written = None;
    }
}

/// The folder for autosaves: `$SPIKEWORKS_DATA_DIR`, else `$XDG_DATA_HOME/spikeworks`, else
/// `~/.local/share/spikeworks`.
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

/// The bundled examples folder: next to the working directory, or the source tree's.
pub fn examples_dir() -> PathBuf {
    let local = PathBuf::from("assets/examples");
    if local.is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples")
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
pub fn open_path(path: &Path) -> Result<Opened, String> {
    if crate::nfy::is_neuronify_path(path) {
        let imported = crate::nfy::import_file(path).map_err(|e| e.to_string())?;
        return Ok(Opened {
            circuit: imported.circuit,
            save_path: None,
            report: Some(imported.report),
            workspace: imported.workspace,
        });
    }
    let circuit = Circuit::load(path).map_err(|e: CircuitError| e.to_string())?;
    Ok(Opened {
        circuit,
        save_path: Some(path.to_path_buf()),
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
        .init_resource::<ImportNotice>()
        .init_resource::<OpenedWorkspace>()
        .insert_resource(Examples::load())
        .insert_resource(Autosave::in_dir(data_dir()))
        .add_systems(
            Update,
            (
                keyboard,
                close_requests,
                handle_requests,
                apply_workspace,
                autosave,
                window_title,
            )
                .chain()
                .in_set(AppSystems::Input),
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
            Pending::Open(path) => match open_path(&path) {
                Ok(opened) => {
                    self.doc.replace(opened.circuit, opened.save_path);
                    self.autosave.clear();
                    self.say(format!("Opened {}", path.display()));
                    self.notice.show(&path, opened.report);
                    self.workspace.0 = Some(opened.workspace);
                }
                Err(e) => self.say(format!("Not opened: {e}")),
            },
            Pending::Quit => {
                self.autosave.clear();
                self.exit.write(AppExit::Success);
            }
        }
    }

    /// Writes a Neuronify copy; the document keeps its own file and unsaved state.
    fn export_nfy(&mut self, path: &Path) {
        let exported = crate::nfy::export_nfy(self.doc.circuit());
        match write_atomic(path, exported.json.as_bytes()) {
            Ok(()) if exported.notes.is_empty() => {
                self.say(format!("Exported {} for Neuronify", path.display()));
            }
            Ok(()) => self.say(format!(
                "Exported {} for Neuronify; changed: {}",
                path.display(),
                exported.notes.join("; ")
            )),
            Err(e) => self.say(format!("Not exported to {}: {e}", path.display())),
        }
    }

    /// Saves to `path`; true on success.
    fn save_to(&mut self, path: PathBuf) -> bool {
        if crate::nfy::is_neuronify_path(&path) {
            self.export_nfy(&path);
            return false;
        }
        match self.doc.circuit().save(&path) {
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
            FileRequest::Save => files.save(),
            FileRequest::ChooseSaveAs => files.dialog(DialogKind::SaveAs),
            FileRequest::SaveAs(path) => {
                files.save_to(path);
            }
            FileRequest::Quit => files.guard(Pending::Quit),
        }
    }
}

/// Writes unsaved work every few seconds; a clean document has no autosave.
fn autosave(
    doc: Res<Document>,
    mut autosave: ResMut<Autosave>,
    time: Res<Time<Real>>,
    mut hint: ResMut<Hint>,
    level: Option<Res<super::levels::ActiveLevel>>,
) {
    // A level's work is not sandbox work: the sandbox's autosave stays as it was.
    if level.is_some_and(|l| l.0.is_some()) {
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
        std::fs::create_dir_all(&autosave.dir).map_err(|e| e.to_string())?;
        let text = doc.circuit().to_ron_string().map_err(|e| e.to_string())?;
        let origin = doc
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        write_atomic(&autosave.origin_path(), origin.as_bytes()).map_err(|e| e.to_string())?;
        write_atomic(&autosave.circuit_path(), text.as_bytes()).map_err(|e| e.to_string())
    };
    match write() {
        Ok(()) => autosave.written = Some(version),
        Err(e) => hint.show(
            format!("Autosave failed ({}): {e}", autosave.dir.display()),
            now,
        ),
    }
}

/// At start without a file: brings back the work an earlier session did not save.
pub fn restore_autosave(
    mut doc: ResMut<Document>,
    autosave: Res<Autosave>,
    mut hint: ResMut<Hint>,
    mut screen: ResMut<super::levels::Screen>,
) {
    let path = autosave.circuit_path();
    if !path.exists() {
        return;
    }
    match Circuit::load(&path) {
        Ok(circuit) => {
            let origin = std::fs::read_to_string(autosave.origin_path()).unwrap_or_default();
            let origin = (!origin.trim().is_empty()).then(|| PathBuf::from(origin.trim()));
            doc.replace(circuit, origin);
            doc.mark_dirty();
            *screen = super::levels::Screen::Sandbox;
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
        let list = circuit_files(&examples_dir())
            .into_iter()
            .filter_map(|path| {
                // A broken example is left out of the menu, with a warning.
                let circuit = Circuit::load(&path)
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
    pub fn show(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("File", |ui| {
            let mut item = |ui: &mut egui::Ui, text: &str, keys: &str, request: FileRequest| {
                if ui
                    .add(egui::Button::new(text).shortcut_text(keys))
                    .clicked()
                {
                    self.requests.write(request);
                    ui.close();
                }
            };
            item(ui, "New", "Ctrl+N", FileRequest::New);
            item(ui, "Open…", "Ctrl+O", FileRequest::ChooseOpen);
            item(ui, "Save", "Ctrl+S", FileRequest::Save);
            item(ui, "Save As…", "Ctrl+Shift+S", FileRequest::ChooseSaveAs);
        });
        ui.menu_button("Examples", |ui| {
            if self.examples.0.is_empty() {
                ui.weak("No examples found");
            }
            egui::ScrollArea::vertical()
                .max_height(560.0)
                .show(ui, |ui| {
                    ui.set_width(420.0);
                    for example in &self.examples.0 {
                        let open = ui.add(
                            egui::Button::new(egui::RichText::new(&example.name).strong())
                                .frame(false),
                        );
                        ui.add(
                            egui::Label::new(egui::RichText::new(&example.summary).weak()).wrap(),
                        );
                        ui.add_space(4.0);
                        if open.clicked() {
                            self.requests.write(FileRequest::Open(example.path.clone()));
                            ui.close();
                        }
                    }
                });
        });
    }
}

/// The path dialog and the unsaved-changes prompt.
fn dialogs(
    mut contexts: EguiContexts,
    mut files: Files,
    mut requests: MessageWriter<FileRequest>,
    mut answers: MessageWriter<PromptAnswer>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if let Some(pending) = files.ui.pending.clone() {
        let what = match pending {
            Pending::New => "starting a new circuit",
            Pending::Open(_) => "opening another circuit",
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
    egui::Window::new(title)
        .collapsible(false)
        .open(&mut open)
        .default_width(480.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(&ctx, |ui| {
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
                            done = Some(file.clone());
                        }
                    }
                });
            ui.horizontal(|ui| {
                ui.label("File:");
                let field =
                    ui.add(egui::TextEdit::singleline(&mut dialog.path).desired_width(340.0));
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    done = Some(with_extension(&dialog.path));
                }
            });
            let label = match dialog.kind {
                DialogKind::Open => "Open",
                DialogKind::SaveAs => "Save",
            };
            if ui
                .add_enabled(!dialog.path.trim().is_empty(), egui::Button::new(label))
                .clicked()
            {
                done = Some(with_extension(dialog.path.trim()));
            }
        });
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
