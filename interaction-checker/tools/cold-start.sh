#!/usr/bin/env bash
# Cold start of the interaction checker, one fresh JVM per sample (ColdStartProbe): time from the start of loading
# (shipped knowledge + AOT plugin) to the first answered check, process CPU, main-thread CPU, time since JVM start.
# Classes come from jars (the module jar, the probe in a jar, the runtime dependencies only: no test jars), so a
# class-data-sharing archive can cover them.
#
#   interaction-checker/tools/cold-start.sh [N] [--cds] [JVM flags...]
#     N      samples (default 10)
#     --cds  train a dynamic CDS archive with one start first (-XX:ArchiveClassesAtExit), then run every sample
#            with it (-XX:SharedArchiveFile); JDK 17+
#
# Prints every sample, then the median and minimum of each column, and the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=10
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then n=$1; shift; fi
cds=0
if [[ $# -gt 0 && $1 == --cds ]]; then cds=1; shift; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the probe class comes from the benchmarks module's jar; everything else is the checker's own runtime class path
# (not the benchmarks module's, which also carries the stream benchmarks' Spring, Kafka and logging jars)
./mvnw -q -o -pl interaction-checker,benchmarks -am -DskipTests package >/dev/null
./mvnw -q -o -pl interaction-checker dependency:build-classpath -DincludeScope=runtime \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$(ls benchmarks/target/benchmarks-*.jar | head -1):$(ls interaction-checker/target/interaction-checker-*.jar | head -1):$(cat "$work/cp.txt")"
flags=("$@")
if [[ $cds == 1 ]]; then
  java -XX:ArchiveClassesAtExit="$work/ic.jsa" "${flags[@]}" -cp "$cp" \
    io.vitalflow.benchmarks.plugin.ColdStartProbe >/dev/null 2>&1
  flags+=(-XX:SharedArchiveFile="$work/ic.jsa")
fi
echo "load before: $(uptime | sed 's/.*load average: //')"
for _ in $(seq "$n"); do
  java "${flags[@]}" -cp "$cp" io.vitalflow.benchmarks.plugin.ColdStartProbe 2>/dev/null
done | tee "$work/samples.txt"
echo "load after:  $(uptime | sed 's/.*load average: //')"
python3 - "$work/samples.txt" <<'PY'
import re, statistics, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("first check")]
def col(rx):
    return [float(re.search(rx, l).group(1)) for l in lines]
for name, rx in [("first check after loading started", r"first check ([\d.]+)"),
                 ("process CPU", r"process CPU ([\d.]+)"),
                 ("main-thread CPU", r"main thread ([\d.]+)"),
                 ("after JVM start", r"; (\d+) ms after JVM")]:
    v = col(rx)
    print(f"{name:34s} median {statistics.median(v):7.1f} ms   min {min(v):7.1f} ms   (n={len(v)})")
PY
