/**
 * Who may do what on the FHIR API: the SMART on FHIR discovery document, the scope check of every
 * interaction ({@link io.vitalflow.fhir.access.Access}), and the 401/403 answers as
 * OperationOutcomes. Which resources a patient-context token sees is decided where the queries are
 * built ({@link io.vitalflow.fhir.search.Visibility}).
 */
package io.vitalflow.fhir.access;
