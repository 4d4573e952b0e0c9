package io.sluice.reputation;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.Classification;
import io.sluice.bounce.classify.Reason;
import io.sluice.bounce.classify.SmtpCommand;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.delivery.intake.RawRecord;
import io.sluice.delivery.intake.SendRequestCodec;
import io.sluice.schema.AttemptDetail;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DeliveryEvent;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.IpStatus;
import io.sluice.schema.TenantStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reputation job's edge: delivery events, feedback events and operators' control decisions to
 * {@link Signal}s, and {@link Decision}s to {@code ControlEvent}s.
 */
public final class ReputationCodec {

    /** {@code issued_by} of decisions an operator made by hand (the CLI writes operator:USER). */
    public static final String OPERATOR_PREFIX = "operator:";

    private ReputationCodec() {}

    public static DeliveryEvent deliveryEvent(RawRecord r) throws Exception {
        return SendRequestCodec.decode(
                r.value(), DeliveryEvent.class, DeliveryEvent.getClassSchema(), r.schemaVersion());
    }

    public static FeedbackEvent feedbackEvent(RawRecord r) throws Exception {
        return SendRequestCodec.decode(
                r.value(), FeedbackEvent.class, FeedbackEvent.getClassSchema(), r.schemaVersion());
    }

    /** A decision of the control topic; null for a tombstone. */
    public static ControlEvent controlEvent(RawRecord r) throws Exception {
        if (r.value() == null) {
            return null;
        }
        return SendRequestCodec.decode(
                r.value(), ControlEvent.class, ControlEvent.getClassSchema(), r.schemaVersion());
    }

    /**
     * The counts a delivery event adds: to its tenant, and when it says which IP sent it, to the IP
     * and the IP at its site. A bounce's reason is the one the delivery job wrote ({@code reason:
     * reply}); a deferral's reply is classified here, with the stage it answered, because the
     * delivery job writes only the reply on a DEFERRED event.
     */
    public static List<Signal> signals(
            DeliveryEvent e, ReputationRules rules, BounceClassifier classifier) {
        String type = e.getType().name();
        String reason = null;
        String action = null;
        AttemptDetail a = e.getAttempt();
        if (type.equals("BOUNCED") || type.equals("DEFERRED")) {
            reason = writtenReason(e.getReason());
            Classification v = classify(a, e.getSite(), classifier);
            if (v != null) {
                action = v.action().id();
                if (reason == null) {
                    reason = v.reason().id();
                }
            }
        }
        String bounceClass = e.getBounceClass() == null ? null : e.getBounceClass().name();
        Counter counter = Outcomes.of(rules, type, bounceClass, reason, action);
        if (counter == null) {
            return List.of();
        }
        long at = e.getOccurredAt().toEpochMilli();
        String detail = counter == Counter.BLOCKS ? e.getReason() : null;
        List<Signal> out = new ArrayList<>(3);
        out.add(Signal.count(Entity.tenant(e.getTenant()), counter, at, detail));
        String ip = a == null ? null : a.getSendingIp();
        if (ip != null) {
            out.add(Signal.count(Entity.ip(ip), counter, at, detail));
            if (e.getSite() != null) {
                out.add(Signal.count(Entity.ipAtSite(ip, e.getSite()), counter, at, detail));
            }
        }
        return out;
    }

    /** The counts a feedback event adds: to its tenant and to the IP that sent the message. */
    public static List<Signal> signals(FeedbackEvent f) {
        String bounceClass = f.getBounce() == null ? null : f.getBounce().getBounceClass();
        Counter counter = Outcomes.ofFeedback(f.getType().name(), bounceClass);
        if (counter == null) {
            return List.of();
        }
        long at = f.getOccurredAt().toEpochMilli();
        List<Signal> out = new ArrayList<>(2);
        if (f.getTenant() != null) {
            out.add(Signal.count(Entity.tenant(f.getTenant()), counter, at, null));
        }
        if (f.getSendingIp() != null) {
            out.add(Signal.count(Entity.ip(f.getSendingIp()), counter, at, null));
        }
        return out;
    }

    /**
     * An operator's decision about a tenant or an IP (at a site, or everywhere), so the job knows a
     * resume or a pause was made by hand; the job's own decisions and other tools' are ignored.
     */
    public static List<Signal> signals(ControlEvent c) {
        if (c.getIssuedBy() == null || !c.getIssuedBy().startsWith(OPERATOR_PREFIX)) {
            return List.of();
        }
        long at = c.getIssuedAt().toEpochMilli();
        if (c.getType() == ControlType.TENANT_STATUS
                && c.getTenant() != null
                && c.getTenantStatus() != null) {
            return List.of(
                    Signal.operator(Entity.tenant(c.getTenant()), c.getTenantStatus().name(), at));
        }
        if (c.getType() == ControlType.IP_STATUS
                && c.getSendingIp() != null
                && c.getIpStatus() != null) {
            Entity e =
                    c.getSite() == null
                            ? Entity.ip(c.getSendingIp())
                            : Entity.ipAtSite(c.getSendingIp(), c.getSite());
            return List.of(Signal.operator(e, c.getIpStatus().name(), at));
        }
        return List.of();
    }

    public static ControlEvent toAvro(Decision d) {
        Map<String, Double> figures = new HashMap<>(d.figures() == null ? Map.of() : d.figures());
        return ControlEvent.newBuilder()
                .setControlId(d.controlId())
                .setType(ControlType.valueOf(d.type().name()))
                .setIssuedAt(Instant.ofEpochMilli(d.issuedAt()))
                .setIssuedBy(Decision.ISSUED_BY)
                .setReason(d.reason())
                .setFigures(figures)
                .setSendingIp(d.sendingIp())
                .setSite(d.site())
                .setIpPool(d.pool())
                .setTenant(d.tenant())
                .setIpStatus(
                        d.type() == Decision.Type.IP_STATUS ? IpStatus.valueOf(d.status()) : null)
                .setTenantStatus(
                        d.type() == Decision.Type.TENANT_STATUS
                                ? TenantStatus.valueOf(d.status())
                                : null)
                .setQuotaPerDay(d.quotaPerDay())
                .setWarmupStep(d.warmupStep())
                .setExpiresAt(d.expiresAt() == null ? null : Instant.ofEpochMilli(d.expiresAt()))
                .build();
    }

    /** The sisimai reason the delivery job wrote before the reply ({@code blocked: 554 ...}). */
    private static String writtenReason(String reason) {
        if (reason == null) {
            return null;
        }
        int colon = reason.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        return Reason.byId(reason.substring(0, colon)).map(Reason::id).orElse(null);
    }

    private static Classification classify(
            AttemptDetail a, String site, BounceClassifier classifier) {
        if (a == null || a.getReplyCode() == null || a.getReplyCode() <= 0) {
            return null; // no reply (a connection that failed): nothing the site said
        }
        SmtpReply reply =
                new SmtpReply(
                        a.getReplyCode(),
                        a.getEnhancedStatus(),
                        a.getReplyText() == null ? "" : a.getReplyText(),
                        command(a.getStage().name()));
        return classifier.classify(reply, site);
    }

    private static SmtpCommand command(String stage) {
        return switch (stage) {
            case "GREETING", "CONNECT" -> SmtpCommand.CONNECT;
            case "EHLO", "STARTTLS" -> SmtpCommand.HELO;
            case "MAIL" -> SmtpCommand.MAIL;
            case "RCPT" -> SmtpCommand.RCPT;
            case "DATA", "DATA_END" -> SmtpCommand.DATA;
            default -> SmtpCommand.UNKNOWN;
        };
    }
}
