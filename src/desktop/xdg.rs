//! The freedesktop notification service, spoken to directly over one zbus
//! connection per note (or per session's run of notes). One connection
//! matters: servers such as dunst send a note's answers (`ActionInvoked`,
//! `NotificationClosed`) only to the connection that showed it.

use std::collections::HashMap;

use futures_lite::StreamExt;
use zbus::Variant;

use super::{Error, Note};

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// A connection to the notification service and what the service said it
/// can do, asked once when the connection is made.
#[derive(Clone)]
pub struct Link {
    connection: zbus::Connection,
    capabilities: Vec<String>,
}

/// A signal about some note: its name, the note's id, and the action's
/// key or the reason it closed.
pub type Signal = (String, u32, String);

/// The D-Bus error name for a name that nothing owns or can start.
const SERVICE_UNKNOWN: &str = "org.freedesktop.DBus.Error.ServiceUnknown";

/// What a zbus error means for the user, decided by its kind: no service
/// on the bus, no bus at all, or some other failure.
pub fn in_words(e: zbus::Error) -> Error {
    use std::io::ErrorKind::{ConnectionRefused, NotFound};
    let unreachable = |io: &std::io::Error| matches!(io.kind(), NotFound | ConnectionRefused);
    let no_service = match &e {
        zbus::Error::FDO(fdo) => matches!(**fdo, zbus::fdo::Error::ServiceUnknown(_)),
        zbus::Error::MethodError(name, _, _) => name.as_str() == SERVICE_UNKNOWN,
        _ => false,
    };
    let no_bus = match &e {
        // No address for the session bus: neither DBUS_SESSION_BUS_ADDRESS
        // nor a runtime folder with one.
        zbus::Error::Address(_) => true,
        zbus::Error::Connection(io, _) => unreachable(io),
        zbus::Error::InputOutput(io) => unreachable(io),
        _ => false,
    };
    if no_service {
        Error::NoService(e.into())
    } else if no_bus {
        Error::NoBus(e.into())
    } else {
        Error::Failed(e.into())
    }
}

impl Link {
    /// Connects to the session bus and asks the service what it can do.
    pub async fn open() -> Result<Link, Error> {
        let connection = zbus::Connection::session().await.map_err(in_words)?;
        let capabilities: Vec<String> = connection
            .call_method(Some(NAME), PATH, Some(NAME), "GetCapabilities", &())
            .await
            .and_then(|reply| reply.body().deserialize())
            .map_err(in_words)?;
        Ok(Link {
            connection,
            capabilities,
        })
    }

    fn can(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    /// Starts hearing the service's signals on this connection, both those
    /// sent to it alone and those sent to everyone.
    pub async fn listen(&self) -> Result<zbus::MessageStream, Error> {
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(NAME)
            .path(PATH)
            .build()
            .map_err(in_words)?;
        zbus::MessageStream::for_match_rule(rule, &self.connection, None)
            .await
            .map_err(|e| Error::Listen(Box::new(in_words(e))))
    }

    /// Shows `note`, in place of note `replaces` if that is not 0; returns
    /// its id. A note that `waits` for an answer asks to stay up until it
    /// gets one.
    pub async fn notify(&self, note: &Note, replaces: u32, waits: bool) -> Result<u32, Error> {
        let body = if self.can("body-markup") {
            crate::util::escape_markup(&note.body)
        } else {
            note.body.clone()
        };
        let mut hints: HashMap<&str, Variant<'_>> = HashMap::new();
        hints.insert("urgency", Variant::U8(u8::from(note.urgent)));
        hints.insert("category", Variant::from(note.category));
        if note.transient {
            hints.insert("transient", Variant::Bool(true));
        }
        if waits && self.can("persistence") {
            hints.insert("resident", Variant::Bool(true));
        }
        let actions: Vec<&str> = note
            .actions
            .iter()
            .flat_map(|(id, label)| [id.as_str(), label.as_str()])
            .collect();
        // -1 leaves the time on screen to the server; 0 asks it to keep
        // the note until the user does something with it.
        let expire_timeout: i32 = if waits { 0 } else { -1 };
        self.connection
            .call_method(
                Some(NAME),
                PATH,
                Some(NAME),
                "Notify",
                &(
                    "nocturne",
                    replaces,
                    "nocturne",
                    note.summary.as_str(),
                    body.as_str(),
                    actions,
                    hints,
                    expire_timeout,
                ),
            )
            .await
            .and_then(|reply| reply.body().deserialize::<u32>())
            .map_err(in_words)
    }

    /// Takes note `id` off the screen.
    pub async fn close(&self, id: u32) -> Result<(), Error> {
        self.connection
            .call_method(Some(NAME), PATH, Some(NAME), "CloseNotification", &id)
            .await
            .map(|_| ())
            .map_err(in_words)
    }

    /// Asks the service who it is and what it can do, over one
    /// connection: `GetServerInformation`, then `GetCapabilities`.
    pub async fn about() -> Result<super::ServerInfo, Error> {
        let connection = zbus::Connection::session().await.map_err(in_words)?;
        let (name, vendor, version, spec_version): (String, String, String, String) = connection
            .call_method(Some(NAME), PATH, Some(NAME), "GetServerInformation", &())
            .await
            .and_then(|reply| reply.body().deserialize())
            .map_err(in_words)?;
        let capabilities: Vec<String> = connection
            .call_method(Some(NAME), PATH, Some(NAME), "GetCapabilities", &())
            .await
            .and_then(|reply| reply.body().deserialize())
            .map_err(in_words)?;
        Ok(super::ServerInfo {
            name,
            vendor,
            version,
            spec_version,
            capabilities,
        })
    }

    /// Asks for the service's name, to know it is there.
    pub async fn probe() -> Result<(), Error> {
        let connection = zbus::Connection::session().await.map_err(in_words)?;
        connection
            .call_method(Some(NAME), PATH, Some(NAME), "GetServerInformation", &())
            .await
            .map(|_| ())
            .map_err(in_words)
    }
}

/// The next signal on `stream` about a note, if the stream is still open.
pub async fn next_signal(stream: &mut zbus::MessageStream) -> Option<Signal> {
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
        if parsed.is_some() {
            return parsed;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bus_error_is_worded_by_its_kind_not_its_text() {
        let said = |e: zbus::Error| in_words(e).to_string();
        let unknown = zbus::fdo::Error::ServiceUnknown("The name is not activatable".into());
        assert_eq!(said(unknown.into()), "no notification service is running");
        assert_eq!(
            said(zbus::Error::Address("nothing set".into())),
            "there is no desktop session bus (D-Bus)"
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            said(zbus::Error::InputOutput(refused.into())),
            "there is no desktop session bus (D-Bus)"
        );
        // Words that merely look like a missing service decide nothing.
        assert_eq!(
            said(zbus::Error::Failure(" ServiceUnknown ".into())),
            "the notification service failed (ServiceUnknown)"
        );
        // The cause is kept.
        let e = in_words(zbus::Error::Address("nothing set".into()));
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("address error: nothing set"));
    }

    #[test]
    fn markup_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            crate::util::escape_markup("knee < 90° & breathe > slowly"),
            "knee &lt; 90° &amp; breathe &gt; slowly"
        );
        assert_eq!(crate::util::escape_markup("plain words"), "plain words");
    }
}
