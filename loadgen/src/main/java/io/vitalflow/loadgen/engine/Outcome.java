package io.vitalflow.loadgen.engine;

/**
 * How one iteration of a {@link Workload} ended.
 *
 * @param operation the operation's name in the report ({@code read}, {@code create})
 * @param failure null on success, else a short kind ({@code HTTP 503}, {@code timeout}, {@code not
 *     a Patient})
 */
public record Outcome(String operation, String failure) {

  public static Outcome ok(String operation) {
    return new Outcome(operation, null);
  }

  public static Outcome failed(String operation, String failure) {
    return new Outcome(operation, failure);
  }

  public boolean succeeded() {
    return failure == null;
  }
}
