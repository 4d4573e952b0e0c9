package io.sluice.bounce.classify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern CONTINUATION =
            Pattern.compile("(?<=\\S )[245]\\d\\d[ -][245]\\.\\d{1,3}\\.\\d{1,3} ");

    private final List<ReplyRule> generic;
    private final Map<String, List<ReplyRule>> bySite;
    private final SiteDirectory sites;

    public BounceClassifier(
            List<ReplyRule> generic, Map<String, List<ReplyRule>> bySite, SiteDirectory sites) {
        this.generic = List.copyOf(generic);
        this.bySite = Map.copyOf(bySite);
        this.sites = sites;
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
        String flat = WHITESPACE.matcher(reply.text()).replaceAll(" ").toLowerCase(Locale.ROOT);
        // A multi-line reply joined into one line repeats its code and status on every line
        // ("550-5.7.1 Messages with multiple 550-5.7.1 addresses"); the words must read on.
        flat = CONTINUATION.matcher(flat).replaceAll("");
        List<ReplyRule> siteRules = site == null ? List.of() : bySite.getOrDefault(site, List.of());
        for (List<ReplyRule> rules : List.of(siteRules, generic)) {
            for (ReplyRule rule : rules) {
                if ((reasons == null || reasons.contains(rule.reason()))
                        && rule.matches(reply, flat)) {
                    return Optional.of(rule.apply(reply));
                }
            }
        }
        return Optional.empty();
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
