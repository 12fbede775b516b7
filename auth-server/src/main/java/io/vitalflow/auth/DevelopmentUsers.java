package io.vitalflow.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The people who can log in to the local authorization server: nurses with wards, an administrator,
 * and a patient for SMART standalone launch. Development only: their passwords are generated per
 * data directory and readable in {@code <data-dir>/auth/users.passwords}.
 */
public final class DevelopmentUsers {

  /** Every ward: the administrator's {@code wards} claim. */
  public static final String ALL_WARDS = "*";

  /** The administrative scope that moves patients between wards. */
  public static final String WARDS_ADMIN = "vitalflow/wards.admin";

  /**
   * One development user.
   *
   * @param name the login name, the {@code sub} of their tokens
   * @param wards the {@code wards} claim ({@link #ALL_WARDS} for every ward)
   * @param patient the patient this user is (SMART patient launch), if any
   * @param admin whether the user may be granted {@link #WARDS_ADMIN}
   */
  public record User(String name, List<String> wards, Optional<String> patient, boolean admin) {
    public User {
      wards = List.copyOf(wards);
    }

    /** The FHIR reference of this user ({@code fhirUser}). */
    public String fhirUser() {
      return patient.map(id -> "Patient/" + id).orElse("Practitioner/" + name);
    }
  }

  /** The users, by name. */
  public static final Map<String, User> USERS = users();

  private final Map<String, String> passwords;

  private DevelopmentUsers(Map<String, String> passwords) {
    this.passwords = passwords;
  }

  /** The users and their passwords in {@code authDir}; passwords are generated on first use. */
  public static DevelopmentUsers load(Path authDir) {
    String text =
        AuthFiles.readOrCreate(
            authDir,
            AuthFiles.PASSWORDS,
            () -> {
              StringBuilder lines =
                  new StringBuilder(
                      "# development users of the local authorization server (docs/security.md)\n");
              for (String name : USERS.keySet()) {
                lines.append(name).append('=').append(AuthFiles.randomSecret()).append('\n');
              }
              return lines.toString();
            });
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> passwords = new TreeMap<>();
    for (String name : USERS.keySet()) {
      String password = properties.getProperty(name);
      if (password == null || password.isBlank()) {
        throw new IllegalStateException(
            "No password for "
                + name
                + " in "
                + authDir.resolve(AuthFiles.PASSWORDS)
                + "; remove the file to generate new ones");
      }
      passwords.put(name, password.trim());
    }
    return new DevelopmentUsers(Map.copyOf(passwords));
  }

  /** The user called {@code name}, if there is one. */
  public static Optional<User> user(String name) {
    return Optional.ofNullable(USERS.get(name));
  }

  /** The password of {@code name}. */
  public String password(String name) {
    String password = passwords.get(name);
    if (password == null) {
      throw new IllegalArgumentException("no development user " + name);
    }
    return password;
  }

  /** The user names. */
  public Set<String> names() {
    return USERS.keySet();
  }

  private static Map<String, User> users() {
    Map<String, User> users = new LinkedHashMap<>();
    users.put("nurse-a", new User("nurse-a", List.of("ward-a"), Optional.empty(), false));
    users.put("nurse-b", new User("nurse-b", List.of("ward-b"), Optional.empty(), false));
    users.put("admin", new User("admin", List.of(ALL_WARDS), Optional.empty(), true));
    users.put("patient-a", new User("patient-a", List.of(), Optional.of("sim-1"), false));
    return java.util.Collections.unmodifiableMap(users);
  }
}
