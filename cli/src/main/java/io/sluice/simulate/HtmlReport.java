package io.sluice.simulate;

import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.sim.truth.Delivery;
import io.sluice.sim.truth.Refusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of one or more runs: one HTML file with inline SVG charts and no script or network
 * resource, so it opens anywhere. Runs side by side first (the summary lines and expectations),
 * then per run: mail accepted per hour per provider, deferral and bounce rates, each IP's standing
 * with each provider, volume per IP per day against its warm-up quota, and every control decision
 * with its reason.
 */
public final class HtmlReport {

    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf"
    };

    private HtmlReport() {}

    public static void write(Path file, List<SimulationRunner.Run> runs) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Sluice simulation report</title><style>")
                .append(
                        "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append(
                        "table{border-collapse:collapse;margin:1em 0;display:block;overflow-x:auto;")
                .append("max-width:100%}td,th{border:1px solid #ccc;")
                .append("padding:4px 8px;text-align:right}th{background:#f4f4f4}")
                .append("td.l,th.l{text-align:left}.pass{color:#2ca02c}.fail{color:#d62728}")
                .append("code{background:#f4f4f4;padding:2px 4px}h2{border-top:2px solid #ddd;")
                .append("padding-top:1em}svg{background:#fff;border:1px solid #eee}")
                .append("</style></head><body><h1>Sluice simulation report</h1>");
        h.append("<p>Figures are counted from the simulated providers' ground truth (what they")
                .append(" accepted, refused and filed), not from Sluice's own counters.</p>");
        h.append("<table><tr><th class=l>scenario</th><th>messages</th><th>delivered</th>")
                .append("<th>inboxed</th><th>bounced</th><th>complaints</th><th>blocks</th>")
                .append("<th>duplicates</th><th>lost</th><th>days</th><th>took</th>")
                .append("<th class=l>expectations</th></tr>");
        for (SimulationRunner.Run r : runs) {
            Figures f = r.all();
            h.append("<tr><td class=l><a href=\"#")
                    .append(esc(r.scenario().name()))
                    .append("\">")
                    .append(esc(r.scenario().name()))
                    .append("</a></td>");
            cells(h, f);
            h.append("<td>").append(r.took().toSeconds()).append(" s</td><td class=l>");
            h.append(
                    r.passed()
                            ? "<span class=pass>all met</span>"
                            : "<span class=fail>unmet: "
                                    + esc(String.join("; ", r.unmet()))
                                    + "</span>");
            h.append("</td></tr>");
        }
        h.append("</table>");
        comparisons(h, runs);
        for (SimulationRunner.Run r : runs) {
            run(h, r);
        }
        h.append("</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    /**
     * Runs of the same traffic (a baseline made with {@code base}, e.g. warmup and naive) side by
     * side: their figures in one table, inbox placement and blocks per simulated day in one chart
     * each, the new IPs' daily volume against the warm-up quota, and each IP's fate in each run.
     */
    static void comparisons(StringBuilder h, List<SimulationRunner.Run> runs) {
        List<SimulationRunner.Run> done = new ArrayList<>();
        for (SimulationRunner.Run a : runs) {
            if (done.contains(a)) {
                continue;
            }
            List<SimulationRunner.Run> same = new ArrayList<>();
            for (SimulationRunner.Run b : runs) {
                if (b.scenario().traffic().equals(a.scenario().traffic())
                        && b.scenario().days() == a.scenario().days()) {
                    same.add(b);
                }
            }
            done.addAll(same);
            if (same.size() > 1) {
                sideBySide(h, same);
            }
        }
    }

    private static void sideBySide(StringBuilder h, List<SimulationRunner.Run> runs) {
        List<String> names = runs.stream().map(r -> r.scenario().name()).toList();
        h.append("<h2 id=\"side-by-side\">Side by side: ")
                .append(esc(String.join(" vs ", names)))
                .append("</h2><p>The same traffic (")
                .append(esc(traffic(runs.get(0).scenario())))
                .append(") with different Sluice settings: ");
        List<String> settings = new ArrayList<>();
        for (SimulationRunner.Run r : runs) {
            List<String> off = new ArrayList<>();
            r.scenario()
                    .options()
                    .forEach(
                            (k, v) -> {
                                if (k.endsWith(".enabled") && v.equals("false")) {
                                    off.add(k);
                                }
                            });
            settings.add(
                    "<b>"
                            + esc(r.scenario().name())
                            + "</b> "
                            + (off.isEmpty()
                                    ? "with shaping, warm-up and reputation"
                                    : "with " + esc(String.join(", ", off)) + " false"));
        }
        h.append(String.join("; ", settings)).append(".</p>");

        h.append("<table><tr><th class=l>figure</th>");
        for (String n : names) {
            h.append("<th>").append(esc(n)).append("</th>");
        }
        h.append("</tr>");
        row(h, "messages", runs, r -> Long.toString(r.all().messages()));
        row(h, "delivered", runs, r -> pctText(r.all().deliveredPercent()));
        row(h, "inboxed (of delivered)", runs, r -> pctText(r.all().inboxedPercent()));
        row(h, "bounced", runs, r -> pctText(r.all().bouncedPercent()));
        row(h, "blocks (refusals)", runs, r -> Long.toString(r.all().blocks()));
        row(h, "rate-limited or throttled (refusals)", runs, r -> Long.toString(limited(r, null)));
        row(h, "lost", runs, r -> Long.toString(r.all().lost()));
        row(h, "duplicates", runs, r -> Long.toString(r.all().duplicates()));
        row(h, "days to the last outcome", runs, r -> fmt(r.all().days()));
        h.append("</table>");

        int days = runs.get(0).scenario().days();
        int hours = days * 24;
        for (SimulationRunner.Run r : runs) {
            hours = Math.max(hours, hours(r));
        }
        Map<String, double[]> inbox = new java.util.LinkedHashMap<>();
        Map<String, double[]> blocks = new java.util.LinkedHashMap<>();
        Map<String, double[]> fresh = new java.util.LinkedHashMap<>();
        for (SimulationRunner.Run r : runs) {
            String n = r.scenario().name();
            List<String> newIps = newIps(r);
            double[] accepted = new double[hours];
            double[] inboxed = new double[hours];
            double[] blocked = new double[hours];
            double[] fromNew = new double[hours];
            for (Delivery d : r.deliveries()) {
                int day = dayOf(r.simHours(d.at()), hours);
                accepted[day]++;
                if (d.folder() == io.sluice.sim.policy.Folder.INBOX) {
                    inboxed[day]++;
                }
                if (newIps.contains(d.clientIp())) {
                    fromNew[day]++;
                }
            }
            for (Refusal x : r.refusals()) {
                if (x.reason().equals("blocked")) {
                    blocked[dayOf(r.simHours(x.at()), hours)]++;
                }
            }
            inbox.put(n + ": inboxed % of accepted", perHour(ratio(inboxed, accepted), hours));
            blocks.put(n + ": block refusals", perHour(blocked, hours));
            fresh.put(n + ": accepted from the new IPs", perHour(fromNew, hours));
            if (!r.quotaDays().isEmpty()) {
                double[] quota = new double[hours];
                long dayMillis =
                        new io.sluice.delivery.TimeScale(r.scenario().timeScale()).day().toMillis();
                for (SimulationRunner.QuotaDay q : r.quotaDays()) {
                    if (newIps.contains(q.ip())) {
                        double at =
                                r.simHoursOfReal(
                                        java.time.Instant.ofEpochMilli(q.day() * dayMillis));
                        quota[dayOf(Math.max(0, at), hours)] += q.quota();
                    }
                }
                fresh.put(n + ": warm-up quota of the new IPs (all sites)", perHour(quota, hours));
            }
        }
        chart(
                h,
                "Inbox placement per simulated day (% of the mail accepted that day)",
                inbox,
                hours,
                "%");
        chart(h, "Block refusals per simulated day", blocks, hours, "");
        chart(
                h,
                "The new IPs: mail accepted per simulated day, against their warm-up quota",
                fresh,
                hours,
                "");

        java.util.Set<String> ips = new java.util.TreeSet<>();
        runs.forEach(r -> r.deliveries().forEach(d -> ips.add(d.clientIp())));
        runs.forEach(r -> r.refusals().forEach(x -> ips.add(x.clientIp())));
        h.append("<h3>Each sending IP in each run</h3><table><tr><th class=l>IP</th>");
        for (String n : names) {
            h.append("<th>")
                    .append(esc(n))
                    .append(": accepted</th><th>inbox</th><th>rate-limited</th><th>blocks</th>");
        }
        h.append("<th class=l>highest warm-up quota</th></tr>");
        for (String ip : ips) {
            h.append("<tr><td class=l>").append(esc(ip));
            if (newIps(runs.get(0)).contains(ip)) {
                h.append(" (new)");
            }
            h.append("</td>");
            String highest = "";
            for (SimulationRunner.Run r : runs) {
                long accepted = 0;
                long inboxed = 0;
                for (Delivery d : r.deliveries()) {
                    if (d.clientIp().equals(ip)) {
                        accepted++;
                        if (d.folder() == io.sluice.sim.policy.Folder.INBOX) {
                            inboxed++;
                        }
                    }
                }
                long blocked =
                        r.refusals().stream()
                                .filter(x -> x.clientIp().equals(ip))
                                .filter(x -> x.reason().equals("blocked"))
                                .count();
                h.append("<td>").append(accepted).append("</td>");
                h.append(pct(Figures.percent(inboxed, accepted)));
                h.append("<td>").append(limited(r, ip)).append("</td>");
                h.append(blocked > 0 ? "<td class=fail>" : "<td>").append(blocked).append("</td>");
                Map<String, Long> quota = new TreeMap<>();
                for (ControlEvent c : r.controls()) {
                    if (c.getType() == ControlType.WARMUP_QUOTA
                            && c.getQuotaPerDay() != null
                            && ip.equals(String.valueOf(c.getSendingIp()))
                            && c.getSite() != null) {
                        quota.merge(String.valueOf(c.getSite()), c.getQuotaPerDay(), Math::max);
                    }
                }
                if (!quota.isEmpty()) {
                    List<String> parts = new ArrayList<>();
                    quota.forEach((site, q) -> parts.add(site + " " + q));
                    highest = r.scenario().name() + ": " + String.join(", ", parts) + "/day";
                }
            }
            h.append("<td class=l>").append(esc(highest)).append("</td></tr>");
        }
        h.append("</table>");
    }

    private static String traffic(Scenario sc) {
        List<String> parts = new ArrayList<>();
        for (Scenario.Traffic t : sc.traffic()) {
            parts.add(
                    t.tenant()
                            + " "
                            + t.perDay()
                            + "/day"
                            + (t.growth() > 0
                                    ? String.format(Locale.ROOT, " +%.0f%%/day", 100 * t.growth())
                                    : "")
                            + (t.campaignHour() >= 0 ? " at " + t.campaignHour() + ":00" : ""));
        }
        return String.join(", ", parts) + ", " + sc.days() + " days";
    }

    private static List<String> newIps(SimulationRunner.Run r) {
        String v = r.scenario().options().get("sluice.reputation.new-ips");
        return v == null ? List.of() : List.of(v.split("\\s*;\\s*"));
    }

    /** Refusals for rate (over the IP's rate, or throttled for reputation), of one IP or all. */
    private static long limited(SimulationRunner.Run r, String ip) {
        return r.refusals().stream()
                .filter(x -> ip == null || x.clientIp().equals(ip))
                .filter(
                        x ->
                                x.reason()
                                                .equals(
                                                        io.sluice.sim.profile.ReplyKind.RATE_LIMITED
                                                                .key())
                                        || x.reason()
                                                .equals(
                                                        io.sluice.sim.profile.ReplyKind.THROTTLED
                                                                .key()))
                .count();
    }

    private static int dayOf(double simHours, int hours) {
        return Math.min((hours - 1) / 24, Math.max(0, (int) (simHours / 24)));
    }

    /** A value per day drawn over the day's hours, so the hour-based chart shows days as steps. */
    private static double[] perHour(double[] perDay, int hours) {
        double[] out = new double[hours];
        for (int i = 0; i < hours; i++) {
            out[i] = perDay[i / 24];
        }
        return out;
    }

    private static void row(
            StringBuilder h,
            String label,
            List<SimulationRunner.Run> runs,
            java.util.function.Function<SimulationRunner.Run, String> value) {
        h.append("<tr><td class=l>").append(esc(label)).append("</td>");
        for (SimulationRunner.Run r : runs) {
            h.append("<td>").append(esc(value.apply(r))).append("</td>");
        }
        h.append("</tr>");
    }

    private static String pctText(double v) {
        return String.format(Locale.ROOT, "%.2f%%", v);
    }

    private static void cells(StringBuilder h, Figures f) {
        h.append("<td>").append(f.messages()).append("</td>");
        h.append(pct(f.deliveredPercent())).append(pct(f.inboxedPercent()));
        h.append(pct(f.bouncedPercent())).append(pct(f.complaintsPercent()));
        h.append("<td>").append(f.blocks()).append("</td><td>").append(f.duplicates());
        h.append("</td><td>").append(f.lost()).append("</td><td>");
        h.append(String.format(Locale.ROOT, "%.1f", f.days())).append("</td>");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "<td>%.2f%%</td>", v);
    }

    private static void run(StringBuilder h, SimulationRunner.Run r) {
        Scenario sc = r.scenario();
        h.append("<h2 id=\"").append(esc(sc.name())).append("\">").append(esc(sc.name()));
        h.append("</h2><p>").append(esc(sc.description())).append("</p>");
        h.append("<p><code>").append(esc(r.all().line(sc.name()))).append("</code></p>");
        h.append(
                String.format(
                        Locale.ROOT,
                        "<p>%d simulated days of traffic at %.0fx (a simulated day is %.1f s here);"
                                + " the run took %d s.</p>",
                        sc.days(),
                        sc.timeScale(),
                        86_400 / sc.timeScale(),
                        r.took().toSeconds()));
        h.append("<table><tr><th class=l>tenant</th><th>messages</th><th>delivered</th>")
                .append("<th>inboxed</th><th>bounced</th><th>complaints</th><th>blocks</th>")
                .append("<th>duplicates</th><th>lost</th><th>days</th><th>quarantined</th></tr>");
        r.byTenant()
                .forEach(
                        (tenant, f) -> {
                            h.append("<tr><td class=l>").append(esc(tenant)).append("</td>");
                            cells(h, f);
                            h.append("<td>").append(f.quarantined() > 0 ? "yes" : "no");
                            h.append("</td></tr>");
                        });
        h.append("</table>");

        int hours = hours(r);
        Map<String, double[]> perProvider = new TreeMap<>();
        for (Delivery d : r.deliveries()) {
            bump(perProvider, d.provider(), hourOf(r.simHours(d.at()), hours), hours);
        }
        chart(h, "Messages accepted per simulated hour, per provider", perProvider, hours, "");

        double[] attempts = new double[hours];
        double[] deferred = new double[hours];
        double[] bounced = new double[hours];
        for (DeliveryEvent e : r.events()) {
            DeliveryEventType t = e.getType();
            if (t != DeliveryEventType.DELIVERED
                    && t != DeliveryEventType.DEFERRED
                    && t != DeliveryEventType.BOUNCED) {
                continue;
            }
            int i = hourOf(r.simHoursOfReal(e.getOccurredAt()), hours);
            attempts[i]++;
            if (t == DeliveryEventType.DEFERRED) {
                deferred[i]++;
            } else if (t == DeliveryEventType.BOUNCED) {
                bounced[i]++;
            }
        }
        Map<String, double[]> rates = new TreeMap<>();
        rates.put("deferred % of attempts", ratio(deferred, attempts));
        rates.put("bounced % of attempts", ratio(bounced, attempts));
        chart(
                h,
                "Deferral and bounce rates per simulated hour (Sluice's attempts)",
                rates,
                hours,
                "%");

        Map<String, double[]> refused = new TreeMap<>();
        for (Refusal x : r.refusals()) {
            bump(refused, x.reason(), hourOf(r.simHours(x.at()), hours), hours);
        }
        chart(h, "Refusals per simulated hour, by the providers' reason", refused, hours, "");

        Map<String, double[]> standing = new TreeMap<>();
        for (SimulationRunner.Standing s : r.standings()) {
            if (s.simHour() < hours && sentTo(r, s.provider(), s.ip())) {
                standing.computeIfAbsent(s.provider() + " " + s.ip(), k -> unsampled(hours))[
                                s.simHour()] =
                        s.score();
            }
        }
        chart(h, "Each provider's reputation of each sending IP (0-100)", standing, hours, "");

        ipVolumes(h, r);
        decisions(h, r);
    }

    /** A series of hours with no sample yet: a gap in the chart until one comes, not 0. */
    private static double[] unsampled(int hours) {
        double[] v = new double[hours];
        java.util.Arrays.fill(v, Double.NaN);
        return v;
    }

    /** Whether the IP sent to the provider at all: only those pairs are charted. */
    private static boolean sentTo(SimulationRunner.Run r, String provider, String ip) {
        return r.deliveries().stream()
                .anyMatch(d -> d.provider().equals(provider) && d.clientIp().equals(ip));
    }

    /** Accepted mail per IP per simulated day against the warm-up quota in force that day. */
    private static void ipVolumes(StringBuilder h, SimulationRunner.Run r) {
        int days = Math.max(1, (int) Math.ceil(hours(r) / 24.0));
        Map<String, long[]> perIp = new TreeMap<>();
        for (Delivery d : r.deliveries()) {
            int day = Math.min(days - 1, Math.max(0, (int) (r.simHours(d.at()) / 24)));
            perIp.computeIfAbsent(d.clientIp(), k -> new long[days])[day]++;
        }
        Map<String, Long> quota = new TreeMap<>();
        for (ControlEvent c : r.controls()) {
            if (c.getType() == ControlType.WARMUP_QUOTA && c.getQuotaPerDay() != null) {
                quota.merge(
                        c.getSendingIp() + (c.getSite() == null ? "" : " at " + c.getSite()),
                        c.getQuotaPerDay(),
                        Math::max);
            }
        }
        h.append("<h3>Mail accepted per sending IP per simulated day</h3><table><tr>");
        h.append("<th class=l>IP</th>");
        for (int d = 0; d < days; d++) {
            h.append("<th>day ").append(d + 1).append("</th>");
        }
        h.append("</tr>");
        perIp.forEach(
                (ip, v) -> {
                    h.append("<tr><td class=l>").append(esc(ip)).append("</td>");
                    for (long n : v) {
                        h.append("<td>").append(n).append("</td>");
                    }
                    h.append("</tr>");
                });
        h.append("</table>");
        if (!r.quotaDays().isEmpty()) {
            quotaDays(h, r.quotaDays());
        } else if (!quota.isEmpty()) {
            h.append("<p>Highest warm-up quota given (messages a day): ");
            List<String> parts = new ArrayList<>();
            quota.forEach((k, v) -> parts.add(esc(k) + " " + v));
            h.append(String.join(", ", parts)).append("</p>");
        }
    }

    /**
     * One row per warming IP and site, one column per quota day: accepted / quota, marked where the
     * IP went over (a 30-day warm-up of 10 IPs at 3 sites would otherwise be 900 rows).
     */
    static void quotaDays(StringBuilder h, List<SimulationRunner.QuotaDay> quotaDays) {
        long firstDay = quotaDays.stream().mapToLong(q -> q.day()).min().orElse(0);
        int days =
                (int) (quotaDays.stream().mapToLong(q -> q.day()).max().orElse(0) - firstDay + 1);
        Map<String, SimulationRunner.QuotaDay[]> rows = new TreeMap<>();
        for (SimulationRunner.QuotaDay q : quotaDays) {
            rows.computeIfAbsent(
                                    q.ip() + "\t" + q.site(),
                                    k -> new SimulationRunner.QuotaDay[days])[
                            (int) (q.day() - firstDay)] =
                    q;
        }
        long over = quotaDays.stream().filter(SimulationRunner.QuotaDay::over).count();
        h.append("<h3>Warming IPs: mail accepted per site and quota day, against the quota</h3>");
        h.append("<p>Each cell is accepted / quota; ")
                .append(
                        over == 0
                                ? "no IP went over its quota on any day"
                                : over + (over == 1 ? " day" : " days") + " over a quota")
                .append(" (")
                .append(quotaDays.size())
                .append(" quota days).</p>");
        h.append("<table><tr><th class=l>IP</th><th class=l>site</th>");
        for (int d = 0; d < days; d++) {
            h.append("<th>day ").append(d + 1).append("</th>");
        }
        h.append("</tr>");
        rows.forEach(
                (key, cells) -> {
                    String[] ipSite = key.split("\t", 2);
                    h.append("<tr><td class=l>").append(esc(ipSite[0])).append("</td>");
                    h.append("<td class=l>").append(esc(ipSite[1])).append("</td>");
                    for (SimulationRunner.QuotaDay q : cells) {
                        if (q == null) {
                            h.append("<td></td>");
                        } else {
                            h.append(q.over() ? "<td class=fail>" : "<td>")
                                    .append(q.accepted())
                                    .append('/')
                                    .append(q.quota())
                                    .append("</td>");
                        }
                    }
                    h.append("</tr>");
                });
        h.append("</table>");
    }

    private static void decisions(StringBuilder h, SimulationRunner.Run r) {
        h.append("<h3>Control decisions (isolation, pauses, blocks, warm-up steps)</h3>");
        List<ControlEvent> shown = new ArrayList<>(r.controls());
        if (shown.isEmpty()) {
            h.append("<p>None: no IP, site or tenant needed a decision.</p>");
            return;
        }
        h.append("<table><tr><th>sim. hour</th><th class=l>decision</th><th class=l>scope</th>")
                .append("<th class=l>by</th><th class=l>reason</th></tr>");
        for (ControlEvent c : shown) {
            String what =
                    c.getType()
                            + (c.getIpStatus() != null ? " " + c.getIpStatus() : "")
                            + (c.getTenantStatus() != null ? " " + c.getTenantStatus() : "")
                            + (c.getIpPool() != null ? " pool " + c.getIpPool() : "")
                            + (c.getQuotaPerDay() != null ? " " + c.getQuotaPerDay() + "/day" : "");
            String scope =
                    (c.getTenant() != null ? "tenant " + c.getTenant() + " " : "")
                            + (c.getSendingIp() != null ? "ip " + c.getSendingIp() + " " : "")
                            + (c.getSite() != null ? "site " + c.getSite() : "")
                            + (c.getDkim() != null
                                    ? "selector "
                                            + c.getDkim().getSelector()
                                            + " of "
                                            + c.getDkim().getDomain()
                                            + " "
                                            + c.getDkim().getAction()
                                    : "");
            h.append(
                    String.format(
                            Locale.ROOT,
                            "<tr><td>%.1f</td><td class=l>%s</td><td class=l>%s</td><td class=l>%s</td>"
                                    + "<td class=l>%s</td></tr>",
                            r.simHoursOfReal(c.getIssuedAt()),
                            esc(what),
                            esc(scope.strip()),
                            esc(String.valueOf(c.getIssuedBy())),
                            esc(String.valueOf(c.getReason()))));
        }
        h.append("</table>");
    }

    private static int hours(SimulationRunner.Run r) {
        double last = r.scenario().days() * 24;
        for (Delivery d : r.deliveries()) {
            last = Math.max(last, r.simHours(d.at()));
        }
        return (int) Math.min(24 * 60, Math.ceil(last) + 1);
    }

    private static int hourOf(double simHours, int hours) {
        return (int) Math.min(hours - 1, Math.max(0, Math.floor(simHours)));
    }

    private static void bump(Map<String, double[]> series, String key, int i, int hours) {
        series.computeIfAbsent(key, k -> new double[hours])[i]++;
    }

    /** Percent of {@code whole}; NaN (no point, a gap in the chart) where there is no whole. */
    private static double[] ratio(double[] part, double[] whole) {
        double[] out = new double[part.length];
        for (int i = 0; i < part.length; i++) {
            out[i] = whole[i] == 0 ? Double.NaN : 100 * part[i] / whole[i];
        }
        return out;
    }

    /** A line chart of series over simulated hours, as inline SVG with a legend. */
    static void chart(
            StringBuilder h, String title, Map<String, double[]> series, int hours, String unit) {
        h.append("<h3>").append(esc(title)).append("</h3>");
        if (series.isEmpty()) {
            h.append("<p>Nothing to show.</p>");
            return;
        }
        int w = 1000;
        int ht = 260;
        int left = 50;
        int bottom = 30;
        double max = 0;
        for (double[] v : series.values()) {
            for (double x : v) {
                if (!Double.isNaN(x)) {
                    max = Math.max(max, x);
                }
            }
        }
        max = max == 0 ? 1 : niceCeiling(max);
        double dx = (w - left - 10) / (double) Math.max(1, hours - 1);
        double plotH = ht - bottom - 10;
        h.append("<svg width=\"")
                .append(w)
                .append("\" height=\"")
                .append(ht)
                .append("\" role=\"img\" aria-label=\"")
                .append(esc(title))
                .append("\">");
        for (int g = 0; g <= 4; g++) {
            double y = 10 + plotH * g / 4;
            h.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s%s</text>",
                            left,
                            y,
                            w - 10,
                            y,
                            left - 4,
                            y + 4,
                            fmt(max * (4 - g) / 4),
                            unit));
        }
        int step = hours <= 48 ? 6 : hours <= 24 * 10 ? 24 : 24 * 5;
        for (int x = 0; x < hours; x += step) {
            h.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                            left + x * dx,
                            ht - 12,
                            x % 24 == 0 ? "day " + (x / 24 + 1) : "h" + x));
        }
        int c = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String colour = COLOURS[c++ % COLOURS.length];
            // One polyline per stretch of values: an hour with no value (NaN: nothing to take a
            // share of) is a gap, not a fall to zero.
            List<String> segments = new java.util.ArrayList<>();
            StringBuilder pts = new StringBuilder();
            double[] v = e.getValue();
            for (int i = 0; i <= Math.min(hours, v.length); i++) {
                if (i == Math.min(hours, v.length) || Double.isNaN(v[i])) {
                    if (pts.length() > 0) {
                        segments.add(pts.toString().strip());
                        pts.setLength(0);
                    }
                    continue;
                }
                pts.append(
                        String.format(
                                Locale.ROOT,
                                "%.1f,%.1f ",
                                left + i * dx,
                                10 + plotH * (1 - v[i] / max)));
            }
            for (String segment : segments) {
                h.append("<polyline fill=\"none\" stroke=\"")
                        .append(colour)
                        .append("\" stroke-width=\"1.5\" points=\"")
                        .append(segment)
                        .append("\"><title>")
                        .append(esc(e.getKey()))
                        .append("</title></polyline>");
            }
        }
        h.append("</svg><p>");
        c = 0;
        for (String name : series.keySet()) {
            h.append("<span style=\"color:")
                    .append(COLOURS[c++ % COLOURS.length])
                    .append("\">&#9632;</span> ")
                    .append(esc(name))
                    .append(" &nbsp; ");
        }
        h.append("</p>");
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
