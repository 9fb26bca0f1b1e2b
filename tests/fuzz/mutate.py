#!/usr/bin/env python3
"""A small mutation fuzzer for nocturne's routine and settings loaders and
for `journal import`.

It mutates the bundled routines (routines/*.toml), the broken examples
(tests/routines/broken/*.toml), a few sample settings files and a sample
journal export, runs the built binary on each result (`nocturne check FILE`
for a routine; `nocturne check` with XDG_CONFIG_HOME pointing at a folder
holding the mutated config.toml for the settings; `nocturne journal import
FILE`, into an empty journal or as a dry run, for an export) and keeps the
interesting inputs under
tests/fuzz/corpus/: every one that made nocturne panic, exit with a code
other than 0 or 2, print a line longer than 200 characters, take too long,
or fail to name the file with line and column; the first input found for
each distinct error message; and some inputs that are still accepted.
Settings files that check out are also put to use with `remind list` and
`remind next`.

    cargo build
    python3 tests/fuzz/mutate.py --runs 3000            # add to the corpus
    python3 tests/fuzz/mutate.py --runs 500 --dry-run   # only report
    python3 tests/fuzz/mutate.py --only import          # only journal exports

The corpus is replayed by `cargo test --test fuzz`.
"""

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fuzz" / "corpus"
LONGEST_LINE = 200
SMALL = 8 * 1024

SAMPLE_CONFIGS = [
    'default_routine = "wind-down"\nvolume = 30\nnotifications = "session"\n'
    'snooze = "10m"\nterminal = ["xterm", "-e"]\n\n[[reminders]]\nat = "22:15"\n'
    'days = ["mon-fri", "sun"]\nroutine = "nightly"\nmessage = "Time to stretch"\n'
    'grace = "30m"\n\n[[reminders]]\nevery = "45m"\nfrom = "18:00"\nuntil = "21:30"\n'
    'message = "A glass of water"\n',
    "# my settings\nvolume = 25\n\n[[reminders]]\n# bedtime\nat = \"22:15\"\n"
    "days = \"sat, sun\"\n",
    '[[reminders]]\nevery = "1h"\nfrom = "08:00"\nuntil = "20:00"\ndays = "fri-mon"\n',
    'snooze = 600\nnotifications = "all"\n[[reminders]]\nat = "21:00:30"\ngrace = 900\n',
    'glass = "300ml"\nevening_drinks = 3\ntheme = "night"\nview = "auto"\n',
]

# A journal export as `nocturne journal export --format json` writes it: a
# session with its hydrate step's drink, a cramp, and drinks logged by hand
# and from a reminder.
SAMPLE_EXPORT = """{
  "sessions": [
    {
      "id": 1,
      "routine": "wind-down",
      "title": "Full wind-down",
      "relief": false,
      "night": "2026-11-20",
      "started_at": "2026-11-20T21:40:00+01:00",
      "ended_at": "2026-11-20T21:55:10+01:00",
      "outcome": "completed",
      "speed": 1.0,
      "steps": [
        {
          "name": "A small drink of water",
          "outcome": "done"
        },
        {
          "name": "Heel walk",
          "outcome": "skipped"
        }
      ]
    }
  ],
  "cramps": [
    {
      "id": 1,
      "night": "2026-11-20",
      "at": "2026-11-21T03:10:00+01:00",
      "leg": "left",
      "muscle": "calf",
      "lasted_s": 90,
      "pain": 6,
      "swelling": false,
      "redness": false,
      "numbness": true,
      "weakness": false,
      "note": "woke me",
      "logged_at": "2026-11-21T07:00:00+01:00"
    }
  ],
  "drinks": [
    {
      "id": 1,
      "night": "2026-11-20",
      "at": "2026-11-20T19:00:00+01:00",
      "amount_ml": 250,
      "source": "reminder",
      "session_id": null,
      "step_index": null,
      "logged_at": "2026-11-20T19:00:00+01:00"
    },
    {
      "id": 2,
      "night": "2026-11-20",
      "at": "2026-11-20T21:41:00+01:00",
      "amount_ml": 250,
      "source": "session",
      "session_id": 1,
      "step_index": 0,
      "logged_at": "2026-11-20T21:41:00+01:00"
    }
  ]
}
"""

JSON_VALUES = [
    "null", "true", "0", "-1", "11", "2001", "1e999", "-0", "1.5", "4294967296",
    "9223372036854775808", '""', '"x"', "[]", "{}", '"2026-13-45"',
    '"2026-11-20T25:00:00+01:00"', '"2026-11-20T03:10:00"', '"later"',
    '"left "', '"calves"', '"ended early"', '"\\u0000"', '"\\ud800"',
    '"\\u001b[2J"', '[{"name": 1}]', '{"outcome": "done"}',
]
JSON_KEYS = [
    "id", "night", "at", "started_at", "ended_at", "routine", "title", "relief",
    "outcome", "speed", "steps", "leg", "muscle", "lasted_s", "pain", "note",
    "logged_at", "amount_ml", "source", "session_id", "step_index", "sessions",
    "cramps", "drinks",
]


def mutate_json(text, rng):
    lines = text.split("\n")
    kind = rng.randrange(8)
    valued = [i for i, l in enumerate(lines) if re.match(r'\s*"\w+": ', l)]
    if kind == 0 and valued:  # an odd value for a field
        i = rng.choice(valued)
        key, rest = lines[i].split(": ", 1)
        comma = "," if rest.endswith(",") else ""
        value = rng.choice(JSON_VALUES + ['"' + long_text(rng) + '"'])
        lines[i] = f"{key}: {value}{comma}"
        return "\n".join(lines)
    if kind == 1 and valued:  # a misspelt or unknown field
        i = rng.choice(valued)
        key = re.match(r'\s*"(\w+)"', lines[i]).group(1)
        other = rng.choice(JSON_KEYS + [key + "s", key[:-1], long_text(rng)])
        lines[i] = lines[i].replace(f'"{key}"', f'"{other}"', 1)
        return "\n".join(lines)
    if kind == 2 and valued:  # a field left out
        del lines[rng.choice(valued)]
        return "\n".join(lines)
    if kind == 3:  # nesting deep enough to reach the parser's limits
        depth = rng.choice([40, 200, 1000, 3000])
        at = rng.randrange(len(text) + 1)
        return text[:at] + "[" * depth + "]" * depth + text[at:]
    if kind == 4 and valued:  # a record given twice
        i = rng.choice(valued)
        lines.insert(i, lines[i])
        return "\n".join(lines)
    return mutate(text, rng)


# Pieces that tend to upset parsers and message writers.
JUNK = [
    '"', "'", "[", "]", "[[", "]]", "=", "\n", ",", "-", "0", "-1", "-2",
    "99999999999999999999", "1e308", "1.5", "{", "}", "é", "\u200b", "\u202e",
    "\x1b[2J", "\t", "#", "'''", '"""', "\\", "\\u0000", "[[steps]]",
    "[[reminders]]", "[sounds]", "[steps.sounds]", "inf", "nan", "true",
    "1979-05-27T07:32:00Z", "07:32", "24:00", "7:5", "mon-", "-fri", "\r\n",
    "🦵", "\x00", "\x7f", "\ufeff",
]
KEYS = [
    "name", "description", "source", "lead_in", "volume", "sounds",
    "notifications", "offer_cramp_log", "steps", "kind", "hold", "reps",
    "relax", "sides", "switch", "rest", "instructions", "optional", "tick",
    "finish", "default_routine", "snooze", "terminal", "reminders", "at",
    "every", "from", "until", "days", "routine", "message", "grace",
    "glass", "evening_drinks", "theme", "view",
]
VALUES = [
    '""', '" "', "0", "-1", "101", "300", "3601", "-9223372036854775808",
    "9223372036854775807", "18446744073709551616", "1.5", "true", "[]", "{}",
    '["mon", 3]', '"25:00"', '"7:5"', '"22:15:30:00"', '"mon-fri-sat"',
    '"bothe"', '"strech"', '"10h"', '"1h1s"', '"59m61s"', '"1000000000s"',
    '"30s1m"', '"1.5s"', '"-5s"', '"0s"', '"off"', '"../x.wav"', '"every day"',
    "1979-05-27", '"\\u001b[31m"', "[1, 2]", '["xterm"]', "[[]]",
    '"250ml"', '"0.3l"', '"2 glasses"', '"0ml"', '"9999l"', '".5l"', '"1e3ml"',
]


def long_text(rng):
    n = rng.choice([120, 250, 400, 1200])
    return rng.choice(["x", "é", "ab ", "🦵", "-", "1"]) * n


def mutate(text, rng):
    lines = text.split("\n")
    kind = rng.randrange(11)
    if kind == 10:  # nesting deep enough to reach the parser's limits
        depth = rng.choice([40, 200, 1000, 3000])
        line = rng.choice([
            "x = " + "[" * depth + "]" * depth,
            "x = " + "{a=" * depth + "1" + "}" * depth,
            ".".join(["a"] * depth) + " = 1",
        ])
        lines.insert(rng.randrange(len(lines) + 1), line)
        return "\n".join(lines)
    if kind == 0 and text:  # insert junk at a random place
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(JUNK) + text[at:]
    if kind == 1 and text:  # delete a stretch
        at = rng.randrange(len(text))
        return text[:at] + text[at + rng.randrange(1, 40):]
    if kind == 2:  # a line with a known key and an odd value
        line = f"{rng.choice(KEYS)} = {rng.choice(VALUES)}"
        lines.insert(rng.randrange(len(lines) + 1), line)
        return "\n".join(lines)
    if kind == 3:  # a very long key or value
        long = long_text(rng)
        if rng.random() < 0.5:
            line = f"{long} = 1"
        else:
            line = f'{rng.choice(KEYS)} = "{long}"'
        lines.insert(rng.randrange(len(lines) + 1), line)
        return "\n".join(lines)
    if kind == 4:  # misspell a key
        keyed = [i for i, l in enumerate(lines) if re.match(r"\s*\w+\s*=", l)]
        if keyed:
            i = rng.choice(keyed)
            key = re.match(r"\s*(\w+)", lines[i]).group(1)
            at = rng.randrange(len(key) + 1)
            typo = key[:at] + rng.choice("aeioux_") + key[at:]
            lines[i] = lines[i].replace(key, typo, 1)
        return "\n".join(lines)
    if kind == 5:  # replace a value
        keyed = [i for i, l in enumerate(lines) if "=" in l]
        if keyed:
            i = rng.choice(keyed)
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {rng.choice(VALUES + [chr(34) + long_text(rng) + chr(34)])}"
        return "\n".join(lines)
    if kind == 6 and len(lines) > 1:  # move a line elsewhere
        line = lines.pop(rng.randrange(len(lines)))
        lines.insert(rng.randrange(len(lines) + 1), line)
        return "\n".join(lines)
    if kind == 7 and len(lines) > 1:  # repeat a line
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "\n".join(lines)
    if kind == 8 and text:  # cut the file short
        return text[: rng.randrange(len(text))]
    # flip a byte-sized character
    if text:
        at = rng.randrange(len(text))
        return text[:at] + chr(rng.randrange(0, 256)) + text[at + 1:]
    return text


def run(binary, what, data, scratch, timeout):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch),
        "XDG_CONFIG_HOME": str(scratch / "xdg"),
        "XDG_DATA_HOME": str(scratch / "data"),
        "XDG_RUNTIME_DIR": str(scratch),
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={scratch}/no-bus",
        "NO_COLOR": "1",
        "RUST_BACKTRACE": "0",
    }
    if what == "routine":
        path = scratch / "routine.toml"
        path.write_bytes(data)
        args = [binary, "check", str(path)]
    elif what == "import":
        # Into an empty journal, or a dry run beside one.
        journal = scratch / "data" / "nocturne" / "journal.sqlite"
        for leftover in journal.parent.glob("journal.sqlite*"):
            leftover.unlink()
        path = scratch / "export.json"
        path.write_bytes(data)
        dry = ["--dry-run"] if hashlib.sha1(data).digest()[0] % 2 else []
        args = [binary, "journal", "import", *dry, str(path)]
    else:
        folder = scratch / "xdg" / "nocturne"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "config.toml"
        path.write_bytes(data)
        args = [binary, "check"]
    try:
        out = subprocess.run(args, env=env, capture_output=True, timeout=timeout)
        stderr = out.stderr.decode("utf-8", "replace")
        fault = verdict(out.returncode, stderr, str(path))
        # Settings that check out are also put to use: the reminders they
        # hold are listed and their next times worked out.
        if what == "config" and out.returncode == 0 and fault is None:
            for more in (["remind", "list"], ["remind", "next", "--count", "5"]):
                used = subprocess.run([binary, *more], env=env, capture_output=True,
                                      timeout=timeout)
                said = used.stderr.decode("utf-8", "replace")
                if used.returncode != 0 or "panicked" in said:
                    return f"{' '.join(more)} failed", used.returncode, said
    except subprocess.TimeoutExpired:
        return "timeout", None, ""
    return fault, out.returncode, stderr


def verdict(code, stderr, path):
    """What is wrong with a run, or None when it behaved."""
    if "panicked" in stderr or code == 101:
        return "panic"
    if code not in (0, 2):
        return f"exit {code}"
    if any(len(line) > LONGEST_LINE for line in stderr.split("\n")):
        return "long line"
    if code == 2 and not re.search(re.escape(path) + r":\d+:\d+", stderr):
        return "no line and column"
    return None


def signature(stderr):
    """The kind of error: its first line with quoted values left out."""
    first = stderr.split("\n", 1)[0]
    first = re.sub(r"`[^`]*`", "`…`", first)
    first = re.sub(r'"[^"]*"', '"…"', first)
    return re.sub(r"\d+", "N", first)[:120]


def seeds():
    found = []
    for path in sorted((REPO / "routines").glob("*.toml")):
        found.append(("routine", path.read_bytes()))
    for path in sorted((REPO / "tests" / "routines" / "broken").glob("*.toml")):
        if path.stat().st_size <= SMALL:
            found.append(("routine", path.read_bytes()))
    for text in SAMPLE_CONFIGS:
        found.append(("config", text.encode()))
    found.append(("import", SAMPLE_EXPORT.encode()))
    return found


def known_signatures():
    return set()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--binary", default=str(REPO / "target" / "debug" / "nocturne"))
    parser.add_argument("--out", default=str(CORPUS))
    parser.add_argument("--most", type=int, default=300, help="most new files to keep")
    parser.add_argument("--accepted", type=int, default=40,
                        help="most accepted inputs of each kind to keep")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--dry-run", action="store_true", help="keep nothing")
    parser.add_argument("--only", choices=["routine", "config", "import"],
                        help="mutate only inputs of this kind")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    pool = [seed for seed in seeds() if args.only in (None, seed[0])]
    out = Path(args.out)
    seen = set()
    kept = 0
    faults = {}
    accepted = {"routine": 0, "config": 0, "import": 0}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for i in range(args.runs):
            what, data = rng.choice(pool)
            text = data.decode("utf-8", "replace")
            change = mutate_json if what == "import" else mutate
            for _ in range(1 + rng.randrange(3)):
                text = change(text, rng)
            data = text.encode("utf-8", "surrogatepass")
            if rng.random() < 0.02:  # now and then, bytes that are not UTF-8
                data = data[: len(data) // 2] + b"\xff\xfe" + data[len(data) // 2:]
            fault, code, stderr = run(args.binary, what, data, scratch, args.timeout)
            if fault:
                faults[fault] = faults.get(fault, 0) + 1
                key = (what, fault, signature(stderr))
            else:
                key = (what, code, signature(stderr))
            # Mangled files that nocturne still accepts are kept too, some
            # of each kind: the schema test checks that the JSON Schemas
            # accept them as well.
            if code == 0 and fault is None and accepted[what] < args.accepted:
                key = (what, 0, hashlib.sha1(data).hexdigest())
                accepted[what] += 1
            interesting = fault is not None or key not in seen
            if not interesting or len(data) > SMALL:
                continue
            seen.add(key)
            # Mutants that behave well stay in the pool to be mutated more.
            if fault is None and code == 2:
                pool.append((what, data))
            if args.dry_run or kept >= args.most:
                if fault:
                    print(f"{fault}: {what} {stderr.splitlines()[:1]}", file=sys.stderr)
                continue
            name = hashlib.sha1(data).hexdigest()[:12]
            suffix = "json" if what == "import" else "toml"
            target = out / what / f"{name}.{suffix}"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                kept += 1
            if fault:
                print(f"{fault}: {target}", file=sys.stderr)
    print(f"{args.runs} runs, {kept} files kept, faults: {faults or 'none'}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
