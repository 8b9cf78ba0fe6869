//! The water-maze screen: a mouse with spiking place cells and a ring of action cells learns
//! to find a hidden platform by reward (see [`crate::maze`]). It shows the pool with the
//! present and the last path, the policy map the weights imply, the bump on the action ring
//! with the heading it reads, a raster of the place cells, and the escape latency per trial
//! with block means. The controls set the speed, fast-forward whole trials (with progress),
//! pick the seed, start a new naive mouse, and set τ_c (0 = pure policy gradient) and α.
//! On a portrait screen everything stacks in one scrolling column, the pool on top.

use std::collections::VecDeque;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Line, Plot, Points};

use crate::app::levels::LevelAction;
use crate::app::screens::Screen;
use crate::app::ui_state;
use crate::app::{AppSystems, UiSystems};
use crate::editor::Document;
use crate::maze::{MazeParams, Mouse, Session};

/// Longest compute per frame, so the window stays responsive while fast-forwarding.
const FRAME_BUDGET_S: f64 = 0.030;
/// The raster shows this much of the recent past.
const RASTER_WINDOW_S: f64 = 1.0;
/// Time constant of the ring's displayed activity.
const RING_DISPLAY_TAU_S: f64 = 0.05;
/// The policy map's arrows sit on a grid this far apart (m).
const POLICY_SPACING_M: f64 = 0.2;

const WATER: egui::Color32 = egui::Color32::from_rgb(214, 234, 248);
const PATH: egui::Color32 = egui::Color32::from_rgb(0, 114, 178);
const OLD_PATH: egui::Color32 = egui::Color32::from_rgb(150, 170, 190);
const PLATFORM: egui::Color32 = egui::Color32::from_rgb(0, 158, 115);
const SPIKE: egui::Color32 = egui::Color32::from_rgb(213, 94, 0);
const ARROW: egui::Color32 = egui::Color32::from_rgb(110, 110, 110);

/// The scene's mouse and what the screen keeps of its recent activity.
#[derive(Resource)]
pub struct MazeScene {
    pub mouse: Mouse,
    pub seed: u64,
    pub tau_c_ms: f64,
    pub learning_rate: f64,
    /// Simulated seconds per wall second.
    pub speed: f64,
    pub running: bool,
    /// Fast-forward until this many trials are done.
    pub fast_forward_to: Option<usize>,
    fast_forward_from: usize,
    /// Steps owed from earlier frames at slow speeds.
    carry: f64,
    /// The speed reached, smoothed over frames, while the frame budget cuts steps off; `None`
    /// while the scene keeps up with the speed asked for.
    pub falling_behind: Option<f64>,
    /// Simulated time of the scene (s), for the raster's axis.
    time_s: f64,
    place_spikes: VecDeque<(f64, u16)>,
    ring_activity: Vec<f64>,
    policy: Vec<([f64; 2], f64, f64)>,
    /// The brain's reward count when the policy map was drawn.
    policy_age: Option<u64>,
    /// What the last export did.
    notice: Option<String>,
}

impl MazeScene {
    fn new(seed: u64, tau_c_ms: f64, learning_rate: f64) -> Self {
        let params = MazeParams {
            tau_c_s: tau_c_ms * 1e-3,
            learning_rate,
            ..MazeParams::default()
        };
        let mouse = Mouse::new(params, seed);
        let cells = mouse.brain.action_cells();
        Self {
            mouse,
            seed,
            tau_c_ms,
            learning_rate,
            speed: 5.0,
            running: true,
            fast_forward_to: None,
            fast_forward_from: 0,
            carry: 0.0,
            falling_behind: None,
            time_s: 0.0,
            place_spikes: VecDeque::new(),
            ring_activity: vec![0.0; cells],
            policy: Vec::new(),
            policy_age: None,
            notice: None,
        }
    }

    /// A naive mouse with the present seed and settings.
    pub fn restart(&mut self) {
        let speed = self.speed;
        *self = Self::new(self.seed, self.tau_c_ms, self.learning_rate);
        self.speed = speed;
    }

    /// Runs `steps` steps, keeping the raster and the ring display up to date.
    pub fn advance(&mut self, steps: u64) {
        let dt = self.mouse.params.dt_s;
        let ring_decay = (-dt / RING_DISPLAY_TAU_S).exp();
        for _ in 0..steps {
            self.mouse.step();
            self.time_s += dt;
            let brain = &self.mouse.brain;
            for &cell in brain.place_spikes() {
                self.place_spikes.push_back((self.time_s, cell));
            }
            for a in &mut self.ring_activity {
                *a *= ring_decay;
            }
            for &cell in brain.action_spikes() {
                self.ring_activity[cell as usize] += 1.0 / RING_DISPLAY_TAU_S;
            }
            if self
                .fast_forward_to
                .is_some_and(|n| self.mouse.records().len() >= n)
            {
                self.fast_forward_to = None;
                break;
            }
        }
        while self
            .place_spikes
            .front()
            .is_some_and(|&(t, _)| t < self.time_s - RASTER_WINDOW_S)
        {
            self.place_spikes.pop_front();
        }
    }

    /// Writes the finished trials as CSV (the format of `spikeworks maze --out`) into `folder`.
    pub fn export(&mut self, folder: &std::path::Path) {
        let session = Session {
            records: vec![self.mouse.records().to_vec()],
            seeds: vec![self.seed],
        };
        let path = folder.join(format!("maze-seed{}.csv", self.seed));
        self.notice = Some(
            match crate::app::platform::write_user_file(&path, session.to_csv().as_bytes()) {
                Ok(()) => format!("Saved {}", path.display()),
                Err(e) => format!("Not saved: {e}"),
            },
        );
    }

    /// The policy map, recomputed when a reward may have changed the weights.
    fn refresh_policy(&mut self) {
        let age = self.mouse.brain.rewards();
        if self.policy_age == Some(age) {
            return;
        }
        self.policy_age = Some(age);
        let radius = self.mouse.pool.radius_m;
        self.policy = crate::sim::place::grid_within(radius - 0.1, POLICY_SPACING_M)
            .into_iter()
            .map(|at| {
                let (angle, sharpness) = self.mouse.brain.policy_at(at);
                (at, angle, sharpness)
            })
            .collect();
    }
}

impl Default for MazeScene {
    fn default() -> Self {
        Self::new(0, 5.0, 0.05)
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<MazeScene>()
        .add_systems(Update, step_maze.in_set(AppSystems::Maze))
        .add_systems(
            EguiPrimaryContextPass,
            show.in_set(UiSystems::Panels)
                .run_if(in_state(Screen::Maze)),
        );
}

fn show(
    mut contexts: EguiContexts,
    mut scene: ResMut<MazeScene>,
    mut actions: MessageWriter<LevelAction>,
    doc: Res<Document>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    scene.refresh_policy();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "maze-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let screen = ctx.viewport_rect();
    let portrait = screen.height() > screen.width();
    egui::Panel::top("maze-title").show(&mut root, |ui| {
        let mut title = |ui: &mut egui::Ui| {
            let back = ui.button("◀ Title");
            ui_state::expose_button(ui.ctx(), "maze/Title", back.rect);
            if back.clicked() {
                actions.write(LevelAction::ShowTitle);
            }
            ui.heading("Water maze");
            ui.add(egui::Label::new("A mouse learns where the hidden platform is, with spiking neurons and a reward (Vasilaki et al. 2009).").wrap());
        };
        let mut export = |ui: &mut egui::Ui| {
            let export = ui
                .button("⬇ CSV")
                .on_hover_text("Save the latency of every finished trial as a CSV file");
            ui_state::expose_button(ui.ctx(), "maze/CSV", export.rect);
            if export.clicked() {
                scene.export(&doc.folder());
            }
            if let Some(notice) = &scene.notice {
                ui.weak(notice);
            }
        };
        if portrait {
            ui.horizontal_wrapped(|ui| {
                title(ui);
                export(ui);
            });
        } else {
            ui.horizontal(|ui| {
                title(ui);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), export);
            });
        }
    });
    if portrait {
        // One column: the pool on top, then the mouse's brain, the latencies and the controls.
        egui::CentralPanel::default_margins().show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let width = ui.available_width();
                let (pool_rect, _) = ui
                    .allocate_exact_size(egui::vec2(width, width.min(520.0)), egui::Sense::hover());
                draw_pool(&ui.painter_at(pool_rect), pool_rect, &scene);
                let (ring_rect, _) =
                    ui.allocate_exact_size(egui::vec2(width, 220.0), egui::Sense::hover());
                draw_ring(&ui.painter_at(ring_rect), ring_rect, &scene);
                ui.allocate_ui(egui::vec2(width, 220.0), |ui| place_raster(ui, &scene));
                ui.allocate_ui(egui::vec2(width, 250.0), |ui| latency_plot(ui, &scene));
                controls(ui, &mut scene);
            });
        });
        return Ok(());
    }
    egui::Panel::left("maze-controls")
        .exact_size(300.0)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| controls(ui, &mut scene));
        });
    egui::Panel::bottom("maze-latency")
        .exact_size(250.0)
        .show(&mut root, |ui| latency_plot(ui, &scene));
    egui::CentralPanel::default_margins().show(&mut root, |ui| {
        let full = ui.available_rect_before_wrap();
        let pool_side = full.height().min(full.width() * 0.6);
        let pool_rect = egui::Rect::from_min_size(full.min, egui::vec2(pool_side, full.height()));
        let side =
            egui::Rect::from_min_max(egui::pos2(pool_rect.right() + 12.0, full.top()), full.max);
        draw_pool(&ui.painter_at(pool_rect), pool_rect, &scene);
        let ring_rect =
            egui::Rect::from_min_size(side.min, egui::vec2(side.width(), side.height() * 0.45));
        draw_ring(&ui.painter_at(ring_rect), ring_rect, &scene);
        let raster_rect =
            egui::Rect::from_min_max(egui::pos2(side.left(), ring_rect.bottom() + 6.0), side.max);
        ui.scope_builder(egui::UiBuilder::new().max_rect(raster_rect), |ui| {
            place_raster(ui, &scene);
        });
    });
    Ok(())
}

/// Advances the scene by the frame's wall time; the screen only draws what it did.
fn step_maze(mut scene: ResMut<MazeScene>, time: Res<Time<Real>>) {
    step_for_frame(&mut scene, time.delta_secs_f64());
}

/// Runs the steps this frame owes: real time × speed, or as many as fit while fast-forwarding.
/// Steps the frame budget cuts off are not owed later (that would snowball); the speed
/// reached is reported instead.
fn step_for_frame(scene: &mut MazeScene, frame_s: f64) {
    let dt = scene.mouse.params.dt_s;
    let started = bevy::platform::time::Instant::now();
    if scene.fast_forward_to.is_some() {
        while scene.fast_forward_to.is_some() && started.elapsed().as_secs_f64() < FRAME_BUDGET_S {
            scene.advance(200);
        }
        return;
    }
    if !scene.running {
        return;
    }
    let owed = scene.carry + scene.speed * frame_s.min(0.1) / dt;
    let steps = owed.floor();
    scene.carry = owed - steps;
    let mut left = steps as u64;
    while left > 0 && started.elapsed().as_secs_f64() < FRAME_BUDGET_S {
        let chunk = left.min(100);
        scene.advance(chunk);
        left -= chunk;
    }
    scene.falling_behind = match (left, frame_s > 0.0) {
        (0, _) | (_, false) => None,
        (_, true) => {
            let reached = (steps - left as f64) * dt / frame_s.min(0.1);
            let before = scene.falling_behind.unwrap_or(reached);
            Some(0.8 * before + 0.2 * reached)
        }
    };
}

fn controls(ui: &mut egui::Ui, scene: &mut MazeScene) {
    let trials = scene.mouse.records().len();
    ui.heading(format!("Trial {}", trials + 1));
    ui.label(format!(
        "{:.1} s in the water (gives up at {:.0} s)",
        scene.mouse.trial_time_s(),
        scene.mouse.params.timeout_s
    ));
    ui.horizontal(|ui| {
        let label = if scene.running {
            "⏸ Pause"
        } else {
            "▶ Run"
        };
        if ui.button(label).clicked() {
            scene.running = !scene.running;
        }
        if ui
            .button("⟲ New mouse")
            .on_hover_text("A naive mouse with this seed and these settings")
            .clicked()
        {
            scene.restart();
        }
    });
    ui.label("Speed (simulated time per second)");
    ui.add(
        egui::Slider::new(&mut scene.speed, 0.1..=50.0)
            .logarithmic(true)
            .suffix(" ×"),
    );
    if let Some(reached) = scene.falling_behind {
        ui.colored_label(
            egui::Color32::from_rgb(213, 94, 0),
            format!(
                "This device keeps up with {reached:.1} × only: the mouse swims slower than asked."
            ),
        );
    }
    ui.separator();
    ui.strong("Fast-forward");
    match scene.fast_forward_to {
        Some(target) => {
            let from = scene.fast_forward_from;
            let done = (trials - from) as f32 / (target - from).max(1) as f32;
            ui.add(
                egui::ProgressBar::new(done)
                    .text(format!("trial {} of {target}", trials + 1))
                    .animate(true),
            );
            if ui.button("Stop").clicked() {
                scene.fast_forward_to = None;
            }
        }
        None => {
            ui.horizontal(|ui| {
                for (label, n) in [("+1 trial", 1), ("+4", 4), ("+20", 20)] {
                    if ui.button(label).clicked() {
                        scene.fast_forward_from = trials;
                        scene.fast_forward_to = Some(trials + n);
                    }
                }
            });
        }
    }
    ui.separator();
    ui.strong("Mouse");
    ui.horizontal(|ui| {
        ui.label("Seed");
        ui.add(egui::DragValue::new(&mut scene.seed).range(0..=1_000_000));
    });
    ui.weak("The seed fixes everything the mouse does: the same seed swims the same path.");
    ui.separator();
    ui.strong("Learning rule");
    let before = (scene.tau_c_ms, scene.learning_rate);
    ui.label("τ_c, the Hebbian bias");
    ui.add(egui::Slider::new(&mut scene.tau_c_ms, 0.0..=20.0).suffix(" ms"));
    ui.weak("0 ms: pure policy gradient, which fails here. 5 ms: the paper's Hebbian bias.");
    ui.label("α, the learning rate");
    ui.add(egui::Slider::new(&mut scene.learning_rate, 0.0..=0.2));
    if before != (scene.tau_c_ms, scene.learning_rate) {
        scene
            .mouse
            .brain
            .set_learning(scene.tau_c_ms * 1e-3, scene.learning_rate);
    }
    ui.separator();
    ui.strong("What you see");
    ui.label("Pool: the mouse (dot and arrow), this trial's path (blue), the last one (grey), the hidden platform (green ring).");
    ui.label(
        "Arrows: where the learned weights would send the mouse from each place; longer is surer.",
    );
    ui.label("Ring: 36 action cells; the bump of activity sets the heading, read every 100 ms.");
    ui.label("Reward: +1 on the platform, −1 at each new wall contact.");
}

/// Pool coordinates (m, y up) to screen points.
struct PoolView {
    centre: egui::Pos2,
    px_per_m: f32,
}

impl PoolView {
    fn at(&self, p: [f64; 2]) -> egui::Pos2 {
        self.centre + egui::vec2(p[0] as f32, -p[1] as f32) * self.px_per_m
    }
    fn dir(&self, angle: f64, length_px: f32) -> egui::Vec2 {
        egui::vec2(angle.cos() as f32, -angle.sin() as f32) * length_px
    }
}

fn draw_pool(painter: &egui::Painter, rect: egui::Rect, scene: &MazeScene) {
    let mouse = &scene.mouse;
    let pool = &mouse.pool;
    let view = PoolView {
        centre: rect.center(),
        px_per_m: 0.46 * rect.width().min(rect.height()) / pool.radius_m as f32,
    };
    let r_px = pool.radius_m as f32 * view.px_per_m;
    painter.circle(
        view.centre,
        r_px,
        WATER,
        egui::Stroke::new(3.0, egui::Color32::from_gray(90)),
    );
    for &(at, angle, sharpness) in &scene.policy {
        let length = 6.0 + 22.0 * sharpness as f32;
        painter.arrow(
            view.at(at) - view.dir(angle, length) * 0.5,
            view.dir(angle, length),
            egui::Stroke::new(1.5, ARROW),
        );
    }
    painter.circle_stroke(
        view.at(pool.platform_centre_m),
        pool.platform_radius_m as f32 * view.px_per_m,
        egui::Stroke::new(2.5, PLATFORM),
    );
    let line = |path: &[[f64; 2]], colour, width| {
        let points: Vec<egui::Pos2> = path.iter().map(|&p| view.at(p)).collect();
        painter.add(egui::Shape::line(points, egui::Stroke::new(width, colour)));
    };
    line(mouse.previous_path(), OLD_PATH, 1.5);
    line(mouse.path(), PATH, 2.0);
    let here = view.at(pool.position_m);
    painter.circle_filled(here, 7.0, egui::Color32::from_gray(60));
    painter.arrow(
        here,
        view.dir(mouse.heading_rad(), 24.0),
        egui::Stroke::new(2.5, egui::Color32::from_gray(30)),
    );
    painter.text(
        rect.left_top() + egui::vec2(4.0, 4.0),
        egui::Align2::LEFT_TOP,
        "Pool, 2 m across",
        egui::FontId::proportional(15.0),
        egui::Color32::from_gray(70),
    );
}

fn draw_ring(painter: &egui::Painter, rect: egui::Rect, scene: &MazeScene) {
    let centre = rect.center();
    let radius = 0.36 * rect.width().min(rect.height());
    let n = scene.ring_activity.len();
    let peak = scene.ring_activity.iter().copied().fold(50.0f64, f64::max);
    for (i, &rate) in scene.ring_activity.iter().enumerate() {
        let a = crate::sim::place::ring_angle(i, n);
        let at = centre + egui::vec2(a.cos() as f32, -a.sin() as f32) * radius;
        let level = (rate / peak).clamp(0.0, 1.0) as f32;
        painter.circle(
            at,
            6.0 + 4.0 * level,
            crate::app::panels::meters::activity_colour(level),
            egui::Stroke::new(1.0, egui::Color32::from_gray(120)),
        );
    }
    let heading = scene.mouse.heading_rad();
    painter.arrow(
        centre,
        egui::vec2(heading.cos() as f32, -heading.sin() as f32) * radius * 0.8,
        egui::Stroke::new(3.0, egui::Color32::from_gray(30)),
    );
    painter.text(
        rect.left_top() + egui::vec2(4.0, 4.0),
        egui::Align2::LEFT_TOP,
        "Action ring: the bump and the heading it reads",
        egui::FontId::proportional(15.0),
        egui::Color32::from_gray(70),
    );
    let total: f64 = scene.mouse.brain.action_rates_hz().iter().sum();
    painter.text(
        rect.left_bottom() + egui::vec2(4.0, -4.0),
        egui::Align2::LEFT_BOTTOM,
        format!("ring rate {total:.0} Hz in all"),
        egui::FontId::proportional(13.0),
        egui::Color32::from_gray(90),
    );
}

fn place_raster(ui: &mut egui::Ui, scene: &MazeScene) {
    let now = scene.time_s;
    let points: Vec<[f64; 2]> = scene
        .place_spikes
        .iter()
        .map(|&(t, cell)| [t - now, f64::from(cell)])
        .collect();
    ui.label(format!(
        "Place cells: spikes of the last second ({} cells; each fires near its own place)",
        scene.mouse.brain.place_fields().len()
    ));
    Plot::new("maze-raster")
        .x_axis_label("time (s, 0 = now)")
        .y_axis_label("place cell")
        .include_x(-RASTER_WINDOW_S)
        .include_x(0.0)
        .include_y(0.0)
        .include_y(scene.mouse.brain.place_fields().len() as f64)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            p.points(Points::new("spikes", points).radius(1.6).color(SPIKE));
        });
}

fn latency_plot(ui: &mut egui::Ui, scene: &MazeScene) {
    let records = scene.mouse.records();
    let timeout = scene.mouse.params.timeout_s;
    let found: Vec<[f64; 2]> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.timed_out)
        .map(|(t, r)| [t as f64 + 1.0, r.latency_s])
        .collect();
    let gave_up: Vec<[f64; 2]> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.timed_out)
        .map(|(t, _)| [t as f64 + 1.0, timeout])
        .collect();
    let mut blocks = Vec::new();
    for (b, block) in records.chunks(4).enumerate() {
        let mean = block.iter().map(|r| r.latency_s).sum::<f64>() / block.len() as f64;
        blocks.push([4.0 * b as f64 + 0.5, mean]);
        blocks.push([4.0 * b as f64 + block.len() as f64 + 0.5, mean]);
    }
    ui.label(format!(
        "Escape latency per trial ({}): blue found the platform, orange gave up; green is the mean of each block of 4 (one from each start). A naive mouse needs about 40 s; after 20 trials, usually under 20 s.",
        match records.len() {
            1 => "1 trial".to_owned(),
            n => format!("{n} trials"),
        }
    ));
    Plot::new("maze-latency")
        .x_axis_label("trial")
        .y_axis_label("escape latency (s)")
        .include_x(0.5)
        .include_x(20.5)
        .include_y(0.0)
        .include_y(timeout * 1.05)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            p.points(
                Points::new("found the platform", found)
                    .radius(4.0)
                    .color(PATH),
            );
            p.points(
                Points::new("gave up (timeout)", gave_up)
                    .radius(4.0)
                    .color(SPIKE),
            );
            p.line(Line::new("mean of 4 trials (one from each start)", blocks).color(PLATFORM));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_forward_stops_at_its_target_and_a_new_mouse_starts_naive() {
        let mut scene = MazeScene {
            fast_forward_to: Some(2),
            ..MazeScene::default()
        };
        while scene.fast_forward_to.is_some() {
            scene.advance(1000);
        }
        assert_eq!(scene.mouse.records().len(), 2);
        assert!(
            scene
                .place_spikes
                .iter()
                .all(|&(t, _)| t >= scene.time_s - RASTER_WINDOW_S)
        );
        scene.refresh_policy();
        assert!(!scene.policy.is_empty());
        scene.speed = 20.0;
        scene.restart();
        assert_eq!((scene.mouse.records().len(), scene.speed), (0, 20.0));
        let naive = Mouse::new(scene.mouse.params.clone(), scene.seed);
        assert_eq!(scene.mouse.brain.weights(), naive.brain.weights());
    }
}
