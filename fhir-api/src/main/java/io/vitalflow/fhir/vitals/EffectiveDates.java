package io.vitalflow.fhir.vitals;

import io.vitalflow.schemas.FhirDates;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The date an Observation sorts by, read from its JSON the way the search index sorts the {@code
 * date} parameter ({@code Observation.effective}): newest first by the latest instant any value
 * covers, oldest first by the earliest. A date without time covers its whole day; an open period
 * end reaches the end of time.
 */
final class EffectiveDates {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private EffectiveDates() {}

  /**
   * @return the sort key, or null when the Observation has no usable effective date (it sorts last)
   */
  static Instant sortKey(String observationJson, boolean ascending) {
    JsonNode observation = JSON.readTree(observationJson);
    Bounds bounds = new Bounds();
    bounds.dateTime(observation.get("effectiveDateTime"));
    bounds.dateTime(observation.get("effectiveInstant"));
    bounds.period(observation.get("effectivePeriod"));
    JsonNode timing = observation.get("effectiveTiming");
    if (timing != null) {
      JsonNode events = timing.get("event");
      if (events != null) {
        for (JsonNode event : events) {
          bounds.dateTime(event);
        }
      }
      JsonNode repeat = timing.get("repeat");
      if (repeat != null) {
        bounds.period(repeat.get("boundsPeriod"));
      }
    }
    return ascending ? bounds.low : bounds.high;
  }

  /** The earliest low and the latest high of the values seen. */
  private static final class Bounds {

    private Instant low;
    private Instant high;

    void dateTime(JsonNode value) {
      FhirDates.Range range = range(value);
      if (range != null) {
        add(range.low(), range.high());
      }
    }

    void period(JsonNode period) {
      if (period == null) {
        return;
      }
      FhirDates.Range start = range(period.get("start"));
      FhirDates.Range end = range(period.get("end"));
      if (start == null && end == null) {
        return;
      }
      Instant from = start == null ? FhirDates.MIN : start.low();
      Instant to = end == null ? FhirDates.MAX : end.high();
      if (!to.isBefore(from)) {
        add(from, to);
      }
    }

    private void add(Instant from, Instant to) {
      low = low == null || from.isBefore(low) ? from : low;
      high = high == null || to.isAfter(high) ? to : high;
    }

    private static FhirDates.Range range(JsonNode value) {
      if (value == null || !value.isString()) {
        return null;
      }
      try {
        return FhirDates.parse(value.asString());
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
