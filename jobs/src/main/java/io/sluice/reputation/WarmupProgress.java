package io.sluice.reputation;

/**
 * Where one IP is in its warm-up at one site (or everywhere, for the IP-wide quota).
 *
 * @param step the current step of the plan, from 0
 * @param since when the current step began (an advance or a step back)
 * @param healthySince since when the entity has been healthy without a break; -1 while it is not
 * @param lastHealth the health at the last evaluation: a step back happens on entering THROTTLED or
 *     BLOCKED, and again only after a further day in it
 * @param done whether the plan is finished and the IP is warm there
 */
public record WarmupProgress(
        int step, long since, long healthySince, Health lastHealth, boolean done) {

    public static WarmupProgress start(long now) {
        return new WarmupProgress(0, now, now, Health.HEALTHY, false);
    }
}
