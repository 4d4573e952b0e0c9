package io.sluice.reputation;

import java.util.Map;

/**
 * What the rules make of an entity's counts at one moment.
 *
 * @param score 100 when no signal weighs on the entity, 0 when one is at its top line (the formula:
 *     docs/design/reputation.md)
 * @param reason the line that set the health, in words; "within every line" when healthy
 * @param figures the numbers behind it, as a decision's figures map
 */
public record Assessment(Health health, int score, String reason, Map<String, Double> figures) {}
