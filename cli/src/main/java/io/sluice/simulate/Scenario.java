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
            List.of("new-ips", "bad-tenant", "ip-blocked", "key-compromised");

    static final String RESOURCES = "/io/sluice/simulate/scenarios/";

    /**
     * One tenant's mail: {@code perDay} messages a simulated day, spread over the day.
     *
     * @param unknown share of the list that does not exist (hard bounces)
     * @param complaining share of the list that reports marketing mail as spam
     * @param domains recipient domains, used in turn
     */
    public record Traffic(
            String tenant,
            int perDay,
            boolean marketing,
            double unknown,
            double complaining,
            List<String> domains) {}

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
                                        + "\" -- expected description, days, time-scale, traffic,"
                                        + " event, expect, option or file");
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

    private static Traffic traffic(String[] w, String file, int n) {
        String form =
                "traffic TENANT N/day [marketing|transactional] [unknown=P%] [complaining=P%]"
                        + " [domains=a,b,...]";
        if (w.length < 3 || !w[1].matches("[a-z][a-z0-9-]*") || !w[2].matches("\\d+/day")) {
            throw new ScenarioFileException(
                    file, n, "\"" + String.join(" ", w) + "\" -- expected " + form);
        }
        int perDay = Integer.parseInt(w[2].substring(0, w[2].indexOf('/')));
        boolean marketing = true;
        double unknown = 0;
        double complaining = 0;
        List<String> domains = List.of("gmail.com", "outlook.com", "yahoo.com");
        for (int k = 3; k < w.length; k++) {
            String word = w[k];
            if (word.equals("marketing") || word.equals("transactional")) {
                marketing = word.equals("marketing");
            } else if (word.startsWith("unknown=")) {
                unknown = share(word, file, n);
            } else if (word.startsWith("complaining=")) {
                complaining = share(word, file, n);
            } else if (word.startsWith("domains=")) {
                domains = List.of(word.substring(8).toLowerCase(Locale.ROOT).split(","));
            } else {
                throw new ScenarioFileException(file, n, "\"" + word + "\" -- expected " + form);
            }
        }
        return new Traffic(w[1], perDay, marketing, unknown, complaining, domains);
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
