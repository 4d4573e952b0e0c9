package io.sluice.bounce.dsn;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.Classification;
import io.sluice.bounce.classify.Reason;
import io.sluice.bounce.classify.RequiredLiterals;
import io.sluice.bounce.classify.SmtpCommand;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.bounce.mail.MailPart;
import io.sluice.bounce.mail.ReceivedMail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a returned message -- an RFC 3464 DSN, or the free-text bounce of an MTA that does not send
 * one -- into one classified result per recipient. Never throws: anything it cannot read is "not a
 * bounce". The reading order is written down in docs/design/bounce-classification.md.
 */
public final class DsnParser {

    private static final int MAX_TEXT = 64 * 1024;
    private static final int MAX_DIAGNOSTIC = 1200;
    // Sluice sends one message per recipient, so a bounce of ours names one; mailing-list
    // explosions name a few dozen. Beyond these, each further recipient would cost a full
    // classification for nothing (free text names fewer real recipients than addresses).
    private static final int MAX_RECIPIENTS = 100;
    private static final int MAX_TEXT_RECIPIENTS = 10;
    // How much of a bounce's own prose the classifier reads: the explanation comes first, and
    // every rule scans it, so a long notice must not cost more than this.
    private static final int MAX_PROSE = 4 * 1024;

    // Where a bounce's own text ends and the returned original begins; MTAs that do not use
    // RFC 3462's third part mark it with a line like these. Possessive runs: a long line of
    // blanks would otherwise be split between the two blank runs in every possible way.
    private static final Pattern ORIGINAL_FOLLOWS =
            Pattern.compile(
                    "(?im)^[ \\t>]*+(?:-{2,}+|={2,}+|\\*{2,}+)?[ \\t]*+(?:below this line is a copy of the message"
                            + "|this is a copy of the message|original message follows|original message headers?"
                            + "|the header of the original message|returned message|unsent message below"
                            + "|message text follows|-+ ?original message|copy of the original message"
                            + "|headers of the original message|text of the (?:returned|original) message"
                            + "|the original message was received|original message header)");
    private static final Pattern BOUNCE_SENDER =
            Pattern.compile(
                    "(?i)(mailer-daemon|post_?master|mail delivery|maildelivery|mdaemon|bounce|daemon"
                            + "|delivery ?(status|subsystem|notification)|administrator|mail ?system)");
    private static final Pattern BOUNCE_SUBJECT =
            Pattern.compile(
                    "(?i)(undeliver|undelivered|delivery (status|fail|notification|problem|report)|failure notice"
                            + "|returned mail|returned to sender|non.?deliver|could not be delivered|not delivered"
                            + "|mail delivery|delivery has failed|delivery failure|rejected|mail error|error sending"
                            + "|warning: could not|failed|nondeliverable|bounce|unzustellbar|problem|loop alert"
                            + "|メールエラー|エラー通知|不達|配信エラー|返送)");
    // What notices from senders that use neither a bounce address nor a bounce subject say.
    private static final Pattern BOUNCE_BODY =
            Pattern.compile(
                    "(?i)could not be delivered to|was not delivered to|delivery to the following"
                            + " recipients? failed|following addresses had permanent"
                            + "|undeliverable to|unable to deliver (your )?message to");
    private static final Pattern AUTO_REPLY_SUBJECT =
            Pattern.compile(
                    "(?i)^\\s*(auto(matic|matische)?[ -]?(reply|response|antwort)|out of (the )?office|vacation|away from|autoreply|abwesen)");
    private static final Pattern LEADING_ADDRESS =
            Pattern.compile("(?m)^[ \\t]*(<[^<>\\s]{1,256}@[^<>\\s]{1,256}>):");
    private static final Set<Reason> MAILBOX_EXISTS = Set.of(Reason.SUSPEND, Reason.MAILBOXFULL);
    private static final Pattern FORWARDED_INLINE =
            Pattern.compile(
                    "(?im)^[ \\t]*(?:begin forwarded message:|-{2,} ?forwarded message ?-{2,})[ \\t]*$");
    private static final Pattern QUOTE = Pattern.compile("(?m)^> ?");
    private static final Pattern WARNING =
            Pattern.compile(
                    "(?i)this is a warning|warning message only|will (?:be )?retr(?:y|ied)"
                            + "|still (?:be )?trying|has not yet been delivered|delivery (?:is|has been) delayed");
    private static final Pattern ENCLOSED_DSN =
            Pattern.compile(
                    "(?im)report-type=\"?delivery-status|content-type:\\s*message/delivery-status"
                            + "|^final-recipient:");
    // A Sendmail summary line about an address or domain: "550 example.org (smtp)... Host unknown".
    private static final Pattern NEW_REPLY =
            Pattern.compile("^\\s*[245]\\d\\d [^\\s]{1,256}(?: \\(\\w{1,20}\\))?\\.\\.\\.");
    private static final Pattern CODE_OR_STATUS =
            Pattern.compile("\\b[245]\\d\\d\\b|\\b[245]\\.\\d{1,3}\\.\\d{1,3}\\b");
    private static final Pattern MULTILINE_START = Pattern.compile("^\\s*([45]\\d\\d)-");
    private static final Pattern STATUS_VALUE = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern HOST =
            Pattern.compile("(?i)\\b[a-z0-9-]{1,63}(?:\\.[a-z0-9-]{1,63}){1,8}\\.[a-z]{2,24}\\b");

    private static final Pattern HEADER_LINE =
            Pattern.compile(
                    "(?im)^[ \\t>]*(from|reply-to|return-path|sender|message-id|in-reply-to|references):.*$");

    // The patterns above that scan a bounce's whole text, tried at every position: a text without
    // any of the words one of them needs cannot match it, and a literal search says so much
    // faster (RequiredLiterals).
    private static final RequiredLiterals ORIGINAL_FOLLOWS_WORDS = words(ORIGINAL_FOLLOWS);
    private static final RequiredLiterals BOUNCE_BODY_WORDS = words(BOUNCE_BODY);
    private static final RequiredLiterals LEADING_ADDRESS_WORDS = words(LEADING_ADDRESS);
    private static final RequiredLiterals FORWARDED_INLINE_WORDS = words(FORWARDED_INLINE);
    private static final RequiredLiterals WARNING_WORDS = words(WARNING);
    private static final RequiredLiterals ENCLOSED_DSN_WORDS = words(ENCLOSED_DSN);
    private static final RequiredLiterals HEADER_LINE_WORDS = words(HEADER_LINE);

    private final BounceClassifier classifier;

    private static RequiredLiterals words(Pattern p) {
        return RequiredLiterals.of(p);
    }

    public DsnParser(BounceClassifier classifier) {
        this.classifier = classifier;
    }

    /** Reads any bytes; returns "not a bounce" rather than throwing. */
    public BounceReport parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return BounceReport.notABounce("empty input");
        }
        try {
            return read(ReceivedMail.read(raw), 0);
        } catch (RuntimeException e) {
            return BounceReport.notABounce("unreadable (" + e.getClass().getSimpleName() + ")");
        }
    }

    private BounceReport read(ReceivedMail mail, int depth) {
        String whole = mail.humanText();
        String human = bounceText(whole);
        List<Map<String, String>> blocks = new ArrayList<>();
        for (MailPart p :
                mail.partsOfType("message/delivery-status", "message/global-delivery-status")) {
            if (!p.enclosed()) {
                blocks.addAll(StatusFields.parse(p.text()).perRecipient());
            }
        }
        if (blocks.isEmpty() && human.toLowerCase(Locale.ROOT).contains("final-recipient:")) {
            blocks.addAll(StatusFields.parse(human).perRecipient());
        }
        if (blocks.isEmpty()) {
            List<Map<String, String>> ses = SesNotification.read(whole);
            if (!ses.isEmpty()) {
                return BounceReport.of("ses-json", fromStatusFields(ses, ""));
            }
        }
        if (blocks.isEmpty() && depth == 0) {
            // A bounce forwarded as an attachment: the returned DSN is the enclosed message.
            List<String> forwarded = new ArrayList<>();
            for (MailPart p : mail.partsOfType("message/rfc822")) {
                if (!p.enclosed()) {
                    forwarded.add(p.text());
                }
            }
            // Or forwarded inline, every line quoted with "> ".
            if (FORWARDED_INLINE_WORDS.mayMatch(whole)) {
                Matcher inline = FORWARDED_INLINE.matcher(whole);
                if (inline.find()) {
                    forwarded.add(unquoted(whole.substring(inline.end())));
                }
            }
            for (String text : forwarded) {
                if (ENCLOSED_DSN_WORDS.mayMatch(text) && ENCLOSED_DSN.matcher(text).find()) {
                    BounceReport inner =
                            read(ReceivedMail.read(text.getBytes(StandardCharsets.UTF_8)), 1);
                    if (inner.bounce() && !inner.recipients().isEmpty()) {
                        return inner;
                    }
                }
            }
        }
        if (blocks.isEmpty() && isAutoReply(mail)) {
            String from = AddressScanner.first(mail.header("From"));
            SmtpReply none = new SmtpReply(0, "", "");
            return BounceReport.of(
                    "auto-reply",
                    List.of(
                            new BouncedRecipient(
                                    from,
                                    "",
                                    "",
                                    0,
                                    "",
                                    "",
                                    Classification.of(Reason.VACATION, none, "RFC 3834"))));
        }
        if (!blocks.isEmpty()) {
            return BounceReport.of("rfc3464", fromStatusFields(blocks, human));
        }
        if (!looksLikeBounce(mail, human)) {
            return BounceReport.notABounce("no delivery-status part and no bounce headers");
        }
        return BounceReport.of("text", fromText(mail, human));
    }

    private List<BouncedRecipient> fromStatusFields(
            List<Map<String, String>> blocks, String human) {
        List<BouncedRecipient> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> all = new ArrayList<>();
        if (blocks.size() > MAX_RECIPIENTS) {
            blocks = blocks.subList(0, MAX_RECIPIENTS);
        }
        for (Map<String, String> f : blocks) {
            all.add(
                    AddressScanner.first(
                            StatusFields.untyped(
                                    f.getOrDefault(
                                            "final-recipient",
                                            f.getOrDefault("original-recipient", "")))));
        }
        Segments segments = new Segments(human, all);
        for (Map<String, String> f : blocks) {
            String recipient =
                    AddressScanner.first(
                            StatusFields.untyped(
                                    f.getOrDefault(
                                            "final-recipient", f.get("original-recipient"))));
            if (recipient.isEmpty()) {
                recipient =
                        AddressScanner.first(
                                StatusFields.untyped(f.getOrDefault("original-recipient", "")));
            }
            if (!seen.add(recipient.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String action = f.getOrDefault("action", "").strip().toLowerCase(Locale.ROOT);
            Matcher sm = STATUS_VALUE.matcher(f.getOrDefault("status", ""));
            String status = sm.find() ? sm.group() : "";
            String typed = f.getOrDefault("diagnostic-code", "");
            String diagnostic = StatusFields.untyped(typed);
            // RFC 3464 section 2.3.6: a diagnostic of type X-Unix is a local delivery program's
            // exit status, not an SMTP reply, so its digits are no reply code.
            boolean mailer = typed.strip().toLowerCase(Locale.ROOT).startsWith("x-unix");
            String remoteMta = StatusFields.untyped(f.getOrDefault("remote-mta", ""));
            String reportingMta = StatusFields.untyped(f.getOrDefault("reporting-mta", ""));
            String segment = segments.of(recipient);
            if (diagnostic.isBlank()) {
                // The Status field may carry a comment (RFC 3464 section 2.3.4 allows one);
                // otherwise the paragraph of the human-readable part about this recipient.
                String comment =
                        f.getOrDefault("status", "").replaceFirst("^\\s*[245](\\.\\d{1,3}){2}", "");
                diagnostic = comment.isBlank() ? paragraph(segment) : comment;
            }
            Evidence evidence =
                    new Evidence(
                            diagnostic,
                            mailer,
                            cap(segment),
                            human,
                            new HashSet<>(all).size() <= 1,
                            reportingMta);
            out.add(recipient(recipient, action, status, evidence, remoteMta));
        }
        return out;
    }

    private List<BouncedRecipient> fromText(ReceivedMail mail, String human) {
        List<String> candidates = new ArrayList<>();
        String failed = mail.header("X-Failed-Recipients");
        if (!failed.isBlank()) {
            candidates.addAll(AddressScanner.all(failed));
        }
        if (candidates.isEmpty() && LEADING_ADDRESS_WORDS.mayMatch(human)) {
            // Postfix and qmail start each recipient's paragraph with "<address>:".
            Matcher lead = LEADING_ADDRESS.matcher(human);
            while (lead.find()) {
                String a = AddressScanner.first(lead.group(1));
                if (!a.isEmpty() && !candidates.contains(a)) {
                    candidates.add(a);
                }
            }
        }
        if (candidates.isEmpty()) {
            Set<String> own = ownAddresses(mail);
            for (String a : AddressScanner.all(withoutHeaderLines(human))) {
                String local = a.substring(0, a.lastIndexOf('@')).toLowerCase(Locale.ROOT);
                if (!own.contains(a.toLowerCase(Locale.ROOT))
                        && !local.equals("mailer-daemon")
                        && !local.equals("postmaster")) {
                    candidates.add(a);
                }
            }
        }
        if (candidates.isEmpty()) {
            // Anonymised or self-addressed bounces: the recipient may also be in To or Cc.
            String from = mail.header("From").toLowerCase(Locale.ROOT);
            for (String a : AddressScanner.all(withoutHeaderLines(human))) {
                String local = a.substring(0, a.lastIndexOf('@')).toLowerCase(Locale.ROOT);
                if (!from.contains(a.toLowerCase(Locale.ROOT))
                        && !local.equals("mailer-daemon")
                        && !local.equals("postmaster")) {
                    candidates.add(a);
                }
            }
        }
        List<BouncedRecipient> out = new ArrayList<>();
        if (candidates.isEmpty()) {
            out.add(
                    recipient(
                            "",
                            "failed",
                            "",
                            new Evidence(human, false, human, human, true, ""),
                            ""));
            return out;
        }
        // Without a status field, the notice itself is the MTA saying it gave up for good
        // (a failure notice is final, RFC 3464 section 2.3.3), unless it says it is a warning.
        String status =
                WARNING_WORDS.mayMatch(human) && WARNING.matcher(human).find() ? "" : "5.0.0";
        if (candidates.size() > MAX_TEXT_RECIPIENTS) {
            candidates = candidates.subList(0, MAX_TEXT_RECIPIENTS);
        }
        Segments segments = new Segments(human, candidates);
        for (String c : candidates) {
            String segment = cap(segments.of(c));
            Evidence evidence =
                    new Evidence(
                            ownLines(segment), false, segment, human, candidates.size() == 1, "");
            out.add(recipient(c, "failed", status, evidence, ""));
        }
        return out;
    }

    /**
     * What a bounce says about one recipient, nearest first.
     *
     * @param diagnostic the recipient's own diagnostic (Diagnostic-Code, or its paragraph)
     * @param mailer whether the diagnostic is a local program's exit status (X-Unix), not a reply
     * @param segment the human-readable text from the recipient's address to the next one's
     * @param human the whole human-readable part
     * @param alone whether the bounce reports on this recipient only, so its general text is about
     *     this recipient too
     * @param reportingMta the host that wrote the bounce, or ""
     */
    private record Evidence(
            String diagnostic,
            boolean mailer,
            String segment,
            String human,
            boolean alone,
            String reportingMta) {}

    private BouncedRecipient recipient(
            String address, String action, String status, Evidence evidence, String remoteMta) {
        String diag = cap(fullReply(evidence.diagnostic(), evidence.human()));
        SmtpReply found = evidence.mailer() ? new SmtpReply(0, "", diag) : SmtpReply.find(diag);
        // An x.0.0 status ("other or undefined", RFC 3463 section 3.1) says less than the code
        // the remote server itself quoted in its reply.
        boolean vague = status.isEmpty() || (status.endsWith(".0.0") && !found.status().isEmpty());
        SmtpReply reply =
                new SmtpReply(
                        found.code(),
                        vague ? found.status() : status,
                        diag,
                        commandFor(diag, evidence));
        String site = siteOf(remoteMta, diag, address, evidence.reportingMta());
        Classification c = classify(reply, action, evidence, site);
        return new BouncedRecipient(
                address,
                action,
                status.isEmpty() ? reply.status() : status,
                reply.code(),
                diag.strip(),
                remoteMta,
                c);
    }

    /**
     * The diagnostic decides first; then the recipient's own part of the human-readable text; the
     * whole text only when the bounce is about this recipient alone (otherwise another recipient's
     * reply would decide); codes alone last. A failed DSN whose status is still transient (4.x.x)
     * means the MTA gave up retrying: expired (RFC 3464 section 2.3.3).
     */
    private Classification classify(
            SmtpReply reply, String action, Evidence evidence, String site) {
        if (action.equals("delivered")
                || action.equals("relayed")
                || action.equals("expanded")
                || reply.status().startsWith("2.")) {
            return Classification.of(Reason.DELIVERED, reply, "RFC 3464 Action");
        }
        Optional<Classification> byDiagnostic = classifier.match(reply, site);
        if (byDiagnostic.isPresent()
                && (byDiagnostic.get().byText()
                        || (specific(reply.status())
                                && (!action.equals("delayed")
                                        || reply.status().equals("4.4.7"))))) {
            // A specific enhanced status (RFC 3463, anything but x.0.0) in the recipient's own
            // fields says more about it than the bounce's general prose.
            return contradicted(byDiagnostic.get(), reply, evidence, site);
        }
        List<String> wider = new ArrayList<>();
        wider.add(cap(evidence.segment()));
        if (evidence.alone()) {
            wider.add(prose(evidence.human()));
        }
        for (String text : wider) {
            if (text.isBlank() || text.equals(reply.text())) {
                continue;
            }
            // When the recipient's own fields carry no code, the text's own reply may.
            SmtpReply wide =
                    reply.code() == 0 && !specific(reply.status())
                            ? SmtpReply.find(text).withCommand(reply.command())
                            : reply.withText(text);
            if (wide.status().isEmpty()) {
                wide = new SmtpReply(wide.code(), reply.status(), text, reply.command());
            }
            Optional<Classification> byText = classifier.match(wide, site);
            // Text beyond the recipient's own diagnostic may be about another recipient or
            // domain: it may explain a soft failure, but suppressing on it would suppress
            // someone for another's fault.
            if (byText.isPresent()
                    && byText.get().byText()
                    && (!byText.get().isHard() || evidence.alone())) {
                return byText.get();
            }
        }
        if (evidence.mailer()) {
            return Classification.of(Reason.MAILERERROR, reply, "RFC 3464 X-Unix diagnostic");
        }
        if (action.equals("delayed")) {
            // A warning that delivery is still being retried, with no words on why: the
            // codes alone say only that time is running out (RFC 3464 section 2.3.3).
            return Classification.of(Reason.EXPIRED, reply, "RFC 3464 Action delayed");
        }
        if (byDiagnostic.isPresent()) {
            return byDiagnostic.get();
        }
        if (reply.isTransient() || action.equals("delayed")) {
            return Classification.of(Reason.EXPIRED, reply, "RFC 3464 transient status, given up");
        }
        return Classification.undefined(reply);
    }

    /**
     * A hard verdict stands only if the bounce's own prose does not say the mailbox exists:
     * carriers answer "user unknown" for disabled or full mailboxes too, and their notice says
     * which (suppressing on the reply alone would drop a live customer).
     */
    private Classification contradicted(
            Classification verdict, SmtpReply reply, Evidence evidence, String site) {
        if (!verdict.isHard() || !evidence.alone()) {
            return verdict;
        }
        String prose = prose(evidence.human()).replace(reply.text().strip(), " ");
        Optional<Classification> other =
                classifier.match(reply.withText(prose), site, MAILBOX_EXISTS);
        if (other.isPresent()
                && other.get().byText()
                && MAILBOX_EXISTS.contains(other.get().reason())) {
            return other.get();
        }
        return verdict;
    }

    /**
     * The command the reply answered: named in the diagnostic itself, else the last command before
     * the reply in the session transcript, else named in the recipient's own text.
     */
    private static SmtpCommand commandFor(String diag, Evidence evidence) {
        SmtpCommand command = SmtpCommand.find(diag);
        if (command != SmtpCommand.UNKNOWN) {
            return command;
        }
        String human = evidence.human();
        String probe = replyProbe(diag);
        int at = probe.isEmpty() ? -1 : human.indexOf(probe);
        if (at > 0) {
            command = SmtpCommand.find(human.substring(Math.max(0, at - 400), at));
            if (command != SmtpCommand.UNKNOWN) {
                return command;
            }
        }
        command = SmtpCommand.find(evidence.segment());
        if (command == SmtpCommand.UNKNOWN && evidence.alone()) {
            command = SmtpCommand.find(prose(human));
        }
        return command;
    }

    /**
     * A multi-line reply cut to its first line ("552-5.7.0 This message was blocked because", as
     * some MTAs write Diagnostic-Code) completed from the session transcript in the human-readable
     * part, where every line of it was quoted (RFC 5321 section 4.2.1).
     */
    private static String fullReply(String diag, String human) {
        Matcher first = MULTILINE_START.matcher(diag);
        if (!first.find()) {
            return diag;
        }
        String probe = replyProbe(diag);
        String code = first.group(1);
        String best = diag;
        // The reply may be quoted more than once (a summary line, then the transcript): the
        // longest quotation is the complete one.
        int tries = 0;
        for (int at = probe.isEmpty() ? -1 : human.indexOf(probe);
                at >= 0 && tries < 8;
                at = human.indexOf(probe, at + 1), tries++) {
            StringBuilder full = new StringBuilder();
            String window = human.substring(at, Math.min(human.length(), at + 8 * 1024));
            for (String line : window.split("\\r?\\n", 40)) {
                String l = line.strip();
                if (l.startsWith("<<<")) {
                    l = l.substring(3).strip();
                }
                if (!l.startsWith(code)) {
                    break;
                }
                full.append(l).append('\n');
                if (l.length() > 3 && l.charAt(3) == ' ') {
                    break;
                }
            }
            if (full.length() > best.length()) {
                best = full.toString();
            }
        }
        return best;
    }

    /** The start of a reply, to find it again in the transcript. */
    private static String replyProbe(String diag) {
        String line = diag.strip().split("\r?\n", 2)[0].strip();
        return line.length() < 12 ? "" : line.substring(0, Math.min(line.length(), 40));
    }

    /** The quoted lines after a forwarding marker, unquoted, up to the first unquoted line. */
    private static String unquoted(String text) {
        StringBuilder out = new StringBuilder();
        boolean started = false;
        for (String line : text.split("\\r?\\n", 2000)) {
            if (line.startsWith(">")) {
                started = true;
                out.append(QUOTE.matcher(line).replaceFirst("")).append('\n');
            } else if (started && !line.isBlank()) {
                break;
            }
        }
        return out.toString();
    }

    private static boolean specific(String status) {
        return !status.isEmpty() && !status.endsWith(".0.0");
    }

    private static String prose(String text) {
        return text.length() > MAX_PROSE ? text.substring(0, MAX_PROSE) : text;
    }

    private static String cap(String text) {
        return text.length() > MAX_DIAGNOSTIC ? text.substring(0, MAX_DIAGNOSTIC) : text;
    }

    private String siteOf(
            String remoteMta, String diagnostic, String recipient, String reportingMta) {
        // The host that replied knows best; then the recipient's domain; hosts merely mentioned
        // in the text (help links, relays) last.
        Optional<String> site = classifier.sites().siteOf(remoteMta);
        if (site.isEmpty()) {
            site = classifier.sites().siteOf(recipient);
        }
        if (site.isEmpty()) {
            Matcher m = HOST.matcher(diagnostic);
            boolean named = false;
            while (site.isEmpty() && m.find()) {
                named = true;
                site = classifier.sites().siteOf(m.group());
            }
            if (site.isEmpty() && !named && remoteMta.isBlank()) {
                // No other host named: the MTA that wrote the bounce gave the reply itself.
                site = classifier.sites().siteOf(reportingMta);
            }
        }
        return site.orElse("");
    }

    /**
     * The part of a bounce's text about each of its recipients: from the recipient's line to the
     * line of the next other recipient named after it. Where each address occurs is found once, so
     * a bounce of n recipients costs n scans of the text, not n times n (up to 100 recipients over
     * up to 64 KiB).
     */
    private static final class Segments {

        private final String human;
        private final String lower;
        private final List<String> all;
        // Each lower-cased address: where it starts in the lower-cased text, in increasing order.
        private final Map<String, int[]> starts = new HashMap<>();

        Segments(String human, List<String> all) {
            this.human = human;
            this.lower = human.toLowerCase(Locale.ROOT);
            this.all = all;
        }

        private int[] startsOf(String address) {
            return starts.computeIfAbsent(address.toLowerCase(Locale.ROOT), this::find);
        }

        private int[] find(String address) {
            if (address.isEmpty()) {
                return new int[0];
            }
            int[] found = new int[8];
            int n = 0;
            for (int at = lower.indexOf(address); at >= 0; at = lower.indexOf(address, at + 1)) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = at;
            }
            return Arrays.copyOf(found, n);
        }

        /** The text about {@code address}; all of it if the text does not name it. */
        String of(String address) {
            int[] own = startsOf(address);
            if (own.length == 0) {
                return human;
            }
            int at = own[0];
            int after = at + address.length();
            int start = lower.lastIndexOf('\n', at) + 1;
            // The nearest other address at or after the end of this one; an empty one (a
            // recipient group without a readable address) counts as found right there.
            int next = -1;
            for (String other : all) {
                if (other.equalsIgnoreCase(address)) {
                    continue;
                }
                int o =
                        other.isEmpty()
                                ? Math.min(after, lower.length())
                                : firstFrom(startsOf(other), after);
                if (o > at && (next < 0 || o < next)) {
                    next = o;
                }
            }
            int end = human.length();
            if (next >= 0) {
                end = Math.min(end, Math.max(lower.lastIndexOf('\n', next) + 1, after));
            }
            return human.substring(start, end);
        }

        /** The first of the sorted {@code starts} at or after {@code from}, or -1. */
        private static int firstFrom(int[] starts, int from) {
            int i = Arrays.binarySearch(starts, from);
            if (i < 0) {
                i = -i - 1;
            }
            return i < starts.length ? starts[i] : -1;
        }
    }

    /**
     * A recipient's own lines in a free-text bounce: its line and the lines that continue it, up to
     * a blank line or a line that starts a new reply at the same indentation or less (the next line
     * of a Sendmail transcript summary is about another address or domain).
     */
    private static String ownLines(String segment) {
        String[] lines = segment.split("\\r?\\n", 16);
        StringBuilder own = new StringBuilder(lines[0]).append('\n');
        int indent = indentOf(lines[0]);
        for (int i = 1; i < Math.min(lines.length, 15); i++) {
            String line = lines[i];
            if (line.isBlank()) {
                // A blank line ends the recipient's paragraph once it has said something more
                // than the address (a reply code or status); before that, the reason follows.
                if (CODE_OR_STATUS.matcher(own).find()) {
                    break;
                }
                continue;
            }
            if (indentOf(line) <= indent && NEW_REPLY.matcher(line).find()) {
                break;
            }
            own.append(line).append('\n');
        }
        return own.toString();
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Up to the first blank line after the first line, at most a few lines. */
    private static String paragraph(String text) {
        String[] lines = text.split("\r?\n", 12);
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < Math.min(lines.length, 10); i++) {
            if (i > 0 && lines[i].isBlank()) {
                break;
            }
            p.append(lines[i]).append('\n');
        }
        return p.toString();
    }

    private static String bounceText(String text) {
        String t = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        if (!ORIGINAL_FOLLOWS_WORDS.mayMatch(t)) {
            return t;
        }
        Matcher m = ORIGINAL_FOLLOWS.matcher(t);
        if (m.find() && m.start() > 0) {
            t = t.substring(0, m.start());
        }
        return t;
    }

    private static String withoutHeaderLines(String text) {
        // Without any of the field names there is nothing to replace: the text as it is.
        return HEADER_LINE_WORDS.mayMatch(text) ? HEADER_LINE.matcher(text).replaceAll("") : text;
    }

    private static Set<String> ownAddresses(ReceivedMail mail) {
        Set<String> own = new HashSet<>();
        for (String h :
                List.of("From", "To", "Cc", "Reply-To", "Return-Path", "Sender", "Message-ID")) {
            for (String a : AddressScanner.all(mail.header(h))) {
                own.add(a.toLowerCase(Locale.ROOT));
            }
        }
        return own;
    }

    private static boolean isAutoReply(ReceivedMail mail) {
        String from = mail.header("From");
        if (BOUNCE_SENDER.matcher(from).find()) {
            return false;
        }
        String auto = mail.header("Auto-Submitted").toLowerCase(Locale.ROOT);
        return auto.startsWith("auto-replied")
                || !mail.header("X-Autoreply").isEmpty()
                || AUTO_REPLY_SUBJECT.matcher(mail.header("Subject")).find();
    }

    private static boolean looksLikeBounce(ReceivedMail mail, String human) {
        return mail.header("Content-Type").toLowerCase(Locale.ROOT).contains("multipart/report")
                || (BOUNCE_BODY_WORDS.mayMatch(human) && BOUNCE_BODY.matcher(human).find())
                || !mail.header("X-Failed-Recipients").isBlank()
                || BOUNCE_SENDER.matcher(mail.header("From")).find()
                || BOUNCE_SUBJECT.matcher(mail.header("Subject")).find();
    }
}
