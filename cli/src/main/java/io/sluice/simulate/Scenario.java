package io.sluice.simulate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliverability scenario as a file: the traffic of each tenant, what happens to the world on
 * which simulated day, Sluice's settings, and the outcome it must reach. One directive a line,
 * {@code #} comments; {@code docs/simulate.md} describes every directive. A bad line fails with the
 * file, the line and what was expected.
 *
 * @param days simulated days of traffic; the run ends when every message has its final outcome
 * @param timeScale simulated time per real time (1440: a day a minute), for Sluice and providers
 * @param options Sluice settings beyond the local stack's ({@code sluice.*} keys)
 * @param files Sluice settings that name a file shipped beside the scenario
 */
public record Scenario(
        String name,
        String description,
        int days,
        double timeScale,
        List<Traffic> traffic,
        List<Event> events,
        List<Expectation> expectations,
        Map<String, String> options,
        Map<String, String> files) {

    /** The scenarios shipped in the jar, in the order {@code --all} runs them. */
    public static final List<String> SHIPPED =
            List.of(
                    "new-ips",
                    "bad-tenant",
                    "ip-blocked",
                    "key-compromised",
                    "warmup",
                    "naive",
                    "campaign",
                    "campaign-unshaped");

    /** {@code sending-ips}: warm IPs from 127.0.0.10 (at most 10: .20 is the quarantine IP). */
    static final int FIRST_WARM_OCTET = 10;

    static final int MAX_WARM_IPS = 10;

    /** {@code sending-ips}: new IPs from 127.0.0.30. */
    static final int FIRST_NEW_OCTET = 30;

    static final int MAX_NEW_IPS = 20;

    static final String RESOURCES = "/io/sluice/simulate/scenarios/";

    /**
     * One tenant's mail: {@code perDay} messages a simulated day, spread over the day.
     *
     * @param unknown share of the list that does not exist (hard bounces)
     * @param complaining share of the list that reports marketing mail as spam
     * @param domains recipient domains, used in turn
     * @param growth the volume's growth per day (0.1: each day 10% more than the day before)
     * @param campaignHour the simulated hour of the day (0-23) at which the whole day's mail is
     *     submitted at once, as a campaign is; -1 to spread it evenly over the day's hours
     */
    public record Traffic(
            String tenant,
            int perDay,
            boolean marketing,
            double unknown,
            double complaining,
            List<String> domains,
            double growth,
            int campaignHour) {

        /** The tenant's mail on simulated day {@code day} (from 0): perDay grown day by day. */
        public int onDay(int day) {
            return (int) Math.round(perDay * Math.pow(1 + growth, day));
        }

        /** The tenant's mail in {@code hour} of {@code day}. */
        public int inHour(int day, int hour) {
            long n = onDay(day);
            if (campaignHour >= 0) {
                return hour == campaignHour ? (int) n : 0;
            }
            return (int) (n * (hour + 1) / 24 - n * hour / 24);
        }

        /** All the tenant's mail over {@code days} days. */
        public long total(int days) {
            long n = 0;
            for (int d = 0; d < days; d++) {
                n += onDay(d);
            }
            return n;
        }
    }

    /**
     * Something that happens to the world at a simulated time.
     *
     * @param reply for a block, the provider's reply ({@code {ip}} stands for the IP); null for its
     *     profile's block reply
     * @param domain for a DKIM rotation, the tenant's signing domain
     */
    public record Event(
            double day, String action, String ip, String provider, String reply, String domain) {}

    /**
     * A figure the run must reach: {@code delivered >= 99} (percent), {@code blocks = 0}, ...
     *
     * @param tenant the tenant the figure is computed for, or null for all mail
     */
    public record Expectation(String tenant, String metric, String op, double value, String text) {
        boolean holds(double actual) {
            return switch (op) {
                case ">=" -> actual >= value;
                case "<=" -> actual <= value;
                case ">" -> actual > value;
                case "<" -> actual < value;
                default -> Math.abs(actual - value) < 1e-9;
            };
        }
    }

    static final List<String> METRICS =
            List.of(
                    "delivered",
                    "inboxed",
                    "bounced",
                    "complaints",
                    "blocks",
                    "duplicates",
                    "lost",
                    "quarantined",
                    "over-quota",
                    "withdrawn-signed");

    private static final Pattern EXPECT =
            Pattern.compile("(?:([a-z0-9-]+)\\.)?([a-z-]+)\\s*(>=|<=|=|<|>)\\s*([0-9.]+)%?");

    /** A shipped scenario by name, or a scenario file by path. */
    public static Scenario load(String nameOrPath) {
        Path path = Path.of(nameOrPath);
        if (Files.isRegularFile(path)) {
            try {
                String name = path.getFileName().toString().replaceFirst("\\.scenario$", "");
                return parse(name, path.toString(), Files.readString(path));
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "scenario " + path + " cannot be read: " + e.getMessage(), e);
            }
        }
        try (InputStream in = resource(nameOrPath + ".scenario")) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no scenario \""
                                + nameOrPath
                                + "\" -- expected one of "
                                + SHIPPED
                                + " or a scenario file");
            }
            return parse(
                    nameOrPath,
                    nameOrPath + ".scenario",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read scenario " + nameOrPath, e);
        }
    }

    static InputStream resource(String file) {
        return Scenario.class.getResourceAsStream(RESOURCES + file);
    }

    public static Scenario parse(String name, String file, String content) {
        String description = "";
        int days = 1;
        double timeScale = 1440;
        List<Traffic> traffic = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        List<Expectation> expectations = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> files = new LinkedHashMap<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i].replaceFirst("\\s*#.*$", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split("\\s+");
            String rest = line.substring(w[0].length()).strip();
            switch (w[0]) {
                case "description" -> description = rest;
                case "days" -> days = (int) number(w, 1, file, n, "days N", 1, 365);
                case "time-scale" ->
                        timeScale = number(w, 1, file, n, "time-scale FACTOR", 1, 1_000_000);
                case "traffic" -> traffic.add(traffic(w, file, n));
                case "event" -> events.add(event(w, file, n));
                case "expect" -> expectations.add(expectation(rest, file, n));
                case "base" -> {
                    // Another scenario's world and traffic (not its description or
                    // expectations): a baseline runs exactly the traffic it compares against.
                    Scenario base = load(rest);
                    days = base.days();
                    timeScale = base.timeScale();
                    traffic.addAll(base.traffic());
                    events.addAll(base.events());
                    options.putAll(base.options());
                    files.putAll(base.files());
                }
                case "volume-scale" ->
                        options.put(
                                "sluice.volume-scale",
                                Double.toString(
                                        number(w, 1, file, n, "volume-scale DIVISOR", 1, 10_000)));
                case "sending-ips" -> sendingIps(w, file, n, options);
                case "option", "file" -> {
                    if (w.length != 3 || !w[1].startsWith("sluice.")) {
                        throw new ScenarioFileException(
                                file,
                                n,
                                "\"" + line + "\" -- expected " + w[0] + " sluice.KEY VALUE");
                    }
                    (w[0].equals("option") ? options : files).put(w[1], w[2]);
                }
                default ->
                        throw new ScenarioFileException(
                                file,
                                n,
                                "\""
                                        + w[0]
                                        + "\" -- expected description, base, days, time-scale,"
                                        + " volume-scale, sending-ips, traffic, event, expect,"
                                        + " option or file");
            }
        }
        if (traffic.isEmpty()) {
            throw new ScenarioFileException(file, lines.length, "no traffic line -- expected one");
        }
        return new Scenario(
                name,
                description,
                days,
                timeScale,
                List.copyOf(traffic),
                List.copyOf(events),
                List.copyOf(expectations),
                Map.copyOf(options),
                Map.copyOf(files));
    }

    /**
     * {@code sending-ips [W warm] [N new]}: the shared pool is W warm IPs from 127.0.0.10, which
     * the providers know as established senders, and N new ones from 127.0.0.30, listed in
     * sluice.reputation.new-ips; the quarantine pool keeps 127.0.0.20.
     */
    private static void sendingIps(String[] w, String file, int n, Map<String, String> options) {
        String form = "sending-ips [W warm] [N new] (W from 0 to 10, N from 0 to 20)";
        int warm = 0;
        int fresh = 0;
        boolean ok = w.length == 3 || w.length == 5;
        for (int k = 1; ok && k + 1 < w.length; k += 2) {
            ok = w[k].matches("\\d{1,2}");
            if (ok && w[k + 1].equals("warm") && warm == 0) {
                warm = Integer.parseInt(w[k]);
                ok = warm <= MAX_WARM_IPS;
            } else if (ok && w[k + 1].equals("new") && fresh == 0) {
                fresh = Integer.parseInt(w[k]);
                ok = fresh <= MAX_NEW_IPS;
            } else {
                ok = false;
            }
        }
        if (!ok || warm + fresh == 0) {
            throw new ScenarioFileException(
                    file, n, "\"" + String.join(" ", w) + "\" -- expected " + form);
        }
        List<String> entries = new ArrayList<>();
        List<String> warmIps = new ArrayList<>();
        List<String> newIps = new ArrayList<>();
        for (int k = 0; k < warm; k++) {
            warmIps.add("127.0.0." + (FIRST_WARM_OCTET + k));
        }
        for (int k = 0; k < fresh; k++) {
            newIps.add("127.0.0." + (FIRST_NEW_OCTET + k));
        }
        for (String ip : concat(warmIps, newIps)) {
            String octet = ip.substring(ip.lastIndexOf('.') + 1);
            entries.add("shared/" + ip + "/mta" + octet + ".sluice.test");
        }
        entries.add("quarantine/127.0.0.20/mta20.sluice.test");
        options.put("sluice.sending-ips", String.join(";", entries));
        if (!newIps.isEmpty()) {
            options.put("sluice.reputation.new-ips", String.join(";", newIps));
        }
        if (!warmIps.isEmpty()) {
            options.put("sluice.local.provider-established-ips", String.join(";", warmIps));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Traffic traffic(String[] w, String file, int n) {
        String form =
                "traffic TENANT N/day [marketing|transactional] [unknown=P%] [complaining=P%]"
                        + " [domains=a,b,...] [growth=P%/day] [campaign=HOUR]";
        if (w.length < 3 || !w[1].matches("[a-z][a-z0-9-]*") || !w[2].matches("\\d+/day")) {
            throw new ScenarioFileException(
                    file, n, "\"" + String.join(" ", w) + "\" -- expected " + form);
        }
        int perDay = Integer.parseInt(w[2].substring(0, w[2].indexOf('/')));
        boolean marketing = true;
        double unknown = 0;
        double complaining = 0;
        List<String> domains = List.of("gmail.com", "outlook.com", "yahoo.com");
        double growth = 0;
        int campaignHour = -1;
        for (int k = 3; k < w.length; k++) {
            String word = w[k];
            if (word.equals("marketing") || word.equals("transactional")) {
                marketing = word.equals("marketing");
            } else if (word.startsWith("unknown=")) {
                unknown = share(word, file, n);
            } else if (word.startsWith("complaining=")) {
                complaining = share(word, file, n);
            } else if (word.startsWith("growth=")) {
                if (!word.matches("growth=\\d+(\\.\\d+)?%/day")) {
                    throw new ScenarioFileException(
                            file, n, "\"" + word + "\" -- expected a growth like growth=12%/day");
                }
                growth = Double.parseDouble(word.substring(7, word.indexOf('%'))) / 100;
            } else if (word.startsWith("campaign=")) {
                String h = word.substring(9);
                if (!h.matches("\\d{1,2}") || Integer.parseInt(h) > 23) {
                    throw new ScenarioFileException(
                            file,
                            n,
                            "\"" + word + "\" -- expected campaign=HOUR, an hour from 0 to 23");
                }
                campaignHour = Integer.parseInt(h);
            } else if (word.startsWith("domains=")) {
                domains = List.of(word.substring(8).toLowerCase(Locale.ROOT).split(","));
            } else {
                throw new ScenarioFileException(file, n, "\"" + word + "\" -- expected " + form);
            }
        }
        return new Traffic(
                w[1], perDay, marketing, unknown, complaining, domains, growth, campaignHour);
    }

    private static Event event(String[] w, String file, int n) {
        String form =
                "event DAY block-ip|unblock-ip IP PROVIDER [REPLY] or event DAY rotate-dkim"
                        + " DOMAIN";
        if (w.length == 4 && w[1].matches("\\d+(\\.\\d+)?") && w[2].equals("rotate-dkim")) {
            if (!w[3].matches("[a-z0-9.-]+\\.[a-z]+")) {
                throw new ScenarioFileException(
                        file, n, "\"" + w[3] + "\" -- expected a signing domain");
            }
            return new Event(Double.parseDouble(w[1]), w[2], null, null, null, w[3]);
        }
        if (w.length < 5
                || (w.length > 5 && !w[5].matches("[45]\\d\\d"))
                || !w[1].matches("\\d+(\\.\\d+)?")
                || !(w[2].equals("block-ip") || w[2].equals("unblock-ip"))
                || !w[3].matches("[0-9.]+")) {
            throw new ScenarioFileException(
                    file, n, "\"" + String.join(" ", w) + "\" -- expected " + form);
        }
        String reply =
                w.length > 5
                        ? String.join(" ", java.util.Arrays.copyOfRange(w, 5, w.length))
                        : null;
        return new Event(Double.parseDouble(w[1]), w[2], w[3], w[4], reply, null);
    }

    private static Expectation expectation(String rest, String file, int n) {
        Matcher m = EXPECT.matcher(rest.replace(" ", ""));
        if (!m.matches() || !METRICS.contains(m.group(2))) {
            throw new ScenarioFileException(
                    file,
                    n,
                    "\"expect "
                            + rest
                            + "\" -- expected [TENANT.]METRIC OP NUMBER, METRIC one of "
                            + METRICS);
        }
        return new Expectation(
                m.group(1), m.group(2), m.group(3), Double.parseDouble(m.group(4)), rest);
    }

    private static double share(String word, String file, int n) {
        String v = word.substring(word.indexOf('=') + 1);
        if (!v.matches("\\d+(\\.\\d+)?%")) {
            throw new ScenarioFileException(
                    file, n, "\"" + word + "\" -- expected a share like 10%");
        }
        return Double.parseDouble(v.substring(0, v.length() - 1)) / 100;
    }

    private static double number(
            String[] w, int k, String file, int n, String form, double min, double max) {
        try {
            double v = Double.parseDouble(w[k]);
            if (w.length == k + 1 && v >= min && v <= max) {
                return v;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new ScenarioFileException(
                file,
                n,
                "\""
                        + String.join(" ", w)
                        + "\" -- expected "
                        + form
                        + " ("
                        + min
                        + " to "
                        + max
                        + ")");
    }

    /** A scenario file's line that cannot be read, with its place. */
    public static final class ScenarioFileException extends IllegalArgumentException {
        public ScenarioFileException(String file, int line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }
}
