package io.sluice.mta.dkim;

import java.security.MessageDigest;
import java.util.Locale;

/**
 * The two DKIM canonicalization algorithms (RFC 6376 section 3.4), for header fields and for the
 * body. The body is fed straight into a digest line by line, so a large body is never copied.
 */
public enum Canonicalization {
    SIMPLE("simple"),
    RELAXED("relaxed");

    private final String tag;

    Canonicalization(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    public static Canonicalization fromTag(String value) {
        for (Canonicalization c : values()) {
            if (c.tag.equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "canonicalization \"" + value + "\" -- expected simple or relaxed");
    }

    /** The canonical form of one header field, ending in CRLF (sections 3.4.1 and 3.4.2). */
    public String header(HeaderField field) {
        return header(field.raw()) + "\r\n";
    }

    /** As {@link #header(HeaderField)} without the final CRLF, for the DKIM-Signature field. */
    String header(String raw) {
        if (this == SIMPLE) {
            return raw;
        }
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).stripTrailing().toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(raw.length()).append(name).append(':');
        // Unfold, collapse each WSP run to one SP, drop WSP at both ends of the value (3.4.2).
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = colon + 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
            started = true;
        }
        return out.toString();
    }

    /**
     * Feeds the canonical body into {@code digest} and returns its full canonical length. Trailing
     * empty lines are dropped; simple turns an empty body into one CRLF, relaxed leaves it empty
     * (3.4.3, 3.4.4, and erratum 1384 for the relaxed empty body).
     */
    public long digestBody(byte[] body, MessageDigest digest) {
        return digestBody(body, digest, Long.MAX_VALUE);
    }

    /**
     * As {@link #digestBody(byte[], MessageDigest)}, feeding only the first {@code limit} canonical
     * bytes: a verifier honours a received {@code l=} tag (3.5); our signer never sets one.
     */
    public long digestBody(byte[] body, MessageDigest digest, long limit) {
        BoundedDigest out = new BoundedDigest(digest, limit);
        int pendingEmptyLines = 0;
        byte[] line = this == RELAXED ? new byte[256] : null;
        int pos = 0;
        while (pos < body.length) {
            int eol = lineEnd(body, pos);
            int contentEnd = eol < 0 ? body.length : eol;
            int next = eol < 0 ? body.length : eol + 2;
            int length;
            byte[] source;
            int offset;
            if (this == RELAXED) {
                if (line.length < contentEnd - pos) {
                    line = new byte[contentEnd - pos];
                }
                length = relaxLine(body, pos, contentEnd, line);
                source = line;
                offset = 0;
            } else {
                length = contentEnd - pos;
                source = body;
                offset = pos;
            }
            if (length == 0) {
                pendingEmptyLines++;
            } else {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    out.update(CRLF, 0, 2);
                }
                out.update(source, offset, length);
                out.update(CRLF, 0, 2);
            }
            pos = next;
        }
        if (out.length == 0 && this == SIMPLE) {
            out.update(CRLF, 0, 2);
        }
        return out.length;
    }

    /** A digest that takes at most {@code remaining} bytes and counts everything offered. */
    private static final class BoundedDigest {
        private final MessageDigest digest;
        private long remaining;
        private long length;

        BoundedDigest(MessageDigest digest, long limit) {
            this.digest = digest;
            this.remaining = limit;
        }

        void update(byte[] b, int off, int len) {
            length += len;
            int take = (int) Math.min(len, remaining);
            if (take > 0) {
                digest.update(b, off, take);
                remaining -= take;
            }
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Relaxed body line: WSP runs become one SP, WSP at the end of the line goes (3.4.4). */
    private static int relaxLine(byte[] b, int from, int to, byte[] out) {
        int n = 0;
        boolean pendingSpace = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == ' ' || c == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) {
                out[n++] = ' ';
                pendingSpace = false;
            }
            out[n++] = c;
        }
        return n;
    }
}
