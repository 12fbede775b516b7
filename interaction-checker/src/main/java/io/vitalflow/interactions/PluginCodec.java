package io.vitalflow.interactions;

import io.vitalflow.interactions.host.PluginAbiException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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

    static byte[] encode(List<Medication> medications) {
        if (medications.size() > InteractionChecker.MAX_MEDICATIONS) {
            throw new IllegalArgumentException("at most " + InteractionChecker.MAX_MEDICATIONS
                    + " medications per check, got " + medications.size());
        }
        byte[][] names = new byte[medications.size()][];
        int size = 2;
        for (int i = 0; i < names.length; i++) {
            String name = medications.get(i).name();
            names[i] = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
            if (names[i].length > 0xFFFF) {
                throw new IllegalArgumentException("medication name longer than 65535 bytes at index " + i);
            }
            size += 6 + names[i].length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putShort((short) names.length);
        for (int i = 0; i < names.length; i++) {
            buf.putInt((int) medications.get(i).rxcuiNumber());
            buf.putShort((short) names[i].length);
            buf.put(names[i]);
        }
        return buf.array();
    }

    static CheckResult decode(byte[] bytes, List<Medication> medications, Function<String, Catalogue> catalogues) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            String version = header(buf);
            Catalogue catalogue = catalogues.apply(version);
            int count = count(buf, 16);
            List<Finding> findings = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                int first = Short.toUnsignedInt(buf.getShort());
                int second = Short.toUnsignedInt(buf.getShort());
                int rule = Short.toUnsignedInt(buf.getShort());
                int severity = Byte.toUnsignedInt(buf.get());
                buf.get();
                long a = Integer.toUnsignedLong(buf.getInt());
                long b = Integer.toUnsignedLong(buf.getInt());
                if (first >= second || second >= medications.size() || rule >= catalogue.rules().size()
                        || catalogue.rules().get(rule).severity().code() != severity) {
                    throw new PluginAbiException("inconsistent finding " + first + "/" + second + " rule " + rule);
                }
                findings.add(new Finding(first, second, medications.get(first), medications.get(second), a, b,
                        catalogue.rules().get(rule), version));
            }
            int unknownCount = count(buf, 2);
            List<UnknownMedication> unknown = new ArrayList<>(unknownCount);
            for (int k = 0; k < unknownCount; k++) {
                int index = Short.toUnsignedInt(buf.getShort());
                if (index >= medications.size()) {
                    throw new PluginAbiException("unknown medication index " + index + " out of range");
                }
                unknown.add(new UnknownMedication(index, medications.get(index)));
            }
            if (buf.hasRemaining()) {
                throw new PluginAbiException(buf.remaining() + " unexpected bytes after the result");
            }
            return new CheckResult(findings, unknown, version);
        } catch (BufferUnderflowException e) {
            throw new PluginAbiException("truncated plugin result", e);
        }
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
