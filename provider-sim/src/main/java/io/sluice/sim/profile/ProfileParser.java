package io.sluice.sim.profile;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
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
                    "reputation.inbox-at-least",
                    "feedback.complaint-rate",
                    "feedback.late-bounce-rate",
                    "feedback.late-bounce-reply",
                    "feedback.open-rate",
                    "feedback.click-rate");

    /** The feedback rates that may be set per sending IP or domain, e.g. {@code [ip=127.0.0.9]}. */
    private static final List<String> PER_SENDER =
            List.of(
                    "feedback.complaint-rate",
                    "feedback.late-bounce-rate",
                    "feedback.open-rate",
                    "feedback.click-rate");

    private static final Pattern SENDER_KEY =
            Pattern.compile("([a-z.-]+)\\[(ip|domain)=([^\\]]*)]");

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
            checkSenderKey(file, i + 1, key);
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
                replies,
                feedback(r));
    }

    private static FeedbackModel feedback(Reader r) {
        Reply late = r.reply("feedback.late-bounce-reply");
        if (!late.permanent() || late.status().isEmpty()) {
            throw new ProfileFileException(
                    r.file(),
                    r.entry("feedback.late-bounce-reply").line,
                    "feedback.late-bounce-reply \""
                            + late
                            + "\" -- expected a 5xx reply whose text starts with an enhanced"
                            + " status code (the DSN's Status), e.g. 550 5.1.1 text");
        }
        if (r.fraction("feedback.click-rate") > r.fraction("feedback.open-rate")) {
            throw new ProfileFileException(
                    r.file(),
                    r.entry("feedback.click-rate").line,
                    "feedback.click-rate must not be above feedback.open-rate (a click is also an"
                            + " open)");
        }
        return new FeedbackModel(
                r.senderRate("feedback.complaint-rate"),
                r.senderRate("feedback.late-bounce-rate"),
                r.senderRate("feedback.open-rate"),
                r.senderRate("feedback.click-rate"),
                late);
    }

    /**
     * A key with a sender selector names a rate that can have one and a sender that can be one: an
     * IP address literal or a domain name.
     */
    private static void checkSenderKey(String file, int line, String key) {
        int bracket = key.indexOf('[');
        if (bracket < 0) {
            return;
        }
        String base = key.substring(0, bracket);
        String expected =
                " -- expected "
                        + base
                        + "[ip=<IPv4 or IPv6 address>] or "
                        + base
                        + "[domain=<domain name>]";
        if (!PER_SENDER.contains(base)) {
            throw new ProfileFileException(
                    file,
                    line,
                    "\""
                            + key
                            + "\" -- only "
                            + String.join(", ", PER_SENDER)
                            + " can be set per sending IP or domain");
        }
        Matcher m = SENDER_KEY.matcher(key);
        if (!m.matches()) {
            throw new ProfileFileException(file, line, "\"" + key + "\"" + expected);
        }
        String sender = m.group(3);
        boolean valid =
                m.group(2).equals("ip")
                        ? InetAddresses.isInetAddress(sender)
                        : InternetDomainName.isValid(sender);
        if (!valid) {
            throw new ProfileFileException(
                    file,
                    line,
                    "\""
                            + key
                            + "\": \""
                            + sender
                            + "\" is not "
                            + (m.group(2).equals("ip") ? "an IP address" : "a domain name")
                            + expected);
        }
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
                || SENDER_KEY.matcher(key).matches()
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
        for (String rate : PER_SENDER) {
            all.add(rate + "[ip=...]");
            all.add(rate + "[domain=...]");
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

        /**
         * The rate's default and its per-sender overrides ({@code key[ip=..]}, {@code
         * [domain=..]}).
         */
        SenderRate senderRate(String key) {
            Map<String, Double> byIp = new LinkedHashMap<>();
            Map<String, Double> byDomain = new LinkedHashMap<>();
            for (String k : entries.keySet()) {
                Matcher m = SENDER_KEY.matcher(k);
                if (!m.matches() || !m.group(1).equals(key)) {
                    continue;
                }
                boolean ip = m.group(2).equals("ip");
                String sender =
                        ip
                                ? InetAddresses.toAddrString(InetAddresses.forString(m.group(3)))
                                : m.group(3).toLowerCase(Locale.ROOT);
                Double earlier = (ip ? byIp : byDomain).put(sender, fraction(k));
                if (earlier != null) {
                    throw new ProfileFileException(
                            file, entries.get(k).line, key + " given twice for " + sender);
                }
            }
            return new SenderRate(fraction(key), byIp, byDomain);
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
