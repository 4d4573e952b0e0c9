package io.sluice.delivery.schedule;

import io.sluice.bounce.classify.BounceAction;
import io.sluice.delivery.shaping.Control;
import io.sluice.delivery.shaping.DkimChange;
import io.sluice.delivery.shaping.Feedback;
import io.sluice.delivery.shaping.Rate;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.DkimKeyAction;
import io.sluice.schema.DkimKeyChange;
import io.sluice.schema.PacingFeedback;
import io.sluice.schema.PacingFeedbackKind;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scheduler's two Kafka inputs mapped at the edge: {@code ControlEvent} to {@link Control}, and
 * {@link Feedback} to and from {@code PacingFeedback}.
 */
public final class ScheduleCodec {

    /**
     * {@link Feedback#reply()} as the SMTP stage writes it: code, RFC 3463 status when sent, text
     * (the form the response rules match).
     */
    private static final Pattern REPLY =
            Pattern.compile("^([2-5]\\d\\d)(?: ([245]\\.\\d{1,3}\\.\\d{1,3}))?(?: (.*))?$");

    private ScheduleCodec() {}

    /**
     * The control decision the scheduler keeps, or null for one it has no use for: a DKIM key
     * change (the SMTP stage's business) or a type this build does not know.
     *
     * @throws IllegalArgumentException when a decision lacks what its type needs
     */
    public static Control toControl(ControlEvent e) {
        Control.Type type =
                switch (e.getType()) {
                    case IP_STATUS -> Control.Type.IP_STATUS;
                    case WARMUP_QUOTA -> Control.Type.WARMUP_QUOTA;
                    case RATE_OVERRIDE -> Control.Type.RATE_OVERRIDE;
                    case TENANT_STATUS -> Control.Type.TENANT_STATUS;
                    case DKIM_KEY -> Control.Type.DKIM_KEY;
                    case UNKNOWN -> null;
                };
        if (type == null) {
            return null;
        }
        String status = null;
        DkimChange dkim = null;
        switch (type) {
            case IP_STATUS -> {
                // No IP: every IP at the site (an operator's site-wide pause).
                require(e.getSendingIp() != null || e.getSite() != null, e, "sending_ip or site");
                require(e.getIpStatus() != null, e, "ip_status");
                status = e.getIpStatus().name();
            }
            case WARMUP_QUOTA -> {
                require(e.getSendingIp() != null, e, "sending_ip");
                require(e.getQuotaPerDay() != null, e, "quota_per_day");
            }
            case RATE_OVERRIDE -> {
                require(e.getSite() != null, e, "site");
                require(e.getRate() != null, e, "rate");
                // Fails here, at the edge, rather than in the scheduler on every decision.
                Rate.parse(e.getRate());
            }
            case TENANT_STATUS -> {
                require(e.getTenant() != null, e, "tenant");
                require(e.getTenantStatus() != null, e, "tenant_status");
                status = e.getTenantStatus().name();
            }
            case DKIM_KEY -> {
                DkimKeyChange k = e.getDkim();
                require(k != null, e, "dkim");
                require(
                        k.getAction() == DkimKeyAction.ACTIVATE
                                || k.getAction() == DkimKeyAction.WITHDRAW,
                        e,
                        "dkim.action ACTIVATE or WITHDRAW");
                boolean withdraw = k.getAction() == DkimKeyAction.WITHDRAW;
                require(withdraw || k.getKeyRef() != null, e, "dkim.key_ref");
                dkim =
                        new DkimChange(
                                k.getDomain(),
                                k.getSelector(),
                                withdraw ? null : k.getAlgorithm(),
                                withdraw,
                                withdraw ? null : k.getKeyRef(),
                                e.getIssuedAt().toEpochMilli());
            }
        }
        return new Control(
                type,
                e.getSendingIp(),
                e.getSite(),
                e.getIpPool(),
                e.getTenant(),
                status,
                e.getQuotaPerDay(),
                e.getRate(),
                e.getExpiresAt(),
                e.getReason(),
                dkim);
    }

    private static void require(boolean present, ControlEvent e, String field) {
        if (!present) {
            throw new IllegalArgumentException(
                    "control " + e.getControlId() + " of type " + e.getType() + " has no " + field);
        }
    }

    public static PacingFeedback toAvro(Feedback f) {
        int code = 0;
        String status = null;
        String text = f.reply();
        if (f.reply() != null) {
            Matcher m = REPLY.matcher(f.reply());
            if (m.matches()) {
                code = Integer.parseInt(m.group(1));
                status = m.group(2);
                text = m.group(3);
            }
        }
        return PacingFeedback.newBuilder()
                .setSite(f.site())
                .setSendingIp(f.sendingIp())
                .setShard(f.shard())
                .setKind(PacingFeedbackKind.valueOf(f.kind().name()))
                .setReplyCode(code)
                .setEnhancedStatus(status)
                .setReplyText(text)
                .setAction(f.action() == null ? null : f.action().id())
                .setRetryAfterMs(f.retryAfterMillis())
                .setOccurredAt(Instant.ofEpochMilli(f.atMillis()))
                .build();
    }

    /**
     * @throws IllegalArgumentException for a kind this build does not know (a newer writer's)
     */
    public static Feedback toFeedback(PacingFeedback p) {
        if (p.getKind() == PacingFeedbackKind.UNKNOWN) {
            throw new IllegalArgumentException(
                    "pacing feedback for " + p.getSite() + " of unknown kind");
        }
        StringBuilder reply = new StringBuilder();
        if (p.getReplyCode() > 0) {
            reply.append(p.getReplyCode());
            if (p.getEnhancedStatus() != null) {
                reply.append(' ').append(p.getEnhancedStatus());
            }
        }
        if (p.getReplyText() != null) {
            if (reply.length() > 0) {
                reply.append(' ');
            }
            reply.append(p.getReplyText());
        }
        return new Feedback(
                p.getSite(),
                p.getSendingIp(),
                Feedback.Kind.valueOf(p.getKind().name()),
                reply.length() == 0 ? null : reply.toString(),
                p.getAction() == null ? null : BounceAction.byId(p.getAction()).orElse(null),
                p.getRetryAfterMs(),
                p.getOccurredAt().toEpochMilli(),
                p.getShard());
    }
}
