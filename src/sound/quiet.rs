//! Keeps the ALSA library from printing its own "ALSA lib ..." lines on
//! stderr when there is no sound card: nocturne says so itself, once.

#[cfg(target_os = "linux")]
pub fn hush_alsa() {
    unsafe extern "C" {
        /// Defined in src/sound/hush_alsa.c.
        fn nocturne_hush_alsa() -> std::ffi::c_int;
    }
    // SAFETY: the C function only installs an error handler that ignores
    // its arguments; ALSA allows this at any time.
    unsafe {
        nocturne_hush_alsa();
    }
}

#[cfg(not(target_os = "linux"))]
pub fn hush_alsa() {}
