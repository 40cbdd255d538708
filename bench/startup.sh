#!/usr/bin/env bash
# Start-up of a one-shot sync with nothing new to download: the simulator runs alone in its own process (one app), a
# first one-shot sync of one report (App Downloads Standard, DAILY) fills the state, then --runs further one-shot runs
# of that report find nothing new. Prints, per run and as medians: Quarkus' "started in", the first API call (from the
# launch of java to the sync's first request, in the sync's own log), the wall time, the CPU seconds (user + system)
# and the peak resident memory of the whole process (/usr/bin/time).
#
#   bench/startup.sh [--runs N] [--java PATH] [--app DIR] [--floor] [--archive FILE] [JVM option ...]
#
# --java: the java launcher (default: java on the PATH); --app: the quarkus-app folder (default target/quarkus-app);
# --floor: measure bench/floor instead, the smallest Camel Quarkus application that does what a sync does before its
# first API call (YAML routes, Camel HTTP, Camel Jackson): one GET /v1/apps, then it stops;
# --archive: the first, unmeasured run (a sync that downloads the report) writes a class archive for --java, which the
# measured runs map: an AppCDS archive (-XX:ArchiveClassesAtExit / -XX:SharedArchiveFile), or with a FILE ending in
# .aot, Java 25's AOT cache (-XX:AOTCacheOutput / -XX:AOTCache), as the image's training run does;
# JVM options are passed to the measured runs only, e.g. -XX:SharedArchiveFile=app-cds.jsa -XX:TieredStopAtLevel=1.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5 java=java app=target/quarkus-app floor="" archive="" jvm=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --java) java=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --floor) floor=1; shift ;;
    --archive) archive=$(realpath -m "$2"); shift 2 ;;
    *) jvm+=("$1"); shift ;;
  esac
done
[ -x /usr/bin/time ] || { echo "bench/startup.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests

work=$(mktemp -d)
sim_pid=""
trap 'if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

source bench/simulator.sh
start_simulator -Dasc.simulator.data.apps=1

sync_args=(-Dquarkus.profile=dev -Dasc.simulator.enabled=false -Dasc.api.base-url="$sim_api"
  -Dasc.sync.download.simulator-storage-url="$sim_storage" -Dquarkus.http.port=0 -Dasc.sync.mode=one-shot
  "-Dasc.sync.report-names=App Downloads Standard" -Dasc.sync.granularities=DAILY
  -Dasc.state.dir="$work/state" -Dasc.destinations.local.path="$work/reports"
  # the start time is read from Quarkus' start line (a one-shot run logs it only when asked)
  '-Dquarkus.log.category."io.quarkus".level=INFO'
  # the first API call is read from the sync's log: Camel HTTP logs each request at DEBUG
  '-Dquarkus.log.category."org.apache.camel.component.http.HttpProducer".level=DEBUG')

if [ -n "$floor" ]; then
  [ -f bench/floor/target/quarkus-app/quarkus-run.jar ] || (cd bench/floor && mvn -B -q package -DskipTests)
  app=bench/floor/target/quarkus-app
  sync_args=(-Dfloor.api-url="$sim_api" '-Dquarkus.log.category."org.apache.camel.component.http.HttpProducer".level=DEBUG')
  done_line='first API call answered'
else
  done_line='Sync finished.*: 0 new segment'
fi

# the first run (for a sync: it downloads the report's segments) is not measured; it writes the archive, if any
train=()
case "$archive" in
  "") ;;
  *.aot) rm -f "$archive"; train=(-XX:AOTCacheOutput="$archive"); jvm=(-XX:AOTCache="$archive" "${jvm[@]}") ;;
  *) rm -f "$archive"; train=(-XX:ArchiveClassesAtExit="$archive"); jvm=(-XX:SharedArchiveFile="$archive" "${jvm[@]}") ;;
esac
"$java" "${train[@]}" "${sync_args[@]}" -jar "$app/quarkus-run.jar" > "$work/first.log" 2>&1 || { tail -20 "$work/first.log" >&2; exit 1; }
[ -z "$archive" ] || [ -f "$archive" ] || { tail -20 "$work/first.log" >&2; echo "no archive written to $archive" >&2; exit 1; }

echo "java:     $("$java" -version 2>&1 | head -1); options: ${jvm[*]:-none}"
for run in $(seq "$runs"); do
  start_ms=$(date +%s%3N)
  code=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$java" "${jvm[@]}" "${sync_args[@]}" -jar "$app/quarkus-run.jar" > "$work/log" 2>&1 || code=$?
  [ "$code" = 0 ] || { tail -20 "$work/log" >&2; echo "run $run exited with $code" >&2; exit 1; }
  grep -q "$done_line" "$work/log" || { tail -20 "$work/log" >&2; echo "run $run: no line '$done_line'" >&2; exit 1; }
  started=$(sed -n 's/.*) started in \([0-9.]*\)s\..*/\1/p' "$work/log")
  first=$(grep -m1 'Executing http' "$work/log" | cut -c1-23 | tr ',' '.')
  first_ms=$(date -d "$first" +%s%3N)
  read -r wall user sys rss < "$work/time"
  echo "$started $(( first_ms - start_ms )) $wall $user $sys $rss" >> "$work/runs"
  awk -v n="$run" -v s="$started" -v f=$(( first_ms - start_ms )) -v w="$wall" -v u="$user" -v y="$sys" -v m="$rss" 'BEGIN {
    printf "run %d:    started in %.2f s, first API call %.2f s, wall %.2f s, CPU %.2f s (user %.2f), peak %d MiB\n", n, s, f / 1000, w, u + y, u, m / 1024 }'
done
awk '{ s[NR] = $1; f[NR] = $2 / 1000; w[NR] = $3; c[NR] = $4 + $5; u[NR] = $4; m[NR] = $6 / 1024 }
  function median(a,   i, j, t, n) { n = NR; for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { printf "median:   started in %.2f s, first API call %.2f s, wall %.2f s, CPU %.2f s (user %.2f), peak %d MiB\n",
    median(s), median(f), median(w), median(c), median(u), median(m) }' "$work/runs"
