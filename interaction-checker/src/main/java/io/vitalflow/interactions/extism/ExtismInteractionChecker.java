package io.vitalflow.interactions.extism;

import io.vitalflow.interactions.CheckResult;
import io.vitalflow.interactions.Finding;
import io.vitalflow.interactions.InteractionChecker;
import io.vitalflow.interactions.Medication;
import io.vitalflow.interactions.Rule;
import io.vitalflow.interactions.Severity;
import io.vitalflow.interactions.UnknownMedication;
import io.vitalflow.interactions.host.PluginAbiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link InteractionChecker} backed by an Extism plugin that speaks JSON (the replaced system's
 * plugins). The function (default {@value #DEFAULT_FUNCTION}) gets
 *
 * <pre>
 * {"medications":[{"rxcui":"11289","name":"Coumadin 5 mg"},{"rxcui":null,"name":"Aspirin 81 mg"}]}
 * </pre>
 *
 * and answers
 *
 * <pre>
 * {"kbVersion":"...","findings":[{"first":0,"second":1,"firstIngredient":11289,"secondIngredient":5640,
 *   "rule":{"id":"...","severity":"major","a":"warfarin","b":"ibuprofen","mechanism":"...","effect":"...",
 *           "management":"...","source":"..."}}],"unknown":[2]}</pre>
 *
 * ({@code severity} one of {@code moderate}, {@code major}, {@code contraindicated}; {@code first <
 * second} are indices into the list; {@code unknown} lists the indices the plugin could not
 * resolve; unknown members are ignored). An answer that breaks this shape is a {@link
 * PluginAbiException}. Owns the plugin: {@link #close()} closes it. Thread-safe.
 */
public final class ExtismInteractionChecker implements InteractionChecker, AutoCloseable {

  public static final String DEFAULT_FUNCTION = "check";

  record RequestMedication(String rxcui, String name) {}

  record Request(List<RequestMedication> medications) {}

  record AnswerRule(
      String id,
      String severity,
      String a,
      String b,
      String mechanism,
      String effect,
      String management,
      String source) {}

  record AnswerFinding(
      Integer first,
      Integer second,
      Long firstIngredient,
      Long secondIngredient,
      AnswerRule rule) {}

  record Answer(String kbVersion, List<AnswerFinding> findings, List<Integer> unknown) {}

  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final ExtismPlugin plugin;
  private final String function;
  private final String kbVersion;

  public ExtismInteractionChecker(ExtismPlugin plugin) {
    this(plugin, DEFAULT_FUNCTION);
  }

  /** Asks the plugin once (an empty list) for its knowledge-base version. */
  public ExtismInteractionChecker(ExtismPlugin plugin, String function) {
    this.plugin = Objects.requireNonNull(plugin, "plugin");
    this.function = Objects.requireNonNull(function, "function");
    this.kbVersion = check(List.of()).kbVersion();
  }

  @Override
  public CheckResult check(List<Medication> medications) {
    Objects.requireNonNull(medications, "medications");
    if (medications.size() > MAX_MEDICATIONS) {
      throw new IllegalArgumentException(
          "at most " + MAX_MEDICATIONS + " medications per check: " + medications.size());
    }
    List<RequestMedication> request = new ArrayList<>(medications.size());
    for (Medication m : medications) {
      request.add(new RequestMedication(m.rxcui(), m.name()));
    }
    byte[] output = plugin.call(function, JSON.writeValueAsBytes(new Request(request)));
    Answer answer;
    try {
      answer = JSON.readValue(output, Answer.class);
    } catch (JacksonException e) {
      throw new PluginAbiException(
          plugin.name() + " " + function + " answered no valid JSON: " + e.getOriginalMessage(), e);
    }
    return toResult(answer, medications);
  }

  private CheckResult toResult(Answer answer, List<Medication> medications) {
    if (answer == null
        || answer.kbVersion() == null
        || answer.findings() == null
        || answer.unknown() == null) {
      throw malformed("kbVersion, findings and unknown are required");
    }
    int n = medications.size();
    List<Finding> findings = new ArrayList<>(answer.findings().size());
    for (AnswerFinding f : answer.findings()) {
      if (f == null || f.first() == null || f.second() == null || f.rule() == null) {
        throw malformed("a finding needs first, second and rule");
      }
      int first = f.first();
      int second = f.second();
      if (first < 0 || first >= second || second >= n) {
        throw malformed(
            "finding (" + first + ", " + second + ") is not a pair 0 <= first < second < " + n);
      }
      findings.add(
          new Finding(
              first,
              second,
              medications.get(first),
              medications.get(second),
              f.firstIngredient() == null ? 0 : f.firstIngredient(),
              f.secondIngredient() == null ? 0 : f.secondIngredient(),
              rule(f.rule()),
              answer.kbVersion()));
    }
    List<UnknownMedication> unknown = new ArrayList<>(answer.unknown().size());
    for (Integer i : answer.unknown()) {
      if (i == null || i < 0 || i >= n) {
        throw malformed("unknown index " + i + " is outside the list of " + n);
      }
      unknown.add(new UnknownMedication(i, medications.get(i)));
    }
    return new CheckResult(findings, unknown, answer.kbVersion());
  }

  private Rule rule(AnswerRule r) {
    if (r.id() == null || r.severity() == null) {
      throw malformed("a rule needs id and severity");
    }
    Severity severity;
    try {
      severity = Severity.ofLabel(r.severity());
    } catch (IllegalArgumentException e) {
      throw malformed(
          "rule "
              + r.id()
              + " has severity '"
              + r.severity()
              + "'; expected moderate, major or contraindicated");
    }
    return new Rule(
        r.id(), severity, r.a(), r.b(), r.mechanism(), r.effect(), r.management(), r.source());
  }

  private PluginAbiException malformed(String what) {
    return new PluginAbiException(
        plugin.name() + " " + function + " answered malformed JSON: " + what);
  }

  @Override
  public String kbVersion() {
    return kbVersion;
  }

  public ExtismPlugin plugin() {
    return plugin;
  }

  @Override
  public void close() {
    plugin.close();
  }
}
