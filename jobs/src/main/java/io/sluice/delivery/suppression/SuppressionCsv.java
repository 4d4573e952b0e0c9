package io.sluice.delivery.suppression;

import io.sluice.mta.address.EmailAddress;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an existing suppression list, one row per line, into suppression changes: what an operator
 * exports from the system Sluice replaces. The first line may be a header naming the columns
 * ({@code address} is required; {@code reason}, {@code tenant}, {@code expires_at} and {@code note}
 * are optional, in any order); without one, the only column is the address. Values may be
 * double-quoted. A row missing a column takes the import's default; a bad row is reported with its
 * line number and skipped, so one typo does not stop a million-row import.
 */
public final class SuppressionCsv {

    private final SuppressionReason defaultReason;
    private final String defaultTenant;
    private final Instant importedAt;
    private final String source;
    private int address = 0;
    private int reason = -1;
    private int tenant = -1;
    private int expiresAt = -1;
    private int note = -1;
    private long line;

    /**
     * @param defaultTenant the tenant of rows without one; null makes them global
     * @param source what {@code source_event_id} says, e.g. {@code import:list.csv}
     */
    public SuppressionCsv(
            SuppressionReason defaultReason,
            String defaultTenant,
            Instant importedAt,
            String source) {
        this.defaultReason = defaultReason;
        this.defaultTenant = defaultTenant;
        this.importedAt = importedAt;
        this.source = source;
    }

    /**
     * The change of the next line, or null for a header or blank line.
     *
     * @throws IllegalArgumentException naming the line and the problem, for a row to skip
     */
    public SuppressionChange read(String text) {
        line++;
        if (text.isBlank()) {
            return null;
        }
        List<String> fields = split(text);
        if (line == 1 && isHeader(fields)) {
            header(fields);
            return null;
        }
        String raw = field(fields, address);
        if (raw == null || raw.isEmpty()) {
            throw problem("no address");
        }
        String normalized;
        try {
            normalized =
                    raw.startsWith("@")
                            ? SuppressionKey.ofDomain(raw.substring(1))
                            : SuppressionKey.of(raw);
        } catch (EmailAddress.InvalidAddressException e) {
            throw problem("address '" + raw + "': " + e.getMessage());
        }
        String t = field(fields, tenant);
        if (t == null || t.isEmpty()) {
            t = defaultTenant;
        }
        return SuppressionChange.newBuilder()
                .setAddress(normalized)
                .setScope(t == null ? SuppressionScope.GLOBAL : SuppressionScope.TENANT)
                .setTenant(t)
                .setAction(SuppressionAction.ADD)
                .setReason(reason(field(fields, reason)))
                .setSourceEventId(source + ":" + line)
                .setChangedAt(importedAt)
                .setExpiresAt(instant(field(fields, expiresAt)))
                .setNote(field(fields, note))
                .build();
    }

    /** The line number of the last line read. */
    public long line() {
        return line;
    }

    private static boolean isHeader(List<String> fields) {
        return fields.stream().anyMatch(f -> f.trim().equalsIgnoreCase("address"));
    }

    private void header(List<String> fields) {
        address = -1;
        for (int i = 0; i < fields.size(); i++) {
            switch (fields.get(i).trim().toLowerCase(Locale.ROOT)) {
                case "address", "email" -> address = i;
                case "reason" -> reason = i;
                case "tenant" -> tenant = i;
                case "expires_at", "expires" -> expiresAt = i;
                case "note" -> note = i;
                default ->
                        throw problem(
                                "unknown column '"
                                        + fields.get(i)
                                        + "' -- expected address, reason, tenant, expires_at,"
                                        + " note");
            }
        }
    }

    private SuppressionReason reason(String value) {
        if (value == null || value.isEmpty()) {
            return defaultReason;
        }
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (SuppressionReason r : SuppressionReason.values()) {
            if (r.name().equals(v)) {
                return r;
            }
        }
        throw problem(
                "reason '"
                        + value
                        + "' -- expected hard-bounce, complaint, unsubscribe, manual or spam-trap");
    }

    private Instant instant(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw problem(
                    "expires_at '"
                            + value
                            + "' -- expected an ISO-8601 instant such as"
                            + " 2027-01-31T00:00:00Z");
        }
    }

    private static String field(List<String> fields, int i) {
        return i < 0 || i >= fields.size() ? null : fields.get(i).trim();
    }

    private IllegalArgumentException problem(String what) {
        return new IllegalArgumentException("line " + line + ": " + what);
    }

    /** RFC 4180 fields of one line: commas separate, double quotes enclose, "" is a quote. */
    private List<String> split(String text) {
        List<String> fields = new ArrayList<>(4);
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        if (quoted) {
            throw problem("unterminated quote");
        }
        fields.add(f.toString());
        return fields;
    }
}
