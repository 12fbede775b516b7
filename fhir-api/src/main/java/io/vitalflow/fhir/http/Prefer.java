package io.vitalflow.fhir.http;

import java.util.List;
import java.util.Locale;

/**
 * The {@code Prefer} header as FHIR uses it.
 *
 * @param returns {@code minimal}, {@code representation} (default) or {@code OperationOutcome}
 * @param async {@code respond-async}: answer once Kafka holds the command
 * @param strict unknown search parameters are an error (400), the default and {@code
 *     handling=strict}; {@code handling=lenient} ignores them and reports them in the Bundle
 */
record Prefer(Return returns, boolean async, boolean strict) {

  enum Return {
    MINIMAL,
    REPRESENTATION,
    OPERATION_OUTCOME
  }

  static Prefer parse(List<String> headers) {
    Return returns = Return.REPRESENTATION;
    boolean async = false;
    boolean strict = true;
    for (String header : headers) {
      for (String token : header.split("[,;]")) {
        String t = token.trim().toLowerCase(Locale.ROOT).replace("\"", "");
        switch (t) {
          case "return=minimal" -> returns = Return.MINIMAL;
          case "return=representation" -> returns = Return.REPRESENTATION;
          case "return=operationoutcome" -> returns = Return.OPERATION_OUTCOME;
          case "respond-async" -> async = true;
          case "handling=strict" -> strict = true;
          case "handling=lenient" -> strict = false;
          default -> {}
        }
      }
    }
    return new Prefer(returns, async, strict);
  }
}
