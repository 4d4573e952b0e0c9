package io.sluice.bounce.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Turns real messages into hostile ones: each input is a corpus message with one to three
 * mutations, or plain random bytes. Deterministic for a given {@link Random}, so a failing input is
 * reproduced from the seed and its index.
 */
final class MessageMutator {

    /** What was done to an input, for the report of the slowest and the failing ones. */
    enum Mutation {
        BIT_FLIPS,
        BYTE_NOISE,
        TRUNCATION,
        SPLICE,
        HEADER_DUPLICATION,
        HUGE_LINE,
        RANDOM_BYTES,
        CHUNK_COPY,
        LINE_ENDINGS
    }

    /** One generated input and how it was made. */
    record Input(byte[] bytes, String origin, List<Mutation> mutations) {}

    // Lines that make parsers work hardest when repeated: addresses, reply codes, DSN fields,
    // MIME boundaries and the words rules look for.
    private static final List<String> HUGE_LINE_UNITS =
            List.of(
                    "a",
                    "a@b.",
                    "<x@example.com>:",
                    "550-5.1.1 ",
                    "Final-Recipient: rfc822; ",
                    "user unknown in reply to RCPT TO command ",
                    "--boundary",
                    "=?utf-8?B?",
                    "\t ",
                    "\u00e9\u3042");

    private final List<byte[]> seeds;
    private final List<String> names;

    MessageMutator(List<byte[]> seeds, List<String> names) {
        if (seeds.isEmpty() || seeds.size() != names.size()) {
            throw new IllegalArgumentException(
                    "seeds=" + seeds.size() + " names=" + names.size() + " -- expected equal, > 0");
        }
        this.seeds = List.copyOf(seeds);
        this.names = List.copyOf(names);
    }

    Input next(Random random) {
        if (random.nextInt(20) == 0) {
            byte[] noise = new byte[random.nextInt(64 * 1024)];
            random.nextBytes(noise);
            return new Input(noise, "random", List.of(Mutation.RANDOM_BYTES));
        }
        int seed = random.nextInt(seeds.size());
        byte[] bytes = seeds.get(seed);
        int count = 1 + random.nextInt(3);
        Mutation[] all = Mutation.values();
        Mutation[] applied = new Mutation[count];
        for (int i = 0; i < count; i++) {
            Mutation m = all[random.nextInt(all.length)];
            if (m == Mutation.RANDOM_BYTES) {
                m = Mutation.BYTE_NOISE;
            }
            applied[i] = m;
            bytes = apply(m, bytes, random);
        }
        return new Input(bytes, names.get(seed), List.of(applied));
    }

    private byte[] apply(Mutation m, byte[] in, Random random) {
        return switch (m) {
            case BIT_FLIPS -> bitFlips(in, random);
            case BYTE_NOISE -> byteNoise(in, random);
            case TRUNCATION -> in.length < 2 ? in : slice(in, 0, random.nextInt(in.length));
            case SPLICE -> splice(in, seeds.get(random.nextInt(seeds.size())), random);
            case HEADER_DUPLICATION -> duplicateHeader(in, random);
            case HUGE_LINE -> hugeLine(in, random);
            case CHUNK_COPY -> chunkCopy(in, random);
            case LINE_ENDINGS -> lineEndings(in, random);
            case RANDOM_BYTES -> in;
        };
    }

    private static byte[] bitFlips(byte[] in, Random random) {
        byte[] out = in.clone();
        for (int i = 0, n = 1 + random.nextInt(32); i < n && out.length > 0; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    private static byte[] byteNoise(byte[] in, Random random) {
        byte[] out = in.clone();
        for (int i = 0, n = 1 + random.nextInt(64); i < n && out.length > 0; i++) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
    }

    /** The start of one message followed by the end of another (or of itself). */
    private static byte[] splice(byte[] a, byte[] b, Random random) {
        int cutA = a.length == 0 ? 0 : random.nextInt(a.length);
        int cutB = b.length == 0 ? 0 : random.nextInt(b.length);
        return concat(slice(a, 0, cutA), slice(b, cutB, b.length));
    }

    /** One header-looking line repeated up to a few thousand times where it stands. */
    private static byte[] duplicateHeader(byte[] in, Random random) {
        String text = new String(in, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\n\n");
        int limit = headerEnd < 0 ? text.length() : headerEnd;
        if (limit <= 0) {
            return in;
        }
        int start = text.lastIndexOf('\n', random.nextInt(limit)) + 1;
        int end = text.indexOf('\n', start);
        if (end < 0) {
            return in;
        }
        String line = text.substring(start, end + 1);
        if (line.length() > 1000) {
            // Repeating a huge line thousands of times makes inputs of hundreds of MiB: a test of
            // the size limit, which HUGE_LINE already makes.
            return in;
        }
        int times = random.nextBoolean() ? 1 + random.nextInt(8) : 1 + random.nextInt(4000);
        String out = text.substring(0, end + 1) + line.repeat(times) + text.substring(end + 1);
        return out.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A line of 16 KiB to 512 KiB (past the 128 KiB the parsers read), at a line start. */
    private static byte[] hugeLine(byte[] in, Random random) {
        String unit = HUGE_LINE_UNITS.get(random.nextInt(HUGE_LINE_UNITS.size()));
        int length = 16 * 1024 + random.nextInt(496 * 1024);
        byte[] unitBytes = unit.getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[length + 1];
        for (int i = 0; i < length; i++) {
            line[i] = unitBytes[i % unitBytes.length];
        }
        line[length] = '\n';
        int at = in.length == 0 ? 0 : random.nextInt(in.length);
        while (at > 0 && in[at - 1] != '\n') {
            at--;
        }
        return concat(concat(slice(in, 0, at), line), slice(in, at, in.length));
    }

    /** A piece of the message copied over another place in it (boundaries, fields out of order). */
    private static byte[] chunkCopy(byte[] in, Random random) {
        if (in.length < 2) {
            return in;
        }
        int from = random.nextInt(in.length);
        int length = Math.min(in.length - from, 1 + random.nextInt(2048));
        int to = random.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + length);
        out.write(in, 0, to);
        out.write(in, from, length);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }

    /** LF to CRLF, CRLF to LF, or bare CRs: the three line endings mail arrives with. */
    private static byte[] lineEndings(byte[] in, Random random) {
        String text = new String(in, StandardCharsets.ISO_8859_1);
        String out =
                switch (random.nextInt(3)) {
                    case 0 -> text.replace("\r\n", "\n").replace("\n", "\r\n");
                    case 1 -> text.replace("\r\n", "\n");
                    default -> text.replace("\r\n", "\n").replace('\n', '\r');
                };
        return out.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] slice(byte[] in, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(in, from, out, 0, out.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
