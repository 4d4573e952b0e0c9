package io.sluice.bounce.dsn;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds mail addresses in free text (RFC 5321 section 4.1.2 Mailbox, simplified to what bounces
 * use).
 */
final class AddressScanner {

    // Dot-atom or quoted local part, then a domain with at least one dot. Bounded repetitions keep
    // the scan linear on hostile input.
    private static final Pattern ADDRESS =
            Pattern.compile(
                    "(\"[^\"\\r\\n]{1,64}\"|[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{0,127})"
                            + "@([A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?){0,8}"
                            + "|\\[[0-9.:A-Fa-f]{2,45}\\])");

    private static final int LOCAL_WINDOW = 130;
    private static final int DOMAIN_WINDOW = 600;
    // A bounce names a handful of addresses; a text with thousands of '@' is hostile.
    private static final int MAX_ATS = 500;

    private AddressScanner() {}

    /** The first address in {@code text}, normalised, or "". */
    static String first(String text) {
        List<String> all = all(text);
        return all.isEmpty() ? "" : all.get(0);
    }

    /** Every distinct address in order of first appearance, normalised. */
    static List<String> all(String text) {
        Set<String> found = new LinkedHashSet<>();
        if (text == null) {
            return new ArrayList<>();
        }
        // An address has an '@': the pattern runs only in a window around each one, so a long
        // run of address-like characters with no '@' (or a huge line of them) costs one pass
        // instead of a bounded-but-long attempt at every position.
        Matcher m = ADDRESS.matcher(text);
        int from = 0;
        for (int ats = 0; ats < MAX_ATS; ats++) {
            int at = text.indexOf('@', from);
            if (at < 0) {
                break;
            }
            int end = Math.min(text.length(), at + DOMAIN_WINDOW);
            int start = Math.max(from, at - LOCAL_WINDOW);
            from = at + 1;
            // The matches find() would give in the window, in order, but only those starting at
            // or before the '@' are wanted: trying each start position with lookingAt() up to the
            // '@' (and after a match, from its end, as find() does) spares the attempt at every
            // one of the window's positions after it, where find() went on looking -- ~100 ms on a
            // text of 500 '@'s.
            int s = start;
            while (s <= at) {
                m.region(s, end);
                if (!m.lookingAt()) {
                    s++;
                    continue;
                }
                if (m.end() > at) {
                    String local = m.group(1);
                    if (!local.endsWith(".")) {
                        found.add(normalise(local + "@" + m.group(2)));
                    }
                    from = Math.max(from, m.end());
                    break;
                }
                s = m.end();
            }
        }
        return new ArrayList<>(found);
    }

    /** Domain lower-cased; a trailing dot or angle bracket dropped. Local parts keep their case. */
    static String normalise(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        int at = a.lastIndexOf('@');
        if (at < 0) {
            return a;
        }
        String domain = a.substring(at + 1).toLowerCase(Locale.ROOT);
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return a.substring(0, at) + "@" + domain;
    }
}
