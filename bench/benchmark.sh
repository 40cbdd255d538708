#!/usr/bin/env bash
# One-shot sync against the built-in simulator (dev profile: simulator and sync in one process, the sync pointed at it
# by asc.api.base-url) with a dataset of a given size and API latency; prints wall time, segments, bytes, API calls
# and peak memory (resident set of the process, sampled every 100 ms).
#
#   bench/benchmark.sh [--apps N] [--age-days N] [--rows N] [--latency-ms N] [--categories LIST] [--heap SIZE] [--parallel N]
#
# Defaults: 2 apps, requests 4 days old (the default dataset), 40 rows per segment, no latency, all categories, 512m heap,
# reports walked 4 at a time (asc.sync.parallel-reports).
#
#   bench/benchmark.sh --day [--days N] [--apps N] [--interval 1h] [--categories LIST] [--hour-mode per-instance|per-report]
#                      [--hour-spread N]
#
# A simulated day of syncs (jq needed): a simulator in its own process (its clock set, instances appearing at hours
# spread over the day: each at an hour of its own, or with --hour-mode per-report at its report's hour plus or minus up
# to --hour-spread; 2 % a day late, none empty so that the catalogue shows each), a first sync at 00:30 UTC, then one
# one-shot sync every --interval (minutes or hours: 30m, 1h, 2h) for --days days (default 1), all on one state folder.
# Prints per day the delays of its new instances (median and longest, from appearance to the sync that delivered
# them, late ones aside) beside the calls per app for the day, the
# day's minimum from the simulator's catalogue (per app a requests and a reports listing, per report with a new
# instance one instances listing, per new instance one segments listing), their ratio, the peak calls of one sync
# (each in its own hour at 1h), and how many apps one key serves at that interval within 3,600 calls an hour less
# the rate budget's reserve (100).
#
#   bench/benchmark.sh --large-segment-mb N [--compression-level 0-9] [--runs N] [--heap SIZE]
#
# One segment of about N MiB (App Crashes, DAILY; gzip level 6 by default, as Apple's files), served by a simulator in
# its own process: times `curl -o file URL && md5sum file` on a fresh URL, then a one-shot sync of that one segment
# (downloaded, verified, written to the local folder), --runs times in turn, and prints the times, their ratios
# (medians) and the sync's peak resident memory. The sync runs at the default JVM settings unless --heap is given.
set -euo pipefail
cd "$(dirname "$0")/.."

apps=2 age=4 rows=40 latency=0 categories="" heap=512m parallel=4 large_mb="" level=6 heap_given="" runs=1 day="" interval=1h days=1 hour_mode=per-instance hour_spread=0
while [ $# -gt 0 ]; do
  case "$1" in
    --large-segment-mb) large_mb=$2; shift 2 ;;
    --day) day=1; shift ;;
    --interval) interval=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --hour-mode) hour_mode=$2; shift 2 ;;
    --hour-spread) hour_spread=$2; shift 2 ;;
    --compression-level) level=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --apps) apps=$2; shift 2 ;;
    --age-days) age=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --latency-ms) latency=$2; shift 2 ;;
    --categories) categories=$2; shift 2 ;;
    --heap) heap=$2; heap_given=1; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command in the background and records its peak resident memory (VmHWM, sampled every 100 ms) in $peak (KiB)
# and its exit code in $code.
run_measured() {
  "$@" &
  local pid=$!
  peak=0
  while kill -0 "$pid" 2>/dev/null; do
    local rss
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.1
  done
  wait "$pid" && code=0 || code=$?
}

sim_pid=""
# start_simulator: the one place that starts the simulator (bench/simulator.sh)
source bench/simulator.sh

if [ -n "$large_mb" ] || [ -n "$day" ]; then
  command -v jq > /dev/null || { echo "--large-segment-mb and --day need jq (apt-get install jq)" >&2; exit 2; }
  # (set -e holds in a trap too: the simulator's exit status must not stop the clean-up)
  trap 'if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
fi

if [ -n "$day" ]; then
  case "$interval" in
    *h) step_min=$(( ${interval%h} * 60 )) ;;
    *m) step_min=${interval%m} ;;
    *) echo "--interval: '$interval' is not minutes or hours; use 30m, 1h or 2h" >&2; exit 2 ;;
  esac
  [ "$step_min" -gt 0 ] || { echo "--interval must be more than 0" >&2; exit 2; }
  start_simulator -Dasc.simulator.data.apps="$apps" -Dasc.simulator.data.today=2026-03-06 -Dasc.simulator.lifecycle.inactivity-days=400 \
    -Dasc.simulator.data.publish-hours=0-23 -Dasc.simulator.data.late-share=0.02 -Dasc.simulator.rate-limit.per-hour=100000000 \
    -Dasc.simulator.data.empty-instance-ratio=0 -Dasc.simulator.data.publish-hour-mode="$hour_mode" \
    -Dasc.simulator.data.publish-hour-spread="$hour_spread"
  export hour_words="$hour_mode, spread $hour_spread"
  day_sync=(-Dquarkus.profile=dev -Dasc.simulator.enabled=false -Dasc.api.base-url="$sim_api"
    -Dasc.sync.download.simulator-storage-url="$sim_storage" -Dquarkus.http.port=0 -Dasc.sync.mode=one-shot
    -Dasc.sync.rate-limit.calls-per-window=100000000 -Dasc.state.dir="$work/state" -Dasc.destinations.local.path="$work/reports")
  [ -n "$categories" ] && day_sync+=(-Dasc.sync.categories="$categories")
  calls() { curl -sf "$sim_api/simulator/calls" | jq '[.byEndpoint[]] | add // 0'; }
  sync_at() {
    curl -sf -X PUT -H 'Content-Type: application/json' -d "{\"now\":\"$1\"}" "$sim_api/simulator/clock" > /dev/null
    java -Xmx"$heap" "${day_sync[@]}" -jar target/quarkus-app/quarkus-run.jar > "$work/log" 2>&1 || { tail -20 "$work/log" >&2; exit 1; }
  }
  t0=$(date -u -d 2026-03-07T00:30:00Z +%s)
  sync_at 2026-03-07T00:30:00Z
  # which segments each sync delivered (the simulator's downloads), for the delays
  delivered() { curl -sf "$sim_api/simulator/downloads" | jq -r '.downloads[].segmentId' | sort; }
  delivered > "$work/seen"
  : > "$work/delivered"
  for (( d = 0; d < days; d++ )); do
    day0=$(( t0 + d * 86400 ))
    before=$(calls) peak=0 syncs=0
    for (( t = day0 + step_min * 60; t <= day0 + 86400; t += step_min * 60 )); do
      at=$(calls)
      sync_at "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)"
      n=$(( $(calls) - at )); syncs=$((syncs + 1))
      [ "$n" -gt "$peak" ] && peak=$n
      delivered > "$work/now"
      comm -13 "$work/seen" "$work/now" | awk -v t="$t" '{ print $1, t }' >> "$work/delivered"
      mv "$work/now" "$work/seen"
    done
    spent=$(( $(calls) - before ))
    from=$(date -u -d "@$day0" +%Y-%m-%dT%H:%M:%SZ) to=$(date -u -d "@$(( day0 + 86400 ))" +%Y-%m-%dT%H:%M:%SZ)
    # the day's minimum, from what the simulator published in it; the delays of its instances (late ones aside), from
    # appearance to the sync that delivered their first segment
    cat_filter=""
    [ -n "$categories" ] && cat_filter="?category=$categories"
    curl -sf "$sim_api/simulator/catalogue$cat_filter" > "$work/catalogue"
    minimum=$(jq --arg from "$from" --arg to "$to" --argjson apps "$apps" '
      [.segments[] | select(.publishedAt > $from and .publishedAt <= $to)] as $new
      | ($new | map(.instanceId) | unique | length) + ($new | map(.reportId) | unique | length) + 2 * $apps' "$work/catalogue")
    delays=$(jq -r --arg from "$from" --arg to "$to" --rawfile del "$work/delivered" '
      ($del | split("\n") | map(select(length > 0) | split(" ")) | map({ key: .[0], value: (.[1] | tonumber) }) | from_entries) as $at
      | [.segments[] | select(.publishedAt > $from and .publishedAt <= $to and (.processingDate as $p | .publishedAt | startswith($p)) and $at[.segmentId] != null)
         | { i: .instanceId, m: (($at[.segmentId] - (.publishedAt | fromdateiso8601)) / 60) }]
      | group_by(.i) | map(min_by(.m).m) | sort
      | if length == 0 then "none" else "\(length) \(.[(length / 2 | floor)]) \(.[-1])" end' "$work/catalogue")
    budget=3500
    awk -v day="$((d + 1))" -v a="$apps" -v s="$spent" -v m="$minimum" -v p="$peak" -v n="$syncs" -v i="$interval" -v b="$budget" -v st="$step_min" -v dl="$delays" 'BEGIN {
      printf "day %d:        %d app(s), %d syncs every %s, instances published at hours 0-23 (%s), 2%% late\n", day, a, n, i, ENVIRON["hour_words"]
      printf "  calls:      %d for the day, %.1f per app (minimum %d, %.1f per app), ratio %.2f\n", s, s / a, m, m / a, s / m
      split(dl, x, " ")
      if (dl == "none") printf "  delays:     no new instance delivered\n"
      else printf "  delays:     %d new instances (late ones aside): median %d min, longest %d min from appearance to delivery\n", x[1], x[2], x[3]
      printf "  peak:       %d calls in one sync (%.1f per app)\n", p, p / a
      per_hour = s / a / 24
      printf "  apps/key:   %d by the day average (%.1f calls per app and hour), %d if every sync had the peak\n",
        int(b / per_hour), per_hour, int(b / (p / a * 60 / st))
    }'
  done
  exit 0
fi

if [ -n "$large_mb" ]; then
  # A fresh listing of the App Crashes DAILY segment through the API, as a client would: prints its JSON attributes.
  segment_listing() {
    local token app request report instance
    token=$(curl -sf -X POST "$sim_api/simulator/token")
    auth=(-H "Authorization: Bearer $token")
    app=$(curl -sf "$sim_api/simulator" | jq -r '.apps[0].id')
    request=$(curl -sf "${auth[@]}" "$sim_api/v1/apps/$app/analyticsReportRequests" | jq -r '[.data[] | select(.attributes.accessType == "ONGOING")][0].id')
    report=$(curl -sf "${auth[@]}" "$sim_api/v1/analyticsReportRequests/$request/reports?filter%5Bname%5D=App%20Crashes" | jq -r '.data[0].id')
    instance=$(curl -sf "${auth[@]}" "$sim_api/v1/analyticsReports/$report/instances?filter%5Bgranularity%5D=DAILY" | jq -r '.data[0].id')
    curl -sf "${auth[@]}" "$sim_api/v1/analyticsReportInstances/$instance/segments" | jq -c '.data[0].attributes'
  }

  data=(-Dasc.simulator.data.apps=1 -Dasc.simulator.data.today=2026-03-06 -Dasc.simulator.data.seed-ongoing-age-days=1
    -Dasc.simulator.lifecycle.first-instance-max-days=1 -Dasc.simulator.data.max-segments-per-instance=1
    -Dasc.simulator.data.empty-instance-ratio=0 -Dasc.simulator.data.compression-level="$level")

  # rows for the size asked: measured on 200000 rows of the same report and level
  start_simulator "${data[@]}" -Dasc.simulator.data.report-rows.r2=200000
  sample=$(segment_listing | jq -r '.sizeInBytes')
  rows=$(( large_mb * 1048576 * 200000 / sample ))
  start_simulator "${data[@]}" -Dasc.simulator.data.report-rows.r2="$rows"
  listing=$(segment_listing) # the simulator computes the file's MD5 here, once, before anything is timed
  size=$(echo "$listing" | jq -r '.sizeInBytes')
  checksum=$(echo "$listing" | jq -r '.checksum')

  # curl + md5sum of a fresh URL: sets curl_s
  time_curl() {
    local url curl_md5="" start end
    url=$(segment_listing | jq -r '.url')
    start=$(date +%s.%N)
    curl -sf -o "$work/curl.tsv.gz" "$url" && curl_md5=$(md5sum "$work/curl.tsv.gz" | cut -d' ' -f1)
    end=$(date +%s.%N)
    curl_s=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
    [ "$curl_md5" = "$checksum" ] || { echo "curl: MD5 $curl_md5, the listing says $checksum" >&2; exit 1; }
    rm -f "$work/curl.tsv.gz"
  }

  # a one-shot sync of the segment into an empty state and folder: sets process_s, sync_s, segment_s, peak, code
  jvm=()
  [ -n "$heap_given" ] && jvm+=(-Xmx"$heap")
  time_sync() {
    rm -rf "$work/state" "$work/reports"
    local sync_args=(-Dquarkus.profile=dev -Dasc.simulator.enabled=false -Dasc.api.base-url="$sim_api"
      -Dasc.sync.download.simulator-storage-url="$sim_storage" -Dquarkus.http.port=0 -Dasc.sync.mode=one-shot
      -Dasc.sync.report-names="App Crashes" -Dasc.sync.granularities=DAILY
      -Dasc.state.dir="$work/state" -Dasc.destinations.local.path="$work/reports")
    local start end requested_ms written_at
    start=$(date +%s.%N)
    run_measured java "${jvm[@]}" "${sync_args[@]}" -jar target/quarkus-app/quarkus-run.jar > "$work/log" 2>&1
    end=$(date +%s.%N)
    [ "$code" = 0 ] || { tail -20 "$work/log"; exit "$code"; }
    process_s=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
    sync_s=$(sed -n 's/.*Sync finished in \([0-9.]*\) s.*/\1/p' "$work/log" | tail -1)
    # the segment alone: from the sync's request (the simulator's clock) to the file written in the destination
    requested_ms=$(curl -sf "$sim_api/simulator/downloads" | jq '[.downloads[].lastStartedAt] | max')
    written_at=$(find "$work/reports" -name '*.tsv.gz' -exec stat -c '%.3Y' {} \;)
    segment_s=$(awk -v r="$requested_ms" -v w="$written_at" 'BEGIN { print w - r / 1000 }')
    manifest_rows=$(find "$work/reports" -name _manifest.json -exec jq '.segments[0].rows' {} \;)
    written=$(find "$work/reports" -name '*.tsv.gz' -printf '%s\n')
  }

  echo "segment:  App Crashes DAILY, $size bytes (gzip level $level), $rows rows"
  settings="default JVM settings"
  [ -n "$heap_given" ] && settings="heap limit $heap"
  for run in $(seq "$runs"); do
    time_curl
    time_sync
    [ "$manifest_rows" = "$rows" ] && [ "$written" = "$size" ] \
      || { echo "the sync wrote $written bytes, manifest rows $manifest_rows; expected $size bytes, $rows rows" >&2; exit 1; }
    echo "$curl_s $segment_s $sync_s $process_s $peak" >> "$work/runs"
    awk -v n="$run" -v c="$curl_s" -v g="$segment_s" -v s="$sync_s" -v p="$process_s" -v m="$peak" -v b="$size" 'BEGIN {
      printf "run %d:    curl + md5sum %.1f s (%.0f MiB/s); sync: the segment %.1f s (request to file written, %.0f MiB/s), its sync %.1f s, whole process %.1f s; peak %d MiB resident\n",
        n, c, b / c / 1048576, g, b / g / 1048576, s, p, m / 1024 }'
  done
  # medians over the runs (speed ratio = curl + md5sum time / sync time)
  sort -n -k1 "$work/runs" | awk -v settings="$settings" '{ c[NR] = $1; g[NR] = $2; s[NR] = $3; p[NR] = $4; m = ($5 > m ? $5 : m) }
    function median(a,   i, j, t, n) { n = NR; for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { cm = median(c); printf "median:   curl + md5sum %.1f s; speed ratio %.2f by the segment, %.2f by the sync, %.2f by the whole process\n",
      cm, cm / median(g), cm / median(s), cm / median(p)
      printf "memory:   %d MiB peak resident, the sync process (%s)\n", m / 1024, settings }'
  exit 0
fi

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
  -Dasc.simulator.data.publish-hours=0 -Dasc.simulator.data.late-share=0
  -Dasc.state.dir="$work/state" -Dasc.destinations.local.path="$work/reports" -Dasc.sync.parallel-reports="$parallel")
[ -n "$categories" ] && args+=(-Dasc.sync.categories="$categories")

start=$(date +%s.%N)
run_measured java "${args[@]}" -jar target/quarkus-app/quarkus-run.jar > "$work/log" 2>&1
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
