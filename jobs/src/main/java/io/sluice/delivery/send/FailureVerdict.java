package io.sluice.delivery.send;

import io.sluice.mta.smtp.AttemptResult;
import io.sluice.mta.smtp.SmtpStage;

/**
 * First-cut reading of a permanent failure, by RFC 3463 status alone: hard only when the address or
 * its domain is dead (5.1.x addressing: user unknown, host unknown, null MX; 5.2.1 disabled); every
 * other 5xx (policy, authentication, content, blocks) is a soft bounce that must never suppress the
 * address. The full classifier, with provider texts, is issue #8.
 *
 * @param bounceClass HARD or SOFT
 * @param reason in sisimai's taxonomy
 */
public record FailureVerdict(String bounceClass, String reason) {

    public static FailureVerdict of(AttemptResult r) {
        String status = r.enhancedStatus() == null ? "" : r.enhancedStatus();
        if (r.stage() == SmtpStage.RESOLVE) {
            return new FailureVerdict("HARD", "hostunknown");
        }
        if (status.equals("5.1.1") || status.equals("5.1.0") || status.equals("5.1.6")) {
            return new FailureVerdict("HARD", status.equals("5.1.6") ? "hasmoved" : "userunknown");
        }
        if (status.equals("5.1.2") || status.equals("5.1.10")) {
            return new FailureVerdict("HARD", "hostunknown");
        }
        if (status.equals("5.2.1")) {
            return new FailureVerdict("HARD", "userunknown");
        }
        if (status.startsWith("5.2.2") || status.startsWith("4.2.2")) {
            return new FailureVerdict("SOFT", "mailboxfull");
        }
        if (status.startsWith("5.7.") || status.startsWith("4.7.")) {
            return new FailureVerdict("SOFT", "policyviolation");
        }
        if (status.startsWith("5.6.") || status.startsWith("5.3.4")) {
            return new FailureVerdict("SOFT", "contenterror");
        }
        return new FailureVerdict("SOFT", "undefined");
    }
}
