package io.sluice.reputation;

import io.sluice.reputation.RollingCounts.Window;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an entity is healthy, warned, throttled or blocked, read from a file a person edits ({@code
 * reputation.rules}; its comments explain the format). Each rule names a scope, a counter, a window
 * and the line of each state, as a count ({@code 3}) or a share ({@code 2%}); a share acts only
 * once the window holds {@code min-attempts} attempts (Momentum's minimum). An entity's health is
 * the worst state any of its rules reaches.
 */
public final class ReputationRules implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_RESOURCE = "/io/sluice/reputation/reputation.rules";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m|min|h|d)");
    private static final Pattern REASON = Pattern.compile("[a-z]+");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    /** A state's line: {@code value} is a count, or a fraction of attempts when {@code share}. */
    public record Threshold(double value, boolean share) implements Serializable {
        @Override
        public String toString() {
            return share ? percent(value) : Long.toString((long) value);
        }
    }

    /**
     * One line of rules: for {@code scopes}, {@code counter} over {@code window} reaching a state's
     * threshold puts the entity in that state.
     */
    public record Rule(
            Set<Entity.Kind> scopes,
            Counter counter,
            Window window,
            Map<Health, Threshold> lines,
            String where)
            implements Serializable {}

    private final long minAttempts;
    private final long earlyCount;
    private final long minCount;
    private final Duration blockFor;
    private final Set<String> throttleReasons;
    private final Set<String> blockReasons;
    private final Set<String> neutralReasons;
    private final List<Rule> rules;

    private ReputationRules(
            long minAttempts,
            long earlyCount,
            long minCount,
            Duration blockFor,
            Set<String> throttleReasons,
            Set<String> blockReasons,
            Set<String> neutralReasons,
            List<Rule> rules) {
        this.neutralReasons = neutralReasons;
        this.minAttempts = minAttempts;
        this.earlyCount = earlyCount;
        this.minCount = minCount;
        this.blockFor = blockFor;
        this.throttleReasons = throttleReasons;
        this.blockReasons = blockReasons;
        this.rules = rules;
    }

    public static ReputationRules defaults() {
        try (InputStream in = ReputationRules.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse("reputation.rules", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** The file at {@code path}, or the shipped rules when {@code path} is null or blank. */
    public static ReputationRules load(String path) {
        if (path == null || path.isBlank()) {
            return defaults();
        }
        try {
            return parse(path, Files.readString(Path.of(path)));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "reputation rules " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @throws RuleFileException naming the file, the line and what was expected
     */
    public static ReputationRules parse(String file, String content) {
        Long minAttempts = null;
        Long earlyCount = null;
        Long minCount = null;
        Duration blockFor = null;
        Set<String> throttleReasons = null;
        Set<String> blockReasons = null;
        Set<String> neutralReasons = null;
        List<Rule> rules = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            String[] w = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (w.length == 1 && w[0].isEmpty()) {
                continue;
            }
            switch (w[0]) {
                case "min-attempts" -> {
                    once(minAttempts, file, n, w[0]);
                    arity(w, 2, file, n, "min-attempts N");
                    minAttempts = count(w[1], file, n);
                }
                case "early-count" -> {
                    once(earlyCount, file, n, w[0]);
                    arity(w, 2, file, n, "early-count N");
                    earlyCount = count(w[1], file, n);
                }
                case "min-count" -> {
                    once(minCount, file, n, w[0]);
                    arity(w, 2, file, n, "min-count N");
                    minCount = count(w[1], file, n);
                }
                case "block-for" -> {
                    once(blockFor, file, n, w[0]);
                    arity(w, 2, file, n, "block-for DURATION, e.g. 4h");
                    blockFor = duration(w[1], file, n);
                }
                case "throttle-reasons" -> {
                    once(throttleReasons, file, n, w[0]);
                    throttleReasons = reasons(w, file, n);
                }
                case "block-reasons" -> {
                    once(blockReasons, file, n, w[0]);
                    blockReasons = reasons(w, file, n);
                }
                case "neutral-reasons" -> {
                    once(neutralReasons, file, n, w[0]);
                    neutralReasons = reasons(w, file, n);
                }
                case "*", "tenant", "ip", "ip@site" -> rules.add(rule(w, file, n));
                default ->
                        throw new RuleFileException(
                                file,
                                n,
                                "\""
                                        + w[0]
                                        + "\" -- expected min-attempts, early-count, min-count, block-for,"
                                        + " throttle-reasons, block-reasons, neutral-reasons, or a"
                                        + " rule starting"
                                        + " with a scope: *, tenant, ip or ip@site");
            }
        }
        int last = lines.length;
        if (minAttempts == null) {
            throw new RuleFileException(file, last, "no min-attempts line -- expected one");
        }
        if (blockFor == null) {
            throw new RuleFileException(file, last, "no block-for line -- expected one");
        }
        if (rules.isEmpty()) {
            throw new RuleFileException(file, last, "no rules -- expected at least one");
        }
        return new ReputationRules(
                minAttempts,
                earlyCount == null ? DEFAULT_EARLY_COUNT : earlyCount,
                minCount == null ? DEFAULT_MIN_COUNT : minCount,
                blockFor,
                throttleReasons == null ? Set.of() : throttleReasons,
                blockReasons == null ? Set.of() : blockReasons,
                neutralReasons == null ? Set.of() : neutralReasons,
                List.copyOf(rules));
    }

    private static Rule rule(String[] w, String file, int n) {
        String form = "SCOPE COUNTER WINDOW STATE=LINE..., e.g. tenant hard-bounces 24h warning=2%";
        if (w.length < 4) {
            throw new RuleFileException(file, n, "a rule needs " + form);
        }
        Set<Entity.Kind> scopes =
                switch (w[0]) {
                    case "tenant" -> EnumSet.of(Entity.Kind.TENANT);
                    case "ip" -> EnumSet.of(Entity.Kind.IP);
                    case "ip@site" -> EnumSet.of(Entity.Kind.IP_AT_SITE);
                    default -> EnumSet.allOf(Entity.Kind.class);
                };
        Counter counter = Counter.byId(w[1]);
        if (counter == null) {
            StringBuilder ids = new StringBuilder();
            for (Counter c : Counter.values()) {
                ids.append(ids.length() == 0 ? "" : ", ").append(c.id());
            }
            throw new RuleFileException(
                    file, n, "counter \"" + w[1] + "\" -- expected one of " + ids);
        }
        Window window = Window.byId(w[2]);
        if (window == null) {
            throw new RuleFileException(file, n, "window \"" + w[2] + "\" -- expected 1h or 24h");
        }
        Map<Health, Threshold> lines = new EnumMap<>(Health.class);
        for (int k = 3; k < w.length; k++) {
            int eq = w[k].indexOf('=');
            Health state = null;
            if (eq > 0) {
                try {
                    state = Health.valueOf(w[k].substring(0, eq).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    state = null;
                }
            }
            if (state == null || state == Health.HEALTHY) {
                throw new RuleFileException(
                        file,
                        n,
                        "\""
                                + w[k]
                                + "\" -- expected warning=LINE, throttled=LINE or blocked=LINE");
            }
            if (lines.containsKey(state)) {
                throw new RuleFileException(
                        file, n, "a second " + state.name().toLowerCase(Locale.ROOT) + " line");
            }
            lines.put(state, threshold(w[k].substring(eq + 1), file, n));
        }
        Threshold previous = null;
        for (Threshold t : lines.values()) {
            if (previous != null
                    && (previous.share() != t.share() || previous.value() >= t.value())) {
                throw new RuleFileException(
                        file,
                        n,
                        "lines "
                                + lines.values()
                                + " -- expected all counts or all shares, rising from warning to"
                                + " blocked");
            }
            previous = t;
        }
        // Kept in state order (warning, throttled, blocked): the last is the rule's top line.
        return new Rule(
                scopes,
                counter,
                window,
                java.util.Collections.unmodifiableMap(lines),
                file + ":" + n);
    }

    private static Threshold threshold(String v, String file, int n) {
        boolean share = v.endsWith("%");
        String number = share ? v.substring(0, v.length() - 1) : v;
        if (!NUMBER.matcher(number).matches() || (!share && number.contains("."))) {
            throw new RuleFileException(
                    file, n, "line \"" + v + "\" -- expected a count (3) or a share (0.1%)");
        }
        double d = Double.parseDouble(number);
        if (d <= 0 || (share && d > 100)) {
            throw new RuleFileException(
                    file, n, "line \"" + v + "\" -- expected above 0 (and a share up to 100%)");
        }
        return new Threshold(share ? d / 100 : d, share);
    }

    private static void once(Object seen, String file, int n, String key) {
        if (seen != null) {
            throw new RuleFileException(file, n, "a second " + key + " line -- expected one");
        }
    }

    private static void arity(String[] w, int size, String file, int n, String form) {
        if (w.length != size) {
            throw new RuleFileException(file, n, "expected " + form);
        }
    }

    private static long count(String v, String file, int n) {
        if (!v.matches("\\d{1,12}")) {
            throw new RuleFileException(file, n, "\"" + v + "\" -- expected a whole number");
        }
        return Long.parseLong(v);
    }

    private static Duration duration(String v, String file, int n) {
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new RuleFileException(
                    file, n, "duration \"" + v + "\" -- expected N followed by s, m, h or d");
        }
        long k = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(k);
            case "m", "min" -> Duration.ofMinutes(k);
            case "h" -> Duration.ofHours(k);
            default -> Duration.ofDays(k);
        };
    }

    private static Set<String> reasons(String[] w, String file, int n) {
        if (w.length < 2) {
            throw new RuleFileException(file, n, "expected " + w[0] + " REASON..., e.g. blocked");
        }
        Set<String> s = new java.util.LinkedHashSet<>();
        for (int k = 1; k < w.length; k++) {
            if (!REASON.matcher(w[k]).matches()) {
                throw new RuleFileException(
                        file,
                        n,
                        "reason \"" + w[k] + "\" -- expected a bounce reason such as toomanyconn");
            }
            s.add(w[k]);
        }
        return Set.copyOf(s);
    }

    /**
     * Without an {@code early-count} line: a share acts before min-attempts on 10 events or more,
     * never on the 2 complaints that are 0.1% of 2,000 but happen to a clean list by chance.
     */
    static final long DEFAULT_EARLY_COUNT = 10;

    /**
     * Without a {@code min-count} line: a share reaches a rule's lowest line only on 5 events or
     * more, also past min-attempts. 2 complaints in 2,000 deliveries are 0.1%, the warning line, by
     * the arithmetic, and chance by the statistics: a clean list (0.02%) draws 2 or more in 6% of
     * its days of 2,000, and a tenant mailing 2,000 a day would be quarantined about every other
     * week for nothing; 5 or more come to it once in ~16,000 such days. The cost: below 5,000
     * deliveries a window, the 0.1% line acts only from 5 complaints (0.25% of 2,000). The higher
     * lines (0.3%, 0.5%) act on their share as before.
     */
    static final long DEFAULT_MIN_COUNT = 5;

    /** Events a share's count needs before it reaches a rule's lowest line. */
    public long minCount() {
        return minCount;
    }

    /** Events a share's count needs before it may act ahead of min-attempts. */
    public long earlyCount() {
        return earlyCount;
    }

    public long minAttempts() {
        return minAttempts;
    }

    /** How long an IP blocked at a site stays out of rotation there. */
    public Duration blockFor() {
        return blockFor;
    }

    /** Whether a failure of this bounce reason (sisimai id) is the site slowing us down. */
    public boolean isThrottle(String reason) {
        return reason != null && throttleReasons.contains(reason);
    }

    /**
     * Whether a failure of this bounce reason says nothing of reputation: the sender's own mistake,
     * such as one connection too many, which the delivery job corrects by itself.
     */
    public boolean isNeutral(String reason) {
        return reason != null && neutralReasons.contains(reason);
    }

    /** Whether a failure of this bounce reason (sisimai id) is the site refusing us. */
    public boolean isBlock(String reason) {
        return reason != null && blockReasons.contains(reason);
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Health, score, reason and figures of an entity of {@code kind} with {@code counts} at {@code
     * now}. The score is {@code 100 x (1 - min(1, p))} where {@code p} is the largest pressure of
     * the entity's rules: the measured value (count, or share once min-attempts is reached, or
     * before that count / min-attempts, the floor of the share at min-attempts) over the rule's
     * highest line.
     */
    public Assessment assess(Entity.Kind kind, RollingCounts counts, long now) {
        long[] hour = counts.totals(Window.HOUR, now);
        long[] day = counts.totals(Window.DAY, now);
        Health health = Health.HEALTHY;
        String reason = "within every line";
        double pressure = 0;
        for (Rule r : rules) {
            if (!r.scopes().contains(kind)) {
                continue;
            }
            long[] t = r.window() == Window.HOUR ? hour : day;
            long count = t[r.counter().ordinal()];
            long attempts = t[Counter.ATTEMPTS.ordinal()];
            long base =
                    r.counter() == Counter.COMPLAINTS ? t[Counter.DELIVERIES.ordinal()] : attempts;
            boolean shares = r.lines().values().iterator().next().share();
            // Before min-attempts a share is not measured, but its count may already decide it:
            // 40 hard bounces are at least 2% of the first 2,000 attempts whatever the rest
            // bring, so count / min-attempts is a floor of the share the window will hold there.
            // A tenant with a 10% bad list is so quarantined after about 400 attempts, when its
            // bounces reach what the warning line allows in 2,000, instead of after 2,000 with 200.
            // Only on early-count events or more: 2 complaints are 0.1% of 2,000, but a clean
            // list (0.02%) draws 2 in its first 2,000 one time in seventeen.
            boolean early = shares && attempts < minAttempts;
            if (shares
                    && (early ? count == 0 || count < Math.max(earlyCount, minCount) : base == 0)) {
                continue; // too few attempts for a share to mean anything
            }
            // Past min-attempts, fewer than min-count events do not reach the rule's lowest line:
            // 2 complaints in 2,000 deliveries are 0.1% and chance. Its higher lines still act,
            // where so few events are not chance (4 complaints in 800 deliveries, 0.5%, come to
            // a clean list about twice in a million windows).
            boolean few = shares && !early && count < minCount;
            Health lowest = r.lines().keySet().iterator().next();
            double measured =
                    !shares ? count : (double) count / (early ? minAttempts : Math.max(1, base));
            Threshold top = null;
            for (var e : r.lines().entrySet()) {
                top = e.getValue();
                if (few && e.getKey() == lowest) {
                    continue;
                }
                if (measured >= e.getValue().value() && e.getKey().compareTo(health) > 0) {
                    health = e.getKey();
                    reason =
                            r.counter().id()
                                    + " "
                                    + (!shares
                                            ? Long.toString(count)
                                            : early
                                                    ? count
                                                            + ", at least "
                                                            + percent(measured)
                                                            + " of the first "
                                                            + minAttempts
                                                            + " attempts ("
                                                            + attempts
                                                            + " so far),"
                                                    : percent(measured)
                                                            + " of "
                                                            + base
                                                            + " "
                                                            + baseName(r))
                                    + " in "
                                    + r.window().id()
                                    + " reached the "
                                    + e.getKey().name().toLowerCase(Locale.ROOT)
                                    + " line "
                                    + e.getValue()
                                    + " ("
                                    + r.where()
                                    + ")";
                }
            }
            pressure = Math.max(pressure, measured / top.value());
        }
        int score = (int) Math.round(100 * (1 - Math.min(1, pressure)));
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            figures.put(c.id().replace('-', '_') + "_24h", (double) day[c.ordinal()]);
        }
        figures.put("attempts_1h", (double) hour[Counter.ATTEMPTS.ordinal()]);
        figures.put("throttles_1h", (double) hour[Counter.THROTTLES.ordinal()]);
        figures.put("blocks_1h", (double) hour[Counter.BLOCKS.ordinal()]);
        long attempts = day[Counter.ATTEMPTS.ordinal()];
        long deliveries = day[Counter.DELIVERIES.ordinal()];
        figures.put(
                "bounce_rate",
                attempts == 0 ? 0.0 : (double) day[Counter.HARD_BOUNCES.ordinal()] / attempts);
        figures.put(
                "complaint_rate",
                deliveries == 0 ? 0.0 : (double) day[Counter.COMPLAINTS.ordinal()] / deliveries);
        figures.put("score", (double) score);
        return new Assessment(health, score, reason, figures);
    }

    private static String baseName(Rule r) {
        return r.counter() == Counter.COMPLAINTS ? "deliveries" : "attempts";
    }

    static String percent(double fraction) {
        return new java.math.BigDecimal(fraction * 100)
                        .round(new java.math.MathContext(3))
                        .stripTrailingZeros()
                        .toPlainString()
                + "%";
    }
}
