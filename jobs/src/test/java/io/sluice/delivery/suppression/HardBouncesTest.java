package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.delivery.event.Attempt;
import io.sluice.delivery.event.Event;
import io.sluice.delivery.event.EventType;
import io.sluice.delivery.intake.Messages;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HardBouncesTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @ParameterizedTest
    @CsvSource({
        "BOUNCED, HARD, true",
        "BOUNCED, SOFT, false",
        "DEFERRED, , false",
        "EXPIRED, , false",
        "DELIVERED, , false",
    })
    void onlyAHardBounceSuppresses(EventType type, String bounceClass, boolean suppresses) {
        Event e = event(type, bounceClass, "Reader@GMAIL.com");

        SuppressionChange c = HardBounces.suppressionOf(e);

        if (!suppresses) {
            assertThat(c).isNull();
            return;
        }
        assertThat(c.getAddress()).isEqualTo("reader@gmail.com");
        assertThat(c.getScope()).isEqualTo(SuppressionScope.GLOBAL);
        assertThat(c.getAction()).isEqualTo(SuppressionAction.ADD);
        assertThat(c.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
        assertThat(c.getSourceEventId()).isEqualTo(e.eventId());
        assertThat(c.getChangedAt()).isEqualTo(T0);
        assertThat(SuppressionChanges.topicKey(c)).isEqualTo("global:reader@gmail.com");
    }

    private static Event event(EventType type, String bounceClass, String recipient) {
        var m = Messages.with(Messages.valid("m-1"), b -> b.setRecipient(recipient));
        return Event.ofAttempt(
                m,
                type,
                T0,
                "userunknown: 550 5.1.1 The email account that you tried to reach does not exist.",
                "gmail.com",
                "shared",
                new Attempt(
                        1,
                        "127.0.0.10",
                        "gmail-smtp-in.l.google.com",
                        "RCPT",
                        550,
                        "5.1.1",
                        "x",
                        12,
                        true),
                null,
                bounceClass);
    }
}
