package io.vitalflow.fhir.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;

/**
 * Every official R4 example (all 5,300 of the npm package {@code hl7.fhir.r4.examples@4.0.1}, not
 * only the three types kept as fixtures) passes the pre-scan and the resource checks with the
 * default limits: if an official example breaks one of our rules, the rule is wrong. The package is
 * 18 MB, so it is not in the repository; the test runs when {@code
 * -Dvitalflow.r4-examples=<unpacked package folder>} is given:
 *
 * <pre>
 * npm pack hl7.fhir.r4.examples@4.0.1 &amp;&amp; tar xzf hl7.fhir.r4.examples-4.0.1.tgz
 * ./mvnw -o -pl fhir-api -am verify -Dtest=AllOfficialExamplesTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dvitalflow.r4-examples=$PWD/package
 * </pre>
 */
class AllOfficialExamplesTest {

  @Test
  void everyOfficialExamplePasses() throws IOException {
    String folder = System.getProperty("vitalflow.r4-examples");
    assumeTrue(
        folder != null && Files.isDirectory(Path.of(folder)), "-Dvitalflow.r4-examples not given");
    FhirContext fhir = FhirContext.forR4Cached();
    BodyScan scan = new BodyScan(100);
    ResourceChecks checks = new ResourceChecks(1_048_576, 1000);
    List<String> failures = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.list(Path.of(folder))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        String json = Files.readString(file);
        if (!json.contains("\"resourceType\"")) {
          continue;
        }
        IBaseResource resource;
        try {
          resource =
              fhir.newJsonParser()
                  .setParserErrorHandler(new LenientErrorHandler(false))
                  .parseResource(json);
        } catch (DataFormatException e) {
          continue; // not an R4 resource HAPI reads (package metadata, ...): nothing of ours to
          // check
        }
        try {
          scan.json(json);
          checks.check(resource);
          checked++;
        } catch (InputRejected e) {
          failures.add(file.getFileName() + ": " + e.getMessage());
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isGreaterThan(5000);
  }
}
