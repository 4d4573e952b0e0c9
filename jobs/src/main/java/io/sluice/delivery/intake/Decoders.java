package io.sluice.delivery.intake;

import io.sluice.delivery.ledger.Deferred;
import io.sluice.schema.DeferredMessage;
import io.sluice.schema.SendRequest;

/** The decoders of the delivery job's two inputs. */
public final class Decoders {

    private Decoders() {}

    public static Message sendRequest(RawRecord r) throws Exception {
        SendRequest request =
                SendRequestCodec.decode(
                        r.value(),
                        SendRequest.class,
                        SendRequest.getClassSchema(),
                        r.schemaVersion());
        return SendRequestCodec.toMessage(request);
    }

    public static Deferred deferred(RawRecord r) throws Exception {
        DeferredMessage d =
                SendRequestCodec.decode(
                        r.value(),
                        DeferredMessage.class,
                        DeferredMessage.getClassSchema(),
                        r.schemaVersion());
        return new Deferred(
                SendRequestCodec.toMessage(d.getRequest()),
                d.getAttempts(),
                d.getFirstAttemptAt(),
                d.getNextAttemptAt(),
                d.getLastReply());
    }

    public static DeferredMessage toAvro(Deferred d) {
        return DeferredMessage.newBuilder()
                .setMessageId(d.message().messageId())
                .setRequest(SendRequestCodec.toAvro(d.message()))
                .setAttempts(d.attempts())
                .setFirstAttemptAt(d.firstAttemptAt())
                .setNextAttemptAt(d.nextAttemptAt())
                .setLastReply(d.lastReply())
                .build();
    }
}
