package io.sluice.bounce.mail;

/**
 * One leaf of a received message, decoded to text.
 *
 * @param contentType the lower-case media type without parameters, e.g. {@code
 *     message/delivery-status}
 * @param text the decoded content (transfer encoding and charset undone)
 * @param enclosed whether the part sits inside an attached original message (RFC 3462 third part)
 */
public record MailPart(String contentType, String text, boolean enclosed) {

    public boolean is(String type) {
        return contentType.equals(type);
    }
}
