//! The user's time zone, read once. An unknown `TZ` (a typo such as
//! `Europe/Berln`, or `Mars/Phobos`) is said once, in one line, instead of
//! silently turning every time into UTC.

use std::sync::OnceLock;

use jiff::tz::TimeZone;

/// The zone from `TZ`, else the system's; UTC where neither can be read.
pub fn system() -> TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| match TimeZone::try_system() {
        Ok(zone) => zone,
        Err(_) => {
            if let Some(tz) = std::env::var_os("TZ").filter(|tz| !tz.is_empty()) {
                eprintln!(
                    "nocturne: TZ={} is not a time zone this machine knows, so times are in \
                     UTC; set TZ to a name such as Europe/London, or unset it",
                    crate::diag::clean(&tz.to_string_lossy())
                );
            }
            TimeZone::UTC
        }
    })
    .clone()
}
