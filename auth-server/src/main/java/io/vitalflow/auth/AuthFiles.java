package io.vitalflow.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The files of {@code <data-dir>/auth/}: secrets, passwords and keys, readable by the owner only
 * (mode 600), written atomically so a reader never sees half a key. Shared by the server and by the
 * clients that read them ({@code ./vitalflow token}, {@link LocalAuthServer}).
 */
public final class AuthFiles {

  /** The JWK set (private keys) the server signs with; the first key is the active one. */
  public static final String SIGNING_KEYS = "signing-keys.jwks.json";

  /** The URL of the running server, written when it listens, removed when it stops. */
  public static final String URL = "url";

  /** The secret of the {@code vitalflow-cli} client. */
  public static final String CLI_SECRET = "vitalflow-cli.secret";

  /** The secret of the {@code vitalflow-gateway} client (the device simulator). */
  public static final String GATEWAY_SECRET = "vitalflow-gateway.secret";

  /** The private key (JWK) of the {@code vitalflow-backend} client (SMART Backend Services). */
  public static final String BACKEND_KEY = "vitalflow-backend.private.jwk.json";

  /** The development users' passwords, {@code user=password} lines. */
  public static final String PASSWORDS = "users.passwords";

  private static final SecureRandom RANDOM = new SecureRandom();

  private AuthFiles() {}

  /** The text of {@code dir/name}, or empty when the file does not exist. */
  public static Optional<String> read(Path dir, String name) {
    Path file = dir.resolve(name);
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * Writes {@code text} to {@code dir/name} atomically, mode 600 where the file system has modes.
   */
  public static void write(Path dir, String name, String text) {
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      Path temp =
          posix()
              ? Files.createTempFile(
                  dir,
                  "." + name,
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, "." + name, ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** The text of {@code dir/name}, created from {@code generated} on first use. */
  public static synchronized String readOrCreate(
      Path dir, String name, java.util.function.Supplier<String> generated) {
    return read(dir, name)
        .orElseGet(
            () -> {
              String text = generated.get();
              write(dir, name, text);
              return text;
            });
  }

  /** Removes {@code dir/name} if it exists. */
  public static void delete(Path dir, String name) {
    try {
      Files.deleteIfExists(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir.resolve(name), e);
    }
  }

  /** A random secret: 32 bytes, URL-safe base64 (43 characters). */
  public static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
