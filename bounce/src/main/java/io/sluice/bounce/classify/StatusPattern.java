package io.sluice.bounce.classify;

import java.util.regex.Pattern;

/**
 * An enhanced-status pattern from a rule file (RFC 3463 {@code class.subject.detail}): each part a
 * number or {@code x} for any ({@code 5.1.1}, {@code x.2.2}, {@code 5.7.x}).
 */
public record StatusPattern(String pattern) {

    private static final Pattern SHAPE = Pattern.compile("([245x])\\.(\\d{1,3}|x)\\.(\\d{1,3}|x)");

    public StatusPattern {
        if (!SHAPE.matcher(pattern).matches()) {
            throw new IllegalArgumentException(
                    "status \""
                            + pattern
                            + "\" -- expected class.subject.detail like 5.1.1, x.2.2 or 5.7.x");
        }
    }

    public boolean matches(String status) {
        if (status == null || status.isEmpty()) {
            return false;
        }
        String[] want = pattern.split("\\.");
        String[] have = status.split("\\.");
        if (have.length != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            if (!want[i].equals("x") && !want[i].equals(have[i])) {
                return false;
            }
        }
        return true;
    }
}
