/**
 * The two patch formats of FHIR R4's {@code patch} interaction: JSON Patch over the stored JSON and
 * FHIRPath Patch over HAPI's model. Both only compute the new content; the HTTP layer checks it
 * like the body of a PUT and writes it as an update.
 */
package io.vitalflow.fhir.patch;
