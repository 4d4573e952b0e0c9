package io.sluice.mta.smtp;

import io.sluice.mta.route.MxResolver;
import java.time.Clock;

/** The delivery contract for the non-blocking client, the one the delivery job uses. */
class SmtpDeliveryITCase extends SmtpDeliveryContract {

    private static final java.util.concurrent.Executor PREPARE =
            java.util.concurrent.Executors.newFixedThreadPool(
                    2,
                    r -> {
                        Thread t = new Thread(r, "prepare");
                        t.setDaemon(true);
                        return t;
                    });

    @Override
    SmtpClient client(MxResolver resolver, SmtpSettings settings) {
        // As the job runs it: messages built on their own threads, not on the event loop.
        return new AsyncSmtpDelivery(resolver, settings, Clock.systemUTC(), 1, PREPARE, 2);
    }
}
