#!/usr/bin/env python3
"""A stand-in sound card for the sound tests: it plays in real time.

ALSA's `file` plugin pipes what the program plays into this script (see
tests/common/audio.rs). A real card takes audio at its sample rate, and so
does this one: it reads its standard input at BYTES_PER_SECOND, so the
program's audio thread is held to the card's pace exactly as by hardware,
and writes what it read to OUT.

    card.py OUT BYTES_PER_SECOND

The pipe is shrunk to one page first (128 ms at 16 kHz mono 16-bit), about
what a card buffers. OUT is created when the first audio arrives, so a
device that is only opened to be looked at leaves no file behind. While
the card plays, OUT.playing exists: a test reads OUT once it is gone, as
a listener hears a sound to its end.
"""

import fcntl
import os
import sys
import time

F_SETPIPE_SZ = 1031
TICK = 0.01  # seconds of audio taken at a time
BEHIND = 0.05  # at most this much is made up after the card was held up


def main():
    out_path = sys.argv[1]
    rate = int(sys.argv[2])
    playing = out_path + ".playing"
    with open(playing, "w") as mark:
        mark.write(f"{os.getpid()}\n")
    try:
        play(out_path, rate)
    finally:
        os.unlink(playing)


def shrink_pipe():
    """Takes what ALSA wrote before this script was running (up to the
    pipe's usual 64 KiB, 2 s of audio), then shrinks the pipe to a page.
    The pipe can only shrink while it holds less than a page, so this
    reads and tries again until it does."""
    taken = b""
    flags = fcntl.fcntl(0, fcntl.F_GETFL)
    fcntl.fcntl(0, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    try:
        for _ in range(200):
            try:
                while True:
                    data = os.read(0, 65536)
                    if not data:
                        return taken, True
                    taken += data
            except BlockingIOError:
                pass
            try:
                fcntl.fcntl(0, F_SETPIPE_SZ, 4096)
                break
            except OSError:
                time.sleep(0.001)
    finally:
        fcntl.fcntl(0, fcntl.F_SETFL, flags)
    return taken, False


def play(out_path, rate):
    chunk = max(2, int(rate * TICK) // 2 * 2)
    out = None
    taken, ended = shrink_pipe()
    if taken:
        out = open(out_path, "wb")
        out.write(taken)
        out.flush()
    if ended:
        if out is not None:
            out.close()
        return
    due = time.monotonic()
    while True:
        data = os.read(0, chunk)
        if not data:
            break
        if out is None:
            out = open(out_path, "wb")
        out.write(data)
        out.flush()
        due = max(due + len(data) / rate, time.monotonic() - BEHIND)
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    if out is not None:
        out.close()


if __name__ == "__main__":
    main()
