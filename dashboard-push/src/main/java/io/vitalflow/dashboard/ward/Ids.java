package io.vitalflow.dashboard.ward;

import java.util.regex.Pattern;

/**
 * Patient and ward identifiers: FHIR id syntax (letters, digits, '-' and '.', 1 to 64 characters).
 */
public final class Ids {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private Ids() {}

  public static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
