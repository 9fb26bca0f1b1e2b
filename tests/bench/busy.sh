#!/bin/sh
# Runs a command again and again while two busy loops keep both cores of a
# small machine fully loaded, to show that tests pass on a busy machine too.
#
#     tests/bench/busy.sh SECONDS RUNS COMMAND [ARGS...]
#
# The busy loops stop after SECONDS, or when the runs are over. The command
# runs at most RUNS times; the first failure ends the script. The last line
# says how many runs passed, as "N of M runs passed"; the exit status is 0
# only if all of them did. For example, with the test binaries built first:
#
#     cargo test --locked --no-run --test sound --test terminal
#     tests/bench/busy.sh 1800 10 cargo test --locked --test sound --test terminal

if [ $# -lt 3 ]; then
    echo "usage: $0 SECONDS RUNS COMMAND [ARGS...]" >&2
    exit 2
fi
seconds=$1
runs=$2
shift 2

# Each busy loop is a subshell of this script, so its own pid stops it.
loops=""
for _ in 1 2; do
    (while :; do :; done) &
    loops="$loops $!"
done
# And a timer that stops them after SECONDS.
(
    trap 'kill $nap 2>/dev/null; exit 0' TERM
    sleep "$seconds" &
    nap=$!
    wait $nap
    kill $loops 2>/dev/null
) &
timer=$!
stop_loops() {
    kill $loops $timer 2>/dev/null
    loops=""
    timer=""
}
trap stop_loops EXIT
trap 'stop_loops; exit 130' INT TERM

passed=0
while [ "$passed" -lt "$runs" ]; do
    if ! "$@"; then
        echo "run $((passed + 1)) failed" >&2
        break
    fi
    passed=$((passed + 1))
    echo "busy.sh: $passed of $runs runs passed so far" >&2
done
stop_loops
echo "$passed of $runs runs passed"
[ "$passed" -eq "$runs" ]
