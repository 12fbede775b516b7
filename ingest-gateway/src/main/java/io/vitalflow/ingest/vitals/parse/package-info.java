/**
 * From request bytes to raw readings: the JSON, NDJSON and FHIR (Observation, Bundle) readers,
 * duplicate-key refusal, and the per-item vocabulary both parsing and validation report in ({@link
 * io.vitalflow.ingest.vitals.parse.Rejection}, {@link
 * io.vitalflow.ingest.vitals.parse.RejectReason}). A body that cannot be read at all is a {@link
 * io.vitalflow.ingest.vitals.parse.MalformedBodyException} (400) or {@link
 * io.vitalflow.ingest.vitals.parse.BodyTooLargeException} (413).
 */
package io.vitalflow.ingest.vitals.parse;
