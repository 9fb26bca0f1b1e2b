#!/usr/bin/env python3
"""Measures a real session of the release build: how close each segment
starts to its plan, how much CPU the session uses, and its peak memory.

The session draws its bars on a pseudo-terminal, as it would for a user, and
writes its events to a pipe; this script stamps each event as it arrives and
compares it with the plan (start of the session + offset / speed).

    python3 tests/bench/timing.py                       # wind-down at --speed 10
    python3 tests/bench/timing.py --routine nightly --speed 1

Targets: every segment within 2 ms of plan; at most 0.5% of one core; under
15 MB peak memory.
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


def watch_memory(pid, peak):
    while True:
        value = peak_memory_kib(pid)
        if not value:
            return
        peak[0] = max(peak[0], value)
        time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routine", default="wind-down")
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "nocturne"))
    parser.add_argument("--no-build", action="store_true", help="use the binary as it is")
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)

    scratch = tempfile.mkdtemp(prefix="nocturne-bench-")
    env = dict(os.environ, NOCTURNE_CONFIG_DIR=scratch, NOCTURNE_DATA_DIR=scratch, TERM="xterm-256color")
    # Mark the first run as done so the disclaimer does not count.
    open(os.path.join(scratch, "first-run-done"), "w").close()

    master, slave = pty.openpty()
    os.set_blocking(master, True)
    child = subprocess.Popen(
        [args.binary, "run", args.routine, "--speed", str(args.speed), "--events", "-"],
        stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env,
    )
    os.close(slave)
    threading.Thread(target=drain, args=(master,), daemon=True).start()
    peak = [0]
    threading.Thread(target=watch_memory, args=(child.pid, peak), daemon=True).start()

    arrivals = []
    for line in child.stdout:
        arrivals.append((time.monotonic_ns(), json.loads(line)))
        if arrivals[-1][1]["event"] == "session_finished":
            peak[0] = max(peak[0], peak_memory_kib(child.pid))
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = status

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
    cpu_s = usage.ru_utime + usage.ru_stime
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
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
