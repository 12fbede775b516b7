package io.vitalflow.interactions;

import java.util.List;

/**
 * The outcome of checking one medication list.
 *
 * @param findings interacting pairs, ordered by (first, second)
 * @param unknown medications that could not be checked, in list order
 * @param kbVersion knowledge-base version, e.g. {@code 2026.06.0+8fdec113a883} (base version +
 *     content hash)
 */
public record CheckResult(
    List<Finding> findings, List<UnknownMedication> unknown, String kbVersion) {

  public CheckResult {
    findings = List.copyOf(findings);
    unknown = List.copyOf(unknown);
  }
}
