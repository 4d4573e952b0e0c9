package io.sluice.bounce.classify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP reply as the classifier sees it.
 *
 * @param code the three-digit reply code (RFC 5321 section 4.2), or 0 when unknown
 * @param status the enhanced status code {@code class.subject.detail} (RFC 3463), or "" when
 *     unknown
 * @param text the reply text, never null
 */
public record SmtpReply(int code, String status, String text) {

    // RFC 3463 section 2: class is 2, 4 or 5; subject and detail are 1-3 digits.
    private static final Pattern STATUS =
            Pattern.compile("(?<![\\d.])([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]*\\d)");
    private static final Pattern LEADING_CODE = Pattern.compile("^\\s*([245][0-9][0-9])(?:[ -]|$)");
    private static final Pattern ANY_CODE =
            Pattern.compile("(?<![\\w.#-])([245][0-5][0-9])(?:[ -]|$)");

    public SmtpReply {
        status = status == null ? "" : status.trim();
        text = text == null ? "" : text;
    }

    /**
     * Reads a reply line such as {@code 550-5.1.1 The email account ... does not exist}. The code
     * and status are taken from where RFC 5321 and RFC 2034 put them (the start of the line); the
     * status is also looked for anywhere in the text, since bounce messages quote it mid-sentence.
     */
    public static SmtpReply parse(String line) {
        String text = line == null ? "" : line;
        int code = 0;
        Matcher leading = LEADING_CODE.matcher(text);
        if (leading.find()) {
            code = Integer.parseInt(leading.group(1));
        }
        Matcher status = STATUS.matcher(text);
        return new SmtpReply(code, status.find() ? status.group(1) : "", text);
    }

    /**
     * Like {@link #parse} but looks for the reply code anywhere in free text ("host said: 550
     * ..."), the way MTAs quote remote replies in their bounce messages.
     */
    public static SmtpReply find(String text) {
        SmtpReply reply = parse(text);
        if (reply.code != 0) {
            return reply;
        }
        Matcher any = ANY_CODE.matcher(reply.text);
        int code = any.find() ? Integer.parseInt(any.group(1)) : 0;
        return new SmtpReply(code, reply.status, reply.text);
    }

    public SmtpReply withText(String newText) {
        return new SmtpReply(code, status, newText);
    }

    /** A 4xx reply (or, without a code, a 4.x.x status): the receiver asks us to try again. */
    public boolean isTransient() {
        return code != 0 ? code / 100 == 4 : status.startsWith("4.");
    }

    /** A 5xx reply (or, without a code, a 5.x.x status). */
    public boolean isPermanent() {
        return code != 0 ? code / 100 == 5 : status.startsWith("5.");
    }
}
