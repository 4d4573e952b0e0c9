package io.sluice.bounce.mail;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The readable text of an HTML bounce part: tags dropped, line breaks kept, common entities undone.
 *
 * <p>Every step costs one pass over the text. As patterns ({@code <[^>]{0,2000}>}, {@code
 * <style[^>]{0,200}>.{0,20000}?</style>}) they were tried at every {@code <} and ran the whole
 * bounded length when no {@code >} or closing tag followed: 64 KiB of {@code <} took seconds.
 */
final class HtmlText {

    // Tags that end a line: <br ...>, </p ...>, </div ...>, </tr ...>, </li ...>.
    private static final List<String> BREAKS = List.of("br", "/p", "/div", "/tr", "/li");
    private static final int MAX_BREAK_REST = 200;
    private static final int MAX_TAG = 2000;
    private static final Pattern STYLE_OPEN = Pattern.compile("(?i)<(style|script)[^>]{0,200}>");
    private static final Pattern STYLE_CLOSE = Pattern.compile("(?i)</(style|script)>");
    // A style or script block ends at the first closing tag within this many characters.
    private static final int MAX_STYLE = 20_000;

    private HtmlText() {}

    static String strip(String html) {
        String s = withoutStyles(html);
        s = replaceTags(s, true, MAX_BREAK_REST, "\n");
        s = replaceTags(s, false, MAX_TAG, " ");
        return s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", " ")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /**
     * Each style or script block, from its opening tag to the first closing tag at most {@link
     * #MAX_STYLE} characters later, replaced by a space.
     */
    private static String withoutStyles(String html) {
        Matcher open = STYLE_OPEN.matcher(html);
        Matcher close = STYLE_CLOSE.matcher(html);
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        // The first closing tag after the last opening tag seen (-1: none in the rest). Opening
        // tags come in order, so the search for it only moves forward.
        boolean searched = false;
        int closeAt = -1;
        while (from < html.length() && open.find(from)) {
            int bodyStart = open.end();
            if (!searched || (closeAt >= 0 && closeAt < bodyStart)) {
                searched = true;
                closeAt = close.find(bodyStart) ? close.start() : -1;
            }
            if (closeAt < 0) {
                break;
            }
            if (closeAt - bodyStart > MAX_STYLE) {
                from = open.start() + 1;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(html.length());
            }
            out.append(html, copied, open.start()).append(' ');
            copied = close.end();
            from = copied;
        }
        return out == null ? html : out.append(html, copied, html.length()).toString();
    }

    /**
     * Each tag -- a {@code <}, at most {@code maxRest} characters other than {@code >}, then {@code
     * >} -- replaced by {@code replacement}; with {@code breaksOnly}, only tags whose name is one
     * of {@link #BREAKS} (ASCII case ignored), the limit counting from the end of the name.
     */
    private static String replaceTags(
            String s, boolean breaksOnly, int maxRest, String replacement) {
        StringBuilder out = null;
        int copied = 0;
        // The first '>' at or after the last tag start seen; -1 when none is left, -2 before the
        // first search. Tag starts come in order, so the search for it only moves forward.
        int gt = -2;
        for (int lt = s.indexOf('<'); lt >= 0; lt = s.indexOf('<', lt + 1)) {
            int rest = lt + 1;
            if (breaksOnly) {
                int name = breakName(s, rest);
                if (name < 0) {
                    continue;
                }
                rest += name;
            }
            if (gt == -2 || (gt >= 0 && gt < rest)) {
                gt = s.indexOf('>', rest);
            }
            if (gt < 0) {
                break;
            }
            if (gt - rest > maxRest) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, copied, lt).append(replacement);
            copied = gt + 1;
            lt = gt;
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** The length of the line-breaking tag name at {@code at}, or -1. */
    private static int breakName(String s, int at) {
        for (String name : BREAKS) {
            if (asciiStartsWithIgnoreCase(s, at, name)) {
                return name.length();
            }
        }
        return -1;
    }

    private static boolean asciiStartsWithIgnoreCase(String s, int at, String lower) {
        if (at + lower.length() > s.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = s.charAt(at + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
