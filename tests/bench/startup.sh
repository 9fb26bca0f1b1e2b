#!/usr/bin/env bash
# Size and start-up time of a nocturne binary: the release build unless a
# path is given.
#
#     tests/bench/startup.sh                       # target/release/nocturne
#     tests/bench/startup.sh path/to/nocturne [RUNS]
#
# Start-up is timed for `nocturne --version` and `nocturne list`, with the
# settings, data and cache directories in an empty temporary directory (so
# `list` shows the bundled routines only). With hyperfine installed it does
# the timing, otherwise a Python loop: RUNS runs after 20 warm-up runs, and
# the median, best and worst of them. RUNS is 200 unless given.
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=${1:-target/release/nocturne}
runs=${2:-200}
[ -x "$binary" ] || { echo "no binary at $binary (cargo build --release --locked)" >&2; exit 2; }

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export NOCTURNE_CONFIG_DIR="$home/config" NOCTURNE_DATA_DIR="$home/data" NOCTURNE_CACHE_DIR="$home/cache"

bytes=$(stat -c %s "$binary")
echo "size: $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.2f MiB", b / 1048576 }'))"

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --shell=none --warmup 20 --runs "$runs" --style none \
        --export-json "$home/times.json" "$binary --version" "$binary list" >/dev/null
    python3 - "$home/times.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    ms = [t * 1000 for t in r["times"]]
    args = r["command"].split(" ", 1)[1]
    print(f"nocturne {args}: median {r['median'] * 1000:.2f} ms, "
          f"best {min(ms):.2f} ms, worst {max(ms):.2f} ms ({len(ms)} runs, hyperfine)")
PY
else
    python3 - "$binary" "$runs" <<'PY'
import statistics, subprocess, sys, time
binary, runs = sys.argv[1], int(sys.argv[2])
for args in (["--version"], ["list"]):
    times = []
    for i in range(runs + 20):
        start = time.perf_counter()
        subprocess.run([binary, *args], stdout=subprocess.DEVNULL, check=True)
        if i >= 20:
            times.append((time.perf_counter() - start) * 1000)
    print(f"nocturne {' '.join(args)}: median {statistics.median(times):.2f} ms, "
          f"best {min(times):.2f} ms, worst {max(times):.2f} ms ({runs} runs)")
PY
fi
