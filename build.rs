//! On Linux, compiles the few lines of C that keep the ALSA library quiet
//! (see src/sound/hush_alsa.c). Elsewhere there is nothing to build.

fn main() {
    println!("cargo::rerun-if-changed=src/sound/hush_alsa.c");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        cc::Build::new()
            .file("src/sound/hush_alsa.c")
            .warnings(true)
            .compile("nocturne_hush_alsa");
    }
}
