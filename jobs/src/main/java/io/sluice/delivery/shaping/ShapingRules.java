package io.sluice.delivery.shaping;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shaping limits per site and per sending IP at a site, read from a file a person edits (as
 * KumoMTA's shaping.toml, in a line format that needs no parser library):
 *
 * <pre>
 * # site[/sending-ip]  key=value ...
 * default              rate=100/s connections=10 per-connection=100
 * google               connections=5 per-connection=50 shards=4
 * google               cold-rate=500/h
 * google/192.0.2.10    rate=500/h
 * </pre>
 *
 * A site line starts from the {@code default} line, an IP line from its site's line. Unknown sites
 * get the default. The keys are {@link SiteRule}'s parameters.
 */
public final class ShapingRules implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The rules shipped in the jar: derived from REFERENCE.md and KumoMTA's published files. */
    public static final String DEFAULT_RESOURCE = "/io/sluice/delivery/shaping/shaping.rules";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|min|h|d)");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    private static final String KEYS =
            "rate, connections, per-connection, shards, decrease, floor, decrease-gap,"
                    + " recover-step, recover-every, pause, dead-after, dead-probe,"
                    + " dead-probe-max, forget, cold-rate";

    private final SiteRule fallback;
    private final Map<String, SiteRule> bySite;
    private final Map<String, SiteRule> byIpAtSite;

    private ShapingRules(
            SiteRule fallback, Map<String, SiteRule> bySite, Map<String, SiteRule> byIpAtSite) {
        this.fallback = fallback;
        this.bySite = bySite;
        this.byIpAtSite = byIpAtSite;
    }

    public static ShapingRules defaults() {
        try (InputStream in = ShapingRules.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse("shaping.rules", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** The file at {@code path}, or the shipped defaults when {@code path} is null or blank. */
    public static ShapingRules load(String path) {
        if (path == null || path.isBlank()) {
            return defaults();
        }
        try {
            return parse(path, Files.readString(Path.of(path)));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "shaping rules " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @throws ShapingFileException naming the file, the line and what was expected
     */
    public static ShapingRules parse(String file, String content) {
        String[] lines = content.split("\r?\n", -1);
        Map<String, Integer> defaultLine = new HashMap<>();
        SiteRule fallback = SiteRule.builtIn();
        // The default line is applied first wherever it is, so site lines above it inherit it too.
        for (int i = 0; i < lines.length; i++) {
            String[] words = words(lines[i]);
            if (words.length > 0 && words[0].equals("default")) {
                if (defaultLine.containsKey("default")) {
                    throw new ShapingFileException(
                            file,
                            i + 1,
                            "a second default line (the first is line "
                                    + defaultLine.get("default")
                                    + ") -- expected one");
                }
                defaultLine.put("default", i + 1);
                fallback = apply(fallback, words, file, i + 1, true);
            }
        }
        Map<String, SiteRule> bySite = new LinkedHashMap<>();
        Map<String, Integer> seenAt = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String[] words = words(lines[i]);
            if (words.length == 0 || words[0].equals("default") || words[0].contains("/")) {
                continue;
            }
            String site = site(words[0], file, i + 1);
            checkOnce(seenAt, site, file, i + 1);
            bySite.put(site, apply(fallback, words, file, i + 1, true));
        }
        Map<String, SiteRule> byIp = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String[] words = words(lines[i]);
            if (words.length == 0 || !words[0].contains("/")) {
                continue;
            }
            int slash = words[0].indexOf('/');
            String site = site(words[0].substring(0, slash), file, i + 1);
            String ip = words[0].substring(slash + 1);
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new ShapingFileException(
                        file,
                        i + 1,
                        "\""
                                + words[0]
                                + "\" -- expected site/sending-ip with a literal IPv4 or IPv6"
                                + " address");
            }
            checkOnce(seenAt, words[0], file, i + 1);
            SiteRule base = site.equals("default") ? fallback : bySite.getOrDefault(site, fallback);
            byIp.put(site + "/" + ip, apply(base, words, file, i + 1, false));
        }
        return new ShapingRules(fallback, Map.copyOf(bySite), Map.copyOf(byIp));
    }

    /** These rules in simulated time: every rate and policy duration shrunk by {@code scale}. */
    public ShapingRules timeScaled(io.sluice.delivery.TimeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        Map<String, SiteRule> sites = new LinkedHashMap<>();
        bySite.forEach((k, v) -> sites.put(k, v.timeScaled(scale)));
        Map<String, SiteRule> ips = new LinkedHashMap<>();
        byIpAtSite.forEach((k, v) -> ips.put(k, v.timeScaled(scale)));
        return new ShapingRules(fallback.timeScaled(scale), Map.copyOf(sites), Map.copyOf(ips));
    }

    /** These rules at {@code 1/scale} of the volume: every rate divided by the scale. */
    public ShapingRules volumeScaled(io.sluice.delivery.VolumeScale scale) {
        if (scale.isReal()) {
            return this;
        }
        Map<String, SiteRule> sites = new LinkedHashMap<>();
        bySite.forEach((k, v) -> sites.put(k, v.volumeScaled(scale)));
        Map<String, SiteRule> ips = new LinkedHashMap<>();
        byIpAtSite.forEach((k, v) -> ips.put(k, v.volumeScaled(scale)));
        return new ShapingRules(fallback.volumeScaled(scale), Map.copyOf(sites), Map.copyOf(ips));
    }

    /**
     * These rules with shaping switched off: every site and IP line {@link SiteRule#unshaped(int)
     * unshaped}, with {@code connections} per IP at every site (a sender that shapes nothing opens
     * what its threads can use).
     */
    public ShapingRules unshaped(int connections) {
        Map<String, SiteRule> sites = new LinkedHashMap<>();
        bySite.forEach((k, v) -> sites.put(k, v.unshaped(connections)));
        Map<String, SiteRule> ips = new LinkedHashMap<>();
        byIpAtSite.forEach((k, v) -> ips.put(k, v.unshaped(connections)));
        return new ShapingRules(fallback.unshaped(connections), Map.copyOf(sites), Map.copyOf(ips));
    }

    /** The rule of {@code site}: its own line, or the default. */
    public SiteRule site(String site) {
        return bySite.getOrDefault(site, fallback);
    }

    /** The rule of {@code ip} at {@code site}: its own line, else the site's. */
    public SiteRule at(String site, String ip) {
        if (byIpAtSite.isEmpty()) {
            return site(site); // asked several times per decision: build no lookup keys
        }
        SiteRule r = byIpAtSite.get(site + "/" + ip);
        if (r == null) {
            r = byIpAtSite.get("default/" + ip);
        }
        return r != null ? r : site(site);
    }

    /** Whether {@code site} has a line of its own (a provider, not just a domain). */
    public boolean names(String site) {
        return bySite.containsKey(site);
    }

    public int shards(String site) {
        return site(site).shards();
    }

    private static String[] words(String line) {
        int hash = line.indexOf('#');
        String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }

    private static String site(String word, String file, int line) {
        String site = word.toLowerCase(Locale.ROOT);
        if (!NAME.matcher(site).matches()) {
            throw new ShapingFileException(
                    file,
                    line,
                    "\"" + word + "\" -- expected a site name (a-z, 0-9, '.', '-') or default");
        }
        return site;
    }

    private static void checkOnce(Map<String, Integer> seenAt, String name, String file, int line) {
        Integer first = seenAt.putIfAbsent(name, line);
        if (first != null) {
            throw new ShapingFileException(
                    file,
                    line,
                    "\""
                            + name
                            + "\" again (first on line "
                            + first
                            + ") -- expected one line each");
        }
    }

    private static SiteRule apply(
            SiteRule base, String[] words, String file, int line, boolean siteLevel) {
        Rate rate = base.rate();
        int connections = base.connections();
        int perConnection = base.perConnection();
        int shards = base.shards();
        double decrease = base.decrease();
        double floor = base.floor();
        Duration decreaseGap = base.decreaseGap();
        double recoverStep = base.recoverStep();
        Duration recoverEvery = base.recoverEvery();
        Duration pause = base.pause();
        int deadAfter = base.deadAfter();
        Duration deadProbe = base.deadProbe();
        Duration deadProbeMax = base.deadProbeMax();
        Duration forget = base.forget();
        Rate coldRate = base.coldRate();
        for (int w = 1; w < words.length; w++) {
            String word = words[w];
            int eq = word.indexOf('=');
            if (eq <= 0 || eq == word.length() - 1) {
                throw new ShapingFileException(
                        file, line, "\"" + word + "\" -- expected key=value with a key of " + KEYS);
            }
            String key = word.substring(0, eq);
            String value = word.substring(eq + 1);
            try {
                switch (key) {
                    case "rate" -> rate = Rate.parse(value);
                    case "connections" -> connections = positive(value);
                    case "per-connection" -> perConnection = positive(value);
                    case "shards" -> {
                        if (!siteLevel) {
                            throw new IllegalArgumentException(
                                    "shards applies to a whole site -- move it to the site's line");
                        }
                        shards = positive(value);
                    }
                    case "decrease" -> decrease = fraction(value, false);
                    case "floor" -> floor = fraction(value, true);
                    case "decrease-gap" -> decreaseGap = duration(value);
                    case "recover-step" -> recoverStep = fraction(value, true);
                    case "recover-every" -> recoverEvery = duration(value);
                    case "pause" -> pause = duration(value);
                    case "dead-after" -> deadAfter = positive(value);
                    case "dead-probe" -> deadProbe = duration(value);
                    case "dead-probe-max" -> deadProbeMax = duration(value);
                    case "forget" -> forget = duration(value);
                    case "cold-rate" -> coldRate = Rate.parse(value);
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown key \"" + key + "\" -- expected one of " + KEYS);
                }
            } catch (IllegalArgumentException e) {
                throw new ShapingFileException(file, line, e.getMessage());
            }
        }
        if (deadProbeMax.compareTo(deadProbe) < 0) {
            throw new ShapingFileException(
                    file, line, "dead-probe-max is below dead-probe -- expected max >= first");
        }
        return new SiteRule(
                rate,
                connections,
                perConnection,
                shards,
                decrease,
                floor,
                decreaseGap,
                recoverStep,
                recoverEvery,
                pause,
                deadAfter,
                deadProbe,
                deadProbeMax,
                forget,
                coldRate);
    }

    private static int positive(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException("\"" + value + "\" -- expected a whole number > 0");
    }

    private static double fraction(String value, boolean oneAllowed) {
        try {
            double f = Double.parseDouble(value);
            if (f > 0 && (f < 1 || (oneAllowed && f == 1))) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected form
        }
        throw new IllegalArgumentException(
                "\""
                        + value
                        + "\" -- expected a fraction "
                        + (oneAllowed ? "0 < f <= 1" : "0 < f < 1")
                        + ", e.g. 0.5");
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m} (or {@code 5min}), {@code 2h}, {@code 1d}. */
    static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).length() > 9) {
            throw new IllegalArgumentException(
                    "duration \"" + value + "\" -- expected N with ms, s, m, h or d, e.g. 90m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
