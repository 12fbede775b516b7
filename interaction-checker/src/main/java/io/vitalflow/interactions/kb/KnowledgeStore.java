package io.vitalflow.interactions.kb;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * A directory of knowledge-base versions shared by the importer and running services: {@code
 * STORE/<version>/} holds the six files of one version, {@code STORE/CURRENT} names the version in
 * use. A version directory is complete before it is renamed into place, and {@code CURRENT} is
 * replaced atomically, so a reader never sees half a version.
 */
public final class KnowledgeStore {

  static final String CURRENT = "CURRENT";

  private final Path root;

  private KnowledgeStore(Path root) {
    this.root = root;
  }

  public static KnowledgeStore at(Path root) {
    return new KnowledgeStore(root);
  }

  public Path root() {
    return root;
  }

  /** The current version's name, if the store has one. */
  public Optional<String> currentVersion() {
    Path current = root.resolve(CURRENT);
    if (!Files.isRegularFile(current)) {
      return Optional.empty();
    }
    try {
      String v = Files.readString(current, StandardCharsets.UTF_8).trim();
      return v.isEmpty() ? Optional.empty() : Optional.of(v);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + current, e);
    }
  }

  /** The current version's directory, if any. */
  public Optional<Path> current() {
    return currentVersion().map(root::resolve);
  }

  /** The current version's files, if any. */
  public Optional<Map<String, byte[]>> currentFiles() {
    return current().map(KnowledgeBase::files);
  }

  /** The files of the knowledge base packaged in this jar. */
  public static Map<String, byte[]> packagedFiles() {
    return KnowledgeBase.packagedFiles();
  }

  /** Writes a version (validated by the caller) and makes it current; returns its directory. */
  public Path write(String version, Map<String, byte[]> files) {
    if (!version.matches("[0-9A-Za-z.+\\-]{1,120}")) {
      throw new IllegalArgumentException("not a version name: " + version);
    }
    try {
      Files.createDirectories(root);
      Path target = root.resolve(version);
      if (!Files.isDirectory(target)) {
        Path tmp = Files.createTempDirectory(root, ".incoming-");
        for (String f : KnowledgeBase.FILES) {
          Files.write(tmp.resolve(f), files.get(f));
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      Path tmp = Files.createTempFile(root, ".current-", ".tmp");
      Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp,
            root.resolve(CURRENT),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, root.resolve(CURRENT), StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write knowledge version " + version + " to " + root, e);
    }
  }
}
