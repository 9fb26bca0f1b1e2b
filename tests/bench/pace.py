#!/usr/bin/env python3
"""Stands in for a sound card during the benchmark: ALSA's file plugin
writes the session's audio into a named pipe, and this script plays it the
way a card does, on a clock of its own, and records what it played.

    pace.py FIFO RECORDING [--channels N] [--bits 16|32] [--chunk-ms M] [--pipe BYTES]

Every M milliseconds of CLOCK_MONOTONIC the card takes M ms of audio from
the pipe and plays it. What has not arrived in time is an underrun, played
as silence, and the card's clock goes on regardless, as a real card's
does. RECORDING gets channel 0 of everything played, as 16-bit samples,
and RECORDING.clock the instant (nanoseconds of CLOCK_MONOTONIC) at which
its first sample played, with a new line "SAMPLE NS" whenever the card's
clock had to start again. The clock file exists once the pipe is sized:
the card is ready.

The pipe is opened for reading and writing, so it stays open while the
session closes and reopens its device, and is sized before any audio
arrives. Its contents are a buffer that ALSA does not know of. The
benchmark uses two cards:
- precise (8 channels of 32-bit samples, 1 ms chunks, one 4 KiB page of
  pipe: 2.7 ms unknown to ALSA), to time onsets; ALSA's writer wakes each
  time a millisecond is taken, so it costs the session more CPU than a
  real card would;
- plain (2 channels of 16-bit samples, 30 ms chunks, 64 KiB of pipe), to
  measure CPU; its onsets are not timed (the pipe's fill is unknown).
"""

import argparse
import array
import fcntl
import os
import time

RATE = 48_000
F_SETPIPE_SZ = 1031


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fifo")
    parser.add_argument("recording")
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--bits", type=int, default=32, choices=[16, 32])
    parser.add_argument("--chunk-ms", type=int, default=1)
    parser.add_argument("--pipe", type=int, default=4096)
    args = parser.parse_args()
    width = args.bits // 8
    frame = width * args.channels
    chunk = RATE * args.chunk_ms // 1000
    want = chunk * frame
    step = args.chunk_ms * 1_000_000
    shift = 16 if width == 4 else 0
    silence = bytes(2 * chunk)

    fifo = os.open(args.fifo, os.O_RDWR | os.O_NONBLOCK)
    fcntl.fcntl(fifo, F_SETPIPE_SZ, args.pipe)
    recording = open(args.recording, "wb", buffering=0)
    clock = open(args.recording + ".clock", "w", buffering=1)
    pending = b""
    played = 0
    due = time.monotonic_ns()
    clock.write(f"{played} {due}\n")
    while True:
        try:
            while len(pending) < want:
                more = os.read(fifo, want - len(pending))
                if not more:
                    break
                pending += more
        except BlockingIOError:
            pass
        data, pending = pending[:want], pending[want:]
        frames = len(data) // frame
        column = memoryview(data)[: frames * frame].cast("i" if width == 4 else "h")
        # Channel 0 of each frame that arrived; the rest of the chunk is an
        # underrun, played as silence.
        samples = array.array("h", (v >> shift for v in column[:: args.channels]))
        recording.write(samples.tobytes() + silence[: 2 * (chunk - frames)])
        played += chunk
        due += step
        pause = due - time.monotonic_ns()
        if pause > 0:
            time.sleep(pause / 1e9)
        elif pause < -50_000_000:
            # Held up (a busy machine): a card would have underrun; its
            # clock starts again from now.
            recording.flush()
            due = time.monotonic_ns()
            clock.write(f"{played} {due}\n")


if __name__ == "__main__":
    main()
