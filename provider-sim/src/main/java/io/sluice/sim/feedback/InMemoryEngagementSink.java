package io.sluice.sim.feedback;

import io.sluice.schema.FeedbackEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps every engagement event in memory, in arrival order, for tests. Thread-safe. */
public final class InMemoryEngagementSink implements EngagementSink {

    private final ConcurrentLinkedQueue<FeedbackEvent> events = new ConcurrentLinkedQueue<>();

    @Override
    public void accept(FeedbackEvent event) {
        events.add(event);
    }

    /** A copy of the events so far. */
    public List<FeedbackEvent> events() {
        return new ArrayList<>(events);
    }
}
