/**
 * Checks of request bodies that HAPI's parser does not make, done once in one place for every body
 * fhir-api reads: a streaming pre-scan before the parser ({@link io.vitalflow.fhir.input.BodyScan}:
 * duplicate JSON keys, nesting depth, DTDs) and checks of the parsed resource ({@link
 * io.vitalflow.fhir.input.ResourceChecks}: element sizes, index entries, narratives against FHIR's
 * XHTML rules).
 */
package io.vitalflow.fhir.input;
