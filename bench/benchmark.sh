#!/usr/bin/env bash
# One-shot sync against the built-in simulator (dev profile: simulator and sync in one process, the sync pointed at it
# by asc.api.base-url) with a dataset of a given size and API latency; prints wall time, segments, bytes, API calls
# and peak memory (resident set of the process, sampled every 100 ms).
#
#   bench/benchmark.sh [--apps N] [--age-days N] [--rows N] [--latency-ms N] [--categories LIST] [--heap SIZE] [--parallel N]
#
# Defaults: 2 apps, requests 4 days old (the default dataset), 40 rows per segment, no latency, all categories, 512m heap,
# reports walked 4 at a time (asc.sync.parallel-reports).
set -euo pipefail
cd "$(dirname "$0")/.."

apps=2 age=4 rows=40 latency=0 categories="" heap=512m parallel=4
while [ $# -gt 0 ]; do
  case "$1" in
    --apps) apps=$2; shift 2 ;;
    --age-days) age=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --latency-ms) latency=$2; shift 2 ;;
    --categories) categories=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two free loopback ports for the simulator, asked of the OS (bind port 0, read it, let go) right before the start.
# Not port 0 itself: the sync finds the simulator through configuration only, and the dev profile builds
# asc.api.base-url and asc.sync.download.simulator-storage-url from these two settings.
cat > "$work/FreePorts.java" <<'JAVA'
public class FreePorts {
    public static void main(String[] args) throws Exception {
        java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
        try (var api = new java.net.ServerSocket(0, 1, loopback); var storage = new java.net.ServerSocket(0, 1, loopback)) {
            System.out.println(api.getLocalPort() + " " + storage.getLocalPort());
        }
    }
}
JAVA
read -r api_port storage_port < <(java "$work/FreePorts.java")

args=(-Xmx"$heap" -Dquarkus.profile=dev -Dquarkus.http.port=0 -Dasc.sync.mode=one-shot
  -Dasc.simulator.api-port="$api_port" -Dasc.simulator.storage-port="$storage_port"
  -Dasc.simulator.data.apps="$apps" -Dasc.simulator.data.seed-ongoing-age-days="$age"
  -Dasc.simulator.data.rows-per-segment="$rows" -Dasc.simulator.faults.latency-fixed-ms="$latency"
  -Dasc.state.dir="$work/state" -Dasc.destinations.local.path="$work/reports" -Dasc.sync.parallel-reports="$parallel"
  -Dcamel.main.routes-include-pattern=file:"$PWD"/routes/*.yaml)
[ -n "$categories" ] && args+=(-Dasc.sync.categories="$categories")

start=$(date +%s.%N)
java "${args[@]}" -jar target/quarkus-app/quarkus-run.jar > "$work/log" 2>&1 &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  sleep 0.1
done
wait "$pid" && code=0 || code=$?
end=$(date +%s.%N)

summary=$(grep "Sync finished" "$work/log" | tail -1 | sed 's/.*Sync finished/Sync finished/')
segments=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) new segment(s).*/\1/p')
calls=$(echo "$summary" | sed -n 's/.* \([0-9]*\) API call(s).*/\1/p')
bytes=$(find "$work/reports" -name '*.tsv.gz' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}')
files=$(find "$work/reports" -name '*.tsv.gz' 2>/dev/null | wc -l)

echo "dataset:      $apps app(s), requests $age day(s) old, ~$rows rows/segment, API latency ${latency} ms, categories ${categories:-all}, $parallel report(s) at a time"
awk -v s="$start" -v e="$end" 'BEGIN { printf "wall time:    %.1f s (whole process: start, sync, exit)\n", e - s }'
echo "segments:     $segments new, $files files in the destination"
echo "bytes:        $bytes"
echo "API calls:    $calls"
echo "peak memory:  $((peak / 1024)) MiB resident (heap limit $heap)"
echo "exit code:    $code"
echo "$summary"
