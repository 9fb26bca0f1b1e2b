//! Keys during a session, when stdin is a terminal: space, n or Right,
//! p or Left, q or Esc. The terminal is put in a mode that passes single
//! keys without echo and is restored on every way out: the normal end, `q`,
//! Ctrl-C, and a panic.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::session::Control;
use crate::util::io_reason;

/// Why keys cannot be read during a session.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The terminal's settings could not be read (stdin is not one).
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

/// How long the reader waits for a key before it looks whether it should
/// stop: the most that ending a session waits for it.
const STOP_CHECK: Duration = Duration::from_millis(100);

/// While alive, keys reach the session. Dropping it stops the reader, waits
/// for its thread to end, and restores the terminal, so that whatever is
/// asked after the session reads the terminal alone.
pub struct Keys {
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    _restore: mode::Restore,
}

/// Starts reading keys into `controls`. Fails when stdin is not a terminal
/// that can be switched to single-key mode.
pub fn listen(controls: Sender<Control>) -> Result<Keys, Error> {
    let restore = mode::single_keys()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::clone(&stop);
    let reader = std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                // Only read what is there, so a key typed after the session
                // is left for the questions that follow it.
                match event::poll(STOP_CHECK) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(_) => break,
                }
                if stopping.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(event) = event::read() else { break };
                if let Event::Key(key) = event
                    && let Some(control) = control_for(key)
                    && controls.send(control).is_err()
                {
                    break;
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
        self.stop.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

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
        _ => None,
    }
}

/// Restores the terminal before the panic message is printed, so a panic
/// never leaves the user's shell without echo.
pub fn restore_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        mode::restore_now();
        previous(info);
    }));
}

#[cfg(unix)]
mod mode {
    //! On Unix only canonical input and echo are turned off: output
    //! processing and Ctrl-C stay as the user's terminal has them, so lines
    //! printed during a session still begin at the left edge and Ctrl-C is
    //! still a signal.

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
        let mut keys = saved;
        keys.c_lflag &= !(libc::ICANON | libc::ECHO);
        keys.c_cc[libc::VMIN] = 1;
        keys.c_cc[libc::VTIME] = 0;
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some(saved);
        }
        // SAFETY: fd is stdin and `keys` is a termios read from it.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &keys) } != 0 {
            return Err(Error::Mode(std::io::Error::last_os_error()));
        }
        Ok(Restore)
    }

    pub fn restore_now() {
        let saved = SAVED.lock().ok().and_then(|mut slot| slot.take());
        if let Some(saved) = saved {
            // SAFETY: `saved` came from tcgetattr on this same fd.
            unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
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
}
