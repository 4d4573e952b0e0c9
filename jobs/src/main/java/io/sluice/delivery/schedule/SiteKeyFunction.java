package io.sluice.delivery.schedule;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.delivery.ledger.Delivery;
import io.sluice.delivery.send.SmtpDeliveryFunction;
import io.sluice.delivery.shaping.RecipientSites;
import io.sluice.mta.route.MxResolver;
import io.sluice.mta.route.Route;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Gives each message on its way to the scheduler its key, {@code site#shard}: the site from the
 * recipient's domain and, for a domain no provider list names, from its MX hosts ({@link
 * RecipientSites}); the shard from its message id. A provider's own domains and every domain whose
 * MX answer is cached are keyed at once on the task thread; only a cache miss asks DNS, on this
 * function's own threads, so the task never waits on the network. Stateless (the async operator
 * checkpoints what is in flight).
 */
public final class SiteKeyFunction extends RichAsyncFunction<Delivery, ScheduleInput> {

    private static final long serialVersionUID = 1L;

    private static final int DNS_THREADS = 4;

    private final SiteKeys keys;
    private final String dnsServer;
    private final Duration dnsTimeout;
    private transient RecipientSites sites;
    private transient MxResolver resolver;
    private transient ExecutorService lookups;

    /**
     * @param dnsServer {@code host:port} of the resolver; null for the system's
     */
    public SiteKeyFunction(SiteKeys keys, String dnsServer, Duration dnsTimeout) {
        this.keys = keys;
        this.dnsServer = dnsServer;
        this.dnsTimeout = dnsTimeout;
    }

    /**
     * How long a message may wait for its site: a DNS lookup's tries and its fallback, with room.
     */
    public static Duration timeout(Duration dnsTimeout) {
        return dnsTimeout.multipliedBy(4).plusSeconds(1);
    }

    @Override
    public void open(OpenContext context) throws Exception {
        // The bounce module's directory is the one list of provider domains; it is not
        // serializable, so each task reads it from the classpath.
        sites = new RecipientSites(BounceClassifier.fromClasspath().sites());
        resolver = new MxResolver(SmtpDeliveryFunction.resolver(dnsServer, dnsTimeout));
        lookups =
                Executors.newFixedThreadPool(
                        DNS_THREADS,
                        r -> {
                            Thread t = new Thread(r, "site-mx-lookup");
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    public void asyncInvoke(Delivery d, ResultFuture<ScheduleInput> result) {
        String recipient = d.message().recipient();
        Optional<String> known = sites.known(recipient);
        if (known.isPresent()) {
            complete(result, known.get(), d);
            return;
        }
        String domain = RecipientSites.domainOf(recipient);
        Optional<Route> cached = resolver.cached(domain);
        if (cached.isPresent()) {
            complete(result, sites.siteOf(domain, cached.get()), d);
            return;
        }
        CompletableFuture.supplyAsync(() -> sites.siteOf(domain, resolver.resolve(domain)), lookups)
                .whenComplete(
                        (site, error) ->
                                complete(
                                        result, error == null ? site : sites.siteOf(recipient), d));
    }

    /** DNS slower than its own time-outs: the domain is its own site; never a failed job. */
    @Override
    public void timeout(Delivery d, ResultFuture<ScheduleInput> result) {
        complete(result, sites.siteOf(d.message().recipient()), d);
    }

    private void complete(ResultFuture<ScheduleInput> result, String site, Delivery d) {
        result.complete(
                Collections.singleton(
                        ScheduleInput.message(keys.keyOf(site, d.message().messageId()), d)));
    }

    @Override
    public void close() {
        if (lookups != null) {
            lookups.shutdownNow();
        }
    }
}
