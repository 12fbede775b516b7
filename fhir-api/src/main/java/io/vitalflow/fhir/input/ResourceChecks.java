package io.vitalflow.fhir.input;

import io.vitalflow.fhir.search.IndexEntries;
import io.vitalflow.fhir.search.SearchIndexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;

/**
 * Rules for a parsed resource that HAPI's parser does not enforce, checked before a write reaches
 * Kafka so that nothing reaches the projection that it cannot store or should not show:
 *
 * <ul>
 *   <li>no primitive value longer than {@code maxStringLength} characters (FHIR's own limit for a
 *       string is 1 MB; base64Binary is left to the body size limit);
 *   <li>no resource with more than {@code maxIndexEntries} search index entries (each is a row the
 *       projection writes in one transaction);
 *   <li>every narrative, also of contained resources and Bundle entries, follows FHIR's XHTML rules
 *       ({@link NarrativeRules}).
 * </ul>
 *
 * Every problem is reported with its path (e.g. {@code Bundle.entry[2].resource.text.div}), never
 * with the value. Walks the model read-only: it never calls a getter that would add an empty
 * element.
 */
public final class ResourceChecks {

  /** An answer lists at most this many problems. */
  private static final int MAX_PROBLEMS = 100;

  private final int maxStringLength;
  private final int maxIndexEntries;
  private final SearchIndexer indexer = new SearchIndexer();

  public ResourceChecks(int maxStringLength, int maxIndexEntries) {
    this.maxStringLength = maxStringLength;
    this.maxIndexEntries = maxIndexEntries;
  }

  /**
   * @throws InputRejected (invalid) listing every problem found
   */
  public void check(IBaseResource resource) {
    List<String> problems = new ArrayList<>();
    if (resource instanceof Resource r) {
      walk(r, r.fhirType(), problems);
      indexEntries(r, r.fhirType(), problems);
      if (r instanceof Bundle bundle) {
        for (int i = 0; i < bundle.getEntry().size(); i++) {
          Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
          if (entry.hasResource()) {
            indexEntries(entry.getResource(), "Bundle.entry[" + i + "].resource", problems);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InputRejected(
          InputRejected.Kind.INVALID,
          problems.size() <= MAX_PROBLEMS ? problems : withMore(problems));
    }
  }

  private static List<String> withMore(List<String> problems) {
    List<String> first = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
    first.add("... and " + (problems.size() - MAX_PROBLEMS) + " more problems of the same kinds");
    return first;
  }

  private void walk(Base element, String path, List<String> problems) {
    if (element instanceof Narrative narrative) {
      narrative(narrative, path, problems);
      return;
    }
    if (element instanceof PrimitiveType<?> primitive) {
      if (!(primitive instanceof Base64BinaryType) && primitive.hasValue()) {
        String value = primitive.getValueAsString();
        if (value != null && value.length() > maxStringLength) {
          problems.add(
              path
                  + " has "
                  + value.length()
                  + " characters; at most "
                  + maxStringLength
                  + " are allowed (vitalflow.fhir.max-string-length)");
        }
      }
      // a primitive's extensions are elements too
    }
    for (Property property : element.children()) {
      if (!property.hasValues()) {
        continue;
      }
      List<Base> values = property.getValues();
      boolean repeats = property.getMaxCardinality() > 1;
      for (int i = 0; i < values.size(); i++) {
        Base child = values.get(i);
        if (child == null || child.isEmpty()) {
          continue;
        }
        walk(child, path + "." + name(property, child) + (repeats ? "[" + i + "]" : ""), problems);
      }
    }
  }

  /** {@code value[x]} as {@code valueString}, like the JSON element name. */
  private static String name(Property property, Base child) {
    String name = property.getName();
    if (!name.endsWith("[x]")) {
      return name;
    }
    String type = child.fhirType();
    return name.substring(0, name.length() - 3)
        + (type.isEmpty() ? "" : type.substring(0, 1).toUpperCase(Locale.ROOT) + type.substring(1));
  }

  private static void narrative(Narrative narrative, String path, List<String> problems) {
    if (narrative.hasDiv()) {
      NarrativeRules.check(narrative.getDiv(), path + ".div", problems);
    } else if (narrative.hasStatus()) {
      problems.add(
          path
              + ".div: the narrative has no content; it needs some non-whitespace text or an image"
              + " (txt-2)");
    }
  }

  private void indexEntries(Resource resource, String path, List<String> problems) {
    IndexEntries entries = indexer.extract(resource);
    int count = entries.size();
    if (count > maxIndexEntries) {
      problems.add(
          path
              + " has "
              + count
              + " searchable values; at most "
              + maxIndexEntries
              + " are allowed (vitalflow.fhir.max-index-entries)");
    }
  }
}
