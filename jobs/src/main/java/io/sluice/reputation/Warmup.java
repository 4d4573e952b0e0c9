package io.sluice.reputation;

import java.io.Serializable;
import java.time.Duration;

/**
 * The warm-up state machine (docs/design/reputation.md, "Warm-up"): advance one step of the plan
 * after a full day of health in which the IP used at least {@code minUse} of its quota (an idle day
 * shows a provider nothing), hold while warned, step back one on becoming throttled or blocked (and
 * once more per day that it lasts). The day is a setting so that tests and the local stack can
 * compress weeks into minutes.
 *
 * @param minUse the share of the day's quota the IP must have attempted for the day to count
 */
public record Warmup(WarmupPlan plan, Duration day, double minUse) implements Serializable {

    /** Half the quota: a day of real traffic, even where the traffic cannot fill the quota. */
    public static final double DEFAULT_MIN_USE = 0.5;

    public Warmup {
        if (!(minUse >= 0 && minUse <= 1)) {
            throw new IllegalArgumentException("warm-up min use " + minUse + " -- expected 0..1");
        }
    }

    public Warmup(WarmupPlan plan, Duration day) {
        this(plan, day, DEFAULT_MIN_USE);
    }

    /** What one evaluation did. */
    public enum Move {
        NONE,
        ADVANCED,
        STEPPED_BACK,
        FINISHED,
        /** A healthy day with less than {@code minUse} of the quota attempted: not advanced. */
        HELD_UNUSED
    }

    public record Outcome(WarmupProgress progress, Move move) {}

    /**
     * @param attemptsInDay the IP's attempts (at the site, or overall for an IP-wide warm-up) over
     *     the last day
     */
    public Outcome evaluate(WarmupProgress p, Health health, long attemptsInDay, long now) {
        if (p.done()) {
            return new Outcome(p, Move.NONE);
        }
        long dayMs = day.toMillis();
        if (health.atLeast(Health.THROTTLED)) {
            boolean entered = !p.lastHealth().atLeast(Health.THROTTLED);
            if (p.step() > 0 && (entered || now - p.since() >= dayMs)) {
                return new Outcome(
                        new WarmupProgress(p.step() - 1, now, -1, health, false),
                        Move.STEPPED_BACK);
            }
            return new Outcome(
                    new WarmupProgress(p.step(), p.since(), -1, health, false), Move.NONE);
        }
        if (health != Health.HEALTHY) {
            return new Outcome(
                    new WarmupProgress(p.step(), p.since(), -1, health, false), Move.NONE);
        }
        long healthySince = p.healthySince() < 0 ? now : p.healthySince();
        if (now - Math.max(p.since(), healthySince) >= dayMs) {
            if (attemptsInDay < minUse * plan.quota(p.step())) {
                // Healthy but hardly used: the day proves nothing. Count a new day from now.
                return new Outcome(
                        new WarmupProgress(p.step(), now, healthySince, health, false),
                        Move.HELD_UNUSED);
            }
            if (p.step() + 1 >= plan.size()) {
                return new Outcome(
                        new WarmupProgress(p.step(), now, healthySince, health, true),
                        Move.FINISHED);
            }
            return new Outcome(
                    new WarmupProgress(p.step() + 1, now, healthySince, health, false),
                    Move.ADVANCED);
        }
        return new Outcome(
                new WarmupProgress(p.step(), p.since(), healthySince, health, false), Move.NONE);
    }

    /**
     * When the next advance may happen, if the IP stays healthy; while it is not, a re-evaluation
     * after {@code recheck} (its windows slide and may clear it). {@code Long.MAX_VALUE} when done.
     */
    public long nextEvaluation(WarmupProgress p, long now, Duration recheck) {
        if (p.done()) {
            return Long.MAX_VALUE;
        }
        if (p.healthySince() < 0) {
            return now + recheck.toMillis();
        }
        return Math.max(p.since(), p.healthySince()) + day.toMillis();
    }
}
