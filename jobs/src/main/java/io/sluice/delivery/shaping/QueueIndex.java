package io.sluice.delivery.shaping;

import io.sluice.delivery.intake.Priority;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of one key's queue without the messages: per priority, a ring of lanes (one per tenant,
 * requested pool and, for retries, the IP they stick to), each a FIFO of sequence numbers whose
 * messages are stored one entry each under {@link #entryKey}. Its size grows with the lanes, not
 * with the messages.
 */
public final class QueueIndex {

    private static final byte VERSION = 1;
    private static final int SEQ_BITS = 40;

    /** One FIFO: its messages are the entries {@code head} (inclusive) to {@code tail}. */
    static final class Lane {
        final int id;
        final String tenant;
        final String pool;
        final String sticky;
        long head;
        long tail;

        Lane(int id, String tenant, String pool, String sticky) {
            this.id = id;
            this.tenant = tenant;
            this.pool = pool;
            this.sticky = sticky;
        }

        boolean matches(String tenant, String pool, String sticky) {
            return this.tenant.equals(tenant)
                    && this.pool.equals(pool)
                    && this.sticky.equals(sticky);
        }
    }

    final List<List<Lane>> lanes = new ArrayList<>();
    final int[] cursor = new int[Priority.values().length];
    int nextLaneId;
    long size;

    /** The single processing-time timer of the key; 0 when none is registered. */
    long wakeAt;

    /** Rotates the starting IP of a pool so that equal IPs share the load. */
    int ipCursor;

    public QueueIndex() {
        for (int i = 0; i < Priority.values().length; i++) {
            lanes.add(new ArrayList<>());
        }
    }

    public long size() {
        return size;
    }

    public long wakeAt() {
        return wakeAt;
    }

    public void wakeAt(long t) {
        wakeAt = t;
    }

    /** The state key of a message: its lane's id and its sequence number in the lane. */
    static long entryKey(int laneId, long seq) {
        return ((long) laneId << SEQ_BITS) | seq;
    }

    Lane lane(Priority p, String tenant, String pool, String sticky) {
        for (Lane l : lanes.get(p.ordinal())) {
            if (l.matches(tenant, pool, sticky)) {
                return l;
            }
        }
        Lane l = new Lane(nextLaneId++, tenant, pool, sticky);
        lanes.get(p.ordinal()).add(l);
        return l;
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeInt(nextLaneId);
            out.writeLong(size);
            out.writeLong(wakeAt);
            out.writeInt(ipCursor);
            out.writeByte(lanes.size());
            for (int p = 0; p < lanes.size(); p++) {
                out.writeInt(cursor[p]);
                out.writeInt(lanes.get(p).size());
                for (Lane l : lanes.get(p)) {
                    out.writeInt(l.id);
                    out.writeUTF(l.tenant);
                    out.writeUTF(l.pool);
                    out.writeUTF(l.sticky);
                    out.writeLong(l.head);
                    out.writeLong(l.tail);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index stored as {@code bytes}; an empty index for null. */
    public static QueueIndex fromBytes(byte[] bytes) {
        QueueIndex q = new QueueIndex();
        if (bytes == null) {
            return q;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException(
                        "queue index state of version " + version + ", expected " + VERSION);
            }
            q.nextLaneId = in.readInt();
            q.size = in.readLong();
            q.wakeAt = in.readLong();
            q.ipCursor = in.readInt();
            int priorities = in.readByte();
            for (int p = 0; p < priorities; p++) {
                q.cursor[p] = in.readInt();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    Lane l = new Lane(in.readInt(), in.readUTF(), in.readUTF(), in.readUTF());
                    l.head = in.readLong();
                    l.tail = in.readLong();
                    q.lanes.get(p).add(l);
                }
            }
            return q;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
