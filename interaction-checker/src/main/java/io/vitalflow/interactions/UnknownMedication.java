package io.vitalflow.interactions;

/**
 * A medication the knowledge base could not resolve, neither by code nor by name: it was not
 * checked.
 */
public record UnknownMedication(int index, Medication medication) {}
