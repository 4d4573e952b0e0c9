package io.sluice.delivery.shaping;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The response rules (KumoMTA's "traffic shaping automation" as data): a regex on a site's reply,
 * an action, a duration and an optional threshold. The format is in the shipped file, {@value
 * #DEFAULT_RESOURCE}.
 */
public final class ResponseRules implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_RESOURCE = "/io/sluice/delivery/shaping/responses.rules";

    private final List<ResponseRule> rules;

    private ResponseRules(List<ResponseRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static ResponseRules defaults() {
        try (InputStream in = ResponseRules.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse("responses.rules", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** The file at {@code path}, or the shipped defaults when {@code path} is null or blank. */
    public static ResponseRules load(String path) {
        if (path == null || path.isBlank()) {
            return defaults();
        }
        try {
            return parse(path, Files.readString(Path.of(path)));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "response rules " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @throws ShapingFileException naming the file, the line and what was expected
     */
    public static ResponseRules parse(String file, String content) {
        List<ResponseRule> rules = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+", 4);
            if (w.length < 4) {
                throw new ShapingFileException(
                        file,
                        i + 1,
                        "\""
                                + line
                                + "\" -- expected: site|* action duration|- [after=N/PERIOD]"
                                + " regex");
            }
            String site = w[0].toLowerCase(Locale.ROOT);
            if (!site.equals("*") && !site.matches("[a-z0-9][a-z0-9.-]*")) {
                throw new ShapingFileException(
                        file, i + 1, "\"" + w[0] + "\" -- expected a site name or *");
            }
            ResponseRule.Action action;
            Rate limit = null;
            try {
                if (w[1].equals("throttle")) {
                    action = ResponseRule.Action.THROTTLE;
                } else if (w[1].equals("pause")) {
                    action = ResponseRule.Action.PAUSE;
                } else if (w[1].startsWith("limit=")) {
                    action = ResponseRule.Action.LIMIT;
                    limit = Rate.parse(w[1].substring("limit=".length()));
                } else {
                    throw new IllegalArgumentException(
                            "action \"" + w[1] + "\" -- expected throttle, limit=RATE or pause");
                }
            } catch (IllegalArgumentException e) {
                throw new ShapingFileException(file, i + 1, e.getMessage());
            }
            Duration duration;
            if (w[2].equals("-")) {
                if (action != ResponseRule.Action.THROTTLE) {
                    throw new ShapingFileException(
                            file, i + 1, w[1] + " needs a duration -- expected e.g. 90m");
                }
                duration = Duration.ZERO;
            } else {
                try {
                    duration = ShapingRules.duration(w[2]);
                } catch (IllegalArgumentException e) {
                    throw new ShapingFileException(file, i + 1, e.getMessage());
                }
            }
            String rest = w[3];
            int count = 1;
            Duration window = Duration.ZERO;
            if (rest.startsWith("after=")) {
                String[] t = rest.split("\\s+", 2);
                String threshold = t[0].substring("after=".length());
                int slash = threshold.indexOf('/');
                try {
                    if (slash <= 0 || t.length < 2) {
                        throw new IllegalArgumentException("");
                    }
                    count = Integer.parseInt(threshold.substring(0, slash));
                    window = ShapingRules.duration(threshold.substring(slash + 1));
                    if (count < 1) {
                        throw new IllegalArgumentException("");
                    }
                } catch (IllegalArgumentException e) {
                    throw new ShapingFileException(
                            file,
                            i + 1,
                            "threshold \""
                                    + t[0]
                                    + "\" -- expected after=N/PERIOD followed by a regex, e.g."
                                    + " after=2/1h");
                }
                rest = t[1];
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(rest);
            } catch (PatternSyntaxException e) {
                throw new ShapingFileException(
                        file,
                        i + 1,
                        "regex \"" + rest + "\" -- " + e.getDescription() + " at " + e.getIndex());
            }
            rules.add(
                    new ResponseRule(
                            rules.size(),
                            file + ":" + (i + 1),
                            site,
                            action,
                            limit,
                            duration,
                            count,
                            window,
                            pattern));
        }
        return new ResponseRules(rules);
    }

    /** These rules in simulated time: limits, pause and limit durations and windows shrunk. */
    public ResponseRules timeScaled(io.sluice.delivery.TimeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        List<ResponseRule> scaled = new java.util.ArrayList<>();
        for (ResponseRule r : rules) {
            scaled.add(
                    new ResponseRule(
                            r.index(),
                            r.where(),
                            r.site(),
                            r.action(),
                            r.limit() == null ? null : r.limit().timeScaled(scale),
                            scale.shrink(r.duration()),
                            r.count(),
                            r.window() == null ? null : scale.shrink(r.window()),
                            r.pattern()));
        }
        return new ResponseRules(List.copyOf(scaled));
    }

    /**
     * These rules at {@code 1/scale} of the volume: each {@code limit=RATE} divided; the thresholds
     * ({@code after=N/PERIOD}) count the site's replies and stay.
     */
    public ResponseRules volumeScaled(io.sluice.delivery.VolumeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        List<ResponseRule> scaled = new java.util.ArrayList<>();
        for (ResponseRule r : rules) {
            scaled.add(
                    new ResponseRule(
                            r.index(),
                            r.where(),
                            r.site(),
                            r.action(),
                            r.limit() == null ? null : r.limit().volumeScaled(scale),
                            r.duration(),
                            r.count(),
                            r.window(),
                            r.pattern()));
        }
        return new ResponseRules(List.copyOf(scaled));
    }

    /** The first rule for {@code site} matching {@code reply}, then the first {@code *} rule. */
    public Optional<ResponseRule> match(String site, String reply) {
        if (reply == null || reply.isEmpty()) {
            return Optional.empty();
        }
        for (ResponseRule r : rules) {
            if (r.site().equals(site) && r.pattern().matcher(reply).find()) {
                return Optional.of(r);
            }
        }
        for (ResponseRule r : rules) {
            if (r.site().equals("*") && r.pattern().matcher(reply).find()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return rules.size();
    }
}
