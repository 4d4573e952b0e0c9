package io.sluice.delivery.event;

/** What one SMTP attempt reached, as it appears on ATTEMPTED and the outcome events. */
public record Attempt(
        int number,
        String sendingIp,
        String mxHost,
        String stage,
        int replyCode,
        String enhancedStatus,
        String replyText,
        long latencyMs,
        boolean tls) {}
