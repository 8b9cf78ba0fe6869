//! The student's progress through the levels: which are solved, the best stars, the hints
//! used. A versioned RON file in the user's data directory, written atomically. A file that
//! cannot be read is moved aside as a backup and reported, never silently reset.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::schema::Level;
#[cfg(not(target_arch = "wasm32"))]
use crate::circuit::write_atomic;

pub const PROGRESS_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    /// By level name (the file stem, `01_spark`).
    #[serde(default)]
    pub levels: BTreeMap<String, LevelProgress>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelProgress {
    #[serde(default)]
    pub solved: bool,
    /// The best stars so far, 0–3.
    #[serde(default)]
    pub stars: u8,
    /// How many hints were revealed; the third shows the answer.
    #[serde(default)]
    pub hints_seen: u8,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            version: PROGRESS_VERSION,
            levels: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Error)]
pub enum ProgressError {
    #[error("{file}: cannot write progress: {source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

/// What loading found, for the message the student sees.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// No progress yet.
    Fresh,
    Read,
    /// The file was unreadable; it was kept at `backup` and progress starts afresh.
    Recovered {
        reason: String,
        backup: PathBuf,
    },
}

impl Progress {
    /// Reads progress from `path`. A broken file is renamed to `*.broken-N` and reported.
    pub fn load(path: &Path) -> (Self, Loaded) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Self::default(), Loaded::Fresh);
            }
            Err(e) => return Self::recover(path, e.to_string()),
        };
        match Self::parse(&text) {
            Ok(p) => (p, Loaded::Read),
            Err(reason) => Self::recover(path, reason),
        }
    }

    /// Reads progress from its text; the error says why it cannot be used.
    pub fn parse(text: &str) -> Result<Self, String> {
        match ron::from_str::<Progress>(text) {
            Ok(p) if p.version == PROGRESS_VERSION => Ok(p),
            Ok(p) => Err(format!("progress version {} is not supported", p.version)),
            Err(e) => Err(format!("line {}: {}", e.span.start.line, e.code)),
        }
    }

    /// The text [`Progress::parse`] reads.
    pub fn to_ron_text(&self) -> String {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .expect("progress always serialises")
    }

    fn recover(path: &Path, reason: String) -> (Self, Loaded) {
        let backup = (1..)
            .map(|n| path.with_extension(format!("ron.broken-{n}")))
            .find(|p| !p.exists())
            .expect("an unbounded range has a free name");
        let backup = match std::fs::rename(path, &backup) {
            Ok(()) => backup,
            // Unmovable (read-only folder): it stays where it is, untouched.
            Err(_) => path.to_owned(),
        };
        (Self::default(), Loaded::Recovered { reason, backup })
    }

    /// Writes atomically: a crash leaves the old file or the new one, never half of one.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn save(&self, path: &Path) -> Result<(), ProgressError> {
        let text = self.to_ron_text();
        write_atomic(path, text.as_bytes()).map_err(|source| ProgressError::Write {
            file: path.display().to_string(),
            source,
        })
    }

    pub fn of(&self, level: &str) -> LevelProgress {
        self.levels.get(level).cloned().unwrap_or_default()
    }

    /// Records a check: solved stays solved, stars only go up.
    pub fn record(&mut self, level: &str, stars: u8) {
        let entry = self.levels.entry(level.to_owned()).or_default();
        if stars > 0 {
            entry.solved = true;
        }
        entry.stars = entry.stars.max(stars);
    }

    pub fn saw_hint(&mut self, level: &str, hint: u8) {
        let entry = self.levels.entry(level.to_owned()).or_default();
        entry.hints_seen = entry.hints_seen.max(hint);
    }

    /// Which levels can be played. The first chapter is open; a chapter opens once half the
    /// levels of the chapter before it (rounded up) are solved. Levels of an open chapter can
    /// be played in any order.
    pub fn unlocked(&self, levels: &[(String, Level)]) -> Vec<bool> {
        let chapters = chapters(levels);
        let mut open = vec![false; levels.len()];
        for (k, members) in chapters.iter().enumerate() {
            let opened = k == 0 || {
                let before = &chapters[k - 1];
                let solved = before
                    .iter()
                    .filter(|&&i| self.of(&levels[i].0).solved)
                    .count();
                solved * 2 >= before.len()
            };
            if !opened {
                break;
            }
            for &i in members {
                open[i] = true;
            }
        }
        open
    }
}

/// Level indices grouped by chapter, chapters in order of their first level.
pub fn chapters(levels: &[(String, Level)]) -> Vec<Vec<usize>> {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, (_, level)) in levels.iter().enumerate() {
        match order.iter().position(|c| *c == level.chapter) {
            Some(k) => groups[k].push(i),
            None => {
                order.push(&level.chapter);
                groups.push(vec![i]);
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("spikeworks-progress-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("progress.ron")
    }

    #[test]
    fn progress_round_trips_and_only_improves() {
        let path = scratch("round-trip");
        assert_eq!(Progress::load(&path), (Progress::default(), Loaded::Fresh));
        let mut p = Progress::default();
        p.record("01_spark", 2);
        p.record("01_spark", 1);
        p.record("02_just_right", 0);
        p.saw_hint("02_just_right", 2);
        p.save(&path).unwrap();
        let (read, how) = Progress::load(&path);
        assert_eq!((read.clone(), how), (p, Loaded::Read));
        assert_eq!(
            read.of("01_spark"),
            LevelProgress {
                solved: true,
                stars: 2,
                hints_seen: 0
            }
        );
        assert!(
            !read.of("02_just_right").solved,
            "a failed check solves nothing"
        );
        assert_eq!(read.of("02_just_right").hints_seen, 2);
        // Atomic: no temporary file is left beside it.
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn a_broken_file_is_kept_as_a_backup_and_reported() {
        let path = scratch("broken");
        std::fs::write(&path, "Progress(version: 1, levels: {\"01\": (solved: tru").unwrap();
        let (p, how) = Progress::load(&path);
        assert_eq!(p, Progress::default());
        let Loaded::Recovered { reason, backup } = how else {
            panic!("not reported: {how:?}")
        };
        assert!(reason.contains("line 1"), "{reason}");
        assert!(backup.to_string_lossy().ends_with("progress.ron.broken-1"));
        assert!(
            std::fs::read_to_string(&backup)
                .unwrap()
                .contains("solved: tru"),
            "kept as it was"
        );
        assert!(!path.exists(), "moved aside, so the next save starts clean");
        std::fs::write(&path, "Progress(version: 7)").unwrap();
        let (_, how) = Progress::load(&path);
        assert!(matches!(how, Loaded::Recovered { ref reason, ref backup }
            if reason.contains("version 7") && backup.to_string_lossy().ends_with("broken-2")));
    }

    #[test]
    fn a_chapter_opens_when_half_of_the_one_before_is_solved() {
        let level = |chapter: &str| {
            let text = format!(
                "Level(version: 1, title: \"t\", goal: \"g\", chapter: \"{chapter}\", \
                 circuit: (version: 1, name: \"c\"), trials: [(name: \"t\", duration_ms: 10.0, expect: [])])"
            );
            Level::from_ron_str(&text, "t").unwrap()
        };
        let levels: Vec<(String, Level)> = ["a1", "a2", "a3", "b1", "b2", "c1"]
            .iter()
            .map(|n| (n.to_string(), level(&n[..1])))
            .collect();
        let mut p = Progress::default();
        assert_eq!(p.unlocked(&levels), [true, true, true, false, false, false]);
        p.record("a1", 1);
        assert_eq!(
            p.unlocked(&levels),
            [true, true, true, false, false, false],
            "1 of 3"
        );
        p.record("a3", 3);
        assert_eq!(
            p.unlocked(&levels),
            [true, true, true, true, true, false],
            "2 of 3"
        );
        p.record("b2", 1);
        assert_eq!(p.unlocked(&levels), [true; 6]);
    }
}
