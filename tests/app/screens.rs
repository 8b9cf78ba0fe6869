//! Screens as Bevy states: the sandbox's circuit runs only while a screen shows it. On the
//! title and maze screens its simulated time stands still and the loudspeaker stays silent;
//! coming back resumes the clock as it was.

use bevy::prelude::*;
use spikeworks::app::sandbox::canvas::FreshSpikes;
use spikeworks::app::sandbox::speaker::{self, Sound};
use spikeworks::app::screens::Screen;
use spikeworks::circuit::ItemKind;
use spikeworks::editor::{Document, EditKey};
use spikeworks::sim::{Recorder, SimClock, SpikeEvent};

use crate::harness::Sandbox;

/// Simulated seconds and the spikes recorded so far.
fn progress(s: &Sandbox) -> (f64, usize) {
    let world = s.app.world();
    (
        world.resource::<SimClock>().time_s(),
        world.resource::<Recorder>().spikes().len(),
    )
}

#[test]
fn the_circuit_stands_still_and_is_silent_while_another_screen_shows() {
    let mut s = Sandbox::with(|app| {
        app.add_plugins(AssetPlugin::default())
            .init_asset::<AudioSource>()
            .init_resource::<FreshSpikes>()
            .add_plugins(speaker::plugin);
    });
    // A neuron driven to fire, heard by a loudspeaker, running at real time.
    let n = s.place(ItemKind::Lif, 500.0, 400.0);
    let dc = s.place(ItemKind::Dc, 300.0, 400.0);
    let speaker = s.place(ItemKind::Loudspeaker, 700.0, 400.0);
    s.world()
        .resource_mut::<Document>()
        .edit(EditKey::Step, |c| {
            c.connect(&dc, &n)?;
            c.connect(&speaker, &n)?;
            Ok(())
        })
        .unwrap();
    s.world().resource_mut::<SimClock>().set_paused(false);
    for _ in 0..5 {
        s.frame();
    }
    let running = progress(&s);
    assert!(running.0 > 0.0, "the sandbox runs: {running:?}");

    for screen in [Screen::Title, Screen::Maze, Screen::Map] {
        s.go_to(screen);
        assert_eq!(s.current_screen(), screen);
        assert!(s.app.world().resource::<SimClock>().paused(), "{screen:?}");
        let left = progress(&s);
        // A spike the canvas had gathered just before leaving must not click off screen.
        let heard = s.entity(&n);
        s.world()
            .resource_mut::<FreshSpikes>()
            .spikes
            .push(SpikeEvent {
                step: 0,
                source: heard,
            });
        let clicks = s.app.world().resource::<Sound>().clicks;
        for _ in 0..20 {
            s.frame();
        }
        assert_eq!(progress(&s), left, "no simulated time passes on {screen:?}");
        assert_eq!(
            s.app.world().resource::<Sound>().clicks,
            clicks,
            "no click on {screen:?}"
        );
        s.go_to(Screen::Sandbox);
        assert!(
            !s.app.world().resource::<SimClock>().paused(),
            "running again, as it was left"
        );
        s.frame();
        assert!(
            s.app.world().resource::<Sound>().clicks > clicks,
            "back on the sandbox the loudspeaker is heard"
        );
        assert!(progress(&s).0 > left.0, "and time moves on");
        s.world().resource_mut::<FreshSpikes>().spikes.clear();
    }

    // A clock paused by the student stays paused across screens.
    s.world().resource_mut::<SimClock>().set_paused(true);
    s.go_to(Screen::Title);
    s.go_to(Screen::Sandbox);
    assert!(s.app.world().resource::<SimClock>().paused());
}
