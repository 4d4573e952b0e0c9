package io.sluice.feedback;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.dsn.BounceReport;
import io.sluice.bounce.dsn.BouncedRecipient;
import io.sluice.bounce.dsn.DsnParser;
import io.sluice.schema.BounceDetail;
import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.schema.InboundMessage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one inbound message says, as feedback events: a complaint report (ARF, JMRP, SES) becomes
 * one COMPLAINT per recipient it names (an {@code opt-out} report an UNSUBSCRIBE, a {@code
 * not-spam} report nothing); a bounce (a DSN or one of the non-standard formats) becomes one BOUNCE
 * per failed recipient, with the classifier's verdict. Anything else is neither, and the caller
 * keeps it aside with the reason.
 *
 * <p>The VERP return path is the authority on which message and recipient a bounce is about: its
 * HMAC was checked at the door, while a bounce's text can name anyone. So a bounce that arrived at
 * a return path reports about that recipient only, whatever its body lists.
 */
public final class InboundFeedback {

    /** The events, or why there are none. */
    public record Result(List<FeedbackEvent> events, String verdict) {}

    private final DsnParser dsnParser;
    private final FeedbackReportParser reportParser;

    public InboundFeedback(DsnParser dsnParser, FeedbackReportParser reportParser) {
        this.dsnParser = dsnParser;
        this.reportParser = reportParser;
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
        List<String> recipients =
                m.getVerpRecipient() != null ? List.of(m.getVerpRecipient()) : r.recipients();
        if (recipients.isEmpty()) {
            return new Result(List.of(), r.format() + " report names no recipient");
        }
        List<FeedbackEvent> events = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            events.add(
                    base(m, sourceId + "#" + i, feedbackType, recipients.get(i))
                            .setReportType(type.isEmpty() ? null : type)
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

    private static FeedbackEvent.Builder base(
            InboundMessage m, String id, FeedbackType type, String recipient) {
        Instant at = m.getReceivedAt();
        return FeedbackEvent.newBuilder()
                .setFeedbackId(id)
                .setType(type)
                .setMessageId(m.getVerpMessageId())
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
