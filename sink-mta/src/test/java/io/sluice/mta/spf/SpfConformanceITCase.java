package io.sluice.mta.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.Corpora;
import io.sluice.sim.dns.LocalDnsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.SimpleResolver;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The openspf suites ({@code spf/rfc7208-tests.yml}, {@code spf/rfc4408-tests.yml}): every test
 * against real DNS over UDP, each scenario's zone served by its own {@link LocalDnsServer}. Where a
 * test allows several results, any of them passes; an expected exp= explanation must match exactly
 * ("DEFAULT" means the receiver's own text, so none from the record).
 */
class SpfConformanceITCase {

    /**
     * RFC 7208 is the target. The RFC 4408 suite encodes the older rules, but where they differ its
     * tests list both results, so it must pass as well.
     */
    private static final List<String> SUITES = List.of("rfc7208", "rfc4408");

    private static final Map<Integer, LocalDnsServer> SERVERS = new ConcurrentHashMap<>();
    private static final Map<String, int[]> COUNTS = new TreeMap<>();

    @SuppressWarnings("unchecked")
    static Stream<Arguments> suite() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        LoaderOptions options = new LoaderOptions();
        int id = 0;
        for (String suite : SUITES) {
            try (InputStream in =
                    Files.newInputStream(Corpora.folder("spf").resolve(suite + "-tests.yml"))) {
                int index = 0;
                for (Object doc : new Yaml(options).loadAll(in)) {
                    Map<String, Object> scenario = (Map<String, Object>) doc;
                    String label =
                            String.format(
                                    Locale.ROOT,
                                    "spf-%s %02d %s",
                                    suite,
                                    index++,
                                    scenario.get("description"));
                    int zone = id++;
                    Map<String, Map<String, Object>> tests =
                            (Map<String, Map<String, Object>>) scenario.get("tests");
                    for (Map.Entry<String, Map<String, Object>> t : tests.entrySet()) {
                        cases.add(
                                Arguments.of(
                                        label,
                                        t.getKey(),
                                        zone,
                                        scenario.get("zonedata"),
                                        t.getValue()));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("suite")
    @SuppressWarnings("unchecked")
    void matchesSuite(
            String scenario,
            String name,
            int id,
            Map<String, List<Object>> zone,
            Map<String, Object> test)
            throws Exception {
        synchronized (COUNTS) {
            COUNTS.computeIfAbsent(scenario, s -> new int[2])[1]++;
        }
        LocalDnsServer server = SERVERS.computeIfAbsent(id, i -> serve(zone));
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTimeout(Duration.ofMillis(400));
        SpfChecker checker =
                new SpfChecker(
                        resolver,
                        SpfSettings.defaults(),
                        Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));

        SpfVerdict verdict =
                checker.check(
                        InetAddress.getByName((String) test.get("host")),
                        (String) test.get("mailfrom"),
                        (String) test.get("helo"));

        Object expected = test.get("result");
        List<String> allowed =
                expected instanceof List<?> l ? (List<String>) l : List.of((String) expected);
        assertThat(verdict.result().label())
                .as("%s (%s) -- %s", name, test.get("spec"), verdict.reason())
                .isIn(allowed);
        Object explanation = test.get("explanation");
        if (explanation != null && verdict.result() == SpfResult.FAIL) {
            assertThat(verdict.explanation().orElse("DEFAULT")).isEqualTo(explanation);
        }
        synchronized (COUNTS) {
            COUNTS.get(scenario)[0]++;
        }
    }

    private static LocalDnsServer serve(Map<String, List<Object>> zone) {
        LocalDnsServer server = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0);
        try {
            SpfSuiteZone.load(server, zone);
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("cannot serve the scenario's zone data", e);
        }
        return server;
    }

    @AfterAll
    static void report() {
        SERVERS.values().forEach(LocalDnsServer::close);
        for (String suite : SUITES) {
            int passed = 0;
            int total = 0;
            for (Map.Entry<String, int[]> e : COUNTS.entrySet()) {
                if (e.getKey().startsWith("spf-" + suite + " ")) {
                    System.out.printf(
                            Locale.ROOT,
                            "%-60s passed=%d total=%d%n",
                            e.getKey(),
                            e.getValue()[0],
                            e.getValue()[1]);
                    passed += e.getValue()[0];
                    total += e.getValue()[1];
                }
            }
            System.out.println(
                    "conformance spf-" + suite + ": passed=" + passed + " total=" + total);
        }
    }
}
