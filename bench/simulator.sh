# Sourced by the bench scripts (which set $work and sim_pid=""), from the project root.
# The one place that starts the simulator: in its own process, on free ports. Sets sim_pid, sim_api, sim_storage.
# Arguments: simulator settings (-Dasc.simulator.*).
start_simulator() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  java -Dasc.simulator.enabled=true -Dasc.sync.enabled=false -Dquarkus.http.port=0 -Dasc.simulator.api-port=0 \
    -Dasc.simulator.storage-port=0 "$@" -jar target/quarkus-app/quarkus-run.jar > "$work/simulator.log" 2>&1 &
  sim_pid=$!
  local line=""
  for _ in $(seq 600); do
    line=$(grep -o 'API at http://[^,]*, segment storage at http://[^,]*' "$work/simulator.log" || true)
    [ -n "$line" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/simulator.log" >&2; echo "the simulator did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$line" ] || { echo "the simulator did not start within 60 s" >&2; exit 1; }
  sim_api=$(echo "$line" | sed 's/API at \([^,]*\),.*/\1/')
  sim_storage=$(echo "$line" | sed 's/.*segment storage at //')
}
