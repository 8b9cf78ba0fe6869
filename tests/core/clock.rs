//! The clock through real `FixedUpdate` ticks: simulated time per tick follows the speed,
//! pause stops it, a single step runs while paused, and the substep cap lowers and reports
//! the effective speed.

use crate::common::*;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use spikeworks::sim::*;

/// An app whose every `update()` runs exactly `ticks` FixedUpdate ticks of 1/64 s.
fn ticking_app(ticks: u32) -> App {
    let mut app = app();
    app.insert_resource(TimeUpdateStrategy::FixedTimesteps(ticks));
    // The first update only records the start instant.
    app.update();
    app
}

/// 64 ticks in four updates (Bevy clamps one update's virtual time to 250 ms).
fn wall_second(app: &mut App) {
    for _ in 0..4 {
        app.update();
    }
}

fn sim_time(app: &App) -> f64 {
    app.world().resource::<SimClock>().time_s()
}

#[test]
fn simulated_time_per_tick_follows_the_speed() {
    for (speed, expected_per_tick) in [(1.0, 156), (0.25, 39), (10.0, 1562), (20.0, 3125)] {
        let mut app = ticking_app(1);
        app.world_mut()
            .resource_mut::<SimClock>()
            .set_speed(speed)
            .unwrap();
        let before = app.world().resource::<SimClock>().step();
        app.update();
        let after = app.world().resource::<SimClock>().step();
        let ran = after - before;
        assert!(
            ran == expected_per_tick || ran == expected_per_tick + 1,
            "speed {speed}: {ran} substeps in a tick"
        );
        // Over 64 ticks (one wall second) the simulated time is exactly speed seconds.
        let mut app = ticking_app(16);
        app.world_mut()
            .resource_mut::<SimClock>()
            .set_speed(speed)
            .unwrap();
        wall_second(&mut app);
        assert!(
            (sim_time(&app) - speed).abs() < 1e-9,
            "speed {speed}: {}",
            sim_time(&app)
        );
        assert!(!app.world().resource::<SimClock>().last_tick().capped);
    }
}

#[test]
fn slowest_speed_advances_a_millisecond_per_wall_second() {
    let mut app = ticking_app(16);
    app.world_mut()
        .resource_mut::<SimClock>()
        .set_speed(clock::MIN_SPEED)
        .unwrap();
    wall_second(&mut app);
    assert!((sim_time(&app) - 1e-3).abs() < 1e-12, "{}", sim_time(&app));
}

#[test]
fn pause_stops_time_and_single_step_advances_one_step() {
    let mut app = ticking_app(8);
    let n = app.world_mut().spawn(LifParams::default()).id();
    dc_into(app.world_mut(), n, 2e-9);
    app.world_mut().resource_mut::<SimClock>().set_paused(true);
    app.update();
    assert_eq!(app.world().resource::<SimClock>().step(), 0);
    let v0 = app.world().get::<Membrane>(n).unwrap().v;

    app.world_mut().resource_mut::<SimClock>().request_steps(1);
    app.update();
    assert_eq!(app.world().resource::<SimClock>().step(), 1);
    let v1 = app.world().get::<Membrane>(n).unwrap().v;
    assert!(
        v1 > v0,
        "the single step integrated the neuron: {v0} → {v1}"
    );

    app.world_mut().resource_mut::<SimClock>().set_paused(false);
    app.update();
    assert_eq!(app.world().resource::<SimClock>().step(), 1 + 8 * 156 + 2);
}

#[test]
fn the_cap_lowers_and_reports_the_effective_speed() {
    let mut app = ticking_app(1);
    {
        let mut clock = app.world_mut().resource_mut::<SimClock>();
        clock.set_speed(20.0).unwrap();
        clock.set_max_substeps_per_tick(500);
    }
    app.update();
    let clock = app.world().resource::<SimClock>();
    assert_eq!(clock.step(), 500);
    let report = clock.last_tick();
    assert!(report.capped);
    assert!((report.effective_speed - 500.0 * DT * 64.0).abs() < 1e-9);
    assert!(report.effective_speed < clock.speed());
}

#[test]
fn touch_messages_fire_sensors_during_normal_ticks() {
    let mut app = ticking_app(1);
    let sensor = app.world_mut().spawn(TouchSensor::default()).id();
    app.update();
    app.world_mut().write_message(TouchSensorInput {
        sensor,
        pressed: true,
    });
    app.update();
    app.update();
    let spikes = spike_steps(app.world(), sensor);
    assert_eq!(spikes.len(), 1, "one press, one spike (no repeat rate)");
}
