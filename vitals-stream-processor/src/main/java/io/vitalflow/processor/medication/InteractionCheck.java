package io.vitalflow.processor.medication;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.UnknownMedication;
import io.vitalflow.interactions.host.PluginException;
import io.vitalflow.processor.medication.PatientMedications.Reported;
import io.vitalflow.schemas.DeadLetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second step, keyed by patient: applies an {@link OrderChange} to the patient's list, re-checks
 * the list when it changed, and keeps the patient's DetectedIssues in step with the orders:
 *
 * <ul>
 *   <li>each interaction pair not reported yet is reported (a {@code DetectedIssue} and an alert);
 *   <li>each order whose medication cannot be identified (unknown code and unknown name, or
 *       neither) is reported as not checked (a {@code DetectedIssue} coded {@value
 *       InteractionReport#NOT_CHECKED}, an alert, a metric), never dropped;
 *   <li>an issue whose order leaves the list (stopped, completed, cancelled, entered-in-error,
 *       deleted, ...) or whose orders no longer give it is retired: a new version with status
 *       {@code cancelled} (or {@code entered-in-error}) and an {@code ALERT_RESOLVED} alert; when
 *       the pair goes on through other orders (a second order of the same drug) the issue is
 *       instead amended to implicate those. A pair that comes back later is a new issue.
 * </ul>
 *
 * Retiring needs no check, so it happens even when the check fails. When the check fails the list
 * is still updated (it is the truth about the orders), the event is dead-lettered, and the next
 * change of that patient checks again and reports what was missed.
 */
final class InteractionCheck implements Processor<String, OrderChange, String, Object> {

  private static final Logger log = LoggerFactory.getLogger(InteractionCheck.class);

  private final InteractionChecker checker;
  private final InteractionReport reports;
  private final MedicationMetrics metrics;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, PatientMedications> patients;

  InteractionCheck(
      InteractionChecker checker, InteractionReport reports, MedicationMetrics metrics) {
    this.checker = checker;
    this.reports = reports;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.patients = context.getStateStore(MedicationTopology.STORE_PATIENT_MEDICATIONS);
  }

  /**
   * An open issue that lost its footing: an order it implicates left the list ({@code endedOrder},
   * why in {@code ended}), or the check no longer finds it through its orders ({@code endedOrder}
   * null).
   */
  private record Gone(String key, Reported issue, String ended, String endedOrder) {}

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
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    SortedMap<String, Reported> open = before.reported();
    List<Gone> gone = null;
    if (change.removes() && !open.isEmpty()) {
      for (Map.Entry<String, Reported> entry : open.entrySet()) {
        if (!entry.getValue().legacy() && entry.getValue().implicates(change.orderId())) {
          gone =
              add(
                  gone,
                  new Gone(entry.getKey(), entry.getValue(), change.ended(), change.orderId()));
        }
      }
      if (gone != null) {
        open = new TreeMap<>(open);
        for (Gone issue : gone) {
          open.remove(issue.key());
        }
      }
    }
    if (after.orders().isEmpty()) {
      retireAll(patient, before, gone, now);
      patients.delete(
          patient); // every issue implicated an order of the list, and the last one has just gone
      return;
    }
    // the medications the checker can look up; orders naming none are not checked by definition
    List<String> orderIds = new ArrayList<>(after.orders().size());
    List<Medication> medications = new ArrayList<>(after.orders().size());
    List<String> unchecked = null;
    for (Map.Entry<String, Medication> order : after.orders().entrySet()) {
      if (order.getValue().rxcui() == null && order.getValue().name() == null) {
        unchecked = add(unchecked, order.getKey());
      } else {
        orderIds.add(order.getKey());
        medications.add(order.getValue());
      }
    }
    CheckResult result;
    try {
      result =
          medications.isEmpty()
              ? new CheckResult(List.of(), List.of(), checker.kbVersion())
              : checker.check(medications);
      if (!medications.isEmpty()) {
        metrics.checked(result.kbVersion(), false);
      }
    } catch (PluginException | IllegalArgumentException | IllegalStateException e) {
      if (!medications.isEmpty()) {
        metrics.checked(kbVersion(), true);
      }
      retireAll(patient, before, gone, now); // retiring needs no check
      patients.put(patient, open == before.reported() ? after : after.withReported(open));
      deadLetter(
          change,
          "interaction check failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    for (UnknownMedication unknown : result.unknown()) {
      unchecked = add(unchecked, orderIds.get(unknown.index()));
    }
    // interactions: an open pair stays as long as a finding carries it through the same two orders
    Set<String> confirmed = null;
    Map<String, Finding> fresh = null;
    for (Finding finding : result.findings()) {
      String pair = InteractionReport.pairKey(finding);
      Reported issue = open.get(pair);
      if (issue != null
          && (issue.legacy()
              || issue.implicates(orderIds.get(finding.first()), orderIds.get(finding.second())))) {
        confirmed = add(confirmed, pair);
      } else {
        if (fresh == null) {
          fresh = new LinkedHashMap<>();
        }
        fresh.putIfAbsent(pair, finding);
      }
    }
    if (gone == null
        && fresh == null
        && unchecked == null
        && (open.isEmpty() || confirmed != null && confirmed.size() == open.size())) {
      // the usual case: nothing new, nothing gone
      patients.put(patient, after);
      return;
    }
    if (fresh != null && confirmed != null) {
      fresh.keySet().removeAll(confirmed); // reported through other findings of the same orders
    }
    SortedMap<String, Reported> next = new TreeMap<>(open);
    for (Iterator<Map.Entry<String, Reported>> it = next.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Reported> entry = it.next();
      Reported issue = entry.getValue();
      boolean notChecked = issue.secondOrder() == null && !issue.legacy();
      boolean stays =
          notChecked
              ? unchecked != null && unchecked.contains(issue.firstOrder())
              : confirmed != null && confirmed.contains(entry.getKey());
      if (!stays) {
        it.remove();
        if (notChecked) {
          emit(
              reports.retireNotChecked(
                  patient,
                  issue,
                  before.orders().get(issue.firstOrder()),
                  result.kbVersion(),
                  InteractionReport.CHECKED,
                  now));
          log.info("DetectedIssue/{} retired: its order can be checked now", issue.issueId());
          metrics.retired();
        } else if (!issue.legacy()) {
          gone = add(gone, new Gone(entry.getKey(), issue, InteractionReport.CHANGED, null));
        }
      }
    }
    if (gone != null) {
      for (Gone issue : gone) {
        Finding still =
            fresh == null || issue.issue().secondOrder() == null ? null : fresh.remove(issue.key());
        if (still == null) {
          retire(patient, before, issue, now);
          continue;
        }
        // the pair goes on through other orders (a second order of the same drug): the same issue,
        // amended to
        // implicate them; its alert stands
        String first = orderIds.get(still.first());
        String second = orderIds.get(still.second());
        emit(reports.amend(patient, issue.issue(), still, first, second, now));
        next.put(
            issue.key(),
            new Reported(issue.issue().issueId(), first, second, issue.issue().identified()));
        log.info(
            "DetectedIssue/{} amended: an order it implicated ended, the interaction goes on through others",
            issue.issue().issueId());
      }
    }
    if (fresh != null) {
      for (Map.Entry<String, Finding> entry : fresh.entrySet()) {
        Finding finding = entry.getValue();
        String first = orderIds.get(finding.first());
        String second = orderIds.get(finding.second());
        InteractionReport.Emitted emitted =
            reports.report(patient, finding, first, second, change.source(), now);
        next.put(entry.getKey(), new Reported(emitted.issueId(), first, second, now));
        log.info(
            "Drug interaction {} ({}) reported as DetectedIssue/{}",
            finding.rule().id(),
            finding.severity(),
            emitted.issueId());
        emit(emitted);
        metrics.interaction();
      }
    }
    if (unchecked != null) {
      for (String order : unchecked) {
        String key = PatientMedications.notCheckedKey(order);
        if (next.containsKey(key)) {
          continue;
        }
        InteractionReport.Emitted emitted =
            reports.notChecked(
                patient,
                order,
                after.orders().get(order),
                result.kbVersion(),
                change.source(),
                now);
        next.put(key, new Reported(emitted.issueId(), order, null, now));
        log.info(
            "A medication order could not be checked for interactions: reported as DetectedIssue/{}",
            emitted.issueId());
        emit(emitted);
        metrics.notChecked();
      }
    }
    patients.put(patient, after.withReported(next));
  }

  private void retireAll(String patient, PatientMedications before, List<Gone> gone, Instant now) {
    if (gone != null) {
      for (Gone issue : gone) {
        retire(patient, before, issue, now);
      }
    }
  }

  /** A new version of the issue saying it no longer applies, and an alert resolving its alert. */
  private void retire(String patient, PatientMedications before, Gone gone, Instant now) {
    Reported issue = gone.issue();
    if (issue.secondOrder() == null) {
      emit(
          reports.retireNotChecked(
              patient,
              issue,
              before.orders().get(issue.firstOrder()),
              checker.kbVersion(),
              gone.ended(),
              now));
    } else {
      emit(
          reports.retire(
              patient, issue, recheck(before, issue), gone.ended(), gone.endedOrder(), now));
    }
    log.info("DetectedIssue/{} retired ({})", issue.issueId(), gone.ended());
    metrics.retired();
  }

  /**
   * The interaction of a reported issue found again for its two orders as they were, so that the
   * version that retires it keeps rule, severity and names; null when that fails (the version then
   * says less).
   */
  private Finding recheck(PatientMedications before, Reported issue) {
    Medication first = before.orders().get(issue.firstOrder());
    Medication second = before.orders().get(issue.secondOrder());
    if (first == null || second == null) {
      return null;
    }
    try {
      CheckResult result = checker.check(List.of(first, second));
      metrics.checked(result.kbVersion(), false);
      List<Finding> findings = result.findings();
      return findings.isEmpty() ? null : findings.get(0);
    } catch (PluginException | IllegalArgumentException | IllegalStateException e) {
      metrics.checked(kbVersion(), true);
      log.warn(
          "Re-checking a retired interaction failed ({}); its last version names no rule",
          e.getClass().getSimpleName());
      return null;
    }
  }

  /**
   * The command to {@code fhir.commands.v1} (key {@code DetectedIssue/id}), the alert if any (key
   * patient id).
   */
  private void emit(InteractionReport.Emitted emitted) {
    long now = context.currentSystemTimeMs();
    context.forward(new Record<String, Object>(emitted.commandKey(), emitted.command(), now));
    if (emitted.alert() != null) {
      context.forward(
          new Record<String, Object>(
              emitted.alert().getPatientId().toString(), emitted.alert(), now));
    }
  }

  private static <T> List<T> add(List<T> list, T value) {
    List<T> result = list == null ? new ArrayList<>(2) : list;
    result.add(value);
    return result;
  }

  private static <T> Set<T> add(Set<T> set, T value) {
    Set<T> result = set == null ? new HashSet<>() : set;
    result.add(value);
    return result;
  }

  /** The checker's knowledge version for a failed call's count; "unknown" when it cannot say. */
  private String kbVersion() {
    try {
      return checker.kbVersion();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private void deadLetter(OrderChange change, String error) {
    log.warn("Dead-lettering medication event from {}: {}", change.source(), error);
    context.forward(
        new Record<String, Object>(
            change.sourceKey(),
            new Rejected(Rejected.NOT_CARRIED),
            context.currentSystemTimeMs(),
            DeadLetter.headers(new Header[0], error, change.source())));
  }
}
