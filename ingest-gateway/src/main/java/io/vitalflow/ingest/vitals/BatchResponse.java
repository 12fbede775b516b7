package io.vitalflow.ingest.vitals;

import io.vitalflow.ingest.vitals.parse.Rejection;
import java.util.List;

/**
 * The body of 200 and 207: {@code {"accepted": n, "rejected": [{"index", "field", "reason",
 * "code"}...]}}.
 *
 * @param accepted readings the broker acknowledged (a blood pressure panel counts as two)
 */
record BatchResponse(int accepted, List<Rejection> rejected) {}
