package io.sluice.mta.smtp;

import io.sluice.mta.route.MxResolver;
import java.time.Clock;

/**
 * The delivery contract for the blocking client on Angus Mail ({@code sluice.smtp.client: angus}).
 */
class AngusSmtpDeliveryITCase extends SmtpDeliveryContract {

    @Override
    SmtpClient client(MxResolver resolver, SmtpSettings settings) {
        return new SmtpDelivery(resolver, settings, Clock.systemUTC());
    }

    /**
     * Angus Mail's pool keeps idle connections per MX host: a thread whose host has none while the
     * site is at its cap closes an idle connection to the other host and opens its own (the async
     * client lends the twin's instead). Measured: 22-24 connections on a quiet machine, 32 with a
     * build running beside it (docs/adr/0005); the async client opens 14.
     */
    @Override
    int connectionsFor120() {
        return 40;
    }
}
