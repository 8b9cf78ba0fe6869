//! The canvas view: which part of the canvas the window shows (centre and zoom), the screen ↔
//! canvas conversions every gesture needs, zoom clamping, and fit-to-view. The view is a
//! resource of its own, copied to the camera each frame, so gestures work (and are tested)
//! without a renderer. Canvas coordinates are screen-like (y down, as in Neuronify files).

use bevy::prelude::*;

use crate::app::AppSystems;
use crate::editor::{Document, DocumentReplaced};

/// Zoom limits: canvas pixels per screen pixel.
pub const MIN_SCALE: f32 = 0.1;
pub const MAX_SCALE: f32 = 20.0;

#[derive(Resource, Debug, Clone, PartialEq)]
pub struct CanvasView {
    /// The canvas point at the centre of the free area.
    pub centre: Vec2,
    /// Canvas pixels per screen pixel (larger: zoomed out).
    pub scale: f32,
    /// Window size in logical pixels.
    pub viewport: Vec2,
    /// Screen space taken by panels: left, top, right, bottom.
    pub insets: [f32; 4],
    /// Drawers and sheets lying over the free area (screen rectangles): a press on them is
    /// theirs, not the canvas's, though the view does not move for them.
    pub overlays: Vec<Rect>,
    /// Until the user pans or zooms, the view refits when panels change size.
    pub auto_fit: bool,
    fitted_insets: [f32; 4],
    /// The document version fitted: once it is edited, the view stays where it is.
    fitted_version: (u64, u64),
    /// The area to show instead of the whole circuit (a Neuronify file's saved view), until
    /// the user moves the view.
    pub fit_rect: Option<[Vec2; 2]>,
}

impl Default for CanvasView {
    fn default() -> Self {
        Self {
            centre: Vec2::ZERO,
            scale: 1.0,
            viewport: Vec2::new(1280.0, 800.0),
            insets: [0.0; 4],
            overlays: Vec::new(),
            auto_fit: true,
            fitted_insets: [0.0; 4],
            fitted_version: (0, 0),
            fit_rect: None,
        }
    }
}

impl CanvasView {
    /// The middle of the part of the window not covered by panels, in screen pixels.
    fn free_centre(&self) -> Vec2 {
        let [l, t, r, b] = self.insets;
        Vec2::new(
            l + (self.viewport.x - l - r) / 2.0,
            t + (self.viewport.y - t - b) / 2.0,
        )
    }

    fn free_size(&self) -> Vec2 {
        let [l, t, r, b] = self.insets;
        Vec2::new(self.viewport.x - l - r, self.viewport.y - t - b).max(Vec2::splat(50.0))
    }

    /// Whether a screen point is on the canvas rather than on a panel or a drawer.
    pub fn in_free_area(&self, screen: Vec2) -> bool {
        let [l, t, r, b] = self.insets;
        screen.x >= l
            && screen.y >= t
            && screen.x <= self.viewport.x - r
            && screen.y <= self.viewport.y - b
            && !self.overlays.iter().any(|o| o.contains(screen))
    }

    pub fn to_canvas(&self, screen: Vec2) -> Vec2 {
        self.centre + (screen - self.free_centre()) * self.scale
    }

    pub fn to_screen(&self, canvas: Vec2) -> Vec2 {
        self.free_centre() + (canvas - self.centre) / self.scale
    }

    /// Screen pixels as canvas pixels (for hit radii that must stay finger-sized).
    pub fn canvas_len(&self, screen_px: f32) -> f32 {
        screen_px * self.scale
    }

    /// Moves the canvas with a drag of `screen_delta`.
    pub fn pan(&mut self, screen_delta: Vec2) {
        self.auto_fit = false;
        self.fit_rect = None;
        self.centre -= screen_delta * self.scale;
    }

    /// Zooms to `scale` (clamped) keeping the canvas point under `screen` fixed.
    pub fn zoom_to(&mut self, scale: f32, screen: Vec2) {
        self.auto_fit = false;
        self.fit_rect = None;
        let anchor = self.to_canvas(screen);
        self.scale = scale.clamp(MIN_SCALE, MAX_SCALE);
        self.centre += anchor - self.to_canvas(screen);
    }

    /// Shows every point of `points` with a margin, at a zoom no closer than 1:1.
    pub fn fit(&mut self, points: impl IntoIterator<Item = Vec2>) {
        self.auto_fit = true;
        self.fitted_insets = self.insets;
        let (mut lo, mut hi) = (Vec2::splat(f32::MAX), Vec2::splat(f32::MIN));
        for p in points {
            lo = lo.min(p);
            hi = hi.max(p);
        }
        if lo.x > hi.x {
            self.centre = Vec2::ZERO;
            self.scale = 1.0;
            return;
        }
        let size = hi - lo + Vec2::splat(240.0);
        let free = self.free_size();
        self.scale = (size.x / free.x).max(size.y / free.y).clamp(1.0, MAX_SCALE);
        self.centre = (lo + hi) / 2.0;
    }
}

/// Set to fit the view to the circuit at the next frame.
#[derive(Resource, Debug, Default)]
pub struct FitRequested(pub bool);

pub fn plugin(app: &mut App) {
    app.init_resource::<CanvasView>()
        .insert_resource(FitRequested(true))
        .add_systems(
            Update,
            (track_window, fit_on_request)
                .chain()
                .in_set(AppSystems::View),
        )
        .add_systems(Update, move_camera.in_set(AppSystems::Draw));
}

fn track_window(
    windows: Query<&Window>,
    mut view: ResMut<CanvasView>,
    mut replaced: MessageReader<DocumentReplaced>,
    mut fit: ResMut<FitRequested>,
) {
    if let Ok(window) = windows.single() {
        let size = Vec2::new(window.width(), window.height());
        if view.viewport != size {
            view.viewport = size;
        }
    }
    if replaced.read().count() > 0 {
        fit.0 = true;
    }
}

fn fit_on_request(mut fit: ResMut<FitRequested>, doc: Res<Document>, mut view: ResMut<CanvasView>) {
    // Panels settle in the first frames after opening (the meter dock comes and goes).
    let version = (doc.generation(), doc.revision());
    let settling =
        view.auto_fit && view.fitted_insets != view.insets && view.fitted_version == version;
    if fit.0 || settling {
        fit.0 = false;
        match view.fit_rect {
            Some(rect) => view.fit(rect),
            None => view.fit(doc.circuit().placed_items().map(|(_, p)| p)),
        }
        view.fitted_version = version;
    }
}

/// Canvas (y down) to world (y up).
pub fn to_world(p: Vec2) -> Vec2 {
    Vec2::new(p.x, -p.y)
}

fn move_camera(
    view: Res<CanvasView>,
    mut camera: Query<(&mut Transform, &mut Projection), With<Camera2d>>,
) {
    let Ok((mut transform, mut projection)) = camera.single_mut() else {
        return;
    };
    // The camera looks at the window's centre; the free area's centre may be off it.
    let window_centre = view.to_canvas(view.viewport / 2.0);
    let target = to_world(window_centre).extend(transform.translation.z);
    if transform.translation != target {
        transform.translation = target;
    }
    if let Projection::Orthographic(ortho) = projection.as_mut()
        && ortho.scale != view.scale
    {
        ortho.scale = view.scale;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_and_canvas_round_trip_and_zoom_keeps_the_anchor() {
        let mut view = CanvasView {
            insets: [200.0, 50.0, 300.0, 0.0],
            ..default()
        };
        let p = Vec2::new(700.0, 300.0);
        assert!((view.to_screen(view.to_canvas(p)) - p).length() < 1e-4);
        let anchor = view.to_canvas(p);
        view.zoom_to(2.5, p);
        assert!((view.to_canvas(p) - anchor).length() < 1e-3);
        view.zoom_to(1e6, p);
        assert_eq!(view.scale, MAX_SCALE, "zoom is clamped");
        view.pan(Vec2::new(10.0, 0.0));
        assert!(
            (view.to_canvas(p) - anchor).x < 0.0,
            "dragging right shows what is left"
        );
    }

    #[test]
    fn fit_shows_every_item_in_the_free_area() {
        let mut view = CanvasView {
            insets: [200.0, 50.0, 300.0, 0.0],
            ..default()
        };
        let items = [Vec2::new(-2000.0, 0.0), Vec2::new(2000.0, 900.0)];
        view.fit(items);
        for p in items {
            let s = view.to_screen(p);
            assert!(
                s.x > 200.0 && s.x < 980.0 && s.y > 50.0 && s.y < 800.0,
                "{s}"
            );
        }
    }
}
