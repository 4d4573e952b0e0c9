package io.sluice.delivery.suppression;

import io.sluice.delivery.suppression.Suppression.Reason;
import io.sluice.delivery.suppression.Suppression.Scope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The suppressions in force for one address, in the compact byte form the suppression join keeps in
 * state: one value per address, so the common negative check is one point lookup, and a few bytes
 * per address, because at 1B addresses every byte is a gigabyte (ADR 0003).
 *
 * <p>Format, version 1: a version byte, then one entry per scope. An entry is a flags byte (bit 0:
 * tenant scope; bit 1: has an expiry; bits 4-7: the {@link Reason}'s ordinal), the tenant as a
 * varint length and UTF-8 when tenant-scoped, the change time in epoch seconds as a varint, and the
 * expiry in epoch seconds as a varint when it has one. A global permanent suppression is 7 bytes.
 * Times are kept to the second: a suppression's instant matters to people reading it, not to the
 * check. The source event id is not kept: it is in the change on the topic, which stays the record.
 * Reason ordinals are stored, so new reasons are only ever appended.
 *
 * <p>The suppression join keeps an address's state as a list of such byte strings, appended without
 * reading ({@link #addition}, {@link #removal}) and folded in order when read ({@link #fold}): an
 * entry replaces what its scope had, and an entry with bit 2 of its flags set (a removal: flags,
 * the tenant if tenant-scoped, the change time) takes the scope off. A set that {@link #encode()}
 * wrote is the fold of itself, so a folded list is written back as one element.
 */
public final class SuppressionSet {

    private static final byte VERSION = 1;
    private static final int TENANT = 1;
    private static final int EXPIRES = 2;
    private static final int REMOVED = 4;

    private final String address;
    private final List<Suppression> entries;

    private SuppressionSet(String address, List<Suppression> entries) {
        this.address = address;
        this.entries = List.copyOf(entries);
    }

    public static SuppressionSet empty(String address) {
        return new SuppressionSet(address, List.of());
    }

    public List<Suppression> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The suppression that stops a message of {@code tenant} at {@code now}: the global one if any,
     * else the tenant's; lapsed entries never apply.
     */
    public Suppression applying(String tenant, Instant now) {
        Suppression forTenant = null;
        for (Suppression s : entries) {
            if (!s.isActiveAt(now)) {
                continue;
            }
            if (s.scope() == Scope.GLOBAL) {
                return s;
            }
            if (s.tenant().equals(tenant)) {
                forTenant = s;
            }
        }
        return forTenant;
    }

    /** This set with {@code s} in place of whatever its scope had. */
    public SuppressionSet with(Suppression s) {
        List<Suppression> next = new ArrayList<>(entries.size() + 1);
        for (Suppression e : entries) {
            if (!e.scopeKey().equals(s.scopeKey())) {
                next.add(e);
            }
        }
        next.add(s);
        return new SuppressionSet(address, next);
    }

    /** This set without the entry of {@code scopeKey}. */
    public SuppressionSet without(String scopeKey) {
        return new SuppressionSet(
                address, entries.stream().filter(e -> !e.scopeKey().equals(scopeKey)).toList());
    }

    /** This set without the entries that have lapsed at {@code now}. */
    public SuppressionSet activeAt(Instant now) {
        return new SuppressionSet(
                address, entries.stream().filter(e -> e.isActiveAt(now)).toList());
    }

    /** The entry of {@code scopeKey}, or null. */
    public Suppression get(String scopeKey) {
        for (Suppression e : entries) {
            if (e.scopeKey().equals(scopeKey)) {
                return e;
            }
        }
        return null;
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 * entries.size() + 1);
        out.write(VERSION);
        for (Suppression s : entries) {
            writeEntry(out, s, false);
        }
        return out.toByteArray();
    }

    /** The list element that puts {@code s} in place of whatever its scope had. */
    public static byte[] addition(Suppression s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(12);
        out.write(VERSION);
        writeEntry(out, s, false);
        return out.toByteArray();
    }

    /** The list element that takes {@code s}'s scope off (its reason and expiry are not kept). */
    public static byte[] removal(Suppression s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(12);
        out.write(VERSION);
        writeEntry(out, s, true);
        return out.toByteArray();
    }

    private static void writeEntry(ByteArrayOutputStream out, Suppression s, boolean removal) {
        int flags = removal ? REMOVED : s.reason().ordinal() << 4;
        if (s.scope() == Scope.TENANT) {
            flags |= TENANT;
        }
        if (!removal && s.expiresAt() != null) {
            flags |= EXPIRES;
        }
        out.write(flags);
        if (s.scope() == Scope.TENANT) {
            byte[] tenant = s.tenant().getBytes(StandardCharsets.UTF_8);
            writeVarint(out, tenant.length);
            out.write(tenant, 0, tenant.length);
        }
        writeVarint(out, s.changedAt().getEpochSecond());
        if (!removal && s.expiresAt() != null) {
            writeVarint(out, s.expiresAt().getEpochSecond());
        }
    }

    /**
     * The set that {@code elements} (additions, removals and encoded sets, oldest first) leave for
     * {@code address}: each entry replaces what its scope had, each removal takes it off. Lapsed
     * entries are kept; {@link #activeAt} drops them.
     */
    public static SuppressionSet fold(String address, Iterable<byte[]> elements) {
        List<Suppression> entries = new ArrayList<>(2);
        for (byte[] bytes : elements) {
            applyTo(entries, address, bytes);
        }
        return new SuppressionSet(address, entries);
    }

    /**
     * Reads what {@link #encode()} wrote for {@code address}.
     *
     * @throws IllegalStateException if the bytes are not a version this code knows: state written
     *     by a newer Sluice cannot be read by an older one
     */
    public static SuppressionSet decode(String address, byte[] bytes) {
        List<Suppression> entries = new ArrayList<>(2);
        applyTo(entries, address, bytes);
        return new SuppressionSet(address, entries);
    }

    private static void applyTo(List<Suppression> entries, String address, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new IllegalStateException(
                    "suppression state of '"
                            + address
                            + "' has format version "
                            + (bytes.length == 0 ? "none" : bytes[0])
                            + "; this Sluice reads version "
                            + VERSION);
        }
        Reader in = new Reader(bytes);
        Reason[] reasons = Reason.values();
        while (in.pos < bytes.length) {
            int flags = bytes[in.pos++] & 0xff;
            String tenant = null;
            if ((flags & TENANT) != 0) {
                int length = (int) in.varint();
                tenant = new String(bytes, in.pos, length, StandardCharsets.UTF_8);
                in.pos += length;
            }
            Instant changedAt = Instant.ofEpochSecond(in.varint());
            Instant expiresAt = (flags & EXPIRES) != 0 ? Instant.ofEpochSecond(in.varint()) : null;
            String scopeKey =
                    tenant == null ? Suppression.GLOBAL_SCOPE : Suppression.tenantScope(tenant);
            entries.removeIf(e -> e.scopeKey().equals(scopeKey));
            if ((flags & REMOVED) != 0) {
                continue;
            }
            Reason reason = reasons[flags >>> 4];
            entries.add(
                    tenant == null
                            ? Suppression.global(address, reason, null, changedAt, expiresAt)
                            : Suppression.forTenant(
                                    address, tenant, reason, null, changedAt, expiresAt));
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative time " + value + " in a suppression");
        }
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static final class Reader {
        private final byte[] bytes;
        private int pos = 1;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = bytes[pos++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalStateException("varint longer than 10 bytes in suppression state");
        }
    }
}
