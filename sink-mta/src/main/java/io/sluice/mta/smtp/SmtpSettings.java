package io.sluice.mta.smtp;

import java.time.Duration;

/**
 * How the SMTP client behaves. The timeouts default to RFC 5321 section 4.5.3.2's minimums (5
 * minutes per command, 10 for the end of data); a lower connect timeout lets a dead MX fail over to
 * the next quickly.
 *
 * @param port 25 on the Internet; tests and the local stack use a high port on loopback
 * @param maxMessagesPerConnection a connection is closed and reopened after this many messages
 * @param maxConnectionsPerHost cap on simultaneous connections from one sending IP to one MX host
 * @param idleTimeout an unused connection is closed after this long
 * @param startTls use STARTTLS when the server offers it (opportunistic, RFC 3207)
 * @param tlsRequired never send in clear: a server that does not offer STARTTLS fails the attempt
 *     temporarily (the non-blocking client; sites can require it too, {@link SiteLimits})
 */
public record SmtpSettings(
        int port,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration dataEndTimeout,
        int maxMessagesPerConnection,
        int maxConnectionsPerHost,
        Duration idleTimeout,
        boolean startTls,
        boolean tlsRequired)
        implements java.io.Serializable {

    /** Settings with TLS opportunistic (when {@code startTls}), never required. */
    public SmtpSettings(
            int port,
            Duration connectTimeout,
            Duration commandTimeout,
            Duration dataEndTimeout,
            int maxMessagesPerConnection,
            int maxConnectionsPerHost,
            Duration idleTimeout,
            boolean startTls) {
        this(
                port,
                connectTimeout,
                commandTimeout,
                dataEndTimeout,
                maxMessagesPerConnection,
                maxConnectionsPerHost,
                idleTimeout,
                startTls,
                false);
    }

    public static SmtpSettings defaults() {
        return new SmtpSettings(
                25,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                100,
                5,
                Duration.ofSeconds(5),
                true);
    }

    public SmtpSettings withPort(int newPort) {
        return new SmtpSettings(
                newPort,
                connectTimeout,
                commandTimeout,
                dataEndTimeout,
                maxMessagesPerConnection,
                maxConnectionsPerHost,
                idleTimeout,
                startTls,
                tlsRequired);
    }

    /** These settings with every SMTP time-out (not the connect time-out) set to {@code t}. */
    public SmtpSettings withCommandTimeouts(Duration t) {
        return new SmtpSettings(
                port,
                connectTimeout,
                t,
                t,
                maxMessagesPerConnection,
                maxConnectionsPerHost,
                idleTimeout,
                startTls,
                tlsRequired);
    }

    public SmtpSettings withTlsRequired(boolean required) {
        return new SmtpSettings(
                port,
                connectTimeout,
                commandTimeout,
                dataEndTimeout,
                maxMessagesPerConnection,
                maxConnectionsPerHost,
                idleTimeout,
                startTls,
                required);
    }
}
