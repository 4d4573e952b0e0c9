package io.sluice.sim.feedback;

import io.sluice.schema.FeedbackEvent;

/**
 * Where a provider's engagement events (opens, clicks) go: Sluice's feedback topic ({@link
 * KafkaEngagementSink}), or a list a test reads ({@link InMemoryEngagementSink}).
 */
@FunctionalInterface
public interface EngagementSink {

    /** Takes one event; must not block the provider's SMTP session for long. */
    void accept(FeedbackEvent event);
}
