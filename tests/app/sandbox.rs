//! Headless interaction tests of the sandbox: synthetic mouse, touch and keyboard input goes
//! through Bevy's input plugin into the canvas gestures (no window, no GPU), and the tests
//! check the document, the simulated world and the view that result.

use bevy::input::keyboard::Key;
use bevy::input::touch::TouchPhase;
use bevy::prelude::*;
use spikeworks::app::documents::{self as files, Autosave, FileRequest, FileUi, PromptAnswer};
use spikeworks::app::sandbox::geometry::HANDLE_OFFSET;
use spikeworks::app::sandbox::view::CanvasView;
use spikeworks::app::ui_state::{Selection, Tool};
use spikeworks::circuit::ItemKind;
use spikeworks::circuit::{Circuit, GeneratorKind};
use spikeworks::editor::{Document, EditKey};
use spikeworks::sim;

use crate::harness::Sandbox;

#[test]
fn build_wire_edit_undo_and_run_a_circuit_with_pointer_and_touch() {
    let mut s = Sandbox::new();
    // Tap the palette's tool, then the canvas: canvas (−100, 0) and (100, 0).
    let n1 = s.place(ItemKind::Lif, 540.0, 400.0);
    let n2 = s.place(ItemKind::Lif, 740.0, 400.0);
    let dc = s.place(ItemKind::Dc, 340.0, 400.0);
    assert_eq!(s.doc().neurons.len(), 2);
    assert_eq!(s.doc().position(&n1), Some(Vec2::new(-100.0, 0.0)));
    assert_eq!(s.doc().position(&dc), Some(Vec2::new(-300.0, 0.0)));

    // The DC source is selected: drag its handle onto the first neuron.
    assert_eq!(s.selection().ids, [dc.as_str()]);
    let handle = s.screen(Vec2::new(-300.0, 0.0) + HANDLE_OFFSET);
    s.mouse_drag(handle, s.screen(Vec2::new(-100.0, 0.0)));
    assert_eq!(s.doc().generators[0].targets, [n1.as_str()], "{}", s.hint());

    // Wiring tool: tap source, then target.
    *s.world().resource_mut::<Tool>() = Tool::Connect { from: None };
    s.tap(540.0, 400.0);
    s.tap(740.0, 400.0);
    assert_eq!(s.doc().synapses.len(), 1);
    assert_eq!(
        (&s.doc().synapses[0].from, &s.doc().synapses[0].to),
        (&n1, &n2)
    );

    // Into a generator is refused, with a hint saying why.
    s.tap(740.0, 400.0);
    s.tap(340.0, 400.0);
    assert_eq!(s.doc().synapses.len(), 1);
    assert!(
        s.hint().contains("Generators have no input"),
        "{}",
        s.hint()
    );
    *s.world().resource_mut::<Tool>() = Tool::Select;

    // A parameter change (what the properties panel does), then Ctrl+Z.
    s.world()
        .resource_mut::<Document>()
        .edit(EditKey::gesture("current"), |c| {
            c.set_param(&dc, "current_nA", 0.1);
            Ok(())
        })
        .unwrap();
    s.frame();
    assert_eq!(
        s.doc().generators[0].kind,
        GeneratorKind::Dc { current_na: 0.1 }
    );
    s.ctrl(KeyCode::KeyZ, "z");
    assert_eq!(
        s.doc().generators[0].kind,
        GeneratorKind::Dc { current_na: 1.0 }
    );

    // Run: 1 nA through 100 MΩ drives the first neuron, its synapse the second.
    sim::run_steps(s.world(), 5_000);
    let (a, b) = (s.spikes_of(&n1), s.spikes_of(&n2));
    assert!(a >= 5, "the driven neuron fires: {a} spikes in 0.5 s");
    assert!(b >= 1, "the synapse carries spikes on: {b}");

    // Moving by drag is one undo step.
    s.mouse_drag(
        s.screen(Vec2::new(100.0, 0.0)),
        s.screen(Vec2::new(100.0, 150.0)),
    );
    assert_eq!(s.doc().position(&n2), Some(Vec2::new(100.0, 150.0)));
    s.ctrl(KeyCode::KeyZ, "z");
    assert_eq!(s.doc().position(&n2), Some(Vec2::new(100.0, 0.0)));
    s.ctrl(KeyCode::KeyY, "y");
    assert_eq!(s.doc().position(&n2), Some(Vec2::new(100.0, 150.0)));

    // Delete removes the neuron with its synapse; undo brings both back.
    s.tap(740.0, 550.0);
    assert_eq!(s.selection().ids, [n2.as_str()]);
    s.chord(&[(KeyCode::Delete, Key::Delete)]);
    assert_eq!(s.doc().neurons.len(), 1);
    assert!(s.doc().synapses.is_empty());
    s.ctrl(KeyCode::KeyZ, "z");
    assert_eq!(s.doc().neurons.len(), 2);
    assert_eq!(s.doc().synapses.len(), 1);
    s.frame();
    let net = s.app.world().resource::<sim::Network>();
    assert_eq!(net.neuron_count(), 2);
}

#[test]
fn two_fingers_pinch_zoom_and_one_finger_pans() {
    let mut s = Sandbox::new();
    let before = s.app.world().resource::<CanvasView>().clone();
    // One finger on empty canvas pans.
    s.touch(1, TouchPhase::Started, 600.0, 400.0);
    s.touch(1, TouchPhase::Moved, 650.0, 420.0);
    s.touch(1, TouchPhase::Ended, 650.0, 420.0);
    let panned = s.app.world().resource::<CanvasView>().clone();
    assert_eq!(panned.centre, before.centre - Vec2::new(50.0, 20.0));
    // Two fingers 100 px apart spread to 200 px: twice as close.
    s.touch(1, TouchPhase::Started, 590.0, 400.0);
    s.touch(2, TouchPhase::Started, 690.0, 400.0);
    s.touch(1, TouchPhase::Moved, 540.0, 400.0);
    s.touch(2, TouchPhase::Moved, 740.0, 400.0);
    let view = s.app.world().resource::<CanvasView>().clone();
    assert!((view.scale - 0.5).abs() < 1e-4, "scale {}", view.scale);
    // The canvas point under the fingers' midpoint stayed there.
    let mid = Vec2::new(640.0, 400.0);
    assert!((view.to_canvas(mid) - panned.to_canvas(mid)).length() < 1e-3);
    s.touch(1, TouchPhase::Ended, 540.0, 400.0);
    s.touch(2, TouchPhase::Ended, 740.0, 400.0);
    assert!(s.doc().neurons.is_empty(), "a pinch creates nothing");
}

#[test]
fn selection_by_shift_click_long_press_and_rubber_band() {
    let mut s = Sandbox::new();
    let a = s.place(ItemKind::Lif, 440.0, 400.0);
    let b = s.place(ItemKind::Lif, 640.0, 400.0);
    let c = s.place(ItemKind::Lif, 840.0, 300.0);
    // A long press adds to the selection.
    s.touch(1, TouchPhase::Started, 440.0, 400.0);
    for _ in 0..6 {
        s.frame();
    }
    s.touch(1, TouchPhase::Ended, 440.0, 400.0);
    assert_eq!(s.selection().ids, [c.clone(), a.clone()]);
    // A tap on empty canvas clears it.
    s.tap(640.0, 700.0);
    assert!(s.selection().ids.is_empty());
    // Shift-drag on empty canvas draws a band around the first two.
    s.world()
        .resource_mut::<ButtonInput<KeyCode>>()
        .press(KeyCode::ShiftLeft);
    s.mouse_drag(Vec2::new(380.0, 340.0), Vec2::new(700.0, 460.0));
    assert_eq!(s.selection().ids, [a.clone(), b.clone()]);
    // Ctrl+C, Ctrl+V: a copy of both with the selection's edges.
    s.world()
        .resource_mut::<ButtonInput<KeyCode>>()
        .release(KeyCode::ShiftLeft);
    s.world()
        .resource_mut::<Document>()
        .edit(EditKey::Step, |doc| doc.connect(&a, &b).map(|_| ()))
        .unwrap();
    s.ctrl(KeyCode::KeyC, "c");
    s.ctrl(KeyCode::KeyV, "v");
    assert_eq!(s.doc().neurons.len(), 5);
    assert_eq!(s.doc().synapses.len(), 2);
    assert_eq!(s.selection().ids.len(), 2, "the copies are selected");
}

#[test]
fn a_finger_on_a_panel_does_not_reach_the_canvas_under_it() {
    let mut s = Sandbox::new();
    // Palette on the left, bar on top, properties on the right, status line at the bottom.
    s.world().resource_mut::<CanvasView>().insets = [210.0, 52.0, 300.0, 30.0];
    *s.world().resource_mut::<Tool>() = Tool::Place(ItemKind::Lif);
    for (x, y) in [
        (1100.0, 300.0),
        (100.0, 300.0),
        (640.0, 20.0),
        (640.0, 790.0),
    ] {
        s.tap(x, y);
    }
    assert!(s.doc().neurons.is_empty(), "taps on panels place nothing");
    s.tap(640.0, 400.0);
    assert_eq!(s.doc().neurons.len(), 1, "a tap on the free canvas places");
}

#[test]
fn several_fingers_hold_several_touch_sensors() {
    let mut s = Sandbox::new();
    let t1 = s.place(ItemKind::TouchSensor, 440.0, 300.0);
    let t2 = s.place(ItemKind::TouchSensor, 440.0, 500.0);
    let n1 = s.place(ItemKind::Lif, 740.0, 300.0);
    let n2 = s.place(ItemKind::Lif, 740.0, 500.0);
    for (t, n) in [(&t1, &n1), (&t2, &n2)] {
        s.world()
            .resource_mut::<Document>()
            .edit(EditKey::Step, |c| c.connect(t, n).map(|_| ()))
            .unwrap();
        s.world()
            .resource_mut::<Document>()
            .edit(EditKey::Step, |c| {
                c.set_param(t, "repeat_Hz", 20.0);
                Ok(())
            })
            .unwrap();
    }
    s.frame();
    s.touch(7, TouchPhase::Started, 440.0, 300.0);
    s.touch(8, TouchPhase::Started, 440.0, 500.0);
    sim::run_steps(s.world(), 2_000);
    let (a, b) = (s.spikes_of(&n1), s.spikes_of(&n2));
    assert!(
        a >= 3 && b >= 3,
        "both held sensors fire their neurons: {a}, {b}"
    );
    // Lifting one finger stops only its sensor.
    s.touch(7, TouchPhase::Ended, 440.0, 300.0);
    sim::run_steps(s.world(), 2_000);
    assert_eq!(s.spikes_of(&n1), a, "released");
    assert!(s.spikes_of(&n2) > b, "still held");
    s.touch(8, TouchPhase::Ended, 440.0, 500.0);
    assert_eq!(
        s.doc().position(&t1),
        Some(Vec2::new(-200.0, -100.0)),
        "holding does not move"
    );
}

#[test]
fn a_circuit_edited_in_the_ui_saves_and_loads_unchanged() {
    let mut s = Sandbox::new();
    for (i, kind) in ItemKind::ALL.into_iter().enumerate() {
        let x = 340.0 + (i % 5) as f32 * 150.0;
        let y = 250.0 + (i / 5) as f32 * 150.0;
        s.place(kind, x, y);
    }
    let ids: Vec<String> = s.doc().neurons.iter().map(|n| n.id.clone()).collect();
    let doc = s.world().resource_mut::<Document>().into_inner();
    doc.edit(EditKey::Step, |c| {
        c.connect(&ids[0], &ids[1])?;
        c.set_param(&ids[0], "threshold_mV", -52.5);
        c.set_label(&ids[0], "first");
        Ok(())
    })
    .unwrap();
    let path =
        std::env::temp_dir().join(format!("spikeworks-ui-{}.circuit.ron", std::process::id()));
    s.doc().save(&path).unwrap();
    let loaded = Circuit::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(&loaded, s.doc());
}

#[test]
fn the_unsaved_changes_prompt_does_what_it_says_and_autosave_follows_the_work() {
    let dir = std::env::temp_dir().join(format!("spikeworks-prompt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let autosave_dir = dir.join("data");
    let mut s = Sandbox::with(|app| {
        app.add_plugins(files::plugin)
            .insert_resource(Autosave::in_dir(autosave_dir.clone()));
    });
    let autosave = dir.join("data/autosave.circuit.ron");
    let request = |s: &mut Sandbox, r: FileRequest| {
        s.world().write_message(r);
        s.frame();
    };
    let answer = |s: &mut Sandbox, a: PromptAnswer| {
        s.world().write_message(a);
        s.frame();
    };
    let prompting = |s: &Sandbox| s.app.world().resource::<FileUi>().prompting();

    s.place(ItemKind::Lif, 500.0, 400.0);
    // Unsaved work is written to the autosave within a few seconds.
    for _ in 0..25 {
        s.frame();
    }
    assert_eq!(Circuit::load(&autosave).unwrap().neurons.len(), 1);

    // New asks first; Cancel keeps everything.
    request(&mut s, FileRequest::New);
    assert!(prompting(&s));
    answer(&mut s, PromptAnswer::Cancel);
    assert!(!prompting(&s));
    assert_eq!(s.doc().neurons.len(), 1);
    // Don't save discards the work, and its autosave.
    request(&mut s, FileRequest::New);
    answer(&mut s, PromptAnswer::Discard);
    assert!(s.doc().neurons.is_empty());
    assert!(!s.app.world().resource::<Document>().is_dirty());
    assert!(!autosave.exists());

    // Save writes the file before opening another one.
    s.place(ItemKind::Lif, 500.0, 400.0);
    let mine = dir.join("mine.circuit.ron");
    request(&mut s, FileRequest::SaveAs(mine.clone()));
    s.place(ItemKind::Lif, 700.0, 400.0);
    let example = files::examples_dir().join("relay.circuit.ron");
    request(&mut s, FileRequest::Open(example.clone()));
    assert!(prompting(&s), "two neurons are unsaved");
    answer(&mut s, PromptAnswer::Save);
    s.frame();
    assert_eq!(Circuit::load(&mine).unwrap().neurons.len(), 2);
    assert_eq!(s.doc(), &Circuit::load(&example).unwrap());
    assert_eq!(
        s.app.world().resource::<Document>().path.as_ref(),
        Some(&example)
    );
    // The world shows the opened circuit only.
    sim::run_steps(s.world(), 1);
    assert_eq!(s.app.world().resource::<sim::Network>().neuron_count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_level_is_played_by_touch_checked_solved_and_opens_the_next_chapter() {
    use spikeworks::app::levels::{
        self, ActiveLevel, LevelAction, LevelLibrary, PendingCheck, ProgressStore,
    };
    use spikeworks::app::screens::Screen;
    let dir = std::env::temp_dir().join(format!("spikeworks-level-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.clone();
    let mut s = Sandbox::with(|app| {
        levels::register_source(app);
        app.add_plugins(AssetPlugin::default())
            .add_plugins(levels::plugin)
            .insert_resource(ProgressStore::load(&data));
    });
    // The level files arrive through the asset server, in the background.
    for _ in 0..200 {
        if s.app.world().resource::<LevelLibrary>().levels.len() == 23 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        s.frame();
    }
    let library = s.app.world().resource::<LevelLibrary>();
    assert_eq!(library.levels.len(), 23, "errors: {:?}", library.errors);
    let unlocked = |s: &Sandbox| {
        let levels = &s.app.world().resource::<LevelLibrary>().levels;
        s.app
            .world()
            .resource::<ProgressStore>()
            .progress
            .unlocked(levels)
    };
    // Two of the first chapter's five are solved already: the second chapter is still shut.
    {
        let mut store = s.world().resource_mut::<ProgressStore>();
        store.progress.record("02_just_right", 2);
        store.progress.record("03_speed_limit", 1);
    }
    assert!(!unlocked(&s)[5], "chapter 2 waits for a third solved level");

    // Unsaved sandbox work waits while a level is played.
    let mine = s.place(ItemKind::Lif, 500.0, 300.0);
    s.world()
        .write_message(LevelAction::Open("01_spark".into()));
    s.frame();
    s.frame();
    assert_eq!(s.current_screen(), Screen::Level);
    assert_eq!(s.doc().neurons.len(), 1);

    // Place the one DC source the level gives, by touch, and wire it to N (canvas 0, 0).
    // The view fits the level while it settles: wait, then aim.
    for _ in 0..10 {
        s.frame();
    }
    let at_dc = s.screen(Vec2::new(-200.0, 0.0));
    let dc = s.place(ItemKind::Dc, at_dc.x, at_dc.y);
    *s.world().resource_mut::<Tool>() = Tool::Connect { from: None };
    let (at_n, at_dc) = (s.screen(Vec2::ZERO), s.screen(Vec2::new(-200.0, 0.0)));
    s.tap(at_dc.x, at_dc.y);
    s.tap(at_n.x, at_n.y);
    assert_eq!(s.doc().generators[0].targets, ["n"], "{}", s.hint());
    // A second one is not in the level: refused before it is made, with the reason, and the
    // simulation never sees it.
    let sources = |s: &mut Sandbox| {
        s.world()
            .query::<&sim::DcSource>()
            .iter(s.app.world())
            .count()
    };
    assert_eq!(sources(&mut s), 1);
    let revision = s.app.world().resource::<Document>().revision();
    let elsewhere = s.screen(Vec2::new(-200.0, 150.0));
    *s.world().resource_mut::<Tool>() = Tool::Place(ItemKind::Dc);
    s.touch(1, TouchPhase::Started, elsewhere.x, elsewhere.y);
    assert_eq!(
        sources(&mut s),
        1,
        "never in the world, not even for a tick"
    );
    s.touch(1, TouchPhase::Ended, elsewhere.x, elsewhere.y);
    assert_eq!(s.doc().generators.len(), 1);
    assert_eq!(sources(&mut s), 1);
    assert_eq!(
        s.app.world().resource::<Document>().revision(),
        revision,
        "no edit happened, so there is nothing to undo"
    );
    assert!(s.hint().contains("at most 1 × dc current"), "{}", s.hint());
    // N is locked: the edit is refused with the reason.
    let refused = s
        .world()
        .resource_mut::<Document>()
        .edit(EditKey::Step, |c| {
            c.set_param("n", "threshold_mV", -40.0);
            Ok(())
        })
        .unwrap_err();
    assert!(refused.to_string().contains("N is locked"), "{refused}");
    s.frame();
    assert_eq!(s.doc().params("n")[0].value, -55.0);
    assert!(s.doc().generators.iter().any(|g| g.id == dc));

    s.world().write_message(LevelAction::Hint);
    s.world().write_message(LevelAction::Check);
    s.frame();
    for _ in 0..400 {
        if s.app
            .world()
            .resource::<PendingCheck>()
            .progress()
            .is_none()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
        s.frame();
    }
    let playing = s.app.world().resource::<ActiveLevel>().0.clone().unwrap();
    let verdict = playing.verdict.expect("the check finished");
    assert!(verdict.passed(), "{verdict}");
    assert_eq!(verdict.stars, 3);
    let saved = spikeworks::level::Progress::load(&dir.join("progress.ron")).0;
    assert!(saved.of("01_spark").solved, "written to disk");
    assert_eq!(saved.of("01_spark").hints_seen, 1);
    assert!(unlocked(&s)[5], "three of five solved: chapter 2 is open");

    s.world().write_message(LevelAction::Next);
    s.frame();
    let playing = s.app.world().resource::<ActiveLevel>().0.clone().unwrap();
    assert_eq!(playing.name, "02_just_right");
    assert_eq!(s.doc().generators[0].id, "clamp");

    s.world().write_message(LevelAction::Sandbox);
    s.frame();
    s.frame();
    assert_eq!(s.current_screen(), Screen::Sandbox);
    assert_eq!(s.doc().neurons.len(), 1);
    assert_eq!(
        s.doc().neurons[0].id,
        mine,
        "the sandbox's own circuit is back"
    );
    assert!(
        s.app.world().resource::<Document>().is_dirty(),
        "still unsaved"
    );
}

#[test]
fn a_cancelled_touch_completes_nothing() {
    use spikeworks::app::ui_state::{PaletteDrag, UiFocus};
    let mut s = Sandbox::new();
    // A drag from the palette onto the canvas, taken away by the system before the finger
    // lifts, places nothing.
    s.world().resource_mut::<PaletteDrag>().0 = Some(ItemKind::Lif);
    s.world().resource_mut::<UiFocus>().pointer = true;
    s.touch(1, TouchPhase::Started, 100.0, 400.0);
    s.world().resource_mut::<UiFocus>().pointer = false;
    s.touch(1, TouchPhase::Moved, 600.0, 400.0);
    s.touch(1, TouchPhase::Canceled, 600.0, 400.0);
    assert!(
        s.doc().neurons.is_empty(),
        "a cancelled palette drag placed an item"
    );
    assert_eq!(s.app.world().resource::<PaletteDrag>().0, None);

    // The same drag lifted normally places the neuron (the test can fail).
    s.world().resource_mut::<PaletteDrag>().0 = Some(ItemKind::Lif);
    s.world().resource_mut::<UiFocus>().pointer = true;
    s.touch(2, TouchPhase::Started, 100.0, 400.0);
    s.world().resource_mut::<UiFocus>().pointer = false;
    s.touch(2, TouchPhase::Moved, 600.0, 400.0);
    s.touch(2, TouchPhase::Ended, 600.0, 400.0);
    assert_eq!(s.doc().neurons.len(), 1);

    // A cancelled tap on an item does not select it; a cancelled tap on empty canvas keeps
    // the selection.
    s.world().resource_mut::<Selection>().ids.clear();
    s.touch(3, TouchPhase::Started, 600.0, 400.0);
    s.touch(3, TouchPhase::Canceled, 600.0, 400.0);
    assert!(s.selection().ids.is_empty(), "a cancelled tap selected");
    let id = s.doc().neurons[0].id.clone();
    s.world().resource_mut::<Selection>().only(&id);
    s.touch(4, TouchPhase::Started, 900.0, 700.0);
    s.touch(4, TouchPhase::Canceled, 900.0, 700.0);
    assert_eq!(s.selection().ids, [id]);
}

#[test]
fn a_circuit_edited_in_the_window_steps_exactly_like_its_file_loaded_fresh() {
    let mut s = Sandbox::new();
    // Editing makes and removes entities in its own order, so entity indices are reused and
    // no longer follow the file's order.
    let doc = s.world().resource_mut::<Document>().into_inner();
    let add = |doc: &mut Document, kind: ItemKind, x: f32| {
        doc.edit(EditKey::Step, |c| Ok(c.add_item(kind, Vec2::new(x, 0.0))))
            .unwrap()
    };
    let gone = add(doc, ItemKind::Lif, 0.0);
    let a = add(doc, ItemKind::Lif, 100.0);
    let b = add(doc, ItemKind::Lif, 200.0);
    let dc = add(doc, ItemKind::Dc, -200.0);
    doc.edit(EditKey::Step, |c| {
        c.remove(std::slice::from_ref(&gone));
        Ok(())
    })
    .unwrap();
    let c_ = add(doc, ItemKind::Lif, 300.0);
    let d = add(doc, ItemKind::Lif, 400.0);
    doc.edit(EditKey::Step, |c| {
        for n in [&a, &b, &c_, &d] {
            c.connect(&dc, n)?;
        }
        // Three synapses onto one neuron: their sum depends on the order they are added in.
        c.connect(&a, &d)?;
        c.connect(&b, &d)?;
        c.connect(&c_, &d)?;
        Ok(())
    })
    .unwrap();
    s.frame();
    let text = s.doc().to_ron_string().unwrap();

    let ordered_spikes = |world: &mut World| -> Vec<(u64, String)> {
        sim::run_steps(world, 5_000);
        let ids: std::collections::HashMap<Entity, String> = world
            .query::<(Entity, &sim::StableId)>()
            .iter(world)
            .map(|(e, id)| (e, id.0.clone()))
            .collect();
        world
            .resource::<sim::Recorder>()
            .spikes()
            .iter()
            .map(|sp| (sp.step, ids[&sp.source].clone()))
            .collect()
    };
    let edited = ordered_spikes(s.world());
    let mut fresh = sim::headless_app();
    fresh.finish();
    fresh.cleanup();
    fresh
        .world_mut()
        .insert_resource(sim::Recorder::full_history());
    Circuit::from_ron_str(&text, "saved")
        .unwrap()
        .spawn(fresh.world_mut());
    let loaded = ordered_spikes(fresh.world_mut());
    assert!(edited.len() > 20, "the circuit fires: {}", edited.len());
    assert_eq!(edited, loaded);
}
