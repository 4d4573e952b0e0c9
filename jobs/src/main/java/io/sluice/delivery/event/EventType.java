package io.sluice.delivery.event;

/** The states of a message; the ones marked final end its life (docs/topics.md). */
public enum EventType {
    ACCEPTED(false),
    REJECTED(true),
    SUPPRESSED(true),
    ATTEMPTED(false),
    DEFERRED(false),
    DELIVERED(true),
    BOUNCED(true),
    EXPIRED(true);

    private final boolean isFinal;

    EventType(boolean isFinal) {
        this.isFinal = isFinal;
    }

    public boolean isFinal() {
        return isFinal;
    }
}
