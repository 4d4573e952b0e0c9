package io.sluice.feedback;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.dsn.BounceReport;
import io.sluice.bounce.dsn.BouncedRecipient;
import io.sluice.bounce.dsn.DsnParser;
import io.sluice.bounce.verp.VerpAddress;
import io.sluice.bounce.verp.VerpKeys;
import io.sluice.schema.BounceDetail;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.InboundMessage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one inbound message says, as feedback events: a complaint report (ARF, JMRP, SES) becomes
 * one COMPLAINT per recipient it names (an {@code opt-out} report an UNSUBSCRIBE, a {@code
 * not-spam} report nothing); a bounce (a DSN or one of the non-standard formats) becomes one BOUNCE
 * per failed recipient, with the classifier's verdict. Anything else is neither, and the caller
 * keeps it aside with the reason.
 *
 * <p>The VERP return path is the authority on which message, recipient and tenant a bounce is
 * about: its HMAC was checked at the door, while a bounce's text can name anyone. So a bounce that
 * arrived at a return path reports about that recipient only, whatever its body lists. A complaint
 * report arrives at the feedback address instead, but most providers enclose the original's
 * headers, and with them its Return-Path: when that VERP address verifies here, it names the
 * message, the (often redacted) recipient and the tenant. Failing that, the tenant comes from the
 * original's Feedback-ID header; it is not signed by anything Sluice can check in a report, but a
 * forged one can only narrow a suppression to one tenant, never widen it. With no tenant at all the
 * complaint stays tenant-less, and the suppression is global (the conservative side).
 */
public final class InboundFeedback {

    /** The events, or why there are none. */
    public record Result(List<FeedbackEvent> events, String verdict) {}

    private final DsnParser dsnParser;
    private final FeedbackReportParser reportParser;
    private final VerpKeys verpKeys;

    public InboundFeedback(DsnParser dsnParser, FeedbackReportParser reportParser) {
        this(dsnParser, reportParser, null);
    }

    /**
     * @param verpKeys the keys of Sluice's return paths; null when none are configured
     */
    public InboundFeedback(
            DsnParser dsnParser, FeedbackReportParser reportParser, VerpKeys verpKeys) {
        this.dsnParser = dsnParser;
        this.reportParser = reportParser;
        this.verpKeys = verpKeys;
    }

    /**
     * @param sourceId where the message was read ({@code topic/partition/offset}): the feedback ids
     *     derive from it, so a replay writes the same ids and consumers can drop the copies
     */
    public Result feedbackOf(InboundMessage m, String sourceId) {
        byte[] raw = bytes(m.getContent());
        FeedbackReport report = reportParser.parse(raw);
        if (report.report()) {
            return complaints(m, report, sourceId);
        }
        BounceReport bounce = dsnParser.parse(raw);
        if (bounce.bounce()) {
            return bounces(m, bounce, sourceId);
        }
        return new Result(
                List.of(),
                "neither a feedback report ("
                        + report.format()
                        + ") nor a bounce ("
                        + bounce.verdict()
                        + ")");
    }

    private Result complaints(InboundMessage m, FeedbackReport r, String sourceId) {
        String type = r.feedbackType().toLowerCase(Locale.ROOT);
        if (type.equals("not-spam")) {
            return new Result(List.of(), "a not-spam report: nothing to do");
        }
        FeedbackType feedbackType =
                type.equals("opt-out") ? FeedbackType.UNSUBSCRIBE : FeedbackType.COMPLAINT;
        Optional<VerpAddress> enclosed =
                verpKeys == null || r.originalReturnPath().isEmpty()
                        ? Optional.empty()
                        : VerpAddress.decode(verpKeys, r.originalReturnPath());
        List<String> recipients =
                m.getVerpRecipient() != null
                        ? List.of(m.getVerpRecipient())
                        : enclosed.map(v -> List.of(v.recipient())).orElse(r.recipients());
        if (recipients.isEmpty()) {
            return new Result(List.of(), r.format() + " report names no recipient");
        }
        String messageId =
                m.getVerpMessageId() != null
                        ? m.getVerpMessageId()
                        : enclosed.map(VerpAddress::messageId).orElse(null);
        String tenant = m.getVerpTenant();
        String tenantFrom = "return-path";
        if (tenant == null && enclosed.isPresent()) {
            tenant = enclosed.get().tenant();
            tenantFrom = "enclosed-return-path";
        }
        if (tenant == null) {
            tenant = feedbackIdTenant(r.originalFeedbackId());
            tenantFrom = "feedback-id";
        }
        List<FeedbackEvent> events = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            FeedbackEvent.Builder e =
                    base(m, sourceId + "#" + i, feedbackType, recipients.get(i))
                            .setMessageId(messageId)
                            .setTenant(tenant);
            if (tenant != null) {
                e.setMetadata(Map.of("tenant-from", tenantFrom));
            }
            events.add(
                    e.setReportType(type.isEmpty() ? null : type)
                            .setSendingIp(r.sourceIp().isEmpty() ? null : r.sourceIp())
                            .setProvider(r.format())
                            .build());
        }
        return new Result(events, r.format() + " report");
    }

    private Result bounces(InboundMessage m, BounceReport b, String sourceId) {
        List<FeedbackEvent> events = new ArrayList<>();
        for (BouncedRecipient r : b.recipients()) {
            if (!r.action().isEmpty() && !r.action().equalsIgnoreCase("failed")) {
                continue;
            }
            String recipient = m.getVerpRecipient() != null ? m.getVerpRecipient() : r.recipient();
            if (recipient.isEmpty()) {
                continue;
            }
            events.add(
                    base(m, sourceId + "#" + events.size(), FeedbackType.BOUNCE, recipient)
                            .setBounce(
                                    BounceDetail.newBuilder()
                                            .setStatus(r.status().isEmpty() ? null : r.status())
                                            .setReason(r.classification().reason().id())
                                            .setBounceClass(
                                                    r.classification()
                                                            .bounceClass()
                                                            .name()
                                                            .toLowerCase(Locale.ROOT))
                                            .setDiagnostic(r.diagnostic())
                                            .setRemoteMta(
                                                    r.remoteMta().isEmpty() ? null : r.remoteMta())
                                            .build())
                            .build());
            if (m.getVerpRecipient() != null) {
                break;
            }
        }
        return new Result(events, "bounce (" + b.verdict() + ")");
    }

    /** The tenant field of {@code campaign:tenant:mailtype:sender}, or null. */
    static String feedbackIdTenant(String feedbackId) {
        String[] fields = feedbackId.strip().split(":", -1);
        if (fields.length != 4 || !fields[3].equals("sluice") || fields[1].isBlank()) {
            return null; // not one of ours: another sender's Feedback-ID names its own customers
        }
        return fields[1];
    }

    private static FeedbackEvent.Builder base(
            InboundMessage m, String id, FeedbackType type, String recipient) {
        Instant at = m.getReceivedAt();
        return FeedbackEvent.newBuilder()
                .setFeedbackId(id)
                .setType(type)
                .setMessageId(m.getVerpMessageId())
                .setTenant(m.getVerpTenant())
                .setRecipient(recipient)
                .setOccurredAt(at)
                .setReceivedAt(at);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
