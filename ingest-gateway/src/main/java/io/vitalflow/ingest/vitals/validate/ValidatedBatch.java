package io.vitalflow.ingest.vitals.validate;

import io.vitalflow.ingest.vitals.parse.Rejection;
import io.vitalflow.schemas.VitalSign;
import java.util.List;

/**
 * The outcome of validation: what goes to Kafka and what goes back to the client as rejected.
 *
 * @param items how many items the request held
 * @param rejected ordered by {@link Rejection#index()}
 */
public record ValidatedBatch(int items, List<VitalSign> accepted, List<Rejection> rejected) {}
