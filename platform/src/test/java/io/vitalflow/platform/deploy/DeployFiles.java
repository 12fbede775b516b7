package io.vitalflow.platform.deploy;

import io.vitalflow.platform.ops.OpsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files of the repository ({@code deploy/}) and the service modules they deploy,
 * read as the tests need them: the Kustomize overlays rendered by {@code kubectl kustomize} (or,
 * without kubectl, the base's and the overlay's own files, unpatched), the Compose file, and each
 * service's own configuration file.
 */
final class DeployFiles {

  /** A service module with an image: its name, its HTTP port, and its configuration file. */
  record Service(String module, int port, Path configFile) {}

  /** kubectl; {@code -Dvitalflow.kubectl=/none} tries the fallback without it. */
  static final Path KUBECTL = Path.of(System.getProperty("vitalflow.kubectl", "/usr/bin/kubectl"));

  private DeployFiles() {}

  static Path root() {
    return OpsFiles.root();
  }

  static Path deploy() {
    return root().resolve("deploy");
  }

  static Path compose() {
    return deploy().resolve("compose.yaml");
  }

  static Path overlay(String name) {
    return deploy().resolve("k8s/overlays").resolve(name);
  }

  /** Whether the overlays are rendered by kubectl (true) or read file by file (false). */
  static boolean kubectl() {
    return Files.isExecutable(KUBECTL);
  }

  /** Every document of the overlay, as Kubernetes would get it. */
  static List<Map<String, Object>> render(String overlay) {
    return RENDERED.computeIfAbsent(overlay, DeployFiles::renderNow);
  }

  private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

  private static List<Map<String, Object>> renderNow(String overlay) {
    Path dir = overlay(overlay);
    if (kubectl()) {
      return documents(kustomize(dir));
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    readKustomization(dir, docs);
    return docs;
  }

  private static String kustomize(Path dir) {
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      try {
        Process process =
            new ProcessBuilder(KUBECTL.toString(), "kustomize", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("kubectl kustomize " + dir + " did not finish");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          throw new IllegalStateException("kubectl kustomize " + dir + " failed:\n" + text);
        }
        return text;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Without kubectl: the resources a kustomization lists, recursively, without its patches. */
  @SuppressWarnings("unchecked")
  private static void readKustomization(Path dir, List<Map<String, Object>> into) {
    Map<String, Object> kustomization = yaml(dir.resolve("kustomization.yaml"));
    for (Object resource : (List<Object>) kustomization.getOrDefault("resources", List.of())) {
      Path path = dir.resolve(resource.toString()).normalize();
      if (Files.isDirectory(path)) {
        readKustomization(path, into);
      } else {
        into.addAll(documents(OpsFiles.read(path)));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(text)) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  /** One YAML file (anchors and merge keys resolved). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(200);
    return (Map<String, Object>) new Yaml(options).load(OpsFiles.read(file));
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  static String name(Map<String, Object> doc) {
    return (String) map(doc, "metadata").get("name");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  /** A nested value by its keys, or null. */
  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> doc, String... keys) {
    Object value = doc;
    for (String key : keys) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = ((Map<String, Object>) map).get(key);
    }
    return value;
  }

  /** A YAML list (or a single value) as text. */
  static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> list
        ? list.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(value));
  }

  /** The containers of a Deployment's pod template. */
  static List<Map<String, Object>> containers(Map<String, Object> deployment) {
    return list(map(map(map(deployment, "spec"), "template"), "spec"), "containers");
  }

  /**
   * The service modules: the root pom's modules whose pom defines the {@code images} profile, with
   * the port of their own configuration file ({@code <module>.yml}).
   */
  static List<Service> imageServices() {
    List<Service> services = new ArrayList<>();
    for (String module : Poms.modules(root().resolve("pom.xml"))) {
      Path pom = root().resolve(module).resolve("pom.xml");
      if (Poms.profile(pom, "images") != null) {
        Path config = root().resolve(module).resolve("src/main/resources/" + module + ".yml");
        services.add(
            new Service(
                module,
                Integer.parseInt(Objects.toString(property(config, "server.port"))),
                config));
      }
    }
    return services;
  }

  /** A property of a Spring Boot YAML file (Spring's own loader: flattened names). */
  static Object property(Path yml, String name) {
    return properties(yml).get(name);
  }

  static Map<String, Object> properties(Path yml) {
    try {
      Map<String, Object> result = new LinkedHashMap<>();
      for (PropertySource<?> source :
          new YamlPropertySourceLoader().load(yml.toString(), new FileSystemResource(yml))) {
        if (source.getSource() instanceof Map<?, ?> map) {
          map.forEach((k, v) -> result.put(k.toString(), String.valueOf(v)));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
