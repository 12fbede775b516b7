#!/usr/bin/env bash
# Regenerates the R4 example fixtures in this folder from the npm package hl7.fhir.r4.examples@4.0.1
# (the examples published with FHIR R4 4.0.1, CC0). Keeps every Patient, Observation and MedicationRequest
# that HAPI FHIR's R4 JSON parser reads with StrictErrorHandler; prints the dropped ones with the reason.
# Run from anywhere: fhir-api/src/test/resources/r4-examples/extract.sh
# Needs: npm, jq, java 17, and the fhir-api dependencies in ~/.m2 (it asks Maven for the class path, offline).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent hl7.fhir.r4.examples@4.0.1 >/dev/null && mkdir ex && tar xzf hl7.fhir.r4.examples-4.0.1.tgz -C ex)

types=(Patient Observation MedicationRequest)
for type in "${types[@]}"; do
  rm -rf "${here:?}/$type"
  mkdir -p "$here/$type"
done
# select on the resourceType inside the file, not on the file name
jq -r '[input_filename, .resourceType] | @tsv' "$work"/ex/package/*.json |
  while IFS=$'\t' read -r file type; do
    case "$type" in
      Patient|Observation|MedicationRequest) cp "$file" "$here/$type/" ;;
    esac
  done

# strict parse with the HAPI version the project uses; unparseable files are removed
(cd "$repo" && ./mvnw -q -o -B -pl fhir-api dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cat > "$work/StrictParse.java" <<'JAVA'
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

public class StrictParse {
  public static void main(String[] args) throws Exception {
    var parser = FhirContext.forR4Cached().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    for (String dir : args) {
      List<Path> files;
      try (Stream<Path> list = Files.list(Path.of(dir))) {
        files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      }
      for (Path file : files) {
        try {
          parser.parseResource(Files.readString(file));
        } catch (Exception e) {
          System.out.println("DROPPED " + Path.of(dir).getFileName() + "/" + file.getFileName() + ": "
              + e.getMessage().replace('\n', ' '));
          Files.delete(file);
        }
      }
    }
  }
}
JAVA
java -cp "$(cat "$work/cp.txt")" "$work/StrictParse.java" "${types[@]/#/$here/}"

for type in "${types[@]}"; do
  echo "$type: $(find "$here/$type" -name '*.json' | wc -l) kept"
done
du -sh --apparent-size "$here"
