package io.vitalflow.fhir.input;

import java.util.List;

/**
 * A request body that must not be parsed further or stored. The messages name elements, keys, paths
 * and limits, never values, so they are safe to answer with (and to log).
 */
public final class InputRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Whether the body is not acceptable as a document at all (400) or a resource that breaks a rule
   * (422).
   */
  public enum Kind {
    MALFORMED,
    INVALID
  }

  private final Kind kind;
  private final transient List<String> problems;

  InputRejected(Kind kind, List<String> problems) {
    super(String.join("; ", problems));
    this.kind = kind;
    this.problems = List.copyOf(problems);
  }

  static InputRejected malformed(String problem) {
    return new InputRejected(Kind.MALFORMED, List.of(problem));
  }

  public Kind kind() {
    return kind;
  }

  public List<String> problems() {
    return problems;
  }
}
