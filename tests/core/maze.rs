//! The water maze learns: mice get faster with the Hebbian-biased three-factor rule, not with
//! the pure policy-gradient rule nor without learning, and a seed fixes everything a mouse
//! does. The numbers and
//! windows are those of ../shared/reference/vasilaki-2009.md §4; the calibration on 32 seeds
//! is quoted in the README.

use spikeworks::maze::trials::LATE;
use spikeworks::maze::{MazeParams, Mouse, Session};

const SEEDS: [u64; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

fn session(params: &MazeParams) -> Session {
    Session::run(params, &SEEDS, 20, |_| {})
}

#[test]
fn mice_learn_the_maze_within_twenty_trials() {
    let s = session(&MazeParams::default());
    println!("{}", s.report(0.0));
    let (ratio, timeouts) = (s.learning_ratio(), s.timeout_fraction(LATE));
    assert!(
        ratio < 0.5,
        "learning ratio {ratio:.3} (trials 17–20 / 1–4) not below 0.5"
    );
    assert!(
        timeouts <= 0.1,
        "{:.0}% timeouts in trials 17–20",
        100.0 * timeouts
    );
}

#[test]
fn the_pure_policy_gradient_rule_does_not_learn_it() {
    let params = MazeParams {
        tau_c_s: 0.0,
        ..MazeParams::default()
    };
    let s = session(&params);
    println!("{}", s.report(0.0));
    assert!(
        s.learning_ratio() > 0.8,
        "τ_c = 0 gave ratio {:.3}",
        s.learning_ratio()
    );
}

#[test]
fn without_learning_the_mice_do_not_get_faster() {
    // Guards against an artefact of the trial order or of exploration itself.
    let params = MazeParams {
        learning_rate: 0.0,
        ..MazeParams::default()
    };
    let s = session(&params);
    println!("{}", s.report(0.0));
    assert!(
        s.learning_ratio() > 0.8,
        "α = 0 gave ratio {:.3}",
        s.learning_ratio()
    );
}

#[test]
fn the_same_seed_swims_the_same_path_and_another_does_not() {
    // Three trials' worth of steps, position by position, then the learned weights.
    let swim = |seed| {
        let mut mouse = Mouse::new(MazeParams::default(), seed);
        let path: Vec<[f64; 2]> = (0..60_000)
            .map(|_| {
                mouse.step();
                mouse.pool.position_m
            })
            .collect();
        (
            path,
            mouse.records().to_vec(),
            mouse.brain.weights().to_vec(),
        )
    };
    let (a, b, c) = (swim(11), swim(11), swim(12));
    assert!(!a.1.is_empty(), "no trial ended in 60 s");
    assert!(a == b, "the same seed swam differently");
    assert!(a.0 != c.0 && a.2 != c.2, "another seed swam the same");
}
