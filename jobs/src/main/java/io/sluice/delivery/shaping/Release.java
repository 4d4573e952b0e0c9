package io.sluice.delivery.shaping;

import io.sluice.delivery.ledger.Delivery;

/**
 * A message the scheduler lets go: to {@code site}, from {@code sendingIp}, now.
 *
 * @param shard the scheduler key's shard of the site, so feedback can name where it came from
 * @param sendingIp null when the message leaves the queue expired: no IP could send it to the site
 *     within its max age, and it ends EXPIRED without an attempt
 */
public record Release(Delivery delivery, String site, int shard, String sendingIp) {

    public boolean expired() {
        return sendingIp == null;
    }
}
