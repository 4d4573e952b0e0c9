package io.sluice.delivery.schedule;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.shaping.RecipientSites;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Gives each message on its way to the scheduler its key, {@code site#shard}: the site from the
 * recipient's domain ({@link RecipientSites}), the shard from its message id. Stateless.
 */
public final class SiteKeyFunction extends RichMapFunction<Delivery, ScheduleInput> {

    private static final long serialVersionUID = 1L;

    private final SiteKeys keys;
    private transient RecipientSites sites;

    public SiteKeyFunction(SiteKeys keys) {
        this.keys = keys;
    }

    @Override
    public void open(OpenContext context) {
        // The bounce module's directory is the one list of provider domains; it is not
        // serializable, so each task reads it from the classpath.
        sites = new RecipientSites(BounceClassifier.fromClasspath().sites());
    }

    @Override
    public ScheduleInput map(Delivery d) {
        String site = sites.siteOf(d.message().recipient());
        return ScheduleInput.message(keys.keyOf(site, d.message().messageId()), d);
    }
}
