# Shared by the security benchmark scripts (sourced, not run).

# seed_small CP LOG AUTH...: the first writes go through a command processor that may still be starting and
# compiling (a Bundle of 500 took longer than loadgen's 10 s timeout on a cold JVM): small seed runs of 10
# Patients until one succeeds, at most 10 tries
seed_small() {
  local cp=$1 log=$2
  shift 2
  for _ in $(seq 1 10); do
    java -cp "$cp" io.vitalflow.platform.Vitalflow loadgen fhir "$@" --seed-patients=10 --mix=100,0,0 \
      --stages=2s:1 --think=0ms --p95=off --p99=off --report-dir="${log%.log}.report" > "$log" 2>&1 && return 0
    sleep 5
  done
  return 1
}
