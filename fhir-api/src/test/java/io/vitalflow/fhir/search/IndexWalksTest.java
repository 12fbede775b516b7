package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The precompiled element walks of {@link SearchIndexer} give exactly the entries the FHIRPath
 * engine gives, over the official R4 examples and the Synthea bundles in the test resources (every
 * resource type they contain).
 */
class IndexWalksTest {

  @Test
  void walksEqualTheFhirPathEngine() throws Exception {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    SearchIndexer indexer = new SearchIndexer();
    List<IBaseResource> resources = new ArrayList<>();
    for (Path file : jsonFiles("r4-examples")) {
      resources.add(parser.parseResource(Files.readString(file)));
    }
    for (Path file : jsonFiles("synthea")) {
      IBaseResource parsed = parser.parseResource(Files.readString(file));
      if (parsed instanceof Bundle bundle) {
        bundle.getEntry().stream()
            .filter(Bundle.BundleEntryComponent::hasResource)
            .forEach(entry -> resources.add(entry.getResource()));
      } else {
        resources.add(parsed);
      }
    }
    assertThat(resources).hasSizeGreaterThan(100);
    int entries = 0;
    int extra = 0;
    for (IBaseResource resource : resources) {
      IndexEntries walked = indexer.extract(resource);
      IndexEntries evaluated = indexer.extractByFhirPath(resource);
      String label = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      assertThat(walked.tokens()).as(label).containsExactlyInAnyOrderElementsOf(evaluated.tokens());
      assertThat(walked.strings())
          .as(label)
          .containsExactlyInAnyOrderElementsOf(evaluated.strings());
      assertThat(walked.dates()).as(label).containsExactlyInAnyOrderElementsOf(evaluated.dates());
      assertThat(walked.references())
          .as(label)
          .containsExactlyInAnyOrderElementsOf(evaluated.references());
      assertThat(walked.numbers())
          .as(label)
          .containsExactlyInAnyOrderElementsOf(evaluated.numbers());
      assertThat(walked.uris()).as(label).containsExactlyInAnyOrderElementsOf(evaluated.uris());
      // the engine returns nothing for (component.value).where($this is Quantity) on panels whose
      // components all have quantities (the blood-pressure example); the walk finds the values,
      // as HAPI's JPA server indexes them: every quantity the engine finds, the walk finds too
      assertThat(walked.quantities()).as(label).containsAll(evaluated.quantities());
      extra += walked.quantities().size() - evaluated.quantities().size();
      entries += walked.size();
    }
    System.out.printf(
        "%d resources, %d index entries, walks = FHIRPath but %d more quantities%n",
        resources.size(), entries, extra);
  }

  @Test
  void bloodPressureComponentsAreCompositeAndQuantityEntries() throws Exception {
    Path file =
        jsonFiles("r4-examples").stream()
            .filter(f -> f.getFileName().toString().equals("Observation-blood-pressure.json"))
            .findFirst()
            .orElseThrow();
    IBaseResource bp =
        FhirContext.forR4Cached().newJsonParser().parseResource(Files.readString(file));
    IndexEntries entries = new SearchIndexer().extract(bp);
    assertThat(entries.composites())
        .anyMatch(
            c ->
                c.param().equals("component-code-value-quantity")
                    && c.code1().equals("8480-6")
                    && c.value2().compareTo(new java.math.BigDecimal("107")) == 0);
    assertThat(entries.quantities())
        .anyMatch(
            q ->
                q.param().equals("component-value-quantity")
                    && q.value().compareTo(new java.math.BigDecimal("60")) == 0);
  }

  private static List<Path> jsonFiles(String folder) throws IOException, URISyntaxException {
    Path root = Path.of(IndexWalksTest.class.getClassLoader().getResource(folder).toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }
}
