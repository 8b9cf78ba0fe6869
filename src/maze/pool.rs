//! The pool: a circular tank with a hidden platform, four start points on the rim, a mouse
//! that swims at constant speed, slides along the wall, and is punished once per contact with
//! it (a new contact needs the mouse to have left the wall first, so a slide is one event).

use super::params::MazeParams;

/// What a swim step ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwimEvent {
    /// The mouse touched the wall, for the first time since it last left it.
    Wall,
    /// The mouse reached the platform: the trial ends.
    Platform,
}

/// The tank and the mouse's place in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub radius_m: f64,
    pub platform_centre_m: [f64; 2],
    pub platform_radius_m: f64,
    release_m: f64,
    pub position_m: [f64; 2],
    /// Whether the mouse is in a contact episode with the wall.
    at_wall: bool,
}

/// The four start points, north, east, south, west, at `start_radius_m`.
pub fn start_points(start_radius_m: f64) -> [[f64; 2]; 4] {
    let r = start_radius_m;
    [[0.0, r], [r, 0.0], [0.0, -r], [-r, 0.0]]
}

impl Pool {
    pub fn new(p: &MazeParams) -> Self {
        Self {
            radius_m: p.pool_radius_m,
            platform_centre_m: p.platform_centre_m,
            platform_radius_m: p.platform_radius_m,
            release_m: p.wall_release_m,
            position_m: [0.0, 0.0],
            at_wall: false,
        }
    }

    /// Puts the mouse in the water at `position_m`, away from any wall contact.
    pub fn place(&mut self, position_m: [f64; 2]) {
        self.position_m = position_m;
        self.at_wall = false;
    }

    /// Swims `distance_m` towards `heading_rad`. Beyond the wall the mouse is put back on it
    /// (it slides along); the first contact of an episode is reported, as is the platform.
    pub fn swim(&mut self, heading_rad: f64, distance_m: f64) -> Option<SwimEvent> {
        let [x, y] = self.position_m;
        let (mut nx, mut ny) = (
            x + distance_m * heading_rad.cos(),
            y + distance_m * heading_rad.sin(),
        );
        let r = nx.hypot(ny);
        let mut event = None;
        if r > self.radius_m {
            (nx, ny) = (nx * self.radius_m / r, ny * self.radius_m / r);
            if !self.at_wall {
                self.at_wall = true;
                event = Some(SwimEvent::Wall);
            }
        } else if r < self.radius_m - self.release_m {
            self.at_wall = false;
        }
        self.position_m = [nx, ny];
        if self.on_platform() {
            event = Some(SwimEvent::Platform);
        }
        event
    }

    pub fn on_platform(&self) -> bool {
        let [x, y] = self.position_m;
        let [px, py] = self.platform_centre_m;
        (x - px).hypot(y - py) <= self.platform_radius_m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slide_along_the_wall_is_one_punishment() {
        let mut pool = Pool::new(&MazeParams::default());
        pool.place([0.0, 0.95]);
        let mut walls = 0;
        // Swim north into the wall, then along it for a while, never leaving it.
        for step in 0..400 {
            let heading = if step < 100 {
                90f64.to_radians()
            } else {
                20f64.to_radians()
            };
            walls += usize::from(pool.swim(heading, 0.0003) == Some(SwimEvent::Wall));
            assert!(pool.position_m[0].hypot(pool.position_m[1]) <= 1.0 + 1e-12);
        }
        assert_eq!(walls, 1);
        // Leave the wall by more than the release distance, come back: a second event.
        for _ in 0..500 {
            pool.swim(
                pool.position_m[1].atan2(pool.position_m[0]) + std::f64::consts::PI,
                0.0003,
            );
        }
        let out = pool.position_m[1].atan2(pool.position_m[0]);
        let hits: usize = (0..1000)
            .map(|_| usize::from(pool.swim(out, 0.0003) == Some(SwimEvent::Wall)))
            .sum();
        assert_eq!(hits, 1);
    }

    #[test]
    fn the_platform_is_found_from_a_straight_swim() {
        let p = MazeParams::default();
        let mut pool = Pool::new(&p);
        pool.place([0.0, 0.0]);
        let heading = 45f64.to_radians();
        let steps = (0..10_000)
            .position(|_| pool.swim(heading, 0.0003) == Some(SwimEvent::Platform))
            .unwrap();
        // 0.5 m to the centre minus the 0.1 m radius, at 0.3 mm a step.
        let expected = ((0.354f64.hypot(0.354) - 0.1) / 0.0003).ceil() as usize;
        assert!((steps + 1).abs_diff(expected) <= 1, "{steps} vs {expected}");
    }
}
