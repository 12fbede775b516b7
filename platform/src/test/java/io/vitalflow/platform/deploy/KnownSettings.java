package io.vitalflow.platform.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URL;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings one service really has, to check a deployment's environment variables against: every
 * property of Spring Boot's configuration metadata (the {@code META-INF/spring-configuration-
 * metadata.json} of every jar on the class path), and the {@code vitalflow.*} properties of the
 * {@code @ConfigurationProperties} records of the service's own module and of the modules every
 * WebFlux service has ({@code web-support}, {@code audit}), found by scanning and walking the
 * records' components. A map-valued property (a {@code Map} in a record, {@code
 * spring.kafka.properties}) accepts any key below it.
 *
 * <p>An environment variable names a property as Spring Boot's relaxed binding reads it: upper
 * case, {@code .} as {@code _}, {@code -} as {@code _} or left out.
 */
final class KnownSettings {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> BOOT = new HashSet<>();
  private static final Set<String> BOOT_MAPS = new HashSet<>();

  static {
    readBootMetadata();
  }

  private final Set<String> properties = new HashSet<>(BOOT);
  private final Set<String> maps = new HashSet<>(BOOT_MAPS);

  private KnownSettings() {}

  /** The settings of this service module. */
  static KnownSettings of(String module) {
    KnownSettings settings = new KnownSettings();
    List<String> modules =
        module.equals("auth-server") ? List.of(module) : List.of(module, "web-support", "audit");
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    for (BeanDefinition definition : scanner.findCandidateComponents("io.vitalflow")) {
      Class<?> type = load(definition.getBeanClassName());
      if (modules.contains(moduleOf(type)) && type.isRecord()) {
        String prefix = type.getAnnotation(ConfigurationProperties.class).value();
        settings.walk(prefix, type);
      }
    }
    return settings;
  }

  /** Whether this environment variable binds to a setting of the service. */
  boolean acceptsVariable(String variable) {
    for (String property : properties) {
      if (envForms(property).contains(variable)) {
        return true;
      }
    }
    for (String map : maps) {
      for (String form : envForms(map)) {
        if (variable.startsWith(form + "_") && variable.length() > form.length() + 1) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether this property name (as in {@code SPRING_APPLICATION_JSON}) is a setting. */
  boolean acceptsProperty(String property) {
    if (properties.contains(property) || maps.contains(property)) {
      return true;
    }
    return maps.stream().anyMatch(m -> property.startsWith(m + "."));
  }

  /** How many properties are known (for a sanity check of the scan). */
  int size() {
    return properties.size();
  }

  static Set<String> envForms(String property) {
    String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
    return new HashSet<>(List.of(upper.replace('-', '_'), upper.replace("-", "")));
  }

  private void walk(String prefix, Class<?> record) {
    for (RecordComponent component : record.getRecordComponents()) {
      Name renamed = component.getAnnotation(Name.class);
      String name = prefix + "." + (renamed != null ? renamed.value() : kebab(component.getName()));
      Class<?> type = component.getType();
      if (type.isRecord()) {
        walk(name, type);
      } else if (Map.class.isAssignableFrom(type)) {
        maps.add(name);
      } else if (List.class.isAssignableFrom(type) && elementIsRecord(component.getGenericType())) {
        maps.add(name);
      } else {
        properties.add(name);
      }
    }
  }

  private static boolean elementIsRecord(Type type) {
    return type instanceof ParameterizedType p
        && p.getActualTypeArguments()[0] instanceof Class<?> c
        && c.isRecord();
  }

  static String kebab(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The module a class comes from: its directory ({@code <module>/target/classes}) or jar name. */
  static String moduleOf(Class<?> type) {
    String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    String path = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    if (path.endsWith("/target/classes")) {
      path = path.substring(0, path.length() - "/target/classes".length());
      return path.substring(path.lastIndexOf('/') + 1);
    }
    String file = path.substring(path.lastIndexOf('/') + 1);
    int version = file.indexOf("-0.");
    return version > 0 ? file.substring(0, version) : file;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, KnownSettings.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void readBootMetadata() {
    try {
      Enumeration<URL> files =
          KnownSettings.class
              .getClassLoader()
              .getResources("META-INF/spring-configuration-metadata.json");
      while (files.hasMoreElements()) {
        try (InputStream in = files.nextElement().openStream()) {
          for (JsonNode property : JSON.readTree(in).path("properties")) {
            String name = property.path("name").asString();
            String type = property.hasNonNull("type") ? property.get("type").asString() : "";
            if (type.startsWith("java.util.Map")) {
              BOOT_MAPS.add(name);
            } else {
              BOOT.add(name);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
