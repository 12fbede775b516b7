package io.vitalflow.interactions;

import io.vitalflow.interactions.host.PluginAbiException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary messages of the drug-interaction plugin, ABI version 2 (little-endian throughout; see
 * {@code docs/interaction-checker.md}). The host resolves every medication with the {@link
 * Knowledge} and sends only those that can take part in a finding, as ingredient positions of the
 * plugin's knowledge image.
 *
 * <pre>
 * request  := u32 token, u16 count, count x (u16 index, u16 k, k x u16 position)   (indexes increasing)
 * result   := u8 status, u8 versionLength, version, u32 findingCount, findingCount x finding
 * finding  := u16 first, u16 second, u16 ruleIndex, u8 severity, u8 0, u32 firstIngredient, u32 secondIngredient
 * describe := u8 status, u8 versionLength, version, u16 ruleCount,
 *             ruleCount x (u8 severity, 7 x (u16 length, UTF-8): id, a, b, mechanism, effect, management, source)
 * </pre>
 */
final class PluginCodec {

  static final int STATUS_OK = 0;
  static final int STATUS_MALFORMED = 1;
  static final int STATUS_TOO_MANY = 2;
  static final int STATUS_STALE = 3;
  static final int STATUS_UNCONFIGURED = 4;

  /** An encoded request and the medications the knowledge base could not resolve. */
  record Request(byte[] bytes, int[] unknown, int unknownCount, int activeCount) {

    /**
     * The result when fewer than two medications can take part in a rule: no pair, so no plugin
     * call.
     */
    CheckResult withoutFindings(List<Medication> medications, Knowledge kb) {
      UnknownMedication[] u = new UnknownMedication[unknownCount];
      for (int k = 0; k < unknownCount; k++) {
        u[k] = new UnknownMedication(unknown[k], medications.get(unknown[k]));
      }
      return new CheckResult(List.of(), List.of(u), kb.version());
    }
  }

  /**
   * The plugin holds another knowledge version than the request was encoded for (a reload is under
   * way).
   */
  static final class StaleKnowledgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String pluginVersion;

    StaleKnowledgeException(String pluginVersion) {
      super("plugin holds knowledge " + pluginVersion, null, false, false);
      this.pluginVersion = pluginVersion;
    }
  }

  /** The plugin instance has no knowledge yet (its host was started without data). */
  static final class UnconfiguredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnconfiguredException() {
      super("plugin instance has no knowledge", null, false, false);
    }
  }

  static Request encode(Knowledge kb, List<Medication> medications) {
    int n = medications.size();
    if (n > InteractionChecker.MAX_MEDICATIONS) {
      throw new IllegalArgumentException(
          "at most " + InteractionChecker.MAX_MEDICATIONS + " medications per check, got " + n);
    }
    Knowledge.Resolved[] active = new Knowledge.Resolved[n];
    int[] activeIndex = new int[n];
    int activeCount = 0;
    int[] unknown = null;
    int unknownCount = 0;
    int size = 6;
    for (int i = 0; i < n; i++) {
      Knowledge.Resolved r = kb.resolve(medications.get(i));
      if (r == null) {
        if (unknown == null) {
          unknown = new int[n - i];
        }
        unknown[unknownCount++] = i;
        continue;
      }
      if (r.positions.length == 0 || repeats(active, activeCount, r)) {
        continue; // no ingredient with a rule, or the same medication as an earlier entry: checked
        // there
      }
      active[activeCount] = r;
      activeIndex[activeCount++] = i;
      size += 4 + 2 * r.positions.length;
    }
    byte[] out = new byte[size];
    putInt(out, 0, kb.token());
    putShort(out, 4, activeCount);
    int pos = 6;
    for (int a = 0; a < activeCount; a++) {
      int[] positions = active[a].positions;
      putShort(out, pos, activeIndex[a]);
      putShort(out, pos + 2, positions.length);
      pos += 4;
      for (int p : positions) {
        putShort(out, pos, p);
        pos += 2;
      }
    }
    return new Request(out, unknown, unknownCount, activeCount);
  }

  /**
   * Entries with the same ingredient set are the same medication (the first one stands for all).
   */
  private static boolean repeats(Knowledge.Resolved[] active, int count, Knowledge.Resolved r) {
    for (int a = 0; a < count; a++) {
      if (active[a] == r || Arrays.equals(active[a].ingredients, r.ingredients)) {
        return true;
      }
    }
    return false;
  }

  static CheckResult decode(
      byte[] bytes, List<Medication> medications, Knowledge kb, Request request) {
    int n = bytes.length;
    if (n < 2) {
      throw new PluginAbiException("truncated plugin result");
    }
    int status = bytes[0] & 0xFF;
    int versionLength = bytes[1] & 0xFF;
    int pos = 2 + versionLength;
    if (pos > n) {
      throw new PluginAbiException("truncated plugin result");
    }
    String version = kb.version();
    if (status == STATUS_STALE) {
      throw new StaleKnowledgeException(
          new String(bytes, 2, versionLength, StandardCharsets.US_ASCII));
    }
    if (status == STATUS_UNCONFIGURED) {
      throw new UnconfiguredException();
    }
    if (status != STATUS_OK) {
      throw rejected(status, new String(bytes, 2, versionLength, StandardCharsets.US_ASCII));
    }
    if (!sameVersion(version, bytes, versionLength)) {
      throw new PluginAbiException(
          "plugin answered with knowledge "
              + new String(bytes, 2, versionLength, StandardCharsets.US_ASCII)
              + ", asked with "
              + version);
    }
    List<Rule> rules = kb.rules();
    int size = medications.size();
    int count = count(bytes, pos, 16);
    pos += 4;
    Finding[] findings = new Finding[count];
    for (int k = 0; k < count; k++, pos += 16) {
      int first = getShort(bytes, pos);
      int second = getShort(bytes, pos + 2);
      int rule = getShort(bytes, pos + 4);
      int severity = bytes[pos + 6] & 0xFF;
      long a = Integer.toUnsignedLong(getInt(bytes, pos + 8));
      long b = Integer.toUnsignedLong(getInt(bytes, pos + 12));
      if (first >= second
          || second >= size
          || rule >= rules.size()
          || rules.get(rule).severity().code() != severity) {
        throw new PluginAbiException(
            "inconsistent finding " + first + "/" + second + " rule " + rule);
      }
      findings[k] =
          new Finding(
              first,
              second,
              medications.get(first),
              medications.get(second),
              a,
              b,
              rules.get(rule),
              version);
    }
    if (pos != n) {
      throw new PluginAbiException((n - pos) + " unexpected bytes after the result");
    }
    UnknownMedication[] unknown = new UnknownMedication[request.unknownCount()];
    for (int k = 0; k < unknown.length; k++) {
      int index = request.unknown()[k];
      unknown[k] = new UnknownMedication(index, medications.get(index));
    }
    return new CheckResult(List.of(findings), List.of(unknown), version);
  }

  private static boolean sameVersion(String version, byte[] bytes, int length) {
    if (version.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (version.charAt(i) != (bytes[2 + i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static PluginAbiException rejected(int status, String version) {
    return new PluginAbiException(
        "plugin " + version + " rejected the request with status " + status + statusText(status));
  }

  private static String statusText(int status) {
    return switch (status) {
      case STATUS_MALFORMED -> " (malformed)";
      case STATUS_TOO_MANY -> " (too many)";
      case STATUS_UNCONFIGURED -> " (no knowledge loaded)";
      default -> "";
    };
  }

  /** A u32 record count at {@code pos}, checked against the bytes that follow it. */
  private static int count(byte[] bytes, int pos, int recordSize) {
    if (pos + 4 > bytes.length) {
      throw new PluginAbiException("truncated plugin result");
    }
    long n = Integer.toUnsignedLong(getInt(bytes, pos));
    if (n * recordSize > bytes.length - pos - 4) {
      throw new PluginAbiException("plugin result announces " + n + " records but is too short");
    }
    return (int) n;
  }

  private static int getShort(byte[] b, int pos) {
    return (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
  }

  private static int getInt(byte[] b, int pos) {
    return (b[pos] & 0xFF)
        | (b[pos + 1] & 0xFF) << 8
        | (b[pos + 2] & 0xFF) << 16
        | (b[pos + 3] & 0xFF) << 24;
  }

  private static void putShort(byte[] b, int pos, int v) {
    b[pos] = (byte) v;
    b[pos + 1] = (byte) (v >>> 8);
  }

  private static void putInt(byte[] b, int pos, int v) {
    b[pos] = (byte) v;
    b[pos + 1] = (byte) (v >>> 8);
    b[pos + 2] = (byte) (v >>> 16);
    b[pos + 3] = (byte) (v >>> 24);
  }

  static Catalogue catalogue(byte[] bytes) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      String version = header(buf);
      int count = Short.toUnsignedInt(buf.getShort());
      List<Rule> rules = new ArrayList<>(count);
      for (int k = 0; k < count; k++) {
        Severity severity = Severity.ofCode(Byte.toUnsignedInt(buf.get()));
        String[] s = new String[7];
        for (int f = 0; f < 7; f++) {
          byte[] text = new byte[Short.toUnsignedInt(buf.getShort())];
          buf.get(text);
          s[f] = new String(text, StandardCharsets.UTF_8);
        }
        rules.add(new Rule(s[0], severity, s[1], s[2], s[3], s[4], s[5], s[6]));
      }
      return new Catalogue(version, rules);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new PluginAbiException("malformed plugin description", e);
    }
  }

  private static String header(ByteBuffer buf) {
    int status = Byte.toUnsignedInt(buf.get());
    byte[] version = new byte[Byte.toUnsignedInt(buf.get())];
    buf.get(version);
    String v = new String(version, StandardCharsets.US_ASCII);
    if (status != STATUS_OK) {
      throw new PluginAbiException(
          "plugin "
              + v
              + " rejected the request with status "
              + status
              + (status == STATUS_MALFORMED
                  ? " (malformed)"
                  : status == STATUS_TOO_MANY ? " (too many)" : ""));
    }
    return v;
  }

  private PluginCodec() {}
}
