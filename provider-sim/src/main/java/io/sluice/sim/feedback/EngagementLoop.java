package io.sluice.sim.feedback;

import io.sluice.schema.FeedbackEvent;
import io.sluice.schema.FeedbackType;
import io.sluice.sim.policy.Folder;
import io.sluice.sim.profile.SenderRate;
import io.sluice.sim.truth.Delivery;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * What recipients do with mail the provider filed in their inbox: open a share of it (the profile's
 * {@code feedback.open-rate} for the sending IP and domain) and click in a share (its {@code
 * feedback.click-rate}; a click is drawn among the opens, with the ratio of the two rates, so a
 * click always comes with an open). Mail filed as spam is never opened. Each becomes a {@link
 * FeedbackEvent} for the {@link EngagementSink}, with an id derived from the message, the recipient
 * and the type, so a rerun writes the same ids.
 */
public final class EngagementLoop {

    /** What a recipient did with one inboxed message. */
    public record Engagement(boolean opened, boolean clicked) {}

    private final String provider;
    private final SenderRate opens;
    private final SenderRate clicks;
    private final EngagementSink sink;
    private final Clock clock;

    public EngagementLoop(
            String provider,
            SenderRate opens,
            SenderRate clicks,
            EngagementSink sink,
            Clock clock) {
        this.provider = provider;
        this.opens = opens;
        this.clicks = clicks;
        this.sink = sink;
        this.clock = clock;
    }

    /** Draws the engagement with one accepted message, without emitting it. */
    public Engagement draw(Delivery d) {
        if (d.folder() != Folder.INBOX) {
            return new Engagement(false, false);
        }
        String domain = Draw.senderDomain(d);
        double open = opens.forSender(d.clientIp(), domain);
        if (!(Draw.of(d, "open") < open)) {
            return new Engagement(false, false);
        }
        double click = clicks.forSender(d.clientIp(), domain);
        return new Engagement(true, Draw.of(d, "click") < click / open);
    }

    /** Emits the events of an engagement. */
    public void emit(Delivery d, Engagement e) {
        if (e.opened()) {
            sink.accept(event(d, FeedbackType.OPEN));
        }
        if (e.clicked()) {
            sink.accept(event(d, FeedbackType.CLICK));
        }
    }

    private FeedbackEvent event(Delivery d, FeedbackType type) {
        Instant now = clock.instant();
        String id = d.messageId();
        int at = id.lastIndexOf('@');
        String domain = Draw.senderDomain(d);
        return FeedbackEvent.newBuilder()
                .setFeedbackId(
                        provider
                                + "-"
                                + type.name().toLowerCase(Locale.ROOT)
                                + "-"
                                + Long.toHexString(Draw.hash(d)))
                .setType(type)
                // Sluice writes Message-ID as <message_id@from-domain> (sink-mta MimeComposer).
                .setMessageId(id.isEmpty() ? null : at > 0 ? id.substring(0, at) : id)
                .setRecipient(d.recipient())
                .setOccurredAt(now)
                .setReceivedAt(now)
                .setSendingIp(d.clientIp())
                .setProvider(provider)
                .setUrl(type == FeedbackType.CLICK ? "https://" + domain + "/" : null)
                .setMetadata(
                        Map.of(
                                "message-id-header",
                                id,
                                "folder",
                                d.folder().name().toLowerCase(Locale.ROOT)))
                .build();
    }
}
