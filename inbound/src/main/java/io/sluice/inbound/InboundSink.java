package io.sluice.inbound;

import io.sluice.schema.InboundMessage;

/** Where accepted inbound mail goes; the server answers 250 only after {@link #write} returned. */
@FunctionalInterface
public interface InboundSink {

    /**
     * Stores {@code message} durably, or throws: the server then answers 451 and the sending server
     * tries again later, so nothing is lost.
     */
    void write(InboundMessage message) throws Exception;
}
