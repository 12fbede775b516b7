package io.vitalflow.interactions;

import io.vitalflow.interactions.host.PluginAbiException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary messages of the drug-interaction plugin, ABI version 1 (little-endian throughout; see
 * {@code docs/interaction-checker.md}).
 *
 * <pre>
 * request  := u16 count, count x (u32 rxcui (0 = none), u16 nameLength, nameLength x u8 UTF-8)
 * result   := u8 status, u8 versionLength, version, u32 findingCount, findingCount x finding,
 *             u32 unknownCount, unknownCount x u16 index
 * finding  := u16 first, u16 second, u16 ruleIndex, u8 severity, u8 0, u32 firstIngredient, u32 secondIngredient
 * describe := u8 status, u8 versionLength, version, u16 ruleCount,
 *             ruleCount x (u8 severity, 7 x (u16 length, UTF-8): id, a, b, mechanism, effect, management, source)
 * </pre>
 */
final class PluginCodec {

    static final int STATUS_OK = 0;
    static final int STATUS_MALFORMED = 1;
    static final int STATUS_TOO_MANY = 2;

    private static final byte[] EMPTY = new byte[0];

    static byte[] encode(List<Medication> medications) {
        int n = medications.size();
        if (n > InteractionChecker.MAX_MEDICATIONS) {
            throw new IllegalArgumentException("at most " + InteractionChecker.MAX_MEDICATIONS
                    + " medications per check, got " + n);
        }
        // names are encoded only when present (the common stream case is codes only: no extra arrays)
        byte[][] names = null;
        int size = 2 + 6 * n;
        for (int i = 0; i < n; i++) {
            String name = medications.get(i).name();
            if (name != null && !name.isEmpty()) {
                if (names == null) {
                    names = new byte[n][];
                }
                byte[] b = name.getBytes(StandardCharsets.UTF_8);
                if (b.length > 0xFFFF) {
                    throw new IllegalArgumentException("medication name longer than 65535 bytes at index " + i);
                }
                names[i] = b;
                size += b.length;
            }
        }
        byte[] out = new byte[size];
        putShort(out, 0, n);
        int pos = 2;
        for (int i = 0; i < n; i++) {
            putInt(out, pos, (int) medications.get(i).rxcuiNumber());
            byte[] name = names == null || names[i] == null ? EMPTY : names[i];
            putShort(out, pos + 4, name.length);
            System.arraycopy(name, 0, out, pos + 6, name.length);
            pos += 6 + name.length;
        }
        return out;
    }

    /** Resolves the catalogue for a result's knowledge-base version (reading the version only when it changed). */
    interface Catalogues {
        /** The current catalogue, or null; its version is compared with the result's bytes without a String. */
        Catalogue cached();

        Catalogue forVersion(String version);
    }

    static CheckResult decode(byte[] bytes, List<Medication> medications, Catalogues catalogues) {
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
        if (status != STATUS_OK) {
            throw rejected(status, new String(bytes, 2, versionLength, StandardCharsets.US_ASCII));
        }
        Catalogue catalogue = catalogues.cached();
        if (catalogue == null || !catalogue.hasVersion(bytes, 2, versionLength)) {
            catalogue = catalogues.forVersion(new String(bytes, 2, versionLength, StandardCharsets.US_ASCII));
        }
        String version = catalogue.kbVersion();
        List<Rule> rules = catalogue.rules();
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
            if (first >= second || second >= size || rule >= rules.size()
                    || rules.get(rule).severity().code() != severity) {
                throw new PluginAbiException("inconsistent finding " + first + "/" + second + " rule " + rule);
            }
            findings[k] = new Finding(first, second, medications.get(first), medications.get(second), a, b,
                    rules.get(rule), version);
        }
        int unknownCount = count(bytes, pos, 2);
        pos += 4;
        UnknownMedication[] unknown = new UnknownMedication[unknownCount];
        for (int k = 0; k < unknownCount; k++, pos += 2) {
            int index = getShort(bytes, pos);
            if (index >= size) {
                throw new PluginAbiException("unknown medication index " + index + " out of range");
            }
            unknown[k] = new UnknownMedication(index, medications.get(index));
        }
        if (pos != n) {
            throw new PluginAbiException((n - pos) + " unexpected bytes after the result");
        }
        return new CheckResult(List.of(findings), List.of(unknown), version);
    }

    private static PluginAbiException rejected(int status, String version) {
        return new PluginAbiException("plugin " + version + " rejected the request with status " + status
                + (status == STATUS_MALFORMED ? " (malformed)" : status == STATUS_TOO_MANY ? " (too many)" : ""));
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
        return (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
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
            throw new PluginAbiException("plugin " + v + " rejected the request with status " + status
                    + (status == STATUS_MALFORMED ? " (malformed)" : status == STATUS_TOO_MANY ? " (too many)" : ""));
        }
        return v;
    }

    private static int count(ByteBuffer buf, int recordSize) {
        long n = Integer.toUnsignedLong(buf.getInt());
        if (n * recordSize > buf.remaining()) {
            throw new PluginAbiException("plugin result announces " + n + " records but is too short");
        }
        return (int) n;
    }

    private PluginCodec() {}
}
