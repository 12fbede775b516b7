package io.vitalflow.fhir.patch;

/**
 * A patch that cannot be applied: malformed ({@link #malformed}: the patch document itself is
 * wrong, 400) or not applicable to this resource (a path that does not exist, a failed {@code
 * test}: 422). The message names the operation and path, never a value of the resource.
 */
public final class PatchRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean malformed;

  PatchRejected(boolean malformed, String message) {
    super(message);
    this.malformed = malformed;
  }

  static PatchRejected malformed(String message) {
    return new PatchRejected(true, message);
  }

  static PatchRejected notApplicable(String message) {
    return new PatchRejected(false, message);
  }

  /** Whether the patch document is wrong (400) rather than not applicable (422). */
  public boolean malformed() {
    return malformed;
  }
}
