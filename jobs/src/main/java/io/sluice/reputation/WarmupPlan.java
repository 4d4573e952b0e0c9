package io.sluice.reputation;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daily quotas a new sending IP climbs through at a site, one step per healthy day, read from a
 * plan file: one step per line, {@code N} or {@code N/day}, rising. Shipped: {@code warmup.plan}
 * (100, 200, 400, ... doubling over four weeks) and {@code ses-45-day.plan} (SES's ramp to 50,000 a
 * day over 45 days).
 */
public record WarmupPlan(String name, List<Long> steps) implements Serializable {

    public static final String DEFAULT_RESOURCE = "/io/sluice/reputation/warmup.plan";

    public WarmupPlan {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("warm-up plan " + name + " has no steps");
        }
    }

    public static WarmupPlan defaults() {
        return resource(DEFAULT_RESOURCE);
    }

    /** A plan shipped in the jar, e.g. {@code /io/sluice/reputation/ses-45-day.plan}. */
    public static WarmupPlan resource(String path) {
        try (InputStream in = WarmupPlan.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no warm-up plan " + path + " in the jar");
            }
            String file = path.substring(path.lastIndexOf('/') + 1);
            return parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /**
     * The file at {@code path}; {@code classpath:NAME} for a shipped plan (e.g. {@code
     * classpath:ses-45-day.plan}); the default plan when null or blank.
     */
    public static WarmupPlan load(String path) {
        if (path == null || path.isBlank()) {
            return defaults();
        }
        if (path.startsWith("classpath:")) {
            return resource("/io/sluice/reputation/" + path.substring("classpath:".length()));
        }
        try {
            return parse(path, Files.readString(Path.of(path)));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "warm-up plan " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @throws RuleFileException naming the file, the line and what was expected
     */
    public static WarmupPlan parse(String file, String content) {
        List<Long> steps = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String v = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (v.isEmpty()) {
                continue;
            }
            if (v.endsWith("/day")) {
                v = v.substring(0, v.length() - 4).trim();
            }
            v = v.replace(",", "").replace("_", "");
            if (!v.matches("\\d{1,12}") || Long.parseLong(v) == 0) {
                throw new RuleFileException(
                        file,
                        i + 1,
                        "\"" + lines[i].trim() + "\" -- expected a daily quota: N or N/day, N > 0");
            }
            long quota = Long.parseLong(v);
            if (!steps.isEmpty() && quota <= steps.get(steps.size() - 1)) {
                throw new RuleFileException(
                        file,
                        i + 1,
                        quota
                                + " -- expected more than the step before ("
                                + steps.get(steps.size() - 1)
                                + "): a plan only rises");
            }
            steps.add(quota);
        }
        if (steps.isEmpty()) {
            throw new RuleFileException(file, lines.length, "no steps -- expected one per line");
        }
        return new WarmupPlan(file, steps);
    }

    /**
     * This plan at {@code 1/scale} of the volume (sluice.volume-scale): each step divided, at least
     * 1, so 100, 200, 400 at 20 is 5, 10, 20.
     */
    public WarmupPlan volumeScaled(io.sluice.delivery.VolumeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        return new WarmupPlan(
                name + " (1/" + scale.factor() + ")", steps.stream().map(scale::count).toList());
    }

    /** The quota of {@code step}, counted from 0. */
    public long quota(int step) {
        return steps.get(step);
    }

    public int size() {
        return steps.size();
    }
}
