package io.sluice.sim.profile;

/**
 * What recipients at one provider do with mail after it was accepted, as shares per sender: mark it
 * as spam (an ARF report), turn out to be dead after all (an out-of-band DSN to the return path),
 * open it and click in it (engagement events). The numbers and their sources are in
 * docs/reference/provider-profiles.md.
 *
 * @param complaints share of accepted marketing mail (a {@code List-Unsubscribe} header) that the
 *     recipient reports as spam
 * @param lateBounces share of accepted mail whose mailbox is later found dead or full
 * @param opens share of mail filed in the inbox that is opened
 * @param clicks share of mail filed in the inbox that is clicked; a click is always also an open,
 *     so where it exceeds {@code opens} every open is a click
 * @param lateBounceReply what the DSN gives as the remote reply: a 5xx code and a text starting
 *     with the enhanced status code (the DSN's Status field)
 */
public record FeedbackModel(
        SenderRate complaints,
        SenderRate lateBounces,
        SenderRate opens,
        SenderRate clicks,
        Reply lateBounceReply) {

    public FeedbackModel {
        if (!lateBounceReply.permanent() || lateBounceReply.status().isEmpty()) {
            throw new IllegalArgumentException(
                    "a late bounce needs a 5xx reply with an enhanced status code, was "
                            + lateBounceReply);
        }
    }

    /** No feedback at all, with Gmail's unknown-user reply for late bounces. */
    public static FeedbackModel none() {
        return new FeedbackModel(
                SenderRate.of(0),
                SenderRate.of(0),
                SenderRate.of(0),
                SenderRate.of(0),
                new Reply(550, "5.1.1 The email account that you tried to reach does not exist."));
    }

    public FeedbackModel withComplaints(SenderRate rate) {
        return new FeedbackModel(rate, lateBounces, opens, clicks, lateBounceReply);
    }

    public FeedbackModel withLateBounces(SenderRate rate) {
        return new FeedbackModel(complaints, rate, opens, clicks, lateBounceReply);
    }

    public FeedbackModel withEngagement(SenderRate opens, SenderRate clicks) {
        return new FeedbackModel(complaints, lateBounces, opens, clicks, lateBounceReply);
    }
}
