package io.sluice.delivery.shaping;

import io.sluice.delivery.ledger.Delivery;

/**
 * A message the scheduler lets go: to {@code site}, from {@code sendingIp}, now.
 *
 * @param shard the scheduler key's shard of the site, so feedback can name where it came from
 */
public record Release(Delivery delivery, String site, int shard, String sendingIp) {}
