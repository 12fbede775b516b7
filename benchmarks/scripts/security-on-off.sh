#!/bin/bash
# FHIR read-by-id with security and audit on against off (docs/benchmarks.md, issue 14).
# usage: benchmarks/scripts/security-on-off.sh off|noaudit|on [more modes...]
# Needs `./mvnw -q -o install -DskipTests` first. Each mode: a fresh platform (processor + FHIR API), seeding, a
# 60 s warm-up (not measured), then the measured run (5 s ramp + 90 s at 32 users); its report path is printed.
# MIX=60,30,10 measures the FHIR CRUD mix instead of reads only. PLATFORM_OPTS adds JVM options (settings as
# -Dname=value) to the platform, e.g. PLATFORM_OPTS="-Dvitalflow.audit.sink-linger=50ms". WARM=120s lengthens
# the warm-up; RATE=N (below) measures at a constant rate. Each mode also prints the CPU per request of the
# platform JVM, its broker and PostgreSQL, and writes what the broker and PostgreSQL did per request (bytes per
# topic; transactions, rows, WAL, writes and scans per table: work-stats.py) to /tmp/vitalflow-bench-<mode>.work.
set -u
cd "$(dirname "$0")/../.."
CP="platform/target/platform-0.1.0-SNAPSHOT.jar:platform/target/lib/*"
. benchmarks/scripts/bench-lib.sh
# RATE=N: a constant N requests/s (open model, latency from each request's intended start) instead of 32 users as
# fast as they can go: below saturation the 99th percentile is what security and audit add to a request, not how
# long the queue in front of two saturated cores is
if [ -n "${RATE:-}" ]; then
  model="--model=open --rates=5s:$RATE,90s:$RATE"
else
  model="--stages=5s:32,90s:32 --think=0ms"
fi
for mode in "$@"; do
  dir=/tmp/vitalflow-bench-$mode
  rm -rf "$dir"
  case $mode in
    off) flags="-Dvitalflow.security.enabled=false -Dvitalflow.audit.enabled=false"; auth="--no-auth" ;;
    noaudit) flags="-Dvitalflow.audit.enabled=false"; auth="--data-dir=$dir" ;;
    on) flags=""; auth="--data-dir=$dir" ;;
    *) echo "unknown mode $mode (off|noaudit|on)" >&2; exit 2 ;;
  esac
  # shellcheck disable=SC2086
  java $flags ${PLATFORM_OPTS:-} -cp "$CP" io.vitalflow.platform.Vitalflow start --patients=0 --services=processor,fhir \
    --data-dir="$dir" > "$dir.start.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -s -o /dev/null -w '%{http_code}' localhost:8082/actuator/health/readiness 2>/dev/null | grep -q 200 && break
    sleep 1
  done
  # shellcheck disable=SC2086
  seed_small "$CP" "$dir.seed.log" $auth
  # the warm-up runs in the measuring JVM (--warmup), so that the client's JIT is warm too: a fresh client took
  # over 30 s to reach its steady rate here, and those seconds made most of a run's 99th percentile
  # shellcheck disable=SC2086
  java -cp "$CP" io.vitalflow.platform.Vitalflow loadgen fhir $auth --seed-patients=3000 --seed-batch=100 \
    --mix="${MIX:-100,0,0}" --warmup="${WARM:-60s}" $model --p95=off --p99=off > "$dir.load.log" 2>&1 &
  load=$!
  # CPU seconds of the platform JVM, its broker and its PostgreSQL over the measured run (proc-cpu.py)
  until grep -qE "load (closed|open)" "$dir.load.log" 2>/dev/null || ! kill -0 $load 2>/dev/null; do sleep 0.2; done
  python3 benchmarks/scripts/proc-cpu.py "$pid" "$dir" > "$dir.cpu0"
  python3 benchmarks/scripts/work-stats.py "$dir" > "$dir.work0"
  wait $load
  python3 benchmarks/scripts/proc-cpu.py "$pid" "$dir" > "$dir.cpu1"
  python3 benchmarks/scripts/work-stats.py "$dir" > "$dir.work1"
  kill $pid; wait $pid
  echo "$mode: $(grep -o 'report: [^ ]*\.md' "$dir.load.log")"
  requests=$(grep -oE '^\| all \| [0-9,]+' "$dir.load.log" | head -1 | grep -oE '[0-9,]+$' | tr -d ,)
  echo "  CPU over the measured run, ${requests:-0} requests:"
  python3 benchmarks/scripts/proc-cpu.py --per-request "$dir.cpu0" "$dir.cpu1" "${requests:-0}" | sed 's/^/    /'
  # what the broker and PostgreSQL did over the measured run, per request (full list in $dir.work)
  python3 benchmarks/scripts/work-stats.py --per-request "$dir.work0" "$dir.work1" "${requests:-0}" > "$dir.work"
  echo "  broker and PostgreSQL work per request: $dir.work"
done
