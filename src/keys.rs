//! Keys during a session, when stdin is a terminal: space, n or Right,
//! p or Left, q or Esc, and i for the instructions. The terminal is put in a mode that passes single
//! keys without echo and is restored on every way out: the normal end, `q`,
//! Ctrl-C, and a panic.

use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::session::Control;
use crate::util::io_reason;

/// Why keys cannot be read during a session.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The terminal's settings could not be read (stdin is not one).
    /// Elsewhere crossterm's raw mode says so as a `Mode` error.
    #[cfg_attr(not(unix), allow(dead_code))]
    #[error("the terminal cannot be read: {}", io_reason(.0))]
    Read(#[source] std::io::Error),
    /// The terminal refused the single-key mode.
    #[error("the terminal cannot be set up for keys: {}", io_reason(.0))]
    Mode(#[source] std::io::Error),
    #[error("cannot read keys: {}", io_reason(.0))]
    Thread(#[source] std::io::Error),
}

/// The key help shown under the display.
pub const HELP: &str = "space pause · n next · p back · q quit";

/// While alive, keys reach the session. Dropping it stops the reader, waits
/// for its thread to end, and restores the terminal, so that whatever is
/// asked after the session reads the terminal alone.
pub struct Keys {
    stop: mode::Stop,
    reader: Option<JoinHandle<()>>,
    _restore: mode::Restore,
}

/// Starts reading keys into `controls`. Fails when stdin is not a terminal
/// that can be switched to single-key mode.
pub fn listen(controls: Sender<Control>) -> Result<Keys, Error> {
    let restore = mode::single_keys()?;
    let (stop, stopped) = mode::stop()?;
    let reader = std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            // Sleeps until a key is typed or the session ends; only what
            // is there is read, so a key typed after the session is left
            // for the questions that follow it.
            while stopped.wait_for_input() {
                let Some(read) = mode::read_controls() else {
                    return;
                };
                for control in read {
                    if controls.send(control).is_err() {
                        return;
                    }
                }
            }
        })
        .map_err(Error::Thread)?;
    Ok(Keys {
        stop,
        reader: Some(reader),
        _restore: restore,
    })
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.stop.now();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// `i`: the display's own key. It changes what is shown, not the session,
/// which is only asked to let the display draw again.
fn instructions() -> Control {
    crate::screen::press_instructions();
    Control::Redraw
}

/// The controls in what the terminal sent: single keys, and the arrow keys'
/// escape sequences (ESC [ C, ESC O D, and with modifiers ESC [ 1 ; 5 C).
/// A lone ESC is the Esc key; other sequences are passed over.
#[cfg_attr(not(unix), allow(dead_code))]
fn controls_in(bytes: &[u8]) -> Vec<Control> {
    let mut controls = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let control = match bytes[i] {
            0x1b => match bytes.get(i + 1) {
                None => Some(Control::Quit),
                Some(b'[' | b'O') => {
                    // The sequence ends at its first byte from @ to ~.
                    let end = bytes[i + 2..]
                        .iter()
                        .position(|b| (0x40..=0x7e).contains(b))
                        .map(|at| i + 2 + at);
                    let Some(end) = end else { break };
                    i = end;
                    match bytes[end] {
                        b'C' => Some(Control::Next),
                        b'D' => Some(Control::Back),
                        _ => None,
                    }
                }
                // Alt and a key: neither is one of ours.
                Some(_) => {
                    i += 1;
                    None
                }
            },
            b' ' => Some(Control::TogglePause),
            b'n' | b'N' => Some(Control::Next),
            b'p' | b'P' => Some(Control::Back),
            b'q' | b'Q' => Some(Control::Quit),
            b'i' | b'I' => Some(instructions()),
            // Ctrl-C, where the terminal passes it as a key.
            0x03 => Some(Control::Interrupt),
            _ => None,
        };
        controls.extend(control);
        i += 1;
    }
    controls
}

#[cfg_attr(unix, allow(dead_code))]
fn control_for(key: KeyEvent) -> Option<Control> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        // Ctrl-C reaches us as a key only where the terminal does not turn
        // it into a signal (Windows' raw mode).
        return (key.code == KeyCode::Char('c')).then_some(Control::Interrupt);
    }
    match key.code {
        KeyCode::Char(' ') => Some(Control::TogglePause),
        KeyCode::Char('n' | 'N') | KeyCode::Right => Some(Control::Next),
        KeyCode::Char('p' | 'P') | KeyCode::Left => Some(Control::Back),
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Some(Control::Quit),
        KeyCode::Char('i' | 'I') => Some(instructions()),
        _ => None,
    }
}

/// Restores the terminal before the panic message is printed, so a panic
/// never leaves the user's shell without echo or on the alternate screen.
pub fn restore_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        mode::restore_now();
        crate::screen::restore_now();
        previous(info);
    }));
}

/// Before nocturne stops (Ctrl-Z): the terminal's own settings back, kept
/// to be taken again by `resume_mode`. (Ctrl-Z stops a program on Unix
/// only.)
#[cfg(unix)]
pub fn pause_mode() {
    mode::pause();
}

/// After a stop: single keys again, if they were being read.
#[cfg(unix)]
pub fn resume_mode() {
    mode::resume();
}

#[cfg(unix)]
mod mode {
    //! On Unix only canonical input and echo are turned off: output
    //! processing and Ctrl-C stay as the user's terminal has them, so lines
    //! printed during a session still begin at the left edge and Ctrl-C is
    //! still a signal.

    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::sync::Mutex;

    use super::Error;

    static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

    pub struct Restore;

    impl Drop for Restore {
        fn drop(&mut self) {
            restore_now();
        }
    }

    pub fn single_keys() -> Result<Restore, Error> {
        let fd = libc::STDIN_FILENO;
        // SAFETY: termios is plain data; tcgetattr fills it or fails.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd is stdin and `saved` is a valid termios to write to.
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Err(Error::Read(std::io::Error::last_os_error()));
        }
        let keys = keys_mode(saved);
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some(saved);
        }
        // SAFETY: fd is stdin and `keys` is a termios read from it.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &keys) } != 0 {
            return Err(Error::Mode(std::io::Error::last_os_error()));
        }
        Ok(Restore)
    }

    /// The user's settings with canonical input and echo off.
    fn keys_mode(saved: libc::termios) -> libc::termios {
        let mut keys = saved;
        keys.c_lflag &= !(libc::ICANON | libc::ECHO);
        keys.c_cc[libc::VMIN] = 1;
        keys.c_cc[libc::VTIME] = 0;
        keys
    }

    pub fn pause() {
        let saved = SAVED.lock().ok().and_then(|slot| *slot);
        if let Some(saved) = saved {
            // SAFETY: `saved` came from tcgetattr on this same fd.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
        }
    }

    pub fn resume() {
        let saved = SAVED.lock().ok().and_then(|slot| *slot);
        if let Some(saved) = saved {
            let keys = keys_mode(saved);
            // SAFETY: a termios derived from one read from this fd.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &keys) };
        }
    }

    pub fn restore_now() {
        let saved = SAVED.lock().ok().and_then(|mut slot| slot.take());
        if let Some(saved) = saved {
            // SAFETY: `saved` came from tcgetattr on this same fd.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
        }
    }

    /// What the terminal has sent, as controls; `None` once it is gone.
    /// Read straight from stdin: only what is there, so what is typed
    /// after the session is left for the questions that follow it.
    pub fn read_controls() -> Option<Vec<super::Control>> {
        let mut buffer = [0u8; 256];
        loop {
            // SAFETY: reads at most the buffer's length into it.
            let got =
                unsafe { libc::read(libc::STDIN_FILENO, buffer.as_mut_ptr().cast(), buffer.len()) };
            if got < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return None;
            }
            if got == 0 {
                return None;
            }
            return Some(super::controls_in(&buffer[..got as usize]));
        }
    }

    /// The end of a session, told to the key reader through a pipe, so
    /// that it can sleep on the terminal and the pipe together: no waking
    /// up to look, and nothing to wait for when the session ends.
    pub struct Stop(OwnedFd);

    /// The reader's side of `Stop`.
    pub struct Stopped(OwnedFd);

    pub fn stop() -> Result<(Stop, Stopped), Error> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe() writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(Error::Thread(std::io::Error::last_os_error()));
        }
        // SAFETY: pipe() succeeded, so both are open descriptors that
        // nothing else owns.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        Ok((Stop(write), Stopped(read)))
    }

    impl Stop {
        pub fn now(&self) {
            // SAFETY: one byte from a valid buffer to an open descriptor.
            unsafe { libc::write(self.0.as_raw_fd(), [1u8].as_ptr().cast(), 1) };
        }
    }

    impl Stopped {
        /// Sleeps until the terminal has input (true) or the session has
        /// ended (false).
        pub fn wait_for_input(&self) -> bool {
            let mut fds = [
                libc::pollfd {
                    fd: libc::STDIN_FILENO,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.0.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            loop {
                // SAFETY: `fds` is a valid array of two pollfd.
                let ready = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
                if ready < 0 {
                    if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    return false;
                }
                // The session ended, or the terminal went away.
                let gone = libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;
                if fds[1].revents != 0 || fds[0].revents & gone != 0 {
                    return false;
                }
                return fds[0].revents & libc::POLLIN != 0;
            }
        }
    }
}

#[cfg(not(unix))]
mod mode {
    //! Elsewhere crossterm's raw mode does the same job.

    use super::Error;

    pub struct Restore;

    impl Drop for Restore {
        fn drop(&mut self) {
            restore_now();
        }
    }

    pub fn single_keys() -> Result<Restore, Error> {
        crossterm::terminal::enable_raw_mode()
            .map(|()| Restore)
            .map_err(Error::Mode)
    }

    pub fn restore_now() {
        let _ = crossterm::terminal::disable_raw_mode();
    }

    /// What the terminal has sent, as controls; `None` once it is gone.
    pub fn read_controls() -> Option<Vec<super::Control>> {
        use crossterm::event::{self, Event};
        let mut controls = Vec::new();
        while matches!(event::poll(Duration::ZERO), Ok(true)) {
            let event = event::read().ok()?;
            let control = match event {
                Event::Key(key) => super::control_for(key),
                Event::Resize(..) => Some(super::Control::Redraw),
                _ => None,
            };
            controls.extend(control);
        }
        Some(controls)
    }

    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// The end of a session, looked for between keys: here the reader
    /// wakes a few times a second to see it.
    pub struct Stop(Arc<AtomicBool>);

    pub struct Stopped(Arc<AtomicBool>);

    pub fn stop() -> Result<(Stop, Stopped), Error> {
        let flag = Arc::new(AtomicBool::new(false));
        Ok((Stop(Arc::clone(&flag)), Stopped(flag)))
    }

    impl Stop {
        pub fn now(&self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    impl Stopped {
        pub fn wait_for_input(&self) -> bool {
            while !self.0.load(Ordering::Relaxed) {
                match crossterm::event::poll(Duration::from_millis(100)) {
                    Ok(true) => return !self.0.load(Ordering::Relaxed),
                    Ok(false) => {}
                    Err(_) => return false,
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_arrow_sequences_become_controls() {
        assert_eq!(
            controls_in(b" nq"),
            [Control::TogglePause, Control::Next, Control::Quit]
        );
        assert_eq!(
            controls_in(b"\x1b[C\x1b[D\x1bOC\x1b[1;5D"),
            [Control::Next, Control::Back, Control::Next, Control::Back]
        );
        assert_eq!(controls_in(b"\x1b"), [Control::Quit]);
        // Up, a function key and Alt-x are none of ours.
        assert!(controls_in(b"\x1b[A\x1b[15~\x1bx").is_empty());
        // An unfinished sequence is left alone.
        assert_eq!(controls_in(b"n\x1b[1;"), [Control::Next]);
        assert_eq!(controls_in(b"i"), [Control::Redraw]);
    }
}
