package io.sluice.mta.smtp;

import java.util.List;
import java.util.Locale;

/**
 * The service extensions a server named in its EHLO reply (RFC 5321 section 4.1.1.1), those the
 * client acts on.
 *
 * @param maxSize the SIZE limit in bytes (RFC 1870); 0 when SIZE was advertised without one, -1
 *     when SIZE was not advertised
 */
record Extensions(
        boolean pipelining,
        long maxSize,
        boolean eightBitMime,
        boolean smtpUtf8,
        boolean enhancedStatusCodes,
        boolean startTls) {

    /** What a server that answered HELO (not EHLO) offers: nothing. */
    static final Extensions NONE = new Extensions(false, -1, false, false, false, false);

    /** The extensions in an EHLO reply's lines; the first line is the server's name. */
    static Extensions parse(List<? extends CharSequence> ehloLines) {
        boolean pipelining = false;
        boolean eightBit = false;
        boolean utf8 = false;
        boolean enhanced = false;
        boolean tls = false;
        long size = -1;
        for (int i = 1; i < ehloLines.size(); i++) {
            String[] words = ehloLines.get(i).toString().strip().split("\\s+");
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBit = true;
                case "SMTPUTF8" -> utf8 = true;
                case "ENHANCEDSTATUSCODES" -> enhanced = true;
                case "STARTTLS" -> tls = true;
                case "SIZE" -> size = words.length > 1 ? parseSize(words[1]) : 0;
                default -> {
                    // other extensions (AUTH, CHUNKING, DSN, ...) are not used
                }
            }
        }
        return new Extensions(pipelining, size, eightBit, utf8, enhanced, tls);
    }

    private static long parseSize(String s) {
        try {
            return Math.max(0, Long.parseLong(s));
        } catch (NumberFormatException e) {
            return 0; // an unreadable limit is treated as none, as RFC 1870 section 4 allows
        }
    }
}
