#!/usr/bin/env python3
"""Makes nocturne's bundled sound cues from code.

    python3 sounds/generate.py           # writes sounds/*.wav
    python3 sounds/generate.py --check   # exits 1 if a committed cue differs

Each cue is a sum of decaying sine partials, shaped like a soft bell or a
wooden tap: a 6 ms raised-cosine attack (so it starts without a click), an
exponential decay, and a 30 ms fade to exact silence at the end. Every cue
is scaled to its peak level (at most -6 dBFS) and written as 16-bit mono
WAV at 24 kHz. Only the standard library is used, and no randomness, so the
output is the same on every run and every machine.
"""

import io
import math
import os
import struct
import sys
import wave

RATE = 24_000
HERE = os.path.dirname(os.path.abspath(__file__))


def partial(freq, amp, decay, start=0.0, glide_from=None, glide_time=0.0):
    """One sine partial: frequency in Hz, relative amplitude, decay time
    constant in seconds, start offset in seconds; optionally gliding up from
    `glide_from` Hz over `glide_time` seconds."""
    return dict(freq=freq, amp=amp, decay=decay, start=start,
                glide_from=glide_from, glide_time=glide_time)


# name: (length in seconds, peak in dBFS, partials). The first partial of
# each cue is its dominant frequency, distinct for every cue.
CUES = {
    # A dry wooden tick for the last seconds of a countdown.
    "tick": (0.12, -12.0, [
        partial(2000, 1.0, 0.018),
        partial(3100, 0.35, 0.010),
        partial(1250, 0.20, 0.012),
    ]),
    # A mellow wooden tap, like a marimba bar: a hold begins.
    "hold": (0.8, -8.0, [
        partial(660, 1.0, 0.16),
        partial(2640, 0.12, 0.04),
        partial(1320, 0.10, 0.08),
    ]),
    # A low, slow bell: relax.
    "relax": (1.4, -8.0, [
        partial(392, 1.0, 0.45),
        partial(784, 0.22, 0.30),
        partial(1082, 0.10, 0.20),
        partial(1470, 0.05, 0.12),
    ]),
    # Two soft taps, low then high: change sides.
    "switch": (1.0, -8.0, [
        partial(784, 1.0, 0.22, start=0.16),
        partial(523, 0.45, 0.12),
        partial(1568, 0.08, 0.06, start=0.16),
    ]),
    # A clear bell: a step is done.
    "done": (1.3, -8.0, [
        partial(523, 1.0, 0.40),
        partial(1046, 0.25, 0.25),
        partial(1443, 0.12, 0.18),
        partial(784, 0.15, 0.30),
    ]),
    # A water drop: a short rising "plink", twice.
    "hydrate": (0.7, -9.0, [
        partial(1175, 1.0, 0.07, glide_from=700, glide_time=0.03),
        partial(1175, 0.8, 0.08, start=0.28, glide_from=700, glide_time=0.03),
    ]),
    # A low, warm chord that fades slowly: the session is over.
    "finish": (1.5, -8.0, [
        partial(330, 1.0, 0.55),
        partial(494, 0.45, 0.45, start=0.12),
        partial(659, 0.30, 0.40, start=0.24),
        partial(990, 0.06, 0.20),
    ]),
}

ATTACK = 0.006
RELEASE = 0.030


def render(length, peak_db, partials):
    frames = int(round(length * RATE))
    samples = [0.0] * frames
    for p in partials:
        phase = 0.0
        begin = int(round(p["start"] * RATE))
        for i in range(begin, frames):
            t = (i - begin) / RATE
            freq = p["freq"]
            if p["glide_from"] is not None and t < p["glide_time"]:
                freq = p["glide_from"] + (p["freq"] - p["glide_from"]) * t / p["glide_time"]
            phase += 2 * math.pi * freq / RATE
            attack = 0.5 - 0.5 * math.cos(math.pi * min(t / ATTACK, 1.0))
            samples[i] += p["amp"] * attack * math.exp(-t / p["decay"]) * math.sin(phase)
    release = int(RELEASE * RATE)
    for k in range(release):
        samples[frames - 1 - k] *= 0.5 - 0.5 * math.cos(math.pi * k / release)
    top = max(abs(s) for s in samples)
    scale = 10 ** (peak_db / 20) / top
    return [s * scale for s in samples]


def wav_bytes(samples):
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(
            struct.pack("<h", int(round(max(-1.0, min(1.0, s)) * 32767))) for s in samples))
    return out.getvalue()


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, (length, peak, partials) in CUES.items():
        data = wav_bytes(render(length, peak, partials))
        path = os.path.join(HERE, f"{name}.wav")
        if check:
            try:
                with open(path, "rb") as f:
                    if f.read() != data:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        else:
            with open(path, "wb") as f:
                f.write(data)
            print(f"{path}: {length:.2f} s, peak {peak:.0f} dBFS")
    if stale:
        sys.exit("cues differ from the generator: " + ", ".join(stale))


if __name__ == "__main__":
    main()
