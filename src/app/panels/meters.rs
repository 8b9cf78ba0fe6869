//! Meter panels, docked side by side below the canvas: an egui_plot for each voltmeter
//! (traces in mV with a legend), spike raster and firing-rate plot (a sliding-window
//! estimate in Hz) of the circuit, bound to the neurons the meter observes. A meter may
//! observe a population: the voltmeter plots a few members, the raster shows every member (or
//! an evenly spaced sample, saying so) as one coloured block, and the rate plot shows the
//! population rate as a histogram over a chosen bin. The time window is adjustable; "Export
//! CSV" writes what the meter holds next to the circuit file, members named `id[index]`. The
//! series are built by plain functions, tested without a window.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;
use egui_plot::{Legend, Line, MarkerShape, Plot, Points};

use super::fit::Fit;
use crate::app::ui_state::Hint;
use crate::circuit::{Circuit, MeterItem};
use crate::editor::{Document, Shown};
use crate::runner::csv_field;
use crate::sim::population::{VOLTMETER_MEMBERS, evenly_spaced};
use crate::sim::{MeterKind, PopulationMember, Recorder, SimClock, SpikeEvent};

/// Most points per line drawn; longer traces keep each bucket's extremes.
const MAX_PLOT_POINTS: usize = 1500;
/// The sliding window of the firing-rate estimate.
pub const RATE_WINDOW_S: f64 = 0.1;

/// Per-meter view settings, by meter id.
#[derive(Resource, Debug, Default)]
pub struct MeterViews {
    window_s: HashMap<String, f64>,
    bin_ms: HashMap<String, f64>,
}

impl MeterViews {
    pub fn window_s(&self, meter: &str) -> f64 {
        self.window_s.get(meter).copied().unwrap_or(1.0)
    }

    /// The bin of a population's rate histogram.
    pub fn bin_ms(&self, meter: &str) -> f64 {
        self.bin_ms.get(meter).copied().unwrap_or(5.0)
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<MeterViews>();
}

/// Keeps at most `max` points: the minimum and maximum of each bucket, in time order, so
/// spikes stay visible however long the window.
pub fn decimate(points: &[[f64; 2]], max: usize) -> Vec<[f64; 2]> {
    if points.len() <= max {
        return points.to_vec();
    }
    let bucket = points.len().div_ceil(max / 2);
    points
        .chunks(bucket)
        .flat_map(|chunk| {
            let lo = chunk.iter().min_by(|a, b| a[1].total_cmp(&b[1])).copied();
            let hi = chunk.iter().max_by(|a, b| a[1].total_cmp(&b[1])).copied();
            let (lo, hi) = (
                lo.expect("chunks are not empty"),
                hi.expect("chunks are not empty"),
            );
            if lo[0] <= hi[0] { [lo, hi] } else { [hi, lo] }
        })
        .collect()
}

/// Voltage samples of one neuron since `since_s`, as (s, mV).
pub fn voltage_series(recorder: &Recorder, neuron: Entity, since_s: f64) -> Vec<[f64; 2]> {
    recorder.trace(neuron).map_or_else(Vec::new, |trace| {
        trace
            .recent()
            .filter(|(t, _)| *t >= since_s)
            .map(|(t, v)| [t, v * 1e3])
            .collect()
    })
}

/// Spike times (s) of each observed neuron since `since_s`, in the order given.
pub fn spike_times(
    spikes: impl Iterator<Item = SpikeEvent>,
    neurons: &[Entity],
    since_s: f64,
) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); neurons.len()];
    for s in spikes {
        if let Some(row) = neurons.iter().position(|n| *n == s.source)
            && s.time_s() >= since_s
        {
            out[row].push(s.time_s());
        }
    }
    out
}

/// Firing rate (Hz) at `points` evenly spaced times in `[from_s, to_s]`: spikes in the
/// preceding [`RATE_WINDOW_S`], divided by its length. `times` must be sorted.
pub fn rate_series(times: &[f64], from_s: f64, to_s: f64, points: usize) -> Vec<[f64; 2]> {
    let step = (to_s - from_s) / (points.max(2) - 1) as f64;
    (0..points.max(2))
        .map(|i| {
            let t = from_s + i as f64 * step;
            let lo = times.partition_point(|&s| s <= t - RATE_WINDOW_S);
            let hi = times.partition_point(|&s| s <= t);
            [t, (hi - lo) as f64 / RATE_WINDOW_S]
        })
        .collect()
}

/// An item a meter observes, as it plots it: a neuron, or a population of `size` members.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedItem {
    pub entity: Entity,
    /// The item's id: members are named `id[index]`, as the runner's CSV names them.
    pub id: String,
    pub name: String,
    pub size: Option<u32>,
}

/// Most raster rows one population gets; above it an evenly spaced sample of its members.
pub const MAX_RASTER_ROWS: u32 = 200;

impl ObservedItem {
    /// The members this item shows as rows, by index (a neuron: its one row, index 0).
    fn shown_members(&self, max_rows: u32) -> Vec<u32> {
        match self.size {
            Some(size) => evenly_spaced(size, max_rows).collect(),
            None => vec![0],
        }
    }
}

/// Row names of a raster of `items`: a neuron's name, `name[index]` for a member.
pub fn raster_names(items: &[ObservedItem], max_rows: u32) -> Vec<String> {
    items
        .iter()
        .flat_map(|item| {
            let members = item.shown_members(max_rows);
            members.into_iter().map(move |i| match item.size {
                Some(_) => format!("{}[{i}]", item.id),
                None => item.name.clone(),
            })
        })
        .collect()
}

/// Spike times (s) since `since_s` for each row of [`raster_names`]. `member_of` gives a
/// spiking entity's population and index, if it is a member.
pub fn raster_rows(
    spikes: impl Iterator<Item = SpikeEvent>,
    items: &[ObservedItem],
    max_rows: u32,
    since_s: f64,
    member_of: impl Fn(Entity) -> Option<(Entity, u32)>,
) -> Vec<Vec<f64>> {
    let mut first_row = HashMap::new();
    let mut rows_of = Vec::new();
    let mut total = 0;
    for item in items {
        let members = item.shown_members(max_rows);
        first_row.insert(item.entity, (total, rows_of.len()));
        total += members.len();
        rows_of.push(members);
    }
    let mut out = vec![Vec::new(); total];
    for s in spikes.filter(|s| s.time_s() >= since_s) {
        let (group, index) = match first_row.get(&s.source) {
            Some(_) => (s.source, 0),
            None => match member_of(s.source) {
                Some(m) => m,
                None => continue,
            },
        };
        if let Some(&(first, k)) = first_row.get(&group)
            && let Ok(offset) = rows_of[k].binary_search(&index)
        {
            out[first + offset].push(s.time_s());
        }
    }
    out
}

/// A population's rate (Hz) as a histogram: the spikes of all `size` members in bins of
/// `bin_s` from `from_s` on, each divided by `size × bin_s`; one `[bin centre, Hz]` per bin.
pub fn population_rate(
    times: &[f64],
    size: u32,
    from_s: f64,
    to_s: f64,
    bin_s: f64,
) -> Vec<[f64; 2]> {
    let bins = ((to_s - from_s) / bin_s).floor().max(0.0) as usize;
    let mut counts = vec![0u32; bins];
    for &t in times {
        let k = ((t - from_s) / bin_s).floor();
        if k >= 0.0 && (k as usize) < bins {
            counts[k as usize] += 1;
        }
    }
    let per_spike = 1.0 / (f64::from(size.max(1)) * bin_s);
    counts
        .iter()
        .enumerate()
        .map(|(k, &n)| [from_s + (k as f64 + 0.5) * bin_s, f64::from(n) * per_spike])
        .collect()
}

/// CSV of voltage traces: `time_s` then one `<label>_mV` column per neuron. Traces are
/// sampled at the same steps, so rows line up; a neuron recorded for less time has blanks.
pub fn voltage_csv(names: &[String], series: &[Vec<[f64; 2]>]) -> String {
    let mut out = String::from("time_s");
    for n in names {
        let _ = write!(out, ",{}", csv_field(&format!("{n}_mV")));
    }
    out.push('\n');
    let longest = series.iter().map(Vec::len).max().unwrap_or(0);
    for row in 0..longest {
        // Align the ends: every trace ends at the present step.
        let time = series
            .iter()
            .find(|s| s.len() == longest)
            .map_or(0.0, |s| s[row][0]);
        let _ = write!(out, "{time:.4}");
        for s in series {
            let offset = longest - s.len();
            match row.checked_sub(offset).and_then(|r| s.get(r)) {
                Some(p) => {
                    let _ = write!(out, ",{:.4}", p[1]);
                }
                None => out.push(','),
            }
        }
        out.push('\n');
    }
    out
}

/// CSV of spikes: `time_s,neuron`, in time order.
pub fn spikes_csv(names: &[String], times: &[Vec<f64>]) -> String {
    let mut rows: Vec<(f64, &str)> = times
        .iter()
        .zip(names)
        .flat_map(|(ts, n)| ts.iter().map(move |t| (*t, n.as_str())))
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = String::from("time_s,neuron\n");
    for (t, n) in rows {
        let _ = writeln!(out, "{t:.4},{}", csv_field(n));
    }
    out
}

/// CSV of firing rates: `time_s` then one `<label>_Hz` column per series; series sampled at
/// different times (a neuron's sliding rate beside a population's histogram) are written one
/// row per sample instead, as `time_s,item,rate_Hz`.
pub fn rates_csv(names: &[String], series: &[Vec<[f64; 2]>]) -> String {
    let length = series.first().map_or(0, Vec::len);
    if series.iter().any(|s| s.len() != length) {
        let mut out = String::from("time_s,item,rate_Hz\n");
        for (name, s) in names.iter().zip(series) {
            for [t, hz] in s {
                let _ = writeln!(out, "{t:.4},{},{hz:.2}", csv_field(name));
            }
        }
        return out;
    }
    let mut out = String::from("time_s");
    for n in names {
        let _ = write!(out, ",{}", csv_field(&format!("{n}_Hz")));
    }
    out.push('\n');
    for row in 0..length {
        let _ = write!(out, "{:.4}", series[0][row][0]);
        for s in series {
            let _ = write!(out, ",{:.2}", s[row][1]);
        }
        out.push('\n');
    }
    out
}

/// The display name of a neuron: its label, else its id.
fn name_of(circuit: &Circuit, id: &str) -> String {
    circuit
        .label(id)
        .filter(|l| !l.is_empty())
        .unwrap_or(id)
        .to_owned()
}

/// A name cut to `max` characters, with an ellipsis when cut.
fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_owned()
    } else {
        name.chars().take(max - 1).chain(['…']).collect()
    }
}

/// Okabe–Ito colours for plot lines.
const LINE_COLOURS: [egui::Color32; 6] = [
    egui::Color32::from_rgb(0, 114, 178),
    egui::Color32::from_rgb(213, 94, 0),
    egui::Color32::from_rgb(0, 158, 115),
    egui::Color32::from_rgb(204, 121, 167),
    egui::Color32::from_rgb(230, 159, 0),
    egui::Color32::from_rgb(86, 180, 233),
];

/// What the meter dock reads.
#[derive(SystemParam)]
pub struct MeterDock<'w, 's> {
    doc: Res<'w, Document>,
    members: Query<'w, 's, &'static PopulationMember>,
    children: Query<'w, 's, &'static Children>,
    shown: Res<'w, Shown>,
    recorder: Res<'w, Recorder>,
    clock: Res<'w, SimClock>,
    views: ResMut<'w, MeterViews>,
    hint: ResMut<'w, Hint>,
    time: Res<'w, Time<Real>>,
}

/// What one plot shows: its neurons and the time span.
struct Span<'a> {
    neurons: &'a [Entity],
    since: f64,
    until: f64,
}

impl MeterDock<'_, '_> {
    /// Whether any meter draws a plot (loudspeakers do not).
    pub fn has_plots(&self) -> bool {
        self.doc
            .circuit()
            .meters
            .iter()
            .any(|m| m.kind != MeterKind::Loudspeaker)
    }

    /// How many meters draw a plot.
    pub fn plot_count(&self) -> usize {
        self.doc
            .circuit()
            .meters
            .iter()
            .filter(|m| m.kind != MeterKind::Loudspeaker)
            .count()
    }

    /// The plotted meters side by side, or one above the other on a narrow portrait screen.
    pub fn show(&mut self, ui: &mut egui::Ui, fit: Fit) {
        let meters: Vec<MeterItem> = self
            .doc
            .circuit()
            .meters
            .iter()
            .filter(|m| m.kind != MeterKind::Loudspeaker)
            .cloned()
            .collect();
        if fit == (Fit::Drawers { portrait: true }) && meters.len() > 1 {
            // Each plot gets the width of the screen and a height a finger can read.
            let height = (ui.available_height() / 2.0).max(160.0);
            egui::ScrollArea::vertical().show(ui, |ui| {
                for meter in &meters {
                    ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
                        self.meter(ui, meter);
                    });
                }
            });
            return;
        }
        ui.columns(meters.len().max(1), |columns| {
            for (ui, meter) in columns.iter_mut().zip(&meters) {
                self.meter(ui, meter);
            }
        });
    }

    fn meter(&mut self, ui: &mut egui::Ui, meter: &MeterItem) {
        let circuit = self.doc.circuit();
        let now = self.clock.time_s();
        let window_s = self.views.window_s(&meter.id);
        let since = (now - window_s).max(0.0);
        let items: Vec<ObservedItem> = meter
            .observes
            .iter()
            .filter_map(|id| {
                Some(ObservedItem {
                    entity: self.shown.entity(id)?,
                    id: id.clone(),
                    name: name_of(circuit, id),
                    size: circuit
                        .populations
                        .iter()
                        .find(|p| &p.id == id)
                        .map(|p| p.size),
                })
            })
            .collect();
        let crowds = items.iter().any(|i| i.size.is_some());
        // A voltmeter plots a few members of a population; the rest plot rows per neuron.
        let (names, neurons): (Vec<String>, Vec<Entity>) = items
            .iter()
            .flat_map(|item| match item.size {
                None => vec![(item.name.clone(), item.entity)],
                Some(size) => {
                    let wanted: Vec<u32> = evenly_spaced(size, VOLTMETER_MEMBERS).collect();
                    self.children
                        .get(item.entity)
                        .into_iter()
                        .flatten()
                        .filter_map(|&m| {
                            let index = self.members.get(m).ok()?.index;
                            wanted
                                .contains(&index)
                                .then(|| (format!("{}[{index}]", item.id), m))
                        })
                        .collect()
                }
            })
            .unzip();
        let member_of = |e: Entity| self.members.get(e).ok().map(|m| (m.population, m.index));
        let span = Span {
            neurons: &neurons,
            since,
            until: since.max(now),
        };
        let kind = match meter.kind {
            MeterKind::Voltmeter => "Voltmeter",
            MeterKind::SpikeRaster => "Spike raster",
            MeterKind::RatePlot => "Firing rate",
            MeterKind::Loudspeaker => "Loudspeaker",
            MeterKind::RingReadout => "Ring readout",
        };
        let mut new_window = window_s;
        let bin_ms = self.views.bin_ms(&meter.id);
        let mut new_bin_ms = bin_ms;
        let mut export = false;
        ui.horizontal(|ui| {
            ui.strong(if meter.label.is_empty() {
                kind.to_owned()
            } else {
                format!("{kind}: {}", meter.label)
            });
            if meter.kind == MeterKind::RingReadout {
                ui.weak("spikes of the last 100 ms");
            } else {
                ui.add(
                    egui::Slider::new(&mut new_window, 0.05..=10.0)
                        .logarithmic(true)
                        .suffix(" s"),
                )
                .on_hover_text("How much time the plot shows");
            }
            export = ui
                .button("⬇ CSV")
                .on_hover_text("Save what this meter holds as a CSV file")
                .clicked();
        });
        if meter.kind == MeterKind::RatePlot && crowds {
            ui.horizontal(|ui| {
                ui.spacing_mut().slider_width = 90.0;
                ui.label("Histogram bin");
                ui.add(
                    egui::Slider::new(&mut new_bin_ms, 1.0..=50.0)
                        .logarithmic(true)
                        .suffix(" ms"),
                )
                .on_hover_text("The width of each bar of a population's rate histogram");
            });
        }
        if items.is_empty() {
            ui.weak("Not connected: select the meter and drag its green handle to a neuron.");
        }
        // Say what part of a crowd is shown.
        for item in &items {
            let Some(size) = item.size else { continue };
            let shown = match meter.kind {
                MeterKind::Voltmeter => size.min(VOLTMETER_MEMBERS),
                MeterKind::SpikeRaster => size.min(MAX_RASTER_ROWS),
                _ => size,
            };
            if shown < size {
                ui.weak(format!(
                    "{}: {shown} of {size} members shown, evenly spaced",
                    item.name
                ));
            }
        }
        let plot = Plot::new(("plot", &meter.id))
            .x_axis_label("time (s)")
            .include_x(since)
            .include_x(since + window_s)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false);
        let recorder = &*self.recorder;
        let raster = || {
            let times = raster_rows(
                recorder.recent_spikes().copied(),
                &items,
                MAX_RASTER_ROWS,
                since,
                member_of,
            );
            (raster_names(&items, MAX_RASTER_ROWS), times)
        };
        // Per observed item: a neuron's sliding-window rate, a population's histogram.
        let item_rates = || -> Vec<Vec<[f64; 2]>> {
            let mut times = vec![Vec::new(); items.len()];
            let index: HashMap<Entity, usize> = items
                .iter()
                .enumerate()
                .map(|(k, i)| (i.entity, k))
                .collect();
            for s in recorder.recent_spikes() {
                let owner = index
                    .get(&s.source)
                    .or_else(|| member_of(s.source).and_then(|(p, _)| index.get(&p)));
                if let Some(&k) = owner {
                    times[k].push(s.time_s());
                }
            }
            items
                .iter()
                .zip(&mut times)
                .map(|(item, ts)| {
                    ts.sort_by(f64::total_cmp);
                    match item.size {
                        Some(size) => population_rate(ts, size, since, span.until, bin_ms / 1e3),
                        None => rate_series(ts, span.since, span.until, 300),
                    }
                })
                .collect()
        };
        match meter.kind {
            MeterKind::Voltmeter => {
                plot.legend(Legend::default())
                    .y_axis_label("V (mV)")
                    .include_y(-85.0)
                    .include_y(-50.0)
                    .show(ui, |p| {
                        for (row, series) in voltages(recorder, &span).into_iter().enumerate() {
                            let series = decimate(&series, MAX_PLOT_POINTS);
                            p.line(
                                Line::new(names[row].clone(), series).color(LINE_COLOURS[row % 6]),
                            );
                        }
                    });
            }
            MeterKind::SpikeRaster => {
                let (row_names, times) = raster();
                // The first observed item on top; a neuron's row is named on the axis, a
                // population's block at its middle row, and a block has one colour.
                let rows = row_names.len();
                let y_of = move |row: usize| (rows - 1 - row) as f64;
                let mut marks: Vec<(usize, String)> = Vec::new();
                let mut colour_of_row = Vec::with_capacity(rows);
                for (k, item) in items.iter().enumerate() {
                    let block = item.shown_members(MAX_RASTER_ROWS).len();
                    let first = colour_of_row.len();
                    marks.push((first + block / 2, item.name.clone()));
                    colour_of_row.extend(std::iter::repeat_n(LINE_COLOURS[k % 6], block));
                }
                let (spacer_marks, formatter_marks) = (marks.clone(), marks);
                let dot = if rows > 40 { 1.5 } else { 3.0 };
                plot.include_y(-0.5)
                    .include_y(rows as f64 - 0.5)
                    .y_grid_spacer(move |_| {
                        spacer_marks
                            .iter()
                            .map(|(row, _)| egui_plot::GridMark {
                                value: y_of(*row),
                                // A label per item, however many rows a population takes:
                                // the plot hides marks whose step is too fine to read.
                                step_size: rows as f64,
                            })
                            .collect()
                    })
                    .y_axis_formatter(move |mark, _| {
                        formatter_marks
                            .iter()
                            .find(|(row, _)| y_of(*row) == mark.value)
                            .map(|(_, name)| short(name, 14))
                            .unwrap_or_default()
                    })
                    .show(ui, |p| {
                        // One series per observed item, so a crowd is one draw call.
                        let mut first = 0;
                        for item in &items {
                            let block = item.shown_members(MAX_RASTER_ROWS).len();
                            let pts: Vec<[f64; 2]> = (first..first + block)
                                .flat_map(|row| times[row].iter().map(move |t| [*t, y_of(row)]))
                                .collect();
                            p.points(
                                Points::new(item.name.clone(), pts)
                                    .shape(MarkerShape::Circle)
                                    .radius(dot)
                                    .color(
                                        colour_of_row
                                            .get(first)
                                            .copied()
                                            .unwrap_or(LINE_COLOURS[0]),
                                    ),
                            );
                            first += block;
                        }
                    });
            }
            MeterKind::RatePlot => {
                let series = item_rates();
                plot.legend(Legend::default())
                    .y_axis_label("rate (Hz)")
                    .include_y(0.0)
                    .include_y(20.0)
                    .show(ui, |p| {
                        for (k, (item, series)) in items.iter().zip(series).enumerate() {
                            let colour = LINE_COLOURS[k % 6];
                            if item.size.is_some() {
                                let bars = series
                                    .iter()
                                    .map(|[t, hz]| egui_plot::Bar::new(*t, *hz).width(bin_ms / 1e3))
                                    .collect();
                                p.bar_chart(
                                    egui_plot::BarChart::new(item.name.clone(), bars).color(colour),
                                );
                            } else {
                                p.line(Line::new(item.name.clone(), series).color(colour));
                            }
                        }
                    });
            }
            MeterKind::Loudspeaker => {}
            MeterKind::RingReadout => {
                let counts = spike_times(
                    recorder.recent_spikes().copied(),
                    &neurons,
                    (now - RING_WINDOW_S).max(0.0),
                );
                ring_readout(ui, &names, &counts);
            }
        }
        if new_window != window_s {
            self.views.window_s.insert(meter.id.clone(), new_window);
        }
        if new_bin_ms != bin_ms {
            self.views.bin_ms.insert(meter.id.clone(), new_bin_ms);
        }
        if export {
            let text = match meter.kind {
                MeterKind::Voltmeter => voltage_csv(&names, &voltages(recorder, &span)),
                MeterKind::SpikeRaster | MeterKind::RingReadout => {
                    let (row_names, times) = raster();
                    spikes_csv(&row_names, &times)
                }
                _ => {
                    let names: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
                    rates_csv(&names, &item_rates())
                }
            };
            let folder = self.doc.folder();
            let path: PathBuf = folder.join(format!("{}-t{:.3}s.csv", meter.id, now));
            let message = match crate::app::platform::write_user_file(&path, text.as_bytes()) {
                Ok(()) => format!("Exported {}", path.display()),
                Err(e) => format!("Not exported: {e}"),
            };
            let now = self.time.elapsed_secs_f64();
            self.hint.show(message, now);
        }
    }
}

/// White for a silent cell, through orange to vermillion for the most active one (0–1).
pub fn activity_colour(level: f32) -> egui::Color32 {
    let level = level.clamp(0.0, 1.0);
    egui::Color32::from_rgb(
        (255.0 - 42.0 * level) as u8,
        (255.0 - 161.0 * level) as u8,
        (255.0 - 255.0 * level) as u8,
    )
}

/// The ring readout counts spikes over one theta cycle, as the water-maze mouse does.
const RING_WINDOW_S: f64 = 0.1;

/// The observed neurons round a ring (the first at 0°, east, then counter-clockwise), each
/// shaded by its spikes in the last 100 ms, and the population vector's direction.
fn ring_readout(ui: &mut egui::Ui, names: &[String], spikes: &[Vec<f64>]) {
    let counts: Vec<f64> = spikes.iter().map(|t| t.len() as f64).collect();
    let heading = crate::sim::place::population_vector(counts.iter().copied());
    let side = ui.available_height().min(ui.available_width()) - 24.0;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), side.max(60.0)),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let (centre, radius) = (rect.center(), 0.32 * side.max(60.0));
    let peak = counts.iter().copied().fold(1.0, f64::max);
    let n = counts.len();
    for (i, &c) in counts.iter().enumerate() {
        let a = crate::sim::place::ring_angle(i, n);
        let at = centre + egui::vec2(a.cos() as f32, -a.sin() as f32) * radius;
        let fill = activity_colour((c / peak) as f32);
        painter.circle(at, 7.0, fill, egui::Stroke::new(1.0, egui::Color32::GRAY));
        if n <= 12 {
            painter.text(
                centre + egui::vec2(a.cos() as f32, -a.sin() as f32) * (radius + 18.0),
                egui::Align2::CENTER_CENTER,
                short(&names[i], 10),
                egui::FontId::proportional(11.0),
                egui::Color32::DARK_GRAY,
            );
        }
    }
    let text = match heading {
        Some(h) => {
            painter.arrow(
                centre,
                egui::vec2(h.cos() as f32, -h.sin() as f32) * radius * 0.8,
                egui::Stroke::new(3.0, egui::Color32::from_gray(30)),
            );
            format!(
                "direction {:.0}° (0° = first neuron, counter-clockwise)",
                h.to_degrees().rem_euclid(360.0)
            )
        }
        None if counts.iter().sum::<f64>() > 0.0 => "the votes cancel out: no direction".to_owned(),
        None => "no spikes in the last 100 ms: no direction".to_owned(),
    };
    ui.label(text);
}

fn voltages(recorder: &Recorder, span: &Span) -> Vec<Vec<[f64; 2]>> {
    span.neurons
        .iter()
        .map(|e| voltage_series(recorder, *e, span.since))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_row_names_are_cut_with_an_ellipsis() {
        assert_eq!(short("Output B", 14), "Output B");
        assert_eq!(short("Output B (centre)", 10), "Output B …");
    }

    #[test]
    fn decimation_keeps_the_extremes_of_each_bucket() {
        let points: Vec<[f64; 2]> = (0..10_000)
            .map(|i| [i as f64, if i == 5_123 { 40.0 } else { -70.0 }])
            .collect();
        let kept = decimate(&points, 1000);
        assert!(kept.len() <= 1000);
        assert!(kept.iter().any(|p| p[1] == 40.0), "the spike survives");
        assert!(kept.windows(2).all(|w| w[0][0] <= w[1][0]), "time order");
    }

    #[test]
    fn the_rate_estimate_counts_spikes_in_the_preceding_window() {
        // 10 spikes in 100 ms: 100 Hz right after them, 0 Hz a window later.
        let times: Vec<f64> = (0..10).map(|i| 0.501 + i as f64 * 0.01).collect();
        let series = rate_series(&times, 0.0, 1.0, 101);
        let at = |t: f64| series.iter().find(|p| (p[0] - t).abs() < 1e-9).unwrap()[1];
        assert_eq!(at(0.5), 0.0);
        assert!((at(0.6) - 100.0).abs() < 1e-9, "{}", at(0.6));
        assert_eq!(at(0.8), 0.0);
    }

    #[test]
    fn csv_exports_have_units_and_one_row_per_sample_or_spike() {
        let names = vec!["A".to_owned(), "B, the second".to_owned()];
        let v = voltage_csv(
            &names,
            &[vec![[0.1, -70.0], [0.2, -69.5]], vec![[0.2, -60.0]]],
        );
        assert_eq!(v.lines().next(), Some("time_s,A_mV,\"B, the second_mV\""));
        assert_eq!(v.lines().nth(1), Some("0.1000,-70.0000,"));
        assert_eq!(v.lines().nth(2), Some("0.2000,-69.5000,-60.0000"));
        let s = spikes_csv(&names, &[vec![0.3], vec![0.1]]);
        assert_eq!(s, "time_s,neuron\n0.1000,\"B, the second\"\n0.3000,A\n");
        let r = rates_csv(&names[..1], &[vec![[0.0, 5.0]]]);
        assert_eq!(r, "time_s,A_Hz\n0.0000,5.00\n");
    }

    #[test]
    fn a_population_in_a_raster_is_an_evenly_spaced_block_of_its_members() {
        let mut world = World::new();
        let (neuron, population) = (world.spawn_empty().id(), world.spawn_empty().id());
        let members: Vec<Entity> = (0..1000).map(|_| world.spawn_empty().id()).collect();
        let items = [
            ObservedItem {
                entity: neuron,
                id: "n".into(),
                name: "N".into(),
                size: None,
            },
            ObservedItem {
                entity: population,
                id: "exc".into(),
                name: "Excitatory".into(),
                size: Some(1000),
            },
        ];
        let names = raster_names(&items, 200);
        assert_eq!(names.len(), 201, "the neuron and 200 of 1000 members");
        assert_eq!((names[0].as_str(), names[1].as_str()), ("N", "exc[0]"));
        assert_eq!(names[2], "exc[5]", "every fifth member");
        let spike = |source: Entity, step: u64| SpikeEvent { source, step };
        let spikes = vec![
            spike(neuron, 10),
            spike(members[5], 20),
            spike(members[6], 30),
            spike(members[995], 40),
        ];
        let member_of = |e: Entity| {
            members
                .iter()
                .position(|&m| m == e)
                .map(|i| (population, i as u32))
        };
        let rows = raster_rows(spikes.into_iter(), &items, 200, 0.0, member_of);
        assert_eq!(rows.len(), 201);
        assert_eq!(rows[0].len(), 1, "the neuron's spike");
        assert_eq!(rows[2].len(), 1, "member 5 is shown");
        assert_eq!(rows[200].len(), 1, "member 995 is the last row");
        let shown: usize = rows.iter().map(Vec::len).sum();
        assert_eq!(shown, 3, "member 6 is not among the rows");
    }

    #[test]
    fn a_population_rate_is_its_spikes_per_member_and_second_in_each_bin() {
        // 100 members, 50 spikes in the first 10 ms bin and none in the second: 50 Hz, 0 Hz.
        let times: Vec<f64> = (0..50).map(|i| 1.0 + i as f64 * 1e-4).collect();
        let series = population_rate(&times, 100, 1.0, 1.02, 0.01);
        assert_eq!(series.len(), 2);
        assert!((series[0][0] - 1.005).abs() < 1e-12 && (series[0][1] - 50.0).abs() < 1e-9);
        assert_eq!(series[1][1], 0.0);
        let csv = rates_csv(
            &["N".into(), "exc".into()],
            &[vec![[1.0, 3.0], [1.01, 4.0], [1.02, 5.0]], series],
        );
        assert_eq!(csv.lines().next(), Some("time_s,item,rate_Hz"));
        assert!(csv.contains("1.0050,exc,50.00"), "{csv}");
    }
}
