/**
 * The Kafka producer side: {@link io.vitalflow.ingest.vitals.publish.VitalsPublisher} puts
 * validated readings on {@code vitals.raw.v1} and completes once the broker acknowledged them; its
 * bean and the health indicator.
 */
package io.vitalflow.ingest.vitals.publish;
