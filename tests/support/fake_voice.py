#!/usr/bin/env python3
"""A stand-in speech engine for the tests, given as voice_command.

    fake_voice.py --wav PATH --text TEXT --log FILE [--sleep S] [--garbage] [--freq HZ]

Appends TEXT as one line to FILE, sleeps S seconds if asked, then writes to
PATH a 22,050 Hz mono 16-bit WAV of a pure tone, 60 ms for each character
of TEXT (at least 200 ms). The tone's frequency tells phrases apart: 300 Hz
plus 10 Hz times (the sum of the text's UTF-8 bytes modulo 200), so from
300 to 2,290 Hz; --freq gives every phrase one frequency instead (the
benchmark uses 3,000 Hz, which no cue uses). With --garbage it writes bytes
that are not audio.
"""

import argparse
import math
import struct
import sys
import time
import wave


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wav", required=True)
    parser.add_argument("--text", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--garbage", action="store_true")
    parser.add_argument("--freq", type=float)
    args = parser.parse_args()

    with open(args.log, "a", encoding="utf-8") as log:
        log.write(args.text + "\n")
    if args.sleep:
        time.sleep(args.sleep)
    if args.garbage:
        with open(args.wav, "wb") as out:
            out.write(b"this is not a sound, only words\n" * 20)
        return 0

    rate = 22050
    seconds = max(0.2, 0.06 * len(args.text))
    frequency = args.freq or 300 + 10 * (sum(args.text.encode("utf-8")) % 200)
    frames = int(rate * seconds)
    samples = (
        int(12000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(frames)
    )
    with wave.open(args.wav, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
