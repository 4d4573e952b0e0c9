package io.sluice.sim.profile;

import io.sluice.sim.auth.AuthRequirement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a provider profile: one {@code key value} per line, {@code #} starts a comment line. A line
 * format rather than YAML so that every error can name its line without a second parser pass, and
 * because the shaping and bounce rule files of Sluice look the same.
 */
public final class ProfileParser {

    private static final Pattern REPLY = Pattern.compile("([2-5]\\d\\d) (\\S.*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(s|min|h|d)");
    private static final List<String> SCALARS =
            List.of(
                    "name",
                    "mx",
                    "domains",
                    "host-octet",
                    "tier.warming-after",
                    "tier.established-after",
                    "connections-per-ip",
                    "messages-per-connection",
                    "greylisting",
                    "greylist.delay",
                    "unknown-user-fraction",
                    "authentication",
                    "reputation.start",
                    "reputation.throttle-below",
                    "reputation.block-below",
                    "reputation.block-for",
                    "reputation.unknown-user-penalty",
                    "reputation.complaint-penalty",
                    "reputation.over-limit-penalty",
                    "reputation.clean-gain",
                    "reputation.throttled-share",
                    "reputation.inbox-at-least");

    private ProfileParser() {}

    /** Parses {@code text}; {@code file} is only used in error messages. */
    public static ProviderProfile parse(String file, String text) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String key = kv[0];
            if (!known(key)) {
                throw new ProfileFileException(
                        file, i + 1, "unknown key \"" + key + "\" -- expected one of " + keys());
            }
            if (kv.length < 2) {
                throw new ProfileFileException(file, i + 1, key + " needs a value");
            }
            Entry previous = entries.put(key, new Entry(i + 1, kv[1].strip()));
            if (previous != null) {
                throw new ProfileFileException(
                        file, i + 1, key + " given twice (first on line " + previous.line + ")");
            }
        }
        Reader r = new Reader(file, entries);
        Map<IpTier, Rate> rates = new EnumMap<>(IpTier.class);
        for (IpTier tier : IpTier.values()) {
            rates.put(tier, r.rate("rate." + tierKey(tier)));
        }
        Map<ReplyKind, Reply> replies = new EnumMap<>(ReplyKind.class);
        for (ReplyKind kind : ReplyKind.values()) {
            replies.put(kind, r.reply("reply." + kind.key()));
        }
        long warming = r.count("tier.warming-after");
        long established = r.count("tier.established-after");
        if (established < warming) {
            throw new ProfileFileException(
                    file,
                    entries.get("tier.established-after").line,
                    "tier.established-after must be at least tier.warming-after (" + warming + ")");
        }
        if (!(r.score("reputation.block-below") <= r.score("reputation.throttle-below"))) {
            throw new ProfileFileException(
                    file,
                    entries.get("reputation.block-below").line,
                    "reputation.block-below must not be above reputation.throttle-below");
        }
        ReputationModel reputation =
                new ReputationModel(
                        r.score("reputation.start"),
                        r.score("reputation.throttle-below"),
                        r.score("reputation.block-below"),
                        r.duration("reputation.block-for"),
                        r.score("reputation.unknown-user-penalty"),
                        r.score("reputation.complaint-penalty"),
                        r.score("reputation.over-limit-penalty"),
                        r.score("reputation.clean-gain"),
                        r.fraction("reputation.throttled-share"),
                        r.score("reputation.inbox-at-least"));
        return new ProviderProfile(
                r.text("name"),
                r.list("mx"),
                r.list("domains"),
                (int) r.bounded("host-octet", 1, 254),
                rates,
                warming,
                established,
                (int) r.bounded("connections-per-ip", 1, 10_000),
                (int) r.bounded("messages-per-connection", 1, 1_000_000),
                r.onOff("greylisting"),
                r.duration("greylist.delay"),
                r.fraction("unknown-user-fraction"),
                r.typed(
                        "authentication",
                        "off, spf-or-dkim or dmarc",
                        v ->
                                switch (v) {
                                    case "off" -> Optional.of(AuthRequirement.OFF);
                                    case "spf-or-dkim" -> Optional.of(AuthRequirement.SPF_OR_DKIM);
                                    case "dmarc" -> Optional.of(AuthRequirement.DMARC);
                                    default -> Optional.empty();
                                }),
                reputation,
                replies);
    }

    /** Reads a profile from the classpath, {@code io/sluice/sim/profiles/<name>.profile}. */
    public static ProviderProfile resource(String name) {
        String path = "/io/sluice/sim/profiles/" + name + ".profile";
        try (InputStream in = ProfileParser.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new ProfileFileException(
                        path,
                        0,
                        "no such profile -- the built-in ones are " + ProviderProfiles.NAMES);
            }
            return parse(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean known(String key) {
        return SCALARS.contains(key)
                || Arrays.stream(IpTier.values()).anyMatch(t -> key.equals("rate." + tierKey(t)))
                || Arrays.stream(ReplyKind.values()).anyMatch(k -> key.equals("reply." + k.key()));
    }

    private static String keys() {
        TreeSet<String> all = new TreeSet<>(SCALARS);
        for (IpTier t : IpTier.values()) {
            all.add("rate." + tierKey(t));
        }
        for (ReplyKind k : ReplyKind.values()) {
            all.add("reply." + k.key());
        }
        return String.join(", ", all);
    }

    private static String tierKey(IpTier tier) {
        return tier.name().toLowerCase(Locale.ROOT);
    }

    private record Entry(int line, String value) {}

    /** Typed access to the entries, each failure naming the line. */
    private record Reader(String file, Map<String, Entry> entries) {

        Entry entry(String key) {
            Entry e = entries.get(key);
            if (e == null) {
                throw new ProfileFileException(file, 0, "missing " + key);
            }
            return e;
        }

        <T> T typed(String key, String expected, Function<String, Optional<T>> parse) {
            Entry e = entry(key);
            return parse.apply(e.value)
                    .orElseThrow(
                            () ->
                                    new ProfileFileException(
                                            file,
                                            e.line,
                                            key + " \"" + e.value + "\" -- expected " + expected));
        }

        String text(String key) {
            return entry(key).value;
        }

        List<String> list(String key) {
            return List.of(entry(key).value.split("\\s+"));
        }

        Rate rate(String key) {
            return typed(key, "N/s, N/min, N/h or N/day with N > 0", Rate::parse);
        }

        Reply reply(String key) {
            return typed(
                    key,
                    "a reply code from 200 to 599 and a text, e.g. 421 4.7.28 text",
                    v -> {
                        Matcher m = REPLY.matcher(v);
                        return m.matches()
                                ? Optional.of(new Reply(Integer.parseInt(m.group(1)), m.group(2)))
                                : Optional.empty();
                    });
        }

        long count(String key) {
            return bounded(key, 0, Long.MAX_VALUE);
        }

        long bounded(String key, long min, long max) {
            return typed(
                    key,
                    "a whole number from " + min + " to " + max,
                    v -> {
                        try {
                            long n = Long.parseLong(v.replace("_", ""));
                            return n >= min && n <= max ? Optional.of(n) : Optional.empty();
                        } catch (NumberFormatException e) {
                            return Optional.empty();
                        }
                    });
        }

        double score(String key) {
            return decimal(key, 0, 100, "a number from 0 to 100");
        }

        double fraction(String key) {
            return decimal(key, 0, 1, "a fraction from 0 to 1");
        }

        double decimal(String key, double min, double max, String expected) {
            return typed(
                    key,
                    expected,
                    v -> {
                        try {
                            double d = Double.parseDouble(v);
                            return d >= min && d <= max ? Optional.of(d) : Optional.empty();
                        } catch (NumberFormatException e) {
                            return Optional.empty();
                        }
                    });
        }

        boolean onOff(String key) {
            return typed(
                    key,
                    "on or off",
                    v ->
                            switch (v) {
                                case "on" -> Optional.of(true);
                                case "off" -> Optional.of(false);
                                default -> Optional.empty();
                            });
        }

        Duration duration(String key) {
            return typed(
                    key,
                    "a duration such as 90s, 30min, 2h or 1d",
                    v -> {
                        Matcher m = DURATION.matcher(v);
                        if (!m.matches()) {
                            return Optional.empty();
                        }
                        long n = Long.parseLong(m.group(1));
                        try {
                            return Optional.of(
                                    switch (m.group(2)) {
                                        case "s" -> Duration.ofSeconds(n);
                                        case "min" -> Duration.ofMinutes(n);
                                        case "h" -> Duration.ofHours(n);
                                        default -> Duration.ofDays(n);
                                    });
                        } catch (DateTimeParseException | ArithmeticException e) {
                            return Optional.empty();
                        }
                    });
        }
    }
}
