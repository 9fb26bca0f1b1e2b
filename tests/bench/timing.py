#!/usr/bin/env python3
"""Measures a real session of the release build: how close each segment
starts to its plan, how much CPU the session uses, and its peak memory.

The session draws its bars on a pseudo-terminal, as it would for a user, and
writes its events to a pipe; this script stamps each event as it arrives and
compares it with the plan (start of the session + offset / speed). Sound is
on: ALSA's default device is a pipe to pace.py, which plays the part of a
sound card and notes when each cue begins to sound.

    python3 tests/bench/timing.py                       # wind-down at --speed 10
    python3 tests/bench/timing.py --routine nightly --speed 1
    python3 tests/bench/timing.py --mute                # without sound

The session notes (NOCTURNE_SOUND_TRACE) how long each cue waited for the
device to take its first sample, and the device's own delay after that (as
the device reports it, and never less than the two periods the stream
buffers); their sum is when the cue sounds.

Targets: every segment within 2 ms of plan; every cue sounding within 30 ms
of its moment; at most 0.5% of one core; under 15 MB peak memory.
"""

import argparse
import json
import os
import pty
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def drain(fd):
    """Reads the terminal side so the session never blocks on its display."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def peak_memory_kib(pid):
    """The process's high-water mark of resident memory. (The rusage of a
    child counts the memory of this Python process it was forked from, so
    it is read from /proc instead.)"""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def own_cpu_seconds(pid):
    """CPU time of the process itself, not of children it has reaped (with
    sound on, ALSA starts the stand-in device, pace.py, as its child; the
    rusage of a child would count that too)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def watch(pid, peak, cpu):
    """Samples memory and CPU until the process is gone."""
    while True:
        value = peak_memory_kib(pid)
        seconds = own_cpu_seconds(pid)
        if not value or seconds is None:
            return
        peak[0] = max(peak[0], value)
        cpu[0] = max(cpu[0], seconds)
        time.sleep(0.1)


def makes_a_sound(event):
    """Whether an event has a cue: every segment but the lead-in, each
    countdown second, and the end of a completed session."""
    kind = event["event"]
    return ((kind == "segment_started" and event["phase"] != "lead_in")
            or kind == "countdown"
            or (kind == "session_finished" and event["completed"]))


def cue_latency(arrivals, trace_file):
    """Reads the session's sound trace: for each cue, how long it waited for
    the device to take its first sample, and the device's own delay from
    there to playback."""
    try:
        with open(trace_file) as f:
            lines = [dict(kv.split("=") for kv in line.split()) for line in f if line.strip()]
    except FileNotFoundError:
        lines = []
    expected = sum(1 for _, event in arrivals if makes_a_sound(event))
    if not lines:
        print("cues: none reached the device (is the sound device reachable?)")
        return False
    waited = [float(l["waited_ms"]) for l in lines]
    delay = float(lines[-1]["device_delay_ms"])
    worst = max(waited) + delay
    print(f"cue start after its moment: worst {worst:.1f} ms, mean {sum(waited) / len(waited) + delay:.1f} ms "
          f"(waiting for the device: worst {max(waited):.1f} ms; device delay {delay:.1f} ms; "
          f"{len(lines)} of {expected} cues)")
    return worst <= 30.0 and len(lines) == expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routine", default="wind-down")
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "nocturne"))
    parser.add_argument("--no-build", action="store_true", help="use the binary as it is")
    parser.add_argument("--mute", action="store_true", help="run without sound")
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)

    scratch = tempfile.mkdtemp(prefix="nocturne-bench-")
    env = dict(os.environ, NOCTURNE_CONFIG_DIR=scratch, NOCTURNE_DATA_DIR=scratch, TERM="xterm-256color")
    # Mark the first run as done so the disclaimer does not count.
    open(os.path.join(scratch, "first-run-done"), "w").close()
    onsets_file = os.path.join(scratch, "onsets")
    trace_file = os.path.join(scratch, "sound-trace")
    env["NOCTURNE_SOUND_TRACE"] = trace_file
    fifo = os.path.join(scratch, "device.fifo")
    os.mkfifo(fifo)
    pacer = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests", "bench", "pace.py"), fifo, onsets_file])
    with open(os.path.join(scratch, ".asoundrc"), "w") as conf:
        conf.write(f"""
pcm.!default {{
    type plug
    slave {{ pcm "paced" format S32_LE rate 48000 channels 2 }}
}}
pcm.paced {{
    type file
    slave.pcm "null"
    file "{fifo}"
    format "raw"
}}
""")
    env["HOME"] = scratch

    master, slave = pty.openpty()
    os.set_blocking(master, True)
    child = subprocess.Popen(
        [args.binary, "run", args.routine, "--speed", str(args.speed), "--events", "-"]
        + (["--mute"] if args.mute else []),
        stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env,
    )
    os.close(slave)
    threading.Thread(target=drain, args=(master,), daemon=True).start()
    peak = [0]
    cpu = [0.0]
    threading.Thread(target=watch, args=(child.pid, peak, cpu), daemon=True).start()

    arrivals = []
    for line in child.stdout:
        arrivals.append((time.monotonic_ns(), json.loads(line)))
        if arrivals[-1][1]["event"] == "session_finished":
            peak[0] = max(peak[0], peak_memory_kib(child.pid))
            cpu[0] = max(cpu[0], own_cpu_seconds(child.pid) or 0.0)
    child.wait()
    pacer.kill()

    starts = [(t, e) for t, e in arrivals if e["event"] == "segment_started"]
    finished = [(t, e) for t, e in arrivals if e["event"] == "session_finished"]
    if not starts or not finished or not finished[0][1]["completed"]:
        sys.exit("the session did not run to its end")

    origin = starts[0][0]
    errors_ms = []
    reported_ms = []
    for arrived, event in starts:
        planned = origin + event["offset_ms"] / args.speed * 1e6
        errors_ms.append((arrived - planned) / 1e6)
        reported_ms.append((event["elapsed_ms"] - event["offset_ms"]) / args.speed)
    end_error = (finished[0][0] - (origin + arrivals[0][1]["total_ms"] / args.speed * 1e6)) / 1e6

    wall_s = (finished[0][0] - origin) / 1e9
    cpu_s = cpu[0]
    worst = max(errors_ms + [end_error], key=abs)
    mean = sum(abs(e) for e in errors_ms) / len(errors_ms)

    print(f"routine {args.routine} at --speed {args.speed:g}: {len(starts)} segments in {wall_s:.1f} s")
    print(f"segment start error (observed on the pipe): worst {worst:+.3f} ms, mean |error| {mean:.3f} ms")
    print(f"segment start error (reported by the session): worst {max(reported_ms, key=abs):+.3f} ms")
    print(f"end of session vs plan: {end_error:+.3f} ms")
    print(f"CPU: {cpu_s * 1000:.1f} ms in all, {cpu_s / wall_s * 60 * 1000:.1f} ms per minute, "
          f"{cpu_s / wall_s * 100:.3f}% of one core")
    print(f"peak memory (VmHWM): {peak[0] / 1024:.1f} MiB")

    ok = abs(worst) <= 2.0 and cpu_s / wall_s <= 0.005 and 0 < peak[0] < 15 * 1024
    if not args.mute:
        ok = cue_latency(arrivals, trace_file) and ok
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
