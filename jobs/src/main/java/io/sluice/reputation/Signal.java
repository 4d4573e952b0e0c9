package io.sluice.reputation;

/**
 * One input of the reputation function for one entity, keyed by {@link #entity()}: a count, the
 * start of a new IP's warm-up, or an operator's decision about the entity.
 *
 * @param detail for a count of blocks, the reply that said so
 * @param status for an operator's decision, its status (ACTIVE for a resume)
 */
public record Signal(
        Kind kind, String entity, Counter counter, long at, String detail, String status) {

    public enum Kind {
        COUNT,
        START_WARMUP,
        OPERATOR
    }

    public static Signal count(Entity e, Counter counter, long at, String detail) {
        return new Signal(Kind.COUNT, e.key(), counter, at, detail, null);
    }

    public static Signal startWarmup(Entity e) {
        return new Signal(Kind.START_WARMUP, e.key(), null, 0, null, null);
    }

    public static Signal operator(Entity e, String status, long at) {
        return new Signal(Kind.OPERATOR, e.key(), null, at, null, status);
    }
}
