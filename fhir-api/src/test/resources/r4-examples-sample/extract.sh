#!/usr/bin/env bash
# Regenerates the every-type sample of the official R4 examples in this folder from the npm package
# hl7.fhir.r4.examples@4.0.1 (CC0): for every resourceType except Patient, Observation and
# MedicationRequest (all of which are in ../r4-examples), the first three files in name order of at
# most 20,000 bytes, or the smallest file when the type has none that small; plus every file listed
# in ../r4-examples-rejected.tsv of at most 100,000 bytes, so that the default suite checks the list
# (all but the examples over the 2 MiB resource limit).
# Run from anywhere: fhir-api/src/test/resources/r4-examples-sample/extract.sh [unpacked package folder]
# Needs: npm (unless a folder is given), python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then
  package=$1
else
  (cd "$work" && npm pack --silent hl7.fhir.r4.examples@4.0.1 >/dev/null && tar xzf hl7.fhir.r4.examples-4.0.1.tgz)
  package=$work/package
fi
find "$here" -name '*.json' -delete
python3 - "$package" "$here" "$here/../r4-examples-rejected.tsv" <<'PY'
import collections, json, os, shutil, sys
package, here, rejected = sys.argv[1:4]
listed = {l.split('\t')[0] for l in open(rejected) if l.strip() and not l.startswith('#')}
types = collections.defaultdict(list)
for name in sorted(os.listdir(package)):
    if not name.endswith('.json') or name == 'package.json':
        continue
    resource = json.load(open(os.path.join(package, name)))
    types[resource['resourceType']].append((name, os.path.getsize(os.path.join(package, name))))
chosen = {n for n in listed if os.path.getsize(os.path.join(package, n)) <= 100000}
for kind, files in types.items():
    if kind in ('Patient', 'Observation', 'MedicationRequest'):
        continue
    small = [f for f, size in files if size <= 20000][:3]
    chosen.update(small or [min(files, key=lambda f: f[1])[0]])
for name in sorted(chosen):
    shutil.copy(os.path.join(package, name), here)
print(len(chosen), 'files of', len(types), 'types')
PY
du -sh --apparent-size "$here"
