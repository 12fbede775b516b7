package io.vitalflow.fhir.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import io.vitalflow.fhir.cds.OrderedMedication.Origin;
import io.vitalflow.fhir.input.BodyScan;
import io.vitalflow.fhir.input.InputRejected;
import io.vitalflow.interactions.InteractionChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a CDS Hooks request body: {@code hook}, {@code hookInstance}, {@code context.patientId},
 * {@code context.draftOrders} (a FHIR Bundle), {@code context.selections} (order-select) and the
 * optional {@code prefetch.medications} Bundle. Every problem is an {@link InvalidHookRequest}
 * whose message describes the structure, never the data.
 */
final class HookRequestParser {

  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private HookRequestParser() {}

  /**
   * @param scan the pre-scan every JSON body of fhir-api passes: duplicate keys, nesting depth,
   *     narratives (the draft orders are FHIR resources that HAPI parses)
   */
  static HookRequest parse(CdsService service, String body, BodyScan scan) {
    JsonNode root = jsonObject(body, scan, "a CDS Hooks request");
    String hook = requiredString(root, "hook", "hook");
    if (!hook.equals(service.hook())) {
      throw new InvalidHookRequest(
          "service "
              + service.id()
              + " answers the hook "
              + service.hook()
              + ", not the hook named in the request");
    }
    String hookInstance = requiredString(root, "hookInstance", "hookInstance");
    JsonNode context = root.get("context");
    if (context == null || !context.isObject()) {
      throw new InvalidHookRequest("context must be a JSON object");
    }
    String patientId = requiredString(context, "patientId", "context.patientId");
    JsonNode draftOrders = context.get("draftOrders");
    if (draftOrders == null || !draftOrders.isObject()) {
      throw new InvalidHookRequest("context.draftOrders must be a FHIR Bundle");
    }
    Bundle drafts = bundle(draftOrders, "context.draftOrders");
    Set<String> selections = selections(service, context);

    Set<String> draftReferences = new LinkedHashSet<>();
    List<OrderedMedication> selected = new ArrayList<>();
    List<OrderedMedication> others = new ArrayList<>();
    Map<String, Medication> draftMedications = medicationsOf(drafts);
    for (Bundle.BundleEntryComponent entry : drafts.getEntry()) {
      Resource resource = entry.getResource();
      if (resource == null) {
        continue;
      }
      String reference = referenceOf(resource);
      if (reference != null) {
        draftReferences.add(reference);
      }
      if (resource instanceof MedicationRequest order) {
        OrderedMedication medication =
            ordered(Origin.DRAFT_ORDER, order, reference, draftMedications);
        (reference != null && selections.contains(reference) ? selected : others).add(medication);
      }
    }
    for (String selection : selections) {
      if (!draftReferences.contains(selection)) {
        throw new InvalidHookRequest(
            "context.selections names a resource that is not in context.draftOrders");
      }
    }
    List<OrderedMedication> ordered = new ArrayList<>(selected);
    ordered.addAll(others);
    List<OrderedMedication> active = active(root.get("prefetch"), draftReferences);
    checkSize(ordered.size(), active == null ? 0 : active.size());
    return new HookRequest(
        hook,
        hookInstance,
        patientId,
        ordered,
        selections,
        active == null ? List.of() : active,
        active != null,
        fhirAccessToken(root.get("fhirAuthorization")));
  }

  /**
   * {@code fhirAuthorization.access_token} (CDS Hooks 2.0: the bearer token for the FHIR server);
   * null when the request has none.
   */
  private static String fhirAccessToken(JsonNode authorization) {
    if (authorization == null || authorization.isNull()) {
      return null;
    }
    if (!authorization.isObject()) {
      throw new InvalidHookRequest("fhirAuthorization must be a JSON object");
    }
    String token = requiredString(authorization, "access_token", "fhirAuthorization.access_token");
    JsonNode type = authorization.get("token_type");
    if (type != null
        && !type.isNull()
        && !(type.isString() && "Bearer".equalsIgnoreCase(type.stringValue()))) {
      throw new InvalidHookRequest("fhirAuthorization.token_type must be Bearer");
    }
    return token;
  }

  private static void checkSize(int drafts, int active) {
    if (drafts + active > InteractionChecker.MAX_MEDICATIONS) {
      throw new InvalidHookRequest(
          "at most "
              + InteractionChecker.MAX_MEDICATIONS
              + " medications (draft orders and active medications together) can be checked at once");
    }
  }

  /**
   * The active medications of a request sent without {@code prefetch.medications}, from the
   * MedicationRequests the FHIR store holds for the patient ({@code resources}: their JSON), minus
   * the hook's draft orders.
   */
  static List<OrderedMedication> activeFromStore(HookRequest request, List<String> resources) {
    Set<String> draftReferences = new HashSet<>();
    for (OrderedMedication draft : request.drafts()) {
      if (draft.reference() != null) {
        draftReferences.add(draft.reference());
      }
    }
    IParser parser = FHIR.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
    List<OrderedMedication> result = new ArrayList<>();
    for (String json : resources) {
      MedicationRequest order = parser.parseResource(MedicationRequest.class, json);
      if (order.getStatus() == MedicationRequest.MedicationRequestStatus.ACTIVE) {
        String reference = referenceOf(order);
        if (reference == null || !draftReferences.contains(reference)) {
          result.add(ordered(Origin.ACTIVE_MEDICATION, order, reference, Map.of()));
        }
      }
    }
    checkSize(request.drafts().size(), result.size());
    return result;
  }

  private static Set<String> selections(CdsService service, JsonNode context) {
    JsonNode selections = context.get("selections");
    if (!service.hook().equals(CdsService.ORDER_SELECT)) {
      return Set.of();
    }
    if (selections == null || !selections.isArray() || selections.isEmpty()) {
      throw new InvalidHookRequest(
          "order-select needs context.selections: a non-empty array of references");
    }
    Set<String> result = new LinkedHashSet<>();
    for (JsonNode selection : selections) {
      if (!selection.isString() || selection.stringValue().isBlank()) {
        throw new InvalidHookRequest(
            "context.selections must hold references such as MedicationRequest/123");
      }
      result.add(selection.stringValue());
    }
    return result;
  }

  /**
   * Active MedicationRequests of {@code prefetch.medications}; null when the client sent none (no
   * prefetch, or {@code medications} missing or null, which CDS Hooks uses for "could not fetch"):
   * the service looks them up.
   */
  private static List<OrderedMedication> active(JsonNode prefetch, Set<String> draftReferences) {
    if (prefetch == null || prefetch.isNull()) {
      return null;
    }
    if (!prefetch.isObject()) {
      throw new InvalidHookRequest("prefetch must be a JSON object");
    }
    JsonNode medications = prefetch.get(CdsService.MEDICATIONS_PREFETCH);
    if (medications == null || medications.isNull()) {
      return null;
    }
    if (!medications.isObject()) {
      throw new InvalidHookRequest("prefetch.medications must be a FHIR Bundle");
    }
    Bundle bundle = bundle(medications, "prefetch.medications");
    Map<String, Medication> referenced = medicationsOf(bundle);
    List<OrderedMedication> result = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() instanceof MedicationRequest order
          && order.getStatus() == MedicationRequest.MedicationRequestStatus.ACTIVE) {
        String reference = referenceOf(order);
        if (reference == null || !draftReferences.contains(reference)) {
          result.add(ordered(Origin.ACTIVE_MEDICATION, order, reference, referenced));
        }
      }
    }
    return result;
  }

  private static Bundle bundle(JsonNode json, String where) {
    if (!"Bundle".equals(json.path("resourceType").asString(null))) {
      throw new InvalidHookRequest(where + " must be a FHIR Bundle (resourceType Bundle)");
    }
    IParser parser = FHIR.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
    try {
      return parser.parseResource(Bundle.class, json.toString());
    } catch (DataFormatException e) {
      throw new InvalidHookRequest(where + " is not a valid FHIR R4 Bundle");
    }
  }

  /**
   * Medication resources of a Bundle by {@code Medication/id} and by full URL, for
   * medicationReference.
   */
  private static Map<String, Medication> medicationsOf(Bundle bundle) {
    Map<String, Medication> result = new HashMap<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getResource() instanceof Medication medication) {
        String reference = referenceOf(medication);
        if (reference != null) {
          result.put(reference, medication);
        }
        if (entry.hasFullUrl()) {
          result.put(entry.getFullUrl(), medication);
        }
      }
    }
    return result;
  }

  private static OrderedMedication ordered(
      Origin origin,
      MedicationRequest order,
      String reference,
      Map<String, Medication> bundleMedications) {
    CodeableConcept code = null;
    if (order.hasMedicationCodeableConcept()) {
      code = order.getMedicationCodeableConcept();
    } else if (order.hasMedicationReference()) {
      Reference medication = order.getMedicationReference();
      IBaseResource target = medication.getResource();
      if (target instanceof Medication contained) {
        code = contained.getCode();
      } else if (medication.hasReference()
          && bundleMedications.containsKey(medication.getReference())) {
        code = bundleMedications.get(medication.getReference()).getCode();
      } else if (medication.hasDisplay()) {
        code = new CodeableConcept().setText(medication.getDisplay());
      }
    }
    String rxcui = null;
    String display = null;
    if (code != null) {
      for (Coding coding : code.getCoding()) {
        if (rxcui == null && RXNORM.equals(coding.getSystem()) && coding.hasCode()) {
          rxcui = coding.getCode().trim();
          if (coding.hasDisplay()) {
            display = coding.getDisplay();
          }
        }
      }
      if (display == null) {
        display =
            code.getCoding().stream()
                .filter(Coding::hasDisplay)
                .map(Coding::getDisplay)
                .findFirst()
                .orElse(null);
      }
    }
    String name = code != null && code.hasText() ? code.getText() : display;
    String label =
        name != null && !name.isBlank()
            ? name.strip()
            : rxcui != null
                ? "RxNorm " + rxcui
                : reference != null
                    ? reference + " (no medication code or name)"
                    : "medication without code or name";
    return new OrderedMedication(
        origin, reference, label, new io.vitalflow.interactions.Medication(rxcui, name));
  }

  private static String referenceOf(Resource resource) {
    if (!resource.hasIdElement() || resource.getIdElement().getIdPart() == null) {
      return null;
    }
    return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
  }

  private static String requiredString(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString() || value.stringValue().isBlank()) {
      throw new InvalidHookRequest(path + " must be a non-empty string");
    }
    return value.stringValue();
  }

  /**
   * The body as a JSON object, after the pre-scan every JSON body of fhir-api passes; a clear 400
   * otherwise.
   *
   * @param what what the body should be, for the message (e.g. "a feedback request")
   */
  static JsonNode jsonObject(String body, BodyScan scan, String what) {
    if (body == null || body.isBlank()) {
      throw new InvalidHookRequest("the request body is empty; " + what + " is a JSON object");
    }
    try {
      scan.json(body);
    } catch (InputRejected e) {
      throw new InvalidHookRequest(e.getMessage());
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new InvalidHookRequest("the request body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidHookRequest("the request body must be a JSON object");
    }
    return root;
  }
}
