package io.vitalflow.loadgen.interactions;

import io.vitalflow.loadgen.auth.Auth;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.LoadModels;
import io.vitalflow.loadgen.engine.Thresholds;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The settings of {@code loadgen interactions}, checked from its flags by {@link
 * InteractionsCommand}.
 *
 * @param parts what to run ({@code --which})
 * @param forks JMH forks per hot-path and reload benchmark (0: in this JVM)
 * @param threads JMH threads calling the hot path at once (the checker's pool serves them)
 * @param warmup JMH warm-up iterations (hot path), warm-up shots (reload)
 * @param iterations JMH measured iterations of the hot path
 * @param time length of one hot-path iteration (warm-up and measured)
 * @param coldRuns fresh JVMs, one cold-start shot each (with {@code forks=0}: shots in this JVM)
 * @param reloadRuns measured reload shots per fork
 * @param cdsService the CDS Hooks order-select service URL ({@code --fhir-url}'s host + {@code
 *     /cds-services/ID})
 * @param model the HTTP part's load model
 * @param thresholds the HTTP part's limits
 * @param timeout HTTP response timeout
 * @param progressEvery HTTP progress line interval
 * @param reportDir where the Markdown and HTML reports go
 */
public record InteractionsOptions(
    Set<Part> parts,
    int forks,
    int threads,
    int warmup,
    int iterations,
    Duration time,
    int coldRuns,
    int reloadRuns,
    URI cdsService,
    LoadModel model,
    Thresholds thresholds,
    Duration timeout,
    Duration progressEvery,
    Path reportDir,
    Auth auth) {

  /** The scenario's parts, in the order they run. */
  public enum Part {
    HOT,
    COLD,
    RELOAD,
    HTTP;

    String flag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The HTTP part's load-model defaults: a short closed run. */
  static final LoadModels.Defaults LOAD_DEFAULTS =
      new LoadModels.Defaults("closed", "2s:4,10s:4", "0ms", "2s:500,10s:500", "64");

  static final String DEFAULT_SERVICE = "vitalflow-drug-interactions-select";

  public InteractionsOptions {
    parts = Set.copyOf(parts);
  }

  boolean runs(Part part) {
    return parts.contains(part);
  }

  /** The CDS Hooks discovery URL of the same server. */
  URI discovery() {
    return cdsService.resolve("/cds-services");
  }

  /** The service id, the last path segment of {@link #cdsService}. */
  String serviceId() {
    String path = cdsService.getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static Set<Part> parts(String text) {
    Set<Part> parts = EnumSet.noneOf(Part.class);
    for (String item : text.split(",", -1)) {
      String name = item.trim();
      Part part =
          List.of(Part.values()).stream()
              .filter(p -> p.flag().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--which takes a comma-separated list of hot, cold, reload, http; got '"
                              + text
                              + "'"));
      parts.add(part);
    }
    return parts;
  }
}
