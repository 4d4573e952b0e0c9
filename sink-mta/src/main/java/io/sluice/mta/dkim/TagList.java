package io.sluice.mta.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DKIM tag=value list (RFC 6376 section 3.2), as found in the DKIM-Signature field and in key
 * records. Values keep their inner folding whitespace; leading and trailing whitespace goes.
 */
public record TagList(Map<String, String> tags) {

    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public TagList {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /**
     * Parses a tag list; a duplicate tag or a malformed tag name is an error (3.2: "Tags with
     * duplicate names MUST NOT occur within a single tag-list").
     */
    public static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";", -1)) {
            if (spec.isBlank()) {
                continue;
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("tag without '=': \"" + spec.strip() + "\"");
            }
            String name = spec.substring(0, eq).strip();
            if (!TAG_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad tag name \"" + name + "\"");
            }
            String value = spec.substring(eq + 1).strip();
            if (tags.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("duplicate tag \"" + name + "\"");
            }
        }
        return new TagList(tags);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    /** A value with all whitespace removed, as base64 values (b=, bh=, p=) are read (3.5). */
    public Optional<String> compact(String name) {
        return get(name).map(v -> v.replaceAll("[ \t\r\n]", ""));
    }

    /**
     * The raw field with the value of its {@code b=} tag emptied, keeping every other byte, which
     * is what the signature covers (3.5, "b=" and 3.7 step 2).
     */
    static String withEmptySignature(String rawField) {
        int[] value = signatureValue(rawField);
        return rawField.substring(0, value[0]) + rawField.substring(value[1]);
    }

    /** Start and end of the b= value in a raw field. */
    static int[] signatureValue(String rawField) {
        int pos = rawField.indexOf(':') + 1;
        while (pos <= rawField.length()) {
            int semi = rawField.indexOf(';', pos);
            int end = semi < 0 ? rawField.length() : semi;
            String spec = rawField.substring(pos, end);
            int eq = spec.indexOf('=');
            if (eq >= 0 && spec.substring(0, eq).strip().equals("b")) {
                return new int[] {pos + eq + 1, end};
            }
            if (semi < 0) {
                break;
            }
            pos = semi + 1;
        }
        throw new IllegalArgumentException("DKIM-Signature without a b= tag");
    }
}
