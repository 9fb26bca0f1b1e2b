#!/usr/bin/env python3
"""Measures `nocturne stats` over ten years of nightly entries (about 3,700
sessions and 2,000 cramps): the release build, from start to exit.

    python3 tests/bench/journal.py

Target: under 50 ms.
"""

import datetime
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    binary = os.path.join(ROOT, "target", "release", "nocturne")
    if "--no-build" not in sys.argv:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    data = tempfile.mkdtemp(prefix="nocturne-journal-")
    env = dict(os.environ, NOCTURNE_DATA_DIR=data, NOCTURNE_CONFIG_DIR=data, TZ="UTC")
    # The program makes the journal and its schema; the history is added
    # directly, as ten years of use would have.
    subprocess.run([binary, "log", "--at", "2016-01-01T03:00", "--pain", "3"], env=env,
                   check=True, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(data, "journal.sqlite"))
    rng = random.Random(7)
    start = datetime.date(2016, 1, 1)
    sessions = cramps = 0
    for day in range(3653):
        night = start + datetime.timedelta(days=day)
        if True:  # a session every night
            cur = db.execute(
                "INSERT INTO sessions (routine, title, relief, night, started_at, ended_at, outcome, speed)"
                " VALUES ('nightly', 'Nightly', 0, ?, ?, ?, 'completed', 1.0)",
                (night.isoformat(), f"{night}T22:15:00+00:00", f"{night}T22:18:40+00:00"))
            for i, name in enumerate(["Wall calf stretch", "Standing hamstring stretch"]):
                db.execute("INSERT INTO session_steps VALUES (?, ?, ?, 'done')", (cur.lastrowid, i, name))
            sessions += 1
        if rng.random() < 0.55 and cramps < 1999:
            db.execute(
                "INSERT INTO cramps (night, at, leg, muscle, lasted_s, pain, swelling, redness, numbness,"
                " weakness, note, logged_at) VALUES (?, ?, 'left', 'calf', 90, ?, 0, 0, 0, 0, NULL, ?)",
                (night.isoformat(), f"{night + datetime.timedelta(days=1)}T03:10:00+00:00",
                 rng.randint(1, 9), f"{night + datetime.timedelta(days=1)}T07:00:00+00:00"))
            cramps += 1
    db.commit()
    db.close()

    times = []
    for _ in range(20):
        begin = time.perf_counter()
        out = subprocess.run([binary, "stats", "--weeks", "12"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=True)
        times.append((time.perf_counter() - begin) * 1000)
    times.sort()
    print(f"stats over {sessions} sessions and {cramps + 1} cramps: "
          f"median {times[len(times) // 2]:.1f} ms, best {times[0]:.1f} ms, worst {times[-1]:.1f} ms")
    ok = times[len(times) // 2] < 50
    print("target met" if ok else "TARGET MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
