package io.sluice.sim.profile;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply a provider gives: the code and the text after it, usually starting with the
 * enhanced status code. {@code {ip}} and {@code {domain}} and {@code {rcpt}} in the text stand for
 * the client's address, the sending domain and the recipient, as the real providers fill them in.
 */
public record Reply(int code, String text) {

    private static final Pattern STATUS =
            Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    public Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not an SMTP reply code: " + code);
        }
    }

    public boolean permanent() {
        return code >= 500;
    }

    /** The enhanced status code (RFC 3463) the text starts with, or empty. */
    public String status() {
        Matcher m = STATUS.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    public String render(String ip, String domain, String recipient) {
        return text.replace("{ip}", ip).replace("{domain}", domain).replace("{rcpt}", recipient);
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
