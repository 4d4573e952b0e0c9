package io.sluice.bounce.dsn;

import io.sluice.bounce.classify.Classification;

/**
 * What a bounce says about one recipient (RFC 3464 section 2.3 where the bounce is a DSN).
 *
 * @param recipient the address, lower-cased domain, or "" when the bounce does not name it
 * @param action failed, delayed, delivered, relayed, expanded, or "" when not stated
 * @param status the enhanced status code (RFC 3463), or ""
 * @param replyCode the remote SMTP reply code, or 0
 * @param diagnostic the remote reply or the MTA's explanation
 * @param remoteMta the host that gave the reply, or ""
 */
public record BouncedRecipient(
        String recipient,
        String action,
        String status,
        int replyCode,
        String diagnostic,
        String remoteMta,
        Classification classification) {}
