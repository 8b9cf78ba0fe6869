//! The properties of populations and projections beyond their numbers: where members start,
//! how the glyph lays them out, the connection rule with the number of synapses it makes, and
//! whether weights and delays are one value or drawn per synapse.

use bevy_egui::egui;

use super::{Properties, mode_choice};
use crate::circuit::{Circuit, InitialPotential, NeuronModel, PopulationItem, ProjectionItem};
use crate::editor::EditKey;
use crate::sim::{ConnectionRule, Drawn, PopulationLayout};

/// The shape of a quantity that may be drawn per synapse.
#[derive(Clone, Copy, PartialEq)]
enum Spread {
    Fixed,
    Normal,
    Uniform,
}

impl Spread {
    fn of(d: &Drawn) -> Self {
        match d {
            Drawn::Fixed(_) => Self::Fixed,
            Drawn::Normal { .. } => Self::Normal,
            Drawn::Uniform { .. } => Self::Uniform,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Fixed => "the same for every synapse",
            Self::Normal => "drawn: normal distribution",
            Self::Uniform => "drawn: evenly in a range",
        }
    }

    /// `d` with this shape around the same middle: a normal's spread is a fifth of its mean,
    /// a uniform range half either side.
    fn applied_to(self, d: &Drawn) -> Drawn {
        let middle = match *d {
            Drawn::Fixed(x) => x,
            Drawn::Normal { mean, .. } => mean,
            Drawn::Uniform { low, high } => (low + high) / 2.0,
        };
        match self {
            Self::Fixed => Drawn::Fixed(middle),
            Self::Normal => Drawn::Normal {
                mean: middle,
                sd: middle * 0.2,
            },
            Self::Uniform => Drawn::Uniform {
                low: middle * 0.5,
                high: middle * 1.5,
            },
        }
    }
}

/// A count with thin spaces between thousands: 160 000.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// The rule's name in the panel.
fn rule_name(rule: &ConnectionRule) -> &'static str {
    match rule {
        ConnectionRule::AllToAll => "All to all",
        ConnectionRule::OneToOne => "One to one (member i to member i)",
        ConnectionRule::Probability(_) => "Each pair with probability p",
        ConnectionRule::FixedIndegree(_) => "Each target hears k sources",
        ConnectionRule::FixedOutdegree(_) => "Each source reaches k targets",
    }
}

/// Every rule, with a usable value for a projection of `pre` sources onto `post` targets.
fn rules(pre: u32, post: u32) -> [ConnectionRule; 5] {
    [
        ConnectionRule::AllToAll,
        ConnectionRule::OneToOne,
        ConnectionRule::Probability(0.1),
        ConnectionRule::FixedIndegree(pre.clamp(1, 10)),
        ConnectionRule::FixedOutdegree(post.clamp(1, 10)),
    ]
}

impl Properties<'_, '_> {
    pub(super) fn population(&mut self, ui: &mut egui::Ui, ids: &[String], p: &PopulationItem) {
        let (reset, threshold) = match &p.model {
            NeuronModel::Lif(m) => (m.reset_mv, m.threshold_mv),
            NeuronModel::HodgkinHuxley(_) => (-65.0, -55.0),
        };
        let choices = [
            (InitialPotential::Reset, "their reset potential"),
            (InitialPotential::Fixed(reset), "one potential"),
            (
                InitialPotential::Uniform(reset, threshold),
                "a spread of potentials",
            ),
        ];
        let same_kind = |a: &InitialPotential, b: &InitialPotential| {
            std::mem::discriminant(a) == std::mem::discriminant(b)
        };
        let mut initial = p.initial_mv;
        ui.label("Members start at");
        egui::ComboBox::from_id_salt("population-start")
            .width(ui.available_width() - 8.0)
            .selected_text(
                choices
                    .iter()
                    .find(|(c, _)| same_kind(c, &initial))
                    .map_or("", |(_, name)| name),
            )
            .show_ui(ui, |ui| {
                for (choice, name) in choices {
                    if ui
                        .selectable_label(same_kind(&choice, &initial), name)
                        .clicked()
                    {
                        initial = choice;
                    }
                }
            });
        if !same_kind(&initial, &p.initial_mv) {
            self.edit(EditKey::Step, |c| {
                for q in c.populations.iter_mut().filter(|q| ids.contains(&q.id)) {
                    q.initial_mv = initial;
                }
                Ok(())
            });
        }
        let mut layout = p.layout;
        ui.horizontal(|ui| {
            ui.label("Members drawn in");
            ui.radio_value(&mut layout, PopulationLayout::Grid, "a square");
            ui.radio_value(&mut layout, PopulationLayout::Disc, "a disc");
        });
        if layout != p.layout {
            self.edit(EditKey::Step, |c| {
                for q in c.populations.iter_mut().filter(|q| ids.contains(&q.id)) {
                    q.layout = layout;
                }
                Ok(())
            });
        }
    }

    pub(super) fn projection(
        &mut self,
        ui: &mut egui::Ui,
        ids: &[String],
        p: &ProjectionItem,
        circuit: &Circuit,
    ) {
        let (pre, post) = (
            circuit.group_size(&p.from).unwrap_or(1),
            circuit.group_size(&p.to).unwrap_or(1),
        );
        ui.label(format!("From {} ({pre}) to {} ({post})", p.from, p.to));
        let mut rule = p.rule;
        ui.label("Which pairs connect");
        egui::ComboBox::from_id_salt("projection-rule")
            .width(ui.available_width() - 8.0)
            .selected_text(rule_name(&rule))
            .show_ui(ui, |ui| {
                for choice in rules(pre, post) {
                    let same = rule_name(&choice) == rule_name(&rule);
                    if ui.selectable_label(same, rule_name(&choice)).clicked() && !same {
                        rule = choice;
                    }
                }
            });
        if rule != p.rule {
            self.edit(EditKey::Step, |c| {
                for q in c.projections.iter_mut().filter(|q| ids.contains(&q.id)) {
                    q.rule = rule;
                }
                Ok(())
            });
        }
        let no_self = p.from == p.to && !p.autapses;
        let expected = p
            .rule
            .expected_synapses(u64::from(pre), u64::from(post), no_self);
        ui.weak(format!("≈ {} synapses", thousands(expected.round() as u64)));
        if p.from == p.to {
            let mut autapses = p.autapses;
            if ui
                .checkbox(&mut autapses, "A member may connect to itself")
                .changed()
            {
                self.edit(EditKey::Step, |c| {
                    for q in c.projections.iter_mut().filter(|q| ids.contains(&q.id)) {
                        q.autapses = autapses;
                    }
                    Ok(())
                });
            }
        }
        for (what, drawn) in [("Weight", &p.weight_na), ("Delay", &p.delay_ms)] {
            let mut spread = Spread::of(drawn);
            ui.label(format!("{what} is"));
            egui::ComboBox::from_id_salt(("projection-spread", what))
                .width(ui.available_width() - 8.0)
                .selected_text(spread.name())
                .show_ui(ui, |ui| {
                    for choice in [Spread::Fixed, Spread::Normal, Spread::Uniform] {
                        ui.selectable_value(&mut spread, choice, choice.name());
                    }
                });
            if spread != Spread::of(drawn) {
                self.edit(EditKey::Step, |c| {
                    for q in c.projections.iter_mut().filter(|q| ids.contains(&q.id)) {
                        let slot = if what == "Weight" {
                            &mut q.weight_na
                        } else {
                            &mut q.delay_ms
                        };
                        *slot = spread.applied_to(slot);
                    }
                    Ok(())
                });
            }
        }
        let mode = mode_choice(ui, "projection-kind", p.mode);
        if mode != p.mode {
            self.edit(EditKey::Step, |c| {
                for q in c.projections.iter_mut().filter(|q| ids.contains(&q.id)) {
                    q.mode = mode;
                }
                Ok(())
            });
        }
        let learns = match (&p.stdp, &p.reward) {
            (Some(_), _) => Some("spike timing (STDP)"),
            (None, Some(_)) => Some("reward"),
            (None, None) => None,
        };
        if let Some(rule) = learns {
            ui.label(format!(
                "Every synapse learns by {rule}. What it learns lasts while the circuit runs; \
                 the file keeps the rule."
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_spread_keeps_the_middle_and_counts_read_in_thousands() {
        let normal = Spread::Normal.applied_to(&Drawn::Fixed(0.5));
        assert_eq!(normal, Drawn::Normal { mean: 0.5, sd: 0.1 });
        let uniform = Spread::Uniform.applied_to(&normal);
        assert_eq!(
            uniform,
            Drawn::Uniform {
                low: 0.25,
                high: 0.75
            }
        );
        assert_eq!(Spread::Fixed.applied_to(&uniform), Drawn::Fixed(0.5));
        assert_eq!(thousands(160_000), "160\u{2009}000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1\u{2009}234\u{2009}567");
    }
}
