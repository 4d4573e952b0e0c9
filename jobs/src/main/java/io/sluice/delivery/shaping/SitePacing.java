package io.sluice.delivery.shaping;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything one scheduler key knows about its site's pace: an {@link IpPace} per sending IP that
 * sent there recently, and the site's health for dead-site detection (Postfix's failed cohort).
 * Kept as one value in state: it is read and written once per timer or feedback, and is small (a
 * few dozen bytes per IP, only IPs that sent there).
 */
public final class SitePacing {

    /** 2 added each IP's in-flight count; version 1 is read with none in flight. */
    private static final byte VERSION = 2;

    final Map<String, IpPace> ips = new HashMap<>();

    /** Connection failures in a row, with no reply from the site in between. */
    int connectionFailures;

    /** The site is dead until then: nothing is released, then one probe. */
    long deadUntil;

    /** Current wait between probes; doubles per failed probe. */
    long deadBackoff;

    /** A probe was released and its result is awaited. */
    boolean probing;

    public boolean isEmpty() {
        return ips.isEmpty() && connectionFailures == 0 && deadUntil == 0;
    }

    public IpPace ip(String ip) {
        return ips.get(ip);
    }

    public long deadUntil() {
        return deadUntil;
    }

    IpPace getOrCreate(String ip) {
        return ips.computeIfAbsent(ip, k -> new IpPace());
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + ips.size() * 80);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeInt(connectionFailures);
            out.writeLong(deadUntil);
            out.writeLong(deadBackoff);
            out.writeBoolean(probing);
            out.writeInt(ips.size());
            for (Map.Entry<String, IpPace> e : ips.entrySet()) {
                out.writeUTF(e.getKey());
                e.getValue().write(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pacing stored as {@code bytes}; empty pacing for null. */
    public static SitePacing fromBytes(byte[] bytes) {
        SitePacing p = new SitePacing();
        if (bytes == null) {
            return p;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte version = in.readByte();
            if (version != VERSION && version != 1) {
                throw new IllegalStateException(
                        "site pacing state of version " + version + ", expected " + VERSION);
            }
            p.connectionFailures = in.readInt();
            p.deadUntil = in.readLong();
            p.deadBackoff = in.readLong();
            p.probing = in.readBoolean();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                p.ips.put(in.readUTF(), IpPace.read(in, version));
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
