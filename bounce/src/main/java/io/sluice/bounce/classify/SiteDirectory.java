package io.sluice.bounce.classify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which site (mailbox provider) a host belongs to, from a data file of domain suffixes per site, so
 * that a bounce from {@code gmail-smtp-in.l.google.com} is read with Google's rules.
 *
 * <pre>
 * # site      domain suffixes of its MX hosts and mailbox domains
 * google      google.com gmail.com googlemail.com
 * </pre>
 */
public record SiteDirectory(Map<String, List<String>> suffixesBySite) {

    public SiteDirectory {
        suffixesBySite = Map.copyOf(suffixesBySite);
    }

    public static SiteDirectory parse(String file, String content) {
        Map<String, List<String>> sites = new LinkedHashMap<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length < 2 || !words[0].matches("[a-z0-9-]+")) {
                throw new RuleFileException(
                        file,
                        i + 1,
                        "\""
                                + line
                                + "\" -- expected a site name (a-z, 0-9, -) and domain suffixes");
            }
            List<String> suffixes = new ArrayList<>();
            for (int w = 1; w < words.length; w++) {
                suffixes.add(words[w].toLowerCase(Locale.ROOT));
            }
            sites.put(words[0], List.copyOf(suffixes));
        }
        return new SiteDirectory(sites);
    }

    /** The site whose suffix {@code host} ends with (at a label boundary), if any. */
    public Optional<String> siteOf(String host) {
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        int at = h.lastIndexOf('@');
        if (at >= 0) {
            h = h.substring(at + 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (Map.Entry<String, List<String>> e : suffixesBySite.entrySet()) {
            for (String suffix : e.getValue()) {
                if (h.equals(suffix) || h.endsWith("." + suffix)) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }
}
