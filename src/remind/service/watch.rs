//! Noticing that the settings changed: at once where the system reports
//! changes to the settings' folder; and, at every wake-up, by comparing
//! the file's time and size, since a settings file that is a link can
//! change in a folder that is not watched.

use std::ffi::OsString;
use std::path::Path;
use std::time::SystemTime;

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::remind::Error;

/// What the settings file looked like when last read.
pub type Fingerprint = Option<(SystemTime, u64)>;

pub fn fingerprint(path: &Path) -> Fingerprint {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Watches the settings' folder for as long as it lives.
pub struct Watch {
    _watcher: RecommendedWatcher,
}

/// Whether a change of this kind can have given the file new contents
/// that are whole. Where the system says when a write is finished
/// (inotify on Linux), a write still going on is not one yet.
fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_) | ModifyKind::Any) => {
            !cfg!(target_os = "linux")
        }
        _ => true,
    }
}

/// Calls `changed` each time the settings file is written, made, moved or
/// removed; fails where the folder cannot be watched.
pub fn watch(settings: &Path, changed: impl Fn() + Send + 'static) -> Result<Watch, Error> {
    let dir = settings.parent().ok_or(Error::Unwatchable("folder"))?;
    let name: OsString = settings
        .file_name()
        .ok_or(Error::Unwatchable("name"))?
        .to_owned();
    std::fs::create_dir_all(dir).map_err(Error::WatchFolder)?;
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        let ours = event
            .paths
            .iter()
            .any(|path| path.file_name() == Some(name.as_os_str()));
        if ours && counts(&event.kind) {
            changed();
        }
    })
    .map_err(Error::Watch)?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(Error::Watch)?;
    Ok(Watch { _watcher: watcher })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn a_finished_write_a_new_file_a_move_or_a_removal_counts() {
        for kind in [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Remove(RemoveKind::File),
        ] {
            assert!(counts(&kind), "{kind:?}");
        }
        assert!(!counts(&EventKind::Access(AccessKind::Read)));
        // A write still going on is waited out where the end of it is told.
        assert_eq!(
            counts(&EventKind::Modify(ModifyKind::Data(DataChange::Content))),
            !cfg!(target_os = "linux")
        );
    }

    #[test]
    fn a_save_of_the_settings_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let settings = dir.path().join("config.toml");
        let (tell, told) = std::sync::mpsc::channel();
        let _watch = watch(&settings, move || {
            let _ = tell.send(());
        })
        .unwrap();
        std::fs::write(&settings, "volume = 50\n").unwrap();
        // A guard against a watch that never tells, not a measure of speed.
        let guard = std::time::Duration::from_secs(60);
        assert_eq!(told.recv_timeout(guard), Ok(()));
        assert_eq!(fingerprint(&settings).map(|(_, len)| len), Some(12));
    }
}
