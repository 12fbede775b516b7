/**
 * The CDS Hooks 2.0 drug-interaction service: discovery at {@code GET /cds-services}, {@code
 * order-select} and {@code order-sign} at {@code POST /cds-services/{id}}, answered by the
 * interaction-checker plugin.
 */
package io.vitalflow.fhir.cds;
