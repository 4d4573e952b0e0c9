package io.sluice.delivery.shaping;

import io.sluice.delivery.ledger.Delivery;
import java.util.List;

/**
 * A message the scheduler lets go: to {@code site}, from {@code sendingIp}, now.
 *
 * @param shard the scheduler key's shard of the site, so feedback can name where it came from
 * @param sendingIp null when the message leaves the queue expired: no IP could send it to the site
 *     within its max age, and it ends EXPIRED without an attempt
 * @param dkim the DKIM key changes of the From domain in force when it left, oldest first; null
 *     when there are none. The SMTP stage applies them before signing, so every message released
 *     after a withdrawal reached the scheduler is signed without the withdrawn key.
 */
public record Release(
        Delivery delivery, String site, int shard, String sendingIp, List<DkimChange> dkim) {

    public Release(Delivery delivery, String site, int shard, String sendingIp) {
        this(delivery, site, shard, sendingIp, null);
    }

    public boolean expired() {
        return sendingIp == null;
    }
}
