package io.sluice.mta.dkim;

import java.io.ByteArrayOutputStream;

/**
 * The body canonicalizations of RFC 6376 3.4.3 and 3.4.4 written the plain way, line by line, as
 * {@link Canonicalization} did before it scanned eight bytes at a time: the oracle that {@code
 * BodyCanonicalizationTest} compares the fast version with.
 */
final class LineByLineBody {

    private LineByLineBody() {}

    static byte[] canonical(Canonicalization c, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pendingEmptyLines = 0;
        int pos = 0;
        while (pos < body.length) {
            int eol = lineEnd(body, pos);
            int contentEnd = eol < 0 ? body.length : eol;
            byte[] line =
                    c == Canonicalization.RELAXED
                            ? relax(body, pos, contentEnd)
                            : java.util.Arrays.copyOfRange(body, pos, contentEnd);
            if (line.length == 0) {
                pendingEmptyLines++;
            } else {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    out.write('\r');
                    out.write('\n');
                }
                out.write(line, 0, line.length);
                out.write('\r');
                out.write('\n');
            }
            pos = eol < 0 ? body.length : eol + 2;
        }
        if (out.size() == 0 && c == Canonicalization.SIMPLE) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** WSP runs become one SP, WSP at the end of the line goes. */
    private static byte[] relax(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean pendingSpace = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == ' ' || c == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(c);
        }
        return out.toByteArray();
    }
}
