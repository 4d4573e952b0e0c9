package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.delivery.schedule.ScheduleCodec;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Controls;
import io.sluice.schema.AttemptDetail;
import io.sluice.schema.BounceClass;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.DeliveryEventType;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.SmtpStage;
import io.sluice.schema.TenantStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReputationCodecTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");
    private static final ReputationRules RULES = ReputationRules.defaults();
    private static final BounceClassifier CLASSIFIER = BounceClassifier.fromClasspath();

    @Test
    void gmailsUnusualRateDeferralIsAThrottleForTheTenantTheIpAndTheIpAtGoogle() {
        DeliveryEvent e =
                event(
                                DeliveryEventType.DEFERRED,
                                "421 Our system has detected an unusual rate",
                                null)
                        .setSite("google")
                        .setAttempt(
                                attempt(
                                        421,
                                        "4.7.28",
                                        "Our system has detected an unusual rate of unsolicited"
                                                + " mail originating from your IP address. To"
                                                + " protect our users from spam, mail sent from"
                                                + " your IP address has been temporarily rate"
                                                + " limited.",
                                        SmtpStage.RCPT))
                        .build();

        assertThat(ReputationCodec.signals(e, RULES, CLASSIFIER))
                .extracting(Signal::entity, Signal::counter)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tenant:acme", Counter.THROTTLES),
                        org.assertj.core.groups.Tuple.tuple("ip:192.0.2.7", Counter.THROTTLES),
                        org.assertj.core.groups.Tuple.tuple(
                                "ip:192.0.2.7@google", Counter.THROTTLES));
    }

    @Test
    void yahoosVolumeDeferralIsAThrottleAndItsBlockABlock() {
        // Both make the delivery job stop the IP at Yahoo (action pause); the rules' reasons
        // decide what they count as: badreputation is a throttle, blocked a block.
        assertThat(
                        yahooDeferral(
                                "[TSS04] Messages from 192.0.2.7 temporarily deferred due to"
                                        + " unexpected volume or user complaints"))
                .containsOnly(Counter.THROTTLES);
        assertThat(
                        yahooDeferral(
                                "[TSS09] All messages from 192.0.2.7 will be permanently"
                                        + " deferred; Retrying will NOT succeed. See"
                                        + " https://senders.yahooinc.com/error-codes"))
                .containsOnly(Counter.BLOCKS);
    }

    private static List<Counter> yahooDeferral(String text) {
        DeliveryEvent e =
                event(DeliveryEventType.DEFERRED, "421 4.7.0 " + text, null)
                        .setSite("yahoo")
                        .setAttempt(attempt(421, "4.7.0", text, SmtpStage.MAIL))
                        .build();
        return ReputationCodec.signals(e, RULES, CLASSIFIER).stream().map(Signal::counter).toList();
    }

    @Test
    void aBounceCountsByTheReasonTheDeliveryJobWrote() {
        DeliveryEvent hard =
                event(DeliveryEventType.BOUNCED, "userunknown: 550 5.1.1 no such user", "HARD")
                        .setSite("google")
                        .setAttempt(attempt(550, "5.1.1", "no such user", SmtpStage.RCPT))
                        .build();
        DeliveryEvent blocked =
                event(
                                DeliveryEventType.BOUNCED,
                                "blocked: 550 5.7.1 part of their network is on our block list"
                                        + " (S3150)",
                                "SOFT")
                        .setSite("microsoft")
                        .setAttempt(
                                attempt(
                                        550,
                                        "5.7.1",
                                        "part of their network is on our block list (S3150)",
                                        SmtpStage.RCPT))
                        .build();

        assertThat(ReputationCodec.signals(hard, RULES, CLASSIFIER))
                .extracting(Signal::counter)
                .containsOnly(Counter.HARD_BOUNCES);
        List<Signal> b = ReputationCodec.signals(blocked, RULES, CLASSIFIER);
        assertThat(b).extracting(Signal::counter).containsOnly(Counter.BLOCKS);
        assertThat(b.get(2).detail()).startsWith("blocked: 550 5.7.1");
    }

    @Test
    void attemptsWithoutAnIpCountForTheTenantOnly() {
        DeliveryEvent attempted = event(DeliveryEventType.ATTEMPTED, null, null).build();
        assertThat(ReputationCodec.signals(attempted, RULES, CLASSIFIER))
                .extracting(Signal::entity)
                .containsExactly("tenant:acme");
        assertThat(
                        ReputationCodec.signals(
                                event(DeliveryEventType.ACCEPTED, null, null).build(),
                                RULES,
                                CLASSIFIER))
                .isEmpty();
    }

    @Test
    void aComplaintCountsForItsTenantAndTheIpThatSentIt() {
        FeedbackEvent f =
                FeedbackEvent.newBuilder()
                        .setFeedbackId("f1")
                        .setType(FeedbackType.COMPLAINT)
                        .setTenant("acme")
                        .setRecipient("r@example.com")
                        .setSendingIp("192.0.2.7")
                        .setOccurredAt(AT)
                        .setReceivedAt(AT)
                        .build();
        assertThat(ReputationCodec.signals(f))
                .extracting(Signal::entity, Signal::counter, Signal::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "tenant:acme", Counter.COMPLAINTS, AT.toEpochMilli()),
                        org.assertj.core.groups.Tuple.tuple(
                                "ip:192.0.2.7", Counter.COMPLAINTS, AT.toEpochMilli()));
    }

    @Test
    void onlyOperatorsDecisionsComeBackAsSignals() {
        ControlEvent resume =
                ControlEvent.newBuilder()
                        .setControlId("c1")
                        .setType(ControlType.TENANT_STATUS)
                        .setIssuedAt(AT)
                        .setIssuedBy("operator:alice")
                        .setTenant("acme")
                        .setTenantStatus(TenantStatus.ACTIVE)
                        .build();
        assertThat(ReputationCodec.signals(resume))
                .containsExactly(
                        Signal.operator(Entity.tenant("acme"), "ACTIVE", AT.toEpochMilli()));
        resume.setIssuedBy(Decision.ISSUED_BY);
        assertThat(ReputationCodec.signals(resume)).as("the job's own decision").isEmpty();
    }

    @Test
    void theDeliveryJobAcceptsEveryDecisionAndReadsItAsMeant() {
        long now = AT.toEpochMilli();
        Decision block =
                new Decision(
                        "id1",
                        Decision.Type.IP_STATUS,
                        "192.0.2.7",
                        "yahoo",
                        null,
                        null,
                        "BLOCKED",
                        null,
                        null,
                        now,
                        now + 3_600_000,
                        "blocks",
                        Map.of("blocks_1h", 2.0));
        Decision quarantine =
                new Decision(
                        "id2",
                        Decision.Type.TENANT_STATUS,
                        null,
                        null,
                        "quarantine",
                        "acme",
                        "QUARANTINED",
                        null,
                        null,
                        now,
                        null,
                        "bounces",
                        Map.of());
        Decision quota =
                new Decision(
                        "id3",
                        Decision.Type.WARMUP_QUOTA,
                        "192.0.2.8",
                        "google",
                        null,
                        null,
                        null,
                        200L,
                        2,
                        now,
                        null,
                        "step 2",
                        Map.of());
        Decision warm =
                new Decision(
                        "id4",
                        Decision.Type.WARMUP_QUOTA,
                        "192.0.2.9",
                        null,
                        null,
                        null,
                        null,
                        400L,
                        3,
                        now,
                        now,
                        "warm",
                        Map.of());

        ControlEvent avro = ReputationCodec.toAvro(block);
        assertThat(avro.getIssuedBy()).isEqualTo("reputation-job");
        assertThat(avro.getFigures()).containsEntry("blocks_1h", 2.0);
        Controls controls =
                new Controls(
                        List.of(
                                control(block),
                                control(quarantine),
                                control(quota),
                                control(warm)));

        assertThat(controls.ipStoppedUntil("yahoo", "192.0.2.7", now)).isEqualTo(now + 3_600_000);
        assertThat(controls.ipStoppedUntil("google", "192.0.2.7", now)).isZero();
        assertThat(controls.tenantPool("acme", now)).contains("quarantine");
        assertThat(controls.quota("google", "192.0.2.8", now)).isEqualTo(200);
        assertThat(controls.quota("google", "192.0.2.9", now)).as("warm: no quota").isEqualTo(-1);
    }

    private static Control control(Decision d) {
        return ScheduleCodec.toControl(ReputationCodec.toAvro(d));
    }

    private static DeliveryEvent.Builder event(
            DeliveryEventType type, String reason, String bounceClass) {
        return DeliveryEvent.newBuilder()
                .setEventId("m1:" + type)
                .setMessageId("m1")
                .setTenant("acme")
                .setRecipient("r@example.com")
                .setType(type)
                .setOccurredAt(AT)
                .setReason(reason)
                .setBounceClass(bounceClass == null ? null : BounceClass.valueOf(bounceClass));
    }

    private static AttemptDetail attempt(int code, String status, String text, SmtpStage stage) {
        return AttemptDetail.newBuilder()
                .setNumber(1)
                .setSendingIp("192.0.2.7")
                .setStage(stage)
                .setReplyCode(code)
                .setEnhancedStatus(status)
                .setReplyText(text)
                .build();
    }
}
