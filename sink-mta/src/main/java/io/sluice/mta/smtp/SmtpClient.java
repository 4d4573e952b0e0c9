package io.sluice.mta.smtp;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Delivers one message to one recipient from one sending IP, and says how it went as an {@link
 * AttemptResult}. Two implementations, compared in docs/adr/0005-non-blocking-smtp-client.md:
 * {@link AsyncSmtpDelivery} (non-blocking, PIPELINING, the job's default) and {@link SmtpDelivery}
 * (Angus Mail's blocking transport on a thread pool).
 */
public interface SmtpClient extends AutoCloseable {

    /**
     * Resolves the recipient's MX hosts, takes a connection bound to {@code ip} (failing over to
     * the next address and MX host when a connection or handshake fails) and runs the transaction.
     * The future always completes with a result, DNS and connection failures included; it completes
     * exceptionally only when {@code mime} itself throws, which is the caller's fault, not the
     * site's.
     *
     * @param mime called once a connection is ready, so the message is signed with the keys in
     *     force when it goes (CRLF line ends)
     * @param limits what the recipient's site allows the sending IP; null for the settings' limits
     */
    CompletableFuture<AttemptResult> deliverAsync(
            String envelopeFrom,
            String recipient,
            Supplier<byte[]> mime,
            SendingIp ip,
            SiteLimits limits);

    /** Sets the listener of new connections refused with a 4xx (one; the last set wins). */
    void onRefusedConnection(SmtpDelivery.RefusalListener listener);

    /**
     * As {@link #deliverAsync}, waiting for the result: for tests and tools, never a task thread.
     */
    default AttemptResult deliver(
            String envelopeFrom, String recipient, byte[] mime, SendingIp ip, SiteLimits limits) {
        return deliverAsync(envelopeFrom, recipient, () -> mime, ip, limits).join();
    }

    default AttemptResult deliver(
            String envelopeFrom, String recipient, byte[] mime, SendingIp ip) {
        return deliver(envelopeFrom, recipient, mime, ip, null);
    }

    @Override
    void close();
}
