package io.vitalflow.interactions;

import io.vitalflow.interactions.reference.KnowledgeBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The shipped knowledge compiled once, when the jar is built ({@code process-classes}, see the
 * module's {@code pom.xml}), into one binary resource that {@link Knowledge#shipped()} loads in a
 * few milliseconds: the version with its content hash, the ingredient codes, the code table, the
 * name terms, the plugin image and the image's SHA-256. A cold JVM then does not read, hash
 * (SHA-256 over ~150 KB, interpreted) and compile the TSV files before the first check. Knowledge
 * imported at run time (a {@link io.vitalflow.interactions.kb.KnowledgeStore} version) is still
 * read, hashed and compiled from its files.
 *
 * <p>Nothing is trusted that the tests do not check: {@code KnowledgeSnapshotTest} compiles the TSV
 * files and compares every part, so a snapshot that does not match the data fails the build.
 *
 * <pre>
 * snapshot := u32 magic "VFKS", u8 format (1), string version, string imageSha256,
 *             u32 n, n x (i64 ingredientRxcui, i32 position or -1),
 *             u32 setCount, setCount x (u16 k, k x u16 ordinal),
 *             u32 codeCount, u32 capacity, codeCount x (i64 code, u32 slot, u32 set),
 *             u32 termCount, termCount x (string text, u16 k, k x u16 ordinal),
 *             u32 imageLength, image
 * string   := u16 length, UTF-8          (all integers big-endian)
 * </pre>
 */
public final class KnowledgeSnapshot {

  /** Where the build puts the snapshot of the shipped knowledge (on the classpath). */
  static final String RESOURCE = "/io/vitalflow/interactions/knowledge.snapshot";

  private static final int MAGIC = 0x564B_4653; // "VFKS"
  private static final int FORMAT = 1;

  private KnowledgeSnapshot() {}

  /**
   * Build step: writes the snapshot of a knowledge directory.
   *
   * @param args knowledge directory, output file
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: KnowledgeSnapshot KNOWLEDGE_DIR OUTPUT_FILE");
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(out, write(Knowledge.compile(KnowledgeBase.load(Path.of(args[0])))));
  }

  /** The snapshot of compiled knowledge. */
  static byte[] write(Knowledge kb) {
    Out out = new Out();
    out.i32(MAGIC);
    out.u8(FORMAT);
    byte[] image = kb.imageShared();
    out.string(kb.version());
    out.string(sha256(image));
    long[] codes = kb.ingredientCodesShared();
    int[] positionOf = kb.positionOfShared();
    out.i32(codes.length);
    for (int k = 0; k < codes.length; k++) {
      out.i64(codes[k]);
      out.i32(positionOf[k]);
    }
    // distinct ingredient sets, shared by the codes that resolve to them
    Knowledge.Resolved[] values = kb.codeValuesShared();
    long[] keys = kb.codeKeysShared();
    Map<Knowledge.Resolved, Integer> sets = new IdentityHashMap<>();
    Out setOut = new Out();
    int count = 0;
    for (Knowledge.Resolved r : values) {
      if (r != null && !sets.containsKey(r)) {
        sets.put(r, sets.size());
        setOut.u16(r.ingredients.length);
        for (int o : r.ingredients) {
          setOut.u16(o);
        }
      }
      if (r != null) {
        count++;
      }
    }
    out.i32(sets.size());
    out.bytes(setOut.toByteArray());
    out.i32(count);
    out.i32(values.length);
    for (int slot = 0; slot < values.length; slot++) {
      if (values[slot] != null) {
        out.i64(keys[slot]);
        out.i32(slot);
        out.i32(sets.get(values[slot]));
      }
    }
    String[] texts = kb.termTextsShared();
    int[][] ordinals = kb.termOrdinalsShared();
    out.i32(texts.length);
    for (int t = 0; t < texts.length; t++) {
      out.string(texts[t]);
      out.u16(ordinals[t].length);
      for (int o : ordinals[t]) {
        out.u16(o);
      }
    }
    out.i32(image.length);
    out.bytes(image);
    return out.toByteArray();
  }

  /**
   * Knowledge from a snapshot. Plain loops over the bytes: this runs in a cold JVM before the first
   * check.
   *
   * @throws IllegalArgumentException when the bytes are not a snapshot of this format
   */
  static Knowledge read(byte[] b) {
    In in = new In(b);
    if (in.i32() != MAGIC || in.u8() != FORMAT) {
      throw new IllegalArgumentException("not a knowledge snapshot of format " + FORMAT);
    }
    String version = in.string();
    String imageSha256 = in.string();
    int n = in.i32();
    long[] codes = new long[n];
    int[] positionOf = new int[n];
    for (int k = 0; k < n; k++) {
      codes[k] = in.i64();
      positionOf[k] = in.i32();
    }
    Knowledge.Resolved[] sets = new Knowledge.Resolved[in.i32()];
    for (int s = 0; s < sets.length; s++) {
      int[] ords = new int[in.u16()];
      for (int k = 0; k < ords.length; k++) {
        ords[k] = in.u16();
      }
      sets[s] = new Knowledge.Resolved(ords, positionOf);
    }
    int count = in.i32();
    int capacity = in.i32();
    if (Integer.bitCount(capacity) != 1 || count >= capacity) {
      throw new IllegalArgumentException("knowledge snapshot: bad code table capacity " + capacity);
    }
    long[] keys = new long[capacity];
    Knowledge.Resolved[] values = new Knowledge.Resolved[capacity];
    for (int c = 0; c < count; c++) {
      long code = in.i64();
      int slot = in.i32();
      keys[slot] = code;
      values[slot] = sets[in.i32()];
    }
    String[] texts = new String[in.i32()];
    int[][] ordinals = new int[texts.length][];
    for (int t = 0; t < texts.length; t++) {
      texts[t] = in.string();
      int[] ords = new int[in.u16()];
      for (int k = 0; k < ords.length; k++) {
        ords[k] = in.u16();
      }
      ordinals[t] = ords;
    }
    byte[] image = in.bytes(in.i32());
    if (in.pos != b.length) {
      throw new IllegalArgumentException("knowledge snapshot: trailing bytes");
    }
    return new Knowledge(
        version, codes, positionOf, values, keys, count, texts, ordinals, image, imageSha256);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Big-endian writer. */
  private static final class Out extends ByteArrayOutputStream {
    void u8(int v) {
      write(v);
    }

    void u16(int v) {
      if (v < 0 || v > 0xFFFF) {
        throw new IllegalArgumentException("knowledge snapshot: value out of range: " + v);
      }
      write(v >>> 8);
      write(v);
    }

    void i32(int v) {
      write(v >>> 24);
      write(v >>> 16);
      write(v >>> 8);
      write(v);
    }

    void i64(long v) {
      i32((int) (v >>> 32));
      i32((int) v);
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u16(b.length);
      bytes(b);
    }

    void bytes(byte[] b) {
      write(b, 0, b.length);
    }
  }

  /** Big-endian reader over the snapshot bytes. */
  private static final class In {
    private final byte[] b;
    private int pos;

    In(byte[] b) {
      this.b = b;
    }

    int u8() {
      check(1);
      return b[pos++] & 0xFF;
    }

    int u16() {
      check(2);
      int v = (b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    int i32() {
      check(4);
      int v =
          (b[pos] & 0xFF) << 24
              | (b[pos + 1] & 0xFF) << 16
              | (b[pos + 2] & 0xFF) << 8
              | (b[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    long i64() {
      long hi = i32() & 0xFFFF_FFFFL;
      return hi << 32 | (i32() & 0xFFFF_FFFFL);
    }

    String string() {
      int len = u16();
      check(len);
      String s = new String(b, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    byte[] bytes(int len) {
      check(len);
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + len);
      pos += len;
      return out;
    }

    private void check(int len) {
      if (len < 0 || pos + len > b.length) {
        throw new IllegalArgumentException("knowledge snapshot: truncated");
      }
    }
  }
}
