package io.sluice.sim.smtp;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/** One message as a simulated mailbox provider accepted it: the envelope, the client, the bytes. */
public record ReceivedMessage(
        String provider,
        InetAddress clientAddress,
        String helo,
        String mailFrom,
        List<String> recipients,
        byte[] data,
        Instant receivedAt) {

    public ReceivedMessage {
        recipients = List.copyOf(recipients);
    }
}
