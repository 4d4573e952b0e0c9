package io.sluice.delivery.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.schema.SchemaVersions;
import io.sluice.schema.SendRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SendRequestCodecTest {

    @Test
    void roundTripsAMessageThroughAvroBinary() throws Exception {
        Message m = Messages.valid("m-1");

        byte[] bytes = SendRequestCodec.encode(SendRequestCodec.toAvro(m));
        SendRequest back =
                SendRequestCodec.decode(
                        bytes,
                        SendRequest.class,
                        SendRequest.getClassSchema(),
                        SchemaVersions.CURRENT);

        assertThat(SendRequestCodec.toMessage(back)).isEqualTo(m);
    }

    @Test
    void garbageAndTrailingBytesAreErrorsNotRecords() {
        byte[] valid = SendRequestCodec.encode(SendRequestCodec.toAvro(Messages.valid("m-1")));
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 3);

        assertThatThrownBy(
                        () ->
                                SendRequestCodec.decode(
                                        "not avro".getBytes(StandardCharsets.UTF_8),
                                        SendRequest.class,
                                        SendRequest.getClassSchema(),
                                        null))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(
                        () ->
                                SendRequestCodec.decode(
                                        trailing,
                                        SendRequest.class,
                                        SendRequest.getClassSchema(),
                                        null))
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void anUnreleasedWriterVersionIsNamedInTheError() {
        byte[] valid = SendRequestCodec.encode(SendRequestCodec.toAvro(Messages.valid("m-1")));

        assertThatThrownBy(
                        () ->
                                SendRequestCodec.decode(
                                        valid,
                                        SendRequest.class,
                                        SendRequest.getClassSchema(),
                                        "9.9.9"))
                .hasMessageContaining("9.9.9")
                .hasMessageContaining("never released");
    }
}
