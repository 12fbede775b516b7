package io.vitalflow.fhir.cds;

import java.util.List;
import java.util.stream.Collectors;

/** CDS Hooks request bodies for the tests, with RxNorm-coded MedicationRequests. */
final class HookJson {

  static final String WARFARIN = "855332"; // warfarin sodium 5 MG Oral Tablet
  static final String IBUPROFEN = "310965"; // ibuprofen 200 MG Oral Tablet
  static final String METFORMIN = "861007"; // metformin hydrochloride 500 MG Oral Tablet
  static final String LISINOPRIL = "314076"; // lisinopril 10 MG Oral Tablet
  static final String SIMVASTATIN = "312961"; // simvastatin 20 MG Oral Tablet
  static final String CLARITHROMYCIN = "197517"; // clarithromycin 500 MG Oral Tablet

  private HookJson() {}

  static String order(String id, String status, String rxcui, String display) {
    return """
        {"resourceType":"MedicationRequest","id":"%s","status":"%s","intent":"order",
         "subject":{"reference":"Patient/p-1"},
         "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm",
           "code":"%s","display":"%s"}],"text":"%s"}}"""
        .formatted(id, status, rxcui, display, display);
  }

  static String draft(String id, String rxcui, String display) {
    return order(id, "draft", rxcui, display);
  }

  static String active(String id, String rxcui, String display) {
    return order(id, "active", rxcui, display);
  }

  static String bundle(String type, List<String> resources) {
    return "{\"resourceType\":\"Bundle\",\"type\":\""
        + type
        + "\",\"entry\":["
        + resources.stream().map(r -> "{\"resource\":" + r + "}").collect(Collectors.joining(","))
        + "]}";
  }

  static String sign(List<String> drafts) {
    return request("order-sign", drafts, null, null);
  }

  static String request(
      String hook, List<String> drafts, List<String> selections, List<String> active) {
    StringBuilder json =
        new StringBuilder("{\"hook\":\"")
            .append(hook)
            .append("\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\",\"context\":{")
            .append("\"userId\":\"Practitioner/1\",\"patientId\":\"p-1\",\"draftOrders\":")
            .append(bundle("collection", drafts));
    if (selections != null) {
      json.append(",\"selections\":[")
          .append(selections.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",")))
          .append(']');
    }
    json.append('}');
    if (active != null) {
      json.append(",\"prefetch\":{\"medications\":")
          .append(bundle("searchset", active))
          .append('}');
    }
    return json.append('}').toString();
  }
}
