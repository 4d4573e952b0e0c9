package io.sluice.mta.smtp;

/**
 * A new connection's greeting, EHLO or STARTTLS was refused or failed: the clients try the next MX
 * host and remember what this one said. Unchecked, so that the non-blocking client can raise it
 * inside its future chains; without a stack trace, since it is an expected outcome.
 */
final class HandshakeFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int code;
    final SmtpStage stage;
    final String reply;

    HandshakeFailure(int code, SmtpStage stage, String message, String reply) {
        super(message, null, false, false);
        this.code = code;
        this.stage = stage;
        this.reply = reply;
    }
}
