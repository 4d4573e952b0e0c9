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
 * @param threads blocking SMTP sessions in flight per task
 */
public record DeliverySettings(
        String dnsServer,
        Duration dnsTimeout,
        SmtpSettings smtp,
        List<String> sendingIps,
        String defaultPool,
        RetrySchedule retry,
        int threads)
        implements Serializable {

    public DeliverySettings {
        sendingIps = List.copyOf(sendingIps);
        SendingPools.parse(sendingIps, defaultPool);
    }
}
