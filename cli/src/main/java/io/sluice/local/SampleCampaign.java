package io.sluice.local;

import io.sluice.schema.Priority;
import io.sluice.schema.SendRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A sample campaign for the local stack: several tenants, the big providers' domains in realistic
 * shares, and the usual trouble in small doses (unknown users, full mailboxes, greylisting, a
 * domain with a null MX, one that does not exist, and a few malformed requests). Deterministic per
 * seed.
 */
public final class SampleCampaign {

    private static final String[] TENANTS = {"acme", "globex", "initech"};

    /** Recipient domains with their share in percent; they add up to 100. */
    private static final Object[][] DOMAINS = {
        {"gmail.com", 30}, {"googlemail.com", 3}, {"outlook.com", 10}, {"hotmail.com", 8},
        {"live.com", 2}, {"yahoo.com", 12}, {"aol.com", 3}, {"ymail.com", 2},
        {"contoso.example", 15}, {"smallisp.example", 15},
    };

    private SampleCampaign() {}

    public static List<SendRequest> generate(String runId, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SendRequest> requests = new ArrayList<>(count);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            String tenant = TENANTS[i % TENANTS.length];
            String id = runId + "-" + i;
            String domain = pickDomain(random);
            double roll = random.nextDouble();
            String local = "user" + i;
            String subject = "Autumn news from " + tenant;
            if (roll < 0.015) {
                local = "unknown-" + local;
            } else if (roll < 0.020) {
                local = "full-" + local;
            } else if (roll < 0.050) {
                local = "greylist-" + local;
            } else if (roll < 0.052) {
                domain = "nomail.example";
            } else if (roll < 0.054) {
                domain = "no-such-domain.example";
            } else if (roll < 0.057) {
                subject = "Hello\r\nBcc: everyone@example.com";
            } else if (roll < 0.060) {
                local = "not an address";
            }
            boolean transactional = random.nextDouble() < 0.2;
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("run", runId);
            requests.add(
                    SendRequest.newBuilder()
                            .setMessageId(id)
                            .setTenant(tenant)
                            .setCampaign(transactional ? null : tenant + "-autumn")
                            .setPriority(
                                    transactional ? Priority.TRANSACTIONAL : Priority.MARKETING)
                            .setFromAddress("news@" + tenant + ".example")
                            .setFromName(
                                    Character.toUpperCase(tenant.charAt(0)) + tenant.substring(1))
                            .setReplyTo(null)
                            .setRecipient(local + "@" + domain)
                            .setRecipientName(null)
                            .setSubject(subject)
                            .setHeaders(Map.of("X-Campaign", tenant + "-autumn"))
                            .setTextBody("Hello " + local + ",\n\nOur autumn news is here.\n")
                            .setHtmlBody(
                                    "<p>Hello " + local + ",</p><p>Our autumn news is here.</p>")
                            .setUnsubscribeUrl("https://" + tenant + ".example/unsubscribe/" + id)
                            .setIpPool(null)
                            .setSubmittedAt(now)
                            .setMetadata(metadata)
                            .build());
        }
        return requests;
    }

    private static String pickDomain(SplittableRandom random) {
        int r = random.nextInt(100);
        for (Object[] d : DOMAINS) {
            r -= (Integer) d[1];
            if (r < 0) {
                return (String) d[0];
            }
        }
        return (String) DOMAINS[0][0];
    }
}
