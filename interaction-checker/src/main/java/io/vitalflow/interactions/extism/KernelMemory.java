package io.vitalflow.interactions.extism;

import io.vitalflow.interactions.host.PluginMemoryException;
import io.vitalflow.interactions.host.PluginTrapException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Extism's "kernel memory" in Java: the blocks a plugin allocates with {@code alloc} and addresses
 * by u64 offset, apart from its own linear memory. A first-fit allocator over one growing byte
 * array, capped; offset 0 is never a block (it means "none"). Reset before every call, as Extism
 * does. Not thread-safe (one per instance).
 */
final class KernelMemory {

  /** Offsets start here so that 0 is never a block. */
  private static final int BASE = 8;

  private static final class Block {
    final int offset;
    final int capacity;
    int length;
    boolean free;

    Block(int offset, int capacity, int length) {
      this.offset = offset;
      this.capacity = capacity;
      this.length = length;
    }
  }

  private final int capBytes;
  private final Map<Integer, Block> blocks = new HashMap<>();
  private final List<Block> freeBlocks = new ArrayList<>();
  private byte[] data = new byte[4096];
  private int top = BASE;

  KernelMemory(int capBytes) {
    this.capBytes = capBytes;
  }

  void reset() {
    blocks.clear();
    freeBlocks.clear();
    top = BASE;
    if (data.length > 1 << 20) {
      data = new byte[4096]; // give a large arena back after a big call
    }
  }

  /** A block of {@code n} bytes; 0 for {@code n == 0}. */
  long alloc(long n) {
    if (n == 0) {
      return 0;
    }
    if (n < 0 || n > capBytes) {
      throw capExceeded(n);
    }
    int len = (int) n;
    for (int i = 0; i < freeBlocks.size(); i++) {
      Block b = freeBlocks.get(i);
      if (b.capacity >= len) {
        freeBlocks.remove(i);
        b.free = false;
        b.length = len;
        Arrays.fill(data, b.offset, b.offset + len, (byte) 0);
        return b.offset;
      }
    }
    long end = (long) top + len;
    if (end > capBytes) {
      throw capExceeded(n);
    }
    if (end > data.length) {
      data = Arrays.copyOf(data, (int) Math.min(capBytes, Math.max(end, 2L * data.length)));
    }
    Block b = new Block(top, len, len);
    blocks.put(b.offset, b);
    top = (int) end;
    return b.offset;
  }

  void free(long offset) {
    Block b = block(offset);
    if (b != null && !b.free) {
      b.free = true;
      freeBlocks.add(b);
    }
  }

  /** Length of the block starting at {@code offset}; 0 when no live block starts there. */
  long length(long offset) {
    Block b = block(offset);
    return b == null || b.free ? 0 : b.length;
  }

  int loadU8(long offset) {
    check(offset, 1);
    return data[(int) offset] & 0xFF;
  }

  long loadU64(long offset) {
    check(offset, 8);
    int o = (int) offset;
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (data[o + i] & 0xFFL);
    }
    return v;
  }

  void storeU8(long offset, int value) {
    check(offset, 1);
    data[(int) offset] = (byte) value;
  }

  void storeU64(long offset, long value) {
    check(offset, 8);
    int o = (int) offset;
    for (int i = 0; i < 8; i++) {
      data[o + i] = (byte) (value >>> (8 * i));
    }
  }

  /** A copy of {@code [offset, offset+length)}, which must lie in allocated memory. */
  byte[] read(long offset, long length) {
    if (length == 0) {
      return new byte[0];
    }
    check(offset, length);
    return Arrays.copyOfRange(data, (int) offset, (int) (offset + length));
  }

  /** The contents of the live block at {@code offset}. */
  byte[] readBlock(long offset, String what) {
    Block b = block(offset);
    if (b == null || b.free) {
      throw new PluginTrapException(what + ": no kernel memory block at offset " + offset, null);
    }
    return Arrays.copyOfRange(data, b.offset, b.offset + b.length);
  }

  String readString(long offset, String what) {
    return new String(readBlock(offset, what), StandardCharsets.UTF_8);
  }

  /** A new block holding {@code bytes}. */
  long allocBytes(byte[] bytes) {
    long offset = alloc(bytes.length);
    if (bytes.length > 0) {
      System.arraycopy(bytes, 0, data, (int) offset, bytes.length);
    }
    return offset;
  }

  private Block block(long offset) {
    return offset < BASE || offset >= top ? null : blocks.get((int) offset);
  }

  private void check(long offset, long length) {
    if (offset < BASE || length < 0 || offset + length > top) {
      throw new PluginTrapException(
          "kernel memory access out of bounds: offset "
              + offset
              + " length "
              + length
              + " (allocated up to "
              + top
              + ")",
          null);
    }
  }

  private PluginMemoryException capExceeded(long n) {
    return new PluginMemoryException(
        "kernel memory: cannot allocate "
            + n
            + " bytes within the cap of "
            + capBytes
            + " bytes ("
            + (top - BASE)
            + " in use)");
  }
}
