//! Desktop notifications over D-Bus. Every call to the notification
//! service runs on a thread of its own and is given a deadline: a service
//! that is missing, refuses, or never answers costs the caller at most that
//! long, and nothing at all on the session's timing path, which only queues
//! notes for a worker.
//!
//! On Linux and the BSDs nocturne speaks the freedesktop protocol itself
//! (see `xdg`), so that a note and the answers to it go over one
//! connection; elsewhere notify-rust shows notes, without buttons.

#[cfg(all(unix, not(target_os = "macos")))]
mod xdg;

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// Why a note could not be shown or answered, in the user's words; the
/// cause, where there is one, is kept as its source. The bus's own errors
/// arise only where nocturne speaks D-Bus itself (Unix but macOS).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    #[error("no notification service is running")]
    NoService(#[source] Cause),
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    #[error("there is no desktop session bus (D-Bus)")]
    NoBus(#[source] Cause),
    #[error("the notification service failed ({})", .0.to_string().trim())]
    Failed(#[source] Cause),
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    #[error("cannot listen for answers: {0}")]
    Listen(#[source] Box<Error>),
    #[error("cannot start a thread for notifications: {}", crate::util::io_reason(.0))]
    Thread(#[source] std::io::Error),
    #[error("the notification service did not answer within {} s", .0.as_secs())]
    NoAnswer(Duration),
    #[error("the notification call failed")]
    CallLost,
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    #[error("the session bus closed while waiting for an answer")]
    BusClosed,
    /// The thread that asked whether a service answers ended in a panic.
    #[error("the check failed")]
    ProbeLost,
}

/// What the notification library reported.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// How long any one call to the notification service may take.
pub const DEADLINE: Duration = Duration::from_secs(2);

/// One notification, in nocturne's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub summary: String,
    pub body: String,
    /// The freedesktop category hint.
    pub category: &'static str,
    /// Reminders ask for attention; a session's progress does not.
    pub urgent: bool,
    /// A transient note bypasses the server's history, where it keeps one.
    pub transient: bool,
    /// (identifier, label) pairs, shown as buttons where supported. The
    /// first is the note's main action: a click on the note's body means
    /// it.
    pub actions: Vec<(String, String)>,
}

/// Runs `call` on a thread of its own and waits at most `deadline` for
/// it. A call that never returns is left behind on its thread.
fn with_deadline<T: Send + 'static>(
    deadline: Duration,
    call: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let (done, result) = channel();
    std::thread::Builder::new()
        .name("notify".into())
        .spawn(move || {
            let _ = done.send(call());
        })
        .map_err(Error::Thread)?;
    match result.recv_timeout(deadline) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout) => Err(Error::NoAnswer(deadline)),
        Err(RecvTimeoutError::Disconnected) => Err(Error::CallLost),
    }
}

/// Shows a note once, without waiting for anything the user does.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn announce(note: &Note) -> Result<(), Error> {
    let note = note.clone();
    with_deadline(DEADLINE, move || {
        zbus::block_on(async move {
            let link = xdg::Link::open().await?;
            link.notify(&note, 0, false).await.map(|_| ())
        })
    })
}

/// Checks that a notification service answers, within `patience`.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn probe(patience: Duration) -> Result<(), Error> {
    with_deadline(patience, || zbus::block_on(xdg::Link::probe()))
}

/// Who the notification service is and what it says it can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub name: String,
    pub vendor: String,
    pub version: String,
    /// The version of the freedesktop protocol it speaks.
    pub spec_version: String,
    /// Such as "actions", "body-markup", "persistence".
    pub capabilities: Vec<String>,
}

impl ServerInfo {
    pub fn can(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }
}

/// Asks the notification service who it is and what it can do, within
/// `patience` (for `status`).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn server_info(patience: Duration) -> Result<ServerInfo, Error> {
    with_deadline(patience, || zbus::block_on(xdg::Link::about()))
}

/// The connection a session's notes go over, and the note now shown.
#[cfg(all(unix, not(target_os = "macos")))]
type Shown = Option<(xdg::Link, u32)>;

/// Shows `note`, in place of the one shown before if any: over the same
/// connection, so that later notes cost one call each.
#[cfg(all(unix, not(target_os = "macos")))]
fn replace(shown: Shown, note: Note) -> Result<Shown, Error> {
    zbus::block_on(async move {
        let (link, replaces) = match shown {
            Some((link, id)) => (link, id),
            None => (xdg::Link::open().await?, 0),
        };
        let id = link.notify(&note, replaces, false).await?;
        Ok(Some((link, id)))
    })
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
type Shown = ();

/// Elsewhere each note is shown anew.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn replace(_shown: Shown, note: Note) -> Result<Shown, Error> {
    elsewhere::show(&note).map(|_| ())
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn announce(note: &Note) -> Result<(), Error> {
    let note = note.clone();
    with_deadline(DEADLINE, move || elsewhere::show(&note))
}

/// Elsewhere the system's notification centre is always there.
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn probe(_patience: Duration) -> Result<(), Error> {
    Ok(())
}

/// Elsewhere the system's notification centre, which shows notes without
/// buttons.
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn server_info(_patience: Duration) -> Result<ServerInfo, Error> {
    Ok(ServerInfo {
        name: "the system's notification centre".to_owned(),
        vendor: String::new(),
        version: String::new(),
        spec_version: String::new(),
        capabilities: vec!["body".to_owned()],
    })
}

/// notify-rust, where nocturne does not speak to the service itself; only
/// what every platform there has is used.
#[cfg(not(all(unix, not(target_os = "macos"))))]
mod elsewhere {
    use notify_rust::{Notification, Timeout};

    use super::{Error, Note};

    pub fn show(note: &Note) -> Result<(), Error> {
        Notification::new()
            .appname("nocturne")
            .summary(&note.summary)
            .body(&note.body)
            .timeout(Timeout::Default)
            .show()
            .map(|_| ())
            .map_err(|e| Error::Failed(e.into()))
    }
}

/// Shows a session's notes one after another on a worker thread, each
/// replacing the last in place, so the desktop holds one note, not dozens.
pub struct Notifier {
    notes: Sender<Note>,
    failures: Receiver<Error>,
    worker: Option<JoinHandle<()>>,
}

impl Notifier {
    pub fn start() -> Result<Notifier, Error> {
        let (notes, inbox) = channel::<Note>();
        let (failed, failures) = channel();
        let worker = std::thread::Builder::new()
            .name("notes".into())
            .spawn(move || {
                // Nothing (a unit) where notes cannot be replaced in place.
                #[allow(clippy::let_unit_value)]
                let mut shown = Shown::default();
                for note in inbox {
                    let sent = with_deadline(DEADLINE, move || replace(shown, note));
                    match sent {
                        Ok(now) => shown = now,
                        Err(why) => {
                            let _ = failed.send(why);
                            return;
                        }
                    }
                }
            })
            .map_err(Error::Thread)?;
        Ok(Notifier {
            notes,
            failures,
            worker: Some(worker),
        })
    }

    /// Queues a note; returns at once.
    pub fn show(&self, note: Note) {
        let _ = self.notes.send(note);
    }

    /// Why notifications stopped working, if they have.
    pub fn failure(&self) -> Option<Error> {
        self.failures.try_recv().ok()
    }

    /// Waits, at most `limit`, for the queued notes to be shown.
    pub fn finish(mut self, limit: Duration) {
        let Some(worker) = self.worker.take() else {
            return;
        };
        drop(std::mem::replace(&mut self.notes, channel().0));
        crate::util::join_within(worker, limit);
    }
}

/// What became of a note that asked the user something. Elsewhere than on
/// D-Bus, notes have no buttons and the answer is always `Silence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The user chose the action with this identifier.
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    Action(String),
    /// The user dismissed the note (or it was closed by the program).
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    Closed,
    /// The server let the note expire.
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    Expired,
    /// Nothing happened within the time given.
    Silence,
}

/// Shows a note with actions and waits, at most `wait`, for what the user
/// does with it.
pub fn ask(note: &Note, wait: Duration) -> Result<Answer, Error> {
    Question::put(note)?.answer(wait)
}

/// A note on screen that asks the user something, whose answer has not
/// been read yet.
#[cfg(all(unix, not(target_os = "macos")))]
pub struct Question {
    note: Note,
    link: xdg::Link,
    id: u32,
    inbox: Receiver<xdg::Signal>,
}

#[cfg(all(unix, not(target_os = "macos")))]
impl Question {
    /// Shows `note`, asking the server to keep it until it is answered.
    /// It is shown, and its answers heard, over one connection, listening
    /// from before it is sent, so an answer that comes at once is not
    /// missed.
    pub fn put(note: &Note) -> Result<Question, Error> {
        let (signals, inbox) = channel::<xdg::Signal>();
        let (shown, ready) = channel::<Result<(xdg::Link, u32), Error>>();
        let sent = note.clone();
        std::thread::Builder::new()
            .name("note-answers".into())
            .spawn(move || {
                zbus::block_on(async move {
                    let opened = async {
                        let link = xdg::Link::open().await?;
                        let stream = link.listen().await?;
                        let id = link.notify(&sent, 0, true).await?;
                        Ok::<_, Error>((link, stream, id))
                    };
                    let (link, mut stream, id) = match opened.await {
                        Ok(opened) => opened,
                        Err(why) => {
                            let _ = shown.send(Err(why));
                            return;
                        }
                    };
                    let _ = shown.send(Ok((link, id)));
                    // Ends with the first word about this note, or when
                    // nobody waits for one any more.
                    while let Some(signal) = xdg::next_signal(&mut stream).await {
                        let ours = signal.1 == id;
                        if signals.send(signal).is_err() || ours {
                            return;
                        }
                    }
                });
            })
            .map_err(Error::Thread)?;
        let (link, id) = match ready.recv_timeout(DEADLINE) {
            Ok(shown) => shown?,
            Err(_) => return Err(Error::NoAnswer(DEADLINE)),
        };
        Ok(Question {
            note: note.clone(),
            link,
            id,
            inbox,
        })
    }

    /// Waits, at most `wait`, for what the user does with the note. A
    /// click on its body counts as its main action. Once a button was
    /// pressed, or nobody answered in time, the note is taken down: its
    /// buttons would do nothing any more.
    pub fn answer(self, wait: Duration) -> Result<Answer, Error> {
        let answer = match wait_for_answer(&self.inbox, self.id, wait)? {
            Answer::Action(key) if key == "default" => match self.note.actions.first() {
                Some((main, _)) => Answer::Action(main.clone()),
                None => Answer::Action(key),
            },
            answer => answer,
        };
        if matches!(answer, Answer::Action(_) | Answer::Silence) {
            let (link, id) = (self.link, self.id);
            let _ = with_deadline(DEADLINE, move || zbus::block_on(link.close(id)));
        }
        Ok(answer)
    }
}

/// Reads signals until one is about note `id`, or `wait` runs out.
#[cfg(all(unix, not(target_os = "macos")))]
fn wait_for_answer(
    inbox: &Receiver<xdg::Signal>,
    id: u32,
    wait: Duration,
) -> Result<Answer, Error> {
    // Waiting for a person's answer is not session timing; the clock is
    // read directly here so that other notes' signals cannot stretch it.
    #[allow(clippy::disallowed_methods)]
    let until = std::time::Instant::now() + wait;
    loop {
        #[allow(clippy::disallowed_methods)]
        let left = until.saturating_duration_since(std::time::Instant::now());
        match inbox.recv_timeout(left) {
            Ok((member, signal_id, detail)) if signal_id == id => {
                return Ok(match member.as_str() {
                    "ActionInvoked" => Answer::Action(detail),
                    _ if detail == "1" => Answer::Expired,
                    _ => Answer::Closed,
                });
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return Ok(Answer::Silence),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::BusClosed);
            }
        }
    }
}

/// Elsewhere notes are shown without buttons, and no answer can come.
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub struct Question;

#[cfg(not(all(unix, not(target_os = "macos"))))]
impl Question {
    pub fn put(note: &Note) -> Result<Question, Error> {
        announce(note).map(|()| Question)
    }

    pub fn answer(self, _wait: Duration) -> Result<Answer, Error> {
        Ok(Answer::Silence)
    }
}
