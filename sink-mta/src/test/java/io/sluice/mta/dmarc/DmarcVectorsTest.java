package io.sluice.mta.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.sluice.mta.Corpora;
import io.sluice.mta.spf.SpfResult;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The DMARC corpus vectors that follow RFC 7489: record parsing, identifier alignment, evaluation
 * and policy discovery. Vectors that encode DMARCbis-only behaviour are skipped with the reason
 * (see {@link #DMARCBIS_ONLY}).
 */
class DmarcVectorsTest {

    /**
     * Vectors whose expected value needs DMARCbis features RFC 7489 does not have: np= for
     * non-existent subdomains (RFC 9091) and psd= with the DNS tree walk. "p=n" is accepted by
     * OpenDMARC, which reads only the first letter, but RFC 7489 6.3 allows only none, quarantine
     * and reject.
     */
    private static final Map<String, String> DMARCBIS_ONLY =
            Map.of(
                    "mailauth-policy-3", "np= (DMARCbis / RFC 9091) is not RFC 7489",
                    "mailauth-policy-6", "np= and the DMARCbis tree walk are not RFC 7489",
                    "mailauth-psd-2", "psd= and the DMARCbis tree walk are not RFC 7489",
                    "opendmarc-parse-5",
                            "p=n is an OpenDMARC leniency; RFC 7489 6.3 requires none|quarantine|reject");

    @SuppressWarnings("unchecked")
    private static Stream<Map<String, Object>> lines(String file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(Corpora.folder("dmarc").resolve(file))) {
            if (!line.isBlank()) {
                out.add((Map<String, Object>) new Yaml().load(line));
            }
        }
        return out.stream();
    }

    static Stream<Map<String, Object>> records() throws IOException {
        return lines("record_parsing.jsonl");
    }

    static Stream<Map<String, Object>> alignment() throws IOException {
        return lines("alignment_and_evaluation.jsonl");
    }

    static Stream<Map<String, Object>> fromDomains() throws IOException {
        return lines("from_domain_extraction.jsonl");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    @SuppressWarnings("unchecked")
    void parsesRecord(Map<String, Object> v) {
        skipIfNotRfc7489(v);
        String text = (String) v.get("record");
        if ("error".equals(v.get("expected_outcome"))) {
            assertThatThrownBy(() -> DmarcRecord.parse(text))
                    .isInstanceOfSatisfying(
                            DmarcRecordException.class,
                            e ->
                                    assertThat("DMARC_PARSE_ERROR_" + e.problem())
                                            .isEqualTo(v.get("expected_detail")));
            return;
        }
        DmarcRecord r = DmarcRecord.parse(text);
        Map<String, Object> f = (Map<String, Object>) v.get("expected_fields");
        if (f == null) {
            return;
        }
        assertThat(r.policy().name().toLowerCase(Locale.ROOT)).isEqualTo(f.get("p"));
        if (f.containsKey("sp")) {
            assertThat(r.policyForSubdomains().name().toLowerCase(Locale.ROOT))
                    .isEqualTo(f.get("sp"));
        }
        if (f.containsKey("adkim")) {
            assertThat(r.dkimAlignment().name().substring(0, 1).toLowerCase(Locale.ROOT))
                    .isEqualTo(f.get("adkim"));
            assertThat(r.spfAlignment().name().substring(0, 1).toLowerCase(Locale.ROOT))
                    .isEqualTo(f.get("aspf"));
        }
        if (f.containsKey("pct")) {
            assertThat(r.percent()).isEqualTo(f.get("pct"));
        }
        List<List<Object>> rua = (List<List<Object>>) f.get("rua");
        assertThat(r.aggregateReports()).hasSize(rua.size());
        for (int i = 0; i < rua.size(); i++) {
            ReportUri got = r.aggregateReports().get(i);
            Object size = rua.get(i).get(1);
            // mail-auth writes the address without "mailto:" and 0 for "no limit".
            if (String.valueOf(rua.get(i).get(0)).startsWith("mailto:")) {
                assertThat(got.uri()).isEqualTo(rua.get(i).get(0));
            } else {
                assertThat(got.uri()).startsWith("mailto:");
            }
            long want = size == null ? -1 : ((Number) size).longValue();
            assertThat(got.maxBytes().orElse(want == 0 ? 0 : -1)).isEqualTo(want);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alignment")
    @SuppressWarnings("unchecked")
    void alignsAndEvaluates(Map<String, Object> v) throws IOException {
        skipIfNotRfc7489(v);
        String kind = (String) v.get("kind");
        if (kind.equals("identifier_alignment")) {
            Alignment mode = v.get("mode").equals("strict") ? Alignment.STRICT : Alignment.RELAXED;
            assertThat(mode.aligns((String) v.get("domain_a"), (String) v.get("domain_b")))
                    .isEqualTo(v.get("expected").equals("aligned"));
            return;
        }
        Map<String, String> dns = new HashMap<>((Map<String, String>) v.get("dmarc_records"));
        String from = (String) v.get("header_from_domain");
        if (kind.equals("policy_discovery")) {
            DmarcChecker checker = new DmarcChecker(name -> txt(dns, name), new Random(1));
            DmarcChecker.Discovery d = checker.discover(from).orElseThrow();
            assertThat("policy=" + d.applicable().name().toLowerCase(Locale.ROOT))
                    .isEqualTo(v.get("expected"));
            return;
        }
        Map<String, Object> spf = (Map<String, Object>) v.get("spf");
        SpfResult spfResult =
                spf.get("result").equals("pass")
                        ? SpfResult.PASS
                        : spf.get("result").equals("fail") ? SpfResult.FAIL : SpfResult.NONE;
        String spfDomain =
                spf.get("smtp.mailfrom") != null
                        ? (String) spf.get("smtp.mailfrom")
                        : (String) v.get("mail_from_domain");
        List<String> dkimPass = new ArrayList<>();
        for (Map<String, Object> sig : (List<Map<String, Object>>) v.get("dkim")) {
            if (sig.get("result").equals("pass")) {
                dkimPass.add((String) sig.get("header.d"));
            }
        }
        if (kind.equals("dmarc_evaluation_statistical")) {
            DmarcChecker checker = new DmarcChecker(name -> txt(dns, name), new Random(7208));
            int rejected = 0;
            for (int i = 0; i < 10_000; i++) {
                DmarcVerdict verdict = checker.check(from, spfResult, spfDomain, dkimPass);
                assertThat(verdict.result()).isEqualTo(DmarcResult.FAIL);
                if (verdict.disposition() == DmarcPolicy.REJECT) {
                    rejected++;
                } else {
                    assertThat(verdict.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
                }
            }
            assertThat(rejected).isBetween(3_500, 6_500);
            return;
        }
        DmarcVerdict verdict =
                new DmarcChecker(name -> txt(dns, name), new Random(1))
                        .check(from, spfResult, spfDomain, dkimPass);
        String expected = (String) v.get("expected");
        if (expected.contains("=")) {
            for (String part : expected.split(";\\s*")) {
                String[] kv = part.split("=", 2);
                switch (kv[0]) {
                    case "dkim_alignment" ->
                            assertThat(verdict.dkimAligned()).isEqualTo(kv[1].equals("pass"));
                    case "spf_alignment" ->
                            assertThat(verdict.spfAligned()).isEqualTo(kv[1].equals("pass"));
                    case "policy" ->
                            assertThat(
                                            verdict.record()
                                                    .orElseThrow()
                                                    .policy()
                                                    .name()
                                                    .toLowerCase(Locale.ROOT))
                                    .isEqualTo(kv[1]);
                    default -> throw new IllegalArgumentException("expectation " + part);
                }
            }
            return;
        }
        String got =
                verdict.result() == DmarcResult.PASS
                        ? "pass"
                        : verdict.disposition().name().toLowerCase(Locale.ROOT);
        assertThat(got).as(verdict.reason()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fromDomains")
    void extractsTheAuthorDomain(Map<String, Object> v) {
        assertThat(AuthorDomain.of((String) v.get("header_value")))
                .contains((String) v.get("expected_domain"));
    }

    private static void skipIfNotRfc7489(Map<String, Object> v) {
        String reason = DMARCBIS_ONLY.get((String) v.get("id"));
        assumeFalse(reason != null, "skipped: " + reason);
    }

    private static List<String> txt(Map<String, String> dns, String name) {
        String r = dns.get(name);
        return r == null ? List.of() : List.of(r);
    }
}
