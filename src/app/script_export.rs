//! File → Export → NEST script / PyNN script: a window with the export's options (duration,
//! seed, scale, threads, the engine's connections), the report of what NEST will do exactly,
//! approximately, statistically or not at all — recomputed when the circuit or an option
//! changes — and the file to write (a download in the browser). The script is the one
//! `spikeworks export --nest` / `--pynn` writes.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::app::UiSystems;
use crate::app::platform::write_user_file;
use crate::app::ui_state::{self, Hint};
use crate::editor::Document;
use crate::nest::{self, NestOptions, Plan};

/// Which script to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    Nest,
    Pynn,
}

impl ScriptKind {
    fn title(self) -> &'static str {
        match self {
            ScriptKind::Nest => "Export a NEST script",
            ScriptKind::Pynn => "Export a PyNN script",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            ScriptKind::Nest => "nest.py",
            ScriptKind::Pynn => "pynn.py",
        }
    }

    fn script(self, plan: &Plan) -> String {
        match self {
            ScriptKind::Nest => nest::script::nest_script(plan),
            ScriptKind::Pynn => nest::pynn::pynn_script(plan),
        }
    }
}

/// Asks for the export window.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenScriptExport(pub ScriptKind);

/// The export window's state: its options, the file name, and the plan of the circuit as it
/// was when an option last changed.
#[derive(Resource, Debug, Default)]
pub struct ScriptExport {
    open: Option<ExportForm>,
}

#[derive(Debug)]
struct ExportForm {
    kind: ScriptKind,
    duration_s: f64,
    seed: u64,
    scale: u32,
    threads: u32,
    exact_connectivity: bool,
    file: String,
    /// What the plan was made for, and the plan or why there is none.
    planned: Option<(PlannedFor, Result<Plan, String>)>,
}

/// The options and the document's state a plan was made for: a plan (with exact
/// connectivity, the engine's whole connection list) is remade only when one changes.
#[derive(Debug, Clone, PartialEq)]
struct PlannedFor {
    duration_s: f64,
    seed: u64,
    scale: u32,
    threads: u32,
    exact_connectivity: bool,
    generation: u64,
    revision: u64,
}

impl ExportForm {
    fn planned_for(&self, doc: &Document) -> PlannedFor {
        PlannedFor {
            duration_s: self.duration_s,
            seed: self.seed,
            scale: self.scale,
            threads: self.threads,
            exact_connectivity: self.exact_connectivity,
            generation: doc.generation(),
            revision: doc.revision(),
        }
    }

    fn options(&self, source: String) -> NestOptions {
        NestOptions {
            duration_s: self.duration_s,
            seed: self.seed,
            scale: self.scale,
            threads: self.threads,
            exact_connectivity: self.exact_connectivity,
            source,
            ..NestOptions::default()
        }
    }
}

pub fn plugin(app: &mut App) {
    app.add_message::<OpenScriptExport>()
        .init_resource::<ScriptExport>()
        .add_systems(
            EguiPrimaryContextPass,
            export_window.in_set(UiSystems::Windows),
        );
}

/// A file name for the script: the circuit file's, else the circuit's name, in letters,
/// digits and underscores.
fn file_stem(doc: &Document) -> String {
    let name = doc
        .path
        .as_ref()
        .and_then(|p| p.file_name())
        .map_or_else(|| doc.title(), |n| n.to_string_lossy().into_owned());
    let stem: String = name
        .trim_end_matches(".circuit.ron")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_matches('_');
    if stem.is_empty() {
        "circuit".into()
    } else {
        stem.into()
    }
}

fn export_window(
    mut contexts: EguiContexts,
    mut requests: MessageReader<OpenScriptExport>,
    mut export: ResMut<ScriptExport>,
    doc: Res<Document>,
    mut hint: ResMut<Hint>,
    time: Res<Time<Real>>,
) -> Result {
    for OpenScriptExport(kind) in requests.read() {
        export.open = Some(ExportForm {
            kind: *kind,
            duration_s: 1.0,
            seed: 0,
            scale: 1,
            threads: 1,
            exact_connectivity: false,
            file: format!("{}.{}", file_stem(&doc), kind.suffix()),
            planned: None,
        });
    }
    let Some(window) = export.open.as_mut() else {
        return Ok(());
    };
    let key = window.planned_for(&doc);
    if window.planned.as_ref().is_none_or(|(k, _)| *k != key) {
        let source = doc.path.as_ref().and_then(|p| p.file_name()).map_or_else(
            || format!("{}.circuit.ron", file_stem(&doc)),
            |n| n.to_string_lossy().into_owned(),
        );
        let plan = nest::plan(doc.circuit(), &window.options(source)).map_err(|e| e.to_string());
        window.planned = Some((key, plan));
    }
    let ctx = contexts.ctx_mut()?.clone();
    let mut open = true;
    let mut written = None;
    egui::Window::new(window.kind.title())
        .collapsible(false)
        .open(&mut open)
        .default_width(600.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(&ctx, |ui| {
            ui.label(match window.kind {
                ScriptKind::Nest => "A plain PyNEST 3 script: it builds this circuit in NEST, \
                                     simulates it and writes every spike as CSV in the layout \
                                     of `spikeworks run --spikes`.",
                ScriptKind::Pynn => "A PyNN script: on pyNN.nest it gives the NEST script's \
                                     spikes exactly; `--backend` runs it on another simulator \
                                     with PyNN's standard models.",
            });
            ui.add_space(6.0);
            egui::Grid::new("export options").num_columns(2).show(ui, |ui| {
                ui.label("Simulated time");
                ui.add(
                    egui::DragValue::new(&mut window.duration_s)
                        .range(0.001..=3600.0)
                        .speed(0.1)
                        .suffix(" s"),
                );
                ui.end_row();
                ui.label("Seed");
                ui.add(egui::DragValue::new(&mut window.seed));
                ui.end_row();
                ui.label("Scale")
                    .on_hover_text("Every population K times bigger, in-degrees kept");
                ui.add(egui::DragValue::new(&mut window.scale).range(1..=1000).prefix("× "));
                ui.end_row();
                ui.label("NEST threads");
                ui.add(egui::DragValue::new(&mut window.threads).range(1..=256));
                ui.end_row();
                ui.label("Connections");
                ui.checkbox(
                    &mut window.exact_connectivity,
                    "the engine's own (an explicit list, not NEST's rules)",
                );
                ui.end_row();
            });
            ui.separator();
            let plan = match &window.planned {
                Some((_, Ok(plan))) => Some(plan),
                Some((_, Err(why))) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("Not exportable: {why}"));
                    None
                }
                None => None,
            };
            if let Some(plan) = plan {
                let neurons: u64 = plan.groups.iter().map(|g| u64::from(g.size)).sum();
                ui.label(egui::RichText::new(if plan.report.is_exact() {
                    format!("{neurons} neurons. NEST gives the same spikes as Spikeworks, step for step.")
                } else {
                    format!("{neurons} neurons. Some items are approximated or random: see below.")
                }).strong());
                egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                    for (title, lines) in plan.report.sections() {
                        if lines.is_empty() {
                            continue;
                        }
                        egui::CollapsingHeader::new(format!("{title} ({})", lines.len()))
                            .default_open(title != "Exact" || lines.len() <= 6)
                            .show(ui, |ui| {
                                for line in lines {
                                    ui.add(egui::Label::new(format!("• {line}")).wrap());
                                }
                            });
                    }
                });
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.label("File:");
                ui.add(egui::TextEdit::singleline(&mut window.file).desired_width(320.0));
                let label = if cfg!(target_arch = "wasm32") { "Download" } else { "Export" };
                let button = ui.add_enabled(
                    plan.is_some() && !window.file.trim().is_empty(),
                    egui::Button::new(label),
                );
                ui_state::expose_button(ui.ctx(), "export/write", button.rect);
                if button.clicked()
                    && let Some(plan) = plan
                {
                    let path = doc.folder().join(window.file.trim());
                    let neurons: u64 = plan.groups.iter().map(|g| u64::from(g.size)).sum();
                    written = Some(
                        write_user_file(&path, window.kind.script(plan).as_bytes()).map(|()| {
                            format!(
                                "Exported {} ({neurons} neurons); run it with python3 (see its header)",
                                path.display()
                            )
                        }),
                    );
                }
            });
            if !cfg!(target_arch = "wasm32") {
                ui.weak(format!("In {}", doc.folder().display()));
            }
        });
    let now = time.elapsed_secs_f64();
    match written {
        Some(Ok(message)) => {
            hint.show(message, now);
            export.open = None;
        }
        Some(Err(e)) => hint.show(format!("Not exported: {e}"), now),
        None if !open => export.open = None,
        None => {}
    }
    Ok(())
}
