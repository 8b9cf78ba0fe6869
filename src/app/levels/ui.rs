//! The level screens, drawn in the panels' egui pass: the title (Play levels / Sandbox /
//! Examples), the level map (chapters, locked and solved levels, stars), the goal bar above
//! the canvas inside a level (Check, hints, restart) and the verdict window: which trial
//! failed and why, in words and on a raster with the target windows shaded, stars against
//! par, and a success moment with the way to the next level.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Plot, Points, Polygon};

use crate::app::documents::{Examples, FileRequest};
use crate::app::levels::{
    ActiveLevel, LevelAction, LevelLibrary, PendingCheck, Playing, ProgressStore,
};
use crate::app::panels::fit::Fit;
use crate::app::screens::Screen;
use crate::app::ui_state;
use crate::editor::Shown;
use crate::level::progress::chapters;
use crate::level::{Expect, Level, Run, Stimulus, Trial, TrialVerdict};
use crate::sim::Recorder;

const GOLD: egui::Color32 = egui::Color32::from_rgb(230, 159, 0);
const PASS: egui::Color32 = egui::Color32::from_rgb(0, 158, 115);
const FAIL: egui::Color32 = egui::Color32::from_rgb(213, 94, 0);

#[derive(SystemParam)]
pub struct LevelUi<'w> {
    screen: Res<'w, State<Screen>>,
    library: Res<'w, LevelLibrary>,
    store: Res<'w, ProgressStore>,
    active: ResMut<'w, ActiveLevel>,
    actions: MessageWriter<'w, LevelAction>,
    files: MessageWriter<'w, FileRequest>,
    examples: Res<'w, Examples>,
    time: Res<'w, Time<Real>>,
    pending: Res<'w, PendingCheck>,
}

fn stars(n: u8) -> String {
    (0..3).map(|i| if i < n { '★' } else { '☆' }).collect()
}

impl LevelUi<'_> {
    pub fn screen(&self) -> Screen {
        *self.screen.get()
    }

    /// The whole window for the title and the map; false when the editor screens show.
    pub fn full_screen(&mut self, root: &mut egui::Ui, fit: Fit) -> bool {
        match *self.screen.get() {
            Screen::Title => self.title(root),
            Screen::Map => self.map(root, fit.drawers()),
            // Drawn by its own plugin; the editor stays hidden.
            Screen::Maze => {}
            Screen::Level | Screen::Sandbox => return false,
        }
        true
    }

    fn title(&mut self, root: &mut egui::Ui) {
        egui::CentralPanel::default_margins().show(root, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.12);
                ui.label(egui::RichText::new("Spikeworks").size(56.0).strong());
                ui.label(
                    egui::RichText::new("Build neurons, wire circuits, watch and hear them fire.")
                        .size(20.0),
                );
                ui.add_space(36.0);
                // As wide as a phone in portrait allows.
                let width = (ui.available_width() - 16.0).min(300.0);
                let big = |ui: &mut egui::Ui, name: &str, text: &str| {
                    let button = egui::Button::new(egui::RichText::new(text).size(22.0))
                        .min_size(egui::vec2(width, 64.0));
                    let response = ui.add(button);
                    ui_state::expose_button(ui.ctx(), format!("title/{name}"), response.rect);
                    response
                };
                if big(ui, "Play levels", "▶  Play levels").clicked() {
                    self.actions.write(LevelAction::ShowMap);
                }
                ui.add_space(10.0);
                if big(ui, "Sandbox", "✏  Sandbox").clicked() {
                    self.actions.write(LevelAction::Sandbox);
                }
                ui.add_space(10.0);
                if big(ui, "Water maze", "〰  Water maze: a mouse learns").clicked() {
                    self.actions.write(LevelAction::Maze);
                }
                ui.add_space(10.0);
                let examples = big(ui, "Examples", "📚  Examples");
                egui::Popup::menu(&examples).show(|ui| {
                    egui::ScrollArea::vertical()
                        .max_height(420.0)
                        .show(ui, |ui| {
                            for example in &self.examples.0 {
                                let clicked = ui
                                    .button(&example.name)
                                    .on_hover_text(&example.summary)
                                    .clicked();
                                if clicked {
                                    self.files.write(FileRequest::Open(example.path.clone()));
                                    self.actions.write(LevelAction::Sandbox);
                                }
                            }
                        });
                });
            });
        });
    }

    /// The level map; on a narrow screen (`compact`) its header wraps and the cards share
    /// the width.
    fn map(&mut self, root: &mut egui::Ui, compact: bool) {
        let levels = &self.library.levels;
        let progress = &self.store.progress;
        let unlocked = progress.unlocked(levels);
        egui::CentralPanel::default_margins().show(root, |ui| {
            let header = |ui: &mut egui::Ui, add: &mut dyn FnMut(&mut egui::Ui)| {
                if compact {
                    ui.horizontal_wrapped(|ui| add(ui));
                } else {
                    ui.horizontal(|ui| add(ui));
                }
            };
            header(ui, &mut |ui| {
                let back = ui.button("◀ Title");
                ui_state::expose_button(ui.ctx(), "map/Title", back.rect);
                if back.clicked() {
                    self.actions.write(LevelAction::ShowTitle);
                }
                ui.heading("Levels");
                let earned: u32 = levels
                    .iter()
                    .map(|(n, _)| u32::from(progress.of(n).stars))
                    .sum();
                ui.label(
                    egui::RichText::new(format!("★ {earned} of {}", 3 * levels.len()))
                        .color(GOLD)
                        .size(18.0),
                );
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(
                            "A chapter opens when you have solved half of the one before.",
                        )
                        .weak(),
                    )
                    .wrap(),
                );
            });
            if let Some(notice) = &self.store.notice {
                ui.colored_label(FAIL, notice);
            }
            for error in &self.library.errors {
                ui.colored_label(FAIL, format!("Level not loaded: {error}"));
            }
            if levels.is_empty() && self.library.errors.is_empty() {
                ui.spinner();
                ui.label("Loading levels…");
            }
            // Two cards side by side on a phone, as many as fit on a wider screen.
            let spacing = ui.spacing().item_spacing.x;
            let card_width = if compact {
                ((ui.available_width() - 16.0 - spacing) / 2.0).min(160.0)
            } else {
                160.0
            };
            egui::ScrollArea::vertical().show(ui, |ui| {
                for (k, members) in chapters(levels).iter().enumerate() {
                    ui.add_space(10.0);
                    ui.label(
                        egui::RichText::new(format!(
                            "Chapter {} · {}",
                            k + 1,
                            levels[members[0]].1.chapter
                        ))
                        .size(20.0)
                        .strong(),
                    );
                    ui.horizontal_wrapped(|ui| {
                        for &i in members {
                            let (name, level) = &levels[i];
                            let mine = progress.of(name);
                            let text = if unlocked[i] {
                                format!("{}\n{}\n{}", i + 1, level.title, stars(mine.stars))
                            } else {
                                format!("{}\n🔒\n{}", i + 1, level.title)
                            };
                            let fill = if mine.solved {
                                egui::Color32::from_rgb(222, 244, 232)
                            } else {
                                ui.visuals().widgets.inactive.weak_bg_fill
                            };
                            let card = egui::Button::new(egui::RichText::new(text).size(16.0))
                                .min_size(egui::vec2(card_width, 96.0))
                                .fill(fill);
                            let response = ui.add_enabled(unlocked[i], card);
                            ui_state::expose_button(
                                ui.ctx(),
                                format!("map/{}", i + 1),
                                response.rect,
                            );
                            let response = response
                                .on_hover_text(&level.goal)
                                .on_disabled_hover_text("Solve more of the chapter before");
                            if response.clicked() {
                                self.actions.write(LevelAction::Open(name.clone()));
                            }
                        }
                    });
                }
            });
        });
    }

    /// The goal bar above the canvas inside a level; returns its rect. On a narrow screen
    /// (`compact`) its rows wrap.
    pub fn goal_bar(&mut self, root: &mut egui::Ui, compact: bool) -> Option<egui::Rect> {
        let playing = self.active.0.as_ref()?;
        let index = self.library.index_of(&playing.name).map_or(0, |i| i + 1);
        let seen = usize::from(self.store.progress.of(&playing.name).hints_seen);
        let hints = &playing.level.hints;
        let row = |ui: &mut egui::Ui, add: &mut dyn FnMut(&mut egui::Ui)| {
            if compact {
                ui.horizontal_wrapped(|ui| add(ui));
            } else {
                ui.horizontal(|ui| add(ui));
            }
        };
        let response = egui::Panel::top("goal").show(root, |ui| {
            row(ui, &mut |ui| {
                ui.label(
                    egui::RichText::new(format!("{index} · {}", playing.level.title))
                        .size(18.0)
                        .strong(),
                );
                ui.add(
                    egui::Label::new(egui::RichText::new(&playing.level.goal).size(18.0)).wrap(),
                );
            });
            row(ui, &mut |ui| {
                let check = egui::Button::new(egui::RichText::new("✔ Check").strong())
                    .fill(egui::Color32::from_rgb(214, 238, 226));
                let running = self.pending.progress();
                let check = ui
                    .add_enabled(running.is_none(), check)
                    .on_hover_text("Run every trial of the level on your circuit");
                ui_state::expose_button(ui.ctx(), "goal/Check", check.rect);
                if check.clicked() {
                    self.actions.write(LevelAction::Check);
                }
                if let Some((done, total)) = running {
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                            .desired_width(160.0)
                            .text(format!("trial run {done} of {total}")),
                    );
                    ui.ctx().request_repaint();
                }
                let more = seen < hints.len();
                if ui
                    .add_enabled(
                        more,
                        egui::Button::new(format!("💡 Hint {}/{}", seen, hints.len())),
                    )
                    .on_hover_text("One more hint; the last one gives the answer away")
                    .clicked()
                {
                    self.actions.write(LevelAction::Hint);
                }
                if ui.button("⟲ Start again").clicked() {
                    self.actions.write(LevelAction::Restart);
                }
                if ui.button("🗺 Levels").clicked() {
                    self.actions.write(LevelAction::ShowMap);
                }
                if let Some(best) = self.store.progress.levels.get(&playing.name)
                    && best.solved
                {
                    ui.label(
                        egui::RichText::new(format!("best {}", stars(best.stars))).color(GOLD),
                    );
                }
            });
            for (n, hint) in hints.iter().take(seen).enumerate() {
                ui.label(format!("💡 {}. {hint}", n + 1));
            }
        });
        Some(response.response.rect)
    }

    /// The verdict of the last check, floating over the canvas: beside the docked side
    /// panel on a wide screen, across the top of the canvas on a narrow one.
    pub fn verdict_window(&mut self, ctx: &egui::Context, fit: Fit) {
        let now = self.time.elapsed_secs_f64();
        let next = self.active.0.as_ref().and_then(|p| {
            let i = self.library.index_of(&p.name)?;
            self.library.levels.get(i + 1).map(|(n, _)| n.clone())
        });
        let Some(playing) = &mut self.active.0 else {
            return;
        };
        let Some(verdict) = &playing.verdict else {
            return;
        };
        let mut open = true;
        let mut shown = playing.shown_run;
        let mut action = None;
        let (anchor, offset, width) = match fit {
            Fit::Docked => (egui::Align2::RIGHT_TOP, egui::vec2(-310.0, 130.0), 430.0),
            Fit::Drawers { .. } => {
                let width = (ctx.viewport_rect().width() - 40.0).min(430.0);
                (egui::Align2::CENTER_TOP, egui::vec2(0.0, 120.0), width)
            }
        };
        let window = egui::Window::new(if verdict.passed() {
            "Solved!"
        } else {
            "Not yet"
        })
        .id(egui::Id::new("verdict"))
        .open(&mut open)
        .anchor(anchor, offset)
        .default_width(width)
        .max_width(width)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            if verdict.passed() {
                // The success moment: the stars grow in, then stay.
                let grow = ((now - (playing.celebrate_until - 3.0)) / 0.6).clamp(0.0, 1.0) as f32;
                ui.vertical_centered(|ui| {
                    ui.label(
                        egui::RichText::new(stars(verdict.stars))
                            .size(20.0 + 28.0 * grow)
                            .color(GOLD),
                    );
                    ui.label(
                        egui::RichText::new("Every trial passed!")
                            .size(18.0)
                            .strong(),
                    );
                });
                let m = &verdict.metrics;
                let par = &playing.level.par;
                ui.label(format!(
                    "Parts: {}{}",
                    m.parts,
                    par.parts.map_or(String::new(), |p| format!(" (par {p})"))
                ));
                if let Some(p) = par.spikes {
                    ui.label(format!("Spikes of your neurons: {} (par {p})", m.spikes));
                }
                if let (Some(l), Some(p)) = (m.latency_ms, par.latency_ms) {
                    ui.label(format!("Mean latency: {l:.1} ms (par {p} ms)"));
                }
                if !playing.level.unlocks.is_empty() {
                    let names: Vec<&str> = playing.level.unlocks.iter().map(|k| k.name()).collect();
                    ui.label(format!("Unlocked: {}", names.join(", ")));
                }
                ui.horizontal(|ui| {
                    if next.is_some() && ui.button("Next level ▶").clicked() {
                        action = Some(LevelAction::Next);
                    }
                    if ui.button("🗺 Levels").clicked() {
                        action = Some(LevelAction::ShowMap);
                    }
                });
            } else {
                for rule in &verdict.broken_rules {
                    ui.colored_label(FAIL, format!("✖ {rule}"));
                }
                if let Some(failed) = verdict.first_failure() {
                    ui.label(
                        egui::RichText::new(format!(
                            "Trial \"{}\"{} failed:",
                            failed.name, failed.run
                        ))
                        .strong(),
                    );
                    for o in failed.outcomes.iter().filter(|o| !o.passed) {
                        ui.colored_label(FAIL, format!("✖ {}", o.text));
                    }
                }
            }
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                for (i, t) in verdict.trials.iter().enumerate() {
                    let mark = if t.passed() { "✔" } else { "✖" };
                    let label = egui::RichText::new(format!("{mark} {}{}", t.name, t.run))
                        .color(if t.passed() { PASS } else { FAIL });
                    if ui.selectable_label(shown == i, label).clicked() {
                        shown = i;
                    }
                }
            });
            if let Some(trial) = verdict.trials.get(shown) {
                trial_plot(ui, trial, &playing.level);
            }
        });
        if let Some(window) = window {
            let name = if verdict.passed() {
                "verdict: solved"
            } else {
                "verdict: not yet"
            };
            ui_state::expose_panel(ctx, name, window.response.rect);
        }
        playing.shown_run = shown;
        if !open {
            playing.verdict = None;
        }
        if let Some(action) = action {
            self.actions.write(action);
        }
    }
}

/// What a raster with targets shows: the trial's assertions (with their verdicts after a
/// check), the spikes to draw and where the stimuli fall.
struct TargetRaster<'a> {
    id: egui::Id,
    level: &'a Level,
    trial: &'a Trial,
    /// Verdicts of the assertions, in order, after a check.
    passed: Option<Vec<bool>>,
    spikes: &'a dyn Fn(&str) -> Vec<f64>,
    stimuli: &'a [Stimulus],
    /// The live time within the trial, drawn as a line.
    now_ms: Option<f64>,
    height: f32,
}

/// A raster of the items the trial judges, each assertion's window shaded: green where
/// spikes are wanted, grey where silence is, red where a check found it broken.
fn target_raster(ui: &mut egui::Ui, r: TargetRaster) {
    let mut items: Vec<&str> = Vec::new();
    for e in &r.trial.expect {
        if let Some(item) = e.item()
            && !items.contains(&item)
        {
            items.push(item);
        }
    }
    let name = |id: &str| {
        r.level
            .circuit
            .label(id)
            .filter(|l| !l.is_empty())
            .unwrap_or(id)
            .to_owned()
    };
    let rows = items.len().max(1);
    let row_of =
        |item: &str| (rows - 1 - items.iter().position(|i| *i == item).unwrap_or(0)) as f64;
    let labels: Vec<String> = items.iter().map(|i| name(i)).collect();
    Plot::new(r.id)
        .height(r.height)
        .include_x(0.0)
        .include_x(r.trial.duration_ms)
        .include_y(-0.6)
        .include_y(rows as f64 - 0.4)
        .x_axis_label("time in the trial (ms)")
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_grid([true, false])
        .y_axis_min_width(70.0)
        .y_axis_formatter(move |mark, _| {
            let row = rows as f64 - 1.0 - mark.value;
            if row.fract() == 0.0 && row >= 0.0 {
                labels.get(row as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            for (k, e) in r.trial.expect.iter().enumerate() {
                let (Some(item), Some((from, to))) = (e.item(), e.window()) else {
                    continue;
                };
                let y = row_of(item);
                let colour = match (e, r.passed.as_ref().map(|v| v[k])) {
                    (_, Some(false)) => FAIL,
                    (Expect::Silent { .. }, _) => egui::Color32::GRAY,
                    _ => PASS,
                };
                let band = vec![
                    [from, y - 0.4],
                    [to, y - 0.4],
                    [to, y + 0.4],
                    [from, y + 0.4],
                ];
                let [red, green, blue, _] = colour.to_array();
                p.polygon(
                    Polygon::new(format!("target {}", k + 1), band)
                        .fill_color(egui::Color32::from_rgba_unmultiplied(red, green, blue, 70))
                        .stroke(egui::Stroke::new(1.0, colour)),
                );
            }
            for item in &items {
                let y = row_of(item);
                let points: Vec<[f64; 2]> = (r.spikes)(item).into_iter().map(|t| [t, y]).collect();
                p.points(
                    Points::new(name(item), points)
                        .radius(3.0)
                        .color(egui::Color32::from_rgb(0, 114, 178)),
                );
            }
            for s in r.stimuli {
                p.points(
                    Points::new("stimulus", vec![[s.start_ms(), -0.5]])
                        .shape(egui_plot::MarkerShape::Up)
                        .radius(5.0)
                        .color(GOLD),
                );
            }
            if let Some(now) = r.now_ms {
                p.vline(egui_plot::VLine::new("now", now).color(egui::Color32::DARK_GRAY));
            }
        });
}

/// The live raster beside its target: the running circuit's spikes of the judged items,
/// swept over one trial's length (an oscilloscope that restarts every trial length) on top of
/// the chosen trial's target windows. Reset restarts the sweep with the trial.
pub fn live_target(
    ui: &mut egui::Ui,
    playing: &mut Playing,
    recorder: &Recorder,
    shown: &Shown,
    now_s: f64,
) {
    let level = &playing.level;
    ui.label(egui::RichText::new("Target, and your circuit live").strong());
    ui.horizontal_wrapped(|ui| {
        for (i, t) in level.trials.iter().enumerate() {
            if ui
                .selectable_label(playing.target_trial == i, &t.name)
                .clicked()
            {
                playing.target_trial = i;
            }
        }
    });
    let Some(trial) = level.trials.get(playing.target_trial) else {
        return;
    };
    let duration = trial.duration_ms;
    let now = now_s * 1e3;
    let lap_start = (now / duration).floor() * duration;
    let spikes = |item: &str| -> Vec<f64> {
        let Some(entity) = shown.entity(item) else {
            return Vec::new();
        };
        recorder
            .recent_spikes()
            .filter(|s| s.source == entity)
            .map(|s| s.time_s() * 1e3 - lap_start)
            .filter(|t| *t >= 0.0)
            .collect()
    };
    target_raster(
        ui,
        TargetRaster {
            id: egui::Id::new(("live-target", playing.target_trial)),
            level,
            trial,
            passed: None,
            spikes: &spikes,
            stimuli: &trial.stimuli,
            now_ms: Some(now - lap_start),
            height: 130.0,
        },
    );
    ui.weak("Green: spikes wanted there. Grey: silence wanted. Triangles: what the trial does (tap or set) at that time.");
}

/// The verdict's raster of one run.
fn trial_plot(ui: &mut egui::Ui, trial: &TrialVerdict, level: &Level) {
    let Some(spec) = level.trials.iter().find(|t| t.name == trial.name) else {
        return;
    };
    target_raster(
        ui,
        TargetRaster {
            id: egui::Id::new(("trial", &trial.name, format!("{}", trial.run))),
            level,
            trial: spec,
            passed: Some(trial.outcomes.iter().map(|o| o.passed).collect()),
            spikes: &|item| trial.spikes.get(item).cloned().unwrap_or_default(),
            stimuli: &trial.stimuli,
            now_ms: None,
            height: 150.0,
        },
    );
    if trial.run != Run::Exact {
        ui.weak(
            "A jittered run: the stimuli come up to a few ms early or late, and noise is reseeded.",
        );
    }
}
