#!/usr/bin/env python3
"""Measures the reminder service of the release build: how late a reminder
fires against its due time, and what the service costs while it waits (its
wake-ups per minute, CPU and peak memory over an idle interval).

A private session bus and the tests' stand-in notification service receive
the reminder, as a desktop would.

    python3 tests/bench/reminders.py                 # 120 s of idle
    python3 tests/bench/reminders.py --idle 600

Targets: at most a couple of wake-ups a minute while idle, near-zero CPU, a
few MB of memory.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path={socket}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
"""


def counters(pid):
    """Context switches (each a wake-up) of all the process's threads, and
    its CPU seconds."""
    switches = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/status") as status:
            for line in status:
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    switches += int(line.split()[1])
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return switches, cpu


def peak_memory_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=float, default=120.0, help="seconds of idle to measure")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "nocturne"))
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)

    scratch = tempfile.mkdtemp(prefix="nocturne-reminders-")
    with open(os.path.join(scratch, "bus.conf"), "w") as f:
        f.write(BUS_CONFIG.format(socket=os.path.join(scratch, "bus")))
    bus = subprocess.Popen(
        ["dbus-daemon", f"--config-file={scratch}/bus.conf", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = bus.stdout.readline().strip()
    record = os.path.join(scratch, "notes.jsonl")
    server = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(ROOT, "tests", "support", "notification_server.py"),
         address, record, "normal"],
        stdout=subprocess.PIPE, text=True)
    server.stdout.readline()

    due = int(time.time()) + 10
    of_day = due % 86400
    at = f"{of_day // 3600:02}:{of_day // 60 % 60:02}:{of_day % 60:02}"
    config = os.path.join(scratch, "config")
    os.makedirs(config)
    with open(os.path.join(config, "config.toml"), "w") as f:
        f.write(f'[[reminders]]\nat = "{at}"\nmessage = "Bench"\n')
    env = dict(os.environ, NOCTURNE_CONFIG_DIR=config, NOCTURNE_DATA_DIR=scratch,
               XDG_RUNTIME_DIR=scratch, DBUS_SESSION_BUS_ADDRESS=address, TZ="UTC")
    service = subprocess.Popen([args.binary, "remind", "daemon"], env=env,
                               stderr=subprocess.DEVNULL)
    try:
        received = None
        limit = time.time() + 30
        while received is None and time.time() < limit:
            time.sleep(0.05)
            try:
                with open(record) as f:
                    notes = [json.loads(line) for line in f if line.strip()]
                received = next((n["received"] for n in notes if n["summary"] == "Bench"), None)
            except FileNotFoundError:
                pass
        if received is None:
            sys.exit("the reminder never arrived")
        print(f"reminder arrived {(received - due) * 1000:+.1f} ms after its due time")

        time.sleep(2)  # let the firing settle
        switches0, cpu0 = counters(service.pid)
        start = time.time()
        time.sleep(args.idle)
        switches1, cpu1 = counters(service.pid)
        minutes = (time.time() - start) / 60
        wakeups = (switches1 - switches0) / minutes
        cpu_share = (cpu1 - cpu0) / (minutes * 60) * 100
        memory = peak_memory_mib(service.pid)
        print(f"idle for {minutes * 60:.0f} s: {wakeups:.1f} wake-ups a minute, "
              f"CPU {(cpu1 - cpu0) * 1000:.0f} ms ({cpu_share:.3f}% of one core), "
              f"peak memory {memory:.1f} MiB")
        ok = wakeups <= 3 and cpu_share < 0.05 and memory < 15 and abs(received - due) < 1
        print("targets met" if ok else "TARGETS MISSED")
        sys.exit(0 if ok else 1)
    finally:
        service.kill()
        server.kill()
        bus.kill()


if __name__ == "__main__":
    main()
