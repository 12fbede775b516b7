package io.vitalflow.ingest.vitals.parse;

import java.util.List;

/**
 * A request body taken apart: the readings to validate, and the items that were not readings at
 * all. The parser hands its lists over (no copies: a batch can hold thousands of readings).
 *
 * @param items how many items (array elements, NDJSON lines, Bundle entries) the body held
 */
public record ParsedBatch(int items, List<RawReading> readings, List<Rejection> rejections) {}
