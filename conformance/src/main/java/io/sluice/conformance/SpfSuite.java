package io.sluice.conformance;

import io.sluice.bounce.corpus.Agreement;
import io.sluice.mta.spf.SpfChecker;
import io.sluice.mta.spf.SpfResult;
import io.sluice.mta.spf.SpfSettings;
import io.sluice.mta.spf.SpfVerdict;
import io.sluice.sim.dns.LocalDnsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.SimpleResolver;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * An openspf suite ({@code spf/rfc7208-tests.yml} or {@code spf/rfc4408-tests.yml}): every test
 * against real DNS over UDP, each scenario's zone served by its own {@link LocalDnsServer} on the
 * loopback. Where a test allows several results, any of them passes; an expected {@code exp=}
 * explanation must match exactly ("DEFAULT" means the receiver's own text, so none from the
 * record). RFC 7208 is the target; the RFC 4408 suite encodes the older rules, but where they
 * differ its tests list both results, so it must pass as well.
 */
public final class SpfSuite implements ConformanceSuite {

    /** Long enough for a loopback answer on a loaded machine, short for the TIMEOUT scenarios. */
    private static final Duration DNS_TIMEOUT = Duration.ofMillis(400);

    /** The suite's macro tests that print %{t} expect a fixed time. */
    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);

    private final String suite;

    /**
     * @param suite {@code rfc7208} or {@code rfc4408}
     */
    public SpfSuite(String suite) {
        this.suite = suite;
    }

    @Override
    public String name() {
        return "spf-" + suite;
    }

    @Override
    public String folder() {
        return "spf";
    }

    @Override
    public String marker() {
        return suite + "-tests.yml";
    }

    @Override
    public String verb() {
        return "passed";
    }

    @Override
    @SuppressWarnings("unchecked")
    public Result run(Path dir) {
        int passed = 0;
        int total = 0;
        List<String> failures = new ArrayList<>();
        try (InputStream in = Files.newInputStream(dir.resolve(marker()))) {
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(in)) {
                Map<String, Object> scenario = (Map<String, Object>) doc;
                Map<String, Map<String, Object>> tests =
                        (Map<String, Map<String, Object>>) scenario.get("tests");
                try (LocalDnsServer server =
                        LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0)) {
                    SpfSuiteZone.load(server, (Map<String, List<Object>>) scenario.get("zonedata"));
                    SimpleResolver resolver = new SimpleResolver(server.address());
                    resolver.setTimeout(DNS_TIMEOUT);
                    SpfChecker checker = new SpfChecker(resolver, SpfSettings.defaults(), CLOCK);
                    for (Map.Entry<String, Map<String, Object>> test : tests.entrySet()) {
                        total++;
                        String failure = check(checker, test.getValue());
                        if (failure == null) {
                            passed++;
                        } else {
                            failures.add(
                                    scenario.get("description")
                                            + ": "
                                            + test.getKey()
                                            + " ("
                                            + test.getValue().get("spec")
                                            + ") "
                                            + failure);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot run " + dir.resolve(marker()) + ": " + e, e);
        }
        return new Result(new Agreement(passed, total), List.of(), failures);
    }

    /** Null when the test passes, else what went wrong. */
    @SuppressWarnings("unchecked")
    private static String check(SpfChecker checker, Map<String, Object> test) throws IOException {
        SpfVerdict verdict =
                checker.check(
                        InetAddress.getByName((String) test.get("host")),
                        (String) test.get("mailfrom"),
                        (String) test.get("helo"));
        Object expected = test.get("result");
        List<String> allowed =
                expected instanceof List<?> l ? (List<String>) l : List.of((String) expected);
        if (!allowed.contains(verdict.result().label())) {
            return "expected "
                    + allowed
                    + " got "
                    + verdict.result().label()
                    + " -- "
                    + verdict.reason();
        }
        Object explanation = test.get("explanation");
        if (explanation != null && verdict.result() == SpfResult.FAIL) {
            String got = verdict.explanation().orElse("DEFAULT");
            if (!got.equals(explanation)) {
                return "expected explanation \"" + explanation + "\" got \"" + got + "\"";
            }
        }
        return null;
    }
}
