//! The canvas: lyon shapes for every circuit item, tessellated when an item appears or moves.
//! Per frame only colours change: each neuron's fill shows its membrane voltage and flashes
//! for ~100 ms of wall time on every spike, so spikes are visible at any speed. Excitatory and
//! inhibitory neurons differ by shape and sign (circle with +, diamond with −), not colour
//! alone; colours are from the Okabe–Ito palette. Synapses are curved arrows along which a
//! dot travels for the length of the delay; meters are tied to what they observe by dashed
//! lines; notes are text boxes. Selected items get a ring and a wiring handle.

use bevy::prelude::*;
use bevy_prototype_lyon::prelude::*;

use crate::app::AppSystems;
use crate::app::sandbox::geometry::{
    EdgeCurve, NEURON_RADIUS, can_wire_from, edge_curve, group_half_size, handle_offset,
    note_half_size, note_text_width, projection_ends, self_loop,
};
use crate::app::sandbox::gestures::GesturePreview;
use crate::app::sandbox::view::to_world;
use crate::app::ui_state::Selection;
use crate::circuit::{Restyled, Role};
use crate::editor::Document;
use crate::sim::{
    AcSource, CurrentEdge, DcSource, Delay, HhParams, Inhibitory, Label, LifParams, Membrane,
    Meter, MeterKind, Note, Observes, PoissonSpikes, Position, Recorder, RegularSpikes,
    RewardLearning, SimClock, SpikeEvent, Stdp, Synapse, SynapseKinetics, TouchSensor, VisualInput,
};

/// Okabe–Ito colours (colour-blind safe).
pub mod palette {
    use bevy::prelude::Color;
    pub const ORANGE: Color = Color::srgb(0.902, 0.624, 0.0);
    pub const SKY_BLUE: Color = Color::srgb(0.337, 0.706, 0.914);
    pub const GREEN: Color = Color::srgb(0.0, 0.620, 0.451);
    pub const YELLOW: Color = Color::srgb(0.941, 0.894, 0.259);
    pub const BLUE: Color = Color::srgb(0.0, 0.447, 0.698);
    pub const VERMILLION: Color = Color::srgb(0.835, 0.369, 0.0);
    pub const PURPLE: Color = Color::srgb(0.800, 0.475, 0.655);
    pub const INK: Color = Color::srgb(0.15, 0.15, 0.17);
    /// Neuronify's retina frame.
    pub const RETINA_YELLOW: Color = Color::srgb(1.0, 0.8, 0.0);
    /// Fill of a neuron at or below its reset potential.
    pub const COLD: Color = Color::srgb(0.86, 0.89, 0.93);
}

/// How long a spike flash lasts in wall-clock seconds.
pub const FLASH_S: f64 = 0.1;

/// A shape entity that draws a circuit item.
#[derive(Component, Debug, Clone, Copy)]
pub struct ItemVisual {
    pub item: Entity,
}

/// Labels sit above their item.
const LABEL_OFFSET: Vec2 = Vec2::new(0.0, 52.0);

/// Marks an item's label (it follows the item with an offset).
#[derive(Component, Debug, Clone, Copy)]
pub struct ItemLabel;

/// The fill of a neuron's shape: its own material, recoloured every frame.
#[derive(Component, Debug, Clone)]
pub struct NeuronFill {
    pub material: Handle<ColorMaterial>,
    /// Wall-clock second until which the neuron shows a spike flash.
    pub flash_until: f64,
}

/// What a connection is, for its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    Synapse,
    Current,
    Observation,
    /// A projection between populations (see `populations`).
    Projection,
}

/// A shape entity that draws a connection between two items.
#[derive(Component, Debug, Clone, Copy)]
pub struct EdgeVisual {
    pub edge: Entity,
    pub from: Entity,
    pub to: Entity,
    pub kind: EdgeKind,
}

/// A dot travelling along a synapse while its spike is in flight.
#[derive(Component, Debug, Clone, Copy)]
pub struct SpikeDot {
    pub path: EdgeCurve,
    pub sent_step: u64,
    pub delay_steps: u64,
}

/// Where a dot is at `step`: the fraction of the delay elapsed, or `None` once it arrived.
pub fn dot_progress(sent_step: u64, delay_steps: u64, step: u64) -> Option<f32> {
    let elapsed = step.saturating_sub(sent_step);
    (elapsed <= delay_steps).then(|| elapsed as f32 / delay_steps.max(1) as f32)
}

pub fn plugin(app: &mut App) {
    app.init_resource::<FreshSpikes>()
        .add_systems(Startup, spawn_camera)
        .add_systems(
            Update,
            (
                (
                    despawn_restyled_visuals,
                    spawn_item_visuals,
                    spawn_edge_visuals,
                    despawn_orphans,
                )
                    .chain()
                    .in_set(AppSystems::Sync),
                (
                    follow_items,
                    redraw_edges,
                    thicken_learning_edges,
                    clear_restyled,
                    collect_fresh_spikes,
                    flash_spikes,
                    launch_spike_dots,
                    move_spike_dots,
                    colour_neurons,
                    draw_selection,
                    draw_previews,
                )
                    .chain()
                    .in_set(AppSystems::Draw),
            ),
        );
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((Camera2d, Msaa::Sample4));
}

/// What kind of glyph an item gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Glyph {
    Neuron { inhibitory: bool },
    CurrentSource,
    SpikeSource,
    Touch,
    Eye,
    Meter,
    Note,
}

type ItemKinds = (
    Has<LifParams>,
    Has<HhParams>,
    Has<Inhibitory>,
    Has<DcSource>,
    Has<AcSource>,
    Has<RegularSpikes>,
    Has<PoissonSpikes>,
    Has<VisualInput>,
    Has<TouchSensor>,
    Has<Meter>,
    Has<Note>,
);

type ItemFlags = (
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
);

fn glyph_of(k: ItemFlags) -> Option<Glyph> {
    let (lif, hh, inh, dc, ac, regular, poisson, eye, touch, meter, note) = k;
    Some(match () {
        _ if lif || hh => Glyph::Neuron { inhibitory: inh },
        _ if dc || ac => Glyph::CurrentSource,
        _ if eye => Glyph::Eye,
        _ if regular || poisson => Glyph::SpikeSource,
        _ if touch => Glyph::Touch,
        _ if meter => Glyph::Meter,
        _ if note => Glyph::Note,
        _ => return None,
    })
}

/// Items whose look changed lose their visuals; the next system draws them anew.
pub(crate) fn despawn_restyled_visuals(
    mut commands: Commands,
    restyled: Query<(), With<Restyled>>,
    visuals: Query<(Entity, &ItemVisual)>,
) {
    if restyled.is_empty() {
        return;
    }
    for (visual, of) in &visuals {
        if restyled.contains(of.item) {
            commands.entity(visual).despawn();
        }
    }
}

fn clear_restyled(mut commands: Commands, restyled: Query<Entity, With<Restyled>>) {
    for e in &restyled {
        commands.entity(e).remove::<Restyled>();
    }
}

type NewOrRestyled = Or<(Added<Position>, With<Restyled>)>;
type MovedOrRestyled = Or<(Changed<Position>, With<Restyled>)>;
/// An item as its glyph needs it.
type ItemLook<'a> = (
    Entity,
    &'a Position,
    Option<&'a Label>,
    Option<&'a Note>,
    Option<&'a Meter>,
    ItemKinds,
);

fn spawn_item_visuals(
    mut commands: Commands,
    mut materials: ResMut<Assets<ColorMaterial>>,
    items: Query<ItemLook, NewOrRestyled>,
) {
    for (item, position, label, note, meter, kinds) in &items {
        let Some(glyph) = glyph_of(kinds) else {
            continue;
        };
        let speaker = meter.is_some_and(|m| m.kind == MeterKind::Loudspeaker);
        if let Some(label) = label.filter(|l| !l.0.is_empty()) {
            commands.spawn((
                Text2d::new(label.0.clone()),
                TextFont::from_font_size(18.0),
                TextColor(palette::INK),
                Transform::from_translation((to_world(position.0) + LABEL_OFFSET).extend(2.0)),
                ItemVisual { item },
                ItemLabel,
            ));
        }
        let transform = Transform::from_translation(to_world(position.0).extend(1.0));
        let visual = ItemVisual { item };
        let (body, detail) = match glyph {
            Glyph::Note => {
                let (text, width) = note.map_or(("", None), |n| (n.text.as_str(), n.width));
                let half = note_half_size(text, width);
                let card = shapes::Rectangle {
                    extents: half * 2.0,
                    origin: RectangleOrigin::Center,
                    radii: Some(BorderRadii::single(6.0)),
                };
                commands
                    .spawn((
                        ShapeBuilder::with(&card)
                            .fill(Color::srgb(1.0, 0.98, 0.86))
                            .stroke((palette::INK.with_alpha(0.35), 1.5))
                            .build(),
                        transform,
                        visual,
                    ))
                    .with_children(|p| {
                        p.spawn((
                            Text2d::new(text.to_owned()),
                            TextFont::from_font_size(15.0),
                            TextColor(palette::INK),
                            bevy::text::TextBounds::new_horizontal(
                                note_text_width(text, width) + 4.0,
                            ),
                            Transform::from_xyz(0.0, 0.0, 0.1),
                        ));
                    });
                continue;
            }
            Glyph::Neuron { inhibitory } => {
                let outline = neuron_outline(inhibitory);
                let colour = if inhibitory {
                    palette::VERMILLION
                } else {
                    palette::BLUE
                };
                // White geometry tinted by the neuron's own material: recolouring never
                // re-tessellates.
                let material = materials.add(ColorMaterial::from(palette::COLD));
                commands
                    .spawn((
                        ShapeBuilder::with(&outline).fill(Color::WHITE).build(),
                        MeshMaterial2d(material.clone()),
                        transform,
                        visual,
                        NeuronFill {
                            material,
                            flash_until: f64::NEG_INFINITY,
                        },
                    ))
                    .with_children(|parent| {
                        let ring = ShapeBuilder::with(&outline).stroke((colour, 4.0)).build();
                        parent.spawn((ring, Transform::from_xyz(0.0, 0.0, 0.1)));
                        let sign = sign_glyph(inhibitory, colour);
                        parent.spawn((sign, Transform::from_xyz(0.0, 0.0, 0.2)));
                    });
                continue;
            }
            Glyph::CurrentSource => {
                let square = shapes::Rectangle {
                    extents: Vec2::splat(48.0),
                    origin: RectangleOrigin::Center,
                    radii: Some(BorderRadii::single(6.0)),
                };
                let step = ShapePath::new()
                    .move_to(Vec2::new(-14.0, -6.0))
                    .line_to(Vec2::new(-14.0, 6.0))
                    .line_to(Vec2::new(14.0, 6.0))
                    .line_to(Vec2::new(14.0, -6.0));
                (
                    ShapeBuilder::with(&square)
                        .fill(palette::ORANGE)
                        .stroke((palette::INK, 2.0))
                        .build(),
                    Some(
                        ShapeBuilder::with(&step)
                            .stroke((palette::INK, 3.0))
                            .build(),
                    ),
                )
            }
            Glyph::SpikeSource => {
                let triangle = shapes::RegularPolygon {
                    sides: 3,
                    center: Vec2::ZERO,
                    feature: RegularPolygonFeature::Radius(32.0),
                };
                let body = ShapeBuilder::with(&triangle)
                    .fill(palette::SKY_BLUE)
                    .stroke((palette::INK, 2.0))
                    .build();
                (body, None)
            }
            Glyph::Eye => {
                // Neuronify's retina frame, with an eye: an almond and its pupil.
                let frame = shapes::Rectangle {
                    extents: Vec2::splat(64.0),
                    origin: RectangleOrigin::Center,
                    radii: Some(BorderRadii::single(6.0)),
                };
                let almond = ShapePath::new()
                    .move_to(Vec2::new(-22.0, 0.0))
                    .quadratic_bezier_to(Vec2::new(0.0, 22.0), Vec2::new(22.0, 0.0))
                    .quadratic_bezier_to(Vec2::new(0.0, -22.0), Vec2::new(-22.0, 0.0))
                    .close()
                    .move_to(Vec2::new(4.0, 0.0))
                    .arc(Vec2::ZERO, Vec2::splat(4.0), std::f32::consts::TAU, 0.0)
                    .close();
                (
                    ShapeBuilder::with(&frame)
                        .fill(Color::WHITE)
                        .stroke((palette::RETINA_YELLOW, 5.0))
                        .build(),
                    Some(
                        ShapeBuilder::with(&almond)
                            .stroke((palette::INK, 3.5))
                            .build(),
                    ),
                )
            }
            Glyph::Touch => {
                let pad = shapes::Rectangle {
                    extents: Vec2::splat(72.0),
                    origin: RectangleOrigin::Center,
                    radii: Some(BorderRadii::single(18.0)),
                };
                let body = ShapeBuilder::with(&pad)
                    .fill(palette::GREEN)
                    .stroke((palette::INK, 2.0))
                    .build();
                (body, None)
            }
            Glyph::Meter if speaker => {
                // A speaker: a box and a cone, with sound waves.
                let cone = ShapePath::new()
                    .move_to(Vec2::new(-22.0, -8.0))
                    .line_to(Vec2::new(-12.0, -8.0))
                    .line_to(Vec2::new(2.0, -20.0))
                    .line_to(Vec2::new(2.0, 20.0))
                    .line_to(Vec2::new(-12.0, 8.0))
                    .line_to(Vec2::new(-22.0, 8.0))
                    .close();
                let mut waves = ShapePath::new();
                for r in [10.0, 18.0] {
                    let start = Vec2::from_angle(-0.8) * r + Vec2::new(8.0, 0.0);
                    waves = waves
                        .move_to(start)
                        .arc(Vec2::new(8.0, 0.0), Vec2::splat(r), 1.6, 0.0);
                }
                (
                    ShapeBuilder::with(&cone)
                        .fill(Color::WHITE)
                        .stroke((palette::PURPLE, 3.0))
                        .build(),
                    Some(
                        ShapeBuilder::with(&waves)
                            .stroke((palette::PURPLE, 2.5))
                            .build(),
                    ),
                )
            }
            Glyph::Meter => {
                let screen = shapes::Rectangle {
                    extents: Vec2::new(64.0, 44.0),
                    origin: RectangleOrigin::Center,
                    radii: Some(BorderRadii::single(4.0)),
                };
                let trace = ShapePath::new()
                    .move_to(Vec2::new(-24.0, -6.0))
                    .line_to(Vec2::new(-8.0, -6.0))
                    .line_to(Vec2::new(-2.0, 14.0))
                    .line_to(Vec2::new(4.0, -14.0))
                    .line_to(Vec2::new(10.0, -6.0))
                    .line_to(Vec2::new(24.0, -6.0));
                (
                    ShapeBuilder::with(&screen)
                        .fill(Color::WHITE)
                        .stroke((palette::PURPLE, 3.0))
                        .build(),
                    Some(
                        ShapeBuilder::with(&trace)
                            .stroke((palette::PURPLE, 2.5))
                            .build(),
                    ),
                )
            }
        };
        let mut glyph = commands.spawn((body, transform, visual));
        if let Some(detail) = detail {
            glyph.with_children(|p| {
                p.spawn((detail, Transform::from_xyz(0.0, 0.0, 0.1)));
            });
        }
    }
}

/// A neuron's outline: a circle (excitatory) or a diamond (inhibitory).
fn neuron_outline(inhibitory: bool) -> ShapePath {
    if inhibitory {
        let d = NEURON_RADIUS * 1.25;
        ShapePath::new()
            .move_to(Vec2::new(0.0, d))
            .line_to(Vec2::new(d, 0.0))
            .line_to(Vec2::new(0.0, -d))
            .line_to(Vec2::new(-d, 0.0))
            .close()
    } else {
        ShapePath::new()
            .move_to(Vec2::new(NEURON_RADIUS, 0.0))
            .arc(
                Vec2::ZERO,
                Vec2::splat(NEURON_RADIUS),
                std::f32::consts::TAU,
                0.0,
            )
            .close()
    }
}

/// A plus or minus sign inside the neuron.
fn sign_glyph(inhibitory: bool, colour: Color) -> Shape {
    let mut path = ShapePath::new()
        .move_to(Vec2::new(-10.0, 0.0))
        .line_to(Vec2::new(10.0, 0.0));
    if !inhibitory {
        path = path
            .move_to(Vec2::new(0.0, -10.0))
            .line_to(Vec2::new(0.0, 10.0));
    }
    ShapeBuilder::with(&path).stroke((colour, 4.0)).build()
}

/// The geometry of a connection: a curve between the items' rims with an arrow head
/// (excitatory) or a round end (inhibitory), as in Neuronify; observations are thin dashes.
pub(crate) fn edge_shape(
    from: Vec2,
    to: Vec2,
    inhibitory: bool,
    kind: EdgeKind,
    width: f32,
) -> Shape {
    let curve = edge_curve(from, to).world();
    if kind == EdgeKind::Observation {
        // Straight dashes from the meter to the neuron it observes.
        let (a, b) = (to_world(from), to_world(to));
        let dir = (b - a).normalize_or_zero();
        let (a, b) = (a + dir * 36.0, b - dir * (NEURON_RADIUS + 6.0));
        let mut path = ShapePath::new();
        let length = a.distance(b);
        let mut t = 0.0;
        while t < length {
            path = path
                .move_to(a + dir * t)
                .line_to(a + dir * (t + 8.0).min(length));
            t += 14.0;
        }
        return ShapeBuilder::with(&path)
            .stroke((palette::PURPLE, width.min(2.0)))
            .build();
    }
    let colour = match (kind, inhibitory) {
        (EdgeKind::Current, _) => palette::ORANGE,
        (_, true) => palette::VERMILLION,
        _ => palette::BLUE,
    };
    let end = curve.end;
    let mut path = ShapePath::new()
        .move_to(curve.start)
        .quadratic_bezier_to(curve.ctrl, end);
    if inhibitory && matches!(kind, EdgeKind::Synapse | EdgeKind::Projection) {
        let radius = 7.0;
        path = path.move_to(end + Vec2::X * radius).arc(
            end,
            Vec2::splat(radius),
            std::f32::consts::TAU,
            0.0,
        );
        return ShapeBuilder::with(&path).stroke((colour, width)).build();
    }
    let dir = curve.end_direction();
    let normal = dir.perp();
    path = path
        .move_to(end - dir * 14.0 + normal * 8.0)
        .line_to(end)
        .line_to(end - dir * 14.0 - normal * 8.0);
    ShapeBuilder::with(&path).stroke((colour, width)).build()
}

/// Line width of a connection: 4 px, or for a learning synapse 1.5–8.5 px from no weight to
/// its largest, so learning shows as lines thickening and thinning.
pub fn edge_width(learning: Option<LearningItem>) -> f32 {
    match learning {
        Some((k, rules)) => {
            let w_max = match rules {
                (Some(stdp), _) => stdp.w_max_a,
                (None, Some(reward)) => reward.w_max_a,
                (None, None) => unreachable!("AnyOf matches at least one"),
            };
            1.5 + 7.0 * (k.weight_a.abs() / w_max).clamp(0.0, 1.0) as f32
        }
        None => 4.0,
    }
}

/// The width an edge was last drawn with.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
struct DrawnWidth(f32);

/// A learning synapse: its weight and whichever rule it learns by.
pub type Learning<'a> = (&'a SynapseKinetics, AnyOf<(&'a Stdp, &'a RewardLearning)>);
/// What a [`Learning`] query yields.
pub type LearningItem<'a> = (
    &'a SynapseKinetics,
    (Option<&'a Stdp>, Option<&'a RewardLearning>),
);

/// Redraws learning synapses whose weight moved the line by a quarter pixel or more, a few
/// times a second (a new mesh per change would be too much at every frame).
fn thicken_learning_edges(
    time: Res<Time<Real>>,
    mut next_s: Local<f64>,
    learning: Query<Learning>,
    positions: Query<(&Position, Has<Inhibitory>)>,
    mut edges: Query<(&EdgeVisual, &mut Shape, &mut DrawnWidth)>,
) {
    let now = time.elapsed_secs_f64();
    if now < *next_s {
        return;
    }
    *next_s = now + 0.2;
    for (edge, mut shape, mut drawn) in &mut edges {
        let Ok(l) = learning.get(edge.edge) else {
            continue;
        };
        let width = edge_width(Some(l));
        if (width - drawn.0).abs() < 0.25 {
            continue;
        }
        if let (Ok((a, inhibitory)), Ok((b, _))) =
            (positions.get(edge.from), positions.get(edge.to))
        {
            *shape = edge_shape(a.0, b.0, inhibitory, edge.kind, width);
            drawn.0 = width;
        }
    }
}

fn spawn_edge_visuals(
    mut commands: Commands,
    synapses: Query<(Entity, &Synapse), Added<Synapse>>,
    currents: Query<(Entity, &CurrentEdge), Added<CurrentEdge>>,
    observations: Query<(Entity, &Observes), Added<Observes>>,
    positions: Query<(&Position, Has<Inhibitory>)>,
    learning: Query<Learning>,
) {
    let pairs = synapses
        .iter()
        .map(|(e, s)| (e, s.pre, s.post, EdgeKind::Synapse))
        .chain(
            currents
                .iter()
                .map(|(e, c)| (e, c.source, c.target, EdgeKind::Current)),
        )
        .chain(
            observations
                .iter()
                .map(|(e, o)| (e, o.meter, o.target, EdgeKind::Observation)),
        );
    for (edge, from, to, kind) in pairs {
        let (Ok((a, inhibitory)), Ok((b, _))) = (positions.get(from), positions.get(to)) else {
            continue;
        };
        let width = edge_width(learning.get(edge).ok());
        commands.spawn((
            edge_shape(a.0, b.0, inhibitory, kind, width),
            Transform::from_xyz(0.0, 0.0, 0.5),
            EdgeVisual {
                edge,
                from,
                to,
                kind,
            },
            DrawnWidth(width),
        ));
    }
}

/// Removes visuals whose item or edge no longer exists.
fn despawn_orphans(
    mut commands: Commands,
    items: Query<(Entity, &ItemVisual)>,
    edges: Query<(Entity, &EdgeVisual)>,
    alive: Query<()>,
) {
    for (visual, i) in &items {
        if alive.get(i.item).is_err() {
            commands.entity(visual).despawn();
        }
    }
    for (visual, e) in &edges {
        if alive.get(e.edge).is_err() {
            commands.entity(visual).despawn();
        }
    }
}

fn follow_items(
    items: Query<&Position, Changed<Position>>,
    mut visuals: Query<(&ItemVisual, &mut Transform, Has<ItemLabel>)>,
) {
    for (visual, mut transform, is_label) in &mut visuals {
        if let Ok(p) = items.get(visual.item) {
            let offset = if is_label { LABEL_OFFSET } else { Vec2::ZERO };
            transform.translation = (to_world(p.0) + offset).extend(transform.translation.z);
        }
    }
}

fn redraw_edges(
    touched: Query<(), MovedOrRestyled>,
    positions: Query<(&Position, Has<Inhibitory>)>,
    learning: Query<Learning>,
    mut edges: Query<(&EdgeVisual, &mut Shape, &mut DrawnWidth)>,
) {
    for (edge, mut shape, mut drawn) in &mut edges {
        // Projections are drawn between glyph frames by `populations`.
        if edge.kind == EdgeKind::Projection
            || (!touched.contains(edge.from) && !touched.contains(edge.to))
        {
            continue;
        }
        if let (Ok((a, inhibitory)), Ok((b, _))) =
            (positions.get(edge.from), positions.get(edge.to))
        {
            let width = edge_width(learning.get(edge.edge).ok());
            *shape = edge_shape(a.0, b.0, inhibitory, edge.kind, width);
            drawn.0 = width;
        }
    }
}

/// Spikes recorded since the previous frame, gathered once for every system that shows them.
#[derive(Resource, Debug, Default)]
pub struct FreshSpikes {
    /// The recorder's generation and spike total when last read.
    seen: (u64, u64),
    pub spikes: Vec<SpikeEvent>,
}

fn collect_fresh_spikes(recorder: Res<Recorder>, mut fresh: ResMut<FreshSpikes>) {
    let (generation, total) = (recorder.generation(), recorder.total_spikes());
    // After a clear (a dynamics reset) every recorded spike is new.
    let seen = if fresh.seen.0 == generation {
        fresh.seen.1
    } else {
        0
    };
    let new = total.saturating_sub(seen);
    fresh.seen = (generation, total);
    fresh.spikes.clear();
    fresh
        .spikes
        .extend(recorder.newest_spikes(new as usize).copied());
}

/// Starts a wall-clock flash for every fresh spike.
fn flash_spikes(
    time: Res<Time<Real>>,
    fresh: Res<FreshSpikes>,
    mut fills: Query<(&ItemVisual, &mut NeuronFill)>,
) {
    if fresh.spikes.is_empty() {
        return;
    }
    let now = time.elapsed_secs_f64();
    for (visual, mut fill) in &mut fills {
        if fresh.spikes.iter().any(|s| s.source == visual.item) {
            fill.flash_until = now + FLASH_S;
        }
    }
}

/// Sends a dot along every synapse of every source that spiked since the last frame.
fn launch_spike_dots(
    mut commands: Commands,
    fresh: Res<FreshSpikes>,
    synapses: Query<(&Synapse, &Delay)>,
    positions: Query<&Position>,
) {
    // Hundreds of dots would hide the circuit; large networks show flashes only.
    if fresh.spikes.is_empty() || fresh.spikes.len() > 200 {
        return;
    }
    for (synapse, delay) in &synapses {
        let Some(spike) = fresh.spikes.iter().find(|s| s.source == synapse.pre) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (positions.get(synapse.pre), positions.get(synapse.post)) else {
            continue;
        };
        let path = edge_curve(a.0, b.0).world();
        let dot = shapes::Circle {
            radius: 7.0,
            center: Vec2::ZERO,
        };
        commands.spawn((
            ShapeBuilder::with(&dot)
                .fill(palette::YELLOW)
                .stroke((palette::INK, 1.5))
                .build(),
            Transform::from_translation(path.start.extend(3.0)),
            SpikeDot {
                path,
                sent_step: spike.step,
                delay_steps: (delay.seconds / crate::sim::DT).round() as u64,
            },
        ));
    }
}

/// Moves dots with simulated time, so their speed follows the playback speed.
fn move_spike_dots(
    mut commands: Commands,
    clock: Res<SimClock>,
    mut dots: Query<(Entity, &SpikeDot, &mut Transform)>,
) {
    for (entity, dot, mut transform) in &mut dots {
        match dot_progress(dot.sent_step, dot.delay_steps, clock.step()) {
            Some(f) => transform.translation = dot.path.point(f).extend(3.0),
            None => commands.entity(entity).despawn(),
        }
    }
}

/// The fill colour for a membrane: cold at reset, warm orange near threshold.
pub fn voltage_colour(v: f64, reset: f64, threshold: f64) -> Color {
    let f = ((v - reset) / (threshold - reset)).clamp(0.0, 1.0) as f32;
    palette::COLD.mix(&palette::ORANGE, f)
}

fn colour_neurons(
    time: Res<Time<Real>>,
    neurons: Query<(&Membrane, Option<&LifParams>)>,
    fills: Query<(&ItemVisual, &NeuronFill)>,
    mut materials: ResMut<Assets<ColorMaterial>>,
) {
    let now = time.elapsed_secs_f64();
    for (visual, fill) in &fills {
        let Ok((membrane, lif)) = neurons.get(visual.item) else {
            continue;
        };
        let colour = if now < fill.flash_until {
            palette::YELLOW
        } else {
            match lif {
                Some(p) => voltage_colour(membrane.v, p.reset_v, p.threshold_v),
                // HH: from below rest (−75 mV) to its firing range (−50 mV).
                None => voltage_colour(membrane.v, -0.075, -0.050),
            }
        };
        if let Some(mut m) = materials.get_mut(&fill.material)
            && m.color != colour
        {
            m.color = colour;
        }
    }
}

/// A ring around each selected item, a halo on each selected synapse, and the wiring handle
/// of a single selected item. Redrawn when the selection or the document changes.
#[derive(Component, Debug)]
struct SelectionMark;

fn draw_selection(
    mut commands: Commands,
    selection: Res<Selection>,
    doc: Res<Document>,
    marks: Query<Entity, With<SelectionMark>>,
) {
    if !selection.is_changed() && !doc.is_changed() {
        return;
    }
    for m in &marks {
        commands.entity(m).despawn();
    }
    let circuit = doc.circuit();
    let highlight = palette::SKY_BLUE;
    for id in &selection.ids {
        let edge = circuit
            .synapses
            .iter()
            .find(|s| &s.id == id)
            .map(|s| (&s.from, &s.to, false))
            .or_else(|| {
                circuit
                    .projections
                    .iter()
                    .find(|p| &p.id == id)
                    .map(|p| (&p.from, &p.to, true))
            });
        if let Some((from, to, projection)) = edge {
            let (Some(a), Some(b)) = (circuit.position(from), circuit.position(to)) else {
                continue;
            };
            let (from_half, to_half) =
                (group_half_size(circuit, from), group_half_size(circuit, to));
            let path = if projection && from == to {
                let (centre, radius) = self_loop(a, from_half);
                let centre = to_world(centre);
                ShapePath::new()
                    .move_to(centre + Vec2::new(radius, 0.0))
                    .arc(centre, Vec2::splat(radius), std::f32::consts::TAU, 0.0)
            } else {
                let (a, b) = if projection {
                    projection_ends(a, b, from_half, to_half)
                } else {
                    (a, b)
                };
                let c = edge_curve(a, b).world();
                ShapePath::new()
                    .move_to(c.start)
                    .quadratic_bezier_to(c.ctrl, c.end)
            };
            commands.spawn((
                ShapeBuilder::with(&path)
                    .stroke((highlight.with_alpha(0.6), 14.0))
                    .build(),
                Transform::from_xyz(0.0, 0.0, 0.4),
                SelectionMark,
            ));
            continue;
        }
        let Some(p) = circuit.position(id) else {
            continue;
        };
        let half = match circuit.notes.iter().find(|n| &n.id == id) {
            Some(n) => note_half_size(&n.text, n.width) + Vec2::splat(8.0),
            None if circuit.role(id) == Some(Role::Population) => {
                Vec2::splat(group_half_size(circuit, id) + 10.0)
            }
            None => Vec2::splat(46.0),
        };
        let ring = shapes::Rectangle {
            extents: half * 2.0,
            origin: RectangleOrigin::Center,
            radii: Some(BorderRadii::single(12.0)),
        };
        commands.spawn((
            ShapeBuilder::with(&ring).stroke((highlight, 3.0)).build(),
            Transform::from_translation(to_world(p).extend(0.9)),
            SelectionMark,
        ));
    }
    if let [only] = selection.ids.as_slice()
        && let (Some(p), Some(role)) = (circuit.position(only), circuit.role(only))
        && can_wire_from(role)
    {
        let handle = to_world(p + handle_offset(circuit, only));
        let knob = shapes::Circle {
            radius: 12.0,
            center: Vec2::ZERO,
        };
        let arrow = ShapePath::new()
            .move_to(Vec2::new(-5.0, 0.0))
            .line_to(Vec2::new(5.0, 0.0))
            .move_to(Vec2::new(1.0, 4.0))
            .line_to(Vec2::new(5.0, 0.0))
            .line_to(Vec2::new(1.0, -4.0));
        commands
            .spawn((
                ShapeBuilder::with(&knob)
                    .fill(palette::GREEN)
                    .stroke((Color::WHITE, 2.0))
                    .build(),
                Transform::from_translation(handle.extend(4.0)),
                SelectionMark,
            ))
            .with_children(|p| {
                p.spawn((
                    ShapeBuilder::with(&arrow)
                        .stroke((Color::WHITE, 2.0))
                        .build(),
                    Transform::from_xyz(0.0, 0.0, 0.1),
                ));
            });
    }
}

/// The wire being dragged and the rubber band.
#[derive(Component, Debug)]
struct PreviewMark;

fn draw_previews(
    mut commands: Commands,
    preview: Res<GesturePreview>,
    marks: Query<Entity, With<PreviewMark>>,
) {
    if !preview.is_changed() {
        return;
    }
    for m in &marks {
        commands.entity(m).despawn();
    }
    if let Some((a, b)) = preview.wire {
        let path = ShapePath::new().move_to(to_world(a)).line_to(to_world(b));
        commands.spawn((
            ShapeBuilder::with(&path)
                .stroke((palette::GREEN, 3.0))
                .build(),
            Transform::from_xyz(0.0, 0.0, 5.0),
            PreviewMark,
        ));
    }
    if let Some((a, b)) = preview.band {
        let (a, b) = (to_world(a), to_world(b));
        let band = shapes::Rectangle {
            extents: (b - a).abs(),
            origin: RectangleOrigin::Center,
            radii: None,
        };
        commands.spawn((
            ShapeBuilder::with(&band)
                .fill(palette::SKY_BLUE.with_alpha(0.12))
                .stroke((palette::SKY_BLUE, 1.5))
                .build(),
            Transform::from_translation(((a + b) / 2.0).extend(5.0)),
            PreviewMark,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voltage_colour_runs_from_cold_to_warm() {
        assert_eq!(voltage_colour(-0.080, -0.080, -0.055), palette::COLD);
        assert_eq!(voltage_colour(-0.090, -0.080, -0.055), palette::COLD);
        assert_eq!(voltage_colour(-0.055, -0.080, -0.055), palette::ORANGE);
        assert_ne!(voltage_colour(-0.070, -0.080, -0.055), palette::COLD);
    }

    #[test]
    fn fresh_spikes_are_each_seen_once_and_survive_a_reset() {
        use bevy::ecs::system::RunSystemOnce;
        let mut world = World::new();
        world.init_resource::<FreshSpikes>();
        world.insert_resource(Recorder::default());
        let source = world.spawn_empty().id();
        let push = |world: &mut World, step| {
            world
                .resource_mut::<Recorder>()
                .push_spike(SpikeEvent { step, source });
        };
        let fresh_steps = |world: &mut World| -> Vec<u64> {
            world.run_system_once(collect_fresh_spikes).unwrap();
            world
                .resource::<FreshSpikes>()
                .spikes
                .iter()
                .map(|s| s.step)
                .collect()
        };
        push(&mut world, 5);
        push(&mut world, 9);
        assert_eq!(fresh_steps(&mut world), [5, 9]);
        assert!(
            fresh_steps(&mut world).is_empty(),
            "nothing new, nothing shown"
        );
        push(&mut world, 12);
        assert_eq!(fresh_steps(&mut world), [12]);
        // A dynamics reset clears the recorder and restarts time.
        world.resource_mut::<Recorder>().clear();
        push(&mut world, 3);
        assert_eq!(fresh_steps(&mut world), [3]);
    }

    #[test]
    fn dots_travel_for_exactly_the_delay() {
        assert_eq!(dot_progress(100, 50, 100), Some(0.0));
        assert_eq!(dot_progress(100, 50, 125), Some(0.5));
        assert_eq!(dot_progress(100, 50, 150), Some(1.0));
        assert_eq!(dot_progress(100, 50, 151), None);
        // An undelayed synapse shows its dot for one step.
        assert_eq!(dot_progress(100, 0, 100), Some(0.0));
    }

    #[test]
    fn excitatory_and_inhibitory_get_different_glyphs() {
        let mut flags = ItemFlags::default();
        flags.0 = true;
        assert_eq!(glyph_of(flags), Some(Glyph::Neuron { inhibitory: false }));
        flags.2 = true;
        assert_eq!(glyph_of(flags), Some(Glyph::Neuron { inhibitory: true }));
        // A visual input is a Poisson source underneath, but has its own glyph.
        let eye = (
            false, false, false, false, false, false, true, true, false, false, false,
        );
        assert_eq!(glyph_of(eye), Some(Glyph::Eye));
        assert_eq!(glyph_of(Default::default()), None);
    }
}
