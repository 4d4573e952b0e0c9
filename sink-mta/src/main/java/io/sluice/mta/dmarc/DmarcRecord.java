package io.sluice.mta.dmarc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A DMARC policy record (RFC 7489 section 6.3). Unknown tags are ignored (6.3); a bad value for a
 * known tag makes the record invalid.
 *
 * @param subdomainPolicy sp=, absent when the record does not set it (p applies then)
 * @param percent pct=, 0..100: the share of failing mail the policy applies to
 */
public record DmarcRecord(
        DmarcPolicy policy,
        Optional<DmarcPolicy> subdomainPolicy,
        Alignment dkimAlignment,
        Alignment spfAlignment,
        int percent,
        List<ReportUri> aggregateReports,
        List<ReportUri> failureReports,
        String failureOptions,
        long reportInterval) {

    public DmarcRecord {
        aggregateReports = List.copyOf(aggregateReports);
        failureReports = List.copyOf(failureReports);
    }

    /** True when {@code text} announces itself as DMARC (6.6.3 step 2: "v=DMARC1" first). */
    public static boolean isDmarc(String text) {
        return text.strip().matches("(?s)v\\s*=\\s*DMARC1\\s*(;.*)?");
    }

    public static DmarcRecord parse(String text) {
        if (text.isBlank()) {
            throw new DmarcRecordException(
                    DmarcRecordException.Problem.EMPTY, "empty DMARC record");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";")) {
            if (spec.isBlank()) {
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new DmarcRecordException(
                        DmarcRecordException.Problem.BAD_VALUE, "tag without '=': " + spec.strip());
            }
            String name = spec.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            tags.putIfAbsent(name, spec.substring(eq + 1).strip());
        }
        if (tags.isEmpty()
                || !tags.keySet().iterator().next().equals("v")
                || !"DMARC1".equals(tags.get("v"))) {
            throw new DmarcRecordException(
                    DmarcRecordException.Problem.BAD_VERSION,
                    "DMARC record must start with v=DMARC1: " + text.strip());
        }
        String p = tags.get("p");
        if (p == null) {
            throw new DmarcRecordException(
                    DmarcRecordException.Problem.NO_REQUIRED_P, "DMARC record without p=");
        }
        return new DmarcRecord(
                DmarcPolicy.fromTag(p),
                Optional.ofNullable(tags.get("sp")).map(DmarcPolicy::fromTag),
                Alignment.fromTag(tags.getOrDefault("adkim", "r")),
                Alignment.fromTag(tags.getOrDefault("aspf", "r")),
                (int) number(tags, "pct", 100, 100),
                uris(tags.get("rua")),
                uris(tags.get("ruf")),
                tags.getOrDefault("fo", "0"),
                number(tags, "ri", 86400, Integer.MAX_VALUE));
    }

    /** The policy for mail from a subdomain of the domain that published this record. */
    public DmarcPolicy policyForSubdomains() {
        return subdomainPolicy.orElse(policy);
    }

    private static long number(Map<String, String> tags, String name, long absent, long max) {
        String v = tags.get(name);
        if (v == null) {
            return absent;
        }
        if (!v.matches("[0-9]{1,10}") || Long.parseLong(v) > max) {
            throw new DmarcRecordException(
                    DmarcRecordException.Problem.BAD_VALUE,
                    name + "=" + v + " -- expected a number from 0 to " + max);
        }
        return Long.parseLong(v);
    }

    /** A comma-separated list of URIs, each optionally "!size[kmgt]" (6.2). */
    private static List<ReportUri> uris(String value) {
        List<ReportUri> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String item : value.split(",")) {
            String s = item.strip();
            if (s.isEmpty()) {
                continue;
            }
            int bang = s.lastIndexOf('!');
            OptionalLong size = OptionalLong.empty();
            if (bang > 0) {
                size = OptionalLong.of(size(s.substring(bang + 1)));
                s = s.substring(0, bang).strip();
            }
            out.add(new ReportUri(s, size));
        }
        return out;
    }

    private static long size(String text) {
        String t = text.replace(" ", "").toLowerCase(Locale.ROOT);
        if (!t.matches("[0-9]+[kmgt]?")) {
            throw new DmarcRecordException(
                    DmarcRecordException.Problem.BAD_VALUE,
                    "report size \"" + text + "\" -- expected digits and k, m, g or t");
        }
        char unit = t.charAt(t.length() - 1);
        int shift =
                switch (unit) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    case 't' -> 40;
                    default -> 0;
                };
        String digits = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
        return Long.parseLong(digits) << shift;
    }
}
