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
 * @param command the command the reply answered, {@link SmtpCommand#UNKNOWN} when not known
 */
public record SmtpReply(int code, String status, String text, SmtpCommand command) {

    // RFC 3463 section 2: class is 2, 4 or 5; subject and detail are 1-3 digits.
    private static final Pattern STATUS =
            Pattern.compile("(?<![\\d.])([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]*\\d)");
    private static final Pattern LEADING_CODE = Pattern.compile("^\\s*([245][0-9][0-9])(?:[ -]|$)");
    private static final Pattern ANY_CODE =
            Pattern.compile("(?<![\\w.#-])([245][0-5][0-9])(?:[ -]|$)");

    public SmtpReply {
        status = status == null ? "" : status.trim();
        text = text == null ? "" : text;
        command = command == null ? SmtpCommand.UNKNOWN : command;
    }

    /** A reply to a command that is not known. */
    public SmtpReply(int code, String status, String text) {
        this(code, status, text, SmtpCommand.UNKNOWN);
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
        if (reply.code >= 400) {
            return reply;
        }
        // A quoted session may start with the greeting ("220-host ... 421 4.2.1 refused"); the
        // failure is the 4xx or 5xx that follows, not the banner.
        Matcher any = ANY_CODE.matcher(reply.text);
        int code = reply.code;
        String status = reply.status;
        if (status.startsWith("2.")) {
            Matcher later = STATUS.matcher(reply.text);
            while (later.find()) {
                if (!later.group(1).startsWith("2.")) {
                    status = later.group(1);
                    break;
                }
            }
        }
        while (any.find()) {
            int found = Integer.parseInt(any.group(1));
            if (code == 0 || found >= 400) {
                code = found;
                if (found >= 400) {
                    break;
                }
            }
        }
        return new SmtpReply(code, status, reply.text);
    }

    public SmtpReply withText(String newText) {
        return new SmtpReply(code, status, newText, command);
    }

    public SmtpReply withCommand(SmtpCommand newCommand) {
        return new SmtpReply(code, status, text, newCommand);
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
