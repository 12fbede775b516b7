package io.vitalflow.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;

/**
 * The FHIR R4 {@code AuditEvent} of an {@link AuditRecord}, shaped like the IHE Basic Audit Log
 * Patterns (BALP): type {@code rest} with the interaction as subtype; the requesting agent (a user
 * with {@code requestor=true} and the client as a second agent, or the client alone when it acts on
 * its own) with the client's network address; the observing service as source; the patients as
 * entities with role Patient, other resources as system objects, the request id as a BALP {@code
 * XrequestId} entity. References only: an event never carries content. Thread-safe.
 */
public final class AuditEvents {

  public static final String EVENT_TYPE_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/audit-event-type";
  public static final String ENTITY_TYPE_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  public static final String OBJECT_ROLE_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/object-role";
  public static final String SECURITY_ROLE_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
  public static final String DICOM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM";
  public static final String SOURCE_TYPE_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/security-source-type";
  public static final String BALP_ENTITY_TYPE_SYSTEM =
      "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

  /** Extension on the AuditEvent: the HTTP status answered (valueInteger). */
  public static final String HTTP_STATUS_EXTENSION =
      "https://vitalflow.io/fhir/StructureDefinition/http-status";

  /** {@code agent.name} of the requesting agent of an unauthenticated request. */
  public static final String UNAUTHENTICATED = "unauthenticated";

  private AuditEvents() {}

  public static AuditEvent toFhir(AuditRecord record) {
    AuditEvent event = new AuditEvent();
    event.setId(record.id().toString());
    event.setType(new Coding(EVENT_TYPE_SYSTEM, "rest", "Restful Operation"));
    event.addSubtype(
        new Coding(record.subtype().system(), record.subtype().code(), record.subtype().code()));
    event.setAction(AuditEventAction.fromCode(record.action().code()));
    event.setRecordedElement(new InstantType(AuditJson.INSTANT.format(record.recorded())));
    event.setOutcome(AuditEventOutcome.fromCode(Integer.toString(record.outcome().code())));
    if (record.status() != 0) {
      event.setOutcomeDesc("HTTP " + record.status());
      event.addExtension(HTTP_STATUS_EXTENSION, new IntegerType(record.status()));
    }
    agents(record, event);
    event
        .getSource()
        .setObserver(
            new Reference()
                .setIdentifier(new Identifier().setValue(record.service()))
                .setDisplay(record.service()))
        .addType(new Coding(SOURCE_TYPE_SYSTEM, "4", "Application Server"));
    for (String patient : record.patients()) {
      event
          .addEntity()
          .setWhat(new Reference("Patient/" + patient))
          .setType(new Coding(ENTITY_TYPE_SYSTEM, "1", "Person"))
          .setRole(new Coding(OBJECT_ROLE_SYSTEM, "1", "Patient"));
    }
    for (String entity : record.entities()) {
      Reference what =
          entity.indexOf('/') < 0 ? new Reference().setType(entity) : new Reference(entity);
      event
          .addEntity()
          .setWhat(what)
          .setType(new Coding(ENTITY_TYPE_SYSTEM, "2", "System Object"))
          .setRole(new Coding(OBJECT_ROLE_SYSTEM, "4", "Domain Resource"));
    }
    if (record.requestId() != null) {
      event
          .addEntity()
          .setWhat(new Reference().setIdentifier(new Identifier().setValue(record.requestId())))
          .setType(new Coding(BALP_ENTITY_TYPE_SYSTEM, "XrequestId", "XrequestId"));
    }
    return event;
  }

  /**
   * {@link #toFhir} as FHIR JSON, what {@code audit.v1} carries and {@code audit_event} keeps;
   * written directly (about a hundred times cheaper than HAPI's encoder), the same document.
   */
  public static String toJson(AuditRecord record) {
    return AuditJson.write(record);
  }

  /**
   * The record an {@code AuditEvent} of {@link #toFhir} was made of.
   *
   * @throws IllegalArgumentException when the event is not of that shape
   */
  public static AuditRecord fromFhir(AuditEvent event) {
    try {
      AuditRecord.Builder record =
          AuditRecord.builder(
                  event.getSource().getObserver().getIdentifier().getValue(),
                  AuditSubtype.ofCode(event.getSubtypeFirstRep().getCode()))
              .id(UUID.fromString(event.getIdElement().getIdPart()))
              .recorded(event.getRecorded().toInstant())
              .action(AuditAction.ofCode(event.getAction().toCode()))
              .outcome(AuditOutcome.ofCode(Integer.parseInt(event.getOutcome().toCode())));
      var status = event.getExtensionByUrl(HTTP_STATUS_EXTENSION);
      if (status != null && status.getValue() instanceof IntegerType code) {
        record.status(code.getValue());
      }
      String subject = null;
      String client = null;
      for (AuditEventAgentComponent agent : event.getAgent()) {
        if (agent.getRequestor() && agent.getNetwork().hasAddress()) {
          record.source(agent.getNetwork().getAddress());
        }
        String who = agent.getWho().getIdentifier().getValue();
        String type = agent.getType().getCodingFirstRep().getCode();
        if ("humanuser".equals(type)) {
          subject = who;
        } else if ("110150".equals(type)) {
          client = who;
        }
      }
      record.agent(subject, client);
      for (AuditEventEntityComponent entity : event.getEntity()) {
        Reference what = entity.getWhat();
        switch (entity.getType().getCode()) {
          case "1" -> record.patient(what.getReferenceElement().getIdPart());
          case "2" -> record.entity(what.hasReference() ? what.getReference() : what.getType());
          case "XrequestId" -> record.requestId(what.getIdentifier().getValue());
          default -> {}
        }
      }
      return record.build();
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not an AuditEvent of VitalFlow's shape (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * The record of FHIR JSON of {@link #toJson} (read directly, without HAPI's parser).
   *
   * @throws IllegalArgumentException when it is not an AuditEvent of that shape
   */
  public static AuditRecord fromJson(String json) {
    return AuditJson.read(json);
  }

  /** {@link #toJson} as UTF-8 bytes, what {@code audit.v1} carries. */
  public static byte[] toJsonBytes(AuditRecord record) {
    return AuditJson.utf8(record);
  }

  /**
   * {@link #fromJson} of UTF-8 bytes, as the sink reads them from {@code audit.v1}.
   *
   * @throws IllegalArgumentException when it is not an AuditEvent of that shape
   */
  public static AuditRecord fromJson(byte[] utf8) {
    return AuditJson.read(utf8);
  }

  private static void agents(AuditRecord record, AuditEvent event) {
    List<AuditEventAgentComponent> agents = new ArrayList<>();
    String subject = record.agentSubject();
    String client = record.clientId();
    boolean user = subject != null && !subject.equals(client);
    if (user) {
      agents.add(
          new AuditEventAgentComponent()
              .setType(concept(SECURITY_ROLE_SYSTEM, "humanuser", "human user"))
              .setWho(new Reference().setIdentifier(new Identifier().setValue(subject)))
              .setRequestor(true));
    }
    if (client != null) {
      agents.add(
          new AuditEventAgentComponent()
              .setType(concept(DICOM_SYSTEM, "110150", "Application"))
              .setWho(new Reference().setIdentifier(new Identifier().setValue(client)))
              .setRequestor(!user));
    }
    if (agents.isEmpty()) {
      agents.add(new AuditEventAgentComponent().setName(UNAUTHENTICATED).setRequestor(true));
    }
    if (record.sourceAddress() != null) {
      agents
          .get(0)
          .getNetwork()
          .setAddress(record.sourceAddress())
          .setType(AuditEventAgentNetworkType._2);
    }
    agents.forEach(event::addAgent);
  }

  private static CodeableConcept concept(String system, String code, String display) {
    return new CodeableConcept(new Coding(system, code, display));
  }
}
