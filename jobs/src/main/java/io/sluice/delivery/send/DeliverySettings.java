package io.sluice.delivery.send;

import io.sluice.mta.smtp.SmtpSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * What the delivery step needs to know, resolved from the job's options at submission.
 *
 * @param dnsServer {@code host:port} of the resolver to ask; null for the system's
 * @param sendingIps pool/address/ehlo-name entries (see {@link SendingPools})
 * @param threads SMTP attempts in flight per task (with the blocking client, a thread each)
 * @param smtpClient {@code async} (AsyncSmtpDelivery) or {@code angus} (SmtpDelivery)
 * @param tls the sites and tenants whose mail requires TLS
 * @param dkimKeys domain/selector/pem-path entries of the signing keys
 * @param returnPaths how each message's MAIL FROM is made (VERP at the bounce domain)
 * @param unsubscribeLinks how each message's one-click unsubscribe URL is made
 */
public record DeliverySettings(
        String dnsServer,
        Duration dnsTimeout,
        SmtpSettings smtp,
        List<String> sendingIps,
        String defaultPool,
        RetrySchedule retry,
        int threads,
        String smtpClient,
        TlsPolicy tls,
        List<String> dkimKeys,
        ReturnPaths returnPaths,
        UnsubscribeLinks unsubscribeLinks)
        implements Serializable {

    public DeliverySettings {
        sendingIps = List.copyOf(sendingIps);
        dkimKeys = List.copyOf(dkimKeys);
        for (String entry : dkimKeys) {
            if (entry.split("/", 3).length != 3) {
                throw new IllegalArgumentException(
                        "sluice.dkim.keys entry '"
                                + entry
                                + "' -- expected domain/selector/path-to-PEM");
            }
        }
        SendingPools.parse(sendingIps, defaultPool);
    }
}
