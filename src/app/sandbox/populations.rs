//! Populations and projections on the canvas. A population is one glyph that still shows
//! every neuron: its members are the pixels of one texture (rows in a square, or rings in a
//! disc), each coloured by its membrane voltage and flashing on its spikes (for at most 10 ms of
//! simulated time, so a fast-running crowd is not all lit), repainted once per
//! frame — not one mesh per neuron. Above a texture of 128 × 128 an evenly spaced sample is
//! shown, and the label says so. Excitatory populations have a rounded square frame with a +,
//! inhibitory ones a bevelled frame with a −, as neurons differ by shape. A projection is one
//! thick arrow labelled with its rule and weight (`k = 80 in, 0.2 nA`); a projection from a
//! population onto itself is a loop at its corner.

use std::collections::HashSet;

use bevy::asset::RenderAssetUsages;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::sprite::Anchor;
use bevy_prototype_lyon::prelude::*;

use crate::app::AppSystems;
use crate::app::sandbox::canvas::{
    self, EdgeKind, EdgeVisual, FLASH_S, ItemVisual, edge_shape, palette, voltage_colour,
};
use crate::app::sandbox::geometry::{
    self, NEURON_RADIUS, edge_curve, glyph_half_size, projection_ends, texture_side,
};
use crate::app::sandbox::view::to_world;
use crate::circuit::Restyled;
use crate::sim::{
    Inhibitory, Label, Network, Population, PopulationMember, PopulationModel, Position, Projection,
};

pub fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            (spawn_population_glyphs, spawn_projection_arrows)
                .in_set(AppSystems::Sync)
                .after(canvas::despawn_restyled_visuals),
            (paint_populations, place_projection_labels).in_set(AppSystems::Draw),
        ),
    );
}

/// The texture of one population and which member each of its pixels shows.
#[derive(Component, Debug)]
pub struct PopulationGlyph {
    population: Entity,
    image: Handle<Image>,
    /// For each shown member (by index), its pixel; members are shown with this stride.
    pixels: Vec<u32>,
    stride: u32,
    /// Wall-clock second until which each shown member flashes.
    flash_until: Vec<f64>,
    /// Simulated second of each shown member's last spike.
    spiked_s: Vec<f64>,
    /// Voltages (V) that paint cold and warm: the reset and the threshold.
    range: (f64, f64),
}

/// The pixel of each shown member: rows of a square, or the pixels inside the inscribed circle
/// in row order.
fn layout_pixels(side: u32, shown: u32, disc: bool) -> Vec<u32> {
    let centre = (side as f32 - 1.0) / 2.0;
    let radius = side as f32 / 2.0;
    (0..side * side)
        .filter(|&p| {
            let (x, y) = ((p % side) as f32, (p / side) as f32);
            !disc || (x - centre).hypot(y - centre) <= radius
        })
        .take(shown as usize)
        .collect()
}

type NewOrRestyled = Or<(Added<Position>, Added<Population>, With<Restyled>)>;
type MovedOrRestyled = Or<(Changed<Position>, With<Restyled>)>;

type NewPopulation<'a> = (
    Entity,
    &'a Population,
    &'a Position,
    Option<&'a Label>,
    Has<Inhibitory>,
);

fn spawn_population_glyphs(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    populations: Query<NewPopulation, NewOrRestyled>,
) {
    for (item, p, position, label, inhibitory) in &populations {
        let disc = p.layout == crate::sim::PopulationLayout::Disc;
        let side = texture_side(p.size, disc);
        let capacity = layout_pixels(side, u32::MAX, disc).len() as u32;
        let stride = p.size.div_ceil(capacity.max(1)).max(1);
        let shown = p.size.div_ceil(stride);
        let pixels = layout_pixels(side, shown, disc);
        let mut image = Image::new_fill(
            Extent3d {
                width: side,
                height: side,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            &[0, 0, 0, 0],
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::default(),
        );
        image.sampler = ImageSampler::nearest();
        let image = images.add(image);
        let half = glyph_half_size(p.size);
        let range = match &p.model {
            PopulationModel::Lif { params, .. } => (params.reset_v, params.threshold_v),
            PopulationModel::Hh(_) => (-0.075, -0.050),
        };
        let colour = if inhibitory {
            palette::VERMILLION
        } else {
            palette::BLUE
        };
        let model = match &p.model {
            PopulationModel::Lif { .. } => "LIF",
            PopulationModel::Hh(_) => "HH",
        };
        let name = label.map_or("", |l| l.0.as_str());
        let sample = if stride > 1 {
            format!("\n(every {stride}th of {} shown)", p.size)
        } else {
            String::new()
        };
        commands
            .spawn((
                Sprite {
                    image: image.clone(),
                    custom_size: Some(Vec2::splat(half * 2.0)),
                    ..default()
                },
                Transform::from_translation(to_world(position.0).extend(1.0)),
                ItemVisual { item },
                PopulationGlyph {
                    population: item,
                    image,
                    pixels,
                    stride,
                    flash_until: vec![0.0; shown as usize],
                    spiked_s: vec![f64::NEG_INFINITY; shown as usize],
                    range,
                },
            ))
            .with_children(|glyph| {
                glyph.spawn((
                    ShapeBuilder::with(&frame(half + 6.0, inhibitory))
                        .stroke((colour, 3.0))
                        .build(),
                    Transform::from_xyz(0.0, 0.0, 0.1),
                ));
                glyph.spawn((
                    ShapeBuilder::with(&sign(inhibitory))
                        .fill(palette::COLD)
                        .stroke((colour, 3.0))
                        .build(),
                    Transform::from_xyz(half + 6.0, half + 6.0, 0.2),
                ));
                glyph.spawn((
                    Text2d::new(format!("{name}\n{} {model} neurons{sample}", p.size)),
                    TextFont::from_font_size(16.0),
                    TextColor(palette::INK),
                    TextLayout::justify(Justify::Center),
                    Transform::from_xyz(0.0, -(half + 34.0), 0.2),
                ));
            });
    }
}

/// The frame round a glyph: a rounded square (excitatory) or a square with bevelled corners
/// (inhibitory).
fn frame(half: f32, inhibitory: bool) -> ShapePath {
    if inhibitory {
        let b = half * 0.3;
        ShapePath::new()
            .move_to(Vec2::new(-half + b, half))
            .line_to(Vec2::new(half - b, half))
            .line_to(Vec2::new(half, half - b))
            .line_to(Vec2::new(half, -half + b))
            .line_to(Vec2::new(half - b, -half))
            .line_to(Vec2::new(-half + b, -half))
            .line_to(Vec2::new(-half, -half + b))
            .line_to(Vec2::new(-half, half - b))
            .close()
    } else {
        let r = 8.0;
        ShapePath::new()
            .move_to(Vec2::new(-half + r, half))
            .line_to(Vec2::new(half - r, half))
            .quadratic_bezier_to(Vec2::new(half, half), Vec2::new(half, half - r))
            .line_to(Vec2::new(half, -half + r))
            .quadratic_bezier_to(Vec2::new(half, -half), Vec2::new(half - r, -half))
            .line_to(Vec2::new(-half + r, -half))
            .quadratic_bezier_to(Vec2::new(-half, -half), Vec2::new(-half, -half + r))
            .line_to(Vec2::new(-half, half - r))
            .quadratic_bezier_to(Vec2::new(-half, half), Vec2::new(-half + r, half))
            .close()
    }
}

/// The badge at a glyph's corner: a + in a circle, or a − in a diamond, as for neurons.
fn sign(inhibitory: bool) -> ShapePath {
    let r = 12.0;
    let outline = if inhibitory {
        ShapePath::new()
            .move_to(Vec2::new(0.0, r))
            .line_to(Vec2::new(r, 0.0))
            .line_to(Vec2::new(0.0, -r))
            .line_to(Vec2::new(-r, 0.0))
            .close()
    } else {
        ShapePath::new()
            .move_to(Vec2::new(r, 0.0))
            .arc(Vec2::ZERO, Vec2::splat(r), std::f32::consts::TAU, 0.0)
            .close()
    };
    let bar = outline
        .move_to(Vec2::new(-6.0, 0.0))
        .line_to(Vec2::new(6.0, 0.0));
    if inhibitory {
        bar
    } else {
        bar.move_to(Vec2::new(0.0, -6.0))
            .line_to(Vec2::new(0.0, 6.0))
    }
}

/// Repaints every population's texture: each member's voltage as a colour, members that
/// spiked since the last frame flashing yellow for [`FLASH_S`] of wall time.
/// A member's flash also ends once its spike is this old in simulated time, so at fast speeds
/// a crowd firing at 10 spikes/s shows a tenth of its members lit, not all of them.
const FLASH_SIM_S: f64 = 0.010;

fn paint_populations(
    time: Res<Time<Real>>,
    clock: Res<crate::sim::SimClock>,
    network: Res<Network>,
    fresh: Res<canvas::FreshSpikes>,
    members: Query<&PopulationMember>,
    mut glyphs: Query<&mut PopulationGlyph>,
    mut images: ResMut<Assets<Image>>,
) {
    let now = time.elapsed_secs_f64();
    for spike in &fresh.spikes {
        let Ok(m) = members.get(spike.source) else {
            continue;
        };
        for mut glyph in &mut glyphs {
            if glyph.population == m.population && m.index % glyph.stride == 0 {
                let slot = (m.index / glyph.stride) as usize;
                if let Some(f) = glyph.flash_until.get_mut(slot) {
                    *f = now + FLASH_S;
                    glyph.spiked_s[slot] = spike.time_s();
                }
            }
        }
    }
    for glyph in &glyphs {
        let Some(voltages) = network.population_voltages(glyph.population) else {
            continue;
        };
        let Some(mut image) = images.get_mut(&glyph.image) else {
            continue;
        };
        let Some(data) = image.data.as_mut() else {
            continue;
        };
        let (reset, threshold) = glyph.range;
        let shown = voltages.step_by(glyph.stride as usize);
        let sim_now = clock.time_s();
        let members = shown
            .zip(&glyph.pixels)
            .zip(&glyph.flash_until)
            .zip(&glyph.spiked_s);
        for (((v, &pixel), &flash), &spiked) in members {
            let colour = if now < flash && sim_now - spiked < FLASH_SIM_S {
                palette::YELLOW
            } else {
                voltage_colour(v, reset, threshold)
            };
            let rgba = colour.to_srgba().to_u8_array();
            let at = pixel as usize * 4;
            data[at..at + 4].copy_from_slice(&rgba);
        }
    }
}

/// The average advance of a character of a projection's label (15 px monospace).
const LABEL_CHAR_PX: f32 = 9.0;

/// The text beside a projection's arrow.
#[derive(Component, Debug)]
struct ProjectionLabel {
    projection: Entity,
}

fn half_of(sizes: &Query<&Population>, e: Entity) -> f32 {
    sizes
        .get(e)
        .map_or(NEURON_RADIUS, |p| glyph_half_size(p.size))
}

fn spawn_projection_arrows(
    mut commands: Commands,
    projections: Query<(Entity, &Projection, Ref<Projection>)>,
    moved: Query<(), MovedOrRestyled>,
    positions: Query<(&Position, Has<Inhibitory>)>,
    sizes: Query<&Population>,
    drawn: Query<(Entity, &EdgeVisual)>,
    labels: Query<(Entity, &ProjectionLabel)>,
) {
    for (edge, p, changed) in &projections {
        if !changed.is_changed() && !moved.contains(p.from) && !moved.contains(p.to) {
            continue;
        }
        // An edited projection, or one whose ends moved, is drawn anew.
        for (visual, of) in &drawn {
            if of.edge == edge {
                commands.entity(visual).despawn();
            }
        }
        for (label, of) in &labels {
            if of.projection == edge {
                commands.entity(label).despawn();
            }
        }
        let (Ok((a, inhibitory)), Ok((b, _))) = (positions.get(p.from), positions.get(p.to)) else {
            continue;
        };
        let shape = if p.from == p.to {
            self_loop_shape(a.0, half_of(&sizes, p.from), inhibitory)
        } else {
            let (from, to) =
                projection_ends(a.0, b.0, half_of(&sizes, p.from), half_of(&sizes, p.to));
            edge_shape(from, to, inhibitory, EdgeKind::Projection, 7.0)
        };
        commands.spawn((
            shape,
            Transform::from_xyz(0.0, 0.0, 0.5),
            EdgeVisual {
                edge,
                from: p.from,
                to: p.to,
                kind: EdgeKind::Projection,
            },
        ));
        let weight = match p.weight_a {
            crate::sim::Drawn::Fixed(w) => format!("{} nA", crate::circuit::units::to_nano(w)),
            _ => "drawn nA".into(),
        };
        commands.spawn((
            Text2d::new(format!("{}, {weight}", p.rule.label())),
            TextFont::from_font_size(15.0),
            TextColor(if inhibitory {
                palette::VERMILLION
            } else {
                palette::BLUE
            }),
            Transform::default(),
            ProjectionLabel { projection: edge },
        ));
    }
}

/// A loop at a glyph's upper left corner, for a population that projects onto itself.
fn self_loop_shape(centre: Vec2, half: f32, inhibitory: bool) -> Shape {
    let (c, r) = geometry::self_loop(centre, half);
    let c = to_world(c);
    let path = ShapePath::new().move_to(c + Vec2::new(r, 0.0)).arc(
        c,
        Vec2::splat(r),
        std::f32::consts::TAU * 0.75,
        0.0,
    );
    let colour = if inhibitory {
        palette::VERMILLION
    } else {
        palette::BLUE
    };
    ShapeBuilder::with(&path).stroke((colour, 5.0)).build()
}

/// Keeps each projection's label beside the middle of its arrow, on the outer side of its
/// bend (so the labels of A→B and B→A part), or left of its loop; hidden on an arrow shorter
/// than itself, and on all but one of a source's projections that read the same.
fn place_projection_labels(
    projections: Query<&Projection>,
    positions: Query<&Position>,
    sizes: Query<&Population>,
    mut labels: Query<(
        &ProjectionLabel,
        &Text2d,
        &mut Transform,
        &mut Anchor,
        &mut Visibility,
    )>,
) {
    // A source fanning out to many groups with the same rule and weight says it once.
    let mut said: HashSet<(Entity, String)> = HashSet::new();
    for (label, text, mut transform, mut anchor, mut visibility) in &mut labels {
        let Ok(p) = projections.get(label.projection) else {
            continue;
        };
        if !said.insert((p.from, text.0.clone())) {
            visibility.set_if_neq(Visibility::Hidden);
            continue;
        }
        let (Ok(a), Ok(b)) = (positions.get(p.from), positions.get(p.to)) else {
            continue;
        };
        let at = if p.from == p.to {
            let (centre, radius) = geometry::self_loop(a.0, half_of(&sizes, p.from));
            *anchor = Anchor::CENTER_RIGHT;
            visibility.set_if_neq(Visibility::Inherited);
            centre - Vec2::new(radius + 6.0, 0.0)
        } else {
            let (from, to) =
                projection_ends(a.0, b.0, half_of(&sizes, p.from), half_of(&sizes, p.to));
            // A label longer than its arrow would lie across the glyphs at its ends: the
            // properties panel says the rule when the arrow is selected.
            let fits = from.distance(to) > text.0.chars().count() as f32 * LABEL_CHAR_PX;
            visibility.set_if_neq(if fits {
                Visibility::Inherited
            } else {
                Visibility::Hidden
            });
            let curve = edge_curve(from, to);
            let middle = curve.start * 0.25 + curve.ctrl * 0.5 + curve.end * 0.25;
            let outward = (curve.ctrl - (curve.start + curve.end) / 2.0).normalize_or_zero();
            *anchor = Anchor::CENTER;
            middle + outward * 16.0
        };
        transform.translation = to_world(at).extend(2.5);
    }
}
