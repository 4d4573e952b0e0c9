package io.sluice.bounce.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies an SMTP reply into a reason, a hard/soft class and an action, using the site's rules
 * first and the generic rules after them; within a file the first matching rule wins.
 */
public final class BounceClassifier {

    private static final String RULES = "/io/sluice/bounce/rules/";
    private static final Pattern CONTINUATION =
            Pattern.compile("(?<=\\S )[245]\\d\\d[ -][245]\\.\\d{1,3}\\.\\d{1,3} ");

    private final List<Prefiltered> generic;
    private final Map<String, List<Prefiltered>> bySite;
    private final SiteDirectory sites;
    // Every distinct literal any rule's prefilter looks for, so that one match() call searches
    // the text for each at most once, however many rules share it ("blocked", "rejected").
    private final List<String> literals = new ArrayList<>();

    public BounceClassifier(
            List<ReplyRule> generic, Map<String, List<ReplyRule>> bySite, SiteDirectory sites) {
        Map<String, Integer> literalIds = new HashMap<>();
        this.generic = prefiltered(generic, literalIds);
        Map<String, List<Prefiltered>> site = new HashMap<>();
        bySite.forEach((name, rules) -> site.put(name, prefiltered(rules, literalIds)));
        this.bySite = Map.copyOf(site);
        this.sites = sites;
    }

    /**
     * A rule with the ids of the literals one of which its text must contain for its regex to match
     * ({@link RequiredLiterals}); null when the rule has no text condition or nothing is known.
     */
    private record Prefiltered(ReplyRule rule, int[] literalIds, RequiredLiterals required) {}

    private List<Prefiltered> prefiltered(List<ReplyRule> rules, Map<String, Integer> ids) {
        List<Prefiltered> out = new ArrayList<>();
        for (ReplyRule rule : rules) {
            int[] required = null;
            RequiredLiterals r = null;
            if (rule.text().isPresent()) {
                r = RequiredLiterals.of(rule.text().get());
                if (!r.unconstrained()) {
                    required =
                            r.literals().stream()
                                    .mapToInt(
                                            l ->
                                                    ids.computeIfAbsent(
                                                            l,
                                                            k -> {
                                                                literals.add(k);
                                                                return literals.size() - 1;
                                                            }))
                                    .toArray();
                }
            }
            out.add(new Prefiltered(rule, required, r));
        }
        return List.copyOf(out);
    }

    /**
     * The rules shipped in this jar: {@code sites.list}, {@code generic.rules} and one {@code
     * <site>.rules} per listed site that has one. Fails at start-up on any malformed line.
     */
    public static BounceClassifier fromClasspath() {
        SiteDirectory sites =
                SiteDirectory.parse(
                        "sites.list",
                        resource("sites.list")
                                .orElseThrow(
                                        () ->
                                                new RuleFileException(
                                                        "sites.list missing from " + RULES)));
        List<ReplyRule> generic =
                ReplyRuleParser.parse(
                        "generic.rules",
                        resource("generic.rules")
                                .orElseThrow(
                                        () ->
                                                new RuleFileException(
                                                        "generic.rules missing from " + RULES)));
        Map<String, List<ReplyRule>> bySite = new LinkedHashMap<>();
        for (String site : sites.suffixesBySite().keySet()) {
            String file = site + ".rules";
            resource(file).ifPresent(text -> bySite.put(site, ReplyRuleParser.parse(file, text)));
        }
        return new BounceClassifier(generic, bySite, sites);
    }

    public SiteDirectory sites() {
        return sites;
    }

    /** Classifies a reply whose site is unknown. */
    public Classification classify(SmtpReply reply) {
        return classify(reply, "");
    }

    /** Classifies a reply from {@code site} (e.g. "google"; empty for none); never fails. */
    public Classification classify(SmtpReply reply, String site) {
        return match(reply, site).orElseGet(() -> Classification.undefined(reply));
    }

    /** The first matching rule's verdict, site rules before generic ones; empty if none matches. */
    public Optional<Classification> match(SmtpReply reply, String site) {
        return match(reply, site, null);
    }

    /**
     * Like {@link #match(SmtpReply, String)}, considering only rules for {@code reasons} (all when
     * null): cheaper when only some verdicts would change the caller's mind.
     */
    public Optional<Classification> match(SmtpReply reply, String site, Set<Reason> reasons) {
        // Rules are compiled lower-case (ReplyRuleParser), so the text is folded once here
        // rather than by every rule at every position.
        String flat = collapseWhitespace(reply.text()).toLowerCase(Locale.ROOT);
        // A multi-line reply joined into one line repeats its code and status on every line
        // ("550-5.7.1 Messages with multiple 550-5.7.1 addresses"); the words must read on.
        flat = CONTINUATION.matcher(flat).replaceAll("");
        List<Prefiltered> siteRules =
                site == null ? List.of() : bySite.getOrDefault(site, List.of());
        // Per literal: 0 not searched yet, 1 present in the text, 2 absent.
        byte[] present = new byte[literals.size()];
        for (List<Prefiltered> rules : List.of(siteRules, generic)) {
            for (Prefiltered p : rules) {
                ReplyRule rule = p.rule();
                if ((reasons == null || reasons.contains(rule.reason()))
                        && rule.matchesCodes(reply)
                        && mayMatch(p.literalIds(), flat, present)
                        && (p.required() == null || p.required().find(flat))) {
                    return Optional.of(rule.apply(reply));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Each run of regex whitespace ({@code \s}: space, tab, LF, VT, FF, CR) replaced by one space,
     * as {@code text.replaceAll("\\s+", " ")} would, in one pass without the regex.
     */
    static String collapseWhitespace(String text) {
        StringBuilder out = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (isRegexSpace(c)) {
                int j = i + 1;
                while (j < n && isRegexSpace(text.charAt(j))) {
                    j++;
                }
                if (c != ' ' || j > i + 1) {
                    if (out == null) {
                        out = new StringBuilder(n).append(text, 0, i);
                    }
                    out.append(' ');
                } else if (out != null) {
                    out.append(' ');
                }
                i = j - 1;
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** False when the text contains none of the literals: the rule's regex cannot match. */
    private boolean mayMatch(int[] ids, String flat, byte[] present) {
        if (ids == null) {
            return true;
        }
        for (int id : ids) {
            if (present[id] == 0) {
                present[id] = flat.contains(literals.get(id)) ? (byte) 1 : (byte) 2;
            }
            if (present[id] == 1) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> resource(String name) {
        try (InputStream in = BounceClassifier.class.getResourceAsStream(RULES + name)) {
            return in == null
                    ? Optional.empty()
                    : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RULES + name, e);
        }
    }
}
