package io.sluice.mta.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.Corpora;
import io.sluice.sim.dns.LocalDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;

/**
 * mail-auth's SPF tests ({@code spf/mail-auth/*.yml}), served by a real DNS server. The files are
 * not YAML (keys repeat), so they are read line by line as mail-auth reads them: {@code spf:} and
 * {@code exp:} are a TXT record "name text", {@code a:}/{@code aaaa:} a name and its addresses,
 * {@code mx:} a name and the addresses of its MX hosts, {@code ptr:} an address and its names. As
 * RFC 7208 section 2.3 suggests (and the "HELO identity" scenario expects), the HELO name ({@code
 * domain}) is checked first: a fail there is final, otherwise the MAIL FROM ({@code sender}) result
 * counts. Names starting "_dns_error" answer SERVFAIL, mail-auth's convention for a DNS error.
 * Tests whose expectation is mail-auth's reading where RFC 7208 reads otherwise are skipped with
 * the reason ({@link #NOT_RFC7208}).
 */
class SpfMailAuthITCase {

    private static final Map<String, int[]> COUNTS = new TreeMap<>();

    /** (file, scenario, HELO, ip) of tests whose expectation is mail-auth's, not RFC 7208's. */
    private static final Map<String, String> NOT_RFC7208 =
            Map.of(
                    "basic.yml|DNS Lookup Limits|ok.test.org|172.168.0.1",
                    "ten a: mechanisms whose names do not exist: mail-auth applies no void-lookup"
                            + " limit; RFC 7208 4.6.4 recommends 2 (checked by the openspf suite)",
                    "basic.yml|DNS Lookup Limits|mx.test.org|10.0.0.8",
                    "11 MX records: RFC 7208 4.6.4 makes the mx mechanism a permerror;"
                            + " mail-auth evaluates the first 10",
                    "exists.yml|Exists|ip6.test.org|167.1.2.3",
                    "exists: on a name with only AAAA records: RFC 7208 5.7 looks up A records"
                            + " only, so it does not match",
                    "macro.yml|Macro expansion 2|mx.example.org|2001:db8::cb01",
                    "exists: on names with only AAAA records: RFC 7208 5.7 looks up A only",
                    "ip.yml|IPv6 match|test.org|10.1.2.3",
                    "ip6:::ffff:10.1.2.3 for an IPv4 client: RFC 7208 section 5 lists IPv4"
                            + " addresses only with ip4, so ip6 never matches an IPv4 client");

    /** One scenario: its records and its tests. */
    private record Scenario(
            String file, String name, List<String[]> records, List<Map<String, String>> tests) {}

    static Stream<Arguments> tests() throws IOException {
        Path dir = Corpora.folder("spf").resolve("mail-auth");
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                for (Scenario s : parse(file)) {
                    for (Map<String, String> t : s.tests()) {
                        out.add(Arguments.of(s.file(), s.name(), s, t));
                    }
                }
            }
        }
        return out.stream();
    }

    private static List<Scenario> parse(Path file) throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        String name = "";
        List<String[]> records = new ArrayList<>();
        List<Map<String, String>> tests = new ArrayList<>();
        Map<String, String> test = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("---")) {
                scenarios.add(new Scenario(file.getFileName().toString(), name, records, tests));
                name = "";
                records = new ArrayList<>();
                tests = new ArrayList<>();
                test = null;
            } else if (line.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (line.matches("  (spf|exp|a|aaaa|mx|ptr): .*")) {
                int colon = line.indexOf(':');
                records.add(new String[] {line.substring(2, colon), line.substring(colon + 2)});
            } else if (line.startsWith("  - ")) {
                test = new java.util.HashMap<>();
                tests.add(test);
                put(test, line.substring(4));
            } else if (line.startsWith("    ") && test != null) {
                put(test, line.substring(4));
            }
        }
        if (!tests.isEmpty()) {
            scenarios.add(new Scenario(file.getFileName().toString(), name, records, tests));
        }
        return scenarios;
    }

    private static void put(Map<String, String> test, String kv) {
        int colon = kv.indexOf(':');
        test.put(kv.substring(0, colon).strip(), kv.substring(colon + 1).strip());
    }

    @ParameterizedTest(name = "{0} {1}: {3}")
    @MethodSource("tests")
    void matchesMailAuth(String file, String name, Scenario scenario, Map<String, String> test)
            throws Exception {
        String skip =
                NOT_RFC7208.get(
                        file + "|" + name + "|" + test.get("domain") + "|" + test.get("ip"));
        org.junit.jupiter.api.Assumptions.assumeTrue(skip == null, "skipped: " + skip);
        synchronized (COUNTS) {
            COUNTS.computeIfAbsent(file, f -> new int[2])[1]++;
        }
        try (LocalDnsServer dns = LocalDnsServer.start(InetAddress.getLoopbackAddress(), 0)) {
            serve(dns, scenario);
            SimpleResolver resolver = new SimpleResolver(dns.address());
            resolver.setTimeout(Duration.ofMillis(400));
            SpfChecker checker =
                    new SpfChecker(
                            resolver,
                            SpfSettings.defaults(),
                            Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));

            InetAddress ip = InetAddress.getByName(test.get("ip"));
            SpfVerdict helo = checker.check(ip, "", test.get("domain"));
            SpfVerdict verdict =
                    helo.result() == SpfResult.FAIL
                            ? helo
                            : checker.check(ip, test.get("sender"), test.get("domain"));

            String[] expect = test.get("expect").split(" ", 2);
            assertThat(verdict.result().label())
                    .as("%s: %s (HELO: %s)", test, verdict.reason(), helo.result())
                    .isEqualTo(expect[0]);
            if (expect.length == 2) {
                assertThat(verdict.explanation()).contains(expect[1]);
            }
        }
        synchronized (COUNTS) {
            COUNTS.get(file)[0]++;
        }
    }

    private static void serve(LocalDnsServer dns, Scenario scenario) throws Exception {
        int mxHost = 0;
        for (String token :
                (scenario.records().stream().map(r -> r[1]).toList() + " " + scenario.tests())
                        .split("[\\s:,=\\]\\[{}]+")) {
            if (token.startsWith("_dns_error")) {
                dns.failWith(token, LocalDnsServer.Failure.SERVFAIL);
            }
        }
        for (String[] r : scenario.records()) {
            String[] parts = r[1].split(" ", 2);
            String owner = parts[0];
            if (owner.length() > 253 || owner.matches(".*[^.]{64,}.*")) {
                // Longer than DNS allows (RFC 1035 2.3.4): such a name cannot be served.
                continue;
            }
            String rest = parts.length > 1 ? parts[1] : "";
            switch (r[0]) {
                case "spf", "exp" ->
                        dns.add(new TXTRecord(name(owner), DClass.IN, 60, List.of(chunks(rest))));
                case "a" -> {
                    for (String ip : rest.split(",")) {
                        dns.add(
                                new ARecord(
                                        name(owner),
                                        DClass.IN,
                                        60,
                                        InetAddress.getByName(ip.strip())));
                    }
                }
                case "aaaa" -> {
                    for (String ip : rest.split(",")) {
                        dns.add(
                                new AAAARecord(
                                        name(owner),
                                        DClass.IN,
                                        60,
                                        InetAddress.getByName(ip.strip())));
                    }
                }
                case "mx" -> {
                    // Each address gets a synthetic MX host of its own.
                    int preference = 0;
                    for (String ip : rest.split(",")) {
                        Name host = name("mx" + mxHost++ + "." + owner);
                        dns.add(new MXRecord(name(owner), DClass.IN, 60, preference++, host));
                        InetAddress a = InetAddress.getByName(ip.strip());
                        dns.add(
                                a.getAddress().length == 4
                                        ? new ARecord(host, DClass.IN, 60, a)
                                        : new AAAARecord(host, DClass.IN, 60, a));
                    }
                }
                case "ptr" -> {
                    Name reverse = ReverseMap.fromAddress(InetAddress.getByName(owner));
                    for (String target : rest.split(",")) {
                        dns.add(new PTRRecord(reverse, DClass.IN, 60, name(target.strip())));
                    }
                }
                default -> throw new IllegalArgumentException("record kind " + r[0]);
            }
        }
    }

    /** TXT character-strings hold at most 255 octets (RFC 1035 3.3.14); split longer text. */
    private static String[] chunks(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            out.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        return out.isEmpty() ? new String[] {""} : out.toArray(String[]::new);
    }

    private static Name name(String n) throws Exception {
        return Name.fromString(n.endsWith(".") ? n : n + ".");
    }

    @AfterAll
    static void report() {
        int passed = 0;
        int total = 0;
        for (Map.Entry<String, int[]> e : COUNTS.entrySet()) {
            System.out.printf(
                    Locale.ROOT,
                    "spf-mail-auth %-14s passed=%d total=%d%n",
                    e.getKey(),
                    e.getValue()[0],
                    e.getValue()[1]);
            passed += e.getValue()[0];
            total += e.getValue()[1];
        }
        System.out.println("conformance spf-mail-auth: passed=" + passed + " total=" + total);
    }
}
