package io.vitalflow.loadgen.engine;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The load-model flags shared by the request scenarios, as a picocli mixin: {@code
 * --model=closed|open}; closed takes {@code --stages} and {@code --think}, open takes {@code
 * --rates} and {@code --max-in-flight}. Their defaults differ by scenario ({@link
 * LoadModels.Defaults}, through {@code ScenarioDefaults}), so none is written here.
 */
public final class LoadModelFlags {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--model",
      paramLabel = "closed|open",
      description =
          "closed: virtual users (k6 style) with a think time; open: arrivals per second, latency from "
              + "each arrival's intended start.")
  String model;

  @Option(
      names = "--stages",
      paramLabel = "DURATION:USERS,...",
      description = "Closed model: stages ramping the virtual users linearly to each target.")
  String stages;

  @Option(
      names = "--think",
      paramLabel = "DURATION[-DURATION]",
      description =
          "Closed model: pause of a virtual user between iterations (fixed, or uniform in a range).")
  String think;

  @Option(
      names = "--rates",
      paramLabel = "DURATION:RATE,...",
      description = "Open model: stages ramping the arrivals per second linearly to each target.")
  String rates;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      description =
          "Open model: iterations in flight at most (later arrivals wait, and their wait counts).")
  String maxInFlight;

  /** The model the flags describe; a flag of the other model, when given, is refused. */
  public LoadModel model() {
    switch (model) {
      case "closed" -> {
        rejectIfGiven("--rates", "closed");
        rejectIfGiven("--max-in-flight", "closed");
        return new LoadModel.Closed(Stages.parse(stages), Think.parse(think));
      }
      case "open" -> {
        rejectIfGiven("--stages", "open");
        rejectIfGiven("--think", "open");
        Stages parsed = Stages.parse(rates);
        if (parsed.peak() == 0) {
          throw new IllegalArgumentException(
              "--rates: every stage has rate 0, nothing would be sent");
        }
        return new LoadModel.Open(parsed, FlagValues.positiveInt("--max-in-flight", maxInFlight));
      }
      default ->
          throw new IllegalArgumentException("--model must be closed or open, got '" + model + "'");
    }
  }

  private void rejectIfGiven(String flag, String kind) {
    if (command.commandLine().getParseResult().hasMatchedOption(flag)) {
      throw new IllegalArgumentException(flag + " does not apply to --model=" + kind);
    }
  }
}
