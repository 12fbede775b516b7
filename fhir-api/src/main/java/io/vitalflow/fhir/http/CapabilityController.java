package io.vitalflow.fhir.http;

import io.vitalflow.fhir.FhirProperties;
import io.vitalflow.fhir.access.SmartEndpoints;
import io.vitalflow.fhir.search.SearchParameterInfo;
import io.vitalflow.web.OverloadAnswer.Json;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalReadStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ReferenceHandlingPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /fhir/metadata}: what this server implements, no more. Every R4 type can be stored and
 * read (generic storage); search parameters are listed per type as the search index knows them.
 */
@RestController
final class CapabilityController {

  private final Searches searches;
  private final FhirWrites writes;
  private final SmartEndpoints smart;
  private final FhirProperties properties;

  CapabilityController(
      Searches searches, FhirWrites writes, SmartEndpoints smart, FhirProperties properties) {
    this.searches = searches;
    this.writes = writes;
    this.smart = smart;
    this.properties = properties;
  }

  /**
   * The statement as each format writes it, made once: it lists about 30,000 parameters and
   * includes (close to 800 KB of JSON), and {@code /fhir/metadata} is open to anyone, so encoding
   * it per request would let any client keep a core busy. Only the base URL differs between
   * requests; it stands in the cached text as {@link #BASE}.
   */
  private final Map<FhirFormat, String> encoded = new ConcurrentHashMap<>();

  /** Where the request's base URL goes in a cached statement (a URI no request has). */
  static final String BASE = "urn:vitalflow:capability-statement-base";

  /** When this statement was made: it changes only with the server (its date). */
  private final Date published = new Date();

  @GetMapping({"/fhir/metadata", "/fhir/"})
  ResponseEntity<String> metadata(ServerHttpRequest request) {
    FhirFormat format = FhirController.responseFormat(request);
    String text =
        encoded.computeIfAbsent(
            format,
            f ->
                f.fromJson(
                    FhirFormat.FHIR.newJsonParser().encodeResourceToString(statement(BASE))));
    String base = FhirController.base(request);
    return ResponseEntity.ok()
        .contentType(format.mediaType())
        .body(text.replace(BASE, format == FhirFormat.JSON ? Json.escape(base) : xml(base)));
  }

  /** {@code value} as XML attribute text. */
  private static String xml(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  CapabilityStatement statement(String base) {
    CapabilityStatement statement = new CapabilityStatement();
    statement
        .setStatus(PublicationStatus.ACTIVE)
        .setDate(published)
        .setKind(CapabilityStatementKind.INSTANCE)
        .setFhirVersion(FHIRVersion._4_0_1)
        .setPublisher("VitalFlow");
    statement
        .addFormat("application/fhir+json")
        .addFormat("application/fhir+xml")
        .addFormat("json")
        .addFormat("xml");
    statement.getSoftware().setName("VitalFlow FHIR API");
    statement
        .getImplementation()
        .setDescription("VitalFlow: writes through Kafka, reads from PostgreSQL")
        .setUrl(base);
    CapabilityStatementRestComponent rest =
        statement.addRest().setMode(RestfulCapabilityMode.SERVER);
    smart.endpoints().ifPresent(endpoints -> security(rest, endpoints));
    if (writes.writable()) {
      rest.addInteraction().setCode(SystemRestfulInteraction.TRANSACTION);
      rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
    }
    for (String type : new TreeSet<>(ResourceTypes.ALL)) {
      CapabilityStatementRestResourceComponent resource =
          rest.addResource()
              .setType(type)
              .setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE)
              .setReadHistory(true)
              .setConditionalDelete(
                  !writes.writable()
                      ? ConditionalDeleteStatus.NOTSUPPORTED
                      : properties.conditionalDeleteMax() == 1
                          ? ConditionalDeleteStatus.SINGLE
                          : ConditionalDeleteStatus.MULTIPLE)
              .setConditionalRead(ConditionalReadStatus.FULLSUPPORT)
              .setReferencePolicy(
                  List.of(
                      new org.hl7.fhir.r4.model.Enumeration<>(
                          new CapabilityStatement.ReferenceHandlingPolicyEnumFactory(),
                          ReferenceHandlingPolicy.LITERAL)));
      resource.addInteraction().setCode(TypeRestfulInteraction.READ);
      resource.addInteraction().setCode(TypeRestfulInteraction.VREAD);
      resource.addInteraction().setCode(TypeRestfulInteraction.HISTORYINSTANCE);
      resource.addInteraction().setCode(TypeRestfulInteraction.HISTORYTYPE);
      resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
      if (writes.writable()) {
        resource.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        resource.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
        resource.addInteraction().setCode(TypeRestfulInteraction.DELETE);
        resource.addInteraction().setCode(TypeRestfulInteraction.PATCH);
        resource.setUpdateCreate(true).setConditionalCreate(true).setConditionalUpdate(true);
      }
      resource
          .addOperation()
          .setName("validate")
          .setDefinition("http://hl7.org/fhir/OperationDefinition/Resource-validate");
      if (type.equals("Patient")) {
        resource
            .addOperation()
            .setName("everything")
            .setDefinition("http://hl7.org/fhir/OperationDefinition/Patient-everything");
      }
      for (SearchParameterInfo parameter : searches.resources().supportedParameters(type)) {
        resource
            .addSearchParam()
            .setName(parameter.name())
            .setType(SearchParamType.fromCode(parameter.type().code()))
            .setDocumentation(parameter.documentation());
        if (parameter.type() == SearchParameterInfo.Type.REFERENCE) {
          resource.addSearchInclude(type + ":" + parameter.name());
        }
      }
      for (String revInclude : searches.resources().supportedRevIncludes(type)) {
        resource.addSearchRevInclude(revInclude);
      }
      if (type.equals("Observation")) {
        resource
            .addOperation()
            .setName("lastn")
            .setDefinition("http://hl7.org/fhir/OperationDefinition/Observation-lastn");
      }
    }
    return statement;
  }

  /**
   * SMART App Launch's declaration: the SMART-on-FHIR security service and the {@code oauth-uris}
   * extension with the authorization and token endpoints.
   */
  private static void security(
      CapabilityStatementRestComponent rest, SmartEndpoints.Endpoints endpoints) {
    CapabilityStatementRestSecurityComponent security = rest.getSecurity();
    security
        .addService()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
        .setCode("SMART-on-FHIR")
        .setDisplay("SMART-on-FHIR");
    security.setDescription(
        "OAuth 2.0 bearer tokens with SMART App Launch 2.x scopes (v1 and v2);"
            + " discovery at .well-known/smart-configuration");
    Extension uris =
        security
            .addExtension()
            .setUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
    uris.addExtension("authorize", new UriType(endpoints.authorize()));
    uris.addExtension("token", new UriType(endpoints.token()));
  }
}
