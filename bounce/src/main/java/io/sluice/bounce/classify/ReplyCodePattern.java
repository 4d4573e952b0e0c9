package io.sluice.bounce.classify;

import java.util.regex.Pattern;

/**
 * A reply-code pattern from a rule file: three characters, each a digit or {@code x} for any digit
 * ({@code 550}, {@code 55x}, {@code 4xx}).
 */
public record ReplyCodePattern(String pattern) {

    private static final Pattern SHAPE = Pattern.compile("[2-5][0-9x][0-9x]");

    public ReplyCodePattern {
        if (!SHAPE.matcher(pattern).matches()) {
            throw new IllegalArgumentException(
                    "code \"" + pattern + "\" -- expected three characters like 550, 55x or 4xx");
        }
    }

    public boolean matches(int code) {
        if (code < 200 || code > 599) {
            return false;
        }
        String digits = Integer.toString(code);
        for (int i = 0; i < 3; i++) {
            char p = pattern.charAt(i);
            if (p != 'x' && p != digits.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
