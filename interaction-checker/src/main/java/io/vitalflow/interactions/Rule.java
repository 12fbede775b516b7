package io.vitalflow.interactions;

/**
 * One interaction rule of the knowledge base.
 *
 * @param id stable rule id, e.g. {@code ONC-11-STATIN-CYP3A4I} or {@code WARF-NSAID}
 * @param a first side: an ingredient name, or {@code class:NAME} for a drug class
 * @param b second side, same form
 */
public record Rule(
    String id,
    Severity severity,
    String a,
    String b,
    String mechanism,
    String effect,
    String management,
    String source) {}
