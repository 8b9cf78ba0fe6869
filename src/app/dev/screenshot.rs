//! Screenshots for visual checks: with `--screenshot FILE`, the app runs for a number of
//! frames, captures the primary window with Bevy's `Screenshot` API, waits until the file is
//! written and exits. End-to-end tests under Xvfb use it; people open the PNGs.

use std::path::PathBuf;

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use crate::app::LaunchOptions;

/// Capture the window after `after_frames` frames into `path`, then quit.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenshotPlan {
    pub path: PathBuf,
    pub after_frames: u32,
}

/// Frames to wait for the capture to reach the disk before giving up.
const SAVE_TIMEOUT_FRAMES: u32 = 300;

pub fn plugin(app: &mut App) {
    app.add_systems(Last, capture_and_quit);
}

fn capture_and_quit(
    mut commands: Commands,
    options: Res<LaunchOptions>,
    frames: Res<FrameCount>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(plan) = &options.screenshot else {
        return;
    };
    let frame = frames.0;
    if frame == plan.after_frames {
        // A stale file from an earlier run must not end the wait early.
        let _ = std::fs::remove_file(&plan.path);
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(plan.path.clone()));
    } else if frame > plan.after_frames {
        if plan.path.exists() {
            info!("screenshot saved to {}", plan.path.display());
            exit.write(AppExit::Success);
        } else if frame > plan.after_frames + SAVE_TIMEOUT_FRAMES {
            error!("the screenshot {} was never written", plan.path.display());
            exit.write(AppExit::error());
        }
    }
}
