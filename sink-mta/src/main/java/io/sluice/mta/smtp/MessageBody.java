package io.sluice.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * A message as it goes after DATA (RFC 5321 section 4.5.2): every line ended by CRLF (a bare LF or
 * CR becomes CRLF), a line that starts with "." gets a second one, and the content ends with CRLF
 * (the encoder adds the final ".CRLF"). Netty's SMTP codec writes content as given, so this part is
 * hand-written.
 *
 * <p>One scan tells whether the bytes need any change. Composed messages (MimeComposer, DKIM
 * signer) are CRLF already and rarely have a line starting with a dot, so the usual case wraps the
 * array without copying it; only a message that needs changes is copied, once.
 *
 * <p>A line over 998 bytes is refused, not folded (RFC 5321 section 4.5.3.1.6): folding would
 * change a message that is already DKIM-signed and break its body hash, and a composed message
 * never has one (MIME encodings wrap at 76), so such a line is a bug to show, not to hide.
 */
final class MessageBody {

    /** RFC 5321 section 4.5.3.1.6: 1000 octets with the CRLF. */
    static final int MAX_LINE = 998;

    /**
     * @param eightBit whether a byte is over 127 (needs 8BITMIME)
     * @param longestLine the longest line in bytes, without its line end
     * @param asIs whether the bytes go on the wire unchanged
     */
    record Scan(boolean eightBit, int longestLine, boolean asIs) {}

    private MessageBody() {}

    static Scan scan(byte[] m) {
        boolean eightBit = false;
        boolean asIs = true;
        int longest = 0;
        int lineStart = 0;
        for (int i = 0; i < m.length; i++) {
            byte b = m[i];
            if (b < 0) {
                eightBit = true;
            } else if (b == '\r' || b == '\n') {
                longest = Math.max(longest, i - lineStart);
                if (b == '\r' && i + 1 < m.length && m[i + 1] == '\n') {
                    i++;
                } else {
                    asIs = false; // a bare CR or LF
                }
                lineStart = i + 1;
            } else if (b == '.' && i == lineStart) {
                asIs = false;
            }
        }
        if (lineStart < m.length) {
            longest = Math.max(longest, m.length - lineStart);
            asIs = false; // the last line has no line end
        }
        return new Scan(eightBit, longest, asIs);
    }

    /** The content to write after DATA's 354, without the final ".CRLF". */
    static ByteBuf encode(byte[] m, Scan scan, ByteBufAllocator alloc) {
        if (scan.asIs()) {
            return Unpooled.wrappedBuffer(m);
        }
        ByteBuf out = alloc.buffer(m.length + m.length / 64 + 8);
        int lineStart = 0;
        for (int i = 0; i <= m.length; i++) {
            boolean end = i == m.length;
            if (!end && m[i] != '\r' && m[i] != '\n') {
                continue;
            }
            if (end && lineStart == m.length) {
                break;
            }
            if (i > lineStart && m[lineStart] == '.') {
                out.writeByte('.');
            }
            out.writeBytes(m, lineStart, i - lineStart);
            out.writeByte('\r').writeByte('\n');
            if (!end && m[i] == '\r' && i + 1 < m.length && m[i + 1] == '\n') {
                i++;
            }
            lineStart = i + 1;
        }
        return out;
    }
}
