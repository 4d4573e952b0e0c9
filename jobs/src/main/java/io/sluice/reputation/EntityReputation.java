package io.sluice.reputation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entity's reputation and what has been decided about it: its rolling counts, its warm-up
 * progress (new IPs only), and the last isolation decision, so that decisions are emitted only when
 * they change. Plain Java; {@code ReputationFunction} keeps it in keyed state, encoded.
 *
 * <p>The job never lifts an isolation itself: a tenant's quarantine only escalates (to a pause),
 * and only an operator's decision ({@link #operator}) brings it back. A block at a site lapses by
 * its {@code expires_at}.
 */
public final class EntityReputation {

    private static final byte VERSION = 1;

    private final Entity entity;
    private final RollingCounts counts;
    private WarmupProgress warmup;
    private String status;
    private long statusUntil;
    private boolean operatorHold;
    private long timerAt;

    private EntityReputation(Entity entity, RollingCounts counts) {
        this.entity = entity;
        this.counts = counts;
    }

    public static EntityReputation empty(Entity entity) {
        return empty(entity, 1);
    }

    /** With windows {@code scale} times shorter than real ones ({@link ReputationPolicy}). */
    public static EntityReputation empty(Entity entity, long scale) {
        return new EntityReputation(entity, new RollingCounts(scale));
    }

    public Entity entity() {
        return entity;
    }

    public RollingCounts counts() {
        return counts;
    }

    /** Null unless the entity is a new IP being warmed up. */
    public WarmupProgress warmup() {
        return warmup;
    }

    /**
     * The status last decided (by the job or an operator): QUARANTINED, PAUSED, BLOCKED; or null.
     */
    public String status() {
        return status;
    }

    /** The processing-time timer the function registered for this entity; 0 for none. */
    public long timerAt() {
        return timerAt;
    }

    public void timerAt(long at) {
        timerAt = at;
    }

    /** Counts {@code n} of {@code counter} seen at {@code at}; then decides. */
    public List<Decision> count(
            ReputationPolicy policy, Counter counter, long at, long now, long n, String detail) {
        counts.add(counter, at, now, n);
        return decide(policy, now, Math.min(at, now), counter == Counter.BLOCKS ? detail : null);
    }

    /**
     * Starts warming this IP (at its site, or everywhere for an IP entity) at the plan's first
     * step; nothing when it is warming already or has finished since its state was last cleared.
     */
    public List<Decision> startWarmup(ReputationPolicy policy, long now) {
        if (warmup != null || entity.kind() == Entity.Kind.TENANT) {
            return List.of();
        }
        warmup = WarmupProgress.start(now);
        Assessment a = policy.rules().assess(entity.kind(), counts, now);
        WarmupPlan plan = policy.warmup().plan();
        return List.of(
                quota(
                        policy,
                        a,
                        now,
                        now,
                        "warm-up started at step 1/"
                                + plan.size()
                                + ": "
                                + plan.quota(0)
                                + " a day"
                                + where()));
    }

    /** A timer: windows have slid, a warm-up day may have passed. */
    public List<Decision> tick(ReputationPolicy policy, long now) {
        return decide(policy, now, now, null);
    }

    /**
     * An operator's decision about this entity. ACTIVE (a resume) is a fresh start: the counts that
     * led to the isolation are dropped, or the next event would isolate the entity again. Any other
     * status is the operator's, and the job does not override it with a weaker one.
     */
    public void operator(String operatorStatus) {
        if ("ACTIVE".equals(operatorStatus)) {
            counts.clear();
            status = null;
            statusUntil = 0;
            operatorHold = false;
        } else {
            status = operatorStatus;
            statusUntil = 0;
            operatorHold = true;
        }
    }

    /** Whether nothing is left worth keeping: no counts in the day window, no warm-up, no block. */
    public boolean isIdle(long now) {
        return counts.isEmpty(now) && (warmup == null || warmup.done()) && statusUntil <= now;
    }

    /** When this entity next needs a look without new events; {@code Long.MAX_VALUE} for never. */
    public long nextEvaluation(ReputationPolicy policy, long now) {
        long next = Long.MAX_VALUE;
        if (!counts.isEmpty(now)) {
            next = counts.expiresAt();
        }
        if (statusUntil > now) {
            next = Math.min(next, statusUntil);
        }
        if (warmup != null) {
            next = Math.min(next, policy.warmup().nextEvaluation(warmup, now, policy.recheck()));
        }
        return next;
    }

    private List<Decision> decide(ReputationPolicy policy, long now, long trigger, String detail) {
        Assessment a = policy.rules().assess(entity.kind(), counts, now);
        List<Decision> out = new ArrayList<>(1);
        switch (entity.kind()) {
            case TENANT -> isolateTenant(policy, a, now, trigger, out);
            case IP_AT_SITE -> blockIp(policy, a, now, trigger, detail, out);
            case IP -> {}
        }
        if (warmup != null) {
            warm(policy, a, now, trigger, out);
        }
        return out;
    }

    private void isolateTenant(
            ReputationPolicy policy, Assessment a, long now, long trigger, List<Decision> out) {
        String wanted =
                a.health() == Health.BLOCKED
                        ? "PAUSED"
                        : a.health().atLeast(Health.WARNING) ? "QUARANTINED" : null;
        if (rank(wanted) <= rank(status)) {
            return; // never lifted, never repeated: only an escalation is news
        }
        status = wanted;
        boolean pause = wanted.equals("PAUSED");
        String reason =
                entity.describe()
                        + (pause ? " paused" : " moved to pool " + policy.quarantinePool())
                        + ": "
                        + a.reason()
                        + "; it returns only by an operator's command";
        out.add(
                new Decision(
                        id(Decision.Type.TENANT_STATUS, wanted, trigger),
                        Decision.Type.TENANT_STATUS,
                        null,
                        null,
                        pause ? null : policy.quarantinePool(),
                        entity.tenant(),
                        wanted,
                        null,
                        null,
                        now,
                        null,
                        reason,
                        a.figures()));
    }

    private void blockIp(
            ReputationPolicy policy,
            Assessment a,
            long now,
            long trigger,
            String detail,
            List<Decision> out) {
        if (a.health() != Health.BLOCKED
                || operatorHold
                || ("BLOCKED".equals(status) && statusUntil > now)) {
            return;
        }
        status = "BLOCKED";
        statusUntil = now + policy.realMillis(policy.rules().blockFor());
        out.add(
                new Decision(
                        id(Decision.Type.IP_STATUS, "BLOCKED", trigger),
                        Decision.Type.IP_STATUS,
                        entity.ip(),
                        entity.site(),
                        null,
                        null,
                        "BLOCKED",
                        null,
                        null,
                        now,
                        statusUntil,
                        entity.describe()
                                + " taken out of rotation for "
                                + policy.rules().blockFor().toString().substring(2).toLowerCase()
                                + (policy.timeScale() == 1
                                        ? ""
                                        : " (scaled 1/" + policy.timeScale() + ")")
                                + ": "
                                + a.reason()
                                + (detail == null ? "" : "; last reply: " + detail),
                        a.figures()));
    }

    private void warm(
            ReputationPolicy policy, Assessment a, long now, long trigger, List<Decision> out) {
        long attempts = Math.round(a.figures().getOrDefault("attempts_24h", 0.0));
        Warmup.Outcome o = policy.warmup().evaluate(warmup, a.health(), attempts, now);
        warmup = o.progress();
        WarmupPlan plan = policy.warmup().plan();
        int step = warmup.step();
        String at =
                " (step " + (step + 1) + "/" + plan.size() + ", " + plan.quota(step) + " a day)";
        switch (o.move()) {
            case NONE, HELD_UNUSED -> {}
            case ADVANCED ->
                    out.add(
                            quota(
                                    policy,
                                    a,
                                    now,
                                    trigger,
                                    "warm-up advanced after a healthy day" + where() + at));
            case STEPPED_BACK ->
                    out.add(
                            quota(
                                    policy,
                                    a,
                                    now,
                                    trigger,
                                    "warm-up stepped back" + where() + at + ": " + a.reason()));
            case FINISHED ->
                    out.add(
                            quota(
                                    policy,
                                    a,
                                    now,
                                    trigger,
                                    "warm-up finished"
                                            + where()
                                            + ": the last step held for a healthy day; the IP is"
                                            + " warm"));
        }
    }

    private Decision quota(
            ReputationPolicy policy, Assessment a, long now, long trigger, String reason) {
        WarmupPlan plan = policy.warmup().plan();
        Map<String, Double> figures = new LinkedHashMap<>(a.figures());
        figures.put("quota_per_day", (double) plan.quota(warmup.step()));
        figures.put("warmup_step", (double) warmup.step() + 1);
        figures.put("warmup_steps", (double) plan.size());
        return new Decision(
                id(
                        Decision.Type.WARMUP_QUOTA,
                        warmup.done() ? "warm" : "step" + (warmup.step() + 1),
                        trigger),
                Decision.Type.WARMUP_QUOTA,
                entity.ip(),
                entity.site(),
                null,
                null,
                null,
                plan.quota(warmup.step()),
                warmup.step() + 1,
                now,
                // Lapsed at once: the delivery job then has no quota for the IP, i.e. it is warm.
                warmup.done() ? now : null,
                reason,
                figures);
    }

    private String where() {
        return entity.site() == null
                ? " for " + entity.ip() + " at every site without a plan of its own"
                : " for " + entity.ip() + " at " + entity.site();
    }

    private String id(Decision.Type type, String what, long trigger) {
        return ControlKeys.of(type.name(), entity.ip(), entity.site(), entity.tenant())
                + ":"
                + what
                + ":"
                + trigger;
    }

    private static int rank(String tenantStatus) {
        if (tenantStatus == null) {
            return 0;
        }
        return switch (tenantStatus) {
            case "QUARANTINED" -> 1;
            case "PAUSED" -> 2;
            default -> 0;
        };
    }

    public byte[] encode(long now) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            byte[] c = counts.encode(now);
            out.writeInt(c.length);
            out.write(c);
            out.writeBoolean(warmup != null);
            if (warmup != null) {
                out.writeInt(warmup.step());
                out.writeLong(warmup.since());
                out.writeLong(warmup.healthySince());
                out.writeByte(warmup.lastHealth().ordinal());
                out.writeBoolean(warmup.done());
            }
            out.writeUTF(status == null ? "" : status);
            out.writeLong(statusUntil);
            out.writeBoolean(operatorHold);
            out.writeLong(timerAt);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static EntityReputation decode(Entity entity, byte[] bytes) {
        return decode(entity, bytes, 1);
    }

    /** As written with windows {@code scale} times shorter than real ones. */
    public static EntityReputation decode(Entity entity, byte[] bytes, long scale) {
        if (bytes == null) {
            return empty(entity, scale);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte v = in.readByte();
            if (v != VERSION) {
                throw new IllegalStateException("entity reputation of unknown version " + v);
            }
            byte[] c = new byte[in.readInt()];
            in.readFully(c);
            EntityReputation r = new EntityReputation(entity, RollingCounts.decode(c, scale));
            if (in.readBoolean()) {
                r.warmup =
                        new WarmupProgress(
                                in.readInt(),
                                in.readLong(),
                                in.readLong(),
                                Health.values()[in.readByte()],
                                in.readBoolean());
            }
            String s = in.readUTF();
            r.status = s.isEmpty() ? null : s;
            r.statusUntil = in.readLong();
            r.operatorHold = in.readBoolean();
            r.timerAt = in.readLong();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("entity reputation cannot be read", e);
        }
    }
}
