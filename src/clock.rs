//! The wall clock, read here and in `session::clock` only. Commands ask it
//! for "now"; the reminder service also compares it with a monotonic clock
//! to notice when wall time jumps.

use std::time::{Duration, Instant};

/// The clocks outside a session: the wall clock, which can jump
/// (a suspend, a manual change, NTP), and a monotonic one, which cannot.
/// Comparing the two is how the service notices a jump.
pub struct ServiceClock {
    origin: Instant,
}

impl ServiceClock {
    #[allow(clippy::disallowed_methods)]
    pub fn new() -> ServiceClock {
        ServiceClock {
            origin: Instant::now(),
        }
    }

    #[allow(clippy::disallowed_methods)]
    pub fn wall(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }

    pub fn mono(&self) -> Duration {
        self.origin.elapsed()
    }
}
