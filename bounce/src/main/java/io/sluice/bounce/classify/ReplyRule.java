package io.sluice.bounce.classify;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One line of a rule file: when a reply matches every condition given, it fails for {@code reason}
 * and the platform takes {@code action} (or the reason's default action).
 *
 * @param origin file and line, e.g. {@code google.rules:12}
 */
public record ReplyRule(
        Reason reason,
        Optional<ReplyCodePattern> code,
        Optional<StatusPattern> status,
        Optional<Pattern> text,
        Optional<Set<SmtpCommand>> command,
        Optional<BounceAction> action,
        String origin) {

    /**
     * Whether {@code reply} satisfies every condition; {@code foldedText} is its text on one line
     * and lower-cased ({@link Locale#ROOT}), as {@link BounceClassifier} prepares it once for all
     * rules: text patterns are compiled lower-case, which is how matching is case-insensitive.
     */
    public boolean matches(SmtpReply reply, String foldedText) {
        return matchesCodes(reply) && matchesText(foldedText);
    }

    /** Whether the code, status and command conditions hold (the cheap ones, no text scan). */
    boolean matchesCodes(SmtpReply reply) {
        return code.map(c -> c.matches(reply.code())).orElse(true)
                && status.map(s -> s.matches(reply.status())).orElse(true)
                && command.map(c -> c.contains(reply.command())).orElse(true);
    }

    /** Whether the text condition, if any, finds a match in the folded text. */
    boolean matchesText(String foldedText) {
        return text.map(t -> t.matcher(foldedText).find()).orElse(true);
    }

    /** The verdict this rule gives for {@code reply}; the class comes from the fixed policy. */
    public Classification apply(SmtpReply reply) {
        BounceClass bounceClass = BounceClass.of(reason, reply);
        BounceAction chosen = action.orElse(reason.defaultAction());
        // A rule may name suppress only for reasons that can be hard (checked at load), and even
        // then a transient reply never suppresses.
        if (chosen == BounceAction.SUPPRESS && bounceClass != BounceClass.HARD) {
            chosen = BounceAction.RETRY;
        }
        return new Classification(reason, bounceClass, chosen, origin, text.isPresent());
    }
}
