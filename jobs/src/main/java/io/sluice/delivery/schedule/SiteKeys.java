package io.sluice.delivery.schedule;

import io.sluice.delivery.shaping.ShapingRules;
import java.io.Serializable;

/**
 * The scheduler's key: {@code site#shard}. A message's shard is a hash of its id over the site's
 * {@code shards} (from the shaping rules), so a hot site spreads over several subtasks; feedback
 * goes to every shard of its site, so a block or a throttle reaches all of them.
 */
public final class SiteKeys implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ShapingRules rules;

    public SiteKeys(ShapingRules rules) {
        this.rules = rules;
    }

    public static String key(String site, int shard) {
        return site + "#" + shard;
    }

    public static String site(String key) {
        return key.substring(0, key.lastIndexOf('#'));
    }

    public static int shard(String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf('#') + 1));
    }

    public String keyOf(String site, String messageId) {
        return key(site, Math.floorMod(messageId.hashCode(), rules.shards(site)));
    }

    public int shards(String site) {
        return rules.shards(site);
    }
}
