//! Where nocturne keeps the user's files. Read from the environment once at
//! start-up and passed down, so tests can point everything at a scratch
//! directory.

use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// Settings and user routines: `$XDG_CONFIG_HOME/nocturne` on Linux.
    pub config: Option<PathBuf>,
    /// The journal and small state files: `$XDG_DATA_HOME/nocturne`.
    pub data: Option<PathBuf>,
    /// Files that live only while the user is logged in (the reminder
    /// service's lock): `$XDG_RUNTIME_DIR/nocturne` on Linux.
    pub runtime: Option<PathBuf>,
    /// Files that can be made again, such as rendered phrases:
    /// `$XDG_CACHE_HOME/nocturne` on Linux.
    pub cache: Option<PathBuf>,
}

impl Paths {
    /// `NOCTURNE_CONFIG_DIR`, `NOCTURNE_DATA_DIR` and `NOCTURNE_CACHE_DIR`
    /// win on every platform;
    /// otherwise the platform's own places are used.
    pub fn from_env() -> Paths {
        let pick = |var: &str, fallback: Option<PathBuf>| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| fallback.map(|dir| dir.join("nocturne")))
        };
        Paths {
            config: pick("NOCTURNE_CONFIG_DIR", dirs::config_dir()),
            data: pick("NOCTURNE_DATA_DIR", dirs::data_dir()),
            runtime: std::env::var_os("XDG_RUNTIME_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(dirs::runtime_dir)
                .map(|dir| dir.join("nocturne")),
            cache: pick(
                "NOCTURNE_CACHE_DIR",
                std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .filter(|dir| dir.is_absolute())
                    .or_else(dirs::cache_dir),
            ),
        }
    }

    /// Where rendered phrases are kept.
    pub fn voice_cache(&self) -> Option<PathBuf> {
        self.cache.as_ref().map(|dir| dir.join("voice"))
    }

    pub fn config_file(&self) -> Option<PathBuf> {
        self.config.as_ref().map(|dir| dir.join("config.toml"))
    }

    pub fn routines_dir(&self) -> Option<PathBuf> {
        self.config.as_ref().map(|dir| dir.join("routines"))
    }

    pub fn data_file(&self, name: impl Into<OsString>) -> Option<PathBuf> {
        self.data.as_ref().map(|dir| dir.join(name.into()))
    }
}
