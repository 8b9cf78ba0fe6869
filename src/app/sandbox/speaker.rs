//! Loudspeakers: a click for every spike of the neurons a loudspeaker observes, as in
//! Neuronify, through bevy_audio. The click is a few milliseconds of decaying tone made in
//! code (a bundled WAV in memory), so there is no file to lose. Without an audio device
//! bevy_audio only warns; the sandbox runs on, silent. The top bar mutes it.

use std::collections::HashSet;
use std::sync::Arc;

use bevy::audio::{AudioPlayer, AudioSource, PlaybackSettings, Volume};
use bevy::prelude::*;

use crate::app::AppSystems;
use crate::app::sandbox::canvas::FreshSpikes;
use crate::editor::{Document, Shown};
use crate::sim::MeterKind;

/// Most clicks started per frame: at high rates single clicks merge into a buzz anyway.
const MAX_CLICKS_PER_FRAME: usize = 6;

#[derive(Resource, Debug, Default)]
pub struct Sound {
    pub muted: bool,
    click: Handle<AudioSource>,
    /// Clicks started since launch (for tests and the status line).
    pub clicks: u64,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Sound>()
        .add_systems(Startup, make_click)
        .add_systems(Update, click_on_spikes.in_set(AppSystems::Feedback));
}

/// A mono 16-bit WAV: 6 ms of a 2.5 kHz tone with an exponential decay.
pub fn click_wav() -> Vec<u8> {
    const RATE: u32 = 44_100;
    let samples: Vec<i16> = (0..RATE * 6 / 1000)
        .map(|i| {
            let t = i as f32 / RATE as f32;
            let envelope = (-t / 0.0015).exp();
            (envelope * (std::f32::consts::TAU * 2500.0 * t).sin() * 0.8 * i16::MAX as f32) as i16
        })
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

fn make_click(mut sound: ResMut<Sound>, mut sources: ResMut<Assets<AudioSource>>) {
    sound.click = sources.add(AudioSource {
        bytes: Arc::from(click_wav()),
    });
}

fn click_on_spikes(
    mut commands: Commands,
    mut sound: ResMut<Sound>,
    fresh: Res<FreshSpikes>,
    doc: Res<Document>,
    shown: Res<Shown>,
) {
    if sound.muted || fresh.spikes.is_empty() {
        return;
    }
    let heard: HashSet<Entity> = doc
        .circuit()
        .meters
        .iter()
        .filter(|m| m.kind == MeterKind::Loudspeaker)
        .flat_map(|m| m.observes.iter())
        .filter_map(|id| shown.entity(id))
        .collect();
    if heard.is_empty() {
        return;
    }
    let clicks = fresh
        .spikes
        .iter()
        .filter(|s| heard.contains(&s.source))
        .count();
    for _ in 0..clicks.min(MAX_CLICKS_PER_FRAME) {
        commands.spawn((
            AudioPlayer(sound.click.clone()),
            PlaybackSettings::DESPAWN.with_volume(Volume::Linear(0.6)),
        ));
    }
    sound.clicks += clicks as u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_click_is_a_well_formed_short_wav() {
        let wav = click_wav();
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        let declared = u32::from_le_bytes(wav[40..44].try_into().unwrap()) as usize;
        assert_eq!(declared, wav.len() - 44);
        let duration_ms = declared as f64 / 2.0 / 44.1;
        assert!((5.0..10.0).contains(&duration_ms), "{duration_ms} ms");
    }
}
