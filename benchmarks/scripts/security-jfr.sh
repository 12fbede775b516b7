#!/bin/bash
# Profiles one mode of the security/audit benchmark per request (docs/benchmarks.md, issue 14).
# usage: benchmarks/scripts/security-jfr.sh off|noaudit|on [OUT]      (OUT defaults to /tmp/secjfr-MODE)
# Needs the platform built (`./mvnw -q -o -pl platform -am package -DskipTests`). Starts a fresh platform
# (processor + FHIR API), seeds 2,000 Patients, runs read-by-id with 32 users (a 60 s warm-up in the same
# client, not measured, then a 20 s ramp and steady load), and
# from 40 s to 100 s into the load records a JFR (OUT.jfr, settings=profile) and the CPU time of the
# platform JVM, the Kafka broker and PostgreSQL (OUT.cpu). On a shared machine throughput is noise; CPU per
# request and JFR samples per request are what to compare between modes and before/after a change.
set -u
mode=$1
out=${2:-/tmp/secjfr-$mode}
cd "$(dirname "$0")/../.."
here=$(pwd)
CP="platform/target/platform-0.1.0-SNAPSHOT.jar:platform/target/lib/*"
. benchmarks/scripts/bench-lib.sh
dir=$out.data
rm -rf "$dir" "$out.jfr" "$out.cpu"
case $mode in
  off) flags="-Dvitalflow.security.enabled=false -Dvitalflow.audit.enabled=false"; auth="--no-auth" ;;
  noaudit) flags="-Dvitalflow.audit.enabled=false"; auth="--data-dir=$dir" ;;
  on) flags=""; auth="--data-dir=$dir" ;;
  *) echo "unknown mode $mode (off|noaudit|on)" >&2; exit 2 ;;
esac
if curl -s -o /dev/null localhost:8082/ 2>/dev/null; then
  echo "port 8082 is in use (another benchmark?); not starting" >&2
  exit 1
fi
# shellcheck disable=SC2086
java $flags -cp "$CP" io.vitalflow.platform.Vitalflow start --patients=0 --services=processor,fhir \
  --data-dir="$dir" > "$out.start.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do
  curl -s -o /dev/null -w '%{http_code}' localhost:8082/actuator/health/readiness 2>/dev/null | grep -q 200 && break
  sleep 1
done
# shellcheck disable=SC2086
seed_small "$CP" "$out.seed.log" $auth
# RATE=N: a constant N requests/s (open model) instead of 32 users as fast as they can go. On a shared machine
# compare modes at one rate: CPU per request then has the same fixed costs (polling threads, metrics) to carry.
if [ -n "${RATE:-}" ]; then
  model="--model=open --rates=20s:$RATE,110s:$RATE"
else
  model="--stages=20s:32,110s:32 --think=0ms"
fi
# shellcheck disable=SC2086
java -cp "$CP" io.vitalflow.platform.Vitalflow loadgen fhir $auth --seed-patients=2000 --seed-batch=100 \
  --mix="${MIX:-100,0,0}" \
  --warmup=60s $model --p95=off --p99=off --report-dir="$out.report" > "$out.load.log" 2>&1 &
load=$!
until grep -qE "load (closed|open)" "$out.load.log" 2>/dev/null; do
  if ! kill -0 $load 2>/dev/null; then
    echo "loadgen ended before the load (see $out.load.log)" >&2
    kill $pid; wait $pid
    exit 1
  fi
  sleep 0.2
done
sleep 40
python3 "$here/benchmarks/scripts/proc-cpu.py" "$pid" "$dir" > "$out.cpu0"
jcmd "$pid" JFR.start name=secjfr settings=profile duration=60s filename="$out.jfr" > /dev/null
sleep 60
python3 "$here/benchmarks/scripts/proc-cpu.py" "$pid" "$dir" > "$out.cpu1"
wait $load
sleep 3
kill $pid; wait $pid
# requests in the window: the progress lines from 45 s to 100 s (each is the rate of the 5 s before it)
requests=$(awk '/^  fhir +[0-9]+s/ { t = $2 + 0; if (t > 40 && t <= 100 && match($0, /[0-9,]+ op\/s/)) {
  r = substr($0, RSTART, RLENGTH); gsub(/[, op\/s]/, "", r); n += r * 5 } } END { printf "%d", n }' "$out.load.log")
{
  echo "requests in the 60 s window: $requests ($((requests / 60))/s)"
  python3 "$here/benchmarks/scripts/proc-cpu.py" --per-request "$out.cpu0" "$out.cpu1" "$requests"
} > "$out.cpu"
cat "$out.cpu"
echo "jfr: $out.jfr (benchmarks/scripts/jfr-top.py $out.jfr)"
