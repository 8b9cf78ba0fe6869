//! The properties panel: edits every parameter of the selection with its unit, a slider over
//! the usual range and typed entry up to the hard limits. Changes take effect at the next
//! step and are undoable; a slider drag is one undo step. With several items selected, a
//! change applies to all that have that parameter. With nothing selected it shows the
//! circuit's name and description.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui;

use super::interaction::{Hint, Selection};
use super::shortcuts::EditorAction;
use crate::circuit::{Circuit, GeneratorKind, NeuronModel};
use crate::editor::{Document, EditError, EditKey, Role, Shown};
use crate::sim::{Membrane, SynapseMode};

#[derive(SystemParam)]
pub struct Properties<'w, 's> {
    doc: ResMut<'w, Document>,
    selection: Res<'w, Selection>,
    hint: ResMut<'w, Hint>,
    time: Res<'w, Time<Real>>,
    shown: Res<'w, Shown>,
    membranes: Query<'w, 's, &'static Membrane>,
    actions: MessageWriter<'w, EditorAction>,
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
        return match g.kind {
            GeneratorKind::Dc { .. } => "DC current generator",
            GeneratorKind::Ac { .. } => "AC current generator",
            GeneratorKind::Regular { .. } => "Regular spike generator",
            GeneratorKind::Poisson { .. } => "Poisson spike generator",
        }
        .into();
    }
    if let Some(m) = c.meters.iter().find(|m| m.id == id) {
        return format!("{:?}", m.kind)
            .replace("SpikeRaster", "Spike raster")
            .replace("RatePlot", "Firing-rate plot");
    }
    match c.role(id) {
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
        ui.heading("Circuit");
        let mut name = self.doc.circuit().name.clone();
        ui.label("Name");
        if ui.text_edit_singleline(&mut name).changed() {
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
        ui.add_space(8.0);
        ui.weak(
            "Tap an item or a synapse to edit it. Shift-click or long-press adds to the selection.",
        );
    }

    fn item(&mut self, ui: &mut egui::Ui, id: &str) {
        let ids = self.selection.ids.clone();
        let circuit = self.doc.circuit().clone();
        ui.heading(describe(&circuit, id));
        ui.weak(format!("id: {id}"));
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
            if ui.text_edit_singleline(&mut text).changed() {
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
        if let Some(NeuronModel::Lif(m)) = circuit
            .neurons
            .iter()
            .find(|n| n.id == id)
            .map(|n| &n.model)
        {
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
        }
        if let Some(s) = circuit.synapses.iter().find(|s| s.id == id) {
            ui.label(format!("From {} to {}", s.from, s.to));
            let mut mode = s.mode;
            ui.label("Kind");
            egui::ComboBox::from_id_salt("synapse-kind")
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
            if mode != s.mode {
                self.edit(EditKey::Step, |c| {
                    for s in c.synapses.iter_mut().filter(|s| ids.contains(&s.id)) {
                        s.mode = mode;
                    }
                    Ok(())
                });
            }
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
                    if ui.small_button("✖").on_hover_text("Disconnect").clicked() {
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

fn mode_name(mode: SynapseMode) -> &'static str {
    match mode {
        SynapseMode::Add => "Adds up (each spike adds its weight)",
        SynapseMode::Saturate => "Saturating (as in Neuronify)",
        SynapseMode::ImmediateFire => "Immediate fire (makes the target spike)",
    }
}
