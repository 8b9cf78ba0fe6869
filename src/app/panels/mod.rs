//! The egui layout: one pass lays out the playback bar (top), the palette (left), the
//! properties panel (right) and the hint line (bottom), so panels share the window without
//! overlap. The free area left in the middle is the canvas; its insets go to the view, and
//! whether the pointer or keyboard is taken by egui goes to [`UiFocus`]. The panels are the
//! [`playback`] bar, the [`palette`], the [`properties`] and the [`meters`] dock.

pub mod meters;
pub mod palette;
pub mod playback;
pub mod properties;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::app::UiSystems;
use crate::app::levels::ui as level_ui;
use crate::app::sandbox::view::CanvasView;
use crate::app::screens::Screen;
use crate::app::ui_state::{Hint, UiFocus};
use crate::editor::Document;

pub fn plugin(app: &mut App) {
    app.add_plugins((playback::plugin, meters::plugin, properties::plugin))
        .add_systems(
            EguiPrimaryContextPass,
            (
                layout.in_set(UiSystems::Panels),
                read_focus.in_set(UiSystems::Focus),
            ),
        );
}

/// Touch-friendly sizes: 48 px buttons and sliders a finger can grab.
fn style(ctx: &egui::Context) {
    // Light panels beside the light canvas.
    ctx.set_theme(egui::Theme::Light);
    ctx.all_styles_mut(|style| {
        style.spacing.interact_size = egui::vec2(48.0, 32.0);
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
    });
}

/// The docked panels and what they share (the document), taking turns.
type Panels = (
    playback::TopBar<'static>,
    palette::Palette<'static>,
    properties::Properties<'static, 'static>,
    Res<'static, Hint>,
    meters::MeterDock<'static>,
    Res<'static, Document>,
    level_ui::LevelUi<'static>,
);

#[allow(
    clippy::too_many_arguments,
    reason = "a Bevy system names each resource it touches"
)]
fn layout(
    mut contexts: EguiContexts,
    mut panels: ParamSet<Panels>,
    time: Res<Time<Real>>,
    mut view: ResMut<CanvasView>,
    mut rects: Local<Vec<egui::Rect>>,
    mut focus: ResMut<UiFocus>,
    mut styled: Local<bool>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if !*styled {
        style(&ctx);
        *styled = true;
    }
    let mut root = egui::Ui::new(
        ctx.clone(),
        "panels-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    rects.clear();
    // The title and the level map take the whole window; the canvas waits behind them.
    if panels.p6().full_screen(&mut root) {
        focus.pointer = true;
        return Ok(());
    }
    let in_level = panels.p6().screen() == Screen::Level;
    let hint = panels
        .p3()
        .visible(time.elapsed_secs_f64())
        .map(str::to_owned);
    rects.push(
        egui::Panel::top("playback")
            .show(&mut root, |ui| panels.p0().show(ui))
            .response
            .rect,
    );
    if in_level && let Some(rect) = panels.p6().goal_bar(&mut root) {
        rects.push(rect);
    }
    rects.push(
        egui::Panel::bottom("hint")
            .exact_size(30.0)
            .show(&mut root, |ui| {
                ui.horizontal_centered(|ui| match &hint {
                    Some(text) => ui.strong(text),
                    None if in_level => ui.weak("Build the circuit, then press Check. Select an item to see whether the level lets you change it."),
                    None => ui.weak("Tap the palette, then the canvas, to place an item. Drag empty space to pan, wheel or pinch to zoom."),
                });
            })
            .response
            .rect,
    );
    if panels.p4().has_plots() {
        rects.push(
            egui::Panel::bottom("meters")
                .resizable(true)
                .default_size(230.0)
                .min_size(120.0)
                .show(&mut root, |ui| panels.p4().show(ui))
                .response
                .rect,
        );
    }
    rects.push(
        egui::Panel::left("palette")
            .exact_size(210.0)
            .show(&mut root, |ui| panels.p1().show(ui))
            .response
            .rect,
    );
    rects.push(
        egui::Panel::right("properties")
            // A fixed width: a panel that grows with its content would shift the canvas.
            .exact_size(300.0)
            .show(&mut root, |ui| panels.p2().show(ui))
            .response
            .rect,
    );
    let free = root.available_rect_before_wrap();
    panels.p6().verdict_window(&ctx);
    if panels.p5().circuit().placed_items().next().is_none() {
        welcome(&mut root, free);
    }
    let screen = ctx.viewport_rect();
    let insets = [
        free.left() - screen.left(),
        free.top() - screen.top(),
        screen.right() - free.right(),
        screen.bottom() - free.bottom(),
    ];
    if view.insets != insets {
        view.insets = insets;
    }
    // Panels on the background layer are invisible to egui's own hover test: check them here.
    focus.pointer = ctx
        .pointer_latest_pos()
        .is_some_and(|p| rects.iter().any(|r| r.contains(p)));
    Ok(())
}

/// What an empty canvas says, centred in it.
fn welcome(root: &mut egui::Ui, free: egui::Rect) {
    let area = egui::Rect::from_center_size(free.center(), egui::vec2(460.0, 140.0));
    root.scope_builder(egui::UiBuilder::new().max_rect(area), |ui| {
        ui.vertical_centered(|ui| {
            ui.heading("An empty circuit");
            ui.label("Pick an item in the palette on the left, then tap the canvas to place it.");
            ui.label("Drag from a selected item's green handle to a neuron to wire them.");
            ui.label("Or open a ready-made circuit from the Examples menu.");
        });
    });
}

/// Windows and popups, text fields and drags in progress take the pointer and keyboard.
fn read_focus(mut contexts: EguiContexts, mut focus: ResMut<UiFocus>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let over_window = ctx.pointer_latest_pos().is_some_and(|p| {
        ctx.layer_id_at(p)
            .is_some_and(|layer| layer.order != egui::Order::Background)
    });
    focus.pointer |= over_window || ctx.egui_is_using_pointer();
    focus.keyboard = ctx.egui_wants_keyboard_input();
    Ok(())
}
