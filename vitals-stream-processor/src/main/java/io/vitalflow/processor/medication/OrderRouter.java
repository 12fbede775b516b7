package io.vitalflow.processor.medication;

import ca.uhn.fhir.parser.DataFormatException;
import io.vitalflow.interactions.Medication;
import io.vitalflow.schemas.DeadLetter;
import io.vitalflow.schemas.FhirResourceVersion;
import io.vitalflow.schemas.Topics;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step, still keyed {@code Type/id}: decodes a {@code fhir.resources.v1} record, keeps
 * MedicationRequest versions and turns each into {@link OrderChange}s keyed by patient. The store
 * {@code order id -> patient id} remembers whose list an active order is on, so a deleted version
 * (which carries no resource) and an order moved to another patient still remove it from the right
 * list; an order that never counted sends nothing. Anything it cannot read becomes a {@link
 * Rejected}.
 */
final class OrderRouter implements Processor<String, byte[], String, Object> {

  private static final Logger log = LoggerFactory.getLogger(OrderRouter.class);
  private static final String TYPE = "MedicationRequest";

  private final OrderReader reader;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, String> orderPatients;

  OrderRouter(OrderReader reader) {
    this.reader = reader;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.orderPatients = context.getStateStore(MedicationTopology.STORE_ORDER_PATIENT);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      reject(record, "null value: not a FhirResourceVersion");
      return;
    }
    FhirResourceVersion version;
    try {
      version = Topics.FHIR_RESOURCES.valueSerde().deserializer().deserialize(null, record.value());
    } catch (SerializationException | AvroRuntimeException e) {
      reject(record, "Cannot decode FhirResourceVersion: " + e.getMessage());
      return;
    }
    if (!TYPE.equals(version.getResourceType())) {
      return;
    }
    String orderId = version.getResourceId();
    String previousPatient = orderPatients.get(orderId);
    OrderReader.Order order = null;
    if (!version.getDeleted()) {
      if (version.getResource() == null) {
        reject(record, "MedicationRequest version without a resource");
        return;
      }
      try {
        order = reader.read(version.getResource());
      } catch (DataFormatException e) {
        reject(record, "Cannot parse MedicationRequest: " + e.getMessage());
        return;
      }
    }
    // the patient whose list the order is on after this version; null: on nobody's list
    String patient = order != null && order.active() ? order.patientId() : null;
    if (previousPatient != null && !previousPatient.equals(patient)) {
      // stopped, deleted, or moved to another subject: why travels along (it decides the retired
      // issues' status)
      String ended =
          order == null ? OrderChange.DELETED : !order.active() ? order.ended() : OrderChange.MOVED;
      forward(record, previousPatient, orderId, null, ended);
    }
    if (patient == null) {
      if (previousPatient != null) {
        orderPatients.delete(orderId);
      }
    } else {
      if (!patient.equals(previousPatient)) {
        orderPatients.put(orderId, patient);
      }
      forward(record, patient, orderId, order.medication(), null);
    }
  }

  private void forward(
      Record<String, byte[]> record,
      String patient,
      String orderId,
      Medication medication,
      String ended) {
    OrderChange change = new OrderChange(patient, orderId, medication, source(), ended);
    context.forward(new Record<String, Object>(patient, change, record.timestamp()));
  }

  private void reject(Record<String, byte[]> record, String error) {
    String source = source();
    log.warn("Dead-lettering FHIR resource record from {}: {}", source, error);
    context.forward(
        new Record<String, Object>(
            record.key(),
            new Rejected(record.value()),
            context.currentSystemTimeMs(),
            DeadLetter.headers(record.headers().toArray(), error, source)));
  }

  private String source() {
    return Objects.requireNonNull(
        context
            .recordMetadata()
            .map(m -> DeadLetter.source(m.topic(), m.partition(), m.offset()))
            .orElse("unknown"));
  }
}
