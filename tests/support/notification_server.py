#!/usr/bin/python3
"""A stand-in desktop notification service for the tests: it owns
org.freedesktop.Notifications on the bus it is given and records every call
as a line of JSON. Run it with Debian's own Python, which has python3-dbus.

    notification_server.py ADDRESS RECORD_FILE MODE[,OPTION...]

Like dunst, it sends a note's ActionInvoked and NotificationClosed signals
only to the connection that called Notify for it (a signal with that
connection as its destination), unless told to broadcast them as GNOME's
server does.

MODE decides how it behaves:
    normal    answers every call
    silent    answers questions about itself, but never a Notify call
    deaf      never answers anything
    invoke    answers, then 50 ms later invokes the note's first action
    invoke-at-once  answers and invokes the first action in the same breath
    close     answers, then 50 ms later reports the note closed by the user
    expire    answers, then 50 ms later reports the note expired
    press=KEY answers, then 50 ms later presses the button KEY, if the
              note has it
    click     answers, then 50 ms later reports a click on the note's body
              (the action "default", which servers send whether or not the
              note listed it)

OPTIONs, after the mode:
    broadcast    signals go to every connection on the bus
    markup       lists "body-markup" among its capabilities
    persistence  lists "persistence" among its capabilities
    no-actions   leaves "actions" out of its capabilities (it shows no buttons)

It prints "ready" once it owns the name.
"""

import json
import sys
import time

import dbus
import dbus.lowlevel
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def plain(value):
    """D-Bus values as JSON ones."""
    if isinstance(value, (dbus.Boolean, bool)):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64,
                          dbus.UInt16, dbus.UInt32, dbus.UInt64, int)):
        return int(value)
    if isinstance(value, (dbus.String, str)):
        return str(value)
    if isinstance(value, (dbus.Array, list)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


class Server(dbus.service.Object):
    def __init__(self, bus, record, mode, options):
        super().__init__(bus, PATH)
        self.bus = bus
        self.record = open(record, "a", buffering=1)
        self.mode = mode
        self.broadcast = "broadcast" in options
        self.capabilities = ["body"] if "no-actions" in options else ["body", "actions"]
        if "markup" in options:
            self.capabilities.append("body-markup")
        if "persistence" in options:
            self.capabilities.append("persistence")
        self.next_id = 0
        # Which connection showed each note: its answers go there.
        self.owners = {}

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u",
                         async_callbacks=("reply", "error"), sender_keyword="sender")
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout,
               reply, error, sender=None):
        if replaces:
            note_id = int(replaces)
        else:
            self.next_id += 1
            note_id = self.next_id
        self.owners[note_id] = sender
        self.record.write(json.dumps({
            "received": time.time(),
            "app": plain(app), "replaces": int(replaces), "id": note_id,
            "icon": plain(icon), "summary": plain(summary), "body": plain(body),
            "actions": plain(actions), "hints": plain(hints), "timeout": int(timeout),
        }) + "\n")
        if self.mode in ("silent", "deaf"):
            return
        reply(dbus.UInt32(note_id))
        if self.mode == "invoke" and len(actions) >= 2:
            GLib.timeout_add(50, self.invoke, note_id, str(actions[0]))
        elif self.mode == "invoke-at-once" and len(actions) >= 2:
            self.invoke(note_id, str(actions[0]))
        elif self.mode.startswith("press=") and self.mode[6:] in [str(a) for a in actions[0::2]]:
            GLib.timeout_add(50, self.invoke, note_id, self.mode[6:])
        elif self.mode == "click":
            GLib.timeout_add(50, self.invoke, note_id, "default")
        elif self.mode == "close":
            GLib.timeout_add(50, self.close, note_id, 2)
        elif self.mode == "expire":
            GLib.timeout_add(50, self.close, note_id, 1)

    def signal(self, note_id, member, signature, value):
        message = dbus.lowlevel.SignalMessage(PATH, NAME, member)
        message.append(dbus.UInt32(note_id), value, signature=signature)
        if not self.broadcast:
            message.set_destination(self.owners.get(note_id))
        self.bus.send_message(message)

    def invoke(self, note_id, key):
        self.signal(note_id, "ActionInvoked", "us", dbus.String(key))
        return False

    def close(self, note_id, reason):
        self.signal(note_id, "NotificationClosed", "uu", dbus.UInt32(reason))
        return False

    @dbus.service.method(NAME, out_signature="as")
    def GetCapabilities(self):
        return self.capabilities

    @dbus.service.method(NAME, out_signature="ssss", async_callbacks=("reply", "error"))
    def GetServerInformation(self, reply, error):
        if self.mode != "deaf":
            reply("recorder", "nocturne-tests", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="u")
    def CloseNotification(self, note_id):
        self.record.write(json.dumps({"closed": int(note_id), "received": time.time()}) + "\n")
        if int(note_id) in self.owners:
            self.close(int(note_id), 3)


def main():
    address, record, how = sys.argv[1:4]
    mode, *options = how.split(",")
    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    server = Server(bus, record, mode, options)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
