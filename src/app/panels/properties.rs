//! The properties panel: edits every parameter of the selection with its unit, a slider over
//! the usual range and typed entry up to the hard limits. Changes take effect at the next
//! step and are undoable; a slider drag is one undo step. With several items selected, a
//! change applies to all that have that parameter. With nothing selected it shows the
//! circuit's name and description.

mod groups;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::levels::ActiveLevel;
use crate::app::sandbox::shortcuts::EditorAction;
use crate::app::ui_state::{self, Hint, Selection};
use crate::circuit::Role;
use crate::circuit::{Circuit, GeneratorKind, NeuronModel, RewardModel, StdpModel, SynapseItem};
use crate::editor::{Document, EditError, EditKey, Shown};
use crate::sim::retina::{self, ReceptiveField, Scene, VisualInput};
use crate::sim::{
    AnimalPosition, Learns, Membrane, Network, PlaceCell, Recorder, RewardEvent, SimClock,
    SynapseKinetics, SynapseMode,
};

#[derive(SystemParam)]
pub struct Properties<'w, 's> {
    doc: ResMut<'w, Document>,
    selection: Res<'w, Selection>,
    hint: ResMut<'w, Hint>,
    time: Res<'w, Time<Real>>,
    shown: Res<'w, Shown>,
    membranes: Query<'w, 's, &'static Membrane>,
    actions: MessageWriter<'w, EditorAction>,
    level: ResMut<'w, ActiveLevel>,
    recorder: Res<'w, Recorder>,
    clock: Res<'w, SimClock>,
    trace: Res<'w, WeightTrace>,
    animal: ResMut<'w, AnimalPosition>,
    net: Res<'w, Network>,
    rewards: MessageWriter<'w, RewardEvent>,
}

/// A readable name for what an item is.
fn describe(c: &Circuit, id: &str) -> String {
    if let Some(n) = c.neurons.iter().find(|n| n.id == id) {
        let sign = if n.inhibitory {
            "Inhibitory"
        } else {
            "Excitatory"
        };
        let model = match &n.model {
            NeuronModel::HodgkinHuxley(_) => "Hodgkin–Huxley",
            NeuronModel::Lif(m) if m.adaptation.is_some() && m.burst.is_some() => {
                "adaptive bursting LIF"
            }
            NeuronModel::Lif(m) if m.adaptation.is_some() => "adaptive LIF",
            NeuronModel::Lif(m) if m.burst.is_some() => "bursting LIF",
            NeuronModel::Lif(_) => "leaky integrate-and-fire",
        };
        return format!("{sign} neuron ({model})");
    }
    if let Some(g) = c.generators.iter().find(|g| g.id == id) {
        return match &g.kind {
            GeneratorKind::Dc { .. } => "DC current generator",
            GeneratorKind::Ac { .. } => "AC current generator",
            GeneratorKind::Regular { .. } => "Regular spike generator",
            GeneratorKind::Poisson { .. } => "Poisson spike generator",
            GeneratorKind::VisualInput(_) => "Visual input (retina cell)",
            GeneratorKind::PlaceCell(_) => "Place cell",
        }
        .into();
    }
    if let Some(m) = c.meters.iter().find(|m| m.id == id) {
        return format!("{:?}", m.kind)
            .replace("SpikeRaster", "Spike raster")
            .replace("RatePlot", "Firing-rate plot");
    }
    if let Some(p) = c.populations.iter().find(|p| p.id == id) {
        let sign = if p.inhibitory {
            "Inhibitory"
        } else {
            "Excitatory"
        };
        let model = match p.model {
            NeuronModel::HodgkinHuxley(_) => "Hodgkin–Huxley",
            NeuronModel::Lif(_) => "integrate-and-fire",
        };
        return format!("{sign} population of {} {model} neurons", p.size);
    }
    match c.role(id) {
        Some(Role::Projection) => "Projection".into(),
        Some(Role::Sensor) => "Touch sensor".into(),
        Some(Role::Note) => "Note".into(),
        Some(Role::Synapse) => "Synapse".into(),
        _ => "Item".into(),
    }
}

impl Properties<'_, '_> {
    fn now(&self) -> f64 {
        self.time.elapsed_secs_f64()
    }

    /// Applies an edit; a refusal shows as a hint and changes nothing.
    fn edit(&mut self, key: EditKey, change: impl FnOnce(&mut Circuit) -> Result<(), EditError>) {
        if let Err(e) = self.doc.edit(key, change) {
            let now = self.now();
            self.hint.show(format!("Not changed: {e}"), now);
        }
    }

    /// Whether the panel shows an item (rather than the circuit or the level).
    pub fn has_item(&self) -> bool {
        self.selection
            .primary()
            .is_some_and(|id| self.doc.circuit().role(id).is_some())
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.add_space(4.0);
            match self.selection.primary().map(str::to_owned) {
                None => self.circuit_info(ui),
                Some(id) if self.doc.circuit().role(&id).is_some() => self.item(ui, &id),
                Some(_) => self.circuit_info(ui),
            }
        });
    }

    fn circuit_info(&mut self, ui: &mut egui::Ui) {
        if let Some(playing) = &self.level.0 {
            let level = &playing.level.clone();
            ui.heading(&level.title);
            ui.label(&level.goal);
            ui.add_space(6.0);
            let now = self.clock.time_s();
            if let Some(playing) = &mut self.level.0 {
                crate::app::levels::ui::live_target(ui, playing, &self.recorder, &self.shown, now);
            }
            ui.add_space(8.0);
            ui.label(egui::RichText::new("You may add").strong());
            if level.palette.is_empty() {
                ui.weak("nothing: wire and tune what is there");
            }
            for entry in &level.palette {
                let count = entry
                    .max
                    .map_or("any number of".to_owned(), |m| format!("{m} ×"));
                ui.label(format!("{count} {}", entry.item.name().to_lowercase()));
            }
            if let Some(max) = level.max_synapses {
                ui.label(format!("up to {max} synapses"));
            }
            for r in &level.ranges {
                ui.weak(format!("{} within {}–{}", r.key, r.min, r.max));
            }
            if level.jitter.is_some() {
                ui.weak("Check also runs each trial with its stimuli a little early or late.");
            }
            ui.weak("Tap an item to see it; items that came with the level may be locked.");
            return;
        }
        ui.heading("Circuit");
        let mut name = self.doc.circuit().name.clone();
        ui.label("Name");
        if ui
            .add(finger_sized(egui::TextEdit::singleline(&mut name), ui))
            .changed()
        {
            self.edit(EditKey::gesture("circuit-name"), |c| {
                c.name = name;
                Ok(())
            });
        }
        let mut description = self.doc.circuit().description.clone();
        ui.label("Description");
        if ui
            .add(egui::TextEdit::multiline(&mut description).desired_rows(4))
            .changed()
        {
            self.edit(EditKey::gesture("circuit-description"), |c| {
                c.description = description;
                Ok(())
            });
        }
        let c = self.doc.circuit();
        ui.add_space(8.0);
        let count = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        ui.weak(
            [
                count(c.neurons.len(), "neuron"),
                count(c.generators.len(), "generator"),
                count(c.sensors.len(), "sensor"),
                count(c.synapses.len(), "synapse"),
                count(c.meters.len(), "meter"),
            ]
            .join(" · "),
        );
        if !c.populations.is_empty() {
            let members: u64 = c.populations.iter().map(|p| u64::from(p.size)).sum();
            ui.weak(format!(
                "{} of {members} neurons · {}",
                count(c.populations.len(), "population"),
                count(c.projections.len(), "projection")
            ));
        }
        if c.synapses.iter().any(|s| s.reward.is_some()) {
            ui.add_space(8.0);
            ui.label("Some synapses learn from reward:");
            self.reward_buttons(ui);
        }
        ui.add_space(8.0);
        ui.weak(
            "Tap an item or a synapse to edit it. Shift-click or long-press adds to the selection.",
        );
    }

    /// Reward and punish the whole circuit now.
    fn reward_buttons(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let reward = ui
                .button("🏆 Reward +1")
                .on_hover_text("Strengthens what the circuit just did");
            if reward.clicked() {
                self.rewards.write(RewardEvent { reward: 1.0 });
            }
            let punish = ui
                .button("✋ Punish −1")
                .on_hover_text("Weakens what the circuit just did");
            if punish.clicked() {
                self.rewards.write(RewardEvent { reward: -1.0 });
            }
        });
    }

    fn item(&mut self, ui: &mut egui::Ui, id: &str) {
        let ids = self.selection.ids.clone();
        let circuit = self.doc.circuit().clone();
        ui.heading(describe(&circuit, id));
        ui.weak(format!("id: {id}"));
        if let Some(playing) = &self.level.0
            && playing.level.circuit.role(id).is_some()
        {
            if !playing.level.editable.iter().any(|e| e == id) {
                ui.label("🔒 This came with the level and cannot be changed.");
                if let Some(entity) = self.shown.entity(id)
                    && let Ok(m) = self.membranes.get(entity)
                {
                    ui.label(format!("Membrane potential: {:.1} mV", m.v * 1e3));
                }
                return;
            }
            ui.label("This came with the level: you may tune it, not remove it.");
        }
        if ids.len() > 1 {
            ui.label(format!(
                "{} selected: a change applies to every selected item that has it",
                ids.len()
            ));
        }
        ui.separator();

        if let Some(label) = circuit.label(id) {
            let mut text = label.to_owned();
            ui.label("Label");
            if ui
                .add(finger_sized(egui::TextEdit::singleline(&mut text), ui))
                .changed()
            {
                self.edit(EditKey::gesture(format!("label:{id}")), |c| {
                    c.set_label(id, &text);
                    Ok(())
                });
            }
        }
        if let Some(note) = circuit.notes.iter().find(|n| n.id == id) {
            let mut text = note.text.clone();
            ui.label("Text");
            if ui
                .add(egui::TextEdit::multiline(&mut text).desired_rows(5))
                .changed()
            {
                self.edit(EditKey::gesture(format!("note:{id}")), |c| {
                    if let Some(n) = c.notes.iter_mut().find(|n| n.id == id) {
                        n.text = text;
                    }
                    Ok(())
                });
            }
        }
        // Only neurons have a membrane.
        if let Some(entity) = self.shown.entity(id)
            && let Ok(m) = self.membranes.get(entity)
        {
            ui.label(format!("Membrane potential: {:.1} mV", m.v * 1e3));
        }
        if let Some(mut inhibitory) = circuit.inhibitory(id)
            && ui
                .checkbox(
                    &mut inhibitory,
                    "Inhibitory (its spikes push targets away from firing)",
                )
                .changed()
        {
            self.edit(EditKey::Step, |c| {
                for i in &ids {
                    c.set_inhibitory(i, inhibitory);
                }
                Ok(())
            });
        }
        if let Some(NeuronModel::Lif(m)) = circuit.model(id) {
            let (mut adaptation, mut burst) = (m.adaptation.is_some(), m.burst.is_some());
            let a = ui
                .checkbox(&mut adaptation, "Spike-rate adaptation")
                .changed();
            let b = ui.checkbox(&mut burst, "Burst current").changed();
            if a || b {
                self.edit(EditKey::Step, |c| {
                    c.set_lif_extras(id, adaptation, burst);
                    Ok(())
                });
            }
            let imported = circuit
                .neurons
                .iter()
                .any(|n| matches!(&n.model, NeuronModel::Lif(m) if m.neuronify.is_some()));
            let mut neuronify = m.neuronify.is_some();
            if (imported || neuronify)
                && circuit.neurons.iter().any(|n| n.id == id)
                && ui
                    .checkbox(&mut neuronify, "Steps as in Neuronify")
                    .on_hover_text(
                        "As the original app stepped it (imported lessons): forward Euler, input \
                         one step late, its voltage clamp. Off: Spikeworks' exact integration",
                    )
                    .changed()
            {
                self.edit(EditKey::Step, |c| {
                    for i in &ids {
                        c.set_neuronify_stepping(i, neuronify);
                    }
                    Ok(())
                });
            }
            let mut escape = m.escape.is_some();
            if ui
                .checkbox(&mut escape, "Fires at random near threshold (escape noise)")
                .on_hover_text("Needed for learning from reward: the rule credits the neuron's own random choices")
                .changed()
            {
                self.edit(EditKey::Step, |c| {
                    for i in &ids {
                        c.set_escape(i, escape);
                    }
                    Ok(())
                });
            }
        }
        if let Some(s) = circuit.sensors.iter().find(|s| s.id == id) {
            let mut rewards = s.reward.is_some();
            if ui
                .checkbox(&mut rewards, "Gives a reward when pressed")
                .changed()
            {
                self.edit(EditKey::Step, |c| {
                    for s in c.sensors.iter_mut().filter(|s| ids.contains(&s.id)) {
                        s.reward = rewards.then_some(1.0);
                    }
                    Ok(())
                });
            }
        }
        if let Some(GeneratorKind::PlaceCell(p)) = circuit
            .generators
            .iter()
            .find(|g| g.id == id)
            .map(|g| &g.kind)
        {
            self.place_cell(ui, p);
        }
        if let Some(p) = circuit.populations.iter().find(|p| p.id == id) {
            self.population(ui, &ids, p);
        }
        if let Some(p) = circuit.projections.iter().find(|p| p.id == id) {
            self.projection(ui, &ids, p, &circuit);
        }
        if let Some(s) = circuit.synapses.iter().find(|s| s.id == id) {
            self.learning(ui, &ids, s);
            ui.label(format!("From {} to {}", s.from, s.to));
            let mode = mode_choice(ui, "synapse-kind", s.mode);
            if mode != s.mode {
                self.edit(EditKey::Step, |c| {
                    for s in c.synapses.iter_mut().filter(|s| ids.contains(&s.id)) {
                        s.mode = mode;
                    }
                    Ok(())
                });
            }
        }

        if let Some(GeneratorKind::VisualInput(v)) = circuit
            .generators
            .iter()
            .find(|g| g.id == id)
            .map(|g| &g.kind)
        {
            self.visual_input(ui, &ids, v);
        }

        ui.add_space(6.0);
        for p in circuit.params(id) {
            let mut value = p.value;
            ui.label(p.label);
            let slider = egui::Slider::new(&mut value, p.slider.clone())
                .suffix(format!(" {}", p.unit))
                .clamping(egui::SliderClamping::Never)
                .smart_aim(true);
            let response = ui.add(slider);
            ui_state::expose_button(ui.ctx(), format!("param/{}", p.label), response.rect);
            if response.changed() {
                let value = value.clamp(*p.limits.start(), *p.limits.end());
                let key = p.key;
                self.edit(EditKey::gesture(format!("{key}:{}", ids.join(","))), |c| {
                    for i in &ids {
                        c.set_param(i, key, value);
                    }
                    Ok(())
                });
            }
            if response.drag_stopped() || response.lost_focus() {
                self.doc.end_gesture();
            }
        }

        let wired: Vec<String> = circuit
            .meters
            .iter()
            .filter(|m| m.id == id)
            .flat_map(|m| m.observes.clone())
            .chain(
                circuit
                    .generators
                    .iter()
                    .filter(|g| g.id == id)
                    .flat_map(|g| g.targets.clone()),
            )
            .collect();
        if matches!(circuit.role(id), Some(Role::Meter | Role::CurrentGenerator)) {
            ui.add_space(6.0);
            ui.label(if circuit.role(id) == Some(Role::Meter) {
                "Observes"
            } else {
                "Drives"
            });
            if wired.is_empty() {
                ui.weak("Nothing yet: drag from the green handle to a neuron");
            }
            for target in wired {
                ui.horizontal(|ui| {
                    ui.label(
                        circuit
                            .label(&target)
                            .filter(|l| !l.is_empty())
                            .unwrap_or(&target),
                    );
                    if ui.button("✖ Disconnect").clicked() {
                        self.edit(EditKey::Step, |c| {
                            c.disconnect(id, &target);
                            Ok(())
                        });
                    }
                });
            }
        }

        ui.add_space(10.0);
        ui.horizontal(|ui| {
            if ui
                .button("🗑 Delete")
                .on_hover_text("Delete the selection (Del)")
                .clicked()
            {
                self.actions.write(EditorAction::Delete);
            }
            if ui
                .button("📋 Duplicate")
                .on_hover_text("Duplicate the selection (Ctrl+D)")
                .clicked()
            {
                self.actions.write(EditorAction::Duplicate);
            }
        });
    }
}

/// The selected learning synapse's weight over simulated time, for its plot.
#[derive(Resource, Debug, Default)]
pub struct WeightTrace {
    synapse: Option<Entity>,
    points: Vec<[f64; 2]>,
}

const WEIGHT_TRACE_POINTS: usize = 4000;

pub fn plugin(app: &mut App) {
    app.init_resource::<WeightTrace>().add_systems(
        Update,
        sample_weight.in_set(crate::app::AppSystems::Feedback),
    );
}

/// Samples the selected synapse's weight once a frame while it learns.
fn sample_weight(
    selection: Res<Selection>,
    shown: Res<Shown>,
    clock: Res<SimClock>,
    synapses: Query<&SynapseKinetics, Learns>,
    mut trace: ResMut<WeightTrace>,
) {
    let selected = selection
        .primary()
        .and_then(|id| shown.entity(id))
        .filter(|e| synapses.contains(*e));
    if selected != trace.synapse {
        *trace = WeightTrace {
            synapse: selected,
            points: Vec::new(),
        };
    }
    let Some(k) = selected.and_then(|e| synapses.get(e).ok()) else {
        return;
    };
    let t = clock.time_s();
    // A reset of the dynamics starts the plot again.
    if trace.points.last().is_some_and(|p| p[0] > t) {
        trace.points.clear();
    }
    if trace.points.last().is_none_or(|p| p[0] < t) {
        trace.points.push([t, k.weight_a.abs() * 1e9]);
        if trace.points.len() > WEIGHT_TRACE_POINTS {
            trace.points.drain(..WEIGHT_TRACE_POINTS / 2);
        }
    }
}

impl Properties<'_, '_> {
    /// The learning rule of a synapse, its weight now and over time.
    fn learning(&mut self, ui: &mut egui::Ui, ids: &[String], s: &SynapseItem) {
        #[derive(Clone, Copy, PartialEq)]
        enum Choice {
            Fixed,
            Timing,
            Reward,
        }
        let name = |c: Choice| match c {
            Choice::Fixed => "Fixed weight",
            Choice::Timing => "Learns from spike timing (STDP)",
            Choice::Reward => "Learns from reward (three-factor)",
        };
        let now_choice = match (s.stdp.is_some(), s.reward.is_some()) {
            (true, _) => Choice::Timing,
            (false, true) => Choice::Reward,
            (false, false) => Choice::Fixed,
        };
        let mut choice = now_choice;
        ui.label("Learning");
        egui::ComboBox::from_id_salt("learning-rule")
            .width(ui.available_width() - 8.0)
            .selected_text(name(choice))
            .show_ui(ui, |ui| {
                for c in [Choice::Fixed, Choice::Timing, Choice::Reward] {
                    ui.selectable_value(&mut choice, c, name(c));
                }
            });
        if choice != now_choice {
            self.edit(EditKey::Step, |c| {
                for syn in c.synapses.iter_mut().filter(|x| ids.contains(&x.id)) {
                    syn.stdp = (choice == Choice::Timing).then(StdpModel::default);
                    syn.reward = (choice == Choice::Reward).then(RewardModel::default);
                }
                Ok(())
            });
        }
        if choice == Choice::Fixed {
            return;
        }
        let w_max = s
            .stdp
            .map(|m| m.w_max_na)
            .or(s.reward.map(|m| m.w_max_na))
            .unwrap_or(1.0);
        let now = self.trace.points.last().map(|p| p[1]);
        ui.label(format!(
            "Weight now: {} (started at {:.2} nA)",
            now.map_or("–".into(), |w| format!("{w:.3} nA")),
            s.weight_na
        ));
        if s.reward.is_some() {
            let eligibility = self
                .trace
                .synapse
                .and_then(|e| self.net.eligibilities().find(|(x, _)| *x == e))
                .map(|(_, e)| e);
            ui.label(format!(
                "Eligibility now: {} per mV",
                eligibility.map_or("–".into(), |e| format!("{e:+.3}"))
            ))
            .on_hover_text("How much credit the synapse would get from a reward right now");
            self.reward_buttons(ui);
        }
        egui_plot::Plot::new(("weight", &s.id))
            .height(110.0)
            .x_axis_label("time (s)")
            .y_axis_label("weight (nA)")
            .include_y(0.0)
            .include_y(w_max)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(ui, |p| {
                p.line(egui_plot::Line::new("weight", self.trace.points.clone()));
            });
    }

    /// A place cell's field, and where the animal is: drag in the square to move the animal
    /// (every place cell follows).
    fn place_cell(&mut self, ui: &mut egui::Ui, p: &PlaceCell) {
        const HALF_M: f32 = 1.2;
        let side = (ui.available_width() - 8.0).min(200.0);
        let (response, painter) =
            ui.allocate_painter(egui::vec2(side, side), egui::Sense::click_and_drag());
        let rect = response.rect;
        let px = side / (2.0 * HALF_M);
        let to_screen = |x: f64, y: f64| rect.center() + egui::vec2(x as f32, -y as f32) * px;
        painter.rect_filled(rect, 4.0, egui::Color32::from_rgb(214, 234, 248));
        // The field as rings at 1σ and 2σ.
        let centre = to_screen(p.centre_x_m, p.centre_y_m);
        for (k, alpha) in [(2.0, 60), (1.0, 140)] {
            painter.circle(
                centre,
                k * p.width_m as f32 * px,
                egui::Color32::from_rgba_unmultiplied(213, 94, 0, alpha / 3),
                egui::Stroke::new(
                    1.0,
                    egui::Color32::from_rgba_unmultiplied(213, 94, 0, alpha),
                ),
            );
        }
        let [ax, ay] = self.animal.0;
        painter.circle_filled(to_screen(ax, ay), 6.0, egui::Color32::from_gray(40));
        if let Some(pointer) = response.interact_pointer_pos()
            && (response.dragged() || response.clicked())
        {
            let v = (pointer - rect.center()) / px;
            let clamp = |x: f32| f64::from(x.clamp(-HALF_M, HALF_M));
            self.animal.0 = [clamp(v.x), clamp(-v.y)];
        }
        ui.label(format!(
            "Animal at ({:.2}, {:.2}) m: this cell fires at {:.1} Hz. Drag in the square to move the animal.",
            ax,
            ay,
            p.field().rate_hz(self.animal.0)
        ));
    }

    /// The choices of a visual input, and what it sees.
    fn visual_input(&mut self, ui: &mut egui::Ui, ids: &[String], v: &VisualInput) {
        let mut changed = v.clone();
        ui.label("Receptive field");
        egui::ComboBox::from_id_salt("receptive-field")
            .width(ui.available_width() - 8.0)
            .selected_text(field_name(v.field))
            .show_ui(ui, |ui| {
                for f in [
                    ReceptiveField::OrientationSelective,
                    ReceptiveField::CentreSurround,
                    ReceptiveField::Rectangular,
                ] {
                    ui.selectable_value(&mut changed.field, f, field_name(f));
                }
            });
        if changed.field == ReceptiveField::CentreSurround {
            ui.checkbox(&mut changed.off_centre, "Off centre (prefers a dark spot)");
        }
        ui.label("Scene (in place of a camera)");
        egui::ComboBox::from_id_salt("scene")
            .width(ui.available_width() - 8.0)
            .selected_text(scene_name(v.scene))
            .show_ui(ui, |ui| {
                for s in [Scene::Bar, Scene::Edge, Scene::Spot, Scene::Grey] {
                    ui.selectable_value(&mut changed.scene, s, scene_name(s));
                }
            });
        if (changed.field, changed.off_centre, changed.scene) != (v.field, v.off_centre, v.scene) {
            self.edit(EditKey::Step, |c| {
                for g in c.generators.iter_mut().filter(|g| ids.contains(&g.id)) {
                    if let GeneratorKind::VisualInput(each) = &mut g.kind {
                        each.field = changed.field;
                        each.off_centre = changed.off_centre;
                        each.scene = changed.scene;
                    }
                }
                Ok(())
            });
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            grid_image(ui, &v.image(), "Scene");
            grid_image(ui, &v.kernel(), "Field");
        });
        ui.label(format!(
            "Overlap {:+.3}, so it fires at {:.1} Hz",
            v.overlap(),
            v.rate_hz()
        ));
    }
}

/// Paints a grid of values in [−1, 1] as grey levels, with a caption.
fn grid_image(ui: &mut egui::Ui, grid: &retina::Grid, caption: &str) {
    const SIDE: f32 = 110.0;
    ui.vertical(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(SIDE, SIDE), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        let cell = SIDE / retina::GRID as f32;
        let peak = grid
            .iter()
            .flatten()
            .fold(0.0f64, |m, x| m.max(x.abs()))
            .max(1e-12);
        for (row, values) in grid.iter().enumerate() {
            for (col, value) in values.iter().enumerate() {
                let grey = (127.5 + 127.5 * value / peak).round().clamp(0.0, 255.0) as u8;
                let min = rect.min + egui::vec2(col as f32 * cell, row as f32 * cell);
                painter.rect_filled(
                    egui::Rect::from_min_size(min, egui::vec2(cell + 0.5, cell + 0.5)),
                    0.0,
                    egui::Color32::from_gray(grey),
                );
            }
        }
        painter.rect_stroke(
            rect,
            0.0,
            egui::Stroke::new(2.0, egui::Color32::from_rgb(255, 204, 0)),
            egui::StrokeKind::Inside,
        );
        ui.weak(caption);
    });
}

/// A one-line text field as tall as the other controls (48 px under a finger).
fn finger_sized<'t>(edit: egui::TextEdit<'t>, ui: &egui::Ui) -> egui::TextEdit<'t> {
    edit.min_size(egui::vec2(0.0, ui.spacing().interact_size.y))
        .vertical_align(egui::Align::Center)
}

fn field_name(field: ReceptiveField) -> &'static str {
    match field {
        ReceptiveField::OrientationSelective => "Orientation selective (bars)",
        ReceptiveField::CentreSurround => "Centre–surround (spots)",
        ReceptiveField::Rectangular => "Rectangular (edges)",
    }
}

fn scene_name(scene: Scene) -> &'static str {
    match scene {
        Scene::Bar => "A bright bar",
        Scene::Edge => "An edge, bright on the right",
        Scene::Spot => "A bright spot",
        Scene::Grey => "Plain grey (nothing to see)",
    }
}

/// The choice of how a synapse's spikes act, as a labelled list; returns the chosen kind.
fn mode_choice(ui: &mut egui::Ui, salt: &str, current: SynapseMode) -> SynapseMode {
    let mut mode = current;
    ui.label("Kind");
    egui::ComboBox::from_id_salt(salt)
        .width(ui.available_width() - 8.0)
        .selected_text(mode_name(mode))
        .show_ui(ui, |ui| {
            for m in [
                SynapseMode::Add,
                SynapseMode::Saturate,
                SynapseMode::ImmediateFire,
            ] {
                ui.selectable_value(&mut mode, m, mode_name(m));
            }
        });
    mode
}

fn mode_name(mode: SynapseMode) -> &'static str {
    match mode {
        SynapseMode::Add => "Adds up (each spike adds its weight)",
        SynapseMode::Saturate => "Saturating (as in Neuronify)",
        SynapseMode::ImmediateFire => "Immediate fire (makes the target spike)",
    }
}
