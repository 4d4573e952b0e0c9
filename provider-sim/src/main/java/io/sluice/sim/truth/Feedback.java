package io.sluice.sim.truth;

/** Something a provider did about an accepted message afterwards, as the ground truth keeps it. */
public record Feedback(Delivery delivery, Kind kind) {

    public enum Kind {
        /** The mailbox turned out dead: a DSN went to the return path. */
        LATE_BOUNCE,
        /** The recipient reported it as spam: an ARF report went to the feedback address. */
        COMPLAINT,
        /** The recipient opened it: an OPEN event went to the engagement sink. */
        OPEN,
        /** The recipient clicked in it: a CLICK event went to the engagement sink. */
        CLICK
    }
}
