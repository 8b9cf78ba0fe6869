//! The egui layout: one pass lays out the playback bar (top), the palette (left), the
//! properties panel (right), the meters dock and the hint line (bottom), so panels share the
//! window without overlap — or, on a narrow screen, the canvas takes the screen and the
//! palette and properties slide over it as drawers ([`fit`]). The free area left in the
//! middle is the canvas; its insets and the drawers over it go to the view, where things are
//! goes to [`ScreenRects`], and whether the pointer or keyboard is taken by egui goes to
//! [`UiFocus`]. The panels are the [`playback`] bar, the [`palette`], the [`properties`] and
//! the [`meters`] dock.

pub mod fit;
pub mod meters;
pub mod palette;
pub mod playback;
pub mod properties;

use bevy::input::touch::TouchInput;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::app::UiSystems;
use crate::app::levels::ui as level_ui;
use crate::app::sandbox::view::CanvasView;
use crate::app::screens::Screen;
use crate::app::ui_state::{self, Hint, ScreenRects, Selection, Tool, UiFocus};
use crate::editor::Document;
use fit::{Drawer, Drawers, Fit, PALETTE_WIDTH, SIDE_PANEL_WIDTH};

pub fn plugin(app: &mut App) {
    app.add_plugins((playback::plugin, meters::plugin, properties::plugin))
        .init_resource::<Drawers>()
        .init_resource::<ScreenRects>()
        .add_systems(
            EguiPrimaryContextPass,
            (
                layout.in_set(UiSystems::Panels),
                read_focus.in_set(UiSystems::Focus),
            ),
        );
}

/// Finger-friendly sizes: buttons at least 48 px tall, sliders a finger can grab, no text
/// under 14 px. Under a finger (a touch seen, or a screen too narrow for docked panels) every
/// control is at least 48 × 48 px, per the touch guidelines; under a mouse, fields and
/// sliders are 32 px tall.
fn style(ctx: &egui::Context, finger: bool) {
    // Light panels beside the light canvas.
    ctx.set_theme(egui::Theme::Light);
    let control_height = if finger { 48.0 } else { 32.0 };
    ctx.all_styles_mut(|style| {
        style.spacing.interact_size = egui::vec2(48.0, control_height);
        // Buttons at least 48 px tall: a fingertip, per the touch guidelines.
        style.spacing.button_padding = egui::vec2(12.0, 15.0);
        style.spacing.slider_width = 150.0;
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style
            .text_styles
            .insert(egui::TextStyle::Body, egui::FontId::proportional(15.0));
        style
            .text_styles
            .insert(egui::TextStyle::Button, egui::FontId::proportional(15.0));
        style
            .text_styles
            .insert(egui::TextStyle::Small, egui::FontId::proportional(14.0));
        style
            .text_styles
            .insert(egui::TextStyle::Monospace, egui::FontId::monospace(14.0));
    });
}

/// The docked panels and what they share (the document), taking turns.
type Panels = (
    playback::TopBar<'static>,
    palette::Palette<'static>,
    properties::Properties<'static, 'static>,
    Res<'static, Hint>,
    meters::MeterDock<'static, 'static>,
    Res<'static, Document>,
    level_ui::LevelUi<'static>,
    (Res<'static, Selection>, ResMut<'static, Tool>),
);

/// What the layout keeps from frame to frame.
#[derive(Default)]
struct LayoutMemory {
    /// The style set, for a finger (true) or a mouse.
    styled_for: Option<bool>,
    /// Whether a touch has been seen: from then on, controls are finger-sized.
    touched: bool,
    /// Screen rectangles of the panels this frame, for the pointer test.
    taken: Vec<egui::Rect>,
}

#[allow(
    clippy::too_many_arguments,
    reason = "a Bevy system names each resource it touches"
)]
fn layout(
    mut contexts: EguiContexts,
    mut panels: ParamSet<Panels>,
    time: Res<Time<Real>>,
    mut view: ResMut<CanvasView>,
    mut focus: ResMut<UiFocus>,
    mut drawers: ResMut<Drawers>,
    mut rects: ResMut<ScreenRects>,
    mut touches: MessageReader<TouchInput>,
    mut memory: Local<LayoutMemory>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let screen = ctx.viewport_rect();
    let fit = Fit::for_size(screen.size());
    memory.touched |= touches.read().count() > 0;
    let finger = fit.drawers() || memory.touched;
    if memory.styled_for != Some(finger) {
        style(&ctx, finger);
        memory.styled_for = Some(finger);
    }
    let mut root = egui::Ui::new(
        ctx.clone(),
        "panels-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(screen),
    );
    memory.taken.clear();
    // The title and the level map take the whole window; the canvas waits behind them.
    if panels.p6().full_screen(&mut root, fit) {
        focus.pointer = true;
        rects.canvas = None;
        return Ok(());
    }
    let in_level = panels.p6().screen() == Screen::Level;
    let hint = panels
        .p3()
        .visible(time.elapsed_secs_f64())
        .map(str::to_owned);
    let taken = &mut memory.taken;
    let mut docked = |name: &str, rect: egui::Rect| {
        ui_state::expose_panel(&ctx, name, rect);
        taken.push(rect);
    };
    docked(
        "top bar",
        egui::Panel::top("playback")
            .show(&mut root, |ui| panels.p0().show(ui, fit.drawers()))
            .response
            .rect,
    );
    if in_level && let Some(rect) = panels.p6().goal_bar(&mut root, fit.drawers()) {
        docked("goal", rect);
    }
    let hint_bar = egui::Panel::bottom("hint");
    // On a desktop the line keeps one height; on a narrow screen it wraps instead.
    let hint_bar = if fit.drawers() {
        hint_bar
    } else {
        hint_bar.exact_size(30.0)
    };
    docked(
        "hint",
        hint_bar
            .show(&mut root, |ui| {
                let text = match &hint {
                    Some(text) => egui::RichText::new(text).strong(),
                    None if in_level => egui::RichText::new("Build the circuit, then press Check. Select an item to see whether the level lets you change it.").weak(),
                    None if fit.drawers() => egui::RichText::new("Tap + Add, then the canvas, to place an item. Drag empty space to pan, pinch to zoom.").weak(),
                    None => egui::RichText::new("Tap the palette, then the canvas, to place an item. Drag empty space to pan, wheel or pinch to zoom.").weak(),
                };
                ui.horizontal_centered(|ui| ui.add(egui::Label::new(text).wrap()));
            })
            .response
            .rect,
    );
    if panels.p4().has_plots() {
        let dock = match fit {
            Fit::Docked => egui::Panel::bottom("meters")
                .resizable(true)
                .default_size(230.0)
                .min_size(120.0),
            // Folded to a strip a finger can pull up, or up over part of the screen.
            Fit::Drawers { .. } if drawers.plots_up => {
                egui::Panel::bottom("meters-up").exact_size((screen.height() * 0.45).max(200.0))
            }
            Fit::Drawers { .. } => egui::Panel::bottom("meters-strip").exact_size(56.0),
        };
        let rect = dock
            .show(&mut root, |ui| {
                if fit.drawers() {
                    plots_handle(ui, &mut drawers, panels.p4().plot_count());
                }
                if !fit.drawers() || drawers.plots_up {
                    panels.p4().show(ui, fit);
                }
            })
            .response
            .rect;
        docked("meters", rect);
    }
    if fit == Fit::Docked {
        docked(
            "palette",
            egui::Panel::left("palette")
                .exact_size(PALETTE_WIDTH)
                .show(&mut root, |ui| panels.p1().show(ui))
                .response
                .rect,
        );
        docked(
            "properties",
            egui::Panel::right("properties")
                // A fixed width: a panel that grows with its content would shift the canvas.
                .exact_size(SIDE_PANEL_WIDTH)
                .show(&mut root, |ui| panels.p2().show(ui))
                .response
                .rect,
        );
    }
    let free = root.available_rect_before_wrap();
    let items = panels.p5().circuit().placed_items().count();
    let overlays = match fit {
        Fit::Docked => Vec::new(),
        Fit::Drawers { portrait } => {
            let (selection, tool) = panels.p7();
            let selected = selection.primary().map(str::to_owned);
            drawers.follow(selected.as_deref(), items, &tool);
            let covered = slide_over(&ctx, free, portrait, &mut drawers, &mut panels);
            if drawers.open == Some(Drawer::Properties)
                && let Some(id) = &selected
            {
                let doc = panels.p5();
                let at = doc.circuit().placed_items().find(|(i, _)| i == id);
                if let (Some((_, at)), Some(sheet)) = (at, covered.first()) {
                    reveal(&mut view, at, free, *sheet);
                }
            }
            covered
        }
    };
    panels.p6().verdict_window(&ctx, fit);
    if items == 0 && overlays.len() <= 1 {
        welcome(&mut root, free, fit);
    }
    let insets = [
        free.left() - screen.left(),
        free.top() - screen.top(),
        screen.right() - free.right(),
        screen.bottom() - free.bottom(),
    ];
    if view.insets != insets {
        view.insets = insets;
    }
    let covered: Vec<Rect> = overlays
        .iter()
        .map(|r| Rect::new(r.min.x, r.min.y, r.max.x, r.max.y))
        .collect();
    if view.overlays != covered {
        view.overlays = covered;
    }
    rects.canvas = Some(free);
    // Panels on the background layer are invisible to egui's own hover test: check them here.
    focus.pointer = ctx
        .pointer_latest_pos()
        .is_some_and(|p| memory.taken.iter().chain(&overlays).any(|r| r.contains(p)));
    Ok(())
}

/// Moves the view so the item at canvas point `at` is not hidden under `sheet`: it goes to
/// the middle of what the sheet leaves of the free area.
fn reveal(view: &mut CanvasView, at: Vec2, free: egui::Rect, sheet: egui::Rect) {
    let screen = view.to_screen(at);
    if !sheet.expand(24.0).contains(egui::pos2(screen.x, screen.y)) {
        return;
    }
    let left = if sheet.top() > free.top() + 1.0 {
        egui::Rect::from_min_max(free.min, egui::pos2(free.right(), sheet.top()))
    } else {
        egui::Rect::from_min_max(free.min, egui::pos2(sheet.left(), free.bottom()))
    };
    let target = left.center();
    view.pan(Vec2::new(target.x, target.y) - screen);
}

/// The strip that folds the plots away or pulls them up.
fn plots_handle(ui: &mut egui::Ui, drawers: &mut Drawers, plots: usize) {
    let plural = if plots == 1 { "" } else { "s" };
    let text = if drawers.plots_up {
        format!("▼ Hide the plot{plural}")
    } else {
        format!("▲ Show {plots} plot{plural}")
    };
    let handle = ui.add_sized([ui.available_width(), 48.0], egui::Button::new(text));
    ui_state::expose_button(ui.ctx(), "plots", handle.rect);
    if handle.clicked() {
        drawers.plots_up = !drawers.plots_up;
    }
}

/// The drawers over the free canvas area `free` on a narrow screen, and the buttons that
/// bring them in; returns the screen rectangles they cover.
fn slide_over(
    ctx: &egui::Context,
    free: egui::Rect,
    portrait: bool,
    drawers: &mut Drawers,
    panels: &mut ParamSet<Panels>,
) -> Vec<egui::Rect> {
    let mut covered = Vec::new();
    let mut layer = egui::Ui::new(
        ctx.clone(),
        "drawers".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::new(
                egui::Order::Middle,
                egui::Id::new("drawers"),
            ))
            .max_rect(free),
    );
    let mut close = false;
    let header = |ui: &mut egui::Ui, title: &str, close: &mut bool| {
        ui.horizontal(|ui| {
            ui.strong(title);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let button = ui.button("✖ Close");
                ui_state::expose_button(ui.ctx(), "close drawer", button.rect);
                *close |= button.clicked();
            });
        });
        ui.separator();
    };
    match drawers.open {
        Some(Drawer::Palette) => {
            let width = (free.width() * 0.85).min(300.0);
            let panel =
                egui::Panel::left("palette-drawer")
                    .exact_size(width)
                    .show(&mut layer, |ui| {
                        header(ui, "Add an item", &mut close);
                        panels.p1().show(ui);
                    });
            ui_state::expose_panel(ctx, "palette", panel.response.rect);
            covered.push(panel.response.rect);
        }
        Some(Drawer::Properties) => {
            let title = if panels.p2().has_item() {
                "Properties"
            } else {
                "Details"
            };
            let mut show = |ui: &mut egui::Ui, close: &mut bool| {
                header(ui, title, close);
                panels.p2().show(ui);
            };
            let panel = if portrait {
                let height = (free.height() * 0.5).max(260.0).min(free.height() - 48.0);
                egui::Panel::bottom("properties-sheet")
                    .exact_size(height)
                    .show(&mut layer, |ui| show(ui, &mut close))
            } else {
                let width = (free.width() * 0.45).clamp(SIDE_PANEL_WIDTH.min(free.width()), 380.0);
                egui::Panel::right("properties-drawer")
                    .exact_size(width)
                    .show(&mut layer, |ui| show(ui, &mut close))
            };
            ui_state::expose_panel(ctx, "properties", panel.response.rect);
            covered.push(panel.response.rect);
        }
        None => {}
    }
    if close {
        drawers.open = None;
    }
    // The buttons that bring the drawers in, at the bottom right of what the drawers leave.
    let visible = layer.available_rect_before_wrap();
    let buttons = egui::Area::new(egui::Id::new("drawer-buttons"))
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::RIGHT_BOTTOM)
        .fixed_pos(visible.right_bottom() - egui::vec2(12.0, 12.0))
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let big = |text: &str| {
                    egui::Button::new(egui::RichText::new(text).size(17.0).strong())
                        .min_size(egui::vec2(56.0, 56.0))
                        .corner_radius(28.0)
                };
                // On a tablet there is no Esc key: wiring ends with a tap.
                if matches!(*panels.p7().1, Tool::Connect { .. }) {
                    let done = ui.add(big("✔ Done wiring"));
                    ui_state::expose_button(ui.ctx(), "done wiring", done.rect);
                    if done.clicked() {
                        *panels.p7().1 = Tool::Select;
                    }
                }
                // Beside an open palette there is room for one button: the one that closes it.
                if drawers.open != Some(Drawer::Palette) {
                    let details = ui.add(big("☰ Details"));
                    ui_state::expose_button(ui.ctx(), "details", details.rect);
                    if details.clicked() {
                        drawers.toggle(Drawer::Properties);
                    }
                }
                let add = ui.add(big("+ Add").fill(egui::Color32::from_rgb(214, 238, 226)));
                ui_state::expose_button(ui.ctx(), "add", add.rect);
                if add.clicked() {
                    drawers.toggle(Drawer::Palette);
                }
            });
        });
    covered.push(buttons.response.rect);
    covered
}

/// What an empty canvas says, centred in it.
fn welcome(root: &mut egui::Ui, free: egui::Rect, fit: Fit) {
    let width = (free.width() - 24.0).min(460.0);
    let area = egui::Rect::from_center_size(free.center(), egui::vec2(width, 160.0));
    root.scope_builder(egui::UiBuilder::new().max_rect(area), |ui| {
        ui.vertical_centered(|ui| {
            ui.heading("An empty circuit");
            ui.label(if fit.drawers() {
                "Tap + Add to pick an item, then tap the canvas to place it."
            } else {
                "Pick an item in the palette on the left, then tap the canvas to place it."
            });
            ui.label("Drag from a selected item's green handle to a neuron to wire them.");
            ui.label("Or open a ready-made circuit from the Examples menu.");
        });
    });
}

/// Windows and popups, text fields and drags in progress take the pointer and keyboard.
/// The pass is over: what it exposed becomes [`ScreenRects`].
fn read_focus(
    mut contexts: EguiContexts,
    mut focus: ResMut<UiFocus>,
    mut rects: ResMut<ScreenRects>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    ui_state::collect_exposed(ctx, &mut rects);
    let over_window = ctx.pointer_latest_pos().is_some_and(|p| {
        ctx.layer_id_at(p)
            .is_some_and(|layer| layer.order != egui::Order::Background)
    });
    focus.pointer |= over_window || ctx.egui_is_using_pointer();
    focus.keyboard = ctx.egui_wants_keyboard_input();
    Ok(())
}
