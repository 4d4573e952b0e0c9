package io.sluice.sim.policy;

import io.sluice.sim.profile.Reply;
import io.sluice.sim.profile.ReplyKind;

/** Why a provider refused a connection, a message or a recipient, and the reply it gives. */
public record Refusal(ReplyKind kind, Reply reply, String text) {

    /** A 421 ends the session (RFC 5321 section 3.8): the server closes after sending it. */
    public boolean closesConnection() {
        return reply.code() == 421;
    }
}
