package io.vitalflow.loadgen.engine;

import java.util.Map;

/**
 * The load models of the request scenarios ({@link LoadModelFlags} reads them from the command
 * line): each scenario's defaults, and a line describing a model for reports.
 */
public final class LoadModels {

  /** A scenario's defaults, written as on the command line. */
  public record Defaults(
      String model, String stages, String think, String rates, String maxInFlight) {

    /** By flag name, for {@code Scenario#defaults()}. */
    public Map<String, String> byFlag() {
      return Map.of(
          "model",
          model,
          "stages",
          stages,
          "think",
          think,
          "rates",
          rates,
          "max-in-flight",
          maxInFlight);
    }
  }

  private LoadModels() {}

  /** One line describing the model, for reports. */
  public static String describe(LoadModel model) {
    if (model instanceof LoadModel.Closed closed) {
      return "closed: virtual users "
          + closed.stages()
          + " (peak "
          + closed.stages().peak()
          + "), think "
          + closed.think();
    }
    LoadModel.Open open = (LoadModel.Open) model;
    return "open: arrivals/s "
        + open.rates()
        + " (peak "
        + open.rates().peak()
        + "/s), at most "
        + open.maxInFlight()
        + " in flight, latency from intended start";
  }
}
