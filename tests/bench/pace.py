#!/usr/bin/env python3
"""Stands in for a sound card during the benchmark: ALSA's file plugin
writes the session's audio into a named pipe, and this script reads it at
the pace a card would play it (48 kHz, 2 channels, 32-bit), noting the
monotonic time at which each cue begins to sound.

    pace.py FIFO ONSETS_FILE

The pipe is opened for reading and writing, so it stays open while the
session closes and reopens its device, and is shrunk to one page (about
11 ms of audio) before any audio arrives: as little buffering as a card's
own. Writes one line per onset: the time in nanoseconds (CLOCK_MONOTONIC,
the same clock as time.monotonic_ns() in the benchmark).
"""

import fcntl
import os
import struct
import sys
import time

RATE = 48_000
FRAME = 8            # 2 channels of 32-bit samples
CHUNK = RATE // 125   # 8 ms, about a period
F_SETPIPE_SZ = 1031


def main():
    fifo = os.open(sys.argv[1], os.O_RDWR)
    fcntl.fcntl(fifo, F_SETPIPE_SZ, 4096)
    out = open(sys.argv[2], "w", buffering=1)
    stdin = os.fdopen(fifo, "rb", buffering=0)
    recent = [0.0] * 3    # the last 24 ms of peaks
    due = time.monotonic_ns()
    while True:
        want = CHUNK * FRAME
        data = b""
        while len(data) < want:
            more = stdin.read(want - len(data))
            if not more:
                return
            data += more
        peak = max(abs(v) for v in struct.unpack(f"<{CHUNK * 2}i", data)) / 2**31
        now = time.monotonic_ns()
        if peak > 0.001 and peak > 4 * max(recent):
            out.write(f"{now}\n")
        recent = recent[1:] + [peak]
        # Read at the card's pace: 8 ms of audio every 8 milliseconds.
        due = max(due + 8_000_000, now - 40_000_000)
        pause = due - time.monotonic_ns()
        if pause > 0:
            time.sleep(pause / 1e9)


if __name__ == "__main__":
    main()
