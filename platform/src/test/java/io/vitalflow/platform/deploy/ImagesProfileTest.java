package io.vitalflow.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The opt-in image build (docs/deployment.md, "Images"): the root pom's Jib configuration (Temurin
 * 17 JRE base, a user that is not root, container-aware heap, version and commit labels, skipped
 * unless a service's {@code images} profile turns it on) and one {@code images} profile per service
 * module, with the service's main class and port. A service is a module with an executable jar (the
 * Spring Boot {@code repackage} execution with classifier {@code exec}); building the images needs
 * a registry for the base image, which this machine cannot reach, so the configuration is what is
 * tested here.
 */
class ImagesProfileTest {

  private static final Path ROOT_POM = DeployFiles.root().resolve("pom.xml");

  @Test
  void theRootPomConfiguresJibOnceWithATemurinBaseANonRootUserAndLabels() {
    Element jib = rootJib();
    assertThat(Poms.text(jib, "version")).isEqualTo("3.5.2");
    Element config = Poms.child(jib, "configuration");
    assertThat(Poms.text(config, "skip"))
        .as("off unless a service's profile turns it on")
        .isEqualTo("true");
    assertThat(Poms.text(config, "from", "image")).isEqualTo("eclipse-temurin:17-jre");
    String user = Poms.text(config, "container", "user");
    assertThat(user).isNotBlank();
    assertThat(user.split(":")[0]).isNotIn("0", "root");
    List<String> flags =
        Poms.children(Poms.child(config, "container", "jvmFlags"), "jvmFlag").stream()
            .map(e -> e.getTextContent().trim())
            .toList();
    assertThat(flags).contains("-XX:MaxRAMPercentage=${vitalflow.image.max-ram-percentage}");
    assertThat(flags).noneMatch(f -> f.startsWith("-Xmx"));
    Map<String, String> labels =
        Poms.children(Poms.child(config, "container", "labels"), null).stream()
            .collect(Collectors.toMap(Element::getTagName, e -> e.getTextContent().trim()));
    assertThat(labels)
        .containsEntry("org.opencontainers.image.version", "${project.version}")
        .containsEntry("org.opencontainers.image.revision", "${git.commit}");
    assertThat(Poms.text(config, "container", "mainClass"))
        .isEqualTo("${vitalflow.image.main-class}");
    assertThat(Poms.children(Poms.child(config, "container", "ports"), "port"))
        .extracting(e -> e.getTextContent().trim())
        .containsExactly("${vitalflow.image.port}");
    // Jib's default layering (dependencies apart from classes) is not overridden by a jar mode
    assertThat(Poms.text(config, "containerizingMode")).isNull();
  }

  @Test
  void everyServiceWithAnExecutableJarHasAnImagesProfileWithItsMainClassAndPort() {
    List<String> services = new ArrayList<>();
    for (String module : Poms.modules(ROOT_POM)) {
      Path pom = DeployFiles.root().resolve(module).resolve("pom.xml");
      String mainClass = execMainClass(pom);
      Element profile = Poms.profile(pom, "images");
      if (mainClass == null) {
        assertThat(profile).as(module + " has no executable jar, so no image").isNull();
        continue;
      }
      services.add(module);
      assertThat(profile).as(module + ": images profile").isNotNull();
      assertThat(Poms.text(profile, "activation", "activeByDefault"))
          .as("verify must not need the images profile")
          .isNull();
      assertThat(Poms.text(profile, "properties", "vitalflow.image.main-class"))
          .as(module)
          .isEqualTo(mainClass);
      Path config =
          DeployFiles.root().resolve(module).resolve("src/main/resources/" + module + ".yml");
      assertThat(Poms.text(profile, "properties", "vitalflow.image.port"))
          .as(module + ": the port of " + config.getFileName())
          .isEqualTo(String.valueOf(DeployFiles.property(config, "server.port")));
      assertThat(Poms.text(profile, "properties", "git.commit")).isEqualTo("unknown");
      int heap =
          Integer.parseInt(Poms.text(profile, "properties", "vitalflow.image.max-ram-percentage"));
      assertThat(heap).as(module + ": heap share of the container's memory").isBetween(50, 80);
      Element jib = Poms.plugin(Poms.child(profile, "build", "plugins"), "jib-maven-plugin");
      assertThat(jib).as(module + ": the profile turns Jib on").isNotNull();
      assertThat(Poms.text(jib, "configuration", "skip")).isEqualTo("false");
    }
    assertThat(services)
        .containsExactlyInAnyOrder(
            "auth-server",
            "ingest-gateway",
            "vitals-stream-processor",
            "fhir-api",
            "dashboard-push");
  }

  private static Element rootJib() {
    Element plugins = Poms.child(Poms.read(ROOT_POM), "build", "pluginManagement", "plugins");
    Element jib = Poms.plugin(plugins, "jib-maven-plugin");
    assertThat(jib).as("jib-maven-plugin in the root pom's pluginManagement").isNotNull();
    return jib;
  }

  /** The main class of the module's executable jar, or null when it builds none. */
  private static String execMainClass(Path pom) {
    Element boot =
        Poms.plugin(Poms.child(Poms.read(pom), "build", "plugins"), "spring-boot-maven-plugin");
    if (boot == null) {
      return null;
    }
    for (Element execution : Poms.children(Poms.child(boot, "executions"), "execution")) {
      if ("exec".equals(Poms.text(execution, "configuration", "classifier"))) {
        return Poms.text(execution, "configuration", "mainClass");
      }
    }
    return null;
  }
}
