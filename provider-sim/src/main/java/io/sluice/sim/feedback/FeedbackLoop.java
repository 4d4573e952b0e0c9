package io.sluice.sim.feedback;

import io.sluice.sim.feedback.EngagementLoop.Engagement;
import io.sluice.sim.truth.Delivery;
import java.util.Optional;

/**
 * Everything one provider does about a message after accepting it, in one decision per message and
 * recipient: the mailbox may turn out dead (a DSN to the return path; a message that bounced is
 * neither complained about nor opened), else the recipient may report marketing mail as spam (an
 * ARF report) and, for mail in the inbox, open it and click. Each part is optional: a simulated
 * Internet sends only what it was given somewhere to send to. The caller records the outcome in the
 * ground truth and holds bounces and complaints against the sender's reputation.
 */
public final class FeedbackLoop implements AutoCloseable {

    /** What happened to one accepted message and recipient after acceptance. */
    public record Outcome(boolean lateBounce, boolean complaint, boolean opened, boolean clicked) {}

    private final Optional<BounceLoop> bounces;
    private final Optional<ComplaintLoop> complaints;
    private final Optional<EngagementLoop> engagement;
    private final AutoCloseable[] mailers;

    /**
     * @param mailers the report mailers of the loops, closed (their queues sent) with this
     */
    public FeedbackLoop(
            Optional<BounceLoop> bounces,
            Optional<ComplaintLoop> complaints,
            Optional<EngagementLoop> engagement,
            AutoCloseable... mailers) {
        this.bounces = bounces;
        this.complaints = complaints;
        this.engagement = engagement;
        this.mailers = mailers;
    }

    /**
     * Decides and sends the feedback for one accepted message and recipient; {@code headers} is the
     * message's header section, returned in the reports.
     */
    public Outcome after(Delivery d, String headers) {
        if (bounces.isPresent() && bounces.get().bounces(d)) {
            bounces.get().report(d, headers);
            return new Outcome(true, false, false, false);
        }
        boolean complaint = complaints.isPresent() && complaints.get().complains(d, headers);
        if (complaint) {
            complaints.get().report(d, headers);
        }
        Engagement e = engagement.map(loop -> loop.draw(d)).orElse(new Engagement(false, false));
        engagement.ifPresent(loop -> loop.emit(d, e));
        return new Outcome(false, complaint, e.opened(), e.clicked());
    }

    public Optional<BounceLoop> bounces() {
        return bounces;
    }

    public Optional<ComplaintLoop> complaints() {
        return complaints;
    }

    @Override
    public void close() {
        for (AutoCloseable m : mailers) {
            try {
                m.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a feedback mailer", e);
            }
        }
    }
}
