#!/bin/bash
# FHIR read-by-id with security and audit on against off (docs/benchmarks.md, issue 14).
# usage: benchmarks/scripts/security-on-off.sh off|noaudit|on [more modes...]
# Needs `./mvnw -q -o install -DskipTests` first. Each mode: a fresh platform (processor + FHIR API), a 60 s
# warm-up loadgen run (not reported), then the measured run; its report path is printed at the end.
# MIX=60,30,10 measures the FHIR CRUD mix instead of reads only. PLATFORM_OPTS adds JVM options (settings as
# -Dname=value) to the platform, e.g. PLATFORM_OPTS="-Dvitalflow.audit.sink-linger=50ms".
set -u
cd "$(dirname "$0")/../.."
CP="platform/target/platform-0.1.0-SNAPSHOT.jar:platform/target/lib/*"
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
  java -cp "$CP" io.vitalflow.platform.Vitalflow loadgen fhir $auth --seed-patients=2000 --mix="${MIX:-100,0,0}" \
    --stages=60s:32 --think=0ms --p95=off --p99=off --report-dir="$dir.warm" > "$dir.warm.log" 2>&1
  java -cp "$CP" io.vitalflow.platform.Vitalflow loadgen fhir $auth --seed-patients=1000 --mix="${MIX:-100,0,0}" \
    --stages=5s:32,90s:32 --think=0ms --p95=off --p99=off > "$dir.load.log" 2>&1
  kill $pid; wait $pid
  echo "$mode: $(grep -o 'report: [^ ]*\.md' "$dir.load.log")"
done
