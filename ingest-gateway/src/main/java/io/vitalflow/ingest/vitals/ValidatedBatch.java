package io.vitalflow.ingest.vitals;

import java.util.List;

import io.vitalflow.schemas.VitalSign;

/**
 * The outcome of validation: what goes to Kafka and what goes back to the client as rejected.
 *
 * @param items how many items the request held
 * @param rejected ordered by {@link Rejection#index()}
 */
record ValidatedBatch(int items, List<VitalSign> accepted, List<Rejection> rejected) {
}
