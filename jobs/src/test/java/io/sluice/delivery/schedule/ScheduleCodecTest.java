package io.sluice.delivery.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.intake.Decoders;
import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.Controls;
import io.sluice.delivery.shaping.DkimChange;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.ShapingRules;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DkimKeyAction;
import io.sluice.schema.DkimKeyChange;
import io.sluice.schema.IpStatus;
import io.sluice.schema.SchemaVersions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScheduleCodecTest {

    static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

    static Stream<Feedback> feedback() {
        return Stream.of(
                new Feedback(
                        "google",
                        "192.0.2.1",
                        Feedback.Kind.REPLY,
                        "421 4.7.28 Our system has detected an unusual rate; try again in 5"
                                + " minutes",
                        BounceAction.THROTTLE,
                        300_000,
                        T0),
                new Feedback(
                        "yahoo",
                        "192.0.2.2",
                        Feedback.Kind.REPLY,
                        "554 no status here",
                        BounceAction.PAUSE,
                        0,
                        T0),
                new Feedback(
                        "contoso.example",
                        "192.0.2.3",
                        Feedback.Kind.DELIVERED,
                        "250 2.0.0 OK",
                        null,
                        0,
                        T0),
                new Feedback(
                        "smallisp.example",
                        "192.0.2.3",
                        Feedback.Kind.CONNECTION_FAILURE,
                        "connection refused",
                        null,
                        0,
                        T0),
                new Feedback("x.example", "192.0.2.3", Feedback.Kind.LOCAL, null, null, 0, T0));
    }

    @ParameterizedTest
    @MethodSource("feedback")
    void feedbackSurvivesTheTopic(Feedback f) throws Exception {
        byte[] bytes = SendRequestCodec.encode(ScheduleCodec.toAvro(f));
        RawRecord r =
                new RawRecord("sluice.pacing-feedback", 0, 1, null, bytes, SchemaVersions.CURRENT);

        assertThat(Decoders.pacingFeedback(r)).isEqualTo(f);
    }

    @Test
    void theReplyIsSplitIntoCodeStatusAndText() {
        var avro = ScheduleCodec.toAvro(feedback().findFirst().orElseThrow());

        assertThat(avro.getReplyCode()).isEqualTo(421);
        assertThat(avro.getEnhancedStatus()).isEqualTo("4.7.28");
        assertThat(avro.getReplyText()).startsWith("Our system has detected");
        assertThat(avro.getAction()).isEqualTo("throttle");
    }

    static ControlEvent.Builder control(ControlType type) {
        return ControlEvent.newBuilder()
                .setControlId("c1")
                .setType(type)
                .setIssuedAt(Instant.ofEpochMilli(T0));
    }

    @Test
    void anIpStatusBecomesTheSchedulersControl() {
        Control c =
                ScheduleCodec.toControl(
                        control(ControlType.IP_STATUS)
                                .setSendingIp("192.0.2.1")
                                .setSite("google")
                                .setIpStatus(IpStatus.BLOCKED)
                                .setExpiresAt(Instant.ofEpochMilli(T0 + 60_000))
                                .build());

        assertThat(c.type()).isEqualTo(Control.Type.IP_STATUS);
        assertThat(c.status()).isEqualTo("BLOCKED");
        assertThat(c.scope()).isEqualTo("IP_STATUS|192.0.2.1|google|");
        assertThat(c.inForce(T0 + 59_999)).isTrue();
        assertThat(c.inForce(T0 + 60_000)).isFalse();
    }

    @Test
    void aDkimKeyChangeRidesToTheSmtpStageAndAWithdrawalReplacesItsSelectorsActivation() {
        Control activate =
                ScheduleCodec.toControl(
                        control(ControlType.DKIM_KEY)
                                .setDkim(
                                        DkimKeyChange.newBuilder()
                                                .setDomain("Acme.Example")
                                                .setSelector("s2")
                                                .setAlgorithm("rsa-sha256")
                                                .setAction(DkimKeyAction.ACTIVATE)
                                                .setKeyRef("/keys/s2.pem")
                                                .build())
                                .build());
        Control withdraw =
                ScheduleCodec.toControl(
                        control(ControlType.DKIM_KEY)
                                .setIssuedAt(Instant.ofEpochMilli(T0 + 1))
                                .setDkim(
                                        DkimKeyChange.newBuilder()
                                                .setDomain("acme.example")
                                                .setSelector("s2")
                                                .setAlgorithm("")
                                                .setAction(DkimKeyAction.WITHDRAW)
                                                .build())
                                .build());

        assertThat(activate.dkim())
                .isEqualTo(
                        new DkimChange(
                                "acme.example", "s2", "rsa-sha256", false, "/keys/s2.pem", T0));
        assertThat(withdraw.dkim().withdraw()).isTrue();
        assertThat(withdraw.scope()).isEqualTo(activate.scope());
        // Another domain's releases carry nothing; this domain's carry its changes, oldest first.
        Controls both =
                new Controls(
                        List.of(
                                withdraw,
                                ScheduleCodec.toControl(
                                        control(ControlType.DKIM_KEY)
                                                .setDkim(
                                                        DkimKeyChange.newBuilder()
                                                                .setDomain("acme.example")
                                                                .setSelector("s1")
                                                                .setAlgorithm("")
                                                                .setAction(DkimKeyAction.WITHDRAW)
                                                                .build())
                                                .build())));
        assertThat(both.dkim("globex.example")).isNull();
        assertThat(both.dkim("ACME.example"))
                .extracting(DkimChange::selector)
                .containsExactly("s1", "s2");
    }

    @Test
    void aDkimActivationWithoutItsKeyIsRefusedAtTheEdge() {
        assertThatThrownBy(
                        () ->
                                ScheduleCodec.toControl(
                                        control(ControlType.DKIM_KEY)
                                                .setDkim(
                                                        DkimKeyChange.newBuilder()
                                                                .setDomain("acme.example")
                                                                .setSelector("s2")
                                                                .setAlgorithm("rsa-sha256")
                                                                .setAction(DkimKeyAction.ACTIVATE)
                                                                .build())
                                                .build()))
                .hasMessageContaining("dkim.key_ref");
    }

    @Test
    void anIncompleteOrMalformedDecisionIsRefusedAtTheEdge() {
        assertThatThrownBy(() -> ScheduleCodec.toControl(control(ControlType.IP_STATUS).build()))
                .hasMessageContaining("c1")
                .hasMessageContaining("sending_ip");
        assertThatThrownBy(
                        () ->
                                ScheduleCodec.toControl(
                                        control(ControlType.RATE_OVERRIDE)
                                                .setSite("google")
                                                .setRate("500/hr")
                                                .build()))
                .hasMessageContaining("500/hr");
    }

    @Test
    void feedbackGoesToEveryShardOfItsSite() {
        SiteKeys keys =
                new SiteKeys(ShapingRules.parse("t.rules", "default rate=1/s\ngoogle shards=4"));
        var out = new ArrayList<ScheduleInput>();
        new FeedbackFanOut(keys)
                .flatMap(feedback().findFirst().orElseThrow(), new ListCollector<>(out));

        assertThat(out)
                .extracting(ScheduleInput::key)
                .containsExactly("google#0", "google#1", "google#2", "google#3");
    }
}
