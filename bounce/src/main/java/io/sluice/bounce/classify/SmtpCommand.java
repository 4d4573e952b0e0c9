package io.sluice.bounce.classify;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMTP command a reply answered (RFC 5321 section 4.3.2 lists which replies each may get).
 *
 * <p>It matters because the same words mean different things at different stages: "user unknown" in
 * reply to RCPT TO is the receiver validating the address (section 3.3), while after DATA the
 * recipients were already accepted, so the same words are a content filter speaking. Bounce
 * messages often do not say which command failed; then it is {@link #UNKNOWN}.
 */
public enum SmtpCommand {
    /** The greeting, before any command of ours. */
    CONNECT,
    /** EHLO or HELO. */
    HELO,
    MAIL,
    RCPT,
    /** DATA, or the end of data (the final dot). */
    DATA,
    UNKNOWN;

    // How MTAs name the failed command in their bounces, most specific first:
    //   Postfix "(in reply to RCPT TO command)", "(in reply to end of DATA command)";
    //   Exim "SMTP error from remote mail server after RCPT TO:<...>", "after end of data",
    //   "after initial connection"; Sendmail's transcript ">>> RCPT To:<...>" then "<<< 550 ...";
    //   qmail "does not like recipient", "sender was rejected", "my name was rejected";
    //   others "did not like our RCPT TO", "after RCPT command", "for TEXT command".
    private static final Pattern NAMED =
            Pattern.compile(
                    "(?i)(?:(?:in reply to|\\bafter|did not like our|while sending)\\s+"
                            + "(end of data|initial connection|greeting|banner|ehlo|helo|mail from"
                            + "|rcpt to|rcpt|data)\\b"
                            + "|\\bfor\\s+(text|data|rcpt(?: to)?|mail(?: from)?)\\s+command"
                            + "|(?:>>>|\\bin:|smtp command:?|\\bsmtp:)\\s*(mail from|rcpt to|rcpt|data|ehlo|helo)\\b)");
    private static final Pattern QMAIL_RCPT =
            Pattern.compile("(?i)does not like recipient|\\[RCPT_TO\\]");
    private static final Pattern QMAIL_MAIL = Pattern.compile("(?i)sender was rejected");
    private static final Pattern QMAIL_HELO =
            Pattern.compile("(?i)my (?:host ?)?name was rejected");
    private static final Pattern QMAIL_DATA =
            Pattern.compile("(?i)failed after I sent the message|message was rejected");

    // Case-insensitive alternations tried at every position of a long text are slow; a text
    // without any of their words cannot match, and most texts have none (RequiredLiterals).
    private static final RequiredLiterals NAMED_WORDS = RequiredLiterals.of(NAMED);
    private static final RequiredLiterals QMAIL_RCPT_WORDS = RequiredLiterals.of(QMAIL_RCPT);
    private static final RequiredLiterals QMAIL_MAIL_WORDS = RequiredLiterals.of(QMAIL_MAIL);
    private static final RequiredLiterals QMAIL_HELO_WORDS = RequiredLiterals.of(QMAIL_HELO);
    private static final RequiredLiterals QMAIL_DATA_WORDS = RequiredLiterals.of(QMAIL_DATA);

    /** The command named in {@code text}, the last one when a transcript names several. */
    public static SmtpCommand find(String text) {
        if (text == null || text.isEmpty()) {
            return UNKNOWN;
        }
        // Every pattern here is (?i): fold the text once for all their literal checks.
        String folded = RequiredLiterals.asciiLower(text);
        SmtpCommand found = UNKNOWN;
        if (NAMED_WORDS.mayMatchFolded(folded)) {
            Matcher m = NAMED.matcher(text);
            while (m.find()) {
                String named =
                        m.group(1) != null
                                ? m.group(1)
                                : m.group(2) != null ? m.group(2) : m.group(3);
                found = of(named);
            }
        }
        if (found != UNKNOWN) {
            return found;
        }
        if (QMAIL_RCPT_WORDS.mayMatchFolded(folded) && QMAIL_RCPT.matcher(text).find()) {
            return RCPT;
        }
        if (QMAIL_MAIL_WORDS.mayMatchFolded(folded) && QMAIL_MAIL.matcher(text).find()) {
            return MAIL;
        }
        if (QMAIL_HELO_WORDS.mayMatchFolded(folded) && QMAIL_HELO.matcher(text).find()) {
            return HELO;
        }
        if (QMAIL_DATA_WORDS.mayMatchFolded(folded) && QMAIL_DATA.matcher(text).find()) {
            return DATA;
        }
        return UNKNOWN;
    }

    /** The spelling in rule files, e.g. {@code RCPT}; any case is accepted. */
    public static Optional<SmtpCommand> byId(String id) {
        for (SmtpCommand c : values()) {
            if (c.name().equalsIgnoreCase(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static SmtpCommand of(String named) {
        String n = named.toLowerCase(Locale.ROOT);
        if (n.startsWith("rcpt")) {
            return RCPT;
        }
        if (n.startsWith("mail")) {
            return MAIL;
        }
        if (n.equals("ehlo") || n.equals("helo")) {
            return HELO;
        }
        if (n.equals("data") || n.equals("end of data") || n.equals("text")) {
            return DATA;
        }
        return CONNECT;
    }
}
