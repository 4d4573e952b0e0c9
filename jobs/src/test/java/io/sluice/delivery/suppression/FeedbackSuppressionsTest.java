package io.sluice.delivery.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.BounceDetail;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeedbackSuppressionsTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @ParameterizedTest(name = "{0} {1} tenant={2} -> {3} {4}")
    @CsvSource({
        "COMPLAINT,   ,     acme, TENANT, COMPLAINT",
        "UNSUBSCRIBE, ,     acme, TENANT, UNSUBSCRIBE",
        "COMPLAINT,   ,         , GLOBAL, COMPLAINT",
        "BOUNCE,      hard, acme, GLOBAL, HARD_BOUNCE",
        "BOUNCE,      soft, acme,       ,",
        "BOUNCE,          , acme,       ,",
        "OPEN,        ,     acme,       ,",
        "CLICK,       ,     acme,       ,",
    })
    void onlyComplaintsUnsubscribesAndHardBouncesSuppress(
            FeedbackType type,
            String bounceClass,
            String tenant,
            SuppressionScope scope,
            SuppressionReason reason) {
        FeedbackEvent f =
                FeedbackEvent.newBuilder()
                        .setFeedbackId("fb-1")
                        .setType(type)
                        .setTenant(tenant)
                        .setRecipient("Reader@Gmail.com")
                        .setOccurredAt(T0)
                        .setReceivedAt(T0.plusSeconds(5))
                        .setProvider("gmail")
                        .setBounce(
                                bounceClass == null
                                        ? null
                                        : BounceDetail.newBuilder()
                                                .setBounceClass(bounceClass)
                                                .build())
                        .build();

        SuppressionChange c = FeedbackSuppressions.suppressionOf(f);

        if (reason == null) {
            assertThat(c).isNull();
            return;
        }
        assertThat(c.getAddress()).isEqualTo("reader@gmail.com");
        assertThat(c.getScope()).isEqualTo(scope);
        assertThat(c.getTenant()).isEqualTo(scope == SuppressionScope.TENANT ? tenant : null);
        assertThat(c.getReason()).isEqualTo(reason);
        assertThat(c.getSourceEventId()).isEqualTo("fb-1");
        assertThat(c.getChangedAt()).isEqualTo(T0.plusSeconds(5));
    }
}
