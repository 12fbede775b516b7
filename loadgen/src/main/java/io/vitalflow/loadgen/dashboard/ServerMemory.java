package io.vitalflow.loadgen.dashboard;

import io.vitalflow.loadgen.auth.Bearer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers' memory: used heap from the actuator ({@code
 * /actuator/metrics/jvm.memory.used?tag=area:heap}, else the sum of {@code
 * jvm_memory_used_bytes{area="heap"}} in {@code /actuator/prometheus}), and RSS from {@code
 * /proc/<pid>/status}. With a pid, {@code jcmd <pid> GC.run} runs before the heap is read; without,
 * the heap is the minimum of a few samples (the least garbage seen).
 */
public final class ServerMemory {

  /** Used heap and RSS (bytes; RSS -1 when no pid was given), summed over the servers. */
  public record Sample(long heapBytes, long rssBytes, boolean afterGc) {}

  private static final Pattern METRIC_VALUE =
      Pattern.compile("\"statistic\"\\s*:\\s*\"VALUE\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.eE+-]+)");
  private static final Pattern PROMETHEUS_HEAP =
      Pattern.compile(
          "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\}\\s+([0-9.eE+-]+)",
          Pattern.MULTILINE);
  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+)\\s+kB");

  private final List<URI> httpBases;
  private final List<Long> pids;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Bearer bearer;

  ServerMemory(List<URI> httpBases, List<Long> pids, Bearer bearer) {
    this.httpBases = List.copyOf(httpBases);
    this.pids = List.copyOf(pids);
    this.bearer = bearer;
  }

  Sample sample() throws IOException, InterruptedException {
    boolean gc = !pids.isEmpty() && pids.stream().allMatch(ServerMemory::gc);
    long heap = 0;
    for (URI base : httpBases) {
      long least = Long.MAX_VALUE;
      for (int i = 0; i < (gc ? 1 : 4); i++) {
        if (i > 0) {
          TimeUnit.MILLISECONDS.sleep(700);
        }
        least = Math.min(least, heap(base));
      }
      heap += least;
    }
    long rss = pids.isEmpty() ? -1 : 0;
    for (long pid : pids) {
      rss += rss(pid);
    }
    return new Sample(heap, rss, gc);
  }

  private long heap(URI base) throws IOException, InterruptedException {
    HttpResponse<String> metrics =
        get(base.resolve("/actuator/metrics/jvm.memory.used?tag=area:heap"));
    if (metrics.statusCode() == 200) {
      Matcher value = METRIC_VALUE.matcher(metrics.body());
      if (value.find()) {
        return (long) Double.parseDouble(value.group(1));
      }
    }
    HttpResponse<String> prometheus = get(base.resolve("/actuator/prometheus"));
    if (prometheus.statusCode() != 200) {
      throw new IOException(
          base
              + " exposes neither /actuator/metrics nor /actuator/prometheus (HTTP "
              + prometheus.statusCode()
              + ")");
    }
    return prometheusHeap(prometheus.body());
  }

  /** The sum of the heap pools' {@code jvm_memory_used_bytes}. */
  static long prometheusHeap(String exposition) throws IOException {
    Matcher line = PROMETHEUS_HEAP.matcher(exposition);
    double sum = 0;
    boolean found = false;
    while (line.find()) {
      sum += Double.parseDouble(line.group(1));
      found = true;
    }
    if (!found) {
      throw new IOException("no jvm_memory_used_bytes{area=\"heap\"} in /actuator/prometheus");
    }
    return (long) sum;
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    String authorization = bearer.header();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code jcmd <pid> GC.run}; false when it cannot be run (another user, no jcmd). */
  private static boolean gc(long pid) {
    try {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process process =
          new ProcessBuilder(
                  Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static long rss(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    Matcher rss = VM_RSS.matcher(status);
    if (!rss.find()) {
      throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
    return Long.parseLong(rss.group(1)) * 1024;
  }
}
