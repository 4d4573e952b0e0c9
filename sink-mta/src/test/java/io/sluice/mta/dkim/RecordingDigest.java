package io.sluice.mta.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/** A digest stand-in that keeps the bytes fed to it: what a canonicalization produced. */
final class RecordingDigest extends MessageDigest {

    private final ByteArrayOutputStream captured;

    RecordingDigest(ByteArrayOutputStream captured) {
        super("record");
        this.captured = captured;
    }

    @Override
    protected void engineUpdate(byte input) {
        captured.write(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        captured.write(input, offset, len);
    }

    @Override
    protected byte[] engineDigest() {
        return new byte[0];
    }

    @Override
    protected void engineReset() {}
}
