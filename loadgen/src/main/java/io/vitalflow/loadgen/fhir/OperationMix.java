package io.vitalflow.loadgen.fhir;

import io.vitalflow.loadgen.engine.FlagValues;

/**
 * Shares of the three operations in percent, written {@code 60,30,10} (read, create, delete),
 * summing to 100.
 */
public record OperationMix(int readPercent, int createPercent, int deletePercent) {

  enum Operation {
    READ,
    CREATE,
    DELETE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public OperationMix {
    if (readPercent < 0
        || createPercent < 0
        || deletePercent < 0
        || readPercent + createPercent + deletePercent != 100) {
      throw new IllegalArgumentException(
          "mix must be three non-negative percentages summing to 100, got "
              + readPercent
              + ","
              + createPercent
              + ","
              + deletePercent);
    }
  }

  static OperationMix parse(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "mix must be READ,CREATE,DELETE percentages such as 60,30,10, got '" + text + "'");
    }
    return new OperationMix(
        FlagValues.nonNegativeInt("mix read share", parts[0].trim()),
        FlagValues.nonNegativeInt("mix create share", parts[1].trim()),
        FlagValues.nonNegativeInt("mix delete share", parts[2].trim()));
  }

  /** The operation for a uniform draw {@code u} in [0, 1). */
  Operation pick(double u) {
    double percent = u * 100;
    if (percent < readPercent) {
      return Operation.READ;
    }
    return percent < readPercent + createPercent ? Operation.CREATE : Operation.DELETE;
  }

  @Override
  public String toString() {
    return readPercent + "% read, " + createPercent + "% create, " + deletePercent + "% delete";
  }
}
