//! Rendered phrases, kept as WAV files so a second night costs no engine
//! call. Each file is named by a hash of the engine and the phrase; a file
//! used is touched, and when the folder grows past its bound the files
//! used longest ago go first.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use super::engine::Engine;
use crate::sound::{self, Clip};

/// The most the folder holds of rendered phrases.
pub const BOUND: u64 = 20 * 1024 * 1024;

/// FNV-1a, 64 bits: a small hash that stays the same from one version of
/// nocturne to the next, as the cache's file names must.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Why a phrase could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The engine failed: voice is off, for this reason.
    Engine(String),
    /// The phrase is longer than a clip may be; it never fits.
    TooLong,
}

pub struct Cache {
    dir: PathBuf,
    bound: u64,
    /// Engine calls made.
    renders: AtomicUsize,
}

impl Cache {
    /// The cache in `dir` (the `voice` folder of nocturne's cache), made
    /// if need be. Where it cannot be written, phrases are rendered into
    /// a folder for this run only, and the second value says so.
    pub fn open(dir: Option<&Path>) -> (Cache, Option<String>) {
        let usable = dir.map(|dir| writable(dir).map(|()| dir.to_path_buf()));
        let (dir, notice) = match usable {
            Some(Ok(dir)) => (dir, None),
            Some(Err(why)) => (
                scratch(),
                Some(format!(
                    "the voice cache cannot be written ({why}), so phrases are rendered afresh"
                )),
            ),
            None => (
                scratch(),
                Some(
                    "no folder for the voice cache was found, so phrases are rendered afresh"
                        .to_owned(),
                ),
            ),
        };
        // A scratch folder that cannot be made either shows as an engine
        // failure on the first phrase, which names the reason.
        let _ = std::fs::create_dir_all(&dir);
        (
            Cache {
                dir,
                bound: BOUND,
                renders: AtomicUsize::new(0),
            },
            notice,
        )
    }

    #[cfg(test)]
    pub fn with_bound(dir: &Path, bound: u64) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
            bound,
            renders: AtomicUsize::new(0),
        }
    }

    #[cfg(test)]
    pub fn renders(&self) -> usize {
        self.renders.load(Ordering::Relaxed)
    }

    /// Where the phrase `text` of `engine` is kept.
    pub fn file(&self, engine: &Engine, text: &str) -> PathBuf {
        let mut key = engine.identity().into_bytes();
        key.push(0xff);
        key.extend(text.as_bytes());
        self.dir.join(format!("{:016x}.wav", fnv1a(&key)))
    }

    /// The phrase, from the cache or rendered now.
    pub fn get(&self, engine: &Engine, text: &str) -> Result<Clip, Failure> {
        let file = self.file(engine, text);
        if let Ok(clip) = sound::load_file(&file) {
            touch(&file);
            return Ok(clip);
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let part = self.dir.join(format!(
            "part-{}-{}.wav",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        self.renders.fetch_add(1, Ordering::Relaxed);
        let rendered = engine.render(text, &part, &self.dir);
        let decoded =
            rendered
                .map_err(Failure::Engine)
                .and_then(|()| match sound::load_file(&part) {
                    Ok(clip) => Ok(clip),
                    Err(sound::Error::TooLong) => Err(Failure::TooLong),
                    Err(_) => Err(Failure::Engine(format!(
                        "{} wrote something that is not audio",
                        engine.label
                    ))),
                });
        match decoded {
            Ok(clip) => {
                if std::fs::rename(&part, &file).is_ok() {
                    self.prune();
                } else {
                    let _ = std::fs::remove_file(&part);
                }
                Ok(clip)
            }
            Err(failure) => {
                let _ = std::fs::remove_file(&part);
                Err(failure)
            }
        }
    }

    /// Deletes the phrases used longest ago until the folder is within
    /// its bound.
    pub fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .flatten()
            .filter(|e| is_phrase_file(&e.file_name().to_string_lossy()))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        if total <= self.bound {
            return;
        }
        files.sort();
        for (_, len, path) in files {
            if total <= self.bound {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }
}

/// A name the cache gave: 16 hexadecimal digits and `.wav`.
fn is_phrase_file(name: &str) -> bool {
    name.strip_suffix(".wav")
        .is_some_and(|stem| stem.len() == 16 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Marks a file as used now.
fn touch(file: &Path) {
    if let Ok(handle) = std::fs::File::options().append(true).open(file) {
        // The time a phrase was used is the file system's business, not
        // the session's: the clock is read directly here.
        #[allow(clippy::disallowed_methods)]
        let _ = handle.set_modified(SystemTime::now());
    }
}

/// Makes `dir` and checks a file can be written in it.
fn writable(dir: &Path) -> Result<(), String> {
    let reason = |e: std::io::Error| crate::util::io_reason(&e);
    std::fs::create_dir_all(dir).map_err(reason)?;
    let probe = dir.join(format!("probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(reason)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A folder for this run's phrases only.
fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("nocturne-voice-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv_1a() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_cache_that_cannot_be_written_gives_way_to_a_scratch_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"").unwrap();
        let (cache, notice) = Cache::open(Some(&file.join("voice")));
        assert_ne!(cache.dir, file.join("voice"));
        assert!(cache.dir.is_dir());
        let notice = notice.unwrap();
        assert!(
            notice.starts_with("the voice cache cannot be written ("),
            "{notice}"
        );
        assert!(
            notice.ends_with("), so phrases are rendered afresh"),
            "{notice}"
        );
        let (cache, notice) = Cache::open(Some(&dir.path().join("voice")));
        assert_eq!((cache.dir, notice), (dir.path().join("voice"), None));
    }

    #[test]
    fn the_phrases_used_longest_ago_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::with_bound(dir.path(), 2500);
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        for (i, name) in ["00000000000000a1", "00000000000000a2", "00000000000000a3"]
            .iter()
            .enumerate()
        {
            let path = dir.path().join(format!("{name}.wav"));
            std::fs::write(&path, vec![0u8; 1000]).unwrap();
            let file = std::fs::File::options().append(true).open(&path).unwrap();
            // a2 was used last, then a3, and a1 longest ago.
            let age = [300, 100, 200][i];
            file.set_modified(now - std::time::Duration::from_secs(age))
                .unwrap();
        }
        std::fs::write(dir.path().join("notes.wav"), vec![0u8; 5000]).unwrap();
        cache.prune();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["00000000000000a2.wav", "00000000000000a3.wav", "notes.wav"]
        );
    }
}
