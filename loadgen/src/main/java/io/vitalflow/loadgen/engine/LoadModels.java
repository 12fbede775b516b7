package io.vitalflow.loadgen.engine;

import java.util.List;
import java.util.Map;

/**
 * The load-model flags shared by the request scenarios: {@code --model=closed|open}; closed takes
 * {@code --stages=DURATION:USERS,...} and {@code --think}; open takes {@code --rates=DURATION:PER_SECOND,...} and
 * {@code --max-in-flight}.
 */
public final class LoadModels {

  /** The flags {@link #parse} reads. */
  public static final List<String> FLAGS = List.of("model", "stages", "think", "rates", "max-in-flight");

  /** Usage text for the flags, with the scenario's defaults. */
  public static String usage(Defaults defaults) {
    return "[--model=closed|open] [--stages=" + defaults.stages() + "] [--think=" + defaults.think() + "]"
        + " [--rates=" + defaults.rates() + "] [--max-in-flight=" + defaults.maxInFlight() + "]";
  }

  /** A scenario's defaults, written as on the command line. */
  public record Defaults(String model, String stages, String think, String rates, String maxInFlight) {
  }

  private LoadModels() {
  }

  public static LoadModel parse(Map<String, String> flags, Defaults defaults) {
    String model = flags.getOrDefault("model", defaults.model());
    switch (model) {
      case "closed" -> {
        rejectIfSet(flags, "rates", "closed");
        rejectIfSet(flags, "max-in-flight", "closed");
        return new LoadModel.Closed(Stages.parse(flags.getOrDefault("stages", defaults.stages())),
            Think.parse(flags.getOrDefault("think", defaults.think())));
      }
      case "open" -> {
        rejectIfSet(flags, "stages", "open");
        rejectIfSet(flags, "think", "open");
        Stages rates = Stages.parse(flags.getOrDefault("rates", defaults.rates()));
        if (rates.peak() == 0) {
          throw new IllegalArgumentException("--rates: every stage has rate 0, nothing would be sent");
        }
        return new LoadModel.Open(rates,
            FlagValues.positiveInt("--max-in-flight", flags.getOrDefault("max-in-flight", defaults.maxInFlight())));
      }
      default -> throw new IllegalArgumentException("--model must be closed or open, got '" + model + "'");
    }
  }

  private static void rejectIfSet(Map<String, String> flags, String flag, String model) {
    if (flags.containsKey(flag)) {
      throw new IllegalArgumentException("--" + flag + " does not apply to --model=" + model);
    }
  }

  /** One line describing the model, for reports. */
  public static String describe(LoadModel model) {
    if (model instanceof LoadModel.Closed closed) {
      return "closed: virtual users " + closed.stages() + " (peak " + closed.stages().peak() + "), think "
          + closed.think();
    }
    LoadModel.Open open = (LoadModel.Open) model;
    return "open: arrivals/s " + open.rates() + " (peak " + open.rates().peak() + "/s), at most "
        + open.maxInFlight() + " in flight, latency from intended start";
  }
}
