package io.sluice.mta.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * SPF macro expansion (RFC 7208 section 7): {@code %{letter digits r delimiters}}, {@code %%},
 * {@code %_} and {@code %-}. Upper-case letters URL-escape their value (7.3).
 */
final class SpfMacro {

    /** What the macro letters stand for in one evaluation. */
    interface Values {
        String sender();

        String domain();

        String ip();

        String ipText();

        boolean ipv6();

        String helo();

        String validatedName() throws SpfException;

        String receiver();

        long timestamp();
    }

    private static final String LETTERS = "slodiphcrtv";
    private static final String EXP_ONLY = "crt";
    private static final String DELIMITERS = ".-+,/_=";

    private SpfMacro() {}

    /** Checks macro-string syntax (7.1) without expanding; exp text may contain spaces. */
    static void checkSyntax(String text, boolean explanation) throws SpfException {
        expand(text, null, explanation);
    }

    static String expand(String text, Values v, boolean explanation) throws SpfException {
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                if (c < 0x21 && !(explanation && c == ' ') || c > 0x7e) {
                    throw SpfException.perm(
                            "character 0x" + Integer.toHexString(c) + " in \"" + text + "\"");
                }
                out.append(c);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw SpfException.perm("lone '%' at the end of \"" + text + "\" (7.1)");
            }
            char next = text.charAt(++i);
            switch (next) {
                case '%' -> out.append('%');
                case '_' -> out.append(' ');
                case '-' -> out.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i);
                    if (close < 0) {
                        throw SpfException.perm("unclosed macro in \"" + text + "\"");
                    }
                    String body = text.substring(i + 1, close);
                    String value = macro(body, v, explanation, text);
                    if (v != null) {
                        out.append(value);
                    }
                    i = close;
                }
                default -> throw SpfException.perm("'%" + next + "' in \"" + text + "\" (7.1)");
            }
        }
        return out.toString();
    }

    private static String macro(String body, Values v, boolean explanation, String text)
            throws SpfException {
        if (body.isEmpty() || LETTERS.indexOf(Character.toLowerCase(body.charAt(0))) < 0) {
            throw SpfException.perm("bad macro letter in \"" + text + "\" (7.2)");
        }
        char letter = body.charAt(0);
        char lower = Character.toLowerCase(letter);
        if (!explanation && EXP_ONLY.indexOf(lower) >= 0) {
            throw SpfException.perm("%{" + letter + "} is only allowed in exp= text (7.2)");
        }
        int pos = 1;
        while (pos < body.length() && Character.isDigit(body.charAt(pos))) {
            pos++;
        }
        String digits = body.substring(1, pos);
        boolean reverse = pos < body.length() && Character.toLowerCase(body.charAt(pos)) == 'r';
        if (reverse) {
            pos++;
        }
        String delimiters = body.substring(pos);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw SpfException.perm("bad delimiter '" + d + "' in \"" + text + "\" (7.1)");
            }
        }
        int keep = Integer.MAX_VALUE;
        if (!digits.isEmpty()) {
            keep = digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (keep == 0) {
                throw SpfException.perm("zero label count in \"" + text + "\" (7.3)");
            }
        }
        if (v == null) {
            return "";
        }
        String value =
                switch (lower) {
                    case 's' -> v.sender();
                    case 'l' -> v.sender().substring(0, v.sender().lastIndexOf('@'));
                    case 'o' -> v.sender().substring(v.sender().lastIndexOf('@') + 1);
                    case 'd' -> v.domain();
                    case 'i' -> v.ip();
                    case 'p' -> v.validatedName();
                    case 'v' -> v.ipv6() ? "ip6" : "in-addr";
                    case 'h' -> v.helo();
                    case 'c' -> v.ipText();
                    case 'r' -> v.receiver();
                    default -> Long.toString(v.timestamp());
                };
        String transformed =
                transform(value, keep, reverse, delimiters.isEmpty() ? "." : delimiters);
        return Character.isUpperCase(letter) ? urlEscape(transformed) : transformed;
    }

    /** Splits on the delimiters, optionally reverses, keeps the rightmost parts, joins with '.'. */
    private static String transform(String value, int keep, boolean reverse, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        if (reverse) {
            Collections.reverse(parts);
        }
        if (keep < parts.size()) {
            parts = parts.subList(parts.size() - keep, parts.size());
        }
        return String.join(".", parts);
    }

    /** RFC 3986 escaping of everything but the unreserved characters (7.3). */
    private static String urlEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 0x80 || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            }
        }
        return out.toString();
    }
}
