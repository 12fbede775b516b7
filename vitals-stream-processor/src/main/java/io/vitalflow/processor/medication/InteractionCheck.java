package io.vitalflow.processor.medication;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.host.PluginException;
import io.vitalflow.schemas.DeadLetter;

/**
 * Second step, keyed by patient: applies an {@link OrderChange} to the patient's list, re-checks the list when it
 * changed, and reports each interaction pair not reported yet (a {@code DetectedIssue} command and an alert).
 * Pairs that are no longer on the list are forgotten, so a pair that comes back later is reported again. When the
 * check fails the list is still updated (it is the truth about the orders), the event is dead-lettered, and the
 * next change of that patient checks again and reports what was missed.
 */
final class InteractionCheck implements Processor<String, OrderChange, String, Object> {

  private static final Logger log = LoggerFactory.getLogger(InteractionCheck.class);

  private final InteractionChecker checker;
  private final InteractionReport reports;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, PatientMedications> patients;

  InteractionCheck(InteractionChecker checker, InteractionReport reports) {
    this.checker = checker;
    this.reports = reports;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.patients = context.getStateStore(MedicationTopology.STORE_PATIENT_MEDICATIONS);
  }

  @Override
  public void process(Record<String, OrderChange> record) {
    OrderChange change = record.value();
    if (change == null) {
      return;
    }
    String patient = change.patientId();
    PatientMedications before = patients.get(patient);
    if (before == null) {
      before = PatientMedications.EMPTY;
    }
    PatientMedications after = before.apply(change);
    if (after == before) {
      return; // e.g. a new version of an order for the same medication
    }
    if (after.orders().isEmpty()) {
      patients.delete(patient);
      return;
    }
    List<String> orderIds = new ArrayList<>(after.orders().keySet());
    List<Medication> medications = new ArrayList<>(after.orders().values());
    CheckResult result;
    try {
      result = checker.check(medications);
    } catch (PluginException | IllegalArgumentException | IllegalStateException e) {
      patients.put(patient, after);
      deadLetter(change, "interaction check failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    Map<String, Finding> current = new LinkedHashMap<>();
    for (Finding finding : result.findings()) {
      current.putIfAbsent(InteractionReport.pairKey(finding), finding);
    }
    patients.put(patient, after.withReported(current.keySet()));
    if (!result.unknown().isEmpty()) {
      log.debug("{} medication(s) of a list could not be checked", result.unknown().size());
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    for (Map.Entry<String, Finding> entry : current.entrySet()) {
      if (before.reported().contains(entry.getKey())) {
        continue;
      }
      Finding finding = entry.getValue();
      InteractionReport.Emitted emitted = reports.report(patient, finding, orderIds.get(finding.first()),
          orderIds.get(finding.second()), now);
      log.info("Drug interaction {} ({}) reported as DetectedIssue/{}", finding.rule().id(), finding.severity(),
          emitted.issueId());
      context.forward(new Record<String, Object>(emitted.commandKey(), emitted.command(), now.toEpochMilli()));
      context.forward(new Record<String, Object>(patient, emitted.alert(), now.toEpochMilli()));
    }
  }

  private void deadLetter(OrderChange change, String error) {
    log.warn("Dead-lettering medication event from {}: {}", change.source(), error);
    context.forward(new Record<String, Object>(change.sourceKey(), new Rejected(Rejected.NOT_CARRIED),
        context.currentSystemTimeMs(), DeadLetter.headers(new Header[0], error, change.source())));
  }
}
