//! The terminal's own signals during a session. Ctrl-Z pauses the session
//! and hands the terminal back as the shell expects it (its own settings,
//! the normal screen, the cursor shown) before nocturne stops; `fg` brings
//! the keys and the view back, still paused until space is pressed. A
//! resized terminal is redrawn at once.

use std::sync::mpsc::Sender;

use crate::session::Control;

/// While alive, the signals are watched; dropping it puts back what was
/// there before, so Ctrl-Z stops the questions after a session as usual.
pub struct Watch {
    #[cfg(unix)]
    inner: unix::Watch,
}

/// Starts watching. `None` where the signals cannot be caught (the
/// session then goes on without it: Ctrl-Z stops it as before).
pub fn watch(controls: Sender<Control>) -> Option<Watch> {
    #[cfg(unix)]
    {
        unix::watch(controls).map(|inner| Watch { inner })
    }
    #[cfg(not(unix))]
    {
        // Elsewhere there is no Ctrl-Z to catch, and a resize reaches
        // the key reader as an event of its own.
        let _ = controls;
        None
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        #[cfg(unix)]
        self.inner.stop();
    }
}

#[cfg(unix)]
mod unix {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::sync::mpsc::Sender;
    use std::thread::JoinHandle;
    use std::time::Duration;

    use crate::session::Control;

    const SIGNALS: [libc::c_int; 3] = [libc::SIGTSTP, libc::SIGCONT, libc::SIGWINCH];

    /// Where the handler writes the number of each signal caught.
    static PIPE: AtomicI32 = AtomicI32::new(-1);

    extern "C" fn caught(signal: libc::c_int) {
        let fd = PIPE.load(Ordering::Relaxed);
        if fd >= 0 {
            let byte = signal as u8;
            // SAFETY: write(2) is async-signal-safe; one byte from a
            // valid buffer.
            unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
        }
    }

    pub struct Watch {
        write: OwnedFd,
        previous: Vec<(libc::c_int, libc::sigaction)>,
        thread: Option<JoinHandle<()>>,
    }

    pub fn watch(controls: Sender<Control>) -> Option<Watch> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe() writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: pipe() succeeded; nothing else owns these descriptors.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        PIPE.store(write.as_raw_fd(), Ordering::Relaxed);
        let mut previous = Vec::new();
        for signal in SIGNALS {
            // SAFETY: sigaction is plain data; zeroed is a valid start.
            let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
            action.sa_sigaction = caught as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            // SAFETY: `action.sa_mask` is a valid sigset to clear.
            unsafe { libc::sigemptyset(&mut action.sa_mask) };
            // SAFETY: as above.
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: both point to valid sigaction structs.
            if unsafe { libc::sigaction(signal, &action, &mut old) } == 0 {
                previous.push((signal, old));
            }
        }
        let thread = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || listen(&read, &controls))
            .ok();
        Some(Watch {
            write,
            previous,
            thread,
        })
    }

    fn listen(read: &OwnedFd, controls: &Sender<Control>) {
        loop {
            let mut byte = 0u8;
            // SAFETY: reads one byte into a valid buffer.
            let got = unsafe { libc::read(read.as_raw_fd(), (&raw mut byte).cast(), 1) };
            if got < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
            {
                continue;
            }
            if got != 1 || byte == 0 {
                return;
            }
            match libc::c_int::from(byte) {
                libc::SIGTSTP => stop(controls),
                libc::SIGCONT => {
                    crate::screen::went_on(crate::keys::resume_mode);
                    let _ = controls.send(Control::Redraw);
                }
                _ => {
                    let _ = controls.send(Control::Redraw);
                }
            }
        }
    }

    /// Ctrl-Z: pause, give the terminal back, stop; and on `fg`, take it
    /// again.
    fn stop(controls: &Sender<Control>) {
        // The session pauses first, so the time stopped is not counted.
        if controls.send(Control::Pause).is_ok() {
            crate::screen::wait_until_paused(Duration::from_secs(1));
        }
        crate::screen::stopping(crate::keys::pause_mode);
        // SAFETY: raising a signal on our own process; SIGSTOP stops every
        // thread until SIGCONT, as Ctrl-Z would have.
        unsafe { libc::raise(libc::SIGSTOP) };
        crate::screen::went_on(crate::keys::resume_mode);
        let _ = controls.send(Control::Redraw);
    }

    impl Watch {
        pub fn stop(&mut self) {
            for (signal, old) in self.previous.drain(..) {
                // SAFETY: `old` is what sigaction returned for `signal`.
                unsafe { libc::sigaction(signal, &old, std::ptr::null_mut()) };
            }
            PIPE.store(-1, Ordering::Relaxed);
            // SAFETY: one zero byte to an open pipe ends the thread.
            unsafe { libc::write(self.write.as_raw_fd(), [0u8].as_ptr().cast(), 1) };
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
