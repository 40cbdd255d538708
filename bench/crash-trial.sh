#!/usr/bin/env bash
# Crash trial: SIGKILL at random moments while two processes compete for one state, then during a fill from copies.
# Prints every kill and the figures; exits 1 when anything was lost, left behind or delivered twice.
#
#   bench/crash-trial.sh [--apps N] [--rounds N] [--seed N] [--heap SIZE]
#
# A simulator in its own process (--apps apps, default 1). All processes are the packaged application in one-shot or
# service mode, configured by environment variables as docs/configuration.md shows, each in a working directory of
# its own, all on one state folder and one local folder. A kill comes at a random moment of a sync: one time in four
# within its first 8 s (start, state lock, listing), else when the folder being filled holds a random number of the
# segments it still lacks; it hits one of the processes still alive, drawn at random (the one holding the state, or
# one waiting for it).
#
# Phase 1, --rounds rounds (default 8), each on a new day of the simulator's clock (new instances to sync): two
# processes started together (a one-shot run and, in turn, a second one-shot run or a service), one killed; a service
# left alive (it waits for the holder, then takes over) is killed in its turn. Then one last one-shot run alone, which
# must exit 0. Checked: the local folder holds each segment of the simulator's catalogue once (the MD5s of its segment
# files are exactly the catalogue's checksums), no temporary file is left, every file is a whole gzip, and the
# delivery ledger has no line twice.
#
# Phase 2, --rounds rounds, each adding a folder destination (archive<round>) by a route file, as the README shows:
# two one-shot runs started together, one killed while the new destination is filled from the local folder's copies;
# then one last run alone. Checked: every archive holds the local folder's files, byte for byte, the ledger has no
# line twice, and App Store Connect served no download in phase 2.
#
# Printed: the seed, each kill (round, process, held or waiting, moment), then per phase the downloads started and
# completed and the segments completed more than once (a kill after a download and before its delivery was confirmed
# fetches that segment again: a re-delivery, never a loss), and the checks. Reproduce a trial with its --seed.
set -euo pipefail
cd "$(dirname "$0")/.."

apps=1
rounds=8
seed=$RANDOM
heap=256m
while [ $# -gt 0 ]; do
  case "$1" in
    --apps) apps=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    *) echo "unknown option $1; see the comment at the top of $0" >&2; exit 2 ;;
  esac
done
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "build the application first: mvn -B package -DskipTests" >&2; exit 2; }
command -v jq > /dev/null || { echo "the crash trial needs jq (apt-get install jq)" >&2; exit 2; }
RANDOM=$seed

work=$(mktemp -d)
sim_pid=""
pids=()
# start_simulator: the one place that starts the simulator (bench/simulator.sh)
source bench/simulator.sh
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_simulator -Dasc.simulator.data.apps="$apps" -Dasc.simulator.data.today=2026-03-06 -Xmx512m
jar=$PWD/target/quarkus-app/quarkus-run.jar
mkdir -p "$work/routes"
echo "crash trial: seed $seed, $apps app(s), $rounds round(s) a phase; simulator at $sim_api"

# One process of the application, as a user configures it (environment variables), in its own working directory.
# Arguments: name, mode, extra VAR=value pairs. Sets $pid.
n=0
start() {
  local name=$1 mode=$2
  shift 2
  n=$((n + 1))
  local dir="$work/run-$n-$name"
  mkdir -p "$dir"
  (cd "$dir" && exec env QUARKUS_PROFILE=dev ASC_SIMULATOR_ENABLED=false ASC_API_BASE_URL="$sim_api" \
    ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL="$sim_storage" ASC_SYNC_MODE="$mode" ASC_SYNC_INTERVAL=1h \
    ASC_STATE_DIR="$work/state" ASC_LOCAL_PATH="$work/reports" ASC_ROUTES_DIR="$work/routes" QUARKUS_HTTP_PORT=0 "$@" \
    java -Xmx"$heap" -jar "$jar" > "$dir/log" 2>&1) &
  pid=$!
  pids+=("$pid")
  names[$pid]="$name ($mode)"
  logs[$pid]="$dir/log"
}
declare -A names logs

# A random moment in milliseconds within [from, to).
moment() { echo $(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1) )); }

alive() { kill -0 "$1" 2>/dev/null; }

# Waits ms milliseconds, or less when the given processes have all ended.
pause() {
  local ms=$1 waited=0
  shift
  while [ "$waited" -lt "$ms" ]; do
    local any=""
    for p in "$@"; do alive "$p" && any=1; done
    [ -n "$any" ] || return 0
    sleep 0.05
    waited=$((waited + 50))
  done
}

segment_files() { { find "$1" -name '*.tsv.gz' -type f 2>/dev/null || true; } | wc -l; }
catalogue_segments() { curl -sf "$sim_api/simulator/catalogue" | jq '.segments | length'; }

# A random moment of a sync filling folder dir: one time in four within its first 8 s (start, lock, listing), else
# when dir holds a random number of the segments it still lacks. Then one of the given processes still alive, drawn
# at random, is killed with SIGKILL. Says which (its name, and whether it held the state or waited for it), and when;
# or that all had ended before.
kill_one() {
  local dir=$1
  shift
  local when
  if [ $((RANDOM % 4)) -eq 0 ]; then
    local ms
    ms=$(moment 1000 8000)
    pause "$ms" "$@"
    when="at $ms ms"
  else
    local have total target
    have=$(segment_files "$dir")
    total=$(catalogue_segments)
    [ "$total" -gt "$have" ] || { echo "nothing left to fill in $dir"; return; }
    target=$((have + 1 + RANDOM % (total - have)))
    while [ "$(segment_files "$dir")" -lt "$target" ]; do
      local any=""
      for p in "$@"; do alive "$p" && any=1; done
      [ -n "$any" ] || break
      sleep 0.1
    done
    when="at $(segment_files "$dir") of $total segments in $(basename "$dir") (target $target, $have before)"
  fi
  local living=()
  for p in "$@"; do alive "$p" && living+=("$p"); done
  if [ ${#living[@]} -eq 0 ]; then echo "all had ended before the moment drawn ($when)"; return; fi
  local victim=${living[$((RANDOM % ${#living[@]}))]}
  local role=holding
  grep -q "is held by another process" "${logs[$victim]}" && role=waiting
  kill -9 "$victim" 2>/dev/null || true
  wait "$victim" 2>/dev/null || true
  echo "killed ${names[$victim]}, $role, $when"
}

last_run() {
  start last one-shot "$@"
  if wait "$pid"; then :; else
    local code=$?
    echo "FAIL: the last run alone exited $code:" >&2; tail -20 "${logs[$pid]}" >&2; exit 1
  fi
}

# Per phase: downloads started and completed, segments completed more than once.
downloads() {
  curl -sf "$sim_api/simulator/downloads" | jq -r '"downloads started \([.downloads[].started] | add // 0), completed \([.downloads[].completed] | add // 0), segments completed more than once \([.downloads[] | select(.completed > 1)] | length)"'
}

failed=0
check() { if eval "$2"; then echo "  ok: $1"; else echo "  FAIL: $1"; failed=1; fi; }

segment_md5s() { find "$1" -name '*.tsv.gz' -type f -print0 | xargs -0 -r md5sum | awk '{print $1}' | sort; }
leftovers() { find "$1" -type f ! -name '*.tsv.gz' ! -name '_manifest.json'; }

ledger_unique() {
  local f="$work/state/delivery-ledger.txt"
  [ "$(sort "$f" | uniq -d | wc -l)" -eq 0 ]
}

# Phase 1: two processes on one state, one killed at a random moment.
echo "phase 1: two processes on one state"
for r in $(seq "$rounds"); do
  # each round a new day of App Store Connect's (simulated) clock: new instances to sync while the kill comes
  [ "$r" -eq 1 ] || curl -sf -X POST "$sim_api/simulator/clock/advance?hours=24" > /dev/null
  if [ $((r % 2)) -eq 1 ]; then second=one-shot; else second=service; fi
  start a one-shot; a=$pid
  start b "$second"; b=$pid
  echo -n "  round $r, one-shot + $second, day $((r + 1)): "
  kill_one "$work/reports" "$a" "$b"
  if alive "$b" && [ "$second" = service ]; then
    # a service goes on (it waits for the holder, then syncs): killed in its turn
    echo -n "    then: "
    kill_one "$work/reports" "$b"
  fi
  [ "$second" = service ] && kill -9 "$b" 2>/dev/null || true
  for p in "$a" "$b"; do wait "$p" 2>/dev/null || true; done
done
last_run
curl -sf "$sim_api/simulator/catalogue" | jq -r '.segments[].checksum' | sort > "$work/catalogue-md5"
segments=$(wc -l < "$work/catalogue-md5")
echo "  $segments segments in the catalogue; $(downloads)"
check "each catalogue segment once in the local folder" '[ "$(segment_md5s "$work/reports")" = "$(cat "$work/catalogue-md5")" ]'
check "no temporary file left" '[ -z "$(leftovers "$work/reports")" ]'
check "every segment file a whole gzip" 'find "$work/reports" -name "*.tsv.gz" -print0 | xargs -0 -r gzip -t'
check "no ledger line twice" ledger_unique

# Phase 2: a destination added each round, filled from the local folder's copies; two runs, one killed at random.
echo "phase 2: a folder destination added each round, filled from the local folder's copies"
curl -sf -X DELETE "$sim_api/simulator/calls" > /dev/null
archives=()
for r in $(seq "$rounds"); do
  # each round adds a folder destination, as the README shows (a route file and its path): the ones before it may
  # still lack what a kill left them
  cat > "$work/routes/archive$r.yaml" <<YAML
- templatedRoute:
    routeTemplateRef: destination
    routeId: deliver-archive$r
    parameters:
      - name: name
        value: archive$r
      - name: sink
        value: "kamelet:asc-folder-sink/archive$r?path={{asc.destinations.archive$r.path}}"
YAML
  archives+=("ASC_DESTINATIONS_ARCHIVE${r}_PATH=$work/archive$r")
  start a one-shot "${archives[@]}"; a=$pid
  start b one-shot "${archives[@]}"; b=$pid
  echo -n "  round $r, destination archive$r added: "
  kill_one "$work/archive$r" "$a" "$b"
  for p in "$a" "$b"; do wait "$p" 2>/dev/null || true; done
done
last_run "${archives[@]}"
echo "  $(downloads)"
check "no download from App Store Connect" '[ "$(curl -sf "$sim_api/simulator/downloads" | jq "[.downloads[].started] | add // 0")" = 0 ]'
tree() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 md5sum); }
for r in $(seq "$rounds"); do
  check "archive$r holds what the local folder holds, byte for byte" '[ "$(tree "$work/reports")" = "$(tree "$work/archive$r")" ]'
done
check "no ledger line twice" ledger_unique
if [ "$failed" -ne 0 ]; then echo "crash trial FAILED (seed $seed)"; exit 1; fi
echo "crash trial passed (seed $seed)"
