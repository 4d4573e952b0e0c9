package io.sluice.mta.smtp;

import io.sluice.mta.route.MxResolver;
import java.time.Clock;

/** The delivery contract for the non-blocking client, the one the delivery job uses. */
class SmtpDeliveryITCase extends SmtpDeliveryContract {

    @Override
    SmtpClient client(MxResolver resolver, SmtpSettings settings) {
        return new AsyncSmtpDelivery(resolver, settings, Clock.systemUTC());
    }
}
