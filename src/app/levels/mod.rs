//! Levels in the window: level files come through a Bevy `AssetLoader` from the `levels://`
//! asset source (re-read on desktop when a file changes), the student's progress is loaded
//! and saved, and [`LevelAction`]s open a level in the editor, check it, reveal hints and
//! move between the title, the level map, a level and the sandbox. While a level is open, its
//! rules are the document's: an edit that breaks one (a locked item changed, one part too
//! many) is refused before it is applied, with the reason. The screens themselves are drawn
//! by [`ui`].

pub mod ui;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(target_arch = "wasm32"))]
use std::time::SystemTime;

use bevy::asset::io::{AssetSourceBuilder, AssetSourceId, Reader};
use bevy::asset::{AssetLoader, AssetPath, LoadContext, LoadedFolder, UntypedAssetLoadFailedEvent};
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, futures_lite::future};

use crate::app::documents::AutosaveHeld;
use crate::app::screens::Screen;
use crate::app::ui_state::{Hint, Selection};
use crate::circuit::Circuit;
use crate::editor::{Document, EditRules};
use crate::level::check::{broken_rules, check_with_progress, runs};
#[cfg(not(target_arch = "wasm32"))]
use crate::level::progress::Loaded;
use crate::level::{Level, LevelError, Progress, Verdict};

/// The asset source the level files are read from.
pub const LEVELS_SOURCE: &str = "levels";

/// The bundled levels folder: next to the working directory, or the source tree's.
pub fn levels_dir() -> PathBuf {
    let local = PathBuf::from("levels");
    let dir = if local.is_dir() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("levels")
    };
    std::fs::canonicalize(&dir).unwrap_or(dir)
}

/// Registers `levels://`; must come before `DefaultPlugins` (which builds the asset sources).
#[cfg(not(target_arch = "wasm32"))]
pub fn register_source(app: &mut App) {
    let dir = levels_dir();
    app.register_asset_source(
        LEVELS_SOURCE,
        AssetSourceBuilder::platform_default(&dir.to_string_lossy(), None),
    );
}

/// Registers `levels://` as the level files compiled in: a browser cannot list a folder.
#[cfg(target_arch = "wasm32")]
pub fn register_source(app: &mut App) {
    use bevy::asset::io::memory::{Dir, MemoryAssetReader};
    let dir = Dir::default();
    for (name, text) in crate::bundled::LEVELS {
        dir.insert_asset(Path::new(name), text.as_bytes());
    }
    app.register_asset_source(
        LEVELS_SOURCE,
        AssetSourceBuilder::new(move || Box::new(MemoryAssetReader { root: dir.clone() })),
    );
}

/// One level file, parsed and validated.
#[derive(Asset, TypePath, Debug, Clone)]
pub struct LevelAsset(pub Level);

#[derive(Default, TypePath)]
pub struct LevelLoader;

impl AssetLoader for LevelLoader {
    type Asset = LevelAsset;
    type Settings = ();
    type Error = LevelError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<LevelAsset, LevelError> {
        let file = format!("levels/{}", load_context.path().path().display());
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| LevelError::Io {
                file: file.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
        let text = String::from_utf8_lossy(&bytes);
        Level::from_ron_str(&text, &file).map(LevelAsset)
    }

    fn extensions(&self) -> &[&str] {
        &["level.ron"]
    }
}

/// Every level, in file-name order, with the files that failed to load.
#[derive(Resource, Default)]
pub struct LevelLibrary {
    pub levels: Vec<(String, Level)>,
    /// Load errors, each naming its file.
    pub errors: Vec<String>,
    folder: Handle<LoadedFolder>,
    /// Modification times, for re-reading changed files on desktop.
    #[cfg(not(target_arch = "wasm32"))]
    seen: Vec<(PathBuf, SystemTime)>,
    #[cfg(not(target_arch = "wasm32"))]
    last_poll_s: f64,
}

impl LevelLibrary {
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.levels.iter().position(|(n, _)| n == name)
    }
}

/// The student's progress and where it lives.
#[derive(Resource)]
pub struct ProgressStore {
    pub progress: Progress,
    /// The file on the desktop; in the browser, the `localStorage` key's name.
    pub path: PathBuf,
    /// Said once on the map: a broken progress file was set aside.
    pub notice: Option<String>,
}

impl ProgressStore {
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(dir: &Path) -> Self {
        let path = dir.join("progress.ron");
        let (progress, loaded) = Progress::load(&path);
        let notice = match loaded {
            Loaded::Recovered { reason, backup } => Some(format!(
                "Your progress file could not be read ({reason}). It was kept as {} and \
                 progress starts afresh.",
                backup.display()
            )),
            Loaded::Fresh | Loaded::Read => None,
        };
        Self {
            progress,
            path,
            notice,
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn save(&self, hint: &mut Hint, now: f64) {
        if let Err(e) = self.progress.save(&self.path) {
            hint.show(format!("Progress not saved: {e}"), now);
        }
    }

    /// Progress from the browser's storage; unreadable progress is kept under another key
    /// and reported, as on the desktop.
    #[cfg(target_arch = "wasm32")]
    pub fn load(_: &Path) -> Self {
        use crate::app::platform::web;
        let path = PathBuf::from("progress.ron");
        let name = path.display().to_string();
        let (progress, notice) = match web::read_kept(&name) {
            Ok(None) => (Progress::default(), None),
            Ok(Some(text)) => match Progress::parse(&text) {
                Ok(progress) => (progress, None),
                Err(reason) => {
                    let backup = format!("{name}.broken");
                    let kept = web::keep(&backup, &text);
                    let kept_as = if kept.is_ok() { &backup } else { &name };
                    let notice = format!(
                        "Your progress could not be read ({reason}). It was kept as “{kept_as}” \
                         in {} and progress starts afresh.",
                        web::KEPT_WHERE
                    );
                    (Progress::default(), Some(notice))
                }
            },
            Err(e) => (
                Progress::default(),
                Some(format!("Progress cannot be kept: {e}")),
            ),
        };
        Self {
            progress,
            path,
            notice,
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn save(&self, hint: &mut Hint, now: f64) {
        let name = self.path.display().to_string();
        if let Err(e) = crate::app::platform::web::keep(&name, &self.progress.to_ron_text()) {
            hint.show(format!("Progress not saved: {e}"), now);
        }
    }
}

/// The level being played.
#[derive(Debug, Clone)]
pub struct Playing {
    pub name: String,
    pub level: Level,
    pub verdict: Option<Verdict>,
    /// Which run of the verdict the plot shows.
    pub shown_run: usize,
    /// Which trial's target the live raster is drawn against.
    pub target_trial: usize,
    /// Wall time until which the success moment shows.
    pub celebrate_until: f64,
    /// The document generation the level was opened in; another one means the student
    /// opened a file instead, which leaves the level.
    generation: u64,
}

#[derive(Resource, Default)]
pub struct ActiveLevel(pub Option<Playing>);

/// The sandbox's circuit, kept aside while a level is played: its file, and whether it had
/// unsaved changes.
#[derive(Resource, Default)]
pub struct SandboxStash(Option<(Circuit, Option<PathBuf>, bool)>);

/// A check running in the background, with how many of its runs are done.
#[derive(Resource, Default)]
pub struct PendingCheck {
    task: Option<(String, Task<Verdict>)>,
    done: Arc<AtomicUsize>,
    pub total: usize,
}

impl PendingCheck {
    /// Runs done and runs in all, while a check is going.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.task
            .as_ref()
            .map(|_| (self.done.load(Ordering::Relaxed), self.total))
    }
}

/// What the level screens ask for.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub enum LevelAction {
    ShowTitle,
    ShowMap,
    /// Open the level with this name.
    Open(String),
    Check,
    /// Reveal the next hint.
    Hint,
    /// Back to the level's starting circuit.
    Restart,
    /// The next level in the list.
    Next,
    Sandbox,
    Maze,
}

pub fn plugin(app: &mut App) {
    app.init_asset::<LevelAsset>()
        .init_asset_loader::<LevelLoader>()
        .add_message::<LevelAction>()
        .init_resource::<LevelLibrary>()
        .init_resource::<ActiveLevel>()
        .init_resource::<AutosaveHeld>()
        .init_resource::<PendingCheck>()
        .init_resource::<SandboxStash>()
        .insert_resource(ProgressStore::load(&crate::app::platform::data_dir()))
        .add_systems(Startup, load_levels)
        .add_systems(
            Update,
            (
                collect_levels,
                report_failures,
                #[cfg(not(target_arch = "wasm32"))]
                reread_changed_files,
                handle_actions,
                finish_check,
                leave_replaced_level,
                hold_the_sandbox_autosave,
            )
                .chain()
                .in_set(crate::app::AppSystems::Levels),
        );
}

fn load_levels(server: Res<AssetServer>, mut library: ResMut<LevelLibrary>) {
    let root = AssetPath::from("").with_source(AssetSourceId::from(LEVELS_SOURCE));
    library.folder = server.load_folder(root);
}

/// Rebuilds the list when a level file is loaded, changed or removed; an open level follows
/// its file (the student's circuit stays).
fn collect_levels(
    mut events: MessageReader<AssetEvent<LevelAsset>>,
    folders: Res<Assets<LoadedFolder>>,
    assets: Res<Assets<LevelAsset>>,
    mut library: ResMut<LevelLibrary>,
    mut active: ResMut<ActiveLevel>,
    mut doc: ResMut<Document>,
) {
    if events.read().count() == 0 {
        return;
    }
    let Some(folder) = folders.get(&library.folder) else {
        return;
    };
    let mut levels: Vec<(String, Level)> = folder
        .handles
        .iter()
        .filter_map(|h| {
            let path = h.path()?;
            let name = path
                .path()
                .file_name()?
                .to_string_lossy()
                .trim_end_matches(".level.ron")
                .to_owned();
            let level = assets.get(&h.clone().try_typed::<LevelAsset>().ok()?)?;
            Some((name, level.0.clone()))
        })
        .collect();
    levels.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(playing) = &mut active.0
        && let Some((_, level)) = levels.iter().find(|(n, _)| *n == playing.name)
        && *level != playing.level
    {
        playing.level = level.clone();
        playing.verdict = None;
        doc.set_rules(rules_of(level));
    }
    library.levels = levels;
}

fn report_failures(
    mut failures: MessageReader<UntypedAssetLoadFailedEvent>,
    mut library: ResMut<LevelLibrary>,
) {
    let ours = AssetSourceId::from(LEVELS_SOURCE);
    for failure in failures.read().filter(|f| *f.path.source() == ours) {
        let text = failure.error.to_string();
        warn!("{text}");
        if !library.errors.contains(&text) {
            library.errors.push(text);
        }
    }
}

/// Desktop hot reload: a level file whose modification time changed is loaded again.
#[cfg(not(target_arch = "wasm32"))]
fn reread_changed_files(
    server: Res<AssetServer>,
    mut library: ResMut<LevelLibrary>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    if now - library.last_poll_s < 1.0 {
        return;
    }
    library.last_poll_s = now;
    let dir = levels_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let current: Vec<(PathBuf, SystemTime)> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".level.ron"))
        .filter_map(|e| Some((e.path(), e.metadata().ok()?.modified().ok()?)))
        .collect();
    if !library.seen.is_empty() {
        for (path, modified) in &current {
            let before = library.seen.iter().find(|(p, _)| p == path).map(|s| s.1);
            if before != Some(*modified)
                && let Some(name) = path.file_name()
            {
                library
                    .errors
                    .retain(|e| !e.contains(&*name.to_string_lossy()));
                let asset = AssetPath::from(PathBuf::from(name))
                    .with_source(AssetSourceId::from(LEVELS_SOURCE));
                server.reload(asset);
            }
        }
    }
    library.seen = current;
}

/// The next level after `name` in file order.
fn next_after(library: &LevelLibrary, name: &str) -> Option<String> {
    let i = library.index_of(name)?;
    library.levels.get(i + 1).map(|(n, _)| n.clone())
}

#[allow(
    clippy::too_many_arguments,
    reason = "a Bevy system names each resource it touches"
)]
fn handle_actions(
    mut actions: MessageReader<LevelAction>,
    mut screen: ResMut<NextState<Screen>>,
    library: Res<LevelLibrary>,
    mut active: ResMut<ActiveLevel>,
    mut store: ResMut<ProgressStore>,
    mut doc: ResMut<Document>,
    mut selection: ResMut<Selection>,
    mut hint: ResMut<Hint>,
    mut pending: ResMut<PendingCheck>,
    mut stash: ResMut<SandboxStash>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    for action in actions.read() {
        match action {
            LevelAction::ShowTitle => {
                leave_level(&mut active, &mut doc, &mut stash);
                screen.set(Screen::Title);
            }
            LevelAction::ShowMap => {
                leave_level(&mut active, &mut doc, &mut stash);
                screen.set(Screen::Map);
            }
            LevelAction::Sandbox => {
                leave_level(&mut active, &mut doc, &mut stash);
                screen.set(Screen::Sandbox);
            }
            LevelAction::Maze => {
                leave_level(&mut active, &mut doc, &mut stash);
                screen.set(Screen::Maze);
            }
            LevelAction::Open(name) => {
                if active.0.is_none() {
                    let circuit = doc.circuit().clone();
                    let path = doc.path.clone();
                    stash.0 = Some((circuit, path, doc.is_dirty()));
                }
                if !open(name, &library, &mut active, &mut doc, &mut selection) {
                    hint.show(format!("No level called {name}"), now);
                    continue;
                }
                screen.set(Screen::Level);
            }
            LevelAction::Restart => {
                if let Some(playing) = &mut active.0 {
                    doc.replace(playing.level.circuit.clone(), None);
                    doc.set_rules(rules_of(&playing.level));
                    playing.verdict = None;
                    playing.generation = doc.generation();
                    selection.ids.clear();
                }
            }
            LevelAction::Check => {
                let Some(playing) = &mut active.0 else {
                    continue;
                };
                if pending.task.is_some() {
                    continue;
                }
                // Off the frame: a check of many trials takes a moment, and the window
                // keeps drawing its progress.
                let (level, circuit) = (playing.level.clone(), doc.circuit().clone());
                let done = Arc::new(AtomicUsize::new(0));
                let counter = done.clone();
                let task = AsyncComputeTaskPool::get().spawn(async move {
                    check_with_progress(&level, &circuit, &|n, _| {
                        counter.store(n, Ordering::Relaxed);
                    })
                });
                pending.total = runs(&playing.level);
                pending.done = done;
                pending.task = Some((playing.name.clone(), task));
                playing.verdict = None;
            }
            LevelAction::Hint => {
                let Some(playing) = &active.0 else {
                    continue;
                };
                let seen = store.progress.of(&playing.name).hints_seen;
                if usize::from(seen) < playing.level.hints.len() {
                    store.progress.saw_hint(&playing.name, seen + 1);
                    store.save(&mut hint, now);
                }
            }
            LevelAction::Next => {
                let next = active
                    .0
                    .as_ref()
                    .and_then(|p| next_after(&library, &p.name));
                let opened =
                    next.is_some_and(|n| open(&n, &library, &mut active, &mut doc, &mut selection));
                if !opened {
                    active.0 = None;
                    screen.set(Screen::Map);
                }
            }
        }
    }
}

/// Leaving a level brings the sandbox's own circuit back, as it was.
fn leave_level(active: &mut ActiveLevel, doc: &mut Document, stash: &mut SandboxStash) {
    if active.0.take().is_none() {
        return;
    }
    match stash.0.take() {
        Some((circuit, path, dirty)) => {
            doc.replace(circuit, path);
            if dirty {
                doc.mark_dirty();
            }
        }
        None => doc.replace(Circuit::empty("Untitled"), None),
    }
}

/// Puts the level's starting circuit in the editor; false if there is no such level.
fn open(
    name: &str,
    library: &LevelLibrary,
    active: &mut ActiveLevel,
    doc: &mut Document,
    selection: &mut Selection,
) -> bool {
    let Some(i) = library.index_of(name) else {
        return false;
    };
    let level = library.levels[i].1.clone();
    doc.replace(level.circuit.clone(), None);
    doc.set_rules(rules_of(&level));
    selection.ids.clear();
    active.0 = Some(Playing {
        name: name.to_owned(),
        level,
        verdict: None,
        shown_run: 0,
        target_trial: 0,
        celebrate_until: f64::NEG_INFINITY,
        generation: doc.generation(),
    });
    true
}

/// Takes a finished check's verdict: shows it, records the stars and saves the progress.
fn finish_check(
    mut pending: ResMut<PendingCheck>,
    mut active: ResMut<ActiveLevel>,
    mut store: ResMut<ProgressStore>,
    mut hint: ResMut<Hint>,
    time: Res<Time<Real>>,
) {
    let Some((name, task)) = &mut pending.task else {
        return;
    };
    let Some(verdict) = block_on(future::poll_once(task)) else {
        return;
    };
    let name = name.clone();
    pending.task = None;
    let now = time.elapsed_secs_f64();
    store.progress.record(&name, verdict.stars);
    store.save(&mut hint, now);
    // The student may have left the level while it ran; the progress still counts.
    if let Some(playing) = active.0.as_mut().filter(|p| p.name == name) {
        playing.shown_run = verdict.trials.iter().position(|t| !t.passed()).unwrap_or(0);
        if verdict.passed() {
            playing.celebrate_until = now + 3.0;
        }
        playing.verdict = Some(verdict);
    }
}

/// A file opened or a new circuit started inside a level ends the level.
fn leave_replaced_level(
    doc: Res<Document>,
    mut active: ResMut<ActiveLevel>,
    screen: Res<State<Screen>>,
    mut next_screen: ResMut<NextState<Screen>>,
    mut stash: ResMut<SandboxStash>,
) {
    if active
        .0
        .as_ref()
        .is_some_and(|p| p.generation != doc.generation())
    {
        active.0 = None;
        // The opened file is the sandbox's circuit now.
        stash.0 = None;
        if *screen.get() == Screen::Level {
            next_screen.set(Screen::Sandbox);
        }
    }
}

/// A level's work is not sandbox work: while one is open, the sandbox's autosave stays as
/// it was.
fn hold_the_sandbox_autosave(active: Res<ActiveLevel>, mut held: ResMut<AutosaveHeld>) {
    let playing = active.0.is_some();
    if held.0 != playing {
        held.0 = playing;
    }
}

/// A level's rules as the document's: an edit that breaks one (a locked item changed, one
/// part too many) is refused before it is applied, with the reason.
fn rules_of(level: &Level) -> EditRules {
    let level = level.clone();
    EditRules::new(move |circuit| {
        broken_rules(&level, circuit)
            .first()
            .map(|rule| format!("Not in this level: {rule}"))
    })
}
