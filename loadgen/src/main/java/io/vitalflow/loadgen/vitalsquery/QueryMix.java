package io.vitalflow.loadgen.vitalsquery;

import io.vitalflow.loadgen.engine.FlagValues;
import java.util.Locale;

/**
 * Shares in percent of the four vitals queries, written {@code 50,30,15,5} (demographics, recent
 * vitals, hourly aggregates, new reading), summing to 100: the replaced system's Scenario 3 mix.
 */
public record QueryMix(int demographics, int recentVitals, int hourlyAggregates, int newReading) {

  /** The operations, named as in the report. */
  enum Query {
    DEMOGRAPHICS,
    RECENT_VITALS,
    HOURLY_AGGREGATES,
    NEW_READING;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public QueryMix {
    if (demographics < 0
        || recentVitals < 0
        || hourlyAggregates < 0
        || newReading < 0
        || demographics + recentVitals + hourlyAggregates + newReading != 100) {
      throw new IllegalArgumentException(
          "--mix must be four non-negative percentages summing to 100, got "
              + demographics
              + ","
              + recentVitals
              + ","
              + hourlyAggregates
              + ","
              + newReading);
    }
  }

  static QueryMix parse(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "--mix must be DEMOGRAPHICS,RECENT,HOURLY,WRITE percentages such as"
              + " 50,30,15,5, got '"
              + text
              + "'");
    }
    return new QueryMix(
        FlagValues.nonNegativeInt("--mix demographics share", parts[0].trim()),
        FlagValues.nonNegativeInt("--mix recent-vitals share", parts[1].trim()),
        FlagValues.nonNegativeInt("--mix hourly-aggregates share", parts[2].trim()),
        FlagValues.nonNegativeInt("--mix new-reading share", parts[3].trim()));
  }

  /** The query for a uniform draw {@code percent} in 0..99. */
  Query pick(int percent) {
    if (percent < demographics) {
      return Query.DEMOGRAPHICS;
    }
    if (percent < demographics + recentVitals) {
      return Query.RECENT_VITALS;
    }
    return percent < demographics + recentVitals + hourlyAggregates
        ? Query.HOURLY_AGGREGATES
        : Query.NEW_READING;
  }

  /** True when any query needs patients with vitals. */
  boolean touchesVitals() {
    return demographics < 100;
  }

  @Override
  public String toString() {
    return demographics
        + "% demographics, "
        + recentVitals
        + "% recent vitals, "
        + hourlyAggregates
        + "% hourly aggregates, "
        + newReading
        + "% new reading";
  }
}
