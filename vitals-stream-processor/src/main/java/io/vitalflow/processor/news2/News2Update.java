package io.vitalflow.processor.news2;

import io.vitalflow.schemas.News2Score;
import io.vitalflow.schemas.RiskBand;

/**
 * A changed NEWS2 result of one patient, with the band it replaces ({@code null} for the patient's
 * first). In memory only: it never crosses a topic.
 */
record News2Update(News2Score score, RiskBand previousBand) {

  /** A band-change alert is due: the band changed, or a patient's first band is above LOW. */
  boolean raisesAlert() {
    return previousBand == null ? score.getBand() != RiskBand.LOW : score.getBand() != previousBand;
  }
}
