package io.vitalflow.fhir.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The R4 Patient compartment, from HAPI's compartment definitions ({@link
 * RuntimeResourceDefinition#getSearchParamsForCompartmentName}): a resource of a member type is in
 * patient {@code p}'s compartment when one of its compartment parameters' elements holds the
 * reference {@code Patient/p}; the Patient resource {@code p} itself is in it by its id (VitalFlow
 * does not follow {@code Patient.link}). Types without compartment parameters (Practitioner,
 * Organization, Location, ...) are in no patient's compartment.
 *
 * <p>The same definition is evaluated in SQL over the stored JSON (reads: {@link #sql}) and in Java
 * over a parsed resource (writes: {@link #contains}). Only relative references {@code Patient/p}
 * count; an absolute URL or a reference with a version does not (fails closed).
 */
public final class PatientCompartment {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Pattern ELEMENT = Pattern.compile("[a-z][A-Za-z]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Member type to the element paths (relative, dotted) of its compartment parameters. */
  private static final Map<String, List<String>> PATHS = paths();

  /** Member type to a JSON path that is true when one of the elements references {@code $ref}. */
  private static final Map<String, String> JSON_PATHS = jsonPaths();

  private PatientCompartment() {}

  /** Whether resources of {@code type} can be in a patient's compartment at all. */
  public static boolean hasMembers(String type) {
    return type.equals("Patient") || PATHS.containsKey(type);
  }

  /** The member types, Patient included, in name order. */
  public static Set<String> memberTypes() {
    Set<String> types = new TreeSet<>(PATHS.keySet());
    types.add("Patient");
    return types;
  }

  /** The element paths (e.g. {@code subject}, {@code participant.actor}) of a member type. */
  public static List<String> paths(String type) {
    return PATHS.getOrDefault(type, List.of());
  }

  /**
   * SQL that is true for a row {@code alias} of {@code fhir_resource} or {@code
   * fhir_resource_history} of type {@code type} that is in {@code patient}'s compartment; {@code
   * false} for a type without members. Every value is a bind value made by {@code bind}.
   */
  static String sql(String alias, String type, String patient, Function<Object, String> bind) {
    if (!ID.matcher(patient).matches()) {
      return "false";
    }
    if (type.equals("Patient")) {
      return alias + ".res_id = " + bind.apply(patient);
    }
    String path = JSON_PATHS.get(type);
    if (path == null) {
      return "false";
    }
    return "jsonb_path_exists(cast("
        + alias
        + ".resource as jsonb), cast("
        + bind.apply(path)
        + " as jsonpath), cast("
        + bind.apply("{\"ref\":\"Patient/" + patient + "\"}")
        + " as jsonb))";
  }

  /**
   * {@link #sql} for a row of any of {@code types} (its own {@code res_type} decides which
   * definition applies).
   */
  public static String sqlAnyOf(
      String alias, Collection<String> types, String patient, Function<Object, String> bind) {
    List<String> alternatives = new ArrayList<>();
    for (String type : new TreeSet<>(types)) {
      if (hasMembers(type)) {
        alternatives.add(
            "("
                + alias
                + ".res_type = "
                + bind.apply(type)
                + " and "
                + sql(alias, type, patient, bind)
                + ")");
      }
    }
    return alternatives.isEmpty() ? "false" : "(" + String.join(" or ", alternatives) + ")";
  }

  /** Whether {@code resource} (as it would be stored with {@code id}) is in the compartment. */
  public static boolean contains(IBaseResource resource, String id, String patient) {
    String type = FHIR.getResourceType(resource);
    if (type.equals("Patient")) {
      return patient.equals(id);
    }
    String reference = "Patient/" + patient;
    FhirTerser terser = FHIR.newTerser();
    for (String path : paths(type)) {
      for (IBase value : terser.getValues(resource, type + "." + path)) {
        if (value instanceof IBaseReference ref
            && ref.getReferenceElement() != null
            && reference.equals(ref.getReferenceElement().getValue())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The patients whose compartment {@code resource} (as it would be stored with {@code id}) is in:
   * the ids of the relative {@code Patient/p} references in its compartment elements, or its own id
   * for a Patient. For the audit trail, which names the patients a request read or changed.
   */
  public static Set<String> patients(IBaseResource resource, String id) {
    Set<String> patients = new LinkedHashSet<>();
    String type = FHIR.getResourceType(resource);
    if (type.equals("Patient")) {
      addId(patients, id);
      return patients;
    }
    FhirTerser terser = FHIR.newTerser();
    for (String path : paths(type)) {
      for (IBase value : terser.getValues(resource, type + "." + path)) {
        if (value instanceof IBaseReference ref && ref.getReferenceElement() != null) {
          addReference(patients, ref.getReferenceElement().getValue());
        }
      }
    }
    return patients;
  }

  /**
   * {@link #patients(IBaseResource, String)} of a stored resource's JSON (its {@code resourceType}
   * and {@code id} inside); empty for JSON that is not a resource. Walks the compartment elements
   * of the JSON tree without parsing the resource into HAPI's model.
   */
  public static Set<String> patientsOfJson(String json) {
    Set<String> patients = new LinkedHashSet<>();
    if (json == null) {
      return patients;
    }
    JsonNode root;
    try {
      String patient = patientItself(json);
      if (patient != null) {
        addId(patients, patient);
        return patients;
      }
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      return patients;
    }
    String type = root.path("resourceType").asString("");
    if (type.equals("Patient")) {
      addId(patients, root.path("id").asString(""));
      return patients;
    }
    for (String path : paths(type)) {
      collect(root, path.split("\\."), 0, patients);
    }
    return patients;
  }

  /**
   * The id of a Patient resource read from its top-level fields only, without building the tree (a
   * Patient is its own compartment, and reads of Patients are the most common); null when the JSON
   * is another resource, or a Patient whose id comes after a nested element.
   */
  private static String patientItself(String json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String type = null;
      String id = null;
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          return null; // only the leading scalars are read
        }
        if (name.equals("resourceType")) {
          type = parser.getString();
          if (!type.equals("Patient")) {
            return null;
          }
        } else if (name.equals("id")) {
          id = parser.getString();
        }
        if (type != null && id != null) {
          return id;
        }
      }
      return null;
    }
  }

  private static void collect(JsonNode node, String[] path, int index, Set<String> patients) {
    if (node.isArray()) {
      for (JsonNode item : node) {
        collect(item, path, index, patients);
      }
      return;
    }
    if (index == path.length) {
      addReference(patients, node.path("reference").asString(""));
      return;
    }
    JsonNode next = node.get(path[index]);
    if (next != null) {
      collect(next, path, index + 1, patients);
    }
  }

  private static void addReference(Set<String> patients, String reference) {
    if (reference != null && reference.startsWith("Patient/")) {
      addId(patients, reference.substring("Patient/".length()));
    }
  }

  private static void addId(Set<String> patients, String id) {
    if (id != null && ID.matcher(id).matches()) {
      patients.add(id);
    }
  }

  private static Map<String, List<String>> paths() {
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (String type : new TreeSet<>(FHIR.getResourceTypes())) {
      if (type.equals("Patient")) {
        continue;
      }
      RuntimeResourceDefinition definition = FHIR.getResourceDefinition(type);
      List<RuntimeSearchParam> params = definition.getSearchParamsForCompartmentName("Patient");
      if (params == null || params.isEmpty()) {
        continue;
      }
      Set<String> paths = new LinkedHashSet<>();
      for (RuntimeSearchParam param : params) {
        for (String expression : param.getPathsSplit()) {
          String path = relative(type, expression);
          if (path != null) {
            paths.add(path);
          }
        }
      }
      if (!paths.isEmpty()) {
        all.put(type, List.copyOf(paths));
      }
    }
    return Map.copyOf(all);
  }

  /**
   * {@code Observation.subject.where(resolve() is Patient)} to {@code subject}: the reference's
   * element; the type test is implied by matching {@code Patient/p}. Null for an expression this
   * class cannot follow (none in R4's Patient compartment).
   */
  static String relative(String type, String expression) {
    String path = expression.trim();
    int where = path.indexOf(".where(");
    if (where >= 0) {
      path = path.substring(0, where);
    }
    if (!path.startsWith(type + ".")) {
      return null;
    }
    path = path.substring(type.length() + 1);
    for (String element : path.split("\\.")) {
      if (!ELEMENT.matcher(element).matches()) {
        return null;
      }
    }
    return path;
  }

  private static Map<String, String> jsonPaths() {
    Map<String, String> all = new LinkedHashMap<>();
    PATHS.forEach(
        (type, paths) -> {
          List<String> tests = new ArrayList<>();
          for (String path : paths) {
            // lax mode: arrays on the way are unwrapped, and == holds when any value matches
            tests.add("@." + path + ".reference == $ref");
          }
          all.put(type, "$ ? (" + String.join(" || ", tests) + ")");
        });
    return Map.copyOf(all);
  }
}
