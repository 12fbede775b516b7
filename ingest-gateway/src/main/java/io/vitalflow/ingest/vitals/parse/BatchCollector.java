package io.vitalflow.ingest.vitals.parse;

import java.util.ArrayList;
import java.util.List;

/** Collects what a parser finds in one body, and stops it when the body holds too many items. */
final class BatchCollector {

  private final int maxItems;
  private final List<RawReading> readings = new ArrayList<>();
  private final List<Rejection> rejections = new ArrayList<>();
  private int items;

  BatchCollector(int maxItems) {
    this.maxItems = maxItems;
  }

  /** Counts one more item and returns its index. */
  int nextItem() {
    if (items == maxItems) {
      throw new BodyTooLargeException(
          "A request may carry at most " + maxItems + " readings; split the batch.");
    }
    return items++;
  }

  void accept(RawReading reading) {
    readings.add(reading);
  }

  void reject(int index, String field, String reason, RejectReason kind) {
    rejections.add(new Rejection(index, field, reason, kind));
  }

  ParsedBatch result() {
    return new ParsedBatch(items, readings, rejections);
  }
}
