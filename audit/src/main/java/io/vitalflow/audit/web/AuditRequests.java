package io.vitalflow.audit.web;

import io.vitalflow.audit.AuditAction;
import io.vitalflow.audit.AuditRecord;
import io.vitalflow.audit.AuditSubtype;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an HTTP request is, for its audit event, from its method, path and query alone (never the
 * body): the FHIR RESTful interaction under {@code /fhir}, {@code cds-hook} under {@code
 * /cds-services}, {@code vitals-ingest} for {@code POST /api/v1/vitals}, else {@code request}; and
 * the patients and resources the path (or a search's {@code patient}, {@code subject} or {@code
 * Patient?_id} parameter) names. What the path does not show, the handler adds with {@link
 * AuditDetails}.
 */
final class AuditRequests {

  /** Query parameters whose values name patients, per searched type ({@code *}: any type). */
  private static final List<String> PATIENT_PARAMETERS = List.of("patient", "subject");

  private AuditRequests() {}

  /** The classification of one request. */
  record Classified(
      AuditSubtype subtype, AuditAction action, List<String> patients, List<String> entities) {}

  /**
   * @param method the HTTP method, upper case
   * @param path the path within the application, without query
   * @param query the query parameters (name to values)
   */
  static Classified classify(String method, String path, Map<String, List<String>> query) {
    List<String> segments = segments(path);
    List<String> patients = new ArrayList<>();
    List<String> entities = new ArrayList<>();
    AuditSubtype subtype;
    if (!segments.isEmpty() && segments.get(0).equals("fhir")) {
      subtype = fhir(method, segments.subList(1, segments.size()), query, patients, entities);
    } else if (!segments.isEmpty() && segments.get(0).equals("cds-services")) {
      subtype = AuditSubtype.CDS_HOOK;
    } else if (path.equals("/api/v1/vitals") && method.equals("POST")) {
      subtype = AuditSubtype.VITALS_INGEST;
    } else {
      subtype = other(method, segments, query, patients);
    }
    AuditAction action =
        subtype == AuditSubtype.REQUEST ? actionOf(method) : subtype.defaultAction();
    return new Classified(subtype, action, patients, entities);
  }

  private static AuditSubtype fhir(
      String method,
      List<String> s,
      Map<String, List<String>> query,
      List<String> patients,
      List<String> entities) {
    int n = s.size();
    boolean get = method.equals("GET") || method.equals("HEAD");
    boolean post = method.equals("POST");
    if (n == 0) {
      if (post) {
        return AuditSubtype.TRANSACTION; // or batch: the Bundle says, the handler corrects it
      }
      return get && query.isEmpty()
          ? AuditSubtype.CAPABILITIES
          : searchSystem(get, query, patients);
    }
    String first = s.get(0);
    if (n == 1 && first.equals("metadata")) {
      return AuditSubtype.CAPABILITIES;
    }
    if (first.startsWith("$")) {
      return AuditSubtype.OPERATION;
    }
    if (n == 1 && first.equals("_history")) {
      return AuditSubtype.HISTORY_SYSTEM;
    }
    if (n == 1 && first.equals("_search") && post) {
      return AuditSubtype.SEARCH_SYSTEM;
    }
    if (!isType(first)) {
      return AuditSubtype.REQUEST;
    }
    String type = first;
    if (n == 1) {
      entities.add(type);
      return switch (method) {
        case "GET", "HEAD" -> {
          queryPatients(type, query, patients);
          yield AuditSubtype.SEARCH_TYPE;
        }
        case "POST" -> AuditSubtype.CREATE;
        case "PUT" -> AuditSubtype.UPDATE; // conditional update
        case "PATCH" -> AuditSubtype.PATCH;
        case "DELETE" -> AuditSubtype.DELETE; // conditional delete
        default -> AuditSubtype.REQUEST;
      };
    }
    String second = s.get(1);
    if (n == 2 && second.equals("_search") && post) {
      entities.add(type);
      return AuditSubtype.SEARCH_TYPE;
    }
    if (n == 2 && second.equals("_history")) {
      entities.add(type);
      return AuditSubtype.HISTORY_TYPE;
    }
    if (n == 2 && second.startsWith("$")) {
      entities.add(type);
      if (get) {
        queryPatients(type, query, patients);
      }
      return AuditSubtype.OPERATION;
    }
    if (!AuditRecord.isFhirId(second)) {
      return AuditSubtype.REQUEST;
    }
    String instance = type + "/" + second;
    if (type.equals("Patient")) {
      patients.add(second);
    }
    if (n == 2) {
      addInstance(instance, entities);
      return switch (method) {
        case "GET", "HEAD" -> AuditSubtype.READ;
        case "PUT" -> AuditSubtype.UPDATE;
        case "PATCH" -> AuditSubtype.PATCH;
        case "DELETE" -> AuditSubtype.DELETE;
        default -> AuditSubtype.REQUEST;
      };
    }
    String third = s.get(2);
    if (third.startsWith("$")) {
      addInstance(instance, entities);
      return AuditSubtype.OPERATION;
    }
    if (third.equals("_history")) {
      if (n == 3) {
        addInstance(instance, entities);
        return AuditSubtype.HISTORY_INSTANCE;
      }
      if (n == 4 && AuditRecord.isFhirId(s.get(3))) {
        entities.add(instance + "/_history/" + s.get(3));
        return AuditSubtype.VREAD;
      }
      return AuditSubtype.REQUEST;
    }
    if (type.equals("Patient") && isType(third) && n == 3 && get) {
      entities.add(third); // a compartment search: GET /fhir/Patient/{id}/{Type}
      return AuditSubtype.SEARCH_TYPE;
    }
    addInstance(instance, entities);
    return AuditSubtype.REQUEST;
  }

  private static AuditSubtype searchSystem(
      boolean get, Map<String, List<String>> query, List<String> patients) {
    if (!get) {
      return AuditSubtype.REQUEST;
    }
    queryPatients("*", query, patients);
    return AuditSubtype.SEARCH_SYSTEM;
  }

  /** {@code patient=}, {@code subject=Patient/..} and, searching Patient, {@code _id=}. */
  private static void queryPatients(
      String type, Map<String, List<String>> query, List<String> patients) {
    for (String name : PATIENT_PARAMETERS) {
      for (String value : query.getOrDefault(name, List.of())) {
        for (String one : value.split(",", -1)) {
          if (one.startsWith("Patient/")) {
            addPatient(one.substring(8), patients);
          } else if (name.equals("patient") && !one.contains("/")) {
            addPatient(one, patients);
          }
        }
      }
    }
    if (type.equals("Patient")) {
      for (String value : query.getOrDefault("_id", List.of())) {
        for (String one : value.split(",", -1)) {
          addPatient(one, patients);
        }
      }
    }
  }

  /**
   * {@code /api/v1/patients/{id}/..}, {@code /api/v1/wards/{ward}/patients/{id}}, the dashboard.
   */
  private static AuditSubtype other(
      String method, List<String> s, Map<String, List<String>> query, List<String> patients) {
    int n = s.size();
    if (n >= 3 && s.get(0).equals("api") && s.get(1).equals("v1")) {
      if (n >= 4 && s.get(2).equals("patients")) {
        addPatient(s.get(3), patients);
      }
      if (n == 6 && s.get(2).equals("wards") && s.get(4).equals("patients")) {
        addPatient(s.get(5), patients);
        if (method.equals("PUT")) {
          return AuditSubtype.WARD_MOVE;
        }
      }
      if (n == 4
          && s.get(2).equals("dashboard")
          && s.get(3).equals("events")
          && method.equals("GET")) {
        for (String value : query.getOrDefault("patients", List.of())) {
          for (String one : value.split(",", -1)) {
            addPatient(one, patients);
          }
        }
        return AuditSubtype.SUBSCRIBE;
      }
    }
    return AuditSubtype.REQUEST;
  }

  /** {@code Type/id}; a {@code Patient/id} is among the patients already. */
  private static void addInstance(String instance, List<String> entities) {
    if (!instance.startsWith("Patient/")) {
      entities.add(instance);
    }
  }

  private static void addPatient(String id, List<String> patients) {
    if (AuditRecord.isFhirId(id) && !patients.contains(id)) {
      patients.add(id);
    }
  }

  static AuditAction actionOf(String method) {
    return switch (method) {
      case "GET", "HEAD" -> AuditAction.READ;
      case "PUT", "PATCH" -> AuditAction.UPDATE;
      case "DELETE" -> AuditAction.DELETE;
      default -> AuditAction.EXECUTE;
    };
  }

  /** The non-empty segments of {@code path} (what {@code split("/")} gives, without its copies). */
  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>(4);
    int start = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        if (i > start) {
          segments.add(path.substring(start, i));
        }
        start = i + 1;
      }
    }
    return segments;
  }

  /** A resource type's shape: an upper-case letter, then 1-63 letters (no matcher per request). */
  static boolean isType(String segment) {
    int n = segment.length();
    if (n < 2 || n > 64 || segment.charAt(0) < 'A' || segment.charAt(0) > 'Z') {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = segment.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
  }
}
