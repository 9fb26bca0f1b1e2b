//! Desktop notifications over D-Bus, through notify-rust. Every call to the
//! notification service runs on a thread of its own and is given a
//! deadline: a service that is missing, refuses, or never answers costs
//! the caller at most that long, and nothing at all on the session's timing
//! path, which only queues notes for a worker.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

#[cfg(all(unix, not(target_os = "macos")))]
use notify_rust::NotificationHandle;
use notify_rust::{Hint, Notification, Timeout, Urgency};

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
    /// (identifier, label) pairs, shown as buttons where supported.
    pub actions: Vec<(String, String)>,
}

impl Note {
    fn to_notification(&self) -> Notification {
        let mut n = Notification::new();
        n.appname("nocturne")
            .summary(&self.summary)
            .body(&self.body)
            .icon("nocturne")
            .urgency(if self.urgent {
                Urgency::Normal
            } else {
                Urgency::Low
            })
            .hint(Hint::Category(self.category.to_owned()))
            .timeout(Timeout::Default);
        if self.transient {
            n.hint(Hint::Transient(true));
        }
        for (id, label) in &self.actions {
            n.action(id, label);
        }
        n
    }
}

/// A notification error in a user's words.
fn in_words(e: &notify_rust::error::Error) -> String {
    let text = e.to_string();
    if text.contains("ServiceUnknown") || text.contains("not activatable") {
        "no notification service is running".to_owned()
    } else if text.contains("DBUS_SESSION_BUS_ADDRESS")
        || text.contains("session bus")
        || text.contains("No such file or directory")
        || text.contains("Connection refused")
    {
        "there is no desktop session bus (D-Bus)".to_owned()
    } else {
        format!("the notification service failed ({})", text.trim())
    }
}

/// Runs `call` on a thread of its own and waits at most `deadline` for
/// it. A call that never returns is left behind on its thread.
fn with_deadline<T: Send + 'static>(
    deadline: Duration,
    call: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (done, result) = channel();
    std::thread::Builder::new()
        .name("notify".into())
        .spawn(move || {
            let _ = done.send(call());
        })
        .map_err(|e| format!("cannot start a thread for notifications: {e}"))?;
    match result.recv_timeout(deadline) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout) => Err(format!(
            "the notification service did not answer within {} s",
            deadline.as_secs()
        )),
        Err(RecvTimeoutError::Disconnected) => Err("the notification call failed".to_owned()),
    }
}

/// Shows a note on its own; returns its id.
fn show(note: &Note) -> Result<u32, String> {
    let notification = note.to_notification();
    with_deadline(DEADLINE, move || {
        notification
            .show()
            .map(|handle| handle.id())
            .map_err(|e| in_words(&e))
    })
}

/// Shows `notification`, in place of the one shown before if any: over the
/// same connection, so that later notes cost one call each.
#[cfg(all(unix, not(target_os = "macos")))]
fn replace(
    shown: Option<NotificationHandle>,
    notification: Notification,
) -> Result<NotificationHandle, String> {
    match shown {
        None => notification.show().map_err(|e| in_words(&e)),
        Some(mut handle) => {
            *handle = notification;
            handle.update().map_err(|e| in_words(&e))?;
            Ok(handle)
        }
    }
}

/// Elsewhere each note is shown anew.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn replace(_shown: Option<()>, notification: Notification) -> Result<(), String> {
    notification.show().map(|_| ()).map_err(|e| in_words(&e))
}

/// Shows a note once, without waiting for anything the user does.
pub fn announce(note: &Note) -> Result<(), String> {
    show(note).map(|_| ())
}

/// Checks that a notification service answers, within `patience`.
pub fn probe(patience: Duration) -> Result<(), String> {
    with_deadline(patience, || {
        notify_rust::get_server_information()
            .map(|_| ())
            .map_err(|e| in_words(&e))
    })
}

/// Shows a session's notes one after another on a worker thread, each
/// replacing the last in place, so the desktop holds one note, not dozens.
pub struct Notifier {
    notes: Sender<Note>,
    failures: Receiver<String>,
    worker: Option<JoinHandle<()>>,
}

impl Notifier {
    pub fn start() -> Result<Notifier, String> {
        let (notes, inbox) = channel::<Note>();
        let (failed, failures) = channel();
        let worker = std::thread::Builder::new()
            .name("notes".into())
            .spawn(move || {
                let mut shown = None;
                for note in inbox {
                    let notification = note.to_notification();
                    let sent = with_deadline(DEADLINE, move || replace(shown, notification));
                    match sent {
                        Ok(handle) => shown = Some(handle),
                        Err(why) => {
                            let _ = failed.send(why);
                            return;
                        }
                    }
                }
            })
            .map_err(|e| format!("cannot start the notification thread: {e}"))?;
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
    pub fn failure(&self) -> Option<String> {
        self.failures.try_recv().ok()
    }

    /// Waits, at most `limit`, for the queued notes to be shown.
    pub fn finish(mut self, limit: Duration) {
        let Some(worker) = self.worker.take() else {
            return;
        };
        drop(std::mem::replace(&mut self.notes, channel().0));
        let (done, finished) = channel();
        std::thread::spawn(move || {
            let _ = worker.join();
            let _ = done.send(());
        });
        let _ = finished.recv_timeout(limit);
    }
}

/// What became of a note that asked the user something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The user chose the action with this identifier.
    Action(String),
    /// The user dismissed the note (or it was closed by the program).
    Closed,
    /// The server let the note expire.
    Expired,
    /// Nothing happened within the time given.
    Silence,
}

/// Shows a note with actions and waits, at most `wait`, for what the user
/// does with it. Signals are subscribed to before the note is sent, so an
/// answer that comes at once is not missed.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn ask(note: &Note, wait: Duration) -> Result<Answer, String> {
    use futures_lite::StreamExt;

    let (signals, inbox) = channel::<(String, u32, String)>();
    let (subscribed, ready) = channel::<Result<(), String>>();
    std::thread::Builder::new()
        .name("note-answers".into())
        .spawn(move || {
            zbus::block_on(async move {
                let stream = async {
                    let connection = zbus::Connection::session().await?;
                    let rule = zbus::MatchRule::builder()
                        .msg_type(zbus::message::Type::Signal)
                        .interface("org.freedesktop.Notifications")
                        .build()?;
                    zbus::MessageStream::for_match_rule(rule, &connection, None).await
                };
                let mut stream = match stream.await {
                    Ok(stream) => {
                        let _ = subscribed.send(Ok(()));
                        stream
                    }
                    Err(e) => {
                        let _ = subscribed.send(Err(format!(
                            "cannot listen for answers: {}",
                            describe_zbus(&e)
                        )));
                        return;
                    }
                };
                while let Some(Ok(message)) = stream.next().await {
                    let header = message.header();
                    let member = header.member().map(|m| m.to_string()).unwrap_or_default();
                    let body = message.body();
                    let parsed = match member.as_str() {
                        "ActionInvoked" => body
                            .deserialize::<(u32, String)>()
                            .ok()
                            .map(|(id, key)| (member.clone(), id, key)),
                        "NotificationClosed" => body
                            .deserialize::<(u32, u32)>()
                            .ok()
                            .map(|(id, reason)| (member.clone(), id, reason.to_string())),
                        _ => None,
                    };
                    if let Some(signal) = parsed
                        && signals.send(signal).is_err()
                    {
                        return;
                    }
                }
            });
        })
        .map_err(|e| format!("cannot start a thread for notifications: {e}"))?;
    match ready.recv_timeout(DEADLINE) {
        Ok(Ok(())) => {}
        Ok(Err(why)) => return Err(why),
        Err(_) => {
            return Err(format!(
                "the session bus did not answer within {} s",
                DEADLINE.as_secs()
            ));
        }
    }

    let id = show(note)?;
    wait_for_answer(&inbox, id, wait)
}

#[cfg(all(unix, not(target_os = "macos")))]
fn describe_zbus(e: &zbus::Error) -> String {
    let text = e.to_string();
    if text.contains("DBUS_SESSION_BUS_ADDRESS") || text.contains("No such file") {
        "there is no desktop session bus (D-Bus)".to_owned()
    } else {
        text
    }
}

/// Reads signals until one is about note `id`, or `wait` runs out.
#[cfg(all(unix, not(target_os = "macos")))]
fn wait_for_answer(
    inbox: &Receiver<(String, u32, String)>,
    id: u32,
    wait: Duration,
) -> Result<Answer, String> {
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
                return Err("the session bus closed while waiting for an answer".to_owned());
            }
        }
    }
}

/// Elsewhere notes are shown without buttons, and no answer can come.
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn ask(note: &Note, _wait: Duration) -> Result<Answer, String> {
    show(note).map(|_| Answer::Silence)
}

/// Which moments of a session reach the desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    /// The start and the end only.
    Session,
    /// Also each step as it begins.
    Steps,
    /// Also each change of sides.
    All,
}

impl Level {
    pub const NAMES: [&'static str; 4] = ["all", "steps", "session", "off"];

    pub fn parse(word: &str) -> Option<Level> {
        match word {
            "all" => Some(Level::All),
            "steps" => Some(Level::Steps),
            "session" => Some(Level::Session),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}
