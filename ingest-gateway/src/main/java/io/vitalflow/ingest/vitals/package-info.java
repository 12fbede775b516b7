/**
 * {@code POST /api/v1/vitals}: the endpoint ({@link io.vitalflow.ingest.vitals.VitalsController}),
 * the use case ({@link io.vitalflow.ingest.vitals.VitalsIngest}: parse, validate, publish, answer),
 * content types and encodings, and the metrics. The steps live in the sub-packages {@code parse},
 * {@code validate} and {@code publish}; none of them depends on this package.
 */
package io.vitalflow.ingest.vitals;
