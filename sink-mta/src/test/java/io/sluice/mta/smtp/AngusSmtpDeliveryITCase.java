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
}
