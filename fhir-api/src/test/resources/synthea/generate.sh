#!/usr/bin/env bash
# Regenerates the Synthea fixtures in this folder: 3 living adults (18-40), seed 42, clinician seed 42,
# reference date 2025-01-01, one year of exported history, FHIR R4 only. Output is byte-identical
# between runs. Synthea 3.3.0 comes from Maven Central (a throwaway pom copies it and its dependencies).
# Run from anywhere: fhir-api/src/test/resources/synthea/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tmp</groupId><artifactId>synthea-runner</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.mitre.synthea</groupId><artifactId>synthea</artifactId><version>3.3.0</version></dependency>
  </dependencies>
</project>
POM
"$repo/mvnw" -q -B -f "$work/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DoutputDirectory="$work/lib"

(cd "$work" && java -Xmx2g -cp "$work/lib/*" App \
  -s 42 -cs 42 -r 20250101 -p 3 -a 18-40 \
  --generate.only_alive_patients=true \
  --exporter.years_of_history=1 \
  --exporter.fhir.export=true --exporter.csv.export=false --exporter.ccda.export=false \
  --exporter.hospital.fhir.export=true --exporter.practitioner.fhir.export=true \
  --exporter.metadata.export=false \
  --exporter.baseDirectory="$work/output" \
  Massachusetts > "$work/synthea.log")
grep -E '^[0-9]+ -- |^Records:' "$work/synthea.log"

rm -f "$here"/*.json
# the information bundles carry the export time in their names; drop it so the names are stable
cp "$work"/output/fhir/hospitalInformation*.json "$here/hospitalInformation.json"
cp "$work"/output/fhir/practitionerInformation*.json "$here/practitionerInformation.json"
for file in "$work"/output/fhir/*.json; do
  case "$(basename "$file")" in
    hospitalInformation*|practitionerInformation*) ;;
    *) cp "$file" "$here/" ;;
  esac
done
du -b "$here"/*.json
